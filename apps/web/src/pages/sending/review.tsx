import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { InboundReview } from '@kindling/shared';
import { api } from '../../api';
import { Card } from '../../components/layout';
import { RowButton } from '../../components/button';
import { DataTable, QueryBody } from '../../components/data-table';
import { MailIcon } from '../../components/icons';
import { useSession, wsKey } from '../../lib/queries';
import { relativeTime } from '../../lib/format';
import { canManage } from '../../lib/roles';

const REASON: Record<InboundReview['reason'], string> = {
  no_token: 'No Kindling token',
  bad_signature: 'Forged or damaged token',
  unknown_message: 'Message no longer exists',
  conflicting_tokens: 'Tokens of different messages',
  unverified: 'Webhook signature did not verify',
};

const SOURCE: Record<InboundReview['source'], string> = {
  smtp: 'SMTP',
  ses: 'Amazon SES',
  mailgun: 'Mailgun',
  postmark: 'Postmark',
  sendgrid: 'SendGrid',
  brevo: 'Brevo',
  resend: 'Resend',
};

/** Inbound reports that could not prove they were about our mail: shown, never acted on. */
export function ReviewPanel() {
  const me = useSession();
  const qc = useQueryClient();
  const manage = canManage(me.role);
  const key = wsKey(me.workspace.id, 'inbound-reviews');
  const list = useQuery({
    queryKey: key,
    queryFn: () => api.get<InboundReview[]>('/api/sending/inbound-reviews'),
    enabled: manage,
  });
  const dismiss = useMutation({
    mutationFn: (id: string) => api.delete(`/api/sending/inbound-reviews/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
  });
  const [open, setOpen] = useState<string | null>(null);
  if (!manage)
    return (
      <Card title="Reports to review">
        <p className="muted">Only owners and admins can see reports held for review.</p>
      </Card>
    );
  return (
    <Card
      title="Reports to review"
      description="Bounce, complaint and unsubscribe reports that did not carry a token Kindling signed (or named a message that no longer exists), and relay webhook requests whose signature did not verify. Nothing was suppressed for them; a forged report cannot change your list."
      flush
      testId="review-card"
    >
      <QueryBody
        query={list}
        isEmpty={(all) => all.length === 0}
        empty={{
          icon: <MailIcon size={20} />,
          title: 'Nothing to review',
          testId: 'review-empty',
          children: <p>Every report received so far proved it was about mail you sent.</p>,
        }}
      >
        {(all) => (
          <DataTable
            columns={[
              'Report',
              'Why it was held',
              'Addresses it names',
              'Received',
              { label: 'Actions', hidden: true },
            ]}
          >
            {all.map((r) => (
              <tr key={r.id} data-testid="review-row">
                <td className="cell-strong">
                  <RowButton onClick={() => setOpen(open === r.id ? null : r.id)}>
                    {r.kind.replace(/_/g, ' ').toUpperCase()} via {SOURCE[r.source]}
                  </RowButton>
                  {open === r.id && (
                    <pre
                      style={{
                        whiteSpace: 'pre-wrap',
                        fontSize: 12,
                        maxHeight: 400,
                        overflow: 'auto',
                      }}
                      data-testid="review-excerpt"
                    >
                      {r.excerpt}
                    </pre>
                  )}
                </td>
                <td>{REASON[r.reason]}</td>
                <td>{r.namedRecipients.join(', ') || '—'}</td>
                <td title={r.receivedAt}>{relativeTime(r.receivedAt)}</td>
                <td>
                  <RowButton disabled={dismiss.isPending} onClick={() => dismiss.mutate(r.id)}>
                    Dismiss
                  </RowButton>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </QueryBody>
    </Card>
  );
}
