import { useFormContext, useWatch } from 'react-hook-form';
import type { CampaignForm } from '../model';
import type { StepProps } from './step-card';

/** A condition step: what the lead did or has, and where each answer goes. */
export function ConditionStep({ index, allSteps, customFields }: StepProps) {
  const { control, register } = useFormContext<CampaignForm>();
  const kind = useWatch({ control, name: `steps.${index}.condKind` });
  const op = useWatch({ control, name: `steps.${index}.condOp` });
  const earlierEmails = allSteps
    .slice(0, index)
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.type === 'email');
  const later = allSteps.map((s, i) => ({ s, i })).filter(({ i }) => i > index + 1);
  const target = (name: 'yesStepId' | 'noStepId', label: string) => (
    <div className="inline-pair">
      <span className="branch-label">{label}</span>
      <select
        className="input select input-sm"
        aria-label={label}
        {...register(`steps.${index}.${name}`)}
      >
        <option value="next">
          continue with step {index + 2 <= allSteps.length ? index + 2 : '(end)'}
        </option>
        {later.map(({ s, i }) => (
          <option key={s.id} value={s.id}>
            jump to step {i + 1}
            {s.type === 'email' && s.subject ? ` (${s.subject.slice(0, 30)})` : ''}
          </option>
        ))}
        <option value="end">end the campaign</option>
      </select>
    </div>
  );
  return (
    <div className="form-stack">
      <div className="inline-pair">
        <span className="muted">If the lead</span>
        <select
          className="input select input-sm"
          aria-label="Condition"
          {...register(`steps.${index}.condKind`)}
        >
          <option value="opened">opened</option>
          <option value="clicked">clicked in</option>
          <option value="has_tag">has the tag</option>
          <option value="field">has a field</option>
        </select>
        {(kind === 'opened' || kind === 'clicked') && (
          <select
            className="input select input-sm"
            aria-label="Email"
            {...register(`steps.${index}.condStepId`)}
          >
            <option value="">any earlier email</option>
            {earlierEmails.map(({ s, i }) => (
              <option key={s.id} value={s.id}>
                step {i + 1}: {s.subject.slice(0, 40) || '(no subject)'}
              </option>
            ))}
          </select>
        )}
        {kind === 'has_tag' && (
          <input
            className="input input-sm"
            placeholder="tag"
            aria-label="Tag"
            {...register(`steps.${index}.condTag`)}
          />
        )}
        {kind === 'field' && (
          <>
            <select
              className="input select input-sm"
              aria-label="Field"
              {...register(`steps.${index}.condField`)}
            >
              <option value="">field…</option>
              {['email', 'first_name', 'last_name', 'phone', ...customFields].map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
            <select
              className="input select input-sm"
              aria-label="Operator"
              {...register(`steps.${index}.condOp`)}
            >
              <option value="equals">equal to</option>
              <option value="contains">containing</option>
              <option value="exists">(is filled in)</option>
            </select>
            {op !== 'exists' && (
              <input
                className="input input-sm"
                aria-label="Value"
                {...register(`steps.${index}.condValue`)}
              />
            )}
          </>
        )}
      </div>
      {(kind === 'opened' || kind === 'clicked') && (
        <p className="field-hint">
          Only human opens and clicks count; privacy proxies and link scanners are ignored.
        </p>
      )}
      {target('yesStepId', 'Yes →')}
      {target('noStepId', 'No →')}
    </div>
  );
}
