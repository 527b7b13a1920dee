import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import { Button } from '../../../components/button';
import type { CampaignOptions } from '@kindling/shared';
import type { CampaignForm } from '../model';
import { SideCard } from './side-cards';

/** The triggers card: every way a lead enters the campaign. */
export function TriggersCard({ forms }: { forms: CampaignOptions['forms'] }) {
  const { control } = useFormContext<CampaignForm>();
  const triggers = useFieldArray({ control, name: 'triggers' });
  return (
    <SideCard title="Triggers">
      {triggers.fields.map((t, i) => (
        <TriggerRow key={t.id} index={i} forms={forms} onRemove={() => triggers.remove(i)} />
      ))}
      <Button
        size="sm"
        onClick={() => triggers.append({ type: 'manual', formId: '', tag: '' })}
        data-testid="add-trigger"
      >
        + Add trigger
      </Button>
      <p className="field-hint">
        Every trigger enrolls through the same rules: active leads only, once at a time.
      </p>
    </SideCard>
  );
}

function TriggerRow({
  index,
  forms,
  onRemove,
}: {
  index: number;
  forms: CampaignOptions['forms'];
  onRemove: () => void;
}) {
  const { control, register } = useFormContext<CampaignForm>();
  const type = useWatch({ control, name: `triggers.${index}.type` });
  return (
    <div className="trigger-row" data-testid={`trigger-${index}`}>
      <select
        className="input select input-sm"
        aria-label="Trigger type"
        {...register(`triggers.${index}.type`)}
      >
        <option value="form_submission">Submits a form</option>
        <option value="tag_added">Gets a tag</option>
        <option value="manual">Added by hand</option>
        <option value="api">Added through the API</option>
        <option value="csv_import">Imported from CSV</option>
      </select>
      {type === 'form_submission' && (
        <select
          className="input select input-sm"
          aria-label="Form"
          {...register(`triggers.${index}.formId`, {
            validate: (v, all) =>
              all.triggers[index]?.type !== 'form_submission' || !!v || 'Pick a form',
          })}
        >
          <option value="">Choose a form…</option>
          {forms.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
      )}
      {type === 'tag_added' && (
        <input
          className="input input-sm"
          placeholder="tag"
          aria-label="Tag"
          {...register(`triggers.${index}.tag`, {
            validate: (v, all) =>
              all.triggers[index]?.type !== 'tag_added' || !!v.trim() || 'Name the tag',
          })}
        />
      )}
      <button
        type="button"
        className="btn btn-ghost btn-sm"
        aria-label="Remove trigger"
        onClick={onRemove}
      >
        ×
      </button>
    </div>
  );
}
