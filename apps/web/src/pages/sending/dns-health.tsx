// An identity's sending-domain DNS health: each check's verdict, what is wrong, and the record to
// publish; "Check DNS" runs the checks now (they also run daily).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DnsCheck, DnsHealth, Identity } from '@kindling/shared';
import { api } from '../../api';
import { Badge } from '../../components/layout';
import { Button } from '../../components/button';
import { CopyField } from '../../components/copy-field';
import { useToast } from '../../components/toast';

const LABEL: Record<DnsCheck['kind'], string> = {
  spf: 'SPF',
  dkim: 'DKIM',
  dmarc: 'DMARC',
  return_path_mx: 'Return-path MX',
  tracking: 'Tracking domain',
};
const TONE = {
  pass: 'success',
  warn: 'warning',
  fail: 'danger',
  error: 'warning',
  skipped: 'neutral',
} as const;
const WORD = {
  pass: 'OK',
  warn: 'Warning',
  fail: 'Failing',
  error: 'No answer',
  skipped: 'Skipped',
};

function StatusBadge({ status }: { status: DnsHealth['status'] }) {
  return <Badge tone={TONE[status]}>{WORD[status]}</Badge>;
}

export function DnsHealthPanel({
  identity,
  manage,
  workspaceId,
}: {
  identity: Identity;
  manage: boolean;
  workspaceId: string;
}) {
  const qc = useQueryClient();
  const toast = useToast();
  const check = useMutation({
    mutationFn: () => api.post<Identity>(`/api/sending/identities/${identity.id}/dns-check`, {}),
    onError: (err) => toast.error(err.message),
    onSettled: () => qc.invalidateQueries({ queryKey: ['ws', workspaceId] }),
  });
  const h = identity.dnsHealth;
  return (
    <div style={{ marginTop: 12 }} data-testid="identity-dns">
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
        <strong>DNS</strong>
        {h ? (
          <>
            <StatusBadge status={h.status} />
            <span className="muted">checked {new Date(h.checkedAt).toLocaleString()}</span>
          </>
        ) : (
          <span className="muted">not checked yet</span>
        )}
        {manage && (
          <Button
            size="sm"
            variant="ghost"
            onClick={() => check.mutate()}
            loading={check.isPending}
            data-testid="identity-dns-check"
          >
            Check DNS
          </Button>
        )}
      </div>
      {h && (
        <ul style={{ display: 'grid', gap: 8, listStyle: 'none', padding: 0, margin: '8px 0 0' }}>
          {h.checks.map((c) => (
            <li key={c.kind} data-testid={`identity-dns-${c.kind}`} data-status={c.status}>
              <StatusBadge status={c.status} /> <strong>{LABEL[c.kind]}</strong>{' '}
              <code className="code-pill">{c.name}</code>{' '}
              <span className={c.status === 'pass' ? 'muted' : undefined}>{c.message}</span>
              {c.record && (
                <div style={{ marginTop: 4 }}>
                  <span className="muted">Publish this {c.record.type} record:</span>
                  <CopyField label="Name" value={c.record.name} />
                  <CopyField label="Value" value={c.record.value} />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
