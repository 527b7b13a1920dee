import type { Db } from '@kindling/db';
import type { Form } from '@kindling/shared';
import { formView, loadForm, submissionCounts } from './form-view.js';

/** The form as answered, with its submission count. */
export async function getForm(db: Db, workspaceId: string, id: string): Promise<Form> {
  const form = await loadForm(db, workspaceId, id);
  const counts = await submissionCounts(db, workspaceId, [id]);
  return formView(form, counts.get(id)?.count ?? 0);
}
