/** Demand against capacity per service type for a month, as a chart and as a table. */
import { useState } from 'preact/hooks';
import { api } from '../api/index.ts';
import type { MarketRow } from '../api/types.ts';
import { BarChart } from '../components/chart.tsx';
import { Loaded } from '../components/feedback.tsx';
import { useResource } from '../components/resource.ts';
import { catalog, loadCatalog, serviceTypeNames } from '../catalog.ts';
import { formatNumber, pick, t } from '../i18n/index.ts';
import { demandOf, marketTotals, MonthPicker, thisMonth } from '../components/markets.tsx';


export function MarketsPage() {
  const [period, setPeriod] = useState(thisMonth());
  const rows = useResource(async () => {
    const [res] = await Promise.all([api.get<{ period: string; items: MarketRow[] }>(`/v1/analytics/markets?period=${encodeURIComponent(period)}`), loadCatalog()]);
    return marketTotals(res.items);
  }, [period]);
  void catalog.value;

  return (
    <section>
      <h1>{t('markets.title')}</h1>
      <p class="muted">{t('markets.intro')}</p>
      <MonthPicker id="period" value={period} onChange={setPeriod} />
      <Loaded resource={rows}>
        {(items) => {
          if (items.length === 0) return <p class="notice">{t('markets.empty')}</p>;
          const labels = items.map((r) => pick(serviceTypeNames(r.serviceType)));
          return (
            <>
              <div class="card">
                <BarChart
                  label={t('markets.chartLabel')}
                  labels={labels}
                  series={[
                    { label: t('markets.demand'), data: items.map(demandOf), color: '#c2410c' },
                    { label: t('markets.used'), data: items.map((r) => r.used), color: '#15803d' },
                    { label: t('markets.capacity'), data: items.map((r) => r.capacity), color: '#1d4ed8' },
                  ]}
                />
              </div>
              <div class="table-wrap" tabIndex={0} role="region" aria-label={t('markets.tableCaption')}>
                <table>
                  <caption>{t('markets.tableCaption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('match.serviceType')}</th>
                      <th scope="col">{t('markets.demand')}</th>
                      <th scope="col">{t('markets.waiting')}</th>
                      <th scope="col">{t('markets.used')}</th>
                      <th scope="col">{t('markets.capacity')}</th>
                      <th scope="col">{t('markets.medianHours')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((r, i) => (
                      <tr key={r.serviceType}>
                        <th scope="row">{labels[i]}</th>
                        <td>{demandOf(r)}</td>
                        <td>{r.waiting}</td>
                        <td>{r.used}</td>
                        <td>{r.capacity}</td>
                        <td>{r.medianHoursToMatch === null ? '–' : formatNumber(r.medianHoursToMatch, 1)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
