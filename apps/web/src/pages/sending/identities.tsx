import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createIdentitySchema } from '@kindling/shared';
import type { CreateIdentityInput, Identity, SendTestResult } from '@kindling/shared';
import { api } from '../../api';
import { Badge, Card } from '../../components/layout';
import { TextField } from '../../components/field';
import { Button } from '../../components/button';
import { Alert, EmptyState, ErrorState, LoadingRows } from '../../components/feedback';
import { CopyField } from '../../components/copy-field';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { PlusIcon, SendingIcon } from '../../components/icons';
import { useToast } from '../../components/toast';
import { applyServerError } from '../../lib/form';
import { useSession, wsKey } from '../../lib/queries';
import { canManage } from '../../lib/roles';
import { DnsHealthPanel } from './dns-health';
import { RelayWebhook } from './relay-webhook';

const FIELDS = [
  'name',
  'fromName',
  'fromEmail',
  'replyTo',
  'smtpUrl',
  'poolSize',
  'ipPool',
  'returnPathDomain',
] as const;

export function IdentitiesPanel() {
  const me = useSession();
  const manage = canManage(me.role);
  const qc = useQueryClient();
  const toast = useToast();
  const key = wsKey(me.workspace.id, 'sending-identities');
  const list = useQuery({
    queryKey: key,
    queryFn: () => api.get<Identity[]>('/api/sending/identities'),
  });
  const [adding, setAdding] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Identity | null>(null);
  const [testTo, setTestTo] = useState(me.user.email);

  const {
    register,
    handleSubmit,
    setError,
    reset,
    formState: { errors },
  } = useForm({
    resolver: zodResolver(createIdentitySchema),
    defaultValues: {
      name: '',
      fromName: me.workspace.name,
      fromEmail: '',
      replyTo: '',
      smtpUrl: '',
      poolSize: 5,
      ipPool: 'shared',
      returnPathDomain: '',
      generateDkim: true,
    } satisfies CreateIdentityInput,
  });
  const invalidate = () => qc.invalidateQueries({ queryKey: ['ws', me.workspace.id] });
  const create = useMutation({
    mutationFn: (body: CreateIdentityInput) => api.post<Identity>('/api/sending/identities', body),
    onSuccess: (i) => {
      toast.success(`Added "${i.name}". Publish its DKIM record before sending real mail.`);
      setAdding(false);
      reset();
    },
    onError: (err) => setFormError(applyServerError(err, setError, FIELDS)),
    onSettled: invalidate,
  });
  const remove = useMutation({
    mutationFn: (i: Identity) => api.delete(`/api/sending/identities/${i.id}`),
    onSuccess: () => setRemoving(null),
    onError: (err) => toast.error(err.message),
    onSettled: invalidate,
  });
  const resume = useMutation({
    mutationFn: (i: Identity) => api.post<Identity>(`/api/sending/identities/${i.id}/resume`, {}),
    onError: (err) => toast.error(err.message),
    onSettled: invalidate,
  });
  const test = useMutation({
    mutationFn: (i: Identity) =>
      api.post<SendTestResult>('/api/sending/test', { identityId: i.id, toEmail: testTo }),
    onSuccess: (_r, i) =>
      toast.success(
        i.smtpUrl ? `Test message queued to ${testTo}` : `Test message queued: see the Outbox tab`,
      ),
    onError: (err) => toast.error(err.message),
  });

  return (
    <div className="stack-lg">
      {manage && adding && (
        <Card
          title="Add a sending identity"
          description="Any SMTP relay works (your own Postfix, SES, Mailgun, ...). Leave the relay empty to send into the built-in dev mail catcher."
          testId="identity-create-card"
        >
          <form
            noValidate
            className="form-stack"
            onSubmit={handleSubmit((v) => {
              setFormError(null);
              create.mutate(v);
            })}
          >
            {formError && <Alert>{formError}</Alert>}
            <TextField
              label="Name"
              placeholder="e.g. Newsletter via SES"
              error={errors.name?.message}
              data-testid="identity-name"
              {...register('name')}
            />
            <TextField
              label="From name"
              error={errors.fromName?.message}
              data-testid="identity-from-name"
              {...register('fromName')}
            />
            <TextField
              label="From address"
              type="email"
              placeholder="news@mail.example.com"
              error={errors.fromEmail?.message}
              data-testid="identity-from-email"
              {...register('fromEmail')}
            />
            <TextField
              label="Reply-to"
              type="email"
              optional
              error={errors.replyTo?.message}
              {...register('replyTo')}
            />
            <TextField
              label="SMTP relay URL"
              optional
              placeholder="smtp://user:password@smtp.example.com:587"
              hint="Stored encrypted. smtps:// for implicit TLS on 465. Empty = the dev mail catcher."
              className="input-mono"
              error={errors.smtpUrl?.message}
              data-testid="identity-smtp-url"
              {...register('smtpUrl')}
            />
            <TextField
              label="Connections"
              type="number"
              min={1}
              max={50}
              hint="Pooled SMTP connections per worker process."
              error={errors.poolSize?.message}
              {...register('poolSize')}
            />
            <TextField
              label="IP pool"
              hint="Identities on the same pool share one reputation and one warm-up."
              error={errors.ipPool?.message}
              {...register('ipPool')}
            />
            <TextField
              label="Return-path domain"
              optional
              placeholder="bounces.example.com"
              hint="Bounces come back to bounces+token@ this domain: point its MX at Kindling's inbound SMTP."
              error={errors.returnPathDomain?.message}
              {...register('returnPathDomain')}
            />
            <div style={{ display: 'flex', gap: 8 }}>
              <Button
                type="submit"
                variant="primary"
                loading={create.isPending}
                data-testid="identity-submit"
              >
                Add identity
              </Button>
              <Button type="button" variant="ghost" onClick={() => setAdding(false)}>
                Cancel
              </Button>
            </div>
          </form>
        </Card>
      )}

      <Card
        title="Sending identities"
        description="Each message is signed with its identity's DKIM key and sent through its relay."
        actions={
          manage && !adding ? (
            <Button
              size="sm"
              icon={<PlusIcon size={16} />}
              onClick={() => setAdding(true)}
              data-testid="identity-add"
            >
              Add identity
            </Button>
          ) : undefined
        }
        testId="identities-card"
      >
        {list.isPending && <LoadingRows rows={2} />}
        {list.isError && <ErrorState error={list.error} onRetry={() => void list.refetch()} />}
        {list.data?.length === 0 && (
          <EmptyState
            compact
            icon={<SendingIcon size={20} />}
            title="No sending identity yet"
            testId="sending-empty"
          >
            <p>
              Mail without an identity goes to the built-in dev mail catcher (see the Outbox tab).
              Add an identity with your SMTP relay to send for real.
            </p>
          </EmptyState>
        )}
        {list.data && list.data.length > 0 && (
          <div className="stack-lg">
            <TextField
              label="Send test messages to"
              type="email"
              value={testTo}
              onChange={(e) => setTestTo(e.target.value)}
              data-testid="identity-test-to"
            />
            {list.data.map((i) => (
              <div key={i.id} className="card" style={{ padding: 16 }} data-testid="identity-row">
                <div
                  style={{
                    display: 'flex',
                    justifyContent: 'space-between',
                    gap: 12,
                    flexWrap: 'wrap',
                  }}
                >
                  <div>
                    <strong>{i.name}</strong>{' '}
                    <span className="muted">
                      {i.fromName} &lt;{i.fromEmail}&gt;
                    </span>{' '}
                    {i.status === 'paused' ? (
                      <Badge tone="danger">Paused</Badge>
                    ) : (
                      <Badge tone="success">Active</Badge>
                    )}{' '}
                    <Badge tone="neutral">pool {i.ipPool}</Badge>
                    <p className="muted" style={{ margin: '4px 0 0' }}>
                      {i.smtpUrl ? (
                        <>
                          Relay <code className="code-pill">{i.smtpUrl}</code>, {i.poolSize}{' '}
                          connections
                        </>
                      ) : (
                        'Dev mail catcher (no relay)'
                      )}
                      {i.returnPathDomain ? (
                        <>, return path bounces+…@{i.returnPathDomain}</>
                      ) : null}
                    </p>
                    {i.status === 'paused' && i.pausedReason && (
                      <Alert tone="warning">{i.pausedReason}</Alert>
                    )}
                  </div>
                  {manage && (
                    <div style={{ display: 'flex', gap: 8, alignItems: 'start' }}>
                      <Button
                        size="sm"
                        onClick={() => test.mutate(i)}
                        loading={test.isPending && test.variables?.id === i.id}
                        data-testid="identity-test"
                      >
                        Send test
                      </Button>
                      {i.status === 'paused' && (
                        <Button size="sm" onClick={() => resume.mutate(i)}>
                          Resume
                        </Button>
                      )}
                      <Button size="sm" variant="ghost" onClick={() => setRemoving(i)}>
                        Delete
                      </Button>
                    </div>
                  )}
                </div>
                {i.dkim && (
                  <div style={{ marginTop: 12 }}>
                    <p className="muted" style={{ margin: '0 0 4px' }}>
                      Publish this DNS TXT record so receivers can verify the DKIM signature:
                    </p>
                    <CopyField label="Name" value={i.dkim.dnsName} testId="identity-dkim-name" />
                    <CopyField label="Value" value={i.dkim.dnsValue} testId="identity-dkim-value" />
                  </div>
                )}
                <DnsHealthPanel identity={i} manage={manage} workspaceId={me.workspace.id} />
                <RelayWebhook identity={i} manage={manage} />
              </div>
            ))}
          </div>
        )}
      </Card>
      {removing && (
        <ConfirmDialog
          open
          title={`Delete "${removing.name}"?`}
          confirmLabel="Delete identity"
          tone="danger"
          onConfirm={() => remove.mutate(removing)}
          onCancel={() => setRemoving(null)}
          pending={remove.isPending}
        >
          Campaigns using it fall back to the dev mail catcher until you pick another identity.
        </ConfirmDialog>
      )}
    </div>
  );
}
