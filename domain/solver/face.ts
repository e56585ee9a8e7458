/**
 * The weighted objective on the "served most" face by the assignment
 * auction, where that face leaves no provider decision; the min-cost flow
 * (mcf.ts) is the fallback.
 *
 * Why: with `servedFirst` the weighted problem is solved on the optimal
 * face of "serve the most" (domain/solver.ts). When capacity is short, every
 * maximum flow fills every slot, so every provider's load, and with it its
 * soft-cap penalty, is the same in all of them: the face's arcs out of the
 * providers are all fixed. What is left is bipartite, needs to offerings,
 * which the auction (auction.ts, assignment.ts) solves several times faster
 * than the general flow. Measured (bench/solver.ts, capped family, 2M
 * pairs): the flow took ~10 s of CPU, the auction ~0.8 s. Where capacity
 * is short, domain/solver.ts even skips the separate maximum flow: it
 * guesses the face (every slot filled) and lets this certificate prove it.
 * Provider loads that stay decisions on the face (spare capacity, or no
 * servedFirst) still go to the flow.
 *
 * The reduction. After fixing the arcs off the face, each need has one unit
 * left or none; a need with a unit and no wait arc must be placed ("forced").
 * An offering either keeps its arc to the sink (room up to its capacity,
 * as in the plain auction) or must take exactly the units the fixed arcs
 * leave it ("must fill"): its own arc fixed, or its provider's arcs to the
 * sink both fixed with a fixed inflow equal to its offerings' remaining
 * capacity. A provider with an arc to the sink still on the face (its load
 * still matters) is not reducible: the flow runs instead. The auction then
 * runs with a bonus B added to the edges of forced needs and into
 * must-fill offerings, and no rule of its own for them: B = 1 breaks the
 * ties between filling and not (weights are positive integers, so a need
 * never prefers waiting to a free slot), and usually suffices; when it
 * does not (an optimal face dual prices a must-fill slot below zero), B =
 * the largest weight + 1 is tried before the flow. A large B from the
 * start costs a price war: every price has to climb past it (measured at
 * 2M pairs, capped family, wall time on a loaded machine: B = 1, 1.6 s;
 * B = max + 1, 18 s).
 *
 * Exactness does not rest on B being large enough: the flow on the face
 * network is rebuilt from the auction's assignment, the face network's
 * potentials from its exact duals (minus the bonuses), and both are
 * checked: every node balanced, every residual arc of non-negative reduced
 * cost under the network's own costs. That is the optimality certificate;
 * if it fails (a bonus too small, any surprise) the caller runs the flow.
 */
import { optimalAssignment } from './assignment.ts';
import type { FlowProblem, FlowSolution } from './mcf.ts';
import { ArrayPool } from './pool.ts';

/** The matcher's flow network: arcs laid out in fixed ranges. */
export interface LayeredNetwork extends FlowProblem {
  /** First arc of each range: edges [0, waits), waits, offerings, soft caps, overflows. */
  waits: number;
  offeringArcs: number;
  softArcs: number;
  overflowArcs: number;
}

/**
 * Auction values are units · (needs + offerings + 2): the same bound as the
 * problem's own resolution (prepare.ts), so the duals' sums stay exact.
 */
const AUCTION_LIMIT = 2 ** 50;

/**
 * A flow serving the most needs, by the auction: with every weight 1 the
 * optimal assignment serves the most. Provider arcs never bind here (a
 * provider's soft cap and overflow together hold all its offerings'
 * capacity), so the bipartite market is the whole problem. The caller
 * proves it maximal (earliest.ts, `mostServed` with a start) and takes the
 * exact potentials from there. Measured at 2M pairs (capped family): the
 * breadth-first searches alone ~1.1 s of CPU; this, with the proof, ~0.5 s
 * (all-equal weights are certified after the auction's first phase).
 */
export function servedFlowByAuction(net: LayeredNetwork, p: BipartiteProblem, pool = new ArrayPool()): Int32Array {
  const { n, m, start, eOff, capEff } = p;
  const { cap, waits, offeringArcs, softArcs, overflowArcs } = net;
  const sink = net.nodes - 1;
  const units = pool.float64(eOff.length).fill(1);
  const { held } = optimalAssignment({ n, m, start, eOff, units, capEff, scratch: p.scratch, pool });
  pool.release(units);
  const flow = pool.int32(cap.length);
  for (let i = 0; i < n; i++) {
    const j = held[i]!;
    if (j < 0) {
      flow[waits + i] = 1;
      continue;
    }
    for (let e = start[i]!; e < start[i + 1]!; e++) {
      if (eOff[e] === j) {
        flow[e] = 1;
        break;
      }
    }
    flow[offeringArcs + j]!++;
  }
  for (let j = 0; j < m; j++) {
    const a = offeringArcs + j;
    if (net.head[a] === sink) continue;
    const k = net.head[a]! - n - m;
    // The soft cap first (any split is feasible; this one is canonical).
    const soft = Math.min(flow[a]!, cap[softArcs + k]! - flow[softArcs + k]!);
    flow[softArcs + k]! += soft;
    flow[overflowArcs + k]! += flow[a]! - soft;
  }
  return flow;
}

/** What `servedFlowByAuction` reads of the canonical problem (prepare.ts). */
export interface BipartiteProblem {
  n: number;
  m: number;
  start: Int32Array;
  eOff: Int32Array;
  capEff: Int32Array;
  scratch: Int32Array;
}

/**
 * The problem's edges (prepare.ts): the network's edge arcs are the same
 * CSR, with cost −units (domain/solver.ts).
 */
export interface ProblemEdges extends BipartiteProblem {
  units: Float64Array;
}

/** The bipartite problem left on a face whose provider loads are fixed. */
interface Reduction {
  /** Auction index of each need still holding its unit, else −1. */
  index: Int32Array;
  n2: number;
  /** Units the offering's remaining edges may (or, must-fill, must) bring in. */
  room: Int32Array;
  mustFill: Uint8Array;
  /** Needs (network index) with a unit and no wait arc. */
  forced: Uint8Array;
  /** Remaining edges the auction uses: CSR by auction need, network arc of each (null: the same index). */
  start: Int32Array;
  eOff: Int32Array;
  weight: Float64Array;
  arcOf: Int32Array | null;
  maxUnits: number;
}

/**
 * An optimal flow of the (face) network and exact optimal potentials, by
 * the auction; null when the network is not bipartite once the fixed arcs
 * are accounted for, or no attempt is certified. `retry`: try the large
 * bonus too (see the file comment) before giving up.
 */
export function solveFaceByAuction(net: LayeredNetwork, csr: ProblemEdges, retry: boolean, pool = new ArrayPool()): FlowSolution | null {
  const { n, m } = csr;
  const red = reduce(net, csr, n, m);
  if (red === null) return null;
  for (const bonus of retry ? [1, red.maxUnits + 1] : [1]) {
    if ((red.maxUnits + 2 * bonus) * (red.n2 + m + 2) > AUCTION_LIMIT) return null;
    const solution = attempt(net, n, m, red, bonus, pool);
    if (solution !== null) return solution;
  }
  return null;
}

function reduce(net: LayeredNetwork, csr: ProblemEdges, n: number, m: number): Reduction | null {
  const { tail, head, cap, cost, supply, waits, offeringArcs, softArcs, overflowArcs } = net;
  const P = overflowArcs - softArcs;
  const sink = net.nodes - 1;
  const E = waits;

  // Providers: only fully fixed ones, whose offerings must then fill up.
  const provRoom = new Float64Array(P); // capacity of the remaining offering arcs into each provider
  for (let j = 0; j < m; j++) {
    const a = offeringArcs + j;
    if (cap[a]! > 0 && head[a] !== sink) provRoom[head[a]! - n - m]! += cap[a]!;
  }
  for (let k = 0; k < P; k++) {
    if (cap[softArcs + k]! > 0 || cap[overflowArcs + k]! > 0) return null;
    if (provRoom[k] !== -supply[n + m + k]!) return null;
  }

  const room = new Int32Array(m);
  const mustFill = new Uint8Array(m);
  for (let j = 0; j < m; j++) {
    const a = offeringArcs + j;
    const left = supply[n + j]!; // fixed inflow − fixed outflow
    if (cap[a]! > 0 && head[a] === sink) {
      room[j] = cap[a]! - left;
    } else {
      mustFill[j] = 1;
      room[j] = (cap[a]! > 0 ? cap[a]! : 0) - left;
    }
    if (room[j]! < 0) return null;
  }

  const index = new Int32Array(n).fill(-1);
  const forced = new Uint8Array(n);
  let n2 = 0;
  for (let i = 0; i < n; i++) {
    if (supply[i] === 1) {
      index[i] = n2++;
      if (cap[waits + i] === 0) forced[i] = 1;
    } else if (supply[i] !== 0) return null;
  }
  // Edges into an offering without room carry nothing: the auction leaves them out.
  let E2 = 0;
  let maxUnits = 0;
  for (let e = 0; e < E; e++) {
    if (cap[e]! > 0 && index[tail[e]!]! >= 0 && room[head[e]! - n]! > 0) {
      E2++;
      if (-cost[e]! > maxUnits) maxUnits = -cost[e]!;
    }
  }
  if (E2 === 0) return null;
  // Nothing left out (the usual short market): the problem's own CSR is the auction's.
  if (n2 === n && E2 === E) return { index, n2, room, mustFill, forced, start: csr.start, eOff: csr.eOff, weight: csr.units, arcOf: null, maxUnits };
  const start = new Int32Array(n2 + 1);
  const eOff = new Int32Array(E2);
  const weight = new Float64Array(E2);
  const arcOf = new Int32Array(E2);
  // The network's edges are grouped by need in rank order (the problem's CSR).
  for (let e = 0, q = 0; e < E; e++) {
    const r = index[tail[e]!]!;
    const j = head[e]! - n;
    if (cap[e]! <= 0 || r < 0 || room[j]! <= 0) continue;
    start[r + 1] = q + 1;
    eOff[q] = j;
    weight[q] = -cost[e]!;
    arcOf[q] = e;
    q++;
  }
  for (let r = 1; r <= n2; r++) if (start[r]! < start[r - 1]!) start[r] = start[r - 1]!;
  return { index, n2, room, mustFill, forced, start, eOff, weight, arcOf, maxUnits };
}

function attempt(net: LayeredNetwork, n: number, m: number, red: Reduction, bonus: number, pool: ArrayPool): FlowSolution | null {
  const { tail, head, cap, cost, supply, waits, offeringArcs, softArcs, overflowArcs } = net;
  const { index, n2, room, mustFill, forced, start, eOff, weight, arcOf } = red;
  const P = overflowArcs - softArcs;
  const sink = net.nodes - 1;
  const E = waits;
  const units = pool.float64(weight.length);
  for (let r = 0, i = 0; r < n2; r++) {
    while (index[i] !== r) i++;
    const b = forced[i]! * bonus;
    for (let q = start[r]!; q < start[r + 1]!; q++) units[q] = weight[q]! + b + mustFill[eOff[q]!]! * bonus;
  }
  const { held, u, P: price } = optimalAssignment({ n: n2, m, start, eOff, units, capEff: room, pool });
  pool.release(units);

  // The flow on the network: fixed arcs keep 0 (fixOffFace holds their flow).
  const flow = pool.int32(cap.length);
  const inflow = new Int32Array(m);
  for (let i = 0; i < n; i++) {
    const r = index[i]!;
    if (r < 0) continue;
    const j = held[r]!;
    if (j < 0) {
      flow[waits + i] = 1;
      continue;
    }
    for (let q = start[r]!; q < start[r + 1]!; q++) {
      if (eOff[q] === j) {
        flow[arcOf ? arcOf[q]! : q] = 1;
        break;
      }
    }
    inflow[j]!++;
  }
  for (let j = 0; j < m; j++) if (cap[offeringArcs + j]! > 0) flow[offeringArcs + j] = inflow[j]! + supply[n + j]!;

  // Potentials (original units, sink 0): offering −(P − its bonus), need
  // u − its bonus. The nodes the auction did not see carry no flow out of
  // them, or only full arcs, so each gets the bound its arcs ask for: an
  // offering without room the least of its entering edges' (and ≤ 0), a
  // need without a unit the greatest of its arcs', a provider the greatest
  // of its offerings'.
  const pi = new Float64Array(net.nodes);
  for (let j = 0; j < m; j++) pi[n + j] = room[j]! > 0 ? -(price[j]! - mustFill[j]! * bonus) : 0;
  for (let i = 0; i < n; i++) if (index[i]! >= 0) pi[i] = u[index[i]!]! - forced[i]! * bonus;
  for (let e = 0; e < E; e++) {
    const j = head[e]! - n;
    if (cap[e]! > 0 && room[j] === 0 && index[tail[e]!]! >= 0) pi[n + j] = Math.min(pi[n + j]!, pi[tail[e]!]! + cost[e]!);
  }
  for (let i = 0; i < n; i++) if (index[i]! < 0) pi[i] = -Infinity;
  for (let a = 0; a < offeringArcs; a++) {
    if (cap[a]! > 0 && index[tail[a]!]! < 0) pi[tail[a]!] = Math.max(pi[tail[a]!]!, pi[head[a]!]! - cost[a]!);
  }
  for (let k = 0; k < P; k++) pi[n + m + k] = -Infinity;
  for (let j = 0; j < m; j++) {
    const a = offeringArcs + j;
    if (cap[a]! > 0 && head[a] !== sink) pi[head[a]!] = Math.max(pi[head[a]!]!, pi[n + j]! + cost[a]!);
  }
  for (let v = 0; v < net.nodes; v++) if (pi[v] === -Infinity) pi[v] = 0;

  if (certified(net, flow, pi)) return { flow, potential: pi };
  pool.release(flow);
  return null;
}

/**
 * The certificate: flow within capacities and balanced at every node
 * (with the supplies), and no residual arc of negative reduced cost.
 */
function certified(net: FlowProblem, flow: Int32Array, pi: Float64Array): boolean {
  const { tail, head, cap, cost, supply } = net;
  const balance = Float64Array.from(supply);
  for (let a = 0; a < cap.length; a++) {
    const f = flow[a]!;
    if (f < 0 || f > Math.max(0, cap[a]!)) return false;
    if (cap[a]! <= 0) continue;
    balance[tail[a]!]! -= f;
    balance[head[a]!]! += f;
    const rc = cost[a]! + pi[tail[a]!]! - pi[head[a]!]!;
    if ((f < cap[a]! && rc < 0) || (f > 0 && rc > 0)) return false;
  }
  for (let v = 0; v < balance.length; v++) if (balance[v] !== 0) return false;
  return true;
}
