// Appends tracking events to the Redis stream, many per round trip.
//
// Every hit must be in the stream before its answer goes out. Doing that with one XADD per
// request costs a command object, a promise and a reply parse per hit in this process, and a
// command dispatch per hit in Redis: on a small machine that is most of the hot path. Instead the
// hits that arrive in one turn of the event loop are collected and written by one Lua script
// (one EVALSHA, N XADDs inside Redis, atomic), and each request is answered when that call
// returns. A failed call fails every hit in it, so none is answered as recorded when it is not.
import type { Redis } from 'ioredis';
import { STREAM_EVENT_FIELD, packStreamEvent, type StreamEvent } from '@kindling/queue';

type Done = (err: Error | null) => void;

const MAX_BATCH = 1_000;

// One packed string per event (see @kindling/queue events.ts): no per-event table in Lua.
const SCRIPT = `
for i = 1, #ARGV do
  redis.call('XADD', KEYS[1], '*', '${STREAM_EVENT_FIELD}', ARGV[i])
end
return #ARGV`;

interface AppendingRedis extends Redis {
  kindlingAppendEvents(stream: string, ...argv: string[]): Promise<number>;
}

/** Batches XADDs of concurrent requests into one script call per event-loop turn. */
export class EventAppender {
  private values: string[] = [];
  private callbacks: Done[] = [];
  private scheduled = false;
  private readonly redis: AppendingRedis;

  constructor(
    redis: Redis,
    private readonly stream: string,
  ) {
    if (!('kindlingAppendEvents' in redis)) {
      redis.defineCommand('kindlingAppendEvents', { numberOfKeys: 1, lua: SCRIPT });
    }
    this.redis = redis as AppendingRedis;
  }

  /** Queues `event`; `done` runs once it is in the stream (null) or could not be written. */
  append(event: StreamEvent, done: Done): void {
    this.values.push(packStreamEvent(event));
    this.callbacks.push(done);
    if (this.callbacks.length >= MAX_BATCH) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.callbacks.length === 0) return;
    const values = this.values;
    const callbacks = this.callbacks;
    this.values = [];
    this.callbacks = [];
    this.redis.kindlingAppendEvents(this.stream, ...values).then(
      () => {
        for (const cb of callbacks) cb(null);
      },
      (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        for (const cb of callbacks) cb(e);
      },
    );
  };
}
