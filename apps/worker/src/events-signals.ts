// Human or machine, part 2: the signals that need more than one request. Pure functions, run by
// the events drain (modules/events-drain.ts) on each batch together with what Postgres already
// holds for the same messages. The request-level rules (HEAD, honeypot, Apple Mail Privacy
// Protection, scanner user agents and networks, Google's image proxy as human) run in the
// tracking app, apps/tracking/src/classify.ts, and arrive here as `machineReason`.
//
//   early_click  a click less than `earlyClickMs` after the message's sentAt: no person reads a
//                mail and clicks that fast, a gateway scanning it on delivery does;
//   burst        clicks on at least `burstMinLinks` distinct links (the hidden honeypot link
//                counts) of one message within `burstWindowMs`: a scanner fetching every link.
//                All clicks of the burst are marked, including ones stored by earlier batches.
//
// What a batch is compared with: the clicks this drain stored lately (RecentClicks, in memory),
// or, for a message it has not seen lately, the clicks Postgres holds around the same time.
// Limits: two drain processes that split one burst between them each see only their share of
// it (neither reads the other's recent clicks from Postgres while it has the message in memory),
// so a burst can go unmarked with several workers; with one worker every burst is seen whole.

/** Tunables for the message-level rules. */
export interface SignalRules {
  earlyClickMs: number;
  burstWindowMs: number;
  burstMinLinks: number;
}

/** Defaults: "a few seconds" after delivery; three distinct links inside three seconds. */
export const DEFAULT_SIGNAL_RULES: SignalRules = {
  earlyClickMs: 10_000,
  burstWindowMs: 3_000,
  burstMinLinks: 3,
};

/** A click as the rules need it, from the current batch or from Postgres. */
export interface ClickFact {
  key: string;
  messageId: string;
  url: string | null;
  /** Milliseconds since the epoch. */
  at: number;
  machineReason: string | null;
}

export interface SignalResult {
  /** Machine reasons for clicks of the batch (by event key) that had none. */
  reasons: Map<string, string>;
  /** Keys of already stored clicks that a burst now marks as machine. */
  flagStored: string[];
}

/**
 * Applies the message-level rules to the clicks of a batch, given each message's sentAt (ms) and
 * the clicks Postgres already holds for the same messages around the same time.
 */
export function messageSignals(
  batch: ClickFact[],
  sentAt: ReadonlyMap<string, number>,
  stored: ClickFact[],
  rules: SignalRules = DEFAULT_SIGNAL_RULES,
): SignalResult {
  const reasons = new Map<string, string>();
  const inBatch = new Set(batch.map((c) => c.key));
  for (const c of batch) {
    if (c.machineReason) continue;
    const sent = sentAt.get(c.messageId);
    if (sent !== undefined && c.at - sent < rules.earlyClickMs) reasons.set(c.key, 'early_click');
  }

  const byMessage = new Map<string, ClickFact[]>();
  for (const c of [...batch, ...stored.filter((s) => !inBatch.has(s.key))]) {
    const list = byMessage.get(c.messageId) ?? [];
    list.push(c);
    byMessage.set(c.messageId, list);
  }
  const flagStored = new Set<string>();
  for (const clicks of byMessage.values()) {
    if (clicks.length < rules.burstMinLinks) continue;
    clicks.sort((a, b) => a.at - b.at);
    for (let i = 0; i < clicks.length; i++) {
      const urls = new Set<string>();
      let j = i;
      while (j < clicks.length && clicks[j]!.at - clicks[i]!.at <= rules.burstWindowMs) {
        urls.add(clicks[j]!.url ?? '');
        j++;
      }
      if (urls.size < rules.burstMinLinks) continue;
      for (let k = i; k < j; k++) {
        const c = clicks[k]!;
        if (inBatch.has(c.key)) {
          if (!c.machineReason && reasons.get(c.key) !== 'early_click') reasons.set(c.key, 'burst');
        } else if (!c.machineReason) flagStored.add(c.key);
      }
    }
  }
  return { reasons, flagStored: [...flagStored] };
}

/**
 * The clicks a drain stored lately, per message, so that consecutive batches (the common case: a
 * burst arrives within milliseconds) need no database read. Bounded: per message the latest few
 * clicks of each link within two burst windows, and at most `maxMessages` messages.
 */
export class RecentClicks {
  private readonly byMessage = new Map<string, ClickFact[]>();

  constructor(
    private readonly windowMs: number,
    private readonly maxMessages = 10_000,
    private readonly perLink = 4,
  ) {}

  has(messageId: string): boolean {
    return this.byMessage.has(messageId);
  }

  get(messageId: string): ClickFact[] {
    return this.byMessage.get(messageId) ?? [];
  }

  /** Remembers stored clicks (with their final reasons); forgets what no burst can reach. */
  add(clicks: ClickFact[]): void {
    const touched = new Set<string>();
    for (const c of clicks) {
      const list = this.byMessage.get(c.messageId) ?? [];
      const known = list.findIndex((x) => x.key === c.key);
      if (known >= 0) list[known] = c;
      else list.push(c);
      // Re-insert: Map order is the eviction order (least recently touched first).
      this.byMessage.delete(c.messageId);
      this.byMessage.set(c.messageId, list);
      touched.add(c.messageId);
    }
    for (const id of touched) {
      const list = this.byMessage.get(id)!;
      const newest = Math.max(...list.map((c) => c.at));
      const perUrl = new Map<string, number>();
      const kept = list
        .filter((c) => c.at >= newest - 2 * this.windowMs)
        .sort((a, b) => b.at - a.at)
        .filter((c) => {
          const n = (perUrl.get(c.url ?? '') ?? 0) + 1;
          perUrl.set(c.url ?? '', n);
          return n <= this.perLink;
        })
        .reverse();
      this.byMessage.set(id, kept);
    }
    for (const id of this.byMessage.keys()) {
      if (this.byMessage.size <= this.maxMessages) break;
      this.byMessage.delete(id);
    }
  }
}
