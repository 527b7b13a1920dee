import { type FieldErrors } from 'react-hook-form';
import type { FormInput } from '@kindling/shared';
import { TextAreaField, TextField } from '../../../components/field';
import { numberOrNull, useBuilderForm } from './form-input';
import { OptionsEditor } from './options-editor';

type FieldValue = FormInput['fields'][number];

/** One field's settings, by type: label and key, placeholder, consent text, options, limits. */
export function FieldSettings({
  index: i,
  field: v,
  errors: fe,
}: {
  index: number;
  field: FieldValue;
  errors: FieldErrors<FieldValue> | undefined;
}) {
  const { register, setValue } = useBuilderForm();
  return (
    <div className="field-card-body">
      <div className="grid-2">
        <TextField label="Label" error={fe?.label?.message} {...register(`fields.${i}.label`)} />
        <TextField
          label="Name (key)"
          className="input-mono"
          hint="Submitted name and lead attribute"
          readOnly={v.type === 'email'}
          error={fe?.key?.message}
          {...register(`fields.${i}.key`)}
        />
      </div>
      {v.type !== 'hidden' &&
        v.type !== 'checkbox' &&
        v.type !== 'consent' &&
        v.type !== 'radio' && (
          <TextField
            label="Placeholder"
            optional
            error={fe?.placeholder?.message}
            {...register(`fields.${i}.placeholder`)}
          />
        )}
      {v.type === 'consent' && (
        <TextAreaField
          label="Consent text"
          rows={3}
          hint="Stored with every submission. Changing it starts a new version."
          error={fe?.consentText?.message}
          {...register(`fields.${i}.consentText`)}
        />
      )}
      {(v.type === 'select' || v.type === 'radio') && (
        <OptionsEditor
          value={v.options ?? []}
          error={fe?.options?.message ?? fe?.options?.root?.message}
          onChange={(opts) =>
            setValue(`fields.${i}.options`, opts, {
              shouldDirty: true,
              shouldValidate: false,
            })
          }
        />
      )}
      {v.type === 'hidden' && (
        <div className="grid-2">
          <TextField
            label="Default value"
            optional
            error={fe?.defaultValue?.message}
            {...register(`fields.${i}.defaultValue`)}
          />
          <TextField
            label="From URL parameter"
            optional
            className="input-mono"
            hint="e.g. ref reads ?ref=… from the page URL"
            error={fe?.queryParam?.message}
            {...register(`fields.${i}.queryParam`)}
          />
        </div>
      )}
      {(v.type === 'text' || v.type === 'textarea' || v.type === 'phone') && (
        <div className="grid-3">
          <TextField
            label="Min length"
            type="number"
            min={0}
            optional
            error={fe?.minLength?.message}
            {...register(`fields.${i}.minLength`, { setValueAs: numberOrNull })}
          />
          <TextField
            label="Max length"
            type="number"
            min={1}
            optional
            error={fe?.maxLength?.message}
            {...register(`fields.${i}.maxLength`, { setValueAs: numberOrNull })}
          />
          <TextField
            label="Pattern (regex)"
            optional
            className="input-mono"
            placeholder="[A-Z]{2}\d+"
            error={fe?.pattern?.message}
            {...register(`fields.${i}.pattern`)}
          />
        </div>
      )}
      {v.type !== 'email' && v.type !== 'hidden' && (
        <label className="check-row">
          <input type="checkbox" {...register(`fields.${i}.required`)} /> Required
        </label>
      )}
    </div>
  );
}
