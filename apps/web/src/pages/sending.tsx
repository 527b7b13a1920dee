import { Navigate, NavLink, Outlet, useSearchParams } from 'react-router';
import { PageHeader } from '../components/layout';
import { IdentitiesPanel } from './sending/identities';
import { WarmupPanel } from './sending/warmup';
import { OutboxPanel } from './sending/outbox';
import { ReviewPanel } from './sending/review';

/** The Sending sections, each at `/sending/<id>` (the routes in app.tsx are made from this). */
export const SENDING_TABS = [
  { id: 'identities', label: 'Identities', element: <IdentitiesPanel /> },
  { id: 'warmup', label: 'Warm-up & reputation', element: <WarmupPanel /> },
  { id: 'outbox', label: 'Outbox (dev mail catcher)', element: <OutboxPanel /> },
  { id: 'review', label: 'Reports to review', element: <ReviewPanel /> },
] as const;

/** Sending: identities, warm-up and reputation, the dev mail catcher's Outbox, held reports. */
export function SendingLayout() {
  return (
    <>
      <PageHeader
        title="Sending"
        description="Your SMTP relays and DKIM keys, warm-up limits, sender reputation, and mail caught in development."
      />
      <nav className="tabs" aria-label="Sending sections">
        {SENDING_TABS.map((t) => (
          <NavLink
            key={t.id}
            to={`/sending/${t.id}`}
            className="tab"
            data-testid={`sending-tab-${t.id}`}
          >
            {t.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </>
  );
}

/**
 * `/sending` opens the first section; the older `/sending?tab=<id>` links (bookmarks, a
 * banner's link in an open tab) land on that section's own URL.
 */
export function SendingIndex() {
  const [params] = useSearchParams();
  const wanted = SENDING_TABS.find((t) => t.id === params.get('tab')) ?? SENDING_TABS[0];
  return <Navigate to={`/sending/${wanted.id}`} replace />;
}
