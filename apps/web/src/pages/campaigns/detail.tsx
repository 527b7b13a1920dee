import { useState } from 'react';
import { useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { api, type ApiError } from '../../api';
import { PageHeader, Badge, Card } from '../../components/layout';
import { Alert, ErrorState, LoadingRows } from '../../components/feedback';
import { wsKey, useSession } from '../../lib/queries';
import { STATUS_TONE } from './model';
import { EditingRules } from './editing-rules';
import { ProblemList } from './problem-list';
import { LifecycleActions } from './detail/lifecycle-actions';
import { StatTiles } from './detail/stat-tiles';
import { StepStatsCard } from './detail/step-stats';
import { EnrollmentsCard } from './detail/enrollments';
import './campaigns.css';
import type { CampaignStats, CampaignWithProblems } from '@kindling/shared';

/** One campaign: lifecycle actions, problems, per-step statistics and enrollments. */
export function CampaignDetailPage() {
  const { id = '' } = useParams();
  const me = useSession();
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const campaign = useQuery({
    queryKey: wsKey(me.workspace.id, 'campaign', id),
    queryFn: () => api.get<CampaignWithProblems>(`/api/campaigns/${id}`),
  });
  const stats = useQuery({
    queryKey: wsKey(me.workspace.id, 'campaign', id, 'stats'),
    queryFn: () => api.get<CampaignStats>(`/api/campaigns/${id}/stats`),
    refetchInterval: 15_000,
  });

  if (campaign.error)
    return <ErrorState error={campaign.error} onRetry={() => void campaign.refetch()} />;
  if (!campaign.data) return <LoadingRows rows={6} />;
  const c = campaign.data;

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
        actions={<LifecycleActions campaign={c} onError={setActionError} />}
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

      <StatTiles stats={stats.data} />
      <StepStatsCard steps={c.steps} stats={stats.data} />
      <EnrollmentsCard campaign={c} />

      {c.status !== 'draft' && (
        <Card title="Editing rules">
          <EditingRules />
        </Card>
      )}
    </div>
  );
}
