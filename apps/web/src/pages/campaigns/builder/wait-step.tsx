import { useFormContext, useWatch } from 'react-hook-form';
import { WEEKDAYS, type CampaignForm } from '../model';
import { HOURS, hourLabel } from './hours';

/** A wait step: a duration, or until a weekday and hour in the lead's time zone. */
export function WaitStep({ index }: { index: number }) {
  const { control, register } = useFormContext<CampaignForm>();
  const mode = useWatch({ control, name: `steps.${index}.waitMode` });
  return (
    <div className="inline-pair">
      <select
        className="input select input-sm"
        aria-label="Wait mode"
        {...register(`steps.${index}.waitMode`)}
      >
        <option value="duration">Wait for</option>
        <option value="until">Wait until</option>
      </select>
      {mode === 'duration' ? (
        <>
          <input
            type="number"
            min={1}
            className="input input-sm wait-amount"
            aria-label="Amount"
            data-testid={`step-${index}-wait-amount`}
            {...register(`steps.${index}.waitAmount`, {
              valueAsNumber: true,
              min: { value: 1, message: 'At least 1' },
            })}
          />
          <select
            className="input select input-sm"
            aria-label="Unit"
            {...register(`steps.${index}.waitUnit`)}
          >
            <option value="minutes">minutes</option>
            <option value="hours">hours</option>
            <option value="days">days</option>
            <option value="weeks">weeks</option>
          </select>
        </>
      ) : (
        <>
          <span className="muted">next</span>
          <select
            className="input select input-sm"
            aria-label="Weekday"
            {...register(`steps.${index}.weekday`, { valueAsNumber: true })}
          >
            {WEEKDAYS.map((d, i) => (
              <option key={d} value={i + 1}>
                {d}
              </option>
            ))}
          </select>
          <span className="muted">at</span>
          <select
            className="input select input-sm"
            aria-label="Hour"
            {...register(`steps.${index}.hour`, { valueAsNumber: true })}
          >
            {HOURS.map((h) => (
              <option key={h} value={h}>
                {hourLabel(h)}
              </option>
            ))}
          </select>
          <span className="muted">lead’s time</span>
        </>
      )}
    </div>
  );
}
