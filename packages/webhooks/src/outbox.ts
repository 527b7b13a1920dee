// The webhook outbox: events are rows of "WebhookEvent" written with the change that causes
// them, in the same transaction or the same statement, so an event exists exactly when its change
// committed. Only events some enabled endpoint of the workspace subscribes to are written (an
// endpoint that is off records nothing): a workspace without webhooks pays one index probe per
// statement. The worker's dispatcher fans each event out to its endpoints (apps/worker
// modules/webhooks). Set-based writers (the submissions drain, the send recorder, the tracking
// events drain, the unsubscribe rule) add `webhookEventsInsert` as one more CTE of their own
// statement; others call recordWebhookEvents / recordLeadEvents inside their transaction.
import type { DbClient } from '@kindling/db';
import {
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_PAYLOAD_VERSION,
  type WebhookEventType,
} from '@kindling/shared';

export interface WebhookEventInput {
  workspaceId: string;
  type: WebhookEventType;
  /** The lead it is about: that lead's deliveries to one endpoint keep their order. */
  leadId?: string | null;
  /** The payload's `data` (WEBHOOK_DATA_SCHEMAS[type] in packages/shared). */
  data: Record<string, unknown>;
  /** When it happened; now by default. */
  at?: Date;
}

/** The lead as webhooks show it (packages/shared webhookLeadSchema), from a row aliased `alias`. */
export const leadJsonSql = (alias: string) =>
  `jsonb_build_object('id', ${alias}.id, 'email', ${alias}.email, 'firstName', ${alias}."firstName",
  'lastName', ${alias}."lastName", 'phone', ${alias}.phone, 'status', ${alias}.status, 'tags', to_jsonb(${alias}.tags),
  'customFields', ${alias}."customFields", 'timeZone', ${alias}."timeZone", 'confirmedAt', to_jsonb(${alias}."confirmedAt"),
  'createdAt', to_jsonb(${alias}."createdAt"), 'updatedAt', to_jsonb(${alias}."updatedAt"))`;

/**
 * SQL text of an INSERT of one event of `type` per row of `from` (a CTE or a FROM list), for a
 * writer's own statement: `workspaceId`, `leadId` and `data` are SQL expressions over those rows
 * (`data` a jsonb). The type comes from the closed list, so it is safe to write into the text.
 */
export function webhookEventsInsert(
  type: WebhookEventType,
  q: { from: string; workspaceId: string; leadId: string; data: string; where?: string },
): string {
  if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(type))
    throw new Error(`unknown event type ${type}`);
  return `INSERT INTO "WebhookEvent" ("id", "workspaceId", "type", "leadId", "payload")
    SELECT gen_random_uuid(), ${q.workspaceId}, '${type}', ${q.leadId},
      jsonb_build_object('type', '${type}', 'version', ${WEBHOOK_PAYLOAD_VERSION}, 'timestamp', to_jsonb(now()),
        'workspaceId', ${q.workspaceId}, 'data', ${q.data})
    FROM ${q.from}
    WHERE ${q.where ? `(${q.where}) AND ` : ''}EXISTS (SELECT 1 FROM "WebhookEndpoint" whe
      WHERE whe."workspaceId" = ${q.workspaceId} AND whe.enabled AND '${type}' = ANY (whe."eventTypes"))`;
}

/** Writes events with their own data (one statement); returns how many were written. */
export async function recordWebhookEvents(
  db: DbClient,
  events: WebhookEventInput[],
): Promise<number> {
  if (events.length === 0) return 0;
  const rows = events.map((e) => ({
    ws: e.workspaceId,
    type: e.type,
    lead: e.leadId ?? null,
    data: e.data,
    at: (e.at ?? new Date()).toISOString(),
  }));
  return db.$executeRaw`
    INSERT INTO "WebhookEvent" ("id", "workspaceId", "type", "leadId", "payload")
    SELECT gen_random_uuid(), v.ws, v.type, v.lead,
      jsonb_build_object('type', v.type, 'version', ${WEBHOOK_PAYLOAD_VERSION}::int, 'timestamp', v.at,
        'workspaceId', v.ws, 'data', v.data)
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(ws uuid, type text, lead uuid, data jsonb, at text)
    WHERE EXISTS (SELECT 1 FROM "WebhookEndpoint" e
      WHERE e."workspaceId" = v.ws AND e.enabled AND v.type = ANY (e."eventTypes"))`;
}

/**
 * Writes one lead event per lead (in the order given), the payload's `data` being
 * `{ lead, ...extra }` with the lead as it is now in this transaction.
 */
export async function recordLeadEvents(
  db: DbClient,
  input: {
    workspaceId: string;
    type: WebhookEventType;
    leadIds: string[];
    extra?: Record<string, unknown>;
  },
): Promise<number> {
  if (input.leadIds.length === 0) return 0;
  const sql = webhookEventsInsert(input.type, {
    from: `(SELECT l.*, array_position($2::uuid[], l.id) AS pos FROM "Lead" l
      WHERE l."workspaceId" = $1::uuid AND l.id = ANY ($2::uuid[]) ORDER BY pos) l`,
    workspaceId: 'l."workspaceId"',
    leadId: 'l.id',
    data: `jsonb_build_object('lead', ${leadJsonSql('l')}) || $3::jsonb`,
  });
  return db.$executeRawUnsafe(
    sql,
    input.workspaceId,
    input.leadIds,
    JSON.stringify(input.extra ?? {}),
  );
}

/** Whether the workspace has an enabled endpoint for any of these types. */
export async function hasWebhookSubscribers(
  db: DbClient,
  workspaceId: string,
  types: WebhookEventType[],
): Promise<boolean> {
  const rows = await db.$queryRaw<{ x: number }[]>`
    SELECT 1 AS x FROM "WebhookEndpoint" WHERE "workspaceId" = ${workspaceId}::uuid AND enabled
      AND "eventTypes" && ${types}::text[] LIMIT 1`;
  return rows.length > 0;
}
