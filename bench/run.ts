/**
 * `npm run bench [-- --quick] [-- --only=solver,e2e,bundles,imports,kpis,round]`
 *
 * Runs the benchmarks one after the other (never together: each would
 * take CPU from the others on a small machine), prints one table per part
 * and one of the targets with MET / MISSED and the measured value, and
 * writes bench/results/latest.json (plus a timestamped copy) and
 * bench/results/latest.md, the tables the README embeds.
 *
 * A part that fails is reported as such and its targets as NOT MEASURED;
 * the others still run. The exit code is 1 only when a part failed to run:
 * a missed target is a finding, not a crash.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { SERVICE_TYPE_IDS } from '#domain/catalog.ts';
import { PROVINCE_CODES } from '#domain/regions.ts';
import { REPO_ROOT, runBundleBench, type BundleRow } from './bundles.ts';
import { runE2eBench, type E2eResult } from './e2e.ts';
import { runImportBench, type ImportBenchResult } from './imports.ts';
import { runKpiBench, type KpiBenchResult } from './kpis.ts';
import { runRoundBench, type RoundBenchRow } from './round.ts';
import { FUNCTIONS } from '#functions/handlers/manifest.ts';
import { renderMarkdown, renderText, round, verdict, type Cell, type Table, type TargetCheck } from './stats.ts';

const RESULTS_DIR = path.join(REPO_ROOT, 'bench', 'results');

const TARGETS = {
  solverSpeedupAt200k: 10,
  solverMsAt2M: 3000,
  afterRoundDueP50Ms: 50,
  afterRoundDueP99Ms: 150,
  /** Table write units per matched need on the matching path (issue 16). */
  writeUnitsPerMatchedNeed: 6,
  /** The same with the index writes (estimate). */
  writeUnitsInclGsiPerMatchedNeed: 12,
  bundleKb: 400,
  initMs: 60,
  /** Table write units per imported register row: one entry write, the rest (file, progress) spread thin. */
  importWriteUnitsPerRow: 1.1,
  /**
   * Read units of one analytics call at any number of matches: the KPIs read
   * the provinces' KPI counter items (at most one per province, ~1 KB) and the
   * markets' counters (hours to a match); the markets report reads the
   * markets' counters and the markets' states (one ~1 KB item per market).
   * A market counter item is at most ~400 B (keys, four counts, fourteen hour
   * buckets). Query units: 0.5 per 4 KB read, eventually consistent. They grow
   * with the (market, province) pairs that saw a match until all have, never
   * with the matches.
   */
  /**
   * A market round's own work (pairs, solve, waiting reasons, breakdowns) for
   * a full window of 5,000 needs against 2,000 offerings: a sixth of the
   * matcher's Lambda timeout, the rest left for its reads and writes.
   */
  roundMs: (FUNCTIONS.matcher.timeoutSeconds * 1000) / 6,
  /** ... within half of the matcher's memory (the other half: the window as read, the SDK, the heap's slack). */
  roundPeakMb: FUNCTIONS.matcher.memoryMb / 2,
  analyticsReadUnitsPerCall: Math.ceil(
    (((PROVINCE_CODES.length + SERVICE_TYPE_IDS.length) * 1024 + SERVICE_TYPE_IDS.length * PROVINCE_CODES.length * 400) / 4096) * 0.5,
  ),
};

/**
 * The operations of the event consumers that count and tell (the KPI
 * counters, the inbox): the rest is the matching path itself (the need, its
 * quota, the round, the claim, the match and their outboxes).
 */
const CONSUMER_OPERATIONS = /\b(kpi|kpimark|kpiServed|notification)\b/;

/**
 * The analysis behind each target this code base can miss, printed beside a
 * MISSED verdict (from profiling the runs that missed them).
 */
const WHY_MISSED: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /processing after the round delay/,
    'dynalite runs in its own process (local/dynalite-process.ts; it took the p50 from ~355 to ~105-155 ms side by side at load 5-7). A round is ~5 store calls in a row (window, ledgers and providers, lock, claim, match put and its outbox clear); at load 5-7 on 2 CPUs each takes 20-45 ms at p50 (GetItem ~22, the claim ~41), 2-3 ms on a quiet machine. The target needs a quiet machine; see the load average in the e2e notes.',
  ],
  [
    /write units per matched need \(matching path/,
    "Measured per matched need (see 'where the units go'): the need's put when posted 1, its lock by the round 1, the open-need quota 1, the capacity claim 1, the match's put 1 and its outbox clear 1: 6 when every item stays under 1 KB (store/codec.ts); a need with a long description (over ~600 bytes) costs one more unit per write of it.",
  ],
  [
    /incl\. GSI writes/,
    "Estimate (KEYS_ONLY list indexes): the need enters its SME's list, its market's waiting list, the expiry index and the outbox index when posted (4) and leaves the waiting list and the outbox when locked (2); the match enters its need's, provider's and SME's lists, the review queue by status and by status and market, the expiry index and the outbox (7) and leaves the outbox (1): 14, plus 6 table units. NeedPosted kept out of the outbox index (the waiting index and the rebalance job already guarantee it a round, an hour later instead of a minute: -2) and a need's matches listed from ids kept on the need (-1) would leave 17. Below that a match must enter fewer list indexes: a decision on which lists (its SME's, its provider's, the review queue by market) may be served without an index of their own.",
  ],
  [
    /module init/,
    "Counted in instructions (valgrind, `npx tsx bench/bundles.ts --quick --instructions`, ~2.45M per ms on a quiet machine), a function with the table imports in ~175-210M: Node built-ins the SDK needs ~43M (node:https 29M, node:crypto 14M: every request uses them, so deferring them only moves the cost to the first request), the DynamoDB client ~55M to import and ~12M to construct (no unused protocol left to stub: the SDK's schema-based serde and tree-shaking already drop them), the document client's marshalling ~10M, Powertools Logger ~10M, our code and its remaining schemas the rest; the notifier adds SESv2 (~36M, 48 KB of operation schemas esbuild cannot drop). Done in this pass: no source maps at init (-20%; stack traces mapped on the first error), schemas built on first use (-14 to -36M), each HTTP function building only its own routes, config without zod, middy replaced by a few lines, zlib on first use. public and marketTrigger (no SDK) are under 60 ms. Closing it for the rest would take a lighter DynamoDB client than the AWS SDK's, or the Lambda runtime's own copy of node:https already loaded (not measurable here: Node 20 in a fresh process, nodejs22.x arm64 in Lambda).",
  ],
  [
    /2M pairs/,
    'The surplus family (provider soft caps with overflow penalty, serve-the-most-first, and more slots than needs) runs one weighted min-cost flow (cost-scaling push-relabel with global price updates): with every need servable, each provider\'s load is still a decision (at 200k pairs the optimum leaves 241 of 250 providers exactly at their soft cap, their prices strictly between 0 and the penalty), so the assignment auction cannot take it. It went from ~10.5 s to ~4.5 s (domain/solver/mcf.ts: residual arcs kept first in each node\'s range, last-in-first-out discharges, a start below the textbook ε, a stop once the flow is proved optimal), to ~4 s (one memory pool per solve, domain/solver/pool.ts; global updates that scan only the arcs whose partner can be residual), to ~3.2 s (domain/solver.ts: the guess that every need is served, proved by the weighted flow itself; needs repriced at each phase\'s start; costs in 32 bits; arrays given back before the flow), to ~2.5–2.9 s alone on a quiet machine (the first phase starts at the largest cost / 4α² instead of / α²: the flow\'s median on four markets 2.09 → 1.36 s), then to ~2.3–2.7 s (domain/solver/pool.ts: the pool\'s blocks are shared memory, which V8 leaves out of its external-memory count, so no full collection marks the caller\'s 2M edge objects during the solve: six alternating pairs, partly in a slow hour: median 3.64 → 2.57 s, random 1.67 → 1.26 s; and the flow reads the edges straight from the problem\'s lists, with the flow network built after it: ~23 MB less to fault in, median 2.71 → 2.64 s), then to ~2.2–2.5 s (the flow keeps the need → offering arcs in the problem\'s lists, with one number per need for their flow and a transpose by offering, 16 bytes an edge instead of 40, and the tie-break after it runs on the optimal face alone: median 2.40 → 2.19 s and 2.61 → 2.43 s in two alternating series, ~40 MB less to fault in). The machine\'s speed varies by a fifth or more from hour to hour: in slow periods the same solve takes up to ~3.4 s, and the other families slow down with it (random ~1.2 s alone when quiet, ~1.6 s when slow). Of a quiet ~2.2 s, the flow takes ~1.4 s (its residual network ~0.15 s of it, its 12 global updates ~0.5 s); preparing the problem ~0.55 s; faulting in the ~100 MB the solve touches costs ~0.3 s of these on this VM (~3 ms per MB). Tried and measured no better: warm starts from the uncapped auction, a bipartite auction with a person per capacity unit, blockers for the capacity beyond a soft cap, top-k edges with pricing (the best 8 of a need\'s 20 edges left 68k arcs pricing negative at 2M pairs), other α and global-update periods, push look-ahead, setting far-behind arcs aside, global updates cut short, offerings repriced to their second-best arc, needs renumbered by their best offering, price refinement (cs2\'s check that the flow is already ε-optimal for the next ε: it fails at 7.6k, 476 and 30 cost units at 2M pairs, and where it succeeds, at 1.86, the flow is not yet optimal and a sixth phase costs more); the optimality certificate tried one phase earlier (it fails at ~30 cost units); skipping a phase\'s first global update; interleaving each residual arc\'s fields saved ~5% of the flow and was left out for readability; and, each no better side by side, a per-need cache of its best four arcs for the bids (a bid costs the memory reads of its need\'s edges, not its arithmetic), 32-bit distances in the global update with each need\'s assigned arc kept per need, the edge weights staged in input order to spare the second pass over the edge objects, edges placed in offering order as they are read, other ε schedules (α = 32 in four phases, α = 4 for the first steps, α = 64 first from a coarser start), a warm-up solve so the code is optimised first, a worker thread faulting the pool\'s pages in on the second core, and a warm start from a one-in-ten sample of the needs (its prices are too far off: the first phase took 6-85 s; given the final prices, the flow from ε = 476 units takes ~0.7 s instead of ~1.4 s; the providers\' final prices alone give ~0.9 s instead of ~1.5 s, but only within ~0.01 weight units of them, and every provider started at their typical level, 4.6 of the penalty 5, was no better). The target is read on the median of three fresh runs (see bench/solver.ts).',
  ],
  [/faster than HiGHS/, 'see the solver table'],
];

type Part = 'solver' | 'e2e' | 'bundles' | 'imports' | 'kpis' | 'round';
const PARTS: readonly Part[] = ['solver', 'e2e', 'bundles', 'imports', 'kpis', 'round'];

type Outcome<T> = { ok: true; value: T; ms: number } | { ok: false; error: string; ms: number };

async function attempt<T>(f: () => Promise<T>): Promise<Outcome<T>> {
  const t0 = performance.now();
  try {
    const value = await f();
    return { ok: true, value, ms: Math.round(performance.now() - t0) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e), ms: Math.round(performance.now() - t0) };
  }
}

// ---------------------------------------------------------------- solver

type SolverRow = Record<string, unknown>;

/**
 * bench/solver.ts is another engineer's work and may change: it is loaded at
 * run time (a missing file or export fails this part only) and its rows are
 * printed as they come. The targets read a few fields, looked up by the
 * names below, in one place.
 */
async function runSolver(quick: boolean): Promise<SolverRow[]> {
  const url = pathToFileURL(path.join(REPO_ROOT, 'bench', 'solver.ts')).href;
  const mod = (await import(url)) as { runSolverBench?: (o: { quick: boolean }) => Promise<unknown> | unknown };
  if (typeof mod.runSolverBench !== 'function') throw new Error('bench/solver.ts does not export runSolverBench');
  const rows = await mod.runSolverBench({ quick });
  if (!Array.isArray(rows)) throw new Error('runSolverBench did not return an array of rows');
  return rows as SolverRow[];
}

function num(row: SolverRow, names: readonly string[]): number | undefined {
  for (const n of names) {
    const v = row[n];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** The fields the targets need, by the names bench/solver.ts may use for them. */
function readSolverRow(row: SolverRow) {
  const pairs = num(row, ['pairs', 'candidatePairs', 'edges']);
  const solverMs = num(row, ['solverMs', 'oursMs', 'ourMs', 'timeMs']);
  const highsMs = num(row, ['highsMs', 'highsTimeMs']);
  const speedup = num(row, ['speedup', 'speedupVsHighs', 'highsSpeedup']) ?? (solverMs && highsMs ? highsMs / solverMs : undefined);
  const objective = num(row, ['objective', 'solverObjective', 'oursObjective']);
  const highsObjective = num(row, ['highsObjective']);
  const exact =
    typeof row.exact === 'boolean'
      ? row.exact
      : objective !== undefined && highsObjective !== undefined
        ? Math.abs(objective - highsObjective) <= 1e-6 * Math.max(1, Math.abs(highsObjective))
        : undefined;
  const runs = Array.isArray(row.oursRunsMs) ? row.oursRunsMs.filter((x): x is number => typeof x === 'number') : [];
  return { pairs, solverMs, highsMs, speedup, exact, runs, family: typeof row.family === 'string' ? row.family : undefined };
}

function solverTable(rows: SolverRow[]): Table {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown): Cell =>
    typeof v === 'number' ? round(v, Math.abs(v) >= 100 ? 0 : 3) : v === null || typeof v !== 'object' ? (v as Cell) : JSON.stringify(v);
  return { title: 'Solver vs HiGHS vs greedy', columns, rows: rows.map((r) => columns.map((c) => cell(r[c]))) };
}

function solverTargets(rows: SolverRow[] | undefined): TargetCheck[] {
  const views = (rows ?? []).map(readSolverRow);
  // One row per weight family at each size: a target holds only if it holds in every family.
  const near = (p: number) => views.filter((v) => v.pairs !== undefined && Math.abs(v.pairs - p) / p < 0.05);
  const at200k = near(200_000);
  const at2M = near(2_000_000);
  const exact = at200k.filter((v) => v.exact !== undefined);
  const speedups = at200k.flatMap((v) => (v.speedup === undefined ? [] : [v.speedup]));
  const timed2M = at2M.filter((v) => v.solverMs !== undefined);
  const slowestRow = timed2M.reduce<(typeof timed2M)[number] | undefined>((a, v) => (a === undefined || v.solverMs! > a.solverMs! ? v : a), undefined);
  const slowest = slowestRow?.solverMs;
  const runsOf = (v: (typeof timed2M)[number]) => (v.runs.length > 1 ? `, median of ${v.runs.map((x) => round(x / 1000, 2)).join(' / ')} s` : '');
  const worstSpeedup = speedups.length > 0 ? Math.min(...speedups) : undefined;
  return [
    {
      part: 'solver',
      target: 'exact (same objective as HiGHS) at 200k pairs, every family',
      measured: exact.length === 0 ? 'no 200k row with exactness' : exact.every((v) => v.exact) ? 'exact' : 'NOT exact',
      met: exact.length === 0 ? null : exact.every((v) => v.exact),
    },
    {
      part: 'solver',
      target: `>= ${TARGETS.solverSpeedupAt200k}x faster than HiGHS at 200k pairs, every family`,
      measured: worstSpeedup === undefined ? 'no 200k row with both timings' : `${round(worstSpeedup, 1)}x (worst family)`,
      met: worstSpeedup === undefined ? null : worstSpeedup >= TARGETS.solverSpeedupAt200k,
    },
    {
      part: 'solver',
      target: `2M pairs <= ${TARGETS.solverMsAt2M / 1000} s, every family (median of fresh runs)`,
      measured:
        slowestRow === undefined || slowest === undefined
          ? 'no 2M row'
          : `${round(slowest / 1000, 2)} s (slowest family${slowestRow.family ? `, ${slowestRow.family}` : ''}${runsOf(slowestRow)})`,
      met: slowest === undefined ? null : slowest <= TARGETS.solverMsAt2M,
    },
  ];
}

// ---------------------------------------------------------------- e2e

function e2eTables(r: E2eResult): Table[] {
  const p = (label: string, x: E2eResult['latencyMs']): Cell[] => [label, x.p50, x.p95, x.p99, x.max, x.n];
  const saturated = r.achievedRate < r.setup.rate * 0.95;
  const latency: Table = {
    title: `End to end: ${r.setup.rate} needs/s for ${r.setup.durationS} s, round delay ${r.setup.roundDelayMs} ms (ms)`,
    columns: ['measure', 'p50', 'p95', 'p99', 'max', 'n'],
    rows: [
      p('POST need (client round trip)', r.postMs),
      p('POST response -> PROPOSED', r.latencyMs),
      p('  minus the round delay', r.latencyMinusDelayMs),
      p('PROPOSED - round due (processing after the delay)', r.afterRoundDueMs),
      p('round start - round due', r.rounds.startLagMs),
      p('matcher round duration', r.rounds.durationMs),
      p('needs proposed per round', r.rounds.proposedPerRound),
    ],
    notes: [
      `posted ${r.posted} (failed ${r.failedPosts}${r.failedPosts ? `: ${Object.entries(r.failedByStatus).map(([k, v]) => `${v}x ${k}`).join(', ')}` : ''}) at ${r.achievedRate}/s achieved (max lag behind schedule ${r.maxSendLagMs} ms); proposed ${r.proposed}, verified PROPOSED by GET ${r.verifiedProposed}; ${r.rounds.count} rounds`,
      `${r.setup.markets.length} markets x ${r.setup.offeringsPerMarket} offerings (capacity ${r.setup.capacityPerOffering}/month each), ${r.setup.smes} SMEs; POSTs carry an Idempotency-Key`,
      'PROPOSED = the matcher publishing MatchProposed, right after locking the need to the match it wrote (observed in process, no polling).',
      '"minus the round delay" is negative for needs that joined a round an earlier need had scheduled; "round due" = oldest trigger of the round accepted + round delay, so "PROPOSED - round due" is the processing the delay does not explain.',
      `Processes: ${r.setup.processes.bench}; ${r.setup.processes.dynalite}.`,
      `CPU per need posted: ${r.cpuMsPerNeed} ms in the runtime's process${r.dynaliteCpuMsPerNeed !== null ? `, ${r.dynaliteCpuMsPerNeed} ms in dynalite's` : ''}; load average ${r.loadAverage.start} -> ${r.loadAverage.end} on ${r.loadAverage.cpus} CPUs.`,
      ...(r.drained ? [] : ['NOT DRAINED: the bus was still busy 30 s after the wait; units of unfinished deliveries are missing.']),
      ...(saturated ? [`SATURATED: posting fell behind the ${r.setup.rate}/s schedule, so the latencies above include queueing in the runtime.`] : []),
    ],
  };
  const c = r.capacity;
  const per = (x: number) => round(x / Math.max(1, c.matchedNeeds), 2);
  const capacity: Table = {
    title: `DynamoDB capacity per matched need (${c.matchedNeeds} matched)`,
    columns: ['units', 'per matched need', 'total'],
    rows: [
      ['read units (dynalite, table and index reads)', c.readPerMatched, c.read],
      ['write units (dynalite: table only)', c.writePerMatched, c.write],
      ['write units, table, DynamoDB size rules (recomputed)', c.tableWriteEstimatePerMatched, c.ledger.tableWriteEstimate],
      ['GSI write units (ESTIMATE, not measured)', c.gsiWritePerMatched, c.gsiWriteEstimate],
      ['write units incl. GSI (ESTIMATE)', c.writeInclGsiPerMatched, round(c.write + c.gsiWriteEstimate, 1)],
    ],
    notes: [
      'From ReturnConsumedCapacity TOTAL on every store call over the measured window (posting the needs, the rounds, outbox clean-up, notifications, the relay/expiry timers), and of the expiry job run once more with its clock RECHECK_AFTER_MINUTES + 1 ahead (each proposal\'s recheck, which comes after the window), divided by the needs matched.',
      'dynalite reports table units only: it counts no GSI writes, and sizes strings in UTF-16 units instead of UTF-8 bytes.',
      'GSI estimate, by each index\'s projection (KEYS_ONLY, the outbox INCLUDE): an entry is written when it appears, disappears or changes key (delete + put), or when an attribute it projects changes; ceil((keys + projected attributes + 100 B) / 1 KB) units each, from the item states the benchmark tracked.',
      `Conditional writes refused: ${c.ledger.conditionalFailures} (DynamoDB charges them, ReturnConsumedCapacity does not report them). ledger = meter: ${c.ledgerMatchesMeter}.`,
    ],
  };
  const ops: Table = {
    title: 'Where the units go (per matched need)',
    columns: ['operation', 'calls', 'read', 'write (table)', 'GSI write (estimate)'],
    rows: c.ledger.operations.map((o) => [o.operation, per(o.calls), per(o.read), per(o.write), per(o.gsiWrite)]),
  };
  return [latency, capacity, ops];
}

function e2eTargets(r: E2eResult | undefined): TargetCheck[] {
  const latency = `processing after the round delay p50 <= ${TARGETS.afterRoundDueP50Ms} ms, p99 <= ${TARGETS.afterRoundDueP99Ms} ms`;
  const table = `<= ${TARGETS.writeUnitsPerMatchedNeed} write units per matched need (matching path, table, as dynalite reports)`;
  const withGsi = `<= ${TARGETS.writeUnitsInclGsiPerMatchedNeed} write units per matched need incl. GSI writes (matching path, estimate)`;
  if (!r) return [latency, table, withGsi].map((target) => ({ part: 'e2e', target, measured: 'not run', met: null }));
  const c = r.capacity;
  const n = Math.max(1, c.matchedNeeds);
  const consumers = c.ledger.operations.filter((o) => CONSUMER_OPERATIONS.test(o.operation));
  const consumerWrite = consumers.reduce((a, o) => a + o.write, 0) / n;
  const consumerGsi = consumers.reduce((a, o) => a + o.gsiWrite, 0) / n;
  const pathWrite = round(c.writePerMatched - consumerWrite, 2);
  const pathInclGsi = round(c.writeInclGsiPerMatched - consumerWrite - consumerGsi, 2);
  const also = `; the consumers (KPI counters, inbox) add ${round(consumerWrite, 2)} more, ${round(c.writePerMatched, 2)} in all`;
  return [
    {
      part: 'e2e',
      target: latency,
      measured: `p50 ${r.afterRoundDueMs.p50} ms, p99 ${r.afterRoundDueMs.p99} ms (p95 ${r.afterRoundDueMs.p95}; load average ${r.loadAverage.start} on ${r.loadAverage.cpus} CPUs)`,
      met: r.afterRoundDueMs.n > 0 ? r.afterRoundDueMs.p50 <= TARGETS.afterRoundDueP50Ms && r.afterRoundDueMs.p99 <= TARGETS.afterRoundDueP99Ms : null,
    },
    { part: 'e2e', target: table, measured: `${pathWrite}${also}`, met: c.matchedNeeds > 0 ? pathWrite <= TARGETS.writeUnitsPerMatchedNeed : null },
    {
      part: 'e2e',
      target: withGsi,
      measured: `${pathInclGsi}${also} (with their index writes ${round(c.writeInclGsiPerMatched, 2)})`,
      met: c.matchedNeeds > 0 ? pathInclGsi <= TARGETS.writeUnitsInclGsiPerMatchedNeed : null,
    },
  ];
}

// ---------------------------------------------------------------- bundles

function bundleTable(rows: BundleRow[]): Table {
  return {
    title: 'Lambda bundles (esbuild as infra bundles them)',
    columns: ['function', 'KB', `<= ${TARGETS.bundleKb} KB`, 'init ms', `<= ${TARGETS.initMs} ms`, 'init CPU ms', 'init ms with --enable-source-maps', 'largest parts (KB)'],
    rows: rows.map((b) => [
      b.name,
      b.kb,
      verdict(b.kb <= TARGETS.bundleKb),
      b.initMs,
      verdict(b.initMs <= TARGETS.initMs),
      b.initCpuMs,
      Number.isFinite(b.initEnableSourceMapsMs) ? b.initEnableSourceMapsMs : null,
      b.largest.map((l) => `${l.module} ${round(l.bytes / 1024, 0)}`).join(', '),
    ]),
    notes: [
      'KB: minified index.mjs (its source map, shipped beside it, not counted). The AWS SDK clients a function uses are bundled in (infra/constructs/app-function.ts), not loaded from the runtime.',
      `init: median over ${rows[0]?.runs ?? 0} fresh node processes of the time to import the bundle (module scope: config, SDK clients, composition root), with the deployed NODE_OPTIONS (none: stack traces are source-mapped on the first error, functions/adapters/stack-traces.ts), the verdict; "init CPU ms" is the CPU time of the same imports, which other load on the machine inflates far less; Node ${process.versions.node} here, nodejs22.x in Lambda.`,
    ],
  };
}

function bundleTargets(rows: BundleRow[] | undefined): TargetCheck[] {
  if (!rows?.length) {
    return [
      { part: 'bundles', target: `each bundle <= ${TARGETS.bundleKb} KB`, measured: 'not run', met: null },
      { part: 'bundles', target: `each module init <= ${TARGETS.initMs} ms`, measured: 'not run', met: null },
    ];
  }
  const biggest = rows.reduce((a, b) => (b.kb > a.kb ? b : a));
  const slowest = rows.reduce((a, b) => (b.initMs > a.initMs ? b : a));
  const slowestCpu = rows.reduce((a, b) => (b.initCpuMs > a.initCpuMs ? b : a));
  const overInit = rows.filter((b) => b.initMs > TARGETS.initMs).map((b) => b.name);
  return [
    { part: 'bundles', target: `each bundle <= ${TARGETS.bundleKb} KB`, measured: `largest ${biggest.kb} KB (${biggest.name})`, met: biggest.kb <= TARGETS.bundleKb },
    {
      part: 'bundles',
      target: `each module init <= ${TARGETS.initMs} ms`,
      measured: `slowest ${slowest.initMs} ms (${slowest.name}); ${overInit.length}/${rows.length} over; CPU time at most ${slowestCpu.initCpuMs} ms (${slowestCpu.name})`,
      met: overInit.length === 0,
    },
  ];
}

// ---------------------------------------------------------------- register imports

function importTable(r: ImportBenchResult): Table {
  return {
    title: `Register import: ${r.rows.toLocaleString('en')} tier rows (${round(r.fileBytes / 1024 / 1024, 2)} MiB CSV)`,
    columns: ['measure', 'value'],
    rows: [
      ['total time, request to DONE (s)', round(r.totalMs / 1000, 1)],
      ['request: parse, lock, store file, write import (ms)', r.startMs],
      ['rows per second', r.rowsPerSecond],
      ['importer invocations', r.invocations],
      [`longest invocation (s; timeout ${r.timeoutMs / 1000})`, round(r.longestInvocationMs / 1000, 1)],
      ['table write units per row (dynalite)', r.writeUnitsPerRow],
      ['write units, total', r.writeUnits],
      ['read units, total', r.readUnits],
      ['rows accepted', r.accepted],
    ],
    notes: [
      'usecases/imports.ts on dynalite in memory, one process: the POST /v1/registers/tiers use case, then the importer invoked once per ImportChunkRequested with the Lambda timeout of the function manifest; each invocation stops taking 500-row chunks with a minute left and asks for the next.',
      'Units as dynalite reports them (table only; the register entries have no index entries). Per row: one entry write (BatchWriteItem) and one read of the entry and one of the USCC lookup (BatchGetItem); per 500 rows one progress write; the gzip file once.',
      'Time here is dynalite\'s (~2-3 ms per item written, single-threaded) on a shared 2-core machine; DynamoDB takes the same batches in parallel.',
    ],
  };
}

function importTargets(r: ImportBenchResult | undefined, quick: boolean): TargetCheck[] {
  const what = `${quick ? '10,000' : '100,000'}-row register import`;
  if (!r) {
    return [
      { part: 'imports', target: `${what}: every importer invocation within its timeout`, measured: 'not run', met: null },
      { part: 'imports', target: `${what}: <= ${TARGETS.importWriteUnitsPerRow} write units per row`, measured: 'not run', met: null },
    ];
  }
  return [
    {
      part: 'imports',
      target: `${what}: every importer invocation within its timeout`,
      measured: `${r.invocations} invocation(s), longest ${round(r.longestInvocationMs / 1000, 1)} s of ${r.timeoutMs / 1000} s; DONE in ${round(r.totalMs / 1000, 1)} s`,
      met: r.longestInvocationMs <= r.timeoutMs,
    },
    {
      part: 'imports',
      target: `${what}: <= ${TARGETS.importWriteUnitsPerRow} write units per row`,
      measured: `${r.writeUnitsPerRow}`,
      met: r.writeUnitsPerRow <= TARGETS.importWriteUnitsPerRow,
    },
  ];
}

// ---------------------------------------------------------------- main

function kpiTable(r: KpiBenchResult): Table {
  return {
    title: `Analytics reads per call (matches seeded through the KPI consumer in ${round(r.seedMs / 1000, 1)} s)`,
    columns: ['matches', 'GET /v1/analytics/kpis', 'kpis?province=', 'GET /v1/analytics/markets (all markets)'],
    rows: r.rows.map((x) => [x.matches, x.kpiReadUnits, x.kpiProvinceReadUnits, x.marketsReadUnits]),
  };
}

function kpiTargets(r: KpiBenchResult | undefined): TargetCheck[] {
  const at = (f: (x: KpiBenchResult['rows'][number]) => number) => (r ? r.rows.map(f) : []);
  const check = (endpoint: string, values: number[]): TargetCheck => ({
    part: 'kpis',
    target: `${endpoint}: <= ${TARGETS.analyticsReadUnitsPerCall} read units per call whatever the number of matches (at most one item per province, market, and market and province)`,
    measured: values.length ? `${values.join(' -> ')} read units (${r!.rows.map((x) => x.matches.toLocaleString('en')).join(' -> ')} matches)` : 'not run',
    met: values.length ? values.every((v) => v <= TARGETS.analyticsReadUnitsPerCall) : null,
  });
  return [check('GET /v1/analytics/kpis', at((x) => x.kpiReadUnits)), check('GET /v1/analytics/markets', at((x) => x.marketsReadUnits))];
}

function roundTable(rows: RoundBenchRow[]): Table {
  const s = (ms: number) => round(ms / 1000, 2);
  return {
    title: 'A market round in memory (5,000 needs, the default window; `npx tsx bench/round.ts`): its own work, and the same market paired as rounds did before this pass (every need against every offering, each pair\'s breakdown kept)',
    columns: ['needs × offerings', 'pairs', 'pairs + solve s', 'of which solve s', 'waiting reasons s (needs)', 'breakdowns s (proposals)', 'total s', 'peak MB', 'every pair, breakdowns kept: pairing s', 'its peak MB', 'whole round with dynalite s (writes: proposals, reasons)'],
    rows: rows.map((r) => [
      `${r.needs.toLocaleString('en')} × ${r.offerings.toLocaleString('en')}`,
      r.edges,
      s(r.planMs),
      s(r.solveMs),
      `${s(r.waitingMs)} (${r.waiting.toLocaleString('en')})`,
      `${s(r.breakdownMs)} (${r.proposed.toLocaleString('en')})`,
      s(r.totalMs),
      Math.round(r.peakMb),
      s(r.allPairsMs),
      Math.round(r.allPairsPeakMb),
      `${s(r.withStore.roundMs)} (${r.withStore.proposed.toLocaleString('en')}, ${r.withStore.reasonsWritten.toLocaleString('en')})`,
    ]),
  };
}

function roundTargets(rows: RoundBenchRow[] | undefined): TargetCheck[] {
  const largest = rows?.at(-1);
  const what = largest ? `a round of ${largest.needs.toLocaleString('en')} needs against ${largest.offerings.toLocaleString('en')} offerings` : 'a round of a full window against a national market';
  return [
    {
      part: 'round',
      target: `${what}: its own work <= ${TARGETS.roundMs / 1000} s (a sixth of the matcher's ${FUNCTIONS.matcher.timeoutSeconds} s timeout)`,
      measured: largest ? `${round(largest.totalMs / 1000, 2)} s (every pair with its breakdown kept: ${round(largest.allPairsMs / 1000, 1)} s to pair it alone)` : 'not run',
      met: largest ? largest.totalMs <= TARGETS.roundMs : null,
    },
    {
      part: 'round',
      target: `${what}: peak memory <= ${Math.round(TARGETS.roundPeakMb)} MB (half of the matcher's ${FUNCTIONS.matcher.memoryMb} MB)`,
      measured: largest ? `${Math.round(largest.peakMb)} MB (every pair with its breakdown kept: ${Math.round(largest.allPairsPeakMb)} MB)` : 'not run',
      met: largest ? largest.peakMb <= TARGETS.roundPeakMb : null,
    },
    {
      part: 'round',
      target: `${what}: the whole round against dynalite (reads, decision, every write) within the matcher's ${FUNCTIONS.matcher.timeoutSeconds} s timeout`,
      measured: largest ? `${round(largest.withStore.roundMs / 1000, 1)} s (${largest.withStore.proposed.toLocaleString('en')} proposals, ${largest.withStore.reasonsWritten.toLocaleString('en')} needs told why they wait)` : 'not run',
      met: largest ? largest.withStore.roundMs <= FUNCTIONS.matcher.timeoutSeconds * 1000 : null,
    },
  ];
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function parseArgs(argv: readonly string[]): { quick: boolean; parts: readonly Part[] } {
  const quick = argv.includes('--quick');
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const parts = only ? PARTS.filter((p) => only.split(',').includes(p)) : PARTS;
  const unknown = argv.filter((a) => a !== '--quick' && !a.startsWith('--only='));
  if (unknown.length > 0 || parts.length === 0) {
    throw new Error(`usage: npm run bench [-- --quick] [-- --only=${PARTS.join(',')}]; got ${argv.join(' ')}`);
  }
  return { quick, parts };
}

async function main(): Promise<number> {
  const { quick, parts } = parseArgs(process.argv.slice(2));
  const started = new Date();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const meta = {
    date: started.toISOString(),
    quick,
    parts,
    commit: gitCommit(),
    node: process.versions.node,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    loadAverageAtStart: os.loadavg().map((x) => round(x, 2)),
    loadAverageAtEnd: [] as number[],
    wallMs: 0,
  };
  log(`bench: ${quick ? 'quick' : 'full'} run of ${parts.join(', ')}; load average ${meta.loadAverageAtStart.join(' ')} on ${meta.cpus} CPUs`);

  const skipped = <T>(): Outcome<T> => ({ ok: false, error: 'skipped (--only)', ms: 0 });
  const status = (o: Outcome<unknown>) => (o.ok ? `done in ${o.ms} ms` : o.error === 'skipped (--only)' ? 'skipped' : `failed in ${o.ms} ms`);
  const solver = parts.includes('solver') ? await attempt(() => runSolver(quick)) : skipped<SolverRow[]>();
  log(`bench: solver ${status(solver)}`);
  const e2e = parts.includes('e2e') ? await attempt(() => runE2eBench({ quick, log })) : skipped<E2eResult>();
  log(`bench: e2e ${status(e2e)}`);
  const bundles = parts.includes('bundles') ? await attempt(() => runBundleBench({ quick, log })) : skipped<BundleRow[]>();
  log(`bench: bundles ${status(bundles)}`);
  const imports = parts.includes('imports') ? await attempt(() => runImportBench({ rows: quick ? 10_000 : 100_000 })) : skipped<ImportBenchResult>();
  log(`bench: imports ${status(imports)}`);
  const kpiBench = parts.includes('kpis') ? await attempt(() => runKpiBench({ matches: quick ? 1_000 : 10_000, log })) : skipped<KpiBenchResult>();
  log(`bench: kpis ${status(kpiBench)}`);
  const roundBench = parts.includes('round') ? await attempt(() => runRoundBench({ log })) : skipped<RoundBenchRow[]>();
  log(`bench: round ${status(roundBench)}`);

  const targets = [
    ...(parts.includes('solver') ? solverTargets(solver.ok ? solver.value : undefined) : []),
    ...(parts.includes('e2e') ? e2eTargets(e2e.ok ? e2e.value : undefined) : []),
    ...(parts.includes('bundles') ? bundleTargets(bundles.ok ? bundles.value : undefined) : []),
    ...(parts.includes('imports') ? importTargets(imports.ok ? imports.value : undefined, quick) : []),
    ...(parts.includes('kpis') ? kpiTargets(kpiBench.ok ? kpiBench.value : undefined) : []),
    ...(parts.includes('round') ? roundTargets(roundBench.ok ? roundBench.value : undefined) : []),
  ];
  meta.loadAverageAtEnd = os.loadavg().map((x) => round(x, 2));
  meta.wallMs = Math.round(performance.now());

  const failure = (name: string, o: Outcome<unknown>): Table => ({
    title: `${name}: did not run`,
    columns: ['error'],
    // Repository-relative paths: the table goes into the README.
    rows: [[o.ok ? '' : (o.error.split('\n')[0] ?? '').replaceAll(REPO_ROOT, '')]],
  });
  const tables: Table[] = [];
  if (parts.includes('solver')) tables.push(solver.ok ? solverTable(solver.value) : failure('Solver', solver));
  if (parts.includes('e2e')) tables.push(...(e2e.ok ? e2eTables(e2e.value) : [failure('End to end', e2e)]));
  if (parts.includes('bundles')) tables.push(bundles.ok ? bundleTable(bundles.value) : failure('Bundles', bundles));
  if (parts.includes('imports')) tables.push(imports.ok ? importTable(imports.value) : failure('Register import', imports));
  if (parts.includes('kpis')) tables.push(kpiBench.ok ? kpiTable(kpiBench.value) : failure('Analytics reads', kpiBench));
  if (parts.includes('round')) tables.push(roundBench.ok ? roundTable(roundBench.value) : failure('Market round', roundBench));
  const targetTable: Table = {
    title: 'Targets',
    columns: ['part', 'target', 'measured', 'verdict'],
    rows: targets.map((t) => [t.part, t.target, t.measured, verdict(t.met)]),
  };
  const missed = targets.filter((t) => t.met === false);
  if (missed.length > 0) {
    tables.unshift({
      title: 'Why a target is missed, and what would close it',
      columns: ['target', 'why, and what would close it'],
      rows: missed.map((t) => [t.target, WHY_MISSED.find(([re]) => re.test(t.target))?.[1] ?? 'not analysed']),
    });
  }

  const header = `${quick ? 'Quick' : 'Full'} run ${meta.date}${meta.commit ? ` at ${meta.commit}` : ''}: Node ${meta.node}, ${meta.cpus} CPUs (${meta.cpuModel ?? 'unknown'}), load average ${meta.loadAverageAtStart[0]} at start, ${meta.loadAverageAtEnd[0]} at end.`;
  process.stdout.write(`\n${header}\n\n${[targetTable, ...tables].map(renderText).join('\n\n')}\n`);

  const md = [
    '## Benchmarks',
    '',
    header,
    '',
    'Reproduce: `npm run bench` (full: the solver from 1,000 to 2M pairs, 60 s of end-to-end load, a 100,000-row register import, analytics at 10,000 matches, a market round of 5,000 needs against 500 and 2,000 offerings) or `npm run bench -- --quick` (about 10 minutes, most of it HiGHS at 200k pairs and the surplus solver family); add `-- --only=solver,e2e,bundles,imports,kpis,round` for some parts. Results: `bench/results/latest.json`, `bench/results/latest.md`.',
    '',
    ...[targetTable, ...tables].map((t) => `${renderMarkdown(t)}\n`),
  ].join('\n');

  const json = {
    meta,
    targets,
    solver: solver.ok ? { rows: solver.value, ms: solver.ms } : { error: solver.error },
    e2e: e2e.ok ? { ...e2e.value } : { error: e2e.error },
    bundles: bundles.ok ? { rows: bundles.value, ms: bundles.ms } : { error: bundles.error },
    imports: imports.ok ? { ...imports.value } : { error: imports.error },
    kpis: kpiBench.ok ? { ...kpiBench.value } : { error: kpiBench.error },
    round: roundBench.ok ? { rows: roundBench.value, ms: roundBench.ms } : { error: roundBench.error },
  };
  await fs.mkdir(RESULTS_DIR, { recursive: true });
  const body = `${JSON.stringify(json, null, 2)}\n`;
  const stamp = meta.date.replace(/[:.]/g, '-');
  await fs.writeFile(path.join(RESULTS_DIR, 'latest.json'), body);
  await fs.writeFile(path.join(RESULTS_DIR, `${stamp}${quick ? '-quick' : ''}.json`), body);
  await fs.writeFile(path.join(RESULTS_DIR, 'latest.md'), `${md.trimEnd()}\n`);
  log(`bench: wrote bench/results/latest.json, bench/results/${stamp}${quick ? '-quick' : ''}.json, bench/results/latest.md in ${Math.round(meta.wallMs / 1000)} s`);

  const crashed = [solver, e2e, bundles, imports, kpiBench, roundBench].some((o, i) => parts.includes(PARTS[i]!) && !o.ok);
  return crashed ? 1 : 0;
}

// Exits explicitly: a keep-alive socket or timer left by a library must not hold a finished run open.
process.exit(await main());
