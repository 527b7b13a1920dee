import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReviewList, ReviewResult } from '@kindling/shared';
import { api } from '../../api';
import { Card } from '../../components/layout';
import { Button, RowButton } from '../../components/button';
import { DataTable } from '../../components/data-table';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { TextField } from '../../components/field';
import { ErrorState, LoadingRows } from '../../components/feedback';
import { useToast } from '../../components/toast';
import { useSession, wsKey } from '../../lib/queries';
import { relativeTime } from '../../lib/format';
import { canManage } from '../../lib/roles';

/**
 * Messages whose SMTP outcome nobody knows (a worker stopped, or a connection was lost, after the
 * end of the message may have reached the server). They are never re-sent automatically; a person
 * re-queues each (sent once more) or dismisses it (final, with a reason). Hidden when none wait.
 */
export function NeedsReviewPanel() {
  const me = useSession();
  const toast = useToast();
  const qc = useQueryClient();
  const key = wsKey(me.workspace.id, 'sending-review');
  const manage = canManage(me.role);
  const list = useQuery({
    queryKey: key,
    queryFn: () => api.get<ReviewList>('/api/sending/review'),
    refetchInterval: 10_000,
    enabled: manage,
  });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [dismissing, setDismissing] = useState<string[] | null>(null);
  const [reason, setReason] = useState('');
  const done = () => {
    setSelected(new Set());
    void qc.invalidateQueries({ queryKey: key });
  };
  const requeue = useMutation({
    mutationFn: (ids: string[]) => api.post<ReviewResult>('/api/sending/review/requeue', { ids }),
    onSuccess: (r) => toast.success(`${r.ids.length} re-queued: each is sent once more`),
    onError: (err) => toast.error(err.message),
    onSettled: done,
  });
  const dismiss = useMutation({
    mutationFn: (body: { ids: string[]; reason: string }) =>
      api.post<ReviewResult>('/api/sending/review/dismiss', body),
    onSuccess: (r) => {
      toast.success(`${r.ids.length} dismissed`);
      setDismissing(null);
      setReason('');
    },
    onError: (err) => toast.error(err.message),
    onSettled: done,
  });

  if (!manage) return null;
  if (list.isPending) return <LoadingRows rows={2} />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  const { total, messages } = list.data;
  if (total === 0) return null;
  const ids = messages.map((m) => m.id);
  const chosen = ids.filter((id) => selected.has(id));
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const busy = requeue.isPending || dismiss.isPending;

  return (
    <Card
      title={`Needs review (${total.toLocaleString()})`}
      description="These messages may or may not have reached the recipient: the SMTP conversation was cut after the end of the message was sent. They are never re-sent by themselves. Re-queue one to send it once more (suppression is checked again), or dismiss it."
      flush
      testId="review-card"
      actions={
        <div style={{ display: 'flex', gap: 8 }}>
          <Button
            size="sm"
            variant="primary"
            disabled={!chosen.length || busy}
            loading={requeue.isPending}
            onClick={() => requeue.mutate(chosen)}
            data-testid="review-requeue-selected"
          >
            Re-queue {chosen.length || ''}
          </Button>
          <Button
            size="sm"
            disabled={!chosen.length || busy}
            onClick={() => setDismissing(chosen)}
            data-testid="review-dismiss-selected"
          >
            Dismiss {chosen.length || ''}
          </Button>
        </div>
      }
    >
      <DataTable
        columns={[
          <input
            key="all"
            type="checkbox"
            aria-label="Select all listed"
            checked={chosen.length === ids.length}
            onChange={(e) => setSelected(new Set(e.target.checked ? ids : []))}
            data-testid="review-select-all"
          />,
          'Recipient',
          'Subject',
          'Handed to SMTP',
          'Why',
          '',
        ]}
      >
        {messages.map((m) => (
          <tr key={m.id} data-testid="review-row">
            <td>
              <input
                type="checkbox"
                aria-label={`Select ${m.toEmail}`}
                checked={selected.has(m.id)}
                onChange={() => toggle(m.id)}
              />
            </td>
            <td className="cell-strong">{m.toEmail}</td>
            <td>
              {m.subject || '(no subject)'}
              {m.campaignName && <div className="muted">{m.campaignName}</div>}
            </td>
            <td title={m.handedAt ?? m.reviewAt}>{relativeTime(m.handedAt ?? m.reviewAt)}</td>
            <td className="muted" style={{ maxWidth: 360, overflowWrap: 'anywhere' }}>
              {m.reason}
            </td>
            <td style={{ whiteSpace: 'nowrap' }}>
              <RowButton
                disabled={busy}
                onClick={() => requeue.mutate([m.id])}
                data-testid="review-requeue"
              >
                Re-queue
              </RowButton>
              <RowButton
                disabled={busy}
                onClick={() => setDismissing([m.id])}
                data-testid="review-dismiss"
              >
                Dismiss
              </RowButton>
            </td>
          </tr>
        ))}
      </DataTable>
      {total > messages.length && (
        <p className="muted" style={{ padding: '8px 16px' }}>
          The oldest {messages.length.toLocaleString()} of {total.toLocaleString()} are shown; the
          rest appear as these are handled.
        </p>
      )}
      <ConfirmDialog
        open={dismissing !== null}
        title={`Dismiss ${dismissing?.length ?? 0} message${dismissing?.length === 1 ? '' : 's'}?`}
        confirmLabel="Dismiss"
        pending={dismiss.isPending}
        onCancel={() => setDismissing(null)}
        onConfirm={() => {
          if (dismissing && reason.trim()) dismiss.mutate({ ids: dismissing, reason });
        }}
      >
        <p>They stay failed and are not sent again. Say why, for whoever looks later.</p>
        <TextField
          label="Reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="e.g. the recipient confirmed it arrived"
          data-testid="review-dismiss-reason"
        />
      </ConfirmDialog>
    </Card>
  );
}
