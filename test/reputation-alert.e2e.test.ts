// The reputation guard's owner alert as an owner meets it: a pool that paused itself is named,
// with its reason, on every page of the web app until a person resumes it.
import { afterAll, beforeAll, expect, it } from 'vitest';
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
  db = createDb(process.env.DATABASE_URL!);
});
afterAll(async () => {
  await browser?.close();
  await product?.stop();
  await db?.$disconnect();
});

it('shows a paused pool and its reason on every page until an owner resumes it', async () => {
  const owner = await db.user.findUniqueOrThrow({
    where: { email: 'demo@kindling.local' },
    include: { memberships: { where: { role: 'owner', workspace: { name: 'Demo Workspace' } } } },
  });
  const workspaceId = owner.memberships[0]!.workspaceId;
  const key = `alert-pool-${Date.now()}`;
  const reason = 'bounce rate 6.00% reached the pause threshold 5.00% (6 of 100)';
  const plan = await db.warmupPlan.create({
    data: {
      workspaceId,
      scope: 'ip_pool',
      key,
      status: 'paused',
      pausedReason: reason,
      pausedAt: new Date(),
    },
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${product.apiUrl}/login`);
    await page.getByLabel('Email').fill('demo@kindling.local');
    await page.getByLabel('Password').fill('kindling-demo');
    await page.getByRole('button', { name: /log in|sign in/i }).click();
    await page.getByTestId('app-shell').waitFor();

    for (const path of ['/forms', '/leads', '/campaigns']) {
      await page.goto(`${product.apiUrl}${path}`);
      const banner = page.getByTestId('sending-paused-banner');
      await banner.waitFor();
      const text = await banner.textContent();
      expect(text).toContain(`Sending paused on IP pool “${key}”`);
      expect(text).toContain(reason);
    }

    await page.getByRole('link', { name: 'Review and resume' }).first().click();
    await page.waitForURL(/\/sending\/warmup$/);
    const card = page.locator('.card', { hasText: `IP pool ${key}` });
    await card.getByTestId('warmup-resume').click();
    await page.getByText(`Sending paused on IP pool “${key}”`).waitFor({ state: 'detached' });
    expect((await db.warmupPlan.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe(
      'active',
    );
    await page.close();
  } finally {
    await db.warmupPlan.delete({ where: { id: plan.id } }).catch(() => undefined);
  }
});
