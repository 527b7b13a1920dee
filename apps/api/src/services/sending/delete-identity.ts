import type { Db } from '@kindling/db';
import { ownIdentity } from './identity-view.js';

/** Deletes a sending identity of the workspace. */
export async function deleteIdentity(db: Db, workspaceId: string, id: string): Promise<void> {
  await ownIdentity(db, workspaceId, id);
  await db.sendingIdentity.delete({ where: { id } });
}
