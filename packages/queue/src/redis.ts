import { Redis, type RedisOptions } from 'ioredis';

/**
 * Connection for producers and request handlers: fail fast (a web request should not hang
 * while Redis is down), so commands error after one retry and the offline queue is off.
 */
export function createProducerRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 5_000,
    lazyConnect: false,
    ...options,
  });
}

/**
 * Connection for BullMQ workers: blocking commands must wait out a Redis restart rather than
 * fail, which BullMQ requires (`maxRetriesPerRequest: null`).
 */
export function createWorkerRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...options });
}

/** Resolves when Redis answers PING within `timeoutMs`. */
export async function pingRedis(redis: Redis, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([redis.ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until the connection is ready; on failure throws one operator-friendly message that
 * says where Redis was expected and how to start it.
 */
export async function assertRedisReachable(
  redis: Redis,
  url: string,
  timeoutMs = 5_000,
): Promise<void> {
  if (redis.status !== 'ready') {
    let lastError = '';
    const onError = (err: Error) => {
      lastError = err.message;
    };
    redis.on('error', onError);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    } catch {
      throw new Error(
        `Redis is not reachable at ${describeUrl(url)}${lastError ? ` (${lastError})` : ''}.\n` +
          '  Start it with `docker compose up -d redis` (or `redis-server --daemonize yes`),\n' +
          '  or set REDIS_URL to a running server.',
      );
    } finally {
      redis.off('error', onError);
    }
  }
  await pingRedis(redis, timeoutMs);
}

/** host:port of a connection URL, without credentials. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? 6379 : 5432)}`;
  } catch {
    return '(unparseable URL)';
  }
}
