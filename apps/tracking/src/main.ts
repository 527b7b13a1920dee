// The tracking process: opens, clicks and unsubscribes. SIGTERM stops accepting connections,
// lets in-flight requests finish, then closes connections, inside 10 seconds.
import pino from 'pino';
import { connectServices, createHttpServer, runMain } from '@kindling/runtime';
import { loadTrackingEnv } from './env.js';
import { createTrackingHandler } from './server.js';

runMain(async (lifecycle) => {
  const env = loadTrackingEnv(process.env);
  const logger = pino({ level: env.LOG_LEVEL, base: { app: 'tracking' } });
  lifecycle.setLogger(logger);
  const { db, redis } = await connectServices(lifecycle, env, {
    dbPoolSize: 5,
    redis: 'producer',
  });

  const { handler } = createTrackingHandler({
    db,
    redis,
    logger,
    config: {
      appSecret: env.APP_SECRET,
      publicUrl: env.PUBLIC_URL,
      trustProxy: env.TRUST_PROXY,
      eventsStream: env.EVENTS_STREAM,
      metricsToken: env.METRICS_TOKEN,
    },
  });
  // Opens, clicks and unsubscribes are tiny requests: seconds are plenty.
  const server = createHttpServer(handler, {
    headersMs: 5_000,
    requestMs: 10_000,
    bodyIdleMs: 5_000,
  });
  await new Promise<void>((resolve) => server.listen(env.PORT, env.HOST, resolve));
  lifecycle.onClose('http server', async () => {
    const closed = new Promise((r) => server.close(r));
    server.closeIdleConnections();
    await closed;
  });
  logger.info({ port: env.PORT }, 'tracking listening');
});
