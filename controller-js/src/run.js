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
import { prepareFile, resetAfterFile } from "./jest-object.js";

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
   *   file's root group once its last test and afterAll hooks are done.
   */
  constructor({ reportHookError, fileDone = () => {} }) {
    this.reportHookError = reportHookError;
    this.fileDone = fileDone;
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

  *testSteps(test) {
    const lineage = test.group.lineage;
    yield* this.enter(lineage);
    for (const entry of this.open) {
      if (entry.failure) return { status: "failed", durationMs: 0, error: entry.failure.error };
    }

    resetAssertions();
    const start = performance.now();
    let failure;
    let cleanups = null;
    setup: for (const group of lineage) {
      for (const hook of group.beforeEach) {
        const outcome = yield invokeHook(hook);
        if (outcome instanceof Cleanup) (cleanups ??= []).push(outcome.fn);
        else if (outcome) {
          failure = outcome;
          break setup;
        }
      }
    }
    if (!failure) {
      failure = yield invoke(test.fn);
      if (!failure) {
        const unmet = checkAssertions();
        if (unmet) failure = new Failure(unmet);
      }
    }
    for (let level = lineage.length - 1; level >= 0; level--) {
      for (const hook of lineage[level].afterEach) {
        const hookFailure = yield invoke(hook);
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
    if (shared === 0) prepareFile(lineage[0]);
    for (let level = shared; level < lineage.length; level++) {
      const group = lineage[level];
      const parentFailed = level > 0 && (this.open[level - 1].failure || !this.open[level - 1].setUp);
      // Inside a group whose beforeAll failed, nothing more is set up, and so nothing is torn down.
      const entry = { group, failure: undefined, setUp: !parentFailed, cleanups: null };
      this.open.push(entry);
      if (parentFailed) continue;
      for (const hook of group.beforeAll) {
        const outcome = yield invokeHook(hook);
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
      for (const hook of group.afterAll) {
        const failure = yield invoke(hook);
        if (failure) this.reportHookError(`afterAll hook of ${group.hookOrigin}`, failure.error);
      }
      // Cleanups returned by beforeAll hooks, last first, after the afterAll hooks.
      for (const cleanup of cleanups?.reverse() ?? []) {
        const failure = yield invoke(cleanup);
        if (failure) this.reportHookError(`cleanup returned by a beforeAll hook of ${group.hookOrigin}`, failure.error);
      }
      // A file's root group closes when its last test is done: undo its spies, fake timers and
      // stubbed globals, as Jest's fresh environment per file would.
      if (this.open.length === 0) {
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
 * (`asHook`), a function it returns or resolves to comes back as a Cleanup.
 */
function invoke(fn, asHook = false) {
  let returned;
  try {
    if (fn.length >= 1) return invokeWithDone(fn);
    returned = fn.call(undefined);
  } catch (error) {
    return new Failure(error);
  }
  if (asHook && isCleanup(returned)) return new Cleanup(returned);
  if (isThenable(returned)) return settle(returned, asHook);
  return undefined;
}

/** Calls a before-hook: see invoke. */
const invokeHook = (fn) => invoke(fn, true);

// A mock is not a cleanup: Jest-style `beforeEach(() => (spy = jest.spyOn(...)))` returns one
// by accident of the arrow, and Jest ignores what hooks return.
function isCleanup(value) {
  return typeof value === "function" && value._isMockFunction !== true;
}

function isThenable(value) {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof value.then === "function";
}

function settle(thenable, asHook = false) {
  return new Promise((resolve) => {
    try {
      thenable.then(
        (value) => resolve(asHook && isCleanup(value) ? new Cleanup(value) : undefined),
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
    if (isThenable(returned)) settle(returned).then(finish);
  });
}
