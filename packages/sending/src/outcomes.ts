// What bounces and complaints do to the data, shared by the worker (SMTP answers, inbound
// DSN/ARF) and the api (SES notifications); an unsubscribe is @kindling/leads unsubscribe.ts. Every effect is idempotent: a report that
// arrives twice is recorded once (TrackingEvent.eventKey is unique).
import type { Db } from '@kindling/db';

export interface OutcomeTarget {
  workspaceId: string;
  email: string;
  messageId?: string | null;
  leadId?: string | null;
  detail?: string | null;
}

type SuppressionReason = 'hard_bounce' | 'soft_bounce' | 'complaint' | 'unsubscribe' | 'manual';

/** Adds (or strengthens) a suppression for an address. A complaint outranks other reasons. */
export async function suppressAddress(
  db: Db,
  workspaceId: string,
  email: string,
  reason: SuppressionReason,
  detail?: string | null,
): Promise<void> {
  const lower = email.toLowerCase();
  await db.suppression.upsert({
    where: { workspaceId_email: { workspaceId, email: lower } },
    create: { workspaceId, email: lower, reason, detail: detail?.slice(0, 1000) ?? null },
    update:
      reason === 'complaint' || reason === 'hard_bounce'
        ? { reason, detail: detail?.slice(0, 1000) ?? null }
        : {},
  });
}

async function leadIdOf(db: Db, t: OutcomeTarget): Promise<string | null> {
  if (t.leadId) return t.leadId;
  const lead = await db.lead.findUnique({
    where: { workspaceId_email: { workspaceId: t.workspaceId, email: t.email.toLowerCase() } },
    select: { id: true },
  });
  return lead?.id ?? null;
}

/** Records an event once; returns false when this key was already recorded. */
async function once(
  db: Db,
  key: string,
  t: OutcomeTarget,
  leadId: string | null,
  type: 'bounce' | 'complaint' | 'unsubscribe',
  detail: object,
): Promise<boolean> {
  const { count } = await db.trackingEvent.createMany({
    data: [
      {
        eventKey: key,
        workspaceId: t.workspaceId,
        messageId: t.messageId ?? null,
        leadId,
        type,
        detail: detail as never,
        occurredAt: new Date(),
      },
    ],
    skipDuplicates: true,
  });
  return count === 1;
}

/** Hard bounce: message bounced, address suppressed, lead marked bounced. */
export async function recordHardBounce(db: Db, t: OutcomeTarget): Promise<void> {
  const leadId = await leadIdOf(db, t);
  await once(db, `bounce:${t.messageId ?? t.email}`, t, leadId, 'bounce', {
    hard: true,
    detail: t.detail ?? null,
  });
  await suppressAddress(db, t.workspaceId, t.email, 'hard_bounce', t.detail);
  if (leadId)
    await db.lead.updateMany({
      where: { id: leadId, status: 'active' },
      data: { status: 'bounced' },
    });
  // The message's status last: whoever watches it sees the lead and suppression already done.
  if (t.messageId) {
    await db.message.updateMany({
      where: { id: t.messageId },
      data: { status: 'bounced', lastError: t.detail?.slice(0, 1000) ?? null },
    });
  }
}

/** Soft bounce: counted once per message; at `limit` the address is suppressed like a hard bounce. */
export async function recordSoftBounce(
  db: Db,
  t: OutcomeTarget,
  limit: number,
): Promise<{ suppressed: boolean }> {
  const leadId = await leadIdOf(db, t);
  const fresh = await once(
    db,
    `soft:${t.messageId ?? t.email}:${t.detail ?? ''}`.slice(0, 300),
    t,
    leadId,
    'bounce',
    { hard: false, detail: t.detail ?? null },
  );
  if (!fresh || !leadId) return { suppressed: false };
  const lead = await db.lead.update({
    where: { id: leadId },
    data: { softBounceCount: { increment: 1 } },
    select: { softBounceCount: true },
  });
  if (lead.softBounceCount >= limit) {
    await suppressAddress(
      db,
      t.workspaceId,
      t.email,
      'soft_bounce',
      `${lead.softBounceCount} soft bounces; last: ${t.detail ?? ''}`,
    );
    await db.lead.updateMany({
      where: { id: leadId, status: 'active' },
      data: { status: 'bounced' },
    });
    return { suppressed: true };
  }
  return { suppressed: false };
}

/** Complaint (ARF, SES): lead complained and unsubscribed, address suppressed. */
export async function recordComplaint(db: Db, t: OutcomeTarget): Promise<void> {
  const leadId = await leadIdOf(db, t);
  await once(db, `complaint:${t.messageId ?? t.email}`, t, leadId, 'complaint', {
    detail: t.detail ?? null,
  });
  await suppressAddress(db, t.workspaceId, t.email, 'complaint', t.detail);
  if (leadId) {
    await db.lead.updateMany({
      where: { id: leadId, unsubscribedAt: null },
      data: { unsubscribedAt: new Date() },
    });
    // Status last: it is what readers watch.
    await db.lead.updateMany({
      where: { id: leadId, status: { in: ['active', 'unsubscribed'] } },
      data: { status: 'complained' },
    });
  }
}

export interface ReputationStats {
  sent: number;
  bounces: number;
  complaints: number;
  bounceRate: number;
  complaintRate: number;
}

/** Rolling bounce and complaint rates of a pool (identities with that ipPool) or a sending domain. */
export async function reputationStats(
  db: Db,
  workspaceId: string,
  scope: 'ip_pool' | 'domain',
  key: string,
  since: Date,
): Promise<ReputationStats> {
  const identityFilter =
    scope === 'ip_pool'
      ? { identity: { ipPool: key } }
      : { identity: { fromEmail: { endsWith: `@${key}`, mode: 'insensitive' as const } } };
  const base = { workspaceId, claimedAt: { gte: since }, ...identityFilter };
  const [sent, bounces, complaints] = await Promise.all([
    db.message.count({ where: { ...base, status: { in: ['sent', 'bounced'] } } }),
    db.message.count({ where: { ...base, status: 'bounced' } }),
    db.trackingEvent.count({
      where: {
        workspaceId,
        type: 'complaint',
        occurredAt: { gte: since },
        message: identityFilter,
      },
    }),
  ]);
  return {
    sent,
    bounces,
    complaints,
    bounceRate: sent ? bounces / sent : 0,
    complaintRate: sent ? complaints / sent : 0,
  };
}

export interface GuardResult {
  planId: string;
  status: 'ok' | 'warn' | 'paused';
  reason: string | null;
  stats: ReputationStats;
}

/**
 * Reputation guard: compares each plan's rolling rates with its thresholds and pauses the pool
 * or domain at the pause level (a person resumes it). Below `minSample` sends nothing is judged:
 * one bounce out of three messages says nothing about a list.
 */
export async function evaluateReputation(
  db: Db,
  workspaceId: string,
  options: {
    windowMs: number;
    minSample: number;
    now?: Date;
    keys?: { scope: 'ip_pool' | 'domain'; key: string }[];
  },
): Promise<GuardResult[]> {
  const now = options.now ?? new Date();
  const since = new Date(now.getTime() - options.windowMs);
  const plans = await db.warmupPlan.findMany({
    where: {
      workspaceId,
      ...(options.keys ? { OR: options.keys.map((k) => ({ scope: k.scope, key: k.key })) } : {}),
    },
  });
  const out: GuardResult[] = [];
  for (const plan of plans) {
    const stats = await reputationStats(db, workspaceId, plan.scope, plan.key, since);
    let status: GuardResult['status'] = 'ok';
    let reason: string | null = null;
    const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
    if (stats.sent >= options.minSample) {
      if (stats.complaintRate >= plan.complaintPause) {
        status = 'paused';
        reason = `complaint rate ${pct(stats.complaintRate)} reached the pause threshold ${pct(plan.complaintPause)} (${stats.complaints} of ${stats.sent})`;
      } else if (stats.bounceRate >= plan.bouncePause) {
        status = 'paused';
        reason = `bounce rate ${pct(stats.bounceRate)} reached the pause threshold ${pct(plan.bouncePause)} (${stats.bounces} of ${stats.sent})`;
      } else if (stats.complaintRate >= plan.complaintWarn) {
        status = 'warn';
        reason = `complaint rate ${pct(stats.complaintRate)} is above the warning level ${pct(plan.complaintWarn)}`;
      } else if (stats.bounceRate >= plan.bounceWarn) {
        status = 'warn';
        reason = `bounce rate ${pct(stats.bounceRate)} is above the warning level ${pct(plan.bounceWarn)}`;
      }
    }
    if (status === 'paused' && plan.status !== 'paused') {
      await db.warmupPlan.update({
        where: { id: plan.id },
        data: { status: 'paused', pausedReason: reason, pausedAt: now },
      });
    }
    out.push({
      planId: plan.id,
      status: plan.status === 'paused' ? 'paused' : status,
      reason: plan.status === 'paused' ? plan.pausedReason : reason,
      stats,
    });
  }
  return out;
}

/**
 * Pauses a sending identity whose mail every receiver would refuse (failed authentication, a
 * block list: smtp-answers.ts pausesIdentity); its messages are held until a person resumes it.
 * Returns whether this call paused it (false when it already was).
 */
export async function pauseIdentity(db: Db, identityId: string, reason: string): Promise<boolean> {
  const { count } = await db.sendingIdentity.updateMany({
    where: { id: identityId, status: 'active' },
    data: { status: 'paused', pausedReason: reason.slice(0, 500), pausedAt: new Date() },
  });
  return count === 1;
}
