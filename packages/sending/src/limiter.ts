// One atomic limiter in Redis shared by every worker process: a single Lua script checks every
// counter a message must fit in (pool day/window, domain day/window, provider shares) and the
// provider back-off flags, and only if all have room increments all of them. Because the check
// and the increments are one script, N workers can never together exceed a cap: Redis runs
// scripts one at a time.
// The script is sent by its SHA1 (EVALSHA) and only in full when the server does not know it yet
// (NOSCRIPT): it runs for every message, and sending ~600 bytes of Lua each time was a visible
// share of the send pipeline's socket writes.
import { createHash } from 'node:crypto';

/** The part of an ioredis client the limiter uses. */
export interface RedisEval {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  evalsha?(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface LimitSpec {
  key: string;
  limit: number;
  ttlMs: number;
}

const SCRIPT = `
local nb = tonumber(ARGV[1])
local nc = #KEYS - nb
for i = 1, nb do
  local ttl = redis.call('PTTL', KEYS[nc + i])
  if ttl > 0 or ttl == -1 then return {0, nc + i, ttl} end
end
for i = 1, nc do
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  if used + 1 > tonumber(ARGV[1 + (i - 1) * 2 + 1]) then return {0, i, used} end
end
for i = 1, nc do
  local v = redis.call('INCR', KEYS[i])
  if v == 1 then redis.call('PEXPIRE', KEYS[i], ARGV[1 + (i - 1) * 2 + 2]) end
end
return {1, 0, 0}
`;

const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

async function runScript(
  redis: RedisEval,
  numKeys: number,
  args: (string | number)[],
): Promise<unknown> {
  if (!redis.evalsha) return redis.eval(SCRIPT, numKeys, ...args);
  try {
    return await redis.evalsha(SCRIPT_SHA, numKeys, ...args);
  } catch (e) {
    // After a restart or SCRIPT FLUSH the server has forgotten it: EVAL loads it again.
    if (!/NOSCRIPT/.test((e as Error).message)) throw e;
    return redis.eval(SCRIPT, numKeys, ...args);
  }
}

export type AcquireResult =
  { ok: true } | { ok: false; index: number; backoff: boolean; value: number };

/**
 * Takes one token from every counter in `limits` atomically, unless a counter is full or a
 * `backoffKeys` flag is set; returns which one blocked otherwise.
 */
export async function acquire(
  redis: RedisEval,
  limits: LimitSpec[],
  backoffKeys: string[] = [],
): Promise<AcquireResult> {
  if (limits.length === 0 && backoffKeys.length === 0) return { ok: true };
  const args: (string | number)[] = [backoffKeys.length];
  for (const l of limits) args.push(Math.floor(l.limit), Math.max(1, Math.ceil(l.ttlMs)));
  const res = (await runScript(redis, limits.length + backoffKeys.length, [
    ...limits.map((l) => l.key),
    ...backoffKeys,
    ...args,
  ])) as [number, number, number];
  if (res[0] === 1) return { ok: true };
  const idx = res[1] - 1;
  return idx >= limits.length
    ? { ok: false, index: idx - limits.length, backoff: true, value: res[2] }
    : { ok: false, index: idx, backoff: false, value: res[2] };
}

// A strike counts only when no back-off is running (the pool's other connections get the same
// answer in the same second); each strike doubles the back-off up to the cap, and the strikes are
// forgotten after four quiet back-off periods, so a provider that stopped deferring is soon
// approached at the base rate again.
const BACKOFF_SCRIPT = `
local left = redis.call('PTTL', KEYS[1])
if left > 0 then return left end
local n = redis.call('INCR', KEYS[2])
local ms = math.min(tonumber(ARGV[1]) * (2 ^ (n - 1)), tonumber(ARGV[2]))
redis.call('SET', KEYS[1], '1', 'PX', ms)
redis.call('PEXPIRE', KEYS[2], ms * 4)
return ms`;

/**
 * Backs a pool off a provider (after a rate or reputation deferral, see smtp-answers.ts) for
 * `baseMs`, doubled for each repeat while the last ones are recent, at most `maxMs`; returns the
 * back-off in force.
 */
export async function setBackoff(
  redis: RedisEval,
  key: string,
  baseMs: number,
  maxMs = baseMs * 12,
): Promise<number> {
  const base = Math.max(1, Math.floor(baseMs));
  return Number(
    await redis.eval(
      BACKOFF_SCRIPT,
      2,
      key,
      `${key}:strikes`,
      base,
      Math.max(base, Math.floor(maxMs)),
    ),
  );
}
