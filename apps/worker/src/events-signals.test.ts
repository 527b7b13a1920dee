import { describe, expect, it } from 'vitest';
import { RecentClicks, messageSignals, type ClickFact } from './events-signals.js';

// A fixed clock: the message was delivered at T0; every time below is relative to it.
const T0 = Date.parse('2026-11-28T10:00:00.000Z');
const rules = { earlyClickMs: 10_000, burstWindowMs: 3_000, burstMinLinks: 3 };
const click = (
  key: string,
  afterMs: number,
  url: string,
  messageId = 'm1',
  machineReason: string | null = null,
): ClickFact => ({
  key,
  messageId,
  url,
  at: T0 + afterMs,
  machineReason,
});

describe('message-level classification', () => {
  it('a click a few seconds after delivery is a machine; a later one is human', () => {
    const { reasons } = messageSignals(
      [click('a', 4_000, 'https://x/1'), click('b', 60_000, 'https://x/1')],
      new Map([['m1', T0]]),
      [],
      rules,
    );
    expect(reasons.get('a')).toBe('early_click');
    expect(reasons.has('b')).toBe(false);
  });

  it('without a known sentAt the early-click rule does not fire', () => {
    expect(
      messageSignals([click('a', 1_000, 'https://x/1')], new Map(), [], rules).reasons.size,
    ).toBe(0);
  });

  it('every link clicked in one burst marks all clicks of the burst, stored ones included', () => {
    const stored = [click('s1', 600_000, 'https://x/1')];
    const batch = [click('b2', 600_800, 'https://x/2'), click('b3', 601_500, 'https://x/honeypot')];
    const { reasons, flagStored } = messageSignals(batch, new Map([['m1', T0]]), stored, rules);
    expect(reasons.get('b2')).toBe('burst');
    expect(reasons.get('b3')).toBe('burst');
    expect(flagStored).toEqual(['s1']);
  });

  it('the same links clicked slowly, or one link clicked repeatedly, are human', () => {
    const slow = [
      click('a', 600_000, 'https://x/1'),
      click('b', 610_000, 'https://x/2'),
      click('c', 620_000, 'https://x/3'),
    ];
    expect(messageSignals(slow, new Map([['m1', T0]]), [], rules).reasons.size).toBe(0);
    const repeat = [
      click('a', 600_000, 'https://x/1'),
      click('b', 600_300, 'https://x/1'),
      click('c', 600_600, 'https://x/1'),
    ];
    expect(messageSignals(repeat, new Map([['m1', T0]]), [], rules).reasons.size).toBe(0);
  });

  it('bursts are per message and keep a stronger request-level reason', () => {
    const batch = [
      click('a', 600_000, 'https://x/1', 'm1', 'scanner_ua'),
      click('b', 600_100, 'https://x/2', 'm2'),
      click('c', 600_200, 'https://x/3', 'm1'),
    ];
    const { reasons, flagStored } = messageSignals(batch, new Map(), [], rules);
    expect(reasons.size).toBe(0);
    expect(flagStored).toEqual([]);
    const burst = messageSignals(
      [...batch, click('d', 600_300, 'https://x/4', 'm1')],
      new Map(),
      [],
      rules,
    );
    expect(burst.reasons.has('a')).toBe(false); // already a machine (scanner_ua) at request time
    expect(burst.reasons.get('c')).toBe('burst');
    expect(burst.reasons.get('d')).toBe('burst');
    expect(burst.reasons.has('b')).toBe(false);
  });
});

describe('RecentClicks', () => {
  it('keeps what a burst can still reach, a few clicks per link, and forgets the rest', () => {
    const recent = new RecentClicks(3_000, 2, 2);
    recent.add([
      click('a', 0, 'https://x/1'),
      click('b', 100, 'https://x/1'),
      click('c', 200, 'https://x/1'),
      click('d', 300, 'https://x/2'),
    ]);
    // Per link only the latest two; the other link kept.
    expect(recent.get('m1').map((c) => c.key)).toEqual(['b', 'c', 'd']);
    recent.add([click('e', 10_000, 'https://x/3')]);
    // Older than two windows before the newest click: gone.
    expect(recent.get('m1').map((c) => c.key)).toEqual(['e']);
    // A re-added key replaces the old fact (a burst flag, say).
    recent.add([{ ...click('e', 10_000, 'https://x/3'), machineReason: 'burst' }]);
    expect(recent.get('m1')).toHaveLength(1);
    expect(recent.get('m1')[0]!.machineReason).toBe('burst');
    // At most two messages: the least recently touched goes first.
    recent.add([click('f', 0, 'https://x/1', 'm2')]);
    recent.add([click('g', 0, 'https://x/1', 'm3')]);
    expect(recent.has('m1')).toBe(false);
    expect(recent.has('m2') && recent.has('m3')).toBe(true);
  });
});
