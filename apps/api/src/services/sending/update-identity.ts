import type { z } from 'zod';
import type { Identity, updateIdentitySchema } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { assertRelayAllowed, ensurePlans, identityData, relayData } from './identity-data.js';
import { identityView, ownIdentity } from './identity-view.js';

/** Changes a sending identity (an empty smtpUrl switches it to the dev mail catcher). */
export async function updateIdentity(
  deps: AppDeps,
  workspaceId: string,
  id: string,
  body: z.output<typeof updateIdentitySchema>,
): Promise<Identity> {
  const { db, config } = deps;
  const current = await ownIdentity(db, workspaceId, id);
  await assertRelayAllowed(deps, body.smtpUrl);
  const i = await db.sendingIdentity.update({
    where: { id },
    data: {
      ...identityData(config.appSecret, body),
      ...relayData(config.appSecret, body, current),
    },
  });
  await ensurePlans(db, workspaceId, i.ipPool, i.fromEmail);
  return identityView(config, i);
}
