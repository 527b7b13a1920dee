import type { Db } from '@kindling/db';
import type { InviteLookup } from '@kindling/shared';
import { findOpenInvite } from './open-invite.js';

/** What an invite link grants, for the page its holder opens. */
export async function lookupInvite(db: Db, token: string): Promise<InviteLookup> {
  const invite = await findOpenInvite(db, token);
  return {
    workspaceName: invite.workspace.name,
    role: invite.role,
    email: invite.email,
    expiresAt: invite.expiresAt.toISOString(),
  };
}
