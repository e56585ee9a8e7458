/**
 * The SME's own profile(s) and needs with their status. The declared tier is
 * shown as declared, next to what a register or an operator verified (the
 * only tier the matcher uses). A person without a profile gets the form.
 */
import { api } from '../api/index.ts';
import type { NeedView, OwnSmeView, Page } from '../api/types.ts';
import { Loaded } from '../components/feedback.tsx';
import { useResource } from '../components/resource.ts';
import { catalog, loadCatalog, serviceTypeNames } from '../catalog.ts';
import { formatNumber, pick, t } from '../i18n/index.ts';
import { ROUTES } from '../paths.ts';
import { provinceName } from '../regions.ts';
import { followLink } from '../router.ts';
import { SmeCreateForm } from './sme-create.tsx';

export async function loadOwnSmes(): Promise<OwnSmeView[]> {
  return (await api.get<Page<OwnSmeView>>('/v1/smes?limit=100')).items;
}

function Verification({ sme }: { sme: OwnSmeView }) {
  const v = sme.tierVerification;
  if (!v.source) return <span class="muted">{t('sme.unverified')}</span>;
  return (
    <>
      <span class="badge badge-approved">{t(`tier.${sme.tier}`)}</span>{' '}
      <span class="muted">
        {t(v.source === 'REGISTER' ? 'sme.byRegister' : 'sme.byOperator')}
        {v.batch && ` · ${v.batch}`}
        {v.validUntil && ` · ${t('sme.validUntil', { date: v.validUntil })}`}
      </span>
    </>
  );
}

export function SmeProfilePage() {
  const data = useResource(async () => {
    const [smes] = await Promise.all([loadOwnSmes(), loadCatalog()]);
    return Promise.all(smes.map(async (sme) => ({ sme, needs: (await api.get<Page<NeedView>>(`/v1/smes/${sme.id}/needs?limit=100`)).items })));
  }, []);
  void catalog.value;
  const declared = (verified: boolean) => <span class="muted"> · {t(verified ? 'sme.verified' : 'sme.declared')}</span>;

  return (
    <section>
      <h1>{t('sme.title')}</h1>
      <Loaded resource={data}>
        {(list) =>
          list.length === 0 ? (
            <>
              <p class="notice">{t('sme.none')}</p>
              <SmeCreateForm onCreated={data.reload} />
            </>
          ) : (
            list.map(({ sme, needs }) => (
              <article key={sme.id} class="card" aria-labelledby={`sme-${sme.id}`}>
                <h2 id={`sme-${sme.id}`}>{sme.name}</h2>
                {sme.suspension && (
                  <p class="notice notice-error">{t('sme.suspended', { reason: sme.suspension.reason })}</p>
                )}
                <dl class="facts">
                  {sme.uscc && (
                    <>
                      <dt>{t('profile.usccShort')}</dt>
                      <dd>{sme.uscc}</dd>
                    </>
                  )}
                  <dt>{t('sme.industry')}</dt>
                  <dd>{sme.industry}</dd>
                  <dt>{t('sme.region')}</dt>
                  <dd>
                    {provinceName(sme.region.province)}
                    {sme.region.city ? ` ${sme.region.city}` : ''}
                  </dd>
                  <dt>{t('sme.size')}</dt>
                  <dd>
                    {t(`sizeClass.${sme.sizeClass}`)}
                    {declared(sme.verified.sizeClass)}
                  </dd>
                  {sme.weakFoundation && (
                    <>
                      <dt>{t('smeNew.weak')}</dt>
                      <dd>
                        {t('sme.yes')}
                        {declared(sme.verified.weakFoundation)}
                      </dd>
                    </>
                  )}
                  <dt>{t('sme.declaredTier')}</dt>
                  <dd>
                    {t(`tier.${sme.declaredTier}`)}
                    <span class="muted"> · {t('sme.declaredNotVerified')}</span>
                  </dd>
                  <dt>{t('sme.verifiedTier')}</dt>
                  <dd>
                    <Verification sme={sme} />
                  </dd>
                  {sme.contact && (
                    <>
                      <dt>{t('profile.contact')}</dt>
                      <dd>{[sme.contact.name, sme.contact.phone, sme.contact.email].filter(Boolean).join(' · ')}</dd>
                    </>
                  )}
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
                          {n.voucherId && <> · {t('sme.paidByVoucher')}</>}
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
