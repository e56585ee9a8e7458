/**
 * Demand against capacity per market (service type) and province, for
 * operators, in two Queries whatever the size of the platform:
 * - the match columns (proposed, confirmed, completed, used, the median
 *   wait) from the counters the kpi consumer keeps per period, market and
 *   province (usecases/kpis.ts): one Query of the period's market counters,
 *   a market's total row being the sum of its provinces';
 * - needs waiting and the capacity of active offerings from each market's
 *   state as its last whole round left it (usecases/matcher.ts marketState):
 *   one Query of one small item per market. Every change that moves them
 *   (a need posted, withdrawn or matched; an offering changed, paused or its
 *   provider suspended) asks for a round, so they are at most a round
 *   behind; `asOf` says when.
 */
import { marketCounts, sumCounters, type MarketCounts } from '#domain/kpis.ts';
import { SERVICE_TYPE_IDS, type ServiceTypeId } from '#domain/catalog.ts';
import type { ProvinceCode } from '#domain/regions.ts';
import type { AppPorts } from '#functions/ports.ts';
import { MARKET_SCOPE_PREFIX } from '../store/kpis.ts';
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

/** The period's market counters, by market, then by province. */
async function countersOf(store: Store, period: string, only?: ServiceTypeId): Promise<Map<string, Map<ProvinceCode, Record<string, unknown>>>> {
  const items = await store.kpis.readCountersByPrefix(period, only ? `${MARKET_SCOPE_PREFIX}${only}#` : MARKET_SCOPE_PREFIX);
  const out = new Map<string, Map<ProvinceCode, Record<string, unknown>>>();
  for (const i of items) {
    // sk: MARKET#<serviceType>#<province>; a service type never contains '#'.
    const [, st, province] = (i.sk as string).split('#');
    if (!st || !province) continue;
    const byProvince = out.get(st) ?? out.set(st, new Map()).get(st)!;
    byProvince.set(province as ProvinceCode, i);
  }
  return out;
}

export async function marketAnalytics(store: Store, period: string, only?: ServiceTypeId): Promise<{ items: MarketRow[]; asOf: string | null }> {
  const types = only ? [only] : SERVICE_TYPE_IDS;
  const [counters, states] = await Promise.all([countersOf(store, period, only), store.readMarketStates(only)]);
  const stateOf = new Map(states.map((st) => [st.serviceType, st]));
  const rows: MarketRow[] = [];
  for (const st of types) {
    const state = stateOf.get(st);
    const byProvince = counters.get(st) ?? new Map<ProvinceCode, Record<string, unknown>>();
    const total: Acc = {
      waiting: Object.values(state?.waiting ?? {}).reduce((a, b) => a + b, 0),
      capacity: state?.capacityTotal ?? 0,
      counts: marketCounts(sumCounters([...byProvince.values()])),
    };
    if (isEmpty(total)) continue;
    rows.push(toRow(st, undefined, total));
    // Province rows exist where there is demand (waiting needs or matches); they show the capacity that serves that province.
    const provinces = new Set<ProvinceCode>([...byProvince.keys(), ...(Object.keys(state?.waiting ?? {}) as ProvinceCode[])]);
    for (const p of [...provinces].sort()) {
      const a: Acc = { waiting: state?.waiting[p] ?? 0, capacity: state?.capacity[p] ?? 0, counts: marketCounts(byProvince.get(p)) };
      if (!isEmpty(a)) rows.push(toRow(st, p, a));
    }
  }
  const asOf = states.length > 0 ? states.map((st) => st.at).sort().at(0)! : null;
  return { items: rows, asOf };
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

/**
 * The operators' report: every market (or one) in a month, the current one
 * by default. `asOf`: the oldest of the markets' last rounds, which the
 * waiting and capacity columns are as of (null before any round).
 */
export async function marketReport(
  ports: Pick<AppPorts, 'store' | 'clock'>,
  period: string | undefined,
  serviceType: ServiceTypeId | undefined,
): Promise<{ period: string; asOf: string | null; items: MarketRow[] }> {
  const p = period ?? periodOf(ports.clock.now());
  const { items, asOf } = await marketAnalytics(ports.store, p, serviceType);
  return { period: p, asOf, items };
}
