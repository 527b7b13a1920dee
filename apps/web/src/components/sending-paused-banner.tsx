import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { WarmupPlanView } from '@kindling/shared';
import { api } from '../api';
import { useSession, wsKey } from '../lib/queries';
import { Alert } from './feedback';
import { canManage } from '../lib/roles';

const SCOPE_LABEL = { ip_pool: 'IP pool', domain: 'sending domain' } as const;

/**
 * The owner alert of the reputation guard: on every page, owners and admins see which pool or
 * domain paused itself and why, until a person resumes it on the Sending page.
 */
export function SendingPausedBanner() {
  const me = useSession();
  const canResume = canManage(me.role);
  // Same query key as the Sending page's warm-up panel, so both share one cache entry.
  const plans = useQuery({
    queryKey: wsKey(me.workspace.id, 'sending-warmup'),
    queryFn: () => api.get<WarmupPlanView[]>('/api/sending/warmup'),
    refetchInterval: 60_000,
    enabled: canResume,
  });
  const paused = (plans.data ?? []).filter((p) => p.status === 'paused');
  if (!canResume || paused.length === 0) return null;
  return (
    <div className="page-alerts" data-testid="sending-paused-banner">
      {paused.map((p) => (
        <Alert
          key={p.id}
          tone="danger"
          title={`Sending paused on ${SCOPE_LABEL[p.scope]} “${p.key}”`}
        >
          {p.pausedReason ? `${p.pausedReason}.` : 'Paused by a person.'} Mail for it is held, not
          dropped. <Link to="/sending/warmup">Review and resume</Link>
        </Alert>
      ))}
    </div>
  );
}
