// Three worker processes share one warm-up cap: the limiter is one Lua script in Redis, so
// together they never send more than the day's cap, and held mail goes out, exactly once, when
// the next day's capacity arrives. The workers read "now" from a Redis key (TEST_CLOCK_REDIS_KEY)
// so the test moves from day to day without waiting; no timing assertions.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, root, startProduct, waitFor, type Product } from './support/product.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import { MESSAGE_TOKEN_HEADER, verpTokenFor } from '@kindling/sending';
import {
  E2E_SECRET,
  createIdentity,
  createWorkspace,
  openFixtures,
  queueMessage,
  until,
  type Fixtures,
} from './support/sending-fixtures.js';

const clockKey = `kindling:test-clock:${randomUUID()}`;
const DAY = 86_400_000;
const T0 = Date.parse('2026-01-05T00:00:00Z');
let product: Product;
let sink: SmtpSink;
let f: Fixtures;
const extra: ChildProcess[] = [];
let extraLogs = '';

beforeAll(async () => {
  sink = await startSmtpSink();
  f = openFixtures();
  await f.redis.set(clockKey, String(T0 + 12 * 3600_000));
  product = await startProduct({
    TEST_CLOCK_REDIS_KEY: clockKey,
    // One window per day: the window cap equals the daily cap, so a "window" here is a day.
    THROTTLE_WINDOW_MS: String(DAY),
    THROTTLE_HOLD_RECHECK_MS: '200',
    CONCURRENCY: '5',
    // The operator's explicit allowance for this loopback relay (tenants' relays are guarded).
    EGRESS_ALLOW: `127.0.0.1:${sink.port}`,
  });
  // Two more worker processes beside the product's own: three in all.
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const child = spawn(process.execPath, ['apps/worker/dist/main.js'], {
      cwd: root,
      env: { ...product.env, HEALTH_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (c: Buffer) => (extraLogs += c.toString()));
    child.stderr.on('data', (c: Buffer) => (extraLogs += c.toString()));
    extra.push(child);
    await waitFor(`http://127.0.0.1:${port}/readyz`, 30_000, () => extraLogs);
  }
});

afterAll(async () => {
  await Promise.all(
    extra.map(
      (c) =>
        new Promise<void>((resolve) =>
          c.exitCode !== null ? resolve() : (c.once('exit', () => resolve()), c.kill('SIGTERM')),
        ),
    ),
  );
  await product?.stop();
  await sink?.stop();
  await f?.redis.del(clockKey);
  await f?.close();
});

it('three workers never exceed the shared warm-up cap, and held mail goes out when capacity returns', async () => {
  const ws = await createWorkspace(f.db, 'throttle test');
  const identity = await createIdentity(f.db, ws.id, { smtpUrl: sink.url, poolSize: 2 });
  const caps = [10, 14, 40];
  await f.db.warmupPlan.create({
    data: {
      workspaceId: ws.id,
      scope: 'ip_pool',
      key: identity.ipPool,
      startedAt: new Date(T0),
      schedule: caps,
      sendStartHour: 0,
      sendEndHour: 24,
    },
  });
  const TOTAL = 30;
  const ids: string[] = [];
  for (let i = 0; i < TOTAL; i++) {
    const m = await queueMessage(f, {
      workspaceId: ws.id,
      identityId: identity.id,
      toEmail: `t${i}-${randomUUID().slice(0, 6)}@example.org`,
    });
    ids.push(m.id);
  }
  const counts = async () => {
    const rows = await f.db.message.groupBy({
      by: ['status'],
      where: { id: { in: ids } },
      _count: true,
    });
    return Object.fromEntries(rows.map((r) => [r.status, r._count])) as Record<string, number>;
  };
  const sentIds = async () =>
    (
      await f.db.message.findMany({
        where: { id: { in: ids }, status: 'sent' },
        select: { id: true },
      })
    ).map((r) => r.id);
  const describe = async () =>
    `${JSON.stringify(await counts())}\n${product.logs().slice(-3000)}\n${extraLogs.slice(-2000)}`;

  // Day 1: exactly the cap goes out, the rest is held (not dropped, not failed).
  await until(
    async () => {
      const c = await counts();
      return c.sent === 10 && c.held === 20;
    },
    60_000,
    describe,
  );
  const day1 = new Set(await sentIds());

  // Day 2: held mail is released up to the new cap.
  await f.redis.set(clockKey, String(T0 + DAY + 12 * 3600_000));
  await until(
    async () => {
      const c = await counts();
      return c.sent === 24 && c.held === 6;
    },
    60_000,
    describe,
  );
  const day2 = new Set((await sentIds()).filter((id) => !day1.has(id)));

  // Day 3: the cap is larger than what is left: everything goes out.
  await f.redis.set(clockKey, String(T0 + 2 * DAY + 12 * 3600_000));
  await until(async () => (await counts()).sent === TOTAL, 60_000, describe);
  const day3 = new Set((await sentIds()).filter((id) => !day1.has(id) && !day2.has(id)));

  expect([day1.size, day2.size, day3.size]).toEqual([10, 14, 6]);
  for (const [i, n] of [day1.size, day2.size, day3.size].entries())
    expect(n).toBeLessThanOrEqual(caps[i]!);
  // The limiter's own day counters agree.
  const plan = await f.db.warmupPlan.findFirstOrThrow({ where: { workspaceId: ws.id } });
  const used = await Promise.all(
    ['2026-01-05', '2026-01-06', '2026-01-07'].map((d) =>
      f.redis.get(`kindling:thr:${plan.id}:d:${d}`),
    ),
  );
  expect(used).toEqual(['10', '14', '6']);
  // Exactly once each at the receiving server, from several processes.
  const received = sink.messages().map((b) => b.toString());
  for (const id of ids)
    expect(
      received.filter((r) =>
        r.includes(`${MESSAGE_TOKEN_HEADER}: ${verpTokenFor(E2E_SECRET, id)}`),
      ),
    ).toHaveLength(1);
  const claimers = new Set(
    (await f.db.message.findMany({ where: { id: { in: ids } }, select: { claimedBy: true } })).map(
      (r) => r.claimedBy?.split(':')[0],
    ),
  );
  expect(claimers.size).toBeGreaterThan(1);
});
