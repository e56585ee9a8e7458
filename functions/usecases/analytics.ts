/**
 * Demand against capacity per market (service type) and province, for
 * operators. The match columns (proposed, confirmed, completed, used, the
 * median wait) come from the counters the kpi consumer keeps per period,
 * market and province (usecases/kpis.ts countMarketMove): one Query of the
 * period's counter items, whatever the number of matches. Needs waiting now
 * and the capacity of active offerings are not events of a period: they come
 * from each market's waiting-needs and offerings indexes (their cost grows
 * with waiting needs and offerings, never with matches).
 */
import { marketCounts, type MarketCounts } from '#domain/kpis.ts';
import { SERVICE_TYPE_IDS, type ServiceTypeId } from '#domain/catalog.ts';
import type { ProvinceCode } from '#domain/regions.ts';
import type { AppPorts } from '#functions/ports.ts';
import { scopeAll, scopeMarket } from '../store/kpis.ts';
import type { Store } from '../store/store.ts';
import { periodOf } from './support.ts';

export interface MarketRow {
  serviceType: ServiceTypeId;
  /** Absent on the market's total row. */
  province?: ProvinceCode;
  /** Needs waiting now. */
  waiting: number;
  /** Matches created in the period that are still awaiting review or the parties (PROPOSED or APPROVED). */
  proposed: number;
  confirmed: number;
  completed: number;
  /** Monthly capacity of active offerings (on a province row: of those serving that province in person). */
  capacity: number;
  /** Capacity claimed in the period by the period's matches still holding it (on a province row: those of that province's SMEs). */
  used: number;
  /**
   * Median hours from a need's posting to its match's proposal, over the
   * period's matches but cancelled ones; from a bucketed histogram
   * (domain/kpis.ts medianOf), exact to the bucket's width; null without matches.
   */
  medianHoursToMatch: number | null;
}

interface Acc {
  waiting: number;
  capacity: number;
  counts: MarketCounts;
}
const emptyAcc = (counts: MarketCounts = marketCounts()): Acc => ({ waiting: 0, capacity: 0, counts });

/** The market counter items of a period (of one market, or all), by market and scope (store/kpis.ts scopeMarket). */
async function countersOf(store: Store, period: string, only?: ServiceTypeId): Promise<Map<string, MarketCounts>> {
  const items = await store.kpis.readMarketCounters(period, only);
  return new Map(items.map((i) => [i.sk as string, marketCounts(i)]));
}

export async function marketAnalytics(store: Store, period: string, only?: ServiceTypeId): Promise<MarketRow[]> {
  const types = only ? [only] : SERVICE_TYPE_IDS;
  const counters = await countersOf(store, period, only);
  const rows: MarketRow[] = [];
  const perMarket = async (st: ServiceTypeId) => {
    const [waiting, offerings] = await Promise.all([store.waitingNeedsOfMarket(st), store.offeringsOfMarket(st)]);
    const ledgers = await store.batchGetCapacities(
      offerings.map((o) => o.id),
      period,
    );
    const total = emptyAcc(counters.get(scopeMarket(st)));
    const byProvince = new Map<ProvinceCode, Acc>();
    const prov = (p: ProvinceCode) => byProvince.get(p) ?? byProvince.set(p, emptyAcc()).get(p)!;
    const prefix = scopeMarket(st, '');
    for (const [scope, counts] of counters) {
      if (scope.startsWith(prefix) && scope !== scopeMarket(st, scopeAll)) prov(scope.slice(prefix.length) as ProvinceCode).counts = counts;
    }
    for (const n of waiting) {
      total.waiting++;
      prov(n.sme.region.province).waiting++;
    }
    for (const o of offerings) {
      const cap = o.status === 'ACTIVE' ? (ledgers.get(o.id)?.limit ?? o.capacityPerMonth) : 0;
      total.capacity += cap;
      // Province rows exist where there is demand; they show the capacity that serves that province.
      for (const p of o.regions) {
        const a = byProvince.get(p);
        if (a) a.capacity += cap;
      }
    }
    if (isEmpty(total)) return [];
    const out: MarketRow[] = [toRow(st, undefined, total)];
    for (const [p, a] of [...byProvince].sort(([x], [y]) => x.localeCompare(y))) if (!isEmpty(a)) out.push(toRow(st, p, a));
    return out;
  };
  // Markets are independent: a few at a time keeps latency down without flooding the table.
  const queue = [...types];
  const workers = Array.from({ length: 4 }, async () => {
    for (let st = queue.shift(); st; st = queue.shift()) rows.push(...(await perMarket(st)));
  });
  await Promise.all(workers);
  const order = new Map(SERVICE_TYPE_IDS.map((s, i) => [s, i]));
  return rows.sort(
    (a, b) => order.get(a.serviceType)! - order.get(b.serviceType)! || (a.province ?? '').localeCompare(b.province ?? ''),
  );
}

const isEmpty = (a: Acc) =>
  a.waiting + a.capacity + a.counts.proposed + a.counts.confirmed + a.counts.completed + a.counts.used + a.counts.matched === 0;

function toRow(serviceType: ServiceTypeId, province: ProvinceCode | undefined, a: Acc): MarketRow {
  return {
    serviceType,
    ...(province ? { province } : {}),
    waiting: a.waiting,
    proposed: a.counts.proposed,
    confirmed: a.counts.confirmed,
    completed: a.counts.completed,
    capacity: a.capacity,
    used: a.counts.used,
    medianHoursToMatch: a.counts.medianHoursToMatch,
  };
}

/** The operators' report: every market (or one) in a month, the current one by default. */
export async function marketReport(
  ports: Pick<AppPorts, 'store' | 'clock'>,
  period: string | undefined,
  serviceType: ServiceTypeId | undefined,
): Promise<{ period: string; items: MarketRow[] }> {
  const p = period ?? periodOf(ports.clock.now());
  return { period: p, items: await marketAnalytics(ports.store, p, serviceType) };
}
