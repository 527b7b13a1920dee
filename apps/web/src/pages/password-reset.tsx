import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { z } from 'zod';
import { passwordSchema, requestPasswordResetSchema } from '@kindling/shared';
import type { PasswordResetLookup, PasswordResetRequested } from '@kindling/shared';
import { api, ApiError } from '../api';
import { AuthLayout } from '../layouts/auth-layout';
import {
  AuthChecking,
  AuthDeadEnd,
  AuthForm,
  NEW_PASSWORD,
  SIGN_IN_EMAIL,
} from '../layouts/auth-form';
import { TextField } from '../components/field';
import { Alert } from '../components/feedback';
import { useToast } from '../components/toast';
import { useServerForm } from '../lib/form';
import { meKey } from '../lib/queries';

/** "Forgot password?": asks for a link by email; the answer never says whether the account exists. */
export function ForgotPasswordPage() {
  const [sent, setSent] = useState<string | null>(null);
  const server = useServerForm({
    schema: requestPasswordResetSchema,
    defaultValues: { email: '' },
    fields: ['email'],
    submit: (body) => api.post<PasswordResetRequested>('/api/auth/password-reset/request', body),
    onSuccess: (r) => setSent(r.message),
  });
  const { form, errors } = server;

  return (
    <AuthLayout
      title="Reset your password"
      subtitle="Enter the email you sign in with and we will send you a link to choose a new password."
      footer={
        <>
          Remembered it? <Link to="/login">Log in</Link>
        </>
      }
    >
      {sent ? (
        <div className="form-stack" data-testid="reset-requested">
          <Alert tone="success" title="Check your inbox">
            {sent}
          </Alert>
        </div>
      ) : (
        <AuthForm server={server} submitLabel="Email me a reset link">
          <TextField {...SIGN_IN_EMAIL} error={errors.email?.message} {...form.register('email')} />
        </AuthForm>
      )}
    </AuthLayout>
  );
}

const newPasswordSchema = z
  .object({ password: passwordSchema, confirm: z.string() })
  .refine((v) => v.password === v.confirm, {
    path: ['confirm'],
    message: 'The two passwords differ',
  });

/** The page a reset link opens: says plainly when the link is used or expired. */
export function ResetPasswordPage() {
  const { token = '' } = useParams();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const lookup = useQuery({
    queryKey: ['password-reset', token],
    queryFn: () =>
      api.get<PasswordResetLookup>(
        `/api/auth/password-reset/lookup?token=${encodeURIComponent(token)}`,
      ),
    retry: false,
  });
  const server = useServerForm({
    schema: newPasswordSchema,
    defaultValues: { password: '', confirm: '' },
    fields: ['password'],
    submit: ({ password }) => api.post('/api/auth/password-reset', { token, password }),
    onSuccess: () => {
      // Every session ended, this browser's too.
      qc.clear();
      qc.setQueryData(meKey, null);
      toast.success('Password changed. Log in with your new password.');
      void navigate('/login', { replace: true });
    },
  });
  const { form, errors } = server;

  if (lookup.isPending) return <AuthChecking title="Checking your link…" />;
  if (lookup.isError) {
    const known = lookup.error instanceof ApiError && [404, 410].includes(lookup.error.status);
    return (
      <AuthDeadEnd
        title="This reset link does not work"
        subtitle={known ? lookup.error.message : 'We could not check the link. Try again.'}
        to="/forgot-password"
        action="Send a new link"
      />
    );
  }

  return (
    <AuthLayout
      title="Choose a new password"
      subtitle={`For ${lookup.data.email}. Every device signed in to this account will be signed out.`}
    >
      <AuthForm server={server} submitLabel="Set new password">
        <TextField
          label="New password"
          {...NEW_PASSWORD}
          autoFocus
          error={errors.password?.message}
          {...form.register('password')}
        />
        <TextField
          label="Repeat the new password"
          type="password"
          autoComplete="new-password"
          error={errors.confirm?.message}
          {...form.register('confirm')}
        />
      </AuthForm>
    </AuthLayout>
  );
}
