// Connecting a process to PostgreSQL and Redis at start-up: create both clients, register them
// to close on shutdown (Redis after Postgres is registered, so it closes first), and check both
// answer, reporting every unreachable service in one message rather than the first only.
import type { Redis } from 'ioredis';
import { assertDbReachable, createDb, type Db } from '@kindling/db';
import { assertRedisReachable, createProducerRedis, createWorkerRedis } from '@kindling/queue';
import type { Lifecycle } from './lifecycle.js';

export interface ServiceUrls {
  DATABASE_URL: string;
  REDIS_URL: string;
}

export interface ConnectOptions {
  /** Prisma's pool size (createDb's default when absent). */
  dbPoolSize?: number;
  /**
   * `producer`: HTTP processes, whose Redis commands fail fast instead of queueing while Redis
   * is away. `worker`: BullMQ consumers, whose blocking commands wait out a Redis restart.
   */
  redis: 'producer' | 'worker';
}

/** Resolves when every check resolved; rejects with all failures' messages, one per line. */
export async function assertServices(checks: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(checks);
  const failures = results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => (r.reason instanceof Error ? r.reason.message : String(r.reason)));
  if (failures.length) throw new Error(failures.join('\n'));
}

export async function connectServices(
  lifecycle: Lifecycle,
  env: ServiceUrls,
  options: ConnectOptions,
): Promise<{ db: Db; redis: Redis }> {
  const db = createDb(env.DATABASE_URL, { poolSize: options.dbPoolSize });
  lifecycle.onClose('postgres', () => db.$disconnect());
  let redis: Redis;
  if (options.redis === 'producer') {
    redis = createProducerRedis(env.REDIS_URL, { lazyConnect: true });
    redis.connect().catch(() => undefined); // assertRedisReachable reports the failure
  } else {
    redis = createWorkerRedis(env.REDIS_URL);
  }
  lifecycle.onClose('redis', () => redis.quit());
  await assertServices([
    assertDbReachable(db, env.DATABASE_URL),
    assertRedisReachable(redis, env.REDIS_URL),
  ]);
  return { db, redis };
}
