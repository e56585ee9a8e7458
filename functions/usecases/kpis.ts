/**
 * The plan's KPIs (api.md "Plan KPIs"): the `kpi` consumer keeps counters per
 * month and province from match events, idempotent by event id
 * (store/kpis.ts); the report reads one counter item. The same consumer
 * keeps the markets report's counters (usecases/analytics.ts) from the moves
 * of matches. The counting rules: domain/kpis.ts.
 */
import { projectOf } from '#domain/catalog.ts';
import {
  completedDeltas,
  feedbackDeltas,
  kpiReport,
  marketDeltas,
  proposedDeltas,
  redeemedDeltas,
  statusBefore,
  type Deltas,
  type KpiReport,
  type MarketMove,
} from '#domain/kpis.ts';
import type { Match } from '#domain/model.ts';
import type { ProvinceCode } from '#domain/regions.ts';
import type { AppEvent, MatchDetail } from '#events/contracts.ts';
import { KPI_EVENTS, MARKET_COUNTER_EVENTS } from '#events/routing.ts';
import { fromEnvelope } from '#events/envelope.ts';
import type { AppPorts, NotifierHandler } from '#functions/ports.ts';
import { scopeAll, scopeMarket, scopeProvince } from '../store/kpis.ts';
import { periodOf } from './support.ts';

type Ports = Pick<AppPorts, 'store' | 'clock' | 'logger'>;

const hoursBetween = (from: string, to: string) => Math.max(0, (Date.parse(to) - Date.parse(from)) / 3_600_000);

/** Adds the same deltas to the all-provinces counter and the SME's province's, each once per event. */
export async function count(ports: Ports, eventId: string, at: string, province: ProvinceCode, deltas: Deltas): Promise<void> {
  const period = periodOf(new Date(at));
  const nowMs = ports.clock.now().getTime();
  await ports.store.kpis.applyOnce(period, scopeAll, eventId, deltas, nowMs);
  await ports.store.kpis.applyOnce(period, scopeProvince(province), eventId, deltas, nowMs);
}

/** One event into the counters (the KPIs' and the markets report's); events of other types, and matches gone missing, count nothing. */
export async function countEvent(ports: Ports, e: AppEvent): Promise<void> {
  const kpi = (KPI_EVENTS as readonly string[]).includes(e.detailType);
  const market = (MARKET_COUNTER_EVENTS as readonly string[]).includes(e.detailType);
  if (!kpi && !market) return;
  const d = e.detail as MatchDetail;
  const m = await ports.store.get('match', d.matchId, true);
  if (!m) return;
  if (market) await countMarketMove(ports, e.id, e.detailType as MarketMove, m);
  if (!kpi) return;
  if (e.detailType === 'MatchProposed') {
    await count(ports, e.id, m.createdAt, m.smeProvince, proposedDeltas(hoursBetween(m.needPostedAt, m.createdAt)));
  } else if (e.detailType === 'FeedbackGiven') {
    if (m.feedback) await count(ports, e.id, m.feedback.at, m.smeProvince, feedbackDeltas(m.feedback.rating));
  } else {
    const period = periodOf(new Date(d.occurredAt));
    const project = projectOf(m.serviceType);
    const [offering, firstForSme, firstForSmeInProject] = await Promise.all([
      ports.store.get('offering', m.offeringId),
      ports.store.kpis.claimServed(period, m.smeId, 'ALL', e.id),
      ports.store.kpis.claimServed(period, m.smeId, project, e.id),
    ]);
    await count(
      ports,
      e.id,
      d.occurredAt,
      m.smeProvince,
      completedDeltas({
        project,
        province: m.smeProvince,
        publicWelfare: offering?.publicWelfare ?? false,
        hoursToComplete: hoursBetween(m.needPostedAt, d.occurredAt),
        firstForSme,
        firstForSmeInProject,
      }),
    );
  }
}

/**
 * One move of a match into its market's counters of the match's month, for
 * all provinces and the SME's, each once per event. The move's origin comes
 * from the match's history, so a repeat computes the same deltas.
 */
export async function countMarketMove(ports: Ports, eventId: string, move: MarketMove, m: Match): Promise<void> {
  const deltas = marketDeltas(move, statusBefore(move, m.history), hoursBetween(m.needPostedAt, m.createdAt));
  // The match's creation month, the period it always counted in (its proposal claims that month's capacity).
  const period = periodOf(new Date(m.createdAt));
  const nowMs = ports.clock.now().getTime();
  await ports.store.kpis.applyOnce(period, scopeMarket(m.serviceType), eventId, deltas, nowMs);
  await ports.store.kpis.applyOnce(period, scopeMarket(m.serviceType, m.smeProvince), eventId, deltas, nowMs);
}

/** A voucher redemption (store/vouchers.ts): counted once per (voucher, match). */
export async function countRedeemed(ports: Ports, voucherId: string, matchId: string, amount: number, at: string, province: ProvinceCode): Promise<void> {
  await count(ports, `redeem:${voucherId}:${matchId}`, at, province, redeemedDeltas(amount));
}

/** The `kpi` consumer: one EventBridge event in, counters out. */
export const kpiHandler =
  (ports: Ports): NotifierHandler =>
  async (event) => {
    await countEvent(ports, fromEnvelope(event));
  };

/** The report of a month (and province): one GetItem, whatever the number of matches. */
export async function kpis(ports: Pick<AppPorts, 'store' | 'clock'>, period: string | undefined, province: ProvinceCode | undefined): Promise<KpiReport> {
  const p = period ?? periodOf(ports.clock.now());
  const counters = await ports.store.kpis.readCounters(p, province ? scopeProvince(province) : scopeAll);
  return kpiReport(p, province, counters);
}
