// The public test API, what `import { describe, it, expect } from "proctor"` resolves to.
//
// Jest and mocha users write tests against globals, so the API is also installed on globalThis
// (without overwriting anything already defined there). That includes mocha's BDD and TDD names
// (`context`, `before`, `setup`...) whatever interface a file uses, as mocha installs its
// interface's names: proctor cannot tell a mocha file from another before it runs, a test file's
// own binding of such a name shadows the global, and a page's own global of that name is kept.
// `globalThis.__proctor` is how the CommonJS entry (index.cjs) reaches this same instance: a
// second copy would have its own empty registry.

import { assert, chai, should } from "./chai-expect.js";
import { expect } from "./expect.js";
import { mocker } from "./jest-object.js";
import { fn, spyOn } from "./mock.js";
import * as mocha from "./mocha.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, it, test } from "./registry.js";
import { onTestFailed, onTestFinished } from "./test-context.js";
import { assertType, expectTypeOf } from "./type-checks.js";

// `jest` and `vi` are the same object: tests written for Jest or Vitest call `jest.fn()` or
// `vi.fn()` and keep working.
const jest = mocker;
const vi = mocker;

// `suite` is Vitest's (and mocha's TDD) name for `describe`.
const suite = describe;

export {
  afterAll,
  afterEach,
  assert,
  assertType,
  beforeAll,
  beforeEach,
  chai,
  describe,
  expect,
  expectTypeOf,
  fn,
  it,
  jest,
  onTestFailed,
  onTestFinished,
  should,
  spyOn,
  suite,
  test,
  vi,
};
export {
  after,
  before,
  context,
  fdescribe,
  fit,
  setup,
  specify,
  suiteSetup,
  suiteTeardown,
  teardown,
  xcontext,
  xdescribe,
  xit,
  xspecify,
  xtest,
} from "./mocha.js";

// `fn` and `spyOn` are module exports only: Jest has no such globals, and a global `fn` would
// surprise code that checks for one. The Vitest-only names are globals as with Vitest's
// `globals: true`, `chai` and `assert` too; `should` is not (Vitest has no such global:
// `should()` is called to install it).
const globals = {
  describe,
  suite,
  it,
  test,
  expect,
  assert,
  chai,
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
  ...mocha,
};
const api = { ...globals, fn, should, spyOn };
export default api;

for (const [name, value] of Object.entries(globals)) {
  if (!(name in globalThis)) globalThis[name] = value;
}
globalThis.__proctor ??= api;
