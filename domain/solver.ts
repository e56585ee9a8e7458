/**
 * The matcher's optimiser: a capacitated maximum-weight assignment (bipartite
 * b-matching). Each need takes at most one offering, offering `j` takes at
 * most `capacity[j]` needs, and the chosen (need, offering) pairs maximise the
 * total weight. Among the optimal assignments the one that places the earlier
 * needs (earlier `postedAt`, then smaller id) wins, and the result is exact,
 * not greedy.
 *
 * Algorithm: an ε-scaling forward/reverse auction (Bertsekas) on integer
 * weights, with every offering seen as `capacity` identical slots.
 *  - The problem is a transportation problem whose LP relaxation is
 *    integral, so dual prices certify optimality: with integer weights scaled
 *    by s > #needs and ε = 1 in the last scaling phase, ε-complementary
 *    slackness leaves a gap below one unweighted unit, i.e. none.
 *  - Auction beats the alternatives here: successive shortest paths needs one
 *    Dijkstra per placed need, network simplex and generic cost-scaling
 *    push-relabel pay for a source/sink hub of degree n + m, while an auction
 *    bid touches only the bidder's ~20 eligible offerings plus a tiny heap of
 *    slot prices. Every price and profit stays within [-ε, C + ε] (each need
 *    has the zero-valued "stay unplaced" option, so nobody bids above its
 *    value), so integer-valued doubles never overflow, unlike push-relabel
 *    whose prices can drift with the number of relabels.
 *  - Needs may stay unplaced and slots may stay empty (asymmetric problem).
 *    Forward bidding from carried-over prices can leave an empty slot priced
 *    above zero, which breaks the duality certificate; the reverse auction
 *    lets such slots bid for needs until they are filled or priced at zero.
 *
 * Tie-breaking without overflow: the textbook perturbation (weight·K + bonus
 * with K above the sum of all bonuses) needs K ≈ n²/2, which would overflow
 * 2^53 at realistic sizes. Instead a second, small auction runs on the face
 * of optimal solutions: exact dual prices (one Dijkstra from the ε-optimal
 * prices) give the tight edges, the needs that must be placed and the
 * offerings that must be full; the second auction maximises the sum of
 * rank bonuses (earliest need = largest) over tight edges, with a penalty
 * larger than any bonus for leaving the face. The sets of needs placeable in
 * an optimal assignment form a matroid, so maximising any strictly decreasing
 * rank bonus equals the lexicographic choice "place the earliest need you
 * can, then the next". Ties between offerings for the same need are resolved
 * deterministically by offering id order (input order does not matter).
 *
 * Weights are floats; they become integers at a resolution of 1e-6 (rounded,
 * and at least one unit so that a positive weight is never worth less than
 * leaving the need unplaced). Two weights closer than that are a tie. Should
 * max weight · 1e6 · (needs + offerings + 2) exceed 2^50, the resolution is
 * coarsened just enough to stay exact in doubles (see `weightScale`).
 *
 * Pure TypeScript: typed arrays in CSR layout, no per-edge objects in the hot
 * loops.
 */

export interface SolverNeed {
  id: string;
  postedAt: string;
  /** Informational: the plan's priority is already part of each edge weight. */
  priority?: number;
}
export interface SolverOffering {
  id: string;
  capacity: number;
}
export interface SolverEdge {
  need: string;
  offering: string;
  weight: number;
}
export interface SolverInput {
  needs: SolverNeed[];
  offerings: SolverOffering[];
  edges: SolverEdge[];
}
export interface SolverResult {
  /** Ordered by need: earlier `postedAt` first, then smaller id. */
  assignments: { need: string; offering: string }[];
  /** Sum of the original (unrounded) weights of the chosen edges. */
  objective: number;
}

/** Structurally invalid solver input (the caller's bug, never a data race). */
export class SolverInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SolverInputError';
  }
}

/** Weights are compared at this resolution (unless coarsened, see `weightScale`). */
export const WEIGHT_RESOLUTION = 1e-6;

/**
 * Largest scaled weight times the auction scale that is allowed. The exact
 * dual computation adds a few such values; 2^50 leaves room below 2^53 so
 * every intermediate stays an exactly represented integer.
 */
const EXACT_LIMIT = 2 ** 50;

// ------------------------------------------------------------------ prepare

/** Canonical, validated problem: needs by rank, offerings by id, CSR edges. */
interface Problem {
  needIds: string[]; // by rank (earliest first)
  offeringIds: string[]; // by id
  n: number;
  m: number;
  /** Capacity usable at all: min(capacity, number of edges into it). */
  capEff: Int32Array;
  start: Int32Array; // n + 1, edges of need i are start[i]..start[i+1]
  eOff: Int32Array; // offering of each edge, ascending within a need
  eNeed: Int32Array;
  weight: Float64Array; // original weight (max over duplicates), > 0
  units: Float64Array; // integer weight in resolution units, >= 1
  scale: number; // units per weight unit
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function prepare(input: SolverInput): Problem {
  if (input === null || typeof input !== 'object') throw new SolverInputError('input must be an object');
  const { needs, offerings, edges } = input;
  if (!Array.isArray(needs)) throw new SolverInputError('needs must be an array');
  if (!Array.isArray(offerings)) throw new SolverInputError('offerings must be an array');
  if (!Array.isArray(edges)) throw new SolverInputError('edges must be an array');

  const n = needs.length;
  const posted = new Float64Array(n);
  const needIndex = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const need = needs[i];
    if (need === null || typeof need !== 'object' || typeof need.id !== 'string') {
      throw new SolverInputError(`needs[${i}] must have a string id`);
    }
    if (needIndex.has(need.id)) throw new SolverInputError(`duplicate need id ${describe(need.id)}`);
    needIndex.set(need.id, i);
    const t = typeof need.postedAt === 'string' ? Date.parse(need.postedAt) : Number.NaN;
    if (Number.isNaN(t)) {
      throw new SolverInputError(`need ${describe(need.id)} has an invalid postedAt ${describe(need.postedAt)}`);
    }
    posted[i] = t;
    if (need.priority !== undefined && !(typeof need.priority === 'number' && Number.isFinite(need.priority))) {
      throw new SolverInputError(`need ${describe(need.id)} has a non-finite priority`);
    }
  }
  // Rank = position in (postedAt, id) order; everything downstream works in
  // rank order so the result does not depend on the input order.
  const byRank = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => posted[a]! - posted[b]! || compareStrings(needs[a]!.id, needs[b]!.id),
  );
  const rankOf = new Int32Array(n);
  for (let r = 0; r < n; r++) rankOf[byRank[r]!] = r;

  const m = offerings.length;
  const offeringIndex = new Map<string, number>();
  for (let j = 0; j < m; j++) {
    const off = offerings[j];
    if (off === null || typeof off !== 'object' || typeof off.id !== 'string') {
      throw new SolverInputError(`offerings[${j}] must have a string id`);
    }
    if (offeringIndex.has(off.id)) throw new SolverInputError(`duplicate offering id ${describe(off.id)}`);
    offeringIndex.set(off.id, j);
    const c = off.capacity;
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) {
      throw new SolverInputError(`offering ${describe(off.id)} has capacity ${describe(c)}; it must be an integer >= 0`);
    }
  }
  const offByOrder = Array.from({ length: m }, (_, j) => j).sort((a, b) =>
    compareStrings(offerings[a]!.id, offerings[b]!.id),
  );
  const orderOf = new Int32Array(m);
  for (let q = 0; q < m; q++) orderOf[offByOrder[q]!] = q;
  const cap = new Int32Array(m);
  for (let q = 0; q < m; q++) cap[q] = Math.min(offerings[offByOrder[q]!]!.capacity, 0x7fffffff);

  // Validate every edge, keep the usable ones (positive weight, capacity > 0).
  const total = edges.length;
  const rawNeed = new Int32Array(total);
  const rawOff = new Int32Array(total);
  const rawW = new Float64Array(total);
  let kept = 0;
  // Edges usually arrive grouped by need; remembering the last lookups halves
  // the Map traffic on big inputs.
  let lastNeedId: string | undefined;
  let lastNeed = -1;
  let lastOffId: string | undefined;
  let lastOff = -1;
  for (let k = 0; k < total; k++) {
    const edge = edges[k];
    if (edge === null || typeof edge !== 'object') throw new SolverInputError(`edges[${k}] must be an object`);
    const needId = edge.need;
    if (needId !== lastNeedId) {
      const i = typeof needId === 'string' ? needIndex.get(needId) : undefined;
      if (i === undefined) throw new SolverInputError(`edges[${k}] names unknown need ${describe(needId)}`);
      lastNeedId = needId;
      lastNeed = rankOf[i]!;
    }
    const offId = edge.offering;
    if (offId !== lastOffId) {
      const j = typeof offId === 'string' ? offeringIndex.get(offId) : undefined;
      if (j === undefined) throw new SolverInputError(`edges[${k}] names unknown offering ${describe(offId)}`);
      lastOffId = offId;
      lastOff = orderOf[j]!;
    }
    const w = edge.weight;
    if (typeof w !== 'number' || !Number.isFinite(w)) {
      throw new SolverInputError(`edges[${k}] (${describe(needId)} -> ${describe(offId)}) has non-finite weight ${describe(w)}`);
    }
    // A non-positive edge is never worth taking: unplaced is worth zero.
    if (w <= 0 || cap[lastOff] === 0) continue;
    rawNeed[kept] = lastNeed;
    rawOff[kept] = lastOff;
    rawW[kept] = w;
    kept++;
  }

  // Counting sort by need rank, then by offering inside each need, merging
  // duplicate pairs (the best weight wins).
  const deg = new Int32Array(n + 1);
  for (let k = 0; k < kept; k++) deg[rawNeed[k]! + 1]!++;
  for (let i = 0; i < n; i++) deg[i + 1]! += deg[i]!;
  const fill = deg.slice(0, n);
  const sOff = new Int32Array(kept);
  const sW = new Float64Array(kept);
  for (let k = 0; k < kept; k++) {
    const p = fill[rawNeed[k]!]!++;
    sOff[p] = rawOff[k]!;
    sW[p] = rawW[k]!;
  }
  const start = new Int32Array(n + 1);
  const eOff = new Int32Array(kept);
  const weight = new Float64Array(kept);
  let out = 0;
  for (let i = 0; i < n; i++) {
    start[i] = out;
    const a = deg[i]!;
    const b = deg[i + 1]!;
    // Insertion sort: a need has a handful of eligible offerings.
    for (let p = a + 1; p < b; p++) {
      const o = sOff[p]!;
      const w = sW[p]!;
      let q = p - 1;
      while (q >= a && sOff[q]! > o) {
        sOff[q + 1] = sOff[q]!;
        sW[q + 1] = sW[q]!;
        q--;
      }
      sOff[q + 1] = o;
      sW[q + 1] = w;
    }
    for (let p = a; p < b; p++) {
      if (out > start[i]! && eOff[out - 1] === sOff[p]) {
        if (sW[p]! > weight[out - 1]!) weight[out - 1] = sW[p]!;
      } else {
        eOff[out] = sOff[p]!;
        weight[out] = sW[p]!;
        out++;
      }
    }
  }
  start[n] = out;
  const E = out;
  const eNeed = new Int32Array(E);
  for (let i = 0; i < n; i++) eNeed.fill(i, start[i]!, start[i + 1]!);
  const indeg = new Int32Array(m);
  for (let e = 0; e < E; e++) indeg[eOff[e]!]!++;
  const capEff = new Int32Array(m);
  let maxW = 0;
  for (let j = 0; j < m; j++) capEff[j] = Math.min(cap[j]!, indeg[j]!);
  for (let e = 0; e < E; e++) if (weight[e]! > maxW) maxW = weight[e]!;

  const scale = weightScale(maxW, n + m + 2);
  const units = new Float64Array(E);
  for (let e = 0; e < E; e++) units[e] = Math.max(1, Math.round(weight[e]! * scale));

  return {
    needIds: byRank.map((i) => needs[i]!.id),
    offeringIds: offByOrder.map((j) => offerings[j]!.id),
    n,
    m,
    capEff,
    start: start.subarray(0, n + 1),
    eOff: eOff.subarray(0, E),
    eNeed,
    weight: weight.subarray(0, E),
    units,
    scale,
  };
}

/**
 * Integer units per weight unit: 1 / WEIGHT_RESOLUTION unless the largest
 * weight times the auction scale would leave the exactly representable
 * integers; then the largest power-of-ten-free factor that still fits.
 */
function weightScale(maxWeight: number, auctionScale: number): number {
  const preferred = 1 / WEIGHT_RESOLUTION;
  if (maxWeight <= 0) return preferred;
  const limit = Math.floor(EXACT_LIMIT / ((maxWeight + 1) * auctionScale));
  return Math.max(1, Math.min(preferred, limit));
}

// ------------------------------------------------------------------ auction

const UNPLACED = -1;
const STAYS_UNPLACED = -2;

/** Bipartite graph the auction runs on; `value` is integer-valued and > 0. */
interface Market {
  n: number;
  m: number;
  start: Int32Array;
  eOff: Int32Array;
  eNeed: Int32Array;
  value: Float64Array;
  capEff: Int32Array;
}

interface AuctionResult {
  /** Per need: its slot, or STAYS_UNPLACED. */
  slotOf: Int32Array;
  /** Per need: value of its edge minus its slot's price (0 when unplaced). */
  profit: Float64Array;
  slotStart: Int32Array; // m + 1
  slotPrice: Float64Array;
  slotOwner: Int32Array; // edge index, or -1
  /** Per offering slot segment: a min-heap of slot ids by price. */
  heap: Int32Array;
}

/** Phase-to-phase ε divisor; 8 measured best on the benchmark markets. */
const EPS_FACTOR = 8;

/**
 * ε-scaling auction. Needs bid for the cheapest slot of their best offering
 * (the runner-up value includes the second-cheapest slot of the same
 * offering and the zero-valued option to stay unplaced). Each phase restarts
 * from the previous prices with every need unplaced, runs forward bids until
 * all needs are settled, then reverse bids by empty slots priced above zero.
 * With integer values and ε = 1 in the last phase the result is optimal when
 * values were multiplied by more than n (see the file comment).
 */
function auction(mk: Market): AuctionResult {
  const { n, m, start, eOff, eNeed, value, capEff } = mk;
  const slotStart = new Int32Array(m + 1);
  for (let j = 0; j < m; j++) slotStart[j + 1] = slotStart[j]! + capEff[j]!;
  const K = slotStart[m]!;
  const slotPrice = new Float64Array(K);
  const slotOwner = new Int32Array(K).fill(-1);
  const slotOff = new Int32Array(K);
  const heap = new Int32Array(K);
  const heapPos = new Int32Array(K); // position of a slot inside its offering's heap
  for (let j = 0; j < m; j++) {
    for (let k = slotStart[j]!; k < slotStart[j + 1]!; k++) {
      slotOff[k] = j;
      heap[k] = k;
      heapPos[k] = k - slotStart[j]!;
    }
  }
  // Reverse bids scan the needs eligible for an offering.
  const inStart = new Int32Array(m + 1);
  for (let e = 0; e < eOff.length; e++) inStart[eOff[e]! + 1]!++;
  for (let j = 0; j < m; j++) inStart[j + 1]! += inStart[j]!;
  const inEdge = new Int32Array(eOff.length);
  {
    const fill = inStart.slice(0, m);
    for (let e = 0; e < eOff.length; e++) inEdge[fill[eOff[e]!]!++] = e;
  }

  const slotOf = new Int32Array(n);
  const profit = new Float64Array(n);
  const stack = new Int32Array(Math.max(n, K));

  const siftDown = (base: number, size: number, pos: number): void => {
    const k = heap[base + pos]!;
    const p = slotPrice[k]!;
    for (;;) {
      let c = 2 * pos + 1;
      if (c >= size) break;
      if (c + 1 < size && slotPrice[heap[base + c + 1]!]! < slotPrice[heap[base + c]!]!) c++;
      const ck = heap[base + c]!;
      if (slotPrice[ck]! >= p) break;
      heap[base + pos] = ck;
      heapPos[ck] = pos;
      pos = c;
    }
    heap[base + pos] = k;
    heapPos[k] = pos;
  };
  const siftUp = (base: number, pos: number): void => {
    const k = heap[base + pos]!;
    const p = slotPrice[k]!;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pk = heap[base + parent]!;
      if (slotPrice[pk]! <= p) break;
      heap[base + pos] = pk;
      heapPos[pk] = pos;
      pos = parent;
    }
    heap[base + pos] = k;
    heapPos[k] = pos;
  };

  let maxValue = 0;
  for (let e = 0; e < value.length; e++) if (value[e]! > maxValue) maxValue = value[e]!;
  let eps = Math.max(1, Math.floor(maxValue / EPS_FACTOR));

  for (;;) {
    // ---- forward: every need bids until settled
    slotOwner.fill(-1);
    slotOf.fill(UNPLACED);
    let sp = 0;
    for (let i = n - 1; i >= 0; i--) stack[sp++] = i; // earliest need bids first
    while (sp > 0) {
      const i = stack[--sp]!;
      let v1 = 0; // staying unplaced is worth zero
      let v2 = -Infinity;
      let best = -1;
      for (let e = start[i]!, end = start[i + 1]!; e < end; e++) {
        const j = eOff[e]!;
        const v = value[e]! - slotPrice[heap[slotStart[j]!]!]!;
        if (v > v1) {
          v2 = v1;
          v1 = v;
          best = e;
        } else if (v > v2) v2 = v;
      }
      if (best < 0) {
        slotOf[i] = STAYS_UNPLACED;
        profit[i] = 0;
        continue;
      }
      const j = eOff[best]!;
      const base = slotStart[j]!;
      const size = slotStart[j + 1]! - base;
      // The offering's other slots are alternatives too.
      if (size > 1) {
        let second = slotPrice[heap[base + 1]!]!;
        if (size > 2 && slotPrice[heap[base + 2]!]! < second) second = slotPrice[heap[base + 2]!]!;
        const v = value[best]! - second;
        if (v > v2) v2 = v;
      }
      const k = heap[base]!;
      const prev = slotOwner[k]!;
      slotOwner[k] = best;
      slotPrice[k] = value[best]! - v2 + eps; // v2 >= 0, so prices stay <= value + eps
      slotOf[i] = k;
      profit[i] = v2 - eps;
      siftDown(base, size, 0);
      if (prev >= 0) {
        const x = eNeed[prev]!;
        slotOf[x] = UNPLACED;
        stack[sp++] = x;
      }
    }

    // ---- reverse: empty slots above price zero bid for needs
    let rp = 0;
    for (let k = 0; k < K; k++) if (slotOwner[k]! < 0 && slotPrice[k]! > 0) stack[rp++] = k;
    while (rp > 0) {
      const k = stack[--rp]!;
      const j = slotOff[k]!;
      let b1 = -Infinity;
      let b2 = -Infinity;
      let best = -1;
      for (let q = inStart[j]!, end = inStart[j + 1]!; q < end; q++) {
        const e = inEdge[q]!;
        const b = value[e]! - profit[eNeed[e]!]!;
        if (b > b1) {
          b2 = b1;
          b1 = b;
          best = e;
        } else if (b > b2) b2 = b;
      }
      const base = slotStart[j]!;
      if (b1 - eps <= 0) {
        // Nobody gains more than ε from it: an empty slot priced at zero.
        slotPrice[k] = 0;
        siftUp(base, heapPos[k]!);
        continue;
      }
      const price = b2 - eps > 0 ? b2 - eps : 0;
      const i = eNeed[best]!;
      const old = slotOf[i]!;
      slotPrice[k] = price;
      slotOwner[k] = best;
      slotOf[i] = k;
      profit[i] = value[best]! - price;
      siftUp(base, heapPos[k]!);
      if (old >= 0) {
        slotOwner[old] = -1;
        if (slotPrice[old]! > 0) stack[rp++] = old;
      }
    }

    if (eps === 1) break;
    eps = Math.max(1, Math.floor(eps / EPS_FACTOR));
  }
  return { slotOf, profit, slotStart, slotPrice, slotOwner, heap };
}

// ------------------------------------------------------------ exact duals

/**
 * Exact optimal dual prices in resolution units, from the ε-optimal auction
 * prices (values = units · s, ε = 1). Shortest paths in the residual network
 * with lengths rc + 1 ≥ 0 (rc = ε-reduced cost) are found by Dijkstra; a path
 * of L ≤ n + m + 1 arcs adds L < s to its length, so flooring the distance
 * divided by s recovers the exact integer distance. The residual network is
 * augmented with the arcs that encode u ≥ 0, P ≥ 0 and u_i + P_j ≥ w on the
 * chosen edges (each closes only a zero-cost 2-cycle), so the distances are a
 * true LP dual: u (needs), P (offerings), both ≥ 0, tight on chosen edges,
 * u_i > 0 only for placed needs and P_j > 0 only for full offerings.
 */
function exactDuals(mk: Market, res: AuctionResult, s: number): { u: Float64Array; P: Float64Array } {
  const { n, m, start, eOff, eNeed, value, capEff } = mk;
  const { slotOf, profit, slotStart, slotPrice, slotOwner, heap } = res;
  const V = n + m + 1;
  const T = n + m;
  // Potentials of the ε-optimal prices: need = profit, offering = -cheapest
  // slot price, unplaced sink = 0.
  const phi = new Float64Array(V);
  for (let i = 0; i < n; i++) phi[i] = slotOf[i] === STAYS_UNPLACED ? 0 : profit[i]!;
  const load = new Int32Array(m);
  for (let j = 0; j < m; j++) {
    if (capEff[j]! > 0) phi[n + j] = -slotPrice[heap[slotStart[j]!]!]!;
    for (let k = slotStart[j]!; k < slotStart[j + 1]!; k++) if (slotOwner[k]! >= 0) load[j]!++;
  }
  let root = 0;
  for (let v = 0; v < V; v++) if (phi[v]! > root) root = phi[v]!;

  const dist = new Float64Array(V);
  const hp = new Int32Array(V);
  const pos = new Int32Array(V);
  for (let v = 0; v < V; v++) {
    dist[v] = root - phi[v]! + 1; // virtual root reaches every node at cost 0
    hp[v] = v;
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
  for (let v = 0; v < V; v++) pos[v] = v;
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
      for (let e = start[v]!, end = start[v + 1]!; e < end; e++) relax(v, n + eOff[e]!, -value[e]!);
      relax(v, T, 0);
    } else if (v < T) {
      const j = v - n;
      for (let k = slotStart[j]!; k < slotStart[j + 1]!; k++) {
        const e = slotOwner[k]!;
        if (e >= 0) relax(v, eNeed[e]!, value[e]!);
      }
      if (load[j]! < capEff[j]!) relax(v, T, 0);
    } else {
      for (let j = 0; j < m; j++) relax(v, n + j, 0);
      for (let i = 0; i < n; i++) if (slotOf[i] === STAYS_UNPLACED) relax(v, i, 0);
    }
  }
  const d = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    const x = dist[v]! - root + phi[v]! - 1; // = s · distance + (arcs - 1)
    let q = Math.floor(x / s);
    if (q * s > x) q--;
    else if ((q + 1) * s <= x) q++;
    d[v] = q;
  }
  const u = new Float64Array(n);
  const P = new Float64Array(m);
  for (let i = 0; i < n; i++) u[i] = d[i]! - d[T]!;
  for (let j = 0; j < m; j++) P[j] = d[T]! - d[n + j]!;
  return { u, P };
}

// ------------------------------------------------------------------ solve

/** Edge index chosen for each need (rank order), or -1. */
function assignmentOf(mk: Market, res: AuctionResult): Int32Array {
  const chosen = new Int32Array(mk.n).fill(-1);
  for (let i = 0; i < mk.n; i++) {
    const k = res.slotOf[i]!;
    if (k >= 0) chosen[i] = res.slotOwner[k]!;
  }
  return chosen;
}

function solveProblem(p: Problem): Int32Array {
  const { n, m, start, eOff, eNeed, units, capEff } = p;
  const E = eOff.length;
  if (E === 0) return new Int32Array(n).fill(-1);

  // Phase 1: the optimum itself.
  const s = n + m + 2; // > #needs for exactness, > path length for exactDuals
  const value = new Float64Array(E);
  for (let e = 0; e < E; e++) value[e] = units[e]! * s;
  const market: Market = { n, m, start, eOff, eNeed, value, capEff };
  const first = auction(market);
  const { u, P } = exactDuals(market, first, s);

  // Phase 2: among optimal assignments, place the earliest needs. Weights
  // live on tight edges only; bonus n - rank; a penalty L > any bonus
  // difference keeps the result on the optimal face (needs with u > 0 placed,
  // offerings with P > 0 full), see the file comment.
  const L = n + 1;
  const tStart = new Int32Array(n + 1);
  const tOff = new Int32Array(E);
  const tNeed = new Int32Array(E);
  const tOrig = new Int32Array(E);
  const tValue = new Float64Array(E);
  const s2 = n + 1;
  let t = 0;
  for (let i = 0; i < n; i++) {
    tStart[i] = t;
    const bonus = n - i + (u[i]! > 0 ? L : 0);
    for (let e = start[i]!, end = start[i + 1]!; e < end; e++) {
      const j = eOff[e]!;
      if (u[i]! + P[j]! !== units[e]!) continue;
      tOff[t] = j;
      tNeed[t] = i;
      tOrig[t] = e;
      tValue[t] = (bonus + (P[j]! > 0 ? L : 0)) * s2;
      t++;
    }
  }
  tStart[n] = t;
  const tIndeg = new Int32Array(m);
  for (let q = 0; q < t; q++) tIndeg[tOff[q]!]!++;
  const tCap = new Int32Array(m);
  for (let j = 0; j < m; j++) tCap[j] = Math.min(capEff[j]!, tIndeg[j]!);
  const tight: Market = {
    n,
    m,
    start: tStart,
    eOff: tOff.subarray(0, t),
    eNeed: tNeed.subarray(0, t),
    value: tValue.subarray(0, t),
    capEff: tCap,
  };
  const second = assignmentOf(tight, auction(tight));
  for (let i = 0; i < n; i++) if (second[i]! >= 0) second[i] = tOrig[second[i]!]!;
  return second;
}

function toResult(p: Problem, chosen: Int32Array): SolverResult {
  const assignments: { need: string; offering: string }[] = [];
  let objective = 0;
  for (let i = 0; i < p.n; i++) {
    const e = chosen[i]!;
    if (e < 0) continue;
    assignments.push({ need: p.needIds[i]!, offering: p.offeringIds[p.eOff[e]!]! });
    objective += p.weight[e]!;
  }
  return { assignments, objective };
}

/**
 * Exact capacitated maximum-weight assignment; ties go to earlier needs.
 * Throws SolverInputError on structurally invalid input.
 */
export function solveAssignment(input: SolverInput): SolverResult {
  const p = prepare(input);
  return toResult(p, solveProblem(p));
}

/**
 * Baseline for benchmarks: edges by weight, heaviest first (ties to the
 * earlier need), taken while the need is free and the offering has room.
 * Fast, not optimal.
 */
export function greedyAssignment(input: SolverInput): SolverResult {
  const p = prepare(input);
  const E = p.eOff.length;
  const order = new Float64Array(E);
  let maxUnits = 0;
  for (let e = 0; e < E; e++) if (p.units[e]! > maxUnits) maxUnits = p.units[e]!;
  if ((maxUnits + 1) * (E + 1) < 2 ** 53) {
    // Pack (units, reversed edge index) into one exact double so a native
    // numeric sort does the work; ascending order read backwards.
    for (let e = 0; e < E; e++) order[e] = p.units[e]! * E + (E - 1 - e);
    order.sort();
    for (let q = 0; q < E; q++) order[q] = E - 1 - (order[q]! % E);
  } else {
    const idx = Array.from({ length: E }, (_, e) => e).sort((a, b) => p.units[a]! - p.units[b]! || b - a);
    for (let q = 0; q < E; q++) order[q] = idx[q]!;
  }
  const left = Int32Array.from(p.capEff);
  const chosen = new Int32Array(p.n).fill(-1);
  for (let q = E - 1; q >= 0; q--) {
    const e = order[q]!;
    const i = p.eNeed[e]!;
    const j = p.eOff[e]!;
    if (chosen[i]! < 0 && left[j]! > 0) {
      chosen[i] = e;
      left[j]!--;
    }
  }
  return toResult(p, chosen);
}
