import { useWatch } from 'react-hook-form';
import { DEFAULT_THEME } from '@kindling/shared';
import { Card } from '../../../components/layout';
import { SelectField } from '../../../components/field';
import { DARK_THEME, FONTS } from '../defaults';
import { useBuilderForm } from './form-input';

/** The design tab: light or dark, colours, font and corner radius. */
export function DesignEditor() {
  const { control, register, setValue, errors } = useBuilderForm();

  const theme = { ...DEFAULT_THEME, ...(useWatch({ control, name: 'theme' }) ?? {}) };
  const setMode = (mode: 'light' | 'dark') => {
    setValue('theme.mode', mode, { shouldDirty: true });
    // Swap the page colours too, unless they were customised.
    if (mode === 'dark' && theme.background === DEFAULT_THEME.background) {
      setValue('theme.background', DARK_THEME.background, { shouldDirty: true });
      setValue('theme.text', DARK_THEME.text, { shouldDirty: true });
    }
    if (mode === 'light' && theme.background === DARK_THEME.background) {
      setValue('theme.background', DEFAULT_THEME.background, { shouldDirty: true });
      setValue('theme.text', DEFAULT_THEME.text, { shouldDirty: true });
    }
  };
  const colour = (name: 'primary' | 'background' | 'text', label: string) => (
    <div className="colour-field">
      <label className="field-label" htmlFor={`theme-${name}`}>
        {label}
      </label>
      <div className="colour-row">
        <input
          type="color"
          aria-label={`${label} picker`}
          value={theme[name]}
          onChange={(e) => setValue(`theme.${name}`, e.target.value, { shouldDirty: true })}
        />
        <input id={`theme-${name}`} className="input input-mono" {...register(`theme.${name}`)} />
      </div>
      {errors.theme?.[name] && <p className="field-error">{errors.theme[name]?.message}</p>}
    </div>
  );
  return (
    <Card title="Look and feel" description="The preview on the right updates as you change these.">
      <div className="form-stack">
        <div className="field">
          <span className="field-label">Mode</span>
          <div className="segmented" role="radiogroup" aria-label="Mode">
            {(['light', 'dark'] as const).map((m) => (
              <button
                key={m}
                type="button"
                role="radio"
                aria-checked={theme.mode === m}
                className={theme.mode === m ? 'on' : ''}
                onClick={() => setMode(m)}
              >
                {m === 'light' ? 'Light' : 'Dark'}
              </button>
            ))}
          </div>
        </div>
        <div className="grid-3">
          {colour('primary', 'Accent')}
          {colour('background', 'Background')}
          {colour('text', 'Text')}
        </div>
        <div className="grid-2">
          <SelectField label="Font" {...register('theme.font')}>
            {FONTS.map((f) => (
              <option key={f.label} value={f.value}>
                {f.label}
              </option>
            ))}
          </SelectField>
          <div className="field">
            <label className="field-label" htmlFor="theme-radius">
              Corner radius: {theme.radius}px
            </label>
            <input
              id="theme-radius"
              type="range"
              min={0}
              max={24}
              className="range"
              {...register('theme.radius', { valueAsNumber: true })}
            />
          </div>
        </div>
      </div>
    </Card>
  );
}
