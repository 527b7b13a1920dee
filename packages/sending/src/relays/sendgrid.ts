// SendGrid's Event Webhook: a JSON array of events per POST. With "Signed Event Webhook" on,
// SendGrid signs timestamp + raw body with ECDSA P-256 / SHA-256 and sends the base64 DER
// signature in X-Twilio-Email-Event-Webhook-Signature and the timestamp in
// X-Twilio-Email-Event-Webhook-Timestamp; the console shows the verification key as base64 DER
// (SubjectPublicKeyInfo), which is what is pasted into Kindling (a PEM is accepted too).
// Our token comes back as the custom argument `kindling` (a top-level key of every event), set by
// the X-SMTPAPI header's unique_args; `smtp-id` is the Message-ID.
import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import {
  bracketed,
  header,
  mapBatch,
  parseJson,
  str,
  type RelayAdapter,
  type RelayEvent,
  type RelayOutcome,
} from './types.js';

const SIGNATURE = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP = 'x-twilio-email-event-webhook-timestamp';

/** The verification key as SendGrid shows it (base64 DER) or as a PEM. */
export function sendgridPublicKey(key: string): KeyObject {
  const k = key.trim();
  if (k.includes('BEGIN PUBLIC KEY')) return createPublicKey(k);
  return createPublicKey({ key: Buffer.from(k, 'base64'), format: 'der', type: 'spki' });
}

function eventOutcome(e: Record<string, unknown>): RelayOutcome | null {
  switch (e.event) {
    case 'bounce':
      // type "blocked" is a temporary refusal (SendGrid's bounce_classification says why).
      return e.type === 'blocked' ? 'soft_bounce' : 'hard_bounce';
    case 'spamreport':
      return 'complaint';
    case 'unsubscribe':
      return 'unsubscribe';
    default:
      // processed, delivered, deferred, dropped (SendGrid's own suppression), open, click,
      // group_unsubscribe / group_resubscribe (per unsubscribe group, not the whole workspace).
      return null;
  }
}

export const sendgrid: RelayAdapter = {
  kind: 'sendgrid',
  label: 'SendGrid',
  keySource: 'provider',
  keyLabel: 'Event Webhook verification key',
  checkKey(key) {
    try {
      const k = sendgridPublicKey(key);
      return k.asymmetricKeyDetails?.namedCurve === 'prime256v1'
        ? null
        : 'not an ECDSA P-256 public key';
    } catch {
      return 'not a public key (paste it as SendGrid shows it: base64)';
    }
  },
  verify(req, key) {
    const signature = header(req, SIGNATURE);
    const timestamp = header(req, TIMESTAMP);
    if (!signature || !timestamp) return `no ${SIGNATURE} / ${TIMESTAMP} header`;
    let publicKey: KeyObject;
    try {
      publicKey = sendgridPublicKey(key);
    } catch {
      return 'the stored verification key is not a public key';
    }
    const ok = createVerify('sha256')
      .update(Buffer.concat([Buffer.from(timestamp, 'utf8'), req.body]))
      .verify(publicKey, signature, 'base64');
    return ok ? null : 'signature does not verify';
  },
  parse(raw) {
    const body = parseJson(raw);
    if (!Array.isArray(body)) return null;
    return mapBatch(body, (e): RelayEvent | null => {
      const outcome = eventOutcome(e);
      if (!outcome) return null;
      const detail = [
        `SendGrid ${str(e.event)}`,
        str(e.type),
        str(e.bounce_classification),
        str(e.status),
        str(e.reason),
      ]
        .filter((s) => s)
        .join(' ');
      return {
        outcome,
        recipient: str(e.email)?.toLowerCase() ?? null,
        tokenCarriers: [str(e.kindling)],
        messageIdHeader: bracketed(str(e['smtp-id'])),
        detail: detail.slice(0, 500),
        raw: JSON.stringify(e),
      };
    });
  },
  echoHeaders: (token) => ({ 'X-SMTPAPI': JSON.stringify({ unique_args: { kindling: token } }) }),
};
