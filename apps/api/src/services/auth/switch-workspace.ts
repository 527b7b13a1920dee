import type { Db } from '@kindling/db';
import type { Me } from '@kindling/shared';
import { notFound } from '../../http/errors.js';
import { loadMe } from './load-me.js';

/** Moves a session to another workspace its user belongs to. */
export async function switchWorkspace(
  db: Db,
  session: { userId: string; sessionId: string },
  workspaceId: string,
): Promise<Me> {
  const membership = await db.membership.findUnique({
    where: { workspaceId_userId: { workspaceId, userId: session.userId } },
  });
  if (!membership) throw notFound('Workspace');
  await db.session.update({ where: { id: session.sessionId }, data: { workspaceId } });
  return loadMe(db, session.userId, workspaceId);
}
