import { z } from 'zod';
import { egressAllowSchema } from '@kindling/egress';
import { dnsResolverEnv, hostNameEnv } from '@kindling/sending';
import { metricsTokenEnv, parseEnv } from '@kindling/shared';
import {
  EVENTS_STREAM,
  SUBMISSIONS_STREAM,
  redisUrlSchema,
  reputationMinSampleEnv,
} from '@kindling/queue';
import { SENDING_DEFAULTS as D } from './modules/sending-settings.js';
import { DEFAULT_DRAIN_SETTINGS } from './modules/events-drain.js';
import { DEFAULT_DRAIN_POLICY } from './stream-consumer.js';

export const workerEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.url().refine((u) => /^postgres(ql)?:/.test(u), 'must be a postgres URL'),
  REDIS_URL: redisUrlSchema,
  APP_SECRET: z.string().min(32, 'must be at least 32 characters (use `openssl rand -hex 32`)'),
  PUBLIC_URL: z.url().default('http://localhost:3000'),
  TRACKING_URL: z.url().default('http://localhost:3001'),
  /** Port of the worker's health and metrics endpoint. */
  HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  METRICS_TOKEN: metricsTokenEnv,
  HOST: z.string().default('0.0.0.0'),
  /** Jobs processed at once per queue in this process. */
  CONCURRENCY: z.coerce.number().int().min(1).max(200).default(10),
  /** drip.step jobs processed at once (each holds a database connection for a few queries). */
  DRIP_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(30),
  /** email.send jobs processed at once: they wait on SMTP and on coalesced claim/result batches, not the CPU. */
  SEND_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(50),
  /** Postgres connections of this process (opened on demand); covers CONCURRENCY and DRIP_CONCURRENCY. */
  DB_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(40),
  /** Redis stream of tracking events; must equal the tracking app's. */
  EVENTS_STREAM: z.string().min(1).default(EVENTS_STREAM),
  /** Tracking events written to Postgres per batch. */
  EVENTS_BATCH_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(DEFAULT_DRAIN_SETTINGS.batchSize),
  /** Pending events idle this long (ms) are taken over from a dead drain consumer. */
  EVENTS_CLAIM_IDLE_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(DEFAULT_DRAIN_SETTINGS.claimIdleMs),
  /** Redis stream of accepted form submissions; must equal the api's. */
  SUBMISSIONS_STREAM: z.string().min(1).default(SUBMISSIONS_STREAM),
  /** Stream drains: failures of one entry on its own before it moves to the dead-letter stream. */
  DRAIN_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(DEFAULT_DRAIN_POLICY.maxAttempts),
  /** Stream drains: no successful round for this long (ms) makes /readyz fail. */
  DRAIN_STALL_AFTER_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(DEFAULT_DRAIN_POLICY.stallAfterMs),
  /** Built-in dev mail catcher (identities without an SMTP relay): loopback port, 0 = ephemeral. */
  DEV_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  /** Inbound SMTP for bounces (DSN), complaints (ARF) and mailto unsubscribes; -1 = off, 0 = ephemeral. */
  INBOUND_SMTP_PORT: z.coerce.number().int().min(-1).max(65535).default(2526),
  INBOUND_SMTP_HOST: z.string().default(D.inboundSmtpHost),
  /** VERP return-path domain for identities without their own (default: PUBLIC_URL's host). */
  RETURN_PATH_DOMAIN: z
    .string()
    .regex(/^[a-z0-9.-]+$/i, 'must be a domain name')
    .optional(),
  /** Local part of the feedback-loop (ARF) address accepted by the inbound listener. */
  FBL_LOCAL_PART: z
    .string()
    .regex(/^[a-z0-9._-]+$/i)
    .default(D.fblLocalPart),
  /** Throttle window (ms): each day's warm-up cap is spread evenly over the sending hours' windows. */
  THROTTLE_WINDOW_MS: z.coerce.number().int().min(100).default(D.throttleWindowMs),
  /** Longest wait (ms) before held mail asks the limiter again. */
  THROTTLE_HOLD_RECHECK_MS: z.coerce.number().int().min(10).default(D.holdRecheckMs),
  /** Soft bounces after which an address is suppressed. */
  SOFT_BOUNCE_LIMIT: z.coerce.number().int().min(1).default(D.softBounceLimit),
  /** A send claim older than this (ms) with no result is resolved even while its worker beats (see SEND_HEARTBEAT_MS). */
  SEND_CLAIM_LEASE_MS: z.coerce.number().int().min(1000).default(D.claimLeaseMs),
  /** email.send heartbeat and recovery sweep (ms); a worker silent for 5 heartbeats is dead and its claims are resolved. */
  SEND_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(D.heartbeatMs),
  /** CSV import: rows committed per batch (with their leads, enrollments and progress). */
  IMPORT_BATCH_ROWS: z.coerce.number().int().min(100).max(500_000).default(20_000),
  /** CSV import heartbeat and sweep (ms); an import whose worker is silent for 5 of them is resumed by another. */
  IMPORT_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  /** CSV imports run at once by this process. */
  IMPORT_CONCURRENCY: z.coerce.number().int().min(1).max(20).default(1),
  /** Reputation guard: minimum sends in the 7-day window before rates can pause a pool. */
  REPUTATION_MIN_SAMPLE: reputationMinSampleEnv,
  /** Internal destinations tenants' relays may reach (host[:port], address[:port], range[:port]). */
  EGRESS_ALLOW: egressAllowSchema,
  /** DNS servers for recipients' MX and sending-domain checks ("127.0.0.1:5353,[::1]"); unset = the system's. */
  DNS_RESOLVER: dnsResolverEnv,
  /** The host return-path MX records should point at (the inbound listener's public name), for the DNS checks. */
  INBOUND_MX_HOST: hostNameEnv,
  /** How long a recipient domain's provider (found from its MX) is kept before it is looked up again. */
  MX_CACHE_TTL_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 365)
    .default(D.mxTtlMs / 3_600_000),
  /** Tests only: read the current time (epoch ms) from this Redis key (moves warm-up days). */
  TEST_CLOCK_REDIS_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type WorkerEnv = z.infer<typeof workerEnvSchema>;

/** Parses the worker's environment; throws EnvError listing every bad variable. */
export function loadWorkerEnv(env: Record<string, string | undefined>): WorkerEnv {
  return parseEnv(workerEnvSchema, env, 'kindling-worker');
}
