/**
 * Demand against capacity per market (service type) and province, for
 * operators. Read from the indexes the matcher uses (waiting needs, the
 * market's offerings and their ledger) and the market's matches of the
 * period: a few queries per service type, never a Scan.
 */
import { SERVICE_TYPE_IDS, type ServiceTypeId } from '#domain/catalog.ts';
import type { Match } from '#domain/model.ts';
import type { ProvinceCode } from '#domain/regions.ts';
import type { AppPorts } from '#functions/ports.ts';
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
  /** Capacity claimed in the period. */
  used: number;
  /** Median hours from a need's posting to its match's proposal, over the period's matches; null without matches. */
  medianHoursToMatch: number | null;
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const v = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return Math.round(v * 100) / 100;
};

interface Acc {
  waiting: number;
  proposed: number;
  confirmed: number;
  completed: number;
  capacity: number;
  used: number;
  hours: number[];
}
const emptyAcc = (): Acc => ({ waiting: 0, proposed: 0, confirmed: 0, completed: 0, capacity: 0, used: 0, hours: [] });

function countMatch(acc: Acc, m: Match) {
  if (m.status === 'PROPOSED' || m.status === 'APPROVED') acc.proposed++;
  if (m.status === 'CONFIRMED') acc.confirmed++;
  if (m.status === 'COMPLETED') acc.completed++;
  if (m.status !== 'CANCELLED') acc.hours.push((Date.parse(m.createdAt) - Date.parse(m.needPostedAt)) / 3_600_000);
}

export async function marketAnalytics(store: Store, period: string, only?: ServiceTypeId): Promise<MarketRow[]> {
  const types = only ? [only] : SERVICE_TYPE_IDS;
  const rows: MarketRow[] = [];
  // Markets are independent: a few at a time keeps latency down without flooding the table.
  const perMarket = async (st: ServiceTypeId) => {
    const [waiting, offerings, matches] = await Promise.all([
      store.waitingNeedsOfMarket(st),
      store.offeringsOfMarket(st),
      store.matchesOfMarketInPeriod(st, period),
    ]);
    const ledgers = await store.batchGetCapacities(
      offerings.map((o) => o.id),
      period,
    );
    const total = emptyAcc();
    const byProvince = new Map<ProvinceCode, Acc>();
    const prov = (p: ProvinceCode) => byProvince.get(p) ?? byProvince.set(p, emptyAcc()).get(p)!;
    for (const n of waiting) {
      total.waiting++;
      prov(n.sme.region.province).waiting++;
    }
    for (const m of matches) {
      countMatch(total, m);
      countMatch(prov(m.smeProvince), m);
    }
    for (const o of offerings) {
      const used = ledgers.get(o.id)?.used ?? 0;
      const cap = o.status === 'ACTIVE' ? (ledgers.get(o.id)?.limit ?? o.capacityPerMonth) : 0;
      total.capacity += cap;
      total.used += used;
      // Province rows exist where there is demand; they show the capacity that serves that province.
      for (const p of o.regions) {
        if (!byProvince.has(p)) continue;
        const a = byProvince.get(p)!;
        a.capacity += cap;
        a.used += used;
      }
    }
    const empty = total.waiting + total.proposed + total.confirmed + total.completed + total.capacity + total.used + total.hours.length === 0;
    if (empty) return [];
    const out: MarketRow[] = [toRow(st, undefined, total)];
    for (const [p, a] of [...byProvince].sort(([x], [y]) => x.localeCompare(y))) out.push(toRow(st, p, a));
    return out;
  };
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

function toRow(serviceType: ServiceTypeId, province: ProvinceCode | undefined, a: Acc): MarketRow {
  return {
    serviceType,
    ...(province ? { province } : {}),
    waiting: a.waiting,
    proposed: a.proposed,
    confirmed: a.confirmed,
    completed: a.completed,
    capacity: a.capacity,
    used: a.used,
    medianHoursToMatch: median(a.hours),
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
