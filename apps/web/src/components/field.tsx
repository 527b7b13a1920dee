import { useId } from 'react';
import type { ComponentProps, ReactNode } from 'react';

interface FieldChrome {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  optional?: boolean;
}

/** Label, control, hint and inline error, wired together with ids for assistive tech. */
function useFieldIds(id: string | undefined, error: string | undefined, hint: ReactNode) {
  const generated = useId();
  const inputId = id ?? generated;
  // While an error shows, it replaces the hint (they usually say the same thing twice).
  const hintId = hint && !error ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return { inputId, hintId, errorId, describedBy };
}

function Chrome({
  inputId,
  label,
  optional,
  hint,
  hintId,
  error,
  errorId,
  children,
}: FieldChrome & {
  inputId: string;
  hintId?: string | undefined;
  errorId?: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label className="field-label" htmlFor={inputId}>
        {label}
        {optional && <span className="field-optional">Optional</span>}
      </label>
      {children}
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
      {hint && !error && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}

export function TextField({
  label,
  error,
  hint,
  optional,
  id,
  className,
  ...rest
}: FieldChrome & ComponentProps<'input'>) {
  const ids = useFieldIds(id, error, hint);
  return (
    <Chrome {...ids} label={label} error={error} hint={hint} optional={optional}>
      <input
        id={ids.inputId}
        className={`input${className ? ` ${className}` : ''}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
        {...rest}
      />
    </Chrome>
  );
}

export function TextAreaField({
  label,
  error,
  hint,
  optional,
  id,
  className,
  ...rest
}: FieldChrome & ComponentProps<'textarea'>) {
  const ids = useFieldIds(id, error, hint);
  return (
    <Chrome {...ids} label={label} error={error} hint={hint} optional={optional}>
      <textarea
        id={ids.inputId}
        className={`input textarea${className ? ` ${className}` : ''}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
        {...rest}
      />
    </Chrome>
  );
}

export function SelectField({
  label,
  error,
  hint,
  optional,
  id,
  className,
  children,
  ...rest
}: FieldChrome & ComponentProps<'select'>) {
  const ids = useFieldIds(id, error, hint);
  return (
    <Chrome {...ids} label={label} error={error} hint={hint} optional={optional}>
      <select
        id={ids.inputId}
        className={`input select${className ? ` ${className}` : ''}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={ids.describedBy}
        {...rest}
      >
        {children}
      </select>
    </Chrome>
  );
}
