/**
 * The SME's service vouchers (服务券): what each is worth and for what, how
 * much is held by a match or already paid to a provider, and until when.
 */
import { api } from '../api/index.ts';
import type { Page, VoucherView } from '../api/types.ts';
import { Loaded } from '../components/feedback.tsx';
import { useResource } from '../components/resource.ts';
import { catalog, loadCatalog, serviceTypeNames } from '../catalog.ts';
import { formatNumber, pick, t } from '../i18n/index.ts';
import { ROUTES } from '../paths.ts';
import { provinceName } from '../regions.ts';
import { followLink } from '../router.ts';
import { loadOwnSmes } from './sme-profile.tsx';

export const yuan = (n: number) => `¥${formatNumber(n)}`;
const sum = (r: Record<string, number | { amount: number }>) => Object.values(r).reduce<number>((a, x) => a + (typeof x === 'number' ? x : x.amount), 0);

export async function loadVouchers(smeIds: readonly string[]): Promise<VoucherView[]> {
  // No ?limit: this route takes no query (it answers its default page of 20; an SME holds one voucher per programme).
  const pages = await Promise.all(smeIds.map((id) => api.get<Page<VoucherView>>(`/v1/smes/${id}/vouchers`)));
  return pages.flatMap((p) => p.items);
}

export function SmeVouchersPage() {
  const data = useResource(async () => {
    const [smes] = await Promise.all([loadOwnSmes(), loadCatalog()]);
    return loadVouchers(smes.map((s) => s.id));
  }, []);
  void catalog.value;

  return (
    <section>
      <h1>{t('smeVouchers.title')}</h1>
      <p class="muted">{t('smeVouchers.intro')}</p>
      <Loaded resource={data}>
        {(vouchers) =>
          vouchers.length === 0 ? (
            <p class="notice">{t('smeVouchers.none')}</p>
          ) : (
            <ul class="cards">
              {vouchers.map((v) => (
                <li key={v.id}>
                  <article class="card" aria-labelledby={`v-${v.id}`}>
                    <header class="card-head">
                      <h2 id={`v-${v.id}`}>{v.programmeName}</h2>
                      <span class={`badge badge-voucher-${v.status.toLowerCase()}`}>{t(`voucherStatus.${v.status}`)}</span>
                    </header>
                    <dl class="facts">
                      <dt>{t('smeVouchers.faceValue')}</dt>
                      <dd>{yuan(v.faceValue)}</dd>
                      <dt>{t('smeVouchers.balance')}</dt>
                      <dd>{yuan(v.balance)}</dd>
                      <dt>{t('smeVouchers.held')}</dt>
                      <dd>{yuan(sum(v.holds))}</dd>
                      <dt>{t('smeVouchers.redeemed')}</dt>
                      <dd>{yuan(sum(v.redeemed))}</dd>
                      <dt>{t('smeVouchers.serviceTypes')}</dt>
                      <dd>{v.serviceTypes.map((s) => pick(serviceTypeNames(s))).join('、')}</dd>
                      <dt>{t('smeVouchers.provinces')}</dt>
                      <dd>{v.provinces.length ? v.provinces.map(provinceName).join('、') : t('smeVouchers.everywhere')}</dd>
                      <dt>{t('smeVouchers.validUntil')}</dt>
                      <dd>{v.validUntil}</dd>
                    </dl>
                    {v.status === 'ISSUED' && (
                      <a class="button" href={ROUTES.smeNewNeed} onClick={followLink}>
                        {t('smeVouchers.use')}
                      </a>
                    )}
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
