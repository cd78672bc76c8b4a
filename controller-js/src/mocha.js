// mocha's BDD and TDD interfaces (and Jest's x/f aliases), as names over the one registry.
//
// mocha suites call `describe`/`context`, `it`/`specify`, `before`/`after`, or in TDD style
// `suite`/`test` with `suiteSetup`/`suiteTeardown`/`setup`/`teardown`. Each is the proctor
// declaration of the same meaning, so ids, selection and hooks work alike whichever names a file
// uses; mocha's `this` comes from mocha-context.js. index.js exports these and installs them as
// globals, as mocha does for its interface.

import { describe, it, makeHook } from "./registry.js";

/** mocha BDD: `context` is `describe`. */
export const context = describe;
/** mocha BDD: `specify` is `it`. */
export const specify = it;
/** mocha BDD: a skipped test (`it.skip`); also Jest's. */
export const xit = it.skip;
/** mocha BDD: `xspecify` is `it.skip`. */
export const xspecify = it.skip;
/** Jest: `xtest` is `test.skip`. */
export const xtest = it.skip;
/** mocha BDD: a skipped group (`describe.skip`); also Jest's. */
export const xdescribe = describe.skip;
/** mocha BDD: `xcontext` is `describe.skip`. */
export const xcontext = describe.skip;
/** Jest: `fit` is `it.only`. */
export const fit = it.only;
/** Jest: `fdescribe` is `describe.only`. */
export const fdescribe = describe.only;

/** mocha BDD: `before(fn)` or `before(title, fn)`, once before the group's first test. */
export const before = makeHook("beforeAll", "before");
/** mocha BDD: `after(fn)` or `after(title, fn)`, once after the group's last test. */
export const after = makeHook("afterAll", "after");
/** mocha TDD: `suiteSetup` is `before`. */
export const suiteSetup = makeHook("beforeAll", "suiteSetup");
/** mocha TDD: `suiteTeardown` is `after`. */
export const suiteTeardown = makeHook("afterAll", "suiteTeardown");
/** mocha TDD: `setup` is `beforeEach`. */
export const setup = makeHook("beforeEach", "setup");
/** mocha TDD: `teardown` is `afterEach`. */
export const teardown = makeHook("afterEach", "teardown");
