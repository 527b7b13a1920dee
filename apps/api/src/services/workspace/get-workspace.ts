import type { Db } from '@kindling/db';
import type { Workspace } from '@kindling/shared';
import { workspaceView } from './views.js';

/** The caller's workspace. */
export async function getWorkspace(db: Db, workspaceId: string): Promise<Workspace> {
  return workspaceView(await db.workspace.findUniqueOrThrow({ where: { id: workspaceId } }));
}
