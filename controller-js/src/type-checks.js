// Vitest's type-level assertions, `expectTypeOf(value).toEqualTypeOf<T>()` and
// `assertType<T>(value)`: they are checked by the TypeScript compiler, so at run time they do
// nothing. Any property or call of `expectTypeOf(...)` returns the same no-op, so every chain
// (`.not.toBeString()`, `.parameter(0).toMatchTypeOf<...>()`) runs without error.

const noop = new Proxy(function expectTypeOfChain() {}, {
  get(target, key) {
    // Not a thenable, and printable: `await` and string conversion treat it as a plain value.
    if (key === "then") return undefined;
    if (key === Symbol.toPrimitive) return () => "expectTypeOf(...)";
    return noop;
  },
  apply() {
    return noop;
  },
});

/** Vitest's expectTypeOf: a no-op at run time. */
export function expectTypeOf() {
  return noop;
}

/** Vitest's assertType: a no-op at run time. */
export function assertType() {}
