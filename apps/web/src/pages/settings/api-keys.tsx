import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { SCOPES, createApiKeySchema, grantableScopes } from '@kindling/shared';
import type { ApiKey, CreatedApiKey } from '@kindling/shared';
import { api } from '../../api';
import { Badge, Card } from '../../components/layout';
import { TextField } from '../../components/field';
import { Button, RowDangerButton } from '../../components/button';
import { ConfirmDialog, useConfirmedAction } from '../../components/confirm-dialog';
import { SecretReveal } from '../../components/copy-field';
import { DataTable, QueryBody } from '../../components/data-table';
import { InlineCreateForm } from '../../components/inline-form';
import { KeyIcon, PlusIcon } from '../../components/icons';
import { useToast } from '../../components/toast';
import { useServerForm } from '../../lib/form';
import { useSession, wsKey } from '../../lib/queries';
import { can } from '../../lib/roles';
import { relativeTime, shortDate } from '../../lib/format';

const byActiveThenNewest = (a: ApiKey, b: ApiKey) => {
  if ((a.revokedAt === null) !== (b.revokedAt === null)) return a.revokedAt === null ? -1 : 1;
  return b.createdAt.localeCompare(a.createdAt);
};

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

  const server = useServerForm({
    schema: createApiKeySchema,
    defaultValues: { name: '', scopes: ['read'] },
    fields: ['name', 'scopes'],
    submit: (body) => api.post<CreatedApiKey>('/api/api-keys', body),
    onSuccess: (k) => {
      setCreated(k);
      form.reset({ name: '', scopes: ['read'] });
    },
    onSettled: () => qc.invalidateQueries({ queryKey: key }),
  });
  const { form, errors } = server;

  const revoke = useConfirmedAction({
    action: (k: ApiKey) => api.delete(`/api/api-keys/${k.id}`),
    onSuccess: (k) => {
      toast.success(`Revoked "${k.name}"`);
      if (created?.id === k.id) setCreated(null);
    },
    invalidate: key,
  });

  return (
    <div className="stack-lg">
      {manage && (
        <Card
          title="Create an API key"
          description="Keys let your backend, Zapier or scripts push leads and read data through the REST API."
          testId="api-key-create-card"
        >
          <InlineCreateForm
            server={server}
            submitLabel="Create key"
            submitIcon={<PlusIcon size={16} />}
            submitTestId="api-key-submit"
            fields={
              <TextField
                label="Key name"
                placeholder="e.g. CRM sync"
                hint="So you recognise it later. Everyone in the workspace sees key names, never the keys."
                error={errors.name?.message}
                className="input-grow"
                data-testid="api-key-name"
                {...form.register('name')}
              />
            }
          >
            <fieldset className="form-stack" data-testid="api-key-scopes">
              <legend className="field-label">What the key may do</legend>
              {grantable.map((scope) => (
                <label key={scope} className="check">
                  <input type="checkbox" value={scope} {...form.register('scopes')} />
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
          </InlineCreateForm>
          {created && (
            <SecretReveal
              tone="warning"
              title={`Copy "${created.name}" now. It won't be shown again.`}
              value={created.key}
              label="API key"
              valueTestId="api-key-value"
              testId="api-key-created"
              doneLabel="I have copied the key"
              onDone={() => setCreated(null)}
            >
              We only store a hash of the key. If you lose it, revoke it and create a new one. Treat
              it like a password: keep it out of client-side code and version control.
            </SecretReveal>
          )}
        </Card>
      )}

      <Card
        title="API keys"
        description="Active and revoked keys for this workspace."
        flush
        testId="api-keys-card"
      >
        <QueryBody
          query={keys}
          rows={2}
          isEmpty={(all) => all.length === 0}
          empty={{
            icon: <KeyIcon size={20} />,
            title: 'No API keys yet',
            actions: manage ? (
              <Button size="sm" onClick={() => form.setFocus('name')}>
                Create your first key
              </Button>
            ) : undefined,
            children: (
              <p>
                {manage
                  ? 'Create a key to send leads from your own backend or read them from a script.'
                  : 'An admin or owner can create keys for connecting other tools.'}
              </p>
            ),
          }}
        >
          {(all) => (
            <DataTable
              testId="api-keys-table"
              columns={[
                'Name',
                'Key',
                'Scopes',
                'Created by',
                'Created',
                'Last used',
                { label: 'Status and actions', hidden: true },
              ]}
            >
              {[...all].sort(byActiveThenNewest).map((k) => (
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
                      <RowDangerButton onClick={() => revoke.ask(k)}>Revoke</RowDangerButton>
                    ) : (
                      <Badge tone="success">Active</Badge>
                    )}
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </QueryBody>
        <ConfirmDialog
          {...revoke.dialog}
          title={`Revoke "${revoke.item?.name ?? ''}"?`}
          confirmLabel="Revoke key"
        >
          Requests using this key start failing with 401 right away. This cannot be undone.
        </ConfirmDialog>
      </Card>
    </div>
  );
}
