// GET /api/overview against hand-computed fixtures: each lead, email and event below is placed
// on one side of a window edge, and the expected figures are counted by hand in the comments.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '@kindling/shared';
import { getOverview } from '../services/overview/get-overview.js';
import { Client, signUp, startTestApi, type TestApi } from '../../test/support/testing.js';

// Fixed "now": 12:00 UTC, 13:00 in Berlin (CET, UTC+1), so Berlin's today began 23:00 UTC before.
const NOW = new Date('2026-03-10T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

let api: TestApi;
let client: Client;
let workspaceId: string;
beforeAll(async () => {
  api = await startTestApi({ queuePrefix: `test-overview-${randomUUID().slice(0, 8)}` });
  const s = await signUp(api, 'overview');
  client = s.client;
  workspaceId = s.me.workspace.id;
});
afterAll(async () => {
  await api?.close();
});

describe('GET /api/overview', () => {
  it('answers zeros and an unticked checklist for a new workspace', async () => {
    const res = await client.get<Overview>('/api/overview');
    expect(res.status).toBe(200);
    expect(res.body.leads).toEqual({
      today: 0,
      last7Days: 0,
      last30Days: 0,
      total: 0,
      bySource: [],
      recent: [],
    });
    expect(res.body.email.sent).toBe(0);
    expect(res.body.email.openRate).toBe(0);
    expect(res.body.campaigns).toEqual({ activeCount: 0, active: [] });
    expect(res.body.reputation.level).toBe('ok');
    expect(res.body.checklist).toEqual({
      identity: { done: false, relay: false },
      dns: { done: false, status: 'unchecked', identityName: null },
      form: { done: false, formId: null },
      campaign: { done: false },
    });
    expect((await new Client(api.url).get('/api/overview')).status).toBe(401);
  });

  it('counts leads by window and source, and emails with human rates apart from machines', async () => {
    const { db } = api.deps;
    await db.workspace.update({ where: { id: workspaceId }, data: { timeZone: 'Europe/Berlin' } });
    const form = await db.form.create({
      data: { workspaceId, publicId: `frm_ov_${randomUUID().slice(0, 8)}`, name: 'Overview form' },
    });
    const lead = (email: string, createdAt: Date, extra: object = {}) =>
      db.lead.create({ data: { workspaceId, email, createdAt, ...extra } });
    // today (Berlin) = since 2026-03-09T23:00Z; 7 d = since 03-03T12:00Z; 30 d = since 02-08T12:00Z.
    const l1 = await lead('l1@ov.test', ago(HOUR), {
      firstFormId: form.id,
      firstUtmSource: 'newsletter',
    }); // today, 7 d, 30 d
    await lead('l2@ov.test', new Date('2026-03-09T23:30:00Z'), { firstFormId: form.id }); // today (00:30 Berlin)
    await lead('l3@ov.test', new Date('2026-03-09T22:30:00Z'), { firstFormId: form.id }); // yesterday 23:30 Berlin: 7 d
    await lead('l4@ov.test', ago(6 * DAY), { lastImportId: randomUUID() }); // 7 d, (import)
    await lead('l5@ov.test', ago(20 * DAY), { firstFormId: form.id, firstUtmSource: 'newsletter' }); // 30 d
    await lead('l6@ov.test', ago(40 * DAY)); // total only
    // Another workspace's lead of the same hour is not counted.
    const other = await signUp(api, 'overview-other');
    await db.lead.create({
      data: { workspaceId: other.me.workspace.id, email: 'x@ov.test', createdAt: ago(HOUR) },
    });

    let n = 0;
    const msg = (data: {
      status?: string;
      sentAt?: Date | null;
      claimedAt?: Date;
      kind?: string;
    }) =>
      db.message.create({
        data: {
          workspaceId,
          leadId: l1.id,
          toEmail: l1.email,
          subject: 'Hello',
          messageIdHeader: `<ov-${randomUUID()}@test>`,
          kind: (data.kind ?? 'campaign') as 'campaign',
          status: (data.status ?? 'sent') as 'sent',
          sentAt: data.sentAt === undefined ? null : data.sentAt,
          claimedAt: data.claimedAt ?? data.sentAt ?? null,
        },
      });
    const ev = (messageId: string, type: string, machine = false) =>
      db.trackingEvent.create({
        data: {
          eventKey: `ov-${n++}-${randomUUID()}`,
          workspaceId,
          messageId,
          leadId: l1.id,
          type: type as 'open',
          machine,
          machineReason: machine ? 'apple_mpp' : null,
          occurredAt: NOW,
        },
      });
    const m1 = await msg({ sentAt: ago(2 * DAY) }); // human open + machine open + human click
    await ev(m1.id, 'open');
    await ev(m1.id, 'open', true);
    await ev(m1.id, 'open');
    await ev(m1.id, 'click');
    const m2 = await msg({ sentAt: ago(3 * DAY) }); // machines only
    await ev(m2.id, 'open', true);
    await ev(m2.id, 'click', true);
    const m3 = await msg({ sentAt: ago(5 * DAY) }); // human open, complaint
    await ev(m3.id, 'open');
    await ev(m3.id, 'complaint');
    await msg({ status: 'bounced', claimedAt: ago(DAY) }); // bounced at SMTP: no sentAt
    const m5 = await msg({ sentAt: ago(40 * DAY) }); // outside 30 d
    await ev(m5.id, 'open');
    await msg({ status: 'queued' }); // not sent
    const m7 = await msg({ kind: 'test', sentAt: ago(DAY) }); // a test send: not counted
    await ev(m7.id, 'open');
    const m8 = await msg({ sentAt: ago(10 * DAY) }); // human click without open, unsubscribe
    await ev(m8.id, 'click');
    await ev(m8.id, 'unsubscribe');

    const o = await getOverview(api.deps, workspaceId, NOW);
    expect(o.todayStartsAt).toBe('2026-03-09T23:00:00.000Z');
    expect(o.leads.recent.map((l) => l.email)).toEqual([
      'l1@ov.test',
      'l2@ov.test',
      'l3@ov.test',
      'l4@ov.test',
      'l5@ov.test',
    ]);
    expect(o.leads.recent[3]).toMatchObject({ name: null, source: '(import)' });
    const { recent: _recent, ...counts } = o.leads;
    expect(counts).toEqual({
      today: 2, // l1, l2
      last7Days: 4, // + l3, l4
      last30Days: 5, // + l5
      total: 6, // + l6
      // (direct): l2, l3; newsletter: l1, l5; (import): l4. Ties by name.
      bySource: [
        { source: '(direct)', count: 2 },
        { source: 'newsletter', count: 2 },
        { source: '(import)', count: 1 },
      ],
    });
    // sent: m1, m2, m3, the bounce, m8 = 5; opened by a person: m1, m3; clicked: m1, m8.
    expect(o.email).toEqual({
      sent: 5,
      bounced: 1,
      humanOpened: 2,
      humanClicked: 2,
      openRate: 0.4,
      clickRate: 0.4,
      machineOnlyOpened: 1, // m2 (m1's machine open is beside a human one)
      machineOnlyClicked: 1, // m2
      complaints: 1,
      unsubscribes: 1,
    });
  });

  it('ticks the checklist as things get done and lists active campaigns and alerts', async () => {
    const { db } = api.deps;
    const form = await db.form.findFirstOrThrow({ where: { workspaceId } });
    // A spam submission does not tick "embed a form"; a real one does.
    await db.formSubmission.create({
      data: { workspaceId, formId: form.id, data: {}, isSpam: true },
    });
    expect((await client.get<Overview>('/api/overview')).body.checklist.form.done).toBe(false);
    await db.formSubmission.create({ data: { workspaceId, formId: form.id, data: {} } });

    // An identity on the dev mail catcher: identity done, no relay, no DKIM yet.
    const identity = await db.sendingIdentity.create({
      data: { workspaceId, name: 'Catcher', fromName: 'Ov', fromEmail: 'news@ov.example.com' },
    });
    let o = (await client.get<Overview>('/api/overview')).body;
    expect(o.checklist).toEqual({
      identity: { done: true, relay: false },
      dns: { done: false, status: 'unchecked', identityName: null },
      form: { done: true, formId: form.id },
      campaign: { done: false },
    });

    // A failing DNS check is not done; a second identity whose check passes with warnings is.
    await db.identityDnsCheck.create({
      data: {
        identityId: identity.id,
        workspaceId,
        status: 'fail',
        checks: [],
        checkedAt: new Date(),
      },
    });
    o = (await client.get<Overview>('/api/overview')).body;
    expect(o.checklist.dns).toEqual({ done: false, status: 'fail', identityName: 'Catcher' });
    const second = await db.sendingIdentity.create({
      data: { workspaceId, name: 'Relay', fromName: 'Ov', fromEmail: 'hi@ov.example.com' },
    });
    await db.identityDnsCheck.create({
      data: {
        identityId: second.id,
        workspaceId,
        status: 'warn',
        checks: [],
        checkedAt: new Date(),
      },
    });
    const lead = await db.lead.findFirstOrThrow({ where: { workspaceId, email: 'l1@ov.test' } });
    const draft = await db.campaign.create({ data: { workspaceId, name: 'Draft' } });
    const live = await db.campaign.create({
      data: { workspaceId, name: 'Welcome drip', status: 'active', activatedAt: ago(DAY) },
    });
    await db.enrollment.create({ data: { workspaceId, campaignId: live.id, leadId: lead.id } });
    const l2 = await db.lead.findFirstOrThrow({ where: { workspaceId, email: 'l2@ov.test' } });
    await db.enrollment.create({
      data: { workspaceId, campaignId: live.id, leadId: l2.id, status: 'completed' },
    });
    await db.enrollment.create({ data: { workspaceId, campaignId: draft.id, leadId: l2.id } });
    await db.warmupPlan.create({
      data: {
        workspaceId,
        scope: 'domain',
        key: 'ov.example.com',
        status: 'paused',
        pausedReason: 'complaint rate 0.50% reached the pause threshold 0.30% (1 of 200)',
      },
    });

    o = (await client.get<Overview>('/api/overview')).body;
    expect(o.checklist.dns).toEqual({ done: true, status: 'warn', identityName: 'Relay' });
    expect(o.checklist.campaign).toEqual({ done: true });
    expect(o.campaigns).toEqual({
      activeCount: 1,
      active: [{ id: live.id, name: 'Welcome drip', inProgress: 1, enrolled: 2 }],
    });
    expect(o.reputation.level).toBe('paused');
    expect(o.reputation.alerts).toEqual([
      {
        kind: 'warmup_plan',
        name: 'ov.example.com',
        level: 'paused',
        reason: 'complaint rate 0.50% reached the pause threshold 0.30% (1 of 200)',
      },
    ]);
    expect(o.reputation.warmups).toEqual([
      expect.objectContaining({ scope: 'domain', key: 'ov.example.com', day: 1, todayCap: 50 }),
    ]);
  });
});
