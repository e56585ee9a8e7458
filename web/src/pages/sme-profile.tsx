/** The SME's own profile(s) and needs with their status. */
import { api } from '../api/index.ts';
import type { NeedView, Page, SmeView } from '../api/types.ts';
import { Loaded } from '../components/feedback.tsx';
import { useResource } from '../components/resource.ts';
import { catalog, loadCatalog, serviceTypeNames } from '../catalog.ts';
import { formatNumber, pick, t } from '../i18n/index.ts';
import { ROUTES } from '../paths.ts';
import { provinceName } from '../regions.ts';
import { followLink } from '../router.ts';

export async function loadOwnSmes(): Promise<SmeView[]> {
  return (await api.get<Page<SmeView>>('/v1/smes?limit=100')).items;
}

export function SmeProfilePage() {
  const data = useResource(async () => {
    const [smes] = await Promise.all([loadOwnSmes(), loadCatalog()]);
    return Promise.all(smes.map(async (sme) => ({ sme, needs: (await api.get<Page<NeedView>>(`/v1/smes/${sme.id}/needs?limit=100`)).items })));
  }, []);
  void catalog.value;

  return (
    <section>
      <h1>{t('sme.title')}</h1>
      <Loaded resource={data}>
        {(list) =>
          list.length === 0 ? (
            <p class="notice">{t('sme.none')}</p>
          ) : (
            list.map(({ sme, needs }) => (
              <article key={sme.id} class="card" aria-labelledby={`sme-${sme.id}`}>
                <h2 id={`sme-${sme.id}`}>{sme.name}</h2>
                <dl class="facts">
                  <dt>{t('sme.industry')}</dt>
                  <dd>{sme.industry}</dd>
                  <dt>{t('sme.region')}</dt>
                  <dd>
                    {provinceName(sme.region.province)}
                    {sme.region.city ? ` ${sme.region.city}` : ''}
                  </dd>
                  <dt>{t('sme.size')}</dt>
                  <dd>{t(`sizeClass.${sme.sizeClass}`)}</dd>
                  <dt>{t('sme.tier')}</dt>
                  <dd>{t(`tier.${sme.tier ?? 'NONE'}`)}</dd>
                </dl>
                <div class="card-head">
                  <h3>{t('sme.needs')}</h3>
                  <a class="button button-primary" href={`${ROUTES.smeNewNeed}`} onClick={followLink}>
                    {t('sme.postNeed')}
                  </a>
                </div>
                {needs.length === 0 ? (
                  <p class="muted">{t('app.empty')}</p>
                ) : (
                  <ul class="needs">
                    {needs.map((n) => (
                      <li key={n.id} class="need">
                        <div class="card-head">
                          <strong>{pick(serviceTypeNames(n.serviceType))}</strong>
                          <span class={`badge badge-need-${n.status.toLowerCase()}`}>{t(`needStatus.${n.status}`)}</span>
                        </div>
                        <p>{n.description}</p>
                        <p class="muted">
                          {t('sme.deadline')} {n.deadline}
                          {n.budgetMax !== undefined && (
                            <>
                              {' '}
                              · {t('sme.budget')} ¥{formatNumber(n.budgetMax)}
                            </>
                          )}
                        </p>
                      </li>
                    ))}
                  </ul>
                )}
              </article>
            ))
          )
        }
      </Loaded>
    </section>
  );
}
