// Relay webhook requests as each provider sends them: its documented sample payload
// (packages/sending/src/relays/fixtures) made about one of our messages, signed by the provider's
// scheme with a real key (HMAC for Mailgun and Resend, an ECDSA P-256 key pair for SendGrid).
import { createHmac, createSign, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../../../../packages/sending/src/relays/fixtures/', import.meta.url);

/** A documented sample payload (a fresh copy each time). */
export function relayFixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as T;
}

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

/** Mailgun: signature.signature = hex HMAC-SHA256(signing key, timestamp + token). */
export function mailgunSigned(payload: any, signingKey: string): SignedRequest {
  payload.signature.timestamp = String(Math.floor(Date.now() / 1000));
  payload.signature.token = randomBytes(25).toString('hex');
  payload.signature.signature = createHmac('sha256', signingKey)
    .update(payload.signature.timestamp + payload.signature.token)
    .digest('hex');
  return { body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } };
}

/** A SendGrid "Signed Event Webhook" key pair: the verification key as its console shows it. */
export function sendgridKeys() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    verificationKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    privateKey,
  };
}

export function sendgridSigned(
  events: unknown[],
  privateKey: ReturnType<typeof sendgridKeys>['privateKey'],
): SignedRequest {
  const body = JSON.stringify(events);
  const ts = String(Math.floor(Date.now() / 1000));
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-twilio-email-event-webhook-timestamp': ts,
      'x-twilio-email-event-webhook-signature': createSign('sha256')
        .update(ts + body)
        .sign(privateKey, 'base64'),
    },
  };
}

/** A Resend (Svix) signing secret as its console shows it. */
export const resendSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

export function resendSigned(payload: unknown, secret: string): SignedRequest {
  const body = JSON.stringify(payload);
  const id = `msg_${randomUUID().replace(/-/g, '')}`;
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
    .update(`${id}.${ts}.${body}`)
    .digest('base64');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': ts,
      'svix-signature': `v1,${sig}`,
    },
  };
}

/** Postmark and Brevo: the URL's Basic auth credentials, sent as the provider sends them. */
export function withUrlCredentials(webhookUrl: string, payload: unknown) {
  const u = new URL(webhookUrl);
  const auth = Buffer.from(
    `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`,
  ).toString('base64');
  u.username = '';
  u.password = '';
  return {
    path: u.pathname,
    body: JSON.stringify(payload),
    headers: { 'content-type': 'application/json', authorization: `Basic ${auth}` },
  };
}
