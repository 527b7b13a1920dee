import { PageHeader } from '../components/layout';
import { EmptyState } from '../components/feedback';
import { ButtonLink } from '../components/button';
import { MailIcon, SendingIcon } from '../components/icons';
import { ComingSoonButton, Steps } from '../components/coming-soon';

export function SendingPage() {
  return (
    <>
      <PageHeader
        title="Sending"
        description="Your SMTP servers, warm-up schedule and sender reputation."
        actions={<ComingSoonButton feature="SMTP server setup">Add SMTP server</ComingSoonButton>}
      />
      <section className="card">
        <EmptyState
          testId="sending-empty"
          icon={<SendingIcon size={22} />}
          title="Connect an SMTP server to start sending"
          actions={
            <>
              <ComingSoonButton feature="SMTP server setup" testId="sending-create">
                Add SMTP server
              </ComingSoonButton>
              <ButtonLink to="/settings/general" icon={<MailIcon size={16} />}>
                Set your postal address
              </ButtonLink>
            </>
          }
        >
          <p>
            Kindling sends through your own mail servers. Add one, and new sending domains ramp up
            gradually under warm-up limits so your IPs and domains keep a good reputation. Bounces
            and complaints show up here.
          </p>
        </EmptyState>
      </section>
      <Steps
        steps={[
          { title: 'Add a server', text: 'Host, port and credentials of your SMTP relay.' },
          { title: 'Verify your domain', text: 'Publish the DKIM and SPF records we generate.' },
          {
            title: 'Warm up',
            text: 'Daily limits rise automatically while bounce and complaint rates stay low.',
          },
        ]}
      />
    </>
  );
}
