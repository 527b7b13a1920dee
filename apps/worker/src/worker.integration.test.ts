import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import pino from 'pino';
import { Queue, QueueEvents } from 'bullmq';
import { createDb } from '@kindling/db';
import { JOBS, QUEUES, createWorkerRedis } from '@kindling/queue';
import { startWorker } from './worker.js';
import { maintenanceModule, purgeExpiredSessions } from './modules/maintenance.js';

const db = createDb(process.env.DATABASE_URL!);
const redis = createWorkerRedis(process.env.REDIS_URL!);
const prefix = `test-${randomUUID().slice(0, 8)}`;

afterAll(async () => {
  await db.$disconnect();
  redis.disconnect();
});

let userId: string;
let workspaceId: string;
beforeAll(async () => {
  const ws = await db.workspace.create({ data: { name: 'purge test' } });
  const user = await db.user.create({
    data: { email: `purge-${randomUUID()}@example.test`, name: 'P', passwordHash: 'x' },
  });
  workspaceId = ws.id;
  userId = user.id;
});

it('purges expired sessions through the maintenance queue, keeping live ones', async () => {
  const expired = await db.session.create({
    data: { tokenHash: randomUUID(), userId, workspaceId, expiresAt: new Date(Date.now() - 1000) },
  });
  const live = await db.session.create({
    data: {
      tokenHash: randomUUID(),
      userId,
      workspaceId,
      expiresAt: new Date(Date.now() + 3600_000),
    },
  });
  const worker = await startWorker({
    db,
    redis,
    logger: pino({ level: 'silent' }),
    concurrency: 1,
    prefix,
    // Only what this test needs: the webhooks dispatcher would take other tests' outbox events.
    modules: [maintenanceModule],
    config: {
      appSecret: 'x'.repeat(32),
      publicUrl: 'http://localhost:3000',
      trackingUrl: 'http://localhost:3001',
    },
  });
  const queue = new Queue(QUEUES.maintenance, { connection: redis, prefix });
  const events = new QueueEvents(QUEUES.maintenance, { connection: redis.duplicate(), prefix });
  await events.waitUntilReady();
  try {
    const job = await queue.add(JOBS.sessionsPurge, {});
    await job.waitUntilFinished(events, 20_000);
    expect(await db.session.findUnique({ where: { id: expired.id } })).toBeNull();
    expect(await db.session.findUnique({ where: { id: live.id } })).not.toBeNull();
    // The hourly scheduler is registered once, however many processes start.
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual(['sessions-purge']);
  } finally {
    await worker.close();
    await events.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
  expect(await purgeExpiredSessions(db)).toBeGreaterThanOrEqual(0);
});
