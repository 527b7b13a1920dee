import type { ReactNode } from 'react';
import { Wordmark } from '../components/logo';
import { useDocumentTitle } from '../lib/use-document-title';
import './auth-layout.css';

/** Centered card for the signed-out pages. */
export function AuthLayout({
  title,
  subtitle,
  children,
  footer,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  useDocumentTitle(typeof title === 'string' ? title : null);
  return (
    <div className="auth-page">
      <main className="auth-column" id="main">
        <div className="auth-brand">
          <Wordmark size={28} />
        </div>
        <div className="auth-card">
          <h1 className="auth-title">{title}</h1>
          {subtitle && <p className="auth-subtitle">{subtitle}</p>}
          {children}
        </div>
        {footer && <div className="auth-footer">{footer}</div>}
      </main>
    </div>
  );
}
