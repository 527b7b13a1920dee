// An identity's relay webhook: which provider reports its bounces and complaints, the URL to
// paste into that provider's console, and the provider's signing key (Mailgun, SendGrid, Resend)
// or the token Kindling generated for the ones that sign nothing (Postmark, Brevo).
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Identity, RelayKind, UpdateIdentityInput } from '@kindling/shared';
import { RELAY_KINDS } from '@kindling/shared';
import { api } from '../../api';
import { Button } from '../../components/button';
import { CopyField } from '../../components/copy-field';
import { SelectField, TextField } from '../../components/field';
import { useToast } from '../../components/toast';

const LABEL: Record<RelayKind, string> = {
  none: 'None: bounces come back to the return path (inbound SMTP)',
  ses: 'Amazon SES (SNS notifications)',
  mailgun: 'Mailgun',
  postmark: 'Postmark',
  sendgrid: 'SendGrid',
  brevo: 'Brevo',
  resend: 'Resend',
};

/** Where to paste the URL (and what to copy back), per provider. */
const HOWTO: Record<RelayKind, string> = {
  none: '',
  ses: 'Subscribe an SNS topic (HTTPS) to this URL and send the domain’s bounce and complaint notifications to it.',
  mailgun:
    'Mailgun → Sending → Webhooks: add this URL for Permanent failure, Temporary failure, Spam complaints and Unsubscribes, and paste the HTTP webhook signing key below.',
  postmark:
    'Postmark → Server → Webhooks: add this URL (it carries Kindling’s credentials as Basic auth: Postmark signs nothing) for Bounce, Spam complaint and Subscription change.',
  sendgrid:
    'SendGrid → Settings → Mail Settings → Event Webhook: post to this URL (Bounced, Blocked, Spam reports, Unsubscribes), turn on Signed Event Webhook, and paste its verification key below.',
  brevo:
    'Brevo → Transactional → Settings → Webhook: add this URL (it carries Kindling’s credentials) for Hard bounce, Soft bounce, Invalid email, Complaint and Unsubscribed.',
  resend:
    'Resend → Webhooks: add this URL for email.bounced and email.complained, and paste the signing secret (whsec_…) below.',
};

export function RelayWebhook({ identity, manage }: { identity: Identity; manage: boolean }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [kind, setKind] = useState<RelayKind>(identity.relay.kind);
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (body: UpdateIdentityInput) =>
      api.patch<Identity>(`/api/sending/identities/${identity.id}`, body),
    onSuccess: () => {
      setKey('');
      setError(null);
      toast.success('Relay webhook saved');
    },
    onError: (err) => setError(err.message),
    onSettled: () => qc.invalidateQueries({ queryKey: ['ws'] }),
  });
  const r = identity.relay;
  return (
    <div style={{ marginTop: 12 }} data-testid="identity-relay">
      {manage ? (
        <div className="form-stack">
          <SelectField
            label="Bounces and complaints reported by"
            value={kind}
            onChange={(e) => setKind(e.target.value as RelayKind)}
            data-testid="identity-relay-kind"
          >
            {RELAY_KINDS.map((k) => (
              <option key={k} value={k}>
                {LABEL[k]}
              </option>
            ))}
          </SelectField>
          {(kind === 'mailgun' || kind === 'sendgrid' || kind === 'resend') && (
            <TextField
              label={kind === r.kind && r.keyLabel ? `${LABEL[kind]} ${r.keyLabel}` : 'Webhook key'}
              type="password"
              autoComplete="off"
              className="input-mono"
              optional={r.keySet && kind === r.kind}
              hint={
                r.keySet && kind === r.kind
                  ? 'A key is stored (encrypted). Paste a new one to replace it.'
                  : 'Stored encrypted; requests it does not verify are refused.'
              }
              error={error ?? undefined}
              value={key}
              onChange={(e) => setKey(e.target.value)}
              data-testid="identity-relay-key"
            />
          )}
          <div style={{ display: 'flex', gap: 8 }}>
            <Button
              size="sm"
              loading={save.isPending}
              onClick={() => save.mutate({ relayKind: kind, ...(key ? { relayKey: key } : {}) })}
              data-testid="identity-relay-save"
            >
              Save relay webhook
            </Button>
            {r.keySource === 'kindling' && kind === r.kind && (
              <Button
                size="sm"
                variant="ghost"
                onClick={() => save.mutate({ rotateRelayToken: true })}
              >
                New credentials
              </Button>
            )}
          </div>
        </div>
      ) : (
        <p className="muted">Relay webhook: {LABEL[r.kind]}</p>
      )}
      {r.webhookUrl && kind === r.kind && (
        <div style={{ marginTop: 8 }}>
          <p className="muted" style={{ margin: '0 0 4px' }}>
            {HOWTO[r.kind]}
          </p>
          <CopyField label="Webhook URL" value={r.webhookUrl} testId="identity-relay-url" />
          {r.keySource === 'provider' && !r.keySet && (
            <p className="muted">
              No key yet: every request to this URL is refused until you paste one.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
