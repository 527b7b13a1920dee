import { PageHeader } from '../components/layout';
import { EmptyState } from '../components/feedback';
import { CodeIcon, FormsIcon } from '../components/icons';
import { ComingSoonButton, Steps } from '../components/coming-soon';

const SNIPPET =
  '<script src="https://kindling.example.com/embed.js" data-form="frm_…" async></script>';

export function FormsPage() {
  return (
    <>
      <PageHeader
        title="Forms"
        description="Lead-capture forms you embed on any landing page."
        actions={<ComingSoonButton feature="The form builder">New form</ComingSoonButton>}
      />
      <section className="card">
        <EmptyState
          testId="forms-empty"
          icon={<FormsIcon size={22} />}
          title="Create your first form"
          actions={
            <ComingSoonButton feature="The form builder" testId="forms-create">
              Create form
            </ComingSoonButton>
          }
        >
          <p>
            Create your first form, then paste one script tag on your landing page. Every submission
            becomes a lead and can start a drip campaign automatically.
          </p>
        </EmptyState>
        <div className="snippet" aria-label="Example embed code">
          <span className="snippet-label">
            <CodeIcon size={14} /> Embed code looks like this
          </span>
          <code>{SNIPPET}</code>
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
  );
}
