import { useState } from 'react';
import { useWatch } from 'react-hook-form';
import { Card } from '../../../components/layout';
import { SelectField, TextAreaField, TextField } from '../../../components/field';
import { useBuilderForm } from './form-input';

/** The settings tab: name, button, status, what happens after submitting, allowed origins. */
export function SettingsEditor() {
  const { control, register, setValue, errors } = useBuilderForm();

  const origins = useWatch({ control, name: 'allowedOrigins' }) ?? [];
  const [originsText, setOriginsText] = useState(origins.join('\n'));
  const originErrors = errors.allowedOrigins as
    ({ message?: string } & Partial<Record<number, { message?: string }>>) | undefined;
  const originError: string | undefined =
    originErrors?.message ??
    Object.values(originErrors ?? {}).find(
      (e): e is { message: string } => typeof e === 'object' && e !== null && 'message' in e,
    )?.message;
  return (
    <div className="stack-md">
      <Card title="Basics">
        <div className="form-stack">
          <TextField
            label="Form name"
            hint="Only you see this."
            error={errors.name?.message}
            {...register('name')}
            data-testid="form-name"
          />
          <div className="grid-2">
            <TextField
              label="Button label"
              error={errors.submitLabel?.message}
              {...register('submitLabel')}
              data-testid="form-submit-label"
            />
            <SelectField label="Status" {...register('status')}>
              <option value="enabled">Live: accepting submissions</option>
              <option value="disabled">Disabled: embed shows nothing</option>
            </SelectField>
          </div>
        </div>
      </Card>
      <Card title="After submitting">
        <div className="form-stack">
          <TextAreaField
            label="Success message"
            rows={2}
            error={errors.successMessage?.message}
            {...register('successMessage')}
          />
          <TextField
            label="Redirect URL"
            optional
            placeholder="https://example.com/thank-you"
            hint="Send people to your own page instead of showing the message."
            error={errors.redirectUrl?.message}
            {...register('redirectUrl')}
          />
          <label className="check-row">
            <input type="checkbox" {...register('doubleOptIn')} data-testid="form-double-opt-in" />
            <span>
              <strong>Double opt-in.</strong> Email a confirmation link first; campaigns start only
              after the lead confirms.
            </span>
          </label>
        </div>
      </Card>
      <Card title="Where it may be embedded">
        <TextAreaField
          label="Allowed origins"
          optional
          rows={3}
          className="input-mono"
          placeholder={'https://example.com\nhttps://www.example.com'}
          hint="One per line. Leave empty to accept submissions from any site."
          error={originError}
          value={originsText}
          onChange={(e) => setOriginsText(e.target.value)}
          onBlur={() =>
            setValue(
              'allowedOrigins',
              originsText
                .split('\n')
                .map((l) => l.trim())
                .filter(Boolean),
              { shouldDirty: true },
            )
          }
        />
      </Card>
    </div>
  );
}
