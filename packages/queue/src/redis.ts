// The one place Redis connections are made, for api, worker and tracking alike. REDIS_URL is
// either a plain server (`redis://` / `rediss://`) or a Sentinel-managed primary:
//
//   redis+sentinel://[[user]:password@]host1:port1,host2:port2/master-name[/db][?sentinelPassword=...]
//
// (`rediss+sentinel://` adds TLS to the data connections). The password is the data nodes'; a
// Sentinel with its own password takes `sentinelPassword`. With Sentinel, ioredis asks the
// sentinels for the current primary, follows their +switch-master announcements, and a connection
// still on a demoted primary (READONLY) reconnects and resends the command to the new one.
//
// Either form takes `waitReplicas=N`: the writes that are the only copy of something a client was
// told is accepted (a form submission's 202, a tracking hit's answer) are then confirmed by N
// replicas (Redis WAIT) before the answer, so a failover cannot lose them (`replicatedWrite`).
// Redis replicates asynchronously; without it, a write acknowledged just before the primary dies
// can be missing on the replica that takes over.
import { Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';

/** How long a write waits for its replicas before it counts as not accepted. */
export const REPLICA_WAIT_TIMEOUT_MS = 1_000;

/** REDIS_URL split into connection options and the number of replicas writes wait for. */
export interface RedisTarget {
  /** The URL ioredis parses itself (plain servers), or null with Sentinel. */
  url: string | null;
  options: RedisOptions;
  waitReplicas: number;
}

function waitReplicasParam(params: URLSearchParams): number {
  const raw = params.get('waitReplicas');
  if (raw === null) return 0;
  if (!/^\d{1,2}$/.test(raw)) throw new Error('waitReplicas must be a small whole number');
  return Number(raw);
}

/** Parses a REDIS_URL; throws a message saying what is wrong with it. */
export function parseRedisUrl(url: string): RedisTarget {
  const m =
    /^(rediss?)\+sentinel:\/\/(?:([^@/]*)@)?([^/?#]+)\/([^/?#]+)(?:\/(\d+))?\/?(?:\?([^#]*))?$/.exec(
      url,
    );
  if (!m) {
    if (/^rediss?\+sentinel:/.test(url))
      throw new Error(
        'must look like redis+sentinel://[password@]host1:port1,host2:port2/master-name[/db]',
      );
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      throw new Error('must be a redis://, rediss:// or redis+sentinel:// URL');
    }
    if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
      throw new Error('must be a redis://, rediss:// or redis+sentinel:// URL');
    const waitReplicas = waitReplicasParam(u.searchParams);
    u.searchParams.delete('waitReplicas'); // ours, not an ioredis option
    return { url: u.toString(), options: {}, waitReplicas };
  }
  const [, scheme, auth, hosts, name, db, query] = m;
  const sentinels = hosts!.split(',').map((h) => {
    const hp = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(h.trim());
    if (!hp) throw new Error(`sentinel address "${h}" must be host:port`);
    return { host: hp[1]!.replace(/^\[|\]$/g, ''), port: Number(hp[2] ?? 26379) };
  });
  const options: RedisOptions = {
    sentinels,
    name: decodeURIComponent(name!),
    db: db ? Number(db) : 0,
    failoverDetector: true,
    // A connection that still reaches the old primary after a failover gets READONLY on writes:
    // reconnect (through the sentinels) and resend the command.
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
  };
  if (auth) {
    const colon = auth.indexOf(':');
    const user = colon >= 0 ? auth.slice(0, colon) : '';
    const password = colon >= 0 ? auth.slice(colon + 1) : auth;
    if (user) options.username = decodeURIComponent(user);
    if (password) options.password = decodeURIComponent(password);
  }
  const params = new URLSearchParams(query ?? '');
  const sentinelPassword = params.get('sentinelPassword');
  if (sentinelPassword) options.sentinelPassword = sentinelPassword;
  if (scheme === 'rediss') options.tls = {};
  return { url: null, options, waitReplicas: waitReplicasParam(params) };
}

/** Why a REDIS_URL cannot be used, or null; for the apps' env validation. */
export function redisUrlProblem(url: string): string | null {
  try {
    parseRedisUrl(url);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Replicas each connection's `replicatedWrite`s wait for, and its count of (re)connections. */
const durability = new WeakMap<Redis, { replicas: number; connections: number }>();

function connect(url: string, options: RedisOptions): Redis {
  const target = parseRedisUrl(url);
  const redis = target.url
    ? new Redis(target.url, { ...target.options, ...options })
    : new Redis({ ...target.options, ...options });
  if (target.waitReplicas > 0) {
    const d = { replicas: target.waitReplicas, connections: 0 };
    durability.set(redis, d);
    redis.on('ready', () => d.connections++);
  }
  return redis;
}

/**
 * Runs `write` and, when the connection's URL asks for it (`waitReplicas=N`), waits until N
 * replicas have every write this connection made (Redis WAIT); throws if they did not within
 * REPLICA_WAIT_TIMEOUT_MS, or if the connection was re-established in between (WAIT on a new
 * connection would not cover a write made on the old one). The caller answers "accepted" only
 * when this resolves.
 */
export async function replicatedWrite<T>(redis: Redis, write: () => Promise<T>): Promise<T> {
  const d = durability.get(redis);
  if (!d) return write();
  const before = d.connections;
  const out = await write();
  const acked = Number(await redis.call('WAIT', d.replicas, REPLICA_WAIT_TIMEOUT_MS));
  if (acked < d.replicas || d.connections !== before)
    throw new Error(
      `the write reached ${acked} of ${d.replicas} Redis replicas within ${REPLICA_WAIT_TIMEOUT_MS} ms`,
    );
  return out;
}

/**
 * Connection for producers and request handlers: fail fast (a web request should not hang
 * while Redis is down), so commands error after one retry and the offline queue is off.
 */
export function createProducerRedis(url: string, options: RedisOptions = {}): Redis {
  return connect(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 5_000,
    lazyConnect: false,
    ...options,
  });
}

/**
 * Connection for BullMQ workers: blocking commands must wait out a Redis restart rather than
 * fail, which BullMQ requires (`maxRetriesPerRequest: null`). BullMQ's own extra connections are
 * `duplicate()`s of it, so they follow the same primary through a failover.
 */
export function createWorkerRedis(url: string, options: RedisOptions = {}): Redis {
  return connect(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...options });
}

/** Resolves when Redis answers PING within `timeoutMs`. */
export async function pingRedis(redis: Redis, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([redis.ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until the connection is ready; on failure throws one operator-friendly message that
 * says where Redis was expected and how to start it.
 */
export async function assertRedisReachable(
  redis: Redis,
  url: string,
  timeoutMs = 5_000,
): Promise<void> {
  if (redis.status !== 'ready') {
    let lastError = '';
    const onError = (err: Error) => {
      lastError = err.message;
    };
    redis.on('error', onError);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    } catch {
      const sentinel = /^rediss?\+sentinel:/.test(url);
      throw new Error(
        `Redis is not reachable at ${describeUrl(url)}${lastError ? ` (${lastError})` : ''}.\n` +
          (sentinel
            ? '  Check that the sentinels run and agree on a primary for that master name\n' +
              '  (`redis-cli -p <sentinel port> SENTINEL get-master-addr-by-name <name>`),\n' +
              '  or set REDIS_URL to a running server.'
            : '  Start it with `docker compose up -d redis` (or `redis-server --daemonize yes`),\n' +
              '  or set REDIS_URL to a running server.'),
      );
    } finally {
      redis.off('error', onError);
    }
  }
  await pingRedis(redis, timeoutMs);
}

/** Where a connection URL points, without credentials. */
export function describeUrl(url: string): string {
  try {
    const { options: o } = parseRedisUrl(url);
    if (o.sentinels)
      return `Sentinel master "${o.name}" via ${o.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`;
  } catch {
    // not a Redis URL: described below like any other
  }
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? 6379 : 5432)}`;
  } catch {
    return '(unparseable URL)';
  }
}

/** REDIS_URL in the apps' env schemas: a plain or Sentinel URL this module can connect with. */
export const redisUrlSchema = z.string().superRefine((url, ctx) => {
  const problem = redisUrlProblem(url);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
