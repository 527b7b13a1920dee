import type { Db } from '@kindling/db';
import { notFound } from '../../http/errors.js';

/** Revokes an open invite of the workspace. */
export async function revokeInvite(db: Db, workspaceId: string, id: string): Promise<void> {
  const { count } = await db.invite.updateMany({
    where: { id, workspaceId, acceptedAt: null, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw notFound('Invite');
}
