import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../../api';
import { PageHeader, Badge, Card } from '../../components/layout';
import { Button, ButtonLink } from '../../components/button';
import { Alert, EmptyState, ErrorState, LoadingRows } from '../../components/feedback';
import { CampaignsIcon, PlusIcon } from '../../components/icons';
import { useToast } from '../../components/toast';
import { wsKey, useSession } from '../../lib/queries';
import { can } from '../../lib/roles';
import { describeStep, type CampaignView } from './model';
import { EditingRules } from './editing-rules';
import { ProblemList } from './problem-list';
import './campaigns.css';

export { CampaignBuilderPage } from './builder';

interface CampaignRow {
  id: string;
  name: string;
  status: CampaignView['status'];
  emails: number;
  steps: number;
  enrolled: number;
  active: number;
  sent: number;
  updatedAt: string;
}

const STATUS_TONE = {
  draft: 'neutral',
  active: 'success',
  paused: 'warning',
  archived: 'neutral',
} as const;

/** The campaigns list. */
export function CampaignsPage() {
  const me = useSession();
  const list = useQuery({
    queryKey: wsKey(me.workspace.id, 'campaigns'),
    queryFn: () => api.get<{ campaigns: CampaignRow[] }>('/api/campaigns'),
  });
  const build = can(me.role, 'campaigns:write');
  return (
    <>
      <PageHeader
        title="Campaigns"
        description="Drip sequences that send the right email at the right time after someone signs up."
        actions={
          build && (
            <ButtonLink
              to="/campaigns/new"
              variant="primary"
              icon={<PlusIcon size={16} />}
              data-testid="campaigns-create"
            >
              New campaign
            </ButtonLink>
          )
        }
      />
      {list.error ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : !list.data ? (
        <LoadingRows rows={4} />
      ) : list.data.campaigns.length === 0 ? (
        <section className="card">
          <EmptyState
            testId="campaigns-empty"
            icon={<CampaignsIcon size={22} />}
            title="Build your first drip campaign"
            actions={
              build && (
                <ButtonLink to="/campaigns/new" variant="primary">
                  Create campaign
                </ButtonLink>
              )
            }
          >
            <p>
              A campaign is a sequence of emails with waits and conditions between them, triggered
              when a lead submits a form, gets a tag, or is added by hand, the API or an import.
            </p>
          </EmptyState>
        </section>
      ) : (
        <section className="card">
          <div className="table-wrap">
            <table className="table" data-testid="campaigns-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Status</th>
                  <th className="num">Emails</th>
                  <th className="num">Enrolled</th>
                  <th className="num">In progress</th>
                  <th className="num">Sent</th>
                </tr>
              </thead>
              <tbody>
                {list.data.campaigns.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/campaigns/${c.id}`}>{c.name}</Link>
                    </td>
                    <td>
                      <Badge tone={STATUS_TONE[c.status]}>{c.status}</Badge>
                    </td>
                    <td className="num">{c.emails}</td>
                    <td className="num">{c.enrolled}</td>
                    <td className="num">{c.active}</td>
                    <td className="num">{c.sent}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}

interface StepStats {
  waiting: number;
  paused: number;
  exited: number;
  sent: number;
  bounced: number;
  queued: number;
  failed: number;
  opens: number;
  clicks: number;
  unsubscribed: number;
  complaints: number;
}
interface Stats {
  enrolled: number;
  active: number;
  paused: number;
  completed: number;
  exited: number;
  exitedByReason: Record<string, number>;
  steps: Record<string, StepStats>;
}
interface EnrollmentRow {
  id: string;
  email: string;
  name: string;
  status: 'active' | 'paused' | 'completed' | 'exited';
  exitReason: string | null;
  source: string;
  currentStepId: string | null;
  nextRunAt: string | null;
  enrolledAt: string;
}

const pct = (n: number, d: number) => (d > 0 ? `${Math.round((n / d) * 100)}%` : '–');

/** One campaign: lifecycle actions, problems, per-step statistics and enrollments. */
export function CampaignDetailPage() {
  const { id = '' } = useParams();
  const me = useSession();
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const [emails, setEmails] = useState('');
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const campaign = useQuery({
    queryKey: wsKey(me.workspace.id, 'campaign', id),
    queryFn: () => api.get<CampaignView>(`/api/campaigns/${id}`),
  });
  const stats = useQuery({
    queryKey: wsKey(me.workspace.id, 'campaign', id, 'stats'),
    queryFn: () => api.get<Stats>(`/api/campaigns/${id}/stats`),
    refetchInterval: 15_000,
  });
  const enrollments = useQuery({
    queryKey: wsKey(me.workspace.id, 'campaign', id, 'enrollments'),
    queryFn: () => api.get<{ enrollments: EnrollmentRow[] }>(`/api/campaigns/${id}/enrollments`),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: wsKey(me.workspace.id, 'campaign', id) });
  const action = useMutation({
    mutationFn: (what: string) => api.post(`/api/campaigns/${id}/${what}`),
    onSuccess: async (_r, what) => {
      setActionError(null);
      await refresh();
      await qc.invalidateQueries({ queryKey: wsKey(me.workspace.id, 'campaigns') });
      toast.success(
        what === 'activate'
          ? 'Campaign is live.'
          : what === 'pause'
            ? 'Campaign paused.'
            : what === 'resume'
              ? 'Campaign resumed.'
              : 'Campaign archived.',
      );
    },
    onError: (err) =>
      setActionError(err instanceof ApiError ? err : new ApiError(500, 'internal', 'Failed')),
  });
  const enrollmentAction = useMutation({
    mutationFn: ({ eid, what }: { eid: string; what: 'pause' | 'resume' }) =>
      api.post(`/api/enrollments/${eid}/${what}`),
    onSuccess: () => refresh(),
    onError: (err) => toast.error(err instanceof Error ? err.message : 'Failed'),
  });
  const enroll = useMutation({
    mutationFn: () =>
      api.post<{ enrolled: number; skipped: number; notFound: number }>(
        `/api/campaigns/${id}/enrollments`,
        {
          emails: emails.split(/[\s,;]+/).filter(Boolean),
        },
      ),
    onSuccess: async (r) => {
      setEmails('');
      await refresh();
      toast.success(
        `${r.enrolled} enrolled${r.skipped ? `, ${r.skipped} skipped (already in or not active)` : ''}${r.notFound ? `, ${r.notFound} not found` : ''}`,
      );
    },
    onError: (err) => toast.error(err instanceof Error ? err.message : 'Could not enroll'),
  });

  if (campaign.error)
    return <ErrorState error={campaign.error} onRetry={() => void campaign.refetch()} />;
  if (!campaign.data) return <LoadingRows rows={6} />;
  const c = campaign.data;
  const s = stats.data;
  // The same matrix as the api: members build and pause, admins launch (mail goes out).
  const build = can(me.role, 'campaigns:write');
  const launch = can(me.role, 'campaigns:send');
  const stepNumber = new Map(c.steps.map((st, i) => [st.id, i + 1]));

  return (
    <div className="campaign-page">
      <PageHeader
        title={c.name}
        description={
          <>
            <Badge tone={STATUS_TONE[c.status]}>{c.status}</Badge> · {c.steps.length} steps ·{' '}
            {c.triggers.map((t) => t.type.replace('_', ' ')).join(', ') || 'no trigger'}
          </>
        }
        actions={
          <>
            {build && c.status !== 'archived' && (
              <ButtonLink to={`/campaigns/${c.id}/edit`} data-testid="campaign-edit">
                Edit
              </ButtonLink>
            )}
            {launch && c.status === 'draft' && (
              <Button
                variant="primary"
                loading={action.isPending}
                onClick={() => action.mutate('activate')}
                data-testid="campaign-activate"
              >
                Activate
              </Button>
            )}
            {build && c.status === 'active' && (
              <Button
                loading={action.isPending}
                onClick={() => action.mutate('pause')}
                data-testid="campaign-pause"
              >
                Pause
              </Button>
            )}
            {launch && c.status === 'paused' && (
              <Button
                variant="primary"
                loading={action.isPending}
                onClick={() => action.mutate('resume')}
                data-testid="campaign-resume"
              >
                Resume
              </Button>
            )}
            {launch && c.status !== 'archived' && c.status !== 'draft' && (
              <Button variant="ghost" onClick={() => action.mutate('archive')}>
                Archive
              </Button>
            )}
            {build && c.status === 'draft' && (
              <Button
                variant="ghost"
                onClick={() =>
                  void api
                    .delete(`/api/campaigns/${c.id}`)
                    .then(() => navigate('/campaigns'))
                    .catch((e: unknown) => toast.error(e instanceof Error ? e.message : 'Failed'))
                }
              >
                Delete
              </Button>
            )}
          </>
        }
      />
      {actionError && (
        <Alert title={actionError.message}>
          <ProblemList items={actionError.details.map((d) => d.issue)} testId="campaign-problems" />
        </Alert>
      )}
      {c.status === 'draft' && c.problems && c.problems.length > 0 && !actionError && (
        <Alert
          tone="warning"
          title={`${c.problems.length} thing${c.problems.length === 1 ? '' : 's'} to fix before activating`}
        >
          <ProblemList items={c.problems.map((p) => p.message)} />
        </Alert>
      )}

      <div className="stat-tiles" data-testid="campaign-stats">
        <Tile label="Enrolled" value={s?.enrolled} />
        <Tile label="In progress" value={s ? s.active + s.paused : undefined} />
        <Tile label="Completed" value={s?.completed} />
        <Tile
          label="Exited"
          value={s?.exited}
          hint={
            s &&
            Object.entries(s.exitedByReason)
              .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${v}`)
              .join(' · ')
          }
        />
      </div>

      <Card
        title="Steps"
        description="Opens and clicks count humans only (privacy proxies and link scanners are excluded)."
        flush
      >
        <div className="table-wrap">
          <table className="table stats-table" data-testid="step-stats">
            <thead>
              <tr>
                <th>#</th>
                <th>Step</th>
                <th className="num">Waiting</th>
                <th className="num">Sent</th>
                <th className="num">Opened</th>
                <th className="num">Clicked</th>
                <th className="num">Unsubscribed</th>
                <th className="num">Bounced</th>
                <th className="num">Exited here</th>
              </tr>
            </thead>
            <tbody>
              {c.steps.map((st, i) => {
                const x = s?.steps[st.id];
                const email = st.type === 'email';
                return (
                  <tr key={st.id}>
                    <td>{i + 1}</td>
                    <td>
                      <span className={`step-badge step-badge-${st.type} step-badge-inline`}>
                        {st.type}
                      </span>{' '}
                      {describeStep(st)}
                    </td>
                    <td className="num">{(x?.waiting ?? 0) + (x?.paused ?? 0)}</td>
                    <td className="num">
                      {email ? (x?.sent ?? 0) : ''}
                      {email && x?.queued ? (
                        <span className="muted"> +{x.queued} queued</span>
                      ) : null}
                    </td>
                    <td className="num">
                      {email ? (
                        <>
                          {x?.opens ?? 0}{' '}
                          <span className="muted">{pct(x?.opens ?? 0, x?.sent ?? 0)}</span>
                        </>
                      ) : (
                        ''
                      )}
                    </td>
                    <td className="num">
                      {email ? (
                        <>
                          {x?.clicks ?? 0}{' '}
                          <span className="muted">{pct(x?.clicks ?? 0, x?.sent ?? 0)}</span>
                        </>
                      ) : (
                        ''
                      )}
                    </td>
                    <td className="num">{email ? (x?.unsubscribed ?? 0) : ''}</td>
                    <td className="num">{email ? (x?.bounced ?? 0) : ''}</td>
                    <td className="num">{x?.exited ?? 0}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Card>

      <Card
        title="Enrollments"
        description="The latest 100. Pause one lead without touching the others."
        actions={
          launch && c.status === 'active' ? (
            <form
              className="inline-form-row"
              onSubmit={(e) => {
                e.preventDefault();
                if (emails.trim()) enroll.mutate();
              }}
            >
              <input
                className="input input-sm"
                placeholder="lead@example.com, …"
                aria-label="Emails to enroll"
                value={emails}
                onChange={(e) => setEmails(e.target.value)}
              />
              <Button size="sm" type="submit" loading={enroll.isPending}>
                Enroll
              </Button>
            </form>
          ) : null
        }
        flush
      >
        {!enrollments.data ? (
          <LoadingRows rows={3} />
        ) : enrollments.data.enrollments.length === 0 ? (
          <p className="card-empty muted">Nobody enrolled yet.</p>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="enrollments-table">
              <thead>
                <tr>
                  <th>Lead</th>
                  <th>Status</th>
                  <th>At step</th>
                  <th>Next run</th>
                  <th>Source</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {enrollments.data.enrollments.map((e) => (
                  <tr key={e.id}>
                    <td>
                      {e.name ? (
                        <>
                          {e.name} <span className="muted">{e.email}</span>
                        </>
                      ) : (
                        e.email
                      )}
                    </td>
                    <td>
                      <Badge
                        tone={
                          e.status === 'active'
                            ? 'success'
                            : e.status === 'paused'
                              ? 'warning'
                              : 'neutral'
                        }
                      >
                        {e.status}
                      </Badge>
                      {e.exitReason && (
                        <span className="muted"> {e.exitReason.replace(/_/g, ' ')}</span>
                      )}
                    </td>
                    <td>{e.currentStepId ? (stepNumber.get(e.currentStepId) ?? '–') : '–'}</td>
                    <td>{e.nextRunAt ? new Date(e.nextRunAt).toLocaleString() : '–'}</td>
                    <td>{e.source.replace('_', ' ')}</td>
                    <td className="num">
                      {build && e.status === 'active' && (
                        <Button
                          size="sm"
                          variant="ghost"
                          onClick={() => enrollmentAction.mutate({ eid: e.id, what: 'pause' })}
                        >
                          Pause
                        </Button>
                      )}
                      {launch && e.status === 'paused' && (
                        <Button
                          size="sm"
                          variant="ghost"
                          onClick={() => enrollmentAction.mutate({ eid: e.id, what: 'resume' })}
                        >
                          Resume
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      {c.status !== 'draft' && (
        <Card title="Editing rules">
          <EditingRules />
        </Card>
      )}
    </div>
  );
}

function Tile({
  label,
  value,
  hint,
}: {
  label: string;
  value: number | undefined;
  hint?: string | undefined;
}) {
  return (
    <div className="stat-tile">
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value ?? '–'}</span>
      {hint && <span className="stat-hint">{hint}</span>}
    </div>
  );
}
