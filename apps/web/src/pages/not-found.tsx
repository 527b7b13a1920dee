import { EmptyState } from '../components/feedback';
import { ButtonLink } from '../components/button';
import { AlertIcon } from '../components/icons';

export function NotFoundPage() {
  return (
    <section className="card">
      <EmptyState
        icon={<AlertIcon size={22} />}
        title="Page not found"
        actions={
          <ButtonLink to="/forms" variant="primary">
            Back to Forms
          </ButtonLink>
        }
      >
        <p>The page you asked for does not exist or has moved.</p>
      </EmptyState>
    </section>
  );
}
