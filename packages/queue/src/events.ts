// The entry format of the tracking events stream (EVENTS_STREAM): written by apps/tracking on
// every hit, read by the worker's events drain. One field per entry holding the event packed into
// a separated string, because the hot path writes one entry per request and every extra field
// costs the producer and Redis. The entry id
// (`<ms>-<seq>`, assigned by Redis) is the event's idempotency key and its time.

/** Event types the tracking app records. */
export type StreamEventType = 'open' | 'click' | 'unsubscribe';

/** One tracking event as it travels through the stream. */
export interface StreamEvent {
  type: StreamEventType;
  workspaceId: string;
  messageId?: string;
  leadId?: string;
  url?: string;
  ip?: string;
  userAgent?: string;
  /** Machine reason decided at request time; absent for a presumed human. */
  machineReason?: string;
  /** Small JSON object with extra facts (e.g. `{"method":"one-click"}`). */
  detail?: string;
}

const FIELDS: (keyof StreamEvent)[] = [
  'type',
  'workspaceId',
  'messageId',
  'leadId',
  'url',
  'ip',
  'userAgent',
  'machineReason',
  'detail',
];

/** The stream field holding the packed event. */
export const STREAM_EVENT_FIELD = 'e';
const VERSION = 'v1';
const SEP = '\x1f'; // ASCII unit separator: cannot occur in a header value, an href or JSON text

/**
 * Packs an event into one string (`v1␟type␟workspace␟...`): one stream field per event keeps
 * both the producer's command building and Redis's work per entry small.
 */
export function packStreamEvent(e: StreamEvent): string {
  let out = VERSION;
  for (const key of FIELDS) {
    const v = e[key];
    // A separator inside a value would shift the fields: drop it (header values, hrefs and JSON
    // text never carry one, so this is a cheap check, not a rewrite).
    out += SEP + (v ? (v.includes(SEP) ? v.replaceAll(SEP, '') : v) : '');
  }
  return out;
}

/** XADD's field/value arguments for one event. */
export function encodeStreamEvent(e: StreamEvent): string[] {
  return [STREAM_EVENT_FIELD, packStreamEvent(e)];
}

/** Parses XREAD's flat field list back into an event; null when it is not a valid event. */
export function decodeStreamEvent(fields: string[]): StreamEvent | null {
  let packed: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2)
    if (fields[i] === STREAM_EVENT_FIELD) packed = fields[i + 1];
  if (!packed) return null;
  const parts = packed.split(SEP);
  if (parts[0] !== VERSION || parts.length !== FIELDS.length + 1) return null;
  const e: Partial<StreamEvent> = {};
  FIELDS.forEach((key, i) => {
    const v = parts[i + 1];
    if (v) (e as Record<string, string>)[key] = v;
  });
  if (e.type !== 'open' && e.type !== 'click' && e.type !== 'unsubscribe') return null;
  if (!e.workspaceId) return null;
  return e as StreamEvent;
}

/** Milliseconds since the epoch encoded in a stream entry id (`<ms>-<seq>`). */
export function streamIdTime(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}
