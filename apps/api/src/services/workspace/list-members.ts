import type { Db } from '@kindling/db';
import type { Member } from '@kindling/shared';
import { memberView } from './views.js';

/** Members of the workspace, oldest first. */
export async function listMembers(db: Db, workspaceId: string): Promise<Member[]> {
  const rows = await db.membership.findMany({
    where: { workspaceId },
    include: { user: true },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map(memberView);
}
