import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { SCOPES, createApiKeySchema, grantableScopes } from '@kindling/shared';
import type { ApiKey, CreateApiKeyInput, CreatedApiKey } from '@kindling/shared';
import { api } from '../../api';
import { Badge, Card } from '../../components/layout';
import { TextField } from '../../components/field';
import { Button } from '../../components/button';
import { Alert, EmptyState, ErrorState, LoadingRows } from '../../components/feedback';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { CopyField } from '../../components/copy-field';
import { KeyIcon, PlusIcon } from '../../components/icons';
import { useToast } from '../../components/toast';
import { applyServerError } from '../../lib/form';
import { useSession, wsKey } from '../../lib/queries';
import { can } from '../../lib/roles';
import { relativeTime, shortDate } from '../../lib/format';

export function ApiKeysSettingsPage() {
  const me = useSession();
  // Anyone may make keys within their own role; admins may revoke anyone's.
  const manage = can(me.role, 'api-keys:own');
  const revokeAny = can(me.role, 'settings');
  const grantable = grantableScopes(me.role);
  const qc = useQueryClient();
  const toast = useToast();
  const key = wsKey(me.workspace.id, 'api-keys');
  const keys = useQuery({ queryKey: key, queryFn: () => api.get<ApiKey[]>('/api/api-keys') });
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  const {
    register,
    handleSubmit,
    setError,
    reset,
    setFocus,
    formState: { errors },
  } = useForm({
    resolver: zodResolver(createApiKeySchema),
    defaultValues: { name: '', scopes: ['read'] } satisfies CreateApiKeyInput,
  });

  const create = useMutation({
    mutationFn: (body: CreateApiKeyInput) => api.post<CreatedApiKey>('/api/api-keys', body),
    onSuccess: (k) => {
      setCreated(k);
      reset({ name: '', scopes: ['read'] });
    },
    onError: (err) => setFormError(applyServerError(err, setError, ['name', 'scopes'])),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });

  const revoke = useMutation({
    mutationFn: (k: ApiKey) => api.delete(`/api/api-keys/${k.id}`),
    onSuccess: (_, k) => {
      toast.success(`Revoked "${k.name}"`);
      setRevoking(null);
      if (created?.id === k.id) setCreated(null);
    },
    onError: (err) => toast.error(err.message),
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });

  const sorted = [...(keys.data ?? [])].sort((a, b) => {
    if ((a.revokedAt === null) !== (b.revokedAt === null)) return a.revokedAt === null ? -1 : 1;
    return b.createdAt.localeCompare(a.createdAt);
  });

  return (
    <div className="stack-lg">
      {manage && (
        <Card
          title="Create an API key"
          description="Keys let your backend, Zapier or scripts push leads and read data through the REST API."
          testId="api-key-create-card"
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
                label="Key name"
                placeholder="e.g. CRM sync"
                hint="So you recognise it later. Everyone in the workspace sees key names, never the keys."
                error={errors.name?.message}
                className="input-grow"
                data-testid="api-key-name"
                {...register('name')}
              />
              <div className="inline-form-submit">
                <Button
                  type="submit"
                  variant="primary"
                  loading={create.isPending}
                  icon={<PlusIcon size={16} />}
                  data-testid="api-key-submit"
                >
                  Create key
                </Button>
              </div>
            </div>
            <fieldset className="form-stack" data-testid="api-key-scopes">
              <legend className="field-label">What the key may do</legend>
              {grantable.map((scope) => (
                <label key={scope} className="check">
                  <input type="checkbox" value={scope} {...register('scopes')} />
                  <span>
                    <code className="code-pill">{scope}</code> {SCOPES[scope].label}
                  </span>
                </label>
              ))}
              {errors.scopes && <p className="field-error">{errors.scopes.message}</p>}
              <p className="muted">
                A key never does more than your own role allows, and shrinks with it if your role
                changes.
              </p>
            </fieldset>
          </form>
          {created && (
            <div className="reveal" data-testid="api-key-created">
              <Alert tone="warning" title={`Copy "${created.name}" now. It won't be shown again.`}>
                We only store a hash of the key. If you lose it, revoke it and create a new one.
                Treat it like a password: keep it out of client-side code and version control.
              </Alert>
              <CopyField value={created.key} label="API key" testId="api-key-value" />
              <div className="reveal-actions">
                <Button size="sm" variant="ghost" onClick={() => setCreated(null)}>
                  I have copied the key
                </Button>
              </div>
            </div>
          )}
        </Card>
      )}

      <Card
        title="API keys"
        description="Active and revoked keys for this workspace."
        flush
        testId="api-keys-card"
      >
        {keys.isPending && <LoadingRows rows={2} />}
        {keys.isError && <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />}
        {keys.data && sorted.length === 0 && (
          <EmptyState
            compact
            icon={<KeyIcon size={20} />}
            title="No API keys yet"
            actions={
              manage ? (
                <Button size="sm" onClick={() => setFocus('name')}>
                  Create your first key
                </Button>
              ) : undefined
            }
          >
            <p>
              {manage
                ? 'Create a key to send leads from your own backend or read them from a script.'
                : 'An admin or owner can create keys for connecting other tools.'}
            </p>
          </EmptyState>
        )}
        {sorted.length > 0 && (
          <div className="table-wrap">
            <table className="table" data-testid="api-keys-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Created by</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Status and actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {sorted.map((k) => (
                  <tr
                    key={k.id}
                    className={k.revokedAt ? 'row-muted' : undefined}
                    data-testid="api-key-row"
                  >
                    <td className="cell-strong">{k.name}</td>
                    <td>
                      <code className="code-pill">{k.prefix}…</code>
                    </td>
                    <td data-testid="api-key-row-scopes">
                      {k.scopes.map((scope) => (
                        <Badge key={scope}>{scope}</Badge>
                      ))}
                    </td>
                    <td className="muted">
                      {k.createdBy ? k.createdBy.name || k.createdBy.email : 'Former member'}
                    </td>
                    <td className="muted" title={shortDate(k.createdAt)}>
                      {relativeTime(k.createdAt)}
                    </td>
                    <td className="muted">{k.lastUsedAt ? relativeTime(k.lastUsedAt) : 'Never'}</td>
                    <td className="cell-actions">
                      {k.revokedAt ? (
                        <Badge tone="danger">Revoked {relativeTime(k.revokedAt)}</Badge>
                      ) : revokeAny || k.createdBy?.id === me.user.id ? (
                        <Button
                          size="sm"
                          variant="ghost"
                          className="btn-danger-text"
                          onClick={() => setRevoking(k)}
                        >
                          Revoke
                        </Button>
                      ) : (
                        <Badge tone="success">Active</Badge>
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
          title={`Revoke "${revoking?.name ?? ''}"?`}
          confirmLabel="Revoke key"
          pending={revoke.isPending}
          onCancel={() => setRevoking(null)}
          onConfirm={() => revoking && revoke.mutate(revoking)}
        >
          Requests using this key start failing with 401 right away. This cannot be undone.
        </ConfirmDialog>
      </Card>
    </div>
  );
}
