import { Link, useSearchParams } from 'react-router';
import { loginSchema } from '@kindling/shared';
import type { Me } from '@kindling/shared';
import { api } from '../api';
import { AuthLayout } from '../layouts/auth-layout';
import { AuthForm, SIGN_IN_EMAIL, useSignedIn, withNext } from '../layouts/auth-form';
import { TextField } from '../components/field';
import { useServerForm } from '../lib/form';

export function LoginPage() {
  const [params] = useSearchParams();
  const next = params.get('next');
  const server = useServerForm({
    schema: loginSchema,
    defaultValues: { email: '', password: '' },
    fields: ['email', 'password'],
    submit: (body) => api.post<Me>('/api/auth/login', body),
    onSuccess: useSignedIn(next),
  });
  const { form, errors } = server;

  return (
    <AuthLayout
      title="Log in to Kindling"
      subtitle="Welcome back. Your forms and campaigns are where you left them."
      footer={
        <>
          New to Kindling? <Link to={withNext('/signup', next)}>Create a workspace</Link>
        </>
      }
    >
      <AuthForm server={server} submitLabel="Log in">
        <TextField {...SIGN_IN_EMAIL} error={errors.email?.message} {...form.register('email')} />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          error={errors.password?.message}
          {...form.register('password')}
        />
        <p className="muted">
          <Link to="/forgot-password">Forgot password?</Link>
        </p>
      </AuthForm>
    </AuthLayout>
  );
}
