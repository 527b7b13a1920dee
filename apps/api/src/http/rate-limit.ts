import type { Redis } from 'ioredis';
import { AppError } from './errors.js';

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  retryAfterMs: number;
}

// Fixed window counter, atomic in one round trip, shared by every api process.
const SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
return { n, ttl }`;

/** Counts one hit on `key`; allowed while the window holds at most `limit` hits. */
export async function hit(
  redis: Redis,
  key: string,
  limit: number,
  windowMs: number,
): Promise<RateLimitResult> {
  const [n, ttl] = (await redis.eval(SCRIPT, 1, `rl:${key}`, windowMs)) as [number, number];
  return { allowed: n <= limit, remaining: Math.max(0, limit - n), retryAfterMs: Math.max(ttl, 0) };
}

/** Throws a 429 AppError with Retry-After when any of the limits is exceeded. */
export async function enforce(
  redis: Redis,
  limits: { key: string; limit: number; windowMs: number }[],
  message: string,
): Promise<void> {
  for (const l of limits) {
    // Fail closed: without Redis we cannot tell a burst from normal use.
    const r = await hit(redis, l.key, l.limit, l.windowMs).catch(() => {
      throw new AppError(
        'unavailable',
        'Temporarily unavailable (rate limiter cannot reach Redis)',
      );
    });
    if (!r.allowed) {
      const seconds = Math.max(1, Math.ceil(r.retryAfterMs / 1000));
      throw new AppError('rate_limited', `${message} Try again in ${seconds} s.`, undefined, {
        'Retry-After': String(seconds),
      });
    }
  }
}

/** Forgets a key's hits (after a successful login, say). */
export async function reset(redis: Redis, key: string): Promise<void> {
  await redis.del(`rl:${key}`);
}
