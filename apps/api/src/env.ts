import { z } from 'zod';
import { egressAllowSchema } from '@kindling/egress';
import { metricsTokenEnv, parseEnv } from '@kindling/shared';
import { SUBMISSIONS_STREAM, redisUrlSchema, reputationMinSampleEnv } from '@kindling/queue';
import { dnsResolverEnv, hostNameEnv } from '@kindling/sending';

const url = (protocols: string[]) =>
  z.url().refine((u) => protocols.some((p) => u.startsWith(`${p}:`)), {
    message: `must be a ${protocols.join(' or ')} URL`,
  });

export const apiEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: url(['postgres', 'postgresql']),
  REDIS_URL: redisUrlSchema,
  /** Signs sessions-independent tokens (invites, confirmations) and encrypts SMTP secrets. */
  APP_SECRET: z.string().min(32, 'must be at least 32 characters (use `openssl rand -hex 32`)'),
  /** The origin people reach the api and web app at; used in links and the Secure cookie flag. */
  PUBLIC_URL: url(['http', 'https']).default('http://localhost:3000'),
  TRACKING_URL: url(['http', 'https']).default('http://localhost:3001'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Built web app to serve (apps/web/dist); empty = do not serve it. */
  WEB_DIST: z.string().default(''),
  /** Directory holding the built embed.js (apps/widget/dist); empty = do not serve it. */
  WIDGET_DIST: z.string().default(''),
  /** Trust X-Forwarded-For from this many proxy hops (0 when exposed directly). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** Public form submissions per minute from one client IP, and into one form. */
  FORM_RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).default(20),
  FORM_RATE_LIMIT_PER_FORM: z.coerce.number().int().min(1).default(600),
  /** Redis stream accepted form submissions go to; must equal the worker's. */
  SUBMISSIONS_STREAM: z.string().min(1).default(SUBMISSIONS_STREAM),
  /** Reputation guard: minimum sends in the 7-day window before rates count; must equal the worker's. */
  REPUTATION_MIN_SAMPLE: reputationMinSampleEnv,
  /** Internal destinations tenants' relays may reach (checked when an identity is saved). */
  EGRESS_ALLOW: egressAllowSchema,
  /** DNS servers for the sending-domain checks ("127.0.0.1:5353"); unset = the system's. Same as the worker's. */
  DNS_RESOLVER: dnsResolverEnv,
  /** The worker's VERP domain for identities without one (the DNS checks look at it); default PUBLIC_URL's host. */
  RETURN_PATH_DOMAIN: hostNameEnv,
  /** The host return-path MX records should point at (the inbound listener's public name). */
  INBOUND_MX_HOST: hostNameEnv,
  METRICS_TOKEN: metricsTokenEnv,
});
export type ApiEnv = z.infer<typeof apiEnvSchema>;

/** Parses the api's environment; throws EnvError listing every bad variable. */
export function loadApiEnv(env: Record<string, string | undefined>): ApiEnv {
  return parseEnv(apiEnvSchema, env, 'kindling-api');
}
