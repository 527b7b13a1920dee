import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@kindling/db';
import type { StepInput } from '@kindling/shared';
import { enrollLead } from './enroll.js';
import { runStep, type DripDeps } from './engine.js';
import { sweepDue } from './sweep.js';
import { pauseCampaign, pauseEnrollment, resumeCampaign, resumeEnrollment } from './lifecycle.js';

const db: Db = createDb(process.env.DATABASE_URL!);
afterAll(() => db.$disconnect());

const DAY = 24 * 3600_000;
const MIN = 60_000;

/**
 * A controllable clock and the engine wired to it. Sends are recorded, not delivered; the
 * message rows are marked sent at once (what email.send would do) unless `deliver` is off.
 */
function harness(start: string, { deliver = true } = {}) {
  let t = new Date(start).getTime();
  const sent: string[] = [];
  const deps: DripDeps = {
    db,
    now: () => new Date(t),
    enqueueSend: async (ids) => {
      sent.push(...ids);
      if (deliver)
        await db.message.updateMany({
          where: { id: { in: ids } },
          data: { status: 'sent', sentAt: new Date(t) },
        });
    },
  };
  return {
    deps,
    sent,
    advance: (ms: number) => {
      t += ms;
    },
    set: (iso: string) => {
      t = new Date(iso).getTime();
    },
    /**
     * Sweeps (due now only) and runs every step they enqueue, for this campaign, until a sweep
     * finds nothing more (an email right after another needs a second sweep); returns how many
     * steps ran.
     */
    tick: async (campaignId: string) => {
      let ran = 0;
      for (let round = 0; round < 10; round++) {
        const items: string[] = [];
        await sweepDue({
          ...deps,
          horizonMs: 0,
          campaignIds: [campaignId],
          sendRepairGraceMs: 365 * DAY,
          enqueueSteps: (xs) => {
            items.push(...xs.map((x) => x.enrollmentId));
            return Promise.resolve();
          },
        });
        if (items.length === 0) break;
        for (const id of items) await runStep(deps, id);
        ran += items.length;
      }
      return ran;
    },
  };
}

async function campaign(
  steps: StepInput[],
  opts: { sendWindow?: object; tz?: string; exitRules?: object } = {},
) {
  const ws = await db.workspace.create({ data: { name: 'drip test', timeZone: opts.tz ?? 'UTC' } });
  const c = await db.campaign.create({
    data: {
      workspaceId: ws.id,
      name: 'Drip',
      status: 'active',
      sendWindow: opts.sendWindow ?? undefined,
      exitRules: opts.exitRules ?? {},
      steps: {
        create: steps.map((s, i) => ({
          id: s.id ?? randomUUID(),
          position: i,
          type: s.type,
          config: s.config,
        })),
      },
    },
  });
  const lead = async (data: { firstName?: string; timeZone?: string } = {}) =>
    db.lead.create({
      data: { workspaceId: ws.id, email: `${randomUUID()}@example.test`, ...data },
    });
  return { ws, c, lead };
}

const email = (subject: string, id?: string): StepInput => ({
  id,
  type: 'email',
  config: {
    subject,
    preheader: '',
    html: `<p>${subject} {{first_name | default: "there"}}</p>`,
    text: subject,
  },
});
const wait = (minutes: number): StepInput => ({ type: 'wait', config: { minutes } });

async function subjects(enrollmentId: string) {
  const ms = await db.message.findMany({
    where: { enrollmentId },
    orderBy: [{ createdAt: 'asc' }, { step: { position: 'asc' } }],
  });
  return ms.map((m) => m.subject);
}

describe('drip engine with a controllable clock', () => {
  it('runs a 3-step drip with waits of days to completion', async () => {
    const h = harness('2026-12-01T10:00:00Z');
    const { ws, c, lead } = await campaign([
      email('One'),
      wait(2 * 24 * 60),
      email('Two'),
      wait(3 * 24 * 60),
      email('Three'),
    ]);
    const l = await lead({ firstName: 'Ada' });
    const e = (await enrollLead(db, {
      workspaceId: ws.id,
      campaignId: c.id,
      leadId: l.id,
      source: 'manual',
      now: h.deps.now(),
    }))!;

    await h.tick(c.id);
    expect(await subjects(e.id)).toEqual(['One']);
    h.advance(1 * DAY);
    expect(await h.tick(c.id)).toBe(0);
    h.advance(1 * DAY - MIN);
    expect(await h.tick(c.id)).toBe(0);
    h.advance(MIN);
    await h.tick(c.id);
    expect(await subjects(e.id)).toEqual(['One', 'Two']);
    h.advance(3 * DAY);
    await h.tick(c.id);
    expect(await subjects(e.id)).toEqual(['One', 'Two', 'Three']);
    const done = await db.enrollment.findUniqueOrThrow({ where: { id: e.id } });
    expect(done).toMatchObject({ status: 'completed', nextRunAt: null, currentStepId: null });
    expect(done.completedAt?.toISOString()).toBe('2026-12-06T10:00:00.000Z');
    const msgs = await db.message.findMany({ where: { enrollmentId: e.id } });
    expect(h.sent.sort()).toEqual(msgs.map((m) => m.id).sort());
    expect(msgs[0]?.html).toContain('Ada');
    // Running again does nothing: no duplicate messages.
    h.advance(10 * DAY);
    expect(await h.tick(c.id)).toBe(0);
    expect(await runStep(h.deps, e.id)).toEqual({ status: 'skipped', reason: 'not_runnable' });
    expect(await db.message.count({ where: { enrollmentId: e.id } })).toBe(3);
  });

  it('branches both ways on a human open (machine opens do not count)', async () => {
    const h = harness('2026-12-01T10:00:00Z');
    const first = randomUUID();
    const late = randomUUID();
    const { ws, c, lead } = await campaign([
      email('Welcome', first),
      wait(24 * 60),
      {
        type: 'condition',
        config: { kind: 'opened', stepId: first, yesStepId: 'next', noStepId: late },
      },
      email('Thanks for reading'),
      email('Last call', late),
    ]);
    const opener = await lead();
    const scanned = await lead();
    const enroll = (leadId: string) =>
      enrollLead(db, {
        workspaceId: ws.id,
        campaignId: c.id,
        leadId,
        source: 'api',
        now: h.deps.now(),
      });
    const eo = (await enroll(opener.id))!;
    const es = (await enroll(scanned.id))!;
    await h.tick(c.id);
    const welcome = async (enrollmentId: string) =>
      db.message.findFirstOrThrow({ where: { enrollmentId, stepId: first } });
    const open = async (enrollmentId: string, leadId: string, machine: boolean) =>
      db.trackingEvent.create({
        data: {
          eventKey: randomUUID(),
          workspaceId: ws.id,
          messageId: (await welcome(enrollmentId)).id,
          leadId,
          type: 'open',
          machine,
          machineReason: machine ? 'privacy_proxy' : null,
          occurredAt: h.deps.now(),
        },
      });
    await open(eo.id, opener.id, false);
    await open(es.id, scanned.id, true);
    h.advance(24 * 60 * MIN);
    await h.tick(c.id);
    expect(await subjects(eo.id)).toEqual(['Welcome', 'Thanks for reading', 'Last call']);
    expect(await subjects(es.id)).toEqual(['Welcome', 'Last call']);
  });

  it('defers a step to the next allowed hour in the lead zone, else the workspace zone', async () => {
    // Tuesday 20:00 UTC: 15:00 in New York (inside 9-17), Wednesday 05:00 in Tokyo (before 9).
    const h = harness('2026-12-01T20:00:00Z');
    const { ws, c, lead } = await campaign([email('Windowed')], {
      sendWindow: { days: [1, 2, 3, 4, 5], startHour: 9, endHour: 17 },
      tz: 'Europe/Berlin',
    });
    const tokyo = await lead({ timeZone: 'Asia/Tokyo' });
    const ny = await lead({ timeZone: 'America/New_York' });
    const berlin = await lead(); // no zone: the workspace's (21:00 in Berlin, after hours)
    const ids: Record<string, string> = {};
    for (const [k, l] of Object.entries({ tokyo, ny, berlin })) {
      ids[k] = (await enrollLead(db, {
        workspaceId: ws.id,
        campaignId: c.id,
        leadId: l.id,
        source: 'api',
        now: h.deps.now(),
      }))!.id;
    }
    await h.tick(c.id);
    expect(await subjects(ids.ny!)).toEqual(['Windowed']);
    expect(await subjects(ids.tokyo!)).toEqual([]);
    const tk = await db.enrollment.findUniqueOrThrow({ where: { id: ids.tokyo! } });
    expect(tk.nextRunAt?.toISOString()).toBe('2026-12-02T00:00:00.000Z'); // Wednesday 09:00 in Tokyo
    const bl = await db.enrollment.findUniqueOrThrow({ where: { id: ids.berlin! } });
    expect(bl.nextRunAt?.toISOString()).toBe('2026-12-02T08:00:00.000Z'); // Wednesday 09:00 in Berlin
    h.set('2026-12-01T23:59:00Z');
    expect(await h.tick(c.id)).toBe(0);
    h.set('2026-12-02T00:00:00Z');
    await h.tick(c.id);
    expect(await subjects(ids.tokyo!)).toEqual(['Windowed']);
    expect(await subjects(ids.berlin!)).toEqual([]);
    h.set('2026-12-02T08:00:00Z');
    await h.tick(c.id);
    expect(await subjects(ids.berlin!)).toEqual(['Windowed']);
  });

  it('pauses and resumes a campaign and a single enrollment', async () => {
    const h = harness('2026-12-01T10:00:00Z');
    const { ws, c, lead } = await campaign([
      email('A'),
      wait(60),
      email('B'),
      wait(60),
      email('C'),
    ]);
    const l1 = await lead();
    const l2 = await lead();
    const e1 = (await enrollLead(db, {
      workspaceId: ws.id,
      campaignId: c.id,
      leadId: l1.id,
      source: 'manual',
      now: h.deps.now(),
    }))!;
    const e2 = (await enrollLead(db, {
      workspaceId: ws.id,
      campaignId: c.id,
      leadId: l2.id,
      source: 'manual',
      now: h.deps.now(),
    }))!;
    await h.tick(c.id);
    expect(await pauseCampaign(db, ws.id, c.id)).toBe(true);
    h.advance(5 * 60 * MIN);
    expect(await h.tick(c.id)).toBe(0);
    expect(await runStep(h.deps, e1.id)).toEqual({
      status: 'skipped',
      reason: 'campaign_inactive',
    });
    expect(await subjects(e1.id)).toEqual(['A']);
    expect(await resumeCampaign(db, ws.id, c.id)).toBe(true);
    expect(await pauseEnrollment(db, ws.id, e2.id)).toBe(true);
    await h.tick(c.id);
    expect(await subjects(e1.id)).toEqual(['A', 'B']);
    expect(await subjects(e2.id)).toEqual(['A']);
    expect(await resumeEnrollment(db, ws.id, e2.id)).toBe(true);
    await h.tick(c.id);
    expect(await subjects(e2.id)).toEqual(['A', 'B']);
    h.advance(60 * MIN);
    await h.tick(c.id);
    expect(await subjects(e1.id)).toEqual(['A', 'B', 'C']);
    expect(await subjects(e2.id)).toEqual(['A', 'B', 'C']);
  });

  it('sends nothing more to a lead who unsubscribes mid-drip', async () => {
    const h = harness('2026-12-01T10:00:00Z');
    const { ws, c, lead } = await campaign([
      email('A'),
      wait(24 * 60),
      email('B'),
      wait(24 * 60),
      email('C'),
    ]);
    const quitter = await lead();
    const stayer = await lead();
    const eq = (await enrollLead(db, {
      workspaceId: ws.id,
      campaignId: c.id,
      leadId: quitter.id,
      source: 'manual',
      now: h.deps.now(),
    }))!;
    const es = (await enrollLead(db, {
      workspaceId: ws.id,
      campaignId: c.id,
      leadId: stayer.id,
      source: 'manual',
      now: h.deps.now(),
    }))!;
    await h.tick(c.id);
    // What the unsubscribe flow records: the lead's status and a workspace suppression.
    await db.lead.update({
      where: { id: quitter.id },
      data: { status: 'unsubscribed', unsubscribedAt: h.deps.now() },
    });
    await db.suppression.create({
      data: { workspaceId: ws.id, email: quitter.email, reason: 'unsubscribe' },
    });
    for (let d = 0; d < 4; d++) {
      h.advance(DAY);
      await h.tick(c.id);
    }
    expect(await subjects(eq.id)).toEqual(['A']);
    expect(await subjects(es.id)).toEqual(['A', 'B', 'C']);
    expect(await db.enrollment.findUniqueOrThrow({ where: { id: eq.id } })).toMatchObject({
      status: 'exited',
      exitReason: 'unsubscribed',
      nextRunAt: null,
    });
  });

  it('moves enrollments waiting on a removed step to the next one', async () => {
    const h = harness('2026-12-01T10:00:00Z');
    const { ws, c, lead } = await campaign([email('A'), wait(7 * 24 * 60), email('B')]);
    const l = await lead();
    const e = (await enrollLead(db, {
      workspaceId: ws.id,
      campaignId: c.id,
      leadId: l.id,
      source: 'manual',
      now: h.deps.now(),
    }))!;
    await h.tick(c.id);
    const waiting = await db.enrollment.findUniqueOrThrow({
      where: { id: e.id },
      include: { currentStep: true },
    });
    expect(waiting.currentStep?.type).toBe('wait');
    await db.campaignStep.update({
      where: { id: waiting.currentStepId! },
      data: { deletedAt: h.deps.now() },
    });
    await db.enrollment.update({ where: { id: e.id }, data: { nextRunAt: h.deps.now() } });
    await h.tick(c.id);
    expect(await subjects(e.id)).toEqual(['A', 'B']);
  });

  it('never runs past an email of its own that is not sent or finally failed', async () => {
    const h = harness('2026-12-01T10:00:00Z', { deliver: false });
    const { ws, c, lead } = await campaign([email('A'), email('B'), wait(60), email('C')]);
    const l = await lead();
    const e = (await enrollLead(db, {
      workspaceId: ws.id,
      campaignId: c.id,
      leadId: l.id,
      source: 'manual',
      now: h.deps.now(),
    }))!;
    // A is created; B, right behind it, waits (due now) for A.
    expect(await h.tick(c.id)).toBe(1);
    expect(await subjects(e.id)).toEqual(['A']);
    const parked = await db.enrollment.findUniqueOrThrow({
      where: { id: e.id },
      include: { currentStep: true },
    });
    expect(parked.currentStep?.position).toBe(1);
    expect(parked.nextRunAt?.getTime()).toBe(h.deps.now().getTime());
    // A is still queued (its send job lost, or held by the throttle): the sweep leaves the
    // enrollment out, and a step job that was queued before runs nothing.
    h.advance(DAY);
    expect(await h.tick(c.id)).toBe(0);
    expect(await runStep(h.deps, e.id)).toEqual({ status: 'skipped', reason: 'not_runnable' });
    for (const status of ['held', 'deferred', 'sending'] as const) {
      await db.message.updateMany({ where: { enrollmentId: e.id }, data: { status } });
      expect(await h.tick(c.id)).toBe(0);
    }
    // Finally failed is final: B goes.
    await db.message.updateMany({ where: { enrollmentId: e.id }, data: { status: 'failed' } });
    expect(await h.tick(c.id)).toBe(1);
    expect(await subjects(e.id)).toEqual(['A', 'B']);
    // B sent; after the wait, C.
    await db.message.updateMany({
      where: { enrollmentId: e.id, subject: 'B' },
      data: { status: 'sent' },
    });
    h.advance(60 * MIN);
    expect(await h.tick(c.id)).toBe(1);
    expect(await subjects(e.id)).toEqual(['A', 'B', 'C']);
  });
});
