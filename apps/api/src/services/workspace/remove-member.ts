import type { Db } from '@kindling/db';
import { hasRole, type Role } from '@kindling/shared';
import { AppError, notFound } from '../../http/errors.js';
import { ownerCount } from './views.js';

/** Removes a member and ends their sessions in this workspace; the last owner stays. */
export async function removeMember(
  db: Db,
  workspaceId: string,
  actorRole: Role,
  memberId: string,
): Promise<void> {
  const m = await db.membership.findFirst({ where: { id: memberId, workspaceId } });
  if (!m) throw notFound('Member');
  if (m.role === 'owner' && !hasRole(actorRole, 'owner')) {
    throw new AppError('forbidden', 'Only an owner can remove an owner');
  }
  if (m.role === 'owner' && (await ownerCount(db, workspaceId)) <= 1) {
    throw new AppError('conflict', 'A workspace needs at least one owner');
  }
  await db.$transaction([
    db.membership.delete({ where: { id: m.id } }),
    db.session.deleteMany({ where: { userId: m.userId, workspaceId } }),
  ]);
}
