// The public test API, what `import { describe, it, expect } from "proctor"` resolves to.
//
// Jest users write tests against globals, so the API is also installed on globalThis (without
// overwriting anything already defined there). `globalThis.__proctor` is how the CommonJS entry
// (index.cjs) reaches this same instance: a second copy would have its own empty registry.

import { expect } from "./expect.js";
import { mocker } from "./jest-object.js";
import { fn, spyOn } from "./mock.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, it, test } from "./registry.js";
import { onTestFailed, onTestFinished } from "./test-context.js";
import { assertType, expectTypeOf } from "./type-checks.js";

// `jest` and `vi` are the same object: tests written for Jest or Vitest call `jest.fn()` or
// `vi.fn()` and keep working.
const jest = mocker;
const vi = mocker;

// `suite` is Vitest's (and mocha's) name for `describe`.
const suite = describe;

export {
  afterAll,
  afterEach,
  assertType,
  beforeAll,
  beforeEach,
  describe,
  expect,
  expectTypeOf,
  fn,
  it,
  jest,
  onTestFailed,
  onTestFinished,
  spyOn,
  suite,
  test,
  vi,
};

// `fn` and `spyOn` are module exports only: Jest has no such globals, and a global `fn` would
// surprise code that checks for one. The Vitest-only names are globals as with Vitest's
// `globals: true`.
const globals = {
  describe,
  suite,
  it,
  test,
  expect,
  beforeAll,
  afterAll,
  beforeEach,
  afterEach,
  jest,
  vi,
  onTestFinished,
  onTestFailed,
  expectTypeOf,
  assertType,
};
const api = { ...globals, fn, spyOn };
export default api;

for (const [name, value] of Object.entries(globals)) {
  if (!(name in globalThis)) globalThis[name] = value;
}
globalThis.__proctor ??= api;
