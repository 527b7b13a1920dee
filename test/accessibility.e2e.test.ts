/// <reference lib="dom" />
// The web app's main pages in Chromium against the built product, at 1280 px and at 390 px:
// axe-core finds no serious or critical violation on any of them (the rest is reported), the
// layout holds (no sideways scrolling; the sidebar spans the window on a long page; on a phone
// the navigation is a menu button), keyboard focus is visible on every stop, and every view has
// a URL that survives a reload and back/forward. Screenshots of each page at both widths and
// the full report go to A11Y_SCREENSHOTS_DIR (else a temporary directory; not SCREENSHOTS_DIR,
// which refreshes the README's images).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb, type Db } from '@kindling/db';
import { launchBrowser } from './support/browser.js';
import { startProduct, type Product } from './support/product.js';
import { describeViolations, isBlocking, runAxe, type AxeViolation } from './support/axe.js';

let product: Product;
let browser: Browser;
let db: Db;
let cookie = '';
const ids = { form: '', lead: '', campaign: '' };
const WIDTHS = [1280, 390] as const;
const SHOTS =
  process.env.A11Y_SCREENSHOTS_DIR ?? mkdtempSync(path.join(tmpdir(), 'kindling-a11y-'));
mkdirSync(SHOTS, { recursive: true });

async function call(method: string, url: string, body?: unknown) {
  const res = await fetch(product.apiUrl + url, {
    method,
    headers: { 'content-type': 'application/json', cookie },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const setCookie = res.headers.get('set-cookie');
  if (setCookie) cookie = setCookie.split(';')[0]!;
  const json: any = await res.json().catch(() => null);
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A workspace of this test's own with something on every page: a form, 80 leads, a campaign. */
async function seed() {
  const tag = randomUUID().slice(0, 8);
  const me = await call('POST', '/api/auth/signup', {
    name: 'Ada Lovelace',
    email: `a11y-${tag}@example.test`,
    password: 'correct horse battery',
    workspaceName: 'Accessibility',
  });
  const form = await call('POST', '/api/forms', {
    name: 'Newsletter sign-up',
    successMessage: 'Thanks!',
    fields: [
      { key: 'email', type: 'email', label: 'Email', required: true },
      { key: 'first_name', type: 'text', label: 'First name', required: false },
    ],
  });
  ids.form = form.id;
  const sources = ['google', 'newsletter', 'twitter', null];
  await db.lead.createMany({
    data: Array.from({ length: 80 }, (_, i) => ({
      workspaceId: me.workspace.id,
      email: `lead-${i}-${tag}@example.test`,
      firstName: `Lead ${i}`,
      tags: i % 3 === 0 ? ['vip', 'webinar'] : ['webinar'],
      firstFormId: form.id,
      firstUtmSource: sources[i % sources.length],
    })),
  });
  const lead = await db.lead.findFirstOrThrow({
    where: { workspaceId: me.workspace.id },
    orderBy: { email: 'asc' },
  });
  ids.lead = lead.id;
  const identity = await call('POST', '/api/sending/identities', {
    name: 'Team',
    fromName: 'Kindling Team',
    fromEmail: `team@a11y-${tag}.kindling.test`,
    generateDkim: true,
  });
  await call('POST', '/api/sending/test', {
    identityId: identity.id,
    toEmail: `inbox-${tag}@example.test`,
  });
  const email = (subject: string, html: string) => ({
    type: 'email',
    config: { subject, preheader: '', html, text: '' },
  });
  const campaign = await call('POST', '/api/campaigns', {
    name: 'Welcome series',
    identityId: identity.id,
    triggers: [{ type: 'form_submission', formId: form.id }, { type: 'manual' }],
    steps: [
      email('Welcome {{first_name | default: "friend"}}', '<p>Hello!</p>'),
      { type: 'wait', config: { minutes: 2 * 24 * 60 } },
      email('Two days later', '<p>Still there?</p>'),
    ],
  });
  ids.campaign = campaign.id;
  await call('POST', `/api/campaigns/${campaign.id}/activate`);
  await call('POST', `/api/campaigns/${campaign.id}/enrollments`, { leadIds: [lead.id] });
}

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  db = createDb(process.env.DATABASE_URL!, { poolSize: 2 });
  await seed();
});
afterAll(async () => {
  await browser?.close();
  await db?.$disconnect();
  await product?.stop();
});

async function signedIn(width: number): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const [name, value] = cookie.split('=') as [string, string];
  await context.addCookies([{ name, value, url: product.apiUrl }]);
  return context;
}

/** Waits until the page has its heading and nothing is loading any more. */
async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(
    () =>
      document.querySelector('h1') !== null &&
      document.querySelector('.skeleton-list, .spinner-block') === null,
  );
}

/** The signed-in pages checked, each by a name (for screenshots) and its URL. */
const PAGES = (): { name: string; url: string }[] => [
  { name: 'overview', url: '/overview' },
  { name: 'forms', url: '/forms' },
  { name: 'form-builder', url: `/forms/${ids.form}` },
  { name: 'form-builder-design', url: `/forms/${ids.form}?tab=design` },
  { name: 'form-builder-embed', url: `/forms/${ids.form}?tab=embed` },
  { name: 'leads', url: '/leads' },
  { name: 'leads-filtered', url: '/leads?tag=vip' },
  { name: 'lead-detail', url: `/leads/${ids.lead}` },
  { name: 'leads-import', url: '/leads/import' },
  { name: 'campaigns', url: '/campaigns' },
  { name: 'campaign-new', url: '/campaigns/new' },
  { name: 'campaign-builder', url: `/campaigns/${ids.campaign}/edit` },
  { name: 'campaign-detail', url: `/campaigns/${ids.campaign}` },
  { name: 'sending-identities', url: '/sending/identities' },
  { name: 'sending-warmup', url: '/sending/warmup' },
  { name: 'sending-outbox', url: '/sending/outbox' },
  { name: 'sending-review', url: '/sending/review' },
  { name: 'settings-general', url: '/settings/general' },
  { name: 'settings-members', url: '/settings/members' },
  { name: 'settings-api-keys', url: '/settings/api-keys' },
];

interface Finding {
  page: string;
  width: number;
  violations: AxeViolation[];
  layout: string[];
}

/** What breaks the layout of the page as it is: sideways scrolling, a short sidebar, no menu. */
async function layoutProblems(page: Page, width: number, shell: boolean): Promise<string[]> {
  return page.evaluate(
    ({ width, shell }) => {
      const problems: string[] = [];
      const doc = document.documentElement;
      if (doc.scrollWidth > window.innerWidth + 1) {
        const wide = Array.from(document.querySelectorAll<HTMLElement>('body *'))
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
          .slice(-3)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
        problems.push(`scrolls sideways (${doc.scrollWidth} px > ${width} px): ${wide.join(', ')}`);
      }
      if (!shell) return problems;
      const sidebar = document.querySelector<HTMLElement>('.sidebar')!;
      const toggle = document.querySelector<HTMLElement>('[data-testid="nav-toggle"]')!;
      const shown = (el: HTMLElement) => el.getClientRects().length > 0;
      if (width >= 1024) {
        // The column reaches the end of the page; its content fills the window when scrolled.
        const column = sidebar.getBoundingClientRect();
        if (column.bottom + window.scrollY < doc.scrollHeight - 0.5)
          problems.push(`sidebar column ends at ${column.bottom} px of ${doc.scrollHeight} px`);
        window.scrollTo(0, doc.scrollHeight);
        const box = sidebar.querySelector('.sidebar-inner')!.getBoundingClientRect();
        if (box.top > 0.5 || box.bottom < window.innerHeight - 0.5)
          problems.push(
            `sidebar does not span the window at the bottom of the page (${box.top}..${box.bottom} of ${window.innerHeight})`,
          );
        if (shown(toggle)) problems.push('menu button shown beside the sidebar');
        window.scrollTo(0, 0);
      } else {
        if (shown(sidebar))
          problems.push('sidebar shown on a phone (the menu button should hold it)');
        if (!shown(toggle)) problems.push('no menu button on a phone');
      }
      return problems;
    },
    { width, shell },
  );
}

async function check(page: Page, name: string, width: number, shell: boolean): Promise<Finding> {
  await settle(page);
  const violations = await runAxe(page);
  const layout = await layoutProblems(page, width, shell);
  await page.screenshot({
    path: path.join(SHOTS, `a11y-${name}-${width}.png`),
    fullPage: true,
  });
  return { page: name, width, violations, layout };
}

it(
  'the main pages have no serious accessibility violation and hold their layout at 1280 and 390 px',
  {
    timeout: 400_000,
  },
  async () => {
    const findings: Finding[] = [];
    for (const width of WIDTHS) {
      const signedOut = await browser.newContext({ viewport: { width, height: 900 } });
      const login = await signedOut.newPage();
      await login.goto(`${product.apiUrl}/login`);
      findings.push(await check(login, 'login', width, false));
      await signedOut.close();

      const context = await signedIn(width);
      const page = await context.newPage();
      for (const { name, url } of PAGES()) {
        await page.goto(product.apiUrl + url);
        findings.push(await check(page, name, width, true));
      }
      // Two states behind a click: a caught email open in the Outbox, the mobile menu open.
      await page.goto(`${product.apiUrl}/sending/outbox`);
      await settle(page);
      await page.getByTestId('outbox-row').first().getByRole('button').click();
      await page.getByTestId('outbox-detail').waitFor();
      findings.push(await check(page, 'sending-outbox-message', width, true));
      if (width < 800) {
        await page.getByTestId('nav-toggle').click();
        await page.locator('.sidebar').waitFor();
        const violations = await runAxe(page);
        await page.screenshot({ path: path.join(SHOTS, `a11y-menu-open-${width}.png`) });
        findings.push({ page: 'menu-open', width, violations, layout: [] });
      }
      await context.close();
    }

    writeFileSync(path.join(SHOTS, 'accessibility-report.json'), JSON.stringify(findings, null, 2));
    const report = findings
      .filter((f) => f.violations.length > 0)
      .map((f) => describeViolations(`${f.page} @${f.width}`, f.violations))
      .join('\n');
    console.log(
      `axe-core on ${findings.length} page views (screenshots and report in ${SHOTS})\n` +
        (report || 'no violations of any impact'),
    );
    const blocking = findings.flatMap((f) =>
      f.violations.filter(isBlocking).map((v) => `${f.page} @${f.width}: ${v.id} (${v.impact})`),
    );
    const layout = findings.flatMap((f) => f.layout.map((p) => `${f.page} @${f.width}: ${p}`));
    expect(blocking, report).toEqual([]);
    expect(layout).toEqual([]);
  },
);

it('every view has a URL: a reload keeps it and back/forward step through it', async () => {
  const context = await signedIn(1280);
  const page = await context.newPage();
  const at = (p: string) => new RegExp(`^${product.apiUrl}${p.replace(/[?]/g, '\\?')}$`);
  const current = (nav: string) =>
    page.locator(`nav[aria-label="${nav}"] a[aria-current="page"]`).textContent();

  // Sending: each tab its own path; /sending and the old ?tab= links land on one.
  await page.goto(`${product.apiUrl}/sending`);
  await page.waitForURL(at('/sending/identities'));
  await page.goto(`${product.apiUrl}/sending?tab=outbox`);
  await page.waitForURL(at('/sending/outbox'));
  await page.goto(`${product.apiUrl}/sending/warmup`);
  expect(await current('Sending sections')).toBe('Warm-up & reputation');
  await page.getByTestId('sending-tab-review').click();
  await page.waitForURL(at('/sending/review'));
  expect(await current('Sending sections')).toBe('Reports to review');
  await page.reload();
  expect(await current('Sending sections')).toBe('Reports to review');
  await page.goBack();
  await page.waitForURL(at('/sending/warmup'));
  expect(await current('Sending sections')).toBe('Warm-up & reputation');
  await page.goForward();
  await page.waitForURL(at('/sending/review'));

  // Settings sections.
  await page.goto(`${product.apiUrl}/settings`);
  await page.waitForURL(at('/settings/general'));
  await page.getByTestId('tab-api-keys').click();
  await page.waitForURL(at('/settings/api-keys'));
  await page.reload();
  expect(await current('Settings sections')).toBe('API keys');
  await page.goBack();
  await page.waitForURL(at('/settings/general'));

  // The form builder's sections: ?tab=, none for the first.
  const selected = () => page.locator('[role="tab"][aria-selected="true"]').textContent();
  await page.goto(`${product.apiUrl}/forms/${ids.form}`);
  expect(await selected()).toBe('Fields');
  await page.getByTestId('builder-tab-design').click();
  await page.waitForURL(at(`/forms/${ids.form}?tab=design`));
  await page.reload();
  expect(await selected()).toBe('Design');
  await page.goBack();
  await page.waitForURL(at(`/forms/${ids.form}`));
  expect(await selected()).toBe('Fields');

  // Leads filters live in the query string.
  await page.goto(`${product.apiUrl}/leads?tag=vip`);
  await settle(page);
  const rows = await page.locator('tbody tr').count();
  expect(rows).toBe(27); // leads 0, 3, …, 78 carry "vip"
  await page.reload();
  await settle(page);
  expect(await page.locator('tbody tr').count()).toBe(27);
  await context.close();
});

it('on a phone the menu button opens the navigation; a link, Escape or the backdrop close it', async () => {
  const context = await signedIn(390);
  const page = await context.newPage();
  await page.goto(`${product.apiUrl}/forms`);
  const toggle = page.getByTestId('nav-toggle');
  const sidebar = page.locator('.sidebar');
  await settle(page);
  expect(await sidebar.isVisible()).toBe(false);
  expect(await toggle.getAttribute('aria-expanded')).toBe('false');

  await toggle.click();
  expect(await toggle.getAttribute('aria-expanded')).toBe('true');
  await page.getByTestId('nav-leads').click();
  await page.waitForURL(/\/leads$/);
  await sidebar.waitFor({ state: 'hidden' });

  await toggle.focus();
  await page.keyboard.press('Enter');
  await sidebar.waitFor();
  await page.keyboard.press('Escape');
  await sidebar.waitFor({ state: 'hidden' });
  expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
    'nav-toggle',
  );

  await toggle.click();
  await page.locator('.sidebar-backdrop').click({ position: { x: 370, y: 400 } });
  await sidebar.waitFor({ state: 'hidden' });
  await context.close();
});

it('keyboard focus is visible on every stop of the main pages', { timeout: 400_000 }, async () => {
  const missing: string[] = [];
  for (const width of WIDTHS) {
    const context = await signedIn(width);
    const page = await context.newPage();
    for (const { name, url } of PAGES()) {
      await page.goto(product.apiUrl + url);
      await settle(page);
      // Each stop is compared with itself once focus has moved on: the ring must change how it
      // looks. Transitions off, so the style read is the end state.
      await page.evaluate(() => {
        const sheet = new CSSStyleSheet();
        sheet.replaceSync('*, *::before, *::after { transition: none !important; }');
        // The document and every shadow root (the widget preview has one) get it.
        const roots: (Document | ShadowRoot)[] = [document];
        for (const el of document.querySelectorAll('*'))
          if (el.shadowRoot) roots.push(el.shadowRoot);
        for (const root of roots) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      });
      const seen = new Set<string>();
      for (let i = 0; i <= 30; i++) {
        await page.keyboard.press('Tab');
        const prev = await page.evaluate((last) => {
          type Stop = { el: HTMLElement; key: string; look: string };
          const w = window as unknown as { focusStop?: Stop };
          // Where focus shows: on the control, or for a visually hidden one (a checkbox chip) on
          // the element after it; a wrapper may show it with :focus-within (the rich-text box).
          const look = (el: HTMLElement) => {
            const shown = (
              el.getBoundingClientRect().width <= 1 ? el.nextElementSibling : el
            ) as HTMLElement | null;
            const chain = [shown, shown?.parentElement, shown?.parentElement?.parentElement];
            return chain
              .map((e) => {
                if (!e) return '';
                const s = getComputedStyle(e);
                const outline =
                  s.outlineStyle === 'none' ? 'none' : `${s.outlineWidth} ${s.outlineColor}`;
                return `${outline}|${s.boxShadow}|${s.borderColor}`;
              })
              .join(' / ');
          };
          // The focused element, inside shadow roots too (the form preview is one).
          let el = document.activeElement as HTMLElement | null;
          while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement as HTMLElement;
          // Tab inside one control (the parts of a date input) is the same stop.
          if (w.focusStop && w.focusStop.el === el && !last) return null;
          const before = w.focusStop;
          const result = before
            ? { key: before.key, visible: before.el.isConnected && look(before.el) !== before.look }
            : null;
          w.focusStop =
            !last && el && el !== document.body
              ? {
                  el,
                  key: `${el.tagName.toLowerCase()} "${
                    el.getAttribute('data-testid') ??
                    el.getAttribute('aria-label') ??
                    (el.id || el.getAttribute('name')) ??
                    (el.textContent ?? '').trim().slice(0, 30)
                  }"`,
                  look: look(el),
                }
              : undefined;
          return result;
        }, i === 30);
        if (!prev || seen.has(prev.key)) continue;
        seen.add(prev.key);
        if (!prev.visible) missing.push(`${name} @${width}: ${prev.key}`);
      }
    }
    await context.close();
  }
  expect(missing).toEqual([]);
});
