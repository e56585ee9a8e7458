/**
 * The plan's KPIs (api.md "Plan KPIs"): the `kpi` consumer keeps counters per
 * month and province from match events, idempotent by event id
 * (store/kpis.ts). The same consumer keeps the markets report's counters
 * (usecases/analytics.ts) per month, market and province from the moves of
 * matches. An event writes only the counters of its own province (one for a
 * proposal, two for a completion): a report adds the provinces up, reading at
 * most one item per province (and per market and province for the hours to
 * a match, which the markets' counters already keep). The counting rules:
 * domain/kpis.ts.
 */
import { projectOf } from '#domain/catalog.ts';
import {
  completedDeltas,
  feedbackDeltas,
  kpiReport,
  marketDeltas,
  redeemedDeltas,
  statusBefore,
  sumCounters,
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
import { MARKET_SCOPE_PREFIX, PROVINCE_SCOPE_PREFIX, scopeMarket, scopeProvince, type CounterMove } from '../store/kpis.ts';
import { periodOf } from './support.ts';

type Ports = Pick<AppPorts, 'store' | 'clock' | 'logger'>;

const hoursBetween = (from: string, to: string) => Math.max(0, (Date.parse(to) - Date.parse(from)) / 3_600_000);

/** The KPI counter of the SME's province in the period of `at`. */
const kpiMove = (at: string, province: ProvinceCode, deltas: Deltas): CounterMove => ({ period: periodOf(new Date(at)), scope: scopeProvince(province), deltas });

/**
 * The market counter a move of a match changes: its market and SME's
 * province, in the match's creation month (the period it always counted in:
 * its proposal claims that month's capacity). The move's origin comes from
 * the match's history, so a repeat computes the same deltas.
 */
function marketMove(move: MarketMove, m: Match): CounterMove {
  return {
    period: periodOf(new Date(m.createdAt)),
    scope: scopeMarket(m.serviceType, m.smeProvince),
    deltas: marketDeltas(move, statusBefore(move, m.history), hoursBetween(m.needPostedAt, m.createdAt)),
  };
}

/** One event into the counters (the KPIs' and the markets report's), all of them once; events of other types, and matches gone missing, count nothing. */
export async function countEvent(ports: Ports, e: AppEvent): Promise<void> {
  const kpi = (KPI_EVENTS as readonly string[]).includes(e.detailType);
  const market = (MARKET_COUNTER_EVENTS as readonly string[]).includes(e.detailType);
  if (!kpi && !market) return;
  const d = e.detail as MatchDetail;
  const m = await ports.store.get('match', d.matchId, true);
  if (!m) return;
  const moves: CounterMove[] = market ? [marketMove(e.detailType as MarketMove, m)] : [];
  // A proposal's KPI (the hours to a match) is read from the market counters: nothing more to write.
  if (e.detailType === 'FeedbackGiven') {
    if (m.feedback) moves.push(kpiMove(m.feedback.at, m.smeProvince, feedbackDeltas(m.feedback.rating)));
  } else if (e.detailType === 'MatchCompleted') {
    const period = periodOf(new Date(d.occurredAt));
    const project = projectOf(m.serviceType);
    const [offering, firstForSme, firstForSmeInProject] = await Promise.all([
      ports.store.get('offering', m.offeringId),
      ports.store.kpis.claimServed(period, m.smeId, 'ALL', e.id),
      ports.store.kpis.claimServed(period, m.smeId, project, e.id),
    ]);
    moves.push(
      kpiMove(
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
      ),
    );
  }
  await ports.store.kpis.applyOnce(e.id, moves, ports.clock.now().getTime());
}

/** A voucher redemption (store/vouchers.ts): counted once per (voucher, match). */
export async function countRedeemed(ports: Ports, voucherId: string, matchId: string, amount: number, at: string, province: ProvinceCode): Promise<void> {
  await ports.store.kpis.applyOnce(`redeem:${voucherId}:${matchId}`, [kpiMove(at, province, redeemedDeltas(amount))], ports.clock.now().getTime());
}

/** The `kpi` consumer: one EventBridge event in, counters out. */
export const kpiHandler =
  (ports: Ports): NotifierHandler =>
  async (event) => {
    await countEvent(ports, fromEnvelope(event));
  };

/**
 * The report of a month (and province): the provinces' KPI counters and the
 * markets' (for the hours to a match), two Queries of at most one item per
 * province and per market and province, whatever the number of matches.
 */
export async function kpis(ports: Pick<AppPorts, 'store' | 'clock'>, period: string | undefined, province: ProvinceCode | undefined): Promise<KpiReport> {
  const p = period ?? periodOf(ports.clock.now());
  const [provinces, markets] = await Promise.all([
    province ? ports.store.kpis.readCounters(p, scopeProvince(province)).then((i) => (i ? [i] : [])) : ports.store.kpis.readCountersByPrefix(p, PROVINCE_SCOPE_PREFIX),
    ports.store.kpis.readCountersByPrefix(p, MARKET_SCOPE_PREFIX),
  ]);
  const ofProvince = province ? markets.filter((i) => (i.sk as string).endsWith(`#${province}`)) : markets;
  const toMatch = Object.fromEntries(Object.entries(sumCounters(ofProvince)).filter(([k]) => k.startsWith('hoursToMatch_')));
  return kpiReport(p, province, { ...sumCounters(provinces), ...toMatch });
}
