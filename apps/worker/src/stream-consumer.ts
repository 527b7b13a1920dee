// The consumer-group loop shared by the worker's Redis stream drains: read a batch (own pending
// entries first after a start or an error, then new ones, blocking), hand it to `process`, and
// only when that resolves XACK + XDEL the entries (so the stream's length is the backlog).
// Entries left pending by a consumer that died are taken over with XAUTOCLAIM once idle
// `claimIdleMs`. At-least-once: `process` must be idempotent; it is told when a batch may have
// been seen before (`redelivered`), so it can check cheaply only then.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export type StreamEntry = [id: string, fields: string[] | null];

export interface StreamConsumerOptions {
  /** A connection of its own: XREADGROUP BLOCK holds it. Disconnected by close(). */
  reader: Redis;
  stream: string;
  group: string;
  consumer: string;
  batchSize: number;
  blockMs: number;
  claimIdleMs: number;
  logger: Logger;
  /** Stores a batch; throwing leaves every entry of it pending, to be retried after 1 s. */
  process: (entries: StreamEntry[], redelivered: boolean) => Promise<void>;
}

export interface StreamConsumer {
  close: () => Promise<void>;
  stats: () => { batches: number; entries: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Creates the group (from id 0, MKSTREAM) if needed and starts the loop. */
export async function startStreamConsumer(o: StreamConsumerOptions): Promise<StreamConsumer> {
  const { reader, stream, group, consumer, logger } = o;
  try {
    // From id 0: entries written before any worker ever ran are drained too.
    await reader.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
  } catch (err) {
    if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
  }
  let batches = 0;
  let total = 0;
  let stopping = false;
  let blocked = false;

  async function handle(entries: StreamEntry[], redelivered: boolean): Promise<void> {
    const ids = entries.map(([id]) => id);
    await o.process(entries, redelivered);
    // Stored: now, and only now, the entries may leave the stream.
    await reader
      .multi()
      .xack(stream, group, ...ids)
      .xdel(stream, ...ids)
      .exec();
    batches++;
    total += entries.length;
  }

  async function reclaim(): Promise<void> {
    let cursor = '0-0';
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
        await handle(entries, true);
      }
      if (next === '0-0') return;
      cursor = next;
    }
  }

  const loop = async () => {
    let ownPending = true; // after a start or an error, our own unacknowledged entries first
    let lastClaim = 0;
    while (!stopping) {
      try {
        if (Date.now() - lastClaim >= Math.min(o.claimIdleMs, 30_000)) {
          lastClaim = Date.now();
          await reclaim();
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
        if (entries.length > 0) await handle(entries, ownPending);
      } catch (err) {
        blocked = false;
        if (stopping) break;
        logger.error({ err, stream }, 'stream batch failed; retrying');
        ownPending = true;
        await sleep(1_000);
      }
    }
  };
  const running = loop();
  logger.info({ stream, group, consumer }, 'stream consumer started');
  return {
    stats: () => ({ batches, entries: total }),
    close: async () => {
      stopping = true;
      // A blocking read holds nothing: cut it short. A batch in hand is finished first.
      if (blocked) reader.disconnect();
      await running;
      reader.disconnect();
    },
  };
}
