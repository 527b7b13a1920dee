// The consumer-group loop shared by the worker's Redis stream drains: read a batch (own pending
// entries first after a start or an error, then new ones, blocking), hand it to `process`, and
// only when that resolves XACK + XDEL the entries (so the stream's length is the backlog).
// Entries left pending by a consumer that died are taken over with XAUTOCLAIM once idle
// `claimIdleMs`. At-least-once: `process` must be idempotent; it is told when a batch may have
// been seen before (`redelivered`), so it can check cheaply only then.
//
// No entry can block the stream: when a batch fails for a reason other than an outage
// (isDbUnavailable, a lost Redis connection), its entries are retried one by one, and an entry
// that fails alone `maxAttempts` times goes to the dead-letter stream with its error
// (dead-letters.ts). An outage is retried as it is, never counted against an entry. A Redis that
// lost its data (NOGROUP: restart without persistence, failover to an empty replica) gets its
// group re-created from id 0 and the loop goes on. health() reports lag and whether the loop is
// stalled (no successful round for `stallAfterMs`), for /readyz and /metrics (drain-health.ts).
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { isDbUnavailable } from '@kindling/db';
import { streamIdTime } from '@kindling/queue';
import { countDeadLetters, logicalEntry, moveToDeadLetters } from './dead-letters.js';

export type StreamEntry = [id: string, fields: string[] | null];

export interface StreamConsumerOptions {
  /** A connection of its own: XREADGROUP BLOCK holds it. Disconnected by close(). */
  reader: Redis;
  /** A non-blocking connection for health(), so it never waits behind a blocking read. */
  monitor?: Redis;
  stream: string;
  group: string;
  consumer: string;
  batchSize: number;
  blockMs: number;
  claimIdleMs: number;
  logger: Logger;
  /** Stores a batch; throwing leaves every entry of it pending, to be retried. */
  process: (entries: StreamEntry[], redelivered: boolean) => Promise<void>;
  policy?: Partial<DrainPolicy>;
}

/** How a drain treats failures; the worker's env sets it for both drains. */
export interface DrainPolicy {
  /** Failures of one entry on its own before it becomes a dead letter. */
  maxAttempts: number;
  /** Pause after a failed round. */
  retryDelayMs: number;
  /** No successful round for this long makes the drain stalled (/readyz fails). */
  stallAfterMs: number;
}

export const DEFAULT_DRAIN_POLICY: DrainPolicy = {
  maxAttempts: 3,
  retryDelayMs: 1_000,
  stallAfterMs: 60_000,
};

export interface DrainHealth {
  status: 'ok' | 'stalled';
  /** Entries in the stream: not yet stored (unread + pending). */
  streamLength: number;
  /** Entries handed to a consumer of the group and not yet acknowledged. */
  pending: number;
  /** Age of the oldest entry not yet stored, in seconds (0 when the stream is empty). */
  oldestEntryAgeSeconds: number;
  deadLetters: number;
  /** Seconds since the loop last completed a round without error. */
  lastSuccessAgoSeconds: number;
  lastError: string | null;
  deadLettered: number;
  groupRecreated: number;
}

export interface StreamConsumer {
  close: () => Promise<void>;
  stats: () => { batches: number; entries: number };
  health: () => Promise<DrainHealth>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An outage (database or Redis unreachable), as opposed to something wrong with an entry. */
export function isOutage(err: unknown): boolean {
  if (isDbUnavailable(err)) return true;
  const text = String((err as Error | null)?.message ?? err);
  return /Connection is closed|MaxRetriesPerRequest|ECONNREFUSED|ECONNRESET|Stream isn't writeable|LOADING|READONLY|CLUSTERDOWN|MASTERDOWN/.test(
    text,
  );
}

/** The stream key or its group is gone: Redis lost its data (or someone deleted the key). */
const lostGroup = (err: unknown) =>
  /NOGROUP|UNBLOCKED.*(no longer exists|deleted)/i.test(
    String((err as Error | null)?.message ?? err),
  );

/** Creates the group (from id 0, MKSTREAM) if needed and starts the loop. */
export async function startStreamConsumer(o: StreamConsumerOptions): Promise<StreamConsumer> {
  const { reader, stream, group, consumer, logger } = o;
  const { maxAttempts, retryDelayMs, stallAfterMs } = { ...DEFAULT_DRAIN_POLICY, ...o.policy };

  async function ensureGroup(): Promise<void> {
    try {
      // From id 0: entries written before any worker ever ran (or since a flush) are drained too.
      await reader.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
  }
  await ensureGroup();

  let batches = 0;
  let total = 0;
  let stopping = false;
  let blocked = false;
  let lastSuccess = Date.now();
  let lastError: string | null = null;
  let deadLettered = 0;
  let groupRecreated = 0;
  /** Failures of single entries (by stream id) while isolated; forgotten once settled. */
  const failures = new Map<string, number>();

  async function handle(entries: StreamEntry[], redelivered: boolean): Promise<void> {
    const ids = entries.map(([id]) => id);
    await o.process(
      entries.map(([id, fields]): StreamEntry => {
        if (!fields) return [id, fields];
        const l = logicalEntry(id, fields);
        return [l.id, l.fields];
      }),
      redelivered,
    );
    // Stored: now, and only now, the entries may leave the stream.
    await reader
      .multi()
      .xack(stream, group, ...ids)
      .xdel(stream, ...ids)
      .exec();
    batches++;
    total += entries.length;
    for (const id of ids) failures.delete(id);
  }

  /**
   * A batch failed for a reason of its own: each entry alone, so the good ones are stored and a
   * bad one is found. Returns true when some entry is still failing (retried after a pause).
   * An outage met on the way is rethrown: it says nothing about the entries.
   */
  async function isolate(entries: StreamEntry[], batchError: unknown): Promise<boolean> {
    let stillFailing = false;
    for (const entry of entries) {
      if (stopping) return stillFailing;
      try {
        await handle([entry], true);
      } catch (err) {
        if (isOutage(err)) throw err;
        const [id, fields] = entry;
        const attempts = (failures.get(id) ?? 0) + 1;
        const message = err instanceof Error ? err.message : String(err);
        if (attempts < maxAttempts) {
          failures.set(id, attempts);
          stillFailing = true;
          logger.warn({ err, id, stream, attempts }, 'stream entry failed on its own; will retry');
          continue;
        }
        const l = logicalEntry(id, fields ?? []);
        await moveToDeadLetters(reader, {
          stream,
          group,
          streamId: id,
          id: l.id,
          fields: fields ?? [],
          error: message,
          attempts,
        });
        failures.delete(id);
        deadLettered++;
        logger.error(
          { err, id, stream, attempts, batchError: String(batchError) },
          'stream entry moved to the dead-letter stream',
        );
      }
    }
    return stillFailing;
  }

  async function handleOrIsolate(entries: StreamEntry[], redelivered: boolean): Promise<boolean> {
    try {
      await handle(entries, redelivered);
      return false;
    } catch (err) {
      if (isOutage(err) || lostGroup(err) || stopping) throw err;
      logger.warn({ err, stream, count: entries.length }, 'stream batch failed; isolating entries');
      return isolate(entries, err);
    }
  }

  async function reclaim(): Promise<boolean> {
    let cursor = '0-0';
    let failing = false;
    for (let round = 0; round < 100 && !stopping; round++) {
      const [next, entries] = (await reader.call(
        'XAUTOCLAIM',
        stream,
        group,
        consumer,
        String(o.claimIdleMs),
        cursor,
        'COUNT',
        String(o.batchSize),
      )) as [string, StreamEntry[]];
      if (entries.length > 0) {
        logger.info(
          { count: entries.length, stream },
          'took over pending entries of another consumer',
        );
        failing = (await handleOrIsolate(entries, true)) || failing;
      }
      if (next === '0-0') break;
      cursor = next;
    }
    return failing;
  }

  const loop = async () => {
    let ownPending = true; // after a start or an error, our own unacknowledged entries first
    let lastClaim = 0;
    while (!stopping) {
      try {
        let failing = false;
        if (Date.now() - lastClaim >= Math.min(o.claimIdleMs, 30_000)) {
          lastClaim = Date.now();
          failing = await reclaim();
        }
        blocked = !ownPending;
        const res = (await (ownPending
          ? reader.xreadgroup(
              'GROUP',
              group,
              consumer,
              'COUNT',
              o.batchSize,
              'STREAMS',
              stream,
              '0',
            )
          : reader.xreadgroup(
              'GROUP',
              group,
              consumer,
              'COUNT',
              o.batchSize,
              'BLOCK',
              o.blockMs,
              'STREAMS',
              stream,
              '>',
            ))) as [string, StreamEntry[]][] | null;
        blocked = false;
        const entries = res?.[0]?.[1] ?? [];
        if (ownPending && entries.length === 0) ownPending = false;
        // '>' hands out entries never delivered before: only re-reads can have been stored.
        if (entries.length > 0) failing = (await handleOrIsolate(entries, ownPending)) || failing;
        lastSuccess = Date.now();
        lastError = null;
        if (failing) {
          // Entries that failed alone stay pending: read them again after a pause.
          ownPending = true;
          await sleep(retryDelayMs);
        }
      } catch (err) {
        blocked = false;
        if (stopping) break;
        lastError = err instanceof Error ? err.message : String(err);
        ownPending = true;
        if (lostGroup(err)) {
          logger.warn({ stream, group }, 'stream group lost (Redis lost its data); re-creating it');
          try {
            await ensureGroup();
            groupRecreated++;
            continue;
          } catch (again) {
            logger.error({ err: again, stream }, 'could not re-create the stream group');
          }
        } else logger.error({ err, stream }, 'stream batch failed; retrying');
        await sleep(retryDelayMs);
      }
    }
  };
  const running = loop();
  logger.info({ stream, group, consumer }, 'stream consumer started');

  async function health(): Promise<DrainHealth> {
    const redis = o.monitor ?? reader;
    const [length, first, pending, dead] = await Promise.all([
      redis.xlen(stream),
      redis.xrange(stream, '-', '+', 'COUNT', 1),
      (redis.xpending(stream, group) as Promise<[number, ...unknown[]]>).catch(() => [0]),
      countDeadLetters(redis, stream),
    ]);
    const oldest = first[0]?.[0];
    const sinceSuccess = Date.now() - lastSuccess;
    return {
      status: sinceSuccess > stallAfterMs ? 'stalled' : 'ok',
      streamLength: length,
      pending: Number(pending[0] ?? 0),
      oldestEntryAgeSeconds: oldest ? Math.max(0, (Date.now() - streamIdTime(oldest)) / 1000) : 0,
      deadLetters: dead,
      lastSuccessAgoSeconds: sinceSuccess / 1000,
      lastError,
      deadLettered,
      groupRecreated,
    };
  }

  return {
    stats: () => ({ batches, entries: total }),
    health,
    close: async () => {
      stopping = true;
      // A blocking read holds nothing: cut it short. A batch in hand is finished first.
      if (blocked) reader.disconnect();
      await running;
      reader.disconnect();
    },
  };
}
