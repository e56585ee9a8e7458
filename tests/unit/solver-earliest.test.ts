import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mostServed, placeEarliest, type UnitNetwork } from '#domain/solver/earliest.ts';

/**
 * A bipartite market as a unit network: needs 0..n−1, offerings n..n+m−1,
 * sink n+m; arcs: edges, then one wait arc per need, then one arc per
 * offering into the sink with its capacity.
 */
function network(n: number, caps: number[], edges: [number, number][]): UnitNetwork & { cost: Float64Array } {
  const m = caps.length;
  const sink = n + m;
  const A = edges.length + n + m;
  const tail = new Int32Array(A);
  const head = new Int32Array(A);
  const cap = new Int32Array(A);
  edges.forEach(([i, j], a) => {
    tail[a] = i;
    head[a] = n + j;
    cap[a] = 1;
  });
  for (let i = 0; i < n; i++) {
    tail[edges.length + i] = i;
    head[edges.length + i] = sink;
    cap[edges.length + i] = 1;
  }
  caps.forEach((c, j) => {
    tail[edges.length + n + j] = n + j;
    head[edges.length + n + j] = sink;
    cap[edges.length + n + j] = c;
  });
  const cost = new Float64Array(A);
  cost.fill(1, edges.length, edges.length + n); // 1 per waiting need
  return { nodes: sink + 1, sink, needs: n, tail, head, cap, cost };
}

/** Every feasible assignment's placed needs, as booleans by need. */
function placements(n: number, caps: number[], edges: [number, number][]): boolean[][] {
  const out: boolean[][] = [];
  const load = caps.map(() => 0);
  const placed: boolean[] = Array.from({ length: n }, () => false);
  const walk = (i: number): void => {
    if (i === n) {
      out.push([...placed]);
      return;
    }
    walk(i + 1);
    for (const [k, j] of edges) {
      if (k !== i || load[j]! >= caps[j]!) continue;
      load[j]!++;
      placed[i] = true;
      walk(i + 1);
      placed[i] = false;
      load[j]!--;
    }
  };
  walk(0);
  return out;
}

const market = fc
  .record({ n: fc.integer({ min: 1, max: 6 }), caps: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 4 }) })
  .chain(({ n, caps }) =>
    fc.record({
      n: fc.constant(n),
      caps: fc.constant(caps),
      edges: fc.uniqueArray(fc.tuple(fc.nat(n - 1), fc.nat(caps.length - 1)), {
        maxLength: 12,
        selector: ([i, j]) => `${i}:${j}`,
      }),
    }),
  );

describe('unit moves on a flow network', () => {
  it('serves the most needs and places the earliest among those, as exhaustive search does', () => {
    fc.assert(
      fc.property(market, ({ n, caps, edges }) => {
        const net = network(n, caps, edges);
        // mostServed checks its potentials against every residual arc and
        // throws if they fail.
        const { flow } = mostServed(net, net.cost);
        const placedBy = (f: Int32Array) => Array.from({ length: n }, (_, i) => f[edges.length + i] === 0);
        const all = placements(n, caps, edges);
        const most = Math.max(...all.map((p) => p.filter(Boolean).length));
        expect(placedBy(flow).filter(Boolean).length).toBe(most);

        placeEarliest(net, flow);
        const earliest = all
          .filter((p) => p.filter(Boolean).length === most)
          .reduce((best, p) => {
            const k = p.findIndex((x, i) => x !== best[i]);
            return k >= 0 && p[k] ? p : best;
          });
        expect(placedBy(flow)).toEqual(earliest);
        // Still a feasible flow: each need once, offerings within capacity.
        for (let i = 0; i < n; i++) {
          const used = edges.reduce((s, [k], a) => s + (k === i ? flow[a]! : 0), 0);
          expect(used + flow[edges.length + i]!).toBe(1);
        }
        caps.forEach((c, j) => {
          const used = edges.reduce((s, [, k], a) => s + (k === j ? flow[a]! : 0), 0);
          expect(used).toBe(flow[edges.length + n + j]);
          expect(used).toBeLessThanOrEqual(c);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('proves a start that serves every need maximal, with potentials that fix only the wait arcs', () => {
    // Two needs, two offerings with room to spare: the start serves both
    // and leaves an exit open, so only the "no one waits" proof applies.
    const edges: [number, number][] = [
      [0, 0],
      [0, 1],
      [1, 1],
    ];
    const net = network(2, [2, 2], edges);
    const start = new Int32Array(net.cap.length);
    start[0] = 1; // need 0 → offering 0
    start[2] = 1; // need 1 → offering 1
    start[edges.length + 2] = 1; // offering 0 → sink
    start[edges.length + 3] = 1; // offering 1 → sink
    const { flow, potential } = mostServed(net, net.cost, start.slice());
    expect([...flow]).toEqual([...start]);
    const reduced = (a: number) => net.cost[a]! + potential[net.tail[a]!]! - potential[net.head[a]!]!;
    // Wait arcs leave the face (positive reduced cost, no flow); every other arc stays on it.
    for (let a = 0; a < net.cap.length; a++) expect(reduced(a)).toBe(a >= edges.length && a < edges.length + 2 ? 1 : 0);
  });

  it('still searches when the start leaves a need waiting that could be served', () => {
    const edges: [number, number][] = [
      [0, 0],
      [1, 0],
      [1, 1],
    ];
    const net = network(2, [1, 1], edges);
    // Need 1 takes offering 0 and need 0 waits: a search moves need 1 over.
    const start = new Int32Array(net.cap.length);
    start[1] = 1;
    start[edges.length] = 1;
    start[edges.length + 2] = 1;
    const { flow } = mostServed(net, net.cost, start);
    expect(flow[edges.length]).toBe(0);
    expect(flow[edges.length + 1]).toBe(0);
  });
});
