// Lost email.send jobs of held, deferred and queued messages (every kind) come back after a
// Redis flush: the drip sweep sees each job is provably gone (no job hash in Redis) and re-creates
// exactly one per message in the very next sweep, without waiting out the repair grace, delayed
// to the message's due time; live jobs are left alone; a finished job is replaced only once the
// message is overdue. The real email.send processor then delivers each message once (dev mail
// catcher).
// Uses a Redis database of its own (14) on the suite's private server, because it flushes.
import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import pino from 'pino';
import { Queue } from 'bullmq';
import { createDb, type MessageKind, type MessageStatus } from '@kindling/db';
import { QUEUES, createWorkerRedis, emailSendJobId, enqueueEmailSend } from '@kindling/queue';
import { newMessageIdHeader } from '@kindling/sending';
import { startDrip } from './drip.js';
import { startSending, until, type RunningSending } from '../../test/support/testing-sending.js';

// A database of its own on the suite's private Redis (test/setup/redis.ts).
const REDIS_URL = process.env.REDIS_URL!.replace(/\/\d*$/, '/14');
const db = createDb(process.env.DATABASE_URL!);
const redis = createWorkerRedis(REDIS_URL);
const prefix = `repair-${randomUUID().slice(0, 8)}`;
afterAll(async () => {
  await db.$disconnect();
  redis.disconnect();
});

it('re-creates lost email.send jobs of held, deferred and queued messages of every kind at once, each sent once', async () => {
  const ws = await db.workspace.create({ data: { name: 'send repair test' } });
  const T0 = Date.now();
  const make = async (kind: MessageKind, status: MessageStatus, attempts = 0) => {
    const m = await db.message.create({
      data: {
        workspaceId: ws.id,
        kind,
        toEmail: `r-${randomUUID().slice(0, 8)}@example.org`,
        subject: `${kind} ${status}`,
        html: `<p>${kind} ${status}</p>`,
        text: `${kind} ${status}`,
        messageIdHeader: newMessageIdHeader('repair.example'),
        status,
        attempts,
      },
    });
    // The time email.send last wrote the row (the hold, the 4xx, or the producer's insert).
    await db.$executeRaw`UPDATE "Message" SET "updatedAt" = ${new Date(T0)} WHERE id = ${m.id}::uuid`;
    return m.id;
  };
  const held = await make('campaign', 'held');
  const deferred = await make('test', 'deferred', 3); // third 4xx: BullMQ retries 5 s * 2^2 = 20 s later
  const confirmation = await make('confirmation', 'queued');
  const test = await make('test', 'queued');
  const all = [held, deferred, confirmation, test];
  const HOLD_MS = 60_000;
  const GRACE_MS = 30_000;

  // Before the loss: each message has its job, held/deferred ones delayed as email.send leaves them.
  const producer = new Queue(QUEUES.email, { connection: redis, prefix });
  await enqueueEmailSend(producer, held, { delay: HOLD_MS });
  await enqueueEmailSend(producer, deferred, { delay: 20_000 });
  await enqueueEmailSend(producer, confirmation);
  await enqueueEmailSend(producer, test);
  expect(await producer.getDelayedCount()).toBe(2);
  expect(await producer.getWaitingCount()).toBe(2);
  await producer.close();

  let t = T0;
  const drip = await startDrip({
    db,
    connection: redis,
    prefix,
    logger: pino({ level: 'silent' }),
    concurrency: 2,
    now: () => new Date(t),
    sweepEveryMs: 3_600_000,
    horizonMs: 0,
    sendRepairGraceMs: GRACE_MS,
    holdRecheckMs: HOLD_MS,
    campaignIds: [randomUUID()], // no enrollments of ours: only the send repair is exercised
    workspaceIds: [ws.id],
  });
  // Sweeps run only when the test calls them, each at the clock it set.
  await drip.worker.pause();
  const q = drip.emailQueue;
  const state = (id: string) => q.getJobState(emailSendJobId(id));
  const jobCount = async () => {
    const c = await q.getJobCounts(
      'waiting',
      'delayed',
      'active',
      'prioritized',
      'completed',
      'failed',
    );
    return Object.values(c).reduce((a, b) => a + b, 0);
  };
  let worker: RunningSending | null = null;
  try {
    // Jobs alive: every pending message is checked, none is touched.
    t = T0 + 3_000;
    expect(await drip.sweepOnce()).toMatchObject({ resent: 0, sendsChecked: 4 });
    expect(await jobCount()).toBe(4);

    expect(await redis.flushdb()).toBe('OK');
    expect(await redis.dbsize()).toBe(0);
    // The sweep scheduler went with it; the watchdog's check puts it back, once.
    expect(await drip.restoreScheduler()).toBe(true);
    expect(await drip.restoreScheduler()).toBe(false);
    expect(await q.getJobSchedulers()).toHaveLength(0);
    expect(await drip.dripQueue.getJobSchedulers()).toHaveLength(1);

    // Provably gone, so re-created in the next sweep, 3 s after the rows were written, long
    // before the 30 s grace: queued ones to run now, the deferred one at its retry (T0 + 20 s),
    // the held one when its hold ends (T0 + HOLD_MS).
    expect(await drip.sweepOnce()).toMatchObject({ resent: 4, sendsChecked: 4 });
    expect(await state(confirmation)).toBe('waiting');
    expect(await state(test)).toBe('waiting');
    expect(await state(deferred)).toBe('delayed');
    expect(await state(held)).toBe('delayed');
    expect((await q.getJob(emailSendJobId(deferred)))!.delay).toBe(20_000 - 3_000);
    expect((await q.getJob(emailSendJobId(held)))!.delay).toBe(HOLD_MS - 3_000);

    // Further sweeps see live jobs and add nothing: exactly one job per message.
    expect(await drip.sweepOnce()).toMatchObject({ resent: 0, sendsChecked: 4 });
    expect(await jobCount()).toBe(4);
    expect(
      new Set([...(await q.getWaiting()), ...(await q.getDelayed())].map((j) => j.id)),
    ).toEqual(new Set(all.map(emailSendJobId)));

    // Their due times come (promoted rather than waited for); the real email.send processor
    // (dev mail catcher) sends each message once.
    for (const id of [deferred, held]) await (await q.getJob(emailSendJobId(id)))!.promote();
    worker = await startSending({ db, redis, prefix, concurrency: 2 });
    await until(
      'all four sent',
      async () => (await db.message.count({ where: { id: { in: all }, status: 'sent' } })) === 4,
    );
    expect(await drip.sweepOnce()).toMatchObject({ resent: 0, sendsChecked: 0 });
    for (const id of all)
      expect(await db.caughtMessage.count({ where: { messageId: id } })).toBe(1);
    for (const id of all)
      expect((await db.message.findUniqueOrThrow({ where: { id } })).attempts).toBeGreaterThan(0);

    // A finished job does not block a re-send: a person re-queues the sent held message (its
    // completed job is kept 24 h, so a plain same-id add would be a no-op). Within the grace the
    // finished job is left (the re-queue may be adding its own job); once overdue the sweep
    // replaces it and the message goes out once more, exactly once.
    expect(await state(held)).toBe('completed');
    // What a re-queue writes (packages/sending/src/review.ts): the earlier hand-over cleared.
    await db.$executeRaw`UPDATE "Message" SET status = 'queued', "handedAt" = NULL, "claimedAt" = NULL,
      "claimedBy" = NULL, "updatedAt" = ${new Date(T0)} WHERE id = ${held}::uuid`;
    expect(await drip.sweepOnce()).toMatchObject({ resent: 0, sendsChecked: 1 });
    t = T0 + GRACE_MS + 1_000;
    expect(await drip.sweepOnce()).toMatchObject({ resent: 1, sendsChecked: 1 });
    await until(
      're-queued message sent again',
      async () => (await db.message.findUniqueOrThrow({ where: { id: held } })).status === 'sent',
    );
    expect(await drip.sweepOnce()).toMatchObject({ resent: 0, sendsChecked: 0 });
    expect(await db.caughtMessage.count({ where: { messageId: held } })).toBe(2);
    for (const id of [deferred, confirmation, test])
      expect(await db.caughtMessage.count({ where: { messageId: id } })).toBe(1);
  } finally {
    await worker?.close();
    await drip.close();
  }
});
