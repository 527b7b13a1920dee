import { useFormContext, useWatch } from 'react-hook-form';
import { STEP_LABEL, type CampaignForm, type StepForm } from '../model';
import { EmailStep } from './email-step';
import { WaitStep } from './wait-step';
import { ConditionStep } from './condition-step';

/** What every step editor gets: its position and what the campaign around it offers. */
export interface StepProps {
  index: number;
  allSteps: StepForm[];
  /** Custom fields a merge tag may name (the built-in tags are always known). */
  knownTags: string[];
  /** Every tag the editor's merge-tag menu offers. */
  allTags: string[];
  customFields: string[];
  /** Null until the campaign is saved: preview and test sends need a stored campaign. */
  campaignId: string | null;
}

/** One step of the sequence: its head (number, kind, move and remove) and its editor. */
export function StepCard(
  props: StepProps & { count: number; onMove: (to: number) => void; onRemove: () => void },
) {
  const { index, count, allSteps } = props;
  const { control, register } = useFormContext<CampaignForm>();
  const type = useWatch({ control, name: `steps.${index}.type` });
  const emailNumber = allSteps.slice(0, index + 1).filter((s) => s.type === 'email').length;
  return (
    <>
      <div className="step-head">
        <span className={`step-badge step-badge-${type}`}>{index + 1}</span>
        <strong>
          {STEP_LABEL[type]}
          {type === 'email' ? ` ${emailNumber}` : ''}
        </strong>
        <span className="rte-spacer" />
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          disabled={index === 0}
          onClick={() => props.onMove(index - 1)}
          aria-label="Move up"
        >
          ↑
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          disabled={index === count - 1}
          onClick={() => props.onMove(index + 1)}
          aria-label="Move down"
        >
          ↓
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-sm btn-danger-text"
          onClick={props.onRemove}
          aria-label={`Remove step ${index + 1}`}
        >
          Remove
        </button>
      </div>
      <input type="hidden" {...register(`steps.${index}.id`)} />
      {type === 'email' && <EmailStep {...props} />}
      {type === 'wait' && <WaitStep index={index} />}
      {type === 'condition' && <ConditionStep {...props} />}
    </>
  );
}
