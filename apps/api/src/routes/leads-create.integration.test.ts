// POST /api/leads and GET /api/leads/by-email over HTTP against real Postgres: the merge rules of
// form submissions (fields, custom fields, tags, consent, first touch, status kept), batches,
// enrollment, API-key scopes, and the Idempotency-Key rules (same key and body: the first answer
// and nothing run again; same key and another body: 422; concurrent requests with one key: one
// runs, the others wait and get its answer).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  signUp,
  startTestApi,
  uniqueEmail,
  type TestApi,
} from '../../test/support/testing.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ queuePrefix: `test-create-leads-${randomUUID().slice(0, 8)}` });
});
afterAll(async () => {
  await api.close();
});

/** A client authenticated by an API key of the signed-up user with the given scopes. */
async function keyClient(session: Client, scopes: string[]): Promise<Client> {
  const created = await session.post('/api/api-keys', { name: `key ${scopes.join(' ')}`, scopes });
  expect(created.status).toBe(201);
  const c = new Client(api.url);
  c.bearer = created.body.key as string;
  return c;
}

async function activeCampaign(client: Client, workspaceId: string, triggers: unknown[]) {
  const identity = await api.deps.db.sendingIdentity.create({
    data: { workspaceId, name: 'Main', fromName: 'Team', fromEmail: 'team@kindling.test' },
  });
  const created = await client.post('/api/campaigns', {
    name: `C ${randomUUID().slice(0, 6)}`,
    identityId: identity.id,
    triggers,
    steps: [
      { type: 'wait', config: { minutes: 60 } },
      { type: 'email', config: { subject: 'Hi', preheader: '', html: '<p>Hi</p>', text: '' } },
    ],
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect((await client.post(`/api/campaigns/${id}/activate`)).status).toBe(200);
  return id;
}

describe('POST /api/leads', { timeout: 120_000 }, () => {
  it('creates, then merges by the form rules; a batch keeps its order and repeats', async () => {
    const { client } = await signUp(api, 'creator');
    const key = await keyClient(client, ['read', 'leads:write']);
    const email = uniqueEmail('Merge').toUpperCase();
    const first = await key.post('/api/leads', {
      email,
      firstName: 'Ada',
      timeZone: 'Europe/Berlin',
      tags: ['trial'],
      customFields: { plan: 'free', seats: 3 },
      consent: { text: 'Yes, email me', at: '2026-01-02T03:04:05Z' },
      attribution: { utmSource: 'newsletter', pageUrl: 'https://example.test/a' },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 1, updated: 0, enrolled: 0 });
    expect(first.body.leads[0]).toMatchObject({ email: email.toLowerCase(), created: true });
    const id = first.body.leads[0].id as string;

    const second = await key.post('/api/leads', {
      email: email.toLowerCase(),
      firstName: '',
      lastName: 'Lovelace',
      tags: ['customer', 'trial'],
      customFields: { plan: 'pro', empty: '' },
      consent: { text: 'Later consent' },
      attribution: { utmSource: 'ads' },
    });
    expect(second.body).toMatchObject({ created: 0, updated: 1 });
    expect(second.body.leads[0]).toMatchObject({ id, created: false });

    const lead = (await key.get(`/api/leads/by-email/${encodeURIComponent(email)}`)).body;
    expect(lead).toMatchObject({
      id,
      firstName: 'Ada',
      lastName: 'Lovelace',
      timeZone: 'Europe/Berlin',
      tags: ['trial', 'customer'],
      customFields: { plan: 'pro', seats: 3 },
      firstTouch: { utmSource: 'newsletter', pageUrl: 'https://example.test/a' },
    });
    // The newest consent wins, as with a later form submission.
    expect(lead.consent.text).toBe('Later consent');

    // Status is never changed by a merge: an unsubscribed lead stays unsubscribed.
    await api.deps.db.lead.update({ where: { id }, data: { status: 'unsubscribed' } });
    const batch = await key.post('/api/leads', {
      leads: [
        { email: uniqueEmail('b1'), firstName: 'One' },
        { email, tags: ['again'] },
        { email: email.toLowerCase(), customFields: { plan: 'team' } },
      ],
    });
    expect(batch.status).toBe(200);
    expect(batch.body).toMatchObject({ created: 1, updated: 1 });
    expect(batch.body.leads.map((l: { created: boolean }) => l.created)).toEqual([
      true,
      false,
      false,
    ]);
    expect(batch.body.leads[1]).toMatchObject({ id, status: 'unsubscribed' });
    const merged = await api.deps.db.lead.findUniqueOrThrow({ where: { id } });
    expect(merged.tags).toEqual(['trial', 'customer', 'again']);
    expect(merged.customFields).toMatchObject({ plan: 'team', seats: 3 });
  });

  it('refuses bad input with a clear 4xx and writes nothing', async () => {
    const { client } = await signUp(api, 'badinput');
    const readOnly = await keyClient(client, ['read']);
    expect((await readOnly.post('/api/leads', { email: uniqueEmail() })).status).toBe(403);
    const bad = await client.post('/api/leads', {
      leads: [{ email: uniqueEmail('ok') }, { email: 'not-an-address' }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].field).toBe('leads.1.email');
    const zone = await client.post('/api/leads', { email: uniqueEmail(), timeZone: 'Mars/Base' });
    expect(zone.status).toBe(422);
    const tooMany = await client.post('/api/leads', {
      leads: Array.from({ length: 1001 }, (_, i) => ({ email: `x${i}@example.test` })),
    });
    expect(tooMany.status).toBe(422);
    const unknown = await client.post('/api/leads', { email: uniqueEmail(), colour: 'red' });
    expect(unknown.status).toBe(422);
    const noCampaign = await client.post('/api/leads', {
      email: uniqueEmail('nc'),
      campaignIds: [randomUUID()],
    });
    expect(noCampaign.status).toBe(422);
    expect((await client.get('/api/leads')).body.items).toEqual([]);
    const badKey = await client.request(
      'POST',
      '/api/leads',
      { email: uniqueEmail() },
      {
        'idempotency-key': 'has spaces',
      },
    );
    expect(badKey.status).toBe(400);
  });

  it('enrolls in the requested campaigns and in those a new tag triggers, once each', async () => {
    const { client, me } = await signUp(api, 'enroller');
    const ws = me.workspace.id;
    const manual = await activeCampaign(client, ws, [{ type: 'manual' }]);
    const tagged = await activeCampaign(client, ws, [{ type: 'tag_added', tag: 'vip' }]);
    const emails = [uniqueEmail('e1'), uniqueEmail('e2')];
    const res = await client.post('/api/leads', {
      leads: [{ email: emails[0], tags: ['vip'] }, { email: emails[1] }, { email: emails[0] }],
      campaignIds: [manual],
    });
    expect(res.status).toBe(200);
    expect(res.body.enrolled).toBe(3);
    const db = api.deps.db;
    expect(await db.enrollment.count({ where: { campaignId: manual } })).toBe(2);
    expect(await db.enrollment.count({ where: { campaignId: tagged } })).toBe(1);
    // Again: nobody is enrolled twice, and a tag the lead already has triggers nothing.
    const again = await client.post('/api/leads', {
      email: emails[0],
      tags: ['vip'],
      campaignIds: [manual],
    });
    expect(again.body.enrolled).toBe(0);
    // Another workspace's campaign cannot be named.
    const other = await signUp(api, 'enroller-other');
    const refused = await other.client.post('/api/leads', {
      email: uniqueEmail(),
      campaignIds: [manual],
    });
    expect(refused.status).toBe(422);
  });
});

describe('GET /api/leads/by-email/:email', { timeout: 120_000 }, () => {
  it("finds the workspace's lead case-insensitively and 404s another workspace's", async () => {
    const a = await signUp(api, 'finder');
    const b = await signUp(api, 'finder-other');
    const email = uniqueEmail('Find');
    await a.client.post('/api/leads', { email });
    const found = await a.client.get(
      `/api/leads/by-email/${encodeURIComponent(email.toUpperCase())}`,
    );
    expect(found.status).toBe(200);
    expect(found.body.email).toBe(email.toLowerCase());
    expect((await b.client.get(`/api/leads/by-email/${encodeURIComponent(email)}`)).status).toBe(
      404,
    );
    expect((await a.client.get('/api/leads/by-email/nobody%40example.test')).status).toBe(404);
  });
});

describe('Idempotency-Key', { timeout: 120_000 }, () => {
  const post = (c: Client, key: string, body: unknown) =>
    c.request('POST', '/api/leads', body, { 'idempotency-key': key });

  it('replays the first answer for the same key and body, without running again', async () => {
    const { client } = await signUp(api, 'idem');
    const key = randomUUID();
    const email = uniqueEmail('idem');
    const body = { email, firstName: 'First', tags: ['a'] };
    const first = await post(client, key, body);
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(first.body.leads[0].created).toBe(true);
    const id = first.body.leads[0].id as string;
    // Changed in between: a request that ran again would merge its firstName back.
    await client.patch(`/api/leads/${id}`, { firstName: 'Edited' });
    // Same body with its keys in another order is the same request.
    const retry = await post(client, key, { tags: ['a'], firstName: 'First', email });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    const lead = await api.deps.db.lead.findUniqueOrThrow({ where: { id } });
    expect(lead.firstName).toBe('Edited');
    // Without a key the same body runs again (and merges).
    const plain = await client.post('/api/leads', body);
    expect(plain.body.leads[0].created).toBe(false);
    // Keys are per workspace: another workspace's same key is its own request.
    const other = await signUp(api, 'idem-other');
    const theirs = await post(other.client, key, body);
    expect(theirs.status).toBe(200);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.leads[0].id).not.toBe(id);
  });

  it('refuses the same key with another body (422) and keeps the first answer', async () => {
    const { client } = await signUp(api, 'idem-diff');
    const key = randomUUID();
    const email = uniqueEmail('diff');
    const first = await post(client, key, { email, firstName: 'One' });
    expect(first.status).toBe(200);
    const other = await post(client, key, { email, firstName: 'Two' });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('validation_failed');
    expect(other.body.error.message).toMatch(/Idempotency-Key/);
    const lead = await api.deps.db.lead.findFirstOrThrow({ where: { email } });
    expect(lead.firstName).toBe('One');
    expect((await post(client, key, { email, firstName: 'One' })).body).toEqual(first.body);
    // A request that failed stored nothing: its key can carry a corrected request.
    const failedKey = randomUUID();
    expect((await post(client, failedKey, { email: 'broken' })).status).toBe(422);
    const fixed = await post(client, failedKey, { email: uniqueEmail('fixed') });
    expect(fixed.status).toBe(200);
    expect(fixed.headers.get('idempotent-replayed')).toBeNull();
  });

  it('runs concurrent requests with one key once: the others wait and get its answer', async () => {
    const { client } = await signUp(api, 'idem-race');
    const key = randomUUID();
    const leads = Array.from({ length: 300 }, (_, i) => ({
      email: `race-${i}-${randomUUID().slice(0, 6)}@example.test`,
    }));
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => post(client, key, { leads })),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    // Exactly one ran; had two run, the later one would have found the leads and said so.
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    for (const a of answers) {
      expect(a.body.created).toBe(300);
      expect(a.body).toEqual(answers[0]!.body);
    }
    const rows = await api.deps.db.idempotencyKey.findMany({ where: { key } });
    expect(rows).toHaveLength(1);
  });
});
