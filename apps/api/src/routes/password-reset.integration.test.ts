// Password reset: the same answer whether or not the address has an account; the link's token
// is stored hashed, works once and for 30 minutes; using it ends every session; the email is a
// Message row on the email.send queue like every other product mail.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { PASSWORD_RESET_REQUESTED } from '@kindling/shared';
import { QUEUES, emailSendJobId } from '@kindling/queue';
import { sha256 } from '../auth/tokens.js';
import {
  Client,
  signUp,
  startTestApi,
  uniqueEmail,
  type TestApi,
} from '../../test/support/testing.js';

const prefix = `reset-test-${randomUUID().slice(0, 8)}`;
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

/** Asks for a reset of `email` and returns the link's token from the queued message. */
async function requestReset(email: string) {
  const res = await new Client(api.url).post('/api/auth/password-reset/request', { email });
  expect(res.status).toBe(202);
  expect(res.body.message).toBe(PASSWORD_RESET_REQUESTED);
  const message = await api.deps.db.message.findFirstOrThrow({
    where: { toEmail: email, kind: 'account' },
    orderBy: { createdAt: 'desc' },
  });
  expect(await queue.getJob(emailSendJobId(message.id))).toBeTruthy();
  const token = /\/reset-password\/([\w-]+)/.exec(message.text ?? '')?.[1];
  expect(token).toBeTruthy();
  return { token: token!, message };
}

describe('password reset', () => {
  it('answers the same for an unknown address and sends nothing', async () => {
    const ghost = uniqueEmail('ghost');
    const res = await new Client(api.url).post('/api/auth/password-reset/request', {
      email: ghost,
    });
    expect(res.status).toBe(202);
    expect(res.body.message).toBe(PASSWORD_RESET_REQUESTED);
    expect(await api.deps.db.message.count({ where: { toEmail: ghost } })).toBe(0);
  });

  it('sets a new password once, ends every session, and refuses the link again', async () => {
    const { email, password, client: laptop } = await signUp(api, 'forgetful');
    const phone = new Client(api.url);
    expect((await phone.post('/api/auth/login', { email, password })).status).toBe(200);

    const { token, message } = await requestReset(email);
    expect(message.subject).toBe('Reset your Kindling password');
    expect(message.html).toContain(`${api.deps.config.publicUrl}/reset-password/${token}`);
    // Only the hash is stored.
    const row = await api.deps.db.passwordReset.findUniqueOrThrow({
      where: { tokenHash: sha256(token) },
    });
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(30 * 60_000);

    const lookup = await new Client(api.url).get(`/api/auth/password-reset/lookup?token=${token}`);
    expect(lookup.body.email).toBe(email);

    const short = await new Client(api.url).post('/api/auth/password-reset', {
      token,
      password: 'short',
    });
    expect(short.status).toBe(422);

    const fresh = 'a brand new password';
    const done = await new Client(api.url).post('/api/auth/password-reset', {
      token,
      password: fresh,
    });
    expect(done.status).toBe(204);
    expect((await laptop.get('/api/auth/me')).status).toBe(401);
    expect((await phone.get('/api/auth/me')).status).toBe(401);
    expect((await new Client(api.url).post('/api/auth/login', { email, password })).status).toBe(
      401,
    );
    expect(
      (await new Client(api.url).post('/api/auth/login', { email, password: fresh })).status,
    ).toBe(200);

    const reuse = await new Client(api.url).post('/api/auth/password-reset', {
      token,
      password: 'yet another password',
    });
    expect(reuse.status).toBe(410);
    expect(reuse.body.error.message).toMatch(/already been used/);
  });

  it('refuses an expired link, an unknown one, and an older link once a newer one is sent', async () => {
    const { email } = await signUp(api, 'expiry');
    const first = await requestReset(email);
    const second = await requestReset(email);
    const older = await new Client(api.url).post('/api/auth/password-reset', {
      token: first.token,
      password: 'some new password',
    });
    expect(older.status).toBe(404);

    await api.deps.db.passwordReset.update({
      where: { tokenHash: sha256(second.token) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await new Client(api.url).post('/api/auth/password-reset', {
      token: second.token,
      password: 'some new password',
    });
    expect(expired.status).toBe(410);
    expect(expired.body.error.message).toMatch(/expired/);
    const unknown = await new Client(api.url).get(
      `/api/auth/password-reset/lookup?token=${'x'.repeat(43)}`,
    );
    expect(unknown.status).toBe(404);
  });

  it("goes out through the workspace's own relay when it has one, else the dev mail catcher", async () => {
    const { email, me } = await signUp(api, 'relayed');
    expect((await requestReset(email)).message.identityId).toBeNull();
    const identity = await api.deps.db.sendingIdentity.create({
      data: {
        workspaceId: me.workspace.id,
        name: 'Main',
        fromName: 'Team',
        fromEmail: 'team@kindling.test',
        smtpUrlEncrypted: 'sealed relay url',
      },
    });
    expect((await requestReset(email)).message.identityId).toBe(identity.id);
  });

  it('limits requests per address', async () => {
    const { email } = await signUp(api, 'flood');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await new Client(api.url).post('/api/auth/password-reset/request', { email })).status,
      );
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
  });
});
