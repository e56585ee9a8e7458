/**
 * The provider's organisation(s) and offerings: this month's capacity as a
 * gauge, pause/resume, a new monthly capacity, and a new offering
 * (components/offering-form.tsx; open at once for an organisation without one).
 */
import { useState } from 'preact/hooks';
import { api } from '../api/index.ts';
import type { CapacityView, OfferingView, Page, ProviderView } from '../api/types.ts';
import { ErrorNotice, Loaded, StatusMessage } from '../components/feedback.tsx';
import { OfferingCreateForm } from '../components/offering-form.tsx';
import { useResource } from '../components/resource.ts';
import { catalog, loadCatalog, providerKindNames, serviceTypeNames } from '../catalog.ts';
import { formatNumber, listText, pick, t } from '../i18n/index.ts';
import { ROUTES } from '../paths.ts';
import { provinceName } from '../regions.ts';
import { followLink } from '../router.ts';
import { useAction } from '../components/action.ts';

export const thisPeriod = () => new Date().toISOString().slice(0, 7);

export async function loadOwnProviders(): Promise<ProviderView[]> {
  return (await api.get<Page<ProviderView>>('/v1/providers?limit=100')).items;
}

export function OfferingsPage() {
  const data = useResource(async () => {
    const [providers] = await Promise.all([loadOwnProviders(), loadCatalog()]);
    return Promise.all(
      providers.map(async (provider) => ({
        provider,
        offerings: (await api.get<Page<OfferingView>>(`/v1/providers/${provider.id}/offerings?limit=100`)).items,
      })),
    );
  }, []);
  const [status, setStatus] = useState<string | null>(null);
  /** The provider whose new-offering form is open (one without offerings always shows it). */
  const [adding, setAdding] = useState<string | null>(null);
  void catalog.value;

  return (
    <section>
      <h1>{t('provider.title')}</h1>
      <StatusMessage message={status} />
      <Loaded resource={data}>
        {(list) =>
          list.length === 0 ? (
            <p class="notice">
              {t('provider.none')}{' '}
              <a href={ROUTES.providerProfile} onClick={followLink}>
                {t('providerNew.title')}
              </a>
            </p>
          ) : (
            list.map(({ provider, offerings }) => (
              <article key={provider.id} class="card" aria-labelledby={`p-${provider.id}`}>
                <h2 id={`p-${provider.id}`}>{provider.name}</h2>
                {provider.status === 'PENDING' && <p class="notice">{t('providerProfile.pending')}</p>}
                <dl class="facts">
                  <dt>{t('provider.kind')}</dt>
                  <dd>{pick(providerKindNames(provider.kind))}</dd>
                  <dt>{t('provider.regions')}</dt>
                  <dd>{listText(provider.regions.map(provinceName))}</dd>
                  <dt>{t('provider.rating')}</dt>
                  <dd>{provider.rating === null ? t('provider.noRating') : `${formatNumber(provider.rating, 1)} / 5 (${provider.ratingCount})`}</dd>
                </dl>
                <div class="card-head">
                  <h3>{t('provider.offerings')}</h3>
                  {offerings.length > 0 && adding !== provider.id && (
                    <button type="button" class="button button-primary" onClick={() => setAdding(provider.id)}>
                      {t('offeringNew.open')}
                    </button>
                  )}
                </div>
                {offerings.length === 0 && <p class="muted">{t('offeringNew.none')}</p>}
                {(offerings.length === 0 || adding === provider.id) && (
                  <OfferingCreateForm
                    provider={provider}
                    onCreated={(o) => {
                      setAdding(null);
                      setStatus(t('offeringNew.created', { title: o.title }));
                      data.reload();
                    }}
                    {...(offerings.length > 0 ? { onCancel: () => setAdding(null) } : {})}
                  />
                )}
                <ul class="cards">
                  {offerings.map((o) => (
                    <li key={o.id}>
                      <OfferingCard offering={o} onSaved={setStatus} />
                    </li>
                  ))}
                </ul>
              </article>
            ))
          )
        }
      </Loaded>
    </section>
  );
}

function OfferingCard({ offering: initial, onSaved }: { offering: OfferingView; onSaved: (message: string) => void }) {
  const [offering, setOffering] = useState(initial);
  const period = thisPeriod();
  const capacity = useResource(() => api.get<CapacityView>(`/v1/offerings/${offering.id}/capacity?period=${period}`), [offering.id, offering.capacityPerMonth]);
  const [draft, setDraft] = useState(String(initial.capacityPerMonth));
  const { busy, error, run } = useAction();
  const headingId = `o-${offering.id}`;
  const inputId = `cap-${offering.id}`;

  const patch = (body: { capacityPerMonth?: number; status?: 'ACTIVE' | 'PAUSED' }) =>
    run(async () => {
      const updated = await api.patch<OfferingView>(`/v1/offerings/${offering.id}`, body);
      setOffering(updated);
      setDraft(String(updated.capacityPerMonth));
      onSaved(t('offering.saved', { title: updated.title }));
    });

  return (
    <section class="offering" aria-labelledby={headingId}>
      <div class="card-head">
        <h4 id={headingId}>{offering.title}</h4>
        <span class={`badge badge-offering-${offering.status.toLowerCase()}`}>{t(`offeringStatus.${offering.status}`)}</span>
      </div>
      <p class="muted">
        {pick(serviceTypeNames(offering.serviceType))}
        {offering.publicWelfare && <> · {t('offering.publicWelfare')}</>}
        {offering.remote && <> · {t('offering.remote')}</>}
        {offering.priceMin !== undefined && (
          <> · {t('offering.price', { min: formatNumber(offering.priceMin), max: formatNumber(offering.priceMax ?? offering.priceMin) })}</>
        )}
      </p>
      <Loaded resource={capacity}>
        {(c) => (
          <div class="gauge">
            <span id={`${inputId}-label`}>{t('offering.capacity')}</span>
            <meter
              min={0}
              max={Math.max(c.limit, 1)}
              value={c.used}
              high={Math.max(c.limit, 1) * 0.8}
              optimum={0}
              aria-labelledby={`${inputId}-label`}
              aria-describedby={`${inputId}-text`}
            />
            <span id={`${inputId}-text`}>{t('offering.capacityText', { period: c.period, used: c.used, limit: c.limit })}</span>
          </div>
        )}
      </Loaded>
      {error !== null && <ErrorNotice error={error} />}
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          void patch({ capacityPerMonth: Number(draft) });
        }}
      >
        <label for={inputId}>{t('offering.perMonth')}</label>
        <input id={inputId} class="narrow" type="number" inputMode="numeric" min={0} max={100000} step={1} required value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
        <button type="submit" class="button" disabled={busy || draft === String(offering.capacityPerMonth)}>
          {t('offering.saveCapacity')}
        </button>
        <button type="button" class="button" disabled={busy} onClick={() => void patch({ status: offering.status === 'ACTIVE' ? 'PAUSED' : 'ACTIVE' })}>
          {offering.status === 'ACTIVE' ? t('offering.pause') : t('offering.resume')}
        </button>
      </form>
    </section>
  );
}
