import fc from 'fast-check';
import highsModule, { type Highs } from 'highs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  SolverInputError,
  greedyAssignment,
  solveAssignment,
  type SolverEdge,
  type SolverInput,
  type SolverProvider,
  type SolverResult,
} from '#domain/solver.ts';
import { poolArraysFrom } from '#domain/solver/pool.ts';

// ---------------------------------------------------------------- helpers

/**
 * Runs `check` with every array the solver draws from its pool taken from
 * it, however small (solver/pool.ts): the test instances are small, and
 * this is how they exercise the pool's reuse between the solver's steps
 * and, through the block each closed pool leaves to the next, between
 * solves.
 */
function withEveryArrayPooled(check: () => void): void {
  const restore = poolArraysFrom(0);
  try {
    check();
  } finally {
    restore();
  }
}

const day = (d: number) => new Date(Date.UTC(2026, 9, 1 + d)).toISOString();

/** Needs in (postedAt, id) order: the order ties must favour. */
function rankOrder(input: SolverInput): string[] {
  return [...input.needs]
    .sort((a, b) => Date.parse(a.postedAt) - Date.parse(b.postedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((n) => n.id);
}

/** Best weight per (need, offering) pair among positive edges. */
function bestEdges(input: SolverInput): Map<string, Map<string, number>> {
  const best = new Map<string, Map<string, number>>();
  for (const e of input.edges) {
    if (!(e.weight > 0)) continue;
    const row = best.get(e.need) ?? new Map<string, number>();
    row.set(e.offering, Math.max(row.get(e.offering) ?? -Infinity, e.weight));
    best.set(e.need, row);
  }
  return best;
}

/** Matches of each provider beyond its soft cap, by provider id. */
function overflows(input: SolverInput, assignments: SolverResult['assignments']): Map<string, number> {
  const providerOf = new Map(input.offerings.map((o) => [o.id, o.provider]));
  const load = new Map<string, number>();
  for (const a of assignments) {
    const p = providerOf.get(a.offering);
    if (p !== undefined) load.set(p, (load.get(p) ?? 0) + 1);
  }
  return new Map((input.providers ?? []).map((p) => [p.id, Math.max(0, (load.get(p.id) ?? 0) - p.softCap)]));
}

/**
 * Every need at most once, every offering within capacity, only positive
 * existing edges; objective = weights − penalties beyond soft caps; served
 * counts the assignments.
 */
function expectFeasible(input: SolverInput, result: SolverResult): void {
  const best = bestEdges(input);
  const capacity = new Map(input.offerings.map((o) => [o.id, o.capacity]));
  const seen = new Set<string>();
  const load = new Map<string, number>();
  let total = 0;
  for (const a of result.assignments) {
    expect(seen.has(a.need)).toBe(false);
    seen.add(a.need);
    const w = best.get(a.need)?.get(a.offering);
    expect(w).toBeGreaterThan(0);
    total += w!;
    load.set(a.offering, (load.get(a.offering) ?? 0) + 1);
  }
  for (const [off, used] of load) expect(used).toBeLessThanOrEqual(capacity.get(off)!);
  const penalty = new Map((input.providers ?? []).map((p) => [p.id, p.penalty]));
  for (const [p, over] of overflows(input, result.assignments)) total -= penalty.get(p)! * over;
  expect(result.objective).toBeCloseTo(total, 9);
  expect(result.served).toBe(result.assignments.length);
}

/**
 * Exhaustive oracle for tiny markets: the optimum in hundredths (weights
 * and penalties are multiples of 0.01) — with servedFirst, the optimum
 * among the assignments serving the most needs — and, among optimal
 * assignments, the placed needs that are lexicographically best in
 * (postedAt, id) order.
 */
function oracle(input: SolverInput): { served: number; cents: number; placed: string[] } {
  const order = rankOrder(input);
  const best = bestEdges(input);
  const capacity = new Map(input.offerings.map((o) => [o.id, o.capacity]));
  const options = order.map((id) => [...(best.get(id) ?? new Map<string, number>())]);
  const used = new Map<string, number>();
  const placed: boolean[] = order.map(() => false);
  const chosen: { need: string; offering: string }[] = [];
  const penaltyCents = new Map((input.providers ?? []).map((p) => [p.id, Math.round(p.penalty * 100)]));
  let bestKey: [number, number] = [-1, -Infinity];
  let bestPlaced: boolean[] = [];
  const lexBetter = (a: boolean[], b: boolean[]) => {
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]!;
    return false;
  };
  const walk = (k: number, cents: number): void => {
    if (k === order.length) {
      let net = cents;
      for (const [p, over] of overflows(input, chosen)) net -= penaltyCents.get(p)! * over;
      const key: [number, number] = [input.servedFirst ? chosen.length : 0, net];
      const cmp = key[0] - bestKey[0] || key[1] - bestKey[1];
      if (cmp > 0 || (cmp === 0 && lexBetter(placed, bestPlaced))) {
        bestKey = key;
        bestPlaced = [...placed];
      }
      return;
    }
    placed[k] = false;
    walk(k + 1, cents);
    for (const [off, w] of options[k]!) {
      const u = used.get(off) ?? 0;
      if (u >= capacity.get(off)!) continue;
      used.set(off, u + 1);
      placed[k] = true;
      chosen.push({ need: order[k]!, offering: off });
      walk(k + 1, cents + Math.round(w * 100));
      chosen.pop();
      used.set(off, u);
    }
    placed[k] = false;
  };
  walk(0, 0);
  const placedIds = order.filter((_, k) => bestPlaced[k]);
  return { served: placedIds.length, cents: bestKey[1], placed: placedIds };
}

const placedNeeds = (r: SolverResult) => r.assignments.map((a) => a.need).sort();

/**
 * The solver's answer on a tiny market is the exhaustive oracle's: feasible,
 * the most served when asked, the optimum, the same placed needs. Returns
 * the oracle's answer.
 */
function expectOracleAnswer(input: SolverInput): ReturnType<typeof oracle> {
  const result = solveAssignment(input);
  expectFeasible(input, result);
  const best = oracle(input);
  if (input.servedFirst) expect(result.served).toBe(best.served);
  expect(Math.round(result.objective * 100) + 0).toBe(best.cents); // + 0: a float sum of exactly nothing may be -0
  expect(placedNeeds(result)).toEqual([...best.placed].sort());
  return best;
}

/** Pseudo-random generator for the medium instances (fast-check picks the seed). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function mediumMarket(seed: number, weight: (r: () => number) => number): SolverInput {
  const r = rng(seed);
  const nNeeds = 30 + Math.floor(r() * 31);
  const nOffs = 5 + Math.floor(r() * 11);
  const needs = Array.from({ length: nNeeds }, (_, i) => ({ id: `n${i}`, postedAt: day(Math.floor(r() * 5)) }));
  const offerings = Array.from({ length: nOffs }, (_, j) => ({ id: `o${j}`, capacity: Math.floor(r() * 6) }));
  const edges: SolverEdge[] = [];
  for (const n of needs) for (const o of offerings) if (r() < 0.35) edges.push({ need: n.id, offering: o.id, weight: weight(r) });
  return { needs, offerings, edges };
}

/**
 * A medium market whose offerings belong to three providers (one offering
 * in five to none) with soft caps of 0–8 and penalties from `penalty`,
 * solved served-first or not.
 */
function cappedMarket(seed: number, weight: (r: () => number) => number, penalty: (r: () => number) => number, servedFirst: boolean): SolverInput {
  const base = mediumMarket(seed, weight);
  const r = rng(seed ^ 0x5bd1e995);
  const providers = ['p0', 'p1', 'p2'].map((id) => ({ id, softCap: Math.floor(r() * 9), penalty: penalty(r) }));
  const offerings = base.offerings.map((o) => (r() < 0.2 ? o : { ...o, provider: providers[Math.floor(r() * 3)]!.id }));
  return { ...base, offerings, providers, servedFirst };
}

/**
 * The market as a CPLEX LP text for HiGHS: a column x per edge, a column y
 * per provider for its matches beyond the soft cap. `cost` gives each
 * edge's objective coefficient, `overflowCost` each provider's (default
 * −penalty); `minServed` adds the row Σx ≥ minServed.
 */
function toLp(
  input: SolverInput,
  cost: (e: SolverEdge) => number,
  opts: { overflowCost?: (p: SolverProvider) => number; minServed?: number } = {},
): { lp: string; vars: SolverEdge[] } {
  const best = bestEdges(input);
  const vars: SolverEdge[] = [];
  for (const [need, row] of best) for (const [offering, weight] of row) vars.push({ need, offering, weight });
  const providers = input.providers ?? [];
  const overflowCost = opts.overflowCost ?? ((p: SolverProvider) => -p.penalty);
  const terms = [...vars.map((e, k) => `${cost(e)} x${k}`), ...providers.map((p, q) => `${overflowCost(p)} y${q}`)];
  const rows: string[] = [];
  const rowOf = (label: string, ks: number[], rhs: number, extra = '') => {
    if (ks.length > 0) rows.push(` ${label}: ${ks.map((k) => `x${k}`).join(' + ')}${extra} <= ${rhs}`);
  };
  input.needs.forEach((n, i) => rowOf(`n${i}`, vars.flatMap((e, k) => (e.need === n.id ? [k] : [])), 1));
  input.offerings.forEach((o, j) =>
    rowOf(`o${j}`, vars.flatMap((e, k) => (e.offering === o.id ? [k] : [])), o.capacity),
  );
  const providerOf = new Map(input.offerings.map((o) => [o.id, o.provider]));
  providers.forEach((p, q) =>
    rowOf(`p${q}`, vars.flatMap((e, k) => (providerOf.get(e.offering) === p.id ? [k] : [])), p.softCap, ` - y${q}`),
  );
  if (opts.minServed !== undefined && vars.length > 0) {
    rows.push(` served: ${vars.map((_, k) => `x${k}`).join(' + ')} >= ${opts.minServed}`);
  }
  const lp = [
    'Maximize',
    ` obj: ${terms.length > 0 ? terms.join('\n + ') : '0 x_empty'}`,
    'Subject To',
    ...(rows.length > 0 ? rows : [' none: 0 x_empty <= 1']),
    'Bounds',
    ...vars.map((_, k) => ` 0 <= x${k} <= 1`),
    ...providers.map((_, q) => ` y${q} >= 0`),
    'End',
  ].join('\n');
  return { lp, vars };
}

/**
 * HiGHS's optimum of the market's own objective (served-first: the most
 * needs, then the best objective with that many served) and how many it
 * serves.
 */
function highsOptimum(input: SolverInput, cost: (e: SolverEdge) => number = (e) => e.weight, overflowCost?: (p: SolverProvider) => number) {
  let minServed: number | undefined;
  if (input.servedFirst) {
    minServed = Math.round(highsSolve(toLp(input, () => 1, { overflowCost: () => 0 }).lp).objective);
  }
  const { lp, vars } = toLp(input, cost, { overflowCost, minServed });
  const h = highsSolve(lp);
  return { ...h, vars, served: vars.reduce((sum, _, k) => sum + (h.x(k) > 0.5 ? 1 : 0), 0) };
}

// highs declares its ESM build with CommonJS-style types: under NodeNext the
// default import is typed as the module object, at run time it is the loader.
const loadHighs = highsModule as unknown as typeof highsModule.default;
let highs: Highs;
beforeAll(async () => {
  highs = await loadHighs();
});

function highsSolve(lp: string): { objective: number; x: (k: number) => number } {
  const r = highs.solve(lp, { solver: 'simplex', output_flag: false });
  expect(r.Status).toBe('Optimal');
  return {
    objective: r.ObjectiveValue,
    x: (k) => {
      const col = r.Columns[`x${k}`];
      return col && 'Primal' in col ? col.Primal : 0;
    },
  };
}

// ------------------------------------------------------------------- tests

describe('solveAssignment optimality', () => {
  const tinyMarket = fc
    .record({
      days: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 6 }),
      caps: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
      edges: fc.array(fc.record({ i: fc.nat(5), j: fc.nat(3), cents: fc.integer({ min: -100, max: 400 }) }), {
        maxLength: 16,
      }),
      tied: fc.boolean(),
      reversed: fc.boolean(),
    })
    .map(({ days, caps, edges, tied, reversed }): SolverInput => {
      const needs = days.map((d, i) => ({ id: `n${(i * 5) % 7}`, postedAt: day(d) }));
      return {
        needs: reversed ? [...needs].reverse() : needs,
        offerings: caps.map((c, j) => ({ id: `o${j}`, capacity: c })),
        edges: edges
          .filter((e) => e.i < needs.length && e.j < caps.length)
          // Tied markets draw from {1, 2} so many optimal assignments exist.
          .map((e) => ({ need: needs[e.i]!.id, offering: `o${e.j}`, weight: tied ? 1 + (Math.abs(e.cents) % 2) : e.cents / 100 })),
      };
    });

  it('matches the exhaustive optimum and places the earliest needs among optimal assignments', () => {
    fc.assert(
      fc.property(tinyMarket, (input) => {
        expectOracleAnswer(input);
      }),
      { numRuns: 400 },
    );
  });

  it('stays exact with every array drawn from the pool and reused between steps and solves', () => {
    withEveryArrayPooled(() => {
      fc.assert(
        fc.property(tinyMarket, (input) => {
          expectOracleAnswer(input);
        }),
        { numRuns: 200 },
      );
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
          const input = mediumMarket(seed, (r) => 0.25 + r() * 124.75);
          const lp = highsSolve(toLp(input, (e) => e.weight).lp);
          expect(Math.abs(solveAssignment(input).objective - lp.objective)).toBeLessThanOrEqual(1e-6 * input.needs.length + 1e-9);
        }),
        { numRuns: 10 },
      );
    });
  });

  it('matches the HiGHS LP optimum on medium markets', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const input = mediumMarket(seed, (r) => 0.25 + r() * 124.75);
        const result = solveAssignment(input);
        expectFeasible(input, result);
        const lp = highsSolve(toLp(input, (e) => e.weight).lp);
        // Weights are compared at 1e-6, so the optimum may differ by that per need.
        expect(Math.abs(result.objective - lp.objective)).toBeLessThanOrEqual(1e-6 * input.needs.length + 1e-9);
      }),
      { numRuns: 40 },
    );
  });

  it('matches HiGHS on the earliest-need tie-break of medium tied markets', () => {
    // Weight·(n + 1) + (n − rank) is an exact lexicographic objective: one
    // alternating path changes the rank bonus by at most n.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const input = mediumMarket(seed, (r) => 1 + Math.floor(r() * 3));
        const n = input.needs.length;
        const rank = new Map(rankOrder(input).map((id, r) => [id, r]));
        const { lp, vars } = toLp(input, (e) => e.weight * (n + 1) + (n - rank.get(e.need)!));
        const h = highsSolve(lp);
        const expected = vars.flatMap((e, k) => (h.x(k) > 0.5 ? [e.need] : [])).sort();
        const result = solveAssignment(input);
        expect(placedNeeds(result)).toEqual(expected);
        const optimum = vars.reduce((sum, e, k) => sum + (h.x(k) > 0.5 ? e.weight : 0), 0);
        expect(result.objective).toBe(optimum);
      }),
      { numRuns: 40 },
    );
  });

  it('stays exact when huge weights force a coarser resolution', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const input = mediumMarket(seed, (r) => 1e9 + Math.floor(r() * 1000) * 1e4);
        const result = solveAssignment(input);
        expectFeasible(input, result);
        expect(result.objective).toBe(highsSolve(toLp(input, (e) => e.weight).lp).objective);
      }),
      { numRuns: 15 },
    );
  });

  it('beats greedy where taking the heaviest edge first blocks a better pair', () => {
    const input: SolverInput = {
      needs: [
        { id: 'a', postedAt: day(0) },
        { id: 'b', postedAt: day(1) },
      ],
      offerings: [
        { id: 'x', capacity: 1 },
        { id: 'y', capacity: 1 },
      ],
      edges: [
        { need: 'a', offering: 'x', weight: 3 },
        { need: 'a', offering: 'y', weight: 2 },
        { need: 'b', offering: 'x', weight: 2 },
      ],
    };
    expect(greedyAssignment(input).objective).toBe(3);
    const result = solveAssignment(input);
    expect(result.objective).toBe(4);
    expect(result.assignments).toEqual([
      { need: 'a', offering: 'y' },
      { need: 'b', offering: 'x' },
    ]);
  });

  it('runs greedy heaviest edge first, also when weights are too large to pack sort keys', () => {
    // 200 needs × 12 offerings, every pair, weights near 1e12: the coarsened
    // integer weights (no common factor) times the edge count pass 2^53.
    const r = rng(7);
    const needs = Array.from({ length: 200 }, (_, i) => ({ id: `n${String(i).padStart(3, '0')}`, postedAt: day(0) }));
    const offerings = Array.from({ length: 12 }, (_, j) => ({ id: `o${j}`, capacity: 1 + (j % 4) }));
    const edges = needs.flatMap((n) =>
      offerings.map((o) => ({ need: n.id, offering: o.id, weight: 1e12 + r() * 1e9 })),
    );
    const left = new Map(offerings.map((o) => [o.id, o.capacity]));
    const taken = new Set<string>();
    const expected: { need: string; offering: string }[] = [];
    for (const e of [...edges].sort((a, b) => b.weight - a.weight)) {
      if (taken.has(e.need) || left.get(e.offering)! === 0) continue;
      taken.add(e.need);
      left.set(e.offering, left.get(e.offering)! - 1);
      expected.push({ need: e.need, offering: e.offering });
    }
    const greedy = greedyAssignment({ needs, offerings, edges });
    expect(greedy.assignments).toEqual(expected.sort((a, b) => (a.need < b.need ? -1 : 1)));
  });

  it('keeps greedy feasible and never above the optimum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const input = mediumMarket(seed, (r) => 0.25 + r() * 124.75);
        const greedy = greedyAssignment(input);
        expectFeasible(input, greedy);
        expect(greedy.objective).toBeLessThanOrEqual(solveAssignment(input).objective + 1e-9);
      }),
      { numRuns: 20 },
    );
  });
});

describe('solveAssignment degenerate markets and tie-breaking', () => {
  it('returns nothing for a market without edges', () => {
    const input: SolverInput = { needs: [{ id: 'a', postedAt: day(0) }], offerings: [{ id: 'x', capacity: 3 }], edges: [] };
    expect(solveAssignment(input)).toEqual({ assignments: [], objective: 0, served: 0 });
    expect(solveAssignment({ needs: [], offerings: [], edges: [] })).toEqual({ assignments: [], objective: 0, served: 0 });
  });

  it('assigns nothing to offerings with zero capacity', () => {
    const input: SolverInput = {
      needs: [
        { id: 'a', postedAt: day(0) },
        { id: 'b', postedAt: day(0) },
      ],
      offerings: [
        { id: 'x', capacity: 0 },
        { id: 'y', capacity: 1 },
      ],
      edges: [
        { need: 'a', offering: 'x', weight: 9 },
        { need: 'b', offering: 'x', weight: 9 },
        { need: 'b', offering: 'y', weight: 1 },
      ],
    };
    expect(solveAssignment(input)).toEqual({ assignments: [{ need: 'b', offering: 'y' }], objective: 1, served: 1 });
  });

  it('places the earliest needs when every weight is tied', () => {
    const input: SolverInput = {
      needs: [
        { id: 'late', postedAt: day(4) },
        { id: 'second', postedAt: day(1) },
        { id: 'third-b', postedAt: day(2) },
        { id: 'first', postedAt: day(0) },
        { id: 'third-a', postedAt: day(2) },
      ],
      offerings: [
        { id: 'x', capacity: 2 },
        { id: 'y', capacity: 1 },
      ],
      edges: ['late', 'second', 'third-b', 'first', 'third-a'].flatMap((need) => [
        { need, offering: 'x', weight: 1 },
        { need, offering: 'y', weight: 1 },
      ]),
    };
    const result = solveAssignment(input);
    expect(result.objective).toBe(3);
    // Same postedAt: the smaller id wins. Output lists needs in that order too.
    expect(result.assignments.map((a) => a.need)).toEqual(['first', 'second', 'third-a']);
  });

  it('gives a contested slot to the earlier need, whatever the input order', () => {
    const needs = [
      { id: 'b', postedAt: '2026-10-01T09:00:00.000Z' },
      { id: 'a', postedAt: '2026-10-01T10:00:00+02:00' }, // 08:00Z, the earliest
    ];
    const edges = [
      { need: 'b', offering: 'x', weight: 2.5 },
      { need: 'a', offering: 'x', weight: 2.5 },
    ];
    const offerings = [{ id: 'x', capacity: 1 }];
    expect(solveAssignment({ needs, offerings, edges }).assignments).toEqual([{ need: 'a', offering: 'x' }]);
    expect(
      solveAssignment({ needs: [...needs].reverse(), offerings, edges: [...edges].reverse() }).assignments,
    ).toEqual([{ need: 'a', offering: 'x' }]);
  });

  it('ranks needs posted centuries apart by time, then id', () => {
    // 50 needs over ~8000 years: time offset × count no longer packs into a
    // double, so ranking takes the comparator path.
    const needs = Array.from({ length: 50 }, (_, i) => ({
      id: `n${String(49 - i).padStart(2, '0')}`,
      postedAt: new Date(Date.UTC(1000 + (i % 25) * 320, 0, 1)).toISOString(),
    }));
    const offerings = [{ id: 'x', capacity: 3 }];
    const edges = needs.map((n) => ({ need: n.id, offering: 'x', weight: 1 }));
    const input = { needs, offerings, edges };
    expect(solveAssignment(input).assignments.map((a) => a.need)).toEqual(rankOrder(input).slice(0, 3));
    expect(rankOrder(input).slice(0, 3)).toEqual(['n24', 'n49', 'n23']);
  });

  it('never trades weight for an earlier need', () => {
    const input: SolverInput = {
      needs: [
        { id: 'early', postedAt: day(0) },
        { id: 'later', postedAt: day(1) },
      ],
      offerings: [{ id: 'x', capacity: 1 }],
      edges: [
        { need: 'early', offering: 'x', weight: 1 },
        { need: 'later', offering: 'x', weight: 1.000001 },
      ],
    };
    expect(solveAssignment(input).assignments).toEqual([{ need: 'later', offering: 'x' }]);
  });

  it('gives a single need its best offering', () => {
    const input: SolverInput = {
      needs: [{ id: 'a', postedAt: day(0) }],
      offerings: [
        { id: 'x', capacity: 1 },
        { id: 'y', capacity: 5 },
      ],
      edges: [
        { need: 'a', offering: 'x', weight: 0.4 },
        { need: 'a', offering: 'y', weight: 0.7 },
      ],
    };
    expect(solveAssignment(input)).toEqual({ assignments: [{ need: 'a', offering: 'y' }], objective: 0.7, served: 1 });
  });

  it('never chooses an edge of zero or negative weight', () => {
    const input: SolverInput = {
      needs: [
        { id: 'a', postedAt: day(0) },
        { id: 'b', postedAt: day(1) },
      ],
      offerings: [{ id: 'x', capacity: 2 }],
      edges: [
        { need: 'a', offering: 'x', weight: 0 },
        { need: 'b', offering: 'x', weight: -3 },
      ],
    };
    expect(solveAssignment(input)).toEqual({ assignments: [], objective: 0, served: 0 });
  });

  it('counts a duplicated pair once, at its best weight', () => {
    const input: SolverInput = {
      needs: [{ id: 'a', postedAt: day(0) }],
      offerings: [{ id: 'x', capacity: 3 }],
      edges: [
        { need: 'a', offering: 'x', weight: 1 },
        { need: 'a', offering: 'x', weight: 4 },
        { need: 'a', offering: 'x', weight: 2 },
      ],
    };
    expect(solveAssignment(input)).toEqual({ assignments: [{ need: 'a', offering: 'x' }], objective: 4, served: 1 });
  });

  it('returns the same assignment for any order of needs, offerings and edges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer(), (seed, shuffleSeed) => {
        const input = mediumMarket(seed, (r) => 1 + Math.floor(r() * 3));
        const r = rng(shuffleSeed);
        const shuffle = <T>(xs: T[]) =>
          xs
            .map((x) => [r(), x] as const)
            .sort((a, b) => a[0] - b[0])
            .map(([, x]) => x);
        const shuffled = { needs: shuffle(input.needs), offerings: shuffle(input.offerings), edges: shuffle(input.edges) };
        expect(solveAssignment(shuffled)).toEqual(solveAssignment(input));
      }),
      { numRuns: 20 },
    );
  });
});

describe('solveAssignment with provider soft caps and servedFirst', () => {
  const tinyCapped = fc
    .record({
      days: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 6 }),
      caps: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
      owners: fc.array(fc.integer({ min: -1, max: 1 }), { minLength: 4, maxLength: 4 }),
      providers: fc.array(fc.record({ softCap: fc.integer({ min: 0, max: 2 }), cents: fc.integer({ min: 0, max: 300 }) }), {
        minLength: 2,
        maxLength: 2,
      }),
      edges: fc.array(fc.record({ i: fc.nat(5), j: fc.nat(3), cents: fc.integer({ min: -100, max: 400 }) }), {
        maxLength: 16,
      }),
      tied: fc.boolean(),
      servedFirst: fc.boolean(),
    })
    .map(({ days, caps, owners, providers, edges, tied, servedFirst }): SolverInput => {
      const needs = days.map((d, i) => ({ id: `n${(i * 5) % 7}`, postedAt: day(d) }));
      return {
        needs,
        offerings: caps.map((c, j) => ({ id: `o${j}`, capacity: c, ...(owners[j]! >= 0 ? { provider: `p${owners[j]}` } : {}) })),
        providers: providers.map((p, q) => ({ id: `p${q}`, softCap: p.softCap, penalty: p.cents / 100 })),
        servedFirst,
        edges: edges
          .filter((e) => e.i < needs.length && e.j < caps.length)
          .map((e) => ({ need: needs[e.i]!.id, offering: `o${e.j}`, weight: tied ? 1 + (Math.abs(e.cents) % 2) : e.cents / 100 })),
      };
    });

  it('matches the exhaustive optimum (most served first when asked) and places the earliest needs', () => {
    fc.assert(
      fc.property(tinyCapped, (input) => {
        expectOracleAnswer(input);
      }),
      { numRuns: 400 },
    );
  });

  /** At most as many slots as needs, taken from the offerings in order. */
  const shortOf = (input: SolverInput): SolverInput => {
    let left = input.needs.length;
    const offerings = input.offerings.map((o) => {
      const capacity = Math.min(o.capacity, left);
      left -= capacity;
      return { ...o, capacity };
    });
    return { ...input, offerings, servedFirst: true };
  };

  it('matches the exhaustive optimum where capacity is short (served first)', () => {
    // No more slots than needs: the solver first guesses that every slot
    // fills and solves the weights on that face by the auction, certified,
    // and falls back to the general path when the guess fails. Either way
    // the oracle's answer.
    fc.assert(
      fc.property(tinyCapped.map(shortOf), (input) => {
        expectOracleAnswer(input);
      }),
      { numRuns: 400 },
    );
  });

  /** Served first, with room on every offering for most of its edges: often every need can be served, not always. */
  const ampleOf = (input: SolverInput): SolverInput => ({
    ...input,
    offerings: input.offerings.map((o) => ({ ...o, capacity: o.capacity + 2 })),
    servedFirst: true,
  });

  /** Usable slots (each offering's capacity, at most its needs) and needs that could use one. */
  const slotsAndCandidates = (input: SolverInput): [number, number] => {
    const usable = input.edges.filter((e) => e.weight > 0 && input.offerings.find((o) => o.id === e.offering)!.capacity > 0);
    const slots = input.offerings.reduce(
      (sum, o) => sum + Math.min(o.capacity, new Set(usable.filter((e) => e.offering === o.id).map((e) => e.need)).size),
      0,
    );
    return [slots, new Set(usable.map((e) => e.need)).size];
  };

  it('matches the exhaustive optimum where capacity may serve every need (served first)', () => {
    // With at least as many usable slots as needs, the solver guesses that
    // every need can be served, solves the weights without the waits, and
    // falls back to the general path when no such flow exists (two needs
    // that share one slot, say).
    fc.assert(
      fc.property(tinyCapped.map(ampleOf), (input) => {
        const [slots, candidates] = slotsAndCandidates(input);
        fc.pre(candidates > 0 && slots >= candidates);
        expectOracleAnswer(input);
      }),
      { numRuns: 400 },
    );
  });

  // k needs can only use X (c < k slots); b ≥ k − c others can use Y and
  // Z (b slots each), so the slots outnumber the needs, yet at most
  // c + b are served: the guess always fails here and the general path
  // must give the oracle's answer.
  const crowded = fc
    .record({
      k: fc.integer({ min: 2, max: 4 }),
      c: fc.integer({ min: 1, max: 3 }),
      extra: fc.integer({ min: 0, max: 1 }),
      days: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 8, maxLength: 8 }),
      cents: fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 12, maxLength: 12 }),
      owned: fc.boolean(),
      softCap: fc.integer({ min: 0, max: 2 }),
      penalty: fc.integer({ min: 0, max: 300 }),
    })
    .filter(({ k, c }) => c < k)
    .map(({ k, c, extra, days, cents, owned, softCap, penalty }): SolverInput => {
      const b = k - c + extra;
      const needs = Array.from({ length: k + b }, (_, i) => ({ id: `n${i}`, postedAt: day(days[i]!) }));
      let w = 0;
      const edges = needs.flatMap((n, i) =>
        i < k ? [{ need: n.id, offering: 'X', weight: cents[w++]! / 100 }] : ['Y', 'Z'].map((o) => ({ need: n.id, offering: o, weight: cents[w++]! / 100 })),
      );
      return {
        needs,
        offerings: [
          { id: 'X', capacity: c },
          { id: 'Y', capacity: b, ...(owned ? { provider: 'p' } : {}) },
          { id: 'Z', capacity: b, ...(owned ? { provider: 'p' } : {}) },
        ],
        providers: owned ? [{ id: 'p', softCap, penalty: penalty / 100 }] : [],
        edges,
        servedFirst: true,
      };
    });
  it('matches the exhaustive optimum where slots outnumber needs but a crowd shares too few (served first)', () => {
    fc.assert(
      fc.property(crowded, (input) => {
        const [slots, candidates] = slotsAndCandidates(input);
        expect(slots).toBeGreaterThanOrEqual(candidates);
        expect(expectOracleAnswer(input).served).toBeLessThan(candidates);
      }),
      { numRuns: 200 },
    );
  });

  it('serves the most needs when slots outnumber needs but two needs share one slot', () => {
    // Four usable slots for four needs, yet a and b can only use X (one
    // slot): the guess that every need is served fails, and the general
    // path serves three, b (the heavier) at X.
    const input: SolverInput = {
      needs: ['a', 'b', 'c', 'd'].map((id, i) => ({ id, postedAt: day(i) })),
      offerings: [
        { id: 'X', capacity: 1 },
        { id: 'Y', capacity: 2 },
        { id: 'Z', capacity: 1 },
      ],
      edges: [
        { need: 'a', offering: 'X', weight: 1 },
        { need: 'b', offering: 'X', weight: 2 },
        { need: 'c', offering: 'Y', weight: 1 },
        { need: 'c', offering: 'Z', weight: 1 },
        { need: 'd', offering: 'Y', weight: 1 },
        { need: 'd', offering: 'Z', weight: 1 },
      ],
      servedFirst: true,
    };
    const result = solveAssignment(input);
    expectFeasible(input, result);
    expect(result.served).toBe(3);
    expect(result.objective).toBe(4);
    expect(placedNeeds(result)).toEqual(['b', 'c', 'd']);
    expect(result.assignments.find((a) => a.need === 'b')?.offering).toBe('X');
  });

  it('stays exact with every array drawn from the pool and reused between steps and solves (caps, servedFirst, short, ample or crowded capacity)', () => {
    withEveryArrayPooled(() => {
      fc.assert(
        fc.property(fc.oneof(tinyCapped, tinyCapped.map(shortOf), tinyCapped.map(ampleOf), crowded), (input) => {
          expectOracleAnswer(input);
        }),
        { numRuns: 300 },
      );
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.boolean(), fc.boolean(), (seed, servedFirst, short) => {
          const market = cappedMarket(seed, (r) => 0.25 + r() * 124.75, (r) => r() * 60, servedFirst);
          const input = short ? shortOf(market) : market;
          const result = solveAssignment(input);
          const h = highsOptimum(input);
          if (input.servedFirst) expect(result.served).toBe(h.served);
          expect(Math.abs(result.objective - h.objective)).toBeLessThanOrEqual(1e-6 * input.needs.length + 1e-6);
        }),
        { numRuns: 12 },
      );
    });
  });

  it('answers a market the same before and after other solves have written over the memory it reuses', () => {
    withEveryArrayPooled(() => {
      const market = mediumMarket(7, (r) => 0.25 + r() * 124.75);
      const first = solveAssignment(market);
      solveAssignment(cappedMarket(8, (r) => 1 + Math.floor(r() * 2), (r) => r() * 60, true));
      solveAssignment(shortOf(cappedMarket(9, (r) => 0.25 + r() * 124.75, (r) => r() * 60, true)));
      expect(solveAssignment(market)).toEqual(first);
    });
  });

  it.each([
    ['distinct', (r: () => number) => 0.25 + r() * 124.75],
    ['tied', (r: () => number) => 1 + Math.floor(r() * 2)],
  ])('matches the HiGHS LP optimum on medium short-capacity capped markets (%s weights, servedFirst)', (_, weight) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const input = shortOf(cappedMarket(seed, weight, (r) => r() * 60, true));
        const result = solveAssignment(input);
        expectFeasible(input, result);
        const h = highsOptimum(input);
        expect(result.served).toBe(h.served);
        expect(Math.abs(result.objective - h.objective)).toBeLessThanOrEqual(1e-6 * input.needs.length + 1e-6);
      }),
      { numRuns: 25 },
    );
  });

  it.each([false, true])('matches the HiGHS LP optimum on medium capped markets (servedFirst %s)', (servedFirst) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const input = cappedMarket(seed, (r) => 0.25 + r() * 124.75, (r) => r() * 60, servedFirst);
        const result = solveAssignment(input);
        expectFeasible(input, result);
        const h = highsOptimum(input);
        expect(result.served).toBeGreaterThanOrEqual(servedFirst ? h.served : 0);
        if (servedFirst) expect(result.served).toBe(h.served);
        expect(Math.abs(result.objective - h.objective)).toBeLessThanOrEqual(1e-6 * input.needs.length + 1e-6);
      }),
      { numRuns: 25 },
    );
  });

  it.each([false, true])('matches HiGHS on the earliest-need tie-break of tied capped markets (servedFirst %s)', (servedFirst) => {
    // Objective·(n + 1) + (n − rank) is an exact lexicographic objective:
    // one residual cycle changes the rank bonus by at most n.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const input = cappedMarket(seed, (r) => 1 + Math.floor(r() * 3), (r) => Math.floor(r() * 3), servedFirst);
        const n = input.needs.length;
        const rank = new Map(rankOrder(input).map((id, r) => [id, r]));
        const h = highsOptimum(
          input,
          (e) => e.weight * (n + 1) + (n - rank.get(e.need)!),
          (p) => -p.penalty * (n + 1),
        );
        const expected = h.vars.flatMap((e, k) => (h.x(k) > 0.5 ? [e.need] : [])).sort();
        const result = solveAssignment(input);
        expectFeasible(input, result);
        expect(placedNeeds(result)).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  });

  it.each([false, true])('matches HiGHS on capped markets whose weights are too large to combine objective and tie-break (servedFirst %s)', (servedFirst) => {
    // Weights near 1e9 with no common factor: weight units · (n + 1) pass
    // the exact range, so the objective and the earliest-need choice run as
    // two flows, the second on the optimal face of the first.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const input = cappedMarket(seed, (r) => 1e9 + r() * 1e6, (r) => r() * 1e6, servedFirst);
        const result = solveAssignment(input);
        expectFeasible(input, result);
        const h = highsOptimum(input);
        if (servedFirst) expect(result.served).toBe(h.served);
        expect(Math.abs(result.objective - h.objective)).toBeLessThanOrEqual(1e-9 * Math.abs(h.objective));
      }),
      { numRuns: 15 },
    );
  });

  it('gives ties to the earlier needs when the objective and the tie-break run as two flows', () => {
    // Two weights one resolution unit apart near 1.2e8 (no common factor to
    // divide out): too large to fold the rank bonus into the costs.
    const w = 123456789.123457;
    const needs = ['d', 'c', 'b', 'a'].map((id, k) => ({ id, postedAt: day(3 - k) }));
    const input: SolverInput = {
      needs,
      offerings: [
        { id: 'x', capacity: 2, provider: 'p' },
        { id: 'y', capacity: 1, provider: 'p' },
      ],
      providers: [{ id: 'p', softCap: 3, penalty: 1 }],
      edges: [
        ...needs.map((n) => ({ need: n.id, offering: 'x', weight: w })),
        { need: 'd', offering: 'y', weight: w + 1e-6 },
        { need: 'c', offering: 'y', weight: w + 1e-6 },
      ],
    };
    const result = solveAssignment(input);
    // y goes to c (the earlier of the two that value it more), x to a and b.
    expect(result.assignments).toEqual([
      { need: 'a', offering: 'x' },
      { need: 'b', offering: 'x' },
      { need: 'c', offering: 'y' },
    ]);
    expect(result.served).toBe(3);
  });

  it('never serves fewer needs with servedFirst than without it, and never earns more without it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.boolean(), (seed, tied) => {
        const weight = tied ? () => 1 : (r: () => number) => 0.25 + r() * 124.75;
        const plain = cappedMarket(seed, weight, (r) => r() * 200, false);
        const first = solveAssignment({ ...plain, servedFirst: true });
        const without = solveAssignment(plain);
        expect(first.served).toBeGreaterThanOrEqual(without.served);
        expect(first.objective).toBeLessThanOrEqual(without.objective + 1e-9);
      }),
      { numRuns: 30 },
    );
  });

  it('keeps every provider within its soft cap when the penalty is huge and others have room', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.boolean(), (seed, servedFirst) => {
        // Every need may also use a spare offering of an uncapped provider
        // with room for all: the capped providers never need to overflow.
        const input = cappedMarket(seed, (r) => 0.25 + r() * 124.75, () => 1e6, servedFirst);
        const spare = { id: 'spare', capacity: input.needs.length };
        const edges = [...input.edges, ...input.needs.map((n) => ({ need: n.id, offering: spare.id, weight: 0.01 }))];
        const withSpare = { ...input, offerings: [...input.offerings, spare], edges };
        const result = solveAssignment(withSpare);
        expectFeasible(withSpare, result);
        for (const over of overflows(withSpare, result.assignments).values()) expect(over).toBe(0);
        expect(result.served).toBe(input.needs.length);
      }),
      { numRuns: 30 },
    );
  });

  it('still serves a need beyond the soft cap when it has no alternative, if serving comes first', () => {
    const input: SolverInput = {
      needs: [
        { id: 'a', postedAt: day(0) },
        { id: 'b', postedAt: day(1) },
      ],
      offerings: [{ id: 'x', capacity: 2, provider: 'big' }],
      providers: [{ id: 'big', softCap: 1, penalty: 50 }],
      edges: [
        { need: 'a', offering: 'x', weight: 3 },
        { need: 'b', offering: 'x', weight: 4 },
      ],
    };
    // Weighing alone, the second match costs more than it brings.
    expect(solveAssignment(input)).toEqual({ assignments: [{ need: 'b', offering: 'x' }], objective: 4, served: 1 });
    expect(solveAssignment({ ...input, servedFirst: true })).toEqual({
      assignments: [
        { need: 'a', offering: 'x' },
        { need: 'b', offering: 'x' },
      ],
      objective: 3 + 4 - 50,
      served: 2,
    });
  });

  it('spreads matches to a second provider when the first passes its soft cap', () => {
    // Two needs, two providers of equal fit: a penalty above the fit gap
    // sends the second need to the other provider.
    const input: SolverInput = {
      needs: [
        { id: 'a', postedAt: day(0) },
        { id: 'b', postedAt: day(1) },
      ],
      offerings: [
        { id: 'x', capacity: 5, provider: 'p' },
        { id: 'y', capacity: 5, provider: 'q' },
      ],
      providers: [
        { id: 'p', softCap: 1, penalty: 0.5 },
        { id: 'q', softCap: 1, penalty: 0.5 },
      ],
      edges: ['a', 'b'].flatMap((need) => [
        { need, offering: 'x', weight: 1.2 },
        { need, offering: 'y', weight: 1 },
      ]),
    };
    const result = solveAssignment(input);
    expect(result.objective).toBeCloseTo(2.2, 12);
    expect(result.assignments.map((a) => a.offering).sort()).toEqual(['x', 'y']);
  });

  it('serves the most needs first: an earlier need with another option gives way', () => {
    // The plan's case: a little giant could use X or remote Y, a small firm
    // only X. Served first, both are served.
    const input: SolverInput = {
      needs: [
        { id: 'giant', postedAt: day(0) },
        { id: 'small', postedAt: day(1) },
      ],
      offerings: [
        { id: 'X', capacity: 1 },
        { id: 'Y', capacity: 1 },
      ],
      edges: [
        { need: 'giant', offering: 'X', weight: 125 },
        { need: 'giant', offering: 'Y', weight: 10 },
        { need: 'small', offering: 'X', weight: 2 },
      ],
      servedFirst: true,
    };
    expect(solveAssignment(input)).toEqual({
      assignments: [
        { need: 'giant', offering: 'Y' },
        { need: 'small', offering: 'X' },
      ],
      objective: 12,
      served: 2,
    });
    expect(solveAssignment({ ...input, servedFirst: false }).served).toBe(1);
  });

  it('returns the same capped assignment for any order of needs, offerings, providers and edges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer(), fc.boolean(), (seed, shuffleSeed, servedFirst) => {
        const input = cappedMarket(seed, (r) => 1 + Math.floor(r() * 3), (r) => Math.floor(r() * 3), servedFirst);
        const r = rng(shuffleSeed);
        const shuffle = <T>(xs: T[]) =>
          xs
            .map((x) => [r(), x] as const)
            .sort((a, b) => a[0] - b[0])
            .map(([, x]) => x);
        const shuffled = {
          ...input,
          needs: shuffle(input.needs),
          offerings: shuffle(input.offerings),
          providers: shuffle(input.providers!),
          edges: shuffle(input.edges),
        };
        expect(solveAssignment(shuffled)).toEqual(solveAssignment(input));
      }),
      { numRuns: 20 },
    );
  });
});

describe('solveAssignment input errors', () => {
  const base = (): SolverInput => ({
    needs: [{ id: 'a', postedAt: day(0) }],
    offerings: [{ id: 'x', capacity: 1 }],
    edges: [{ need: 'a', offering: 'x', weight: 1 }],
  });
  const cases: [string, (i: SolverInput) => void, RegExp][] = [
    ['an edge naming an unknown need', (i) => i.edges.push({ need: 'ghost', offering: 'x', weight: 1 }), /unknown need "ghost"/],
    ['an edge naming an unknown offering', (i) => i.edges.push({ need: 'a', offering: 'ghost', weight: 1 }), /unknown offering "ghost"/],
    ['a duplicate need id', (i) => i.needs.push({ id: 'a', postedAt: day(1) }), /duplicate need id "a"/],
    ['a duplicate offering id', (i) => i.offerings.push({ id: 'x', capacity: 2 }), /duplicate offering id "x"/],
    ['a NaN weight', (i) => (i.edges[0]!.weight = Number.NaN), /non-finite weight NaN/],
    ['an infinite weight', (i) => (i.edges[0]!.weight = Infinity), /non-finite weight Infinity/],
    ['a negative capacity', (i) => (i.offerings[0]!.capacity = -1), /capacity -1/],
    ['a fractional capacity', (i) => (i.offerings[0]!.capacity = 1.5), /capacity 1.5/],
    ['an unparseable postedAt', (i) => (i.needs[0]!.postedAt = 'yesterday'), /invalid postedAt "yesterday"/],
    // Callers in plain JavaScript can send holes the types rule out.
    ['an edge without a need', (i) => (i.edges = [{ offering: 'x', weight: 1 } as unknown as SolverEdge]), /unknown need undefined/],
    ['an edge without an offering', (i) => (i.edges = [{ need: 'a', weight: 1 } as unknown as SolverEdge]), /unknown offering undefined/],
    ['an offering naming an unknown provider', (i) => (i.offerings[0]!.provider = 'ghost'), /unknown provider "ghost"/],
    ['a duplicate provider id', (i) => (i.providers = [0, 1].map(() => ({ id: 'p', softCap: 1, penalty: 1 }))), /duplicate provider id "p"/],
    ['a negative soft cap', (i) => (i.providers = [{ id: 'p', softCap: -1, penalty: 1 }]), /softCap -1/],
    ['a fractional soft cap', (i) => (i.providers = [{ id: 'p', softCap: 0.5, penalty: 1 }]), /softCap 0.5/],
    ['a negative penalty', (i) => (i.providers = [{ id: 'p', softCap: 1, penalty: -2 }]), /penalty -2/],
    ['a NaN penalty', (i) => (i.providers = [{ id: 'p', softCap: 1, penalty: Number.NaN }]), /penalty NaN/],
    ['a provider without an id', (i) => (i.providers = [{ softCap: 1, penalty: 1 } as unknown as SolverProvider]), /providers\[0\] must have a string id/],
    ['a servedFirst that is not a boolean', (i) => ((i as unknown as Record<string, unknown>).servedFirst = 'yes'), /servedFirst must be a boolean/],
  ];
  it.each(cases)('rejects %s', (_, mutate, message) => {
    const input = base();
    mutate(input);
    expect(() => solveAssignment(input)).toThrow(SolverInputError);
    expect(() => solveAssignment(input)).toThrow(message);
    expect(() => greedyAssignment(input)).toThrow(SolverInputError);
  });
});
