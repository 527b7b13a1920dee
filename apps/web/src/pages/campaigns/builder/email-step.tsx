import { useEffect } from 'react';
import { useFormContext, useWatch } from 'react-hook-form';
import { htmlToText, validateMergeTags } from '@kindling/shared';
import { TextField } from '../../../components/field';
import { HtmlEditor } from '../html-editor';
import type { CampaignForm } from '../model';
import type { StepProps } from './step-card';
import { EmailTestTools } from './email-test-tools';

/** An email step: subject, preheader, HTML body, plain-text part, preview and test send. */
export function EmailStep({ index, knownTags, allTags, campaignId }: StepProps) {
  const { control, register, setValue, formState } = useFormContext<CampaignForm>();
  const errors = formState.errors;
  const html = useWatch({ control, name: `steps.${index}.html` });
  const textEdited = useWatch({ control, name: `steps.${index}.textEdited` });
  const stepErrors = errors.steps?.[index];
  const tagRule = (v: string) => validateMergeTags(v, knownTags)[0] ?? true;

  // The plain-text part follows the HTML until someone edits it by hand.
  useEffect(() => {
    if (!textEdited) setValue(`steps.${index}.text`, htmlToText(html));
  }, [html, textEdited, index, setValue]);

  const htmlProblem = validateMergeTags(html, knownTags)[0];
  return (
    <div className="form-stack">
      <TextField
        id={`s${index}-subject`}
        label="Subject"
        error={stepErrors?.subject?.message}
        data-testid={`step-${index}-subject`}
        {...register(`steps.${index}.subject`, {
          validate: { filled: (v) => !!v.trim() || 'Write a subject', tags: tagRule },
        })}
      />
      <TextField
        id={`s${index}-preheader`}
        label="Preheader"
        optional
        placeholder="The line inboxes show after the subject"
        error={stepErrors?.preheader?.message}
        {...register(`steps.${index}.preheader`, { validate: tagRule })}
      />
      <div className={`field${stepErrors?.html || htmlProblem ? ' field-invalid' : ''}`}>
        <label className="field-label" htmlFor={`s${index}-html`} id={`s${index}-html-label`}>
          Body
        </label>
        <input
          type="hidden"
          {...register(`steps.${index}.html`, {
            validate: {
              filled: (v) => !!v.replace(/<[^>]*>/g, '').trim() || 'Write the email',
              tags: tagRule,
            },
          })}
        />
        <HtmlEditor
          id={`s${index}-html`}
          value={html}
          mergeTags={allTags}
          invalid={!!(stepErrors?.html || htmlProblem)}
          onChange={(v) => setValue(`steps.${index}.html`, v, { shouldDirty: true })}
        />
        {(stepErrors?.html?.message || htmlProblem) && (
          <p className="field-error" data-testid={`step-${index}-html-error`}>
            {stepErrors?.html?.message ?? htmlProblem}
          </p>
        )}
        <p className="field-hint">
          Merge tags: <code>{'{{first_name | default: "there"}}'}</code>, <code>{'{{email}}'}</code>
          {knownTags.length > 0 && (
            <>
              {' '}
              and custom fields such as <code>{`{{${knownTags[0]}}}`}</code>
            </>
          )}
          . Values are escaped; an unknown tag blocks activation.
        </p>
      </div>
      <div className={`field${stepErrors?.text ? ' field-invalid' : ''}`}>
        <div className="field-label-row">
          <label className="field-label" htmlFor={`s${index}-text`}>
            Plain-text part
          </label>
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => {
              setValue(`steps.${index}.textEdited`, false);
              setValue(`steps.${index}.text`, htmlToText(html));
            }}
          >
            {textEdited ? 'Regenerate from HTML' : 'Generated from HTML'}
          </button>
        </div>
        <textarea
          id={`s${index}-text`}
          className="input textarea input-mono"
          rows={5}
          {...register(`steps.${index}.text`, {
            validate: tagRule,
            onChange: () => setValue(`steps.${index}.textEdited`, true),
          })}
        />
        {stepErrors?.text && <p className="field-error">{stepErrors.text.message}</p>}
      </div>
      <EmailTestTools index={index} campaignId={campaignId} />
    </div>
  );
}
