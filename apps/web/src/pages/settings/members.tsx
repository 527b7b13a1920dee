import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createInviteSchema } from '@kindling/shared';
import type { CreatedInvite, Invite, Me, Member, Role } from '@kindling/shared';
import { api } from '../../api';
import { Avatar, Badge, Card } from '../../components/layout';
import { SelectField, TextField } from '../../components/field';
import { Button, RowDangerButton } from '../../components/button';
import { ConfirmDialog, useConfirmedAction } from '../../components/confirm-dialog';
import { SecretReveal } from '../../components/copy-field';
import { DataTable, QueryBody } from '../../components/data-table';
import { InlineCreateForm } from '../../components/inline-form';
import { MailIcon } from '../../components/icons';
import { useToast } from '../../components/toast';
import { useServerForm } from '../../lib/form';
import { useSession, wsKey } from '../../lib/queries';
import { assignableRoles, canEditMember, canManage, ROLE_HINT, ROLE_LABEL } from '../../lib/roles';
import { initials, relativeTime, shortDate } from '../../lib/format';
import './settings.css';

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

  const changeRole = useMutation({
    mutationFn: ({ id, role }: { id: string; role: Role }) =>
      api.patch<Member>(`/api/members/${id}`, { role }),
    onSuccess: (m) =>
      toast.success(`${m.name || m.email} is now ${ROLE_LABEL[m.role].toLowerCase()}`),
    onError: (err) => toast.error(err.message),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
  const remove = useConfirmedAction({
    action: (m: Member) => api.delete(`/api/members/${m.id}`),
    onSuccess: (m) => toast.success(`${m.name || m.email} was removed from ${me.workspace.name}`),
    invalidate: key,
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
      <QueryBody query={members}>
        {(all) => (
          <DataTable
            testId="members-table"
            columns={['Name', 'Role', 'Joined', { label: 'Actions', hidden: true }]}
          >
            {all.map((m) => {
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
                      <RowDangerButton onClick={() => remove.ask(m)}>Remove</RowDangerButton>
                    )}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </QueryBody>
      <ConfirmDialog
        {...remove.dialog}
        title={`Remove ${remove.item?.name || remove.item?.email || 'member'}?`}
        confirmLabel="Remove member"
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

  const server = useServerForm({
    schema: createInviteSchema,
    defaultValues: { email: '', role: 'member' },
    fields: ['email', 'role'],
    submit: (body) => api.post<CreatedInvite>('/api/invites', body),
    onSuccess: (inv) => {
      setCreated(inv);
      form.reset({ email: '', role: 'member' });
      toast.success(`Invite created for ${inv.email}`);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
  const { form, errors } = server;

  const revoke = useConfirmedAction({
    action: (inv: Invite) => api.delete(`/api/invites/${inv.id}`),
    onSuccess: () => toast.success('Invite revoked'),
    invalidate: key,
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
          <InlineCreateForm
            server={server}
            submitLabel="Create invite"
            submitIcon={<MailIcon size={16} />}
            submitTestId="invite-submit"
            fields={
              <>
                <TextField
                  label="Email"
                  type="email"
                  placeholder="teammate@company.com"
                  hint="Only someone signed in with this address can accept."
                  error={errors.email?.message}
                  className="input-grow"
                  data-testid="invite-email"
                  {...form.register('email')}
                />
                <SelectField
                  label="Role"
                  error={errors.role?.message}
                  {...form.register('role')}
                  data-testid="invite-role"
                >
                  {inviteRoles.map((r) => (
                    <option key={r} value={r}>
                      {ROLE_LABEL[r]}
                    </option>
                  ))}
                </SelectField>
              </>
            }
          >
            <ul className="field-hint" data-testid="role-hints">
              {inviteRoles.map((r) => (
                <li key={r}>
                  <strong>{ROLE_LABEL[r]}:</strong> {ROLE_HINT[r]}.
                </li>
              ))}
            </ul>
          </InlineCreateForm>
          {created && (
            <SecretReveal
              tone="success"
              title={`Invite link for ${created.email}`}
              value={created.url}
              label="Invite link"
              valueTestId="invite-url"
              testId="invite-created"
              doneLabel="Done"
              onDone={() => setCreated(null)}
            >
              Copy it now and send it to your teammate. For your security it will not be shown
              again; if you lose it, revoke the invite and create a new one. Expires{' '}
              {relativeTime(created.expiresAt)}.
            </SecretReveal>
          )}
        </Card>
      )}

      <Card
        title="Pending invites"
        description="Invites that have not been accepted yet."
        flush
        testId="invites-card"
      >
        <QueryBody
          query={invites}
          rows={2}
          isEmpty={() => pending.length === 0}
          empty={{
            icon: <MailIcon size={20} />,
            title: 'No pending invites',
            actions: manage ? (
              <Button size="sm" onClick={() => form.setFocus('email')}>
                Invite a teammate
              </Button>
            ) : undefined,
            children: (
              <p>
                {manage
                  ? `Create an invite above to bring your team into ${me.workspace.name}.`
                  : 'An admin or owner can invite people to this workspace.'}
              </p>
            ),
          }}
        >
          {() => (
            <DataTable
              testId="invites-table"
              columns={['Invitee', 'Role', 'Sent', 'Expires', { label: 'Actions', hidden: true }]}
            >
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
                      <RowDangerButton onClick={() => revoke.ask(inv)}>Revoke</RowDangerButton>
                    )}
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </QueryBody>
        <ConfirmDialog {...revoke.dialog} title="Revoke this invite?" confirmLabel="Revoke invite">
          The link {revoke.item?.email ? `sent to ${revoke.item.email} ` : ''}stops working
          immediately.
        </ConfirmDialog>
      </Card>
    </>
  );
}
