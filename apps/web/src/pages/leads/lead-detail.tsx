import { useEffect, useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LeadDetail, LeadTimeline } from '@kindling/shared';
import { api, ApiError } from '../../api';
import { Badge, Card, PageHeader } from '../../components/layout';
import { Button } from '../../components/button';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Alert, ErrorState, LoadingRows } from '../../components/feedback';
import { DownloadIcon, XIcon } from '../../components/icons';
import { useToast } from '../../components/toast';
import { useSession, wsKey } from '../../lib/queries';
import { can } from '../../lib/roles';
import { relativeTime, shortDate } from '../../lib/format';
import { NotFoundPage } from '../not-found';
import { STATUS_TONE, fullName } from './common';
import './leads.css';

const KIND_TONE: Record<string, string> = {
  submission: 'tl-accent',
  enrollment: 'tl-info',
  message: 'tl-neutral',
  open: 'tl-success',
  click: 'tl-success',
  unsubscribe: 'tl-warning',
  bounce: 'tl-danger',
  complaint: 'tl-danger',
  suppression: 'tl-warning',
  created: 'tl-neutral',
};

/** Custom field values are text, numbers or booleans; anything else is shown as JSON. */
function display(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="kv">
      <dt>{label}</dt>
      <dd>{children ?? <span className="muted">—</span>}</dd>
    </div>
  );
}

export function LeadDetailPage() {
  const { id = '' } = useParams();
  const me = useSession();
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const key = wsKey(me.workspace.id, 'leads', 'detail', id);
  const lead = useQuery({
    queryKey: key,
    queryFn: () => api.get<LeadDetail>(`/api/leads/${id}`),
    retry: false,
  });
  const timeline = useQuery({
    queryKey: [...key, 'timeline'],
    queryFn: () => api.get<LeadTimeline>(`/api/leads/${id}/timeline`),
    enabled: lead.isSuccess,
  });

  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState({ firstName: '', lastName: '', phone: '', timeZone: '' });
  const [custom, setCustom] = useState<[string, string][]>([]);
  const [tagInput, setTagInput] = useState('');
  const [confirm, setConfirm] = useState<'delete' | 'unsubscribe' | null>(null);

  useEffect(() => {
    if (!lead.data || editing) return;
    const l = lead.data;
    setDraft({
      firstName: l.firstName ?? '',
      lastName: l.lastName ?? '',
      phone: l.phone ?? '',
      timeZone: l.timeZone ?? '',
    });
    setCustom(Object.entries(l.customFields).map(([k, v]) => [k, display(v)]));
  }, [lead.data, editing]);

  const invalidate = () => qc.invalidateQueries({ queryKey: wsKey(me.workspace.id, 'leads') });
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) => api.patch<LeadDetail>(`/api/leads/${id}`, body),
    onSuccess: (l) => {
      qc.setQueryData(key, l);
      setEditing(false);
      toast.success('Lead saved');
      void invalidate();
    },
    onError: (err) => toast.error(err.message),
  });
  const act = useMutation({
    mutationFn: async (what: 'delete' | 'unsubscribe') => {
      if (what === 'delete') await api.delete(`/api/leads/${id}`);
      else await api.post('/api/leads/bulk', { action: 'unsubscribe', ids: [id] });
      return what;
    },
    onSuccess: (what) => {
      setConfirm(null);
      void invalidate();
      if (what === 'delete') {
        toast.success('Lead and its personal data deleted');
        void navigate('/leads');
      } else toast.success('Lead unsubscribed');
    },
    onError: (err) => toast.error(err.message),
  });

  if (lead.isError && lead.error instanceof ApiError && lead.error.status === 404)
    return <NotFoundPage />;
  if (lead.isPending) return <LoadingRows rows={6} />;
  if (lead.isError) return <ErrorState error={lead.error} onRetry={() => void lead.refetch()} />;
  const l = lead.data;
  const name = fullName(l);

  const saveTags = (tags: string[]) => save.mutate({ tags });

  return (
    <>
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link to="/leads">Leads</Link> <span aria-hidden="true">/</span> <span>{l.email}</span>
      </nav>
      <PageHeader
        title={name || l.email}
        description={
          <span className="lead-subtitle">
            {name && <span>{l.email}</span>}
            <Badge tone={STATUS_TONE[l.status]}>{l.status}</Badge>
            <span className="muted">Added {relativeTime(l.createdAt)}</span>
          </span>
        }
        actions={
          <>
            <a
              className="btn btn-secondary"
              href={`/api/leads/${l.id}/data.json`}
              download
              data-testid="lead-download"
            >
              <DownloadIcon size={16} />
              Download data
            </a>
            {can(me.role, 'leads:write') && l.status === 'active' && (
              <Button onClick={() => setConfirm('unsubscribe')}>Unsubscribe</Button>
            )}
            {can(me.role, 'leads:write') && (
              <Button
                variant="danger"
                onClick={() => setConfirm('delete')}
                data-testid="lead-delete"
              >
                Delete
              </Button>
            )}
          </>
        }
      />
      <div className="lead-grid">
        <div className="stack-lg">
          <Card
            title="Details"
            actions={
              editing ? null : (
                <Button size="sm" onClick={() => setEditing(true)} data-testid="lead-edit">
                  Edit
                </Button>
              )
            }
          >
            {editing ? (
              <form
                className="form-stack"
                onSubmit={(e) => {
                  e.preventDefault();
                  const customFields: Record<string, string | null> = {};
                  for (const [k, v] of custom) if (k.trim()) customFields[k.trim()] = v;
                  save.mutate({
                    firstName: draft.firstName || null,
                    lastName: draft.lastName || null,
                    phone: draft.phone || null,
                    timeZone: draft.timeZone || null,
                    customFields,
                  });
                }}
              >
                <div className="two-col">
                  {(['firstName', 'lastName', 'phone', 'timeZone'] as const).map((f) => (
                    <label key={f} className="field">
                      <span className="field-label">
                        {
                          {
                            firstName: 'First name',
                            lastName: 'Last name',
                            phone: 'Phone',
                            timeZone: 'Time zone',
                          }[f]
                        }
                      </span>
                      <input
                        className="input"
                        value={draft[f]}
                        onChange={(e) => setDraft({ ...draft, [f]: e.target.value })}
                      />
                    </label>
                  ))}
                </div>
                <fieldset className="custom-fields">
                  <legend className="field-label">Custom fields</legend>
                  {custom.map(([k, v], i) => (
                    <div key={i} className="custom-row">
                      <input
                        className="input input-sm"
                        aria-label="Field name"
                        value={k}
                        onChange={(e) =>
                          setCustom(custom.map((c, j) => (j === i ? [e.target.value, c[1]] : c)))
                        }
                      />
                      <input
                        className="input input-sm"
                        aria-label={`Value of ${k || 'field'}`}
                        value={v}
                        onChange={(e) =>
                          setCustom(custom.map((c, j) => (j === i ? [c[0], e.target.value] : c)))
                        }
                      />
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Remove ${k}`}
                        onClick={() => setCustom(custom.filter((_, j) => j !== i))}
                      >
                        <XIcon size={14} />
                      </Button>
                    </div>
                  ))}
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => setCustom([...custom, ['', '']])}
                  >
                    Add a field
                  </Button>
                </fieldset>
                <div className="form-actions">
                  <Button onClick={() => setEditing(false)}>Cancel</Button>
                  <Button type="submit" variant="primary" loading={save.isPending}>
                    Save
                  </Button>
                </div>
              </form>
            ) : (
              <dl className="kv-list">
                <Field label="Email">{l.email}</Field>
                <Field label="First name">{l.firstName}</Field>
                <Field label="Last name">{l.lastName}</Field>
                <Field label="Phone">{l.phone}</Field>
                <Field label="Time zone">{l.timeZone}</Field>
                {Object.entries(l.customFields).map(([k, v]) => (
                  <Field key={k} label={k}>
                    {v === null || v === undefined ? null : display(v)}
                  </Field>
                ))}
              </dl>
            )}
          </Card>

          <Card title="Tags">
            <div className="tag-editor">
              {l.tags.length === 0 && <span className="muted">No tags yet.</span>}
              {l.tags.map((t) => (
                <span key={t} className="tag-chip tag-chip-static">
                  {t}
                  <button
                    type="button"
                    aria-label={`Remove tag ${t}`}
                    onClick={() => saveTags(l.tags.filter((x) => x !== t))}
                  >
                    <XIcon size={12} />
                  </button>
                </span>
              ))}
              <form
                className="tag-add"
                onSubmit={(e) => {
                  e.preventDefault();
                  const t = tagInput.trim();
                  if (t && !l.tags.includes(t)) saveTags([...l.tags, t]);
                  setTagInput('');
                }}
              >
                <input
                  className="input input-sm"
                  placeholder="Add a tag"
                  aria-label="Add a tag"
                  value={tagInput}
                  onChange={(e) => setTagInput(e.target.value)}
                />
              </form>
            </div>
          </Card>

          <Card title="Consent">
            <dl className="kv-list">
              <Field label="Given">{l.consent.at ? shortDate(l.consent.at) : null}</Field>
              <Field label="Wording">{l.consent.text}</Field>
              <Field label="Double opt-in">
                {l.consent.confirmedAt
                  ? `Confirmed ${shortDate(l.consent.confirmedAt)}`
                  : l.consent.confirmationSentAt
                    ? 'Confirmation sent, not confirmed'
                    : null}
              </Field>
              {l.suppression && (
                <Field label="Suppressed">
                  {l.suppression.reason.replace('_', ' ')}
                  {l.suppression.at ? `, ${shortDate(l.suppression.at)}` : ''}
                </Field>
              )}
            </dl>
          </Card>

          <Card title="Attribution" description="First touch, then every form submission.">
            <dl className="kv-list">
              <Field label="First form">{l.firstTouch.form?.name}</Field>
              <Field label="UTM">
                {[l.firstTouch.utmSource, l.firstTouch.utmMedium, l.firstTouch.utmCampaign]
                  .filter(Boolean)
                  .join(' / ') || null}
              </Field>
              <Field label="Referrer">{l.firstTouch.referrer}</Field>
              <Field label="Landing page">{l.firstTouch.pageUrl}</Field>
            </dl>
            {l.submissions.length > 0 && (
              <ul className="submission-list">
                {l.submissions.map((s) => (
                  <li key={s.id}>
                    <strong>{s.form.name}</strong> <span className="muted">{shortDate(s.at)}</span>
                    {s.isSpam && <Badge tone="warning">spam</Badge>}
                    <div className="muted small">
                      {[s.utmSource, s.utmMedium, s.utmCampaign].filter(Boolean).join(' / ') ||
                        'no UTM'}
                      {s.pageUrl ? ` · ${s.pageUrl}` : ''}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>

        <Card
          title="Timeline"
          description="Everything that happened to this lead, newest first."
          testId="lead-timeline"
        >
          {timeline.isPending && <LoadingRows rows={4} />}
          {timeline.isError && <Alert>{timeline.error.message}</Alert>}
          {timeline.data && (
            <ol className="timeline">
              {timeline.data.items.map((t, i) => (
                <li key={i} className={`tl-item ${KIND_TONE[t.kind] ?? 'tl-neutral'}`}>
                  <span className="tl-dot" aria-hidden="true" />
                  <div className="tl-body">
                    <div className="tl-title">
                      {t.title}
                      {t.machine !== undefined &&
                        (t.machine ? (
                          <Badge tone="neutral">
                            <span title={t.machineReason ?? undefined}>
                              machine{t.machineReason ? `: ${t.machineReason}` : ''}
                            </span>
                          </Badge>
                        ) : (
                          <Badge tone="success">human</Badge>
                        ))}
                    </div>
                    {t.detail && <div className="tl-detail">{t.detail}</div>}
                    <time className="tl-time" dateTime={t.at} title={t.at}>
                      {new Date(t.at).toLocaleString(undefined, {
                        dateStyle: 'medium',
                        timeStyle: 'short',
                      })}{' '}
                      · {relativeTime(t.at)}
                    </time>
                  </div>
                </li>
              ))}
            </ol>
          )}
        </Card>
      </div>

      <ConfirmDialog
        open={confirm !== null}
        title={
          confirm === 'delete'
            ? 'Delete this lead and its personal data?'
            : 'Unsubscribe this lead?'
        }
        confirmLabel={confirm === 'delete' ? 'Delete' : 'Unsubscribe'}
        pending={act.isPending}
        onCancel={() => setConfirm(null)}
        onConfirm={() => confirm && act.mutate(confirm)}
      >
        {confirm === 'delete' ? (
          <p>
            {l.email} is removed, with the personal details in their submissions, emails and
            opens/clicks. Counts stay right; this cannot be undone. Download their data first if
            they asked for a copy.
          </p>
        ) : (
          <p>They leave every campaign and go on the suppression list.</p>
        )}
      </ConfirmDialog>
    </>
  );
}
