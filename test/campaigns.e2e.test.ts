/// <reference lib="dom" />
// The campaign builder end to end: a real Chromium builds a two-email campaign in the web app,
// activates it, a visitor submits the embedded form on a landing page, and the worker's drip
// sweep + email.send deliver the first email into the dev mail catcher (built processes,
// Postgres, Redis). Screenshots of the builder and the campaign page go to SCREENSHOTS_DIR.
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createDb, type Db } from '@kindling/db';
import { launchBrowser, SCREENSHOTS_DIR } from './support/browser.js';
import { startProduct, type Product } from './support/product.js';
import {
  demoApi,
  startLanding,
  type ApiCall,
  type DemoApi,
  type Landing,
} from './support/landing.js';

let product: Product;
let browser: Browser;
let db: Db;
let landing: Landing;
let demo: DemoApi;
const api: ApiCall = (method, path, body) => demo.call(method, path, body);
const shots = SCREENSHOTS_DIR;

async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  ms: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}\n${product.logs().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  db = createDb(process.env.DATABASE_URL!, { poolSize: 2 });
  demo = await demoApi(product.apiUrl);
  landing = await startLanding();
});
afterAll(async () => {
  await browser?.close();
  await landing?.close();
  await db?.$disconnect();
  await product?.stop();
});

it('builds a two-email campaign in the browser, activates it, and a form submission gets the first email', async () => {
  const tag = randomUUID().slice(0, 6);
  const form = await api('POST', '/api/forms', {
    name: `Campaign e2e ${tag}`,
    successMessage: 'You are in!',
    fields: [
      { key: 'email', type: 'email', label: 'Email', required: true },
      { key: 'first_name', type: 'text', label: 'First name', required: false },
    ],
  });
  expect(form.status).toBe(201);
  const identity = await api('POST', '/api/sending/identities', {
    name: `Catcher ${tag}`,
    fromName: 'Kindling Team',
    fromEmail: `team@e2e-${tag}.kindling.test`,
    ipPool: `e2e-${tag}`,
    generateDkim: false,
  });
  expect(identity.status).toBe(201);
  // This identity's own pool and domain send around the clock (the default warm-up window is
  // 08-20 in the workspace's zone, which would hold the email when the test runs at night).
  const plans = await api('GET', '/api/sending/warmup');
  for (const p of plans.body as { id: string; key: string }[]) {
    if (p.key === `e2e-${tag}` || p.key === `e2e-${tag}.kindling.test`) {
      expect(
        (await api('PATCH', `/api/sending/warmup/${p.id}`, { sendStartHour: 0, sendEndHour: 24 }))
          .status,
      ).toBe(200);
    }
  }

  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const [name, value] = demo.cookie().split('=') as [string, string];
  await context.addCookies([{ name, value, url: product.apiUrl }]);
  const page = await context.newPage();
  await page.goto(`${product.apiUrl}/campaigns/new`);
  await page.getByTestId('campaign-builder').waitFor();

  await page.locator('#c-name').fill(`Welcome series ${tag}`);
  await page.locator('#c-identity').selectOption(identity.body.id);
  const trigger = page.getByTestId('trigger-0');
  await trigger.getByLabel('Trigger type').selectOption('form_submission');
  await trigger.getByLabel('Form').selectOption(form.body.id);

  // Email 1: subject with a merge tag, body typed in the visual editor plus a button block.
  await page
    .getByTestId('step-0-subject')
    .fill(`Welcome {{first_name | default: "friend"}} (${tag})`);
  const editor0 = page.getByTestId('step-0').locator('.rte-area');
  await editor0.fill('');
  await editor0.pressSequentially('Hello from the e2e campaign. ');
  await page.getByTestId('step-0').getByTestId('rte-button').click();
  await page.getByTestId('rte-insert').getByLabel('button URL').fill('https://example.com/start');
  await page.getByTestId('rte-insert').getByLabel('button label').fill('Get started');
  await page.getByTestId('rte-insert').getByRole('button', { name: 'Insert button' }).click();
  await expect.poll(() => editor0.locator('a', { hasText: 'Get started' }).count()).toBe(1);
  // The plain-text part is generated from the HTML.
  await expect
    .poll(() => page.locator('#s0-text').inputValue())
    .toContain('Get started (https://example.com/start)');

  // A wait, then email 2 — first with a typo'd merge tag, which the builder flags.
  await page.getByTestId('add-wait').click();
  await page.getByTestId('step-1-wait-amount').fill('2');
  await page.getByTestId('add-email').click();
  await page.getByTestId('step-2-subject').fill('Two days later');
  const editor2 = page.getByTestId('step-2').locator('.rte-area');
  await editor2.fill('Still there, {{frist_name}}?');
  await page.getByTestId('step-2-html-error').waitFor();
  expect(await page.getByTestId('step-2-html-error').textContent()).toContain(
    'Unknown merge tag {{frist_name}}',
  );
  const tall = async () =>
    page.setViewportSize({
      width: 1440,
      height: await page.evaluate(() => document.documentElement.scrollHeight),
    });
  await tall();
  await page.screenshot({ path: path.join(shots, 'campaigns-builder-merge-tag-error.png') });
  await editor2.fill('Still there, {{first_name | default: "friend"}}?');
  await expect.poll(() => page.getByTestId('step-2-html-error').count()).toBe(0);
  await tall();
  await page.screenshot({ path: path.join(shots, 'campaigns-builder.png') });
  await page.setViewportSize({ width: 1440, height: 1000 });

  await page.getByTestId('campaign-activate').click();
  await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
  const campaignId = page.url().split('/').pop()!;
  await page.getByTestId('campaign-pause').waitFor(); // only an active campaign offers Pause
  const stored = await db.campaign.findUniqueOrThrow({
    where: { id: campaignId },
    include: { steps: { orderBy: { position: 'asc' } }, triggers: true },
  });
  expect(stored.status).toBe('active');
  expect(stored.steps.map((s) => s.type)).toEqual(['email', 'wait', 'email']);
  expect(stored.steps[1]!.config).toEqual({ minutes: 2 * 24 * 60 });
  expect(stored.triggers).toMatchObject([{ type: 'form_submission', formId: form.body.id }]);

  // A visitor submits the embedded form on a landing page of another origin.
  const email = `lead-${tag}@example.test`;
  const landingPage = landing.page(
    `<!doctype html><html><body><h1>Sign up</h1><script src="${product.apiUrl}/embed.js" data-form="${form.body.publicId}" async></script></body></html>`,
  );
  const visitor = await browser.newPage();
  await visitor.clock.install();
  await visitor.goto(landingPage);
  const widget = visitor.locator('.kindling-form');
  await widget.getByLabel(/^Email/).fill(email);
  await widget.getByLabel('First name').fill('Ada');
  await visitor.clock.fastForward(3000);
  await widget.getByRole('button', { name: 'Subscribe' }).click();
  await widget.getByText('You are in!').waitFor();

  // The worker's sweep (every 15 s) runs the step; email.send delivers into the dev mail catcher.
  const caught = await until(
    'the first email in the dev mail catcher',
    async () => (await db.caughtMessage.findMany({ where: { envelopeTo: { has: email } } }))[0],
    90_000,
  );
  expect(caught.subject).toBe(`Welcome Ada (${tag})`);
  expect(caught.raw).toContain('Hello from the e2e campaign.');
  expect(caught.raw).toContain('Get started');
  const messages = await db.message.findMany({ where: { campaignId, kind: 'campaign' } });
  expect(messages).toHaveLength(1);
  const enrollment = await db.enrollment.findFirstOrThrow({ where: { campaignId } });
  expect(enrollment.currentStepId).toBe(stored.steps[1]!.id);
  expect(enrollment.nextRunAt!.getTime() - enrollment.enrolledAt.getTime()).toBeGreaterThanOrEqual(
    2 * 24 * 3600_000,
  );

  // The campaign page shows the per-step numbers.
  await until(
    'the send recorded',
    async () => (await db.message.count({ where: { campaignId, status: 'sent' } })) === 1,
    30_000,
  );
  await page.reload();
  const firstRow = page.getByTestId('step-stats').locator('tbody tr').first();
  await expect.poll(() => firstRow.locator('td').nth(3).textContent()).toContain('1');
  await page.screenshot({ path: path.join(shots, 'campaigns-page.png'), fullPage: true });
  // The list page.
  await page.goto(`${product.apiUrl}/campaigns`);
  await page.getByTestId('campaigns-table').waitFor();
  await page.screenshot({ path: path.join(shots, 'campaigns-list.png') });
  await context.close();
  await visitor.close();
});
