import { describe, expect, it } from 'vitest';
import { inSendingHours, planLimits, providerOf, type WarmupPlanLike } from './index.js';

const plan: WarmupPlanLike = {
  id: 'p1',
  scope: 'ip_pool',
  key: 'shared',
  enabled: true,
  startedAt: new Date('2026-03-01T09:00:00Z'),
  startVolume: 1200,
  growthFactor: 1.5,
  targetVolume: 100_000,
  schedule: [],
  providerCaps: { gmail: 0.25 },
  sendStartHour: 8,
  sendEndHour: 20,
};

describe('warm-up limits', () => {
  it('spreads the daily cap over the sending hours and adds the provider share', () => {
    const now = Date.parse('2026-03-02T10:30:00Z'); // day 2: 1800
    const gmail = planLimits(plan, {
      prefix: 'x',
      now,
      timeZone: 'UTC',
      windowMs: 60_000,
      provider: 'gmail',
    });
    expect(gmail.map((l) => l.limit)).toEqual([1800, 3, 450, 1]); // 12 h = 720 windows
    expect(gmail[0]!.key).toBe('x:p1:d:2026-03-02');
    const other = planLimits(plan, {
      prefix: 'x',
      now,
      timeZone: 'UTC',
      windowMs: 60_000,
      provider: 'other',
    });
    expect(other).toHaveLength(2);
  });

  it('counts days and hours in the workspace zone', () => {
    // 23:30 UTC on 1 March is already 2 March 08:30 in Tokyo: day 2, inside the hours.
    const now = Date.parse('2026-03-01T23:30:00Z');
    expect(inSendingHours(plan, now, 'UTC')).toBe(false);
    expect(inSendingHours(plan, now, 'Asia/Tokyo')).toBe(true);
    expect(
      planLimits(plan, {
        prefix: 'x',
        now,
        timeZone: 'Asia/Tokyo',
        windowMs: 60_000,
        provider: 'other',
      })[0]!.limit,
    ).toBe(1800);
  });

  it('groups recipient domains by mailbox provider', () => {
    expect(
      ['a@gmail.com', 'b@Outlook.com', 'c@aol.com', 'd@icloud.com', 'e@example.org'].map(
        providerOf,
      ),
    ).toEqual(['gmail', 'microsoft', 'yahoo', 'apple', 'other']);
  });
});
