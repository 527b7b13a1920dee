import { describe, expect, it } from 'vitest';
import { initials, relativeTime, shortDate } from './format';

const now = new Date('2026-03-12T12:00:00Z');

describe('relativeTime', () => {
  it('handles past, future and near-now', () => {
    expect(relativeTime('2026-03-12T11:59:50Z', now)).toBe('just now');
    expect(relativeTime('2026-03-12T09:00:00Z', now)).toBe('3 hours ago');
    expect(relativeTime('2026-03-09T12:00:00Z', now)).toBe('3 days ago');
    expect(relativeTime('2026-03-18T12:00:00Z', now)).toBe('in 6 days');
    expect(relativeTime('2026-03-11T12:00:00Z', now)).toBe('yesterday');
  });
  it('shows a dash for missing or invalid dates', () => {
    expect(relativeTime(null, now)).toBe('—');
    expect(relativeTime('nope', now)).toBe('—');
  });
});

describe('shortDate', () => {
  it('formats a day', () => {
    expect(shortDate('2026-03-12T12:00:00Z')).toBe('12 Mar 2026');
    expect(shortDate(undefined)).toBe('—');
  });
});

describe('initials', () => {
  it('uses first and last word, one word, or the email', () => {
    expect(initials('Ada Byron Lovelace')).toBe('AL');
    expect(initials('ada')).toBe('AD');
    expect(initials('  ', 'zed@example.com')).toBe('Z');
  });
});
