// The worker process: BullMQ consumers and schedulers, plus a health/metrics endpoint.
// SIGTERM: stop taking jobs and finish active ones (workers), then queues, then connections,
// all inside 10 seconds.
import pino from 'pino';
import { EnvError, assertServices } from '@kindling/shared';
import { assertDbReachable, createDb, pingDb } from '@kindling/db';
import { assertRedisReachable, createWorkerRedis, pingRedis } from '@kindling/queue';
import { loadWorkerEnv } from './env.js';
import { startWorker } from './worker.js';
import { createHealthServer } from './health.js';

async function main(): Promise<void> {
  const env = loadWorkerEnv(process.env);
  const logger = pino({ level: env.LOG_LEVEL, base: { app: 'worker' } });
  const db = createDb(env.DATABASE_URL);
  const redis = createWorkerRedis(env.REDIS_URL);
  await assertServices([assertDbReachable(db, env.DATABASE_URL), assertRedisReachable(redis, env.REDIS_URL)]);

  const worker = await startWorker({
    db,
    redis,
    logger,
    concurrency: env.CONCURRENCY,
    config: {
      appSecret: env.APP_SECRET,
      publicUrl: env.PUBLIC_URL,
      trackingUrl: env.TRACKING_URL,
      sending: {
        devSmtpPort: env.DEV_SMTP_PORT,
        inboundSmtpPort: env.INBOUND_SMTP_PORT,
        inboundSmtpHost: env.INBOUND_SMTP_HOST,
        returnPathDomain: env.RETURN_PATH_DOMAIN,
        fblLocalPart: env.FBL_LOCAL_PART,
        throttleWindowMs: env.THROTTLE_WINDOW_MS,
        holdRecheckMs: env.THROTTLE_HOLD_RECHECK_MS,
        softBounceLimit: env.SOFT_BOUNCE_LIMIT,
        claimLeaseMs: env.SEND_CLAIM_LEASE_MS,
        reputationMinSample: env.REPUTATION_MIN_SAMPLE,
        clockRedisKey: env.TEST_CLOCK_REDIS_KEY ?? null,
      },
      events: { stream: env.EVENTS_STREAM, batchSize: env.EVENTS_BATCH_SIZE, claimIdleMs: env.EVENTS_CLAIM_IDLE_MS },
    },
  });
  const health = createHealthServer(worker.registry, async () => {
    const [pg, rd] = await Promise.allSettled([pingDb(db), pingRedis(redis)]);
    return { postgres: pg.status === 'fulfilled' ? 'ok' : 'unreachable', redis: rd.status === 'fulfilled' ? 'ok' : 'unreachable' };
  });
  await new Promise<void>((resolve) => health.listen(env.HEALTH_PORT, env.HOST, resolve));
  logger.info({ healthPort: env.HEALTH_PORT }, 'worker started');

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000).unref();
    void (async () => {
      await worker.close();
      health.close();
      await Promise.allSettled([db.$disconnect(), redis.quit()]);
      clearTimeout(force);
      logger.info('worker stopped');
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof EnvError || err instanceof Error ? err.message : err);
  process.exit(1);
});
