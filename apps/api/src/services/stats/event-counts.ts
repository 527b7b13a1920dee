// Open, click and unsubscribe counts from TrackingEvent, human by default.
//
// Every open and click is stored raw with a `machine` flag (Apple Mail Privacy Protection
// prefetches, security scanners, HEAD probes, early clicks, bursts, the honeypot link; see
// apps/tracking/src/classify.ts and apps/worker/src/events-signals.ts). Statistics count human
// events unless the caller asks for `machine` or `all`; the machine counts always come along so
// a screen can show both. Unsubscribes are deliberate POSTs and are never filtered.
import type { Db } from '@kindling/db';

/** Which events a count includes. */
export type EventAudience = 'human' | 'machine' | 'all';

/** Counts for one group of messages. Unique counts are messages with at least one such event. */
export interface EventCounts {
  opens: number;
  uniqueOpens: number;
  clicks: number;
  uniqueClicks: number;
  unsubscribes: number;
  /** Machine opens and clicks, whatever the audience (for "x machine opens hidden"). */
  machineOpens: number;
  machineClicks: number;
}

export interface StepEventCounts extends EventCounts {
  stepId: string;
}

const ZERO: EventCounts = {
  opens: 0,
  uniqueOpens: 0,
  clicks: 0,
  uniqueClicks: 0,
  unsubscribes: 0,
  machineOpens: 0,
  machineClicks: 0,
};

// `a` is the SQL parameter holding the audience: the FILTER clauses keep the events it selects.
const COUNTS = (a: string) => `
  count(*) FILTER (WHERE e.type = 'open' AND ${keep(a)})::int AS opens,
  count(DISTINCT e."messageId") FILTER (WHERE e.type = 'open' AND ${keep(a)})::int AS "uniqueOpens",
  count(*) FILTER (WHERE e.type = 'click' AND ${keep(a)})::int AS clicks,
  count(DISTINCT e."messageId") FILTER (WHERE e.type = 'click' AND ${keep(a)})::int AS "uniqueClicks",
  count(DISTINCT coalesce(e."leadId"::text, e."messageId"::text)) FILTER (WHERE e.type = 'unsubscribe')::int AS unsubscribes,
  count(*) FILTER (WHERE e.type = 'open' AND e.machine)::int AS "machineOpens",
  count(*) FILTER (WHERE e.type = 'click' AND e.machine)::int AS "machineClicks"`;

function keep(param: string): string {
  return `(CASE ${param} WHEN 'human' THEN NOT e.machine WHEN 'machine' THEN e.machine ELSE true END)`;
}

function audienceOf(a: string): EventAudience {
  if (a !== 'human' && a !== 'machine' && a !== 'all') throw new Error(`unknown audience ${a}`);
  return a;
}

/**
 * Per-step open/click/unsubscribe counts of one campaign (human events unless `audience` says
 * otherwise), scoped to the workspace. Steps without any event are absent from the result.
 */
export async function campaignStepEventCounts(
  db: Db,
  workspaceId: string,
  campaignId: string,
  audience: EventAudience = 'human',
): Promise<StepEventCounts[]> {
  return db.$queryRawUnsafe<StepEventCounts[]>(
    `SELECT m."stepId"::text AS "stepId", ${COUNTS('$3::text')}
     FROM "TrackingEvent" e
     JOIN "Message" m ON m.id = e."messageId" AND m."workspaceId" = $1::uuid
     WHERE e."workspaceId" = $1::uuid AND m."campaignId" = $2::uuid AND m."stepId" IS NOT NULL
     GROUP BY m."stepId"`,
    workspaceId,
    campaignId,
    audienceOf(audience),
  );
}

/**
 * Workspace-wide counts of events that occurred in [since, until) (human events unless
 * `audience` says otherwise); messages of every kind.
 */
export async function workspaceEventCounts(
  db: Db,
  workspaceId: string,
  options: { since?: Date; until?: Date; audience?: EventAudience } = {},
): Promise<EventCounts> {
  const rows = await db.$queryRawUnsafe<EventCounts[]>(
    `SELECT ${COUNTS('$4::text')}
     FROM "TrackingEvent" e
     WHERE e."workspaceId" = $1::uuid
       AND e."occurredAt" >= coalesce($2::timestamptz, '-infinity') AND e."occurredAt" < coalesce($3::timestamptz, 'infinity')`,
    workspaceId,
    options.since?.toISOString() ?? null,
    options.until?.toISOString() ?? null,
    audienceOf(options.audience ?? 'human'),
  );
  return rows[0] ?? { ...ZERO };
}
