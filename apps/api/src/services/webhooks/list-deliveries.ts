import type { z } from 'zod';
import type { Prisma, WebhookAttempt, WebhookDelivery as Row } from '@kindling/db';
import type { WebhookDelivery, webhookDeliveryFiltersSchema } from '@kindling/shared';
import { webhookIdOf } from '@kindling/webhooks';
import type { AppDeps } from '../../deps.js';
import { notFound } from '../../http/errors.js';

export const attemptView = (a: WebhookAttempt) => ({
  at: a.at.toISOString(),
  status: a.status,
  latencyMs: a.latencyMs,
  error: a.error,
  responseExcerpt: a.responseExcerpt,
});

type Loaded = Row & { event: { type: string }; log: WebhookAttempt[] };

export const deliveryView = (d: Loaded): WebhookDelivery => ({
  id: d.id,
  webhookId: webhookIdOf(d.eventId),
  endpointId: d.endpointId,
  eventType: d.event.type,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.status === 'pending' && d.nextAttemptAt ? d.nextAttemptAt.toISOString() : null,
  createdAt: d.createdAt.toISOString(),
  lastAttempt: d.log[0] ? attemptView(d.log[0]) : null,
});

/** The delivery log, newest first, filtered by endpoint, status, event type and time range. */
export async function listDeliveries(
  deps: AppDeps,
  workspaceId: string,
  q: z.output<typeof webhookDeliveryFiltersSchema>,
): Promise<{ items: WebhookDelivery[] }> {
  const where: Prisma.WebhookDeliveryWhereInput = {
    workspaceId,
    ...(q.endpointId ? { endpointId: q.endpointId } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.eventType ? { event: { type: q.eventType } } : {}),
    ...(q.from || q.to
      ? {
          createdAt: {
            ...(q.from ? { gte: new Date(q.from) } : {}),
            ...(q.to ? { lte: new Date(q.to) } : {}),
          },
        }
      : {}),
  };
  const rows = await deps.db.webhookDelivery.findMany({
    where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: q.limit,
    include: { event: { select: { type: true } }, log: { orderBy: { at: 'desc' }, take: 1 } },
  });
  return { items: rows.map(deliveryView) };
}

/** One delivery with its payload and every attempt. */
export async function deliveryDetail(deps: AppDeps, workspaceId: string, id: string) {
  const d = await deps.db.webhookDelivery.findFirst({
    where: { id, workspaceId },
    include: {
      event: { select: { type: true, payload: true } },
      log: { orderBy: { at: 'desc' } },
    },
  });
  if (!d) throw notFound('Webhook delivery');
  return { ...deliveryView(d), payload: d.event.payload, attemptsLog: d.log.map(attemptView) };
}
