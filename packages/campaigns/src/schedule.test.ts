import { describe, expect, it } from 'vitest';
import { localParts, nextAllowed, waitUntil } from './schedule.js';

const weekdays9to17 = { days: [1, 2, 3, 4, 5], startHour: 9, endHour: 17 };

describe('send window', () => {
  it('keeps an instant inside the window', () => {
    const t = new Date('2026-12-01T10:30:00Z'); // Tuesday 10:30 UTC
    expect(nextAllowed(t, 'UTC', weekdays9to17)).toEqual(t);
  });
  it('defers to the next allowed hour in the lead zone', () => {
    // Tuesday 20:00 UTC = Tuesday 15:00 in New York (inside) but Wednesday 05:00 in Tokyo (before 9).
    const t = new Date('2026-12-01T20:00:00Z');
    expect(nextAllowed(t, 'America/New_York', weekdays9to17)).toEqual(t);
    expect(nextAllowed(t, 'Asia/Tokyo', weekdays9to17)).toEqual(new Date('2026-12-02T00:00:00Z'));
  });
  it('skips the weekend and handles half-hour zones', () => {
    const fri = new Date('2026-12-04T18:00:00Z'); // Friday 23:30 in Kolkata
    const next = nextAllowed(fri, 'Asia/Kolkata', weekdays9to17);
    expect(next).toEqual(new Date('2026-12-07T03:30:00Z')); // Monday 09:00 IST
    expect(localParts(next, 'Asia/Kolkata')).toEqual({ weekday: 1, hour: 9, minute: 0 });
  });
});

describe('waitUntil', () => {
  it('adds durations and finds the next weekday at an hour', () => {
    const t = new Date('2026-12-01T10:00:00Z');
    expect(waitUntil(t, 'UTC', { minutes: 3 * 24 * 60 })).toEqual(new Date('2026-12-04T10:00:00Z'));
    expect(waitUntil(t, 'Europe/Berlin', { weekday: 1, hour: 8 })).toEqual(
      new Date('2026-12-07T07:00:00Z'),
    );
  });
});
