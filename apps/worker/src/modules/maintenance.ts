import { Worker } from 'bullmq';
import type { Db } from '@kindling/db';
import { IDEMPOTENCY_WINDOW_HOURS, JOBS, QUEUES, queueFor } from '@kindling/queue';
import { purgeOldReviews } from '@kindling/sending';
import type { WorkerModule } from '../context.js';

/** Deletes sessions past their expiry; returns how many. */
export async function purgeExpiredSessions(db: Db, now = new Date()): Promise<number> {
  const { count } = await db.session.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}

/** Deletes Idempotency-Keys past their window (the api replays none older); returns how many. */
export async function purgeExpiredIdempotencyKeys(db: Db): Promise<number> {
  return db.$executeRaw`DELETE FROM "IdempotencyKey"
    WHERE "createdAt" < now() - make_interval(hours => ${IDEMPOTENCY_WINDOW_HOURS})`;
}

/**
 * Housekeeping: an hourly purge of expired sessions, of Idempotency-Keys past their window and of
 * inbound review items past retention.
 */
export const maintenanceModule: WorkerModule = async (ctx) => {
  const { db, redis: connection, prefix, logger } = ctx;
  const queue = queueFor(QUEUES.maintenance, { connection, prefix });
  // Job schedulers are upserted by id, so every worker process can declare them safely.
  await queue.upsertJobScheduler(
    'sessions-purge',
    { every: 3600_000 },
    { name: JOBS.sessionsPurge },
  );
  const worker = new Worker(
    QUEUES.maintenance,
    async (job) => {
      if (job.name === JOBS.sessionsPurge) {
        const purged = await purgeExpiredSessions(db);
        const reviews = await purgeOldReviews(db);
        const keys = await purgeExpiredIdempotencyKeys(db);
        logger.info(
          { purged, reviews, keys },
          'expired sessions, idempotency keys and old inbound reviews purged',
        );
        return { purged, reviews, keys };
      }
      throw new Error(`unknown job ${job.name}`);
    },
    { connection, prefix, concurrency: 1 },
  );
  ctx.observe(worker);
  await worker.waitUntilReady();
  return [worker];
};
