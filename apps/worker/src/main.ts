// The worker process: BullMQ consumers and schedulers, plus a health/metrics endpoint.
// SIGTERM: stop taking jobs and finish active ones (workers), then queues, then connections,
// all inside 10 seconds.
import pino from 'pino';
import { connectServices, runMain } from '@kindling/runtime';
import { productPorts } from '@kindling/egress';
import { loadWorkerEnv } from './env.js';
import { startWorker } from './worker.js';
import { createHealthServer, workerReadiness } from './health.js';

runMain(async (lifecycle) => {
  const env = loadWorkerEnv(process.env);
  const logger = pino({ level: env.LOG_LEVEL, base: { app: 'worker' } });
  lifecycle.setLogger(logger);
  const { db, redis } = await connectServices(lifecycle, env, {
    dbPoolSize: env.DB_POOL_SIZE,
    redis: 'worker',
  });

  const worker = await startWorker({
    db,
    redis,
    logger,
    concurrency: env.CONCURRENCY,
    config: {
      dripConcurrency: env.DRIP_CONCURRENCY,
      sendConcurrency: env.SEND_CONCURRENCY,
      databaseUrl: env.DATABASE_URL,
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
        heartbeatMs: env.SEND_HEARTBEAT_MS,
        reputationMinSample: env.REPUTATION_MIN_SAMPLE,
        dnsServers: env.DNS_RESOLVER,
        inboundMxHost: env.INBOUND_MX_HOST ?? null,
        mxTtlMs: env.MX_CACHE_TTL_HOURS * 3_600_000,
        clockRedisKey: env.TEST_CLOCK_REDIS_KEY ?? null,
      },
      events: {
        stream: env.EVENTS_STREAM,
        batchSize: env.EVENTS_BATCH_SIZE,
        claimIdleMs: env.EVENTS_CLAIM_IDLE_MS,
      },
      submissions: { stream: env.SUBMISSIONS_STREAM },
      imports: {
        databaseUrl: env.DATABASE_URL,
        batchRows: env.IMPORT_BATCH_ROWS,
        heartbeatMs: env.IMPORT_HEARTBEAT_MS,
        concurrency: env.IMPORT_CONCURRENCY,
      },
      egress: {
        allow: env.EGRESS_ALLOW,
        ownPorts: productPorts(
          [env.DATABASE_URL, env.REDIS_URL, env.PUBLIC_URL, env.TRACKING_URL],
          [env.HEALTH_PORT, env.DEV_SMTP_PORT, env.INBOUND_SMTP_PORT],
        ),
      },
      drains: { maxAttempts: env.DRAIN_MAX_ATTEMPTS, stallAfterMs: env.DRAIN_STALL_AFTER_MS },
    },
  });
  // Closed in reverse order: health endpoint, worker modules (finishing active jobs), Redis, Postgres.
  lifecycle.onClose('worker modules', () => worker.close());
  const health = createHealthServer(
    worker.registry,
    workerReadiness(db, redis, worker.registry),
    env.METRICS_TOKEN,
  );
  await new Promise<void>((resolve) => health.listen(env.HEALTH_PORT, env.HOST, resolve));
  lifecycle.onClose('health server', () => new Promise((r) => health.close(r)));
  logger.info({ healthPort: env.HEALTH_PORT }, 'worker started');
});
