/**
 * The plan's KPIs (api.md "Plan KPIs") as counters: which counters an event
 * adds to, and how a report is computed from one counter item. Pure.
 *
 * A counter item holds, per period and scope (all provinces, or one): plain
 * counts, per-project counts, and two histograms of hours in fixed buckets,
 * so a median costs no read of any match and the item's size is bounded
 * whatever the number of matches.
 */
import { PROJECT_IDS, type ProjectId } from './catalog.ts';
import { isCentral, isWestern, type ProvinceCode } from './regions.ts';

/** Upper bounds (hours) of the histogram buckets; the last bucket is open. */
export const HOUR_BUCKETS = [1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720, 1440] as const;

export function bucketOf(hours: number): number {
  const i = HOUR_BUCKETS.findIndex((b) => hours <= b);
  return i < 0 ? HOUR_BUCKETS.length : i;
}

/**
 * The median of a bucketed histogram, interpolated linearly within the
 * bucket that holds it (exact to the bucket's width); null when empty. The
 * open last bucket answers its lower bound.
 */
export function medianOf(counts: readonly number[]): number | null {
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return null;
  const half = n / 2;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] ?? 0;
    if (c > 0 && seen + c >= half) {
      const lo = i === 0 ? 0 : HOUR_BUCKETS[i - 1]!;
      if (i >= HOUR_BUCKETS.length) return lo;
      const hi = HOUR_BUCKETS[i]!;
      return Math.round((lo + ((half - seen) / c) * (hi - lo)) * 100) / 100;
    }
    seen += c;
  }
  return null;
}

/** Counter names: the attributes of a counter item. */
export const K = {
  completed: 'completed',
  served: 'served',
  servedCW: 'servedCentralWestern',
  welfare: 'publicWelfare',
  feedback: 'feedback',
  satisfied: 'satisfied',
  voucherRedeemed: 'voucherRedeemed',
  projectCompleted: (p: ProjectId) => `completed_${p}`,
  projectServed: (p: ProjectId) => `served_${p}`,
  toMatch: (bucket: number) => `hoursToMatch_${bucket}`,
  toComplete: (bucket: number) => `hoursToComplete_${bucket}`,
} as const;

export type Deltas = Record<string, number>;

/**
 * Counter items added up: the counters of a larger scope are the sums of its
 * parts' (every counter is a count or a histogram bucket, moved only by ADD).
 * Attributes that are not numbers (keys, the events in flight) are left out.
 */
export function sumCounters(items: ReadonlyArray<Record<string, unknown>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) for (const [k, v] of Object.entries(item)) if (typeof v === 'number') out[k] = (out[k] ?? 0) + v;
  return out;
}

export const isCentralWestern = (p: ProvinceCode) => isCentral(p) || isWestern(p);

/** A match was proposed: the hours its need waited. */
export const proposedDeltas = (hoursToMatch: number): Deltas => ({ [K.toMatch(bucketOf(hoursToMatch))]: 1 });

/** A match was completed; `firstForSme`/`firstForSmeInProject`: the SME was not yet served in the period (and project). */
export function completedDeltas(c: {
  project: ProjectId;
  province: ProvinceCode;
  publicWelfare: boolean;
  hoursToComplete: number;
  firstForSme: boolean;
  firstForSmeInProject: boolean;
}): Deltas {
  const d: Deltas = { [K.completed]: 1, [K.projectCompleted(c.project)]: 1, [K.toComplete(bucketOf(c.hoursToComplete))]: 1 };
  if (c.publicWelfare) d[K.welfare] = 1;
  if (c.firstForSme) {
    d[K.served] = 1;
    if (isCentralWestern(c.province)) d[K.servedCW] = 1;
  }
  if (c.firstForSmeInProject) d[K.projectServed(c.project)] = 1;
  return d;
}

export const feedbackDeltas = (rating: number): Deltas => ({ [K.feedback]: 1, ...(rating >= 4 ? { [K.satisfied]: 1 } : {}) });
export const redeemedDeltas = (amount: number): Deltas => ({ [K.voucherRedeemed]: amount });

export interface KpiReport {
  period: string;
  province?: ProvinceCode;
  smesServed: number;
  matchesCompleted: number;
  byProject: Record<ProjectId, { completed: number; smesServed: number }>;
  /** Share of the SMEs served that are in 中部/西部 provinces; null without any. */
  centralWesternShare: number | null;
  /** Share of completed matches on public-welfare offerings; null without any. */
  publicWelfareShare: number | null;
  /** Share of feedback rated 4 or 5; null without any. */
  satisfaction: number | null;
  medianHoursToMatch: number | null;
  medianHoursToComplete: number | null;
  /** Whole CNY redeemed from vouchers. */
  voucherRedeemed: number;
}

const share = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

/** The report of one counter item (absent: nothing happened in that period and scope). */
export function kpiReport(period: string, province: ProvinceCode | undefined, c: Record<string, unknown> = {}): KpiReport {
  const n = (k: string) => (typeof c[k] === 'number' ? (c[k] as number) : 0);
  const histogram = (f: (b: number) => string) => Array.from({ length: HOUR_BUCKETS.length + 1 }, (_, b) => n(f(b)));
  const byProject = Object.fromEntries(
    PROJECT_IDS.map((p) => [p, { completed: n(K.projectCompleted(p)), smesServed: n(K.projectServed(p)) }]),
  ) as KpiReport['byProject'];
  return {
    period,
    ...(province ? { province } : {}),
    smesServed: n(K.served),
    matchesCompleted: n(K.completed),
    byProject,
    centralWesternShare: share(n(K.servedCW), n(K.served)),
    publicWelfareShare: share(n(K.welfare), n(K.completed)),
    satisfaction: share(n(K.satisfied), n(K.feedback)),
    medianHoursToMatch: medianOf(histogram(K.toMatch)),
    medianHoursToComplete: medianOf(histogram(K.toComplete)),
    voucherRedeemed: n(K.voucherRedeemed),
  };
}

/** The CSV of a report: one row per project and a total row. */
export const KPI_CSV_COLUMNS = ['project', 'completed', 'smesServed', 'centralWesternShare', 'publicWelfareShare', 'satisfaction', 'medianHoursToMatch', 'medianHoursToComplete', 'voucherRedeemed'] as const;
export function kpiCsvRows(r: KpiReport): Array<Array<string | number | null>> {
  return [
    ...PROJECT_IDS.map((p) => [p, r.byProject[p].completed, r.byProject[p].smesServed, null, null, null, null, null, null]),
    ['TOTAL', r.matchesCompleted, r.smesServed, r.centralWesternShare, r.publicWelfareShare, r.satisfaction, r.medianHoursToMatch, r.medianHoursToComplete, r.voucherRedeemed],
  ];
}

// ---------------------------------------------------------------- markets

/**
 * The markets report (api.md "Analytics") as counters per period, market and
 * scope (all provinces, or the SME's): where each of the period's matches
 * stands, the capacity its proposal claimed, and the hours its need waited.
 * A match moves between the report's columns; an event of that move adds -1
 * to the column it leaves and +1 to the one it enters, so the counters add up
 * to the same counts as reading every match, in any order of delivery.
 */
export const MK = {
  proposed: 'proposed',
  confirmed: 'confirmed',
  completed: 'completed',
  used: 'used',
  toMatch: K.toMatch,
} as const;

type MarketColumn = 'proposed' | 'confirmed' | 'completed';

/** The column a match status (or a history entry) counts in: awaiting review or the parties, confirmed, completed, or none (delivered, disputed, ended). */
export function marketColumn(status: string | undefined): MarketColumn | undefined {
  if (status === 'PROPOSED' || status === 'APPROVED' || status === 'SME_ACCEPTED' || status === 'PROVIDER_ACCEPTED') return 'proposed';
  if (status === 'CONFIRMED') return 'confirmed';
  if (status === 'COMPLETED') return 'completed';
  return undefined;
}

/** The match events that move a match between columns, with the status each one moves it to (MatchApproved/Accepted/Disputed move nothing). */
export const MARKET_MOVES = {
  MatchProposed: 'PROPOSED',
  MatchConfirmed: 'CONFIRMED',
  MatchDelivered: 'DELIVERED',
  MatchCompleted: 'COMPLETED',
  MatchRejected: 'REJECTED',
  MatchDeclined: 'DECLINED',
  MatchExpired: 'EXPIRED',
  MatchCancelled: 'CANCELLED',
} as const;
export type MarketMove = keyof typeof MARKET_MOVES;

/**
 * Where each move comes from when the match's history does not say (it
 * always does for matches the lifecycle wrote; a cancellation may also come
 * from a dispute, which the history tells apart).
 */
const USUAL_FROM: Record<MarketMove, string | undefined> = {
  MatchProposed: undefined,
  MatchConfirmed: 'APPROVED',
  MatchDelivered: 'CONFIRMED',
  MatchCompleted: 'DELIVERED',
  MatchRejected: 'PROPOSED',
  MatchDeclined: 'APPROVED',
  MatchExpired: 'PROPOSED',
  MatchCancelled: 'PROPOSED',
};

/** The status a match had before `move`: the history entry before the move's own (a match never enters a status twice). */
export function statusBefore(move: MarketMove, history: ReadonlyArray<{ status: string }>): string | undefined {
  if (move === 'MatchProposed') return undefined;
  const i = history.findIndex((h) => h.status === MARKET_MOVES[move]);
  return i > 0 ? history[i - 1]!.status : USUAL_FROM[move];
}

const RELEASING = new Set<string>(['REJECTED', 'DECLINED', 'EXPIRED', 'CANCELLED']);

/** The deltas of one move of one match; `hoursToMatch`: from its need's posting to its proposal. */
export function marketDeltas(move: MarketMove, from: string | undefined, hoursToMatch: number): Deltas {
  const to = MARKET_MOVES[move];
  const d: Deltas = {};
  const add = (k: string, v: number) => (d[k] = (d[k] ?? 0) + v);
  const out = marketColumn(from);
  const into = marketColumn(to);
  if (out !== into) {
    if (out) add(MK[out], -1);
    if (into) add(MK[into], 1);
  }
  // The proposal claimed a unit of the offering's month; these ends give it back (store/ledger.ts).
  if (move === 'MatchProposed') {
    add(MK.used, 1);
    add(MK.toMatch(bucketOf(hoursToMatch)), 1);
  }
  if (RELEASING.has(to)) add(MK.used, -1);
  // A cancelled match leaves the median (as it did when the report read every match).
  if (to === 'CANCELLED') add(MK.toMatch(bucketOf(hoursToMatch)), -1);
  return d;
}

export interface MarketCounts {
  proposed: number;
  confirmed: number;
  completed: number;
  used: number;
  medianHoursToMatch: number | null;
  /** Matches in the median: a scope with none and no other count is left out of the report. */
  matched: number;
}

/** The counts of one counter item (absent: nothing in that period, market and scope). */
export function marketCounts(c: Record<string, unknown> = {}): MarketCounts {
  const n = (k: string) => (typeof c[k] === 'number' ? (c[k] as number) : 0);
  const hist = Array.from({ length: HOUR_BUCKETS.length + 1 }, (_, b) => n(MK.toMatch(b)));
  return {
    proposed: n(MK.proposed),
    confirmed: n(MK.confirmed),
    completed: n(MK.completed),
    used: n(MK.used),
    medianHoursToMatch: medianOf(hist),
    matched: hist.reduce((a, b) => a + b, 0),
  };
}
