import { Link, useSearchParams } from 'react-router';
import { signupSchema } from '@kindling/shared';
import type { Me } from '@kindling/shared';
import { api } from '../api';
import { AuthLayout } from '../layouts/auth-layout';
import { AuthForm, NEW_PASSWORD, useSignedIn, withNext } from '../layouts/auth-form';
import { TextField } from '../components/field';
import { useServerForm } from '../lib/form';

export function SignupPage() {
  const [params] = useSearchParams();
  const next = params.get('next');
  const server = useServerForm({
    schema: signupSchema,
    defaultValues: { name: '', email: '', password: '', workspaceName: '' },
    fields: ['name', 'email', 'password', 'workspaceName'],
    submit: (body) => api.post<Me>('/api/auth/signup', body),
    onSuccess: useSignedIn(next),
  });
  const { form, errors } = server;

  return (
    <AuthLayout
      title="Create your workspace"
      subtitle="Capture leads with one script tag and nurture them with drip email from your own servers."
      footer={
        <>
          Already have an account? <Link to={withNext('/login', next)}>Log in</Link>
        </>
      }
    >
      <AuthForm server={server} submitLabel="Create workspace">
        <TextField
          label="Your name"
          autoComplete="name"
          autoFocus
          error={errors.name?.message}
          {...form.register('name')}
        />
        <TextField
          label="Work email"
          type="email"
          autoComplete="email"
          error={errors.email?.message}
          {...form.register('email')}
        />
        <TextField
          label="Password"
          {...NEW_PASSWORD}
          error={errors.password?.message}
          {...form.register('password')}
        />
        <TextField
          label="Workspace name"
          autoComplete="organization"
          placeholder="Acme Marketing"
          hint="Usually your company or team. You can rename it later."
          error={errors.workspaceName?.message}
          {...form.register('workspaceName')}
        />
      </AuthForm>
    </AuthLayout>
  );
}
