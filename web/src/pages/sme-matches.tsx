/** The SME's matches, newest first, with accept/decline once an operator approved them. */
import { useState } from 'preact/hooks';
import { api } from '../api/index.ts';
import type { MatchView, Page } from '../api/types.ts';
import { Loaded, StatusMessage } from '../components/feedback.tsx';
import { MatchFacts, matchTitle, PartyActions, StatusBadge, withContext } from '../components/match.tsx';
import { useResource } from '../components/resource.ts';
import { catalog, loadCatalog } from '../catalog.ts';
import { t } from '../i18n/index.ts';
import { loadOwnSmes } from './sme-profile.tsx';

export function SmeMatchesPage() {
  const data = useResource(async () => {
    const [smes] = await Promise.all([loadOwnSmes(), loadCatalog()]);
    const pages = await Promise.all(smes.map((s) => api.get<Page<MatchView>>(`/v1/smes/${s.id}/matches?limit=100`)));
    const all = pages.flatMap((p) => p.items).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return withContext(api, 'sme', all);
  }, []);
  const [status, setStatus] = useState<string | null>(null);
  void catalog.value;

  return (
    <section>
      <h1>{t('smeMatches.title')}</h1>
      <p class="muted">{t('smeMatches.intro')}</p>
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
                    <MatchFacts match={m} show={{ sme: false }} />
                    <PartyActions
                      api={api}
                      match={m}
                      role="sme"
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
