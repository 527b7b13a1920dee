// The events drain against real Redis and Postgres, each test on a stream key of its own.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createDb } from '@kindling/db';
import { createWorkerRedis, encodeStreamEvent, type StreamEvent } from '@kindling/queue';
import { startEventsDrain, type EventsDrain } from './modules/events-drain.js';

const db = createDb(process.env.DATABASE_URL!);
const redis = createWorkerRedis(process.env.REDIS_URL!);
const logger = pino({ level: 'silent' });
const streams: string[] = [];
let workspaceId: string;
let leadId: string;

const newStream = () => {
  const s = `test:events:${randomUUID()}`;
  streams.push(s);
  return s;
};
const add = (stream: string, e: StreamEvent, id = '*') =>
  redis.xadd(stream, id, ...encodeStreamEvent(e)) as Promise<string>;

async function waitUntil<T>(
  what: string,
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function message(sentAgoMs: number) {
  return db.message.create({
    data: {
      workspaceId,
      leadId,
      toEmail: 'drain@example.test',
      subject: 's',
      messageIdHeader: `<${randomUUID()}@test>`,
      status: 'sent',
      sentAt: new Date(Date.now() - sentAgoMs),
    },
  });
}

const drains: EventsDrain[] = [];
function drain(stream: string, settings: Record<string, unknown> = {}, registry?: Registry) {
  return startEventsDrain({
    db,
    reader: redis.duplicate(),
    redis,
    logger,
    registry,
    settings: {
      stream,
      blockMs: 200,
      rules: { earlyClickMs: 60_000, burstWindowMs: 3_000, burstMinLinks: 3 },
      ...settings,
    },
  }).then((d) => (drains.push(d), d));
}

beforeAll(async () => {
  const ws = await db.workspace.create({ data: { name: 'drain test' } });
  workspaceId = ws.id;
  leadId = (
    await db.lead.create({ data: { workspaceId, email: `drain-${randomUUID()}@example.test` } })
  ).id;
});

afterAll(async () => {
  for (const d of drains) await d.close();
  if (streams.length) await redis.del(...streams);
  await db.workspace.delete({ where: { id: workspaceId } });
  await db.$disconnect();
  redis.disconnect();
});

describe('events drain', () => {
  it('writes events in batches with human/machine flags, then empties the stream', async () => {
    const stream = newStream();
    const old = await message(3600_000);
    const fresh = await message(0);
    const burst = await message(3600_000);
    const base = { workspaceId, leadId };
    const human = await add(stream, {
      ...base,
      type: 'open',
      messageId: old.id,
      ip: '203.0.113.1',
      userAgent: 'Firefox',
    });
    const mpp = await add(stream, {
      ...base,
      type: 'open',
      messageId: old.id,
      machineReason: 'apple_mpp',
    });
    const click = await add(stream, {
      ...base,
      type: 'click',
      messageId: old.id,
      url: 'https://x.example/1',
    });
    const early = await add(stream, {
      ...base,
      type: 'click',
      messageId: fresh.id,
      url: 'https://x.example/1',
    });
    const b = [];
    for (const u of ['https://x.example/1', 'https://x.example/2', 'https://x.example/trap']) {
      b.push(await add(stream, { ...base, type: 'click', messageId: burst.id, url: u }));
    }
    const unsub = await add(stream, {
      ...base,
      type: 'unsubscribe',
      messageId: old.id,
      detail: '{"method":"one-click"}',
    });
    const registry = new Registry();
    await drain(stream, { batchSize: 3 }, registry);
    await waitUntil(
      'empty stream',
      () => redis.xlen(stream),
      (n) => n === 0,
    );
    const rows = await db.trackingEvent.findMany({
      where: { workspaceId, eventKey: { in: [human, mpp, click, early, unsub, ...b] } },
    });
    const byKey = new Map(rows.map((r) => [r.eventKey, r]));
    expect(rows).toHaveLength(8);
    expect(byKey.get(human)).toMatchObject({
      type: 'open',
      machine: false,
      machineReason: null,
      ip: '203.0.113.1',
      messageId: old.id,
      leadId,
    });
    expect(byKey.get(mpp)).toMatchObject({ machine: true, machineReason: 'apple_mpp' });
    expect(byKey.get(click)).toMatchObject({
      type: 'click',
      machine: false,
      url: 'https://x.example/1',
    });
    expect(byKey.get(early)).toMatchObject({ machine: true, machineReason: 'early_click' });
    // The burst straddles batches of 3: two clicks were stored before the third arrived.
    for (const k of b)
      expect(byKey.get(k)).toMatchObject({ machine: true, machineReason: 'burst' });
    expect(byKey.get(unsub)).toMatchObject({
      type: 'unsubscribe',
      detail: { method: 'one-click' },
    });
    // occurredAt is the stream entry's time.
    expect(byKey.get(human)!.occurredAt.getTime()).toBe(Number(human.split('-')[0]));
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/kindling_worker_events_backlog 0/);
    // Counted as classified when written: batches of 3 store the burst's first two clicks as
    // human; the batch with the third marks them (reclassified 2).
    expect(metrics).toMatch(
      /kindling_worker_events_drained_total\{type="click",machine="true"\} 2/,
    );
    expect(metrics).toMatch(
      /kindling_worker_events_drained_total\{type="click",machine="false"\} 3/,
    );
    expect(metrics).toMatch(/kindling_worker_events_reclassified_total 2/);
  });

  it('takes over the entries a dead consumer read but never acknowledged, each stored once', async () => {
    const stream = newStream();
    const msg = await message(3600_000);
    const keys: string[] = [];
    for (let i = 0; i < 25; i++)
      keys.push(
        await add(stream, { workspaceId, type: 'open', messageId: msg.id, userAgent: `ua-${i}` }),
      );
    // A consumer that reads everything and dies before acknowledging anything.
    await redis.xgroup('CREATE', stream, 'kindling-drain', '0', 'MKSTREAM');
    const read = (await redis.xreadgroup(
      'GROUP',
      'kindling-drain',
      'dead-consumer',
      'COUNT',
      100,
      'STREAMS',
      stream,
      '>',
    )) as [string, unknown[]][];
    expect(read[0]![1]).toHaveLength(25);
    expect(((await redis.xpending(stream, 'kindling-drain')) as [number])[0]).toBe(25);

    await drain(stream, { batchSize: 10, claimIdleMs: 200 });
    await waitUntil(
      'pending drained',
      () => redis.xpending(stream, 'kindling-drain') as Promise<[number]>,
      (p) => Number(p[0]) === 0,
    );
    await waitUntil(
      'empty stream',
      () => redis.xlen(stream),
      (n) => n === 0,
    );
    const rows = await db.trackingEvent.findMany({
      where: { eventKey: { in: keys } },
      select: { userAgent: true },
    });
    expect(rows.map((r) => r.userAgent).sort()).toEqual(keys.map((_, i) => `ua-${i}`).sort());
  });

  it('is idempotent: entries delivered again after a commit add no rows; malformed and foreign entries are skipped', async () => {
    const first = newStream();
    const msg = await message(3600_000);
    const keys: string[] = [];
    for (let i = 0; i < 5; i++)
      keys.push(await add(first, { workspaceId, type: 'open', messageId: msg.id }));
    const d = await drain(first);
    await waitUntil(
      'first pass',
      () => db.trackingEvent.count({ where: { eventKey: { in: keys } } }),
      (n) => n === 5,
    );
    await d.close();

    // The same entry ids again (as after a crash between the commit and the XACK), plus junk.
    const second = newStream();
    for (const k of keys) await add(second, { workspaceId, type: 'open', messageId: msg.id }, k);
    await redis.xadd(second, '*', 'x', 'y');
    const foreign = await add(second, { workspaceId: randomUUID(), type: 'open' });
    const badIds = await add(second, {
      workspaceId,
      type: 'click',
      messageId: 'not-a-uuid',
      leadId: randomUUID(),
      url: 'https://x.example/',
    });
    await drain(second);
    await waitUntil(
      'second pass',
      () => redis.xlen(second),
      (n) => n === 0,
    );
    expect(await db.trackingEvent.count({ where: { eventKey: { in: keys } } })).toBe(5);
    expect(await db.trackingEvent.count({ where: { eventKey: foreign } })).toBe(0);
    // A dangling message or lead id is dropped, the event kept.
    expect(await db.trackingEvent.findUnique({ where: { eventKey: badIds } })).toMatchObject({
      messageId: null,
      leadId: null,
      type: 'click',
    });
  });
});
