// Settings two processes must read alike (the worker acts on them, the api shows their effect):
// declared here only; the apps' env schemas take their defaults from here.
import { z } from 'zod';

/** Reputation guard: the rolling window its bounce and complaint rates are computed over. */
export const REPUTATION_WINDOW_MS = 7 * 86_400_000;

/** Reputation guard: sends in the window before rates can pause a pool (env REPUTATION_MIN_SAMPLE). */
export const REPUTATION_MIN_SAMPLE = 100;

/**
 * Soft bounces after which an address is suppressed: the worker's default (env SOFT_BOUNCE_LIMIT)
 * and what the api applies to reports from SES and relay webhooks.
 */
export const SOFT_BOUNCE_LIMIT = 3;

/** REPUTATION_MIN_SAMPLE in the worker's and the api's env schema. */
export const reputationMinSampleEnv = z.coerce.number().int().min(1).default(REPUTATION_MIN_SAMPLE);

/**
 * How long an Idempotency-Key's first answer is kept (the api replays it; the worker's hourly
 * maintenance deletes older ones).
 */
export const IDEMPOTENCY_WINDOW_HOURS = 24;

/**
 * Webhook delivery: the wait before each retry of a failed attempt (the first attempt is at
 * once): 9 attempts over about 27.6 hours. Tests pass a short schedule.
 */
export const WEBHOOK_RETRY_SCHEDULE_MS = [
  5_000,
  60_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3600_000,
  5 * 3600_000,
  10 * 3600_000,
  10 * 3600_000,
];
