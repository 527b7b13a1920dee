// Password guessing is throttled per IP and per account-and-IP; the account as a whole only
// slows down. Someone hammering an account never locks its owner out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_LIMITS } from '../auth/login-throttle.js';
import { sha256 } from '../auth/tokens.js';
import { Client, signUp, startTestApi, type TestApi } from '../../test/support/testing.js';

let api: TestApi;
let direct: TestApi;
beforeAll(async () => {
  api = await startTestApi({ trustProxy: 1 });
  // No proxy in front: X-Forwarded-For is whatever the client wrote, so it must not count.
  direct = await startTestApi({ trustProxy: 0 });
});
afterAll(async () => {
  await api.close();
  await direct.close();
});

const login = (client: Client, email: string, password: string) =>
  client.post('/api/auth/login', { email, password });

describe('login throttling without a lock-out', () => {
  it('stops one IP hammering an account while the owner signs in from their own IP', async () => {
    const { email, password } = await signUp(api, 'hammered');
    const attacker = new Client(api.url); // IP A
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login(attacker, email, `guess ${i}`)).status);
    expect(statuses.slice(0, LOGIN_LIMITS.perAccountAndIp)).toEqual(
      Array(LOGIN_LIMITS.perAccountAndIp).fill(401),
    );
    expect(statuses.slice(LOGIN_LIMITS.perAccountAndIp)).toEqual(
      Array(12 - LOGIN_LIMITS.perAccountAndIp).fill(429),
    );
    // Even the right password from A waits out A's window...
    const fromA = await login(attacker, email, password);
    expect(fromA.status).toBe(429);
    expect(Number(fromA.headers.get('retry-after'))).toBeGreaterThan(0);

    // ...but the owner, on IP B, gets in.
    const owner = new Client(api.url);
    expect(owner.ip).not.toBe(attacker.ip);
    const ok = await login(owner, email, password);
    expect(ok.status).toBe(200);
    expect((await owner.get('/api/auth/me')).body.user.email).toBe(email);
  });

  it('only delays, never refuses, when many IPs fail for one account', async () => {
    const { email, password } = await signUp(api, 'distributed');
    const failures = LOGIN_LIMITS.accountFreeFailures + 2;
    for (let i = 0; i < failures; i++) {
      expect((await login(new Client(api.url), email, `guess ${i}`)).status).toBe(401);
    }
    // Past the threshold: every further attempt on the account now waits (accountDelayMs).
    expect(Number(await api.deps.redis.get(`rl:login:acct-fail:${sha256(email)}`))).toBe(failures);
    // The owner, from a fresh IP, gets in (after the short account-wide delay).
    expect((await login(new Client(api.url), email, password)).status).toBe(200);
    // And a wrong password from a fresh IP is still answered 401, not 429.
    expect((await login(new Client(api.url), email, 'one more guess')).status).toBe(401);
  });

  it('takes the client IP from X-Forwarded-For only as far as TRUST_PROXY says', async () => {
    const { email } = await signUp(direct, 'spoof');
    // Each request claims a new X-Forwarded-For; without a trusted proxy they are all the
    // same peer (127.0.0.1), so the account-and-IP limit still applies.
    const statuses: number[] = [];
    for (let i = 0; i <= LOGIN_LIMITS.perAccountAndIp; i++) {
      statuses.push((await login(new Client(direct.url), email, `guess ${i}`)).status);
    }
    expect(statuses.at(-1)).toBe(429);
  });
});
