import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../api';
import { Badge, Card } from '../../../components/layout';
import { Button, RowButton } from '../../../components/button';
import { DataTable } from '../../../components/data-table';
import { LoadingRows } from '../../../components/feedback';
import { useToast } from '../../../components/toast';
import { wsKey, useSession } from '../../../lib/queries';
import { can } from '../../../lib/roles';
import type { CampaignWithProblems, EnrollResult, EnrollmentList } from '@kindling/shared';
import { STATUS_TONE } from '../model';

/** The latest enrollments, enrolling leads by address, and pausing or resuming one. */
export function EnrollmentsCard({ campaign: c }: { campaign: CampaignWithProblems }) {
  const me = useSession();
  const qc = useQueryClient();
  const toast = useToast();
  const id = c.id;
  const [emails, setEmails] = useState('');
  const enrollments = useQuery({
    queryKey: wsKey(me.workspace.id, 'campaign', id, 'enrollments'),
    queryFn: () => api.get<EnrollmentList>(`/api/campaigns/${id}/enrollments`),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: wsKey(me.workspace.id, 'campaign', id) });
  const enrollmentAction = useMutation({
    mutationFn: ({ eid, what }: { eid: string; what: 'pause' | 'resume' }) =>
      api.post(`/api/enrollments/${eid}/${what}`),
    onSuccess: () => refresh(),
    onError: (err) => toast.error(err instanceof Error ? err.message : 'Failed'),
  });
  const enroll = useMutation({
    mutationFn: () =>
      api.post<EnrollResult>(`/api/campaigns/${id}/enrollments`, {
        emails: emails.split(/[\s,;]+/).filter(Boolean),
      }),
    onSuccess: async (r) => {
      setEmails('');
      await refresh();
      toast.success(
        `${r.enrolled} enrolled${r.skipped ? `, ${r.skipped} skipped (already in or not active)` : ''}${r.notFound ? `, ${r.notFound} not found` : ''}`,
      );
    },
    onError: (err) => toast.error(err instanceof Error ? err.message : 'Could not enroll'),
  });

  const build = can(me.role, 'campaigns:write');
  const launch = can(me.role, 'campaigns:send');
  const stepNumber = new Map(c.steps.map((st, i) => [st.id, i + 1]));

  return (
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
        <DataTable
          testId="enrollments-table"
          columns={[
            'Lead',
            'Status',
            'At step',
            'Next run',
            'Source',
            { label: 'Actions', hidden: true },
          ]}
        >
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
                <Badge tone={STATUS_TONE[e.status]}>{e.status}</Badge>
                {e.exitReason && <span className="muted"> {e.exitReason.replace(/_/g, ' ')}</span>}
              </td>
              <td>{e.currentStepId ? (stepNumber.get(e.currentStepId) ?? '–') : '–'}</td>
              <td>{e.nextRunAt ? new Date(e.nextRunAt).toLocaleString() : '–'}</td>
              <td>{e.source.replace('_', ' ')}</td>
              <td className="num">
                {build && e.status === 'active' && (
                  <RowButton onClick={() => enrollmentAction.mutate({ eid: e.id, what: 'pause' })}>
                    Pause
                  </RowButton>
                )}
                {launch && e.status === 'paused' && (
                  <RowButton onClick={() => enrollmentAction.mutate({ eid: e.id, what: 'resume' })}>
                    Resume
                  </RowButton>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </Card>
  );
}
