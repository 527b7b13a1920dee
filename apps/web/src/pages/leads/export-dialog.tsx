import { useEffect, useId, useRef, useState } from 'react';
import { DEFAULT_EXPORT_COLUMNS, LEAD_EXPORT_COLUMNS, type LeadFilters } from '@kindling/shared';
import { Button } from '../../components/button';
import { Alert } from '../../components/feedback';
import { DownloadIcon } from '../../components/icons';
import { COLUMN_LABELS, formatCount, toQuery } from './common';

type Phase =
  | { kind: 'choose' }
  | { kind: 'running'; rows: number; bytes: number }
  | { kind: 'error'; message: string };

/**
 * Chooses columns, then streams GET /api/leads/export.csv with fetch so it can show progress
 * (rows received of the expected total); the file is handed to the browser at the end.
 */
export function ExportDialog({
  open,
  onClose,
  filters,
  total,
  customFields,
}: {
  open: boolean;
  onClose: () => void;
  filters: LeadFilters;
  total: number | null;
  customFields: string[];
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [columns, setColumns] = useState<string[]>(DEFAULT_EXPORT_COLUMNS);
  const [bom, setBom] = useState(true);
  const [phase, setPhase] = useState<Phase>({ kind: 'choose' });
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      setPhase({ kind: 'choose' });
      d.showModal();
    }
    if (!open && d.open) d.close();
  }, [open]);

  const toggle = (c: string) =>
    setColumns((cols) => (cols.includes(c) ? cols.filter((x) => x !== c) : [...cols, c]));

  async function run() {
    const controller = new AbortController();
    abort.current = controller;
    setPhase({ kind: 'running', rows: 0, bytes: 0 });
    const query = toQuery({ ...filters, bom: bom ? '1' : '0' });
    const cols = columns.map((c) => `columns=${encodeURIComponent(c)}`).join('&');
    try {
      const res = await fetch(`/api/leads/export.csv?${query}&${cols}`, {
        credentials: 'same-origin',
        signal: controller.signal,
      });
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => null)) as {
          error?: { message?: string };
        } | null;
        throw new Error(body?.error?.message ?? `Export failed (HTTP ${res.status})`);
      }
      const reader = res.body.getReader();
      const parts: BlobPart[] = [];
      let rows = -1; // the header line
      let bytes = 0;
      let last = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        bytes += value.length;
        for (let i = 0; i < value.length; i++) if (value[i] === 10) rows++;
        if (performance.now() - last > 150) {
          last = performance.now();
          setPhase({ kind: 'running', rows: Math.max(0, rows), bytes });
        }
      }
      const blob = new Blob(parts, { type: 'text/csv;charset=utf-8' });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download =
        /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'leads.csv';
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      onClose();
    } catch (err) {
      if (controller.signal.aborted) return;
      setPhase({ kind: 'error', message: err instanceof Error ? err.message : 'Export failed' });
    }
  }

  function cancel() {
    abort.current?.abort();
    onClose();
  }

  const pct =
    phase.kind === 'running' && total
      ? Math.min(100, Math.round((phase.rows / Math.max(1, total)) * 100))
      : null;
  const options = [...LEAD_EXPORT_COLUMNS, ...customFields.map((k) => `cf.${k}`)];

  return (
    <dialog
      ref={ref}
      className="dialog dialog-wide"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        cancel();
      }}
    >
      <div className="dialog-content" data-testid="export-dialog">
        <h2 className="dialog-title" id={titleId}>
          Export{' '}
          {total !== null ? `${formatCount(total)} ${total === 1 ? 'lead' : 'leads'}` : 'leads'} as
          CSV
        </h2>
        <div className="dialog-body">
          {phase.kind === 'running' ? (
            <div className="export-progress" role="status" aria-live="polite">
              <div className="progress" aria-hidden="true">
                <div className="progress-bar" style={{ width: `${pct ?? 50}%` }} />
              </div>
              <p>
                {formatCount(phase.rows)} {total ? `of ${formatCount(total)} ` : ''}rows ·{' '}
                {(phase.bytes / 1e6).toFixed(1)} MB
              </p>
            </div>
          ) : (
            <>
              {phase.kind === 'error' && <Alert>{phase.message}</Alert>}
              <p className="muted">The export uses the filters on the page. Choose the columns:</p>
              <fieldset className="column-picker">
                <legend className="visually-hidden">Columns</legend>
                {options.map((c) => (
                  <label key={c} className="check">
                    <input
                      type="checkbox"
                      checked={columns.includes(c)}
                      onChange={() => toggle(c)}
                    />
                    <span>
                      {c.startsWith('cf.') ? (
                        <>
                          <span className="muted">Custom:</span> {c.slice(3)}
                        </>
                      ) : (
                        (COLUMN_LABELS[c] ?? c)
                      )}
                    </span>
                  </label>
                ))}
              </fieldset>
              <label className="check">
                <input type="checkbox" checked={bom} onChange={(e) => setBom(e.target.checked)} />
                <span>Add a byte order mark so Excel opens accents and emoji correctly</span>
              </label>
            </>
          )}
        </div>
        <div className="dialog-actions">
          <Button onClick={cancel}>Cancel</Button>
          {phase.kind !== 'running' && (
            <Button
              variant="primary"
              icon={<DownloadIcon size={16} />}
              disabled={columns.length === 0}
              onClick={() => void run()}
              data-testid="export-start"
            >
              Export
            </Button>
          )}
        </div>
      </div>
    </dialog>
  );
}
