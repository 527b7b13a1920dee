// The one unsubscribe rule, for every way a person leaves a workspace's mail: the tracking
// server's link and RFC 8058 one-click POST, the mailto one-click address (worker inbound SMTP),
// a relay's unsubscribe report (the api's relay webhooks)
// and a team member's unsubscribe in the api (one lead or a whole filtered set).
//
// One SQL statement (so one atomic change, whatever the number of leads):
// - lead state: each named lead that is `active` becomes `unsubscribed` (bounced and complained
//   are stronger and stay);
// - suppression: every named address gets an `unsubscribe` suppression unless it already has one
//   of any reason (a bounce or complaint stays as it is), so no identity ever mails it again;
// - enrollments: every live (active or paused) enrollment of a named lead exits with reason
//   `unsubscribed`, so no further step runs (a queued email meets the suppression at send time);
// - the webhook event lead.unsubscribed for each lead changed (packages/webhooks outbox);
// - the event: a request from the recipient records one `unsubscribe` TrackingEvent under the
//   caller's key (a key seen before records nothing: a report delivered twice counts once); a
//   team member's unsubscribe records one per lead it changed.
// Re-subscribing (the tracking page's button) is here too: it lifts only an unsubscribe.
import { randomUUID } from 'node:crypto';
import type { Db } from '@kindling/db';
import { leadJsonSql, webhookEventsInsert } from '@kindling/webhooks';

/** How the unsubscribe was asked for; stored in the event's detail as `method`. */
export type UnsubscribeVia = 'one-click' | 'unsubscribe' | 'mailto' | 'relay' | 'team';

const SUPPRESSION_DETAIL: Record<UnsubscribeVia, string> = {
  'one-click': 'RFC 8058 one-click',
  unsubscribe: 'unsubscribe page',
  mailto: 'mailto unsubscribe',
  relay: 'unsubscribed at the sending relay (its webhook)',
  team: 'unsubscribed by a team member',
};

export interface UnsubscribeRequest {
  workspaceId: string;
  /** The leads named (ids not in the workspace, or not ids at all, are ignored). */
  leadIds?: readonly string[];
  /** A recipient's address: suppressed even when no lead has it; a lead with it is named too. */
  email?: string | null;
  /** The message the request came from (the event's message, when it is in the workspace). */
  messageId?: string | null;
  via: UnsubscribeVia;
  /**
   * A recipient's own request: one event under `key` (a fresh key when omitted), with the
   * request's facts. Absent for a team member's unsubscribe: one event per lead changed.
   */
  event?: { key?: string; ip?: string | null; userAgent?: string | null };
}

export interface UnsubscribeResult {
  /** Leads that went from active to unsubscribed. */
  leadsChanged: number;
  enrollmentsExited: number;
  eventsRecorded: number;
}

/** A pg pool or client: the api's set-based callers run on those. */
export interface SqlClient {
  query(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidOrNull = (v: string | null | undefined) => (v && UUID.test(v) ? v : null);

const UNSUBSCRIBE_SQL = `
WITH ids AS (
  SELECT x::uuid AS id FROM jsonb_array_elements_text($2::jsonb) x
), named AS (
  SELECT l.id, l.email FROM "Lead" l
  WHERE l."workspaceId" = $1::uuid
    AND (l.id IN (SELECT id FROM ids) OR ($3::text IS NOT NULL AND l.email = $3::text))
), changed AS (
  UPDATE "Lead" l SET status = 'unsubscribed', "unsubscribedAt" = now(), "updatedAt" = now()
  WHERE l.id IN (SELECT id FROM named) AND l.status = 'active'
  RETURNING l.*
), webhook AS (
  ${webhookEventsInsert('lead.unsubscribed', {
    from: 'changed c',
    workspaceId: 'c."workspaceId"',
    leadId: 'c.id',
    data: `jsonb_build_object('lead', ${leadJsonSql('c')}, 'source', $6::text)`,
  })}
  RETURNING 1
), suppressed AS (
  INSERT INTO "Suppression" (id, "workspaceId", email, reason, detail, "createdAt")
  SELECT gen_random_uuid(), $1::uuid, a.email, 'unsubscribe'::"SuppressionReason", $5::text, now()
  FROM (SELECT email FROM named UNION SELECT $3::text WHERE $3::text IS NOT NULL) a
  ON CONFLICT ("workspaceId", email) DO NOTHING
  RETURNING 1
), exited AS (
  UPDATE "Enrollment" e SET status = 'exited', "exitReason" = 'unsubscribed', "nextRunAt" = NULL, "updatedAt" = now()
  WHERE e."leadId" IN (SELECT id FROM named) AND e.status IN ('active', 'paused')
  RETURNING 1
), recorded AS (
  INSERT INTO "TrackingEvent" ("eventKey", "workspaceId", "messageId", "leadId", type, ip, "userAgent", detail, "occurredAt")
  SELECT ev.key, $1::uuid, ev.message, ev.lead, 'unsubscribe'::"EventType", $8::text, $9::text,
         jsonb_build_object('method', $6::text), now()
  FROM (
    SELECT $7::text AS key,
           (SELECT m.id FROM "Message" m WHERE m.id = $4::uuid AND m."workspaceId" = $1::uuid) AS message,
           (SELECT n.id FROM named n ORDER BY n.id IN (SELECT id FROM ids) DESC, n.id LIMIT 1) AS lead
    WHERE $7::text IS NOT NULL
    UNION ALL
    SELECT 'unsubscribe:' || $6::text || ':' || c.id || ':' || gen_random_uuid(), NULL::uuid, c.id
    FROM changed c WHERE $7::text IS NULL
  ) ev
  ON CONFLICT ("eventKey") DO NOTHING
  RETURNING 1
)
SELECT (SELECT count(*) FROM changed)::int AS "leadsChanged",
       (SELECT count(*) FROM exited)::int AS "enrollmentsExited",
       (SELECT count(*) FROM recorded)::int AS "eventsRecorded"`;

function isSqlClient(db: Db | SqlClient): db is SqlClient {
  return typeof (db as SqlClient).query === 'function' && !('$queryRawUnsafe' in db);
}

/** Unsubscribes the named leads and address; see the file header for every effect. */
export async function unsubscribe(
  db: Db | SqlClient,
  req: UnsubscribeRequest,
): Promise<UnsubscribeResult> {
  const values = [
    req.workspaceId,
    JSON.stringify((req.leadIds ?? []).filter((id) => UUID.test(id))),
    req.email ? req.email.trim().toLowerCase() : null,
    uuidOrNull(req.messageId),
    SUPPRESSION_DETAIL[req.via],
    req.via,
    req.event ? (req.event.key ?? `unsubscribe:${randomUUID()}`) : null,
    req.event?.ip ?? null,
    req.event?.userAgent?.slice(0, 512) ?? null,
  ];
  const rows = isSqlClient(db)
    ? (await db.query(UNSUBSCRIBE_SQL, values)).rows
    : await db.$queryRawUnsafe<unknown[]>(UNSUBSCRIBE_SQL, ...values);
  const r = rows[0] as UnsubscribeResult | undefined;
  return {
    leadsChanged: r?.leadsChanged ?? 0,
    enrollmentsExited: r?.enrollmentsExited ?? 0,
    eventsRecorded: r?.eventsRecorded ?? 0,
  };
}

/**
 * Re-subscribes a recipient who unsubscribed: the lead (when unsubscribed) is active again and
 * an `unsubscribe` suppression of the address is lifted; a bounce or complaint is never lifted.
 * Exited enrollments stay exited.
 */
export async function resubscribe(
  db: Db,
  req: { workspaceId: string; leadId?: string | null; email: string },
): Promise<void> {
  const email = req.email.trim().toLowerCase();
  const leadId = uuidOrNull(req.leadId);
  await db.$transaction([
    ...(leadId
      ? [
          db.lead.updateMany({
            where: { id: leadId, workspaceId: req.workspaceId, status: 'unsubscribed' },
            data: { status: 'active', unsubscribedAt: null },
          }),
        ]
      : []),
    db.suppression.deleteMany({
      where: { workspaceId: req.workspaceId, email, reason: 'unsubscribe' },
    }),
  ]);
}
