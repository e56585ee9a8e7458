/** The caller's notifications, newest first; each can be marked read. */
import { useState } from 'preact/hooks';
import { api } from '../api/index.ts';
import type { NotificationView, Page } from '../api/types.ts';
import { ErrorNotice, Loaded } from '../components/feedback.tsx';
import { useResource } from '../components/resource.ts';
import { formatDateTime, lang, t, type MessageKey } from '../i18n/index.ts';

const KNOWN_TYPES = new Set(['MATCH_APPROVED', 'MATCH_CONFIRMED', 'MATCH_REJECTED', 'MATCH_DECLINED', 'MATCH_EXPIRED', 'MATCH_COMPLETED']);

/** The API writes title and body in the language asked for; an item without them is named by its type. */
const titleOf = (n: NotificationView) => n.title ?? t(KNOWN_TYPES.has(n.type) ? (`inbox.type.${n.type}` as MessageKey) : 'inbox.type.other');

export function InboxPage() {
  // Ask in the console's language (not the browser's Accept-Language), and again when it changes.
  const language = lang.value;
  const data = useResource(() => api.get<Page<NotificationView>>(`/v1/inbox?limit=50&lang=${language}`), [language]);
  const [read, setRead] = useState<Set<string>>(new Set());
  const [error, setError] = useState<unknown>(null);

  const markRead = async (id: string) => {
    setError(null);
    try {
      await api.post(`/v1/inbox/${id}/read`);
      setRead((r) => new Set(r).add(id));
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section>
      <h1>{t('inbox.title')}</h1>
      {error !== null && <ErrorNotice error={error} />}
      <Loaded resource={data}>
        {(page) =>
          page.items.length === 0 ? (
            <p class="notice">{t('app.empty')}</p>
          ) : (
            <ul class="cards">
              {page.items.map((n) => {
                const isRead = n.read || read.has(n.id);
                return (
                  <li key={n.id} class={`card inbox-item${isRead ? '' : ' unread'}`}>
                    <div class="card-head">
                      <h2 class="h3">{titleOf(n)}</h2>
                      {!isRead && <span class="badge badge-unread">{t('inbox.unread')}</span>}
                    </div>
                    {n.body && <p>{n.body}</p>}
                    <p class="muted">
                      <time dateTime={n.at}>{formatDateTime(n.at)}</time>
                    </p>
                    {!isRead && (
                      <button type="button" class="button" onClick={() => void markRead(n.id)}>
                        {t('inbox.markRead')}
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}
