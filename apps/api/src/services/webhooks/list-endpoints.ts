import type { WebhookEndpoint } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { endpointView, loadEndpoint } from './endpoint-view.js';

export async function listEndpoints(
  deps: AppDeps,
  workspaceId: string,
): Promise<WebhookEndpoint[]> {
  const rows = await deps.db.webhookEndpoint.findMany({
    where: { workspaceId },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map(endpointView);
}

export async function deleteEndpoint(
  deps: AppDeps,
  workspaceId: string,
  id: string,
): Promise<void> {
  const e = await loadEndpoint(deps, workspaceId, id);
  await deps.db.webhookEndpoint.delete({ where: { id: e.id } });
}
