// Accounts as a person meets them in Chromium: password reset ("Forgot password?", the email
// sent by the real worker through email.send into the dev mail catcher, the link followed, a new
// password; every old session dead, the link refused twice), the accept-invite page for the
// wrong person and for closed links, and API keys with scopes under Settings -> API keys.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createDb, type Db } from '@kindling/db';
import { launchBrowser } from './support/browser.js';
import { startProduct, type Product } from './support/product.js';

let product: Product;
let browser: Browser;
let db: Db;

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  db = createDb(process.env.DATABASE_URL!, { poolSize: 2 });
});
afterAll(async () => {
  await browser?.close();
  await product?.stop();
  await db?.$disconnect();
});

const unique = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.test`;

async function signUp(email: string, password: string, workspaceName = 'Reset Co') {
  const res = await fetch(`${product.apiUrl}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Someone', email, password, workspaceName }),
  });
  expect(res.status).toBe(201);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

async function call(cookie: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${product.apiUrl}${path}`, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : null };
}

async function acceptAsNewUser(url: string, name: string) {
  const res = await fetch(`${product.apiUrl}/api/auth/accept-invite`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: url.split('/invite/')[1], name, password: `${name} password 1` }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** A browser context signed in with an api session cookie. */
async function signedInContext(cookie: string) {
  const context = await browser.newContext();
  const eq = cookie.indexOf('=');
  await context.addCookies([
    { name: cookie.slice(0, eq), value: cookie.slice(eq + 1), url: product.apiUrl },
  ]);
  return context;
}

const me = (cookie: string) =>
  fetch(`${product.apiUrl}/api/auth/me`, { headers: { cookie } }).then((r) => r.status);

describe('password reset', () => {
  it('emails a single-use link that sets a new password and ends every session', async () => {
    const email = unique('reset');
    const oldPassword = 'the old password';
    const apiSession = await signUp(email, oldPassword);
    expect(await me(apiSession)).toBe(200);

    // A browser that is signed in too.
    const signedIn = await browser.newContext();
    const other = await signedIn.newPage();
    await other.goto(`${product.apiUrl}/login`);
    await other.getByLabel('Email').fill(email);
    await other.getByLabel('Password').fill(oldPassword);
    await other.getByRole('button', { name: 'Log in' }).click();
    await other.getByTestId('app-shell').waitFor();

    // Ask for the link from the login page.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${product.apiUrl}/login`);
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForURL(/\/forgot-password$/);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Email me a reset link' }).click();
    await page.getByTestId('reset-requested').waitFor();

    // The worker delivers it to the dev mail catcher.
    await expect
      .poll(
        () =>
          db.caughtMessage.count({
            where: { envelopeTo: { has: email }, subject: 'Reset your Kindling password' },
          }),
        { timeout: 60_000, interval: 250 },
      )
      .toBe(1);
    const caught = await db.caughtMessage.findFirstOrThrow({
      where: { envelopeTo: { has: email }, subject: 'Reset your Kindling password' },
    });
    const raw = caught.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const link = new RegExp(`${product.apiUrl.replace(/[.]/g, '\\.')}/reset-password/[\\w-]+`).exec(
      raw,
    )?.[0];
    expect(link).toBeTruthy();
    // Account mail carries no unsubscribe header.
    expect(raw).not.toMatch(/^List-Unsubscribe:/im);

    // Follow it and choose a new password.
    const newPassword = 'a fresh new password';
    await page.goto(link!);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Repeat the new password').fill(newPassword);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForURL(/\/login$/);

    // Every old session is dead: the api cookie and the other browser.
    expect(await me(apiSession)).toBe(401);
    await other.reload();
    await other.waitForURL(/\/login/);

    // The old password no longer works, the new one does.
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(oldPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Email or password is wrong').waitFor();
    await page.getByLabel('Password').fill(newPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('app-shell').waitFor();

    // The link does not work a second time, in the api or the browser.
    const token = link!.split('/reset-password/')[1]!;
    const again = await fetch(`${product.apiUrl}/api/auth/password-reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: 'yet another password' }),
    });
    expect(again.status).toBe(410);
    const reuse = await browser.newPage();
    await reuse.goto(link!);
    await reuse.getByRole('heading', { name: 'This reset link does not work' }).waitFor();
    await reuse.getByText('already been used').waitFor();

    await reuse.close();
    await signedIn.close();
    await context.close();
  });

  it('the accept-invite page says whom an invite is for and why a link no longer works', async () => {
    const owner = await signUp(unique('inviter'), 'owner password 1', 'Invite Co');
    const invite = async (email: string) => {
      const res = await call(owner, 'POST', '/api/invites', { email, role: 'admin' });
      expect(res.status).toBe(201);
      return { id: res.body!.id as string, url: res.body!.url as string };
    };
    const alice = unique('alice');
    const forAlice = await invite(alice);

    // Someone else, signed in, cannot take Alice's invite.
    const mallory = await signedInContext(await signUp(unique('mallory'), 'mallory pass 1'));
    const page = await mallory.newPage();
    await page.goto(forAlice.url);
    await page.getByText(`It is for ${alice} only`).waitFor();
    expect(await page.getByRole('button', { name: /Accept and join/ }).isDisabled()).toBe(true);
    await mallory.close();

    // Closed links each say why.
    const revoked = await invite(unique('revoked'));
    expect((await call(owner, 'DELETE', `/api/invites/${revoked.id}`)).status).toBe(204);
    const used = await invite(unique('used'));
    await acceptAsNewUser(used.url, 'used');
    const expired = await invite(unique('expired'));
    await db.invite.update({
      where: { id: expired.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const visitor = await browser.newContext();
    const view = await visitor.newPage();
    for (const [link, why] of [
      [revoked.url, 'revoked'],
      [used.url, 'already been used'],
      [expired.url, 'expired'],
    ] as const) {
      await view.goto(link);
      await view.getByRole('heading', { name: 'This invite link no longer works' }).waitFor();
      await view.getByTestId('invite-closed').waitFor();
      expect(await view.locator('body').textContent()).toContain(why);
    }

    // Alice, signed out, creates her account with the invited address and joins as admin.
    await view.goto(forAlice.url);
    await view.getByLabel('Your name').fill('Alice');
    await view.getByLabel('Password').fill('alice password 1');
    await view.getByRole('button', { name: 'Create account and join' }).click();
    await view.getByTestId('app-shell').waitFor();
    await visitor.close();
  });

  it('creates API keys with the scopes chosen, and offers a member no more than their role', async () => {
    const ownerEmail = unique('keys');
    const owner = await signUp(ownerEmail, 'owner password 1', 'Keys Co');
    const context = await signedInContext(owner);
    const page = await context.newPage();
    await page.goto(`${product.apiUrl}/settings/api-keys`);
    const scopes = page.getByTestId('api-key-scopes');
    await scopes.waitFor();
    expect(await scopes.getByRole('checkbox').count()).toBe(6);
    await page.getByTestId('api-key-name').fill('CRM sync');
    await scopes.getByRole('checkbox', { name: /leads:write/ }).check();
    await page.getByTestId('api-key-submit').click();
    await page.getByTestId('api-key-created').waitFor();
    const row = page.getByTestId('api-key-row').filter({ hasText: 'CRM sync' });
    await expect
      .poll(() => row.getByTestId('api-key-row-scopes').textContent())
      .toBe('readleads:write');
    const stored = await db.apiKey.findFirstOrThrow({
      where: { name: 'CRM sync', createdBy: { email: ownerEmail } },
    });
    expect(stored.scopes).toEqual(['read', 'leads:write']);
    await context.close();

    // A member is offered only the scopes their role can grant, and no export button.
    const inv = await call(owner, 'POST', '/api/invites', {
      email: unique('member'),
      role: 'member',
    });
    const member = await signedInContext(await acceptAsNewUser(String(inv.body!.url), 'member'));
    const mp = await member.newPage();
    await mp.goto(`${product.apiUrl}/settings/api-keys`);
    const offered = mp.getByTestId('api-key-scopes');
    await offered.waitFor();
    const values = await offered
      .getByRole('checkbox')
      .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    expect(values).toEqual(['read', 'leads:write', 'forms:write', 'campaigns:write']);
    await mp.goto(`${product.apiUrl}/leads`);
    await mp.getByTestId('leads-empty').waitFor();
    expect(await mp.getByTestId('leads-export').count()).toBe(0);
    expect(await mp.getByTestId('leads-import').count()).toBe(1);
    await member.close();
  });
});
