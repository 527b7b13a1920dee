// Drip scheduling in the worker.
//
// drip.sweep (a BullMQ job scheduler, every ~15 s): moves enrollments due within a short horizon
// from Postgres (the schedule) into BullMQ as delayed drip.step jobs with deterministic ids
// (enrollment + due time), so a repeated sweep is a no-op and a job Redis lost is re-created.
// Only enrollments with no unfinished email of their own are moved (packages/campaigns
// order.ts), so a drip's emails go out in order even when Redis lost a send job. A watchdog
// checks every sweep interval that the scheduler still exists and re-declares it (which runs
// a sweep at once) when Redis lost it.
// It also repairs email.send: every message still to be sent (queued, held, deferred; any kind)
// gets its job checked (see `pendingSends` in packages/campaigns): a job that is provably gone
// (no job hash in Redis) is re-created at once, delayed to the row's due time; once the row is
// overdue, a job that only finished is replaced too (a same-id add would be a no-op then). A job
// still waiting, delayed or active is left alone. Double delivery stays impossible: email.send
// claims the row (queued|held|deferred -> sending) in one conditional UPDATE before SMTP, so a
// second job for the same message finds it claimed.
//
// drip.step: at-least-once delivery of the job, exactly-once effect: the runner claims the
// enrollment row with SELECT … FOR UPDATE SKIP LOCKED and only while it is due, the Message row is
// unique per enrollment+step, and email.send job ids are derived from the message id. A crash
// after the commit but before the enqueue is repaired by the sweep.
import { Worker, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Db } from '@kindling/db';
import {
  DEFAULT_JOB_OPTIONS,
  JOBS,
  QUEUES,
  dripStepPayload,
  emailQueue as emailQueueOf,
  emailSendJobId,
  enqueueDripSteps,
  enqueueEmailSends,
  missingJobIds,
  queueFor,
  sendsTo,
} from '@kindling/queue';
import { runStep, sweepDue, type DripDeps, type PendingSend } from '@kindling/campaigns';
import type { WorkerModule } from '../context.js';
import { sendingSettings } from './sending-settings.js';

export interface DripOptions {
  db: Db;
  connection: Redis;
  prefix: string;
  logger: Logger;
  concurrency: number;
  /** The engine's clock; tests pass a controllable one. */
  now?: () => Date;
  sweepEveryMs?: number;
  horizonMs?: number;
  sendRepairGraceMs?: number;
  /** Rows written more recently are not checked yet (their producer is adding the job). */
  sendRepairSettleMs?: number;
  /** email.send's longest hold (SendingSettings.holdRecheckMs): a lost job of held mail is re-created to run then. */
  holdRecheckMs?: number;
  /** Most pending messages checked per sweep. */
  sendRepairLimit?: number;
  /** Only these campaigns (tests sharing a database); all by default. */
  campaignIds?: string[];
  /** Only messages of these workspaces (tests sharing a database); all by default. */
  workspaceIds?: string[];
  observe?: (w: Worker) => void;
}

export interface DripRunner {
  dripQueue: Queue;
  emailQueue: Queue;
  worker: Worker;
  /** One sweep now, outside the scheduler. */
  sweepOnce: () => Promise<{ scheduled: number; resent: number; sendsChecked: number }>;
  /** (Re-)declares the sweep scheduler; idempotent. */
  ensureScheduler: () => Promise<void>;
  /** Re-declares the scheduler if Redis lost it (run every sweep interval); true if it did. */
  restoreScheduler: () => Promise<boolean>;
  /** Sweeps completed by this runner's worker. */
  sweeps: () => number;
  close: () => Promise<void>;
}

const SCHEDULER_ID = 'drip-sweep';

/**
 * Coalesces calls made within a few milliseconds into one `flush`; each caller's promise settles
 * with that flush, so a caller still knows its ids reached Redis. A burst of due steps then costs
 * one addBulk per few ms instead of one round trip per step.
 */
function coalesce(
  flush: (ids: string[]) => Promise<void>,
  waitMs = 5,
): (ids: string[]) => Promise<void> {
  let batch: {
    ids: string[];
    waiters: { resolve: () => void; reject: (e: unknown) => void }[];
  } | null = null;
  const run = async () => {
    const b = batch!;
    batch = null;
    try {
      await flush(b.ids);
      for (const w of b.waiters) w.resolve();
    } catch (err) {
      for (const w of b.waiters) w.reject(err);
    }
  };
  return (ids) =>
    new Promise<void>((resolve, reject) => {
      if (!batch) {
        batch = { ids: [], waiters: [] };
        setTimeout(() => void run(), waitMs);
      }
      batch.ids.push(...ids);
      batch.waiters.push({ resolve, reject });
    });
}

/** Starts the drip queue's consumer and scheduler; everything is also callable directly. */
export async function startDrip(o: DripOptions): Promise<DripRunner> {
  const { connection, prefix } = o;
  const now = o.now ?? (() => new Date());
  const sweepEveryMs = o.sweepEveryMs ?? 15_000;
  const dripQueue = queueFor(QUEUES.drip, { connection, prefix });
  const emailQueue = emailQueueOf({ connection, prefix });

  const deps: DripDeps = { db: o.db, now, enqueueSend: coalesce(sendsTo(emailQueue)) };
  // A job with no hash in Redis is provably gone: re-created at once, delayed to its row's due
  // time. A finished job would turn a same-id add into a no-op for as long as
  // removeOnComplete/removeOnFail keep it (24 h / 7 days), although the row says the message
  // still has to go (re-queued by a person, or retries spent on an infrastructure error before the
  // claim), so once the row is overdue it is removed first. The claim in email.send makes any
  // overlap harmless.
  const repairSends = async (pending: PendingSend[]): Promise<number> => {
    let created = 0;
    for (let i = 0; i < pending.length; i += 1000) {
      const chunk = pending.slice(i, i + 1000);
      const missing = await missingJobIds(
        connection,
        emailQueue,
        chunk.map((p) => emailSendJobId(p.id)),
      );
      const t = now().getTime();
      const recreate = chunk
        .filter((p) => missing.has(emailSendJobId(p.id)))
        .map((p) => ({ messageId: p.id, delay: Math.max(0, p.dueAt.getTime() - t) }));
      const finished = await Promise.all(
        chunk
          .filter((p) => p.overdue && !missing.has(emailSendJobId(p.id)))
          .map(async (p) => {
            const state = await emailQueue.getJobState(emailSendJobId(p.id));
            if (state !== 'completed' && state !== 'failed') return null;
            // 0 means it could not be removed (it just became active again): leave it to run.
            return (await emailQueue.remove(emailSendJobId(p.id))) === 1 ? p.id : null;
          }),
      );
      for (const id of finished) if (id) recreate.push({ messageId: id, delay: 0 });
      await enqueueEmailSends(emailQueue, recreate);
      created += recreate.length;
    }
    return created;
  };
  const sendRepairCursor: { after: { at: Date; id: string } | null } = { after: null };
  const sweepOnce = () =>
    sweepDue({
      ...deps,
      horizonMs: o.horizonMs,
      sendRepairGraceMs: o.sendRepairGraceMs,
      sendRepairSettleMs: o.sendRepairSettleMs,
      holdRecheckMs: o.holdRecheckMs,
      sendBackoff: {
        baseMs: DEFAULT_JOB_OPTIONS.backoff.delay,
        attempts: DEFAULT_JOB_OPTIONS.attempts,
      },
      sendRepairLimit: o.sendRepairLimit,
      sendRepairCursor,
      repairSends,
      campaignIds: o.campaignIds,
      workspaceIds: o.workspaceIds,
      enqueueSteps: (items) => enqueueDripSteps(dripQueue, items, now().getTime()),
    });

  // A scheduler with `every` runs its first job at once, so a re-declared one sweeps right away.
  const ensureScheduler = async () => {
    await dripQueue.upsertJobScheduler(
      SCHEDULER_ID,
      { every: sweepEveryMs },
      { name: JOBS.dripSweep, opts: { removeOnComplete: true, removeOnFail: 100, attempts: 1 } },
    );
  };
  const restoreScheduler = async () => {
    if (await dripQueue.getJobScheduler(SCHEDULER_ID)) return false;
    await ensureScheduler();
    return true;
  };

  let sweeps = 0;
  const worker = new Worker(
    QUEUES.drip,
    async (job: Job) => {
      if (job.name === JOBS.dripSweep) {
        const r = await sweepOnce();
        sweeps++;
        if (r.scheduled || r.resent) o.logger.debug(r, 'drip sweep');
        return r;
      }
      if (job.name === JOBS.dripStep) {
        const { enrollmentId } = dripStepPayload.parse(job.data);
        const outcome = await runStep(deps, enrollmentId);
        return outcome;
      }
      throw new Error(`unknown job ${job.name}`);
    },
    { connection, prefix, concurrency: o.concurrency },
  );
  o.observe?.(worker);
  await worker.waitUntilReady();
  await ensureScheduler();
  // A flush of Redis or a failover to an empty replica drops the scheduler itself: the watchdog looks
  // for it every sweep interval (one cheap read) and re-declares it, so sweeps resume within one
  // interval.
  let checking = false; // while Redis is away the check waits; do not pile more behind it
  const watchdog = setInterval(() => {
    if (checking) return;
    checking = true;
    restoreScheduler()
      .then(
        (restored) => {
          if (restored) o.logger.warn('drip sweep scheduler was gone from Redis: re-declared');
        },
        (err: unknown) => o.logger.warn({ err }, 'could not check the drip sweep scheduler'),
      )
      .finally(() => (checking = false));
  }, sweepEveryMs);
  watchdog.unref();

  return {
    dripQueue,
    emailQueue,
    worker,
    sweepOnce,
    ensureScheduler,
    restoreScheduler,
    sweeps: () => sweeps,
    // The queues are the connection's (packages/queue queueFor): they stay open.
    close: async () => {
      clearInterval(watchdog);
      await worker.close();
    },
  };
}

/** The drip module: sweep scheduler + step processor on the shared worker connection. */
export const dripModule: WorkerModule = async (ctx) => {
  const runner = await startDrip({
    db: ctx.db,
    connection: ctx.redis,
    prefix: ctx.prefix,
    logger: ctx.logger,
    concurrency: ctx.config.dripConcurrency ?? ctx.concurrency,
    holdRecheckMs: sendingSettings(ctx.config.sending, ctx.config.publicUrl).holdRecheckMs,
    observe: ctx.observe,
  });
  return [runner];
};
