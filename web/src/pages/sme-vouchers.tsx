/**
 * The SME's service vouchers (服务券): what each is worth and for what, how
 * much is held by a match or already paid to a provider, and until when.
 * The list pages like every list (api.md): the first page, then "load more".
 */
import { useState } from 'preact/hooks';
import { api } from '../api/index.ts';
import type { Page, VoucherView } from '../api/types.ts';
import { ErrorNotice, Loaded } from '../components/feedback.tsx';
import { useResource } from '../components/resource.ts';
import { catalog, loadCatalog, serviceTypeNames } from '../catalog.ts';
import { formatYuan, listText, pick, t } from '../i18n/index.ts';
import { ROUTES } from '../paths.ts';
import { provinceName } from '../regions.ts';
import { followLink } from '../router.ts';
import { loadOwnSmes } from './sme-profile.tsx';

const sum = (r: Record<string, number | { amount: number }>) => Object.values(r).reduce<number>((a, x) => a + (typeof x === 'number' ? x : x.amount), 0);

const PAGE_SIZE = 20;
const pageOf = (smeId: string, cursor?: string, limit = PAGE_SIZE) =>
  api.get<Page<VoucherView>>(`/v1/smes/${smeId}/vouchers?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);

/** Every voucher of these SMEs, following the pages (the need form picks from all of them). */
export async function loadVouchers(smeIds: readonly string[]): Promise<VoucherView[]> {
  const all = await Promise.all(
    smeIds.map(async (id) => {
      const out: VoucherView[] = [];
      let cursor: string | undefined;
      do {
        const page = await pageOf(id, cursor, 100);
        out.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return out;
    }),
  );
  return all.flat();
}

/** What is shown of one SME's vouchers: the pages loaded so far and where the next starts. */
interface Shelf {
  smeId: string;
  items: VoucherView[];
  cursor: string | null;
}

export function SmeVouchersPage() {
  const [more, setMore] = useState<{ shelves: Shelf[]; error: unknown } | null>(null);
  const [busy, setBusy] = useState(false);
  const data = useResource(async () => {
    const [smes] = await Promise.all([loadOwnSmes(), loadCatalog()]);
    setMore(null);
    return Promise.all(
      smes.map(async (s): Promise<Shelf> => {
        const page = await pageOf(s.id);
        return { smeId: s.id, items: page.items, cursor: page.nextCursor };
      }),
    );
  }, []);

  /** The next page of every SME that has one (a person with several profiles pages them together). */
  const loadMore = async (shown: Shelf[]) => {
    setBusy(true);
    try {
      const next = await Promise.all(
        shown.map(async (sh) => {
          if (!sh.cursor) return sh;
          const page = await pageOf(sh.smeId, sh.cursor);
          return { smeId: sh.smeId, items: [...sh.items, ...page.items], cursor: page.nextCursor };
        }),
      );
      setMore({ shelves: next, error: null });
    } catch (e) {
      setMore({ shelves: shown, error: e });
    } finally {
      setBusy(false);
    }
  };
  void catalog.value;

  return (
    <section>
      <h1>{t('smeVouchers.title')}</h1>
      <p class="muted">{t('smeVouchers.intro')}</p>
      <Loaded resource={data}>
        {(first) => {
          const shelves = more?.shelves ?? first;
          const vouchers = shelves.flatMap((sh) => sh.items);
          const hasMore = shelves.some((sh) => sh.cursor);
          return vouchers.length === 0 ? (
            <p class="notice">{t('smeVouchers.none')}</p>
          ) : (
            <>
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
                        <dd>{formatYuan(v.faceValue)}</dd>
                        <dt>{t('smeVouchers.balance')}</dt>
                        <dd>{formatYuan(v.balance)}</dd>
                        <dt>{t('smeVouchers.held')}</dt>
                        <dd>{formatYuan(sum(v.holds))}</dd>
                        <dt>{t('smeVouchers.redeemed')}</dt>
                        <dd>{formatYuan(sum(v.redeemed))}</dd>
                        <dt>{t('smeVouchers.serviceTypes')}</dt>
                        <dd>{listText(v.serviceTypes.map((s) => pick(serviceTypeNames(s))))}</dd>
                        <dt>{t('smeVouchers.provinces')}</dt>
                        <dd>{v.provinces.length ? listText(v.provinces.map(provinceName)) : t('smeVouchers.everywhere')}</dd>
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
              {more?.error != null && <ErrorNotice error={more.error} />}
              {hasMore && (
                <div class="row">
                  <button type="button" class="button" disabled={busy} onClick={() => void loadMore(shelves)}>
                    {t('smeVouchers.more')}
                  </button>
                </div>
              )}
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
