/**
 * Moves of single units along residual paths, for the two objectives that
 * only count needs: "serve the most needs" (servedFirst) and the tie-break
 * "among the optimal solutions, place the earliest needs" (domain/solver.ts
 * states the rule). Both replace a min-cost flow: on these the cost-scaling
 * flow and the auction fight ε-by-ε price wars between equal options
 * (seconds at 2M pairs), where a few breadth-first searches suffice.
 *
 * The network: needs are nodes 0..n−1 in rank order; need i's "wait" arc
 * i → sink carries its unit while it is unplaced; arcs of capacity 0 are
 * absent. For the tie-break it is the optimal face (every arc left is tight
 * under exact optimal potentials, arcs of fixed flow removed), so every
 * feasible flow on it is optimal and only the placed set changes.
 *
 * A move takes an unplaced need's unit off its wait arc and along a
 * residual path to the sink, ending on an "exit": an arc into the sink with
 * room other than a wait arc (one more need served; rank n, it outranks
 * every need), or the wait arc of a placed need t > r (t gives way to the
 * earlier r: same number served, earlier needs). Each move strictly
 * improves Σ (n − rank) over the placed needs. With no move left the placed
 * set is the lexicographically earliest one: the placeable sets of a face
 * form an M-convex family, on which a set without an improving exchange
 * maximises any strictly decreasing reward. Only serving moves, on the
 * whole network: a maximum flow. The solver hands `mostServed` the
 * auction's maximum flow as a start (face.ts): from scratch the searches
 * took ~1.1 s of CPU at 2M pairs (capped family), growing whole regions of
 * the graph for each of the last few thousand units; proving a maximum
 * flow is one round.
 *
 * Search: rounds in which every exit, best rank first, grows a backward
 * breadth-first search until it meets an unplaced need it outranks, and
 * moves it. A failed search keeps its nodes for the round: none of them
 * reaches that exit from an unplaced need it outranks, hence no lower exit
 * either, so later exits skip them (this keeps a round near one pass over
 * the arcs). A round proves that no move is left when no move followed a
 * failure in it (a move changes the residual network under the failures
 * before it); otherwise another round runs. At 2M pairs two rounds.
 */
import type { ArrayPool } from './pool.ts';

/** A flow network of forward arcs; arcs of capacity 0 are absent. */
export interface UnitNetwork {
  nodes: number;
  sink: number;
  /** Needs are nodes 0..needs−1, in rank order (earliest first). */
  needs: number;
  tail: Int32Array;
  head: Int32Array;
  cap: Int32Array;
}

/** Residual adjacency in CSR (present arcs, both sides; the sink's list left out). */
interface Adjacency {
  first: Int32Array;
  /** Arc index from the list's node, ones' complement for an arc into it. */
  adj: Int32Array;
  /** Each need's wait arc, or −1 when its placement is fixed. */
  waitOf: Int32Array;
}

function adjacency(net: UnitNetwork, pool?: ArrayPool): Adjacency {
  const { nodes, sink, needs: n, tail, head, cap } = net;
  const A = cap.length;
  const first = new Int32Array(nodes + 1);
  const waitOf = new Int32Array(n).fill(-1);
  for (let a = 0; a < A; a++) {
    if (cap[a]! <= 0) continue;
    const v = tail[a]!;
    const w = head[a]!;
    if (v !== sink) first[v + 1]!++;
    if (w !== sink) first[w + 1]!++;
    if (w === sink && v < n) waitOf[v] = a;
  }
  for (let v = 0; v < nodes; v++) first[v + 1]! += first[v]!;
  const adj = pool ? pool.int32(first[nodes]!) : new Int32Array(first[nodes]!);
  const fill = first.slice(0, nodes);
  for (let a = 0; a < A; a++) {
    if (cap[a]! <= 0) continue;
    if (tail[a] !== sink) adj[fill[tail[a]!]!++] = a;
    if (head[a] !== sink) adj[fill[head[a]!]!++] = ~a;
  }
  return { first, adj, waitOf };
}

/**
 * Applies moves until none is left (see the file comment): with `swaps`,
 * the earliest needs are placed; without, the most needs are served.
 * `flow` is feasible on entry and updated in place.
 */
function improve(net: UnitNetwork, g: Adjacency, flow: Int32Array, swaps: boolean): void {
  const { nodes, sink, needs: n, tail, head, cap } = net;
  const { first, adj, waitOf } = g;
  const A = cap.length;
  const owner = new Int32Array(nodes); // round whose failed search holds the node
  const next = new Int32Array(nodes); // arc entry towards the exit
  const queue = new Int32Array(nodes);
  let round = 0;
  let failed = false;
  let again = true;

  // Moves unplaced need r's unit along `next` to the sink.
  const move = (r: number): void => {
    flow[waitOf[r]!]!--;
    for (let v = r; v !== sink; ) {
      const y = next[v]!;
      if (y >= 0 && tail[y] === v) {
        flow[y]!++;
        v = head[y]!;
      } else if (y >= 0) {
        flow[y]!--;
        v = tail[y]!;
      } else {
        flow[~y]!++;
        v = head[~y]!;
      }
    }
  };

  // Grows exit arc x's search; true when it moved a need ranked below `rank`.
  const grow = (x: number, rank: number): boolean => {
    const t = tail[x]!;
    if (owner[t] === round) return false;
    owner[t] = round;
    next[t] = x;
    let qHead = 0;
    let qTail = 0;
    queue[qTail++] = t;
    while (qHead < qTail) {
      const v = queue[qHead++]!;
      for (let k = first[v]!, end = first[v + 1]!; k < end; k++) {
        const y = adj[k]!;
        // The residual arc u → v: the backward side of v → u while it
        // carries flow, or the forward side of u → v while it has room.
        let u: number;
        if (y >= 0) {
          if (flow[y]! <= 0) continue;
          u = head[y]!;
        } else {
          if (flow[~y]! >= cap[~y]!) continue;
          u = tail[~y]!;
        }
        if (u === sink || owner[u] === round) continue;
        owner[u] = round;
        next[u] = y;
        if (u < rank && u < n && waitOf[u]! >= 0 && flow[waitOf[u]!] === 1) {
          move(u);
          // Only failed searches keep their nodes.
          for (let q = 0; q < qTail; q++) owner[queue[q]!] = 0;
          owner[u] = 0;
          if (failed) again = true;
          return true;
        }
        queue[qTail++] = u;
      }
    }
    failed = true;
    return false;
  };

  while (again) {
    again = false;
    failed = false;
    round++;
    for (let x = 0; x < A; x++) {
      if (cap[x]! <= 0 || head[x] !== sink || (tail[x]! < n && waitOf[tail[x]!] === x)) continue;
      while (flow[x]! < cap[x]! && grow(x, n));
    }
    if (!swaps) continue;
    for (let t = n - 1; t > 0; t--) {
      const x = waitOf[t]!;
      if (x >= 0 && flow[x] === 0) grow(x, t);
    }
  }
}

/**
 * Places the earliest needs on the optimal face: `flow`, a feasible (hence
 * optimal) flow on it, is updated in place.
 */
export function placeEarliest(net: UnitNetwork, flow: Int32Array, pool?: ArrayPool): void {
  const g = adjacency(net, pool);
  improve(net, g, flow, true);
  pool?.release(g.adj);
}

/**
 * A flow serving the most needs (every need starts waiting) and exact
 * optimal potentials for the cost "1 per waiting need": π(v) = 1 if v
 * reaches the sink in the residual network without wait arcs, else 0
 * (π(sink) = 1). Any residual arc u → v of cost 0 has π(u) ≥ π(v); a
 * placed need's wait arc costs 1 ≥ π(sink) − π(i); an unplaced need's
 * reverse wait arc costs −1, met because a maximum flow leaves it no way to
 * the sink. The potentials are checked against every residual arc.
 * `start`, if given, is a feasible flow to begin from (e.g. a maximum one
 * found faster elsewhere: one round of searches then proves it maximal);
 * it is updated in place and returned.
 */
export function mostServed(net: UnitNetwork, cost: Float64Array, start?: Int32Array): { flow: Int32Array; potential: Float64Array } {
  const { nodes, sink, needs: n, tail, head, cap } = net;
  const potential = new Float64Array(nodes);
  potential[sink] = 1;
  const isWait = (x: number): boolean => tail[x]! < n && head[x] === sink;
  // A start that fills every exit is maximal (the exits form a cut), and no
  // node reaches the sink: the searches and their adjacency are not needed.
  let open = !start;
  for (let x = 0; x < cap.length && !open; x++) open = cap[x]! > 0 && head[x] === sink && !isWait(x) && start![x]! < cap[x]!;
  if (!open) {
    certifyServed(net, cost, start!, potential);
    return { flow: start!, potential };
  }
  // A start that leaves no need waiting is maximal too. π ≡ 1 then prices
  // every arc at its own cost: 0, or 1 on the wait arcs, which carry
  // nothing. Spares the searches where capacity is ample (~0.4 s of CPU at
  // 2M pairs, bench surplus family).
  let waiting = !start;
  for (let x = 0; x < cap.length && !waiting; x++) waiting = isWait(x) && start![x]! > 0;
  if (!waiting) {
    potential.fill(1);
    certifyServed(net, cost, start!, potential);
    return { flow: start!, potential };
  }
  const g = adjacency(net);
  const { first, adj, waitOf } = g;
  let flow: Int32Array;
  if (start) flow = start;
  else {
    flow = new Int32Array(cap.length);
    for (let i = 0; i < n; i++) if (waitOf[i]! >= 0) flow[waitOf[i]!] = 1;
  }
  improve(net, g, flow, false);

  const queue = new Int32Array(nodes);
  let qTail = 0;
  for (let x = 0; x < cap.length; x++) {
    const t = tail[x]!;
    if (cap[x]! <= 0 || head[x] !== sink || (t < n && waitOf[t] === x) || flow[x]! >= cap[x]! || potential[t] === 1) continue;
    potential[t] = 1;
    queue[qTail++] = t;
  }
  for (let qHead = 0; qHead < qTail; ) {
    const v = queue[qHead++]!;
    for (let k = first[v]!, end = first[v + 1]!; k < end; k++) {
      const y = adj[k]!;
      let u: number;
      if (y >= 0) {
        if (flow[y]! <= 0) continue;
        u = head[y]!;
      } else {
        if (flow[~y]! >= cap[~y]!) continue;
        u = tail[~y]!;
      }
      // Wait arcs only ever lead into the sink, whose list is left out.
      if (u === sink || potential[u] === 1) continue;
      potential[u] = 1;
      queue[qTail++] = u;
    }
  }
  certifyServed(net, cost, flow, potential);
  return { flow, potential };
}

/**
 * The certificate of "serve the most": the flow is feasible (each need's
 * unit leaves it, every other node but the sink passes on what it gets,
 * within capacities) and no residual arc has a negative reduced cost.
 */
function certifyServed(net: UnitNetwork, cost: Float64Array, flow: Int32Array, potential: Float64Array): void {
  const { nodes, sink, needs: n, tail, head, cap } = net;
  const balance = new Int32Array(nodes).fill(1, 0, n);
  for (let a = 0; a < cap.length; a++) {
    if (flow[a]! < 0 || flow[a]! > Math.max(0, cap[a]!)) throw new Error('most served: the flow exceeds a capacity');
    balance[tail[a]!]! -= flow[a]!;
    balance[head[a]!]! += flow[a]!;
  }
  for (let v = 0; v < nodes; v++) {
    if (v !== sink && balance[v] !== 0) throw new Error('most served: the flow is not balanced');
  }
  for (let a = 0; a < cap.length; a++) {
    if (cap[a]! <= 0) continue;
    const rc = cost[a]! + potential[tail[a]!]! - potential[head[a]!]!;
    if ((flow[a]! < cap[a]! && rc < 0) || (flow[a]! > 0 && rc > 0)) {
      throw new Error('most served: the optimality certificate failed');
    }
  }
}
