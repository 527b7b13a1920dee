import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import type { CaughtMessage, CaughtMessageSummary } from '@kindling/shared';
import { api } from '../../api';
import { Card } from '../../components/layout';
import { Button, RowButton } from '../../components/button';
import { DataTable, QueryBody } from '../../components/data-table';
import { ErrorState, LoadingRows } from '../../components/feedback';
import { MailIcon } from '../../components/icons';
import { useSession, wsKey } from '../../lib/queries';
import { relativeTime } from '../../lib/format';
import { NeedsReviewPanel } from './outbox-review';

type View = 'html' | 'text' | 'headers' | 'raw';

function MessageDetail({ id }: { id: string }) {
  const me = useSession();
  const [view, setView] = useState<View>('html');
  const msg = useQuery({
    queryKey: wsKey(me.workspace.id, 'outbox', id),
    queryFn: () => api.get<CaughtMessage>(`/api/sending/outbox/${id}`),
  });
  if (msg.isPending) return <LoadingRows rows={3} />;
  if (msg.isError) return <ErrorState error={msg.error} onRetry={() => void msg.refetch()} />;
  const m = msg.data;
  return (
    <div className="stack-lg" data-testid="outbox-detail">
      <div>
        <strong>{m.subject || '(no subject)'}</strong>
        <p className="muted" style={{ margin: 0 }}>
          Envelope from {m.envelopeFrom || '<>'} to {m.envelopeTo.join(', ')} ·{' '}
          {m.size.toLocaleString()} bytes
        </p>
      </div>
      <div style={{ display: 'flex', gap: 8 }}>
        {(['html', 'text', 'headers', 'raw'] as const).map((v) => (
          <Button
            key={v}
            size="sm"
            variant={view === v ? 'primary' : 'secondary'}
            aria-pressed={view === v}
            onClick={() => setView(v)}
            data-testid={`outbox-view-${v}`}
          >
            {v === 'html'
              ? 'HTML'
              : v === 'text'
                ? 'Text'
                : v === 'headers'
                  ? 'Headers'
                  : 'Raw source'}
          </Button>
        ))}
      </div>
      {view === 'html' &&
        (m.html ? (
          // sandbox without allow-scripts or allow-same-origin: mail HTML can neither run code nor reach the app.
          <iframe
            title="Rendered message"
            sandbox=""
            srcDoc={m.html}
            style={{
              width: '100%',
              minHeight: 480,
              border: '1px solid var(--border)',
              borderRadius: 8,
              background: '#fff',
            }}
            data-testid="outbox-html"
          />
        ) : (
          <p className="muted">This message has no HTML part.</p>
        ))}
      {view === 'text' && (
        <pre style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="outbox-text">
          {m.text ?? '(no text part)'}
        </pre>
      )}
      {view === 'headers' && (
        <div className="table-wrap">
          <table className="table" data-testid="outbox-headers">
            <tbody>
              {m.headers.map((h, i) => (
                <tr key={i}>
                  <th style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>{h.name}</th>
                  <td
                    style={{
                      overflowWrap: 'anywhere',
                      fontFamily: 'var(--font-mono, monospace)',
                      fontSize: 12,
                    }}
                  >
                    {h.value}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {view === 'raw' && (
        <pre
          style={{
            whiteSpace: 'pre-wrap',
            overflowWrap: 'anywhere',
            fontSize: 12,
            maxHeight: 600,
            overflow: 'auto',
          }}
          data-testid="outbox-raw"
        >
          {m.raw}
        </pre>
      )}
    </div>
  );
}

export function OutboxPanel() {
  const me = useSession();
  const list = useQuery({
    queryKey: wsKey(me.workspace.id, 'outbox'),
    queryFn: () => api.get<CaughtMessageSummary[]>('/api/sending/outbox'),
    refetchInterval: 5_000,
  });
  // The open message is in the URL (`?message=<id>`): a reload or a link shows it again.
  const [params, setParams] = useSearchParams();
  const selected = params.get('message');
  const setSelected = (id: string | null) => setParams(id ? { message: id } : {});
  return (
    <div className="stack-lg">
      <NeedsReviewPanel />
      <Card
        title="Outbox"
        description="Mail sent without an SMTP relay lands in the built-in dev mail catcher instead of anyone's inbox."
        flush
        testId="outbox-card"
      >
        <QueryBody
          query={list}
          isEmpty={(all) => all.length === 0}
          empty={{
            icon: <MailIcon size={20} />,
            title: 'Nothing caught yet',
            testId: 'outbox-empty',
            children: (
              <p>
                Send a test from the Identities tab, or let a campaign run without a relay
                configured.
              </p>
            ),
          }}
        >
          {(all) => (
            <DataTable columns={['Subject', 'To', 'Received']}>
              {all.map((m) => (
                <tr
                  key={m.id}
                  data-testid="outbox-row"
                  aria-selected={selected === m.id}
                  style={
                    selected === m.id ? { background: 'var(--accent-50, #fff7ed)' } : undefined
                  }
                >
                  <td className="cell-strong">
                    <RowButton onClick={() => setSelected(m.id)}>
                      {m.subject || '(no subject)'}
                    </RowButton>
                  </td>
                  <td>{m.envelopeTo.join(', ')}</td>
                  <td title={m.receivedAt}>{relativeTime(m.receivedAt)}</td>
                </tr>
              ))}
            </DataTable>
          )}
        </QueryBody>
      </Card>
      {selected && (
        <Card
          title="Message"
          actions={<RowButton onClick={() => setSelected(null)}>Close</RowButton>}
        >
          <MessageDetail id={selected} />
        </Card>
      )}
    </div>
  );
}
