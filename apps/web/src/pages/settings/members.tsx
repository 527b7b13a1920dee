import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createInviteSchema } from '@kindling/shared';
import type { CreateInviteInput, Invite, Me, Member, Role } from '@kindling/shared';
import type { z } from 'zod';
import { api } from '../../api';
import { Avatar, Badge, Card } from '../../components/layout';
import { SelectField, TextField } from '../../components/field';
import { Button } from '../../components/button';
import { Alert, EmptyState, ErrorState, LoadingRows } from '../../components/feedback';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { CopyField } from '../../components/copy-field';
import { MailIcon } from '../../components/icons';
import { useToast } from '../../components/toast';
import { applyServerError } from '../../lib/form';
import { useSession, wsKey } from '../../lib/queries';
import { assignableRoles, canEditMember, canManage, ROLE_HINT, ROLE_LABEL } from '../../lib/roles';
import { initials, relativeTime, shortDate } from '../../lib/format';

type CreatedInvite = Invite & { url: string };

export function MembersSettingsPage() {
  const me = useSession();
  const manage = canManage(me.role);
  return (
    <div className="stack-lg">
      <MembersCard me={me} />
      <InvitesSection me={me} manage={manage} />
    </div>
  );
}

function MembersCard({ me }: { me: Me }) {
  const qc = useQueryClient();
  const toast = useToast();
  const key = wsKey(me.workspace.id, 'members');
  const members = useQuery({ queryKey: key, queryFn: () => api.get<Member[]>('/api/members') });
  const [removing, setRemoving] = useState<Member | null>(null);

  const changeRole = useMutation({
    mutationFn: ({ id, role }: { id: string; role: Role }) =>
      api.patch<Member>(`/api/members/${id}`, { role }),
    onSuccess: (m) =>
      toast.success(`${m.name || m.email} is now ${ROLE_LABEL[m.role].toLowerCase()}`),
    onError: (err) => toast.error(err.message),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
  const remove = useMutation({
    mutationFn: (m: Member) => api.delete(`/api/members/${m.id}`),
    onSuccess: (_, m) => {
      toast.success(`${m.name || m.email} was removed from ${me.workspace.name}`);
      setRemoving(null);
    },
    onError: (err) => toast.error(err.message),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });

  const roles = assignableRoles(me.role);

  return (
    <Card
      title="Members"
      description="People who can sign in to this workspace."
      actions={
        members.data && (
          <span className="muted">
            {members.data.length} {members.data.length === 1 ? 'member' : 'members'}
          </span>
        )
      }
      flush
      testId="members-card"
    >
      {members.isPending && <LoadingRows />}
      {members.isError && (
        <ErrorState error={members.error} onRetry={() => void members.refetch()} />
      )}
      {members.data && (
        <div className="table-wrap">
          <table className="table" data-testid="members-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.data.map((m) => {
                const isSelf = m.userId === me.user.id;
                const editable = canEditMember(me.role, m.role, isSelf);
                return (
                  <tr key={m.id} data-testid="member-row">
                    <td>
                      <div className="person">
                        <Avatar text={initials(m.name, m.email)} size={32} />
                        <div className="person-text">
                          <span className="person-name">
                            {m.name || m.email}
                            {isSelf && <Badge>You</Badge>}
                          </span>
                          <span className="person-email">{m.email}</span>
                        </div>
                      </div>
                    </td>
                    <td>
                      {editable ? (
                        <select
                          className="input select input-sm"
                          aria-label={`Role for ${m.name || m.email}`}
                          value={m.role}
                          disabled={changeRole.isPending && changeRole.variables.id === m.id}
                          onChange={(e) =>
                            changeRole.mutate({ id: m.id, role: e.target.value as Role })
                          }
                        >
                          {(roles.includes(m.role) ? roles : [m.role, ...roles]).map((r) => (
                            <option key={r} value={r}>
                              {ROLE_LABEL[r]}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <Badge tone={m.role === 'owner' ? 'accent' : 'neutral'}>
                          {ROLE_LABEL[m.role]}
                        </Badge>
                      )}
                    </td>
                    <td className="muted" title={shortDate(m.createdAt)}>
                      {relativeTime(m.createdAt)}
                    </td>
                    <td className="cell-actions">
                      {editable && (
                        <Button
                          size="sm"
                          variant="ghost"
                          className="btn-danger-text"
                          onClick={() => setRemoving(m)}
                        >
                          Remove
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.name || removing?.email || 'member'}?`}
        confirmLabel="Remove member"
        pending={remove.isPending}
        onCancel={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate(removing)}
      >
        They lose access to {me.workspace.name} immediately. Forms, leads and campaigns they created
        stay in the workspace.
      </ConfirmDialog>
    </Card>
  );
}

function InvitesSection({ me, manage }: { me: Me; manage: boolean }) {
  const qc = useQueryClient();
  const toast = useToast();
  const key = wsKey(me.workspace.id, 'invites');
  const invites = useQuery({ queryKey: key, queryFn: () => api.get<Invite[]>('/api/invites') });
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const [revoking, setRevoking] = useState<Invite | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  const {
    register,
    handleSubmit,
    setError,
    reset,
    setFocus,
    formState: { errors },
  } = useForm({
    resolver: zodResolver(createInviteSchema),
    defaultValues: { email: '', role: 'member' } satisfies CreateInviteInput,
  });

  const create = useMutation({
    mutationFn: (body: z.output<typeof createInviteSchema>) =>
      api.post<CreatedInvite>('/api/invites', body),
    onSuccess: (inv) => {
      setCreated(inv);
      reset({ email: '', role: 'member' });
      toast.success(`Invite created for ${inv.email}`);
    },
    onError: (err) => setFormError(applyServerError(err, setError, ['email', 'role'])),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });

  const revoke = useMutation({
    mutationFn: (inv: Invite) => api.delete(`/api/invites/${inv.id}`),
    onSuccess: () => {
      toast.success('Invite revoked');
      setRevoking(null);
    },
    onError: (err) => toast.error(err.message),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });

  const inviteRoles = assignableRoles(me.role).filter(
    (r): r is Exclude<Role, 'owner'> => r !== 'owner',
  );
  const pending = invites.data?.filter((i) => i.acceptedAt === null) ?? [];

  return (
    <>
      {manage && (
        <Card
          title="Invite a teammate"
          description="Send the link yourself by email or chat. It works once, only for that address, and expires."
          testId="invite-card"
        >
          <form
            noValidate
            className="inline-form"
            onSubmit={handleSubmit((values) => {
              setFormError(null);
              create.mutate(values);
            })}
          >
            {formError && <Alert>{formError}</Alert>}
            <div className="inline-form-row">
              <TextField
                label="Email"
                type="email"
                placeholder="teammate@company.com"
                hint="Only someone signed in with this address can accept."
                error={errors.email?.message}
                className="input-grow"
                data-testid="invite-email"
                {...register('email')}
              />
              <SelectField
                label="Role"
                error={errors.role?.message}
                {...register('role')}
                data-testid="invite-role"
              >
                {inviteRoles.map((r) => (
                  <option key={r} value={r}>
                    {ROLE_LABEL[r]}
                  </option>
                ))}
              </SelectField>
              <div className="inline-form-submit">
                <Button
                  type="submit"
                  variant="primary"
                  loading={create.isPending}
                  icon={<MailIcon size={16} />}
                  data-testid="invite-submit"
                >
                  Create invite
                </Button>
              </div>
            </div>
            <ul className="field-hint" data-testid="role-hints">
              {inviteRoles.map((r) => (
                <li key={r}>
                  <strong>{ROLE_LABEL[r]}:</strong> {ROLE_HINT[r]}.
                </li>
              ))}
            </ul>
          </form>
          {created && (
            <div className="reveal" data-testid="invite-created">
              <Alert tone="success" title={`Invite link for ${created.email}`}>
                Copy it now and send it to your teammate. For your security it will not be shown
                again; if you lose it, revoke the invite and create a new one. Expires{' '}
                {relativeTime(created.expiresAt)}.
              </Alert>
              <CopyField value={created.url} label="Invite link" testId="invite-url" />
              <div className="reveal-actions">
                <Button size="sm" variant="ghost" onClick={() => setCreated(null)}>
                  Done
                </Button>
              </div>
            </div>
          )}
        </Card>
      )}

      <Card
        title="Pending invites"
        description="Invites that have not been accepted yet."
        flush
        testId="invites-card"
      >
        {invites.isPending && <LoadingRows rows={2} />}
        {invites.isError && (
          <ErrorState error={invites.error} onRetry={() => void invites.refetch()} />
        )}
        {invites.data && pending.length === 0 && (
          <EmptyState
            compact
            icon={<MailIcon size={20} />}
            title="No pending invites"
            actions={
              manage ? (
                <Button size="sm" onClick={() => setFocus('email')}>
                  Invite a teammate
                </Button>
              ) : undefined
            }
          >
            <p>
              {manage
                ? `Create an invite above to bring your team into ${me.workspace.name}.`
                : 'An admin or owner can invite people to this workspace.'}
            </p>
          </EmptyState>
        )}
        {pending.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="invites-table">
              <thead>
                <tr>
                  <th scope="col">Invitee</th>
                  <th scope="col">Role</th>
                  <th scope="col">Sent</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {pending.map((inv) => (
                  <tr key={inv.id}>
                    <td>
                      {inv.email ?? <span className="muted">No address (cannot be accepted)</span>}
                    </td>
                    <td>
                      <Badge>{ROLE_LABEL[inv.role]}</Badge>
                    </td>
                    <td className="muted">{relativeTime(inv.createdAt)}</td>
                    <td className="muted" title={shortDate(inv.expiresAt)}>
                      {relativeTime(inv.expiresAt)}
                    </td>
                    <td className="cell-actions">
                      {manage && (
                        <Button
                          size="sm"
                          variant="ghost"
                          className="btn-danger-text"
                          onClick={() => setRevoking(inv)}
                        >
                          Revoke
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <ConfirmDialog
          open={revoking !== null}
          title="Revoke this invite?"
          confirmLabel="Revoke invite"
          pending={revoke.isPending}
          onCancel={() => setRevoking(null)}
          onConfirm={() => revoking && revoke.mutate(revoking)}
        >
          The link {revoking?.email ? `sent to ${revoking.email} ` : ''}stops working immediately.
        </ConfirmDialog>
      </Card>
    </>
  );
}
