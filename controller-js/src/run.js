// `Runner` executes one registered test at a time, with Jest's hook order, and closes groups.
//
// The runner keeps a stack of open groups. To run a test it closes the open groups that are not
// its ancestors (their afterAll hooks, innermost first), opens the ancestors that are not open
// yet (beforeAll, outermost first), then runs beforeEach outermost→innermost, the test, and
// afterEach innermost→outermost. A failed beforeAll fails every test of its group without
// running them; a failed beforeEach skips the body but not the afterEach hooks.
//
// The steps are written once, as a generator that yields each user function's outcome. The
// driver walks it synchronously while every function returns a plain value and only switches to
// `await` at the first promise, so a synchronous test costs no promise, timer or stack capture
// (10,000 trivial tests must run in well under half a second).

import { checkAssertions, resetAssertions } from "./expect.js";
import { tearDownFile } from "./fixtures.js";
import { prepareFile, resetAfterFile } from "./jest-object.js";
import { doneStyleHooks } from "./registry.js";
import { takeSoftErrors } from "./soft.js";
import { beginTest, callInContext, closingCallbacks, endTest, tearDownTest } from "./test-context.js";

/** The outcome of a user function that threw, rejected or called `done(error)`. */
class Failure {
  constructor(error) {
    this.error = error;
  }
}

/** A hook that returned (or resolved to) a function: Vitest's cleanup, run when the hook's scope ends. */
class Cleanup {
  constructor(fn) {
    this.fn = fn;
  }
}

/**
 * @typedef {{ status: "passed" | "failed", durationMs: number, error?: unknown }} TestResult
 */

export class Runner {
  /**
   * @param {{ reportHookError(origin: string, error: unknown): void, fileDone?(root: object): void }} callbacks
   *   `reportHookError` receives afterAll failures, which belong to no test; `fileDone` gets a
   *   file's root group once its last test and afterAll hooks are done; `fileStarted` gets it
   *   before its first beforeAll hook runs.
   */
  constructor({ reportHookError, fileDone = () => {}, fileStarted = () => {}, hookStarted = () => {}, hookFinished = () => {} }) {
    this.reportHookError = reportHookError;
    this.fileDone = fileDone;
    this.fileStarted = fileStarted;
    // Tell the host which hook runs, so a hook that hangs or spins is blamed as that hook and
    // not as the test that happened to be next (see `announce`).
    this.hookStarted = hookStarted;
    this.hookFinished = hookFinished;
    // The beforeEach/afterEach hook being run: its kind (null when none), group and index. Kept
    // as fields, not an object, since they are set around every each-hook of every test.
    this.eachKind = null;
    this.eachGroup = null;
    this.eachIndex = 0;
    // Whether the host was told about that hook (it is only once the hook goes asynchronous).
    this.eachAnnounced = false;
    // Open groups, outermost first: { group, failure?: Failure, setUp: boolean }.
    this.open = [];
    // Resolves the step being awaited; lets an uncaught error end a hung test early.
    this.abortStep = null;
  }

  /**
   * Runs one test with its hooks. Returns the result, or a promise of it when something was
   * asynchronous.
   * @returns {TestResult | Promise<TestResult>}
   */
  runTest(test) {
    return drive(this, this.testSteps(test));
  }

  /** Closes every open group (their afterAll hooks). Returns a promise when a hook was async. */
  finish() {
    return drive(this, this.closeDownTo(0));
  }

  /**
   * Fails the step in progress (a test body or hook being awaited) with `error`; returns false
   * when nothing is in progress, so the caller can report the error elsewhere.
   */
  failCurrent(error) {
    const abort = this.abortStep;
    if (abort === null) return false;
    this.abortStep = null;
    abort(new Failure(error));
    return true;
  }

  // A beforeEach/afterEach hook is announced only when it goes asynchronous (see driveAsync):
  // telling the host about every synchronous one would cost a message per hook per test.
  announceEachHook() {
    if (this.eachKind === null || this.eachAnnounced) return;
    this.eachAnnounced = true;
    this.hookStarted(this.eachKind, this.eachGroup, this.eachIndex);
  }

  beginEachHook(kind, group, index) {
    this.eachKind = kind;
    this.eachGroup = group;
    this.eachIndex = index;
  }

  endEachHook() {
    this.eachKind = null;
    this.eachGroup = null;
    if (!this.eachAnnounced) return;
    this.eachAnnounced = false;
    this.hookFinished();
  }

  *testSteps(test) {
    const lineage = test.group.lineage;
    yield* this.enter(lineage);
    for (const entry of this.open) {
      if (entry.failure) return { status: "failed", durationMs: 0, error: entry.failure.error };
    }

    resetAssertions();
    const start = performance.now();
    // The test's context, fixtures and onTestFinished callbacks (test-context.js).
    const state = beginTest(test);
    const context = test.contextual ? state : null;
    let failure;
    let cleanups = null;
    setup: for (const group of lineage) {
      for (let index = 0; index < group.beforeEach.length; index++) {
        this.beginEachHook("beforeEach", group, index);
        const outcome = yield invokeHook(group.beforeEach[index], context, group);
        this.endEachHook();
        if (outcome instanceof Cleanup) (cleanups ??= []).push(outcome.fn);
        else if (outcome) {
          failure = outcome;
          break setup;
        }
      }
    }
    if (!failure) {
      failure = yield invoke(test.fn, false, context);
      if (!failure) {
        const unmet = checkAssertions();
        if (unmet) failure = new Failure(unmet);
      }
    }
    // expect.soft failures: the test fails with all of them (and what it threw besides).
    const soft = takeSoftErrors(failure?.error);
    if (soft !== undefined) failure = new Failure(soft);
    for (let level = lineage.length - 1; level >= 0; level--) {
      const { afterEach } = lineage[level];
      for (let index = 0; index < afterEach.length; index++) {
        this.beginEachHook("afterEach", lineage[level], index);
        const hookFailure = yield invoke(afterEach[index], false, context, lineage[level]);
        this.endEachHook();
        failure ??= hookFailure;
      }
    }
    // Cleanups returned by beforeEach hooks, last first, after the afterEach hooks (as Vitest).
    if (cleanups !== null) {
      for (const cleanup of cleanups.reverse()) {
        const cleanupFailure = yield invoke(cleanup);
        failure ??= cleanupFailure;
      }
    }
    // Fixture teardowns, then onTestFinished and (on failure) onTestFailed callbacks, as Vitest.
    if (state.teardowns.length > 0) {
      const teardownFailure = yield invoke(() => tearDownTest(state));
      failure ??= teardownFailure;
    }
    const closing = closingCallbacks(state, failure?.error);
    if (closing !== null) {
      for (const callback of closing) {
        const callbackFailure = yield invoke(callback);
        failure ??= callbackFailure;
      }
    }
    endTest();
    const durationMs = performance.now() - start;
    return failure
      ? { status: "failed", durationMs, error: failure.error }
      : { status: "passed", durationMs };
  }

  // Makes the open stack equal `lineage` (root first): close what is not shared, open the rest.
  *enter(lineage) {
    let shared = 0;
    while (shared < this.open.length && shared < lineage.length && this.open[shared].group === lineage[shared]) {
      shared++;
    }
    yield* this.closeDownTo(shared);
    // A new file starts: what it asked for at its top level applies, and its spies are its own.
    if (shared === 0) {
      prepareFile(lineage[0]);
      this.fileStarted(lineage[0]);
    }
    for (let level = shared; level < lineage.length; level++) {
      const group = lineage[level];
      const parentFailed = level > 0 && (this.open[level - 1].failure || !this.open[level - 1].setUp);
      // Inside a group whose beforeAll failed, nothing more is set up, and so nothing is torn down.
      const entry = { group, failure: undefined, setUp: !parentFailed, cleanups: null };
      this.open.push(entry);
      if (parentFailed) continue;
      for (let index = 0; index < group.beforeAll.length; index++) {
        // Announced before the call: a beforeAll that spins never gets to say so afterwards.
        this.hookStarted("beforeAll", group, index);
        const outcome = yield invokeHook(group.beforeAll[index], null, group);
        this.hookFinished();
        if (outcome instanceof Cleanup) (entry.cleanups ??= []).push(outcome.fn);
        else if (outcome) {
          entry.failure = outcome;
          break;
        }
      }
    }
  }

  *closeDownTo(depth) {
    while (this.open.length > depth) {
      const { group, setUp, cleanups } = this.open.pop();
      if (!setUp) continue;
      for (let index = 0; index < group.afterAll.length; index++) {
        this.hookStarted("afterAll", group, index);
        const failure = yield invoke(group.afterAll[index], false, null, group);
        this.hookFinished();
        if (failure) this.reportHookError(`afterAll hook of ${group.hookOrigin}`, failure.error);
      }
      // Cleanups returned by beforeAll hooks, last first, after the afterAll hooks.
      const reversed = cleanups?.reverse() ?? [];
      for (let index = 0; index < reversed.length; index++) {
        this.hookStarted("cleanup", group, index);
        const failure = yield invoke(reversed[index]);
        this.hookFinished();
        if (failure) this.reportHookError(`cleanup returned by a beforeAll hook of ${group.hookOrigin}`, failure.error);
      }
      // A file's root group closes when its last test is done: undo its spies, fake timers and
      // stubbed globals, as Jest's fresh environment per file would.
      if (this.open.length === 0) {
        const fixtureFailure = yield invoke(() => tearDownFile(group));
        if (fixtureFailure) this.reportHookError(`tearing down the file fixtures of ${group.hookOrigin}`, fixtureFailure.error);
        for (const error of resetAfterFile(group)) this.reportHookError(`cleaning up after ${group.hookOrigin}`, error);
        try {
          this.fileDone(group);
        } catch (error) {
          this.reportHookError(`finishing ${group.hookOrigin}`, error);
        }
      }
    }
  }
}

// Walks the steps synchronously until one returns a promise; see the file comment.
function drive(runner, steps) {
  let step = steps.next();
  while (!step.done) {
    if (step.value instanceof Promise) return driveAsync(runner, steps, step.value);
    step = steps.next(step.value);
  }
  return step.value;
}

async function driveAsync(runner, steps, pending) {
  for (;;) {
    runner.announceEachHook();
    const outcome = await new Promise((resolve) => {
      runner.abortStep = resolve;
      pending.then(resolve);
    });
    runner.abortStep = null;
    let step = steps.next(outcome);
    while (!step.done && !(step.value instanceof Promise)) step = steps.next(step.value);
    if (step.done) return step.value;
    pending = step.value;
  }
}

/**
 * Calls a test or hook function. Returns undefined on synchronous success, a Failure when it
 * threw, or a promise (never rejecting) of either when it is asynchronous. For a before-hook
 * (`asHook`), a function it returns or resolves to comes back as a Cleanup. With `state` (a
 * test that has Vitest's context) the function gets the context, and a hook the group as its
 * second argument, unless it is a Jest hook that takes `done`.
 */
function invoke(fn, asHook = false, state = null, group = undefined) {
  let returned;
  try {
    if (fn.length >= 1 && (doneStyleHooks.has(fn) || (state === null && group?.scope.vitest !== true))) {
      return invokeWithDone(fn);
    }
    // A test with a context, or a beforeAll/afterAll hook of a `vitest` file, which gets its
    // group as Vitest's get their suite.
    returned = state !== null ? callInContext(state, fn, group) : fn.call(undefined, group);
  } catch (error) {
    return new Failure(error);
  }
  return outcomeOf(returned, asHook);
}

// What a user function's return value means. Looking at it runs user code (a `then` getter, a
// Proxy trap), and what that throws fails the function instead of escaping the runner.
function outcomeOf(returned, asHook) {
  try {
    if (asHook && isCleanup(returned)) return new Cleanup(returned);
    const then = thenOf(returned);
    if (then !== undefined) return settle(returned, then, asHook);
  } catch (error) {
    return new Failure(error);
  }
  return undefined;
}

/** Calls a before-hook: see invoke. */
const invokeHook = (fn, state = null, group = undefined) => invoke(fn, true, state, group);

// A mock is not a cleanup: Jest-style `beforeEach(() => (spy = jest.spyOn(...)))` returns one
// by accident of the arrow, and Jest ignores what hooks return.
function isCleanup(value) {
  return typeof value === "function" && value._isMockFunction !== true;
}

// The `then` method of a thenable, read once (a getter may answer differently each time), or
// undefined for anything else.
function thenOf(value) {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return undefined;
  const then = value.then;
  return typeof then === "function" ? then : undefined;
}

function settle(thenable, then, asHook = false) {
  return new Promise((resolve) => {
    try {
      then.call(
        thenable,
        (value) => {
          try {
            resolve(asHook && isCleanup(value) ? new Cleanup(value) : undefined);
          } catch (error) {
            resolve(new Failure(error));
          }
        },
        (error) => resolve(new Failure(error)),
      );
    } catch (error) {
      resolve(new Failure(error));
    }
  });
}

// A function that declares a parameter gets Jest's `done` callback: `done()` passes and
// `done(error)` fails. If it also returns a promise (a Vitest-style test whose parameter is a
// context object), that promise settles it too, whichever comes first.
function invokeWithDone(fn) {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const done = (error) => finish(error ? new Failure(error) : undefined);
    done.fail = (error) => finish(new Failure(error ?? new Error("done.fail() was called")));
    let returned;
    try {
      returned = fn.call(undefined, done);
    } catch (error) {
      finish(new Failure(error));
      return;
    }
    const outcome = outcomeOf(returned, false);
    if (outcome instanceof Failure) finish(outcome);
    else if (outcome instanceof Promise) outcome.then(finish);
  });
}
