/**
 * The matcher's optimiser: a capacitated maximum-weight assignment with
 * provider soft caps, solved exactly as a minimum-cost flow.
 *
 * Model. Each need takes at most one offering; offering j takes at most
 * `capacity[j]` needs; an offering may belong to a provider whose offerings
 * together take `softCap` needs at no cost and each one beyond at
 * `penalty`. The objective is
 *   Σ weights of the chosen edges − Σ_providers penalty · max(0, load − softCap).
 * As a flow network: every need has one unit of supply, the sink demands
 * them all; need → offering arcs (capacity 1, cost −weight), need → sink
 * ("waits", cost 0), offering → its provider (or the sink) with the
 * offering's capacity, provider → sink twice: softCap at cost 0 and the
 * overflow at cost `penalty`. A network matrix: the LP optimum is integral,
 * so the flow optimum is the exact optimum over assignments.
 *
 * Lexicographic objectives, each solved exactly on the optimal face of the
 * one before (exact optimal potentials fix every arc of non-zero reduced
 * cost at its bound, by complementary slackness, and that describes every
 * optimal solution of the earlier objective):
 *  1. with `servedFirst` only: the most needs served (cost 1 per waiting
 *     need). Same result as adding a large constant to every edge weight,
 *     without the constant: at 2M pairs a big enough constant times the
 *     flow's scale would pass 2^53.
 *  2. the greatest objective (weights and penalties).
 *  3. ties: among the optimal assignments, the placed needs are the
 *     lexicographically earliest set in (postedAt, id) order: the earliest
 *     need that any optimal assignment places is placed, then, given that,
 *     the next one, and so on (the placeable sets of a flow's face form an
 *     M-convex family, on which any strictly decreasing reward picks the
 *     greedy, i.e. lexicographic, choice). Which offering a placed need
 *     gets among equally good ones is fixed by the canonical order (needs
 *     by rank, offerings by id) — the same whatever the input order — but
 *     no further rule is promised.
 * Edges of weight ≤ 0 are never chosen, with or without `servedFirst`: a
 * need with no positive edge is not a candidate at all.
 *
 * Algorithms. Serving the most needs (1) is a maximum flow: the auction
 * with every weight 1 finds one and breadth-first searches prove it
 * (domain/solver/face.ts, earliest.ts), with exact potentials from residual
 * reachability. Two guesses skip it where they hold, each proved by the
 * solve it enables: with no more slots than needs, that every slot fills;
 * with at least as many, that every need is served. The tie-break (3) is
 * a sequence of single-unit moves on the optimal face (earliest.ts). The
 * objective (2): without provider caps the bipartite ε-scaling auction
 * with an early optimality certificate
 * (domain/solver/assignment.ts, auction.ts); with them, the same auction
 * wherever the served-most face fixes every provider's load (short
 * capacity: every slot filled), certified on the flow network (face.ts);
 * otherwise cost-scaling push-relabel with global price updates
 * (domain/solver/mcf.ts), 2–3× slower. All give the same result
 * (the tie rule above defines the placed needs; the tests hold them to the
 * oracle and HiGHS). Figures: bench/solver.ts. At 2M pairs the capped
 * family (short capacity, servedFirst) took ~10 s in the flow, now ~2 s by
 * the auction; the surplus family (spare capacity) still takes the flow,
 * ~2.2–2.5 s alone on a quiet machine (it was ~10 s). Every solve draws
 * its large arrays from one pool (solver/pool.ts): one block of shared
 * memory, which V8 does not collect for, and one step's scratch is the
 * next one's.
 *
 * Resolution: weights and penalties become integers at 1e-6 (rounded, at
 * least one unit when positive, so a positive weight never ties with
 * waiting); values closer than that are a tie. Should the largest value ·
 * 1e6 · (nodes + 2) pass 2^50, the resolution is coarsened just enough to
 * stay exact in doubles. Common factors are divided out.
 */
import { solveByAuction } from './solver/assignment.ts';
import { mostServed, placeEarliest } from './solver/earliest.ts';
import { servedFlowByAuction, solveFaceByAuction, type LayeredNetwork } from './solver/face.ts';
import { InfeasibleFlow, minCostFlow, type FlowProblem, type FlowSolution } from './solver/mcf.ts';
import { ArrayPool } from './solver/pool.ts';
import { prepare, type Problem } from './solver/prepare.ts';
import type { SolverInput, SolverResult } from './solver/types.ts';

export { WEIGHT_RESOLUTION } from './solver/prepare.ts';
export {
  SolverInputError,
  type SolverEdge,
  type SolverInput,
  type SolverNeed,
  type SolverOffering,
  type SolverProvider,
  type SolverResult,
} from './solver/types.ts';

/** The flow network of a problem, its arcs laid out in fixed ranges. */
type Network = LayeredNetwork;

function buildNetwork(p: Problem, pool: ArrayPool): Network {
  const { n, start, eOff } = p;
  const E = eOff.length;
  const A = E + restArcs(p);
  const tail = pool.int32(A);
  const head = pool.int32(A);
  const cap = pool.int32(A);
  for (let i = 0; i < n; i++) {
    for (let e = start[i]!, end = start[i + 1]!; e < end; e++) {
      tail[e] = i;
      head[e] = n + eOff[e]!;
      cap[e] = 1;
    }
  }
  writeRest(p, tail, head, cap, E);
  return { nodes: sinkOf(p) + 1, tail, head, cap, cost: pool.float64(A), supply: supplies(p), ...restRanges(p, E) };
}

/** First arc of each range after the edges, when they start at `at`: waits, offerings, soft caps, overflows. */
function restRanges(p: Problem, at: number): { waits: number; offeringArcs: number; softArcs: number; overflowArcs: number } {
  const offeringArcs = at + p.n;
  const softArcs = offeringArcs + p.m;
  return { waits: at, offeringArcs, softArcs, overflowArcs: softArcs + p.providerIds.length };
}

/** The network's last node: needs, offerings and providers come before it. */
function sinkOf(p: Problem): number {
  return p.n + p.m + p.providerIds.length;
}

/** Arcs of the network after the edges: a wait per need, one arc per offering, two per provider. */
function restArcs(p: Problem): number {
  return p.n + p.m + 2 * p.providerIds.length;
}

/**
 * Writes the arcs after the edges from `at` on: each need's wait (to the
 * sink), each offering's arc to its provider (or the sink), each
 * provider's soft cap and overflow (to the sink).
 */
function writeRest(p: Problem, tail: Int32Array, head: Int32Array, cap: Int32Array, at: number): void {
  const { n, m, capEff, provOf, softCap } = p;
  const P = p.providerIds.length;
  const sink = sinkOf(p);
  const { offeringArcs, softArcs, overflowArcs } = restRanges(p, at);
  for (let i = 0; i < n; i++) {
    tail[at + i] = i;
    head[at + i] = sink;
    cap[at + i] = 1;
  }
  const provCap = new Int32Array(P);
  for (let j = 0; j < m; j++) {
    const a = offeringArcs + j;
    tail[a] = n + j;
    head[a] = provOf[j]! >= 0 ? n + m + provOf[j]! : sink;
    cap[a] = capEff[j]!;
    if (provOf[j]! >= 0) provCap[provOf[j]!]! += capEff[j]!;
  }
  for (let k = 0; k < P; k++) {
    const soft = Math.min(softCap[k]!, provCap[k]!);
    tail[softArcs + k] = tail[overflowArcs + k] = n + m + k;
    head[softArcs + k] = head[overflowArcs + k] = sink;
    cap[softArcs + k] = soft;
    cap[overflowArcs + k] = provCap[k]! - soft;
  }
}

/** One unit at each need, all of them due at the sink. */
function supplies(p: Problem): Int32Array {
  const sink = sinkOf(p);
  const supply = new Int32Array(sink + 1);
  supply.fill(1, 0, p.n);
  supply[sink] = -p.n;
  return supply;
}

/**
 * Restricts the network to the optimal face of the flow just found: an arc
 * whose reduced cost under the exact optimal potentials is not zero keeps
 * its flow in every optimal solution, so that flow moves into `fixed` (when
 * the caller keeps it) and the supplies, and the arc leaves the network.
 */
function fixOffFace(net: FlowProblem, flow: Int32Array, potential: Float64Array, fixed: Int32Array | null): void {
  const { tail, head, cap, cost, supply } = net;
  for (let a = 0; a < cap.length; a++) {
    if (cap[a] === 0) continue;
    if (cost[a]! + potential[tail[a]!]! - potential[head[a]!]! === 0) continue;
    const f = flow[a]!;
    if (fixed) fixed[a]! += f;
    supply[tail[a]!]! -= f;
    supply[head[a]!]! += f;
    cap[a] = 0;
  }
}

/** Edge (index into the problem's CSR) chosen for each need, or -1. */
function solveProblem(p: Problem, pool: ArrayPool): Int32Array {
  if (p.eOff.length === 0) return new Int32Array(p.n).fill(-1);
  return flowPath(p.servedFirst, p.provOf) ? solveByFlow(p, pool) : solveByAuction(p, pool);
}

function flowPath(servedFirst: boolean, provOf: ArrayLike<number>): boolean {
  if (servedFirst) return true;
  for (let j = 0; j < provOf.length; j++) if (provOf[j]! >= 0) return true;
  return false;
}

/**
 * Bytes for a solve's pool's first block: its large arrays at their peak,
 * per arc of the network (≈ edges + needs + offerings + 2 · providers).
 * The problem (20) stays all along, the network (24) and the residual
 * network (40; 16 when the flow reads the edges from the problem's lists)
 * as the path needs them, and steps give memory back to the next.
 * Measured peaks at 2M pairs: 30 where every need is served (no network of
 * all the edges), 88 where that guess fails and the general path runs, 62
 * on the auction path (capped family). The flow path's 112 leaves room for
 * other shapes; memory reserved but never written is not faulted in. Too
 * small a guess costs a second block, never a wrong answer; reading the
 * input's lengths before `prepare` checks them is safe for the same
 * reason.
 */
function expectedBytes(input: SolverInput): number {
  const len = (x: unknown): number => (Array.isArray(x) ? x.length : 0);
  const arcs = len(input?.edges) + len(input?.needs) + len(input?.offerings) + 2 * len(input?.providers);
  return (input?.servedFirst === true || len(input?.providers) > 0 ? 112 : 60) * arcs;
}

function solveByFlow(p: Problem, pool: ArrayPool): Int32Array {
  const { n } = p;
  // Flow fixed off each face, made when first needed. The path where every
  // need is served by the flow needs none (see `placeOnFace`).
  let fixedFlow: Int32Array | null = null;
  const fixed = (): Int32Array => (fixedFlow ??= pool.int32(p.eOff.length + restArcs(p)));

  let total = 0;
  for (let j = 0; j < p.m; j++) total += p.capEff[j]!;
  // The network, once built: where every need is served, only after the flow.
  let built: Network | null = null;
  let best: FlowSolution | null = null;
  if (p.servedFirst && total <= n) {
    built = buildNetwork(p, pool);
    best = solveShortMarket(p, built, fixed(), pool);
  }
  if (best === null && p.servedFirst) {
    let chosen: Int32Array | undefined;
    ({ net: built, best, chosen } = solveEveryNeedServed(p, built, total, pool));
    if (chosen) return chosen;
  }
  const net = built ?? buildNetwork(p, pool);
  const face = { ...net, sink: net.nodes - 1, needs: n };
  const cost = net.cost;
  if (best === null) {
    if (p.servedFirst) {
      for (let i = 0; i < n; i++) cost[net.waits + i] = 1;
      const most = mostServed(face, cost, servedFlowByAuction(net, p, pool));
      fixOffFace(net, most.flow, most.potential, fixed());
      pool.release(most.flow);
      cost.fill(0);
    }
    weightedCosts(p, net);
    // On the served-most face the providers' loads are often all fixed:
    // then the auction solves the rest, certified, and the flow is only
    // the fallback.
    best = (p.servedFirst ? solveFaceByAuction(net, p, true, pool) : null) ?? minCostFlow(net, true, pool);
  }
  const fixedArcs = fixed();
  fixOffFace(net, best.flow, best.potential!, fixedArcs);
  // The flow left on the face's arcs is optimal there; move the earliest
  // needs in.
  placeEarliest(face, best.flow, pool);

  const chosen = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let e = p.start[i]!, end = p.start[i + 1]!; e < end; e++) {
      if ((net.cap[e]! > 0 ? best.flow[e]! : fixedArcs[e]!) > 0) {
        chosen[i] = e;
        break;
      }
    }
  }
  return chosen;
}

/** Costs of the objective (2): −weight on the edges, the penalty on the overflows, 0 elsewhere. */
function weightedCosts(p: Problem, net: Network): void {
  for (let e = 0; e < p.eOff.length; e++) net.cost[e] = -p.units[e]!;
  for (let k = 0; k < p.penaltyUnits.length; k++) net.cost[net.overflowArcs + k] = p.penaltyUnits[k]!;
}

/**
 * Served-first where capacity is short (no more slots than needs; with
 * more, they could never all fill): guess that some assignment fills every
 * slot. Then the maximum flows are exactly
 * the flows that fill every arc into the sink but the waits (those arcs are
 * a cut), so that guess is the served-most face itself: fix those arcs full
 * and solve the weighted objective on it by the auction (face.ts). A
 * certified answer proves the guess (its flow is feasible, so it fills
 * every slot); otherwise the network is restored and the general path
 * runs. Saves the separate maximum flow (~0.7 s of CPU at 2M pairs).
 */
function solveShortMarket(p: Problem, net: Network, fixed: Int32Array, pool: ArrayPool): FlowSolution | null {
  const { cap, supply, head, tail } = net;
  const sink = net.nodes - 1;
  const savedCap = cap.slice(net.offeringArcs);
  const savedSupply = supply.slice();
  for (let a = net.offeringArcs; a < cap.length; a++) {
    if (cap[a]! <= 0 || head[a] !== sink) continue;
    fixed[a]! += cap[a]!;
    supply[tail[a]!]! -= cap[a]!;
    supply[sink]! += cap[a]!;
    cap[a] = 0;
  }
  weightedCosts(p, net);
  const best = solveFaceByAuction(net, p, false, pool);
  if (best !== null) return best;
  cap.set(savedCap, net.offeringArcs);
  supply.set(savedSupply);
  fixed.fill(0);
  net.cost.fill(0);
  return null;
}

/**
 * Served-first where capacity may serve every need that has an edge: guess
 * that some assignment does. Then the served-most face is the network
 * without those needs' wait arcs (the zero potentials are optimal for
 * "serve the most", and they fix exactly the waits), so the weighted
 * objective is solved on it at once. A flow is found only if the guess
 * holds; otherwise (InfeasibleFlow) everything is as before and the
 * general path runs. Saves the separate maximum flow and its proof (~0.35 s
 * at 2M pairs, bench surplus family).
 *
 * The auction (face.ts) takes this face only where no provider's load is
 * left to decide, which here means no provider has capacity at all.
 * Otherwise the flow reads the edges straight from the problem's lists
 * (mcf.ts, LeadingArcs), and the tie-break then runs on the optimal face
 * alone (`placeOnFace`): no network of all the edges is built, and the
 * chosen edges come back at once. Returns the network when it was built.
 *
 * Measured at 2M pairs, surplus family, alternating pairs against
 * building the whole network (after the flow) and the flow's residual
 * network with both directions of every edge: median 2.40 -> 2.19 s (six
 * pairs), 2.61 -> 2.43 s (eight, in a slower hour); memory faulted in
 * 141 -> 100 MB, the pool's peak 57 -> 30 bytes an arc.
 */
function solveEveryNeedServed(
  p: Problem,
  built: Network | null,
  total: number,
  pool: ArrayPool,
): { net: Network | null; best: FlowSolution | null; chosen?: Int32Array } {
  let candidates = 0;
  for (let i = 0; i < p.n; i++) if (p.start[i + 1]! > p.start[i]!) candidates++;
  if (total < candidates) return { net: built, best: null };
  let net = built;
  if (net !== null || !someProviderHasRoom(p)) {
    net ??= buildNetwork(p, pool);
    closeWaits(p, net.cap, net.waits);
    weightedCosts(p, net);
    const byAuction = solveFaceByAuction(net, p, true, pool);
    if (byAuction !== null) return { net, best: byAuction };
  }
  // No one reads the scratch now: its memory goes to the flow. A fallback takes it again.
  const scratch = p.scratch.length;
  pool.release(p.scratch);
  // Empty until then, so that a stray read fails instead of reading the flow's data.
  p.scratch = new Int32Array(0);
  const rest = restProblem(p);
  let best: FlowSolution;
  try {
    best = minCostFlow(rest, true, pool, { start: p.start, to: p.eOff, toBase: p.n, gain: p.units });
  } catch (error) {
    if (!(error instanceof InfeasibleFlow)) throw error;
    p.scratch = pool.int32(scratch);
    if (net !== null) {
      for (let i = 0; i < p.n; i++) net.cap[net.waits + i] = 1;
      net.cost.fill(0);
    }
    return { net, best: null };
  }
  return { net, best, chosen: placeOnFace(p, rest, best, pool) };
}

/**
 * The tie-break (3) after the flow of `solveEveryNeedServed`, whose arcs
 * are the edges (as lists) and then `rest`'s: on the optimal
 * face alone. An edge of non-zero reduced cost keeps its flow in every
 * optimal solution (as `fixOffFace` fixes it), so the face network holds
 * only the tight edges, in their order, and the arcs after the edges; the
 * earliest needs then move in as on the whole network (arcs absent here
 * are the ones `fixOffFace` would have closed, and the search reads the
 * others in the same order). At 2M pairs the tight edges are about one per
 * need: no network of all the edges is built.
 */
function placeOnFace(p: Problem, rest: FlowProblem, best: FlowSolution, pool: ArrayPool): Int32Array {
  const { n, start, eOff, units } = p;
  const E = eOff.length;
  const pi = best.potential!;
  const chosen = new Int32Array(n).fill(-1);
  let tight = 0;
  for (let i = 0; i < n; i++) {
    for (let e = start[i]!, end = start[i + 1]!; e < end; e++) if (-units[e]! + pi[i]! - pi[n + eOff[e]!]! === 0) tight++;
  }
  const R = rest.tail.length;
  const tail = pool.int32(tight + R);
  const head = pool.int32(tight + R);
  const cap = pool.int32(tight + R);
  const cost = pool.float64(tight + R);
  const flow = pool.int32(tight + R);
  const edgeOf = pool.int32(tight);
  const { supply } = rest;
  for (let i = 0, t = 0; i < n; i++) {
    for (let e = start[i]!, end = start[i + 1]!; e < end; e++) {
      const j = n + eOff[e]!;
      if (-units[e]! + pi[i]! - pi[j]! !== 0) {
        if (best.flow[e]! > 0) {
          chosen[i] = e;
          supply[i]!--;
          supply[j]!++;
        }
        continue;
      }
      tail[t] = i;
      head[t] = j;
      cap[t] = 1;
      cost[t] = -units[e]!;
      flow[t] = best.flow[e]!;
      edgeOf[t++] = e;
    }
  }
  tail.set(rest.tail, tight);
  head.set(rest.head, tight);
  cap.set(rest.cap, tight);
  cost.set(rest.cost, tight);
  flow.set(best.flow.subarray(E), tight);
  pool.release(best.flow);
  const face = { nodes: rest.nodes, tail, head, cap, cost, supply };
  // The chosen edges are read off the face's own arcs, which stay: the flow fixed off it is not needed.
  fixOffFace(face, flow, pi, null);
  placeEarliest({ ...face, sink: face.nodes - 1, needs: n }, flow, pool);
  for (let t = 0; t < tight; t++) if (flow[t]! > 0) chosen[tail[t]!] = edgeOf[t]!;
  return chosen;
}

/** Whether some provider has capacity: its load is then a decision on the every-need-served face. */
function someProviderHasRoom(p: Problem): boolean {
  for (let j = 0; j < p.m; j++) if (p.provOf[j]! >= 0 && p.capEff[j]! > 0) return true;
  return false;
}

/** Closes the wait arcs (numbered from `waits`) of the needs that have an edge. */
function closeWaits(p: Problem, cap: Int32Array, waits: number): void {
  for (let i = 0; i < p.n; i++) if (p.start[i + 1]! > p.start[i]!) cap[waits + i] = 0;
}

/**
 * The network's arcs after the edges, numbered from 0, as a flow problem
 * with the guess that every need is served (waits closed) and the costs of
 * the objective (2): the flow takes the edges from the problem's lists.
 */
function restProblem(p: Problem): FlowProblem {
  const R = restArcs(p);
  const tail = new Int32Array(R);
  const head = new Int32Array(R);
  const cap = new Int32Array(R);
  writeRest(p, tail, head, cap, 0);
  closeWaits(p, cap, 0);
  const cost = new Float64Array(R);
  const { overflowArcs } = restRanges(p, 0);
  for (let k = 0; k < p.penaltyUnits.length; k++) cost[overflowArcs + k] = p.penaltyUnits[k]!;
  return { nodes: sinkOf(p) + 1, tail, head, cap, cost, supply: supplies(p) };
}

function toResult(p: Problem, chosen: Int32Array): SolverResult {
  const assignments: { need: string; offering: string }[] = [];
  const load = new Int32Array(p.providerIds.length);
  let objective = 0;
  for (let i = 0; i < p.n; i++) {
    const e = chosen[i]!;
    if (e < 0) continue;
    const j = p.eOff[e]!;
    assignments.push({ need: p.needIds[i]!, offering: p.offeringIds[j]! });
    objective += p.edges[p.source[e]!]!.weight;
    if (p.provOf[j]! >= 0) load[p.provOf[j]!]!++;
  }
  for (let k = 0; k < load.length; k++) {
    if (load[k]! > p.softCap[k]!) objective -= p.penalty[k]! * (load[k]! - p.softCap[k]!);
  }
  return { assignments, objective, served: assignments.length };
}

/**
 * Exact assignment: with `servedFirst` the most needs served, then the
 * greatest objective (weights minus soft-cap penalties); ties go to the
 * earlier needs (see the file comment for the exact rule). Throws
 * SolverInputError on structurally invalid input.
 */
export function solveAssignment(input: SolverInput): SolverResult {
  // One pool per solve: its large arrays in one block, each step's scratch
  // the next one's (solver/pool.ts).
  const pool = new ArrayPool(expectedBytes(input));
  try {
    const p = prepare(input, pool);
    return toResult(p, solveProblem(p, pool));
  } finally {
    // Its block serves the next solve in this process (solver/pool.ts).
    pool.close();
  }
}

/**
 * Baseline for benchmarks: edges by weight, heaviest first (ties to the
 * earlier need, then input order), taken while the need is free and the
 * offering has room; provider soft caps only count in the reported
 * objective. Fast, not optimal.
 */
export function greedyAssignment(input: SolverInput): SolverResult {
  const p = prepare(input);
  const { n, start, eOff, units, capEff } = p;
  const E = eOff.length;
  const eNeed = p.scratch.subarray(0, E);
  for (let i = 0; i < n; i++) eNeed.fill(i, start[i]!, start[i + 1]!);
  let order: Float64Array;
  let maxUnits = 0;
  for (let e = 0; e < E; e++) if (units[e]! > maxUnits) maxUnits = units[e]!;
  if ((maxUnits + 1) * (E + 1) < 2 ** 53) {
    // (units, reversed edge index) packed into one exact double lets the
    // native numeric sort do the work; read backwards for heaviest first.
    order = new Float64Array(E);
    for (let e = 0; e < E; e++) order[e] = units[e]! * E + (E - 1 - e);
    order.sort();
    for (let q = 0; q < E; q++) order[q] = E - 1 - (order[q]! % E);
  } else {
    order = Float64Array.from(
      Array.from({ length: E }, (_, e) => e).sort((a, b) => units[a]! - units[b]! || b - a),
    );
  }
  const left = Int32Array.from(capEff);
  const chosen = new Int32Array(n).fill(-1);
  for (let q = E - 1; q >= 0; q--) {
    const e = order[q]!;
    const i = eNeed[e]!;
    const j = eOff[e]!;
    if (chosen[i]! < 0 && left[j]! > 0) {
      chosen[i] = e;
      left[j]!--;
    }
  }
  return toResult(p, chosen);
}
