// FLUSHALL in the middle of an active campaign: after the next sweep every due step is still
// sent exactly once. Uses its own Redis database (12), never the shared one, because it flushes.
import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import pino from 'pino';
import { Worker } from 'bullmq';
import { createDb } from '@kindling/db';
import { QUEUES, createWorkerRedis, emailSendPayload } from '@kindling/queue';
import { enrollLead } from '@kindling/campaigns';
import { startDrip } from './drip.js';

const REDIS_URL = 'redis://127.0.0.1:6379/12';
const db = createDb(process.env.DATABASE_URL!);
const redis = createWorkerRedis(REDIS_URL);
const prefix = `drip-${randomUUID().slice(0, 8)}`;
const DAY = 24 * 3600_000;
afterAll(async () => {
  await db.$disconnect();
  redis.disconnect();
});

async function until<T>(what: string, probe: () => Promise<T | false | null | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('survives FLUSHALL mid-campaign: every due step is sent exactly once', async () => {
  const LEADS = 10;
  let t = new Date('2026-12-01T10:00:00Z').getTime();
  const ws = await db.workspace.create({ data: { name: 'flushall test' } });
  const mail = (subject: string) => ({ subject, preheader: '', html: `<p>${subject}</p>`, text: subject });
  const campaign = await db.campaign.create({
    data: {
      workspaceId: ws.id,
      name: 'Flush',
      status: 'active',
      steps: {
        create: [
          { position: 0, type: 'email', config: mail('A') },
          { position: 1, type: 'wait', config: { minutes: 24 * 60 } },
          { position: 2, type: 'email', config: mail('B') },
          { position: 3, type: 'wait', config: { minutes: 24 * 60 } },
          { position: 4, type: 'email', config: mail('C') },
        ],
      },
    },
  });
  for (let i = 0; i < LEADS; i++) {
    const lead = await db.lead.create({ data: { workspaceId: ws.id, email: `${randomUUID()}@example.test` } });
    await enrollLead(db, { workspaceId: ws.id, campaignId: campaign.id, leadId: lead.id, source: 'api', now: new Date(t) });
  }

  const drip = await startDrip({
    db,
    connection: redis,
    prefix,
    logger: pino({ level: 'silent' }),
    concurrency: 4,
    now: () => new Date(t),
    sweepEveryMs: 200,
    horizonMs: 0,
    campaignIds: [campaign.id],
  });
  // Stands in for the email.send consumer: records every job it receives and marks the row sent,
  // as the sending pipeline does. Duplicated jobs would show up as a message received twice.
  const received: string[] = [];
  const sender = new Worker(
    QUEUES.email,
    async (job) => {
      const { messageId } = emailSendPayload.parse(job.data);
      received.push(messageId);
      await db.message.update({ where: { id: messageId }, data: { status: 'sent', sentAt: new Date(t) } });
    },
    { connection: redis.duplicate(), prefix, concurrency: 4 },
  );
  const msgCount = (subject?: string) => db.message.count({ where: { campaignId: campaign.id, ...(subject ? { subject } : {}) } });
  try {
    // Day 0: email A goes out through the scheduled sweep, the step jobs and the send queue.
    await until('10 sends of A', () => Promise.resolve(received.length === LEADS));

    // Day 1: B messages are created but their send jobs stay in Redis (sender paused).
    await sender.pause();
    t += DAY;
    await until('10 B messages', async () => (await msgCount('B')) === LEADS);
    const waitingSends = await until('B send jobs waiting', async () => {
      const n = await drip.emailQueue.getWaitingCount();
      return n === LEADS ? n : false;
    });

    // Day 2: C is due; its step jobs are in Redis (drip worker paused) when Redis loses everything.
    await drip.worker.pause();
    t += DAY;
    const swept = await drip.sweepOnce();
    expect(swept.scheduled).toBe(LEADS);
    expect(await drip.dripQueue.getWaitingCount()).toBeGreaterThanOrEqual(LEADS);

    expect(await redis.flushall()).toBe('OK');
    expect(await redis.dbsize()).toBe(0);

    drip.worker.resume();
    sender.resume();
    // The watchdog re-declares the sweep scheduler; the next sweeps re-create what was lost.
    await until('the sweep scheduler back', async () => (await drip.dripQueue.getJobSchedulers()).length === 1);
    await until('all 30 messages sent', async () => {
      const sent = await db.message.count({ where: { campaignId: campaign.id, status: 'sent' } });
      return sent === 3 * LEADS;
    });
    // A few more sweeps change nothing.
    const s0 = drip.sweeps();
    await until('three more sweeps', () => Promise.resolve(drip.sweeps() >= s0 + 3));

    expect(await msgCount()).toBe(3 * LEADS);
    expect(await msgCount('C')).toBe(LEADS);
    const perMessage = new Map<string, number>();
    for (const id of received) perMessage.set(id, (perMessage.get(id) ?? 0) + 1);
    expect(perMessage.size).toBe(3 * LEADS);
    expect([...perMessage.values()].every((n) => n === 1)).toBe(true);
    expect(received).toHaveLength(3 * LEADS);
    expect(waitingSends).toBe(LEADS);
    const done = await db.enrollment.count({ where: { campaignId: campaign.id, status: 'completed' } });
    expect(done).toBe(LEADS);
  } finally {
    await sender.close();
    await drip.close();
  }
});
