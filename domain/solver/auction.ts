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
 *    case: prices climb ε by ε between equal options. There the
 *    assignment is usually optimal long before ε = 1, so the caller may
 *    stop after any phase (`stop`: assignment.ts certifies the assignment
 *    with integer duals). Measured at 2M pairs (bench/solver.ts, CPU time
 *    of the whole solve on a loaded 2-core machine): all weights tied
 *    ~2.0 s, 16 weight levels ~2.9 s, weights all distinct ~2.3 s; before
 *    the early stop, 8.4 s and 13.9 s (wall) for the first two.
 *
 * The tie-break (earliest needs among the optimal assignments) is not the
 * auction's job: see assignment.ts and earliest.ts.
 */
import type { ArrayPool } from './pool.ts';

// ------------------------------------------------------------------ auction

const UNPLACED = -1;
export const STAYS_UNPLACED = -2;

/**
 * Bipartite market the auction runs on: edge e is worth units[e] · scale
 * (integers; scaling on the fly saves an edge-sized array).
 */
export interface Market {
  n: number;
  m: number;
  start: Int32Array;
  eOff: Int32Array;
  units: Float64Array;
  scale: number;
  capEff: Int32Array;
  /** Int32Array of at least E entries the auction may use (saves an allocation). */
  scratch?: Int32Array;
  /** Where its edge-sized scratch comes from and goes back to (pool.ts). */
  pool?: ArrayPool;
}

export interface AuctionResult {
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
 * distinct weights a fine start is a trap: equal options make needs outbid
 * each other ε by ε, and the early stop (see the file comment) usually
 * comes within the first three phases, so the start is coarse (max / 4 for
 * up to 16 values; max / (values / 4) beyond) and steps stay 16. Measured:
 * 16 levels certified after 1.1 s of bids from max / 4, 2.1 s from
 * max / 16.
 */
export function weightSchedule(units: Float64Array): Schedule {
  // A strided sample is enough to tell "a handful of values" from "many".
  const seen = new Set<number>();
  const stride = Math.max(1, Math.floor(units.length / 4096));
  for (let e = 0; e < units.length && seen.size < 1024; e += stride) seen.add(units[e]!);
  const many = seen.size >= 1024;
  return many ? { firstDivisor: 1024, factor: 16, growth: 2 } : { firstDivisor: Math.max(4, seen.size / 4), factor: 16, growth: 1 };
}

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
export function auction(mk: Market, schedule: Schedule, stop?: (eps: number, res: AuctionResult) => boolean): AuctionResult {
  const a = new Auction(mk);
  let maxValue = 0;
  for (let e = 0; e < mk.units.length; e++) if (mk.units[e]! > maxValue) maxValue = mk.units[e]!;
  let eps = Math.max(1, Math.floor((maxValue * mk.scale) / schedule.firstDivisor));
  let factor = schedule.factor;
  let sp = a.everyone();
  const result = (): AuctionResult => ({ heldOff: a.heldOff, heldValue: a.heldValue, offPrice: a.offPrice, slotStart: a.slotStart, slotOwner: a.slotOwner });
  for (;;) {
    a.forward(sp, eps);
    a.reverse(eps);
    if (eps === 1 || stop?.(eps, result())) break;
    eps = Math.max(1, Math.floor(eps / factor));
    factor *= schedule.growth;
    sp = a.recheck(eps);
  }
  mk.pool?.release(a.inValue, a.inNeed); // inNeed: ignored when it is the caller's scratch
  return result();
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
    const inNeed = mk.scratch ? mk.scratch.subarray(0, E) : mk.pool ? mk.pool.int32(E) : new Int32Array(E);
    const inValue = mk.pool ? mk.pool.float64(E) : new Float64Array(E);
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
