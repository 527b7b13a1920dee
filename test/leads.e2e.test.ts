/// <reference lib="dom" />
// Leads end to end through the built api and a real Chromium: the import wizard (upload,
// mapping preview, progress, rejected-rows report), the table with a bulk action over the whole
// filtered set (its confirmation states the count), the CSV export with progress, and a lead's
// detail page with its timeline (human and machine opens marked). Screenshots of the leads
// pages go to SCREENSHOTS_DIR.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { createDb, type Db } from '@kindling/db';
import { launchBrowser, SCREENSHOTS_DIR } from './support/browser.js';
import { startProduct, type Product } from './support/product.js';

let product: Product;
let browser: Browser;
let context: BrowserContext;
let db: Db;
let cookie = '';
let workspaceId = '';
const shots = SCREENSHOTS_DIR;
const run = randomUUID().slice(0, 6);

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  db = createDb(process.env.DATABASE_URL!, { poolSize: 2 });
  const res = await fetch(`${product.apiUrl}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Maya Chen',
      email: `maya-${run}@example.test`,
      password: 'correct horse battery',
      workspaceName: 'Northwind Growth',
    }),
  });
  expect(res.status).toBe(201);
  cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  workspaceId = ((await res.json()) as { workspace: { id: string } }).workspace.id;
  const [name, value] = cookie.split('=') as [string, string];
  context = await browser.newContext({
    viewport: { width: 1360, height: 900 },
    acceptDownloads: true,
  });
  await context.addCookies([{ name, value, url: product.apiUrl }]);
  mkdirSync(shots, { recursive: true });
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await db?.$disconnect();
  await product?.stop();
});

/** A lead with a history: a form submission, an enrollment, a sent email, opens and a click. */
async function seedHistory() {
  const form = await db.form.create({
    data: { workspaceId, publicId: `pub-${run}`, name: 'Spring webinar signup' },
  });
  const campaign = await db.campaign.create({
    data: { workspaceId, name: 'Webinar follow-up', status: 'active' },
  });
  const step = await db.campaignStep.create({
    data: {
      campaignId: campaign.id,
      position: 0,
      type: 'email',
      config: { subject: 'Your webinar seat' },
    },
  });
  const t0 = Date.now() - 3 * 24 * 3600_000;
  const at = (minutes: number) => new Date(t0 + minutes * 60_000);
  const lead = await db.lead.create({
    data: {
      workspaceId,
      email: `ada-${run}@analytical.example`,
      firstName: 'Ada',
      lastName: 'Lovelace',
      phone: '+44 20 7946 0018',
      tags: ['webinar', 'vip'],
      customFields: { company: 'Analytical Engines Ltd', role: 'Head of Research' },
      consentAt: at(0),
      consentText: 'I agree to receive emails about the webinar and related news.',
      confirmedAt: at(3),
      firstFormId: form.id,
      firstUtmSource: 'linkedin',
      firstUtmMedium: 'social',
      firstUtmCampaign: 'spring-webinar',
      firstReferrer: 'https://www.linkedin.com/',
      firstPageUrl: 'https://northwind.example/webinar',
      createdAt: at(0),
    },
  });
  await db.formSubmission.create({
    data: {
      workspaceId,
      formId: form.id,
      leadId: lead.id,
      data: { email: lead.email },
      utmSource: 'linkedin',
      utmMedium: 'social',
      utmCampaign: 'spring-webinar',
      pageUrl: 'https://northwind.example/webinar',
      createdAt: at(0),
    },
  });
  const enrollment = await db.enrollment.create({
    data: {
      workspaceId,
      campaignId: campaign.id,
      leadId: lead.id,
      currentStepId: step.id,
      source: 'form_submission',
      enrolledAt: at(1),
    },
  });
  const message = await db.message.create({
    data: {
      workspaceId,
      campaignId: campaign.id,
      enrollmentId: enrollment.id,
      stepId: step.id,
      leadId: lead.id,
      toEmail: lead.email,
      subject: 'Your webinar seat',
      messageIdHeader: `<${run}@kindling.test>`,
      status: 'sent',
      sentAt: at(5),
    },
  });
  const event = (
    type: 'open' | 'click',
    minutes: number,
    machine: boolean,
    extra: Record<string, string> = {},
  ) =>
    db.trackingEvent.create({
      data: {
        eventKey: `${run}-${type}-${minutes}`,
        workspaceId,
        messageId: message.id,
        leadId: lead.id,
        type,
        machine,
        occurredAt: at(minutes),
        ...extra,
      },
    });
  await event('open', 6, true, { machineReason: 'apple-mpp' });
  await event('open', 95, false);
  await event('click', 97, false, { url: 'https://northwind.example/webinar/agenda' });
  return lead;
}

describe('leads in the browser', () => {
  it('imports a CSV through the wizard, with a report of the rejected rows', async () => {
    const lines = ['Email,First name,Last name,Company,Tags'];
    const people = [
      ['grace', 'Grace', 'Hopper', 'Navy Labs'],
      ['alan', 'Alan', 'Turing', 'Bletchley'],
      ['katherine', 'Katherine', 'Johnson', 'NASA Langley'],
      ['linus', 'Linus', 'Torvalds', 'Kernel Org'],
      ['margaret', 'Margaret', 'Hamilton', 'MIT Instrumentation'],
      ['tim', 'Tim', 'Berners-Lee', 'CERN'],
      ['barbara', 'Barbara', 'Liskov', 'MIT'],
      ['edsger', 'Edsger', 'Dijkstra', 'Eindhoven'],
      ['radia', 'Radia', 'Perlman', 'DEC'],
      ['frances', 'Frances', 'Allen', 'IBM Research'],
      ['donald', 'Donald', 'Knuth', 'Stanford'],
      ['hedy', 'Hedy', 'Lamarr', '"Frequency Hopping, Inc"'],
    ];
    for (const [u, f, l, c] of people)
      lines.push(`${u}-${run}@example.org,${f},${l},${c},trade-show`);
    lines.push('not an email,Bad,Row,Nowhere,');
    lines.push(`grace-${run}@example.org,,Hopper-Murray,,`);
    const csv = Buffer.from(lines.join('\n') + '\n');

    const page = await context.newPage();
    await page.goto(`${product.apiUrl}/leads/import`);
    await page
      .getByTestId('import-file')
      .setInputFiles({ name: 'trade-show.csv', mimeType: 'text/csv', buffer: csv });
    await page.getByTestId('import-mapping').waitFor();
    expect(await page.getByTestId('import-mapping').locator('tbody tr').count()).toBe(5);
    await page.screenshot({ path: path.join(shots, 'leads-import-mapping.png'), fullPage: true });
    await page.getByTestId('import-start').click();
    await page.getByText('Import finished').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('import-created').textContent()).toBe('12');
    expect(await page.getByTestId('import-rejected').textContent()).toBe('1');
    const download = page.waitForEvent('download');
    await page.getByTestId('import-report').click();
    const report = readFileSync(await (await download).path(), 'utf8');
    expect(report).toContain('14,Email,is not a valid email address');
    await page.screenshot({ path: path.join(shots, 'leads-import-done.png'), fullPage: true });
    await page.close();
  });

  it('lists, filters, bulk-tags the filtered set after a counted confirmation, and exports', async () => {
    await seedHistory();
    const page = await context.newPage();
    await page.goto(`${product.apiUrl}/leads`);
    await page.getByTestId('leads-table').waitFor();
    expect(await page.getByTestId('lead-row-link').count()).toBe(13);
    await page.screenshot({ path: path.join(shots, 'leads-table.png'), fullPage: true });

    await page.getByTestId('leads-search').fill('example.org');
    await page.getByTestId('leads-search').press('Enter');
    await page.waitForURL(/q=example.org/);
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="lead-row-link"]').length === 12,
    );
    await page.getByRole('checkbox', { name: 'Select every lead on this page' }).check();
    await page.getByTestId('bulk-tag').click();
    const dialog = page.getByRole('dialog');
    // The 12 imported leads match; Ada (analytical.example) does not.
    await dialog.getByText('Tag 12 leads?').waitFor();
    const matching = '12';
    await dialog.getByLabel('Tag', { exact: true }).fill('follow-up');
    await page.screenshot({ path: path.join(shots, 'leads-bulk-confirm.png') });
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await page.getByText(new RegExp(`Tagged ${matching} lead`)).waitFor();
    const tagged = await db.lead.count({ where: { workspaceId, tags: { has: 'follow-up' } } });
    expect(String(tagged)).toBe(matching);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByTestId('leads-export').click();
    await page.getByTestId('export-dialog').waitFor();
    await page.screenshot({ path: path.join(shots, 'leads-export.png') });
    const download = page.waitForEvent('download');
    await page.getByTestId('export-start').click();
    const file = readFileSync(await (await download).path(), 'utf8');
    const rows = file
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(rows[0]).toBe('email,firstName,lastName,phone,status,tags,createdAt');
    expect(rows).toHaveLength(14);
    expect(file).toContain(
      `ada-${run}@analytical.example,Ada,Lovelace,'+44 20 7946 0018,active,webinar;vip`,
    );
    await page.close();
  });

  it('shows a lead with its attribution and timeline, human and machine opens marked', async () => {
    const lead = await db.lead.findFirstOrThrow({ where: { workspaceId, firstName: 'Ada' } });
    const page = await context.newPage();
    await page.goto(`${product.apiUrl}/leads/${lead.id}`);
    const timeline = page.getByTestId('lead-timeline');
    await timeline.getByText('Clicked').waitFor();
    const text = await timeline.textContent();
    expect(text).toContain('Submitted Spring webinar signup');
    expect(text).toContain('Enrolled in Webinar follow-up');
    expect(text).toContain('Email sent: Your webinar seat');
    expect(text).toContain('machine: apple-mpp');
    expect(text).toContain('human');
    await page.screenshot({ path: path.join(shots, 'leads-detail.png'), fullPage: true });

    // Another workspace's lead is a 404 page, not a leak.
    const other = await db.lead.create({
      data: {
        workspaceId: (await db.workspace.create({ data: { name: `Other ${run}` } })).id,
        email: `x-${run}@other.example`,
      },
    });
    await page.goto(`${product.apiUrl}/leads/${other.id}`);
    await page
      .getByText(/not found|doesn.t exist|no such/i)
      .first()
      .waitFor();
    await page.close();
  });
});
