// Appends tracking events to the Redis stream, many per round trip.
//
// Every hit must be in the stream before its answer goes out. Doing that with one XADD per
// request costs a command object, a promise and a reply parse per hit in this process, and a
// command dispatch per hit in Redis: on a small machine that is most of the hot path. Instead the
// hits that arrive in one turn of the event loop are collected and written by one Lua script
// (one EVALSHA, N XADDs inside Redis, atomic), and each request is answered when that call
// returns. A failed call fails every hit in it, so none is answered as recorded when it is not.
import type { Redis } from 'ioredis';
import { STREAM_EVENT_FIELDS, streamEventValues, type StreamEvent } from '@kindling/queue';

type Done = (err: Error | null) => void;

const ARITY = STREAM_EVENT_FIELDS.length;
const MAX_BATCH = 1_000;

const SCRIPT = `
local names = {${STREAM_EVENT_FIELDS.map((f) => `'${f}'`).join(',')}}
local arity = ${ARITY}
local n = 0
for i = 1, #ARGV, arity do
  local args = {}
  for j = 1, arity do
    local v = ARGV[i + j - 1]
    if v ~= '' then
      args[#args + 1] = names[j]
      args[#args + 1] = v
    end
  end
  redis.call('XADD', KEYS[1], '*', unpack(args))
  n = n + 1
end
return n`;

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
    for (const v of streamEventValues(event)) this.values.push(v);
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
