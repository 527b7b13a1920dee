// Workspace isolation: a member of workspace A gets 404 for every read and write of workspace
// B's resources, through a session and through an API key alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp, startTestApi, type TestApi } from '../testing.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

describe('workspace isolation', () => {
  it('answers 404 for every resource of another workspace', async () => {
    const a = await signUp(api, 'alice', 'Workspace A');
    const b = await signUp(api, 'bob', 'Workspace B');

    // Workspace B's resources: a second member (via invite), a pending invite and an API key.
    const invite = await b.client.post('/api/invites', { role: 'admin' });
    const joinToken = String(invite.body.url).split('/invite/')[1]!;
    const carol = new Client(api.url);
    await carol.post('/api/auth/accept-invite', {
      token: joinToken,
      name: 'Carol',
      email: `carol-${Date.now()}@example.test`,
      password: 'carol password 1',
    });
    const pending = await b.client.post('/api/invites', { role: 'member' });
    const key = await b.client.post('/api/api-keys', { name: 'B key' });
    const bMembers = (await b.client.get('/api/members')).body as { id: string; role: string }[];
    expect(bMembers).toHaveLength(2);

    const aKey = (await a.client.post('/api/api-keys', { name: 'A key' })).body.key as string;
    const aMachine = new Client(api.url);
    aMachine.bearer = aKey;

    const attempts: [string, string, unknown?][] = [];
    for (const m of bMembers) {
      attempts.push(['PATCH', `/api/members/${m.id}`, { role: 'member' }]);
      attempts.push(['DELETE', `/api/members/${m.id}`]);
    }
    attempts.push(['DELETE', `/api/invites/${pending.body.id}`]);
    attempts.push(['DELETE', `/api/api-keys/${key.body.id}`]);
    attempts.push(['POST', '/api/auth/switch-workspace', { workspaceId: b.me.workspace.id }]);

    for (const [method, path, body] of attempts) {
      const res = await a.client.request(method, path, body);
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
    }

    // Lists and the workspace itself only ever show the caller's own workspace.
    const lists = ['/api/members', '/api/invites', '/api/api-keys'];
    for (const path of lists) {
      const text = JSON.stringify((await a.client.get(path)).body);
      for (const id of [...bMembers.map((m) => m.id), pending.body.id, key.body.id]) {
        expect(text).not.toContain(id);
      }
    }
    expect((await a.client.get('/api/workspace')).body.id).toBe(a.me.workspace.id);
    expect((await aMachine.get('/api/workspace')).body.id).toBe(a.me.workspace.id);
    const renamed = await aMachine.patch('/api/workspace', { name: 'Renamed A' });
    expect(renamed.body.id).toBe(a.me.workspace.id);

    // Nothing of B changed.
    const after = (await b.client.get('/api/members')).body as { id: string; role: string }[];
    expect(after).toEqual(bMembers);
    expect((await b.client.get('/api/invites')).body.map((i: { id: string }) => i.id)).toContain(
      pending.body.id,
    );
    expect((await b.client.get('/api/api-keys')).body[0].revokedAt).toBeNull();
    expect((await b.client.get('/api/workspace')).body.name).toBe('Workspace B');
  });

  it('treats a malformed id like a missing one', async () => {
    const a = await signUp(api, 'malformed');
    expect((await a.client.delete('/api/api-keys/not-a-uuid')).status).toBe(404);
  });
});
