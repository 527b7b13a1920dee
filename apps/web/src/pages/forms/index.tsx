import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, Link } from 'react-router';
import type { Form, FormSummary } from '@kindling/shared';
import { api } from '../../api';
import { PageHeader, Badge } from '../../components/layout';
import { DataTable } from '../../components/data-table';
import { Button } from '../../components/button';
import { EmptyState, ErrorState, LoadingRows } from '../../components/feedback';
import { CodeIcon, FormsIcon, PlusIcon } from '../../components/icons';
import { Steps } from '../../components/coming-soon';
import { useToast } from '../../components/toast';
import { useSession, wsKey } from '../../lib/queries';
import { can } from '../../lib/roles';
import { relativeTime, shortDate } from '../../lib/format';
import { NEW_FORM } from './defaults';
import './forms.css';

export function FormsPage() {
  const me = useSession();
  const manage = can(me.role, 'forms:write');
  const navigate = useNavigate();
  const toast = useToast();
  const qc = useQueryClient();
  const key = wsKey(me.workspace.id, 'forms');
  const forms = useQuery({ queryKey: key, queryFn: () => api.get<FormSummary[]>('/api/forms') });
  const create = useMutation({
    mutationFn: () => api.post<Form>('/api/forms', NEW_FORM),
    onSuccess: (f) => {
      void qc.invalidateQueries({ queryKey: key });
      void navigate(`/forms/${f.id}`);
    },
    onError: (err) => toast.error(err.message),
  });

  const newButton = manage ? (
    <Button
      variant="primary"
      icon={<PlusIcon size={16} />}
      loading={create.isPending}
      onClick={() => create.mutate()}
      data-testid="forms-create"
    >
      New form
    </Button>
  ) : undefined;

  return (
    <>
      <PageHeader
        title="Forms"
        description="Lead-capture forms you embed on any landing page."
        actions={forms.data?.length ? newButton : undefined}
      />
      {forms.isPending && (
        <section className="card">
          <LoadingRows rows={3} />
        </section>
      )}
      {forms.isError && <ErrorState error={forms.error} onRetry={() => void forms.refetch()} />}
      {forms.data && forms.data.length === 0 && (
        <>
          <section className="card">
            <EmptyState
              testId="forms-empty"
              icon={<FormsIcon size={22} />}
              title="Create your first form"
              actions={newButton}
            >
              <p>
                Create your first form, then paste one script tag on your landing page. Every
                submission becomes a lead and can start a drip campaign automatically.
              </p>
            </EmptyState>
            <div className="snippet" aria-label="Example embed code">
              <span className="snippet-label">
                <CodeIcon size={14} /> Embed code looks like this
              </span>
              <code>{`<script src="${location.origin}/embed.js" data-form="frm_…" async></script>`}</code>
            </div>
          </section>
          <Steps
            steps={[
              {
                title: 'Design the form',
                text: 'Pick fields, consent text and the thank-you message.',
              },
              {
                title: 'Paste the script tag',
                text: 'One line on any page; it also works as a plain HTML form.',
              },
              {
                title: 'Watch leads arrive',
                text: 'Spam checks and rate limits run before anything is stored.',
              },
            ]}
          />
        </>
      )}
      {forms.data && forms.data.length > 0 && (
        <section className="card" data-testid="forms-list">
          <DataTable columns={['Form', 'Status', 'Submissions', 'Last submission', 'Created']}>
            {forms.data.map((f) => (
              <tr key={f.id} data-testid="form-row">
                <td>
                  <Link to={`/forms/${f.id}`} className="form-name-link">
                    {f.name}
                  </Link>
                  <div className="muted form-row-meta">
                    <code className="code-pill">{f.publicId}</code> · {f.fieldCount} field
                    {f.fieldCount === 1 ? '' : 's'}
                    {f.doubleOptIn ? ' · double opt-in' : ''}
                  </div>
                </td>
                <td>
                  <Badge tone={f.status === 'enabled' ? 'success' : 'neutral'}>
                    {f.status === 'enabled' ? 'Live' : 'Disabled'}
                  </Badge>
                </td>
                <td className="num">{f.submissionCount.toLocaleString()}</td>
                <td className="muted">
                  {f.lastSubmissionAt ? relativeTime(f.lastSubmissionAt) : 'None yet'}
                </td>
                <td className="muted">{shortDate(f.createdAt)}</td>
              </tr>
            ))}
          </DataTable>
        </section>
      )}
    </>
  );
}
