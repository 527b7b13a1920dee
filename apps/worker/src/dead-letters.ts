// Dead letters of the Redis stream drains: an entry that failed on its own `maxAttempts` times
// (not a database outage, see isDbUnavailable) is moved, with its error, to `<stream>:dead`, so
// it stops blocking every entry behind it. Operators list, replay (once the cause is fixed) or
// drop them with `npm run dead-letters` (dead-letters-cli.ts); the worker's /metrics and /readyz
// count them. A replayed entry goes back to the end of its stream carrying its original id
// (REPLAY_OF), which the consumer hands to the drain as the entry's id, so a drain that keys on
// the id (tracking events: the event key and its time) sees the same entry as before.
import type { Redis } from 'ioredis';

export const deadLetterStream = (stream: string) => `${stream}:dead`;

/** Field a replayed entry carries: the id it had when it first arrived. */
export const REPLAY_OF = '_replay_of';
const DEAD_FIELDS = ['_dead_id', '_dead_error', '_dead_attempts', '_dead_at'] as const;

export interface DeadLetter {
  /** Id in the dead-letter stream (what replay and drop take). */
  deadId: string;
  /** The entry's id in its stream when it first arrived. */
  id: string;
  error: string;
  attempts: number;
  deadAt: string;
  /** The entry's own fields, as the drain read them. */
  fields: string[];
}

/** The entry's fields without REPLAY_OF, and the id the drain should see. */
export function logicalEntry(id: string, fields: string[]): { id: string; fields: string[] } {
  const i = fields.indexOf(REPLAY_OF);
  if (i < 0 || i % 2 !== 0) return { id, fields };
  return { id: fields[i + 1] ?? id, fields: [...fields.slice(0, i), ...fields.slice(i + 2)] };
}

/** Moves one pending entry to the dead-letter stream and out of its group, atomically. */
export async function moveToDeadLetters(
  redis: Redis,
  o: {
    stream: string;
    group: string;
    streamId: string;
    id: string;
    fields: string[];
    error: string;
    attempts: number;
  },
): Promise<void> {
  await redis
    .multi()
    .xadd(
      deadLetterStream(o.stream),
      '*',
      ...o.fields,
      '_dead_id',
      o.id,
      '_dead_error',
      o.error.slice(0, 2000),
      '_dead_attempts',
      String(o.attempts),
      '_dead_at',
      new Date().toISOString(),
    )
    .xack(o.stream, o.group, o.streamId)
    .xdel(o.stream, o.streamId)
    .exec();
}

function parse(deadId: string, raw: string[]): DeadLetter {
  const fields: string[] = [];
  const meta: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = raw[i]!;
    if ((DEAD_FIELDS as readonly string[]).includes(k)) meta[k] = raw[i + 1]!;
    else fields.push(k, raw[i + 1]!);
  }
  return {
    deadId,
    id: meta._dead_id ?? deadId,
    error: meta._dead_error ?? '',
    attempts: Number(meta._dead_attempts ?? 0),
    deadAt: meta._dead_at ?? '',
    fields,
  };
}

/** The dead letters of `stream`, oldest first. */
export async function listDeadLetters(
  redis: Redis,
  stream: string,
  count = 100,
): Promise<DeadLetter[]> {
  const rows = (await redis.xrange(deadLetterStream(stream), '-', '+', 'COUNT', count)) as [
    string,
    string[],
  ][];
  return rows.map(([id, raw]) => parse(id, raw));
}

export const countDeadLetters = (redis: Redis, stream: string) =>
  redis.xlen(deadLetterStream(stream));

async function select(redis: Redis, stream: string, ids: string[] | 'all') {
  const all = await listDeadLetters(redis, stream, 1_000_000);
  return ids === 'all' ? all : all.filter((d) => ids.includes(d.deadId) || ids.includes(d.id));
}

/** Puts dead letters back at the end of their stream (with their original id); returns them. */
export async function replayDeadLetters(
  redis: Redis,
  stream: string,
  ids: string[] | 'all',
): Promise<DeadLetter[]> {
  const chosen = await select(redis, stream, ids);
  for (const d of chosen) {
    await redis
      .multi()
      .xadd(stream, '*', ...d.fields, REPLAY_OF, d.id)
      .xdel(deadLetterStream(stream), d.deadId)
      .exec();
  }
  return chosen;
}

/** Deletes dead letters for good; returns them. */
export async function dropDeadLetters(
  redis: Redis,
  stream: string,
  ids: string[] | 'all',
): Promise<DeadLetter[]> {
  const chosen = await select(redis, stream, ids);
  if (chosen.length > 0) await redis.xdel(deadLetterStream(stream), ...chosen.map((d) => d.deadId));
  return chosen;
}
