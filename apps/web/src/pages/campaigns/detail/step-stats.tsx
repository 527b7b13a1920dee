import { Card } from '../../../components/layout';
import { DataTable } from '../../../components/data-table';
import type { CampaignStats, CampaignStepView } from '@kindling/shared';
import { describeStep } from '../model';

const pct = (n: number, d: number) => (d > 0 ? `${Math.round((n / d) * 100)}%` : '–');

const num = (label: string) => ({ label, className: 'num' });

/** Per step: who waits there, and for emails what was sent, opened, clicked and bounced. */
export function StepStatsCard({
  steps,
  stats,
}: {
  steps: CampaignStepView[];
  stats: CampaignStats | undefined;
}) {
  const s = stats;
  return (
    <Card
      title="Steps"
      description="Opens and clicks count humans only (privacy proxies and link scanners are excluded)."
      flush
    >
      <DataTable
        className="stats-table"
        testId="step-stats"
        columns={[
          '#',
          'Step',
          num('Waiting'),
          num('Sent'),
          num('Opened'),
          num('Clicked'),
          num('Unsubscribed'),
          num('Bounced'),
          num('Exited here'),
        ]}
      >
        {steps.map((st, i) => {
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
                {email && x?.queued ? <span className="muted"> +{x.queued} queued</span> : null}
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
      </DataTable>
    </Card>
  );
}
