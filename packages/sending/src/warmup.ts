// Warm-up schedules: a daily cap per IP pool and per sending domain that starts small and
// grows about x1.4 a day (see docs/sending.md for the published schedules this follows),
// spread evenly over the sending hours, with per-mailbox-provider shares of each cap.
import type { Provider } from './providers.js';

export interface WarmupPlanLike {
  id: string;
  scope: 'ip_pool' | 'domain';
  key: string;
  enabled: boolean;
  startedAt: Date;
  startVolume: number;
  growthFactor: number;
  targetVolume: number;
  schedule: number[];
  providerCaps: unknown;
  sendStartHour: number;
  sendEndHour: number;
}

/** Default curve: 50 on day 1, x1.4 a day, capped at the target volume. */
export const DEFAULT_WARMUP = { startVolume: 50, growthFactor: 1.4, targetVolume: 50_000 } as const;

/** Daily cap on day `day` (1-based): the explicit schedule where present, else the curve. */
export function dailyCap(
  plan: Pick<WarmupPlanLike, 'schedule' | 'startVolume' | 'growthFactor' | 'targetVolume'>,
  day: number,
): number {
  const explicit = plan.schedule[day - 1];
  if (explicit !== undefined) return Math.max(0, Math.floor(explicit));
  const d = Math.max(1, day);
  return Math.min(
    plan.targetVolume,
    Math.round(plan.startVolume * Math.pow(plan.growthFactor, d - 1)),
  );
}

/** The first `days` caps of a plan, for display. */
export function capCurve(
  plan: Pick<WarmupPlanLike, 'schedule' | 'startVolume' | 'growthFactor' | 'targetVolume'>,
  days: number,
): number[] {
  return Array.from({ length: days }, (_, i) => dailyCap(plan, i + 1));
}

// Building an Intl.DateTimeFormat costs far more than using one, and this runs several times
// per message: keep one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      hourCycle: 'h23',
    });
    if (formatters.size > 500) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(at: number, timeZone: string): { date: string; hour: number } {
  const parts = formatterFor(timeZone).formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) };
}

/** The local calendar date (YYYY-MM-DD) of `at` in `timeZone`. */
export function localDate(at: number, timeZone: string): string {
  return localParts(at, timeZone).date;
}

/** Day N of the plan at `now` (1 on the start date), counted in local calendar days. */
export function warmupDay(startedAt: Date, now: number, timeZone: string): number {
  const a = Date.parse(`${localDate(startedAt.getTime(), timeZone)}T00:00:00Z`);
  const b = Date.parse(`${localDate(now, timeZone)}T00:00:00Z`);
  return Math.max(1, Math.round((b - a) / 86_400_000) + 1);
}

/** Whether `now` falls inside the plan's sending hours (local time). */
export function inSendingHours(
  plan: Pick<WarmupPlanLike, 'sendStartHour' | 'sendEndHour'>,
  now: number,
  timeZone: string,
): boolean {
  const { hour } = localParts(now, timeZone);
  return hour >= plan.sendStartHour && hour < plan.sendEndHour;
}

/** A provider's share of the daily cap from `providerCaps` ({ gmail: 0.4, ... }), or null. */
export function providerShare(providerCaps: unknown, provider: Provider): number | null {
  if (!providerCaps || typeof providerCaps !== 'object') return null;
  const v = (providerCaps as Record<string, unknown>)[provider];
  return typeof v === 'number' && v > 0 ? Math.min(1, v) : null;
}

export interface Limit {
  /** Redis key of the counter (or of the back-off flag). */
  key: string;
  limit: number;
  /** Counter lifetime; a little longer than the window it counts. */
  ttlMs: number;
  /** When the window ends (epoch ms), to tell the caller when to look again. */
  resetAt: number;
  label: string;
}

export interface PlanLimitOptions {
  prefix: string;
  now: number;
  timeZone: string;
  /** Length of one throttle window; the daily cap is spread evenly over the windows of the sending hours. */
  windowMs: number;
  provider: Provider;
}

/** Redis key of today's counter for a plan (what the UI shows as today's use). */
export function dayCounterKey(
  prefix: string,
  planId: string,
  date: string,
  provider?: Provider,
): string {
  return `${prefix}:${planId}:d:${date}${provider ? `:${provider}` : ''}`;
}

/** Redis key that, while it exists, backs off sending from one pool to one provider (after a 421). */
export function backoffKey(prefix: string, pool: string, provider: Provider): string {
  return `${prefix}:backoff:${pool}:${provider}`;
}

/** The counters one message must fit in under a plan: day, window, and the provider's shares. */
export function planLimits(plan: WarmupPlanLike, opts: PlanLimitOptions): Limit[] {
  const { prefix, now, timeZone, windowMs, provider } = opts;
  const day = warmupDay(plan.startedAt, now, timeZone);
  const cap = dailyCap(plan, day);
  const date = localDate(now, timeZone);
  const hours = Math.max(1, plan.sendEndHour - plan.sendStartHour);
  const windowsPerDay = Math.max(1, Math.floor((hours * 3_600_000) / windowMs));
  const perWindow = (dayCap: number) =>
    Math.max(dayCap > 0 ? 1 : 0, Math.ceil(dayCap / windowsPerDay));
  const windowIndex = Math.floor(now / windowMs);
  const windowEnd = (windowIndex + 1) * windowMs;
  const dayTtl = 2 * 86_400_000;
  const limits: Limit[] = [
    {
      key: dayCounterKey(prefix, plan.id, date),
      limit: cap,
      ttlMs: dayTtl,
      resetAt: now + 60_000,
      label: `${plan.scope} ${plan.key} daily cap ${cap}`,
    },
    {
      key: `${prefix}:${plan.id}:w:${windowMs}:${windowIndex}`,
      limit: perWindow(cap),
      ttlMs: windowMs * 2 + 1000,
      resetAt: windowEnd,
      label: `${plan.scope} ${plan.key} window cap ${perWindow(cap)}`,
    },
  ];
  const share = providerShare(plan.providerCaps, provider);
  if (share !== null) {
    const pcap = Math.max(1, Math.floor(cap * share));
    limits.push(
      {
        key: dayCounterKey(prefix, plan.id, date, provider),
        limit: pcap,
        ttlMs: dayTtl,
        resetAt: now + 60_000,
        label: `${provider} daily cap ${pcap}`,
      },
      {
        key: `${prefix}:${plan.id}:w:${windowMs}:${windowIndex}:${provider}`,
        limit: perWindow(pcap),
        ttlMs: windowMs * 2 + 1000,
        resetAt: windowEnd,
        label: `${provider} window cap ${perWindow(pcap)}`,
      },
    );
  }
  return limits;
}
