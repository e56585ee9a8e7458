/**
 * A zod schema (or an object of schemas) built on first use instead of at
 * module load.
 *
 * Why: a Lambda's cold start pays for every schema its modules build at
 * load, used or not. domain/model.ts and events/contracts.ts hold ~100 of
 * them (~30M instructions, ~12 ms of each function's init), while a request
 * parses one or two and most functions none. `lazySchema(() => z.object(...))`
 * returns a stand-in of the schema's own type that builds it on the first
 * property read (`X.parse`, `X.shape`, zod reading `X._zod` when X is a
 * child of another schema being parsed) and forwards every operation to it
 * from then on, so call sites and `z.infer<typeof X>` are unchanged.
 *
 * Why a Proxy rather than zod's own `z.lazy`: `z.lazy(() => X)` is another
 * schema type (ZodMiniLazy), without X's `shape`, `def.type` or what
 * `z.extend`, `z.pick` and `z.toJSONSchema` read of an object, enum or
 * string schema; the stand-in here is X for every reader. zod 4 reads a
 * child only through its `_zod` internals (its `run`, `def`, `optin`...) and
 * answers `instanceof` from `_zod.traits`, both forwarded (tests/unit/
 * lazy-schema.test.ts proves parse, errors, composition, JSON Schema and
 * `instanceof` the same as the eager schema's).
 *
 * Reads go to the built schema with itself as the receiver, so the methods
 * zod binds on first read are bound to the schema, as when it is used
 * directly. A composition at module scope (`z.extend(A, ...)`, `{ ...base }`)
 * reads A at once: it must itself be inside a thunk to stay lazy.
 */
export function lazySchema<T extends object>(build: () => T): T {
  let built: T | undefined;
  const real = (): T => (built ??= build());
  // The Proxy's own target stays an empty extensible object: every trap answers from the built value. The
  // invariants JavaScript checks against the target (a non-configurable property must exist on it as such)
  // are kept by copying such a property onto the target when it is reported (zod's `_zod` is one).
  const target = {} as T;
  const pin = (key: PropertyKey, desc: PropertyDescriptor | undefined): PropertyDescriptor | undefined => {
    if (desc && !desc.configurable && !Object.prototype.hasOwnProperty.call(target, key)) Reflect.defineProperty(target, key, desc);
    return desc;
  };
  return new Proxy(target, {
    get: (_t, key) => Reflect.get(real(), key, real()),
    set: (_t, key, value) => Reflect.set(real(), key, value, real()),
    has: (_t, key) => Reflect.has(real(), key),
    deleteProperty: (_t, key) => Reflect.deleteProperty(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_t, key) => pin(key, Reflect.getOwnPropertyDescriptor(real(), key)),
    defineProperty: (_t, key, desc) => {
      const ok = Reflect.defineProperty(real(), key, desc);
      if (ok) pin(key, Reflect.getOwnPropertyDescriptor(real(), key));
      return ok;
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}
