import type { Db } from '@kindling/db';
import { hasRole, type Member, type Role } from '@kindling/shared';
import { AppError, notFound } from '../../http/errors.js';
import { memberView, ownerCount } from './views.js';

/**
 * Gives a member another role. Only an owner grants or takes away the owner role, and the
 * workspace keeps at least one owner.
 */
export async function changeMemberRole(
  db: Db,
  workspaceId: string,
  actorRole: Role,
  memberId: string,
  role: Role,
): Promise<Member> {
  const m = await db.membership.findFirst({
    where: { id: memberId, workspaceId },
    include: { user: true },
  });
  if (!m) throw notFound('Member');
  if ((role === 'owner' || m.role === 'owner') && !hasRole(actorRole, 'owner')) {
    throw new AppError('forbidden', 'Only an owner can grant or take away the owner role');
  }
  if (m.role === 'owner' && role !== 'owner' && (await ownerCount(db, workspaceId)) <= 1) {
    throw new AppError('conflict', 'A workspace needs at least one owner');
  }
  const updated = await db.membership.update({ where: { id: m.id }, data: { role } });
  return memberView({ ...m, role: updated.role });
}
