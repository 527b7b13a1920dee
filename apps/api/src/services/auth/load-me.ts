import type { Db } from '@kindling/db';
import type { Me } from '@kindling/shared';
import { AppError } from '../../http/errors.js';

/** What the web app needs about the caller: user, current workspace and role, all workspaces. */
export async function loadMe(db: Db, userId: string, workspaceId: string): Promise<Me> {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    include: { memberships: { include: { workspace: true }, orderBy: { createdAt: 'asc' } } },
  });
  const current = user.memberships.find((m) => m.workspaceId === workspaceId);
  if (!current) throw new AppError('unauthorized', 'Sign in first');
  const { id, name, timeZone, postalAddress } = current.workspace;
  return {
    user: { id: user.id, email: user.email, name: user.name },
    workspace: { id, name, timeZone, postalAddress },
    role: current.role,
    workspaces: user.memberships.map((m) => ({
      id: m.workspaceId,
      name: m.workspace.name,
      role: m.role,
    })),
  };
}
