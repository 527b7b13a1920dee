import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { loginSchema } from '@kindling/shared';
import type { LoginInput, Me } from '@kindling/shared';
import { api } from '../api';
import { AuthLayout } from '../layouts/auth-layout';
import { TextField } from '../components/field';
import { Button } from '../components/button';
import { Alert } from '../components/feedback';
import { applyServerError } from '../lib/form';
import { meKey } from '../lib/queries';
import { safeNext } from '../lib/safe-next';

export function LoginPage() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next');
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm({
    resolver: zodResolver(loginSchema),
    defaultValues: { email: '', password: '' } satisfies LoginInput,
  });

  const login = useMutation({
    mutationFn: (body: LoginInput) => api.post<Me>('/api/auth/login', body),
    onSuccess: (me) => {
      qc.setQueryData(meKey, me);
      void navigate(safeNext(next), { replace: true });
    },
    onError: (err) => setFormError(applyServerError(err, setError, ['email', 'password'])),
  });

  const signupHref = next ? `/signup?next=${encodeURIComponent(next)}` : '/signup';

  return (
    <AuthLayout
      title="Log in to Kindling"
      subtitle="Welcome back. Your forms and campaigns are where you left them."
      footer={
        <>
          New to Kindling? <Link to={signupHref}>Create a workspace</Link>
        </>
      }
    >
      <form
        className="form-stack"
        noValidate
        onSubmit={handleSubmit((values) => {
          setFormError(null);
          login.mutate(values);
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
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          error={errors.password?.message}
          {...register('password')}
        />
        <p className="muted">
          <Link to="/forgot-password">Forgot password?</Link>
        </p>
        <Button type="submit" variant="primary" className="btn-block" loading={login.isPending}>
          Log in
        </Button>
      </form>
    </AuthLayout>
  );
}
