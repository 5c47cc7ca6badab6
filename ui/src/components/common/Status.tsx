import type { ReactNode } from 'react';
import { ApiError } from '../../api/client';

/** Shows an API error with MLflow's error code and message, as the server sent them. */
export function ErrorBanner({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
  return (
    <div className="error-banner" role="alert">
      {text}
    </div>
  );
}

/** An empty state that tells the user what to do next. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <strong>{title}</strong>
      {children}
    </div>
  );
}

export function Loading() {
  return <div className="muted">Loading…</div>;
}
