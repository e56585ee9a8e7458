/** How errors, progress and outcomes are shown: in the person's language, announced to screen readers. */
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/client.ts';
import { t, type MessageKey } from '../i18n/index.ts';
import type { Resource } from './resource.ts';

/** The contract's error, headline by code in the current language; the server's details (field paths) below it. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  let headline: string;
  let details: string[] = [];
  if (error instanceof ApiError) {
    if (error.status === 0) headline = t('error.network');
    else if (error.code) headline = t(`error.${error.code}` satisfies MessageKey);
    else headline = t('error.unknown', { status: error.status });
    details = error.details.map((d) => t('error.detail', { path: d.path, message: d.message }));
    if (details.length === 0 && error.code === 'CONFLICT') details = [error.message];
  } else {
    headline = t('error.unknown', { status: '?' });
  }
  return (
    <div class="notice notice-error" role="alert">
      <p>
        <strong>{t('error.title')}</strong> {headline}
      </p>
      {details.length > 0 && (
        <ul>
          {details.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" class="button" onClick={onRetry}>
          {t('app.retry')}
        </button>
      )}
    </div>
  );
}

/** A polite live region: outcomes of actions ("Approved: ...") are announced without moving focus. */
export function StatusMessage({ message }: { message: string | null }) {
  return (
    <p class={message ? 'notice notice-ok' : 'visually-hidden'} role="status">
      {message ?? ''}
    </p>
  );
}

/** Renders a resource: a loading line, its error with a retry, or the children for its data. */
export function Loaded<T>({ resource, children }: { resource: Resource<T>; children: (data: T) => ComponentChildren }) {
  if (resource.state === 'loading') return <p class="muted" aria-busy="true">{t('app.loading')}</p>;
  if (resource.state === 'error') return <ErrorNotice error={resource.error} onRetry={resource.reload} />;
  return <>{children(resource.data)}</>;
}
