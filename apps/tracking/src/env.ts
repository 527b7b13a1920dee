import { z } from 'zod';
import { metricsTokenEnv, parseEnv } from '@kindling/shared';
import { EVENTS_STREAM } from '@kindling/queue';

export const trackingEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  DATABASE_URL: z.url().refine((u) => /^postgres(ql)?:/.test(u), 'must be a postgres URL'),
  REDIS_URL: z.url().refine((u) => /^rediss?:/.test(u), 'must be a redis or rediss URL'),
  /** Verifies the HMAC of tracking tokens; must equal the worker's. */
  APP_SECRET: z.string().min(32, 'must be at least 32 characters (use `openssl rand -hex 32`)'),
  PUBLIC_URL: z.url().default('http://localhost:3000'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** Redis stream the events go to; must equal the worker's. */
  EVENTS_STREAM: z.string().min(1).default(EVENTS_STREAM),
  METRICS_TOKEN: metricsTokenEnv,
});
export type TrackingEnv = z.infer<typeof trackingEnvSchema>;

/** Parses the tracking app's environment; throws EnvError listing every bad variable. */
export function loadTrackingEnv(env: Record<string, string | undefined>): TrackingEnv {
  return parseEnv(trackingEnvSchema, env, 'kindling-tracking');
}
