import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { acceptInviteSchema, passwordSchema } from '@kindling/shared';
import type { Me, Role } from '@kindling/shared';
import { z } from 'zod';
import { api, ApiError } from '../api';
import { AuthLayout } from '../layouts/auth-layout';
import { TextField } from '../components/field';
import { Button, ButtonLink } from '../components/button';
import { Alert, Spinner } from '../components/feedback';
import { useToast } from '../components/toast';
import { applyServerError } from '../lib/form';
import { meKey, useMe } from '../lib/queries';
import { ROLE_LABEL } from '../lib/roles';
import { relativeTime } from '../lib/format';

interface InviteLookup {
  workspaceName: string;
  role: Role;
  /** The invite is bound to this address. */
  email: string;
  expiresAt: string;
}

/** The shared schema with the fields a new account needs made required. */
const newAccountSchema = acceptInviteSchema.extend({
  name: z.string().trim().min(1, 'Enter your name').max(100),
  password: passwordSchema,
});
type NewAccountInput = z.input<typeof newAccountSchema>;

const FIELDS = ['name', 'password'] as const;

export function AcceptInvitePage() {
  const { token = '' } = useParams();
  const me = useMe();
  const lookup = useQuery({
    queryKey: ['invite-lookup', token],
    queryFn: () => api.get<InviteLookup>(`/api/invites/lookup?token=${encodeURIComponent(token)}`),
    retry: false,
  });

  if (lookup.isPending || me.isPending) {
    return (
      <AuthLayout title="Checking your invite…">
        <Spinner />
      </AuthLayout>
    );
  }

  if (lookup.isError || !lookup.data) {
    // 404: not a link we made; 410: revoked, used or expired, and the server says which.
    const known =
      lookup.error instanceof ApiError &&
      (lookup.error.status === 404 || lookup.error.status === 410);
    return (
      <AuthLayout
        title={known ? 'This invite link no longer works' : 'We could not check this invite'}
        subtitle={lookup.error?.message}
      >
        <div className="form-stack" data-testid="invite-closed">
          <ButtonLink to={me.data ? '/' : '/login'} variant="primary" className="btn-block">
            {me.data ? 'Go to your workspace' : 'Log in'}
          </ButtonLink>
        </div>
      </AuthLayout>
    );
  }

  const invite = lookup.data;
  const intro = (
    <div className="invite-summary" data-testid="invite-summary">
      <span className="ws-mark ws-mark-lg" aria-hidden="true">
        {invite.workspaceName.trim().charAt(0).toUpperCase() || 'K'}
      </span>
      <div>
        <p className="invite-ws">{invite.workspaceName}</p>
        <p className="invite-meta">
          Join as {ROLE_LABEL[invite.role].toLowerCase()} · for {invite.email} · expires{' '}
          {relativeTime(invite.expiresAt)}
        </p>
      </div>
    </div>
  );

  return me.data ? (
    <AcceptAsSignedIn token={token} invite={invite} me={me.data} intro={intro} />
  ) : (
    <AcceptAsNewUser token={token} invite={invite} intro={intro} />
  );
}

function useOnJoined() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  return (me: Me) => {
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== meKey[0] });
    qc.setQueryData(meKey, me);
    toast.success(`Welcome to ${me.workspace.name}`);
    void navigate('/forms', { replace: true });
  };
}

function AcceptAsSignedIn({
  token,
  invite,
  me,
  intro,
}: {
  token: string;
  invite: InviteLookup;
  me: Me;
  intro: React.ReactNode;
}) {
  const onJoined = useOnJoined();
  const accept = useMutation({
    mutationFn: () => api.post<Me>('/api/auth/accept-invite', { token }),
    onSuccess: onJoined,
  });
  const mismatch = invite.email.toLowerCase() !== me.user.email.toLowerCase();

  return (
    <AuthLayout
      title={`Join ${invite.workspaceName}`}
      subtitle="You have been invited to a Kindling workspace."
    >
      <div className="form-stack">
        {intro}
        {mismatch && (
          <Alert tone="warning" title="This invite was sent to a different address">
            It is for {invite.email} only, and you are signed in as {me.user.email}. Log out, then
            open the link again and sign in (or create the account) as {invite.email}.
          </Alert>
        )}
        {accept.isError && <Alert>{accept.error.message}</Alert>}
        <Button
          variant="primary"
          className="btn-block"
          loading={accept.isPending}
          disabled={mismatch}
          onClick={() => accept.mutate()}
        >
          Accept and join as {me.user.name}
        </Button>
        <p className="muted text-center">
          Signed in as {me.user.email}. <Link to="/forms">Not now</Link>
        </p>
      </div>
    </AuthLayout>
  );
}

function AcceptAsNewUser({
  token,
  invite,
  intro,
}: {
  token: string;
  invite: InviteLookup;
  intro: React.ReactNode;
}) {
  const onJoined = useOnJoined();
  const [formError, setFormError] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors },
  } = useForm({
    resolver: zodResolver(newAccountSchema),
    defaultValues: { token, name: '', password: '' } satisfies NewAccountInput,
  });

  const accept = useMutation({
    mutationFn: (body: z.output<typeof newAccountSchema>) =>
      api.post<Me>('/api/auth/accept-invite', body),
    onSuccess: onJoined,
    onError: (err) => setFormError(applyServerError(err, setError, FIELDS)),
  });

  const next = `/invite/${encodeURIComponent(token)}`;
  return (
    <AuthLayout
      title={`Join ${invite.workspaceName}`}
      subtitle="Create your account to accept the invite."
      footer={
        <>
          Already have a Kindling account?{' '}
          <Link to={`/login?next=${encodeURIComponent(next)}`}>Log in to accept</Link>
        </>
      }
    >
      <form
        className="form-stack"
        noValidate
        onSubmit={handleSubmit((values) => {
          setFormError(null);
          accept.mutate(values);
        })}
      >
        {intro}
        {formError && <Alert>{formError}</Alert>}
        {errors.token && (
          <Alert>This invite link is malformed. Copy the whole link and try again.</Alert>
        )}
        <TextField
          label="Your name"
          autoComplete="name"
          autoFocus
          error={errors.name?.message}
          {...register('name')}
        />
        <TextField
          label="Email"
          type="email"
          value={invite.email}
          readOnly
          disabled
          hint="The invite was sent to this address; your account will use it."
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters."
          error={errors.password?.message}
          {...register('password')}
        />
        <Button type="submit" variant="primary" className="btn-block" loading={accept.isPending}>
          Create account and join
        </Button>
      </form>
    </AuthLayout>
  );
}
