// The entry format of the tracking events stream (EVENTS_STREAM): written by apps/tracking on
// every hit, read by the worker's events drain. Flat string fields because that is what a Redis
// stream stores; short names because the hot path writes one entry per request. The entry id
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

const FIELDS: [keyof StreamEvent, string][] = [
  ['type', 't'],
  ['workspaceId', 'w'],
  ['messageId', 'm'],
  ['leadId', 'l'],
  ['url', 'u'],
  ['ip', 'ip'],
  ['userAgent', 'ua'],
  ['machineReason', 'mr'],
  ['detail', 'd'],
];

/** Flattens an event into XADD's field/value arguments, leaving out empty fields. */
export function encodeStreamEvent(e: StreamEvent): string[] {
  const out: string[] = [];
  for (const [key, field] of FIELDS) {
    const v = e[key];
    if (v) out.push(field, v);
  }
  return out;
}

/** The stream field names in their fixed order (for producers that pass values positionally). */
export const STREAM_EVENT_FIELDS: readonly string[] = FIELDS.map(([, field]) => field);

/** The event's values in STREAM_EVENT_FIELDS order, '' for absent ones. */
export function streamEventValues(e: StreamEvent): string[] {
  return FIELDS.map(([key]) => e[key] ?? '');
}

/** Parses XREAD's flat field list back into an event; null when required fields are missing. */
export function decodeStreamEvent(fields: string[]): StreamEvent | null {
  const byField = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) byField.set(fields[i]!, fields[i + 1]!);
  const e: Partial<StreamEvent> = {};
  for (const [key, field] of FIELDS) {
    const v = byField.get(field);
    if (v) (e as Record<string, string>)[key] = v;
  }
  if (e.type !== 'open' && e.type !== 'click' && e.type !== 'unsubscribe') return null;
  if (!e.workspaceId) return null;
  return e as StreamEvent;
}

/** Milliseconds since the epoch encoded in a stream entry id (`<ms>-<seq>`). */
export function streamIdTime(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}
