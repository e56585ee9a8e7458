/**
 * The bipartite fast path: an ε-scaling forward/reverse auction (Bertsekas)
 * for problems without provider soft caps or servedFirst, where it is
 * several times faster than the general min-cost flow (mcf.ts) on
 * weights of many distinct values.
 *
 *  - The LP relaxation is integral, so prices certify optimality: with
 *    integer weights scaled by s > #needs and ε = 1 in the last scaling
 *    phase, ε-complementary slackness leaves a gap below one weight unit,
 *    i.e. none.
 *  - An auction bid touches only the bidder's ~20 eligible offerings and a
 *    tiny slot heap, and every price stays within [0, max value + ε]
 *    (everyone may stay unplaced at value 0, so nobody bids above its
 *    value): integer-valued doubles never overflow.
 *  - Needs may stay unplaced and slots empty (an asymmetric problem): an
 *    offering left with room at a positive price breaks the certificate, so
 *    reverse bids let it lower its price until filled or free.
 *  - Weights on a coarse grid (all equal, priorities alone) are its worst
 *    case: prices climb ε by ε between equal options (several seconds at
 *    2M pairs); see bench/solver.ts.
 *
 * Tie-breaking without overflow: a second, small auction runs on the face
 * of optimal solutions: exact dual prices (one Dijkstra from the ε-optimal
 * prices) give the tight edges, the needs that must be placed (u > 0) and
 * the offerings that must be full (P > 0); the second auction maximises
 * rank bonuses (n − rank) over tight edges, plus a reward L = n + 1 per
 * must-be-placed need and per must-be-full slot filled. One alternating
 * path changes the bonus sum by at most n < L, so any assignment off the
 * face can be improved and the optimum stays on it; maximising the
 * strictly decreasing bonus is the lexicographic choice of needs (see
 * domain/solver.ts).
 */
import type { Problem } from './prepare.ts';

// ------------------------------------------------------------------ auction

const UNPLACED = -1;
const STAYS_UNPLACED = -2;

/**
 * Bipartite market the auction runs on: edge e is worth units[e] · scale
 * (integers; scaling on the fly saves an edge-sized array).
 */
interface Market {
  n: number;
  m: number;
  start: Int32Array;
  eOff: Int32Array;
  units: Float64Array;
  scale: number;
  capEff: Int32Array;
  /** Int32Array of at least E entries the auction may use (saves an allocation). */
  scratch?: Int32Array;
}

interface AuctionResult {
  /** Per need: the offering it holds, or STAYS_UNPLACED. */
  heldOff: Int32Array;
  /** Per need: value of the edge it holds. */
  heldValue: Float64Array;
  /** P_j: the offering's price (its cheapest slot). */
  offPrice: Float64Array;
  slotStart: Int32Array; // m + 1
  /** Need holding each slot, or -1. */
  slotOwner: Int32Array;
}

/**
 * ε schedule of one auction: the first phase's ε is the largest value over
 * `firstDivisor`; the next divides it by `factor`, and each one after by
 * `growth` times more than the one before; the last phase has ε = 1. Any
 * schedule gives the same exact result; they differ in work only.
 */
interface Schedule {
  firstDivisor: number;
  factor: number;
  growth: number;
}

/**
 * Schedule for the weights themselves, tuned on the benchmark markets
 * (needs × offerings, ~20 eligible offerings a need). With weights of many
 * distinct values, starting at max / 1024 with steps of 16, 32, 64, … did
 * the least work (about 23 edge visits per edge at 2M edges): coarser
 * starts shuffle needs around and leave empty offerings that cost long
 * chains of reverse bids; once prices are close, each phase's full re-check
 * of every need costs more than the few bids a bigger step adds. With few
 * distinct weights a fine start and big steps are a trap: equal options make
 * needs outbid each other ε by ε, so the start follows the weights'
 * granularity (max / distinct values, at least max / 8) and steps stay 16.
 */
function weightSchedule(units: Float64Array): Schedule {
  // A strided sample is enough to tell "a handful of values" from "many".
  const seen = new Set<number>();
  const stride = Math.max(1, Math.floor(units.length / 4096));
  for (let e = 0; e < units.length && seen.size < 1024; e += stride) seen.add(units[e]!);
  const many = seen.size >= 1024;
  return { firstDivisor: Math.max(8, seen.size), factor: 16, growth: many ? 2 : 1 };
}

/**
 * Schedule for the tie-break auction, whose values are rank bonuses that
 * differ by one between neighbours: a textbook coarse start avoids long
 * ε-by-ε price wars (measured 3–8× less work than the weight schedule on
 * tie-heavy markets).
 */
const TIE_BREAK_SCHEDULE: Schedule = { firstDivisor: 8, factor: 8, growth: 1 };

/**
 * ε-scaling auction with offering-level prices.
 *
 * An offering's price P_j is its cheapest slot's price; a slot's price is
 * the bid of the need holding it (or the carried-over price while empty),
 * so a higher bid evicts the holder of the cheapest slot. A need bids for
 * the cheapest slot of its best offering: its value there minus the value
 * of its best other offering (or of staying unplaced) plus ε. Comparing
 * against other offerings only, not against the same offering's next slot,
 * avoids ε-by-ε price wars between identical slots and keeps the
 * offering-level ε-complementary slackness the certificate needs:
 *   need placed at j:  w_ij − P_j ≥ max(0, max_k (w_ik − P_k)) − ε
 *   unplaced need:     0 ≥ max_k (w_ik − P_k) − ε
 *   offering not full: P_j = 0 (the reverse bids enforce it).
 * Then total weight ≥ dual bound − n·ε, so with values scaled by s > n and
 * ε = 1 in the last phase the assignment is optimal.
 *
 * A phase starts from the previous prices and assignment (needs that no
 * longer meet the new ε bid again), runs forward bids until all needs are
 * settled, then reverse bids: an offering with room but a positive price
 * lowers an empty slot's price to attract its best need (who gains at least
 * ε), or to zero.
 */
function auction(mk: Market, schedule: Schedule): AuctionResult {
  const a = new Auction(mk);
  let maxValue = 0;
  for (let e = 0; e < mk.units.length; e++) if (mk.units[e]! > maxValue) maxValue = mk.units[e]!;
  let eps = Math.max(1, Math.floor((maxValue * mk.scale) / schedule.firstDivisor));
  let factor = schedule.factor;
  let sp = a.everyone();
  for (;;) {
    a.forward(sp, eps);
    a.reverse(eps);
    if (eps === 1) break;
    eps = Math.max(1, Math.floor(eps / factor));
    factor *= schedule.growth;
    sp = a.recheck(eps);
  }
  return { heldOff: a.heldOff, heldValue: a.heldValue, offPrice: a.offPrice, slotStart: a.slotStart, slotOwner: a.slotOwner };
}

/**
 * State of one auction. The stages are separate methods so the JIT
 * optimises each hot loop on its own instead of one huge function that
 * deoptimises whenever a new stage starts.
 */
class Auction {
  readonly n: number;
  readonly m: number;
  readonly start: Int32Array;
  readonly eOff: Int32Array;
  readonly units: Float64Array;
  readonly scale: number;
  readonly capEff: Int32Array;
  readonly slotStart: Int32Array;
  readonly slotPrice: Float64Array;
  /** Need holding each slot, or -1. */
  readonly slotOwner: Int32Array;
  /** Per offering: a min-heap of its slots by price, and each slot's position. */
  readonly heap: Int32Array;
  readonly heapPos: Int32Array;
  /** P_j, kept equal to the price at the top of the offering's heap. */
  readonly offPrice: Float64Array;
  /** Edges in offering order (needs eligible for j, their values) for reverse bids. */
  readonly inStart: Int32Array;
  readonly inNeed: Int32Array;
  readonly inValue: Float64Array;
  readonly slotOf: Int32Array;
  /**
   * The offering a need holds (or UNPLACED / STAYS_UNPLACED) and that edge's
   * value: reverse bids read them for every eligible need, and need-sized
   * arrays stay in cache where edge-sized ones do not.
   */
  readonly heldOff: Int32Array;
  readonly heldValue: Float64Array;
  readonly load: Int32Array;
  readonly stack: Int32Array;
  readonly queued: Uint8Array;

  constructor(mk: Market) {
    const { n, m, start, eOff, units, scale, capEff } = mk;
    const E = eOff.length;
    this.n = n;
    this.m = m;
    this.start = start;
    this.eOff = eOff;
    this.units = units;
    this.scale = scale;
    this.capEff = capEff;
    const slotStart = new Int32Array(m + 1);
    for (let j = 0; j < m; j++) slotStart[j + 1] = slotStart[j]! + capEff[j]!;
    const K = slotStart[m]!;
    this.slotStart = slotStart;
    this.slotPrice = new Float64Array(K);
    this.slotOwner = new Int32Array(K).fill(-1);
    this.heap = new Int32Array(K);
    this.heapPos = new Int32Array(K);
    for (let j = 0; j < m; j++) {
      for (let k = slotStart[j]!; k < slotStart[j + 1]!; k++) {
        this.heap[k] = k;
        this.heapPos[k] = k - slotStart[j]!;
      }
    }
    this.offPrice = new Float64Array(m);
    const inStart = new Int32Array(m + 1);
    for (let e = 0; e < E; e++) inStart[eOff[e]! + 1]!++;
    for (let j = 0; j < m; j++) inStart[j + 1]! += inStart[j]!;
    const inNeed = mk.scratch ? mk.scratch.subarray(0, E) : new Int32Array(E);
    const inValue = new Float64Array(E);
    const fill = inStart.slice(0, m);
    for (let i = 0; i < n; i++) {
      for (let e = start[i]!, end = start[i + 1]!; e < end; e++) {
        const q = fill[eOff[e]!]!++;
        inNeed[q] = i;
        inValue[q] = units[e]! * scale;
      }
    }
    this.inStart = inStart;
    this.inNeed = inNeed;
    this.inValue = inValue;
    this.slotOf = new Int32Array(n);
    this.heldOff = new Int32Array(n).fill(UNPLACED);
    this.heldValue = new Float64Array(n);
    this.load = new Int32Array(m);
    this.stack = new Int32Array(Math.max(n, m));
    this.queued = new Uint8Array(m);
  }

  private siftDown(base: number, size: number, pos: number): void {
    const heap = this.heap;
    const heapPos = this.heapPos;
    const price = this.slotPrice;
    const k = heap[base + pos]!;
    const p = price[k]!;
    for (;;) {
      let c = 2 * pos + 1;
      if (c >= size) break;
      if (c + 1 < size && price[heap[base + c + 1]!]! < price[heap[base + c]!]!) c++;
      const ck = heap[base + c]!;
      if (price[ck]! >= p) break;
      heap[base + pos] = ck;
      heapPos[ck] = pos;
      pos = c;
    }
    heap[base + pos] = k;
    heapPos[k] = pos;
  }

  private siftUp(base: number, pos: number): void {
    const heap = this.heap;
    const heapPos = this.heapPos;
    const price = this.slotPrice;
    const k = heap[base + pos]!;
    const p = price[k]!;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pk = heap[base + parent]!;
      if (price[pk]! <= p) break;
      heap[base + pos] = pk;
      heapPos[pk] = pos;
      pos = parent;
    }
    heap[base + pos] = k;
    heapPos[k] = pos;
  }

  /** First phase: every need bids, the earliest first. */
  everyone(): number {
    const stack = this.stack;
    let sp = 0;
    for (let i = this.n - 1; i >= 0; i--) stack[sp++] = i;
    return sp;
  }

  /**
   * Start of a later phase: keep each need's assignment where it still
   * meets the new ε (clearing everything makes needs land elsewhere and
   * leaves empty slots that then need long chains of reverse bids); the
   * others bid again. Returns the stack size of needs to bid.
   */
  recheck(eps: number): number {
    const { n, start, eOff, units, scale, offPrice, heldOff, slotOf, slotPrice, slotOwner, slotStart, heapPos, load, stack } = this;
    let sp = 0;
    for (let i = n - 1; i >= 0; i--) {
      const j = heldOff[i]!;
      let own = 0;
      let other = 0;
      for (let e = start[i]!, end = start[i + 1]!; e < end; e++) {
        const jj = eOff[e]!;
        const v = units[e]! * scale - offPrice[jj]!;
        if (jj === j) own = v;
        else if (v > other) other = v;
      }
      if (own >= other - eps) {
        if (j >= 0) {
          // Re-bid in place at the new ε: the slot's price bounds how far
          // the offering's price may rise while this need stays.
          const k = slotOf[i]!;
          const bid = own + offPrice[j]! - other + eps;
          if (bid < slotPrice[k]!) {
            slotPrice[k] = bid;
            this.siftUp(slotStart[j]!, heapPos[k]!);
          }
        }
        continue;
      }
      if (j >= 0) {
        // The slot empties at the offering's price, which therefore stays
        // put; a stale higher bid would only keep the slot empty.
        const k = slotOf[i]!;
        slotOwner[k] = -1;
        slotPrice[k] = offPrice[j]!;
        this.siftUp(slotStart[j]!, heapPos[k]!);
        load[j]!--;
      }
      heldOff[i] = UNPLACED;
      stack[sp++] = i;
    }
    return sp;
  }

  /** Forward bids until every need on the stack is settled. */
  forward(sp: number, eps: number): void {
    const { start, eOff, units, scale, offPrice, heldOff, heldValue, slotOf, slotPrice, slotOwner, slotStart, heap, load, stack } = this;
    while (sp > 0) {
      const i = stack[--sp]!;
      let v1 = 0; // staying unplaced is worth zero, and wins its ties
      let v2 = 0;
      let best = -1;
      let bestJ = -1;
      for (let e = start[i]!, end = start[i + 1]!; e < end; e++) {
        const j = eOff[e]!;
        const v = units[e]! * scale - offPrice[j]!;
        // Equal offerings go by index, whatever the edges' input order.
        if (v > v1 || (v === v1 && best >= 0 && j < bestJ)) {
          v2 = v1;
          v1 = v;
          best = e;
          bestJ = j;
        } else if (v > v2) v2 = v;
      }
      if (best < 0) {
        heldOff[i] = STAYS_UNPLACED;
        continue;
      }
      const j = bestJ;
      const base = slotStart[j]!;
      const k = heap[base]!;
      const prev = slotOwner[k]!;
      const value = v1 + offPrice[j]!;
      heldOff[i] = j;
      heldValue[i] = value;
      slotOwner[k] = i;
      slotOf[i] = k;
      slotPrice[k] = value - v2 + eps; // v2 >= 0: a price never exceeds value + ε
      this.siftDown(base, slotStart[j + 1]! - base, 0);
      offPrice[j] = slotPrice[heap[base]!]!;
      if (prev >= 0) {
        heldOff[prev] = UNPLACED;
        stack[sp++] = prev;
      } else load[j]!++;
    }
  }

  /** Reverse bids until no offering has room at a positive price. */
  reverse(eps: number): void {
    const { m, capEff, offPrice, heldOff, heldValue, slotOf, slotPrice, slotOwner, slotStart, heap, heapPos, load, stack, queued, inStart, inNeed, inValue } = this;
    let rp = 0;
    for (let j = 0; j < m; j++) {
      if (load[j]! < capEff[j]! && offPrice[j]! > 0) {
        stack[rp++] = j;
        queued[j] = 1;
      }
    }
    while (rp > 0) {
      const j = stack[--rp]!;
      queued[j] = 0;
      const base = slotStart[j]!;
      const end = slotStart[j + 1]!;
      while (load[j]! < capEff[j]! && offPrice[j]! > 0) {
        // The cheapest empty slot makes the offer.
        let k = -1;
        for (let q = base; q < end; q++) {
          if (slotOwner[q]! < 0 && (k < 0 || slotPrice[q]! < slotPrice[k]!)) k = q;
        }
        let b1 = -Infinity;
        let b2 = -Infinity;
        let best = -1;
        for (let q = inStart[j]!, qe = inStart[j + 1]!; q < qe; q++) {
          const i = inNeed[q]!;
          const jh = heldOff[i]!;
          let profit = 0;
          if (jh >= 0) {
            if (jh === j) continue;
            profit = heldValue[i]! - offPrice[jh]!;
          }
          const b = inValue[q]! - profit;
          if (b > b1) {
            b2 = b1;
            b1 = b;
            best = q;
          } else if (b > b2) b2 = b;
        }
        if (b1 - eps <= 0) {
          // Nobody gains more than ε from it: the offering is worth zero.
          slotPrice[k] = 0;
          this.siftUp(base, heapPos[k]!);
          offPrice[j] = 0;
          break;
        }
        const i = inNeed[best]!;
        const jo = heldOff[i]!;
        const old = jo >= 0 ? slotOf[i]! : -1;
        heldOff[i] = j;
        heldValue[i] = inValue[best]!;
        slotOwner[k] = i;
        slotOf[i] = k;
        slotPrice[k] = b2 - eps > 0 ? b2 - eps : 0;
        this.siftUp(base, heapPos[k]!);
        offPrice[j] = slotPrice[heap[base]!]!;
        load[j]!++;
        if (old >= 0) {
          slotOwner[old] = -1;
          load[jo]!--;
          if (!queued[jo] && offPrice[jo]! > 0) {
            stack[rp++] = jo;
            queued[jo] = 1;
          }
        }
      }
    }
  }
}

// ------------------------------------------------------------ exact duals

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
function exactDuals(mk: Market, res: AuctionResult, s: number): { u: Float64Array; P: Float64Array } {
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

// ------------------------------------------------------------------ solve

/**
 * Edge (index into the problem's CSR) chosen for each need, or -1, for a
 * problem without provider caps or servedFirst.
 */
export function solveByAuction(p: Problem): Int32Array {
  const { n, m, start, eOff, units, capEff } = p;
  const E = eOff.length;
  const chosen = new Int32Array(n).fill(-1);
  if (E === 0) return chosen;

  // Phase 1: the optimum itself.
  const s = n + m + 2; // > #needs for the auction, > path length for exactDuals
  const market: Market = { n, m, start, eOff, units, scale: s, capEff, scratch: p.scratch };
  const { u, P } = exactDuals(market, auction(market, weightSchedule(units)), s);

  // Phase 2: among the optimal assignments, place the earliest needs. Only
  // tight edges (u_i + P_j = w_ij) remain; need of rank r earns n − r, plus
  // L if it must be placed (u > 0), plus L on edges into offerings that must
  // be full (P > 0). L exceeds any difference of rank bonuses, so leaving
  // the optimal face never pays (see the file comment).
  const L = n + 1;
  const s2 = n + 1;
  const tStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let e = start[i]!, end = start[i + 1]!; e < end; e++) if (u[i]! + P[eOff[e]!]! === units[e]!) c++;
    tStart[i + 1] = tStart[i]! + c;
  }
  const E2 = tStart[n]!;
  const tOff = new Int32Array(E2);
  const tUnits = new Float64Array(E2);
  const tIndeg = new Int32Array(m);
  for (let i = 0, t = 0; i < n; i++) {
    const bonus = n - i + (u[i]! > 0 ? L : 0);
    for (let e = start[i]!, end = start[i + 1]!; e < end; e++) {
      const j = eOff[e]!;
      if (u[i]! + P[j]! !== units[e]!) continue;
      tOff[t] = j;
      tUnits[t] = bonus + (P[j]! > 0 ? L : 0);
      tIndeg[j]!++;
      t++;
    }
  }
  const tCap = new Int32Array(m);
  for (let j = 0; j < m; j++) tCap[j] = Math.min(capEff[j]!, tIndeg[j]!);
  // Same object shape as phase 1's market (the JIT keeps its optimised
  // code), and phase 1 is done with the scratch buffer.
  const tieBreak: Market = { n, m, start: tStart, eOff: tOff, units: tUnits, scale: s2, capEff: tCap, scratch: p.scratch };
  const second = auction(tieBreak, TIE_BREAK_SCHEDULE);
  for (let i = 0; i < n; i++) {
    const j = second.heldOff[i]!;
    if (j < 0) continue;
    for (let e = start[i]!; e < start[i + 1]!; e++) {
      if (eOff[e] === j) {
        chosen[i] = e;
        break;
      }
    }
  }
  return chosen;
}
