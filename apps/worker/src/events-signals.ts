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
// Limits: two drain processes that split one burst across concurrent batches may each see too
// few links; the next batch touching that message (or a re-run) still sees them all in Postgres.

/** Tunables for the message-level rules. */
export interface SignalRules {
  earlyClickMs: number;
  burstWindowMs: number;
  burstMinLinks: number;
}

/** Defaults: "a few seconds" after delivery; three distinct links inside three seconds. */
export const DEFAULT_SIGNAL_RULES: SignalRules = { earlyClickMs: 10_000, burstWindowMs: 3_000, burstMinLinks: 3 };

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
