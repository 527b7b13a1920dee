// What every relay adapter answers: whether a webhook request is the provider's own (its
// signature or credential), and the bounce, complaint and unsubscribe reports it carries, each
// with the places our signed message token may come back (report-trust.ts decides what they
// prove). Adapters are pure: no database, no clock of their own (`now` is passed in).

import type { RELAY_ADAPTER_KINDS } from '@kindling/shared';

/** The relays with an adapter (SES has its own SNS endpoint, ses.ts). */
export type RelayKindName = (typeof RELAY_ADAPTER_KINDS)[number];

/** The outcomes a relay report maps to: the ones the product already records. */
export type RelayOutcome = 'hard_bounce' | 'soft_bounce' | 'complaint' | 'unsubscribe';

export interface RelayEvent {
  outcome: RelayOutcome;
  /** The address the provider names (never acted on by itself: the message's own recipient is). */
  recipient: string | null;
  /** Values that may carry our signed token (custom variable, metadata, echoed header). */
  tokenCarriers: (string | null)[];
  /** The message's Message-ID as the provider reports it, when it does. */
  messageIdHeader: string | null;
  /** A line for the event's detail and the suppression's reason. */
  detail: string;
  /** This one event as received (JSON), for the review queue. */
  raw: string;
}

export interface RelayEvents {
  events: RelayEvent[];
  ignored: number;
}

/**
 * A batch's events: `toEvent` of each object in `list`; what is not an object or not a report
 * (`toEvent` answers null) is counted as ignored.
 */
export function mapBatch(
  list: unknown[],
  toEvent: (e: Record<string, unknown>) => RelayEvent | null,
): RelayEvents {
  const events: RelayEvent[] = [];
  let ignored = 0;
  for (const e of list) {
    const event = isObject(e) ? toEvent(e) : null;
    if (event) events.push(event);
    else ignored++;
  }
  return { events, ignored };
}

export interface RelayRequest {
  /** The body exactly as received (signatures are over these bytes). */
  body: Buffer;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  /** Epoch milliseconds. */
  now: number;
}

export interface RelayAdapter {
  kind: RelayKindName;
  label: string;
  /**
   * `provider`: the key is the provider's (its signing key or public key, pasted into Kindling);
   * `kindling`: the provider signs nothing, so Kindling generates a token the URL carries.
   */
  keySource: 'provider' | 'kindling';
  /** What the key field is called in the provider's console. */
  keyLabel: string;
  /** null when a pasted key has the provider's form (checked when saved); otherwise why not. */
  checkKey(key: string): string | null;
  /** null when the request is the provider's own; otherwise why not. */
  verify(req: RelayRequest, key: string): string | null;
  /**
   * The reports in a verified body, and how many events of other types (deliveries, opens,
   * deferrals) it held; null when it is not the provider's payload at all.
   */
  parse(body: Buffer): RelayEvents | null;
  /** Headers on outgoing mail that make the provider echo our token back in its events. */
  echoHeaders(token: string): Record<string, string>;
}

/** One header value (the first, when a header was sent twice). */
export function header(req: RelayRequest, name: string): string | null {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? null;
}

export const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/** A Message-ID with its angle brackets (providers often drop them). */
export function bracketed(mid: string | null): string | null {
  const t = mid?.trim();
  if (!t) return null;
  return t.startsWith('<') ? t : `<${t}>`;
}
