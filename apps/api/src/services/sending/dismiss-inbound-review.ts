import type { Db } from '@kindling/db';
import { notFound } from '../../http/errors.js';

/** Dismisses a reviewed inbound report of the workspace. */
export async function dismissInboundReview(db: Db, workspaceId: string, id: string): Promise<void> {
  const { count } = await db.inboundReview.deleteMany({ where: { id, workspaceId } });
  if (count === 0) throw notFound('Review item');
}
