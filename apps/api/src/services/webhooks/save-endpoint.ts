import type { z } from 'zod';
import type {
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  saveWebhookEndpointSchema,
  updateWebhookEndpointSchema,
} from '@kindling/shared';
import { enqueueWebhookDeliveries } from '@kindling/queue';
import { encryptSecret } from '@kindling/sending';
import { generateWebhookSecret } from '@kindling/webhooks';
import type { AppDeps } from '../../deps.js';
import { webhooksQueue } from '../../email-queue.js';
import { assertWebhookUrlAllowed, endpointView, loadEndpoint } from './endpoint-view.js';

/** Creates an endpoint with a new signing secret, returned this once (stored sealed). */
export async function createEndpoint(
  deps: AppDeps,
  workspaceId: string,
  body: z.output<typeof saveWebhookEndpointSchema>,
): Promise<WebhookEndpointWithSecret> {
  await assertWebhookUrlAllowed(deps, body.url);
  const secret = generateWebhookSecret();
  const row = await deps.db.webhookEndpoint.create({
    data: {
      workspaceId,
      url: body.url,
      description: body.description,
      eventTypes: [...new Set(body.eventTypes)],
      enabled: body.enabled,
      secretSealed: encryptSecret(deps.config.appSecret, secret),
    },
  });
  return { ...endpointView(row), secret };
}

/**
 * Edits an endpoint. Turning one on again (after auto-disable or by hand) clears its failure run
 * and sends its pending deliveries.
 */
export async function updateEndpoint(
  deps: AppDeps,
  workspaceId: string,
  id: string,
  body: z.output<typeof updateWebhookEndpointSchema>,
): Promise<WebhookEndpoint> {
  const before = await loadEndpoint(deps, workspaceId, id);
  if (body.url) await assertWebhookUrlAllowed(deps, body.url);
  const reenabled = body.enabled === true && !before.enabled;
  const row = await deps.db.webhookEndpoint.update({
    where: { id: before.id },
    data: {
      ...(body.url !== undefined ? { url: body.url } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.eventTypes ? { eventTypes: [...new Set(body.eventTypes)] } : {}),
      ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
      ...(reenabled
        ? { consecutiveFailures: 0, failingSince: null, disabledAt: null, disabledReason: null }
        : {}),
    },
  });
  if (reenabled) {
    const pending = await deps.db.webhookDelivery.findMany({
      where: { endpointId: row.id, status: 'pending' },
      select: { id: true, attempts: true },
      take: 10_000,
    });
    await deps.db.webhookDelivery.updateMany({
      where: { endpointId: row.id, status: 'pending' },
      data: { nextAttemptAt: new Date() },
    });
    await enqueueWebhookDeliveries(
      webhooksQueue(deps),
      pending.map((d) => ({ deliveryId: d.id, attempt: d.attempts + 1 })),
    );
  }
  return endpointView(row);
}
