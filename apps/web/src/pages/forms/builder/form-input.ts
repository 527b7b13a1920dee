// The builder's form values: the stored form as the api's input document.
import { useFormContext } from 'react-hook-form';
import type { Form, FormInput, FormInputParsed } from '@kindling/shared';

/** A stored form → the builder's form values (what `PUT /api/forms/:id` takes). */
export function toInput(f: Form): FormInput {
  return {
    name: f.name,
    status: f.status,
    submitLabel: f.submitLabel,
    successMessage: f.successMessage,
    redirectUrl: f.redirectUrl ?? '',
    doubleOptIn: f.doubleOptIn,
    allowedOrigins: f.allowedOrigins,
    theme: f.theme,
    fields: f.fields.map((x) => ({
      key: x.key,
      type: x.type,
      label: x.label,
      placeholder: x.placeholder ?? '',
      required: x.required,
      options: x.options,
      minLength: x.minLength,
      maxLength: x.maxLength,
      pattern: x.pattern ?? '',
      defaultValue: x.defaultValue ?? '',
      queryParam: x.queryParam ?? '',
      consentText: x.consentText ?? '',
    })),
  };
}

/** An empty number input is "no limit" (null), not 0. */
export const numberOrNull = (v: unknown) =>
  v === '' || v === null || v === undefined ? null : Number(v);

/** The builder's form, for the tab editors inside its FormProvider. */
export function useBuilderForm() {
  const methods = useFormContext<FormInput, unknown, FormInputParsed>();
  return { ...methods, errors: methods.formState.errors };
}
