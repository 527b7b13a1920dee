import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api';
import { PageHeader, Badge } from '../../components/layout';
import { ButtonLink } from '../../components/button';
import { DataTable } from '../../components/data-table';
import { EmptyState, ErrorState, LoadingRows } from '../../components/feedback';
import { CampaignsIcon, PlusIcon } from '../../components/icons';
import { wsKey, useSession } from '../../lib/queries';
import { can } from '../../lib/roles';
import { STATUS_TONE } from './model';
import './campaigns.css';
import type { CampaignList } from '@kindling/shared';

/** The campaigns list. */
export function CampaignsPage() {
  const me = useSession();
  const list = useQuery({
    queryKey: wsKey(me.workspace.id, 'campaigns'),
    queryFn: () => api.get<CampaignList>('/api/campaigns'),
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
          <DataTable
            testId="campaigns-table"
            columns={[
              'Name',
              'Status',
              { label: 'Emails', className: 'num' },
              { label: 'Enrolled', className: 'num' },
              { label: 'In progress', className: 'num' },
              { label: 'Sent', className: 'num' },
            ]}
          >
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
          </DataTable>
        </section>
      )}
    </>
  );
}
