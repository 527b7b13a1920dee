import { describe, expect, it } from 'vitest';
import { allTimeZones, groupTimeZones } from './time-zones';

describe('time zones', () => {
  it('always offers UTC and the current value', () => {
    const zones = allTimeZones('Mars/Olympus_Mons');
    expect(zones).toContain('UTC');
    expect(zones).toContain('Mars/Olympus_Mons');
  });

  it('groups by region with bare names last', () => {
    const groups = groupTimeZones(undefined, [
      'UTC',
      'Europe/Berlin',
      'America/New_York',
      'Europe/Amsterdam',
    ]);
    expect(groups).toEqual([
      ['America', ['America/New_York']],
      ['Europe', ['Europe/Berlin', 'Europe/Amsterdam']],
      ['Other', ['UTC']],
    ]);
  });
});
