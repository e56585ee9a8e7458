/**
 * Memory for the solver's large arrays: one solve's arrays are carved out
 * of a few big blocks, and the scratch one step gives back is the next
 * step's.
 *
 * Why: new typed arrays are dear in two ways, measured at 2M pairs (bench
 * VM; Lambda runs on the same Firecracker kind of host). (1) The first
 * write to a fresh page faults it in: ~3 ms per MB, against ~0.03 ms per
 * MB for writing it again. (2) Each ~64 MB of new ArrayBuffer memory
 * pushes V8's external-memory count past its limit, and V8 answers with a
 * full collection that marks the caller's whole input (2M edge objects:
 * 230–270 ms each, measured with --trace-gc; three per solve with
 * separate arrays, one with a single plain block).
 *
 * So the blocks are SharedArrayBuffers, only for how V8 counts them: it
 * leaves shared backing stores out of that count
 * (`BackingStore::PerIsolateAccountingLength`, src/objects/backing-store.h),
 * and a solve then runs without a full collection (2M pairs, surplus
 * family: median 2.97 -> 2.70 s, six alternating pairs). Nothing here
 * shares memory with another thread. Memory a step gives back is written
 * again instead of faulted in.
 *
 * What V8 does not count, it does not collect for, so the pool bounds it
 * itself: a closed pool's last block is kept (see `spare`) and the next
 * pool starts from it, so a process holds one block at a time, the largest
 * it has needed, plus, until V8's next full collection, the smaller ones
 * it replaced (with one pool open at a time, as the solver has, each
 * replacement at least doubles, so they add up to less than the block
 * kept). A warm Lambda's next round then also skips the
 * page faults.
 *
 * Only arrays of at least `POOLED_BYTES` come from the blocks; smaller
 * ones are plain allocations, as are all arrays when the pool is not
 * given. A pool lives for one solve and is then closed (an unclosed one is
 * dropped with its blocks, as before). Arrays taken from it must not be
 * used after they are released or the pool is closed.
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

/**
 * The last closed pool's block, for the next pool in this process, with
 * how far it was written: the next pool zeroes that much (~0.1 ms per MB
 * instead of ~3 ms per MB to fault fresh pages in) and hands out zeros as
 * from a fresh block.
 */
let spare: { block: ArrayBuffer; written: number } | null = null;

/**
 * Zeroes a segment (offsets and lengths are multiples of `ALIGN`). By
 * doubles: on shared memory V8's fill stores each element on its own, and
 * bytes that way are ~4× slower than doubles (160 MB: 65 against 16 ms).
 */
function zero(block: ArrayBuffer, offset: number, bytes: number): void {
  new Float64Array(block, offset, bytes / 8).fill(0);
}

/**
 * A block of at least `bytes`: the spare if it is large enough, else a
 * fresh one (at least twice the spare, so that the blocks replaced over a
 * process's life add up to less than the one it keeps).
 */
function newBlock(bytes: number): ArrayBuffer {
  if (spare !== null && spare.block.byteLength >= bytes) {
    const { block, written } = spare;
    spare = null;
    zero(block, 0, written);
    return block;
  }
  const size = spare === null ? bytes : Math.max(bytes, Math.min(MAX_BLOCK, 2 * spare.block.byteLength));
  // Typed as ArrayBuffer: the arrays over it behave as over one (see the file comment).
  return new SharedArrayBuffer(size) as unknown as ArrayBuffer;
}

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

  /**
   * Ends the pool: nothing it handed out may be used afterwards. Its
   * current block (the largest: each new one is at least as large as all
   * before) becomes the spare for the next pool, unless the spare is
   * larger.
   */
  close(): void {
    const block = this.#block;
    this.#block = null;
    this.#free.length = 0;
    if (block !== null && (spare === null || block.byteLength >= spare.block.byteLength)) {
      spare = { block, written: this.#top };
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
      zero(s.buffer, s.offset, need);
      return s;
    }
    if (this.#block === null || this.#top + need > this.#block.byteLength) {
      const size = Math.max(need, Math.min(MAX_BLOCK, this.#block === null ? this.#firstBlock : this.#reserved));
      this.#block = newBlock(size);
      this.#reserved += this.#block.byteLength;
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
