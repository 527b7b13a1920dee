import { randomUUID } from 'node:crypto';
import { WEBHOOK_PAYLOAD_VERSION } from '@kindling/shared';
import { enqueueWebhookDeliveries } from '@kindling/queue';
import type { AppDeps } from '../../deps.js';
import { webhooksQueue } from '../../email-queue.js';
import { loadEndpoint } from './endpoint-view.js';

/**
 * "Send test event": a `webhook.test` event delivered to this endpoint only (even a disabled
 * one's test is queued, and sent once it is on), through the same path, signing and log as
 * every event. Returns the delivery's id.
 */
export async function sendTestEvent(
  deps: AppDeps,
  workspaceId: string,
  id: string,
): Promise<{ deliveryId: string }> {
  const e = await loadEndpoint(deps, workspaceId, id);
  const eventId = randomUUID();
  const deliveryId = randomUUID();
  await deps.db.$transaction([
    deps.db.webhookEvent.create({
      data: {
        id: eventId,
        workspaceId,
        type: 'webhook.test',
        dispatchedAt: new Date(),
        payload: {
          type: 'webhook.test',
          version: WEBHOOK_PAYLOAD_VERSION,
          timestamp: new Date().toISOString(),
          workspaceId,
          data: { endpointId: e.id, message: 'A test event from Kindling' },
        },
      },
    }),
    deps.db.webhookDelivery.create({
      data: { id: deliveryId, workspaceId, endpointId: e.id, eventId, nextAttemptAt: new Date() },
    }),
  ]);
  await enqueueWebhookDeliveries(webhooksQueue(deps), [{ deliveryId, attempt: 1 }]);
  return { deliveryId };
}
