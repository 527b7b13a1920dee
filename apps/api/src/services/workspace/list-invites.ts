import type { Db } from '@kindling/db';
import type { Invite } from '@kindling/shared';
import { inviteView } from './views.js';

/** Invites not yet accepted, revoked or expired, newest first. */
export async function listInvites(db: Db, workspaceId: string): Promise<Invite[]> {
  const rows = await db.invite.findMany({
    where: { workspaceId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: 'desc' },
  });
  return rows.map(inviteView);
}
