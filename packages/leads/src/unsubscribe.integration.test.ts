// The one unsubscribe rule against real Postgres: lead state, suppression, enrollment exit and
// the event, for a recipient's request (Prisma client) and a team member's set (pg pool).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '@kindling/db';
import { resubscribe, unsubscribe } from './unsubscribe.js';

let db: Db;
let pool: pg.Pool;
let workspaceId: string;
let campaignId: string;

beforeAll(async () => {
  db = createDb(process.env.DATABASE_URL!, { poolSize: 4 });
  pool = new pg.Pool({ connectionString: process.env.DATABASE_URL!, max: 2 });
  const ws = await db.workspace.create({ data: { name: `unsubscribe-${randomUUID()}` } });
  workspaceId = ws.id;
  const c = await db.campaign.create({ data: { workspaceId, name: 'Drip', status: 'active' } });
  campaignId = c.id;
});
afterAll(async () => {
  await db.workspace.delete({ where: { id: workspaceId } });
  await db.$disconnect();
  await pool.end();
});

async function leadWithEnrollment(status: 'active' | 'bounced' = 'active') {
  const lead = await db.lead.create({
    data: { workspaceId, email: `u-${randomUUID().slice(0, 8)}@example.test`, status },
  });
  const enrollment = await db.enrollment.create({
    data: { workspaceId, campaignId, leadId: lead.id, nextRunAt: new Date() },
  });
  return { lead, enrollment };
}

const enrollmentOf = (id: string) => db.enrollment.findUniqueOrThrow({ where: { id } });
const suppressionOf = (email: string) =>
  db.suppression.findUnique({ where: { workspaceId_email: { workspaceId, email } } });
const eventsOf = (leadId: string) =>
  db.trackingEvent.findMany({ where: { workspaceId, leadId, type: 'unsubscribe' } });

describe('unsubscribe', () => {
  it("a recipient's request: lead, suppression, enrollment exit and one event, in one go", async () => {
    const { lead, enrollment } = await leadWithEnrollment();
    const paused = await db.enrollment.create({
      data: {
        workspaceId,
        campaignId: (await db.campaign.create({ data: { workspaceId, name: 'B' } })).id,
        leadId: lead.id,
        status: 'paused',
      },
    });
    const r = await unsubscribe(db, {
      workspaceId,
      leadIds: [lead.id],
      email: lead.email.toUpperCase(),
      via: 'one-click',
      event: { key: `test:${randomUUID()}`, ip: '203.0.113.9', userAgent: 'UA' },
    });
    expect(r).toEqual({ leadsChanged: 1, enrollmentsExited: 2, eventsRecorded: 1 });
    const after = await db.lead.findUniqueOrThrow({ where: { id: lead.id } });
    expect(after.status).toBe('unsubscribed');
    expect(after.unsubscribedAt).not.toBeNull();
    expect(await suppressionOf(lead.email)).toMatchObject({
      reason: 'unsubscribe',
      detail: 'RFC 8058 one-click',
    });
    for (const id of [enrollment.id, paused.id])
      expect(await enrollmentOf(id)).toMatchObject({
        status: 'exited',
        exitReason: 'unsubscribed',
        nextRunAt: null,
      });
    expect(await eventsOf(lead.id)).toMatchObject([
      { ip: '203.0.113.9', userAgent: 'UA', detail: { method: 'one-click' } },
    ]);
  });

  it('the same event key twice records once; a bounced lead keeps its status and suppression', async () => {
    const { lead } = await leadWithEnrollment('bounced');
    await db.suppression.create({
      data: { workspaceId, email: lead.email, reason: 'hard_bounce' },
    });
    const req = {
      workspaceId,
      leadIds: [lead.id],
      email: lead.email,
      via: 'mailto' as const,
      event: { key: `unsubscribe:${randomUUID()}` },
    };
    expect((await unsubscribe(db, req)).eventsRecorded).toBe(1);
    expect((await unsubscribe(db, req)).eventsRecorded).toBe(0);
    expect((await db.lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('bounced');
    expect(await suppressionOf(lead.email)).toMatchObject({ reason: 'hard_bounce' });
    expect(await eventsOf(lead.id)).toHaveLength(1);
  });

  it('an address without a lead is suppressed; ids of another workspace or not ids are ignored', async () => {
    const other = await db.workspace.create({ data: { name: `other-${randomUUID()}` } });
    try {
      const foreign = await db.lead.create({
        data: { workspaceId: other.id, email: `f-${randomUUID().slice(0, 8)}@example.test` },
      });
      const email = `gone-${randomUUID().slice(0, 8)}@example.test`;
      const r = await unsubscribe(db, {
        workspaceId,
        leadIds: [foreign.id, 'not-a-uuid\u0000'],
        email,
        messageId: 'nope',
        via: 'unsubscribe',
        event: {},
      });
      expect(r).toEqual({ leadsChanged: 0, enrollmentsExited: 0, eventsRecorded: 1 });
      expect(await suppressionOf(email)).toMatchObject({ reason: 'unsubscribe' });
      expect((await db.lead.findUniqueOrThrow({ where: { id: foreign.id } })).status).toBe(
        'active',
      );
    } finally {
      await db.workspace.delete({ where: { id: other.id } });
    }
  });

  it("a team member's set (pg pool): every lead, an event per lead changed", async () => {
    const a = await leadWithEnrollment();
    const b = await leadWithEnrollment();
    const r = await unsubscribe(pool, {
      workspaceId,
      leadIds: [a.lead.id, b.lead.id],
      via: 'team',
    });
    expect(r).toEqual({ leadsChanged: 2, enrollmentsExited: 2, eventsRecorded: 2 });
    for (const x of [a, b]) {
      expect(await enrollmentOf(x.enrollment.id)).toMatchObject({ status: 'exited' });
      expect(await suppressionOf(x.lead.email)).toMatchObject({
        reason: 'unsubscribe',
        detail: 'unsubscribed by a team member',
      });
      expect(await eventsOf(x.lead.id)).toMatchObject([{ detail: { method: 'team' } }]);
    }
    // Again: nothing changes, nothing more is recorded.
    expect(await unsubscribe(pool, { workspaceId, leadIds: [a.lead.id], via: 'team' })).toEqual({
      leadsChanged: 0,
      enrollmentsExited: 0,
      eventsRecorded: 0,
    });
  });

  it('resubscribe lifts only an unsubscribe', async () => {
    const { lead } = await leadWithEnrollment();
    await unsubscribe(db, { workspaceId, leadIds: [lead.id], via: 'team' });
    await resubscribe(db, { workspaceId, leadId: lead.id, email: lead.email });
    expect((await db.lead.findUniqueOrThrow({ where: { id: lead.id } })).status).toBe('active');
    expect(await suppressionOf(lead.email)).toBeNull();
    const complained = `c-${randomUUID().slice(0, 8)}@example.test`;
    await db.suppression.create({ data: { workspaceId, email: complained, reason: 'complaint' } });
    await resubscribe(db, { workspaceId, email: complained });
    expect(await suppressionOf(complained)).toMatchObject({ reason: 'complaint' });
  });
});
