import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { QUEUES, emailSendJobId } from '@kindling/queue';
import { runStep } from '@kindling/campaigns';
import { signUp, startTestApi, type TestApi } from '../../test/support/testing.js';

const prefix = `campaigns-test-${randomUUID().slice(0, 8)}`;
let api: TestApi;
let queue: Queue;
beforeAll(async () => {
  api = await startTestApi({ queuePrefix: prefix });
  queue = new Queue(QUEUES.email, { connection: api.deps.redis, prefix });
});
afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  await api.close();
});

const email = (subject: string, html: string) => ({
  type: 'email',
  config: { subject, preheader: '', html, text: '' },
});

describe('campaign api', () => {
  it('lists every activation problem, activates once fixed, enrolls, previews escaped and counts', async () => {
    const { client, me } = await signUp(api, 'camp');
    const db = api.deps.db;
    const wsId = me.workspace.id;
    const draft = await client.post('/api/campaigns', {
      name: 'Welcome',
      steps: [email('', '<p>Hi {{frist_name}}</p>'), { type: 'wait', config: { minutes: 60 } }],
    });
    expect(draft.status).toBe(201);
    expect(draft.body.status).toBe('draft');
    const id = draft.body.id as string;
    const firstStepId = draft.body.steps[0].id as string;

    const refused = await client.post(`/api/campaigns/${id}/activate`);
    expect(refused.status).toBe(422);
    const issues = (refused.body.error.details as { field: string; issue: string }[])
      .map((d) => d.issue)
      .join('\n');
    expect(issues).toMatch(/sending identity/);
    expect(issues).toMatch(/trigger/);
    expect(issues).toMatch(/subject is empty/);
    expect(issues).toMatch(/Unknown merge tag \{\{frist_name\}\}/);

    const identity = await db.sendingIdentity.create({
      data: { workspaceId: wsId, name: 'Main', fromName: 'Team', fromEmail: 'team@kindling.test' },
    });
    const fixed = await client.request('PUT', `/api/campaigns/${id}`, {
      name: 'Welcome',
      identityId: identity.id,
      triggers: [{ type: 'manual' }, { type: 'api' }],
      steps: [
        {
          id: firstStepId,
          ...email('Hi {{first_name | default: "there"}}', '<p>Hi {{first_name}}</p>'),
        },
        { type: 'wait', config: { minutes: 60 } },
        email('Second', '<p>Two</p>'),
      ],
    });
    expect(fixed.status).toBe(200);
    expect(fixed.body.problems).toEqual([]);
    expect(fixed.body.steps[0].id).toBe(firstStepId);
    const activated = await client.post(`/api/campaigns/${id}/activate`);
    expect(activated.status).toBe(200);
    expect(activated.body.status).toBe('active');

    // An active campaign refuses an edit that would make it invalid, and keeps what it had.
    const broken = await client.request('PUT', `/api/campaigns/${id}`, {
      ...fixed.body,
      steps: [email('x', '<p>{{nope}}</p>')],
    });
    expect(broken.status).toBe(422);
    expect((await client.get(`/api/campaigns/${id}`)).body.steps).toHaveLength(3);

    const lead = await db.lead.create({
      data: { workspaceId: wsId, email: `l-${randomUUID()}@example.test`, firstName: '<b>Eve</b>' },
    });
    const enrolled = await client.post(`/api/campaigns/${id}/enrollments`, { leadIds: [lead.id] });
    expect(enrolled.body).toEqual({ enrolled: 1, skipped: 0, notFound: 0 });
    const again = await client.post(`/api/campaigns/${id}/enrollments`, { emails: [lead.email] });
    expect(again.body).toEqual({ enrolled: 0, skipped: 1, notFound: 0 });

    const preview = await client.post(`/api/campaigns/${id}/preview`, {
      stepId: firstStepId,
      leadId: lead.id,
    });
    expect(preview.status).toBe(200);
    expect(preview.body.html).toBe('<p>Hi &lt;b&gt;Eve&lt;/b&gt;</p>');
    expect(preview.body.subject).toBe('Hi <b>Eve</b>');

    const test = await client.post(`/api/campaigns/${id}/test-send`, {
      stepId: firstStepId,
      leadId: lead.id,
    });
    expect(test.status).toBe(200);
    const msg = await db.message.findUniqueOrThrow({ where: { id: test.body.messageId } });
    expect(msg).toMatchObject({ kind: 'test', subject: '[Test] Hi <b>Eve</b>' });
    expect(msg.toEmail).toBe(me.user.email);
    expect(await queue.getJob(emailSendJobId(msg.id))).toBeTruthy();

    const stats = await client.get(`/api/campaigns/${id}/stats`);
    expect(stats.body).toMatchObject({ enrolled: 1, active: 1, completed: 0 });
    expect(stats.body.steps[firstStepId]).toMatchObject({ waiting: 1 });

    expect((await client.post(`/api/campaigns/${id}/pause`)).body.status).toBe('paused');
    expect((await client.post(`/api/campaigns/${id}/pause`)).status).toBe(409);
    expect((await client.post(`/api/campaigns/${id}/resume`)).body.status).toBe('active');

    // Another workspace sees nothing.
    const stranger = await signUp(api, 'stranger');
    expect((await stranger.client.get(`/api/campaigns/${id}`)).status).toBe(404);
    expect(
      (await stranger.client.post(`/api/campaigns/${id}/enrollments`, { leadIds: [lead.id] }))
        .status,
    ).toBe(404);
  });

  it('removing a step of a live campaign moves its waiting leads on; stats count human opens only', async () => {
    const { client, me } = await signUp(api, 'edit');
    const db = api.deps.db;
    const identity = await db.sendingIdentity.create({
      data: {
        workspaceId: me.workspace.id,
        name: 'Main',
        fromName: 'Team',
        fromEmail: 'team@kindling.test',
      },
    });
    const created = await client.post('/api/campaigns', {
      name: 'Edits',
      identityId: identity.id,
      triggers: [{ type: 'manual' }],
      steps: [
        email('A', '<p>A</p>'),
        { type: 'wait', config: { minutes: 7 * 24 * 60 } },
        email('B', '<p>B</p>'),
      ],
    });
    const id = created.body.id as string;
    expect((await client.post(`/api/campaigns/${id}/activate`)).status).toBe(200);
    const lead = await db.lead.create({
      data: { workspaceId: me.workspace.id, email: `l-${randomUUID()}@example.test` },
    });
    expect(
      (await client.post(`/api/campaigns/${id}/enrollments`, { leadIds: [lead.id] })).body.enrolled,
    ).toBe(1);
    const sent: string[] = [];
    const deps = {
      db,
      now: () => new Date(),
      enqueueSend: (ids: string[]) => Promise.resolve(void sent.push(...ids)),
    };
    const enrollment = await db.enrollment.findFirstOrThrow({ where: { campaignId: id } });
    await runStep(deps, enrollment.id);
    const waiting = await db.enrollment.findUniqueOrThrow({ where: { id: enrollment.id } });
    expect(waiting.currentStepId).toBe(created.body.steps[1].id);
    expect(waiting.nextRunAt!.getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);

    // A human open and a scanner's open of email A.
    const msgA = await db.message.findFirstOrThrow({ where: { enrollmentId: enrollment.id } });
    for (const machine of [false, true, false]) {
      await db.trackingEvent.create({
        data: {
          eventKey: randomUUID(),
          workspaceId: me.workspace.id,
          messageId: msgA.id,
          leadId: lead.id,
          type: 'open',
          machine,
          occurredAt: new Date(),
        },
      });
    }
    await db.message.update({ where: { id: msgA.id }, data: { status: 'sent' } });
    const stats = await client.get(`/api/campaigns/${id}/stats`);
    expect(stats.body.steps[created.body.steps[0].id]).toMatchObject({
      sent: 1,
      opens: 1,
      clicks: 0,
    });
    expect(stats.body.steps[created.body.steps[1].id]).toMatchObject({ waiting: 1 });

    // Remove the wait: the lead moves on to B at once.
    const doc = (await client.get(`/api/campaigns/${id}`)).body;
    const saved = await client.request('PUT', `/api/campaigns/${id}`, {
      ...doc,
      steps: [doc.steps[0], doc.steps[2]],
    });
    expect(saved.status).toBe(200);
    expect(saved.body.steps).toHaveLength(2);
    const moved = await db.enrollment.findUniqueOrThrow({ where: { id: enrollment.id } });
    expect(moved.nextRunAt!.getTime()).toBeLessThanOrEqual(Date.now());
    await runStep(deps, enrollment.id);
    const subjects = (await db.message.findMany({ where: { enrollmentId: enrollment.id } }))
      .map((m) => m.subject)
      .sort();
    expect(subjects).toEqual(['A', 'B']);
    expect((await db.enrollment.findUniqueOrThrow({ where: { id: enrollment.id } })).status).toBe(
      'completed',
    );
    expect(sent).toHaveLength(2);
  });

  it('a draft cannot store another workspace’s sending identity or form id', async () => {
    const mine = await signUp(api, 'camp-own');
    const other = await signUp(api, 'camp-other');
    const db = api.deps.db;
    const foreignIdentity = await db.sendingIdentity.create({
      data: {
        workspaceId: other.me.workspace.id,
        name: 'Theirs',
        fromName: 'Them',
        fromEmail: 'them@kindling.test',
      },
    });
    const foreignForm = await db.form.create({
      data: { workspaceId: other.me.workspace.id, publicId: `f-${randomUUID()}`, name: 'Theirs' },
    });
    const ownForm = await db.form.create({
      data: { workspaceId: mine.me.workspace.id, publicId: `f-${randomUUID()}`, name: 'Mine' },
    });
    const doc = (identityId: string | null, formId: string) => ({
      name: 'Borrowed',
      identityId,
      triggers: [{ type: 'form_submission', formId }],
      steps: [email('Hi', '<p>Hi</p>')],
    });

    const created = await mine.client.post(
      '/api/campaigns',
      doc(foreignIdentity.id, foreignForm.id),
    );
    expect(created.status).toBe(422);
    expect(created.body.error.details).toEqual([
      { field: 'identityId', issue: 'No such sending identity' },
      { field: 'triggers.0.formId', issue: 'No such form' },
    ]);
    expect(await db.campaign.count({ where: { workspaceId: mine.me.workspace.id } })).toBe(0);

    const draft = await mine.client.post('/api/campaigns', doc(null, ownForm.id));
    expect(draft.status).toBe(201);
    for (const body of [doc(foreignIdentity.id, ownForm.id), doc(null, foreignForm.id)]) {
      const put = await mine.client.request('PUT', `/api/campaigns/${draft.body.id}`, body);
      expect(put.status).toBe(422);
    }
    const stored = await db.campaign.findUniqueOrThrow({
      where: { id: draft.body.id },
      include: { triggers: true },
    });
    expect(stored.identityId).toBeNull();
    expect(stored.triggers.map((t) => t.formId)).toEqual([ownForm.id]);
  });
});
