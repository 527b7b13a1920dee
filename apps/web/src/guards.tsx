import { Navigate, Outlet, useLocation, useSearchParams } from 'react-router';
import { useMe } from './lib/queries';
import { loginPathFor, safeNext } from './lib/safe-next';
import { ErrorState, Spinner } from './components/feedback';

function FullPageSpinner() {
  return (
    <div className="full-page-center">
      <Spinner label="Loading Kindling" />
    </div>
  );
}

function FullPageError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <div className="full-page-center">
      <ErrorState error={error} onRetry={onRetry} />
    </div>
  );
}

/** App routes: signed-out visitors go to /login?next=<where they were headed>. */
export function RequireAuth() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <FullPageSpinner />;
  if (me.isError) return <FullPageError error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data)
    return (
      <Navigate to={loginPathFor(location.pathname, location.search, location.hash)} replace />
    );
  return <Outlet />;
}

/** /login and /signup: a signed-in visitor has nothing to do here. */
export function RedirectIfSignedIn() {
  const me = useMe();
  const [params] = useSearchParams();
  if (me.isPending) return <FullPageSpinner />;
  if (me.data) return <Navigate to={safeNext(params.get('next'), '/')} replace />;
  return <Outlet />;
}
