import { useFormContext, useWatch } from 'react-hook-form';
import { useSession } from '../../../lib/queries';
import { WEEKDAYS, type CampaignForm } from '../model';
import { HOURS, hourLabel } from './hours';
import { SideCard } from './side-cards';

/** The send window card: the days and hours a step may go out. */
export function SendWindowCard() {
  const me = useSession();
  const { control, register, formState } = useFormContext<CampaignForm>();
  const windowEnabled = useWatch({ control, name: 'windowEnabled' });
  return (
    <SideCard title="Send window">
      <label className="check">
        <input type="checkbox" {...register('windowEnabled')} data-testid="window-enabled" /> Only
        send on chosen days and hours
      </label>
      {windowEnabled && (
        <>
          <div className="day-picker" role="group" aria-label="Days">
            {WEEKDAYS.map((d, i) => (
              <label key={d} className="day-chip">
                <input
                  type="checkbox"
                  value={String(i + 1)}
                  {...register('windowDays', {
                    validate: (v) => v.length > 0 || 'Pick at least one day',
                  })}
                />
                <span>{d}</span>
              </label>
            ))}
          </div>
          {formState.errors.windowDays && (
            <p className="field-error">{formState.errors.windowDays.message}</p>
          )}
          <div className="inline-pair">
            <label className="field-label" htmlFor="w-start">
              From
            </label>
            <select
              id="w-start"
              className="input select input-sm"
              {...register('windowStart', { valueAsNumber: true })}
            >
              {HOURS.map((h) => (
                <option key={h} value={h}>
                  {hourLabel(h)}
                </option>
              ))}
            </select>
            <label className="field-label" htmlFor="w-end">
              to
            </label>
            <select
              id="w-end"
              className="input select input-sm"
              {...register('windowEnd', {
                valueAsNumber: true,
                validate: (v, all) => v > all.windowStart || 'Must end after it starts',
              })}
            >
              {HOURS.map((h) => (
                <option key={h + 1} value={h + 1}>
                  {hourLabel((h + 1) % 24)}
                  {h + 1 === 24 ? ' (midnight)' : ''}
                </option>
              ))}
            </select>
          </div>
          {formState.errors.windowEnd && (
            <p className="field-error">{formState.errors.windowEnd.message}</p>
          )}
          <p className="field-hint">
            In the lead’s time zone when known, else the workspace’s ({me.workspace.timeZone}). A
            step due outside the window waits for its next opening.
          </p>
        </>
      )}
    </SideCard>
  );
}
