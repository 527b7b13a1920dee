// Vitest global setup: the suite's own Redis. Unless TEST_REDIS_URL names one, a private
// `redis-server` (no persistence) is started on a free loopback port for this run and stopped at
// the end, so tests that flush or lose Redis state never touch a running instance's data.
// `npm test` (scripts/test.mjs) starts one itself and passes it in TEST_REDIS_URL; this covers a
// direct `npx vitest run`. Several projects run this setup: the first one owns the server.
import { startPrivateRedis } from '../../scripts/lib/private-redis.mjs';

export default async function setup(): Promise<(() => Promise<void>) | void> {
  if (process.env.TEST_REDIS_URL) {
    process.env.REDIS_URL = process.env.TEST_REDIS_URL;
    return;
  }
  const server = await startPrivateRedis();
  process.env.TEST_REDIS_URL = server.url;
  process.env.REDIS_URL = server.url;
  return async () => {
    delete process.env.TEST_REDIS_URL;
    await server.stop();
  };
}
