/**
 * Stands in for `mnemonist/lru-cache` in the bundles (aliased in
 * infra/constructs/app-function.ts, BUNDLING.alias). Its one user is the
 * DynamoDB client's endpoint-discovery cache (@aws-sdk/endpoint-cache),
 * which every DynamoDB client builds and looks up on each request, though
 * endpoint discovery is off and the cache stays empty. mnemonist's cache
 * (typed arrays, iterators, with obliterator) is ~7 KB of each bundle;
 * this one is a Map, whose insertion order is the recency order.
 *
 * Same behaviour for what EndpointCache calls: set (insert or replace,
 * evicting the least recently used entry when full), get (refreshes
 * recency), peek (does not), has, clear. tests/unit/lru-cache.test.ts runs
 * the SDK's EndpointCache on it.
 */
export default class LRUCache<K, V> {
  private readonly items = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new Error('LRUCache: capacity must be a positive number');
  }

  get size(): number {
    return this.items.size;
  }

  set(key: K, value: V): void {
    if (this.items.has(key)) this.items.delete(key);
    else if (this.items.size >= this.capacity) this.items.delete(this.items.keys().next().value as K);
    this.items.set(key, value);
  }

  get(key: K): V | undefined {
    if (!this.items.has(key)) return undefined;
    const value = this.items.get(key) as V;
    this.items.delete(key);
    this.items.set(key, value);
    return value;
  }

  peek(key: K): V | undefined {
    return this.items.get(key);
  }

  has(key: K): boolean {
    return this.items.has(key);
  }

  clear(): void {
    this.items.clear();
  }
}
