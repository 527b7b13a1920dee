// A team member's unsubscribe through the api (POST /api/leads/bulk, one lead and a filtered
// set): the one rule of @kindling/leads, so live enrollments exit and each change is an event.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signUp, startTestApi, type TestApi } from '../../test/support/testing.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

it('bulk unsubscribe of one lead and of a filtered set exits their enrollments', async () => {
  const a = await signUp(api, 'unsubscriber');
  const ws = a.me.workspace.id;
  const db = api.deps.db;
  const campaign = await db.campaign.create({
    data: { workspaceId: ws, name: 'Drip', status: 'active' },
  });
  const leads = [];
  for (const tag of ['one', 'set', 'set', 'other']) {
    const lead = await db.lead.create({
      data: {
        workspaceId: ws,
        email: `${tag}-${randomUUID().slice(0, 8)}@example.test`,
        tags: [tag],
      },
    });
    const enrollment = await db.enrollment.create({
      data: { workspaceId: ws, campaignId: campaign.id, leadId: lead.id, nextRunAt: new Date() },
    });
    leads.push({ lead, enrollment });
  }
  const [one, s1, s2, other] = leads as [
    (typeof leads)[0],
    (typeof leads)[0],
    (typeof leads)[0],
    (typeof leads)[0],
  ];
  const byId = await a.client.post('/api/leads/bulk', {
    action: 'unsubscribe',
    ids: [one.lead.id],
  });
  expect(byId.body.affected).toBe(1);
  const bySet = await a.client.post('/api/leads/bulk', {
    action: 'unsubscribe',
    filters: { tag: 'set' },
  });
  expect(bySet.body.affected).toBe(2);

  for (const x of [one, s1, s2]) {
    expect((await db.lead.findUniqueOrThrow({ where: { id: x.lead.id } })).status).toBe(
      'unsubscribed',
    );
    expect(await db.enrollment.findUniqueOrThrow({ where: { id: x.enrollment.id } })).toMatchObject(
      { status: 'exited', exitReason: 'unsubscribed', nextRunAt: null },
    );
    expect(
      await db.suppression.findUnique({
        where: { workspaceId_email: { workspaceId: ws, email: x.lead.email } },
      }),
    ).toMatchObject({ reason: 'unsubscribe' });
    const timeline = (await a.client.get(`/api/leads/${x.lead.id}/timeline`)).body.items;
    expect(timeline.map((t: { kind: string }) => t.kind)).toContain('unsubscribe');
  }
  // The lead outside the selection is untouched.
  expect(
    await db.enrollment.findUniqueOrThrow({ where: { id: other.enrollment.id } }),
  ).toMatchObject({
    status: 'active',
  });
  expect((await db.lead.findUniqueOrThrow({ where: { id: other.lead.id } })).status).toBe('active');
});
