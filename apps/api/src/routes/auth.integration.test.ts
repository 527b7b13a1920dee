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

describe('accounts', () => {
  it('signs up, keeps the session in an httpOnly SameSite cookie, and logs out', async () => {
    const client = new Client(api.url);
    const email = uniqueEmail('Mixed.Case');
    const res = await client.post('/api/auth/signup', {
      name: 'Ada',
      email: email.toUpperCase(),
      password: 'a long enough password',
      workspaceName: 'Acme',
    });
    expect(res.status).toBe(201);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^kl_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(res.body).toMatchObject({
      user: { email: email.toLowerCase(), name: 'Ada' },
      role: 'owner',
    });
    expect(res.body.workspace.name).toBe('Acme');

    const me = await client.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(email.toLowerCase());

    const user = await api.deps.db.user.findUniqueOrThrow({
      where: { email: email.toLowerCase() },
    });
    expect(user.passwordHash).toMatch(/^scrypt\$65536\$8\$1\$/);
    expect(user.passwordHash).not.toContain('a long enough password');

    expect((await client.post('/api/auth/logout')).status).toBe(204);
    expect(client.cookie).toBe('');
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });

  it('refuses a second account with the same email, whatever its case', async () => {
    const { email } = await signUp(api, 'dup');
    const again = await new Client(api.url).post('/api/auth/signup', {
      name: 'X',
      email: email.toUpperCase(),
      password: 'another password',
      workspaceName: 'X',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.details).toEqual([{ field: 'email', issue: expect.any(String) }]);
  });

  it('answers 422 with a message per bad field', async () => {
    const res = await new Client(api.url).post('/api/auth/signup', {
      email: 'nope',
      password: 'short',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    const fields = (res.body.error.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(['email', 'name', 'password', 'workspaceName']);
  });

  it('logs in with the right password only, with the same answer for an unknown email', async () => {
    const { email, password } = await signUp(api, 'login');
    const client = new Client(api.url);
    const wrong = await client.post('/api/auth/login', { email, password: 'wrong password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe('Email or password is wrong');
    const unknown = await client.post('/api/auth/login', { email: uniqueEmail('ghost'), password });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toBe(wrong.body.error.message);

    const ok = await client.post('/api/auth/login', { email, password });
    expect(ok.status).toBe(200);
    expect((await client.get('/api/auth/me')).status).toBe(200);

    // Guessing is throttled without a lock-out: login-throttle.integration.test.ts.
  });

  it('refuses cookie-authenticated writes that are not JSON (CSRF guard)', async () => {
    const { client } = await signUp(api, 'csrf');
    const res = await client.request('POST', '/api/api-keys', 'name=x', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(400);
    expect((await client.get('/api/api-keys')).body).toEqual([]);
  });

  it('answers unknown api paths with a JSON 404', async () => {
    const res = await new Client(api.url).get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('owners and API keys', () => {
  it('keeps at least one owner', async () => {
    const owner = await signUp(api, 'solo');
    const members = await owner.client.get('/api/members');
    const self = members.body[0];
    const demote = await owner.client.patch(`/api/members/${self.id}`, { role: 'admin' });
    expect(demote.status).toBe(409);
    expect((await owner.client.delete(`/api/members/${self.id}`)).status).toBe(409);
  });

  it('shows an API key once, stores only its hash, and revokes it', async () => {
    const { client, me } = await signUp(api, 'keys');
    const created = await client.post('/api/api-keys', { name: 'CRM sync', scopes: ['read'] });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    expect(key).toMatch(/^kl_[\w-]{43}$/);
    const listed = await client.get('/api/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(key);
    const row = await api.deps.db.apiKey.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.keyHash).not.toContain(key);

    const machine = new Client(api.url);
    machine.bearer = key;
    const ws = await machine.get('/api/workspace');
    expect(ws.status).toBe(200);
    expect(ws.body.id).toBe(me.workspace.id);
    // Account management needs a person, not a key.
    expect((await machine.get('/api/members')).status).toBe(403);

    expect((await client.delete(`/api/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await machine.get('/api/workspace')).status).toBe(401);
  });
});
