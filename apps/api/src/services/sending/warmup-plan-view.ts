// A warm-up plan as the sending routes answer it: day N, today's cap and use (the worker's
// throttle counter in Redis), held mail, and the reputation guard's view of the plan's mail
// (REPUTATION_MIN_SAMPLE as the worker's guard reads it).
import type { WarmupPlan } from '@kindling/db';
import type { WarmupPlanView } from '@kindling/shared';
import {
  capCurve,
  dailyCap,
  dayCounterKey,
  evaluateReputation,
  localDate,
  warmupDay,
} from '@kindling/sending';
import { REPUTATION_MIN_SAMPLE, REPUTATION_WINDOW_MS, THROTTLE_KEY_PREFIX } from '@kindling/queue';
import type { AppDeps } from '../../deps.js';
import { notFound } from '../../http/errors.js';

export async function warmupPlanView(
  deps: AppDeps,
  p: WarmupPlan,
  timeZone: string,
  now: number,
): Promise<WarmupPlanView> {
  const { db, redis } = deps;
  const day = warmupDay(p.startedAt, now, timeZone);
  const used = Number(
    (await redis.get(dayCounterKey(THROTTLE_KEY_PREFIX, p.id, localDate(now, timeZone)))) ?? 0,
  );
  const identityFilter =
    p.scope === 'ip_pool'
      ? { ipPool: p.key }
      : { fromEmail: { endsWith: `@${p.key}`, mode: 'insensitive' as const } };
  const held = await db.message.count({
    where: { workspaceId: p.workspaceId, status: 'held', identity: identityFilter },
  });
  const [rep] = await evaluateReputation(db, p.workspaceId, {
    windowMs: REPUTATION_WINDOW_MS,
    minSample: deps.config.reputationMinSample ?? REPUTATION_MIN_SAMPLE,
    keys: [{ scope: p.scope, key: p.key }],
  });
  const fresh =
    rep && rep.status === 'paused' && p.status !== 'paused'
      ? await db.warmupPlan.findUniqueOrThrow({ where: { id: p.id } })
      : p;
  return {
    id: p.id,
    scope: p.scope,
    key: p.key,
    enabled: p.enabled,
    startedAt: p.startedAt.toISOString(),
    startVolume: p.startVolume,
    growthFactor: p.growthFactor,
    targetVolume: p.targetVolume,
    schedule: p.schedule,
    providerCaps: (p.providerCaps ?? {}) as Record<string, number>,
    sendStartHour: p.sendStartHour,
    sendEndHour: p.sendEndHour,
    complaintWarn: p.complaintWarn,
    complaintPause: p.complaintPause,
    bounceWarn: p.bounceWarn,
    bouncePause: p.bouncePause,
    status: fresh.status,
    pausedReason: fresh.pausedReason,
    day,
    todayCap: p.enabled ? dailyCap(p, day) : 0,
    todayUsed: used,
    held,
    curve: capCurve(p, 30),
    reputation: {
      sent: rep?.stats.sent ?? 0,
      bounces: rep?.stats.bounces ?? 0,
      complaints: rep?.stats.complaints ?? 0,
      bounceRate: rep?.stats.bounceRate ?? 0,
      complaintRate: rep?.stats.complaintRate ?? 0,
      level: rep?.status ?? 'ok',
      reason: rep?.reason ?? null,
    },
  };
}

/** The workspace's warm-up plan; another workspace's is a 404. */
export async function ownPlan(deps: AppDeps, workspaceId: string, id: string): Promise<WarmupPlan> {
  const cur = await deps.db.warmupPlan.findFirst({ where: { id, workspaceId } });
  if (!cur) throw notFound('Warm-up plan');
  return cur;
}

/** The plan as answered now, in its workspace's time zone. */
export async function currentPlanView(deps: AppDeps, p: WarmupPlan): Promise<WarmupPlanView> {
  const ws = await deps.db.workspace.findUniqueOrThrow({ where: { id: p.workspaceId } });
  return warmupPlanView(deps, p, ws.timeZone, Date.now());
}
