import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb } from '@kindling/db';
import { campaignStepEventCounts, workspaceEventCounts } from './event-counts.js';

const db = createDb(process.env.DATABASE_URL!);
let workspaceId: string;
let otherWorkspaceId: string;
let campaignId: string;
let step1: string;
let step2: string;

beforeAll(async () => {
  workspaceId = (await db.workspace.create({ data: { name: 'stats' } })).id;
  otherWorkspaceId = (await db.workspace.create({ data: { name: 'stats other' } })).id;
  campaignId = (await db.campaign.create({ data: { workspaceId, name: 'c' } })).id;
  step1 = (
    await db.campaignStep.create({ data: { campaignId, position: 1, type: 'email', config: {} } })
  ).id;
  step2 = (
    await db.campaignStep.create({ data: { campaignId, position: 2, type: 'email', config: {} } })
  ).id;
  const lead = await db.lead.create({
    data: { workspaceId, email: `stats-${randomUUID()}@example.test` },
  });
  const msg = (stepId: string) =>
    db.message.create({
      data: {
        workspaceId,
        campaignId,
        stepId,
        leadId: lead.id,
        toEmail: lead.email,
        subject: 's',
        messageIdHeader: `<${randomUUID()}@t>`,
        status: 'sent',
        sentAt: new Date(),
      },
    });
  const [a, b, c] = [await msg(step1), await msg(step1), await msg(step2)];
  const at = new Date('2026-11-01T12:00:00Z');
  const ev = (
    messageId: string,
    type: 'open' | 'click' | 'unsubscribe',
    machine = false,
    occurredAt = at,
  ) => ({
    eventKey: `stats-${randomUUID()}`,
    workspaceId,
    messageId,
    leadId: lead.id,
    type,
    machine,
    machineReason: machine ? 'apple_mpp' : null,
    occurredAt,
  });
  await db.trackingEvent.createMany({
    data: [
      ev(a.id, 'open'),
      ev(a.id, 'open'),
      ev(a.id, 'open', true),
      ev(b.id, 'open', true),
      ev(a.id, 'click'),
      ev(b.id, 'click', true),
      ev(c.id, 'open', false, new Date('2026-10-01T00:00:00Z')),
      ev(c.id, 'unsubscribe'),
    ],
  });
  // Another workspace's events never count.
  await db.trackingEvent.create({
    data: {
      eventKey: `stats-${randomUUID()}`,
      workspaceId: otherWorkspaceId,
      type: 'open',
      occurredAt: at,
    },
  });
});

afterAll(async () => {
  await db.workspace.deleteMany({ where: { id: { in: [workspaceId, otherWorkspaceId] } } });
  await db.$disconnect();
});

it('counts per step human events by default, machine counts alongside', async () => {
  const rows = await campaignStepEventCounts(db, workspaceId, campaignId);
  const byStep = new Map(rows.map((r) => [r.stepId, r]));
  expect(byStep.get(step1)).toEqual({
    stepId: step1,
    opens: 2,
    uniqueOpens: 1,
    clicks: 1,
    uniqueClicks: 1,
    unsubscribes: 0,
    machineOpens: 2,
    machineClicks: 1,
  });
  expect(byStep.get(step2)).toMatchObject({
    opens: 1,
    uniqueOpens: 1,
    unsubscribes: 1,
    machineOpens: 0,
  });
  const machine = new Map(
    (await campaignStepEventCounts(db, workspaceId, campaignId, 'machine')).map((r) => [
      r.stepId,
      r,
    ]),
  );
  expect(machine.get(step1)).toMatchObject({ opens: 2, uniqueOpens: 2, clicks: 1 });
  const all = new Map(
    (await campaignStepEventCounts(db, workspaceId, campaignId, 'all')).map((r) => [r.stepId, r]),
  );
  expect(all.get(step1)).toMatchObject({ opens: 4, uniqueOpens: 2, clicks: 2, uniqueClicks: 2 });
  // Scoped: the campaign seen from another workspace has no events.
  expect(await campaignStepEventCounts(db, otherWorkspaceId, campaignId)).toEqual([]);
});

it('counts a workspace over a time range', async () => {
  expect(await workspaceEventCounts(db, workspaceId)).toMatchObject({
    opens: 3,
    clicks: 1,
    unsubscribes: 1,
    machineOpens: 2,
  });
  expect(
    await workspaceEventCounts(db, workspaceId, { since: new Date('2026-10-15T00:00:00Z') }),
  ).toMatchObject({ opens: 2 });
  expect(
    await workspaceEventCounts(db, workspaceId, {
      until: new Date('2026-10-15T00:00:00Z'),
      audience: 'all',
    }),
  ).toMatchObject({ opens: 1, clicks: 0 });
});
