/**
 * Operator holds: who is suspended (SMEs and providers, with the reason and
 * since when), and a search to find a party by name or USCC to suspend with a
 * reason or to reinstate. A suspended SME's needs and a suspended provider's
 * offerings leave matching (the API cancels their open matches).
 */
import { useState } from 'preact/hooks';
import { api } from '../api/index.ts';
import type { OperatorSmeView, Page, ProviderView } from '../api/types.ts';
import { ErrorNotice, Loaded, StatusMessage } from '../components/feedback.tsx';
import { Facts } from '../components/facts.tsx';
import { ReasonAction } from '../components/reason-action.tsx';
import { useResource } from '../components/resource.ts';
import { formatDateTime, listText, t } from '../i18n/index.ts';
import { provinceName } from '../regions.ts';
import { useAction } from '../components/action.ts';

/** A party as this page shows it: SMEs and providers keep their hold in differently named fields. */
interface Party {
  kind: 'smes' | 'providers';
  id: string;
  name: string;
  uscc?: string | undefined;
  /** Province codes: named at render, in the language shown. */
  regions: string[];
  hold: { reason: string; at: string } | null;
}

const fromSme = (s: OperatorSmeView): Party => ({
  kind: 'smes',
  id: s.id,
  name: s.name,
  uscc: s.uscc,
  regions: [s.region.province],
  hold: s.suspension,
});
const fromProvider = (p: ProviderView): Party => ({
  kind: 'providers',
  id: p.id,
  name: p.name,
  uscc: p.uscc,
  regions: p.regions,
  hold: p.suspended ?? null,
});

/** Search results shown at once; a longer list asks for a narrower search. */
const MAX_RESULTS = 20;

export function SuspensionsPage() {
  const parties = useResource(async () => {
    // Operators read every profile; the first 100 of each are searched here (no server-side search or suspended filter yet).
    const [smes, providers] = await Promise.all([
      api.get<Page<OperatorSmeView>>('/v1/smes?limit=100'),
      api.get<Page<ProviderView>>('/v1/providers?limit=100'),
    ]);
    return [...smes.items.map(fromSme), ...providers.items.map(fromProvider)];
  }, []);
  const [changed, setChanged] = useState<Map<string, Party>>(new Map());
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<string | null>(null);

  const onChange = (p: Party, message: string) => {
    setChanged((m) => new Map(m).set(p.id, p));
    setStatus(message);
  };

  return (
    <section class="holds">
      <h1>{t('holds.title')}</h1>
      <p class="muted">{t('holds.intro')}</p>
      <StatusMessage message={status} />
      <Loaded resource={parties}>
        {(loaded) => {
          const all = loaded.map((p) => changed.get(p.id) ?? p);
          const held = all.filter((p) => p.hold);
          const q = query.trim().toLowerCase();
          const found = q ? all.filter((p) => p.name.toLowerCase().includes(q) || p.uscc?.toLowerCase().includes(q) || p.id === q) : [];
          return (
            <>
              <h2 id="held-title">{t('holds.suspended', { count: held.length })}</h2>
              {held.length === 0 ? (
                <p class="notice">{t('holds.none')}</p>
              ) : (
                <ul class="cards" aria-labelledby="held-title">
                  {held.map((p) => (
                    <li key={p.id}>
                      <PartyCard party={p} area="held" onChange={onChange} />
                    </li>
                  ))}
                </ul>
              )}
              <h2>{t('holds.find')}</h2>
              <form class="stack" role="search" onSubmit={(e) => e.preventDefault()}>
                <label for="holds-search">{t('holds.searchLabel')}</label>
                <input id="holds-search" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
              </form>
              {q && found.length === 0 && <p class="notice">{t('holds.noResults')}</p>}
              {found.length > 0 && (
                <ul class="cards results" aria-label={t('holds.results', { count: found.length })}>
                  {found.slice(0, MAX_RESULTS).map((p) => (
                    <li key={p.id}>
                      <PartyCard party={p} area="found" onChange={onChange} />
                    </li>
                  ))}
                </ul>
              )}
              {found.length > MAX_RESULTS && <p class="muted">{t('holds.narrow', { count: found.length - MAX_RESULTS })}</p>}
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

function PartyCard({ party: p, area, onChange }: { party: Party; area: string; onChange: (p: Party, message: string) => void }) {
  const { busy, error, run } = useAction();
  const headingId = `${area}-${p.id}`;

  const act = (action: 'suspend' | 'reinstate', reason?: string) =>
    run(async () => {
      const res = await api.post<OperatorSmeView | ProviderView>(`/v1/${p.kind}/${p.id}/${action}`, reason === undefined ? undefined : { reason });
      const next = p.kind === 'smes' ? fromSme(res as OperatorSmeView) : fromProvider(res as ProviderView);
      onChange(next, t(action === 'suspend' ? 'holds.suspendedOk' : 'holds.reinstatedOk', { name: p.name }));
    });

  return (
    <article class="card" aria-labelledby={headingId}>
      <header class="card-head">
        <h3 id={headingId} class="h3">
          {p.name}
        </h3>
        <span class="row">
          <span class="badge">{t(p.kind === 'smes' ? 'role.sme' : 'role.provider')}</span>
          {p.hold && <span class="badge badge-expired">{t('holds.badge')}</span>}
        </span>
      </header>
      <Facts
        rows={[
          [t('onboarding.uscc'), p.uscc ?? '–'],
          [t('sme.region'), listText(p.regions.map(provinceName))],
          p.hold && [t('holds.reason'), p.hold.reason],
          p.hold && [t('holds.since'), formatDateTime(p.hold.at)],
        ]}
      />
      {error !== null && <ErrorNotice error={error} />}
      <div class="row">
        {p.hold ? (
          <button type="button" class="button button-primary" disabled={busy} onClick={() => void act('reinstate')}>
            {t('holds.reinstate')}
          </button>
        ) : (
          <ReasonAction
            id={`suspend-${area}-${p.id}`}
            label={t('holds.suspend')}
            confirmLabel={t('holds.confirmSuspend')}
            reasonLabel={t('holds.reason')}
            disabled={busy}
            onConfirm={(reason) => act('suspend', reason)}
          />
        )}
      </div>
    </article>
  );
}
