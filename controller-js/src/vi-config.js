// `vi.setConfig(options)` / `vi.resetConfig()`: Vitest's runtime config changes. proctor applies
// `testTimeout` and `hookTimeout` as Vitest does: to the tests and hooks declared from then on
// (a file importing `vitest` declares the tests of its describe blocks after its top level, so a
// top-level setConfig reaches them). The host enforces each test's timeout, which the test
// carries in `loaded`. Other keys are accepted with a warning naming them. The config goes back
// to the suite's when the file that changed it is done.

const APPLIED = ["testTimeout", "hookTimeout"];
let config = {};
const warned = new Set();

/** The timeouts set with vi.setConfig, or undefined: `{ testTimeout?, hookTimeout? }`. */
export function runtimeConfig() {
  return config;
}

/** Vitest's `vi.setConfig`. */
export function setConfig(options) {
  if (options === null || typeof options !== "object") throw new TypeError("vi.setConfig expects an object");
  const next = { ...config };
  for (const [key, value] of Object.entries(options)) {
    if (APPLIED.includes(key)) {
      if (typeof value !== "number" || !(value >= 0)) throw new TypeError(`vi.setConfig: ${key} must be a non-negative number of milliseconds`);
      next[key] = Math.ceil(value);
    } else if (!warned.has(key)) {
      warned.add(key);
      console.warn(`vi.setConfig({ ${key} }) is not supported by proctor and is ignored (only testTimeout and hookTimeout are)`);
    }
  }
  config = next;
}

/** Vitest's `vi.resetConfig`: the suite's config again. */
export function resetConfig() {
  config = {};
}
