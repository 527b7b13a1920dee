// The demo seed in a workspace of the test's own: 30 days of history written through the
// product's code paths, consistent with itself (every email belongs to an enrollment's step,
// every event follows its email, bounces and the complaint change the lead and suppress the
// address), a drip that goes on live, written once, and removed in one click for good.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStep } from '@kindling/campaigns';
import { getOverview } from './services/overview/get-overview.js';
import { seedDemoData } from './seed.js';
import { signUp, startTestApi, type Client, type TestApi } from '../test/support/testing.js';

const DAY = 86_400_000;
const NOW = new Date();
let api: TestApi;
let client: Client;
let workspaceId: string;
const opts = () => ({
  demo: true,
  appSecret: api.deps.config.appSecret,
  landingUrl: 'http://localhost:9',
  now: NOW,
  formPublicId: `frm_demo_${randomUUID().slice(0, 8)}`,
});

beforeAll(async () => {
  api = await startTestApi({ queuePrefix: `test-seed-${randomUUID().slice(0, 8)}` });
  const s = await signUp(api, 'demo-seed');
  client = s.client;
  workspaceId = s.me.workspace.id;
}, 60_000);
afterAll(async () => {
  await api?.close();
});

describe('the demo seed', () => {
  it('writes 30 days of history the product could have written, once', async () => {
    const { db } = api.deps;
    const summary = (await seedDemoData(db, workspaceId, opts()))!;
    expect(summary.leads).toBe(240);
    expect(summary.spam).toBe(5);
    const where = { workspaceId };
    expect(await db.lead.count({ where })).toBe(240);
    expect(await db.formSubmission.count({ where: { ...where, isSpam: true } })).toBe(5);
    const oldest = await db.lead.findFirstOrThrow({ where, orderBy: { createdAt: 'asc' } });
    expect(oldest.createdAt.getTime()).toBeGreaterThan(NOW.getTime() - 30 * DAY);
    expect(await db.lead.count({ where: { ...where, tags: { isEmpty: false } } })).toBeGreaterThan(
      0,
    );

    // Every email came from a step of an enrollment, went out (or bounced), before now.
    const messages = await db.message.findMany({ where });
    expect(messages.length).toBe(summary.messages);
    expect(messages.every((m) => m.enrollmentId && m.stepId && m.kind === 'campaign')).toBe(true);
    expect(messages.every((m) => m.status === 'sent' || m.status === 'bounced')).toBe(true);
    expect(messages.every((m) => m.claimedAt!.getTime() <= NOW.getTime())).toBe(true);
    const sentAt = new Map(messages.map((m) => [m.id, (m.sentAt ?? m.claimedAt)!.getTime()]));

    // Opens and clicks follow their email; machines are flagged with the classifier's reasons.
    const events = await db.trackingEvent.findMany({ where });
    expect(events.every((e) => e.occurredAt.getTime() <= NOW.getTime())).toBe(true);
    expect(
      events.every((e) => !e.messageId || e.occurredAt.getTime() >= sentAt.get(e.messageId)!),
    ).toBe(true);
    const reasons = new Set(events.filter((e) => e.machine).map((e) => e.machineReason));
    expect(reasons).toEqual(new Set(['apple_mpp', 'scanner_ua']));
    expect(events.some((e) => e.type === 'open' && !e.machine)).toBe(true);
    expect(events.some((e) => e.type === 'click' && !e.machine)).toBe(true);

    // Bounces and the complaint changed the lead and suppressed the address.
    expect(summary.bounces).toBeGreaterThan(0);
    expect(summary.complaints).toBe(1);
    expect(messages.filter((m) => m.status === 'bounced').length).toBe(summary.bounces);
    expect(await db.lead.count({ where: { ...where, status: 'bounced' } })).toBe(summary.bounces);
    expect(await db.lead.count({ where: { ...where, status: 'complained' } })).toBe(1);
    expect(await db.suppression.count({ where })).toBe(
      summary.bounces + summary.complaints + summary.unsubscribes,
    );

    // The overview shows it: all leads within 30 days, rates of people, a guard that still sends.
    const o = await getOverview(api.deps, workspaceId, NOW);
    expect(o.leads.last30Days).toBe(240);
    expect(o.email.sent).toBe(summary.messages);
    expect(o.email.bounced).toBe(summary.bounces);
    expect(o.email.humanOpened).toBeGreaterThan(0);
    expect(o.email.machineOnlyOpened).toBeGreaterThan(0);
    expect(o.campaigns.activeCount).toBe(1);
    expect(o.reputation.level).not.toBe('paused');
    expect(o.reputation.warmups.every((w) => w.day === 13)).toBe(true);
    expect(o.checklist).toMatchObject({
      identity: { done: true, relay: false },
      // The demo domain is not in any DNS: its identity has a DKIM key but no passing DNS check.
      dns: { done: false, status: 'unchecked' },
      form: { done: true },
      campaign: { done: true },
    });

    // Written once: a second run changes nothing.
    expect(await seedDemoData(db, workspaceId, opts())).toBeNull();
    expect(await db.lead.count({ where })).toBe(240);
    expect(await db.message.count({ where })).toBe(summary.messages);
  }, 600_000);

  it('leaves the drip running: a lead waiting on a later email gets it when it falls due', async () => {
    const { db } = api.deps;
    const waiting = await db.enrollment.findFirstOrThrow({
      where: { workspaceId, status: 'active', nextRunAt: { gt: NOW } },
      orderBy: { nextRunAt: 'asc' },
    });
    const before = await db.message.count({ where: { enrollmentId: waiting.id } });
    const due = new Date(waiting.nextRunAt!.getTime() + 1000);
    const outcome = await runStep({ db, now: () => due, enqueueSend: async () => {} }, waiting.id);
    expect(outcome.status === 'waiting' || outcome.status === 'completed').toBe(true);
    expect(await db.message.count({ where: { enrollmentId: waiting.id } })).toBe(before + 1);
  });

  it('removes the demo data in one click, for good', async () => {
    const { db } = api.deps;
    expect((await client.get('/api/workspace')).body.demoData).toBe(true);
    const res = await client.delete('/api/workspace/demo-data');
    expect(res.status).toBe(200);
    expect(res.body.demoData).toBe(false);
    const where = { workspaceId };
    for (const n of await Promise.all([
      db.lead.count({ where }),
      db.message.count({ where }),
      db.trackingEvent.count({ where }),
      db.campaign.count({ where }),
      db.form.count({ where }),
      db.sendingIdentity.count({ where }),
      db.warmupPlan.count({ where }),
      db.suppression.count({ where }),
    ]))
      expect(n).toBe(0);
    expect((await client.get('/api/members')).body.length).toBe(1);
    expect((await client.delete('/api/workspace/demo-data')).status).toBe(409);
    // A restart does not write it again.
    expect(await seedDemoData(db, workspaceId, opts())).toBeNull();
    expect(await db.lead.count({ where })).toBe(0);
  });
});
