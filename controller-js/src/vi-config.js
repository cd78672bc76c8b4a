// `vi.setConfig(options)` / `vi.resetConfig()`: Vitest's runtime config changes. proctor applies
// `testTimeout` and `hookTimeout` as Vitest does: to the tests and hooks declared from then on
// (a file importing `vitest` declares the tests of its describe blocks after its top level, so a
// top-level setConfig reaches them). The host enforces each test's timeout, which the test
// carries in `loaded`. Other keys are accepted with a warning naming them.
//
// The config belongs to the test file that set it (files load together here, where Vitest gives
// each its own worker state) and goes back to the suite's when that file is done.

import { registry } from "./registry.js";
import { runningTest } from "./test-context.js";

const APPLIED = ["testTimeout", "hookTimeout"];
const NONE = Object.freeze({});
// File root group (or null: outside any file) → its config.
const configs = new Map();
const warned = new Set();

// The file a call belongs to: the one loading (found on the stack when files load
// concurrently, as in node), else the one whose test runs.
function owner() {
  return registry.loadingFileRootOnStack() ?? runningTest()?.test.group.lineage[0] ?? null;
}

/** The timeouts vi.setConfig set for the file of `fileRoot`: `{ testTimeout?, hookTimeout? }`. */
export function configOf(fileRoot) {
  if (configs.size === 0) return NONE;
  return configs.get(fileRoot) ?? configs.get(null) ?? NONE;
}

/** Vitest's `vi.setConfig`. */
export function setConfig(options) {
  if (options === null || typeof options !== "object") throw new TypeError("vi.setConfig expects an object");
  const root = owner();
  const next = { ...(configs.get(root) ?? {}) };
  for (const [key, value] of Object.entries(options)) {
    if (APPLIED.includes(key)) {
      if (typeof value !== "number" || !(value >= 0)) throw new TypeError(`vi.setConfig: ${key} must be a non-negative number of milliseconds`);
      next[key] = Math.ceil(value);
    } else if (!warned.has(key)) {
      warned.add(key);
      console.warn(`vi.setConfig({ ${key} }) is not supported by proctor and is ignored (only testTimeout and hookTimeout are)`);
    }
  }
  configs.set(root, next);
}

/** Vitest's `vi.resetConfig`: the suite's config again, for the calling file. */
export function resetConfig() {
  configs.delete(owner());
}

/** Forgets what the file of `fileRoot` set; called when it is done. */
export function resetConfigOf(fileRoot) {
  configs.delete(fileRoot);
}
