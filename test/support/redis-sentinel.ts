// A real Redis high-availability set on loopback for end-to-end tests: a primary and a replica
// (Debian's redis-server, appendonly yes, noeviction) and three sentinels (`redis-server
// --sentinel`) on free ports, each in a temp dir of its own. `url` is the Sentinel REDIS_URL the
// product connects with. Every process is stopped by `stop()`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './product.js';

export const MASTER_NAME = 'kindling';

interface Node {
  name: string;
  port: number;
  dir: string;
  args: string[];
  child: ChildProcess | null;
}

export interface RedisHa {
  /** redis+sentinel://…/kindling?waitReplicas=1 */
  url: string;
  /** Port of the data node the sentinels currently name as primary. */
  primaryPort: () => Promise<number>;
  dataPorts: [number, number];
  /** SENTINEL FAILOVER; resolves once the sentinels name the other node. */
  failover: () => Promise<{ from: number; to: number; ms: number }>;
  /** SIGKILLs a data node. */
  kill: (port: number) => Promise<void>;
  /** Starts a killed data node again with its own dir (its AOF); the sentinels make it a replica. */
  restart: (port: number) => Promise<void>;
  /** Resolves once the primary has `n` replicas in sync (INFO replication). */
  replicasOnline: (n: number, timeoutMs?: number) => Promise<void>;
  logs: () => string;
  stop: () => Promise<void>;
}

async function until<T>(what: string, probe: () => Promise<T | false>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last: Error | undefined;
  for (;;) {
    try {
      const v = await probe();
      if (v !== false) return v;
    } catch (err) {
      last = err as Error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? ` (${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A short-lived client to one node; null-safe: never retries, never queues. */
async function ask<T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1_000,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

export async function startRedisHa(): Promise<RedisHa> {
  let output = '';
  const nodes: Node[] = [];
  const launch = (n: Node) => {
    const child = spawn('redis-server', n.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (c: Buffer) => (output += `[${n.name}] ${c.toString()}`));
    child.stderr.on('data', (c: Buffer) => (output += `[${n.name}] ${c.toString()}`));
    child.once('error', (err) => (output += `[${n.name}] ${err.message}\n`));
    n.child = child;
  };
  const node = async (name: string, args: (port: number, dir: string) => string[]) => {
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), `kindling-${name}-`));
    const n: Node = { name, port, dir, args: args(port, dir), child: null };
    nodes.push(n);
    launch(n);
    await until(`${name} on port ${port}`, () => ask(port, (r) => r.ping()), 10_000).catch(
      (err: Error) => {
        throw new Error(`${err.message}. Is Debian's redis-server installed? Logs:\n${output}`);
      },
    );
    return n;
  };
  const data = (port: number, dir: string) => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--maxmemory-policy',
    'noeviction',
  ];
  const stop = async () => {
    await Promise.all(
      nodes.map(
        (n) =>
          new Promise<void>((resolve) => {
            const c = n.child;
            if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
    for (const n of nodes) rmSync(n.dir, { recursive: true, force: true });
  };
  try {
    const primary = await node('primary', data);
    const replica = await node('replica', (port, dir) => [
      ...data(port, dir),
      '--replicaof',
      '127.0.0.1',
      String(primary.port),
    ]);
    const sentinels: Node[] = [];
    for (let i = 1; i <= 3; i++) {
      sentinels.push(
        await node(`sentinel${i}`, (port, dir) => {
          const conf = path.join(dir, 'sentinel.conf');
          writeFileSync(
            conf,
            [
              `port ${port}`,
              'bind 127.0.0.1',
              `dir ${dir}`,
              `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${primary.port} 2`,
              `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
              `sentinel failover-timeout ${MASTER_NAME} 10000`,
              `sentinel parallel-syncs ${MASTER_NAME} 1`,
              '',
            ].join('\n'),
          );
          return [conf, '--sentinel'];
        }),
      );
    }
    const dataNodes = [primary, replica];
    const primaryPort = () =>
      ask(sentinels[0]!.port, async (r) => {
        const [, port] = (await r.call(
          'SENTINEL',
          'get-master-addr-by-name',
          MASTER_NAME,
        )) as string[];
        return Number(port);
      });
    const replicasOnline = async (n: number, timeoutMs = 30_000) => {
      await until(
        `${n} replica(s) in sync with the primary`,
        async () => {
          const info = await ask(await primaryPort(), (r) => r.info('replication'));
          if (!info.includes('role:master')) return false;
          const online = info.match(/^slave\d+:.*state=online/gm) ?? [];
          return online.length >= n;
        },
        timeoutMs,
      );
    };
    // Every sentinel must know the replica and the other sentinels before it can fail over.
    await until('the sentinels to see the replica and each other', async () => {
      for (const s of sentinels) {
        const ok = await ask(s.port, async (r) => {
          const replicas = (await r.call('SENTINEL', 'replicas', MASTER_NAME)) as string[][];
          const others = (await r.call('SENTINEL', 'sentinels', MASTER_NAME)) as string[][];
          const flags = (entry: string[]) => entry[entry.indexOf('flags') + 1] ?? '';
          return replicas.length === 1 && flags(replicas[0]!) === 'slave' && others.length === 2;
        });
        if (!ok) return false;
      }
      return true;
    });
    await replicasOnline(1);
    return {
      url: `redis+sentinel://${sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/${MASTER_NAME}?waitReplicas=1`,
      primaryPort,
      dataPorts: [primary.port, replica.port],
      failover: async () => {
        const from = await primaryPort();
        const t = Date.now();
        await ask(sentinels[1]!.port, (r) => r.call('SENTINEL', 'FAILOVER', MASTER_NAME));
        const to = await until('the sentinels to name a new primary', async () => {
          const p = await primaryPort();
          return p !== from ? p : false;
        });
        return { from, to, ms: Date.now() - t };
      },
      kill: async (port) => {
        const n = dataNodes.find((d) => d.port === port)!;
        const c = n.child!;
        await new Promise<void>((resolve) => {
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        });
      },
      restart: async (port) => {
        const n = dataNodes.find((d) => d.port === port)!;
        launch(n);
        await until(`${n.name} back on port ${port}`, () => ask(port, (r) => r.ping()), 10_000);
      },
      replicasOnline,
      logs: () => output,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
