import type { Db } from '@kindling/db';
import { notFound } from '../../http/errors.js';

/** Deletes a form; its submissions go with it, its leads stay. */
export async function deleteForm(db: Db, workspaceId: string, id: string): Promise<void> {
  const { count } = await db.form.deleteMany({ where: { id, workspaceId } });
  if (!count) throw notFound('Form');
}
