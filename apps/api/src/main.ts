// The api process: parse env, connect, listen; SIGTERM stops accepting connections, lets
// in-flight requests finish, then closes Postgres and Redis, inside 10 seconds.
import type { Server } from 'node:http';
import pino from 'pino';
import pg from 'pg';
import { connectServices, createHttpServer, runMain } from '@kindling/runtime';
import { createHttpHandler } from './http-handler.js';
import { productPorts } from '@kindling/egress';
import { loadApiEnv } from './env.js';

// Lead imports stream up to 1 GiB, so a whole request may take minutes; a stalled body or slow
// headers are still cut within seconds (createHttpServer).
const API_TIMEOUTS = { requestMs: 15 * 60_000 };

runMain(async (lifecycle) => {
  const env = loadApiEnv(process.env);
  const logger = pino({ level: env.LOG_LEVEL, base: { app: 'api' } });
  lifecycle.setLogger(logger);
  const { db, redis } = await connectServices(lifecycle, env, { redis: 'producer' });

  const pgPool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 5 });
  lifecycle.onClose('postgres streams', () => pgPool.end());
  const handler = createHttpHandler({
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
      submissionsStream: env.SUBMISSIONS_STREAM,
      reputationMinSample: env.REPUTATION_MIN_SAMPLE,
      dns: {
        servers: env.DNS_RESOLVER,
        returnPathDomain: env.RETURN_PATH_DOMAIN,
        inboundMxHost: env.INBOUND_MX_HOST ?? null,
      },
      egress: {
        allow: env.EGRESS_ALLOW,
        ownPorts: productPorts(
          [env.DATABASE_URL, env.REDIS_URL, env.PUBLIC_URL, env.TRACKING_URL],
          [env.PORT],
        ),
      },
      version: process.env.npm_package_version ?? '0.0.0',
      metricsToken: env.METRICS_TOKEN,
    },
  });
  const server: Server = await new Promise((resolve) => {
    const s = createHttpServer(handler, API_TIMEOUTS).listen(env.PORT, env.HOST, () => resolve(s));
  });
  lifecycle.onClose('http server', async () => {
    const closed = new Promise((r) => server.close(r));
    server.closeIdleConnections();
    await closed;
  });
  logger.info({ port: env.PORT, host: env.HOST }, 'api listening');
});
