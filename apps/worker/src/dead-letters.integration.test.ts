// A deliberately unstorable entry put straight into each stream (what an older api, a bug or a
// hand-written XADD could leave there): the drain isolates it, moves it to the dead-letter
// stream with its error after `maxAttempts`, and stores every other entry. The operator sees it
// in /metrics and with `npm run dead-letters -- list`, replays it once the cause is fixed (the
// event keeps its original id, so its key and time), or drops it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createDb } from '@kindling/db';
import { createWorkerRedis, encodeStreamEvent, type StreamEvent } from '@kindling/queue';
import { encodeSubmission, uuidv7, type SubmissionEntry } from '@kindling/leads';
import { startSubmissionsDrain } from './modules/submissions-drain.js';
import { startEventsDrain } from './modules/events-drain.js';
import { deadLetterStream, listDeadLetters } from './dead-letters.js';

const run = promisify(execFile);
const db = createDb(process.env.DATABASE_URL!);
const redis = createWorkerRedis(process.env.REDIS_URL!);
const logger = pino({ level: 'silent' });
const tag = randomUUID().slice(0, 8);
const submissionsStream = `test:dl-submissions:${tag}`;
const eventsStream = `test:dl-events:${tag}`;
const policy = { maxAttempts: 2, retryDelayMs: 50 };
const closers: (() => Promise<void>)[] = [];
let workspaceId: string;
let formId: string;

async function waitUntil<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${String(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The operator's command, as `npm run dead-letters` runs it (from source here). */
const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'apps/worker/src/dead-letters-cli.ts', ...args], {
    env: {
      ...process.env,
      REDIS_URL: process.env.REDIS_URL!,
      SUBMISSIONS_STREAM: submissionsStream,
      EVENTS_STREAM: eventsStream,
    },
  });

const metric = async (registry: Registry, name: string, drain: string) => {
  const m = (await registry.getSingleMetric(name)!.get()).values.find(
    (v) => v.labels.drain === drain,
  );
  return m?.value;
};

function submission(email: string, firstName = 'Sam'): SubmissionEntry {
  return {
    id: uuidv7(),
    workspaceId,
    formId,
    receivedAt: Date.now(),
    doubleOptIn: false,
    spamReason: null,
    data: { email, first_name: firstName },
    attribution: {
      utmSource: null,
      utmMedium: null,
      utmCampaign: null,
      utmTerm: null,
      utmContent: null,
      referrer: null,
      pageUrl: null,
    },
    ip: '10.0.0.1',
    userAgent: 'vitest',
    lead: { email, firstName, customFields: {} },
    consent: null,
  };
}

beforeAll(async () => {
  workspaceId = (await db.workspace.create({ data: { name: 'dead letters test' } })).id;
  formId = (
    await db.form.create({
      data: { workspaceId, publicId: `frm_${randomUUID().slice(0, 12)}`, name: 'DL' },
    })
  ).id;
});

afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await redis.del(
    submissionsStream,
    eventsStream,
    deadLetterStream(submissionsStream),
    deadLetterStream(eventsStream),
  );
  await db.workspace.deleteMany({ where: { name: { startsWith: 'dead letters test' } } });
  await db.$disconnect();
  redis.disconnect();
});

describe('dead letters', () => {
  it('submissions: an unstorable entry ends in the dead-letter stream, the rest are stored', async () => {
    const good = Array.from({ length: 30 }, (_, i) => submission(`dl-${i}-${tag}@example.test`));
    const poison = [
      submission(`nul-${tag}@example.test`, 'A\u0000n'),
      submission(`sur-${tag}@example.test`, '\ud800'),
    ];
    // Poison in the middle of the backlog, as it would arrive.
    const all = [
      ...good.slice(0, 10),
      poison[0]!,
      ...good.slice(10, 20),
      poison[1]!,
      ...good.slice(20),
    ];
    for (const e of all) await redis.xadd(submissionsStream, '*', 'p', encodeSubmission(e));
    const registry = new Registry();
    const d = await startSubmissionsDrain({
      db,
      reader: redis.duplicate(),
      redis,
      prefix: `dl-${tag}`,
      logger,
      registry,
      confirmation: {
        appSecret: 'test-secret-0123456789abcdef0123456789abcdef',
        publicUrl: 'http://localhost:3000',
      },
      settings: { stream: submissionsStream, blockMs: 200, batchSize: 50 },
      policy,
    });
    closers.push(d.close);
    await waitUntil(
      'empty stream',
      () => redis.xlen(submissionsStream),
      (n) => n === 0,
    );
    expect(await db.formSubmission.count({ where: { id: { in: good.map((e) => e.id) } } })).toBe(
      30,
    );
    expect(await db.formSubmission.count({ where: { id: { in: poison.map((e) => e.id) } } })).toBe(
      0,
    );
    const dead = await listDeadLetters(redis, submissionsStream);
    expect(dead).toHaveLength(2);
    expect(dead.every((x) => x.attempts === 2 && x.error.length > 0)).toBe(true);
    expect(await metric(registry, 'kindling_worker_drain_dead_letters', 'submissions')).toBe(2);
    expect(await metric(registry, 'kindling_worker_drain_dead_lettered_total', 'submissions')).toBe(
      2,
    );
    const health = await d.health();
    expect(health).toMatchObject({ status: 'ok', streamLength: 0, deadLetters: 2 });

    // The operator sees them and drops them (they cannot be stored as they are).
    const list = await cli('list', 'submissions');
    expect(list.stdout).toContain('2 dead letter(s)');
    expect(list.stdout).toMatch(/error: .+/);
    const drop = await cli('drop', 'submissions', '--all');
    expect(drop.stdout).toContain('dropped 2 dead letter(s)');
    expect(await redis.xlen(deadLetterStream(submissionsStream))).toBe(0);
  });

  it('events: an unstorable event is dead-lettered; one fixed later is replayed with its key', async () => {
    const messageless = (over: Partial<StreamEvent>): StreamEvent => ({
      type: 'open',
      workspaceId,
      ip: '10.0.0.2',
      userAgent: 'vitest',
      ...over,
    });
    // A cause that a fix removes later: a trigger refusing one user agent (a stand-in for a bug
    // deployed and then fixed); it touches only this test's rows.
    const fn = `dl_test_${tag}`;
    const refused = `refused-${tag}`;
    await db.$executeRawUnsafe(
      `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW."userAgent" = '${refused}' THEN RAISE EXCEPTION 'refused by the test trigger'; END IF; RETURN NEW; END $$`,
    );
    await db.$executeRawUnsafe(
      `CREATE TRIGGER ${fn} BEFORE INSERT ON "TrackingEvent" FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
    );
    closers.push(async () => {
      await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${fn} ON "TrackingEvent"`);
      await db.$executeRawUnsafe(`DROP FUNCTION IF EXISTS ${fn}()`);
    });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++)
      ids.push(
        (await redis.xadd(eventsStream, '*', ...encodeStreamEvent(messageless({})))) as string,
      );
    const nulId = (await redis.xadd(
      eventsStream,
      '*',
      ...encodeStreamEvent(messageless({ userAgent: 'bad\u0000agent' })),
    )) as string;
    const fixableId = (await redis.xadd(
      eventsStream,
      '*',
      ...encodeStreamEvent(messageless({ userAgent: refused })),
    )) as string;
    for (let i = 0; i < 20; i++)
      ids.push(
        (await redis.xadd(eventsStream, '*', ...encodeStreamEvent(messageless({})))) as string,
      );

    const registry = new Registry();
    const d = await startEventsDrain({
      db,
      reader: redis.duplicate(),
      redis,
      logger,
      registry,
      settings: { stream: eventsStream, blockMs: 200, batchSize: 100 },
      policy,
    });
    closers.push(d.close);
    await waitUntil(
      'empty stream',
      () => redis.xlen(eventsStream),
      (n) => n === 0,
    );
    expect(await db.trackingEvent.count({ where: { eventKey: { in: ids } } })).toBe(40);
    const dead = await listDeadLetters(redis, eventsStream);
    expect(dead.map((x) => x.id).sort()).toEqual([nulId, fixableId].sort());
    expect(await metric(registry, 'kindling_worker_drain_dead_letters', 'events')).toBe(2);

    expect(dead.find((x) => x.id === fixableId)!.error).toContain('refused by the test trigger');

    // The cause of one is fixed: replay it; it is stored with its original key and time.
    await db.$executeRawUnsafe(`DROP TRIGGER ${fn} ON "TrackingEvent"`);
    const replay = await cli('replay', 'events', fixableId);
    expect(replay.stdout).toContain(`replayed 1 dead letter(s): ${fixableId}`);
    const stored = await waitUntil(
      'replayed event stored',
      () => db.trackingEvent.findUnique({ where: { eventKey: fixableId } }),
      (e) => e !== null,
    );
    expect(stored!.userAgent).toBe(refused);
    expect(stored!.occurredAt.getTime()).toBe(Number(fixableId.split('-')[0]));
    expect((await listDeadLetters(redis, eventsStream)).map((x) => x.id)).toEqual([nulId]);
    // Replaying the unfixable one just brings it back to the dead letters.
    await cli('replay', 'events', '--all');
    await waitUntil(
      'dead again',
      async () => (await listDeadLetters(redis, eventsStream)).map((x) => x.id).join(),
      (v) => v === nulId,
    );
    expect(await db.trackingEvent.count({ where: { eventKey: nulId } })).toBe(0);
  });
});
