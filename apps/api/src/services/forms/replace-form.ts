import type { Db } from '@kindling/db';
import type { Form, FormInputParsed } from '@kindling/shared';
import { loadForm } from './form-view.js';
import { getForm } from './get-form.js';
import { formData, writeFields } from './write-form.js';

/** Replaces a form and its fields (a field keeps its row by key). */
export async function replaceForm(
  db: Db,
  workspaceId: string,
  id: string,
  body: FormInputParsed,
): Promise<Form> {
  await loadForm(db, workspaceId, id);
  await db.$transaction(async (tx) => {
    await tx.form.update({ where: { id }, data: formData(body) });
    await writeFields(tx, id, body.fields);
  });
  return getForm(db, workspaceId, id);
}
