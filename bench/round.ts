/**
 * A market round's own work at scale, in memory (issue 11: "a round ...
 * always finishes within its Lambda timeout"): the pairs it weighs, the
 * solve, why each need it leaves waiting waits, and the breakdown of each
 * match it proposes, for a full window of needs (MATCHER_MAX_NEEDS, 5,000)
 * against a national market of 500 and of 2,000 offerings. The store's
 * reads and writes are the end-to-end part's; this is what the matcher's
 * CPU and memory must hold, whatever the store.
 *
 * Beside it, on the same market: the way rounds paired needs before (every
 * need against every offering, each pair's breakdown kept until the
 * proposals were written), and the whole round as the matcher runs it
 * against dynalite, reads and writes included (measureRoundWithStore).
 *
 *   npx tsx bench/round.ts
 */
import { fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serviceTypeEntry } from '#domain/catalog.ts';
import type { Need, Offering, ScoreBreakdown, SizeClass, Tier } from '#domain/model.ts';
import { PROVINCE_CODES } from '#domain/regions.ts';
import { planRound } from '#domain/round.ts';
import { checkEligibility, scorePair, type OfferingCandidate } from '#domain/scoring.ts';
import { runMarketRound } from '#functions/usecases/matcher.ts';
import { prng } from './solver.ts';
import { benchTable } from './table.ts';

export interface RoundBenchRow {
  needs: number;
  offerings: number;
  /** Pairs that passed eligibility with a positive weight. */
  edges: number;
  /** planRound: pairs, soft caps and the solve. */
  planMs: number;
  solveMs: number;
  /** Why each need left waiting waits (every offering of the market, per need). */
  waitingMs: number;
  waiting: number;
  /** The breakdowns stored with the proposals. */
  breakdownMs: number;
  proposed: number;
  totalMs: number;
  /** Peak resident memory of the process that ran it (market and code included), MB. */
  peakMb: number;
  /** The same market paired as before (every need against every offering, each pair's breakdown kept), in its own process. */
  allPairsMs: number;
  allPairsPeakMb: number;
  /** The whole round against dynalite (measureRoundWithStore), in its own process. */
  withStore: StoreRoundRow;
}

const SERVICE_TYPE = 'energy-audit' as const;
const SELF = fileURLToPath(import.meta.url);
/** A full window (MATCHER_MAX_NEEDS' default) against a regional-size and a national-size market. */
export const SIZES: ReadonlyArray<readonly [needs: number, offerings: number]> = [
  [5_000, 500],
  [5_000, 2_000],
];
const NOW = new Date('2026-11-02T00:00:00.000Z');

/**
 * A national market: needs from SMEs in every province (half accept remote
 * service, a third with a budget), offerings each in one to three provinces
 * (one in five also remote, three in ten free, one in ten for micro and
 * small firms only), 1–2 units a month each (fewer units than needs, the
 * plan's case: many needs wait, and each is told why), four offerings a
 * provider.
 */
export function generateRound(nNeeds: number, nOfferings: number, seed = 7): { needs: Need[]; all: OfferingCandidate[] } {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const sizes: readonly SizeClass[] = ['MICRO', 'MICRO', 'SMALL', 'SMALL', 'MEDIUM'];
  const tiers: readonly Tier[] = ['NONE', 'NONE', 'NONE', 'INNOVATIVE', 'SPECIALIZED', 'LITTLE_GIANT'];
  const kinds = serviceTypeEntry(SERVICE_TYPE)!.providerKinds;
  const needs: Need[] = Array.from({ length: nNeeds }, (_, i) => ({
    id: `nd_round${String(i).padStart(8, '0')}`,
    smeId: `sm_round${String(i).padStart(8, '0')}`,
    ownerSub: `sme-${i}`,
    serviceType: SERVICE_TYPE,
    description: 'Energy audit of the main workshop',
    remoteOk: r() < 0.5,
    languages: ['zh-CN'],
    markets: [],
    ...(r() < 0.33 ? { budgetMax: 5_000 + Math.floor(r() * 30_000) } : {}),
    deadline: new Date(NOW.getTime() + (20 + Math.floor(r() * 70)) * 86_400_000).toISOString().slice(0, 10),
    status: 'WAITING',
    sme: { sizeClass: pick(sizes), tier: pick(tiers), region: { province: pick(PROVINCE_CODES) }, weakFoundation: r() < 0.1 },
    postedAt: new Date(NOW.getTime() - Math.floor(r() * 30 * 86_400_000)).toISOString(),
    updatedAt: NOW.toISOString(),
    version: 1,
    excludedOfferingIds: [],
  }));
  const all: OfferingCandidate[] = Array.from({ length: nOfferings }, (_, j) => {
    const publicWelfare = r() < 0.3;
    const regions = [...new Set(Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(PROVINCE_CODES)))];
    const offering: Offering = {
      id: `of_round${String(j).padStart(8, '0')}`,
      providerId: `pr_round${String(j >> 2).padStart(8, '0')}`,
      ownerSub: `provider-${j >> 2}`,
      serviceType: SERVICE_TYPE,
      title: 'On-site energy audit',
      regions,
      remote: r() < 0.2,
      markets: [],
      languages: ['zh-CN'],
      capacityPerMonth: 1 + Math.floor(r() * 2),
      ...(publicWelfare ? {} : { priceMin: 2_000 + Math.floor(r() * 20_000) }),
      publicWelfare,
      eligibility: r() < 0.1 ? { sizeClasses: ['MICRO', 'SMALL'] } : {},
      leadTimeDays: 3 + Math.floor(r() * 20),
      status: 'ACTIVE',
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      version: 1,
    };
    return {
      offering,
      provider: { id: offering.providerId, kind: pick(kinds), rating: r() < 0.3 ? null : 3 + 2 * r(), ratingCount: Math.floor(r() * 40), certifications: [] },
      providerApproved: true,
      limit: offering.capacityPerMonth,
      used: 0,
    };
  });
  return { needs, all };
}

const peakMb = () => process.resourceUsage().maxRSS / 1024;

/** Every need against every offering, each eligible pair's breakdown kept: how rounds paired needs before planRound. */
function allPairs(needs: readonly Need[], all: readonly OfferingCandidate[]): Map<string, ScoreBreakdown> {
  const breakdowns = new Map<string, ScoreBreakdown>();
  for (const n of needs) {
    for (const c of all) {
      if (!checkEligibility(n, c, NOW).eligible) continue;
      const b = scorePair(n, c);
      if (b.weight > 0) breakdowns.set(`${n.id}|${c.offering.id}`, b);
    }
  }
  return breakdowns;
}

/** The round's own work on a generated market (see RoundBenchRow), without the all-pairs figures. */
export function measureRound(nNeeds: number, nOfferings: number): Omit<RoundBenchRow, 'allPairsMs' | 'allPairsPeakMb' | 'withStore'> {
  const { needs, all } = generateRound(nNeeds, nOfferings);
  const t0 = performance.now();
  const plan = planRound(needs, all, NOW);
  const t1 = performance.now();
  const placed = new Set(plan.assignments.map((a) => a.need));
  let waiting = 0;
  for (const n of needs) {
    if (placed.has(n.id)) continue;
    plan.waitingReasonsOf(n);
    waiting++;
  }
  const t2 = performance.now();
  const byId = new Map(needs.map((n) => [n.id, n]));
  for (const a of plan.assignments) plan.breakdownOf(byId.get(a.need)!, a.offering);
  const t3 = performance.now();
  return {
    needs: nNeeds,
    offerings: nOfferings,
    edges: plan.edges,
    planMs: t1 - t0,
    solveMs: plan.solveMs,
    waitingMs: t2 - t1,
    waiting,
    breakdownMs: t3 - t2,
    proposed: plan.assignments.length,
    totalMs: t3 - t0,
    peakMb: peakMb(),
  };
}

/** The all-pairs figures on the same market: time to pair it, the pairs found (they must be planRound's), peak memory. */
export function measureAllPairs(nNeeds: number, nOfferings: number): { ms: number; pairs: number; peakMb: number } {
  const { needs, all } = generateRound(nNeeds, nOfferings);
  const t0 = performance.now();
  const pairs = allPairs(needs, all).size;
  return { ms: performance.now() - t0, pairs, peakMb: peakMb() };
}

export interface StoreRoundRow {
  needs: number;
  offerings: number;
  /** The whole round as the matcher runs it, against dynalite: reads, decision, writes. */
  roundMs: number;
  proposed: number;
  reasonsWritten: number;
  /** Of which the decision (pairs and solve) as the round logged it. */
  solveMs: number;
}

/**
 * The same market in dynalite (seeded item by item through the Store), then
 * one round of it as the matcher runs it: the window read, the ledgers and
 * providers, the decision, and every write (claims, matches, locks, the
 * reasons of the needs left waiting). dynalite on loopback is not DynamoDB
 * (each call here is a local round trip to a process on the same 2 CPUs),
 * so read the figure as the round's shape, not DynamoDB's time.
 */
export async function measureRoundWithStore(nNeeds: number, nOfferings: number): Promise<StoreRoundRow> {
  const { needs, all } = generateRound(nNeeds, nOfferings);
  const table = await benchTable('bench-round');
  try {
    const clock = { now: () => NOW };
    const ports = table.ports(clock);
    const strip = <T extends { version: number; updatedAt: string }>({ version: _v, updatedAt: _u, ...draft }: T) => draft;
    const providers = new Map(all.map((c) => [c.offering.providerId, c]));
    const drafts: Array<() => Promise<unknown>> = [
      ...[...providers.values()].map((c) => () =>
        ports.store.insert('provider', {
          id: c.offering.providerId,
          ownerSub: c.offering.ownerSub,
          name: `Provider ${c.offering.providerId}`,
          kind: c.provider.kind,
          regions: c.offering.regions,
          languages: ['zh-CN'],
          certifications: [],
          status: 'APPROVED',
          approvedVia: 'OPERATOR',
          rating: c.provider.rating,
          ratingCount: c.provider.ratingCount,
          createdAt: NOW.toISOString(),
        }),
      ),
      ...all.map((c) => () => ports.store.insert('offering', strip(c.offering))),
      ...needs.map((n) => () => ports.store.insert('need', strip(n))),
    ];
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let f = drafts.shift(); f; f = drafts.shift()) await f();
    }));
    const t0 = performance.now();
    const r = await runMarketRound(ports, SERVICE_TYPE);
    return { needs: nNeeds, offerings: nOfferings, roundMs: performance.now() - t0, proposed: r.proposed, reasonsWritten: r.reasonsWritten, solveMs: r.solveMs };
  } finally {
    await table.close();
  }
}

function inChild<T>(args: string[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const proc = fork(SELF, ['--child', ...args], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let out: T | undefined;
    proc.on('message', (msg) => (out = msg as T));
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 && out !== undefined ? resolve(out) : reject(new Error(`round bench child (${args.join(' ')}) exited with ${code}`))));
  });
}

/** Each measure in a fresh process, so neither another's garbage nor its peak memory counts. */
export async function runRoundBench(opts: { log?: (line: string) => void } = {}): Promise<RoundBenchRow[]> {
  const rows: RoundBenchRow[] = [];
  for (const [n, m] of SIZES) {
    opts.log?.(`round bench: ${n} needs x ${m} offerings`);
    const row = await inChild<Omit<RoundBenchRow, 'allPairsMs' | 'allPairsPeakMb' | 'withStore'>>(['plan', String(n), String(m)]);
    const before = await inChild<ReturnType<typeof measureAllPairs>>(['allPairs', String(n), String(m)]);
    if (before.pairs !== row.edges) throw new Error(`round bench: every pair found ${before.pairs} pairs, planRound ${row.edges}`);
    const withStore = await inChild<StoreRoundRow>(['store', String(n), String(m)]);
    if (withStore.proposed !== row.proposed) throw new Error(`round bench: the round against dynalite proposed ${withStore.proposed}, planRound chose ${row.proposed}`);
    rows.push({ ...row, allPairsMs: before.ms, allPairsPeakMb: before.peakMb, withStore });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [mode, kind, n, m] = process.argv.slice(2);
  if (mode === '--child') {
    const row = kind === 'plan' ? measureRound(Number(n), Number(m)) : kind === 'store' ? await measureRoundWithStore(Number(n), Number(m)) : measureAllPairs(Number(n), Number(m));
    // Exits once the report is sent: an SDK socket left open must not hold the child.
    process.send!(row, () => process.exit(0));
  } else {
    const rows = await runRoundBench({ log: console.log });
    const flat = rows.map(({ withStore, ...r }) => ({ ...r, storeRoundMs: withStore.roundMs, storeProposed: withStore.proposed, storeReasonsWritten: withStore.reasonsWritten }));
    console.table(flat.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v * 10) / 10]))));
  }
}
