/**
 * Validation and canonical form of the solver's input: needs by rank
 * ((postedAt, id) order), offerings and providers by id, edges in CSR
 * layout by need with each need's edges in offering order, weights and
 * penalties as integers at the solver's resolution. Everything downstream
 * works on this form, so the result does not depend on the input order.
 */
import type { ArrayPool } from './pool.ts';
import { SolverInputError, type SolverEdge, type SolverInput } from './types.ts';

/** Weights are compared at this resolution (unless coarsened, see `weightScale`). */
export const WEIGHT_RESOLUTION = 1e-6;

/**
 * Largest scaled cost times the flow's cost scale (nodes + 2) that is
 * allowed: the flow's prices drift a few times that range, and 2^50 leaves
 * room below 2^53 so every intermediate stays an exactly represented integer.
 */
const EXACT_LIMIT = 2 ** 50;

/** Canonical, validated problem: needs by rank, offerings by id, CSR edges. */
export interface Problem {
  needIds: string[]; // by rank (earliest first)
  offeringIds: string[]; // by id
  n: number;
  m: number;
  /** Capacity usable at all: min(capacity, number of edges into it). */
  capEff: Int32Array;
  /** Provider (canonical index) of each offering, or -1. */
  provOf: Int32Array;
  providerIds: string[]; // by id
  softCap: Int32Array;
  /** Penalty per match beyond the soft cap, in the same integer units as `units`. */
  penaltyUnits: Float64Array;
  /** The original penalties, for the reported objective. */
  penalty: Float64Array;
  servedFirst: boolean;
  start: Int32Array; // n + 1: edges of need i are start[i]..start[i+1]
  eOff: Int32Array; // offering of each edge (input order within a need)
  units: Float64Array; // integer weight in resolution units, >= 1 (divided by the common factor)
  /** Input index of each edge (the heaviest of duplicates): its weight. */
  source: Int32Array;
  edges: SolverEdge[];
  /** Int32Array of at least E entries, free for the solver's own use. */
  scratch: Int32Array;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export function prepare(input: SolverInput, pool?: ArrayPool): Problem {
  if (input === null || typeof input !== 'object') throw new SolverInputError('input must be an object');
  const { needs, offerings, edges } = input;
  const providers = input.providers ?? [];
  if (!Array.isArray(needs)) throw new SolverInputError('needs must be an array');
  if (!Array.isArray(offerings)) throw new SolverInputError('offerings must be an array');
  if (!Array.isArray(edges)) throw new SolverInputError('edges must be an array');
  if (!Array.isArray(providers)) throw new SolverInputError('providers must be an array');
  if (input.servedFirst !== undefined && typeof input.servedFirst !== 'boolean') {
    throw new SolverInputError(`servedFirst must be a boolean, not ${describe(input.servedFirst)}`);
  }

  const P = providers.length;
  const providerIndex = new Map<string, number>();
  let maxPenalty = 0;
  for (let q = 0; q < P; q++) {
    const pr = providers[q];
    if (pr === null || typeof pr !== 'object' || typeof pr.id !== 'string') {
      throw new SolverInputError(`providers[${q}] must have a string id`);
    }
    if (providerIndex.has(pr.id)) throw new SolverInputError(`duplicate provider id ${describe(pr.id)}`);
    providerIndex.set(pr.id, q);
    if (typeof pr.softCap !== 'number' || !Number.isInteger(pr.softCap) || pr.softCap < 0) {
      throw new SolverInputError(`provider ${describe(pr.id)} has softCap ${describe(pr.softCap)}; it must be an integer >= 0`);
    }
    if (typeof pr.penalty !== 'number' || !Number.isFinite(pr.penalty) || pr.penalty < 0) {
      throw new SolverInputError(`provider ${describe(pr.id)} has penalty ${describe(pr.penalty)}; it must be a finite number >= 0`);
    }
    if (pr.penalty > maxPenalty) maxPenalty = pr.penalty;
  }
  const provById = Array.from({ length: P }, (_, q) => q).sort((a, b) => compareStrings(providers[a]!.id, providers[b]!.id));
  const provOrder = new Int32Array(P);
  for (let k = 0; k < P; k++) provOrder[provById[k]!] = k;

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
  // Rank = position in (postedAt, id) order. Everything downstream works in
  // rank order, so the result does not depend on the input order.
  const byRank = rankByPosted(posted, (a, b) => compareStrings(needs[a]!.id, needs[b]!.id));
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
    if (off.provider !== undefined && !(typeof off.provider === 'string' && providerIndex.has(off.provider))) {
      throw new SolverInputError(`offering ${describe(off.id)} names unknown provider ${describe(off.provider)}`);
    }
  }
  // Offerings in id order: ties between offerings resolve the same way
  // whatever the input order.
  const byId = Array.from({ length: m }, (_, j) => j).sort((a, b) =>
    compareStrings(offerings[a]!.id, offerings[b]!.id),
  );
  const orderOf = new Int32Array(m);
  for (let q = 0; q < m; q++) orderOf[byId[q]!] = q;
  const cap = new Float64Array(m);
  const provOf = new Int32Array(m).fill(-1);
  for (let q = 0; q < m; q++) {
    const off = offerings[byId[q]!]!;
    cap[q] = off.capacity;
    if (off.provider !== undefined) provOf[q] = provOrder[providerIndex.get(off.provider)!]!;
  }

  // Two passes over the edges. The first validates, looks every id up once
  // and counts per need; the second places straight into the CSR arrays.
  // Staging full copies would add ~16 bytes an edge, and past ~64 MB of fresh
  // typed arrays V8 runs a full collection over the caller's input (a few
  // hundred ms at 2M edge objects).
  const total = edges.length;
  const start = new Int32Array(n + 1);
  // Offering (canonical index) of each input edge, or -1 if it is unusable.
  // Reused afterwards as solver scratch.
  const edgeOff = pool ? pool.int32(Math.max(1, total)) : new Int32Array(Math.max(1, total));
  // Edges usually arrive grouped by need: runs of the same need id keep the
  // need lookups (and the second pass's) to one per run.
  let runAt = new Int32Array(n + 2);
  let runRank = new Int32Array(n + 2);
  let runs = 0;
  let maxW = 0;
  // A fresh object matches no id, so the first edge is always looked up.
  const none = {};
  let lastNeedId: unknown = none;
  let lastNeed = -1;
  let lastOffId: unknown = none;
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
      if (runs + 1 >= runAt.length) {
        const grow = (a: Int32Array) => {
          const b = new Int32Array(a.length * 2);
          b.set(a);
          return b;
        };
        runAt = grow(runAt);
        runRank = grow(runRank);
      }
      runAt[runs] = k;
      runRank[runs] = lastNeed;
      runs++;
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
    // Unplaced is worth zero, so a non-positive edge is never worth taking.
    if (w > 0 && cap[lastOff]! > 0) {
      edgeOff[k] = lastOff;
      start[lastNeed + 1]!++;
      if (w > maxW) maxW = w;
    } else {
      edgeOff[k] = -1;
    }
  }
  runAt[runs] = total;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  // Flow nodes: needs, offerings, providers and the sink.
  const scale = weightScale(Math.max(maxW, maxPenalty), n + m + P + 1);
  const slots = start[n]!;
  // `units` right after `edgeOff` in the pool: a caller that gives both
  // back frees one segment (domain/solver.ts).
  const units = pool ? pool.float64(slots) : new Float64Array(slots);
  const eOff = pool ? pool.int32(slots) : new Int32Array(slots);
  const source = pool ? pool.int32(slots) : new Int32Array(slots); // input index of the edge (its weight)
  const fill = start.slice(0, n + 1);
  for (let r = 0; r < runs; r++) {
    let p = fill[runRank[r]!]!;
    for (let k = runAt[r]!, end = runAt[r + 1]!; k < end; k++) {
      const j = edgeOff[k]!;
      if (j < 0) continue;
      eOff[p] = j;
      units[p] = Math.max(1, Math.round(edges[k]!.weight * scale));
      source[p] = k;
      p++;
    }
    fill[runRank[r]!] = p;
  }

  // Merge duplicate pairs inside each need (the best weight wins), in place,
  // then put each need's edges in offering order: the flow visits arcs in
  // that order, so equal options resolve the same way whatever the input
  // order.
  const seenBy = new Int32Array(m).fill(-1); // need that last listed offering j
  const seenAt = new Int32Array(m); // where that need's edge to j went
  let out = 0;
  for (let i = 0; i < n; i++) {
    const a = start[i]!;
    const b = start[i + 1]!;
    start[i] = out;
    for (let p = a; p < b; p++) {
      const j = eOff[p]!;
      if (seenBy[j] === i) {
        const q = seenAt[j]!;
        if (edges[source[p]!]!.weight > edges[source[q]!]!.weight) {
          units[q] = units[p]!;
          source[q] = source[p]!;
        }
      } else {
        seenBy[j] = i;
        seenAt[j] = out;
        eOff[out] = j;
        units[out] = units[p]!;
        source[out] = source[p]!;
        out++;
      }
    }
    // Insertion sort: a need has a handful of edges.
    for (let p = start[i]! + 1; p < out; p++) {
      const j = eOff[p]!;
      const u = units[p]!;
      const s = source[p]!;
      let q = p - 1;
      while (q >= start[i]! && eOff[q]! > j) {
        eOff[q + 1] = eOff[q]!;
        units[q + 1] = units[q]!;
        source[q + 1] = source[q]!;
        q--;
      }
      eOff[q + 1] = j;
      units[q + 1] = u;
      source[q + 1] = s;
    }
  }
  start[n] = out;
  const E = out;
  const capEff = new Int32Array(m);
  for (let e = 0; e < E; e++) capEff[eOff[e]!]!++;
  for (let j = 0; j < m; j++) capEff[j] = Math.min(cap[j]!, capEff[j]!);
  const softCap = new Int32Array(P);
  const penalty = new Float64Array(P);
  const penaltyUnits = new Float64Array(P);
  for (let k = 0; k < P; k++) {
    const pr = providers[provById[k]!]!;
    softCap[k] = pr.softCap;
    penalty[k] = pr.penalty;
    // A positive penalty stays positive, as a positive weight does.
    penaltyUnits[k] = pr.penalty > 0 ? Math.max(1, Math.round(pr.penalty * scale)) : 0;
  }
  // Dividing by the common factor changes neither the optimum nor its ties
  // but shrinks the cost range, hence the number of ε-scaling phases.
  let g = 0;
  for (let e = 0; e < E && g !== 1; e++) g = gcd(units[e]!, g);
  for (let k = 0; k < P && g !== 1; k++) if (penaltyUnits[k]! > 0) g = gcd(penaltyUnits[k]!, g);
  if (g > 1) {
    for (let e = 0; e < E; e++) units[e] = units[e]! / g;
    for (let k = 0; k < P; k++) penaltyUnits[k] = penaltyUnits[k]! / g;
  }

  return {
    edges,
    needIds: byRank.map((i) => needs[i]!.id),
    offeringIds: byId.map((j) => offerings[j]!.id),
    n,
    m,
    capEff,
    provOf,
    providerIds: provById.map((q) => providers[q]!.id),
    softCap,
    penaltyUnits,
    penalty,
    servedFirst: input.servedFirst === true,
    start,
    // Whole arrays unless duplicates were merged: a caller can then give
    // them back to the pool (domain/solver.ts).
    eOff: fit(eOff, E),
    units: fit(units, E),
    source: fit(source, E),
    scratch: edgeOff,
  };
}

/**
 * Indices sorted by `time`, ties by `tie`. A native sort of packed
 * (time offset, index) doubles is several times faster than a comparator
 * sort at 100k needs; equal times then get their tie order. When the packed
 * keys would not be exact, the comparator sort does it all.
 */
function rankByPosted(time: Float64Array, tie: (a: number, b: number) => number): number[] {
  const n = time.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, time[i]!);
    hi = Math.max(hi, time[i]!);
  }
  if (n === 0 || (hi - lo + 1) * n >= 2 ** 53) {
    return Array.from({ length: n }, (_, i) => i).sort((a, b) => time[a]! - time[b]! || tie(a, b));
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = (time[i]! - lo) * n + i;
  keys.sort();
  const order = Array.from(keys, (k) => k % n);
  for (let a = 0; a < n; ) {
    let b = a + 1;
    while (b < n && time[order[b]!] === time[order[a]!]) b++;
    if (b - a > 1) {
      const run = order.slice(a, b).sort(tie);
      for (let q = a; q < b; q++) order[q] = run[q - a]!;
    }
    a = b;
  }
  return order;
}

function fit<T extends Int32Array | Float64Array>(array: T, length: number): T {
  return (array.length === length ? array : array.subarray(0, length)) as T;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Integer units per weight unit: 1 / WEIGHT_RESOLUTION, unless the largest
 * weight or penalty times the flow's cost scale (nodes + 2) would leave the
 * range where doubles hold integers exactly; then the largest factor that
 * still fits.
 */
function weightScale(maxWeight: number, nodes: number): number {
  const preferred = 1 / WEIGHT_RESOLUTION;
  const limit = Math.floor(EXACT_LIMIT / ((maxWeight + 1) * (nodes + 2)));
  return Math.max(1, Math.min(preferred, limit));
}
