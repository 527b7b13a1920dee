// Invites are bound to the address they were made for: only that person (signed in as it, or
// creating the account with it) can accept; an existing member gets the invited role or a
// clear refusal; revoked, used and expired links each say so.
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
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

async function invite(owner: Client, email: string, role = 'member') {
  const res = await owner.post('/api/invites', { email, role });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, token: String(res.body.url).split('/invite/')[1]! };
}

describe('invites', () => {
  it("cannot be taken by another workspace's owner: an admin invite for alice@ stays alice's", async () => {
    const team = await signUp(api, 'team', 'Team');
    const mallory = await signUp(api, 'mallory', 'Elsewhere');
    await api.deps.db.lead.create({
      data: { workspaceId: team.me.workspace.id, email: uniqueEmail('secret-lead') },
    });
    const alice = uniqueEmail('alice');
    const { token } = await invite(team.client, alice, 'admin');

    const taken = await mallory.client.post('/api/auth/accept-invite', { token });
    expect(taken.status).toBe(403);
    expect(taken.body.error.message).toContain(alice);
    // Mallory gained nothing: still only her own workspace, and team's leads are out of reach.
    const me = await mallory.client.get('/api/auth/me');
    expect(me.body.workspaces.map((w: { name: string }) => w.name)).toEqual(['Elsewhere']);
    const switched = await mallory.client.post('/api/auth/switch-workspace', {
      workspaceId: team.me.workspace.id,
    });
    expect(switched.status).toBe(404);
    expect((await mallory.client.get('/api/leads')).body.items).toEqual([]);

    // Signed out, the link cannot make an account for a different address either.
    const other = await new Client(api.url).post('/api/auth/accept-invite', {
      token,
      name: 'Mallory',
      email: uniqueEmail('mallory2'),
      password: 'mallory password',
    });
    expect(other.status).toBe(403);

    // The invite is still open, and Alice takes it.
    const lookup = await new Client(api.url).get(`/api/invites/lookup?token=${token}`);
    expect(lookup.body).toMatchObject({ workspaceName: 'Team', role: 'admin', email: alice });
    const joined = await new Client(api.url).post('/api/auth/accept-invite', {
      token,
      name: 'Alice',
      password: 'alice password 1',
    });
    expect(joined.status).toBe(200);
    expect(joined.body).toMatchObject({ role: 'admin', user: { email: alice } });
  });

  it('needs an email address to invite', async () => {
    const owner = await signUp(api, 'noemail');
    const res = await owner.client.post('/api/invites', { role: 'member' });
    expect(res.status).toBe(422);
    expect(res.body.error.details[0].field).toBe('email');
  });

  it('gives an existing member the invited role, and refuses one that changes nothing or demotes', async () => {
    const owner = await signUp(api, 'promote', 'Promote');
    const bob = await signUp(api, 'bob', "Bob's own");
    const first = await invite(owner.client, bob.email, 'member');
    expect((await bob.client.post('/api/auth/accept-invite', { token: first.token })).status).toBe(
      200,
    );

    const same = await invite(owner.client, bob.email, 'member');
    const noop = await bob.client.post('/api/auth/accept-invite', { token: same.token });
    expect(noop.status).toBe(409);
    expect(noop.body.error.message).toMatch(/already member.*changes nothing/);

    const up = await invite(owner.client, bob.email, 'admin');
    const promoted = await bob.client.post('/api/auth/accept-invite', { token: up.token });
    expect(promoted.status).toBe(200);
    expect(promoted.body.role).toBe('admin');

    const down = await invite(owner.client, bob.email, 'viewer');
    const demote = await bob.client.post('/api/auth/accept-invite', { token: down.token });
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toMatch(/would lower your role/);
    expect((await bob.client.get('/api/auth/me')).body.role).toBe('admin');
    // Refused invites stay open for an admin to revoke, not silently used up.
    const open = (await owner.client.get('/api/invites')).body.map((i: { id: string }) => i.id);
    expect(open).toEqual(expect.arrayContaining([same.id, down.id]));
  });

  it('says whether a link is unknown, revoked, used or expired', async () => {
    const owner = await signUp(api, 'states');
    const lookup = (token: string) =>
      new Client(api.url).get(`/api/invites/lookup?token=${encodeURIComponent(token)}`);
    const accept = (token: string) =>
      new Client(api.url).post('/api/auth/accept-invite', {
        token,
        name: 'X',
        password: 'some password 1',
      });

    const unknown = await lookup('x'.repeat(43));
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/not valid/);

    const revoked = await invite(owner.client, uniqueEmail('revoked'));
    expect((await owner.client.delete(`/api/invites/${revoked.id}`)).status).toBe(204);
    for (const res of [await lookup(revoked.token), await accept(revoked.token)]) {
      expect(res.status).toBe(410);
      expect(res.body.error.message).toMatch(/revoked/);
    }

    const used = await invite(owner.client, uniqueEmail('used'));
    expect((await accept(used.token)).status).toBe(200);
    for (const res of [await lookup(used.token), await accept(used.token)]) {
      expect(res.status).toBe(410);
      expect(res.body.error.message).toMatch(/already been used/);
    }

    const expired = await invite(owner.client, uniqueEmail('expired'));
    await api.deps.db.invite.update({
      where: { id: expired.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    for (const res of [await lookup(expired.token), await accept(expired.token)]) {
      expect(res.status).toBe(410);
      expect(res.body.error.message).toMatch(/expired/);
    }
  });
});
