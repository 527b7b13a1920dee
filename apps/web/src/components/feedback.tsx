import type { ReactNode } from 'react';
import { ApiError } from '../api';
import { AlertIcon, InfoIcon } from './icons';
import { Button } from './button';

export function Alert({
  tone = 'danger',
  title,
  children,
  id,
}: {
  tone?: 'danger' | 'warning' | 'info' | 'success';
  title?: ReactNode;
  children?: ReactNode;
  id?: string;
}) {
  const Icon = tone === 'info' || tone === 'success' ? InfoIcon : AlertIcon;
  return (
    <div className={`alert alert-${tone}`} role={tone === 'danger' ? 'alert' : 'status'} id={id}>
      <Icon size={16} className="alert-icon" />
      <div className="alert-body">
        {title && <p className="alert-title">{title}</p>}
        {children && <div className="alert-text">{children}</div>}
      </div>
    </div>
  );
}

export function Spinner({ label = 'Loading' }: { label?: string }) {
  return (
    <span className="spinner-block" role="status">
      <span className="spinner" aria-hidden="true" />
      <span className="visually-hidden">{label}</span>
    </span>
  );
}

export function LoadingRows({ rows = 3, label = 'Loading' }: { rows?: number; label?: string }) {
  return (
    <div className="skeleton-list" role="status" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton-row">
          <span className="skeleton skeleton-circle" />
          <span className="skeleton" style={{ width: `${40 + ((i * 17) % 30)}%` }} />
          <span className="skeleton skeleton-short" />
        </div>
      ))}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message =
    error instanceof ApiError && error.status === 403
      ? 'You do not have access to this. Ask a workspace admin or owner.'
      : error instanceof Error
        ? error.message
        : 'Something went wrong.';
  return (
    <div className="error-state" role="alert">
      <AlertIcon size={20} />
      <p>{message}</p>
      {onRetry && (
        <Button size="sm" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}

export function EmptyState({
  icon,
  title,
  children,
  actions,
  testId,
  compact = false,
}: {
  icon: ReactNode;
  title: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
  testId?: string;
  compact?: boolean;
}) {
  return (
    <div className={`empty-state${compact ? ' empty-state-compact' : ''}`} data-testid={testId}>
      <div className="empty-state-icon">{icon}</div>
      <h2 className="empty-state-title">{title}</h2>
      {children && <div className="empty-state-text">{children}</div>}
      {actions && <div className="empty-state-actions">{actions}</div>}
    </div>
  );
}
