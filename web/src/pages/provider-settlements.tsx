/**
 * The provider's settlements: the service vouchers redeemed to it in a month,
 * each with the match it paid for, and the month's total; the same as CSV
 * for the books. The CSV is fetched with the bearer token (a plain link
 * would carry none) and handed to the browser as a file.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/index.ts';
import type { MatchView, SettlementView } from '../api/types.ts';
import { DataTable } from '../components/data-table.tsx';
import { ErrorNotice, Loaded } from '../components/feedback.tsx';
import { matchTitle } from '../components/match.tsx';
import { useResource } from '../components/resource.ts';
import { catalog, loadCatalog } from '../catalog.ts';
import { formatDateTime, formatYuan, t } from '../i18n/index.ts';
import { loadOwnProviders, thisPeriod } from './provider-offerings.tsx';

const settlementPath = (providerId: string, period: string) => `/v1/providers/${providerId}/settlements?period=${period}`;

export function SettlementsPage() {
  const [period, setPeriod] = useState(thisPeriod());
  const data = useResource(async () => {
    const [providers] = await Promise.all([loadOwnProviders(), loadCatalog()]);
    return Promise.all(
      providers.map(async (provider) => {
        const settlement = await api.get<SettlementView>(settlementPath(provider.id, period));
        // The match each voucher paid for, to name the service and the SME (a provider may read its matches).
        const matches = await Promise.all(settlement.items.map((i) => api.get<MatchView>(`/v1/matches/${i.matchId}`).catch(() => undefined)));
        return { provider, settlement, matches };
      }),
    );
  }, [period]);
  const [error, setError] = useState<unknown>(null);
  void catalog.value;

  const download = async (providerId: string) => {
    setError(null);
    try {
      const blob = await api.blob(settlementPath(providerId, period), 'text/csv');
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `settlement-${providerId}-${period}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section>
      <h1>{t('settlements.title')}</h1>
      <p class="muted">{t('settlements.intro')}</p>
      <div class="row">
        <label for="settlement-period">{t('settlements.period')}</label>
        <input id="settlement-period" type="month" required value={period} onChange={(e) => e.currentTarget.value && setPeriod(e.currentTarget.value)} />
      </div>
      {error !== null && <ErrorNotice error={error} />}
      <Loaded resource={data}>
        {(list) =>
          list.length === 0 ? (
            <p class="notice">{t('provider.none')}</p>
          ) : (
            list.map(({ provider, settlement, matches }) => (
              <article key={provider.id} class="card" aria-labelledby={`s-${provider.id}`}>
                <header class="card-head">
                  <h2 id={`s-${provider.id}`}>{provider.name}</h2>
                  <button type="button" class="button" onClick={() => void download(provider.id)}>
                    {t('settlements.download')}
                  </button>
                </header>
                {settlement.items.length === 0 ? (
                  <p class="muted">{t('settlements.none', { period })}</p>
                ) : (
                  <DataTable
                    caption={t('settlements.caption', { period, total: formatYuan(settlement.total) })}
                    columns={[t('settlements.service'), t('settlements.redeemedAt'), t('match.sme'), t('settlements.voucher'), t('settlements.amount')]}
                    rows={[
                      ...settlement.items.map((i, n) => {
                        const m = matches[n];
                        return {
                          key: `${i.voucherId}:${i.matchId}`,
                          head: m ? matchTitle(m) : i.matchId,
                          cells: [<time dateTime={i.redeemedAt}>{formatDateTime(i.redeemedAt)}</time>, m?.sme?.name ?? '', i.voucherId, formatYuan(i.amount)],
                        };
                      }),
                      { key: 'total', head: t('settlements.total'), cells: ['', '', '', formatYuan(settlement.total)] },
                    ]}
                  />
                )}
              </article>
            ))
          )
        }
      </Loaded>
    </section>
  );
}
