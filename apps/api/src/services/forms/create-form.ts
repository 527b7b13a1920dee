import { randomBytes } from 'node:crypto';
import type { Db } from '@kindling/db';
import type { Form, FormInputParsed } from '@kindling/shared';
import { getForm } from './get-form.js';
import { formData, writeFields } from './write-form.js';

/** Public ids are short, unguessable and URL-safe: "frm_" + 12 base62-ish characters. */
export function newPublicId(): string {
  return `frm_${randomBytes(9).toString('base64url').replace(/[-_]/g, 'x')}`;
}

/** Creates a form with its fields, under a new public id. */
export async function createForm(
  db: Db,
  workspaceId: string,
  body: FormInputParsed,
): Promise<Form> {
  const form = await db.$transaction(async (tx) => {
    const created = await tx.form.create({
      data: { ...formData(body), workspaceId, publicId: newPublicId() },
    });
    await writeFields(tx, created.id, body.fields);
    return created;
  });
  return getForm(db, workspaceId, form.id);
}
