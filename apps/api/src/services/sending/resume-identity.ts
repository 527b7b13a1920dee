import type { Identity } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { identityView, ownIdentity } from './identity-view.js';

/** Resumes a paused sending identity. */
export async function resumeIdentity(
  deps: AppDeps,
  workspaceId: string,
  id: string,
): Promise<Identity> {
  await ownIdentity(deps.db, workspaceId, id);
  const i = await deps.db.sendingIdentity.update({
    where: { id },
    data: { status: 'active', pausedReason: null, pausedAt: null },
  });
  return identityView(deps.config, i);
}
