import { useId } from 'react';
import type { ComponentProps, ReactNode } from 'react';

interface FieldChrome {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  optional?: boolean;
}

type WithChrome<P> = FieldChrome & P & { id?: string | undefined; className?: string | undefined };

/**
 * Splits a field's props into its chrome (label, hint, error) and the control's own props, with
 * the ids that tie them together for assistive tech. `baseClass` is the control's class.
 */
function useField<P extends object>(props: WithChrome<P>, baseClass: string) {
  const { label, error, hint, optional, id, className, ...rest } = props;
  const generated = useId();
  const inputId = id ?? generated;
  // While an error shows, it replaces the hint (they usually say the same thing twice).
  const hintId = hint && !error ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return {
    chrome: { inputId, label, optional, hint, hintId, error, errorId },
    control: {
      id: inputId,
      className: `${baseClass}${className ? ` ${className}` : ''}`,
      'aria-invalid': error ? true : undefined,
      'aria-describedby': describedBy,
    },
    rest,
  };
}

/** Label, control, hint and inline error. */
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

export function TextField(props: WithChrome<ComponentProps<'input'>>) {
  const { chrome, control, rest } = useField(props, 'input');
  return (
    <Chrome {...chrome}>
      <input {...control} {...rest} />
    </Chrome>
  );
}

export function TextAreaField(props: WithChrome<ComponentProps<'textarea'>>) {
  const { chrome, control, rest } = useField(props, 'input textarea');
  return (
    <Chrome {...chrome}>
      <textarea {...control} {...rest} />
    </Chrome>
  );
}

export function SelectField(props: WithChrome<ComponentProps<'select'>>) {
  const { chrome, control, rest } = useField(props, 'input select');
  return (
    <Chrome {...chrome}>
      <select {...control} {...rest} />
    </Chrome>
  );
}
