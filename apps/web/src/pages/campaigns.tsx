import { PageHeader } from '../components/layout';
import { EmptyState } from '../components/feedback';
import { ButtonLink } from '../components/button';
import { CampaignsIcon, SendingIcon } from '../components/icons';
import { ComingSoonButton, Steps } from '../components/coming-soon';

export function CampaignsPage() {
  return (
    <>
      <PageHeader
        title="Campaigns"
        description="Drip sequences that send the right email at the right time after someone signs up."
        actions={<ComingSoonButton feature="The campaign builder">New campaign</ComingSoonButton>}
      />
      <section className="card">
        <EmptyState
          testId="campaigns-empty"
          icon={<CampaignsIcon size={22} />}
          title="Build your first drip campaign"
          actions={
            <>
              <ComingSoonButton feature="The campaign builder" testId="campaigns-create">
                Create campaign
              </ComingSoonButton>
              <ButtonLink to="/sending" icon={<SendingIcon size={16} />}>
                Set up sending first
              </ButtonLink>
            </>
          }
        >
          <p>
            A campaign is a sequence of emails with delays between them, triggered when a lead
            submits a form. Write the steps once; Kindling enrolls every new lead and stops when
            they unsubscribe or bounce.
          </p>
        </EmptyState>
      </section>
      <Steps
        steps={[
          { title: 'Choose a trigger', text: 'Usually "submitted form X".' },
          {
            title: 'Write the steps',
            text: 'Emails with waits between them, e.g. day 0, day 2, day 7.',
          },
          { title: 'Turn it on', text: 'Opens, clicks and unsubscribes are tracked per step.' },
        ]}
      />
    </>
  );
}
