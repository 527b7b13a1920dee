// Lost Redis state under live traffic: the api takes form submissions and the tracking app takes
// open pixels while both drains run in a real worker (startWorker); then the Redis database is
// flushed (FLUSHDB of a database of this file's own on the suite's private server: what a Redis
// restart without persistence or a failover to an empty replica looks like). Both drains must
// re-create their consumer group by themselves and store every hit accepted after the flush.
// A second test: a drain whose database is unreachable is reported stalled by /readyz, and its
// entries are never dead-lettered for an outage.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createDb } from '@kindling/db';
import { createProducerRedis, createWorkerRedis, encodeStreamEvent } from '@kindling/queue';
import { signToken } from '@kindling/sending/tokens';
import { startTestApi, signUp, Client, type TestApi } from '../../test/support/testing.js';
import { createTrackingHandler } from '../../../tracking/src/server.js';
import { startWorker, type RunningWorker } from '../../../worker/src/worker.js';
import { eventsDrainModule, startEventsDrain } from '../../../worker/src/modules/events-drain.js';
import { submissionsDrainModule } from '../../../worker/src/modules/submissions-drain.js';
import { createHealthServer, workerReadiness } from '../../../worker/src/health.js';
import { deadLetterStream } from '../../../worker/src/dead-letters.js';

// A database of its own (11) on the suite's private Redis (test/setup/redis.ts): it is flushed.
const REDIS_URL = process.env.REDIS_URL!.replace(/\/\d*$/, '/11');
const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
const tag = randomUUID().slice(0, 8);
const submissionsStream = `flush:${tag}:submissions`;
const eventsStream = `flush:${tag}:events`;
const db = createDb(process.env.DATABASE_URL!);
const redis = createWorkerRedis(REDIS_URL);
const trackingRedis = createProducerRedis(REDIS_URL, { enableAutoPipelining: true });
const closers: (() => Promise<void>)[] = [];
let api: TestApi;
let tracking: Server;
let trackingUrl: string;
let worker: RunningWorker;
let health: Server;
let healthUrl: string;
let publicId: string;
let owner: Awaited<ReturnType<typeof signUp>>;

async function waitUntil<T>(
  what: string,
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 30_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const listen = (server: Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );

const METRICS_TOKEN = 'flush-test-metrics-token-0123';

beforeAll(async () => {
  api = await startTestApi(
    { submissionsStream, formRateLimits: { perIp: 100_000, perForm: 100_000 } },
    { redisUrl: REDIS_URL },
  );
  owner = await signUp(api, 'flush');
  const form = await owner.client.post('/api/forms', {
    name: 'Flush',
    fields: [{ key: 'email', type: 'email', label: 'Email', required: true }],
  });
  publicId = form.body.publicId;
  tracking = createServer(
    createTrackingHandler({
      db,
      redis: trackingRedis,
      logger: pino({ level: 'silent' }),
      config: { appSecret: SECRET, publicUrl: 'http://localhost', trustProxy: 0, eventsStream },
    }).handler,
  );
  trackingUrl = await listen(tracking);
  worker = await startWorker({
    db,
    redis,
    logger: pino({ level: 'silent' }),
    concurrency: 2,
    prefix: `flush-${tag}`,
    modules: [submissionsDrainModule, eventsDrainModule],
    config: {
      appSecret: SECRET,
      publicUrl: 'http://localhost:3000',
      trackingUrl: 'http://localhost:3001',
      submissions: { stream: submissionsStream, blockMs: 200 },
      events: { stream: eventsStream, blockMs: 200 },
      drains: { retryDelayMs: 100 },
    },
  });
  health = createHealthServer(
    worker.registry,
    workerReadiness(db, redis, worker.registry),
    METRICS_TOKEN,
  );
  healthUrl = await listen(health);
});

afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await new Promise((r) => health?.close(r));
  await worker?.close();
  await new Promise((r) => tracking?.close(r));
  await api?.close();
  await redis.flushdb();
  redis.disconnect();
  trackingRedis.disconnect();
  await db.$disconnect();
});

describe('drains after lost Redis state', () => {
  it('resume by themselves after FLUSHDB under live traffic and store every hit accepted after it', async () => {
    const ws = owner.me.workspace.id;
    const lead = await db.lead.create({
      data: { workspaceId: ws, email: `opens-${tag}@example.test` },
    });
    // One message per open, so each hit's row can be found.
    const messages = await Promise.all(
      Array.from({ length: 240 }, () =>
        db.message.create({
          data: {
            workspaceId: ws,
            leadId: lead.id,
            toEmail: lead.email,
            subject: 'x',
            messageIdHeader: `<${randomUUID()}@flush.test>`,
            status: 'sent',
            sentAt: new Date(Date.now() - 3_600_000),
          },
        }),
      ),
    );
    let flushedAt = 0;
    const after = { emails: [] as string[], messages: [] as string[], refused: 0 };
    const before = { accepted: 0 };
    let stop = false;
    let n = 0;
    const visitor = new Client(api.url);
    // Two steady streams of traffic: a submission and an open every few milliseconds.
    const traffic = async () => {
      while (!stop && n < messages.length) {
        const i = n++;
        const startedAfterFlush = flushedAt > 0;
        const email = `flush-${i}-${tag}@example.test`;
        const m = messages[i]!.id;
        const token = signToken(SECRET, { k: 'open', w: ws, m, l: lead.id });
        const [sub, open] = await Promise.all([
          visitor.post(`/api/public/forms/${publicId}/submissions`, { email, _elapsed: 5000 }),
          fetch(`${trackingUrl}/o/${token}.gif`, {
            headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0) Chrome/120' },
          }),
        ]);
        await open.arrayBuffer();
        if (!startedAfterFlush) {
          if (sub.status === 202) before.accepted++;
          continue;
        }
        if (sub.status === 202) after.emails.push(email);
        else after.refused++;
        if (open.status === 200) after.messages.push(m);
        else after.refused++;
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const running = Promise.all([traffic(), traffic()]);
    await waitUntil(
      'traffic before the flush',
      () => Promise.resolve(before.accepted),
      (v) => v >= 40,
    );
    expect(await redis.flushdb()).toBe('OK');
    flushedAt = Date.now();
    await running;
    stop = true;
    expect(after.emails.length).toBeGreaterThan(50);
    expect(after.refused).toBe(0);

    const t0 = Date.now();
    await waitUntil(
      'every submission accepted after the flush stored',
      () => db.lead.count({ where: { workspaceId: ws, email: { in: after.emails } } }),
      (c) => c === after.emails.length,
    );
    await waitUntil(
      'every open accepted after the flush stored',
      () => db.trackingEvent.count({ where: { messageId: { in: after.messages }, type: 'open' } }),
      (c) => c === after.messages.length,
    );
    const caughtUpMs = Date.now() - t0;
    const ready = await fetch(`${healthUrl}/readyz`);
    const body = (await ready.json()) as {
      drains: Record<string, { status: string; groupRecreated: number; streamLength: number }>;
    };
    expect(ready.status).toBe(200);
    expect(body.drains.submissions).toMatchObject({ status: 'ok', streamLength: 0 });
    expect(body.drains.events).toMatchObject({ status: 'ok', streamLength: 0 });
    expect(body.drains.submissions!.groupRecreated).toBeGreaterThanOrEqual(1);
    expect(body.drains.events!.groupRecreated).toBeGreaterThanOrEqual(1);
    const metrics = await (
      await fetch(`${healthUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/kindling_worker_drain_group_recreated_total\{drain="events"\} [1-9]/);
    expect(metrics).toMatch(
      /kindling_worker_drain_oldest_entry_age_seconds\{drain="submissions"\} /,
    );
    console.log(
      `flush: ${after.emails.length} submissions and ${after.messages.length} opens accepted after the flush, all stored; caught up ${caughtUpMs} ms after the traffic ended`,
    );
  });

  it('reports a drain whose database is unreachable as stalled, and dead-letters nothing for it', async () => {
    const stream = `flush:${tag}:stalled`;
    const registry = new Registry();
    const deadDb = createDb('postgresql://postgres@127.0.0.1:1/none', { connectTimeoutMs: 500 });
    const drain = await startEventsDrain({
      db: deadDb,
      reader: redis.duplicate(),
      redis,
      logger: pino({ level: 'silent' }),
      registry,
      settings: { stream, blockMs: 100 },
      policy: { maxAttempts: 1, retryDelayMs: 50, stallAfterMs: 1_000 },
    });
    closers.push(async () => {
      await drain.close();
      await deadDb.$disconnect();
    });
    await redis.xadd(
      stream,
      '*',
      ...encodeStreamEvent({ type: 'open', workspaceId: randomUUID() }),
    );
    const server = createHealthServer(registry, workerReadiness(deadDb, redis, registry));
    const url = await listen(server);
    closers.push(() => new Promise((r) => server.close(() => r())));
    const res = await waitUntil(
      'a stalled drain',
      async () => {
        const r = await fetch(`${url}/readyz`);
        return {
          status: r.status,
          body: (await r.json()) as {
            drains: Record<string, { status: string; lastError: string }>;
          },
        };
      },
      (r) => r.body.drains.events?.status === 'stalled',
      10_000,
    );
    expect(res.status).toBe(503);
    expect(res.body.drains.events!.lastError).toMatch(/reach database/i);
    expect(await redis.xlen(stream)).toBe(1);
    expect(await redis.xlen(deadLetterStream(stream))).toBe(0);
  });
});
