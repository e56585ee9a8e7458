import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InfeasibleFlow, minCostFlow, type FlowProblem, type LeadingArcs } from '#domain/solver/mcf.ts';
import { ArrayPool, poolArraysFrom } from '#domain/solver/pool.ts';

/**
 * Reference: successive shortest paths with Bellman–Ford (negative costs
 * allowed, no negative cycles at zero flow because the generated networks
 * are layered and acyclic). Returns the optimal cost, or null if the
 * supplies cannot all be routed.
 */
function referenceCost(p: FlowProblem): number | null {
  const { nodes, tail, head, cap, cost, supply } = p;
  const A = tail.length;
  const flow = new Int32Array(A);
  const excess = Int32Array.from(supply);
  let total = 0;
  for (;;) {
    const source = excess.findIndex((x) => x > 0);
    if (source < 0) return total;
    const dist = new Float64Array(nodes).fill(Infinity);
    const via = new Int32Array(nodes).fill(-1); // residual arc: a (forward) or ~a (backward)
    dist[source] = 0;
    for (let round = 0; round < nodes; round++) {
      let changed = false;
      for (let a = 0; a < A; a++) {
        if (flow[a]! < cap[a]! && dist[tail[a]!]! + cost[a]! < dist[head[a]!]!) {
          dist[head[a]!] = dist[tail[a]!]! + cost[a]!;
          via[head[a]!] = a;
          changed = true;
        }
        if (flow[a]! > 0 && dist[head[a]!]! - cost[a]! < dist[tail[a]!]!) {
          dist[tail[a]!] = dist[head[a]!]! - cost[a]!;
          via[tail[a]!] = ~a;
          changed = true;
        }
      }
      if (!changed) break;
    }
    let sink = -1;
    for (let v = 0; v < nodes; v++) if (excess[v]! < 0 && dist[v]! < Infinity && (sink < 0 || dist[v]! < dist[sink]!)) sink = v;
    if (sink < 0) return null;
    for (let v = sink; v !== source; ) {
      const y = via[v]!;
      if (y >= 0) {
        flow[y]!++;
        v = tail[y]!;
      } else {
        flow[~y]!--;
        v = head[~y]!;
      }
    }
    excess[source]!--;
    excess[sink]!++;
    total += dist[sink]!;
  }
}

/**
 * The matcher's shape, small: needs (one unit each) → offerings → their
 * provider (or the sink) → sink, a wait arc per need at cost 0, edge costs
 * −weight with weights from a few values so that ties and near-ties are
 * common; a provider passes its soft cap free and the rest at a penalty.
 */
function networkScaled(scales: fc.Arbitrary<number>): fc.Arbitrary<FlowProblem> {
  return fc
    .record({
      n: fc.integer({ min: 1, max: 12 }),
      caps: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 6 }),
      providers: fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 30 })), { maxLength: 2 }),
      scale: scales,
    })
    .chain(({ n, caps, providers, scale }) =>
      fc.record({
        n: fc.constant(n),
        caps: fc.constant(caps),
        // Provider of each offering: an index into providers, or none.
        owner: fc.array(fc.integer({ min: -1, max: providers.length - 1 }), { minLength: caps.length, maxLength: caps.length }),
        providers: fc.constant(providers),
        edges: fc.uniqueArray(fc.tuple(fc.nat(n - 1), fc.nat(caps.length - 1), fc.integer({ min: 1, max: 40 })), {
          maxLength: 30,
          selector: ([i, j]) => `${i}:${j}`,
        }),
        scale: fc.constant(scale),
      }),
    )
    .map(({ n, caps, owner, providers, edges, scale }): FlowProblem => {
      const m = caps.length;
      const P = providers.length;
      const sink = n + m + P;
      const arcs: [number, number, number, number][] = []; // tail, head, capacity, cost
      for (const [i, j, w] of edges) arcs.push([i, n + j, 1, -w * scale]);
      for (let i = 0; i < n; i++) arcs.push([i, sink, 1, 0]);
      caps.forEach((c, j) => arcs.push([n + j, owner[j]! >= 0 ? n + m + owner[j]! : sink, c, 0]));
      providers.forEach(([soft, penalty], k) => {
        arcs.push([n + m + k, sink, soft, 0]);
        arcs.push([n + m + k, sink, n, penalty * scale]);
      });
      const supply = new Int32Array(sink + 1);
      supply.fill(1, 0, n);
      supply[sink] = -n;
      return {
        nodes: sink + 1,
        tail: Int32Array.from(arcs, (x) => x[0]),
        head: Int32Array.from(arcs, (x) => x[1]),
        cap: Int32Array.from(arcs, (x) => x[2]),
        cost: Float64Array.from(arcs, (x) => x[3]),
        supply,
      };
    });
}
const network = networkScaled(fc.constantFrom(1, 7, 1000, 123457));

/** The optimal cost and exact potentials of `minCostFlow(p, true, pool)`, checked against the reference. */
function expectOptimal(p: FlowProblem, pool?: ArrayPool): void {
  const copy = { ...p, cap: p.cap.slice(), cost: p.cost.slice(), supply: p.supply.slice() };
  const { flow, potential } = minCostFlow(p, true, pool);
  let total = 0;
  for (let a = 0; a < flow.length; a++) total += flow[a]! * p.cost[a]!;
  expect(total).toBe(referenceCost(copy));
  for (let a = 0; a < flow.length; a++) {
    const rc = p.cost[a]! + potential![p.tail[a]!]! - potential![p.head[a]!]!;
    if (flow[a]! < p.cap[a]!) expect(rc).toBeGreaterThanOrEqual(0);
    if (flow[a]! > 0) expect(rc).toBeLessThanOrEqual(0);
  }
}

/** The network without its wait arcs (need → sink at cost 0): every need must then be placed, which may be impossible. */
function withoutWaits(p: FlowProblem): FlowProblem {
  const sink = p.nodes - 1;
  const keep = [...p.tail.keys()].filter((a) => !(p.supply[p.tail[a]!] === 1 && p.head[a] === sink && p.cost[a] === 0));
  return {
    ...p,
    tail: Int32Array.from(keep, (a) => p.tail[a]!),
    head: Int32Array.from(keep, (a) => p.head[a]!),
    cap: Int32Array.from(keep, (a) => p.cap[a]!),
    cost: Float64Array.from(keep, (a) => p.cost[a]!),
  };
}

/**
 * The network with its need → offering arcs (the generator puts them
 * first) as edge lists grouped by need (mcf.ts, LeadingArcs): `rest` holds
 * the other arcs, `full` all of them in the flow's order (the lists' arcs
 * first).
 */
function edgeLists(p: FlowProblem): { full: FlowProblem; rest: FlowProblem; lead: LeadingArcs } {
  const n = p.supply.filter((s) => s === 1).length;
  const sink = p.nodes - 1;
  let E = 0;
  while (E < p.tail.length && p.tail[E]! < n && p.head[E] !== sink) E++;
  const edges = [...Array(E).keys()].sort((a, b) => p.tail[a]! - p.tail[b]!);
  const start = new Int32Array(n + 1);
  for (const a of edges) start[p.tail[a]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const order = [...edges, ...[...Array(p.tail.length - E).keys()].map((k) => E + k)];
  const pick = (from: number[]): Pick<FlowProblem, 'tail' | 'head' | 'cap' | 'cost'> => ({
    tail: Int32Array.from(from, (a) => p.tail[a]!),
    head: Int32Array.from(from, (a) => p.head[a]!),
    cap: Int32Array.from(from, (a) => p.cap[a]!),
    cost: Float64Array.from(from, (a) => p.cost[a]!),
  });
  const lead = { start, to: Int32Array.from(edges, (a) => p.head[a]! - n), toBase: n, gain: Float64Array.from(edges, (a) => -p.cost[a]!) };
  return { full: { ...p, ...pick(order) }, rest: { ...p, ...pick(order.slice(E)) }, lead };
}

/**
 * `minCostFlow` on the network with its need → offering arcs as edge
 * lists, checked against the reference on the whole network: the optimal
 * cost and a feasible flow with potentials that price no residual arc
 * negative, or InfeasibleFlow exactly when the reference finds no flow.
 * Returns whether a flow exists.
 */
function expectOptimalFromLists(p: FlowProblem, pool = new ArrayPool()): boolean {
  const { full, rest, lead } = edgeLists(p);
  const copy = { ...full, cap: full.cap.slice(), cost: full.cost.slice(), supply: full.supply.slice() };
  const optimum = referenceCost(copy);
  if (optimum === null) {
    expect(() => minCostFlow(rest, true, pool, lead)).toThrow(InfeasibleFlow);
    return false;
  }
  const { flow, potential } = minCostFlow(rest, true, pool, lead);
  expect(flow).toHaveLength(full.tail.length);
  let total = 0;
  for (let a = 0; a < flow.length; a++) total += flow[a]! * full.cost[a]!;
  expect(total).toBe(optimum);
  for (let a = 0; a < flow.length; a++) {
    expect(flow[a]).toBeGreaterThanOrEqual(0);
    expect(flow[a]).toBeLessThanOrEqual(full.cap[a]!);
    const rc = full.cost[a]! + potential![full.tail[a]!]! - potential![full.head[a]!]!;
    if (flow[a]! < full.cap[a]!) expect(rc).toBeGreaterThanOrEqual(0);
    if (flow[a]! > 0) expect(rc).toBeLessThanOrEqual(0);
  }
  const net = new Float64Array(full.nodes);
  for (let a = 0; a < flow.length; a++) {
    net[full.tail[a]!]! -= flow[a]!;
    net[full.head[a]!]! += flow[a]!;
  }
  for (let v = 0; v < full.nodes; v++) expect(net[v]! + full.supply[v]!).toBe(0);
  return true;
}

describe('minCostFlow', () => {
  it('finds the optimal cost, with potentials that price no residual arc negative', () => {
    fc.assert(
      fc.property(network, (p) => expectOptimal(p)),
      { numRuns: 500 },
    );
  });

  it('stays exact with costs beyond 32 bits (the residual network then keeps them as doubles)', () => {
    fc.assert(
      fc.property(networkScaled(fc.constantFrom(2 ** 31 + 11, 3e9)), (p) => expectOptimal(p)),
      { numRuns: 200 },
    );
  });

  it('throws InfeasibleFlow, instead of lowering prices for ever, when the supplies cannot all be placed', () => {
    // Two needs, one slot: the second unit has nowhere to go.
    const oneSlot: FlowProblem = {
      nodes: 4,
      tail: Int32Array.from([0, 1, 2]),
      head: Int32Array.from([2, 2, 3]),
      cap: Int32Array.from([1, 1, 1]),
      cost: Float64Array.from([-5, -3, 0]),
      supply: Int32Array.from([1, 1, 0, -2]),
    };
    expect(() => minCostFlow(oneSlot, true)).toThrow(InfeasibleFlow);
    // Three needs, two offerings, one provider passing two of their units
    // (soft cap 1, overflow 1): every need reaches the sink, but only two fit.
    const bottleneck: FlowProblem = {
      nodes: 7,
      tail: Int32Array.from([0, 1, 1, 2, 3, 4, 5, 5]),
      head: Int32Array.from([3, 3, 4, 4, 5, 5, 6, 6]),
      cap: Int32Array.from([1, 1, 1, 1, 2, 2, 1, 1]),
      cost: Float64Array.from([-4, -2, -3, -1, 0, 0, 0, 7]),
      supply: Int32Array.from([1, 1, 1, 0, 0, 0, -3]),
    };
    expect(() => minCostFlow(bottleneck, true)).toThrow(InfeasibleFlow);
  });

  it('without wait arcs, finds the optimum when every need can be placed and throws InfeasibleFlow when not', () => {
    let infeasible = 0;
    fc.assert(
      fc.property(network.map(withoutWaits), (p) => {
        const copy = { ...p, cap: p.cap.slice(), cost: p.cost.slice(), supply: p.supply.slice() };
        if (referenceCost(copy) === null) {
          infeasible++;
          expect(() => minCostFlow(p, true)).toThrow(InfeasibleFlow);
        } else expectOptimal(p);
      }),
      { numRuns: 500 },
    );
    expect(infeasible).toBeGreaterThan(0);
  });

  it('finds the optimum, or throws InfeasibleFlow, when the need → offering arcs come as edge lists', () => {
    // The edge-list form keeps its own state for those arcs (mcf.ts,
    // Residual): checked against the reference on the whole network, with
    // and without wait arcs (without them, some markets cannot place every
    // need).
    let infeasible = 0;
    fc.assert(
      fc.property(network, fc.boolean(), (p, dropWaits) => {
        if (!expectOptimalFromLists(dropWaits ? withoutWaits(p) : p)) infeasible++;
      }),
      { numRuns: 500 },
    );
    expect(infeasible).toBeGreaterThan(0);
  });

  it('refuses edge lists whose tails are not needs (an arc enters one, or its supply is above 1)', () => {
    const { rest, lead } = edgeLists(fc.sample(network.filter((p) => p.tail.length > 0), { numRuns: 1, seed: 7 })[0]!);
    const entered = { ...rest, tail: Int32Array.of(...rest.tail, rest.nodes - 1), head: Int32Array.of(...rest.head, 0), cap: Int32Array.of(...rest.cap, 1), cost: Float64Array.of(...rest.cost, 0) };
    expect(() => minCostFlow(entered, true, new ArrayPool(), lead)).toThrow(/leading arc/);
    const supply = rest.supply.slice();
    supply[0] = 2;
    supply[rest.nodes - 1]! -= 1;
    expect(() => minCostFlow({ ...rest, supply }, true, new ArrayPool(), lead)).toThrow(/leading arc/);
    expect(() => minCostFlow(rest, true, new ArrayPool(), { ...lead, toBase: rest.nodes })).toThrow(/enters no node/);
  });

  it('stays optimal on memory earlier flows wrote and gave back to the pool', () => {
    // Every array from one shared pool (solver/pool.ts): each flow runs on
    // the residual arrays the one before released, dirty until zeroed,
    // with the need → offering arcs as arrays or as edge lists.
    const restore = poolArraysFrom(0);
    try {
      const pool = new ArrayPool();
      fc.assert(
        fc.property(network, fc.boolean(), (p, fromLists) => {
          if (fromLists) expectOptimalFromLists(p, pool);
          else expectOptimal(p, pool);
        }),
        { numRuns: 300 },
      );
      expect(pool.reservedBytes).toBeGreaterThan(0);
    } finally {
      restore();
    }
  });
});
