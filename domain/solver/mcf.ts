/**
 * Exact minimum-cost flow on integer costs: Goldberg's cost-scaling
 * push-relabel (refine with last-in-first-out discharges) with global
 * price updates, and exact optimal node potentials as its certificate.
 *
 * Why this method: the matcher's network (needs → offerings → providers →
 * sink) has two capacity levels, which the assignment auction (auction.ts)
 * does not model. Global updates set every price from the exact residual
 * distance (in ε units) to the nodes that still lack flow, which bounds the
 * ε-by-ε price wars equal weights cause. Measured (bench/solver.ts) it is
 * still 2–4× slower than the auction on uncapped markets (and far slower on
 * tied ones), so it runs only where provider loads remain decisions (caps
 * without servedFirst, or spare capacity on the served-most face; face.ts
 * hands the rest to the auction), and only for the weighted objective:
 * serving the most needs and the earliest-need tie-break are unit moves
 * (earliest.ts).
 *
 * Cost at 2M pairs with provider caps (bench/solver.ts, surplus family;
 * CPU, side by side on one network): ~9 s for the one flow at first, ~3 s
 * after four measures. (1) Each node's residual arcs
 * sit first in its range (an offering's relabel scanned its ~200 arcs;
 * now the ~20 that carry flow): −35%. (2) Last-in-first-out discharges:
 * −20%. (3) Starting below the textbook ε (see `solve`): −35%.
 * (4) Stopping once the flow is proved optimal (see below): four or five
 * phases fewer. Then ~2.7 → ~2.3 s: global updates scan only the arcs whose
 * partner can be residual (see `unitArcs`) and floor by a multiplication,
 * and the residual arrays come from the solve's pool (pool.ts), one fewer
 * of them; and a displaced need bids as in the auction (see `bid`): ~4%.
 * Costs kept unscaled in 32 bits (see `rCost`) save 17 MB at 2M pairs;
 * needs repriced at each phase's start (see `priceSources`) and a global
 * update without its scanned marks: ~8% less. Starting lower still (the
 * largest cost / 4α² instead of / α², see `solve`): ~35% less, ~1.4 s.
 * The matcher's 2M need → offering arcs read from its own edge lists, with
 * one number per need for their flow (see `LeadingArcs`, `Residual`):
 * ~10% less, and 48 MB less memory. Measured no better since: skipping a
 * phase's first global update (200k pairs faster, 2M no better or
 * slower), and the edges' gains copied to 32 bits for the needs' scans.
 * What is left is mostly the second phase, at ε ≈ 0.008 weight units,
 * where the soft caps' penalty (5) shows: each displaced need displaces
 * another, because nearly every provider sits at its cap. Measured no
 * better: α = 4, 8, 32 or 64;
 * global updates twice or half as often, or cut short after a share of the
 * arcs (faster on one market, slower on another); setting far-behind arcs
 * aside (moving them cost more than the scans it saved); offerings and
 * providers repriced to their second-best arc when the best fills, as a
 * displaced need bids (as many relabels, more discharges); needs
 * renumbered by their best offering, for locality; the global update's
 * distances in 32 bits.
 *
 * Exactness: costs are multiplied by σ > number of nodes, and the last
 * phase runs at ε = 1, i.e. ε < 1/σ in the original units: an ε-optimal
 * flow on integer costs with ε < 1/#nodes is optimal (Goldberg–Tarjan).
 * Potentials are then made exact by one Dijkstra (see `exactPotentials`) and
 * checked: every residual arc must have a non-negative reduced cost. A
 * failed check throws instead of returning a wrong answer. Usually the
 * phases stop earlier: once ε is below α cost units, integer potentials
 * that price no residual arc negative are sought from the prices (see
 * `certifiedPotentials`); found, they prove the flow optimal by the same
 * rule. On the bench markets the first try succeeds, at ε ≈ 2 cost units:
 * four phases early at 200k pairs, five at 2M.
 *
 * All numbers are integers held in doubles; callers keep |cost| · σ · 8
 * below 2^53 (the prices' drift stays within a few times the cost range).
 */

import { ArrayPool } from './pool.ts';

export interface FlowProblem {
  nodes: number;
  /** Forward arcs: tail, head, capacity (≥ 0), cost (integer). */
  tail: Int32Array;
  head: Int32Array;
  cap: Int32Array;
  cost: Float64Array;
  /** Per node: supply (> 0) or demand (< 0); they sum to zero. */
  supply: Int32Array;
}

export interface FlowSolution {
  /** Flow on each forward arc. */
  flow: Int32Array;
  /**
   * Exact optimal potentials π (original cost units): every residual arc
   * (v, w) has c + π(v) − π(w) ≥ 0. Present when asked for.
   */
  potential: Float64Array | null;
}

/**
 * Leading arcs given as edge lists instead of arrays: arc e (0 ≤ e <
 * to.length) leaves node i, where start[i] ≤ e < start[i + 1], enters node
 * toBase + to[e], and has capacity 1 and cost −gain[e]. The problem's
 * arrays then hold the arcs after them, numbered from to.length on. The
 * matcher's need → offering arcs are its problem's edge lists in this
 * form: the flow reads them there, and the caller needs no arrays of a
 * full network while the flow runs (domain/solver.ts). Each tail must be
 * a need: no arc enters it, its supply is 0 or 1, and its other arcs have
 * capacity 1 (the flow keeps one number per tail for them, see
 * `Residual`); `minCostFlow` throws otherwise.
 */
export interface LeadingArcs {
  start: Int32Array;
  to: Int32Array;
  toBase: number;
  gain: Float64Array;
}

/** Price-scaling factor per phase: the ε of one phase over the next. */
const ALPHA = 16;

/** The first phase's ε is the largest cost over this (see `Residual.solve`). */
const START = 4 * ALPHA * ALPHA;

/** The problem has no feasible flow (a caller's bug: the matcher always has one). */
export class InfeasibleFlow extends Error {
  constructor() {
    super('min-cost flow: no feasible flow');
    this.name = 'InfeasibleFlow';
  }
}

/**
 * `pool`: where the residual network's arrays come from and go back to
 * once the flow is found (pool.ts); the returned flow comes from it too,
 * one entry per arc (the leading ones first, when given).
 */
export function minCostFlow(problem: FlowProblem, wantPotentials: boolean, pool = new ArrayPool(), lead?: LeadingArcs): FlowSolution {
  const net = new Residual(problem, pool, lead);
  try {
    const early = net.solve();
    net.checkBalanced();
    const potential = wantPotentials ? (early ?? net.exactPotentials()) : null;
    // Reading the flow takes only `orig`, `rCap` and `sent`: the rest goes
    // back first, so the flow's array reuses that memory instead of
    // faulting in fresh pages (~3 ms per MB on the bench machine; 8.5 MB
    // at 2M pairs).
    pool.release(net.rHead, net.rRev, net.rCost, net.tTail, net.tArc, net.tGain, net.at);
    return { flow: net.flows(pool), potential };
  } finally {
    // Thrown or not: a caller that catches InfeasibleFlow goes on with the
    // same pool. Arrays already given back are ignored.
    pool.release(net.rHead, net.rRev, net.rCap, net.orig, net.rCost, net.tTail, net.tArc, net.tGain, net.at);
  }
}

/**
 * Residual network with its state. The problem's arrays' arcs sit in CSR
 * layout (grouped by tail), each with its reverse arc.
 *
 * Leading arcs are not copied: each tail's go forward from the caller's
 * edge lists, and the flow on them is one number per tail, `sent` (the
 * one arc that carries its unit, or −1). The reverse arcs, and the
 * forward arcs seen from their heads (which the global update follows
 * backwards), sit in a transpose grouped by head, where the arcs that
 * carry flow come first (`held`), as the CSR keeps residual arcs first.
 * That is 16 bytes a leading arc instead of the CSR's 40 (at 2M pairs:
 * 32 MB instead of 80, less to write and to fault in; the flow's own time
 * ~10% less in CPU profiles, three alternating pairs). It needs each
 * tail to be a node no arc enters, with a supply of at most 1 and unit
 * arcs only (a need): its unit then sits on one arc at most, since the
 * phases start from `priceSources`, which leaves none of a source's arcs
 * negative for the refine to saturate.
 */
class Residual {
  readonly N: number;
  readonly sigma: number;
  readonly first: Int32Array;
  readonly rHead: Int32Array;
  readonly rRev: Int32Array;
  readonly rCap: Int32Array;
  /** Forward arc of each residual position, times 2, plus 1 on the reverse arc. */
  readonly orig: Int32Array;
  /**
   * Residual arcs (rCap > 0) of node v sit first in its range:
   * first[v] .. first[v] + nres[v]. Scans that only follow residual arcs
   * (pushes, relabels, saturation, exact potentials) skip the rest: an
   * offering node has ~200 arcs, of which only its assigned needs' (~20)
   * carry residual capacity back.
   */
  readonly nres: Int32Array;
  /**
   * Cost of each residual arc in the problem's units; the loops scale it by
   * σ as they read it. Int32 whenever every cost fits (the matcher's always
   * do), else Float64: at 2M pairs half the bytes of scaled doubles, 17 MB
   * less memory to fault in (~3 ms per MB on the bench machine) and less
   * to read in every scan.
   */
  readonly rCost: Int32Array | Float64Array;
  /** Number of forward arcs (the leading ones and the problem's). */
  readonly arcs: number;
  /** Residual arcs in all: two per forward arc, leading or not. */
  readonly residualArcs: number;
  // Leading arcs (see the class comment): arc e leaves tail v
  // (lStart[v] ≤ e < lStart[v + 1], v < L) and enters lBase + lTo[e], at
  // cost −lGain[e].
  readonly L: number;
  readonly lStart: Int32Array;
  readonly lTo: Int32Array;
  readonly lBase: number;
  readonly lGain: Float64Array;
  /** Per tail: the leading arc that carries its unit, or −1. */
  readonly sent: Int32Array;
  /** Transpose: the leading arcs into node w at tFirst[w] .. tFirst[w + 1], as tail and arc. */
  readonly tFirst: Int32Array;
  readonly tTail: Int32Array;
  readonly tArc: Int32Array;
  /**
   * Each transpose position's gain (the reverse arc's cost), as `rCost`
   * keeps costs: the scans from a head read it in order instead of
   * looking it up by arc (measured: the global update took twice as long
   * without it).
   */
  readonly tGain: Int32Array | Float64Array;
  /** Position of each leading arc in the transpose. */
  readonly at: Int32Array;
  /** Per node: its leading arcs that carry flow, first in its transpose range (their reverse arcs are residual). */
  readonly held: Int32Array;
  /**
   * Nodes that leading arcs enter lie in headFrom .. headTo − 1 (none
   * without them): the hot loops skip the transpose of any other node
   * without reading its range (reading it made the arrays' form ~10%
   * slower: a crowded 2M-pair market, whose general path takes it).
   */
  readonly headFrom: number;
  readonly headTo: number;
  isHead(v: number): boolean {
    return v >= this.headFrom && v < this.headTo;
  }
  readonly price: Float64Array;
  readonly excess: Float64Array;
  /**
   * Scan position of each node's discharge: a CSR position (≥ 0), or
   * −1 − x for position x of its transpose range (scanned after the CSR
   * range).
   */
  readonly current: Int32Array;
  /**
   * Nodes with excess, discharged last in, first out: a need displaced by
   * a push is discharged next, so a chain of displacements runs to its end
   * before the next starts (measured ~20% faster than FIFO at 2M pairs, the
   * same at 200k).
   */
  readonly active: Int32Array;
  readonly isActive: Uint8Array;
  activeCount = 0;
  maxCost = 0;
  /** Arcs scanned by relabels since the last global update. */
  relabels = 0;
  /**
   * Relabel work (residual arcs scanned) between global updates: as many as
   * the network has arcs, measured best on the bench markets (half or twice
   * as many: 5–10% slower at 2M pairs).
   */
  workLimit(): number {
    return Math.max(1024, this.residualArcs);
  }
  // Global update scratch.
  readonly dist: Float64Array;
  readonly bHead: Int32Array;
  readonly bNext: Int32Array;
  readonly bPrev: Int32Array;
  // Feasibility check scratch, made on first use (on the bench networks
  // every global update reaches every excess, and the check never ran).
  private reached: Uint8Array | null = null;
  private queue: Int32Array | null = null;
  /**
   * Nodes all of whose CSR arcs have capacity 1 (the needs). Such an arc is
   * either full or empty, so the arcs whose partner is residual are exactly
   * the node's empty ones, after its residual range: the global update
   * scans those alone (a need's one assigned arc instead of its ~20).
   */
  readonly unitArcs: Uint8Array;
  /** Nodes no arc enters (the needs): repriced at each phase's start (see `priceSources`). */
  readonly sources: Int32Array;

  constructor(p: FlowProblem, pool: ArrayPool, lead?: LeadingArcs) {
    const N = p.nodes;
    this.N = N;
    this.sigma = N + 2;
    const E = lead ? lead.to.length : 0;
    const L = lead ? lead.start.length - 1 : 0;
    const deg = new Int32Array(N + 1);
    const out = new Int32Array(N);
    const unitArcs = new Uint8Array(N).fill(1);
    // Leading arcs into each node (made the transpose's ranges below).
    const tFirst = new Int32Array(N + 1);
    let headFrom = N;
    let headTo = 0;
    let maxCost = 0;
    if (lead) {
      const { start, to, toBase, gain } = lead;
      if (start[0] !== 0 || start[L] !== E) throw new Error('min-cost flow: the leading arcs\' start offsets do not match their number');
      for (let e = 0; e < E; e++) {
        const w = toBase + to[e]!;
        if (!(w >= 0 && w < N)) throw new Error('min-cost flow: a leading arc enters no node');
        tFirst[w + 1]!++;
        if (w < headFrom) headFrom = w;
        if (w >= headTo) headTo = w + 1;
        if (Math.abs(gain[e]!) > maxCost) maxCost = Math.abs(gain[e]!);
      }
    }
    let R = 0;
    // The problem's arcs are read twice, in arc order: once here for
    // everything but the fill, once to fill. Arcs of no capacity are left
    // out of the residual network.
    for (let a = 0; a < p.tail.length; a++) {
      const u = p.cap[a]!;
      if (u <= 0) continue;
      const v = p.tail[a]!;
      const w = p.head[a]!;
      maxCost = Math.max(maxCost, Math.abs(p.cost[a]!));
      deg[v + 1]!++;
      deg[w + 1]!++;
      out[v]!++;
      if (u > 1) unitArcs[v] = unitArcs[w] = 0;
      R += 2;
    }
    this.unitArcs = unitArcs;
    for (let v = 0; v < L; v++) {
      if (deg[v + 1] !== out[v] || tFirst[v + 1] !== 0 || unitArcs[v] === 0 || !(p.supply[v] === 0 || p.supply[v] === 1)) {
        throw new Error('min-cost flow: a leading arc leaves a node that an arc enters, or with a supply above 1 or an arc above capacity 1');
      }
    }
    // Sources: nodes that every arc leaves (no arc enters).
    const isSource = (v: number): boolean => deg[v + 1] === out[v] && tFirst[v + 1] === 0;
    let sources = 0;
    for (let v = 0; v < N; v++) if (isSource(v)) sources++;
    this.sources = new Int32Array(sources);
    for (let v = 0, k = 0; v < N; v++) if (isSource(v)) this.sources[k++] = v;
    for (let v = 0; v < N; v++) deg[v + 1]! += deg[v]!;
    this.first = deg;
    // Forward arcs (residual at zero flow) first in each node's range, reverse arcs after.
    const fillOut = deg.slice(0, N);
    const fillIn = new Int32Array(N);
    for (let v = 0; v < N; v++) fillIn[v] = deg[v]! + out[v]!;
    this.nres = out;
    this.rHead = pool.int32(R);
    this.rRev = pool.int32(R);
    this.rCap = pool.int32(R);
    this.orig = pool.int32(R);
    this.rCost = maxCost < 2 ** 31 ? pool.int32(R) : pool.float64(R);
    this.arcs = E + p.tail.length;
    this.residualArcs = R + 2 * E;
    this.maxCost = maxCost * this.sigma;
    const { rHead, rRev, rCap, orig, rCost } = this;
    for (let a = 0; a < p.tail.length; a++) {
      const u = p.cap[a]!;
      if (u <= 0) continue;
      const v = p.tail[a]!;
      const w = p.head[a]!;
      const c = p.cost[a]!;
      const x = fillOut[v]!++;
      const y = fillIn[w]!++;
      rHead[x] = w;
      rRev[x] = y;
      rCap[x] = u;
      orig[x] = 2 * (E + a);
      rCost[x] = c;
      rHead[y] = v;
      rRev[y] = x;
      // rCap[y] = 0: reverse arcs start empty (the fresh array is zero).
      orig[y] = 2 * (E + a) + 1;
      rCost[y] = -c;
    }
    // The transpose, in each head's range by tail: no arc carries flow yet.
    for (let v = 0; v < N; v++) tFirst[v + 1]! += tFirst[v]!;
    this.tFirst = tFirst;
    this.headFrom = headFrom < headTo ? headFrom : 0;
    this.headTo = headTo;
    this.tTail = E > 0 ? pool.int32(E) : new Int32Array(0);
    this.tArc = E > 0 ? pool.int32(E) : new Int32Array(0);
    this.at = E > 0 ? pool.int32(E) : new Int32Array(0);
    this.tGain = E === 0 ? new Int32Array(0) : maxCost < 2 ** 31 ? pool.int32(E) : pool.float64(E);
    this.L = L;
    this.lStart = lead ? lead.start : new Int32Array(1);
    this.lTo = lead ? lead.to : new Int32Array(0);
    this.lBase = lead ? lead.toBase : 0;
    this.lGain = lead ? lead.gain : new Float64Array(0);
    if (lead) {
      const { tTail, tArc, tGain, at, lStart, lTo, lBase, lGain } = this;
      const fill = tFirst.slice(0, N);
      for (let v = 0; v < L; v++) {
        for (let e = lStart[v]!, end = lStart[v + 1]!; e < end; e++) {
          const x = fill[lBase + lTo[e]!]!++;
          tTail[x] = v;
          tArc[x] = e;
          tGain[x] = lGain[e]!;
          at[e] = x;
        }
      }
    }
    this.sent = new Int32Array(L).fill(-1);
    this.held = new Int32Array(N);
    this.price = new Float64Array(N);
    this.excess = Float64Array.from(p.supply);
    this.current = this.first.slice(0, N);
    this.active = new Int32Array(N);
    this.isActive = new Uint8Array(N);
    this.dist = new Float64Array(N);
    this.bHead = new Int32Array(N + 1);
    this.bNext = new Int32Array(N);
    this.bPrev = new Int32Array(N);
  }

  /**
   * Any starting ε is correct (the first refine makes whatever it starts
   * from ε-optimal); the textbook one, the largest cost / α, only costs
   * time here. At ε that coarse (~8 weight units on the bench markets) the
   * first phase places every need by weight alone, blind to anything
   * smaller, the soft caps' penalty included, and the next phase spends
   * most of the solve undoing it. One phase lower (the largest cost / α²),
   * from the sources' own best prices (see `priceSources`), measured 30–40%
   * faster at 200k and 2M pairs (bench surplus family), two phases lower
   * slower at 2M. The start now sits between those, at the largest cost /
   * 4α² (~0.12 weight units on the bench markets): the first phase then
   * already sees part of the penalty, and the phases land where the early
   * certificate succeeds one phase sooner (at ε ≈ 2 cost units). The flow's
   * median at 2M pairs, surplus family, four markets (seeds) twice each,
   * alternately in fresh processes, by the divisor of α²: 1: 2.09 s,
   * 2: 1.72 s, 3: 1.49 s, 4: 1.36 s, 6: 1.67 s. At 200k and 2,000 pairs
   * the start made no measurable difference.
   */
  solve(): Float64Array | null {
    let eps = Math.max(1, Math.ceil(this.maxCost / START));
    for (;;) {
      this.refine(eps);
      if (eps === 1) return null;
      if (eps < ALPHA * this.sigma) {
        const potential = this.certifiedPotentials();
        if (potential !== null) return potential;
      }
      eps = Math.max(1, Math.ceil(eps / ALPHA));
    }
  }

  /**
   * Tries to prove the current flow optimal before ε reaches 1: integer
   * potentials from the prices (rounded to cost units), then lowered
   * wherever a residual arc prices negative, label-correcting, until none
   * does. It can only end when the flow is optimal (around a negative
   * residual cycle the labels would fall for ever), and the potentials are
   * then its certificate. Tried
   * once ε is below α cost units: an ε-optimal flow is then often optimal
   * already (on the bench markets: at ε ≈ 7 units at 200k pairs, saving
   * five phases; at 2M pairs only at the next ε, ≈ 0.5 units, saving four;
   * at ε ≈ 119 units never). A try that fails
   * within a budget of one pass over the arcs' worth of scans costs less
   * than a phase, and the phases go on.
   */
  private certifiedPotentials(): Float64Array | null {
    const { N, sigma, first, nres, rHead, rCost, price, L, lStart, lTo, lBase, lGain, sent, tFirst, tTail, tGain, held } = this;
    const pi = new Float64Array(N);
    for (let v = 0; v < N; v++) pi[v] = Math.round(price[v]! / sigma);
    const queue = new Int32Array(N);
    const queued = new Uint8Array(N);
    let head = 0;
    let size = 0;
    const push = (w: number): void => {
      if (queued[w]) return;
      queued[w] = 1;
      queue[(head + size) % N] = w;
      size++;
    };
    const lower = (w: number, bound: number): void => {
      if (pi[w]! > bound) {
        pi[w] = bound;
        push(w);
      }
    };
    for (let v = 0; v < N; v++) push(v);
    let budget = this.residualArcs;
    while (size > 0) {
      const v = queue[head]!;
      head = (head + 1) % N;
      size--;
      queued[v] = 0;
      const pv = pi[v]!;
      const end = first[v]! + nres[v]!;
      const leads = v < L ? lStart[v + 1]! - lStart[v]! : 0;
      budget -= end - first[v]! + leads + held[v]!;
      if (budget < 0) return null;
      for (let a = first[v]!; a < end; a++) lower(rHead[a]!, pv + rCost[a]!);
      if (leads > 0) {
        const skip = sent[v]!;
        for (let e = lStart[v]!, eEnd = lStart[v + 1]!; e < eEnd; e++) if (e !== skip) lower(lBase + lTo[e]!, pv - lGain[e]!);
      }
      for (let x = tFirst[v]!, hEnd = x + held[v]!; x < hEnd; x++) lower(tTail[x]!, pv + tGain[x]!);
    }
    return pi;
  }

  /** Throws InfeasibleFlow unless every supply and demand is met. */
  checkBalanced(): void {
    for (let v = 0; v < this.N; v++) if (this.excess[v] !== 0) throw new InfeasibleFlow();
  }

  flows(pool: ArrayPool): Int32Array {
    const flow = pool.int32(this.arcs);
    for (let v = 0; v < this.L; v++) if (this.sent[v]! >= 0) flow[this.sent[v]!] = 1;
    // A forward arc's flow is its reverse arc's residual capacity.
    for (let x = 0; x < this.orig.length; x++) if ((this.orig[x]! & 1) === 1) flow[this.orig[x]! >> 1] = this.rCap[x]!;
    return flow;
  }

  /** Exchanges residual positions x and y of one node's range. */
  private swap(x: number, y: number): void {
    if (x === y) return;
    const { rHead, rRev, rCap, orig, rCost } = this;
    const hx = rHead[x]!, rx = rRev[x]!, cx = rCap[x]!, ox = orig[x]!, kx = rCost[x]!;
    rHead[x] = rHead[y]!;
    rRev[x] = rRev[y]!;
    rCap[x] = rCap[y]!;
    orig[x] = orig[y]!;
    rCost[x] = rCost[y]!;
    rHead[y] = hx;
    rRev[y] = rx;
    rCap[y] = cx;
    orig[y] = ox;
    rCost[y] = kx;
    rRev[rRev[x]!] = x;
    rRev[rRev[y]!] = y;
  }

  /**
   * Moves `delta` units along residual arc a (tail v), keeping each node's
   * residual arcs first in its range: a stays put unless it runs empty, in
   * which case v's last residual arc takes its place (so a scan at that
   * position looks at that arc next) and a joins v's empty arcs. Only a
   * push from v empties an arc of v, always at the scan's position, so the
   * current-arc rule (no admissible arc before current[v]) survives.
   */
  private move(v: number, a: number, delta: number): void {
    const { rRev, rCap, rHead, first, nres } = this;
    const b = rRev[a]!;
    if (rCap[b] === 0) {
      const w = rHead[a]!;
      this.swap(b, first[w]! + nres[w]!);
      nres[w]!++;
    }
    const b2 = rRev[a]!;
    rCap[b2]! += delta;
    rCap[a]! -= delta;
    if (rCap[a] === 0) {
      nres[v]!--;
      this.swap(a, first[v]! + nres[v]!);
    }
  }

  /** Sends tail v's unit along leading arc e into w: the arc joins w's held ones. */
  private send(v: number, e: number, w: number): void {
    this.sent[v] = e;
    this.swapHeld(this.at[e]!, this.tFirst[w]! + this.held[w]!++);
  }

  /**
   * Takes back into its tail the unit held at transpose position x of
   * node w: w's last held arc takes x's place, as `move` keeps a range's
   * residual arcs first, and for the same current-arc reason.
   */
  private unsend(w: number, x: number): void {
    this.sent[this.tTail[x]!] = -1;
    this.swapHeld(x, this.tFirst[w]! + --this.held[w]!);
  }

  /** Exchanges transpose positions x and y of one node's range. */
  private swapHeld(x: number, y: number): void {
    if (x === y) return;
    const { tTail, tArc, tGain, at } = this;
    const u = tTail[x]!;
    const e = tArc[x]!;
    const g = tGain[x]!;
    tTail[x] = tTail[y]!;
    tArc[x] = tArc[y]!;
    tGain[x] = tGain[y]!;
    tTail[y] = u;
    tArc[y] = e;
    tGain[y] = g;
    at[tArc[x]!] = x;
    at[e] = y;
  }

  private enqueue(v: number): void {
    this.active[this.activeCount++] = v;
    this.isActive[v] = 1;
  }

  /**
   * Turns the ε·α-optimal flow into an ε-optimal one: saturate every arc of
   * negative reduced cost, then discharge the nodes left with excess. (The
   * tails' leading arcs have none: `priceSources` just priced them.)
   */
  private refine(eps: number): void {
    const { N, sigma, first, nres, rHead, rCap, rCost, price, excess, current, tFirst, tTail, tGain, held } = this;
    this.priceSources();
    for (let v = 0; v < N; v++) {
      const pv = price[v]!;
      for (let a = first[v]!; a < first[v]! + nres[v]!; ) {
        const f = rCap[a]!;
        const w = rHead[a]!;
        if (rCost[a]! * sigma + pv - price[w]! < 0) {
          excess[v]! -= f;
          excess[w]! += f;
          this.move(v, a, f); // a now holds the next residual arc
        } else a++;
      }
      for (let x = tFirst[v]!; x < tFirst[v]! + held[v]!; ) {
        const u = tTail[x]!;
        if (tGain[x]! * sigma + pv - price[u]! < 0) {
          excess[v]! -= 1;
          excess[u]! += 1;
          this.unsend(v, x); // x now holds the next held arc
        } else x++;
      }
    }
    this.activeCount = 0;
    for (let v = 0; v < N; v++) {
      current[v] = first[v]!;
      if (excess[v]! > 0) this.enqueue(v);
    }
    if (this.activeCount === 0) return;
    this.globalUpdate(eps);
    // A global update costs about one pass over the arcs: run one again
    // once the relabels since the last one have scanned as many.
    const every = this.workLimit();
    this.relabels = 0;
    while (this.activeCount > 0) {
      const v = this.active[--this.activeCount]!;
      this.isActive[v] = 0;
      this.discharge(v, eps);
      if (this.relabels >= every) {
        this.globalUpdate(eps);
        this.relabels = 0;
      }
    }
  }

  /**
   * Sets each source's price (a node no arc enters: a need) to the best
   * value among its residual arcs, price(head) − cost: then none of those
   * is negative, and its full arc is not positive where it is still the
   * best option. Any prices may start a phase (the refine makes them
   * ε-optimal), and the ones a source kept from the phase before (its
   * second best − ε, from its last bid) made its second-best arc negative,
   * so the refine's first step sent it a second unit and the phase then
   * pulled one back. This way only the needs whose option is no longer the
   * best move (at 2M pairs, bench surplus family: 59k saturations instead of
   * 284k in the costliest phase; the flow ~5% faster, alternately on a
   * saved network). In the first phase it starts the zero flow optimal on
   * every arc, so supply moves along the best options from the start.
   */
  private priceSources(): void {
    const { sigma, sources, first, nres, rHead, rCost, price, L, lStart, lTo, lBase, lGain, sent } = this;
    for (let k = 0; k < sources.length; k++) {
      const v = sources[k]!;
      let best = -Infinity;
      for (let a = first[v]!, end = a + nres[v]!; a < end; a++) {
        const x = price[rHead[a]!]! - rCost[a]! * sigma;
        if (x > best) best = x;
      }
      if (v < L) {
        const skip = sent[v]!;
        for (let e = lStart[v]!, end = lStart[v + 1]!; e < end; e++) {
          if (e === skip) continue;
          const x = price[lBase + lTo[e]!]! + lGain[e]! * sigma;
          if (x > best) best = x;
        }
      }
      if (best > -Infinity) price[v] = best;
    }
  }

  private discharge(v: number, eps: number): void {
    const { sigma, first, nres, rHead, rCap, rCost, price, excess, current, tFirst, tTail, tGain, held } = this;
    if (excess[v] === 1 && this.unitArcs[v]) {
      this.bid(v, eps);
      return;
    }
    while (excess[v]! > 0) {
      const pv = price[v]!;
      const end = first[v]! + nres[v]!;
      // The CSR range first, then the held arcs (see `current`).
      const head = this.isHead(v);
      const heldFrom = head ? tFirst[v]! : 0;
      const heldEnd = head ? heldFrom + held[v]! : 0;
      let a = current[v]!;
      let x = heldFrom;
      if (a >= 0) {
        for (; a < end; a++) if (rCost[a]! * sigma + pv - price[rHead[a]!]! < 0) break;
        if (a < end) {
          current[v] = a;
          const w = rHead[a]!;
          const delta = Math.min(excess[v]!, rCap[a]!);
          excess[v]! -= delta;
          excess[w]! += delta;
          this.move(v, a, delta);
          if (excess[w]! > 0 && this.isActive[w] === 0) this.enqueue(w);
          continue;
        }
      } else x = -1 - a;
      for (; x < heldEnd; x++) if (tGain[x]! * sigma + pv - price[tTail[x]!]! < 0) break;
      if (x < heldEnd) {
        current[v] = -1 - x;
        const u = tTail[x]!;
        excess[v]! -= 1;
        excess[u]! += 1;
        this.unsend(v, x);
        if (excess[u]! > 0 && this.isActive[u] === 0) this.enqueue(u);
        continue;
      }
      // Relabel: lower the price just enough that the best residual arc
      // becomes admissible with reduced cost −ε.
      let best = -Infinity; // none left means no feasible flow
      let at = 0;
      for (let b = first[v]!; b < end; b++) {
        const y = price[rHead[b]!]! - rCost[b]! * sigma;
        if (y > best) {
          best = y;
          at = b;
        }
      }
      for (let b = heldFrom; b < heldEnd; b++) {
        const y = price[tTail[b]!]! - tGain[b]! * sigma;
        if (y > best) {
          best = y;
          at = -1 - b;
        }
      }
      if (best === -Infinity) throw new InfeasibleFlow();
      price[v] = best - eps;
      current[v] = at;
      this.relabels += end - first[v]! + held[v]!;
      // Yield to a pending global update rather than wander on stale prices.
      if (this.relabels >= this.workLimit()) {
        if (this.isActive[v] === 0) this.enqueue(v);
        return;
      }
    }
  }

  /**
   * Discharges a node holding one unit whose arcs all have capacity 1 (a
   * need, displaced), as the assignment auction bids: the unit goes along
   * the best arc, and the price falls to the second best's level − ε, not
   * just below the best's. That keeps ε-optimality: the best arc is full
   * afterwards, its reverse costs at least ε, every other arc at least −ε.
   * The need then pays the gap at once instead of by one relabel per
   * displacement (measured on a saved 2M-pair network, six runs each,
   * alternately: 7% fewer pushes, 8% fewer arc scans, ~4% less time).
   */
  private bid(v: number, eps: number): void {
    const { sigma, first, nres, rHead, rCost, price, excess, current, L, lStart, lTo, lBase, lGain, tFirst, tTail, tGain, held } = this;
    // An empty range (a need whose arcs are all leading) needs no `nres` read.
    const end = first[v + 1] === first[v] ? first[v]! : first[v]! + nres[v]!;
    let best = -Infinity;
    let second = -Infinity;
    let at = -1;
    // Where the best arc is: 0 the CSR range, 1 a leading arc, 2 a held arc.
    let kind = 0;
    for (let b = first[v]!; b < end; b++) {
      const x = price[rHead[b]!]! - rCost[b]! * sigma;
      if (x > best) {
        second = best;
        best = x;
        at = b;
      } else if (x > second) second = x;
    }
    let scanned = end - first[v]!;
    if (v < L) {
      // Every leading arc of v is residual: a tail with excess has sent nothing.
      for (let e = lStart[v]!, eEnd = lStart[v + 1]!; e < eEnd; e++) {
        const x = price[lBase + lTo[e]!]! + lGain[e]! * sigma;
        if (x > best) {
          second = best;
          best = x;
          at = e;
          kind = 1;
        } else if (x > second) second = x;
      }
      scanned += lStart[v + 1]! - lStart[v]!;
    }
    const head = this.isHead(v);
    for (let b = head ? tFirst[v]! : 0, heldEnd = head ? b + held[v]! : 0; b < heldEnd; b++) {
      const x = price[tTail[b]!]! - tGain[b]! * sigma;
      if (x > best) {
        second = best;
        best = x;
        at = b;
        kind = 2;
      } else if (x > second) second = x;
      scanned++;
    }
    if (best === -Infinity) throw new InfeasibleFlow();
    // Prices only fall: an admissible best arc above the second leaves the price as it is.
    const target = (second === -Infinity ? best : second) - eps;
    if (target < price[v]!) price[v] = target;
    this.relabels += scanned;
    let w: number;
    if (kind === 0) {
      w = rHead[at]!;
      this.move(v, at, 1);
    } else if (kind === 1) {
      w = lBase + lTo[at]!;
      this.send(v, at, w);
    } else {
      w = tTail[at]!;
      this.unsend(v, at);
    }
    excess[v] = 0;
    excess[w]! += 1;
    current[v] = first[v]!; // arcs at the second best's level are admissible now
    if (excess[w]! > 0 && this.isActive[w] === 0) this.enqueue(w);
  }

  /**
   * Global price update: the distance d(v), in ε units, from each node to
   * the nodes with a deficit over residual arcs of length
   * ⌊reduced cost / ε⌋ + 1 (≥ 0 under ε-optimality), by a bucket Dijkstra
   * run backwards from the deficits until every node with excess is
   * reached; then p(v) −= ε · d(v), with d = the last level for the nodes
   * not reached. Keeps ε-optimality and gives every excess an admissible
   * path to a deficit.
   */
  private globalUpdate(eps: number): void {
    const { N, sigma, first, nres, unitArcs, rHead, rRev, rCap, rCost, price, excess, current, dist, bHead, bNext, bPrev } = this;
    const { L, lTo, lBase, lGain, sent, tFirst, tTail, tGain, held } = this;
    const inv = 1 / eps;
    const limit = N; // bucket levels kept; farther labels wait (see below)
    bHead.fill(-1);
    let toReach = 0;
    for (let v = 0; v < N; v++) {
      if (excess[v]! > 0) toReach++;
      dist[v] = Infinity;
      if (excess[v]! < 0) this.label(v, 0);
    }
    let level = 0;
    for (; level < limit && toReach > 0; level++) {
      while (bHead[level]! >= 0 && toReach > 0) {
        const v = bHead[level]!;
        bHead[level] = bNext[v]!;
        if (bNext[v]! >= 0) bPrev[bNext[v]!] = -1;
        if (excess[v]! > 0) toReach--;
        const pv = price[v]!;
        // Arc u → v of the residual network is the partner of v → u. The
        // partners of v's empty arcs (after its residual range) all are;
        // in the residual range, only where the partner has room.
        // (A need whose arcs are all leading has an empty range: its
        // other arrays are not read.)
        const from = first[v]!;
        const end = first[v + 1]!;
        if (from < end) {
          const residualEnd = from + nres[v]!;
          for (let a = unitArcs[v] ? residualEnd : from; a < end; a++) {
            if (a < residualEnd && rCap[rRev[a]!] === 0) continue;
            const u = rHead[a]!;
            this.reach(u, price[u]! - rCost[a]! * sigma - pv, level, eps, inv);
          }
        }
        if (v < L) {
          // A tail's sent arc: its reverse enters it.
          if (sent[v]! >= 0) {
            const u = lBase + lTo[sent[v]!]!;
            this.reach(u, price[u]! + lGain[sent[v]!]! * sigma - pv, level, eps, inv);
          }
        } else if (this.isHead(v)) {
          // The leading arcs into v that carry nothing (after its held ones).
          for (let x = tFirst[v]! + held[v]!, end = tFirst[v + 1]!; x < end; x++) {
            const u = tTail[x]!;
            this.reach(u, price[u]! - tGain[x]! * sigma - pv, level, eps, inv);
          }
        }
      }
      if (toReach === 0) break;
    }
    // Excess left unreached is either farther than the buckets go or cut
    // off from every deficit; the second means no feasible flow, and
    // without this check the prices would fall for ever.
    if (toReach > 0) this.checkFeasible();
    // Nodes scanned have their exact distance, at most `level`; the others
    // are at least `level` away (Dijkstra order), and lowering them by
    // `level` keeps every arc ε-optimal.
    const top = Math.min(level, limit);
    for (let v = 0; v < N; v++) {
      const d = Math.min(dist[v]!, top);
      if (d > 0) price[v]! -= eps * d;
      current[v] = first[v]!;
    }
  }

  /**
   * Arc u → v of reduced cost x, v at `level`: u goes one level farther
   * plus ⌊x / ε⌋ (by a multiplication, corrected to the exact floor: a
   * division per arc was the update's costliest line), unless it is
   * already as near. A node already scanned has dist ≤ level ≤ that, so
   * it needs no separate mark.
   */
  private reach(u: number, x: number, level: number, eps: number, inv: number): void {
    let q = Math.floor(x * inv);
    if (q * eps > x) q--;
    else if ((q + 1) * eps <= x) q++;
    const d = level + q + 1;
    if (d < this.dist[u]! && d < this.N) this.label(u, d);
  }

  /** Puts node u at level d of the global update's buckets, out of the one it was in. */
  private label(u: number, d: number): void {
    const { dist, bHead, bNext, bPrev } = this;
    const old = dist[u]!;
    if (old < this.N) {
      if (bPrev[u]! >= 0) bNext[bPrev[u]!] = bNext[u]!;
      else bHead[old] = bNext[u]!;
      if (bNext[u]! >= 0) bPrev[bNext[u]!] = bPrev[u]!;
    }
    dist[u] = d;
    bPrev[u] = -1;
    bNext[u] = bHead[d]!;
    if (bHead[d]! >= 0) bPrev[bHead[d]!] = u;
    bHead[d] = u;
  }

  /**
   * Throws InfeasibleFlow when some node with excess has no residual path
   * to any node with a deficit: its excess can then never be placed (a
   * feasible flow would route it along such a path). Breadth-first,
   * backwards from the deficits, costs ignored; run only when a global
   * update leaves excess unreached.
   */
  private checkFeasible(): void {
    const { N, first, nres, unitArcs, rHead, rRev, rCap, excess, L, lTo, lBase, sent, tFirst, tTail, held } = this;
    const reached = (this.reached ??= new Uint8Array(N));
    const queue = (this.queue ??= new Int32Array(N));
    reached.fill(0);
    let size = 0;
    const reach = (u: number): void => {
      if (reached[u]) return;
      reached[u] = 1;
      queue[size++] = u;
    };
    for (let v = 0; v < N; v++) if (excess[v]! < 0) reach(v);
    for (let head = 0; head < size; head++) {
      const v = queue[head]!;
      const residualEnd = first[v]! + nres[v]!;
      for (let a = unitArcs[v] ? residualEnd : first[v]!, end = first[v + 1]!; a < end; a++) {
        if (a < residualEnd && rCap[rRev[a]!] === 0) continue;
        reach(rHead[a]!);
      }
      if (v < L && sent[v]! >= 0) reach(lBase + lTo[sent[v]!]!);
      for (let x = tFirst[v]! + held[v]!, end = tFirst[v + 1]!; x < end; x++) reach(tTail[x]!);
    }
    for (let v = 0; v < N; v++) if (excess[v]! > 0 && !reached[v]) throw new InfeasibleFlow();
  }

  /**
   * Exact optimal potentials from the final (ε = 1) prices: shortest paths
   * from a virtual root joined to every node at cost 0, over residual arcs
   * with lengths reduced cost + 1 ≥ 0 (Dijkstra). A path of k ≤ N arcs adds
   * k < σ to σ · (its cost), so ⌊length / σ⌋ is the exact distance δ, and
   * π = δ satisfies c + π(v) − π(w) ≥ 0 on every residual arc — which is
   * then checked, as the certificate of optimality.
   */
  exactPotentials(): Float64Array {
    const { N, sigma, first, nres, rHead, rCap, rCost, price, L, lStart, lTo, lBase, lGain, sent, tFirst, tTail, tGain, held } = this;
    let root = -Infinity;
    for (let v = 0; v < N; v++) if (price[v]! > root) root = price[v]!;
    const dist = new Float64Array(N);
    const heap = new Int32Array(N);
    const pos = new Int32Array(N);
    for (let v = 0; v < N; v++) {
      dist[v] = root - price[v]! + 1;
      heap[v] = v;
      pos[v] = v;
    }
    let size = N;
    const down = (p: number): void => {
      const v = heap[p]!;
      const d = dist[v]!;
      for (;;) {
        let c = 2 * p + 1;
        if (c >= size) break;
        if (c + 1 < size && dist[heap[c + 1]!]! < dist[heap[c]!]!) c++;
        if (dist[heap[c]!]! >= d) break;
        heap[p] = heap[c]!;
        pos[heap[p]!] = p;
        p = c;
      }
      heap[p] = v;
      pos[v] = p;
    };
    const up = (p: number): void => {
      const v = heap[p]!;
      const d = dist[v]!;
      while (p > 0) {
        const parent = (p - 1) >> 1;
        if (dist[heap[parent]!]! <= d) break;
        heap[p] = heap[parent]!;
        pos[heap[p]!] = p;
        p = parent;
      }
      heap[p] = v;
      pos[v] = p;
    };
    for (let p = (size >> 1) - 1; p >= 0; p--) down(p);
    const done = new Uint8Array(N);
    // Residual arc v → w of cost c (problem units), from v at distance dv.
    const relax = (dv: number, pv: number, w: number, c: number): void => {
      if (done[w]) return;
      const d = dv + c * sigma + pv - price[w]! + 1;
      if (d < dist[w]!) {
        dist[w] = d;
        up(pos[w]!);
      }
    };
    while (size > 0) {
      const v = heap[0]!;
      done[v] = 1;
      size--;
      if (size > 0) {
        heap[0] = heap[size]!;
        pos[heap[0]!] = 0;
        down(0);
      }
      const dv = dist[v]!;
      const pv = price[v]!;
      for (let a = first[v]!, end = first[v]! + nres[v]!; a < end; a++) relax(dv, pv, rHead[a]!, rCost[a]!);
      if (v < L) {
        for (let e = lStart[v]!, end = lStart[v + 1]!; e < end; e++) if (e !== sent[v]) relax(dv, pv, lBase + lTo[e]!, -lGain[e]!);
      }
      for (let x = tFirst[v]!, end = x + held[v]!; x < end; x++) relax(dv, pv, tTail[x]!, tGain[x]!);
    }
    const pi = new Float64Array(N);
    for (let v = 0; v < N; v++) {
      const x = dist[v]! - root + price[v]! - 1; // σ · δ + (arcs − 1), arcs ≤ N
      let q = Math.floor(x / sigma);
      if (q * sigma > x) q--;
      else if ((q + 1) * sigma <= x) q++;
      pi[v] = q;
    }
    const fail = (): never => {
      throw new Error('min-cost flow: the optimality certificate failed (numeric range exceeded)');
    };
    for (let v = 0; v < N; v++) {
      for (let a = first[v]!, end = first[v + 1]!; a < end; a++) {
        if (rCap[a]! > 0 && rCost[a]! + pi[v]! - pi[rHead[a]!]! < 0) fail();
      }
      if (v < L) {
        for (let e = lStart[v]!, end = lStart[v + 1]!; e < end; e++) {
          if (e !== sent[v] && -lGain[e]! + pi[v]! - pi[lBase + lTo[e]!]! < 0) fail();
        }
      }
      for (let x = tFirst[v]!, end = x + held[v]!; x < end; x++) if (tGain[x]! + pi[v]! - pi[tTail[x]!]! < 0) fail();
    }
    return pi;
  }
}
