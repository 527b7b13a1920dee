import { z } from 'zod';
import { parseEnv } from '@kindling/shared';
import { EVENTS_STREAM } from '@kindling/queue';

export const workerEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.url().refine((u) => /^postgres(ql)?:/.test(u), 'must be a postgres URL'),
  REDIS_URL: z.url().refine((u) => /^rediss?:/.test(u), 'must be a redis or rediss URL'),
  APP_SECRET: z.string().min(32, 'must be at least 32 characters (use `openssl rand -hex 32`)'),
  PUBLIC_URL: z.url().default('http://localhost:3000'),
  TRACKING_URL: z.url().default('http://localhost:3001'),
  /** Port of the worker's health and metrics endpoint. */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  HOST: z.string().default('0.0.0.0'),
  /** Jobs processed at once per queue in this process. */
  CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  /** Redis stream of tracking events; must equal the tracking app's. */
  EVENTS_STREAM: z.string().min(1).default(EVENTS_STREAM),
  /** Tracking events written to Postgres per batch. */
  EVENTS_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Pending events idle this long (ms) are taken over from a dead drain consumer. */
  EVENTS_CLAIM_IDLE_MS: z.coerce.number().int().min(100).default(30_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type WorkerEnv = z.infer<typeof workerEnvSchema>;

/** Parses the worker's environment; throws EnvError listing every bad variable. */
export function loadWorkerEnv(env: Record<string, string | undefined>): WorkerEnv {
  return parseEnv(workerEnvSchema, env, 'kindling-worker');
}
