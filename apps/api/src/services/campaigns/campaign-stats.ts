// Per-step statistics of one campaign: leads waiting on each step, its messages by outcome,
// and human opens, clicks, unsubscribes and complaints (each message counted once).
import type { CampaignStats, StepStats } from '@kindling/shared';
import type { Db } from '@kindling/db';
import { loadCampaign } from './load-campaign.js';

const zero = (): StepStats => ({
  waiting: 0,
  paused: 0,
  exited: 0,
  sent: 0,
  bounced: 0,
  queued: 0,
  failed: 0,
  opens: 0,
  clicks: 0,
  unsubscribed: 0,
  complaints: 0,
});

/** Enrollment totals and per-step counts (keyed by step id) of the workspace's campaign. */
export async function campaignStats(
  db: Db,
  workspaceId: string,
  id: string,
): Promise<CampaignStats> {
  const { id: campaignId } = await loadCampaign(db, workspaceId, id);
  const [byStatus, byStep, byReason, msgByStep, events] = await Promise.all([
    db.enrollment.groupBy({ by: ['status'], where: { campaignId }, _count: { _all: true } }),
    db.enrollment.groupBy({
      by: ['currentStepId', 'status'],
      where: { campaignId, status: { in: ['active', 'paused', 'exited'] } },
      _count: { _all: true },
    }),
    db.enrollment.groupBy({
      by: ['exitReason'],
      where: { campaignId, status: 'exited' },
      _count: { _all: true },
    }),
    db.message.groupBy({
      by: ['stepId', 'status'],
      where: { campaignId, kind: 'campaign' },
      _count: { _all: true },
    }),
    // Human opens/clicks count each message once; unsubscribes are attributed to the message.
    db.$queryRaw<{ stepId: string; type: string; n: bigint }[]>`
      SELECT m."stepId", t.type::text AS type, COUNT(DISTINCT t."messageId") AS n
      FROM "TrackingEvent" t JOIN "Message" m ON m.id = t."messageId"
      WHERE m."campaignId" = ${campaignId}::uuid AND m.kind = 'campaign' AND t.machine = false
      GROUP BY m."stepId", t.type`,
  ]);
  const count = (s: string) => byStatus.find((b) => b.status === s)?._count._all ?? 0;
  const steps: Record<string, StepStats> = {};
  const at = (stepId: string) => (steps[stepId] ??= zero());
  for (const r of byStep) {
    if (!r.currentStepId) continue;
    const s = at(r.currentStepId);
    if (r.status === 'active') s.waiting += r._count._all;
    else if (r.status === 'paused') s.paused += r._count._all;
    else s.exited += r._count._all;
  }
  for (const r of msgByStep) {
    if (!r.stepId) continue;
    const s = at(r.stepId);
    const n = r._count._all;
    if (r.status === 'sent') s.sent += n;
    else if (r.status === 'bounced') s.bounced += n;
    else if (r.status === 'failed' || r.status === 'suppressed') s.failed += n;
    else s.queued += n;
  }
  for (const e of events) {
    const s = at(e.stepId);
    const n = Number(e.n);
    if (e.type === 'open') s.opens += n;
    else if (e.type === 'click') s.clicks += n;
    else if (e.type === 'unsubscribe') s.unsubscribed += n;
    else if (e.type === 'complaint') s.complaints += n;
    else if (e.type === 'bounce') s.bounced = Math.max(s.bounced, n);
  }
  return {
    enrolled: byStatus.reduce((a, b) => a + b._count._all, 0),
    active: count('active'),
    paused: count('paused'),
    completed: count('completed'),
    exited: count('exited'),
    exitedByReason: Object.fromEntries(
      byReason.map((r) => [r.exitReason ?? 'unknown', r._count._all]),
    ),
    steps,
  };
}
