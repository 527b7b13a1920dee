import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { acceptInviteSchema, passwordSchema } from '@kindling/shared';
import type { InviteLookup, Me } from '@kindling/shared';
import { z } from 'zod';
import { api, ApiError } from '../api';
import { AuthLayout } from '../layouts/auth-layout';
import { TextField } from '../components/field';
import { Button } from '../components/button';
import { Alert } from '../components/feedback';
import { AuthChecking, AuthDeadEnd, AuthForm, NEW_PASSWORD, withNext } from '../layouts/auth-form';
import { useToast } from '../components/toast';
import { useServerForm } from '../lib/form';
import { meKey, useMe } from '../lib/queries';
import { ROLE_LABEL } from '../lib/roles';
import { relativeTime } from '../lib/format';
import './accept-invite.css';

/** The shared schema with the fields a new account needs made required. */
const newAccountSchema = acceptInviteSchema.extend({
  name: z.string().trim().min(1, 'Enter your name').max(100),
  password: passwordSchema,
});

export function AcceptInvitePage() {
  const { token = '' } = useParams();
  const me = useMe();
  const lookup = useQuery({
    queryKey: ['invite-lookup', token],
    queryFn: () => api.get<InviteLookup>(`/api/invites/lookup?token=${encodeURIComponent(token)}`),
    retry: false,
  });

  if (lookup.isPending || me.isPending) return <AuthChecking title="Checking your invite…" />;

  if (lookup.isError || !lookup.data) {
    // 404: not a link we made; 410: revoked, used or expired, and the server says which.
    const known =
      lookup.error instanceof ApiError &&
      (lookup.error.status === 404 || lookup.error.status === 410);
    return (
      <AuthDeadEnd
        title={known ? 'This invite link no longer works' : 'We could not check this invite'}
        subtitle={lookup.error?.message}
        to={me.data ? '/' : '/login'}
        action={me.data ? 'Go to your workspace' : 'Log in'}
        testId="invite-closed"
      />
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
    void navigate('/overview', { replace: true });
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
  const server = useServerForm({
    schema: newAccountSchema,
    defaultValues: { token, name: '', password: '' },
    fields: ['name', 'password'],
    submit: (body) => api.post<Me>('/api/auth/accept-invite', body),
    onSuccess: useOnJoined(),
  });
  const { form, errors } = server;

  return (
    <AuthLayout
      title={`Join ${invite.workspaceName}`}
      subtitle="Create your account to accept the invite."
      footer={
        <>
          Already have a Kindling account?{' '}
          <Link to={withNext('/login', `/invite/${encodeURIComponent(token)}`)}>
            Log in to accept
          </Link>
        </>
      }
    >
      <AuthForm server={server} submitLabel="Create account and join" intro={intro}>
        {errors.token && (
          <Alert>This invite link is malformed. Copy the whole link and try again.</Alert>
        )}
        <TextField
          label="Your name"
          autoComplete="name"
          autoFocus
          error={errors.name?.message}
          {...form.register('name')}
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
          {...NEW_PASSWORD}
          error={errors.password?.message}
          {...form.register('password')}
        />
      </AuthForm>
    </AuthLayout>
  );
}
