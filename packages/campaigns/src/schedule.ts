// Send-window and wait math in a lead's (or the workspace's) IANA zone. Candidates are walked on a
// 15-minute UTC grid: every real zone offset is a multiple of 15 minutes, so each local hour
// start lies on the grid and DST gaps/overlaps need no special cases.
import type { SendWindow, WaitStepConfig } from '@kindling/shared';

const GRID_MS = 15 * 60_000;
const MAX_STEPS = 8 * 24 * 4; // a bit more than a week of grid points
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone to use: the given one when the runtime knows it, else UTC. */
export function safeZone(zone: string | null | undefined): string {
  if (!zone) return 'UTC';
  try {
    formatter(zone);
    return zone;
  } catch {
    return 'UTC';
  }
}

/** ISO weekday (1 = Monday), hour and minute of an instant in a zone. */
export function localParts(
  at: Date,
  zone: string,
): { weekday: number; hour: number; minute: number } {
  const parts = formatter(zone).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return {
    weekday: WEEKDAYS[get('weekday')] ?? 1,
    hour: Number(get('hour')) % 24,
    minute: Number(get('minute')),
  };
}

function inWindow(at: Date, zone: string, w: SendWindow): boolean {
  const p = localParts(at, zone);
  return w.days.includes(p.weekday) && p.hour >= w.startHour && p.hour < w.endHour;
}

/** The earliest instant at or after `at` inside the send window (`at` itself when inside or no window). */
export function nextAllowed(at: Date, zone: string, window: SendWindow | null | undefined): Date {
  if (!window || window.days.length === 0) return at;
  if (inWindow(at, zone, window)) return at;
  let t = Math.ceil(at.getTime() / GRID_MS) * GRID_MS;
  for (let i = 0; i < MAX_STEPS; i++, t += GRID_MS) {
    if (inWindow(new Date(t), zone, window)) return new Date(t);
  }
  return at; // unreachable for a valid window; never block a lead forever
}

/** When a wait step that starts at `from` ends. */
export function waitUntil(from: Date, zone: string, config: WaitStepConfig): Date {
  if ('minutes' in config) return new Date(from.getTime() + config.minutes * 60_000);
  let t = Math.floor(from.getTime() / GRID_MS) * GRID_MS + GRID_MS;
  for (let i = 0; i < MAX_STEPS; i++, t += GRID_MS) {
    const p = localParts(new Date(t), zone);
    if (p.weekday === config.weekday && p.hour === config.hour && p.minute === 0)
      return new Date(t);
  }
  return new Date(from.getTime() + 7 * 24 * 3600_000);
}
