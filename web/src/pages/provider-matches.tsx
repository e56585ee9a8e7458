/** The provider's matches, newest first, with accept/decline once an operator approved them. */
import { useState } from 'preact/hooks';
import { api } from '../api/index.ts';
import type { MatchView, Page } from '../api/types.ts';
import { Loaded, StatusMessage } from '../components/feedback.tsx';
import { MatchFacts, matchTitle, PartyActions, StatusBadge, withContext } from '../components/match.tsx';
import { useResource } from '../components/resource.ts';
import { catalog, loadCatalog } from '../catalog.ts';
import { t } from '../i18n/index.ts';
import { loadOwnProviders } from './provider-offerings.tsx';

export function ProviderMatchesPage() {
  const data = useResource(async () => {
    const [providers] = await Promise.all([loadOwnProviders(), loadCatalog()]);
    const pages = await Promise.all(providers.map((p) => api.get<Page<MatchView>>(`/v1/providers/${p.id}/matches?limit=100`)));
    const all = pages.flatMap((p) => p.items).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return withContext(api, 'provider', all);
  }, []);
  const [status, setStatus] = useState<string | null>(null);
  void catalog.value;

  return (
    <section>
      <h1>{t('providerMatches.title')}</h1>
      <p class="muted">{t('providerMatches.intro')}</p>
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
                    <MatchFacts match={m} show={{ provider: false }} />
                    <PartyActions
                      api={api}
                      match={m}
                      role="provider"
                      onDone={(message) => {
                        setStatus(message);
                        data.reload();
                      }}
                    />
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
