// Resend webhooks are sent through Svix, i.e. the Standard Webhooks scheme: headers svix-id,
// svix-timestamp and svix-signature (or the webhook-* names of the specification); the signature
// is base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` under the base64 secret after `whsec_`,
// listed as space-separated `v1,<sig>` entries (several during a key rotation). A timestamp more
// than five minutes from now is refused (the specification's tolerance: Svix signs every attempt
// afresh). Our token comes back in `data.headers` (the X-Kindling-Message header every message
// carries) or a `kindling` tag.
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  header,
  isObject,
  parseJson,
  str,
  type RelayAdapter,
  type RelayOutcome,
  type RelayRequest,
} from './types.js';
import { MESSAGE_TOKEN_HEADER } from '../report-trust.js';

const TOLERANCE_MS = 5 * 60_000;

/** Verifies a Standard Webhooks (Svix) signature; null when it holds. */
export function verifyStandardWebhook(req: RelayRequest, secret: string): string | null {
  const id = header(req, 'svix-id') ?? header(req, 'webhook-id');
  const ts = header(req, 'svix-timestamp') ?? header(req, 'webhook-timestamp');
  const sigs = header(req, 'svix-signature') ?? header(req, 'webhook-signature');
  if (!id || !ts || !sigs) return 'no svix-id / svix-timestamp / svix-signature header';
  if (!/^\d{1,12}$/.test(ts)) return 'timestamp is not a number of seconds';
  if (Math.abs(req.now - Number(ts) * 1000) > TOLERANCE_MS)
    return 'timestamp is more than five minutes from now';
  const key = Buffer.from(secret.trim().replace(/^whsec_/, ''), 'base64');
  if (key.length === 0) return 'the stored signing secret is empty';
  const expected = createHmac('sha256', key).update(`${id}.${ts}.`).update(req.body).digest();
  for (const entry of sigs.split(' ')) {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const got = Buffer.from(value, 'base64');
    if (got.length === expected.length && timingSafeEqual(got, expected)) return null;
  }
  return 'signature does not verify';
}

function eventOutcome(type: unknown, data: Record<string, unknown>): RelayOutcome | null {
  if (type === 'email.complained') return 'complaint';
  if (type !== 'email.bounced') return null;
  const bounce = isObject(data.bounce) ? data.bounce : {};
  // "permanently rejected" per Resend's docs; a Transient type (when reported) is a soft bounce.
  return str(bounce.type)?.toLowerCase() === 'transient' ? 'soft_bounce' : 'hard_bounce';
}

function tagValue(tags: unknown): string | null {
  if (isObject(tags)) return str(tags.kindling);
  if (!Array.isArray(tags)) return null;
  const tag: unknown = tags.find((t) => isObject(t) && t.name === 'kindling');
  return isObject(tag) ? str(tag.value) : null;
}

export const resend: RelayAdapter = {
  kind: 'resend',
  label: 'Resend',
  keySource: 'provider',
  keyLabel: 'webhook signing secret (whsec_…)',
  checkKey(key) {
    const b64 = key.trim().replace(/^whsec_/, '');
    return /^[A-Za-z0-9+/]{16,}={0,2}$/.test(b64)
      ? null
      : 'paste the signing secret as Resend shows it (whsec_…)';
  },
  verify: (req, key) => verifyStandardWebhook(req, key),
  parse(raw) {
    const body = parseJson(raw);
    if (!isObject(body) || !isObject(body.data)) return null;
    const data = body.data;
    const outcome = eventOutcome(body.type, data);
    if (!outcome) return { events: [], ignored: 1 };
    const headers = Array.isArray(data.headers) ? (data.headers as unknown[]) : [];
    const headerValue = (name: string) =>
      headers
        .filter(isObject)
        .map((h) => (str(h.name)?.toLowerCase() === name.toLowerCase() ? str(h.value) : null))
        .find((v) => v) ?? null;
    const to = Array.isArray(data.to) ? str(data.to[0]) : str(data.to);
    const bounce = isObject(data.bounce) ? data.bounce : {};
    return {
      ignored: 0,
      events: [
        {
          outcome,
          recipient: to ? (/<([^>]+)>/.exec(to)?.[1] ?? to).toLowerCase() : null,
          tokenCarriers: [headerValue(MESSAGE_TOKEN_HEADER), tagValue(data.tags)],
          messageIdHeader: headerValue('message-id'),
          detail: [
            `Resend ${str(body.type)}`,
            str(bounce.type),
            str(bounce.subType),
            str(bounce.message),
          ]
            .filter((s) => s)
            .join(' ')
            .slice(0, 500),
          raw: JSON.stringify(body),
        },
      ],
    };
  },
  // Every message already carries X-Kindling-Message, which Resend lists in data.headers.
  echoHeaders: () => ({}),
};
