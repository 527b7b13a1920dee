import { useState, type BaseSyntheticEvent } from 'react';
import { useForm } from 'react-hook-form';
import type { DefaultValues, FieldValues, Path, Resolver, UseFormSetError } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation } from '@tanstack/react-query';
import type { z } from 'zod';
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

/** What a form component needs from useServerForm to render its submit and error line. */
export interface ServerFormState {
  onSubmit: (event?: BaseSyntheticEvent) => Promise<void>;
  formError: string | null;
  mutation: { isPending: boolean };
}

/**
 * A form validated by a zod schema whose submit runs one api call: the server's field errors
 * land on the fields named in `fields`, the rest in `formError` (shown above the form).
 */
export function useServerForm<S extends z.ZodType<FieldValues, FieldValues>, R>(options: {
  schema: S;
  defaultValues: DefaultValues<z.input<S>>;
  fields: readonly Path<z.input<S>>[];
  submit: (values: z.output<S>) => Promise<R>;
  onSuccess?: (result: R, values: z.output<S>) => unknown;
  onSettled?: () => unknown;
}) {
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<z.input<S>, unknown, z.output<S>>({
    // zodResolver's overloads lose the schema's input type behind a generic S.
    resolver: zodResolver(options.schema) as unknown as Resolver<z.input<S>, unknown, z.output<S>>,
    defaultValues: options.defaultValues,
  });
  const mutation = useMutation({
    mutationFn: options.submit,
    onSuccess: options.onSuccess,
    onError: (err) => setFormError(applyServerError(err, form.setError, options.fields)),
    onSettled: options.onSettled,
  });
  const onSubmit = form.handleSubmit((values) => {
    setFormError(null);
    mutation.mutate(values);
  });
  return { form, errors: form.formState.errors, mutation, formError, onSubmit };
}
