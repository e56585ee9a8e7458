/**
 * The plan's KPIs for a month: headline figures, and three charts each with
 * its figures as a table beside it (the charts' text alternative) — demand
 * against capacity per service type, SMEs served by province (with the
 * central/western share), and the shares the plan watches (central/western,
 * public-welfare, satisfaction).
 */
import { useState } from 'preact/hooks';
import { api } from '../api/index.ts';
import type { KpiReport, MarketRow } from '../api/types.ts';
import { BarChart } from '../components/chart.tsx';
import { DataTable } from '../components/data-table.tsx';
import { Loaded } from '../components/feedback.tsx';
import { useResource } from '../components/resource.ts';
import { catalog, loadCatalog, serviceTypeNames } from '../catalog.ts';
import { formatNumber, formatYuan, pick, t } from '../i18n/index.ts';
import { provinceName } from '../regions.ts';
import { PROVINCES } from '#domain/regions.ts';
import { demandOf, marketTotals, MonthPicker, thisMonth } from '../components/markets.tsx';

const percent = (share: number | null) => (share === null ? t('kpis.noData') : `${formatNumber(share * 100, 1)}%`);
const hours = (h: number | null) => (h === null ? t('kpis.noData') : t('kpis.hours', { hours: formatNumber(h, 1) }));
const isCentralWestern = (code: string) => {
  const g = PROVINCES.find((p) => p.code === code)?.group;
  return g === 'CENTRAL' || g === 'WESTERN';
};

interface Dashboard {
  kpis: KpiReport;
  markets: MarketRow[];
  /** SMEs served per province, for the provinces with a completed match in the month. */
  byProvince: Array<{ province: string; smesServed: number }>;
}

export function KpiDashboardPage() {
  const [period, setPeriod] = useState(thisMonth());
  const dashboard = useResource(async (): Promise<Dashboard> => {
    const q = `period=${encodeURIComponent(period)}`;
    const [kpis, markets] = await Promise.all([
      api.get<KpiReport>(`/v1/analytics/kpis?${q}`),
      api.get<{ items: MarketRow[] }>(`/v1/analytics/markets?${q}`),
      loadCatalog(),
    ]);
    // The KPIs come one province per request; the market rows say which provinces had a completed match, so only those are asked.
    const served = [...new Set(markets.items.filter((r) => r.province !== undefined && r.completed > 0).map((r) => r.province!))];
    const byProvince = await Promise.all(
      served.map(async (province) => ({
        province,
        smesServed: (await api.get<KpiReport>(`/v1/analytics/kpis?${q}&province=${province}`)).smesServed,
      })),
    );
    return {
      kpis,
      markets: marketTotals(markets.items),
      byProvince: byProvince.filter((p) => p.smesServed > 0).sort((a, b) => b.smesServed - a.smesServed),
    };
  }, [period]);
  void catalog.value;

  return (
    <section>
      <h1>{t('kpis.title')}</h1>
      <p class="muted">{t('kpis.intro')}</p>
      <MonthPicker id="kpi-period" value={period} onChange={setPeriod} />
      <Loaded resource={dashboard}>{(d) => <DashboardView {...d} />}</Loaded>
    </section>
  );
}

function DashboardView({ kpis: k, markets, byProvince }: Dashboard) {
  const marketLabels = markets.map((r) => pick(serviceTypeNames(r.serviceType)));
  const provinceLabels = byProvince.map((p) => provinceName(p.province));
  const shares = [
    { key: 'centralWestern', label: t('kpis.centralWesternShare'), value: k.centralWesternShare },
    { key: 'publicWelfare', label: t('kpis.publicWelfareShare'), value: k.publicWelfareShare },
    { key: 'satisfaction', label: t('kpis.satisfaction'), value: k.satisfaction },
  ];
  return (
    <>
      <dl class="kpi-tiles">
        {(
          [
            ['kpis.smesServed', formatNumber(k.smesServed)],
            ['kpis.matchesCompleted', formatNumber(k.matchesCompleted)],
            ['kpis.centralWesternShare', percent(k.centralWesternShare)],
            ['kpis.publicWelfareShare', percent(k.publicWelfareShare)],
            ['kpis.satisfaction', percent(k.satisfaction)],
            ['kpis.voucherRedeemed', formatYuan(k.voucherRedeemed)],
            ['kpis.medianToMatch', hours(k.medianHoursToMatch)],
            ['kpis.medianToComplete', hours(k.medianHoursToComplete)],
          ] as const
        ).map(([key, value]) => (
          <div key={key}>
            <dt>{t(key)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>

      <section class="card" aria-labelledby="kpi-demand">
        <h2 id="kpi-demand">{t('kpis.demandTitle')}</h2>
        {markets.length === 0 ? (
          <p class="notice">{t('markets.empty')}</p>
        ) : (
          <>
            <BarChart
              label={t('markets.chartLabel')}
              labels={marketLabels}
              series={[
                { label: t('markets.demand'), data: markets.map(demandOf), color: '#c2410c' },
                { label: t('markets.capacity'), data: markets.map((r) => r.capacity), color: '#1d4ed8' },
              ]}
            />
            <DataTable
              caption={t('markets.tableCaption')}
              columns={[t('match.serviceType'), t('markets.demand'), t('markets.waiting'), t('markets.capacity')]}
              rows={markets.map((r, i) => ({ key: r.serviceType, head: marketLabels[i], cells: [demandOf(r), r.waiting, r.capacity] }))}
            />
          </>
        )}
      </section>

      <section class="card" aria-labelledby="kpi-provinces">
        <h2 id="kpi-provinces">{t('kpis.provincesTitle')}</h2>
        <p>{t('kpis.centralWesternSummary', { share: percent(k.centralWesternShare), served: k.smesServed })}</p>
        {byProvince.length === 0 ? (
          <p class="notice">{t('kpis.noneServed')}</p>
        ) : (
          <>
            <BarChart
              label={t('kpis.provincesChartLabel')}
              labels={provinceLabels}
              series={[{ label: t('kpis.smesServed'), data: byProvince.map((p) => p.smesServed), color: '#15803d' }]}
            />
            <DataTable
              caption={t('kpis.provincesCaption')}
              columns={[t('sme.region'), t('kpis.smesServed'), t('kpis.centralWestern')]}
              rows={byProvince.map((p, i) => ({
                key: p.province,
                head: provinceLabels[i],
                cells: [p.smesServed, isCentralWestern(p.province) ? t('kpis.yes') : t('kpis.no')],
              }))}
            />
          </>
        )}
      </section>

      <section class="card" aria-labelledby="kpi-shares">
        <h2 id="kpi-shares">{t('kpis.sharesTitle')}</h2>
        <BarChart
          label={t('kpis.sharesChartLabel', { items: shares.map((s) => `${s.label} ${percent(s.value)}`).join('；') })}
          labels={shares.map((s) => s.label)}
          series={[{ label: t('kpis.share'), data: shares.map((s) => (s.value === null ? 0 : Math.round(s.value * 1000) / 10)), color: '#7c3aed' }]}
          max={100}
        />
        <DataTable
          caption={t('kpis.sharesCaption')}
          columns={[t('kpis.indicator'), t('kpis.share')]}
          rows={shares.map((s) => ({ key: s.key, head: s.label, cells: [percent(s.value)] }))}
        />
      </section>
    </>
  );
}
