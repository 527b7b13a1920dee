import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { signupSchema } from '@kindling/shared';
import type { Me, SignupInput } from '@kindling/shared';
import { api } from '../api';
import { AuthLayout } from '../layouts/auth-layout';
import { TextField } from '../components/field';
import { Button } from '../components/button';
import { Alert } from '../components/feedback';
import { applyServerError } from '../lib/form';
import { meKey } from '../lib/queries';
import { safeNext } from '../lib/safe-next';

const FIELDS = ['name', 'email', 'password', 'workspaceName'] as const;

export function SignupPage() {
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
    resolver: zodResolver(signupSchema),
    defaultValues: { name: '', email: '', password: '', workspaceName: '' } satisfies SignupInput,
  });

  const signup = useMutation({
    mutationFn: (body: SignupInput) => api.post<Me>('/api/auth/signup', body),
    onSuccess: (me) => {
      qc.setQueryData(meKey, me);
      void navigate(safeNext(next), { replace: true });
    },
    onError: (err) => setFormError(applyServerError(err, setError, FIELDS)),
  });

  return (
    <AuthLayout
      title="Create your workspace"
      subtitle="Capture leads with one script tag and nurture them with drip email from your own servers."
      footer={
        <>
          Already have an account?{' '}
          <Link to={next ? `/login?next=${encodeURIComponent(next)}` : '/login'}>Log in</Link>
        </>
      }
    >
      <form
        className="form-stack"
        noValidate
        onSubmit={handleSubmit((values) => {
          setFormError(null);
          signup.mutate(values);
        })}
      >
        {formError && <Alert>{formError}</Alert>}
        <TextField
          label="Your name"
          autoComplete="name"
          autoFocus
          error={errors.name?.message}
          {...register('name')}
        />
        <TextField
          label="Work email"
          type="email"
          autoComplete="email"
          error={errors.email?.message}
          {...register('email')}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters."
          error={errors.password?.message}
          {...register('password')}
        />
        <TextField
          label="Workspace name"
          autoComplete="organization"
          placeholder="Acme Marketing"
          hint="Usually your company or team. You can rename it later."
          error={errors.workspaceName?.message}
          {...register('workspaceName')}
        />
        <Button type="submit" variant="primary" className="btn-block" loading={signup.isPending}>
          Create workspace
        </Button>
      </form>
    </AuthLayout>
  );
}
