import type { FormEventHandler, ReactNode } from 'react';
import { Button } from './button';
import { Alert } from './feedback';

/** A one-row create form (invite, API key): fields side by side, the submit aligned with them. */
export function InlineCreateForm({
  onSubmit,
  formError,
  pending,
  submitLabel,
  submitIcon,
  submitTestId,
  fields,
  children,
}: {
  onSubmit: FormEventHandler<HTMLFormElement>;
  formError: string | null;
  pending: boolean;
  submitLabel: ReactNode;
  submitIcon: ReactNode;
  submitTestId: string;
  /** The inputs of the row. */
  fields: ReactNode;
  /** What goes below the row. */
  children?: ReactNode;
}) {
  return (
    <form noValidate className="inline-form" onSubmit={(e) => void onSubmit(e)}>
      {formError && <Alert>{formError}</Alert>}
      <div className="inline-form-row">
        {fields}
        <div className="inline-form-submit">
          <Button
            type="submit"
            variant="primary"
            loading={pending}
            icon={submitIcon}
            data-testid={submitTestId}
          >
            {submitLabel}
          </Button>
        </div>
      </div>
      {children}
    </form>
  );
}
