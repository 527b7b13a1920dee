// The api process: parse env, connect, listen, shut down cleanly on SIGTERM.
import type { Server } from 'node:http';
import pino from 'pino';
import pg from 'pg';
import { EnvError, assertServices } from '@kindling/shared';
import { assertDbReachable, createDb } from '@kindling/db';
import { assertRedisReachable, createProducerRedis } from '@kindling/queue';
import { createApp } from './app.js';
import { loadApiEnv } from './env.js';

async function main(): Promise<void> {
  const env = loadApiEnv(process.env);
  const logger = pino({ level: env.LOG_LEVEL, base: { app: 'api' } });
  const db = createDb(env.DATABASE_URL);
  const redis = createProducerRedis(env.REDIS_URL, { lazyConnect: true });
  redis.connect().catch(() => undefined); // assertRedisReachable reports the failure
  await assertServices([
    assertDbReachable(db, env.DATABASE_URL),
    assertRedisReachable(redis, env.REDIS_URL),
  ]);

  const pgPool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 5 });
  const app = createApp({
    db,
    pgPool,
    redis,
    logger,
    config: {
      publicUrl: env.PUBLIC_URL.replace(/\/$/, ''),
      trackingUrl: env.TRACKING_URL.replace(/\/$/, ''),
      webDist: env.WEB_DIST || undefined,
      widgetDist: env.WIDGET_DIST || undefined,
      trustProxy: env.TRUST_PROXY,
      appSecret: env.APP_SECRET,
      formRateLimits: { perIp: env.FORM_RATE_LIMIT_PER_IP, perForm: env.FORM_RATE_LIMIT_PER_FORM },
      version: process.env.npm_package_version ?? '0.0.0',
    },
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(env.PORT, env.HOST, () => resolve(s));
  });
  logger.info({ port: env.PORT, host: env.HOST }, 'api listening');

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    server.close();
    server.closeIdleConnections();
    void (async () => {
      await new Promise((r) => server.once('close', r));
      await Promise.allSettled([db.$disconnect(), redis.quit(), pgPool.end()]);
      clearTimeout(force);
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // One clear message for operator errors (bad env, unreachable services), no stack trace.
  console.error(err instanceof EnvError || err instanceof Error ? err.message : err);
  process.exit(1);
});
