// A form as the form routes answer it, and the loaders the form services share.
import type { Db, Form as FormRow, FormField as FieldRow } from '@kindling/db';
import { DEFAULT_THEME, themeSchema, type Form, type FormTheme } from '@kindling/shared';
import { notFound } from '../../http/errors.js';
import { publicField } from '../../public/submit.js';

export type FullForm = FormRow & { fields: FieldRow[] };

/** Stored theme JSON merged over the defaults (older rows may lack newer keys). */
export function themeOf(json: unknown): FormTheme {
  const parsed = themeSchema.safeParse({ ...DEFAULT_THEME, ...(json as object) });
  return parsed.success ? parsed.data : { ...DEFAULT_THEME };
}

export function formView(f: FullForm, submissionCount: number): Form {
  return {
    id: f.id,
    publicId: f.publicId,
    name: f.name,
    status: f.status,
    submitLabel: f.submitLabel,
    successMessage: f.successMessage,
    redirectUrl: f.redirectUrl,
    doubleOptIn: f.doubleOptIn,
    allowedOrigins: f.allowedOrigins,
    theme: themeOf(f.theme),
    fields: [...f.fields]
      .sort((a, b) => a.position - b.position)
      .map((field) => ({ id: field.id, position: field.position, ...publicField(field) })),
    submissionCount,
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
  };
}

/** Non-spam submission count and the latest submission time per form. */
export async function submissionCounts(db: Db, workspaceId: string, formIds: string[]) {
  if (!formIds.length) return new Map<string, { count: number; last: Date | null }>();
  const rows = await db.formSubmission.groupBy({
    by: ['formId'],
    where: { workspaceId, formId: { in: formIds }, isSpam: false },
    _count: { _all: true },
    _max: { createdAt: true },
  });
  return new Map(rows.map((r) => [r.formId, { count: r._count._all, last: r._max.createdAt }]));
}

/** The workspace's form with its fields; another workspace's is a 404. */
export async function loadForm(db: Db, workspaceId: string, id: string): Promise<FullForm> {
  const form = await db.form.findFirst({ where: { id, workspaceId }, include: { fields: true } });
  if (!form) throw notFound('Form');
  return form;
}
