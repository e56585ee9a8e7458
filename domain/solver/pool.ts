/**
 * Memory for the solver's large arrays: one solve's arrays are carved out
 * of a few big blocks, and the scratch one step gives back is the next
 * step's.
 *
 * Why: new typed arrays are dear in two ways, measured at 2M pairs (bench
 * VM; Lambda runs on the same Firecracker kind of host). (1) The first
 * write to a fresh page faults it in: ~3 ms per MB, against ~0.03 ms per
 * MB for writing it again. (2) Each ~80 MB of new typed arrays that stay
 * alive makes V8 run a full collection, which marks the caller's whole
 * input (2M edge objects: ~250 ms each, three per solve). One block sized
 * for the solve is a single allocation, so V8 collects once, and memory a
 * step gives back is written again instead of faulted in.
 *
 * Only arrays of at least `POOLED_BYTES` come from the blocks; smaller
 * ones are plain allocations, as are all arrays when the pool is not
 * given. A pool lives for one solve; dropping it frees its blocks as usual.
 * Arrays taken from it must not be used after they are released.
 */

/** Below this, an array is allocated as usual (the blocks are for the large ones). */
export const POOLED_BYTES = 1 << 20;

let pooledFrom = POOLED_BYTES;

/**
 * For tests: pool arrays from `bytes` up (0: every array), so that small
 * instances, checked against exhaustive oracles, run through the pool and
 * its reuse. Returns the function that restores the default.
 */
export function poolArraysFrom(bytes: number): () => void {
  pooledFrom = bytes;
  return () => {
    pooledFrom = POOLED_BYTES;
  };
}

/** No block is made larger than this on a guess (one array may still need more). */
const MAX_BLOCK = 1 << 30;

/** Segments start on cache lines. */
const ALIGN = 64;

type PooledArray = Int32Array | Float64Array;

interface Segment {
  buffer: ArrayBuffer;
  offset: number;
  bytes: number;
}

export class ArrayPool {
  readonly #firstBlock: number;
  #block: ArrayBuffer | null = null;
  /** First unused byte of the current block (everything after it is fresh, hence zero). */
  #top = 0;
  /** Segments given back, free for the next take. */
  readonly #free: Segment[] = [];
  /** Segment of each array handed out and not yet released. */
  readonly #out = new WeakMap<PooledArray, Segment>();
  #reserved = 0;

  /**
   * `expectedBytes`: the first block's size, e.g. the solve's peak need.
   * Less only costs further blocks, each as large as all before it.
   */
  constructor(expectedBytes = 0) {
    this.#firstBlock = expectedBytes;
  }

  /** A zeroed Int32Array of `length`. */
  int32(length: number): Int32Array {
    const bytes = length * 4;
    if (bytes < pooledFrom) return new Int32Array(length);
    const s = this.#take(bytes);
    const array = new Int32Array(s.buffer, s.offset, length);
    this.#out.set(array, s);
    return array;
  }

  /** A zeroed Float64Array of `length`. */
  float64(length: number): Float64Array {
    const bytes = length * 8;
    if (bytes < pooledFrom) return new Float64Array(length);
    const s = this.#take(bytes);
    const array = new Float64Array(s.buffer, s.offset, length);
    this.#out.set(array, s);
    return array;
  }

  /**
   * Gives the arrays' memory back for later takes; the caller must not use
   * them afterwards. Arrays the pool did not hand out (small ones, views of
   * views) are ignored, as is a second release.
   */
  release(...arrays: PooledArray[]): void {
    for (const array of arrays) {
      const s = this.#out.get(array);
      if (!s) continue;
      this.#out.delete(array);
      this.#giveBack(s);
    }
  }

  /** Bytes reserved in blocks so far (for tests and measurements). */
  get reservedBytes(): number {
    return this.#reserved;
  }

  /**
   * The smallest free segment that holds `bytes` (zeroed: it was written
   * before; the rest of it stays free), else fresh bytes at the top of the
   * current block, else a new block.
   */
  #take(bytes: number): Segment {
    const need = Math.ceil(bytes / ALIGN) * ALIGN;
    let best = -1;
    for (let k = 0; k < this.#free.length; k++) {
      const size = this.#free[k]!.bytes;
      if (size >= need && (best < 0 || size < this.#free[best]!.bytes)) best = k;
    }
    if (best >= 0) {
      const f = this.#free[best]!;
      const s = { buffer: f.buffer, offset: f.offset, bytes: need };
      if (f.bytes === need) this.#free.splice(best, 1);
      else {
        f.offset += need;
        f.bytes -= need;
      }
      new Uint8Array(s.buffer, s.offset, bytes).fill(0);
      return s;
    }
    if (this.#block === null || this.#top + need > this.#block.byteLength) {
      const size = Math.max(need, Math.min(MAX_BLOCK, this.#block === null ? this.#firstBlock : this.#reserved));
      this.#block = new ArrayBuffer(size);
      this.#reserved += size;
      this.#top = 0;
    }
    const s = { buffer: this.#block, offset: this.#top, bytes: need };
    this.#top += need;
    return s;
  }

  /**
   * Returns a segment to the free list, merged with free neighbours in the
   * same block, so that scratch given back in pieces (a step's several
   * arrays) can hold one larger array of the next step.
   */
  #giveBack(s: Segment): void {
    const free = this.#free;
    let merged: Segment = { ...s };
    for (let k = free.length - 1; k >= 0; k--) {
      const f = free[k]!;
      if (f.buffer !== merged.buffer) continue;
      if (f.offset + f.bytes === merged.offset || merged.offset + merged.bytes === f.offset) {
        merged = { buffer: f.buffer, offset: Math.min(f.offset, merged.offset), bytes: f.bytes + merged.bytes };
        free.splice(k, 1);
        k = free.length; // the merged segment may now touch another
      }
    }
    free.push(merged);
  }
}
