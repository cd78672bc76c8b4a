// The module names a test file imports the test API by: `proctor`, and the names suites written
// for Vitest and Jest already use, so they run with no import changed. Inside a run each one is
// this controller (index.js, or index.cjs for `require`), whether or not the package of that
// name is installed: a real copy of Vitest's or Jest's API would register tests nobody runs.
// The host keeps the same list (protocol/src/api.rs); protocol/vectors/api-modules.json holds
// both to it.

/** Every name, in the vector's order. */
export const API_MODULES = Object.freeze([
  "proctor",
  "vitest",
  "vitest/globals",
  "@jest/globals",
  "@vitest/expect",
  "mocha",
]);

const names = new Set(API_MODULES);

/**
 * Whether `specifier`, exactly as written, names the test API.
 * @param {unknown} specifier
 */
export function isApiModule(specifier) {
  return names.has(specifier);
}
