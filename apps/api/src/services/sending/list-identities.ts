import type { Identity } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { identityView } from './identity-view.js';

/** Sending identities of the workspace, oldest first. */
export async function listIdentities(deps: AppDeps, workspaceId: string): Promise<Identity[]> {
  const rows = await deps.db.sendingIdentity.findMany({
    where: { workspaceId },
    orderBy: { createdAt: 'asc' },
    include: { dnsCheck: true },
  });
  return rows.map((i) => identityView(deps.config, i));
}
