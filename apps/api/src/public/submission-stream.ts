// The Redis side of a submission, in one Lua script with two modes: 'limit' takes the per-IP and
// per-form rate limits (before the api does any validation work, so a flood of posts costs one
// counter each), 'add' runs the client-id duplicate check and the XADD to the submissions
// stream. Requests arriving in the same event-loop turn share one script call (like the
// tracking app's EventAppender): each request is answered when that call returns, so nothing is
// acknowledged before it is in the stream. A failed call fails every request in it (503).
//
// Durability: the stream lives in Redis, so Redis must run with `appendonly yes` and
// `maxmemory-policy noeviction` (docker-compose.yml does): an evicted or unpersisted entry would
// be a submission answered 2xx and never stored.
import type { Redis } from 'ioredis';
import { TickBatcher } from '@kindling/queue';

/** Fixed-window length of both form rate limits. */
export const RATE_WINDOW_MS = 60_000;
/** How long a client submission id is remembered for duplicate detection. */
export const SID_TTL_S = 24 * 3600;

const ARITY = 7;
const MAX_BATCH = 500;

// ARGV: windowMs, sidTtlS, then per request: mode ('limit' | 'add'), ipKey, ipLimit, formKey,
// formLimit, sidKey ('' = none), payload. Returns per request: code, retryAfterMs.
// Codes: 0 added, 1 duplicate (already accepted with this client id), 2 rate-limited, 3 allowed.
const SCRIPT = `
local window = tonumber(ARGV[1])
local out = {}
for i = 3, #ARGV, ${ARITY} do
  local code, retry = 0, 0
  if ARGV[i] == 'limit' then
    code = 3
    local n = redis.call('INCR', ARGV[i + 1])
    if n == 1 then redis.call('PEXPIRE', ARGV[i + 1], window) end
    if n > tonumber(ARGV[i + 2]) then
      code, retry = 2, redis.call('PTTL', ARGV[i + 1])
    else
      local m = redis.call('INCR', ARGV[i + 3])
      if m == 1 then redis.call('PEXPIRE', ARGV[i + 3], window) end
      if m > tonumber(ARGV[i + 4]) then code, retry = 2, redis.call('PTTL', ARGV[i + 3]) end
    end
  else
    local sid = ARGV[i + 5]
    if sid ~= '' and redis.call('EXISTS', sid) == 1 then
      code = 1
    else
      redis.call('XADD', KEYS[1], '*', 'p', ARGV[i + 6])
      if sid ~= '' then redis.call('SET', sid, '1', 'EX', ARGV[2]) end
    end
  end
  out[#out + 1] = code
  out[#out + 1] = retry
end
return out`;

export interface StreamRequest {
  /** 'limit' counts the request against the limits (every post, valid or not); 'add' stores it. */
  mode: 'limit' | 'add';
  ip: string;
  formId: string;
  limits: { perIp: number; perForm: number };
  /** Client submission id (the widget's outbox id), for duplicate detection. */
  sid: string | null;
  /** The encoded SubmissionEntry (mode 'add'). */
  payload: string;
}

export type StreamOutcome =
  | { kind: 'added' }
  | { kind: 'duplicate' }
  | { kind: 'allowed' }
  | { kind: 'rate_limited'; retryAfterMs: number };

interface SubmittingRedis extends Redis {
  kindlingSubmitForms(stream: string, ...argv: (string | number)[]): Promise<number[]>;
}

const OUTCOMES: Record<number, StreamOutcome['kind']> = {
  0: 'added',
  1: 'duplicate',
  3: 'allowed',
};

/** Batches the submission script calls of one event-loop turn into one. */
export class SubmissionAppender {
  private readonly batch: TickBatcher<StreamRequest, StreamOutcome>;

  constructor(redis: Redis, stream: string) {
    if (!('kindlingSubmitForms' in redis))
      redis.defineCommand('kindlingSubmitForms', { numberOfKeys: 1, lua: SCRIPT });
    const r = redis as SubmittingRedis;
    this.batch = new TickBatcher(async (requests) => {
      const argv = requests.flatMap((q) => [
        q.mode,
        `rl:form-ip:${q.ip}`,
        q.limits.perIp,
        `rl:form:${q.formId}`,
        q.limits.perForm,
        q.sid ? `form-sid:${q.formId}:${q.sid}` : '',
        q.mode === 'add' ? q.payload : '',
      ]);
      const out = await r.kindlingSubmitForms(stream, RATE_WINDOW_MS, SID_TTL_S, ...argv);
      return requests.map((_, i): StreamOutcome => {
        const kind = OUTCOMES[Number(out[2 * i])];
        return kind
          ? ({ kind } as StreamOutcome)
          : { kind: 'rate_limited', retryAfterMs: Math.max(Number(out[2 * i + 1]), 0) };
      });
    }, MAX_BATCH);
  }

  /** Resolves with the outcome once Redis has answered; rejects when Redis could not be used. */
  submit(r: StreamRequest): Promise<StreamOutcome> {
    return new Promise((resolve, reject) => {
      this.batch.add(r, (err, outcome) => (err ? reject(err) : resolve(outcome!)));
    });
  }
}
