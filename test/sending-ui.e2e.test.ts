// The Sending pages in Chromium against the built product: add an identity without a relay
// (DKIM record shown), send a test, find it in the Outbox (rendered in a sandboxed iframe,
// headers, raw source), the warm-up tab's day / cap / use / held figures, and the messages
// awaiting review (re-queue, dismiss with a reason).
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { startProduct, type Product } from './support/product.js';
import { openFixtures, until, type Fixtures } from './support/sending-fixtures.js';
import { newMessageIdHeader } from '@kindling/sending';

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
  await page.goto(`${product.apiUrl}/sending/review`);
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

it('lists messages awaiting review in the Outbox; a person re-queues one and dismisses the rest with a reason', async () => {
  const f = openFixtures();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const signup = await context.request.post(`${product.apiUrl}/api/auth/signup`, {
      data: {
        name: 'Reviewer',
        email: `reviewer-${randomUUID().slice(0, 8)}@example.test`,
        password: 'correct horse battery',
        workspaceName: 'UI review',
      },
    });
    expect(signup.status()).toBe(201);
    const workspaceId = ((await signup.json()) as { workspace: { id: string } }).workspace.id;
    // What recovery leaves after a worker died between the end of DATA and the recorded answer.
    const rows = await Promise.all(
      ['ann', 'bob', 'cy'].map((who) =>
        f.db.message.create({
          data: {
            workspaceId,
            kind: 'test',
            toEmail: `${who}@review.example`,
            subject: `For ${who}`,
            html: `<p>Hello ${who}</p>`,
            messageIdHeader: newMessageIdHeader('review.example'),
            status: 'failed',
            attempts: 1,
            claimedAt: new Date(),
            claimedBy: 'gone:1',
            handedAt: new Date(),
            reviewAt: new Date(),
            lastError: `ambiguous: handed to SMTP by worker gone:1, which stopped (${who})`,
          },
        }),
      ),
    );
    await page.goto(`${product.apiUrl}/sending`);
    await page.getByTestId('sending-tab-outbox').click();
    const card = page.getByTestId('review-card');
    await card.waitFor();
    expect(await card.textContent()).toContain('Needs review (3)');
    expect(await page.getByTestId('review-row').count()).toBe(3);
    expect(await card.textContent()).toContain('ann@review.example');
    expect(await card.textContent()).toContain('which stopped (ann)');

    // Re-queue ann's: it goes through the normal pipeline (here the dev mail catcher), once.
    await page
      .getByTestId('review-row')
      .filter({ hasText: 'ann@review.example' })
      .getByTestId('review-requeue')
      .click();
    await until(
      async () => (await page.getByTestId('review-row').count()) === 2,
      15_000,
      async () => `${await page.getByTestId('review-row').count()} rows`,
    );
    await until(
      async () =>
        (await f.db.message.findUniqueOrThrow({ where: { id: rows[0]!.id } })).status === 'sent',
      30_000,
      async () => JSON.stringify(await f.db.message.findUnique({ where: { id: rows[0]!.id } })),
    );
    expect(await f.db.caughtMessage.count({ where: { messageId: rows[0]!.id } })).toBe(1);

    // The other two in bulk, dismissed with a reason.
    await page.getByTestId('review-select-all').check();
    await page.getByTestId('review-dismiss-selected').click();
    await page.getByTestId('review-dismiss-reason').fill('checked with the recipients');
    await page.getByRole('button', { name: 'Dismiss', exact: true }).last().click();
    await card.waitFor({ state: 'detached' });
    for (const r of rows.slice(1)) {
      const m = await f.db.message.findUniqueOrThrow({ where: { id: r.id } });
      expect(m).toMatchObject({ status: 'failed', reviewAt: null });
      expect(m.lastError).toMatch(
        /^dismissed after review by reviewer-.*: checked with the recipients/,
      );
      expect(await f.db.caughtMessage.count({ where: { messageId: r.id } })).toBe(0);
    }
    await context.close();
  } finally {
    await f.close();
  }
});
