// Redis high availability end to end: the built product (api, worker, tracking) runs against a
// real Sentinel set (a primary, a replica, three sentinels; test/support/redis-sentinel.ts) through
// a `redis+sentinel://…?waitReplicas=1` REDIS_URL, while visitors submit a form (retrying with
// the same client id until they get a 202, as the widget does) and open tracking pixels. Mid-
// traffic the primary is switched over (SENTINEL FAILOVER), then the new primary is SIGKILLed and
// later restarted. Afterwards: every 202'd submission is stored once, every answered hit is
// stored once, and every lead got its campaign email exactly once (dev mail catcher).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDb, type Db } from '@kindling/db';
import { signToken } from '@kindling/sending/tokens';
import { startProduct, type Product } from './support/product.js';
import { demoApi } from './support/landing.js';
import { startRedisHa, type RedisHa } from './support/redis-sentinel.js';

let ha: RedisHa;
let product: Product;
let db: Db;

beforeAll(async () => {
  ha = await startRedisHa();
  product = await startProduct({
    REDIS_URL: ha.url,
    FORM_RATE_LIMIT_PER_IP: '1000000',
    FORM_RATE_LIMIT_PER_FORM: '1000000',
  });
  db = createDb(process.env.DATABASE_URL!, { poolSize: 3 });
}, 90_000);

afterAll(async () => {
  await product?.stop();
  await ha?.stop();
  await db?.$disconnect();
});

const REQUEST_TIMEOUT_MS = 15_000;

async function poll<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, ms = 90_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what} (last: ${JSON.stringify(v)}). Logs:\n${product.logs()}\n${ha.logs().slice(-4000)}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

it('keeps submissions, tracking hits and sends through a failover and a killed primary, losing nothing acknowledged', async () => {
  const demo = await demoApi(product.apiUrl);
  const form = await demo.call('POST', '/api/forms', {
    name: `Sentinel ${randomUUID().slice(0, 6)}`,
    successMessage: 'Thanks',
    fields: [
      { key: 'email', type: 'email', label: 'Email', required: true },
      { key: 'first_name', type: 'text', label: 'First name', required: true },
    ],
  });
  expect(form.status).toBe(201);
  const { id: formId, publicId } = form.body as { id: string; publicId: string };
  const workspaceId = (await db.form.findUniqueOrThrow({ where: { id: formId } })).workspaceId;
  const campaign = await db.campaign.create({
    data: {
      workspaceId,
      name: `Sentinel welcome ${randomUUID().slice(0, 6)}`,
      status: 'active',
      triggers: { create: { type: 'form_submission', formId } },
      steps: {
        create: {
          position: 0,
          type: 'email',
          config: { subject: 'Welcome', preheader: '', html: '<p>Welcome</p>', text: 'Welcome' },
        },
      },
    },
  });
  // A sent message whose open pixel the visitors load.
  const reader = await db.lead.create({
    data: { workspaceId, email: `reader-${randomUUID().slice(0, 8)}@example.test` },
  });
  const read = await db.message.create({
    data: {
      workspaceId,
      leadId: reader.id,
      toEmail: reader.email,
      subject: 'read me',
      messageIdHeader: `<${randomUUID()}@e2e>`,
      status: 'sent',
      sentAt: new Date(),
    },
  });
  const pixel = `${product.trackingUrl}/o/${signToken(product.env.APP_SECRET!, {
    k: 'open',
    w: workspaceId,
    m: read.id,
    l: reader.id,
  })}.gif`;

  // Traffic: 4 visitors submitting (each retries the same submission, same client id, until it
  // is accepted: what the widget's outbox does) and 2 loading pixels (no retry: an unanswered
  // hit is simply not counted).
  let stop = false;
  const accepted: string[] = [];
  const submitStatuses = new Map<string, number>();
  const answeredHits: string[] = [];
  const hitStatuses = new Map<string, number>();
  const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  let seq = 0;
  let longestWaitMs = 0;
  const submitter = async () => {
    while (!stop) {
      const email = `ha-${seq++}-${randomUUID().slice(0, 6)}@example.test`;
      const sid = randomUUID();
      const started = Date.now();
      for (;;) {
        const status = await fetch(`${product.apiUrl}/api/public/forms/${publicId}/submissions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, first_name: 'Ha', _sid: sid }),
          // A request left unanswered is counted (as "error …") and retried, as the widget does,
          // instead of holding the traffic, and so the test, forever.
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        }).then(
          async (r) => (await r.arrayBuffer(), String(r.status)),
          (err: Error) => `error ${err.message}`,
        );
        count(submitStatuses, status);
        if (status === '202') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      longestWaitMs = Math.max(longestWaitMs, Date.now() - started);
      accepted.push(email);
    }
  };
  const opener = async () => {
    while (!stop) {
      const agent = `ha-hit-${randomUUID()}`;
      const status = await fetch(pixel, {
        headers: { 'user-agent': agent },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      }).then(
        async (r) => (await r.arrayBuffer(), String(r.status)),
        (err: Error) => `error ${err.message}`,
      );
      count(hitStatuses, status);
      if (status === '200') answeredHits.push(agent);
      else await new Promise((r) => setTimeout(r, 100));
    }
  };
  const traffic = Promise.all([
    submitter(),
    submitter(),
    submitter(),
    submitter(),
    opener(),
    opener(),
  ]);
  const stepFor = async (ms: number) => new Promise((r) => setTimeout(r, ms));
  const progress = async (what: string) => {
    const before = accepted.length + answeredHits.length;
    await poll(
      `traffic to go on ${what}`,
      () => Promise.resolve(accepted.length + answeredHits.length - before),
      (n) => n >= 50,
      60_000,
    );
  };

  try {
    await stepFor(2_000);
    await progress('before the failover');
    const acceptedBefore = accepted.length;

    // 1. A planned switch: SENTINEL FAILOVER while the traffic runs.
    const switched = await ha.failover();
    // The old primary comes back as the new one's replica: writes can be confirmed again.
    await ha.replicasOnline(1, 60_000);
    await progress('after SENTINEL FAILOVER');

    // 2. The new primary dies (SIGKILL): the sentinels promote the other node.
    const killAt = Date.now();
    await ha.kill(switched.to);
    const promoted = await poll(
      'the sentinels to promote the surviving node',
      () => ha.primaryPort().catch(() => switched.to),
      (p) => p !== switched.to,
      60_000,
    );
    const promotedMs = Date.now() - killAt;
    // With no replica left nothing can be confirmed (submissions wait, answered 503 meanwhile);
    // the killed node restarts from its own AOF and the sentinels make it a replica.
    await ha.restart(switched.to);
    await ha.replicasOnline(1, 60_000);
    const backMs = Date.now() - killAt;
    await progress('after the killed primary came back as a replica');
    stop = true;
    await traffic;
    expect(promoted).toBe(switched.from);
    expect(accepted.length).toBeGreaterThan(acceptedBefore);

    // Every accepted submission is stored once: one lead and one submission per address.
    await poll(
      'every accepted submission stored',
      () => db.formSubmission.count({ where: { formId } }),
      (n) => n >= accepted.length,
    );
    const submissions = await db.formSubmission.findMany({
      where: { formId },
      include: { lead: { select: { email: true } } },
    });
    expect(submissions).toHaveLength(accepted.length);
    expect(new Set(submissions.map((s) => s.lead!.email))).toEqual(new Set(accepted));

    // Every answered hit is stored once.
    await poll(
      'every answered hit stored',
      () => db.trackingEvent.count({ where: { messageId: read.id } }),
      (n) => n >= answeredHits.length,
    );
    const events = await db.trackingEvent.findMany({
      where: { messageId: read.id },
      select: { userAgent: true },
    });
    const agents = events.map((e) => e.userAgent!);
    expect(new Set(agents).size).toBe(agents.length); // none twice
    const stored = new Set(agents);
    expect(answeredHits.filter((a) => !stored.has(a))).toEqual([]); // none answered and lost

    // Every new lead got the campaign's email exactly once.
    await poll(
      'every welcome email sent',
      () => db.message.count({ where: { campaignId: campaign.id, status: 'sent' } }),
      (n) => n >= accepted.length,
    );
    const messages = await db.message.findMany({ where: { campaignId: campaign.id } });
    expect(messages).toHaveLength(accepted.length);
    expect(messages.every((m) => m.status === 'sent')).toBe(true);
    const caught = await db.caughtMessage.findMany({
      where: { messageId: { in: messages.map((m) => m.id) } },
      select: { messageId: true, envelopeTo: true },
    });
    expect(caught).toHaveLength(accepted.length);
    expect(new Set(caught.map((c) => c.messageId)).size).toBe(accepted.length);
    expect(new Set(caught.flatMap((c) => c.envelopeTo))).toEqual(new Set(accepted));

    console.log(
      `sentinel e2e: ${accepted.length} submissions accepted (${JSON.stringify(Object.fromEntries(submitStatuses))} answers, ` +
        `longest wait for a 202 ${longestWaitMs} ms), ${answeredHits.length} hits answered ` +
        `(${JSON.stringify(Object.fromEntries(hitStatuses))}), ${messages.length} emails sent once; ` +
        `SENTINEL FAILOVER took ${switched.ms} ms, after the SIGKILL the sentinels promoted the replica in ` +
        `${promotedMs} ms and the restarted node was a replica in sync after ${backMs} ms`,
    );
  } finally {
    stop = true;
    await traffic;
  }
  // Each wait above has its own deadline and message; this only bounds the sum of them on a
  // machine busy with the rest of the suite.
}, 480_000);
