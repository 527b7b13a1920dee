// The part of a form save both create and replace do: the form's columns and its fields.
import type { Prisma } from '@kindling/db';
import type { FormInputParsed } from '@kindling/shared';

/** The form row's columns from the parsed input. */
export function formData(body: FormInputParsed) {
  return {
    name: body.name,
    status: body.status,
    submitLabel: body.submitLabel,
    successMessage: body.successMessage,
    redirectUrl: body.redirectUrl,
    doubleOptIn: body.doubleOptIn,
    allowedOrigins: [...new Set(body.allowedOrigins)],
    theme: body.theme as Prisma.InputJsonObject,
  };
}

/**
 * Replaces a form's fields with `fields`, keeping row ids by key. A consent field's version goes
 * up whenever its text changes, so each submission records exactly which wording was agreed to.
 */
export async function writeFields(
  tx: Prisma.TransactionClient,
  formId: string,
  fields: FormInputParsed['fields'],
) {
  const existing = await tx.formField.findMany({ where: { formId } });
  const byKey = new Map(existing.map((f) => [f.key, f]));
  const keep = new Set(fields.map((f) => f.key));
  await tx.formField.deleteMany({ where: { formId, key: { notIn: [...keep] } } });
  for (const [position, f] of fields.entries()) {
    const prev = byKey.get(f.key);
    const consentVersion =
      f.type === 'consent'
        ? prev?.consentText === f.consentText && prev?.consentVersion
          ? prev.consentVersion
          : (prev?.consentVersion ?? 0) + 1
        : null;
    const data = {
      type: f.type,
      label: f.label,
      placeholder: f.placeholder,
      required: f.type === 'email' ? true : f.required,
      position,
      options: f.type === 'select' || f.type === 'radio' ? f.options : [],
      minLength: f.minLength,
      maxLength: f.maxLength,
      pattern: f.pattern,
      defaultValue: f.defaultValue,
      queryParam: f.queryParam,
      consentText: f.type === 'consent' ? f.consentText : null,
      consentVersion,
    };
    if (prev) await tx.formField.update({ where: { id: prev.id }, data });
    else await tx.formField.create({ data: { ...data, formId, key: f.key } });
  }
}
