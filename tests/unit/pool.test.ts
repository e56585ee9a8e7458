import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ArrayPool, POOLED_BYTES, poolArraysFrom } from '#domain/solver/pool.ts';

const MB = 1 << 20;
/** Byte range an array occupies in its buffer. */
const span = (a: Int32Array | Float64Array) => ({ buffer: a.buffer, from: a.byteOffset, to: a.byteOffset + a.byteLength });

describe('ArrayPool', () => {
  let restore: (() => void) | null = null;
  afterEach(() => {
    restore?.();
    restore = null;
  });

  it('allocates small arrays as usual and keeps them out of the pool', () => {
    const pool = new ArrayPool(16 * MB);
    const small = pool.int32(POOLED_BYTES / 4 - 1);
    expect(small.byteOffset).toBe(0);
    expect(small.buffer.byteLength).toBe(small.byteLength);
    pool.release(small);
    expect(pool.reservedBytes).toBe(0);
  });

  it('carves large arrays out of one block sized by the expected bytes', () => {
    const pool = new ArrayPool(8 * MB);
    const a = pool.int32(MB / 2); // 2 MB
    const b = pool.float64(MB / 4); // 2 MB
    expect(a.buffer).toBe(b.buffer);
    expect(a.buffer.byteLength).toBe(8 * MB);
    expect(span(b).from).toBeGreaterThanOrEqual(span(a).to);
    expect(pool.reservedBytes).toBe(8 * MB);
  });

  it('hands released memory out again, zeroed, without reserving more', () => {
    const pool = new ArrayPool(4 * MB);
    const a = pool.float64(MB / 4);
    a.fill(7);
    pool.release(a);
    const b = pool.int32(MB / 2);
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(a.byteOffset);
    expect(b.every((x) => x === 0)).toBe(true);
    expect(pool.reservedBytes).toBe(4 * MB);
  });

  it('merges neighbouring released arrays, so they hold one larger array', () => {
    const pool = new ArrayPool(6 * MB);
    const parts = [pool.int32(MB / 2), pool.int32(MB / 2), pool.int32(MB / 2)]; // 3 × 2 MB: the block is full
    pool.release(parts[1]!, parts[0]!, parts[2]!);
    const whole = pool.float64((3 * MB) / 4); // 6 MB
    expect(whole.buffer).toBe(parts[0]!.buffer);
    expect(pool.reservedBytes).toBe(6 * MB);
  });

  it('adds a block as large as all before it when the first is full', () => {
    const pool = new ArrayPool(2 * MB);
    pool.int32(MB / 2);
    const next = pool.int32(MB / 2);
    expect(next.byteOffset).toBe(0);
    expect(pool.reservedBytes).toBe(4 * MB);
  });

  it('ignores a second release and arrays it did not hand out', () => {
    const pool = new ArrayPool(4 * MB);
    const a = pool.int32(MB / 2);
    pool.release(a, a, a.subarray(0, 10), new Int32Array(MB / 2));
    const b = pool.int32(MB / 2);
    const c = pool.int32(MB / 2);
    // One release, one reuse: the second take is fresh memory, not `a` again.
    expect(b.byteOffset).toBe(a.byteOffset);
    expect(span(c).from).toBeGreaterThanOrEqual(span(b).to);
  });

  it('carves its blocks out of shared memory, which V8 leaves out of its external-memory count', () => {
    const pool = new ArrayPool(2 * MB);
    expect(pool.int32(MB / 4).buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('gives a closed pool\'s block to the next pool, zeroed where it was written', () => {
    const first = new ArrayPool(4 * MB);
    const a = first.float64(MB / 4);
    const b = first.int32(MB / 4);
    a.fill(7);
    b.fill(-1);
    first.close();
    const next = new ArrayPool(4 * MB);
    const c = next.int32(MB / 2);
    const d = next.float64(MB / 8);
    expect(c.buffer).toBe(a.buffer);
    expect(c.every((x) => x === 0)).toBe(true);
    expect(d.every((x) => x === 0)).toBe(true);
    next.close();
  });

  it('gives a pool that needs more than the closed block a fresh one, at least twice as large', () => {
    const small = new ArrayPool(2 * MB);
    const kept = small.int32(MB / 4).buffer;
    small.close();
    const large = new ArrayPool(kept.byteLength + MB);
    const a = large.int32(MB / 4);
    expect(a.buffer).not.toBe(kept);
    expect(a.buffer.byteLength).toBeGreaterThanOrEqual(2 * kept.byteLength);
    large.close();
    // The larger block is kept now.
    const after = new ArrayPool(MB);
    expect(after.int32(MB / 4).buffer).toBe(a.buffer);
    after.close();
  });

  it('keeps the larger block when pools close out of order', () => {
    const outer = new ArrayPool(32 * MB);
    const big = outer.int32(MB / 4).buffer;
    const inner = new ArrayPool(2 * MB);
    inner.int32(MB / 4);
    inner.close();
    outer.close();
    const next = new ArrayPool(2 * MB);
    expect(next.int32(MB / 4).buffer).toBe(big);
    next.close();
  });

  it('never lets two live arrays share bytes, and always hands out zeros', () => {
    restore = poolArraysFrom(0);
    const op = fc.oneof(
      fc.record({ take: fc.constantFrom('int32' as const, 'float64' as const), length: fc.integer({ min: 0, max: 300 }) }),
      fc.record({ release: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4096 }), fc.array(op, { maxLength: 60 }), (first, ops) => {
        const pool = new ArrayPool(first);
        const live: (Int32Array | Float64Array)[] = [];
        for (const o of ops) {
          if ('take' in o) {
            const a = o.take === 'int32' ? pool.int32(o.length) : pool.float64(o.length);
            expect(a.length).toBe(o.length);
            expect(a.every((x) => x === 0)).toBe(true);
            for (const b of live) {
              const [x, y] = [span(a), span(b)];
              if (x.buffer === y.buffer && x.from < x.to && y.from < y.to) expect(x.to <= y.from || y.to <= x.from).toBe(true);
            }
            a.fill(-1); // dirty it, as a solver step would
            live.push(a);
          } else if (live.length > 0) {
            const [gone] = live.splice(o.release % live.length, 1);
            pool.release(gone!);
          }
        }
        // Each run's dirty block is the next run's.
        pool.close();
      }),
      { numRuns: 300 },
    );
  });
});
