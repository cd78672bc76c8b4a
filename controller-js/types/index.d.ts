// Types for `import { describe, it, expect, vi } from "proctor"`.
//
// Written by hand against what controller-js/src does at run time, with the names and shapes of
// Vitest's and Jest's own declarations so suites port by changing the import. `expect.extend`
// users add matchers by augmenting `Matchers<R>` (or `Assertion<T>` / `AsymmetricMatchersContaining`)
// in `declare module "proctor"`, as with @types/jest and Vitest. chai's chain is a hand-written
// subset of @types/chai; `expectTypeOf` is a smaller expect-type.
//
// The declarations live one area per file (tests, mock, expect, chai, expect-type), as the
// runtime's modules do; this file gathers them and types the default export.

export * from "./tests.js";
export * from "./mock.js";
export * from "./expect.js";
export * from "./chai.js";
export * from "./expect-type.js";

import type {
  afterAll,
  afterEach,
  before,
  beforeAll,
  beforeEach,
  after,
  context,
  describe,
  fdescribe,
  fit,
  it,
  onTestFailed,
  onTestFinished,
  setup,
  specify,
  suite,
  suiteSetup,
  suiteTeardown,
  teardown,
  test,
  xcontext,
  xdescribe,
  xit,
  xspecify,
  xtest,
} from "./tests.js";
import type { fn, jest, spyOn, vi } from "./mock.js";
import type { expect } from "./expect.js";
import type { assert, chai, should } from "./chai.js";
import type { assertType, expectTypeOf } from "./expect-type.js";

/** Everything above on one object (`import proctor from "proctor"`, `require("proctor")`). */
declare const api: {
  describe: typeof describe;
  suite: typeof suite;
  it: typeof it;
  test: typeof test;
  expect: typeof expect;
  assert: typeof assert;
  chai: typeof chai;
  should: typeof should;
  beforeAll: typeof beforeAll;
  afterAll: typeof afterAll;
  beforeEach: typeof beforeEach;
  afterEach: typeof afterEach;
  jest: typeof jest;
  vi: typeof vi;
  fn: typeof fn;
  spyOn: typeof spyOn;
  onTestFinished: typeof onTestFinished;
  onTestFailed: typeof onTestFailed;
  expectTypeOf: typeof expectTypeOf;
  assertType: typeof assertType;
  context: typeof context;
  specify: typeof specify;
  before: typeof before;
  after: typeof after;
  setup: typeof setup;
  teardown: typeof teardown;
  suiteSetup: typeof suiteSetup;
  suiteTeardown: typeof suiteTeardown;
  xdescribe: typeof xdescribe;
  xcontext: typeof xcontext;
  fdescribe: typeof fdescribe;
  xit: typeof xit;
  xspecify: typeof xspecify;
  xtest: typeof xtest;
  fit: typeof fit;
};
export default api;
