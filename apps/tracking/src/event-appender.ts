// Appends tracking events to the Redis stream, many per round trip.
//
// Every hit must be in the stream before its answer goes out. Doing that with one XADD per
// request costs a command object, a promise and a reply parse per hit in this process, and a
// command dispatch per hit in Redis: on a small machine that is most of the hot path. Instead the
// hits that arrive in one turn of the event loop are collected and written by one Lua script
// (one EVALSHA, N XADDs inside Redis, atomic), and each request is answered when that call
// returns. A failed call fails every hit in it, so none is answered as recorded when it is not.
import type { Redis } from 'ioredis';
import {
  STREAM_EVENT_FIELD,
  TickBatcher,
  packStreamEvent,
  replicatedWrite,
  type StreamEvent,
} from '@kindling/queue';

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
  private readonly batch: TickBatcher<string, void>;

  constructor(redis: Redis, stream: string) {
    if (!('kindlingAppendEvents' in redis)) {
      redis.defineCommand('kindlingAppendEvents', { numberOfKeys: 1, lua: SCRIPT });
    }
    const r = redis as AppendingRedis;
    this.batch = new TickBatcher<string, void>(async (values) => {
      // With REDIS_URL's waitReplicas, answered only once replicas hold it too (failover-safe).
      await replicatedWrite(redis, () => r.kindlingAppendEvents(stream, ...values));
      return [] as void[];
    }, MAX_BATCH);
  }

  /** Queues `event`; `done` runs once it is in the stream (null) or could not be written. */
  append(event: StreamEvent, done: (err: Error | null) => void): void {
    this.batch.add(packStreamEvent(event), done);
  }
}
