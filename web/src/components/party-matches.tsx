/**
 * A party's matches (an SME's or a provider's), newest first, with
 * accept/decline once an operator approved them, then delivery and feedback
 * (components/delivery.tsx): one page, two parties. The party's own side is
 * left out of each card; it is the reader.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/index.ts';
import type { MatchView, Page } from '../api/types.ts';
import { catalog, loadCatalog } from '../catalog.ts';
import { t, type MessageKey } from '../i18n/index.ts';
import { DeliveryActions, DeliveryFacts } from './delivery.tsx';
import { Loaded, StatusMessage } from './feedback.tsx';
import { MatchFacts, matchTitle, PartyActions, StatusBadge, withContext } from './match.tsx';
import { useResource } from './resource.ts';

export interface PartyMatchesProps {
  party: 'sme' | 'provider';
  /** The caller's own profiles (an owner may hold several). */
  loadOwn: () => Promise<readonly { id: string }[]>;
  /** The list path of one profile's matches. */
  matchesPath: (id: string) => string;
  titleKey: MessageKey;
  introKey: MessageKey;
}

export function PartyMatchesPage({ party, loadOwn, matchesPath, titleKey, introKey }: PartyMatchesProps) {
  const data = useResource(async () => {
    const [own] = await Promise.all([loadOwn(), loadCatalog()]);
    const pages = await Promise.all(own.map((p) => api.get<Page<MatchView>>(`${matchesPath(p.id)}?limit=100`)));
    const all = pages.flatMap((p) => p.items).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return withContext(api, party, all);
  }, []);
  const [status, setStatus] = useState<string | null>(null);
  const done = (message: string) => {
    setStatus(message);
    data.reload();
  };
  void catalog.value;

  return (
    <section>
      <h1>{t(titleKey)}</h1>
      <p class="muted">{t(introKey)}</p>
      <StatusMessage message={status} />
      <Loaded resource={data}>
        {(matches) =>
          matches.length === 0 ? (
            <p class="notice">{t('app.empty')}</p>
          ) : (
            <ul class="cards">
              {matches.map((m) => (
                <li key={m.id}>
                  <article class="card" aria-labelledby={`m-${m.id}`}>
                    <header class="card-head">
                      <h2 id={`m-${m.id}`}>{matchTitle(m)}</h2>
                      <StatusBadge status={m.status} />
                    </header>
                    <MatchFacts match={m} show={party === 'sme' ? { sme: false } : { provider: false }} />
                    <DeliveryFacts match={m} party={party} />
                    <PartyActions api={api} match={m} role={party} onDone={done} />
                    <DeliveryActions api={api} match={m} party={party} onDone={done} />
                  </article>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}
