import type { z } from 'zod';
import type { Db } from '@kindling/db';
import type { updateWorkspaceSchema, Workspace } from '@kindling/shared';
import { workspaceView } from './views.js';

/** Renames the workspace, sets its time zone and postal address. */
export async function updateWorkspace(
  db: Db,
  workspaceId: string,
  input: z.output<typeof updateWorkspaceSchema>,
): Promise<Workspace> {
  return workspaceView(await db.workspace.update({ where: { id: workspaceId }, data: input }));
}
