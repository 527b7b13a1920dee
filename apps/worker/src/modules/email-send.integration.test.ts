// email.send through an in-process worker against real Postgres, Redis and Postfix smtp-sink:
// the at-most-once rule for ambiguous claims, and the reputation guard pausing a pool (mail
// held, then sent once a person resumes it).
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb } from '@kindling/db';
import { QUEUES, createWorkerRedis, enqueueEmailSend } from '@kindling/queue';
import {
  encryptSecret,
  evaluateReputation,
  newMessageIdHeader,
  verpTokenFor,
} from '@kindling/sending';
import { startWorker, type RunningWorker } from '../worker.js';
import { Claimer, Recorder, emailSendModule, prismaSql } from './email-send.js';
import { startSmtpSink, type SmtpSink } from '../../../../test/support/smtp-sink.js';

const db = createDb(process.env.DATABASE_URL!);
const redis = createWorkerRedis(process.env.REDIS_URL!);
const prefix = `test-send-${randomUUID().slice(0, 8)}`;
const secret = 'w'.repeat(40);
let worker: RunningWorker;
let queue: Queue;
let sink: SmtpSink;
let workspaceId: string;

beforeAll(async () => {
  sink = await startSmtpSink();
  workspaceId = (await db.workspace.create({ data: { name: 'send integration' } })).id;
  worker = await startWorker({
    db,
    redis,
    prefix,
    logger: pino({ level: 'silent' }),
    concurrency: 4,
    modules: [emailSendModule],
    config: {
      appSecret: secret,
      // The send path's own node-postgres pool, as the built worker runs it (the Claimer and
      // Recorder test below goes through the ORM instead).
      databaseUrl: process.env.DATABASE_URL!,
      publicUrl: 'http://localhost:3000',
      trackingUrl: 'http://localhost:3001',
      // The operator's explicit allowance for this loopback relay (tenants' relays are guarded).
      egress: { allow: `127.0.0.1:${sink.port}` },
      sending: {
        devSmtpPort: 0,
        claimLeaseMs: 10 * 60_000,
        heartbeatMs: 200,
        holdRecheckMs: 200,
        reputationMinSample: 4,
        throttlePrefix: `${prefix}:thr`,
      },
    },
  });
  queue = new Queue(QUEUES.email, { connection: redis, prefix });
});

afterAll(async () => {
  await worker?.close();
  await queue?.obliterate({ force: true });
  await queue?.close();
  await sink?.stop();
  await db.$disconnect();
  redis.disconnect();
});

async function until<T>(
  fn: () => Promise<T | null | false | undefined>,
  what: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out: ${await what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const message = (data: { identityId?: string; status?: 'queued' | 'sending'; claimedAt?: Date }) =>
  db.message.create({
    data: {
      workspaceId,
      kind: 'test',
      toEmail: `r-${randomUUID().slice(0, 8)}@example.org`,
      subject: 'hi',
      html: '<p>hi</p>',
      messageIdHeader: newMessageIdHeader('it.example'),
      identityId: data.identityId ?? null,
      status: data.status ?? 'queued',
      claimedAt: data.claimedAt ?? null,
      claimedBy: data.claimedAt ? 'dead-worker:1' : null,
    },
  });
const statusOf = async (id: string) =>
  (await db.message.findUniqueOrThrow({ where: { id } })).status;

it("resolves a stopped worker's claims at once: never handed over -> sent once, handed -> review, a live worker's claim waits", async () => {
  // 'dead-worker:1' has no heartbeat row: it is dead, whatever the age of its claims.
  const stale = await message({ status: 'sending', claimedAt: new Date(Date.now() - 10 * 60_000) });
  const fresh = await message({ status: 'sending', claimedAt: new Date() });
  const handed = await message({ status: 'sending', claimedAt: new Date() });
  await db.message.update({ where: { id: handed.id }, data: { handedAt: new Date() } });
  // A live worker's handed claim: its heartbeat is fresh (for the next hour, so a slow machine
  // cannot age it out mid-test), so nobody may judge it yet.
  const liveWorker = `live-worker:${randomUUID().slice(0, 8)}`;
  await db.sendWorker.create({ data: { id: liveWorker, seenAt: new Date(Date.now() + 3600_000) } });
  const live = await message({ status: 'sending', claimedAt: new Date() });
  await db.message.update({
    where: { id: live.id },
    data: { handedAt: new Date(), claimedBy: liveWorker },
  });
  for (const m of [stale, fresh, handed, live]) await enqueueEmailSend(queue, m.id);

  for (const m of [stale, fresh])
    await until(
      async () => (await statusOf(m.id)) === 'sent',
      async () => statusOf(m.id),
    );
  await until(
    async () => (await statusOf(handed.id)) === 'failed',
    async () => statusOf(handed.id),
  );
  const h = await db.message.findUniqueOrThrow({ where: { id: handed.id } });
  expect(h.reviewAt).not.toBeNull();
  expect(h.lastError).toMatch(/^ambiguous: handed to SMTP at .* by worker dead-worker:1/);
  // Never handed over: delivered exactly once, and the dead attempt is not counted.
  for (const m of [stale, fresh]) {
    expect(await db.caughtMessage.count({ where: { messageId: m.id } })).toBe(1);
    expect((await db.message.findUniqueOrThrow({ where: { id: m.id } })).attempts).toBe(1);
  }
  expect(await db.caughtMessage.count({ where: { messageId: { in: [handed.id, live.id] } } })).toBe(
    0,
  );
  expect(await statusOf(live.id)).toBe('sending');
  // Its heartbeat stops (the row ages out): judged within a few heartbeats, without any lease.
  await db.sendWorker.update({
    where: { id: liveWorker },
    data: { seenAt: new Date(Date.now() - 60_000) },
  });
  await until(
    async () => (await statusOf(live.id)) === 'failed',
    async () => statusOf(live.id),
  );
  expect(await db.caughtMessage.count({ where: { messageId: live.id } })).toBe(0);
});

it('pauses a pool at the bounce threshold, holds its mail, and sends it after a person resumes', async () => {
  const pool = `guard-${randomUUID().slice(0, 8)}`;
  const identity = await db.sendingIdentity.create({
    data: {
      workspaceId,
      name: 'g',
      fromName: 'G',
      fromEmail: `g@${pool}.example`,
      ipPool: pool,
      smtpUrlEncrypted: encryptSecret(secret, sink.url),
    },
  });
  const plan = await db.warmupPlan.create({
    data: { workspaceId, scope: 'ip_pool', key: pool, sendStartHour: 0, sendEndHour: 24 },
  });
  // History: 19 delivered, 1 bounced = 5%, the default pause level.
  for (let i = 0; i < 20; i++) {
    await db.message.create({
      data: {
        workspaceId,
        identityId: identity.id,
        toEmail: `h${i}@example.org`,
        subject: 's',
        messageIdHeader: newMessageIdHeader(),
        status: i === 0 ? 'bounced' : 'sent',
        claimedAt: new Date(),
      },
    });
  }
  const [result] = await evaluateReputation(db, workspaceId, {
    windowMs: 86_400_000,
    minSample: 4,
    keys: [{ scope: 'ip_pool', key: pool }],
  });
  expect(result).toMatchObject({ status: 'paused' });
  expect(result!.reason).toMatch(/bounce rate 5\.00% reached the pause threshold 5\.00%/);
  expect((await db.warmupPlan.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe('paused');

  const m = await message({ identityId: identity.id });
  await enqueueEmailSend(queue, m.id);
  await until(
    async () => (await statusOf(m.id)) === 'held',
    async () => statusOf(m.id),
  );
  expect((await db.message.findUniqueOrThrow({ where: { id: m.id } })).lastError).toMatch(/paused/);
  // Messages carry the signed message token, not the bare id.
  const token = verpTokenFor(secret, m.id);
  expect(sink.messages().some((b) => b.includes(token))).toBe(false);

  await db.warmupPlan.update({
    where: { id: plan.id },
    data: { status: 'active', pausedReason: null, pausedAt: null },
  });
  await until(
    async () => (await statusOf(m.id)) === 'sent',
    async () => statusOf(m.id),
  );
  expect(sink.messages().filter((b) => b.includes(token))).toHaveLength(1);
});

it('coalesced claims hand a message to one asker only, skip suppressed rows, and coalesced results record every row', async () => {
  const sql = prismaSql(db);
  // Alive for the running worker's recovery sweep, so it leaves these claims alone.
  const [w1, w2] = [
    `it-worker:${randomUUID().slice(0, 8)}`,
    `it-worker:${randomUUID().slice(0, 8)}`,
  ];
  for (const id of [w1, w2])
    await db.sendWorker.upsert({
      where: { id },
      create: { id, seenAt: new Date(Date.now() + 3600_000) },
      update: {},
    });
  const claimer = new Claimer(sql, w1);
  const a = await message({});
  const b = await message({});
  const suppressed = await message({});
  await db.suppression.create({
    data: { workspaceId, email: suppressed.toEmail.toLowerCase(), reason: 'hard_bounce' },
  });
  // Asked in the same tick: one batch, one statement.
  const [a1, a2, b1, s1] = await Promise.all([
    claimer.claim(a.id),
    claimer.claim(a.id),
    claimer.claim(b.id),
    claimer.claim(suppressed.id),
  ]);
  expect([a1, a2].filter(Boolean)).toHaveLength(1);
  expect(b1?.id).toBe(b.id);
  expect(s1).toBeNull();
  const rowA = await db.message.findUniqueOrThrow({ where: { id: a.id } });
  expect(rowA).toMatchObject({ status: 'sending', claimedBy: w1, attempts: 1 });
  expect(await statusOf(suppressed.id)).toBe('queued');
  // A second claim of a claimed row gets nothing.
  expect(await claimer.claim(a.id)).toBeNull();

  const recorder = new Recorder(sql, w1);
  // The mark only takes for the worker holding the claim, and results share its statement.
  const [markedA, foreign] = await Promise.all([
    recorder.handed(a.id),
    new Recorder(sql, w2).handed(b.id),
  ]);
  expect([markedA, foreign]).toEqual([true, false]);
  expect(await recorder.handed(a.id)).toBe(false); // marked once only
  await Promise.all([recorder.sent(a.id, '250 ok a'), recorder.sent(b.id, '250 ok b')]);
  const rows = await db.message.findMany({
    where: { id: { in: [a.id, b.id] } },
    orderBy: { smtpResponse: 'asc' },
  });
  expect(
    rows.map((r) => [r.status, r.smtpResponse, r.sentAt !== null, r.handedAt !== null]),
  ).toEqual([
    ['sent', '250 ok a', true, true],
    ['sent', '250 ok b', true, false],
  ]);
  await Promise.all([claimer.close(), recorder.close()]);
});

it('sends the body its producer stored, and fails a row without one before any SMTP', async () => {
  // The body is sent as stored: a "{{…}}" in it (a lead's own text) is not rendered again.
  const stored = await db.message.create({
    data: {
      workspaceId,
      kind: 'test',
      toEmail: `r-${randomUUID().slice(0, 8)}@example.org`,
      subject: 'Hello {{first_name}}',
      html: '<p>Stored {{first_name}} body</p>',
      messageIdHeader: newMessageIdHeader('it.example'),
    },
  });
  const bodiless = await db.message.create({
    data: {
      workspaceId,
      kind: 'test',
      toEmail: `r-${randomUUID().slice(0, 8)}@example.org`,
      subject: 'no body',
      messageIdHeader: newMessageIdHeader('it.example'),
    },
  });
  for (const m of [stored, bodiless]) await enqueueEmailSend(queue, m.id);
  await until(
    async () => (await statusOf(stored.id)) === 'sent',
    async () => statusOf(stored.id),
  );
  const caught = await db.caughtMessage.findFirstOrThrow({ where: { messageId: stored.id } });
  expect(caught.subject).toBe('Hello {{first_name}}');
  expect(caught.raw).toContain('Stored {{first_name}} body');
  await until(
    async () => (await statusOf(bodiless.id)) === 'failed',
    async () => statusOf(bodiless.id),
  );
  const row = await db.message.findUniqueOrThrow({ where: { id: bodiless.id } });
  expect(row.lastError).toBe('message could not be built: it has no body');
  expect(row.handedAt).toBeNull();
  expect(await db.caughtMessage.count({ where: { messageId: bodiless.id } })).toBe(0);
});
