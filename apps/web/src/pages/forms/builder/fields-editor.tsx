import { useState } from 'react';
import { useFieldArray, useWatch } from 'react-hook-form';
import { FIELD_TYPES, type FieldType } from '@kindling/shared';
import { Button } from '../../../components/button';
import { SelectField } from '../../../components/field';
import { Alert } from '../../../components/feedback';
import { PlusIcon, XIcon } from '../../../components/icons';
import { FIELD_TYPE_LABELS, newField } from '../defaults';
import { FieldSettings } from './field-settings';
import { useBuilderForm } from './form-input';

/** The fields tab: the form's fields in order, each opening into its editor, and "Add field". */
export function FieldsEditor() {
  const { control, errors } = useBuilderForm();

  const { fields, append, remove, move } = useFieldArray({ control, name: 'fields' });
  const values = useWatch({ control, name: 'fields' }) ?? [];
  const [open, setOpen] = useState<string | null>(fields[0]?.id ?? null);
  const [adding, setAdding] = useState<FieldType>('text');
  const rootError = errors.fields?.root?.message ?? errors.fields?.message;

  return (
    <div className="stack-md">
      {rootError && <Alert>{rootError}</Alert>}
      <ol className="field-list">
        {fields.map((f, i) => {
          const v = values[i] ?? f;
          const fe = errors.fields?.[i];
          const isOpen = open === f.id || Boolean(fe);
          return (
            <li
              key={f.id}
              className={`field-card${isOpen ? ' open' : ''}${fe ? ' invalid' : ''}`}
              data-testid="field-card"
            >
              <div className="field-card-head">
                <button
                  type="button"
                  className="field-card-toggle"
                  aria-expanded={isOpen}
                  onClick={() => setOpen(isOpen ? null : f.id)}
                >
                  <span className="field-type-pill">{FIELD_TYPE_LABELS[v.type]}</span>
                  <span className="field-card-label">{v.label || 'Untitled field'}</span>
                  {(v.required || v.type === 'email') && <span className="muted">required</span>}
                  <code className="field-card-key">{v.key}</code>
                </button>
                <div className="field-card-actions">
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={`Move ${v.label} up`}
                    disabled={i === 0}
                    onClick={() => move(i, i - 1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={`Move ${v.label} down`}
                    disabled={i === fields.length - 1}
                    onClick={() => move(i, i + 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={`Remove ${v.label}`}
                    disabled={v.type === 'email'}
                    title={v.type === 'email' ? 'Every form has an email field' : undefined}
                    onClick={() => remove(i)}
                  >
                    <XIcon size={14} />
                  </button>
                </div>
              </div>
              {isOpen && <FieldSettings index={i} field={v} errors={fe} />}
            </li>
          );
        })}
      </ol>
      <div className="add-field">
        <SelectField
          label="Add a field"
          value={adding}
          onChange={(e) => setAdding(e.target.value as FieldType)}
          data-testid="add-field-type"
        >
          {FIELD_TYPES.filter((t) => t !== 'email').map((t) => (
            <option key={t} value={t}>
              {FIELD_TYPE_LABELS[t]}
            </option>
          ))}
        </SelectField>
        <Button
          icon={<PlusIcon size={16} />}
          onClick={() => {
            const field = newField(
              adding,
              values.map((x) => x.key),
            );
            append(field);
          }}
          data-testid="add-field"
        >
          Add field
        </Button>
      </div>
    </div>
  );
}
