import { PageHeader } from '../components/layout';
import { EmptyState } from '../components/feedback';
import { ButtonLink } from '../components/button';
import { FormsIcon, LeadsIcon } from '../components/icons';
import { Steps } from '../components/coming-soon';

export function LeadsPage() {
  return (
    <>
      <PageHeader
        title="Leads"
        description="Everyone who filled in one of your forms, in one place."
      />
      <section className="card">
        <EmptyState
          testId="leads-empty"
          icon={<LeadsIcon size={22} />}
          title="No leads yet"
          actions={
            <ButtonLink to="/forms" variant="primary" icon={<FormsIcon size={16} />}>
              Go to Forms
            </ButtonLink>
          }
        >
          <p>
            Leads appear here the moment someone submits one of your forms. Publish a form on a
            landing page to start collecting them; you can filter, tag and export them as CSV from
            here.
          </p>
        </EmptyState>
      </section>
      <Steps
        steps={[
          { title: 'Publish a form', text: 'Embed it with one script tag.' },
          {
            title: 'Review each lead',
            text: 'See the source page, consent and every email they received.',
          },
          { title: 'Export any time', text: 'Stream a CSV of the leads matching your filters.' },
        ]}
      />
    </>
  );
}
