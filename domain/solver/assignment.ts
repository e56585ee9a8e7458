/**
 * Uncapped markets (no provider soft caps, no servedFirst): the optimum by
 * the ε-scaling auction (auction.ts), exact dual prices from it, and the
 * earliest needs placed on the optimal face (earliest.ts).
 *
 * Early stop: the auction's ε = 1 phase is what guarantees optimality, but
 * with few distinct weights (tied or policy-table weights) its assignment
 * is usually optimal phases earlier, and those last phases are ε-by-ε price
 * wars between equal options that only sharpen the prices. So once ε is
 * below one weight unit, each phase ends with an attempt to certify the
 * assignment: integer potentials by label-correcting shortest paths
 * (`certifiedDuals`); if they exist the assignment is optimal and they are
 * exact duals. Measured at 2M pairs: tied markets are certified after the
 * first phase, 16-level ones after the third of seven; weights of many
 * distinct values mostly run to ε = 1, losing one bounded attempt.
 */
import { auction, STAYS_UNPLACED, weightSchedule, type AuctionResult, type Market } from './auction.ts';
import { placeEarliest } from './earliest.ts';
import type { ArrayPool } from './pool.ts';
import type { Problem } from './prepare.ts';

/** Dual prices in weight units: u per need, P per offering. */
export interface Duals {
  u: Float64Array;
  P: Float64Array;
}

/**
 * Exact optimal dual prices in resolution units, from the ε-optimal auction
 * prices (values = units · s, ε = 1). Shortest paths in the residual network
 * with lengths (reduced cost + 1) ≥ 0 are found by Dijkstra; a path of
 * L ≤ n + m + 1 arcs adds L < s to its length, so flooring distance / s
 * recovers the exact integer distance. The residual network is augmented
 * with the arcs that encode u ≥ 0, P ≥ 0 and u_i + P_j ≥ w on the chosen
 * edges (each closes only a zero-cost 2-cycle), so the distances form an LP
 * dual: u (needs) and P (offerings) ≥ 0, u_i + P_j ≥ w_ij on every edge with
 * equality on chosen ones, u_i > 0 only for placed needs, P_j > 0 only for
 * full offerings.
 */
function exactDuals(mk: Market, res: AuctionResult, s: number): Duals {
  const { n, m, start, eOff, units, scale, capEff } = mk;
  const { heldOff, heldValue, offPrice, slotStart, slotOwner } = res;
  const V = n + m + 1;
  const T = n + m; // the "stays unplaced" sink
  // Potentials of the ε-optimal prices: offering −P_j, need its profit
  // w − P_j (0 when unplaced), sink 0. Node order: needs, offerings, sink.
  const phi = new Float64Array(V);
  for (let j = 0; j < m; j++) phi[n + j] = -offPrice[j]!;
  for (let i = 0; i < n; i++) {
    const j = heldOff[i]!;
    if (j >= 0) phi[i] = heldValue[i]! - offPrice[j]!;
  }
  let root = 0;
  for (let v = 0; v < V; v++) if (phi[v]! > root) root = phi[v]!;

  const dist = new Float64Array(V);
  const hp = new Int32Array(V); // binary heap of nodes by dist
  const pos = new Int32Array(V);
  for (let v = 0; v < V; v++) {
    dist[v] = root - phi[v]! + 1; // a virtual root reaches every node at cost 0
    hp[v] = v;
    pos[v] = v;
  }
  let size = V;
  const down = (p: number): void => {
    const v = hp[p]!;
    const d = dist[v]!;
    for (;;) {
      let c = 2 * p + 1;
      if (c >= size) break;
      if (c + 1 < size && dist[hp[c + 1]!]! < dist[hp[c]!]!) c++;
      if (dist[hp[c]!]! >= d) break;
      hp[p] = hp[c]!;
      pos[hp[p]!] = p;
      p = c;
    }
    hp[p] = v;
    pos[v] = p;
  };
  const up = (p: number): void => {
    const v = hp[p]!;
    const d = dist[v]!;
    while (p > 0) {
      const parent = (p - 1) >> 1;
      if (dist[hp[parent]!]! <= d) break;
      hp[p] = hp[parent]!;
      pos[hp[p]!] = p;
      p = parent;
    }
    hp[p] = v;
    pos[v] = p;
  };
  for (let p = (size >> 1) - 1; p >= 0; p--) down(p);
  const done = new Uint8Array(V);
  const relax = (from: number, to: number, cost: number): void => {
    if (done[to]) return;
    const d = dist[from]! + cost + phi[from]! - phi[to]! + 1;
    if (d < dist[to]!) {
      dist[to] = d;
      up(pos[to]!);
    }
  };
  while (size > 0) {
    const v = hp[0]!;
    done[v] = 1;
    size--;
    if (size > 0) {
      hp[0] = hp[size]!;
      pos[hp[0]!] = 0;
      down(0);
    }
    if (v < n) {
      for (let e = start[v]!, end = start[v + 1]!; e < end; e++) relax(v, n + eOff[e]!, -units[e]! * scale);
      relax(v, T, 0);
    } else if (v < T) {
      const j = v - n;
      let load = 0;
      for (let k = slotStart[j]!; k < slotStart[j + 1]!; k++) {
        const i = slotOwner[k]!;
        if (i >= 0) {
          relax(v, i, heldValue[i]!);
          load++;
        }
      }
      if (load < capEff[j]!) relax(v, T, 0);
    } else {
      for (let j = 0; j < m; j++) relax(v, n + j, 0);
      for (let i = 0; i < n; i++) if (heldOff[i] === STAYS_UNPLACED) relax(v, i, 0);
    }
  }
  const u = new Float64Array(n);
  const P = new Float64Array(m);
  const exact = (v: number): number => {
    const x = dist[v]! - root + phi[v]! - 1; // = s · distance + (arcs − 1)
    let q = Math.floor(x / s);
    if (q * s > x) q--;
    else if ((q + 1) * s <= x) q++;
    return q;
  };
  const dT = exact(T);
  for (let i = 0; i < n; i++) u[i] = exact(i) - dT;
  for (let j = 0; j < m; j++) P[j] = dT - exact(n + j);
  return { u, P };
}

/**
 * Exact duals of an auction stopped at some ε > 1, if its assignment is
 * already optimal, else null. Same residual arcs as `exactDuals`, in weight
 * units; potentials start from the auction's prices (⌊price / s⌋, within
 * two units of feasible) and a FIFO Bellman–Ford lowers them until every
 * arc has a non-negative reduced cost. A negative cycle (the assignment is
 * not optimal) would lower them forever, so it gives up after a few passes'
 * worth of work and the auction goes on.
 */
function certifiedDuals(mk: Market, res: AuctionResult): Duals | null {
  const { n, m, start, eOff, units, scale, capEff } = mk;
  const { heldOff, heldValue, offPrice, slotStart, slotOwner } = res;
  const V = n + m + 1;
  const T = n + m;
  const pi = new Float64Array(V);
  for (let j = 0; j < m; j++) pi[n + j] = Math.floor(-offPrice[j]! / scale);
  for (let i = 0; i < n; i++) {
    const j = heldOff[i]!;
    if (j >= 0) pi[i] = Math.floor((heldValue[i]! - offPrice[j]!) / scale);
  }
  const unplaced: number[] = [];
  for (let i = 0; i < n; i++) if (heldOff[i] === STAYS_UNPLACED) unplaced.push(i);
  const queue = new Int32Array(V);
  const queued = new Uint8Array(V).fill(1);
  for (let v = 0; v < V; v++) queue[v] = v;
  let qHead = 0;
  let qSize = V;
  let budget = 4 * (eOff.length + 2 * n + 2 * m);
  const relax = (from: number, to: number, cost: number): void => {
    const d = pi[from]! + cost;
    if (d < pi[to]!) {
      pi[to] = d;
      if (!queued[to]) {
        queued[to] = 1;
        queue[(qHead + qSize) % V] = to;
        qSize++;
      }
    }
  };
  while (qSize > 0) {
    const v = queue[qHead]!;
    qHead = (qHead + 1) % V;
    qSize--;
    queued[v] = 0;
    if (v < n) {
      const end = start[v + 1]!;
      budget -= end - start[v]! + 1;
      for (let e = start[v]!; e < end; e++) relax(v, n + eOff[e]!, -units[e]!);
      relax(v, T, 0);
    } else if (v < T) {
      const j = v - n;
      let load = 0;
      budget -= slotStart[j + 1]! - slotStart[j]! + 1;
      for (let k = slotStart[j]!; k < slotStart[j + 1]!; k++) {
        const i = slotOwner[k]!;
        if (i >= 0) {
          relax(v, i, heldValue[i]! / scale);
          load++;
        }
      }
      if (load < capEff[j]!) relax(v, T, 0);
    } else {
      budget -= m + unplaced.length;
      for (let j = 0; j < m; j++) relax(v, n + j, 0);
      for (const i of unplaced) relax(v, i, 0);
    }
    if (budget < 0) return null;
  }
  const u = new Float64Array(n);
  const P = new Float64Array(m);
  for (let i = 0; i < n; i++) u[i] = pi[i]! - pi[T]!;
  for (let j = 0; j < m; j++) P[j] = pi[T]! - pi[n + j]!;
  return { u, P };
}

/**
 * An optimal assignment of a bipartite market (needs may stay unplaced,
 * offerings may keep room) and exact optimal duals in weight units:
 * u_i, P_j ≥ 0, u_i + P_j ≥ units on every edge with equality on the held
 * ones, u_i = 0 for unplaced needs, P_j = 0 for offerings with room.
 */
export function optimalAssignment(mk: Omit<Market, 'scale'>): Duals & { held: Int32Array } {
  const s = mk.n + mk.m + 2; // > #needs for the auction, > path length for exactDuals
  const market: Market = { ...mk, scale: s };
  let duals: Duals | null = null;
  // Below one weight unit (ε < s) every phase ends with a certificate attempt.
  const first = auction(market, weightSchedule(mk.units), (eps, res) => eps < s && (duals = certifiedDuals(market, res)) !== null);
  const { u, P } = duals ?? exactDuals(market, first, s);
  return { u, P, held: first.heldOff }; // held: offering of each need, or < 0
}

/**
 * Edge (index into the problem's CSR) chosen for each need, or -1, for a
 * problem without provider caps or servedFirst.
 */
export function solveByAuction(p: Problem, pool: ArrayPool): Int32Array {
  const { n, m, start, eOff, units, capEff } = p;
  const E = eOff.length;
  const chosen = new Int32Array(n).fill(-1);
  if (E === 0) return chosen;

  // Phase 1: the optimum itself.
  const { held, u, P } = optimalAssignment({ n, m, start, eOff, units, capEff, scratch: p.scratch, pool });

  // Phase 2: among the optimal assignments, place the earliest needs, on
  // the optimal face: tight edges only (u_i + P_j = w_ij), needs with
  // u_i > 0 always placed (no wait arc). Offerings with P_j > 0 are full in
  // the auction's assignment and no augmenting path lowers a load, so they
  // stay full without a rule of their own.
  // Arcs: the tight edges (only those: fewer and smaller arrays, and
  // fresh typed arrays are what makes V8 collect the caller's input), then
  // the waits, then each offering's arc to the sink.
  const sink = n + m;
  let tight = 0;
  for (let i = 0; i < n; i++) {
    for (let e = start[i]!, end = start[i + 1]!; e < end; e++) if (u[i]! + P[eOff[e]!]! === units[e]!) tight++;
  }
  const waits = tight;
  const offArcs = tight + n;
  const A = offArcs + m;
  const tail = pool.int32(A);
  const head = pool.int32(A);
  const cap = pool.int32(A).fill(1, 0, tight);
  const flow = pool.int32(A);
  const edgeOf = pool.int32(tight); // CSR edge of each tight arc
  for (let i = 0, a = 0; i < n; i++) {
    const j0 = held[i]!;
    for (let e = start[i]!, end = start[i + 1]!; e < end; e++) {
      const j = eOff[e]!;
      if (u[i]! + P[j]! !== units[e]!) continue;
      tail[a] = i;
      head[a] = n + j;
      edgeOf[a] = e;
      if (j === j0) {
        flow[a] = 1;
        flow[offArcs + j]!++;
      }
      a++;
    }
    tail[waits + i] = i;
    head[waits + i] = sink;
    cap[waits + i] = u[i]! > 0 ? 0 : 1;
    flow[waits + i] = j0 >= 0 ? 0 : 1;
  }
  for (let j = 0; j < m; j++) {
    tail[offArcs + j] = n + j;
    head[offArcs + j] = sink;
    cap[offArcs + j] = capEff[j]!;
  }
  placeEarliest({ nodes: sink + 1, sink, needs: n, tail, head, cap }, flow, pool);
  for (let a = 0; a < tight; a++) if (flow[a] === 1) chosen[tail[a]!] = edgeOf[a]!;
  return chosen;
}
