import type { WebhookEndpointWithSecret } from '@kindling/shared';
import { encryptSecret } from '@kindling/sending';
import { generateWebhookSecret } from '@kindling/webhooks';
import type { AppDeps } from '../../deps.js';
import { endpointView, loadEndpoint } from './endpoint-view.js';

/** How long the previous secret keeps signing after a rotation, by default. */
export const ROTATION_OVERLAP_HOURS = 24;

/**
 * A new signing secret (returned this once). During the overlap every attempt carries a
 * signature with the new secret and one with the previous, so receivers switch at their pace.
 */
export async function rotateEndpointSecret(
  deps: AppDeps,
  workspaceId: string,
  id: string,
  overlapHours = ROTATION_OVERLAP_HOURS,
): Promise<WebhookEndpointWithSecret> {
  const e = await loadEndpoint(deps, workspaceId, id);
  const secret = generateWebhookSecret();
  const row = await deps.db.webhookEndpoint.update({
    where: { id: e.id },
    data: {
      secretSealed: encryptSecret(deps.config.appSecret, secret),
      previousSecretSealed: overlapHours > 0 ? e.secretSealed : null,
      previousSecretExpiresAt:
        overlapHours > 0 ? new Date(Date.now() + overlapHours * 3600_000) : null,
    },
  });
  return { ...endpointView(row), secret };
}
