/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Lead capture end to end: a landing page on another origin with only the embed snippet, a real
// Chromium filling the widget (and the no-JS HTML form), the built api processes, Postgres.
// The api accepts a submission into a Redis stream (202) and the real worker stores it moments
// later: every check of what is stored polls Postgres until it is there (with a deadline).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createDb, type Db } from '@kindling/db';
import { launchBrowser } from './support/browser.js';
import { freePort, root, startProduct, waitFor, type Product } from './support/product.js';
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

async function createForm(over: Record<string, unknown> = {}) {
  const res = await api('POST', '/api/forms', {
    name: `E2E ${randomUUID().slice(0, 6)}`,
    successMessage: 'Thanks, you are in!',
    fields: [
      { key: 'email', type: 'email', label: 'Email', required: true },
      { key: 'first_name', type: 'text', label: 'First name', required: true },
      {
        key: 'consent',
        type: 'consent',
        label: 'Consent',
        required: true,
        consentText: 'I agree to the emails.',
      },
      { key: 'partner', type: 'hidden', label: 'Partner', queryParam: 'partner' },
    ],
    ...over,
  });
  if (res.status !== 201) throw new Error(`create form: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; publicId: string };
}

/** The lead of `email`, once the worker has stored it. */
async function storedLead(email: string) {
  await expect
    .poll(() => db.lead.count({ where: { email } }), { timeout: 20_000, interval: 100 })
    .toBe(1);
  return db.lead.findFirstOrThrow({ where: { email } });
}

const snippet = (publicId: string) =>
  `<script src="${product.apiUrl}/embed.js" data-form="${publicId}" async></script>`;

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

/** Opens a page whose clock we drive, so the widget's time trap sees a human-paced fill. */
async function openWithClock(url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.clock.install();
  await page.goto(url);
  return page;
}

describe('the embed widget on a landing page of another origin', () => {
  it('renders from the snippet, validates, submits, shows success; lead, UTM and submission land in Postgres', async () => {
    const form = await createForm();
    const second = await createForm({ submitLabel: 'Join the beta' });
    const email = `e2e-${randomUUID().slice(0, 8)}@example.test`;
    const url = landing.page(`<!doctype html><html><head><title>Landing</title>
      <style>input{background:red!important} label{font-size:40px}</style></head>
      <body><h1>Our product</h1>${snippet(form.publicId)}<p>Between the forms</p>${snippet(second.publicId)}</body></html>`);
    const page = await openWithClock(
      `${url}?utm_source=newsletter&utm_medium=email&utm_campaign=launch&utm_term=crm&utm_content=hero&partner=acme`,
    );
    const hosts = page.locator('.kindling-form');
    await expect.poll(() => hosts.count()).toBe(2);
    const widget = page.locator(`.kindling-form[data-form="${form.publicId}"]`);
    await widget.getByRole('button', { name: 'Subscribe' }).waitFor();
    await page
      .locator(`.kindling-form[data-form="${second.publicId}"]`)
      .getByRole('button', { name: 'Join the beta' })
      .waitFor();
    // Each form renders right after its own script tag.
    const order = await page.evaluate(() =>
      [...document.body.children].map((e) =>
        e.tagName === 'SCRIPT' ? 'SCRIPT' : ((e as HTMLElement).dataset.form ?? e.tagName),
      ),
    );
    expect(order.filter((x) => x !== 'SCRIPT')).toEqual([
      'H1',
      form.publicId,
      'P',
      second.publicId,
    ]);
    // The page's CSS does not reach into the shadow root.
    const bg = await widget
      .getByLabel(/^Email/)
      .evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).not.toBe('rgb(255, 0, 0)');

    // Client-side validation with the shared schema: messages, aria-invalid, focus on the first bad field.
    await widget.getByRole('button', { name: 'Subscribe' }).click();
    await widget.getByText('Enter your email address').waitFor();
    expect(await widget.getByLabel(/^Email/).getAttribute('aria-invalid')).toBe('true');
    expect(await widget.getByRole('status').first().textContent()).toContain(
      'Please fix 3 highlighted fields',
    );
    expect(
      await widget
        .getByLabel(/^Email/)
        .evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement),
    ).toBe(true);

    // Keyboard only: type, tab, type, tab, space on the consent box, Enter to submit.
    await widget.getByLabel(/^Email/).fill(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Ada');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await page.clock.fastForward(3000);
    await page.keyboard.press('Enter');
    await widget.getByText('Thanks, you are in!').waitFor();

    const lead = await storedLead(email);
    expect(lead).toMatchObject({
      firstName: 'Ada',
      firstFormId: form.id,
      firstUtmSource: 'newsletter',
      firstUtmMedium: 'email',
      firstUtmCampaign: 'launch',
      firstUtmTerm: 'crm',
      firstUtmContent: 'hero',
      customFields: { partner: 'acme' },
      consentText: 'I agree to the emails.',
    });
    expect(lead.firstPageUrl).toContain(`${url}?utm_source=newsletter`);
    const subs = await db.formSubmission.findMany({ where: { leadId: lead.id } });
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({
      formId: form.id,
      isSpam: false,
      utmSource: 'newsletter',
      utmCampaign: 'launch',
      consentVersion: 1,
    });
    expect(subs[0]!.pageUrl).toContain('utm_content=hero');
    expect(await page.context().cookies()).toEqual([]);
    await page.close();
  });

  it('keeps a submission through a network blip in localStorage and delivers it once the api answers', async () => {
    const form = await createForm();
    const email = `blip-${randomUUID().slice(0, 8)}@example.test`;
    const page = await openWithClock(
      landing.page(`<!doctype html><body>${snippet(form.publicId)}</body>`),
    );
    const widget = page.locator('.kindling-form');
    await widget.getByLabel(/^Email/).fill(email);
    await widget.getByLabel('First name').fill('Blip');
    await widget.getByLabel('I agree to the emails.').check();
    await page.clock.fastForward(3000);
    // The api answers 503 while "down".
    let down = true;
    await page.route('**/submissions', (route) =>
      down ? route.fulfill({ status: 503, body: '{}' }) : route.continue(),
    );
    await widget.getByRole('button', { name: 'Subscribe' }).click();
    await widget.getByText(/we saved your details/).waitFor();
    const stored = await page.evaluate(() => localStorage.getItem('kindling:outbox'));
    expect(stored).toContain(email);
    expect(await db.lead.count({ where: { email } })).toBe(0);
    down = false;
    await page.clock.fastForward(5 * 60_000);
    await expect.poll(() => db.lead.count({ where: { email } }), { timeout: 20_000 }).toBe(1);
    await expect
      .poll(() => page.evaluate(() => localStorage.getItem('kindling:outbox')), { timeout: 10_000 })
      .toBeNull();
    await page.close();
  });

  it('works without JavaScript through the plain HTML snippet', async () => {
    const form = await createForm();
    const email = `nojs-${randomUUID().slice(0, 8)}@example.test`;
    const action = `${product.apiUrl}/api/public/forms/${form.publicId}/submissions`;
    const url = landing.page(`<!doctype html><body>
      <form method="post" action="${action}">
        <label for="e">Email</label><input id="e" name="email" type="email" required>
        <label for="n">First name</label><input id="n" name="first_name" required>
        <label><input type="checkbox" name="consent" value="true" required> I agree to the emails.</label>
        <input type="hidden" name="utm_source" value="flyer">
        <input type="hidden" name="utm_campaign" value="spring-print">
        <button type="submit">Subscribe</button>
      </form></body>`);
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(url);
    await page.getByLabel(/^Email/).fill(email);
    await page.getByLabel('First name').fill('Nora');
    await page.getByLabel('I agree to the emails.').check();
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForURL(`${product.apiUrl}/api/public/forms/${form.publicId}/thanks`);
    await page.getByText('Thanks, you are in!').waitFor();
    const lead = await storedLead(email);
    expect(lead).toMatchObject({
      firstName: 'Nora',
      firstUtmSource: 'flyer',
      firstUtmCampaign: 'spring-print',
      firstFormId: form.id,
    });
    const sub = await db.formSubmission.findFirstOrThrow({ where: { leadId: lead.id } });
    expect(sub).toMatchObject({
      utmSource: 'flyer',
      isSpam: false,
      consentText: 'I agree to the emails.',
    });
    expect(sub.pageUrl).toContain(landing.url);
    await context.close();
  });
});

describe('rate limits across api processes', () => {
  it('holds one per-IP budget across two api processes sharing Redis', async () => {
    const form = await createForm();
    const children: ChildProcess[] = [];
    const urls: string[] = [];
    let logs = '';
    try {
      for (let i = 0; i < 2; i++) {
        const port = await freePort();
        const child = spawn(process.execPath, ['apps/api/dist/main.js'], {
          cwd: root,
          env: {
            ...product.env,
            PORT: String(port),
            TRUST_PROXY: '1',
            FORM_RATE_LIMIT_PER_IP: '5',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout.on('data', (c: Buffer) => (logs += c.toString()));
        child.stderr.on('data', (c: Buffer) => (logs += c.toString()));
        children.push(child);
        urls.push(`http://127.0.0.1:${port}`);
      }
      await Promise.all(urls.map((u) => waitFor(`${u}/readyz`, 30_000, () => logs)));
      const ip = `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const answers: { process: number; status: number; retryAfter: string | null }[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await fetch(`${urls[i % 2]}/api/public/forms/${form.publicId}/submissions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
          body: JSON.stringify({
            email: `rl-${i}-${randomUUID().slice(0, 6)}@example.test`,
            first_name: 'R',
            consent: true,
          }),
        });
        answers.push({
          process: i % 2,
          status: res.status,
          retryAfter: res.headers.get('retry-after'),
        });
      }
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202, 429, 429, 429]);
      // Both processes refuse once the shared budget is spent.
      expect(new Set(answers.filter((a) => a.status === 429).map((a) => a.process))).toEqual(
        new Set([0, 1]),
      );
      expect(answers.filter((a) => a.status === 429).every((a) => Number(a.retryAfter) >= 1)).toBe(
        true,
      );
      await expect
        .poll(() => db.formSubmission.count({ where: { formId: form.id } }), {
          timeout: 20_000,
          interval: 100,
        })
        .toBe(5);
    } finally {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((r) =>
              c.exitCode !== null ? r() : (c.once('exit', () => r()), c.kill('SIGTERM')),
            ),
        ),
      );
    }
  });
});

describe('double opt-in through the worker and the dev mail catcher', () => {
  it('mails a signed link at once; opening it confirms the lead and only then enrolls it', async () => {
    const form = await createForm({ doubleOptIn: true });
    const workspaceId = (await db.form.findUniqueOrThrow({ where: { id: form.id } })).workspaceId;
    const campaign = await db.campaign.create({
      data: {
        workspaceId,
        name: `DOI e2e ${randomUUID().slice(0, 6)}`,
        status: 'active',
        triggers: { create: { type: 'form_submission', formId: form.id } },
        steps: { create: { position: 0, type: 'wait', config: { days: 1 } } },
      },
    });
    const email = `doi-${randomUUID().slice(0, 8)}@example.test`;
    const res = await fetch(`${product.apiUrl}/api/public/forms/${form.publicId}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: landing.url },
      body: JSON.stringify({ email, first_name: 'Dora', consent: true }),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'accepted', confirmationRequired: true });
    const lead = await storedLead(email);
    // The confirmation Message commits with the lead and its submission, in one transaction.
    const message = await db.message.findFirstOrThrow({
      where: { leadId: lead.id, kind: 'confirmation' },
    });
    expect(await db.enrollment.count({ where: { leadId: lead.id } })).toBe(0);

    // The worker sends it through email.send into the built-in dev mail catcher.
    await expect
      .poll(() => db.caughtMessage.count({ where: { messageId: message.id } }), {
        timeout: 60_000,
        interval: 250,
      })
      .toBe(1);
    const caught = await db.caughtMessage.findFirstOrThrow({ where: { messageId: message.id } });
    expect(caught.envelopeTo).toEqual([email]);
    const raw = caught.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const link = new RegExp(
      `${product.apiUrl.replace(/[.]/g, '\\.')}/api/public/confirm/[\\w.-]+`,
    ).exec(raw)?.[0];
    expect(link).toBeTruthy();

    const page = await browser.newPage();
    await page.goto(link!);
    await page.getByRole('heading', { name: "You're confirmed" }).waitFor();
    await page.close();
    const confirmed = await db.lead.findUniqueOrThrow({ where: { id: lead.id } });
    expect(confirmed.confirmedAt).not.toBeNull();
    expect(await db.enrollment.count({ where: { leadId: lead.id, campaignId: campaign.id } })).toBe(
      1,
    );
  });
});

describe('the form builder in the web app', () => {
  it('creates a form, edits fields and theme with a live preview of the real widget, saves, and shows the snippets', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${product.apiUrl}/login`);
    await page.getByLabel('Email').fill('demo@kindling.local');
    await page.getByLabel('Password').fill('kindling-demo');
    await page.getByRole('button', { name: /log in|sign in/i }).click();
    await page.getByTestId('app-shell').waitFor();
    await page.goto(`${product.apiUrl}/forms`);
    await page.getByTestId('forms-create').click();
    await page.getByTestId('form-builder').waitFor();
    const id = /\/forms\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
    const preview = page.getByTestId('form-preview');
    await preview.getByRole('button', { name: 'Subscribe' }).waitFor();

    // Add a dropdown: it appears in the preview at once, rendered by the widget in its shadow root.
    await page.getByTestId('add-field-type').selectOption('select');
    await page.getByTestId('add-field').click();
    await preview.getByRole('combobox', { name: 'Your role' }).waitFor();
    await page.getByTestId('builder-tab-settings').click();
    await page.getByTestId('form-name').fill('Builder e2e');
    await page.getByTestId('form-submit-label').fill('Join now');
    await preview.getByRole('button', { name: 'Join now' }).waitFor();
    await page.getByTestId('builder-tab-design').click();
    await page.getByRole('radio', { name: 'Dark' }).click();
    await expect
      .poll(() =>
        preview
          .locator('.preview-host')
          .evaluate((h) => h.shadowRoot?.querySelector('.kl')?.classList.contains('dark')),
      )
      .toBe(true);

    // The preview validates with the shared schema, like the embedded widget.
    await preview.getByRole('button', { name: 'Join now' }).click();
    await preview.getByText('Enter your email address').waitFor();

    await page.getByTestId('form-save').click();
    await page.getByText('Form saved').waitFor();
    const saved = await api('GET', `/api/forms/${id}`);
    expect(saved.body).toMatchObject({
      name: 'Builder e2e',
      submitLabel: 'Join now',
      theme: { mode: 'dark' },
    });
    expect(saved.body.fields.map((f: { key: string }) => f.key)).toEqual([
      'email',
      'first_name',
      'role',
    ]);

    await page.getByTestId('builder-tab-embed').click();
    const snippet = await page.getByTestId('embed-snippet').inputValue();
    expect(snippet).toBe(
      `<script src="${product.apiUrl}/embed.js" data-form="${saved.body.publicId}" async></script>`,
    );
    expect(await page.getByTestId('nojs-snippet').textContent()).toContain(
      `action="${product.apiUrl}/api/public/forms/${saved.body.publicId}/submissions"`,
    );
    await page.close();
  });
});
