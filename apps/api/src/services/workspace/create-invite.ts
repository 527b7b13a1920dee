import type { CreatedInvite, Role } from '@kindling/shared';
import type { AppDeps } from '../../deps.js';
import { randomToken, sha256 } from '../../auth/tokens.js';
import { inviteView } from './views.js';

const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

/** Creates an invite link for one address and role; the link (token) is shown only now. */
export async function createInvite(
  deps: AppDeps,
  workspaceId: string,
  invitedById: string | null,
  input: { email: string | null; role: Exclude<Role, 'owner'> },
): Promise<CreatedInvite> {
  const token = randomToken();
  const invite = await deps.db.invite.create({
    data: {
      workspaceId,
      email: input.email,
      role: input.role,
      tokenHash: sha256(token),
      invitedById,
      expiresAt: new Date(Date.now() + INVITE_TTL_MS),
    },
  });
  return { ...inviteView(invite), url: `${deps.config.publicUrl}/invite/${token}` };
}
