/// <reference lib="dom" />
// A database outage gets answers, not hangs. The built api, worker and tracking reach PostgreSQL
// through a real TCP proxy (test/support/tcp-proxy.ts) that the test cuts and restores. While it
// is cut: a submission to a form the api process has served is accepted into Redis (202, JSON
// fast path and urlencoded), one to a form it never loaded is 503 + Retry-After, authenticated
// routes are 503 + Retry-After, nothing hangs. A visitor's widget in Chromium whose post lands on
// an api process that never loaded the form (two processes behind one PUBLIC_URL, as behind a
// load balancer) keeps the submission and delivers it after recovery, which is automatic.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createDb, type Db } from '@kindling/db';
import { launchBrowser } from './support/browser.js';
import { freePort, root, startProduct, waitFor, type Product } from './support/product.js';
import { demoApi, startLanding, type DemoApi, type Landing } from './support/landing.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

let proxy: TcpProxy;
let product: Product;
let browser: Browser;
let db: Db;
let landing: Landing;
let demo: DemoApi;
let second: ChildProcess | undefined;
let secondUrl: string;
let logs = '';

beforeAll(async () => {
  const target = new URL(process.env.DATABASE_URL!);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  product = await startProduct({ DATABASE_URL: proxy.urlFor(process.env.DATABASE_URL!) });
  // A second api process with the same PUBLIC_URL: it serves the widget its form definition,
  // while the widget posts to PUBLIC_URL (the first process), which has never loaded the form.
  const port = await freePort();
  secondUrl = `http://127.0.0.1:${port}`;
  second = spawn(process.execPath, ['apps/api/dist/main.js'], {
    cwd: root,
    env: { ...product.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  second.stdout!.on('data', (c: Buffer) => (logs += c.toString()));
  second.stderr!.on('data', (c: Buffer) => (logs += c.toString()));
  await waitFor(`${secondUrl}/readyz`, 30_000, () => logs);
  browser = await launchBrowser();
  db = createDb(process.env.DATABASE_URL!, { poolSize: 2 });
  demo = await demoApi(product.apiUrl);
  landing = await startLanding();
});
afterAll(async () => {
  proxy?.restore();
  await browser?.close();
  await landing?.close();
  await db?.$disconnect();
  if (second && second.exitCode === null) {
    const exited = new Promise((r) => second!.once('exit', r));
    second.kill('SIGTERM');
    await exited;
  }
  await product?.stop();
  await proxy?.close();
});

async function createForm() {
  const res = await demo.call('POST', '/api/forms', {
    name: `Outage ${randomUUID().slice(0, 6)}`,
    fields: [{ key: 'email', type: 'email', label: 'Email', required: true }],
  });
  if (res.status !== 201) throw new Error(`create form: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; publicId: string };
}

/** A request that must be answered: a hang fails it after 20 s. */
async function answered(url: string, init: RequestInit = {}) {
  const res = await fetch(url, {
    ...init,
    redirect: 'manual',
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text };
}

const post = (base: string, publicId: string, email: string) =>
  answered(`${base}/api/public/forms/${publicId}/submissions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': `10.9.${Math.floor(Math.random() * 250)}.1`,
    },
    body: JSON.stringify({ email, _elapsed: 5000 }),
  });

const leadCount = (email: string) => db.lead.count({ where: { email } });

it('answers every request while Postgres is cut off, and delivers everything after recovery', async () => {
  const cached = await createForm();
  const uncached = await createForm();
  const widgetForm = await createForm();
  // The first api process serves `cached` once; it never sees the other two before the cut.
  expect((await answered(`${product.apiUrl}/api/public/forms/${cached.publicId}`)).status).toBe(
    200,
  );

  const page = await browser.newPage();
  await page.clock.install();
  const seen: { status: number; retryAfter: string | null }[] = [];
  page.on('response', (r) => {
    if (r.url().endsWith('/submissions') && r.request().method() === 'POST')
      seen.push({ status: r.status(), retryAfter: r.headers()['retry-after'] ?? null });
  });
  await page.goto(
    landing.page(
      `<!doctype html><body><script src="${secondUrl}/embed.js" data-api="${secondUrl}" data-form="${widgetForm.publicId}" async></script></body>`,
    ),
  );
  const widget = page.locator('.kindling-form');
  const widgetEmail = `outage-widget-${randomUUID().slice(0, 8)}@example.test`;
  await widget.getByLabel(/^Email/).fill(widgetEmail);
  await page.clock.fastForward(3000);

  proxy.cut();
  const jsonEmail = `outage-json-${randomUUID().slice(0, 8)}@example.test`;
  const formEmail = `outage-form-${randomUUID().slice(0, 8)}@example.test`;
  const accepted = await post(product.apiUrl, cached.publicId, jsonEmail);
  expect(accepted.status).toBe(202);
  const urlencoded = await answered(
    `${product.apiUrl}/api/public/forms/${cached.publicId}/submissions`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: formEmail, _elapsed: '5000' }).toString(),
    },
  );
  expect(urlencoded.status).toBe(303);
  const refused = await post(
    product.apiUrl,
    uncached.publicId,
    `outage-no-${randomUUID().slice(0, 8)}@example.test`,
  );
  expect(refused.status).toBe(503);
  expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(JSON.parse(refused.text).error.code).toBe('unavailable');
  for (const path of ['/api/leads', '/api/forms', '/api/auth/me']) {
    const res = await answered(product.apiUrl + path, { headers: { cookie: demo.cookie() } });
    expect(res.status, path).toBe(503);
    expect(Number(res.retryAfter), path).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(res.text).error.code, path).toBe('unavailable');
  }
  expect((await answered(`${product.apiUrl}/readyz`)).status).toBe(503);

  // The visitor submits: 503 with Retry-After (readable cross-origin), the widget keeps it.
  await widget.getByRole('button', { name: 'Subscribe' }).click();
  await widget.getByText(/we saved your details/).waitFor();
  expect(seen[0]).toEqual({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
  expect(await page.evaluate(() => localStorage.getItem('kindling:outbox'))).toContain(widgetEmail);

  proxy.restore();
  await waitFor(`${product.apiUrl}/readyz`, 30_000, product.logs);
  // The widget's retry (its clock driven here) delivers; the worker stores all three.
  await expect
    .poll(
      async () => {
        await page.clock.fastForward(10_000);
        return leadCount(widgetEmail);
      },
      { timeout: 30_000, interval: 200 },
    )
    .toBe(1);
  await expect.poll(() => leadCount(jsonEmail), { timeout: 30_000, interval: 200 }).toBe(1);
  await expect.poll(() => leadCount(formEmail), { timeout: 30_000, interval: 200 }).toBe(1);
  expect(seen.at(-1)!.status).toBe(202);
  expect(await page.evaluate(() => localStorage.getItem('kindling:outbox'))).toBeNull();
  expect(
    (await answered(`${product.apiUrl}/api/leads`, { headers: { cookie: demo.cookie() } })).status,
  ).toBe(200);
  await page.close();
});
