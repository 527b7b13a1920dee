// Mailgun webhooks (current, "v3" payloads): one event per POST, JSON
// `{ signature: { timestamp, token, signature }, "event-data": {...} }`. The signature is
// HMAC-SHA256 of timestamp + token (concatenated) under the domain's HTTP webhook signing key,
// in hex. Mailgun documents no freshness window and retries with the same signature, so none is
// enforced: replaying a genuine report only records what was already recorded (outcomes.ts).
// Our token comes back in `user-variables.kindling`, set by the X-Mailgun-Variables header.
// A 406 answer would tell Mailgun to stop retrying; a refused signature is a 401 like every relay's.
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  bracketed,
  isObject,
  parseJson,
  str,
  type RelayAdapter,
  type RelayEvent,
  type RelayOutcome,
} from './types.js';

function eventOutcome(e: Record<string, unknown>): RelayOutcome | null {
  switch (e.event) {
    case 'failed':
      return e.severity === 'permanent' ? 'hard_bounce' : 'soft_bounce';
    case 'complained':
      return 'complaint';
    case 'unsubscribed':
      return 'unsubscribe';
    default:
      return null;
  }
}

export const mailgun: RelayAdapter = {
  kind: 'mailgun',
  label: 'Mailgun',
  keySource: 'provider',
  keyLabel: 'HTTP webhook signing key',
  checkKey: (key) => (/^\S{8,200}$/.test(key) ? null : 'paste the key as Mailgun shows it'),
  verify(req, key) {
    const body = parseJson(req.body);
    const sig = isObject(body) && isObject(body.signature) ? body.signature : null;
    const timestamp = str(sig?.timestamp);
    const token = str(sig?.token);
    const signature = str(sig?.signature);
    if (!timestamp || !token || !signature) return 'no signature object';
    if (!/^[0-9a-f]{64}$/i.test(signature)) return 'signature is not 64 hex digits';
    const expected = createHmac('sha256', key)
      .update(timestamp + token)
      .digest();
    return timingSafeEqual(expected, Buffer.from(signature, 'hex'))
      ? null
      : 'signature does not verify';
  },
  parse(raw) {
    const body = parseJson(raw);
    if (!isObject(body) || !isObject(body['event-data'])) return null;
    const e = body['event-data'];
    const outcome = eventOutcome(e);
    if (!outcome) return { events: [], ignored: 1 };
    const message = isObject(e.message) ? e.message : {};
    const headers = isObject(message.headers) ? message.headers : {};
    const vars = isObject(e['user-variables']) ? e['user-variables'] : {};
    const status = isObject(e['delivery-status']) ? e['delivery-status'] : {};
    // A temporary failure is reported at every retry with that attempt's answer; the detail of a
    // soft bounce is part of its once-per-message key (outcomes.ts), so it leaves the answer out.
    const detail = (
      outcome === 'soft_bounce'
        ? [`Mailgun temporary failure`, str(e.reason)]
        : [
            `Mailgun ${str(e.event)}`,
            str(e.severity),
            str(e.reason),
            str(status.code),
            str(status.message) || str(status.description),
          ]
    )
      .filter((s) => s)
      .join(' ');
    const ev: RelayEvent = {
      outcome,
      recipient: str(e.recipient)?.toLowerCase() ?? null,
      tokenCarriers: [str(vars.kindling)],
      messageIdHeader: bracketed(str(headers['message-id'])),
      detail: detail.slice(0, 500),
      raw: JSON.stringify(e),
    };
    return { events: [ev], ignored: 0 };
  },
  echoHeaders: (token) => ({ 'X-Mailgun-Variables': JSON.stringify({ kindling: token }) }),
};
