import type { z } from 'zod';
import type { createIdentitySchema, Identity } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import {
  assertRelayAllowed,
  dkimData,
  ensurePlans,
  identityData,
  relayData,
} from './identity-data.js';
import { identityView } from './identity-view.js';

/** Creates a sending identity (optionally with a DKIM key pair) and its warm-up plans. */
export async function createIdentity(
  deps: AppDeps,
  workspaceId: string,
  body: z.output<typeof createIdentitySchema>,
): Promise<Identity> {
  const { db, config } = deps;
  await assertRelayAllowed(deps, body.smtpUrl);
  const fromEmail = body.fromEmail.toLowerCase();
  const i = await db.sendingIdentity.create({
    data: {
      workspaceId,
      name: body.name,
      fromName: body.fromName,
      fromEmail,
      ...identityData(config.appSecret, {
        ...body,
        name: undefined,
        fromName: undefined,
        fromEmail: undefined,
      }),
      ...relayData(config.appSecret, body, null),
      ...(body.generateDkim ? dkimData(config.appSecret, fromEmail, body.dkimSelector) : {}),
    },
  });
  await ensurePlans(db, workspaceId, i.ipPool, i.fromEmail);
  return identityView(config, i);
}
