// Relay webhooks end to end through the api: an identity names its relay and key, shows the URL
// to paste, and each provider's documented sample, signed by its own scheme with a real key and
// made about a message we sent, lands on the product's outcomes (suppression, lead state,
// message state, the reputation guard). A bad signature is a 401 and changes nothing; a report
// that cannot be matched to our mail is stored for review; floods are bounded.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verpTokenFor } from '@kindling/sending';
import type { Identity } from '@kindling/shared';
import type { Client } from '../../test/support/testing.js';
import { signUp, startTestApi, type TestApi } from '../../test/support/testing.js';
import {
  mailgunSigned,
  relayFixture,
  resendSecret,
  resendSigned,
  sendgridKeys,
  sendgridSigned,
  withUrlCredentials,
  type SignedRequest,
} from '../../test/support/relays.js';
import { UNVERIFIED_PER_HOUR } from '../services/sending/receive-relay-webhook.js';

let api: TestApi;
let client: Client;
let workspaceId: string;
beforeAll(async () => {
  // One send is enough for the guard to judge: a bounce it hears about pauses the pool.
  api = await startTestApi({
    queuePrefix: `test-relays-${randomUUID().slice(0, 8)}`,
    reputationMinSample: 1,
  });
  const s = await signUp(api, 'relays');
  client = s.client;
  workspaceId = s.me.workspace.id;
});
afterAll(async () => {
  await api?.close();
});

const tag = () => randomUUID().slice(0, 8);

async function identity(body: Record<string, unknown>): Promise<Identity> {
  const t = tag();
  const res = await client.post('/api/sending/identities', {
    name: `relay ${t}`,
    fromName: 'Acme',
    fromEmail: `news@${t}.relay.example.com`,
    smtpUrl: 'smtp://user:pw@relay.example.com:587',
    ipPool: `pool-${t}`,
    generateDkim: false,
    ...body,
  });
  expect(res.status).toBe(201);
  return res.body as Identity;
}

/** A message this workspace sent through `identityId`, its lead, and its signed token. */
async function sent(identityId: string, ws = workspaceId) {
  const lead = await api.deps.db.lead.create({
    data: { workspaceId: ws, email: `lead-${tag()}@example.org` },
  });
  const msg = await api.deps.db.message.create({
    data: {
      workspaceId: ws,
      leadId: lead.id,
      identityId,
      toEmail: lead.email,
      subject: 's',
      messageIdHeader: `<${randomUUID()}@relay.example>`,
      status: 'sent',
      claimedAt: new Date(),
    },
  });
  return { lead, msg, token: verpTokenFor(api.deps.config.appSecret, msg.id) };
}

const post = (path: string, r: SignedRequest) =>
  fetch(`${api.url}${path}`, { method: 'POST', headers: r.headers, body: r.body });
const pathOf = (i: Identity) => new URL(i.relay.webhookUrl!).pathname;
const db = () => api.deps.db;
const leadStatus = async (id: string) =>
  (await db().lead.findUniqueOrThrow({ where: { id } })).status;
const suppression = (email: string) =>
  db().suppression.findUnique({ where: { workspaceId_email: { workspaceId, email } } });
const reviews = (source: string) =>
  db().inboundReview.findMany({
    where: { workspaceId, source: source as never },
    orderBy: { receivedAt: 'asc' },
  });

describe('Mailgun', () => {
  it('shows the URL, applies a signed permanent failure to our message only, and the guard sees it', async () => {
    const key = `key-${randomUUID()}`;
    const i = await identity({ relayKind: 'mailgun', relayKey: key });
    expect(i.relay).toEqual({
      kind: 'mailgun',
      webhookUrl: `http://localhost:3000/api/webhooks/relays/${i.id}`,
      keySource: 'provider',
      keyLabel: 'HTTP webhook signing key',
      keySet: true,
    });
    const a = await sent(i.id);
    const failed = () => {
      const p = relayFixture('mailgun-permanent-failure');
      // The address the report names is not ours to act on: the message's own recipient is.
      p['event-data'].recipient = 'someone-else@example.org';
      p['event-data']['user-variables'] = { kindling: a.token };
      return p;
    };

    // Signed with another key: refused, nothing changed, the request kept for review.
    const bad = await post(pathOf(i), mailgunSigned(failed(), 'not-the-key'));
    expect(bad.status).toBe(401);
    expect(await leadStatus(a.lead.id)).toBe('active');
    expect(await suppression(a.lead.email)).toBeNull();
    const held = await reviews('mailgun');
    expect(held).toEqual([
      expect.objectContaining({ kind: 'mailgun_unverified', reason: 'unverified' }),
    ]);
    expect(held[0]!.excerpt).toContain('someone-else@example.org');

    const ok = await post(pathOf(i), mailgunSigned(failed(), key));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ applied: 1, review: 0, ignored: 0 });
    expect(await leadStatus(a.lead.id)).toBe('bounced');
    expect((await suppression(a.lead.email))?.reason).toBe('hard_bounce');
    expect(await suppression('someone-else@example.org')).toBeNull();
    expect((await db().message.findUniqueOrThrow({ where: { id: a.msg.id } })).status).toBe(
      'bounced',
    );
    // The reputation guard heard it: one send, one bounce, the pool is paused.
    const plan = await db().warmupPlan.findFirstOrThrow({
      where: { workspaceId, scope: 'ip_pool', key: i.ipPool },
    });
    expect(plan.status).toBe('paused');
    // Mailgun retries: the same report again records nothing new.
    expect((await post(pathOf(i), mailgunSigned(failed(), key))).status).toBe(200);
    expect(await db().trackingEvent.count({ where: { messageId: a.msg.id, type: 'bounce' } })).toBe(
      1,
    );

    // A delivery is ignored; a complaint about mail we cannot match is held for review.
    const delivered = await post(pathOf(i), mailgunSigned(relayFixture('mailgun-delivered'), key));
    expect(await delivered.json()).toEqual({ applied: 0, review: 0, ignored: 1 });
    const stranger = await post(pathOf(i), mailgunSigned(relayFixture('mailgun-complained'), key));
    expect(await stranger.json()).toEqual({ applied: 0, review: 1, ignored: 0 });
    expect((await reviews('mailgun')).at(-1)).toMatchObject({
      kind: 'mailgun_complaint',
      reason: 'no_token',
      namedRecipients: ['alice@example.com'],
    });
    // The review list the web app shows has them.
    const list = await client.get('/api/sending/inbound-reviews');
    expect(list.body.filter((r: { source: string }) => r.source === 'mailgun')).toHaveLength(2);
  });
});

describe('Postmark (no signature: the URL carries Kindling’s token as Basic auth)', () => {
  it('applies a bounce and a recipient’s unsubscribe sent with the URL’s credentials; refuses others', async () => {
    const i = await identity({ relayKind: 'postmark' });
    expect(i.relay.keySource).toBe('kindling');
    const url = new URL(i.relay.webhookUrl!);
    expect(url.username).toBe('kindling');
    expect(url.password.length).toBeGreaterThanOrEqual(32);
    const a = await sent(i.id);
    const b = await sent(i.id);

    const bounce = relayFixture('postmark-bounce');
    bounce.Metadata = { kindling: a.token };
    const req = withUrlCredentials(i.relay.webhookUrl!, bounce);
    const noAuth = await post(req.path, {
      body: req.body,
      headers: { 'content-type': 'application/json' },
    });
    expect(noAuth.status).toBe(401);
    const wrong = await post(req.path, {
      body: req.body,
      headers: {
        ...req.headers,
        authorization: `Basic ${Buffer.from('kindling:guess').toString('base64')}`,
      },
    });
    expect(wrong.status).toBe(401);
    expect(await leadStatus(a.lead.id)).toBe('active');

    const ok = await post(req.path, req);
    expect(await ok.json()).toEqual({ applied: 1, review: 0, ignored: 0 });
    expect(await leadStatus(a.lead.id)).toBe('bounced');

    const change = relayFixture('postmark-subscription-change');
    change.Metadata = { kindling: b.token };
    const unsub = await post(req.path, withUrlCredentials(i.relay.webhookUrl!, change));
    expect(await unsub.json()).toEqual({ applied: 1, review: 0, ignored: 0 });
    expect(await leadStatus(b.lead.id)).toBe('unsubscribed');
    expect((await suppression(b.lead.email))?.reason).toBe('unsubscribe');

    // Rotating the token: the old URL stops working.
    const rotated = await client.patch(`/api/sending/identities/${i.id}`, {
      rotateRelayToken: true,
    });
    expect(rotated.body.relay.webhookUrl).not.toBe(i.relay.webhookUrl);
    expect((await post(req.path, req)).status).toBe(401);
  });
});

describe('SendGrid (Signed Event Webhook, ECDSA P-256)', () => {
  it('applies a signed batch: by custom argument token, by Message-ID of this identity’s mail; holds the rest', async () => {
    const keys = sendgridKeys();
    expect(
      (
        await client.post('/api/sending/identities', {
          name: 'x',
          fromName: 'x',
          fromEmail: 'x@sg.example.com',
          relayKind: 'sendgrid',
          relayKey: 'not-a-key',
        })
      ).status,
    ).toBe(422);
    const i = await identity({ relayKind: 'sendgrid', relayKey: keys.verificationKey });
    const byToken = await sent(i.id);
    const byMessageId = await sent(i.id);
    // Another workspace's message: its token in this relay's events proves nothing here.
    const other = await signUp(api, 'relays-other');
    const foreignIdentity = await db().sendingIdentity.create({
      data: {
        workspaceId: other.me.workspace.id,
        name: 'o',
        fromName: 'o',
        fromEmail: 'o@o.example.com',
      },
    });
    const foreign = await sent(foreignIdentity.id, other.me.workspace.id);

    const [processed, deferred, delivered, bounce, , , spamreport] =
      relayFixture<any[]>('sendgrid-events');
    const events = [
      { ...processed, email: byToken.lead.email, kindling: byToken.token },
      { ...deferred, email: byToken.lead.email, kindling: byToken.token },
      { ...delivered, email: byToken.lead.email, kindling: byToken.token },
      { ...spamreport, email: byToken.lead.email, kindling: byToken.token },
      { ...bounce, email: byMessageId.lead.email, 'smtp-id': byMessageId.msg.messageIdHeader },
      { ...bounce, email: foreign.lead.email, kindling: foreign.token },
    ];
    const signed = sendgridSigned(events, keys.privateKey);
    // One byte changed after signing: refused, nothing applied.
    const tampered = { ...signed, body: signed.body.replace('"bounce"', '"bounce" ') };
    expect((await post(pathOf(i), tampered)).status).toBe(401);
    expect(await leadStatus(byMessageId.lead.id)).toBe('active');

    const ok = await post(pathOf(i), signed);
    expect(await ok.json()).toEqual({ applied: 2, review: 1, ignored: 3 });
    expect(await leadStatus(byToken.lead.id)).toBe('complained');
    expect((await suppression(byToken.lead.email))?.reason).toBe('complaint');
    expect(await leadStatus(byMessageId.lead.id)).toBe('bounced');
    expect(await leadStatus(foreign.lead.id)).toBe('active');
    expect((await reviews('sendgrid')).at(-1)).toMatchObject({
      kind: 'sendgrid_hard_bounce',
      reason: 'unknown_message',
    });
  });
});

describe('Brevo (token as Basic auth or bearer)', () => {
  it('applies a hard bounce and an unsubscribe echoing X-Mailin-custom', async () => {
    const i = await identity({ relayKind: 'brevo' });
    const a = await sent(i.id);
    const b = await sent(i.id);
    const hard = relayFixture('brevo-hard-bounce');
    hard['X-Mailin-custom'] = a.token;
    hard['message-id'] = 'unrelated@relay.domain.com';
    const r1 = await post(
      ...(() => {
        const r = withUrlCredentials(i.relay.webhookUrl!, hard);
        return [r.path, r] as const;
      })(),
    );
    expect(await r1.json()).toEqual({ applied: 1, review: 0, ignored: 0 });
    expect(await leadStatus(a.lead.id)).toBe('bounced');

    const unsub = relayFixture('brevo-unsubscribed');
    unsub['X-Mailin-custom'] = b.token;
    const token = decodeURIComponent(new URL(i.relay.webhookUrl!).password);
    const bearer = await post(pathOf(i), {
      body: JSON.stringify([unsub]),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });
    expect(await bearer.json()).toEqual({ applied: 1, review: 0, ignored: 0 });
    expect(await leadStatus(b.lead.id)).toBe('unsubscribed');
  });
});

describe('Resend (Svix / Standard Webhooks)', () => {
  it('applies a signed complaint carrying our header; refuses a stale or foreign signature', async () => {
    const secret = resendSecret();
    const i = await identity({ relayKind: 'resend', relayKey: secret });
    const a = await sent(i.id);
    const complained = relayFixture('resend-complained');
    complained.data.to = [a.lead.email];
    complained.data.headers = [{ name: 'X-Kindling-Message', value: a.token }];

    expect((await post(pathOf(i), resendSigned(complained, resendSecret()))).status).toBe(401);
    const stale = resendSigned(complained, secret);
    stale.headers['svix-timestamp'] = String(Math.floor(Date.now() / 1000) - 600);
    expect((await post(pathOf(i), stale)).status).toBe(401);
    expect(await leadStatus(a.lead.id)).toBe('active');

    const ok = await post(pathOf(i), resendSigned(complained, secret));
    expect(await ok.json()).toEqual({ applied: 1, review: 0, ignored: 0 });
    expect(await leadStatus(a.lead.id)).toBe('complained');
  });
});

describe('strangers and floods', () => {
  it('404s unknown or unconfigured identities, bounds the body and what unverified requests store', async () => {
    const none = await identity({});
    expect(none.relay).toMatchObject({ kind: 'none', webhookUrl: null });
    const body = { body: '{}', headers: { 'content-type': 'application/json' } };
    expect((await post(`/api/webhooks/relays/${none.id}`, body)).status).toBe(404);
    expect((await post(`/api/webhooks/relays/${randomUUID()}`, body)).status).toBe(404);
    expect((await post('/api/webhooks/relays/not-an-id', body)).status).toBe(404);

    const i = await identity({ relayKind: 'mailgun', relayKey: `key-${randomUUID()}` });
    const huge = await post(pathOf(i), {
      body: JSON.stringify({ pad: 'x'.repeat(1_100_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(413);
    // Two hours' worth and more: even across an hour boundary at most two buckets are stored.
    for (let n = 0; n < 2 * UNVERIFIED_PER_HOUR + 5; n++) {
      const r = await post(pathOf(i), mailgunSigned(relayFixture('mailgun-complained'), 'guess'));
      expect(r.status).toBe(401);
    }
    const stored = await db().inboundReview.count({
      where: {
        workspaceId,
        kind: 'mailgun_unverified',
        excerpt: { contains: 'Test complained webhook' },
      },
    });
    expect(stored).toBeGreaterThanOrEqual(UNVERIFIED_PER_HOUR);
    expect(stored).toBeLessThanOrEqual(2 * UNVERIFIED_PER_HOUR);
    // The api still answers everyone else.
    expect((await client.get('/api/sending/identities')).status).toBe(200);
  });
});
