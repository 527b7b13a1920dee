import type { z } from 'zod';
import type { replayWebhooksSchema } from '@kindling/shared';
import { enqueueWebhookDeliveries } from '@kindling/queue';
import type { AppDeps } from '../../deps.js';
import { webhooksQueue } from '../../email-queue.js';
import { AppError, notFound } from '../../http/errors.js';
import { loadEndpoint } from './endpoint-view.js';

/** The most deliveries one range replay sends again. */
export const REPLAY_MAX = 10_000;

/**
 * Sends deliveries again (same webhook-id, same payload): each becomes pending with its next
 * attempt now, its attempt log kept. Returns how many.
 */
async function replay(deps: AppDeps, ids: { id: string; attempts: number }[]): Promise<number> {
  if (ids.length === 0) return 0;
  await deps.db.webhookDelivery.updateMany({
    where: { id: { in: ids.map((d) => d.id) } },
    data: { status: 'pending', nextAttemptAt: new Date() },
  });
  await enqueueWebhookDeliveries(
    webhooksQueue(deps),
    ids.map((d) => ({ deliveryId: d.id, attempt: d.attempts + 1 })),
  );
  return ids.length;
}

export async function replayDelivery(deps: AppDeps, workspaceId: string, id: string) {
  const d = await deps.db.webhookDelivery.findFirst({
    where: { id, workspaceId },
    select: { id: true, attempts: true, status: true },
  });
  if (!d) throw notFound('Webhook delivery');
  if (d.status === 'pending')
    throw new AppError('conflict', 'This delivery is still being attempted');
  return { replayed: await replay(deps, [d]) };
}

/** Every finished delivery of one endpoint created in [from, to] (optionally of one status). */
export async function replayRange(
  deps: AppDeps,
  workspaceId: string,
  body: z.output<typeof replayWebhooksSchema>,
) {
  const e = await loadEndpoint(deps, workspaceId, body.endpointId);
  const rows = await deps.db.webhookDelivery.findMany({
    where: {
      endpointId: e.id,
      status: body.status && body.status !== 'pending' ? body.status : { not: 'pending' },
      createdAt: { gte: new Date(body.from), lte: new Date(body.to) },
    },
    select: { id: true, attempts: true },
    orderBy: { createdAt: 'asc' },
    take: REPLAY_MAX + 1,
  });
  if (rows.length > REPLAY_MAX)
    throw new AppError(
      'validation_failed',
      `That range holds more than ${REPLAY_MAX} deliveries; replay a shorter one`,
    );
  return { replayed: await replay(deps, rows) };
}
