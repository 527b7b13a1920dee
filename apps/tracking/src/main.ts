// The tracking process: opens, clicks and unsubscribes. SIGTERM stops accepting connections,
// lets in-flight requests finish, then closes connections, inside 10 seconds.
import { createServer } from 'node:http';
import pino from 'pino';
import { EnvError, assertServices } from '@kindling/shared';
import { assertDbReachable, createDb } from '@kindling/db';
import { assertRedisReachable, createProducerRedis } from '@kindling/queue';
import { loadTrackingEnv } from './env.js';
import { createTrackingHandler } from './server.js';

async function main(): Promise<void> {
  const env = loadTrackingEnv(process.env);
  const logger = pino({ level: env.LOG_LEVEL, base: { app: 'tracking' } });
  const db = createDb(env.DATABASE_URL, { poolSize: 5 });
  // Auto-pipelining sends the XADDs of concurrent requests in one write: the hot path's main cost.
  const redis = createProducerRedis(env.REDIS_URL, { lazyConnect: true, enableAutoPipelining: true });
  redis.connect().catch(() => undefined); // assertRedisReachable reports the failure
  await assertServices([assertDbReachable(db, env.DATABASE_URL), assertRedisReachable(redis, env.REDIS_URL)]);

  const { handler } = createTrackingHandler({
    db,
    redis,
    logger,
    config: {
      appSecret: env.APP_SECRET,
      publicUrl: env.PUBLIC_URL,
      trustProxy: env.TRUST_PROXY,
      eventsStream: env.EVENTS_STREAM,
    },
  });
  const server = createServer(handler);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(env.PORT, env.HOST, resolve));
  logger.info({ port: env.PORT }, 'tracking listening');

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    server.close(() => {
      void Promise.allSettled([db.$disconnect(), redis.quit()]).then(() => {
        clearTimeout(force);
        process.exit(0);
      });
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof EnvError || err instanceof Error ? err.message : err);
  process.exit(1);
});
