import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { LEAD_IMPORT_FIELDS, type ImportStatus, type LeadFacets } from '@kindling/shared';
import { api, toApiError } from '../../api';
import { Card, PageHeader } from '../../components/layout';
import { Button, ButtonLink } from '../../components/button';
import { Alert } from '../../components/feedback';
import { DownloadIcon } from '../../components/icons';
import { useSession, wsKey } from '../../lib/queries';
import { COLUMN_LABELS, formatCount } from './common';
import { ActiveCampaignOptions } from './list/bulk-action';
import './leads.css';

/** Uploads with XMLHttpRequest, the one browser API that reports upload progress. */
function uploadFile(file: File, onProgress: (fraction: number) => void): Promise<ImportStatus> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/leads/imports?fileName=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('Content-Type', 'text/csv');
    xhr.setRequestHeader('X-Kindling-Upload', '1');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status === 201) resolve(body as ImportStatus);
      else reject(toApiError(xhr.status, body));
    };
    xhr.onerror = () =>
      reject(new Error('The upload failed; check your connection and try again.'));
    xhr.send(file);
  });
}

const FIELD_LABEL = (f: string) =>
  f === 'tags' ? 'Tags (separated by ; or ,)' : (COLUMN_LABELS[f] ?? f);

export function ImportWizardPage() {
  const me = useSession();
  const qc = useQueryClient();
  const [upload, setUpload] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [job, setJob] = useState<ImportStatus | null>(null);
  const [mapping, setMapping] = useState<string[]>([]);
  const [tag, setTag] = useState('');
  const [campaignId, setCampaignId] = useState('');

  const facets = useQuery({
    queryKey: wsKey(me.workspace.id, 'leads', 'facets'),
    queryFn: () => api.get<LeadFacets>('/api/leads/facets'),
  });
  const progress = useQuery({
    queryKey: wsKey(me.workspace.id, 'leads', 'import', job?.id ?? ''),
    queryFn: () => api.get<ImportStatus>(`/api/leads/imports/${job!.id}`),
    enabled: !!job && job.status !== 'uploaded',
    refetchInterval: (q) =>
      q.state.data && (q.state.data.status === 'done' || q.state.data.status === 'failed')
        ? false
        : 700,
  });
  const state = progress.data ?? job;

  async function choose(file: File) {
    setError(null);
    setUpload(0);
    try {
      const s = await uploadFile(file, setUpload);
      setJob(s);
      // Reuse an existing custom field whose name differs only in case ("Company" -> "company").
      const known = facets.data?.customFields ?? [];
      setMapping(
        s.suggestedMapping.map((m) => {
          if (!m.startsWith('cf.')) return m;
          const same = known.find((k) => k.toLowerCase() === m.slice(3).toLowerCase());
          return same ? `cf.${same}` : m;
        }),
      );
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Upload failed');
    } finally {
      setUpload(null);
    }
  }

  const start = useMutation({
    mutationFn: () =>
      api.post<ImportStatus>(`/api/leads/imports/${job!.id}/start`, {
        mapping,
        ...(tag.trim() ? { tag: tag.trim() } : {}),
        ...(campaignId ? { campaignId } : {}),
      }),
    onSuccess: (s) => {
      setJob(s);
      void qc.invalidateQueries({ queryKey: wsKey(me.workspace.id, 'leads') });
    },
    onError: (err) => setError(err.message),
  });

  const emailMapped = mapping.filter((m) => m === 'email').length === 1;
  const targets = mapping.filter((m) => m !== 'skip');
  const duplicateTarget = new Set(targets).size !== targets.length;

  const step = !job ? 1 : job.status === 'uploaded' ? 2 : 3;

  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/leads">Leads</Link> <span aria-hidden="true">/</span> <span>Import</span>
      </nav>
      <PageHeader
        title="Import leads from CSV"
        description="Existing leads are merged by email: new values fill in, nothing is erased, unsubscribed stays unsubscribed."
      />
      <ol className="wizard-steps" aria-label="Steps">
        {['Upload', 'Map columns', 'Import'].map((label, i) => (
          <li
            key={label}
            className={step === i + 1 ? 'current' : step > i + 1 ? 'done' : undefined}
            aria-current={step === i + 1 ? 'step' : undefined}
          >
            <span className="wizard-num">{i + 1}</span>
            {label}
          </li>
        ))}
      </ol>
      {error && <Alert title="That did not work">{error}</Alert>}

      {step === 1 && (
        <Card
          title="Choose a CSV file"
          description="UTF-8 CSV with a header row (Excel: File › Save As › CSV UTF-8). Up to 1 GB; a million rows is fine."
        >
          <label className="dropzone" data-testid="import-drop">
            <input
              type="file"
              accept=".csv,text/csv"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void choose(f);
                e.target.value = '';
              }}
              data-testid="import-file"
            />
            {upload === null ? (
              <span>
                <strong>Choose a file</strong> or drop it here
              </span>
            ) : (
              <span className="export-progress">
                <span className="progress">
                  <span
                    className="progress-bar"
                    style={{ width: `${Math.round(upload * 100)}%` }}
                  />
                </span>
                Uploading… {Math.round(upload * 100)}%
              </span>
            )}
          </label>
        </Card>
      )}

      {step === 2 && job && (
        <Card
          title={`Map the columns of ${job.fileName}`}
          description={`${job.bytes >= 1e6 ? `${(job.bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(job.bytes / 1e3))} KB`}. Choose what each column becomes; unknown columns become custom fields.`}
          footer={
            <div className="form-actions">
              <Button onClick={() => setJob(null)}>Choose another file</Button>
              <Button
                variant="primary"
                disabled={!emailMapped || duplicateTarget}
                loading={start.isPending}
                onClick={() => start.mutate()}
                data-testid="import-start"
              >
                Import
              </Button>
            </div>
          }
        >
          {!emailMapped && <Alert tone="warning">Map exactly one column to Email.</Alert>}
          {duplicateTarget && (
            <Alert tone="warning">Two columns are mapped to the same field.</Alert>
          )}
          <div className="table-wrap">
            <table className="table mapping-table" data-testid="import-mapping">
              <thead>
                <tr>
                  {job.columns.map((c, i) => (
                    <th key={i} scope="col">
                      <div className="mapping-head">{c || `Column ${i + 1}`}</div>
                      <select
                        className="input select input-sm"
                        aria-label={`Map column ${c}`}
                        value={mapping[i] ?? 'skip'}
                        onChange={(e) =>
                          setMapping(mapping.map((m, j) => (j === i ? e.target.value : m)))
                        }
                      >
                        <option value="skip">Skip this column</option>
                        {LEAD_IMPORT_FIELDS.map((f) => (
                          <option key={f} value={f}>
                            {FIELD_LABEL(f)}
                          </option>
                        ))}
                        <option
                          value={`cf.${c.replace(/[^A-Za-z0-9_ -]/g, '').slice(0, 64) || `column${i + 1}`}`}
                        >
                          Custom field “{c}”
                        </option>
                        {facets.data?.customFields
                          .filter((k) => k !== c)
                          .map((k) => (
                            <option key={k} value={`cf.${k}`}>
                              Custom field “{k}”
                            </option>
                          ))}
                      </select>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {job.preview.map((row, r) => (
                  <tr key={r} className={r % 2 ? undefined : 'row-striped'}>
                    {job.columns.map((_, i) => (
                      <td key={i} className={mapping[i] === 'skip' ? 'cell-skipped' : undefined}>
                        {row[i] ?? ''}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="two-col import-options">
            <label className="field">
              <span className="field-label">Tag every imported lead</span>
              <input
                className="input"
                placeholder="e.g. trade-show-2026"
                value={tag}
                onChange={(e) => setTag(e.target.value)}
              />
            </label>
            <label className="field">
              <span className="field-label">Enroll in a campaign</span>
              <select
                className="input select"
                value={campaignId}
                onChange={(e) => setCampaignId(e.target.value)}
              >
                <option value="">Don’t enroll</option>
                <ActiveCampaignOptions facets={facets.data} />
              </select>
            </label>
          </div>
        </Card>
      )}

      {step === 3 && state && (
        <Card
          title={
            state.status === 'done'
              ? 'Import finished'
              : state.status === 'failed'
                ? 'Import failed'
                : 'Importing…'
          }
          testId="import-progress"
        >
          {state.status === 'failed' && <Alert>{state.error}</Alert>}
          {state.status === 'running' && (
            <div className="export-progress" role="status" aria-live="polite">
              <div className="progress">
                <div className="progress-bar progress-indeterminate" />
              </div>
              <p>
                {formatCount(state.rowsRead)} rows read
                {state.rowsRead > 0 && state.created + state.updated === 0
                  ? '; merging into your leads next'
                  : ''}
              </p>
            </div>
          )}
          <dl className="import-stats">
            <div>
              <dt>Rows read</dt>
              <dd data-testid="import-read">{formatCount(state.rowsRead)}</dd>
            </div>
            <div>
              <dt>New leads</dt>
              <dd data-testid="import-created">{formatCount(state.created)}</dd>
            </div>
            <div>
              <dt>Merged into existing</dt>
              <dd>{formatCount(state.updated)}</dd>
            </div>
            <div>
              <dt>Repeated in the file</dt>
              <dd>{formatCount(state.duplicates)}</dd>
            </div>
            <div>
              <dt>Rejected</dt>
              <dd data-testid="import-rejected">{formatCount(state.rejected)}</dd>
            </div>
            {state.enrolled > 0 && (
              <div>
                <dt>Enrolled</dt>
                <dd>{formatCount(state.enrolled)}</dd>
              </div>
            )}
          </dl>
          <div className="form-actions">
            {state.rejected > 0 && state.status !== 'running' && (
              <a
                className="btn btn-secondary"
                href={`/api/leads/imports/${state.id}/report.csv`}
                download
                data-testid="import-report"
              >
                <DownloadIcon size={16} />
                Download rejected rows
              </a>
            )}
            {state.status !== 'running' && (
              <ButtonLink to="/leads" variant="primary">
                See your leads
              </ButtonLink>
            )}
          </div>
        </Card>
      )}
    </>
  );
}
