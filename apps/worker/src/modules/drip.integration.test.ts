// A Redis flush (FLUSHDB of its own database: what a restart without persistence looks like) in
// the middle of an active campaign: after the next sweeps every due step of every lead is still
// delivered exactly once and in order (step C of a lead never before its step B, although B's
// send job was lost and C fell due meanwhile), through the real pipeline: the drip module's sweep and
// drip.step processor (startDrip, with a controllable clock) and the real email.send module
// delivering into the dev mail catcher (CaughtMessage rows in Postgres). Uses a Redis
// database of its own (12) on the suite's private server, because it flushes.
import { randomUUID } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import pino from 'pino';
import { createDb } from '@kindling/db';
import { createWorkerRedis, dripStepJobId, emailSendJobId } from '@kindling/queue';
import { enrollLead } from '@kindling/campaigns';
import { startDrip } from './drip.js';
import { startSending, until } from '../../test/support/testing-sending.js';

// A database of its own on the suite's private Redis (test/setup/redis.ts).
const REDIS_URL = process.env.REDIS_URL!.replace(/\/\d*$/, '/12');
const db = createDb(process.env.DATABASE_URL!);
const redis = createWorkerRedis(REDIS_URL);
const prefix = `drip-${randomUUID().slice(0, 8)}`;
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const SUBJECTS = ['Step A', 'Step B', 'Step C'];
/** email.send's longest hold (THROTTLE_HOLD_RECHECK_MS), short here. */
const HOLD_MS = 10_000;
afterAll(async () => {
  await db.$disconnect();
  redis.disconnect();
});

it('survives a Redis flush mid-campaign: every due step of every lead is caught exactly once, in order', async () => {
  const PER_COHORT = 4;
  // Three cohorts enrolled 30 minutes apart, so that at the flush one has its step B sent to the
  // send queue, one has its step B due and one has it ahead, held in Redis as delayed jobs.
  const T0 = Math.ceil(Date.now() / HOUR) * HOUR;
  let t = T0;
  const ws = await db.workspace.create({ data: { name: 'flushall test' } });
  const mail = (subject: string) => ({
    subject,
    preheader: '',
    html: `<p>${subject}</p>`,
    text: subject,
  });
  const campaign = await db.campaign.create({
    data: {
      workspaceId: ws.id,
      name: 'Flush',
      status: 'active',
      steps: {
        create: [
          { position: 0, type: 'email', config: mail(SUBJECTS[0]!) },
          { position: 1, type: 'wait', config: { minutes: 24 * 60 } },
          { position: 2, type: 'email', config: mail(SUBJECTS[1]!) },
          { position: 3, type: 'wait', config: { minutes: 24 * 60 } },
          { position: 4, type: 'email', config: mail(SUBJECTS[2]!) },
        ],
      },
    },
  });
  const cohorts = { early: 0, middle: 30 * MIN, late: 60 * MIN };
  const leads: { id: string; email: string; enrollmentId: string; cohort: keyof typeof cohorts }[] =
    [];
  for (const cohort of Object.keys(cohorts) as (keyof typeof cohorts)[]) {
    for (let i = 0; i < PER_COHORT; i++) {
      const email = `flush-${cohort}-${randomUUID().slice(0, 8)}@example.org`;
      const lead = await db.lead.create({ data: { workspaceId: ws.id, email } });
      const e = await enrollLead(db, {
        workspaceId: ws.id,
        campaignId: campaign.id,
        leadId: lead.id,
        source: 'api',
        now: new Date(T0 + cohorts[cohort]),
      });
      leads.push({ id: lead.id, email, enrollmentId: e!.id, cohort });
    }
  }
  const LEADS = leads.length;
  const of = (cohort: keyof typeof cohorts) => leads.filter((l) => l.cohort === cohort);

  const drip = await startDrip({
    db,
    connection: redis,
    prefix,
    logger: pino({ level: 'silent' }),
    concurrency: 4,
    now: () => new Date(t),
    sweepEveryMs: 200,
    horizonMs: 10 * MIN,
    holdRecheckMs: HOLD_MS,
    campaignIds: [campaign.id],
  });
  const sending = await startSending({ db, redis, prefix, concurrency: 4 });
  const sentCount = () => db.message.count({ where: { campaignId: campaign.id, status: 'sent' } });
  const caughtCount = () => db.caughtMessage.count({ where: { workspaceId: ws.id } });
  const messagesOf = async (subject: string, group: { id: string }[]) =>
    db.message.findMany({
      where: { campaignId: campaign.id, subject, leadId: { in: group.map((l) => l.id) } },
    });
  try {
    // Day 0: step A of each cohort goes out when its enrollment time comes, through the scheduled
    // sweeps, drip.step and the real email.send into the catcher.
    for (const [cohort, offset] of Object.entries(cohorts)) {
      t = T0 + offset;
      const expected = leads.filter((l) => cohorts[l.cohort] <= offset).length;
      await until(
        `step A caught for the ${cohort} cohort`,
        async () => (await caughtCount()) === expected && (await sentCount()) === expected,
        60_000,
      );
    }
    const sentA = await messagesOf(SUBJECTS[0]!, leads);
    expect(sentA).toHaveLength(LEADS);

    // Day 1, early cohort: step B runs and its messages wait in the send queue (sending paused).
    await sending.sendWorker.pause();
    t = T0 + DAY;
    const earlyB = await until('early step B messages with send jobs waiting', async () => {
      const ms = await messagesOf(SUBJECTS[1]!, of('early'));
      if (ms.length !== PER_COHORT) return false;
      const states = await Promise.all(
        ms.map((m) => drip.emailQueue.getJobState(emailSendJobId(m.id))),
      );
      return states.every((s) => s === 'waiting') ? ms : false;
    });

    // The drip worker stops too: the middle cohort's step B is due and its jobs wait, the late
    // cohort's is 5 minutes ahead (inside the horizon) and its jobs are delayed.
    await drip.worker.pause();
    t = T0 + DAY + 55 * MIN;
    // The early B messages are past the repair grace, but their jobs are live: left alone.
    expect(await drip.sweepOnce()).toEqual({
      scheduled: 2 * PER_COHORT,
      resent: 0,
      sendsChecked: PER_COHORT,
    });
    const stepJob = async (l: (typeof leads)[number]) => {
      const e = await db.enrollment.findUniqueOrThrow({ where: { id: l.enrollmentId } });
      return drip.dripQueue.getJobState(dripStepJobId(e.id, e.nextRunAt!));
    };
    for (const l of of('middle')) expect(await stepJob(l)).toBe('waiting');
    for (const l of of('late')) expect(await stepJob(l)).toBe('delayed');
    for (const m of earlyB)
      expect(await drip.emailQueue.getJobState(emailSendJobId(m.id))).toBe('waiting');
    for (const m of sentA)
      expect(await drip.emailQueue.getJobState(emailSendJobId(m.id))).toBe('completed');
    expect(await caughtCount()).toBe(LEADS);

    // Redis loses everything: the sweep scheduler, the step jobs, the send jobs, the finished ones.
    expect(await redis.flushdb()).toBe('OK');
    expect(await redis.dbsize()).toBe(0);

    // The clock moves a day on: step B is due for the middle and late cohorts (their step jobs
    // are gone), and step C for the early cohort, whose step B messages lost their send jobs.
    // The watchdog re-declares the sweep scheduler within one sweep interval; the sweep re-creates
    // the lost send jobs at once (provably gone: no job in Redis; held ones delayed to the end of
    // their hold) and keeps the early cohort's step C back until its step B is sent.
    t = T0 + 2 * DAY + 61 * MIN;
    // The throttle had held the early cohort's step B 5 s ago (a full warm-up window): their lost
    // jobs are due again 5 s from now, so step C, due now, would overtake them.
    await db.$executeRaw`UPDATE "Message" SET status = 'held', "updatedAt" = ${new Date(t - 5_000)}
      WHERE id = ANY(${earlyB.map((m) => m.id)}::uuid[])`;
    const resumedAt = Date.now();
    drip.worker.resume();
    sending.sendWorker.resume();
    await until(
      'the sweep scheduler back',
      async () => (await drip.dripQueue.getJobSchedulers()).length === 1,
    );
    const schedulerBackMs = Date.now() - resumedAt;
    await until(
      'step B caught for every lead, step C for the early cohort',
      async () =>
        (await caughtCount()) === 2 * LEADS + PER_COHORT &&
        (await sentCount()) === 2 * LEADS + PER_COHORT,
      60_000,
    );
    console.log(
      `after the flush: sweep scheduler back in ${schedulerBackMs} ms (sweep interval 200 ms), ` +
        `lost step B sends and the due steps caught ${Date.now() - resumedAt} ms after resuming`,
    );

    // Day 3: step C for the middle and late cohorts.
    t = T0 + 3 * DAY + 61 * MIN;
    await until(
      'step C caught for every lead',
      async () => (await caughtCount()) === 3 * LEADS && (await sentCount()) === 3 * LEADS,
      60_000,
    );
    const s0 = drip.sweeps();
    await until('three more sweeps', () => Promise.resolve(drip.sweeps() >= s0 + 3));

    // Exactly once per (lead, step): one Message row each, all sent, and one caught email each,
    // addressed to that lead with that step's subject. A lost step is a missing entry, a
    // duplicate a repeated one.
    const messages = await db.message.findMany({
      where: { campaignId: campaign.id },
      include: { step: true },
    });
    expect(messages).toHaveLength(3 * LEADS);
    expect(messages.every((m) => m.status === 'sent')).toBe(true);
    const byId = new Map(messages.map((m) => [m.id, m]));
    const caught = await db.caughtMessage.findMany({ where: { workspaceId: ws.id } });
    const emailOf = new Map(leads.map((l) => [l.id, l.email]));
    const delivered = caught.map((c) => {
      const m = c.messageId ? byId.get(c.messageId) : undefined;
      expect(m, `caught mail ${c.id} belongs to a message of the campaign`).toBeDefined();
      expect(c.envelopeTo).toEqual([emailOf.get(m!.leadId!)]);
      expect(c.subject).toBe(m!.subject);
      return `${m!.leadId} ${m!.step!.position}`;
    });
    const expected = leads.flatMap((l) => [0, 2, 4].map((p) => `${l.id} ${p}`));
    expect(delivered.sort()).toEqual(expected.sort());

    // In order per lead: by the time the catcher received each mail and by the time email.send
    // recorded it sent, step A, then B, then C.
    for (const l of leads) {
      const positionOf = (c: (typeof caught)[number]) => byId.get(c.messageId!)!.step!.position;
      const received = caught
        .filter((c) => byId.get(c.messageId!)!.leadId === l.id)
        .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
      expect(received.map(positionOf), `caught order for ${l.cohort} lead ${l.email}`).toEqual([
        0, 2, 4,
      ]);
      const sent = messages
        .filter((m) => m.leadId === l.id)
        .sort((a, b) => a.sentAt!.getTime() - b.sentAt!.getTime());
      expect(
        sent.map((m) => m.step!.position),
        `sent order for ${l.cohort} lead ${l.email}`,
      ).toEqual([0, 2, 4]);
    }
    expect(
      await db.enrollment.count({ where: { campaignId: campaign.id, status: 'completed' } }),
    ).toBe(LEADS);
  } finally {
    await sending.close();
    await drip.close();
  }
}, 180_000);
