// One attempt of one webhook delivery (job `webhook.deliver`): the delivery, its endpoint and its
// event are reloaded from Postgres; a delivery no longer pending, or of a disabled endpoint, is
// left alone. Order per lead: while an earlier event of the same lead to the same endpoint is
// still pending, this one waits (the job is delayed, no attempt is spent). Concurrency per
// endpoint: a slot in a Redis sorted set shared by every worker process, expiring by itself if
// its holder dies. The attempt is signed (Standard Webhooks, with the previous secret too while a
// rotation overlaps) and posted through the egress guard; then the attempt row, the delivery's
// new state and the endpoint's failure run are committed together, and a failed attempt's retry
// is enqueued (a new job, delayed by the schedule). A worker that dies mid-attempt leaves the
// delivery pending: the job's lock expires and it runs again with the same webhook-id.
import { randomUUID } from 'node:crypto';
import { DelayedError, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Db } from '@kindling/db';
import type { EgressGuard } from '@kindling/egress';
import {
  WEBHOOK_SLOTS_KEY_PREFIX,
  enqueueWebhookDeliveries,
  type WebhookDeliverPayload,
} from '@kindling/queue';
import { decryptSecret } from '@kindling/sending';
import { postWebhook, webhookHeaders, webhookIdOf } from '@kindling/webhooks';
import type { WebhookSettings } from '../../context.js';
import { disableFailingEndpoint } from './disable.js';

export interface DeliverDeps {
  db: Db;
  redis: Redis;
  queue: Queue;
  guard: EgressGuard;
  logger: Logger;
  appSecret: string;
  publicUrl: string;
  settings: WebhookSettings;
  /** The email queue's enqueue (the auto-disable notice). */
  enqueueSends: (ids: string[]) => Promise<void>;
}

const ACQUIRE = `
local key, now, ttl, limit, token = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
if redis.call('ZCARD', key) < limit then
  redis.call('ZADD', key, now + ttl, token)
  redis.call('PEXPIRE', key, ttl)
  return 1
end
return 0`;

/** Delays the job by `ms` without spending an attempt. */
async function waitFor(job: Job, token: string | undefined, ms: number): Promise<never> {
  await job.moveToDelayed(Date.now() + ms, token);
  throw new DelayedError();
}

export async function deliverWebhook(
  deps: DeliverDeps,
  job: Job<WebhookDeliverPayload>,
  token: string | undefined,
): Promise<string> {
  const { db, settings } = deps;
  const delivery = await db.webhookDelivery.findUnique({
    where: { id: job.data.deliveryId },
    include: { endpoint: true, event: true },
  });
  if (!delivery || delivery.status !== 'pending') return 'not pending';
  const { endpoint, event } = delivery;
  if (!endpoint.enabled) return 'endpoint disabled';
  if (delivery.leadId) {
    const earlier = await db.$queryRaw<{ x: number }[]>`
      SELECT 1 AS x FROM "WebhookDelivery" d JOIN "WebhookEvent" ev ON ev.id = d."eventId"
      WHERE d."endpointId" = ${endpoint.id}::uuid AND d."leadId" = ${delivery.leadId}::uuid
        AND d.status = 'pending' AND ev.seq < ${event.seq} LIMIT 1`;
    if (earlier.length) await waitFor(job, token, 250);
  }
  const slotKey = WEBHOOK_SLOTS_KEY_PREFIX + endpoint.id;
  const slot = randomUUID();
  const ttl = settings.timeoutMs + 5_000;
  const got = await deps.redis.eval(
    ACQUIRE,
    1,
    slotKey,
    Date.now(),
    ttl,
    settings.endpointConcurrency,
    slot,
  );
  if (got !== 1) await waitFor(job, token, 100 + Math.floor(Math.random() * 200));

  const now = new Date();
  const secrets = [decryptSecret(deps.appSecret, endpoint.secretSealed)];
  if (
    endpoint.previousSecretSealed &&
    endpoint.previousSecretExpiresAt &&
    endpoint.previousSecretExpiresAt > now
  )
    secrets.push(decryptSecret(deps.appSecret, endpoint.previousSecretSealed));
  const body = JSON.stringify(event.payload);
  const headers = webhookHeaders(
    secrets,
    webhookIdOf(event.id),
    Math.floor(now.getTime() / 1000),
    body,
  );
  let result;
  try {
    result = await postWebhook(deps.guard, endpoint.url, headers, body, settings.timeoutMs);
  } finally {
    await deps.redis.zrem(slotKey, slot).catch(() => undefined);
  }
  const ok = result.status !== null && result.status >= 200 && result.status < 300;
  const attempts = delivery.attempts + 1;
  const retryIn = settings.retryScheduleMs[attempts - 1];
  const next = !ok && retryIn !== undefined ? new Date(Date.now() + retryIn) : null;
  const run = await db.$transaction(async (tx) => {
    await tx.webhookAttempt.create({
      data: {
        deliveryId: delivery.id,
        at: now,
        status: result.status,
        latencyMs: result.latencyMs,
        error: result.error,
        responseExcerpt: result.responseExcerpt,
      },
    });
    await tx.webhookDelivery.update({
      where: { id: delivery.id },
      data: {
        attempts,
        status: ok ? 'delivered' : next ? 'pending' : 'failed',
        nextAttemptAt: next,
      },
    });
    if (ok) {
      await tx.$executeRaw`UPDATE "WebhookEndpoint" SET "consecutiveFailures" = 0, "failingSince" = NULL
        WHERE id = ${endpoint.id}::uuid AND ("consecutiveFailures" > 0 OR "failingSince" IS NOT NULL)`;
      return null;
    }
    const [row] = await tx.$queryRaw<{ consecutiveFailures: number; failingSince: Date }[]>`
      UPDATE "WebhookEndpoint" SET "consecutiveFailures" = "consecutiveFailures" + 1,
        "failingSince" = coalesce("failingSince", ${now}::timestamptz)
      WHERE id = ${endpoint.id}::uuid RETURNING "consecutiveFailures", "failingSince"`;
    return row ?? null;
  });
  if (next)
    await enqueueWebhookDeliveries(deps.queue, [
      { deliveryId: delivery.id, attempt: attempts + 1, delayMs: retryIn },
    ]);
  if (
    run &&
    run.consecutiveFailures >= settings.disableAfterFailures &&
    Date.now() - run.failingSince.getTime() >= settings.disableAfterMs
  )
    await disableFailingEndpoint(deps, endpoint.id, run);
  return ok ? `delivered (${result.status})` : `failed: ${result.status ?? result.error}`;
}
