// What each role and API key may do, as a marketing team expects it (the matrix in
// packages/shared permissions.ts), shown on the real requests the web app sends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startTestApi, uniqueEmail, type TestApi } from '../../test/support/testing.js';
import {
  addMember,
  campaignBody,
  formBody,
  keyClient,
  roleWorkspace,
} from '../../test/support/testing-tenancy.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

async function seedLeads(workspaceId: string, n: number) {
  for (let i = 0; i < n; i++) {
    await api.deps.db.lead.create({ data: { workspaceId, email: uniqueEmail('lead') } });
  }
}
const leadCount = (workspaceId: string) => api.deps.db.lead.count({ where: { workspaceId } });

describe('roles', () => {
  it("refuses a member's whole-set delete and export; an admin may", async () => {
    const { owner, roles } = await roleWorkspace(api);
    const ws = owner.me.workspace.id;
    await seedLeads(ws, 3);
    const wipe = { action: 'delete', filters: {} };
    const refused = await roles.member.post('/api/leads/bulk', wipe);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/admin/);
    expect(await leadCount(ws)).toBe(3);
    expect(
      (await roles.member.post('/api/leads/bulk', { action: 'unsubscribe', filters: {} })).status,
    ).toBe(403);
    expect((await roles.member.get('/api/leads/export.csv')).status).toBe(403);

    // One lead is ordinary work for a member.
    const one = await api.deps.db.lead.findFirstOrThrow({ where: { workspaceId: ws } });
    expect(
      (await roles.member.post('/api/leads/bulk', { action: 'tag', filters: {}, tag: 'x' })).status,
    ).toBe(200);
    expect(
      (await roles.member.post('/api/leads/bulk', { action: 'unsubscribe', ids: [one.id] })).status,
    ).toBe(200);
    expect((await roles.member.delete(`/api/leads/${one.id}`)).status).toBe(204);

    const exported = await roles.admin.get('/api/leads/export.csv');
    expect(exported.status).toBe(200);
    expect(String(exported.body).split('\n').filter(Boolean)).toHaveLength(3); // header + 2
    const wiped = await roles.admin.post('/api/leads/bulk', wipe);
    expect(wiped.status).toBe(200);
    expect(await leadCount(ws)).toBe(0);
  });

  it('lets members build forms and campaigns, as the role hint says, but not launch them', async () => {
    const { roles } = await roleWorkspace(api);
    const form = await roles.member.post('/api/forms', formBody());
    expect(form.status).toBe(201);
    expect(
      (await roles.member.request('PUT', `/api/forms/${form.body.id}`, formBody())).status,
    ).toBe(200);
    expect((await roles.member.delete(`/api/forms/${form.body.id}`)).status).toBe(403);
    const campaign = await roles.member.post('/api/campaigns', campaignBody());
    expect(campaign.status).toBe(201);
    const launch = await roles.member.post(`/api/campaigns/${campaign.body.id}/activate`);
    expect(launch.status).toBe(403);
    // An admin's activation reaches the campaign's own checks (here: it is incomplete).
    expect((await roles.admin.post(`/api/campaigns/${campaign.body.id}/activate`)).status).toBe(
      422,
    );
    expect((await roles.member.patch('/api/workspace', { name: 'Mine' })).status).toBe(403);
  });

  it('lets a viewer read everything and change nothing', async () => {
    const { owner, roles } = await roleWorkspace(api);
    await seedLeads(owner.me.workspace.id, 1);
    const leads = await roles.viewer.get('/api/leads');
    expect(leads.status).toBe(200);
    expect(leads.body.items).toHaveLength(1);
    expect((await roles.viewer.get('/api/forms')).status).toBe(200);
    expect((await roles.viewer.get('/api/campaigns')).status).toBe(200);
    expect((await roles.viewer.post('/api/forms', formBody())).status).toBe(403);
    const id = leads.body.items[0].id as string;
    expect((await roles.viewer.patch(`/api/leads/${id}`, { firstName: 'V' })).status).toBe(403);
    expect((await roles.viewer.delete(`/api/leads/${id}`)).status).toBe(403);
  });
});

describe('API keys with scopes', () => {
  it('stores the scopes chosen at creation, lists them, and refuses what they do not cover', async () => {
    const { owner } = await roleWorkspace(api);
    const { client: reader, id } = await keyClient(api, owner.client, ['read']);
    const listed = (await owner.client.get('/api/api-keys')).body.find(
      (k: { id: string }) => k.id === id,
    );
    expect(listed).toMatchObject({ scopes: ['read'], createdBy: { email: owner.email } });
    expect((await reader.get('/api/leads')).status).toBe(200);
    const write = await reader.post('/api/forms', formBody());
    expect(write.status).toBe(403);
    expect(write.body.error.message).toMatch(/forms:write scope/);
    expect((await owner.client.post('/api/api-keys', { name: 'none', scopes: [] })).status).toBe(
      422,
    );
    expect(
      (await owner.client.post('/api/api-keys', { name: 'x', scopes: ['everything'] })).status,
    ).toBe(422);
  });

  it("never exceeds its creator's role, at creation and at every use", async () => {
    const { owner } = await roleWorkspace(api);
    const member = await addMember(api, owner.client, 'member');
    const tooMuch = await member.client.post('/api/api-keys', { name: 'x', scopes: ['admin'] });
    expect(tooMuch.status).toBe(403);
    expect(tooMuch.body.error.details[0].field).toBe('scopes');
    const own = await keyClient(api, member.client, ['read', 'leads:write']);
    expect(
      (await own.client.post('/api/leads/bulk', { action: 'delete', filters: {} })).status,
    ).toBe(403);
    expect((await own.client.get('/api/leads/export.csv')).status).toBe(403);
    // A member revokes their own key but nobody else's.
    const ownersKey = await keyClient(api, owner.client, ['read']);
    expect((await member.client.delete(`/api/api-keys/${ownersKey.id}`)).status).toBe(403);
    expect((await member.client.delete(`/api/api-keys/${own.id}`)).status).toBe(204);

    // An admin's full key shrinks when the admin is demoted, and dies when they leave.
    const admin = await addMember(api, owner.client, 'admin');
    const full = await keyClient(api, admin.client, ['admin']);
    expect((await full.client.patch('/api/workspace', { name: 'By key' })).status).toBe(200);
    const members = (await owner.client.get('/api/members')).body as {
      id: string;
      userId: string;
    }[];
    const row = members.find((m) => m.userId === admin.userId)!;
    expect((await owner.client.patch(`/api/members/${row.id}`, { role: 'member' })).status).toBe(
      200,
    );
    const demoted = await full.client.patch('/api/workspace', { name: 'Again' });
    expect(demoted.status).toBe(403);
    expect(demoted.body.error.message).toMatch(/creator is member/);
    expect((await full.client.get('/api/leads')).status).toBe(200);
    expect((await owner.client.delete(`/api/members/${row.id}`)).status).toBe(204);
    expect((await full.client.get('/api/leads')).status).toBe(401);
  });

  it('documents the permission and scope of every route in the OpenAPI document', async () => {
    const doc = (await new Client(api.url).get('/api/openapi.json')).body;
    const bulk = doc.paths['/api/leads/bulk'].post;
    expect(bulk['x-kindling-permission']).toMatchObject({ role: 'member', scope: 'leads:write' });
    expect(bulk.security).toEqual([{ session: [] }, { apiKey: [] }]);
    expect(bulk.description).toMatch(/leads:write/);
    expect(doc.paths['/api/members'].get.security).toEqual([{ session: [] }]);
    expect(doc.components.securitySchemes.apiKey.description).toMatch(/campaigns:write/);
  });
});
