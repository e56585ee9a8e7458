/**
 * Exact minimum-cost flow on integer costs: Goldberg's cost-scaling
 * push-relabel (refine with FIFO discharges) with global price updates, and
 * exact optimal node potentials recovered afterwards.
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
 * (earliest.ts). At 2M pairs with provider caps it takes ~10 s of CPU for
 * the one flow: phases at ε from ~0.5 down to ~0.002 weight units cost the
 * most (2.6, 2.3, 1.7 s), about half in discharges (relabels of offering
 * nodes scan their ~200 arcs) and 40% in global updates (more or fewer
 * updates, or α = 8, measured no better).
 *
 * Exactness: costs are multiplied by σ > number of nodes, and the last
 * phase runs at ε = 1, i.e. ε < 1/σ in the original units: an ε-optimal
 * flow on integer costs with ε < 1/#nodes is optimal (Goldberg–Tarjan).
 * Potentials are then made exact by one Dijkstra (see `exactPotentials`) and
 * checked: every residual arc must have a non-negative reduced cost. A
 * failed check throws instead of returning a wrong answer.
 *
 * All numbers are integers held in doubles; callers keep |cost| · σ · 8
 * below 2^53 (the prices' drift stays within a few times the cost range).
 */

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

/** Price-scaling factor per phase: the ε of one phase over the next. */
const ALPHA = 16;

/** The problem has no feasible flow (a caller's bug: the matcher always has one). */
export class InfeasibleFlow extends Error {
  constructor() {
    super('min-cost flow: no feasible flow');
    this.name = 'InfeasibleFlow';
  }
}

export function minCostFlow(problem: FlowProblem, wantPotentials: boolean): FlowSolution {
  const net = new Residual(problem);
  net.solve();
  const flow = net.flows();
  return { flow, potential: wantPotentials ? net.exactPotentials() : null };
}

/** Residual network in CSR layout (arcs grouped by tail) with its state. */
class Residual {
  readonly N: number;
  readonly sigma: number;
  readonly first: Int32Array;
  readonly rHead: Int32Array;
  readonly rRev: Int32Array;
  readonly rCap: Int32Array;
  /** Scaled cost (cost · σ) of each residual arc. */
  readonly rCost: Float64Array;
  /** Residual position of each forward arc (−1 when it has no capacity). */
  readonly fwdPos: Int32Array;
  readonly fwdCap: Int32Array;
  readonly price: Float64Array;
  readonly excess: Float64Array;
  readonly current: Int32Array;
  readonly queue: Int32Array;
  readonly inQueue: Uint8Array;
  qHead = 0;
  qSize = 0;
  maxCost = 0;
  /** Arcs scanned by relabels since the last global update. */
  relabels = 0;
  /** Relabel work (arcs scanned) between global updates: twice the arcs, as measured best on the bench markets. */
  workLimit(): number {
    return Math.max(1024, this.rHead.length * 2);
  }
  // Global update scratch.
  readonly dist: Float64Array;
  readonly bHead: Int32Array;
  readonly bNext: Int32Array;
  readonly bPrev: Int32Array;
  readonly scanned: Uint8Array;

  constructor(p: FlowProblem) {
    const N = p.nodes;
    this.N = N;
    this.sigma = N + 2;
    const A = p.tail.length;
    const deg = new Int32Array(N + 1);
    let R = 0;
    for (let a = 0; a < A; a++) {
      if (p.cap[a]! <= 0) continue;
      deg[p.tail[a]! + 1]!++;
      deg[p.head[a]! + 1]!++;
      R += 2;
    }
    for (let v = 0; v < N; v++) deg[v + 1]! += deg[v]!;
    this.first = deg;
    const fill = deg.slice(0, N);
    this.rHead = new Int32Array(R);
    this.rRev = new Int32Array(R);
    this.rCap = new Int32Array(R);
    this.rCost = new Float64Array(R);
    this.fwdPos = new Int32Array(A).fill(-1);
    this.fwdCap = p.cap;
    const sigma = this.sigma;
    let maxCost = 0;
    for (let a = 0; a < A; a++) {
      const u = p.cap[a]!;
      if (u <= 0) continue;
      const v = p.tail[a]!;
      const w = p.head[a]!;
      const x = fill[v]!++;
      const y = fill[w]!++;
      const c = p.cost[a]! * sigma;
      this.rHead[x] = w;
      this.rRev[x] = y;
      this.rCap[x] = u;
      this.rCost[x] = c;
      this.rHead[y] = v;
      this.rRev[y] = x;
      this.rCap[y] = 0;
      this.rCost[y] = -c;
      this.fwdPos[a] = x;
      if (Math.abs(c) > maxCost) maxCost = Math.abs(c);
    }
    this.maxCost = maxCost;
    this.price = new Float64Array(N);
    // Sources (nodes no arc enters) start at the price of their best arc,
    // so the zero flow is already optimal on every arc: the first phase
    // then moves supply along the best options instead of saturating every
    // negative arc and pulling most of that flow back.
    const entered = new Uint8Array(N);
    for (let a = 0; a < A; a++) if (p.cap[a]! > 0) entered[p.head[a]!] = 1;
    for (let v = 0; v < N; v++) {
      if (entered[v]) continue;
      let best = 0;
      for (let a = this.first[v]!, end = this.first[v + 1]!; a < end; a++) if (-this.rCost[a]! > best) best = -this.rCost[a]!;
      this.price[v] = best;
    }
    this.excess = Float64Array.from(p.supply);
    this.current = this.first.slice(0, N);
    this.queue = new Int32Array(N);
    this.inQueue = new Uint8Array(N);
    this.dist = new Float64Array(N);
    this.bHead = new Int32Array(N + 1);
    this.bNext = new Int32Array(N);
    this.bPrev = new Int32Array(N);
    this.scanned = new Uint8Array(N);
  }

  solve(): void {
    let eps = Math.max(1, Math.ceil(this.maxCost / ALPHA));
    for (;;) {
      this.refine(eps);
      if (eps === 1) break;
      eps = Math.max(1, Math.ceil(eps / ALPHA));
    }
  }

  flows(): Int32Array {
    for (let v = 0; v < this.N; v++) if (this.excess[v] !== 0) throw new InfeasibleFlow();
    const A = this.fwdPos.length;
    const flow = new Int32Array(A);
    for (let a = 0; a < A; a++) {
      const x = this.fwdPos[a]!;
      if (x >= 0) flow[a] = this.fwdCap[a]! - this.rCap[x]!;
    }
    return flow;
  }

  private enqueue(v: number): void {
    const N = this.N;
    this.queue[(this.qHead + this.qSize) % N] = v;
    this.qSize++;
    this.inQueue[v] = 1;
  }

  /**
   * Turns the ε·α-optimal flow into an ε-optimal one: saturate every arc of
   * negative reduced cost, then discharge the nodes left with excess.
   */
  private refine(eps: number): void {
    const { N, first, rHead, rRev, rCap, rCost, price, excess, current } = this;
    for (let v = 0; v < N; v++) {
      const pv = price[v]!;
      for (let a = first[v]!, end = first[v + 1]!; a < end; a++) {
        const f = rCap[a]!;
        if (f > 0 && rCost[a]! + pv - price[rHead[a]!]! < 0) {
          rCap[a] = 0;
          rCap[rRev[a]!]! += f;
          excess[v]! -= f;
          excess[rHead[a]!]! += f;
        }
      }
    }
    this.qHead = 0;
    this.qSize = 0;
    for (let v = 0; v < N; v++) {
      current[v] = first[v]!;
      if (excess[v]! > 0) this.enqueue(v);
    }
    if (this.qSize === 0) return;
    this.globalUpdate(eps);
    // A global update costs about one pass over the arcs: run one again
    // once the relabels since the last one have scanned twice as many.
    const every = this.workLimit();
    this.relabels = 0;
    while (this.qSize > 0) {
      const v = this.queue[this.qHead]!;
      this.qHead = (this.qHead + 1) % N;
      this.qSize--;
      this.inQueue[v] = 0;
      this.discharge(v, eps);
      if (this.relabels >= every) {
        this.globalUpdate(eps);
        this.relabels = 0;
      }
    }
  }

  private discharge(v: number, eps: number): void {
    const { first, rHead, rRev, rCap, rCost, price, excess, current } = this;
    const end = first[v + 1]!;
    while (excess[v]! > 0) {
      const pv = price[v]!;
      let a = current[v]!;
      for (; a < end; a++) if (rCap[a]! > 0 && rCost[a]! + pv - price[rHead[a]!]! < 0) break;
      if (a < end) {
        current[v] = a;
        const w = rHead[a]!;
        const delta = Math.min(excess[v]!, rCap[a]!);
        rCap[a]! -= delta;
        rCap[rRev[a]!]! += delta;
        excess[v]! -= delta;
        excess[w]! += delta;
        if (excess[w]! > 0 && this.inQueue[w] === 0) this.enqueue(w);
        continue;
      }
      // Relabel: lower the price just enough that the best residual arc
      // becomes admissible with reduced cost −ε.
      let best = -Infinity;
      for (let b = first[v]!; b < end; b++) {
        if (rCap[b]! > 0) {
          const x = price[rHead[b]!]! - rCost[b]!;
          if (x > best) best = x;
        }
      }
      if (best === -Infinity) throw new InfeasibleFlow();
      price[v] = best - eps;
      current[v] = first[v]!;
      this.relabels += end - first[v]!;
      // Yield to a pending global update rather than wander on stale prices.
      if (this.relabels >= this.workLimit()) {
        if (this.inQueue[v] === 0) this.enqueue(v);
        return;
      }
    }
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
    const { N, first, rHead, rRev, rCap, rCost, price, excess, current, dist, bHead, bNext, bPrev, scanned } = this;
    const limit = N; // bucket levels kept; farther labels wait (see below)
    bHead.fill(-1);
    let toReach = 0;
    for (let v = 0; v < N; v++) {
      scanned[v] = 0;
      if (excess[v]! > 0) toReach++;
      if (excess[v]! < 0) {
        dist[v] = 0;
        bPrev[v] = -1;
        bNext[v] = bHead[0]!;
        if (bHead[0]! >= 0) bPrev[bHead[0]!] = v;
        bHead[0] = v;
      } else dist[v] = Infinity;
    }
    let level = 0;
    for (; level < limit && toReach > 0; level++) {
      while (bHead[level]! >= 0 && toReach > 0) {
        const v = bHead[level]!;
        bHead[level] = bNext[v]!;
        if (bNext[v]! >= 0) bPrev[bNext[v]!] = -1;
        scanned[v] = 1;
        if (excess[v]! > 0) toReach--;
        const pv = price[v]!;
        for (let a = first[v]!, end = first[v + 1]!; a < end; a++) {
          // Arc u → v of the residual network is the partner of v → u.
          const b = rRev[a]!;
          if (rCap[b]! <= 0) continue;
          const u = rHead[a]!;
          if (scanned[u]) continue;
          const nd = level + Math.floor((rCost[b]! + price[u]! - pv) / eps) + 1;
          if (nd >= dist[u]! || nd >= limit) continue;
          if (dist[u]! < limit) {
            // Unlink u from its current bucket.
            const d = dist[u]!;
            if (bPrev[u]! >= 0) bNext[bPrev[u]!] = bNext[u]!;
            else bHead[d] = bNext[u]!;
            if (bNext[u]! >= 0) bPrev[bNext[u]!] = bPrev[u]!;
          }
          dist[u] = nd;
          bPrev[u] = -1;
          bNext[u] = bHead[nd]!;
          if (bHead[nd]! >= 0) bPrev[bHead[nd]!] = u;
          bHead[nd] = u;
        }
      }
      if (toReach === 0) break;
    }
    // Nodes not scanned are at least `level` away (Dijkstra order), so
    // lowering them by `level` keeps every arc ε-optimal.
    const top = Math.min(level, limit);
    for (let v = 0; v < N; v++) {
      const d = scanned[v] ? dist[v]! : top;
      if (d > 0) price[v]! -= eps * d;
      current[v] = first[v]!;
    }
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
    const { N, sigma, first, rHead, rCap, rCost, price } = this;
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
      for (let a = first[v]!, end = first[v + 1]!; a < end; a++) {
        if (rCap[a]! <= 0) continue;
        const w = rHead[a]!;
        if (done[w]) continue;
        const d = dv + rCost[a]! + pv - price[w]! + 1;
        if (d < dist[w]!) {
          dist[w] = d;
          up(pos[w]!);
        }
      }
    }
    const pi = new Float64Array(N);
    for (let v = 0; v < N; v++) {
      const x = dist[v]! - root + price[v]! - 1; // σ · δ + (arcs − 1), arcs ≤ N
      let q = Math.floor(x / sigma);
      if (q * sigma > x) q--;
      else if ((q + 1) * sigma <= x) q++;
      pi[v] = q;
    }
    for (let v = 0; v < N; v++) {
      for (let a = first[v]!, end = first[v + 1]!; a < end; a++) {
        if (rCap[a]! > 0 && rCost[a]! / sigma + pi[v]! - pi[rHead[a]!]! < 0) {
          throw new Error('min-cost flow: the optimality certificate failed (numeric range exceeded)');
        }
      }
    }
    return pi;
  }
}
