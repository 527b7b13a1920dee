// Message creation + enqueue and the producer handles, against the real Postgres and Redis.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '@kindling/db';
import {
  DEFAULT_JOB_OPTIONS,
  JOBS,
  QUEUES,
  createMessage,
  createWorkerRedis,
  dripStepJobId,
  emailQueue,
  emailSendJobId,
  enqueueDripSteps,
  messageIdHeader,
  queueFor,
  sendsTo,
  withNewMessages,
  type NewMessage,
} from './index.js';

const db = createDb(process.env.DATABASE_URL!);
const redis = createWorkerRedis(process.env.REDIS_URL!);
const prefix = `test-queue-${randomUUID().slice(0, 8)}`;
const queue = emailQueue({ connection: redis, prefix });
const enqueue = sendsTo(queue);
let workspaceId: string;

beforeAll(async () => {
  workspaceId = (await db.workspace.create({ data: { name: 'messages test' } })).id;
});

afterAll(async () => {
  await queue.obliterate({ force: true });
  await queueFor(QUEUES.drip, { connection: redis, prefix }).obliterate({ force: true });
  await db.workspace.delete({ where: { id: workspaceId } });
  await db.$disconnect();
  redis.disconnect();
});

const message = (over: Partial<NewMessage> = {}): NewMessage => ({
  workspaceId,
  kind: 'test',
  toEmail: `${randomUUID()}@example.test`,
  subject: 'Hello',
  html: '<p>Hello</p>',
  text: 'Hello',
  messageIdDomain: 'Example.TEST',
  ...over,
});

const jobOf = (id: string) => queue.getJob(emailSendJobId(id));

describe('createMessage', () => {
  it('writes a queued row and enqueues its email.send job with the retry policy', async () => {
    const id = await createMessage(db, enqueue, message({ subject: 'One' }));
    const row = await db.message.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({
      workspaceId,
      kind: 'test',
      status: 'queued',
      subject: 'One',
      html: '<p>Hello</p>',
      text: 'Hello',
      leadId: null,
      enrollmentId: null,
    });
    expect(row.messageIdHeader).toMatch(/^<[0-9a-f-]{36}@example\.test>$/);
    const job = await jobOf(id);
    expect(job?.name).toBe(JOBS.emailSend);
    expect(job?.data).toEqual({ messageId: id });
    expect(job?.opts.attempts).toBe(DEFAULT_JOB_OPTIONS.attempts);
  });
});

describe('withNewMessages', () => {
  it('enqueues the messages it created only once the transaction committed', async () => {
    let seenInside: unknown = 'unset';
    const ids = await withNewMessages(db, enqueue, async (_tx, create) => {
      const a = await create(message({ subject: 'A' }));
      const b = await create(message({ subject: 'B' }));
      seenInside = await jobOf(a);
      return [a, b];
    });
    expect(seenInside).toBeUndefined();
    for (const id of ids) expect((await jobOf(id))?.data).toEqual({ messageId: id });
    expect(await db.message.count({ where: { id: { in: ids } } })).toBe(2);
  });

  it('leaves no row and no job when the transaction rolls back', async () => {
    let created = '';
    await expect(
      withNewMessages(db, enqueue, async (_tx, create) => {
        created = await create(message());
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(created).not.toBe('');
    expect(await db.message.findUnique({ where: { id: created } })).toBeNull();
    expect(await jobOf(created)).toBeUndefined();
  });

  it('gives a second create for the same enrollment step the first row', async () => {
    const campaign = await db.campaign.create({
      data: {
        workspaceId,
        name: 'C',
        status: 'active',
        exitRules: {},
        steps: { create: [{ position: 0, type: 'email', config: {} }] },
      },
      include: { steps: true },
    });
    const lead = await db.lead.create({
      data: { workspaceId, email: `${randomUUID()}@example.test` },
    });
    const enrollment = await db.enrollment.create({
      data: { workspaceId, campaignId: campaign.id, leadId: lead.id, source: 'api' },
    });
    const step = message({
      kind: 'campaign',
      campaignId: campaign.id,
      leadId: lead.id,
      enrollmentId: enrollment.id,
      stepId: campaign.steps[0]!.id,
      createdAt: new Date('2030-01-02T03:04:05Z'),
    });
    const first = await withNewMessages(db, enqueue, (_tx, create) => create(step));
    const again = await withNewMessages(db, enqueue, (_tx, create) =>
      create({ ...step, subject: 'other' }),
    );
    expect(again).toBe(first);
    const rows = await db.message.findMany({ where: { enrollmentId: enrollment.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ subject: 'Hello', createdAt: step.createdAt });
  });
});

describe('producer handles', () => {
  it('one Queue per connection, prefix and name, with the retry policy', () => {
    expect(emailQueue({ connection: redis, prefix })).toBe(queue);
    expect(queueFor(QUEUES.email, { connection: redis, prefix })).toBe(queue);
    expect(queueFor(QUEUES.drip, { connection: redis, prefix })).not.toBe(queue);
    const plain = emailQueue({ connection: redis });
    expect(plain).not.toBe(queue);
    expect(plain.opts.prefix).toBe('bull');
    expect(queue.defaultJobOptions).toMatchObject({ attempts: DEFAULT_JOB_OPTIONS.attempts });
  });

  it('enqueues drip steps once per enrollment and due time, delayed until then', async () => {
    const drip = queueFor(QUEUES.drip, { connection: redis, prefix });
    const now = Date.now();
    const enrollmentId = randomUUID();
    const runAt = new Date(now + 60_000);
    await enqueueDripSteps(drip, [{ enrollmentId, runAt }], now);
    await enqueueDripSteps(drip, [{ enrollmentId, runAt }], now);
    const job = await drip.getJob(dripStepJobId(enrollmentId, runAt));
    expect(job?.name).toBe(JOBS.dripStep);
    expect(job?.data).toEqual({ enrollmentId });
    expect(job?.opts.delay).toBe(60_000);
    expect(await drip.getDelayedCount()).toBe(1);
  });
});

describe('messageIdHeader', () => {
  it('puts a fresh id on the domain, or kindling.invalid when there is no usable one', () => {
    expect(messageIdHeader('Mail.Example.COM')).toMatch(/^<[0-9a-f-]{36}@mail\.example\.com>$/);
    expect(messageIdHeader(undefined)).toMatch(/@kindling\.invalid>$/);
    expect(messageIdHeader('bad domain>')).toMatch(/@kindling\.invalid>$/);
    expect(messageIdHeader('a.test')).not.toBe(messageIdHeader('a.test'));
  });
});
