// Thirty days of demo history, produced by the product's own code paths on a shifted clock:
// each visitor's submission is stored by the submissions drain's `storeSubmissions` and enrolled
// by `enrollByTrigger` at the moment it "arrived"; the drip engine's `runStep` runs each due
// step at its due time and creates the Message rows; each message is then marked the way the
// email.send recorder marks a delivery (or a 5xx bounce, through `recordHardBounce`), and its
// opens and clicks are written as the events drain writes them (stream-id keys; machine ones
// with the classifier's reasons). Complaints and unsubscribes go through `recordComplaint` and
// the one unsubscribe rule; only their timestamps are moved back to when they "happened".
// Steps that fall due after `now` are left to the running worker, so the drip goes on live.
// Deterministic: a seeded generator, so two runs with the same `now` write the same history.
import type { Db, Prisma } from '@kindling/db';
import { enrollByTrigger, runStep } from '@kindling/campaigns';
import { storeSubmissions, unsubscribe, uuidv7, type SubmissionEntry } from '@kindling/leads';
import { recordComplaint, recordHardBounce } from '@kindling/sending';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Mulberry32: small, seeded, good enough to spread demo data. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    weighted: <T>(xs: readonly (readonly [T, number])[]): T => {
      let r = next() * xs.reduce((a, [, w]) => a + w, 0);
      for (const [x, w] of xs) if ((r -= w) < 0) return x;
      return xs[xs.length - 1]![0];
    },
  };
}

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Linus',
  'Margaret',
  'Tim',
  'Barbara',
  'Ken',
  'Radia',
  'Dennis',
  'Frances',
  'Edsger',
  'Hedy',
  'John',
  'Karen',
  'Leslie',
  'Mary',
  'Niklaus',
  'Olga',
  'Peter',
  'Rosa',
  'Sophie',
  'Tomás',
  'Yuki',
  'Zara',
  'Amir',
  'Bea',
  'Chen',
  'Dana',
  'Emil',
];
const COMPANIES = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Hooli',
  'Stark Industries',
  'Wayne Ent.',
  'Soylent',
  'Tyrell',
  'Cyberdyne',
  'Wonka',
  'Gringotts',
];
const ROLES = ['marketing', 'sales', 'founder', 'other'] as const;
/** [utm_source, utm_medium, weight]; null = a visitor who came without UTM parameters. */
const SOURCES: readonly (readonly [readonly [string, string] | null, number])[] = [
  [['google', 'cpc'], 30],
  [['linkedin', 'social'], 22],
  [['newsletter', 'email'], 14],
  [['partner-blog', 'referral'], 10],
  [null, 24],
];
const TAGS = [
  ['webinar-2026', 0.2],
  ['pricing-page', 0.25],
  ['trial', 0.15],
  ['customer', 0.06],
] as const;
const HUMAN_UA = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
];
// What Apple Mail Privacy Protection and a link scanner look like to the tracking classifier.
const APPLE_MPP_UA = 'Mozilla/5.0';
const SCANNER_UA = 'Mozilla/5.0 (compatible; Barracuda Sentinel)';

export interface HistoryInput {
  workspaceId: string;
  formId: string;
  campaignId: string;
  consentText: string;
  landingUrl: string;
  now: Date;
  leads?: number;
  days?: number;
  seed?: number;
}

export interface HistorySummary {
  leads: number;
  spam: number;
  messages: number;
  events: number;
  bounces: number;
  complaints: number;
  unsubscribes: number;
}

type Job =
  | { at: number; kind: 'arrive'; entry: SubmissionEntry; tags: string[] }
  | { at: number; kind: 'step'; enrollmentId: string }
  | {
      at: number;
      kind: 'outcome';
      outcome: 'complaint' | 'unsubscribe';
      messageId: string;
      leadId: string;
      email: string;
    };

export async function generateHistory(db: Db, input: HistoryInput): Promise<HistorySummary> {
  const r = rng(input.seed ?? 17);
  const now = input.now.getTime();
  const days = input.days ?? 30;
  const total = input.leads ?? 240;
  const summary: HistorySummary = {
    leads: 0,
    spam: 0,
    messages: 0,
    events: 0,
    bounces: 0,
    complaints: 0,
    unsubscribes: 0,
  };
  const jobs: Job[] = [];
  const push = (j: Job) => {
    if (j.at > now) return; // the live worker takes it from here
    let i = jobs.length;
    while (i > 0 && jobs[i - 1]!.at > j.at) i--;
    jobs.splice(i, 0, j);
  };

  // Arrivals: more recent days get more visitors (the list is growing), daytime hours only,
  // and a few in the last hours so "today" has some.
  for (let i = 0; i < total; i++) {
    const recent = i < 6;
    const ageDays = recent ? r.next() * 0.15 : (days - 0.5) * (1 - Math.sqrt(r.next()));
    const at = Math.round(now - ageDays * DAY - (recent ? 0 : r.next() * 8 * HOUR));
    const first = r.pick(FIRST);
    const company = r.pick(COMPANIES);
    const email = `${first
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z]/g, '')}.${i}@${company.toLowerCase().replace(/[^a-z]/g, '')}.example`;
    const role = r.pick(ROLES);
    const src = r.weighted(SOURCES);
    const pageUrl = `${input.landingUrl}/${src ? `?utm_source=${src[0]}&utm_medium=${src[1]}` : ''}`;
    const ref = src
      ? null
      : r.pick(['https://www.google.com/', null, 'https://news.ycombinator.com/']);
    const consent = { text: input.consentText, version: 1 };
    const data = { email, first_name: first, company, role, consent: true, source: 'website' };
    const entry: SubmissionEntry = {
      id: uuidv7(at),
      workspaceId: input.workspaceId,
      formId: input.formId,
      receivedAt: at,
      doubleOptIn: false,
      spamReason: null,
      data,
      attribution: {
        utmSource: src?.[0] ?? null,
        utmMedium: src?.[1] ?? null,
        utmCampaign: src ? 'spring-launch' : null,
        utmTerm: null,
        utmContent: null,
        referrer: ref,
        pageUrl,
      },
      ip: `198.51.100.${(i % 250) + 1}`,
      userAgent: r.pick(HUMAN_UA),
      lead: { email, firstName: first, customFields: { company, role, source: 'website' } },
      consent,
    };
    push({ at, kind: 'arrive', entry, tags: TAGS.filter(([, p]) => r.next() < p).map(([t]) => t) });
  }
  // A few bots that filled the honeypot: stored as spam, no lead.
  for (let i = 0; i < 5; i++) {
    const at = Math.round(now - r.next() * days * DAY);
    push({
      at,
      kind: 'arrive',
      tags: [],
      entry: {
        id: uuidv7(at),
        workspaceId: input.workspaceId,
        formId: input.formId,
        receivedAt: at,
        doubleOptIn: false,
        spamReason: 'honeypot',
        data: { email: `bot${i}@spam.example` },
        attribution: {
          utmSource: null,
          utmMedium: null,
          utmCampaign: null,
          utmTerm: null,
          utmContent: null,
          referrer: null,
          pageUrl: input.landingUrl,
        },
        ip: `203.0.113.${i + 1}`,
        userAgent: 'python-requests/2.32',
        lead: null,
        consent: null,
      },
    });
  }

  // Outcomes chosen up front: bounces among the sends of the last week (a warning-level rate,
  // under the pause level) and two earlier; one complaint and a few unsubscribes well before
  // the reputation window of 7 days.
  let sendsSeen = 0;
  const bounceWhen = (at: number) => {
    sendsSeen++;
    const age = now - at;
    if (age < 7 * DAY) return sendsSeen % 31 === 7;
    return sendsSeen % 120 === 60;
  };
  let complaintDone = false;
  let unsubscribes = 0;
  let eventSeq = 0;
  const events: Prisma.TrackingEventCreateManyInput[] = [];
  const event = (
    at: number,
    m: { id: string; leadId: string },
    type: 'open' | 'click',
    machineReason: string | null,
    ua: string,
    ip: string,
    url: string | null = null,
  ) => {
    if (at > now) return;
    events.push({
      eventKey: `${at}-${eventSeq++}`,
      workspaceId: input.workspaceId,
      messageId: m.id,
      leadId: m.leadId,
      type,
      url,
      machine: machineReason !== null,
      machineReason,
      ip,
      userAgent: ua,
      occurredAt: new Date(at),
    });
  };

  const drip = (at: number) => ({ db, now: () => new Date(at), enqueueSend: async () => {} });
  while (jobs.length) {
    const job = jobs.shift()!;
    if (job.kind === 'arrive') {
      const [stored] = await storeSubmissions(
        db,
        [job.entry],
        // The demo form has no double opt-in: no confirmation link is ever made from this.
        { publicUrl: '', appSecret: '' },
        async () => {},
      );
      if (!stored?.leadId) {
        summary.spam++;
        continue;
      }
      summary.leads++;
      // The drain stamps the lead when it stores it; in the demo it arrived back then.
      await db.lead.update({
        where: { id: stored.leadId },
        data: { createdAt: new Date(job.at), ...(job.tags.length ? { tags: job.tags } : {}) },
      });
      const enrolled = await enrollByTrigger(db, {
        workspaceId: input.workspaceId,
        leadId: stored.leadId,
        event: { type: 'form_submission', formId: input.formId },
        now: new Date(job.at),
      });
      for (const e of enrolled) push({ at: job.at + 20_000, kind: 'step', enrollmentId: e.id });
      continue;
    }
    if (job.kind === 'outcome') {
      const t = {
        workspaceId: input.workspaceId,
        email: job.email,
        messageId: job.messageId,
        leadId: job.leadId,
      };
      if (job.outcome === 'complaint') {
        await recordComplaint(db, { ...t, detail: 'ARF abuse report (demo)' });
        summary.complaints++;
        await db.trackingEvent.updateMany({
          where: { eventKey: `complaint:${job.messageId}` },
          data: { occurredAt: new Date(job.at) },
        });
      } else {
        await unsubscribe(db, {
          workspaceId: input.workspaceId,
          leadIds: [job.leadId],
          messageId: job.messageId,
          via: 'one-click',
          event: { key: `${job.at}-${eventSeq++}`, ip: '198.51.100.77', userAgent: HUMAN_UA[0] },
        });
        summary.unsubscribes++;
      }
      await db.trackingEvent.updateMany({
        where: { messageId: job.messageId, type: { in: ['complaint', 'unsubscribe'] } },
        data: { occurredAt: new Date(job.at) },
      });
      await db.lead.updateMany({
        where: { id: job.leadId, unsubscribedAt: { not: null } },
        data: { unsubscribedAt: new Date(job.at) },
      });
      await db.suppression.updateMany({
        where: { workspaceId: input.workspaceId, email: job.email },
        data: { createdAt: new Date(job.at) },
      });
      continue;
    }
    const outcome = await runStep(drip(job.at), job.enrollmentId);
    if (outcome.status === 'waiting')
      push({
        at: outcome.nextRunAt.getTime() + 20_000,
        kind: 'step',
        enrollmentId: job.enrollmentId,
      });
    const ids =
      outcome.status === 'waiting' || outcome.status === 'completed' ? outcome.messageIds : [];
    for (const id of ids) {
      summary.messages++;
      const claimedAt = new Date(job.at + 2_000);
      const sentAt = new Date(job.at + 3_000);
      const m = await db.message.findUniqueOrThrow({
        where: { id },
        select: { id: true, leadId: true, toEmail: true, html: true },
      });
      const lm = { id, leadId: m.leadId! };
      if (bounceWhen(job.at)) {
        // A 5xx at RCPT: claimed and handed, never sent; the bounce rule does the rest.
        await db.message.update({
          where: { id },
          data: {
            status: 'sending',
            attempts: 1,
            claimedAt,
            claimedBy: 'demo-history',
            handedAt: claimedAt,
          },
        });
        await recordHardBounce(db, {
          workspaceId: input.workspaceId,
          email: m.toEmail,
          messageId: id,
          leadId: m.leadId,
          detail: '550 5.1.1 <' + m.toEmail + '>: Recipient address rejected: User unknown',
        });
        await db.trackingEvent.updateMany({
          where: { eventKey: `bounce:${id}` },
          data: { occurredAt: sentAt },
        });
        await db.suppression.updateMany({
          where: { workspaceId: input.workspaceId, email: m.toEmail },
          data: { createdAt: sentAt },
        });
        summary.bounces++;
        continue;
      }
      await db.message.update({
        where: { id },
        data: {
          status: 'sent',
          attempts: 1,
          claimedAt,
          claimedBy: 'demo-history',
          handedAt: claimedAt,
          sentAt,
          smtpResponse: '250 2.0.0 Ok: queued (dev mail catcher)',
        },
      });
      const s = sentAt.getTime();
      const link = /href="([^"]+)"/.exec(m.html ?? '')?.[1] ?? null;
      // Apple Mail Privacy Protection fetches the pixel within minutes for about 1 in 5.
      if (r.next() < 0.2)
        event(
          s + (1 + r.next() * 5) * MIN,
          lm,
          'open',
          'apple_mpp',
          APPLE_MPP_UA,
          `17.58.${Math.floor(r.next() * 250)}.${Math.floor(r.next() * 250)}`,
        );
      // A mail-security gateway follows every link seconds after delivery for a few.
      if (r.next() < 0.05)
        event(s + 8_000, lm, 'click', 'scanner_ua', SCANNER_UA, '192.0.2.10', link);
      if (r.next() < 0.42) {
        const ua = r.pick(HUMAN_UA);
        const ip = `198.51.100.${Math.floor(r.next() * 250) + 1}`;
        const open = s + Math.round(-Math.log(1 - r.next()) * 3 * HOUR) + MIN;
        event(open, lm, 'open', null, ua, ip);
        if (r.next() < 0.25) event(open + Math.round(r.next() * DAY), lm, 'open', null, ua, ip);
        if (r.next() < 0.3)
          event(open + Math.round((0.5 + r.next() * 5) * MIN), lm, 'click', null, ua, ip, link);
        const age = now - s;
        if (!complaintDone && age > 10 * DAY && age < 20 * DAY) {
          complaintDone = true;
          push({
            at: open + 2 * HOUR,
            kind: 'outcome',
            outcome: 'complaint',
            messageId: id,
            leadId: m.leadId!,
            email: m.toEmail,
          });
        } else if (unsubscribes < 4 && age > 8 * DAY && r.next() < 0.06) {
          unsubscribes++;
          push({
            at: open + 3 * MIN,
            kind: 'outcome',
            outcome: 'unsubscribe',
            messageId: id,
            leadId: m.leadId!,
            email: m.toEmail,
          });
        }
      }
    }
    if (events.length >= 500) {
      summary.events += (
        await db.trackingEvent.createMany({ data: events.splice(0), skipDuplicates: true })
      ).count;
    }
  }
  if (events.length)
    summary.events += (
      await db.trackingEvent.createMany({ data: events.splice(0), skipDuplicates: true })
    ).count;
  return summary;
}
