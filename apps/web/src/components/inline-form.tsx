import type { ReactNode } from 'react';
import type { ServerFormState } from '../lib/form';
import { Button } from './button';
import { Alert } from './feedback';

/** A one-row create form (invite, API key): fields side by side, the submit aligned with them. */
export function InlineCreateForm({
  server: { onSubmit, formError, mutation },
  submitLabel,
  submitIcon,
  submitTestId,
  fields,
  children,
}: {
  server: ServerFormState;
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
            loading={mutation.isPending}
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
