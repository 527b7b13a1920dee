// The pieces the signed-out pages (log in, sign up, invite, password reset) share: the form with
// its error line and full-width submit, the "checking your link" and "link does not work" cards,
// and what happens once a session exists.
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import type { Me } from '@kindling/shared';
import { Button, ButtonLink } from '../components/button';
import { Alert, Spinner } from '../components/feedback';
import type { ServerFormState } from '../lib/form';
import { meKey } from '../lib/queries';
import { safeNext } from '../lib/safe-next';
import { AuthLayout } from './auth-layout';

/** Props for the new-password input of sign-up, invite and reset. */
export const NEW_PASSWORD = {
  type: 'password',
  autoComplete: 'new-password',
  hint: 'At least 10 characters.',
} as const;

/** Props for the email input that starts a signed-out form. */
export const SIGN_IN_EMAIL = {
  label: 'Email',
  type: 'email',
  autoComplete: 'email',
  autoFocus: true,
} as const;

/** A signed-out form: `intro` above the error line, the fields, one full-width submit button. */
export function AuthForm({
  server: { onSubmit, formError, mutation },
  submitLabel,
  intro,
  children,
}: {
  server: ServerFormState;
  submitLabel: ReactNode;
  intro?: ReactNode;
  children: ReactNode;
}) {
  return (
    <form className="form-stack" noValidate onSubmit={(e) => void onSubmit(e)}>
      {intro}
      {formError && <Alert>{formError}</Alert>}
      {children}
      <Button type="submit" variant="primary" className="btn-block" loading={mutation.isPending}>
        {submitLabel}
      </Button>
    </form>
  );
}

/** While a link's token is being looked up. */
export function AuthChecking({ title }: { title: string }) {
  return (
    <AuthLayout title={title}>
      <Spinner />
    </AuthLayout>
  );
}

/** A link that cannot be used: says why and offers the one way on. */
export function AuthDeadEnd({
  title,
  subtitle,
  to,
  action,
  testId,
}: {
  title: string;
  subtitle: ReactNode;
  to: string;
  action: ReactNode;
  testId?: string;
}) {
  return (
    <AuthLayout title={title} subtitle={subtitle}>
      <div className="form-stack" data-testid={testId}>
        <ButtonLink to={to} variant="primary" className="btn-block">
          {action}
        </ButtonLink>
      </div>
    </AuthLayout>
  );
}

/** `path`, carrying the page to return to after signing in. */
export const withNext = (path: string, next: string | null) =>
  next ? `${path}?next=${encodeURIComponent(next)}` : path;

/** After log-in or sign-up: remember the session and go where the user was headed. */
export function useSignedIn(next: string | null) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  return (me: Me) => {
    qc.setQueryData(meKey, me);
    void navigate(safeNext(next), { replace: true });
  };
}
