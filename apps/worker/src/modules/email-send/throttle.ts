// Throttle: warm-up pauses, sending hours and the warm-up/provider limiter (one Lua script in
// Redis shared by every worker process). Says "go" or "not now, ask again at".
import type { Redis } from 'ioredis';
import type { Db, WarmupPlan } from '@kindling/db';
import { ttlCache } from '@kindling/shared';
import {
  acquire,
  backoffKey,
  domainOf,
  inSendingHours,
  planLimits,
  providerOf as fixedProviderOf,
  type Limit,
  type Provider,
} from '@kindling/sending';
import type { SendingSettings } from '../sending-settings.js';
import type { SendRow } from './claim.js';

export type ThrottleAnswer =
  { go: true; backoff: string } | { go: false; retryAt: number; why: string };

// Plans change rarely (an edit, a pause); reading them once per message per pool would be
// most of the pipeline's database work. A pause therefore takes effect within PLAN_CACHE_MS.
const PLAN_CACHE_MS = 2_000;

/** The throttle of one worker process (its plan cache). */
export function createThrottle(
  db: Db,
  limiterRedis: Redis,
  s: SendingSettings,
  providerOf: (email: string) => Provider,
) {
  const planCache = ttlCache<WarmupPlan[]>({ ttlMs: PLAN_CACHE_MS, max: 1000 });
  const plansFor = (workspaceId: string, pool: string, domain: string): Promise<WarmupPlan[]> =>
    planCache.get(`${workspaceId}|${pool}|${domain}`, () =>
      db.warmupPlan.findMany({
        where: {
          workspaceId,
          OR: [
            { scope: 'ip_pool', key: pool },
            { scope: 'domain', key: domain },
          ],
        },
      }),
    );

  /** Takes the tokens `m` needs at `now`, or says when to ask again and why. */
  return async function throttle(
    m: SendRow,
    fromEmail: string,
    now: number,
  ): Promise<ThrottleAnswer> {
    const identity = m.identity;
    const pool = identity?.ipPool ?? 'shared';
    // Only a relay has provider caps and back-offs worth a DNS lookup; the dev catcher's mail
    // keeps the fixed list. `providerOf` never waits (MxProviders).
    const provider = identity?.smtpUrlEncrypted
      ? providerOf(m.toEmail.toLowerCase())
      : fixedProviderOf(m.toEmail.toLowerCase());
    const tz = m.workspace.timeZone || 'UTC';
    const backoff = backoffKey(s.throttlePrefix, `${m.workspaceId}:${pool}`, provider);
    // Warm-up and provider limits protect a relay's reputation; the dev mail catcher has none.
    const plans = identity?.smtpUrlEncrypted
      ? await plansFor(m.workspaceId, pool, domainOf(fromEmail))
      : [];
    const paused = plans.find((p) => p.status === 'paused');
    if (paused)
      return {
        go: false,
        retryAt: now + s.holdRecheckMs,
        why: `held: ${paused.scope} ${paused.key} paused (${paused.pausedReason ?? ''})`,
      };
    // Every enabled plan's day/window/provider counters plus the provider back-off.
    const limits: Limit[] = [];
    for (const plan of plans.filter((p) => p.enabled)) {
      if (!inSendingHours(plan, now, tz))
        return {
          go: false,
          retryAt: now + s.holdRecheckMs,
          why: `held: outside sending hours of ${plan.scope} ${plan.key}`,
        };
      limits.push(
        ...planLimits(plan, {
          prefix: s.throttlePrefix,
          now,
          timeZone: tz,
          windowMs: s.throttleWindowMs,
          provider,
        }),
      );
    }
    const got = await acquire(limiterRedis, limits, identity ? [backoff] : []);
    if (got.ok) return { go: true, backoff };
    if (got.backoff)
      return {
        go: false,
        retryAt: now + Math.max(got.value, 100),
        why: `held: ${provider} backing off after a 4xx`,
      };
    const l = limits[got.index];
    return {
      go: false,
      retryAt: l?.resetAt ?? now + s.holdRecheckMs,
      why: `held: ${l?.label ?? 'cap'} reached`,
    };
  };
}
