// The outbox dispatcher: new "WebhookEvent" rows become one "WebhookDelivery" per enabled endpoint
// subscribed to the type, and the event is marked dispatched, in one statement (rows locked with
// SKIP LOCKED, so several worker processes share the work); the first attempts are enqueued once
// that committed. The repair pass re-enqueues pending deliveries whose job is gone (Redis lost it,
// or the enqueue after the commit never happened): delivery is at least once from the outbox on.
import type { Queue } from 'bullmq';
import type { Db } from '@kindling/db';
import { enqueueWebhookDeliveries, webhookDeliverJobId } from '@kindling/queue';

/** Dispatches up to `limit` events; returns how many deliveries it created. */
export async function dispatchWebhookEvents(db: Db, queue: Queue, limit = 500): Promise<number> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH ev AS (
      SELECT id, "workspaceId", type, "leadId" FROM "WebhookEvent"
      WHERE "dispatchedAt" IS NULL ORDER BY seq LIMIT ${limit} FOR UPDATE SKIP LOCKED
    ), ins AS (
      INSERT INTO "WebhookDelivery" ("id", "workspaceId", "endpointId", "eventId", "leadId", "status", "nextAttemptAt", "updatedAt")
      SELECT gen_random_uuid(), ev."workspaceId", e.id, ev.id, ev."leadId", 'pending', now(), now()
      FROM ev JOIN "WebhookEndpoint" e
        ON e."workspaceId" = ev."workspaceId" AND e.enabled AND ev.type = ANY (e."eventTypes")
      ON CONFLICT ("eventId", "endpointId") DO NOTHING
      RETURNING id
    ), done AS (
      UPDATE "WebhookEvent" SET "dispatchedAt" = now() WHERE id IN (SELECT id FROM ev)
    )
    SELECT id::text AS id FROM ins`;
  await enqueueWebhookDeliveries(
    queue,
    rows.map((r) => ({ deliveryId: r.id, attempt: 1 })),
  );
  return rows.length;
}

/**
 * Pending deliveries of enabled endpoints overdue by `graceMs`: their next attempt enqueued
 * again (a no-op while that attempt's job exists; a failed job of it is removed first).
 */
export async function repairWebhookDeliveries(
  db: Db,
  queue: Queue,
  graceMs: number,
): Promise<number> {
  const rows = await db.$queryRaw<{ id: string; attempts: number }[]>`
    SELECT d.id::text AS id, d.attempts FROM "WebhookDelivery" d
    JOIN "WebhookEndpoint" e ON e.id = d."endpointId" AND e.enabled
    WHERE d.status = 'pending' AND d."nextAttemptAt" < now() - make_interval(secs => ${graceMs / 1000})
    ORDER BY d."nextAttemptAt" LIMIT 1000`;
  const items = [];
  for (const r of rows) {
    const jobId = webhookDeliverJobId(r.id, r.attempts + 1);
    const job = await queue.getJob(jobId);
    if (job && (await job.isFailed())) await job.remove();
    else if (job) continue;
    items.push({ deliveryId: r.id, attempt: r.attempts + 1 });
  }
  await enqueueWebhookDeliveries(queue, items);
  return items.length;
}
