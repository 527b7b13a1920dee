import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '@kindling/db';
import { enrollByTrigger, enrollLead, enrollMany } from './enroll.js';

const db = createDb(process.env.DATABASE_URL!);
afterAll(() => db.$disconnect());

async function fixture(opts: { allowReenroll?: boolean } = {}) {
  const ws = await db.workspace.create({ data: { name: 'enroll test' } });
  const form = await db.form.create({
    data: { workspaceId: ws.id, publicId: randomUUID(), name: 'F' },
  });
  const campaign = await db.campaign.create({
    data: {
      workspaceId: ws.id,
      name: 'C',
      status: 'active',
      allowReenroll: opts.allowReenroll ?? false,
      triggers: { create: { type: 'form_submission', formId: form.id } },
      steps: { create: [{ position: 0, type: 'wait', config: { minutes: 60 } }] },
    },
  });
  const lead = await db.lead.create({
    data: { workspaceId: ws.id, email: `${randomUUID()}@example.test` },
  });
  return { ws, form, campaign, lead };
}

describe('enrollment service', () => {
  it('enrolls once per live enrollment and only in matching active campaigns', async () => {
    const { ws, form, campaign, lead } = await fixture();
    const other = await db.form.create({
      data: { workspaceId: ws.id, publicId: randomUUID(), name: 'G' },
    });
    expect(
      await enrollByTrigger(db, {
        workspaceId: ws.id,
        leadId: lead.id,
        event: { type: 'form_submission', formId: other.id },
      }),
    ).toEqual([]);
    const first = await enrollByTrigger(db, {
      workspaceId: ws.id,
      leadId: lead.id,
      event: { type: 'form_submission', formId: form.id },
    });
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      campaignId: campaign.id,
      status: 'active',
      source: 'form_submission',
    });
    const again = await Promise.all(
      Array.from({ length: 5 }, () =>
        enrollLead(db, {
          workspaceId: ws.id,
          campaignId: campaign.id,
          leadId: lead.id,
          source: 'api',
        }),
      ),
    );
    expect(again.filter(Boolean)).toEqual([]);
    expect(await db.enrollment.count({ where: { leadId: lead.id } })).toBe(1);
  });

  it('re-enrolls a finished lead only when the campaign allows it', async () => {
    const strict = await fixture();
    await enrollLead(db, {
      workspaceId: strict.ws.id,
      campaignId: strict.campaign.id,
      leadId: strict.lead.id,
      source: 'manual',
    });
    await db.enrollment.updateMany({
      where: { leadId: strict.lead.id },
      data: { status: 'completed' },
    });
    expect(
      await enrollLead(db, {
        workspaceId: strict.ws.id,
        campaignId: strict.campaign.id,
        leadId: strict.lead.id,
        source: 'manual',
      }),
    ).toBeNull();

    const loose = await fixture({ allowReenroll: true });
    await enrollLead(db, {
      workspaceId: loose.ws.id,
      campaignId: loose.campaign.id,
      leadId: loose.lead.id,
      source: 'manual',
    });
    await db.enrollment.updateMany({
      where: { leadId: loose.lead.id },
      data: { status: 'completed' },
    });
    expect(
      await enrollLead(db, {
        workspaceId: loose.ws.id,
        campaignId: loose.campaign.id,
        leadId: loose.lead.id,
        source: 'manual',
      }),
    ).not.toBeNull();
  });

  it('never enrolls an unsubscribed lead or one of another workspace', async () => {
    const { ws, campaign, lead } = await fixture();
    const stranger = await fixture();
    expect(
      await enrollLead(db, {
        workspaceId: ws.id,
        campaignId: campaign.id,
        leadId: stranger.lead.id,
        source: 'api',
      }),
    ).toBeNull();
    await db.lead.update({ where: { id: lead.id }, data: { status: 'unsubscribed' } });
    expect(
      await enrollLead(db, {
        workspaceId: ws.id,
        campaignId: campaign.id,
        leadId: lead.id,
        source: 'api',
      }),
    ).toBeNull();
  });
});

describe('bulk enrollment', () => {
  it('enrolls many leads at once under the same rules', async () => {
    const { ws, campaign, lead } = await fixture();
    const others = await Promise.all(
      Array.from({ length: 5 }, () =>
        db.lead.create({ data: { workspaceId: ws.id, email: `${randomUUID()}@example.test` } }),
      ),
    );
    await db.lead.update({ where: { id: others[0]!.id }, data: { status: 'unsubscribed' } });
    const stranger = await fixture();
    await enrollLead(db, {
      workspaceId: ws.id,
      campaignId: campaign.id,
      leadId: lead.id,
      source: 'manual',
    });
    const ids = [lead.id, ...others.map((o) => o.id), stranger.lead.id];
    const now = new Date('2026-12-01T10:00:00Z');
    expect(
      await enrollMany(db, {
        workspaceId: ws.id,
        campaignId: campaign.id,
        leadIds: ids,
        source: 'api',
        now,
      }),
    ).toBe(4);
    expect(
      await enrollMany(db, {
        workspaceId: ws.id,
        campaignId: campaign.id,
        leadIds: ids,
        source: 'api',
        now,
      }),
    ).toBe(0);
    const rows = await db.enrollment.findMany({
      where: { campaignId: campaign.id, source: 'api' },
    });
    expect(rows).toHaveLength(4);
    // The campaign opens with a 60-minute wait: it starts at enrollment.
    expect(rows.every((r) => r.nextRunAt?.toISOString() === '2026-12-01T11:00:00.000Z')).toBe(true);
    await db.enrollment.updateMany({
      where: { campaignId: campaign.id },
      data: { status: 'completed' },
    });
    expect(
      await enrollMany(db, {
        workspaceId: ws.id,
        campaignId: campaign.id,
        leadIds: ids,
        source: 'api',
        now,
      }),
    ).toBe(0);
  });
});
