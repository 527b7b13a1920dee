// The Sending pages in Chromium against the built product: add an identity without a relay
// (DKIM record shown), send a test, find it in the Outbox (rendered in a sandboxed iframe,
// headers, raw source), and the warm-up tab's day / cap / use / held figures.
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { startProduct, type Product } from './support/product.js';
import { openFixtures, type Fixtures } from './support/sending-fixtures.js';

let product: Product;
let browser: Browser;
let f: Fixtures;

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  f = openFixtures();
});

afterAll(async () => {
  await browser?.close();
  await f?.close();
  await product?.stop();
});

it('adds an identity, sends a test into the dev mail catcher and shows it in the Outbox', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const email = `sender-${randomUUID().slice(0, 8)}@example.test`;
  const signup = await context.request.post(`${product.apiUrl}/api/auth/signup`, {
    data: { name: 'Sender', email, password: 'correct horse battery', workspaceName: 'UI sending' },
  });
  expect(signup.status()).toBe(201);

  await page.goto(`${product.apiUrl}/sending`);
  await page.getByTestId('sending-empty').waitFor();
  await page.getByTestId('identity-add').click();
  await page.getByTestId('identity-name').fill('Dev identity');
  await page.getByTestId('identity-from-email').fill('news@mail.kindling-ui.test');
  await page.getByTestId('identity-smtp-url').fill('http://not-smtp');
  await page.getByTestId('identity-submit').click();
  // A clear message for a bad relay URL, and nothing lost from the form.
  await page.getByText('Use smtp://user:password@host:587').waitFor();
  expect(await page.getByTestId('identity-name').inputValue()).toBe('Dev identity');
  // An internal relay is refused by the server, the reason shown on the field.
  await page.getByTestId('identity-smtp-url').fill('smtp://127.0.0.1:6379');
  await page.getByTestId('identity-submit').click();
  await page.getByText(/127\.0\.0\.1:6379, a loopback address/).waitFor();
  expect(await page.getByTestId('identity-name').inputValue()).toBe('Dev identity');
  await page.getByTestId('identity-smtp-url').fill('');
  await page.getByTestId('identity-submit').click();
  await page.getByTestId('identity-row').waitFor();
  expect(await page.getByTestId('identity-dkim-name').inputValue()).toMatch(
    /\._domainkey\.mail\.kindling-ui\.test$/,
  );
  expect(await page.getByTestId('identity-dkim-value').inputValue()).toMatch(/^v=DKIM1; k=rsa; p=/);

  await page.getByTestId('identity-test').click();
  await page.getByTestId('sending-tab-outbox').click();
  await page.getByTestId('outbox-row').first().waitFor({ timeout: 30_000 });
  await page.getByTestId('outbox-row').first().getByRole('button').click();
  const frame = page.getByTestId('outbox-html');
  await frame.waitFor();
  expect(await frame.getAttribute('sandbox')).toBe('');
  expect(
    await page.frameLocator('[data-testid="outbox-html"]').locator('body').textContent(),
  ).toContain('This is a test message from Kindling');
  await page.getByTestId('outbox-view-headers').click();
  const headers = await page.getByTestId('outbox-headers').textContent();
  expect(headers).toContain('List-Unsubscribe-Post');
  expect(headers).toContain('DKIM-Signature');
  expect(headers).toContain('X-Kindling-Message');
  expect(headers).not.toContain('X-Kindling-Workspace');
  await page.getByTestId('outbox-view-raw').click();
  expect(await page.getByTestId('outbox-raw').textContent()).toContain(
    'Content-Type: multipart/alternative',
  );

  await page.getByTestId('sending-tab-warmup').click();
  await page.getByTestId('warmup-plan').first().waitFor();
  expect(await page.getByTestId('warmup-day').first().textContent()).toBe('1');
  expect(await page.getByTestId('warmup-held').first().textContent()).toBe('0');
  expect(await page.getByTestId('warmup-used').first().textContent()).toMatch(/^0 \/ 50$/);
  await context.close();
});

it('shows held inbound reports to an admin, and dismisses one', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const email = `review-${randomUUID().slice(0, 8)}@example.test`;
  const signup = await context.request.post(`${product.apiUrl}/api/auth/signup`, {
    data: {
      name: 'Reviewer',
      email,
      password: 'correct horse battery',
      workspaceName: 'UI review',
    },
  });
  expect(signup.status()).toBe(201);
  const workspaceId = ((await signup.json()) as { workspace: { id: string } }).workspace.id;
  await f.db.inboundReview.create({
    data: {
      workspaceId,
      source: 'smtp',
      kind: 'arf',
      reason: 'no_token',
      envelopeTo: 'fbl@kindling.test',
      namedRecipients: ['victim@example.org'],
      excerpt: 'Feedback-Type: abuse\r\nOriginal-Rcpt-To: <victim@example.org>',
    },
  });
  await page.goto(`${product.apiUrl}/sending?tab=review`);
  const row = page.getByTestId('review-row');
  await row.waitFor();
  expect(await row.textContent()).toContain('No Kindling token');
  expect(await row.textContent()).toContain('victim@example.org');
  await row.getByRole('button', { name: /ARF via SMTP/ }).click();
  expect(await page.getByTestId('review-excerpt').textContent()).toContain('Feedback-Type: abuse');
  await row.getByRole('button', { name: 'Dismiss' }).click();
  await page.getByTestId('review-empty').waitFor();
  expect(await f.db.inboundReview.count({ where: { workspaceId } })).toBe(0);
  await context.close();
});
