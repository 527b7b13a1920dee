// Settings of the sending modules (email.send, dev mail catcher, inbound SMTP, reputation guard).
// Every field has a default so tests and other modules can pass only what they change.
import { defaultReturnPathDomain } from '@kindling/sending';
import {
  REPUTATION_MIN_SAMPLE,
  REPUTATION_WINDOW_MS,
  SOFT_BOUNCE_LIMIT,
  THROTTLE_KEY_PREFIX,
} from '@kindling/queue';

export interface SendingSettings {
  /**
   * Dev mail catcher port on loopback (0 = ephemeral; if taken, an ephemeral one is used). The
   * default here is 0 so that modules started in tests never bind the product's fixed ports;
   * the worker's env (DEV_SMTP_PORT, INBOUND_SMTP_PORT) sets 2525 and 2526 for the product.
   */
  devSmtpPort: number;
  devSmtpHost: string;
  /** Inbound SMTP for DSN/ARF/mailto-unsubscribe (0 = ephemeral, -1 = off). */
  inboundSmtpPort: number;
  inboundSmtpHost: string;
  /** VERP domain used when an identity has none. */
  returnPathDomain: string;
  /** Local part of the feedback-loop (ARF) address, at any of our domains. */
  fblLocalPart: string;
  /** Throttle window: the daily cap is spread evenly over the windows of the sending hours. */
  throttleWindowMs: number;
  /** How long held mail waits before it asks the limiter again, at most. */
  holdRecheckMs: number;
  /** Back-off of one pool towards one provider after a 421/4xx. */
  providerBackoffMs: number;
  /** Redis key prefix of the throttle counters (shared by every worker process). */
  throttlePrefix: string;
  /** Soft bounces after which an address is suppressed. */
  softBounceLimit: number;
  /**
   * A `sending` claim older than this with no recorded result is resolved even if its worker
   * still beats (see email-send/recover.ts).
   */
  claimLeaseMs: number;
  /** email.send heartbeat and recovery sweep interval; a worker silent for 5 of them is dead. */
  heartbeatMs: number;
  /** Reputation guard: rolling window and minimum sends before rates are judged. */
  reputationWindowMs: number;
  reputationMinSample: number;
  /** INBOUND_MX_HOST: the host return-path MX records should point at (DNS checks); null = not compared. */
  inboundMxHost: string | null;
  /** Recipient domains' providers by MX: how long an answer is kept, and the retry after a failure. */
  mxTtlMs: number;
  mxRetryMs: number;
  /** DNS servers ("host:port") for MX lookups; empty = the system's. */
  dnsServers: string[];
  /** Test-only: read "now" (epoch ms) from this Redis key, so tests can move the clock. */
  clockRedisKey: string | null;
}

/**
 * The defaults, declared once: the worker's env schema (env.ts) takes its defaults from here, and
 * the values two processes must read alike (throttle key prefix, reputation window and minimum
 * sample, which the api's dashboard uses too) come from packages/queue.
 */
export const SENDING_DEFAULTS = {
  devSmtpPort: 0,
  devSmtpHost: '127.0.0.1',
  inboundSmtpPort: 0,
  inboundSmtpHost: '127.0.0.1',
  fblLocalPart: 'fbl',
  throttleWindowMs: 60_000,
  holdRecheckMs: 60_000,
  providerBackoffMs: 5 * 60_000,
  throttlePrefix: THROTTLE_KEY_PREFIX,
  softBounceLimit: SOFT_BOUNCE_LIMIT,
  claimLeaseMs: 5 * 60_000,
  heartbeatMs: 2_000,
  reputationWindowMs: REPUTATION_WINDOW_MS,
  reputationMinSample: REPUTATION_MIN_SAMPLE,
  inboundMxHost: null,
  mxTtlMs: 7 * 24 * 3_600_000,
  mxRetryMs: 10 * 60_000,
  dnsServers: [] as string[],
  clockRedisKey: null,
} as const satisfies Omit<SendingSettings, 'returnPathDomain'>;

/** Fills defaults for anything not configured (the return-path domain: PUBLIC_URL's host). */
export function sendingSettings(
  partial: Partial<SendingSettings> | undefined,
  publicUrl: string,
): SendingSettings {
  return {
    ...SENDING_DEFAULTS,
    returnPathDomain: defaultReturnPathDomain(undefined, publicUrl),
    ...Object.fromEntries(Object.entries(partial ?? {}).filter(([, v]) => v !== undefined)),
  };
}
