// Tracking through real processes: the built tracking app takes hits, the built worker drains
// them, and a worker killed with SIGKILL in the middle of draining loses nothing and duplicates
// nothing once a new worker process starts.
//
// Both processes use a Redis database of their own (so this worker never takes other tests'
// BullMQ jobs) and a unique stream key.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createDb } from '@kindling/db';
import { signToken } from '@kindling/sending/tokens';
import { freePort, root, waitFor } from './support/product.js';

// A database of its own on the suite's private Redis (test/setup/redis.ts).
const REDIS_URL = process.env.REDIS_URL!.replace(/\/\d*$/, '/13');
const SECRET = 'e2e-tracking-secret-0123456789abcdef0123';
const STREAM = `e2e:events:${randomUUID()}`;
const GROUP = 'kindling-drain';
const db = createDb(process.env.DATABASE_URL!);
const redis = new Redis(REDIS_URL);
const children: ChildProcess[] = [];
let output = '';
let workspaceId: string;

const env = (extra: Record<string, string>) => ({
  PATH: process.env.PATH ?? '',
  NODE_ENV: 'production',
  DATABASE_URL: process.env.DATABASE_URL!,
  REDIS_URL,
  APP_SECRET: SECRET,
  EVENTS_STREAM: STREAM,
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
  ...extra,
});

function launch(app: 'tracking' | 'worker', extra: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', `apps/${app}/dist/main.js`], {
    cwd: root,
    env: env(extra),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (c: Buffer) => (output += `[${app}] ${c.toString()}`));
  child.stderr.on('data', (c: Buffer) => (output += `[${app}] ${c.toString()}`));
  children.push(child);
  return child;
}

async function startWorker(): Promise<ChildProcess> {
  const healthPort = await freePort();
  const child = launch('worker', {
    HEALTH_PORT: String(healthPort),
    DEV_SMTP_PORT: '0',
    INBOUND_SMTP_PORT: '-1',
    // Small batches so the kill lands mid-drain; a short idle time so the takeover is quick.
    EVENTS_BATCH_SIZE: '20',
    EVENTS_CLAIM_IDLE_MS: '1000',
  });
  await waitFor(`http://127.0.0.1:${healthPort}/readyz`, 30_000, () => output);
  return child;
}

async function poll<T>(
  what: string,
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} (last: ${String(v)}). Logs:\n${output}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

beforeAll(async () => {
  workspaceId = (await db.workspace.create({ data: { name: 'kill test' } })).id;
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await redis.del(STREAM);
  if (workspaceId) await db.workspace.delete({ where: { id: workspaceId } });
  await db.$disconnect();
  redis.disconnect();
});

it('a worker killed with SIGKILL while the stream holds events loses none and duplicates none', async () => {
  const lead = await db.lead.create({
    data: { workspaceId, email: `kill-${randomUUID()}@example.test` },
  });
  const message = await db.message.create({
    data: {
      workspaceId,
      leadId: lead.id,
      toEmail: lead.email,
      subject: 'hello',
      messageIdHeader: `<${randomUUID()}@e2e>`,
      status: 'sent',
      sentAt: new Date(Date.now() - 3600_000),
    },
  });
  const trackingPort = await freePort();
  launch('tracking', { PORT: String(trackingPort) });
  const tracking = `http://127.0.0.1:${trackingPort}`;
  await waitFor(`${tracking}/readyz`, 30_000, () => output);

  // N hits, each with its own user agent so every single one can be found again in Postgres.
  const N = 3000;
  const open = signToken(SECRET, { k: 'open', w: workspaceId, m: message.id, l: lead.id });
  const click = signToken(SECRET, {
    k: 'click',
    w: workspaceId,
    m: message.id,
    l: lead.id,
    u: 'https://example.com/x',
  });
  let next = 0;
  const statuses = new Map<number, number>();
  await Promise.all(
    Array.from({ length: 25 }, async () => {
      while (next < N) {
        const i = next++;
        const url = i % 4 === 0 ? `${tracking}/c/${click}` : `${tracking}/o/${open}.gif`;
        const res = await fetch(url, {
          redirect: 'manual',
          headers: { 'user-agent': `e2e-hit-${i}` },
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  expect(Object.fromEntries(statuses)).toEqual({ 200: N * 0.75, 302: N * 0.25 });
  // Every answered hit is in the stream: appended before the answer.
  expect(await redis.xlen(STREAM)).toBe(N);

  const stored = () => db.trackingEvent.count({ where: { workspaceId } });
  const first = await startWorker();
  await poll('the first batches to reach Postgres', stored, (n) => n > 0, 60_000, 10);
  first.kill('SIGKILL');
  await new Promise((r) =>
    first.exitCode !== null || first.signalCode !== null ? r(null) : first.once('exit', r),
  );
  expect(first.signalCode).toBe('SIGKILL');
  const storedAtKill = await stored();
  const leftInStream = await redis.xlen(STREAM);
  const pendingAtKill = Number(((await redis.xpending(STREAM, GROUP)) as [number])[0]);
  // The kill landed while the stream still held events.
  expect(leftInStream).toBeGreaterThan(0);
  expect(storedAtKill).toBeLessThan(N);

  // A new process (a new consumer name) finishes the job, taking over what the dead one held.
  await startWorker();
  await poll(
    'the stream to empty',
    () => redis.xlen(STREAM),
    (n) => n === 0,
  );
  await poll('every event in Postgres', stored, (n) => n >= N);
  const pending = (await redis.xpending(STREAM, GROUP)) as [number];
  expect(Number(pending[0])).toBe(0);

  const rows = await db.trackingEvent.findMany({
    where: { workspaceId },
    select: { userAgent: true, type: true, eventKey: true },
  });
  expect(rows).toHaveLength(N); // exactly once: no event lost, none twice
  const agents = new Set(rows.map((r) => r.userAgent));
  expect(agents.size).toBe(N);
  for (let i = 0; i < N; i++) expect(agents.has(`e2e-hit-${i}`)).toBe(true);
  expect(rows.filter((r) => r.type === 'click')).toHaveLength(N / 4);
  console.log(
    `kill test: at SIGKILL ${storedAtKill} stored, ${leftInStream} in the stream, ${pendingAtKill} pending with the dead consumer; ${rows.length} stored after restart`,
  );
});
