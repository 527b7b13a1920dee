import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { z } from 'zod';
import { passwordSchema, requestPasswordResetSchema } from '@kindling/shared';
import type { RequestPasswordResetInput } from '@kindling/shared';
import { api, ApiError } from '../api';
import { AuthLayout } from '../layouts/auth-layout';
import { TextField } from '../components/field';
import { Button, ButtonLink } from '../components/button';
import { Alert, Spinner } from '../components/feedback';
import { useToast } from '../components/toast';
import { applyServerError } from '../lib/form';
import { meKey } from '../lib/queries';

/** "Forgot password?": asks for a link by email; the answer never says whether the account exists. */
export function ForgotPasswordPage() {
  const [sent, setSent] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm({
    resolver: zodResolver(requestPasswordResetSchema),
    defaultValues: { email: '' } satisfies RequestPasswordResetInput,
  });
  const request = useMutation({
    mutationFn: (body: RequestPasswordResetInput) =>
      api.post<{ message: string }>('/api/auth/password-reset/request', body),
    onSuccess: (r) => setSent(r.message),
    onError: (err) => setFormError(applyServerError(err, setError, ['email'])),
  });

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
        <form
          className="form-stack"
          noValidate
          onSubmit={handleSubmit((values) => {
            setFormError(null);
            request.mutate(values);
          })}
        >
          {formError && <Alert>{formError}</Alert>}
          <TextField
            label="Email"
            type="email"
            autoComplete="email"
            autoFocus
            error={errors.email?.message}
            {...register('email')}
          />
          <Button type="submit" variant="primary" className="btn-block" loading={request.isPending}>
            Email me a reset link
          </Button>
        </form>
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
  const [formError, setFormError] = useState<string | null>(null);
  const lookup = useQuery({
    queryKey: ['password-reset', token],
    queryFn: () =>
      api.get<{ email: string; expiresAt: string }>(
        `/api/auth/password-reset/lookup?token=${encodeURIComponent(token)}`,
      ),
    retry: false,
  });
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm({
    resolver: zodResolver(newPasswordSchema),
    defaultValues: { password: '', confirm: '' },
  });
  const reset = useMutation({
    mutationFn: (password: string) => api.post('/api/auth/password-reset', { token, password }),
    onSuccess: () => {
      // Every session ended, this browser's too.
      qc.clear();
      qc.setQueryData(meKey, null);
      toast.success('Password changed. Log in with your new password.');
      void navigate('/login', { replace: true });
    },
    onError: (err) => setFormError(applyServerError(err, setError, ['password'])),
  });

  if (lookup.isPending) {
    return (
      <AuthLayout title="Checking your link…">
        <Spinner />
      </AuthLayout>
    );
  }
  if (lookup.isError) {
    const known = lookup.error instanceof ApiError && [404, 410].includes(lookup.error.status);
    return (
      <AuthLayout
        title="This reset link does not work"
        subtitle={known ? lookup.error.message : 'We could not check the link. Try again.'}
      >
        <div className="form-stack">
          <ButtonLink to="/forgot-password" variant="primary" className="btn-block">
            Send a new link
          </ButtonLink>
        </div>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title="Choose a new password"
      subtitle={`For ${lookup.data.email}. Every device signed in to this account will be signed out.`}
    >
      <form
        className="form-stack"
        noValidate
        onSubmit={handleSubmit((values) => {
          setFormError(null);
          reset.mutate(values.password);
        })}
      >
        {formError && <Alert>{formError}</Alert>}
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          autoFocus
          hint="At least 10 characters."
          error={errors.password?.message}
          {...register('password')}
        />
        <TextField
          label="Repeat the new password"
          type="password"
          autoComplete="new-password"
          error={errors.confirm?.message}
          {...register('confirm')}
        />
        <Button type="submit" variant="primary" className="btn-block" loading={reset.isPending}>
          Set new password
        </Button>
      </form>
    </AuthLayout>
  );
}
