import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { QUEUES, emailSendJobId } from '@kindling/queue';
import { signUp, startTestApi, type TestApi } from '../testing.js';

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

const email = (subject: string, html: string) => ({ type: 'email', config: { subject, preheader: '', html, text: '' } });

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
    const issues = (refused.body.error.details as { field: string; issue: string }[]).map((d) => d.issue).join('\n');
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
        { id: firstStepId, ...email('Hi {{first_name | default: "there"}}', '<p>Hi {{first_name}}</p>') },
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
    const broken = await client.request('PUT', `/api/campaigns/${id}`, { ...fixed.body, steps: [email('x', '<p>{{nope}}</p>')] });
    expect(broken.status).toBe(422);
    expect((await client.get(`/api/campaigns/${id}`)).body.steps).toHaveLength(3);

    const lead = await db.lead.create({
      data: { workspaceId: wsId, email: `l-${randomUUID()}@example.test`, firstName: '<b>Eve</b>' },
    });
    const enrolled = await client.post(`/api/campaigns/${id}/enrollments`, { leadIds: [lead.id] });
    expect(enrolled.body).toEqual({ enrolled: 1, skipped: 0, notFound: 0 });
    const again = await client.post(`/api/campaigns/${id}/enrollments`, { emails: [lead.email] });
    expect(again.body).toEqual({ enrolled: 0, skipped: 1, notFound: 0 });

    const preview = await client.post(`/api/campaigns/${id}/preview`, { stepId: firstStepId, leadId: lead.id });
    expect(preview.status).toBe(200);
    expect(preview.body.html).toBe('<p>Hi &lt;b&gt;Eve&lt;/b&gt;</p>');
    expect(preview.body.subject).toBe('Hi <b>Eve</b>');

    const test = await client.post(`/api/campaigns/${id}/test-send`, { stepId: firstStepId, leadId: lead.id });
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
    expect((await stranger.client.post(`/api/campaigns/${id}/enrollments`, { leadIds: [lead.id] })).status).toBe(404);
  });
});
