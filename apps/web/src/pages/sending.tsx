import { useSearchParams } from 'react-router';
import { PageHeader } from '../components/layout';
import { TabButtons } from '../components/tabs';
import { IdentitiesPanel } from './sending/identities';
import { WarmupPanel } from './sending/warmup';
import { OutboxPanel } from './sending/outbox';
import { ReviewPanel } from './sending/review';

const TABS = [
  { id: 'identities', label: 'Identities' },
  { id: 'warmup', label: 'Warm-up & reputation' },
  { id: 'outbox', label: 'Outbox (dev mail catcher)' },
  { id: 'review', label: 'Reports to review' },
] as const;
type TabId = (typeof TABS)[number]['id'];

/** Sending: identities, warm-up and reputation, the dev mail catcher's Outbox, held reports. */
export function SendingPage() {
  const [params, setParams] = useSearchParams();
  const tab: TabId = TABS.some((t) => t.id === params.get('tab'))
    ? (params.get('tab') as TabId)
    : 'identities';
  return (
    <>
      <PageHeader
        title="Sending"
        description="Your SMTP relays and DKIM keys, warm-up limits, sender reputation, and mail caught in development."
      />
      <TabButtons
        tabs={TABS}
        active={tab}
        onSelect={(id) => setParams(id === 'identities' ? {} : { tab: id })}
        label="Sending sections"
        testIdPrefix="sending-tab-"
        buttonStyle={{ background: 'none', border: 0, cursor: 'pointer' }}
      />
      <div role="tabpanel">
        {tab === 'identities' && <IdentitiesPanel />}
        {tab === 'warmup' && <WarmupPanel />}
        {tab === 'outbox' && <OutboxPanel />}
        {tab === 'review' && <ReviewPanel />}
      </div>
    </>
  );
}
