// Types for proctor's globals: the test API a run installs on globalThis, for Jest- and
// mocha-style files that do not import it. Add `"types": ["proctor/globals"]` to tsconfig's
// compilerOptions (as with Vitest's `vitest/globals`). `fn`, `spyOn` and `should` are module
// exports only, as at run time.

import type * as proctor from "./index.js";

declare global {
  const describe: typeof proctor.describe;
  const suite: typeof proctor.suite;
  const it: typeof proctor.it;
  const test: typeof proctor.test;
  const expect: typeof proctor.expect;
  const assert: typeof proctor.assert;
  const chai: typeof proctor.chai;
  const beforeAll: typeof proctor.beforeAll;
  const afterAll: typeof proctor.afterAll;
  const beforeEach: typeof proctor.beforeEach;
  const afterEach: typeof proctor.afterEach;
  const jest: typeof proctor.jest;
  namespace jest {
    type Mock<T extends proctor.Procedure = proctor.Procedure> = proctor.Mock<T>;
    type MockInstance<T extends proctor.Procedure = proctor.Procedure> = proctor.MockInstance<T>;
    type SpyInstance<T extends proctor.Procedure = proctor.Procedure> = proctor.MockInstance<T>;
    type Mocked<T> = proctor.Mocked<T>;
    type MockedFunction<T extends proctor.Procedure> = proctor.MockedFunction<T>;
    type MockedObject<T> = proctor.MockedObject<T>;
    type DoneCallback = proctor.DoneCallback;
  }
  const vi: typeof proctor.vi;
  const onTestFinished: typeof proctor.onTestFinished;
  const onTestFailed: typeof proctor.onTestFailed;
  const expectTypeOf: typeof proctor.expectTypeOf;
  const assertType: typeof proctor.assertType;
  const context: typeof proctor.context;
  const specify: typeof proctor.specify;
  const before: typeof proctor.before;
  const after: typeof proctor.after;
  const setup: typeof proctor.setup;
  const teardown: typeof proctor.teardown;
  const suiteSetup: typeof proctor.suiteSetup;
  const suiteTeardown: typeof proctor.suiteTeardown;
  const xdescribe: typeof proctor.xdescribe;
  const xcontext: typeof proctor.xcontext;
  const fdescribe: typeof proctor.fdescribe;
  const xit: typeof proctor.xit;
  const xspecify: typeof proctor.xspecify;
  const xtest: typeof proctor.xtest;
  const fit: typeof proctor.fit;
}

export {};
