import type { Db } from '@kindling/db';
import { roleCan, type Role } from '@kindling/shared';
import { AppError, notFound } from '../../http/errors.js';

/** Revokes an API key: its creator may, and an admin may revoke anyone's. */
export async function revokeApiKey(
  db: Db,
  workspaceId: string,
  actor: { userId: string | null; role: Role },
  id: string,
): Promise<void> {
  const key = await db.apiKey.findFirst({ where: { id, workspaceId, revokedAt: null } });
  if (!key) throw notFound('API key');
  if (key.createdById !== actor.userId && !roleCan(actor.role, 'settings')) {
    throw new AppError('forbidden', 'Only an admin can revoke a key someone else made');
  }
  await db.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
}
