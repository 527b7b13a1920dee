// The submissions drain against real Redis and Postgres, each test on a stream key of its own:
// takeover of a dead consumer's entries, idempotent redelivery, malformed entries, the backlog
// metric. What the api puts into the stream is tested through the api (public.integration.test.ts).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createDb } from '@kindling/db';
import { createWorkerRedis } from '@kindling/queue';
import { encodeSubmission, uuidv7, type SubmissionEntry } from '@kindling/leads';
import { startSubmissionsDrain, type SubmissionsDrain } from './modules/submissions-drain.js';

const db = createDb(process.env.DATABASE_URL!);
const redis = createWorkerRedis(process.env.REDIS_URL!);
const logger = pino({ level: 'silent' });
const prefix = `subs-test-${randomUUID().slice(0, 8)}`;
const streams: string[] = [];
let workspaceId: string;
let formId: string;

const newStream = () => {
  const s = `test:submissions:${randomUUID()}`;
  streams.push(s);
  return s;
};

function entry(email: string, over: Partial<SubmissionEntry> = {}): SubmissionEntry {
  return {
    id: uuidv7(),
    workspaceId,
    formId,
    receivedAt: Date.now(),
    doubleOptIn: false,
    spamReason: null,
    data: { email, first_name: 'Sam' },
    attribution: {
      utmSource: 'test',
      utmMedium: null,
      utmCampaign: null,
      utmTerm: null,
      utmContent: null,
      referrer: null,
      pageUrl: null,
    },
    ip: '10.0.0.1',
    userAgent: 'vitest',
    lead: { email, firstName: 'Sam', customFields: {} },
    consent: null,
    ...over,
  };
}
const add = (stream: string, e: SubmissionEntry) =>
  redis.xadd(stream, '*', 'p', encodeSubmission(e)) as Promise<string>;

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

const drains: SubmissionsDrain[] = [];
async function drain(stream: string, settings: Record<string, unknown> = {}, registry?: Registry) {
  const d = await startSubmissionsDrain({
    db,
    reader: redis.duplicate(),
    redis,
    prefix,
    logger,
    registry,
    confirmation: {
      appSecret: 'test-secret-0123456789abcdef0123456789abcdef',
      publicUrl: 'http://localhost:3000',
    },
    settings: { stream, blockMs: 200, ...settings },
  });
  drains.push(d);
  return d;
}

const count = (ids: string[]) => db.formSubmission.count({ where: { id: { in: ids } } });

beforeAll(async () => {
  const ws = await db.workspace.create({ data: { name: 'submissions drain test' } });
  workspaceId = ws.id;
  formId = (
    await db.form.create({
      data: { workspaceId, publicId: `frm_${randomUUID().slice(0, 12)}`, name: 'Drain test' },
    })
  ).id;
});

afterAll(async () => {
  for (const d of drains) await d.close();
  if (streams.length) await redis.del(...streams);
  await db.workspace.delete({ where: { id: workspaceId } });
  await db.$disconnect();
  redis.disconnect();
});

describe('submissions drain', () => {
  it('takes over the entries a dead consumer read but never acknowledged, each stored once', async () => {
    const stream = newStream();
    const entries = Array.from({ length: 25 }, (_, i) =>
      entry(`dead-${i}-${randomUUID().slice(0, 6)}@example.test`),
    );
    for (const e of entries) await add(stream, e);
    await redis.xgroup('CREATE', stream, 'kindling-submissions', '0', 'MKSTREAM');
    const read = (await redis.xreadgroup(
      'GROUP',
      'kindling-submissions',
      'dead-consumer',
      'COUNT',
      100,
      'STREAMS',
      stream,
      '>',
    )) as [string, unknown[]][];
    expect(read[0]![1]).toHaveLength(25);

    const registry = new Registry();
    await drain(stream, { batchSize: 10, claimIdleMs: 200 }, registry);
    await waitUntil(
      'empty stream',
      () => redis.xlen(stream),
      (n) => n === 0,
    );
    expect(await count(entries.map((e) => e.id))).toBe(25);
    expect(
      await db.lead.count({
        where: { workspaceId, email: { in: entries.map((e) => e.lead!.email) } },
      }),
    ).toBe(25);
    expect(await registry.metrics()).toMatch(/kindling_worker_submissions_backlog 0/);
  });

  it('is idempotent: an entry delivered again after its commit adds nothing; malformed entries are skipped', async () => {
    const email = `again-${randomUUID().slice(0, 8)}@example.test`;
    const e = entry(email, { attribution: { ...entry(email).attribution, utmSource: 'first' } });
    const first = newStream();
    await add(first, e);
    await drain(first);
    await waitUntil(
      'first pass',
      () => count([e.id]),
      (n) => n === 1,
    );

    // The same entry again (as after a crash between the commit and the XACK), plus junk, plus a
    // later submission of the same lead in the same batch.
    const later = entry(email, {
      data: { email, first_name: 'Samuel' },
      lead: { email, firstName: 'Samuel', customFields: {} },
    });
    const second = newStream();
    await add(second, e);
    await redis.xadd(second, '*', 'x', 'y');
    await redis.xadd(second, '*', 'p', '{not json');
    await add(second, later);
    await drain(second);
    await waitUntil(
      'second pass',
      () => redis.xlen(second),
      (n) => n === 0,
    );
    expect(await count([e.id, later.id])).toBe(2);
    const lead = await db.lead.findFirstOrThrow({ where: { workspaceId, email } });
    expect(lead).toMatchObject({ firstName: 'Samuel', firstUtmSource: 'first' });
  });

  it('stores spam without a lead, in the same batch as people', async () => {
    const stream = newStream();
    const person = entry(`person-${randomUUID().slice(0, 8)}@example.test`);
    const botEmail = `bot-${randomUUID().slice(0, 8)}@example.test`;
    const bot = entry(botEmail, { spamReason: 'honeypot', lead: null, data: { email: botEmail } });
    await add(stream, person);
    await add(stream, bot);
    await drain(stream);
    await waitUntil(
      'drained',
      () => redis.xlen(stream),
      (n) => n === 0,
    );
    const rows = await db.formSubmission.findMany({ where: { id: { in: [person.id, bot.id] } } });
    expect(rows.find((r) => r.id === bot.id)).toMatchObject({
      isSpam: true,
      spamReason: 'honeypot',
      leadId: null,
    });
    expect(rows.find((r) => r.id === person.id)).toMatchObject({ isSpam: false });
    expect(await db.lead.count({ where: { workspaceId, email: botEmail } })).toBe(0);
  });
});
