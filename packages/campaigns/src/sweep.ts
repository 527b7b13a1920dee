// The drip sweep: moves enrollments due within a short horizon from Postgres (the schedule) into
// the queue, and finds the messages whose email.send job Redis may have lost. The caller supplies
// the enqueue and job-checking functions, so this package stays free of BullMQ.
import { Prisma } from '@kindling/db';
import type { DripDeps } from './engine.js';
import { noUnfinishedSend } from './order.js';

/** A message still to be sent and when its email.send job would run at the earliest. */
export interface PendingSend {
  id: string;
  dueAt: Date;
  /** Past `dueAt` + grace: a job still there but finished no longer covers it. */
  overdue: boolean;
}

export interface SweepDeps extends DripDeps {
  /** Enqueues `drip.step` for enrollments, each to run at `runAt` (deterministic job ids). */
  enqueueSteps: (items: { enrollmentId: string; runAt: Date }[]) => Promise<void>;
  /** Enrollments due before now + horizonMs are enqueued (delayed) ahead of time. */
  horizonMs?: number;
  /** Most enrollments moved per sweep. */
  limit?: number;
  /** Slack added to a message's due time before a finished job of it is replaced (see `pendingSends`). */
  sendRepairGraceMs?: number;
  /**
   * Rows written this recently are not checked: their producer commits the row first and adds
   * the job a few milliseconds later.
   */
  sendRepairSettleMs?: number;
  /** Longest a `held` message waits before email.send asks the limiter again (worker holdRecheckMs). */
  holdRecheckMs?: number;
  /** email.send's retry policy (packages/queue DEFAULT_JOB_OPTIONS): exponential backoff. */
  sendBackoff?: { baseMs: number; attempts: number };
  /** Most pending messages checked per sweep; a cursor walks the rest over the next sweeps. */
  sendRepairLimit?: number;
  /** Where the previous sweep's check stopped; kept by the caller between sweeps. */
  sendRepairCursor?: { after: { at: Date; id: string } | null };
  /**
   * Checks each message's `email.send` job and re-creates it when it is gone (at once, delayed to
   * its due time) or, once overdue, finished (a finished job makes a same-id add a no-op);
   * returns how many were re-created. Defaults to `enqueueSend` of the overdue ones.
   */
  repairSends?: (pending: PendingSend[]) => Promise<number>;
  /** Only these campaigns (tests and targeted runs); all by default. */
  campaignIds?: string[];
  /** Only messages of these workspaces (tests sharing a database); if unset, campaignIds limits messages too. */
  workspaceIds?: string[];
}

/**
 * One sweep: enqueues every active enrollment of an active campaign due before now + horizon
 * and free to run (order.ts: no email of its own unfinished); job ids are deterministic, so
 * enrollments already queued are no-ops and jobs Redis lost are re-created. Then repairs the
 * email.send jobs of messages still to be sent (`pendingSends`).
 */
export async function sweepDue(
  deps: SweepDeps,
): Promise<{ scheduled: number; resent: number; sendsChecked: number }> {
  const now = deps.now();
  const horizon = new Date(now.getTime() + (deps.horizonMs ?? 60_000));
  const limit = deps.limit ?? 20_000;
  const only = deps.campaignIds;
  const due = await deps.db.$queryRaw<{ id: string; nextRunAt: Date }[]>`
    SELECT e.id, e."nextRunAt" FROM "Enrollment" e
    JOIN "Campaign" c ON c.id = e."campaignId"
    WHERE e.status = 'active' AND e."nextRunAt" <= ${horizon} AND c.status = 'active'
      ${only ? Prisma.sql`AND c.id = ANY(${only}::uuid[])` : Prisma.empty}
      AND ${noUnfinishedSend}
    ORDER BY e."nextRunAt" LIMIT ${limit}`;
  if (due.length > 0)
    await deps.enqueueSteps(due.map((d) => ({ enrollmentId: d.id, runAt: d.nextRunAt })));

  const pending = await pendingSends(deps, now);
  let resent = 0;
  if (deps.repairSends) {
    if (pending.length > 0) resent = await deps.repairSends(pending);
  } else {
    const overdue = pending.filter((p) => p.overdue).map((p) => p.id);
    if (overdue.length > 0) await deps.enqueueSend(overdue);
    resent = overdue.length;
  }
  return { scheduled: due.length, resent, sendsChecked: pending.length };
}

/**
 * Messages that should still be sent (queued, held, deferred; any kind), with the earliest time
 * their email.send job would run. Every one gets its job checked (cheaply, by key, in a batch),
 * so a job Redis lost (a flush, a failover to an empty replica) is re-created within one sweep,
 * delayed to that due time. Postgres has no "next due" column, so it is derived from what
 * email.send does to the row:
 * - queued: created or re-queued at `updatedAt`, due at once;
 * - held: every hold rewrites the row (updatedAt) and delays the job by at most holdRecheckMs ->
 *   updatedAt + holdRecheckMs;
 * - deferred: the row is written when the 4xx is recorded, and BullMQ retries after
 *   baseMs * 2^(attemptsMade-1). `attempts` (claims) is at least the job's attemptsMade, capped
 *   at the largest backoff the policy uses, so the estimate is never earlier than the real retry
 *   -> updatedAt + baseMs * 2^(min(attempts, maxAttempts-1) - 1).
 * Past due + grace a row is overdue: a finished job of it (kept 24 h / 7 days, so a same-id add
 * would be a no-op) is replaced too. A live job (waiting, delayed, active) is always left alone,
 * so a backlog is never re-sent early. One query over the status index (pending rows are a small
 * share of Message), bounded by `sendRepairLimit`; a keyset cursor on (updatedAt, id) continues
 * where the previous sweep stopped so a large backlog cannot starve the rows behind it.
 */
async function pendingSends(deps: SweepDeps, now: Date): Promise<PendingSend[]> {
  const grace = deps.sendRepairGraceMs ?? 60_000;
  const settledBefore = new Date(now.getTime() - (deps.sendRepairSettleMs ?? 2_000));
  const holdMs = deps.holdRecheckMs ?? 60_000;
  const baseMs = deps.sendBackoff?.baseMs ?? 5_000;
  const maxExp = Math.max(0, (deps.sendBackoff?.attempts ?? 8) - 2);
  const limit = deps.sendRepairLimit ?? 2_000;
  const cursor = deps.sendRepairCursor;
  const after = cursor?.after ?? null;
  const only = deps.campaignIds;
  const spaces = deps.workspaceIds;
  const rows = await deps.db.$queryRaw<{ id: string; updatedAt: Date; dueAt: Date }[]>`
    SELECT m.id::text, m."updatedAt",
           m."updatedAt" + CASE m.status
             WHEN 'queued' THEN interval '0'
             WHEN 'held' THEN make_interval(secs => ${holdMs}::float8 / 1000.0)
             ELSE make_interval(secs => ${baseMs}::float8
                    * power(2, LEAST(GREATEST(m.attempts, 1) - 1, ${maxExp}::int)) / 1000.0)
           END AS "dueAt"
    FROM "Message" m
    WHERE m.status IN ('queued', 'held', 'deferred')
      AND m."updatedAt" <= ${settledBefore}
      ${spaces ? Prisma.sql`AND m."workspaceId" = ANY(${spaces}::uuid[])` : only ? Prisma.sql`AND m."campaignId" = ANY(${only}::uuid[])` : Prisma.empty}
      ${after ? Prisma.sql`AND (m."updatedAt", m.id) > (${after.at}::timestamptz, ${after.id}::uuid)` : Prisma.empty}
    ORDER BY m."updatedAt", m.id
    LIMIT ${limit}`;
  if (cursor) {
    const last = rows[rows.length - 1];
    // A short page means the end was reached: the next sweep starts from the oldest again.
    cursor.after = rows.length < limit || !last ? null : { at: last.updatedAt, id: last.id };
  }
  return rows.map((r) => ({
    id: r.id,
    dueAt: r.dueAt,
    overdue: r.dueAt.getTime() + grace <= now.getTime(),
  }));
}
