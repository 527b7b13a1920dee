// Health and lag of the worker's stream drains, for /readyz and /metrics: every drain started
// with a registry adds itself here; the metrics are labelled by drain (submissions, events).
import { Counter, Gauge, type Registry } from 'prom-client';
import { ttlCache } from '@kindling/shared';
import type { DrainHealth } from './stream-consumer.js';

export interface DrainMonitor {
  add: (drain: string, health: () => Promise<DrainHealth>) => void;
  /** Every drain's health; a drain whose Redis cannot answer is reported stalled. */
  all: () => Promise<Record<string, DrainHealth | { status: 'stalled'; error: string }>>;
}

const monitors = new WeakMap<Registry, DrainMonitor>();

/** A Redis that does not answer must not hang /readyz or a scrape (worker commands queue). */
function withTimeout<T>(p: Promise<T>, ms = 2_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    p.then(resolve, reject).finally(() => clearTimeout(t));
  });
}

/** The registry's drain monitor, created (with its metrics) on first use. */
export function drainMonitor(registry: Registry): DrainMonitor {
  const existing = monitors.get(registry);
  if (existing) return existing;
  const drains = new Map<string, () => Promise<DrainHealth>>();
  // One Redis round per scrape, not one per metric.
  const cache = ttlCache<Map<string, DrainHealth | null>>({ ttlMs: 500 });
  const snapshot = () =>
    cache.get('all', () =>
      Promise.all(
        [...drains].map(
          async ([name, h]) => [name, await withTimeout(h()).catch(() => null)] as const,
        ),
      ).then((rows) => new Map(rows)),
    );
  const gauge = (name: string, help: string, pick: (h: DrainHealth) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['drain'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const [drain, h] of await snapshot()) this.set({ drain }, h ? pick(h) : Number.NaN);
      },
    });
  gauge(
    'kindling_worker_drain_stream_length',
    'Entries in the drain stream not yet stored (unread + pending)',
    (h) => h.streamLength,
  );
  gauge(
    'kindling_worker_drain_pending',
    'Entries handed to a consumer and not yet acknowledged',
    (h) => h.pending,
  );
  gauge(
    'kindling_worker_drain_oldest_entry_age_seconds',
    'Age of the oldest entry not yet stored (the drain lag)',
    (h) => h.oldestEntryAgeSeconds,
  );
  gauge(
    'kindling_worker_drain_dead_letters',
    'Entries in the dead-letter stream, waiting for an operator (npm run dead-letters)',
    (h) => h.deadLetters,
  );
  gauge(
    'kindling_worker_drain_stalled',
    '1 when the drain has not completed a round for the stall period',
    (h) => (h.status === 'stalled' ? 1 : 0),
  );
  const counter = (name: string, help: string, pick: (h: DrainHealth) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['drain'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const [drain, h] of await snapshot()) if (h) this.inc({ drain }, pick(h));
      },
    });
  counter(
    'kindling_worker_drain_dead_lettered_total',
    'Entries this process moved to the dead-letter stream',
    (h) => h.deadLettered,
  );
  counter(
    'kindling_worker_drain_group_recreated_total',
    'Times this process re-created a lost consumer group (Redis lost its data)',
    (h) => h.groupRecreated,
  );
  const monitor: DrainMonitor = {
    add: (drain, health) => drains.set(drain, health),
    all: async () => {
      const out: Awaited<ReturnType<DrainMonitor['all']>> = {};
      await Promise.all(
        [...drains].map(async ([name, h]) => {
          try {
            out[name] = await withTimeout(h());
          } catch (err) {
            out[name] = { status: 'stalled', error: (err as Error).message };
          }
        }),
      );
      return out;
    },
  };
  monitors.set(registry, monitor);
  return monitor;
}
