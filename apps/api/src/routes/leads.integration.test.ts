// Leads over HTTP against real Postgres and Redis: CSV export read back by Python's csv module,
// CSV import with good, duplicate and bad rows, the table's pagination and filters, bulk
// actions, erasure, and workspace isolation of every leads route.
// Over 500 lines on purpose: the three blocks share one api and one in-process import worker,
// whose start-up costs more than the cases; split it by describe block when it grows.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import {
  signUp,
  startImportWorker,
  startTestApi,
  uniqueEmail,
  type TestApi,
} from '../../test/support/testing.js';

let api: TestApi;
let importWorker: { close: () => Promise<void> };
beforeAll(async () => {
  api = await startTestApi({ queuePrefix: `test-leads-${randomUUID().slice(0, 8)}` });
  importWorker = await startImportWorker(api);
});
afterAll(async () => {
  await importWorker?.close();
  await api.close();
});

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Parses CSV text with Python's csv module (an independent reader); returns rows of strings. */
function pythonCsv(text: string): string[][] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kindling-csv-'));
  const file = path.join(dir, 'export.csv');
  writeFileSync(file, text, 'utf8');
  const out = execFileSync(
    PYTHON,
    [
      '-c',
      'import csv, json, sys\nwith open(sys.argv[1], newline="", encoding="utf-8-sig") as f:\n    print(json.dumps(list(csv.reader(f))))',
      file,
    ],
    { encoding: 'utf8' },
  );
  return JSON.parse(out) as string[][];
}

async function upload(
  client: { cookie: string; ip: string },
  body: string | Buffer,
  fileName = 'leads.csv',
) {
  const res = await fetch(`${api.url}/api/leads/imports?fileName=${encodeURIComponent(fileName)}`, {
    method: 'POST',
    headers: {
      cookie: client.cookie,
      'x-forwarded-for': client.ip,
      'content-type': 'text/csv',
      'x-kindling-upload': '1',
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function waitForImport(client: { get: (p: string) => Promise<{ body: any }> }, id: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const s = (await client.get(`/api/leads/imports/${id}`)).body;
    if (s.status === 'done' || s.status === 'failed') return s;
    if (Date.now() > deadline) throw new Error(`import still ${s.status} after 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('CSV export', () => {
  it('round-trips awkward values through an independent CSV reader, formulas guarded', async () => {
    const a = await signUp(api, 'exporter');
    const ws = a.me.workspace.id;
    const tricky = [
      {
        firstName: 'Comma, Inc',
        lastName: 'He said "hi"',
        phone: '+1 555 0100',
        company: 'line1\nline2\r\nline3',
      },
      {
        firstName: 'Zoë Łukasz',
        lastName: '山田 太郎',
        phone: '-42',
        company: 'Ελληνικά и русский',
      },
      {
        firstName: '=HYPERLINK("http://evil")',
        lastName: '@SUM(A1)',
        phone: '\tTab',
        company: '🚀🔥 emoji 👩‍👩‍👧',
      },
      { firstName: '\rcarriage', lastName: '\nnewline', phone: '', company: 'plain' },
    ];
    const emails: string[] = [];
    for (const [i, t] of tricky.entries()) {
      const email = uniqueEmail(`exp${i}`);
      emails.push(email);
      await api.deps.db.lead.create({
        data: {
          workspaceId: ws,
          email,
          firstName: t.firstName,
          lastName: t.lastName,
          phone: t.phone || null,
          customFields: { company: t.company, 'weird,key': '=1+1' },
          tags: ['vip', 'a,b'],
          createdAt: new Date(Date.UTC(2026, 0, 1 + i)),
        },
      });
    }
    const query = [
      'email',
      'firstName',
      'lastName',
      'phone',
      'tags',
      'cf.company',
      'cf.weird,key',
      'status',
    ]
      .map((c) => `columns=${encodeURIComponent(c)}`)
      .join('&');
    const res = await fetch(`${api.url}/api/leads/export.csv?bom=1&${query}`, {
      headers: { cookie: a.client.cookie },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    const rows = pythonCsv(text);
    expect(rows[0]).toEqual([
      'email',
      'firstName',
      'lastName',
      'phone',
      'tags',
      'cf.company',
      'cf.weird,key',
      'status',
    ]);
    const guard = (v: string) => (/^[=+\-@\t\r\n]/.test(v) ? `'${v}` : v);
    const expected = tricky.map((t, i) => [
      emails[i]!,
      guard(t.firstName),
      guard(t.lastName),
      guard(t.phone),
      'vip;a,b',
      guard(t.company),
      "'=1+1",
      'active',
    ]);
    expect(rows.slice(1)).toEqual(expected);
    // Spot-check the guard literally, so the expectation above cannot share a bug with the code.
    expect(rows[3]![1]).toBe(`'=HYPERLINK("http://evil")`);
    expect(rows[3]![3]).toBe(`'\tTab`);
    expect(rows[1]![3]).toBe(`'+1 555 0100`);
    expect(rows[1]![5]).toBe('line1\nline2\r\nline3');
    expect(rows[3]![5]).toBe('🚀🔥 emoji 👩‍👩‍👧');

    // Filters of the page apply to the export too.
    const filtered = pythonCsv(
      (
        await a.client.request(
          'GET',
          `/api/leads/export.csv?columns=email&q=${encodeURIComponent(emails[1]!)}`,
        )
      ).body as string,
    );
    expect(filtered).toEqual([['email'], [emails[1]!]]);
    const dated = pythonCsv(
      (
        await a.client.request(
          'GET',
          '/api/leads/export.csv?columns=email&from=2026-01-02&to=2026-01-03',
        )
      ).body as string,
    );
    expect(dated.slice(1).map((r) => r[0])).toEqual([emails[1], emails[2]]);

    const bad = await a.client.request('GET', '/api/leads/export.csv?columns=email,password');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('password');
  });
});

describe('CSV import', () => {
  it('imports good rows, merges duplicates, rejects bad rows with a report', async () => {
    const a = await signUp(api, 'importer');
    const ws = a.me.workspace.id;
    const existing = uniqueEmail('existing');
    const unsub = uniqueEmail('unsub');
    await api.deps.db.lead.create({
      data: {
        workspaceId: ws,
        email: existing,
        firstName: 'Old',
        lastName: 'Name',
        phone: '111',
        tags: ['old'],
        customFields: { plan: 'free', keep: 'me' },
        firstUtmSource: 'google',
      },
    });
    await api.deps.db.lead.create({
      data: { workspaceId: ws, email: unsub, status: 'unsubscribed', unsubscribedAt: new Date() },
    });
    const fresh1 = uniqueEmail('fresh1');
    const fresh2 = uniqueEmail('fresh2');
    const dup = uniqueEmail('dup');
    const csv = [
      'Email,First Name,Last Name,Phone,Plan,Tags',
      `${fresh1},Ann,Lee,+44 20 7946 0000,pro,"x;y"`, // row 2 good
      `${existing.toUpperCase()},,Newname,,team,new`, // row 3 merges into existing
      `not-an-email,Bad,Row,,,`, // row 4 rejected
      `${dup},First,Version,,basic,`, // row 5
      `,No,Email,,,`, // row 6 rejected
      `${dup},,Second,999,,z`, // row 7 duplicate of row 5 in the file
      `"${fresh2}","Quote ""Q"" Name","Ünïcødé 🙂",,,`, // row 8 good
      `${unsub},Back,Again,,,`, // row 9 merges, stays unsubscribed
      `${uniqueEmail('tz')},Tim,Zone,,,,extra`, // row 10: more columns than the header
    ].join('\r\n');
    const up = await upload(a.client, csv);
    expect(up.status).toBe(201);
    expect(up.body.columns).toEqual(['Email', 'First Name', 'Last Name', 'Phone', 'Plan', 'Tags']);
    expect(up.body.suggestedMapping).toEqual([
      'email',
      'firstName',
      'lastName',
      'phone',
      'cf.Plan',
      'tags',
    ]);
    expect(up.body.preview[0]).toEqual([fresh1, 'Ann', 'Lee', '+44 20 7946 0000', 'pro', 'x;y']);

    const start = await a.client.post(`/api/leads/imports/${up.body.id}/start`, {
      mapping: ['email', 'firstName', 'lastName', 'phone', 'cf.plan', 'tags'],
      tag: 'imported',
    });
    expect(start.status).toBe(202);
    const done = await waitForImport(a.client, up.body.id);
    expect(done).toMatchObject({
      status: 'done',
      rowsRead: 9,
      created: 3,
      updated: 2,
      duplicates: 1,
      rejected: 3,
    });

    const lead = (email: string) =>
      api.deps.db.lead.findUniqueOrThrow({
        where: { workspaceId_email: { workspaceId: ws, email } },
      });
    const merged = await lead(existing);
    expect(merged).toMatchObject({
      firstName: 'Old',
      lastName: 'Newname',
      phone: '111',
      firstUtmSource: 'google',
      status: 'active',
    });
    expect(merged.tags).toEqual(['old', 'new', 'imported']);
    expect(merged.customFields).toEqual({ plan: 'team', keep: 'me' });
    const d = await lead(dup);
    expect(d).toMatchObject({ firstName: 'First', lastName: 'Second', phone: '999' });
    expect(d.tags).toEqual(['imported', 'z']);
    expect(d.customFields).toEqual({ plan: 'basic' });
    expect(await lead(fresh2)).toMatchObject({
      firstName: 'Quote "Q" Name',
      lastName: 'Ünïcødé 🙂',
    });
    expect((await lead(fresh1)).tags).toEqual(['x', 'y', 'imported']);
    expect(await lead(unsub)).toMatchObject({ status: 'unsubscribed', firstName: 'Back' });

    const report = await a.client.request('GET', `/api/leads/imports/${up.body.id}/report.csv`);
    expect(report.status).toBe(200);
    const lines = pythonCsv(report.body as string);
    expect(lines[0]).toEqual(['row', 'column', 'reason', 'value']);
    expect(lines.slice(1).map((r) => [r[0], r[1], r[2]])).toEqual([
      ['4', 'Email', 'is not a valid email address'],
      ['6', 'Email', 'email is required'],
      ['10', '(row)', 'has 7 columns but the header has 6'],
    ]);
  });

  it('rejects rows with text Postgres cannot store (NUL) into the report, imports the rest', async () => {
    const a = await signUp(api, 'importer-nul');
    const ws = a.me.workspace.id;
    // NUL bytes in the first chunk of an upload mark it as binary (refused at once): these come
    // after 200 KB of good rows, as in a large export with one damaged cell.
    const good = Array.from({ length: 4000 }, (_, i) => `ok${i}-${ws.slice(0, 8)}@example.com`);
    const csv = [
      'email,first,last,phone,tz,tags,plan',
      ...good.slice(0, -1).map((e) => `${e},Ann,Lee,,,,`),
      `${uniqueEmail('n1')},A\u0000n,,,,,`,
      `${uniqueEmail('n2')},,L\u0000,,,,`,
      `${uniqueEmail('n3')},,,1\u00002,,,`,
      `${uniqueEmail('n4')},,,,Europe/Berlin\u0000,,`,
      `${uniqueEmail('n5')},,,,,t\u0000g,`,
      `${uniqueEmail('n6')},,,,,,p\u0000`,
      `x\u0000${uniqueEmail('n7')},,,,,,`,
      `${good.at(-1)},Bo,,,,,`,
    ].join('\n');
    const up = await upload(a.client, csv);
    expect(up.status).toBe(201);
    await a.client.post(`/api/leads/imports/${up.body.id}/start`, {
      mapping: ['email', 'firstName', 'lastName', 'phone', 'timeZone', 'tags', 'cf.plan'],
    });
    const done = await waitForImport(a.client, up.body.id);
    expect(done).toMatchObject({ status: 'done', created: good.length, rejected: 7 });
    expect(
      (await api.deps.db.lead.findMany({ where: { workspaceId: ws } })).map((l) => l.email).sort(),
    ).toEqual([...good].sort());
    const report = await a.client.request('GET', `/api/leads/imports/${up.body.id}/report.csv`);
    const lines = pythonCsv(report.body as string).slice(1);
    expect(lines.map((r) => [Number(r[0]) - good.length, r[1]])).toEqual([
      [1, 'first'],
      [2, 'last'],
      [3, 'phone'],
      [4, 'tz'],
      [5, 'tags'],
      [6, 'plan'],
      [7, 'email'],
    ]);
    for (const r of lines) {
      expect(r[2]).toBe('contains a NUL character (U+0000), which cannot be stored');
      expect(r[3]).toContain('\\u0000');
    }
  });

  it('enrolls imported leads in the chosen campaign through the enrollment service', async () => {
    const a = await signUp(api, 'importer3');
    const ws = a.me.workspace.id;
    const campaign = await api.deps.db.campaign.create({
      data: { workspaceId: ws, name: 'Welcome', status: 'active' },
    });
    await api.deps.db.campaignStep.create({
      data: { campaignId: campaign.id, position: 0, type: 'email', config: { subject: 'Hi' } },
    });
    const unsub = uniqueEmail('unsub');
    await api.deps.db.lead.create({
      data: { workspaceId: ws, email: unsub, status: 'unsubscribed' },
    });
    // Campaigns started by any CSV import and by the import's tag enroll the rows too.
    const triggered = async (trigger: { type: 'csv_import' | 'tag_added'; tag?: string }) => {
      const c = await api.deps.db.campaign.create({
        data: { workspaceId: ws, name: trigger.type, status: 'active' },
      });
      await api.deps.db.campaignStep.create({
        data: { campaignId: c.id, position: 0, type: 'email', config: { subject: 'Hi' } },
      });
      await api.deps.db.campaignTrigger.create({ data: { campaignId: c.id, ...trigger } });
      return c;
    };
    const byCsv = await triggered({ type: 'csv_import' });
    const byTag = await triggered({ type: 'tag_added', tag: 'fair' });
    const emails = [uniqueEmail('e1'), uniqueEmail('e2'), unsub];
    const up = await upload(a.client, `email\n${emails.join('\n')}\n`);
    await a.client.post(`/api/leads/imports/${up.body.id}/start`, {
      mapping: ['email'],
      campaignId: campaign.id,
      tag: 'fair',
    });
    const done = await waitForImport(a.client, up.body.id);
    expect(done).toMatchObject({ status: 'done', created: 2, updated: 1, enrolled: 6 });
    for (const [c, source] of [
      [byCsv, 'csv_import'],
      [byTag, 'tag_added'],
    ] as const) {
      const list = await api.deps.db.enrollment.findMany({ where: { campaignId: c.id } });
      expect(list).toHaveLength(2);
      expect(list.every((e) => e.source === source)).toBe(true);
    }
    const enrollments = await api.deps.db.enrollment.findMany({
      where: { campaignId: campaign.id },
      include: { lead: true },
    });
    expect(enrollments.map((e) => e.lead.email).sort()).toEqual(emails.slice(0, 2).sort());
    expect(enrollments.every((e) => e.source === 'csv_import' && e.status === 'active')).toBe(true);
  });

  it('refuses a file that is not CSV, with a clear message', async () => {
    const a = await signUp(api, 'importer2');
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(5000, 1)]);
    const res = await upload(a.client, zip, 'leads.xlsx');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Excel workbook.*not CSV/);
    const latin1 = await upload(
      a.client,
      Buffer.from('email,name\nx@example.com,Jos\xe9\n'.repeat(2), 'latin1'),
    );
    expect(latin1.status).toBe(400);
    expect(latin1.body.error.message).toMatch(/not UTF-8/);
    const noHeader = await upload(a.client, Buffer.from(''));
    expect(noHeader.status).toBe(400);
    // Without the upload header (what a cross-site form would send) it is refused.
    const csrf = await fetch(`${api.url}/api/leads/imports`, {
      method: 'POST',
      headers: { cookie: a.client.cookie, 'content-type': 'text/csv' },
      body: 'email\nx@example.com\n',
    });
    expect(csrf.status).toBe(400);
  });
});

describe('leads table, bulk actions and erasure', () => {
  it('pages with a cursor, filters, bulk-tags the filtered set and erases a lead', async () => {
    const a = await signUp(api, 'table');
    const ws = a.me.workspace.id;
    for (let i = 0; i < 7; i++) {
      await api.deps.db.lead.create({
        data: {
          workspaceId: ws,
          email: `p${i}-${ws.slice(0, 8)}@example.test`,
          firstName: `P${i}`,
          firstUtmSource: i % 2 ? 'google' : 'newsletter',
          createdAt: new Date(Date.UTC(2026, 1, 1, 0, i)),
        },
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (
        await a.client.get(
          `/api/leads?limit=3&sort=createdAt&dir=desc${cursor ? `&cursor=${cursor}` : ''}`,
        )
      ).body;
      seen.push(...page.items.map((l: any) => l.firstName));
      if (!cursor) expect(page.total).toBe(7);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['P6', 'P5', 'P4', 'P3', 'P2', 'P1', 'P0']);
    const byEmail = (await a.client.get('/api/leads?sort=email&dir=asc&limit=2')).body;
    expect(byEmail.items.map((l: any) => l.firstName)).toEqual(['P0', 'P1']);

    const google = (await a.client.get('/api/leads?utmSource=google')).body;
    expect(google.total).toBe(3);
    const count = await a.client.post('/api/leads/count', { filters: { utmSource: 'google' } });
    expect(count.body.count).toBe(3);
    const tagged = await a.client.post('/api/leads/bulk', {
      action: 'tag',
      tag: 'g',
      filters: { utmSource: 'google' },
    });
    expect(tagged.body.affected).toBe(3);
    expect((await a.client.get('/api/leads?tag=g')).body.total).toBe(3);

    const first = google.items[0];
    const unsub = await a.client.post('/api/leads/bulk', {
      action: 'unsubscribe',
      ids: [first.id],
    });
    expect(unsub.body.affected).toBe(1);
    expect((await a.client.get(`/api/leads/${first.id}`)).body.status).toBe('unsubscribed');
    const timeline = (await a.client.get(`/api/leads/${first.id}/timeline`)).body.items;
    expect(timeline.map((t: any) => t.kind)).toContain('suppression');

    const edit = await a.client.patch(`/api/leads/${first.id}`, {
      firstName: 'Edited',
      customFields: { plan: 'pro' },
    });
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ firstName: 'Edited', customFields: { plan: 'pro' } });
    const data = await a.client.get(`/api/leads/${first.id}/data.json`);
    expect(data.body.lead.email).toBe(first.email);

    // Erasure keeps anonymous counts: the submission, message and event rows stay, unlinked and emptied.
    const form = await api.deps.db.form.create({
      data: { workspaceId: ws, publicId: `pub-${first.id}`, name: 'F' },
    });
    const sub = await api.deps.db.formSubmission.create({
      data: {
        workspaceId: ws,
        formId: form.id,
        leadId: first.id,
        data: { email: first.email, name: 'P' },
        ip: '203.0.113.9',
        userAgent: 'UA',
        pageUrl: 'https://x.example/?email=' + first.email,
      },
    });
    const msg = await api.deps.db.message.create({
      data: {
        workspaceId: ws,
        leadId: first.id,
        toEmail: first.email,
        subject: 'S',
        messageIdHeader: `<${first.id}@t>`,
        status: 'sent',
      },
    });
    const ev = await api.deps.db.trackingEvent.create({
      data: {
        eventKey: `erase-${first.id}`,
        workspaceId: ws,
        messageId: msg.id,
        leadId: first.id,
        type: 'open',
        ip: '203.0.113.9',
        userAgent: 'UA',
        occurredAt: new Date(),
      },
    });
    const del = await a.client.delete(`/api/leads/${first.id}`);
    expect(del.status).toBe(204);
    expect((await a.client.get(`/api/leads/${first.id}`)).status).toBe(404);
    const subAfter = await api.deps.db.formSubmission.findUniqueOrThrow({ where: { id: sub.id } });
    expect(subAfter).toMatchObject({
      leadId: null,
      data: {},
      ip: null,
      userAgent: null,
      pageUrl: null,
    });
    const msgAfter = await api.deps.db.message.findUniqueOrThrow({ where: { id: msg.id } });
    expect(msgAfter).toMatchObject({ leadId: null, toEmail: 'erased', status: 'sent' });
    const evAfter = await api.deps.db.trackingEvent.findUniqueOrThrow({ where: { id: ev.id } });
    expect(evAfter).toMatchObject({
      leadId: null,
      ip: null,
      userAgent: null,
      type: 'open',
      messageId: msg.id,
    });
    expect((await a.client.get('/api/leads')).body.total).toBe(6);
  });

  it('answers 404 for another workspace’s lead on every leads route', async () => {
    const a = await signUp(api, 'iso-a');
    const b = await signUp(api, 'iso-b');
    const lead = await api.deps.db.lead.create({
      data: { workspaceId: b.me.workspace.id, email: uniqueEmail('victim'), firstName: 'Victim' },
    });
    for (const [method, url, body] of [
      ['GET', `/api/leads/${lead.id}`],
      ['GET', `/api/leads/${lead.id}/timeline`],
      ['GET', `/api/leads/${lead.id}/data.json`],
      ['PATCH', `/api/leads/${lead.id}`, { firstName: 'Hacked' }],
      ['DELETE', `/api/leads/${lead.id}`],
    ] as [string, string, unknown?][]) {
      const res = await a.client.request(method, url, body);
      expect(res.status, `${method} ${url}`).toBe(404);
    }
    for (const action of ['tag', 'untag', 'unsubscribe', 'delete']) {
      const res = await a.client.post('/api/leads/bulk', { action, tag: 'x', ids: [lead.id] });
      expect(res.body.affected, action).toBe(0);
    }
    expect((await a.client.post('/api/leads/count', { ids: [lead.id] })).body.count).toBe(0);
    expect((await a.client.get('/api/leads')).body.total).toBe(0);
    const csv = pythonCsv(
      (await a.client.request('GET', '/api/leads/export.csv?columns=email')).body as string,
    );
    expect(csv).toEqual([['email']]);
    // B's import is invisible to A.
    const up = await upload(b.client, 'email\nsomeone@example.test\n');
    expect((await a.client.get(`/api/leads/imports/${up.body.id}`)).status).toBe(404);
    expect(
      (await a.client.post(`/api/leads/imports/${up.body.id}/start`, { mapping: ['email'] }))
        .status,
    ).toBe(404);
    expect(
      (await a.client.request('GET', `/api/leads/imports/${up.body.id}/report.csv`)).status,
    ).toBe(404);
    const after = await api.deps.db.lead.findUniqueOrThrow({ where: { id: lead.id } });
    expect(after).toMatchObject({ firstName: 'Victim', status: 'active', tags: [] });
  });
});
