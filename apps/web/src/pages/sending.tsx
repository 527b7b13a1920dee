import { useSearchParams } from 'react-router';
import { PageHeader } from '../components/layout';
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
      <div className="tabs" role="tablist" aria-label="Sending sections">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={`tab${tab === t.id ? ' active' : ''}`}
            style={{ background: 'none', border: 0, cursor: 'pointer' }}
            data-testid={`sending-tab-${t.id}`}
            onClick={() => setParams(t.id === 'identities' ? {} : { tab: t.id })}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === 'identities' && <IdentitiesPanel />}
        {tab === 'warmup' && <WarmupPanel />}
        {tab === 'outbox' && <OutboxPanel />}
        {tab === 'review' && <ReviewPanel />}
      </div>
    </>
  );
}
