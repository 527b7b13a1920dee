/// <reference lib="dom" />
// The first ten minutes, as a new user has them: `npm start` (scripts/start.mjs, unchanged) on an
// empty database of this test's own, with its own redis-server and free ports, prints the demo
// landing page's URL; Chromium opens it and submits the embedded form; the drip's first email
// reaches the Outbox and the lead the overview. Screenshots of the overview, the campaign's
// statistics and the Outbox go to SCREENSHOTS_DIR (docs/screenshots refreshes the README's).
// Then the integration layer runs beside the instance, as `npm test` beside `npm start` would,
// and the instance still captures a submission and drains a tracking hit.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { startPrivateRedis, type PrivateRedis } from '../scripts/lib/private-redis.mjs';
import { launchBrowser, SCREENSHOTS_DIR } from './support/browser.js';
import { freePort, root } from './support/product.js';
import { demoApi, type DemoApi } from './support/landing.js';

const testDbUrl = new URL(
  process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/kindling_test',
);
const dbName = `${testDbUrl.pathname.slice(1)}_start_${randomUUID().slice(0, 8)}`;
const dbUrl = new URL(testDbUrl);
dbUrl.pathname = `/${dbName}`;
const adminUrl = new URL(testDbUrl);
adminUrl.pathname = '/postgres';

let redis: PrivateRedis;
let start: ChildProcess;
let output = '';
let browser: Browser;
let sql: pg.Client;
let demo: DemoApi;
let apiUrl = '';
let landingUrl = '';
let trackingUrl = '';

async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  ms: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}\n${output.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  redis = await startPrivateRedis();
  const [api, tracking, health, landing] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  start = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL: redis.url,
      APP_SECRET: 'e2e-secret-0123456789abcdef0123456789abcdef',
      PORT: String(api),
      TRACKING_PORT: String(tracking),
      HEALTH_PORT: String(health),
      DEMO_PORT: String(landing),
      DEV_SMTP_PORT: '0',
      INBOUND_SMTP_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  start.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  start.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const printed = await until(
    'npm start to print the landing page',
    () => Promise.resolve(/Landing page\s+(http:\/\/\S+)/.exec(output)),
    420_000,
  );
  landingUrl = printed[1]!;
  apiUrl = /Web app\s+(http:\/\/\S+)/.exec(output)![1]!;
  trackingUrl = /Tracking\s+(http:\/\/\S+)/.exec(output)![1]!;
  browser = await launchBrowser();
  sql = new pg.Client({ connectionString: dbUrl.toString() });
  await sql.connect();
  demo = await demoApi(apiUrl);
}, 480_000);

afterAll(async () => {
  await browser?.close();
  await sql?.end();
  if (start && start.exitCode === null) {
    const exited = new Promise((r) => start.once('exit', r));
    start.kill('SIGTERM');
    await exited;
  }
  await redis?.stop();
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
}, 60_000);

async function signedInPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const [name, value] = demo.cookie().split('=') as [string, string];
  await context.addCookies([{ name, value, url: apiUrl }]);
  return context.newPage();
}

/** Grows the viewport to the page's height, so a screenshot shows the whole page. */
async function fullHeight(page: Page): Promise<void> {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1280, height: Math.min(Math.max(height, 700), 2400) });
}

let submitted = '';

it('npm start on an empty database: the landing page form starts the drip, the email is in the Outbox and the lead on the overview', async () => {
  expect(output).toMatch(/demo data written: 240 leads/);
  expect(new URL(landingUrl).port).not.toBe(new URL(apiUrl).port);

  // A visitor on the landing page (its own origin) fills the embedded form.
  const visitor = await browser.newPage();
  await visitor.clock.install();
  await visitor.goto(landingUrl);
  const widget = visitor.locator('.kindling-form[data-form="frm_demo_newsletter"]');
  await widget.getByRole('button', { name: 'Get the newsletter' }).waitFor();
  submitted = `visitor-${randomUUID().slice(0, 8)}@example.test`;
  await widget.getByLabel(/^Work email/).fill(submitted);
  await widget.getByLabel(/^First name/).fill('Vera');
  await widget.getByLabel(/^Company/).fill('Landing Co');
  await widget.getByLabel(/I agree to receive the newsletter/).check();
  await visitor.clock.fastForward(4000); // past the form's time trap, as a person would be
  await visitor.screenshot({ path: path.join(SCREENSHOTS_DIR, 'demo-landing.png') });
  await widget.getByRole('button', { name: 'Get the newsletter' }).click();
  await widget.getByText('Thanks! Check your inbox').waitFor();
  await visitor.close();

  // The drip's first email reaches the dev mail catcher's Outbox.
  const caught = await until(
    "the drip's first email in the Outbox",
    async () => {
      const res = await demo.call('GET', '/api/sending/outbox');
      return (res.body as { envelopeTo: string[]; subject: string; id: string }[]).find((m) =>
        m.envelopeTo.includes(submitted),
      );
    },
    90_000,
  );
  expect(caught.subject).toBe('Welcome to the newsletter, Vera');

  const page = await signedInPage();
  // The overview: the lead among the latest, today's count, the demo's history beside it.
  await page.goto(`${apiUrl}/`);
  await page.waitForURL(/\/overview$/);
  await page.getByTestId('overview-recent-leads').getByText(submitted).waitFor();
  expect(
    Number(await page.getByTestId('overview-leads-total').locator('.stat-value').textContent()),
  ).toBe(241);
  await page.getByTestId('overview-email').waitFor();
  await fullHeight(page);
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, 'overview.png') });

  // The campaign's statistics.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page
    .getByTestId('overview-campaigns')
    .getByRole('link', { name: 'Welcome drip (demo)' })
    .click();
  await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
  // Statistics loaded: the lead just enrolled is in the list and the tiles have numbers.
  await page.getByText(submitted).first().waitFor();
  await expect.poll(() => page.locator('.stat-tile .stat-value').first().textContent()).toBe('241');
  await fullHeight(page);
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, 'campaign-stats.png') });

  // The Outbox with the email just sent.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${apiUrl}/sending`);
  await page.getByTestId('sending-tab-outbox').click();
  await page.getByText(submitted).first().waitFor();
  await page.getByText(submitted).first().click();
  await page.getByText('Welcome to the newsletter, Vera').first().waitFor();
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, 'outbox.png') });
  await page.context().close();
}, 300_000);

it('runs the integration layer beside the running instance, which still captures submissions and drains tracking hits', async () => {
  // `npx vitest run` of an integration file, as a developer runs tests beside `npm start`: its
  // own database (the suite's) and its own redis-server (TEST_REDIS_URL unset), free ports.
  const env: NodeJS.ProcessEnv = { ...process.env, TEST_DATABASE_URL: testDbUrl.toString() };
  delete env.TEST_REDIS_URL;
  delete env.REDIS_URL;
  delete env.DATABASE_URL;
  const beside = spawn(
    process.execPath,
    [
      'node_modules/vitest/vitest.mjs',
      'run',
      'apps/api/src/routes/overview.integration.test.ts',
      'apps/api/src/public/public.integration.test.ts',
    ],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let besideOut = '';
  beside.stdout.on('data', (c: Buffer) => (besideOut += c.toString()));
  beside.stderr.on('data', (c: Buffer) => (besideOut += c.toString()));
  const code = await new Promise<number | null>((r) => beside.once('exit', r));
  expect(code, besideOut.slice(-3000)).toBe(0);
  expect(start.exitCode).toBeNull();

  // A submission to the instance is captured: a lead in its database.
  const email = `after-${randomUUID().slice(0, 8)}@example.test`;
  const res = await fetch(`${apiUrl}/api/public/forms/frm_demo_newsletter/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(landingUrl).origin },
    body: JSON.stringify({
      email,
      first_name: 'After',
      consent: true,
      _elapsed: 5000,
    }),
  });
  expect(res.status, await res.clone().text()).toBe(202);
  await until(
    'the submission stored as a lead',
    async () => (await sql.query('SELECT 1 FROM "Lead" WHERE email = $1', [email])).rowCount === 1,
    60_000,
  );

  // A tracking hit on the first visitor's email is drained into Postgres.
  const list = await demo.call('GET', '/api/sending/outbox');
  const summary = (list.body as { id: string; envelopeTo: string[] }[]).find((m) =>
    m.envelopeTo.includes(submitted),
  )!;
  const message = await demo.call('GET', `/api/sending/outbox/${summary.id}`);
  const pixel = new RegExp(`${trackingUrl}/o/[^"'\\s]+`).exec(message.body.html as string)![0];
  const hit = await fetch(pixel.replaceAll('&amp;', '&'), {
    headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0' },
  });
  expect(hit.status).toBe(200);
  await until(
    'the open drained into TrackingEvent',
    async () =>
      (
        await sql.query(
          `SELECT 1 FROM "TrackingEvent" e JOIN "Message" m ON m.id = e."messageId"
           WHERE m."toEmail" = $1 AND e.type = 'open'`,
          [submitted],
        )
      ).rowCount === 1,
    60_000,
  );
}, 240_000);
