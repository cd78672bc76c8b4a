// `Runner` executes one registered test at a time, with Jest's hook order, and closes groups.
//
// The runner keeps a stack of open groups. To run a test it closes the open groups that are not
// its ancestors (their afterAll hooks, innermost first), opens the ancestors that are not open
// yet (beforeAll, outermost first), then runs beforeEach outermost→innermost, the test, and
// afterEach innermost→outermost. A failed beforeAll fails every test of its group without
// running them; a failed beforeEach skips the body but not the afterEach hooks.
//
// Every hook and test runs with its group's mocha context as `this` (mocha-context.js), and the
// runner keeps mocha's rules for it: `this.skip()` in a test or beforeEach reports the test
// skipped (afterEach hooks still run from the skipping group up), in a beforeAll it skips the
// whole group (its afterAll hooks still run), and a test with `retries` that fails runs again,
// each-hooks included, with a fresh deadline, until it passes or has no retries left.
//
// The steps are written once, as a generator that yields each user function's outcome. The
// driver walks it synchronously while every function returns a plain value and only switches to
// `await` at the first promise, so a synchronous test costs no promise, timer or stack capture
// (10,000 trivial tests must run in well under half a second).

import { checkAssertions, resetAssertions } from "./expect.js";
import { tearDownFile } from "./fixtures.js";
import { prepareFile, resetAfterFile } from "./jest-object.js";
import { contextOf, enterRunnable, listenForTimeouts, receiverFor, setCommandTimeout, takeSkip } from "./mocha-context.js";

// The clock as the controller found it: a test may replace or remove `performance`
// (`Object.defineProperty(window, "performance", { value: undefined })`) and must still be timed.
const clock = globalThis.performance;
const now = () => clock.now();
import { doneStyleHooks } from "./registry.js";
import { realSetTimeout } from "./real-timers.js";
import { rollBackSnapshots, snapshotCheckpoint } from "./snapshot.js";
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
 * @typedef {{ status: "passed" | "failed" | "skipped", durationMs: number, error?: unknown }} TestResult
 */

// A command that says nothing about retries.
const NO_TRIES = Object.freeze({});

// What the host hears when a skip reaches an afterAll hook, where mocha forbids it too.
const SKIP_IN_AFTER_ALL = "this.skip() cannot be used in an after/afterAll hook (mocha: `this.skip` forbidden)";

export class Runner {
  /**
   * @param {{ reportHookError(origin: string, error: unknown): void, fileDone?(root: object): void }} callbacks
   *   `reportHookError` receives afterAll failures, which belong to no test; `fileDone` gets a
   *   file's root group once its last test and afterAll hooks are done; `fileStarted` gets it
   *   before its first beforeAll hook runs; `timeoutChanged(ms)` hears that the running step's
   *   deadline restarts (mocha's `this.timeout(ms)`, a retry).
   */
  constructor({
    reportHookError,
    fileDone = () => {},
    fileStarted = () => {},
    hookStarted = () => {},
    hookFinished = () => {},
    groupHookScope = (_kind, _group, _index, body) => body(),
    timeoutChanged = () => {},
    attemptFailed = () => {},
  }) {
    this.reportHookError = reportHookError;
    this.fileDone = fileDone;
    this.fileStarted = fileStarted;
    // Tell the host which hook runs, so a hook that hangs or spins is blamed as that hook and
    // not as the test that happened to be next (see `announce`).
    this.hookStarted = hookStarted;
    this.hookFinished = hookFinished;
    // Runs a beforeAll/afterAll hook (or a cleanup) so that the callbacks it leaves behind (a
    // test server's timers and sockets) belong to that hook, not to the test whose command
    // opened or closed its group: an error they throw later is then blamed by the rule of the
    // file's dialect (controller.js `reportUncaught`).
    this.groupHookScope = groupHookScope;
    // Tells the host that the running step's deadline is now `ms` from now (0: none): mocha's
    // `this.timeout(ms)`, a retry, or the end of an each-hook that had changed it.
    this.timeoutChanged = timeoutChanged;
    // Tells the host that a try failed and the test runs again: (test, attempt, attempts,
    // durationMs, error), attempts numbered from 1.
    this.attemptFailed = attemptFailed;
    // What the running test's command said about retries: { retries, attempt, retryDelay }.
    this.tries = NO_TRIES;
    // The test being run and the deadline its command came with.
    this.test = null;
    this.commandTimeout = undefined;
    // An each-hook changed the deadline: the test's own applies again when that hook ends, as
    // each hook and test has its own timer in mocha.
    this.eachDeadlineChanged = false;
    listenForTimeouts((ms, inEachHook) => {
      if (inEachHook) this.eachDeadlineChanged = true;
      this.timeoutChanged(ms);
    });
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
  runTest(test, timeout, tries = NO_TRIES) {
    this.test = test;
    this.commandTimeout = timeout;
    this.tries = tries;
    setCommandTimeout(timeout);
    return drive(this, this.testSteps(test));
  }

  /**
   * How many times the running test may be tried again: mocha's `this.retries(n)` (in it or
   * its describe), Vitest's `retry` or `jest.retryTimes`, else the host's (`--retries`, config).
   */
  retriesOf(test) {
    return test.retries ?? this.tries.retries ?? 0;
  }

  /** The running test's time limit: set while running, declared, or its command's. */
  testTimeout(test) {
    return test.runTimeout ?? test.timeout ?? this.commandTimeout ?? 0;
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
    enterRunnable(null, null, null);
    if (this.eachDeadlineChanged) {
      this.eachDeadlineChanged = false;
      this.timeoutChanged(this.testTimeout(this.test));
    }
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
      if (entry.skipped) {
        test.state = "pending";
        return { status: "skipped", durationMs: 0 };
      }
    }
    test.runTimeout = undefined;
    const start = now();
    let outcome;
    // Tries before this command's (they timed out or crashed a runtime the host restarted)
    // count: mocha's `this.currentRetry()` and the retries left go on from there.
    const first = Math.max(1, this.tries.attempt ?? 1) - 1;
    for (let attempt = first; ; attempt++) {
      test.attempt = attempt;
      // Each try gets the whole time limit again.
      if (attempt > first) this.timeoutChanged(this.testTimeout(test));
      // A try that fails and is retried leaves no snapshot written or counted (Vitest's
      // `clearTest`): only the last try's snapshots count.
      const checkpoint = attempt < this.retriesOf(test) ? snapshotCheckpoint(test) : null;
      const tryStart = now();
      outcome = yield* this.attemptSteps(test, lineage);
      if (!outcome.retry) break;
      rollBackSnapshots(checkpoint);
      this.attemptFailed(test, attempt + 1, this.retriesOf(test) + 1, now() - tryStart, outcome.failure.error);
      const delay = this.tries.retryDelay ?? 0;
      if (delay > 0) yield new Promise((resolve) => realSetTimeout(() => resolve(undefined), delay));
    }
    const durationMs = now() - start;
    const tries = { attempt: test.attempt + 1, attempts: Math.max(this.retriesOf(test), test.attempt) + 1 };
    if (outcome.failure) return { status: "failed", durationMs, error: outcome.failure.error, ...tries };
    return { status: outcome.skipped ? "skipped" : "passed", durationMs, ...tries };
  }

  // One try of a test: beforeEach hooks outermost first, the test, afterEach hooks innermost
  // first, then the cleanups beforeEach hooks returned.
  *attemptSteps(test, lineage) {
    resetAssertions();
    test.state = undefined;
    test.err = undefined;
    const start = now();
    // The test's context, fixtures and onTestFinished callbacks (test-context.js), per try.
    const state = beginTest(test);
    const context = test.contextual ? state : null;
    let failure;
    let skipped = false;
    let cleanups = null;
    // afterEach hooks run from here up; a beforeEach that skips leaves out the levels below it.
    let lowest = lineage.length - 1;
    setup: for (let level = 0; level < lineage.length; level++) {
      const group = lineage[level];
      for (let index = 0; index < group.beforeEach.length; index++) {
        this.beginEachHook("beforeEach", group, index);
        enterRunnable("beforeEach", test, group, index);
        const outcome = yield invokeHook(group.beforeEach[index], context, group, contextOf(group));
        this.endEachHook();
        if (takeSkip()) {
          skipped = true;
          lowest = level;
          break setup;
        }
        if (outcome instanceof Cleanup) (cleanups ??= []).push(outcome.fn);
        else if (outcome) {
          failure = outcome;
          break setup;
        }
      }
    }
    if (!failure && !skipped) {
      enterRunnable("test", test, test.group);
      failure = yield invoke(test.fn, false, context, undefined, contextOf(test.group));
      enterRunnable(null, null, null);
      if (takeSkip()) {
        skipped = true;
        failure = undefined;
      } else if (!failure) {
        const unmet = checkAssertions();
        if (unmet) failure = new Failure(unmet);
      }
    }
    // expect.soft failures: the test fails with all of them (and what it threw besides).
    const soft = takeSoftErrors(failure?.error);
    if (soft !== undefined) failure = new Failure(soft);
    // mocha leaves `state` unset on a try that will be retried.
    const retry = failure !== undefined && test.attempt < this.retriesOf(test);
    test.duration = now() - start;
    test.state = skipped ? "pending" : retry ? undefined : failure ? "failed" : "passed";
    if (failure) test.err = failure.error;
    for (let level = lowest; level >= 0; level--) {
      const group = lineage[level];
      const { afterEach } = group;
      for (let index = 0; index < afterEach.length; index++) {
        this.beginEachHook("afterEach", group, index);
        enterRunnable("afterEach", test, group, index);
        const hookFailure = yield invoke(afterEach[index], false, context, group, contextOf(group));
        this.endEachHook();
        // mocha lets an afterEach call this.skip() without changing the test's result.
        if (takeSkip()) continue;
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
    // An afterEach or a cleanup can fail the try too, and that failure can be retried as well.
    const again = failure !== undefined && test.attempt < this.retriesOf(test);
    if (failure !== undefined && !again) {
      test.state = "failed";
      test.err ??= failure.error;
    }
    return { failure, skipped: skipped && failure === undefined, retry: again };
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
      const above = this.open[level - 1];
      const parentFailed = level > 0 && (above.failure || above.skipped || !above.setUp);
      // Inside a group whose beforeAll failed, nothing more is set up, and so nothing is torn down.
      const entry = { group, failure: undefined, skipped: false, setUp: !parentFailed, cleanups: null };
      this.open.push(entry);
      if (parentFailed) continue;
      for (let index = 0; index < group.beforeAll.length; index++) {
        // Announced before the call: a beforeAll that spins never gets to say so afterwards.
        this.hookStarted("beforeAll", group, index);
        enterRunnable("beforeAll", null, group, index);
        const outcome = yield this.groupHookScope("beforeAll", group, index, () =>
          invokeHook(group.beforeAll[index], null, group, contextOf(group)),
        );
        enterRunnable(null, null, null);
        this.hookFinished();
        // mocha: `this.skip()` in a before hook skips the group's tests and its inner groups.
        if (takeSkip()) {
          entry.skipped = true;
          break;
        }
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
        enterRunnable("afterAll", null, group, index);
        const failure = yield this.groupHookScope("afterAll", group, index, () =>
          invoke(group.afterAll[index], false, null, group, contextOf(group)),
        );
        enterRunnable(null, null, null);
        this.hookFinished();
        const error = takeSkip() ? new Error(SKIP_IN_AFTER_ALL) : failure?.error;
        if (error !== undefined) this.reportHookError(`afterAll hook of ${group.hookOrigin}`, error);
      }
      // Cleanups returned by beforeAll hooks, last first, after the afterAll hooks.
      const reversed = cleanups?.reverse() ?? [];
      for (let index = 0; index < reversed.length; index++) {
        this.hookStarted("cleanup", group, index);
        const failure = yield this.groupHookScope("cleanup", group, index, () => invoke(reversed[index]));
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
 * second argument, unless it is a Jest hook that takes `done`. A `function` (not an arrow) gets
 * mocha's context `ctx` as its `this`.
 */
function invoke(fn, asHook = false, state = null, group = undefined, ctx = undefined) {
  let returned;
  try {
    if (fn.length >= 1 && (doneStyleHooks.has(fn) || (state === null && group?.scope.vitest !== true))) {
      return invokeWithDone(fn, ctx);
    }
    // A test with a context, or a beforeAll/afterAll hook of a `vitest` file, which gets its
    // group as Vitest's get their suite.
    returned = state !== null ? callInContext(state, fn, group) : fn.call(receiverFor(fn, ctx), group);
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
const invokeHook = (fn, state = null, group = undefined, ctx = undefined) => invoke(fn, true, state, group, ctx);

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
function invokeWithDone(fn, ctx) {
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
      returned = fn.call(receiverFor(fn, ctx), done);
    } catch (error) {
      finish(new Failure(error));
      return;
    }
    const outcome = outcomeOf(returned, false);
    if (outcome instanceof Failure) finish(outcome);
    else if (outcome instanceof Promise) outcome.then(finish);
  });
}
