// Each adapter against its provider's documented sample payloads (fixtures/), signed by the
// provider's scheme with real keys: a good signature verifies, a changed byte or another key is
// refused, and the sample maps to the outcomes the product records.
import { createHmac, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RELAY_ADAPTERS, relayEchoHeaders } from './index.js';
import type { RelayAdapter, RelayEvent, RelayRequest } from './types.js';

/** The adapters, with parse answering only the reports (the ignored count is checked apart). */
const A = Object.fromEntries(
  Object.entries(RELAY_ADAPTERS).map(([k, a]) => [
    k,
    { ...a, parseEvents: (b: Buffer) => a.parse(b)?.events ?? null },
  ]),
) as unknown as Record<
  keyof typeof RELAY_ADAPTERS,
  RelayAdapter & { parseEvents: (b: Buffer) => RelayEvent[] | null }
>;
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as unknown;
const req = (body: string | Buffer, headers: RelayRequest['headers'] = {}, now = Date.now()) => ({
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  headers,
  now,
});

describe('Mailgun', () => {
  const key = randomBytes(16).toString('hex');
  const sign = (payload: Record<string, unknown>, k = key) => {
    const sig = payload.signature as { timestamp: string; token: string; signature: string };
    sig.signature = createHmac('sha256', k)
      .update(sig.timestamp + sig.token)
      .digest('hex');
    return JSON.stringify(payload);
  };

  it('verifies HMAC-SHA256 of timestamp+token; refuses the documented (fake) value, another key and a changed token', () => {
    const sample = fixture('mailgun-permanent-failure') as Record<string, unknown>;
    expect(A.mailgun.verify(req(JSON.stringify(sample)), key)).toBe('signature does not verify');
    expect(A.mailgun.verify(req(sign(sample)), key)).toBeNull();
    expect(A.mailgun.verify(req(sign(sample, 'other-key')), key)).not.toBeNull();
    const tampered = JSON.parse(sign(sample)) as { signature: { token: string } };
    tampered.signature.token += 'x';
    expect(A.mailgun.verify(req(JSON.stringify(tampered)), key)).not.toBeNull();
    expect(A.mailgun.verify(req('{}'), key)).toBe('no signature object');
  });

  it('maps permanent failure, complaint and unsubscribe; ignores deliveries', () => {
    const failed = A.mailgun.parseEvents(
      Buffer.from(JSON.stringify(fixture('mailgun-permanent-failure'))),
    );
    expect(failed).toEqual([
      expect.objectContaining({
        outcome: 'hard_bounce',
        recipient: 'alice@example.com',
        messageIdHeader: '<20130503182626.18666.16540@sandbox.mailgun.org>',
        tokenCarriers: [null],
      }),
    ]);
    expect(failed?.[0]?.detail).toContain('Not delivering to previously bounced address');
    const complained = A.mailgun.parseEvents(
      Buffer.from(JSON.stringify(fixture('mailgun-complained'))),
    );
    expect(complained?.map((e) => e.outcome)).toEqual(['complaint']);
    expect(
      A.mailgun.parseEvents(Buffer.from(JSON.stringify(fixture('mailgun-delivered')))),
    ).toEqual([]);
    const temp = fixture('mailgun-permanent-failure') as { 'event-data': Record<string, unknown> };
    temp['event-data'].severity = 'temporary';
    temp['event-data'].reason = 'generic';
    temp['event-data']['user-variables'] = { kindling: 'TOKEN' };
    const soft = A.mailgun.parseEvents(Buffer.from(JSON.stringify(temp)));
    // Every retry's event has the same detail, so a message counts one soft bounce.
    expect(soft).toEqual([
      expect.objectContaining({
        outcome: 'soft_bounce',
        detail: 'Mailgun temporary failure generic',
        tokenCarriers: ['TOKEN'],
      }),
    ]);
    expect(A.mailgun.parseEvents(Buffer.from('not json'))).toBeNull();
  });
});

describe('Postmark (no signature: Kindling’s token as Basic auth password, bearer or header)', () => {
  const token = 'tok-' + randomBytes(8).toString('hex');
  const body = JSON.stringify(fixture('postmark-bounce'));
  const basic = (user: string, pass: string) =>
    `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

  it('accepts the token the URL carries and refuses anything else', () => {
    const v = A.postmark;
    expect(v.verify(req(body, { authorization: basic('kindling', token) }), token)).toBeNull();
    expect(v.verify(req(body, { authorization: `Bearer ${token}` }), token)).toBeNull();
    expect(v.verify(req(body, { 'x-kindling-webhook-token': token }), token)).toBeNull();
    expect(v.verify(req(body, { authorization: basic('kindling', `${token}x`) }), token)).toBe(
      'credentials do not match',
    );
    expect(v.verify(req(body), token)).toMatch(/^no credentials/);
  });

  it('maps bounce, spam complaint and a recipient’s own unsubscribe', () => {
    const p = A.postmark;
    expect(p.parseEvents(Buffer.from(body))).toEqual([
      expect.objectContaining({
        outcome: 'hard_bounce',
        recipient: 'john@example.com',
        messageIdHeader: null,
      }),
    ]);
    expect(
      p.parseEvents(Buffer.from(JSON.stringify(fixture('postmark-spam-complaint'))))?.[0]?.outcome,
    ).toBe('complaint');
    expect(
      p.parseEvents(Buffer.from(JSON.stringify(fixture('postmark-subscription-change')))),
    ).toEqual([
      expect.objectContaining({ outcome: 'unsubscribe', recipient: 'bounced-address@wildbit.com' }),
    ]);
    const soft = { ...(fixture('postmark-bounce') as object), Type: 'SoftBounce', TypeCode: 4096 };
    expect(p.parseEvents(Buffer.from(JSON.stringify(soft)))?.[0]?.outcome).toBe('soft_bounce');
    const auto = { ...(fixture('postmark-bounce') as object), Type: 'AutoResponder', TypeCode: 64 };
    expect(p.parseEvents(Buffer.from(JSON.stringify(auto)))).toEqual([]);
    // Our token, from the metadata header or from the returned message in the bounce dump.
    const withToken = {
      ...(fixture('postmark-bounce') as object),
      Metadata: { kindling: 'META' },
      Content: 'Received: x\r\nX-Kindling-Message: DUMPTOKEN\r\nSubject: s\r\n',
    };
    expect(p.parseEvents(Buffer.from(JSON.stringify(withToken)))?.[0]?.tokenCarriers).toEqual([
      'META',
      'DUMPTOKEN',
    ]);
  });
});

describe('SendGrid (ECDSA P-256 over timestamp + body)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  // As SendGrid's console shows it: base64 DER SubjectPublicKeyInfo.
  const verificationKey = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const body = JSON.stringify(fixture('sendgrid-events'));
  const signed = (b: string, ts = '1513299569') => ({
    'x-twilio-email-event-webhook-signature': createSign('sha256')
      .update(ts + b)
      .sign(privateKey, 'base64'),
    'x-twilio-email-event-webhook-timestamp': ts,
  });

  it('verifies the signature with the verification key; refuses a changed body, timestamp or key', () => {
    const s = A.sendgrid;
    expect(s.checkKey(verificationKey)).toBeNull();
    expect(s.checkKey('not a key')).not.toBeNull();
    expect(s.verify(req(body, signed(body)), verificationKey)).toBeNull();
    expect(s.verify(req(`${body} `, signed(body)), verificationKey)).toBe(
      'signature does not verify',
    );
    const h = signed(body);
    h['x-twilio-email-event-webhook-timestamp'] = '1513299570';
    expect(s.verify(req(body, h), verificationKey)).toBe('signature does not verify');
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
    const otherKey = other.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(s.verify(req(body, signed(body)), otherKey)).toBe('signature does not verify');
    expect(s.verify(req(body), verificationKey)).toMatch(/^no x-twilio/);
  });

  it('maps the documented batch: bounce hard, blocked soft, spam report, unsubscribe; the rest ignored', () => {
    expect(RELAY_ADAPTERS.sendgrid.parse(Buffer.from(body))?.ignored).toBe(5);
    const events = A.sendgrid.parseEvents(Buffer.from(body));
    expect(events?.map((e) => e.outcome)).toEqual([
      'hard_bounce',
      'soft_bounce',
      'complaint',
      'unsubscribe',
    ]);
    expect(events?.[0]).toMatchObject({
      recipient: 'example@test.com',
      messageIdHeader: '<14c5d75ce93.dfd.64b469@ismtpd-555>',
    });
    expect(events?.[0]?.detail).toBe(
      'SendGrid bounce bounce Invalid Address 5.0.0 500 unknown recipient',
    );
  });
});

describe('Brevo (token as bearer or Basic auth)', () => {
  it('maps hard bounce, spam and unsubscribed, single or batched, with X-Mailin-custom as token carrier', () => {
    const b = A.brevo;
    expect(b.verify(req('{}', { authorization: 'Bearer abc' }), 'abc')).toBeNull();
    expect(b.verify(req('{}', { authorization: 'Bearer abd' }), 'abc')).not.toBeNull();
    const hard = b.parseEvents(Buffer.from(JSON.stringify(fixture('brevo-hard-bounce'))));
    expect(hard).toEqual([
      expect.objectContaining({
        outcome: 'hard_bounce',
        recipient: 'example@domain.com',
        messageIdHeader: '<201798300811.5787683@relay.domain.com>',
        tokenCarriers: ['some_custom_header'],
        detail: 'Brevo hard_bounce hard bounce reason',
      }),
    ]);
    const batch = [fixture('brevo-spam'), fixture('brevo-unsubscribed'), { event: 'delivered' }];
    expect(b.parseEvents(Buffer.from(JSON.stringify(batch)))?.map((e) => e.outcome)).toEqual([
      'complaint',
      'unsubscribe',
    ]);
  });
});

describe('Resend (Standard Webhooks / Svix)', () => {
  it('verifies Svix’s published example signature, within five minutes of its timestamp only', () => {
    // The example of Svix's "verifying manually" documentation.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const headers = {
      'svix-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'svix-timestamp': '1614265330',
      'svix-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    const body = '{"test": 2432232314}';
    const at = 1614265330_000;
    expect(A.resend.verify(req(body, headers, at + 60_000), secret)).toBeNull();
    expect(A.resend.verify(req(body, headers, at + 6 * 60_000), secret)).toBe(
      'timestamp is more than five minutes from now',
    );
    expect(A.resend.verify(req('{"test": 2432232315}', headers, at), secret)).toBe(
      'signature does not verify',
    );
    // A rotation lists two signatures; one valid is enough. The specification's names work too.
    const rotated = {
      'webhook-id': headers['svix-id'],
      'webhook-timestamp': headers['svix-timestamp'],
      'webhook-signature': `v1,AAAA ${headers['svix-signature']}`,
    };
    expect(A.resend.verify(req(body, rotated, at), secret)).toBeNull();
  });

  it('maps email.bounced (Permanent: hard) and email.complained, the token from headers or a tag', () => {
    const r = A.resend;
    const bounced = r.parseEvents(Buffer.from(JSON.stringify(fixture('resend-bounced'))));
    expect(bounced).toEqual([
      expect.objectContaining({ outcome: 'hard_bounce', recipient: 'delivered@resend.dev' }),
    ]);
    expect(bounced?.[0]?.detail).toContain('Permanent Suppressed');
    const complained = fixture('resend-complained') as { data: Record<string, unknown> };
    complained.data.headers = [{ name: 'X-Kindling-Message', value: 'HEADERTOKEN' }];
    complained.data.tags = [{ name: 'kindling', value: 'TAGTOKEN' }];
    expect(r.parseEvents(Buffer.from(JSON.stringify(complained)))?.[0]).toMatchObject({
      outcome: 'complaint',
      tokenCarriers: ['HEADERTOKEN', 'TAGTOKEN'],
    });
    expect(
      r.parseEvents(Buffer.from(JSON.stringify({ type: 'email.delivered', data: {} }))),
    ).toEqual([]);
  });
});

it('puts each relay’s echo header on outgoing mail', () => {
  expect(relayEchoHeaders('mailgun', 'T')).toEqual({ 'X-Mailgun-Variables': '{"kindling":"T"}' });
  expect(relayEchoHeaders('postmark', 'T')).toEqual({ 'X-PM-Metadata-kindling': 'T' });
  expect(relayEchoHeaders('sendgrid', 'T')).toEqual({
    'X-SMTPAPI': '{"unique_args":{"kindling":"T"}}',
  });
  expect(relayEchoHeaders('brevo', 'T')).toEqual({ 'X-Mailin-custom': 'T' });
  expect(relayEchoHeaders('resend', 'T')).toEqual({});
  expect(relayEchoHeaders('none', 'T')).toEqual({});
});
