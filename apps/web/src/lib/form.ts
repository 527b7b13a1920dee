import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { mapErrorToForm } from '../api';

/**
 * Puts an API error onto a react-hook-form: per-field details via setError, the rest as one
 * message the caller shows above the form. Returns that message (or null).
 */
export function applyServerError<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly Path<T>[],
): string | null {
  const mapped = mapErrorToForm(error, fields);
  mapped.fields.forEach(({ field, message }, i) => {
    setError(field, { type: 'server', message }, { shouldFocus: i === 0 });
  });
  return mapped.formMessage;
}

/** Empty optional inputs become undefined so optional zod fields accept them. */
export const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);
