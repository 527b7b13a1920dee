import type { Identity } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { dkimData } from './identity-data.js';
import { identityView, ownIdentity } from './identity-view.js';

/** Generates a new DKIM key pair for an identity (its TXT record must be published again). */
export async function rotateDkim(
  deps: AppDeps,
  workspaceId: string,
  id: string,
): Promise<Identity> {
  const { db, config } = deps;
  const cur = await ownIdentity(db, workspaceId, id);
  const i = await db.sendingIdentity.update({
    where: { id: cur.id },
    data: dkimData(config.appSecret, cur.fromEmail, cur.dkimSelector ?? undefined),
  });
  return identityView(config, i);
}
