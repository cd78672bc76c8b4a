// The running test's extras: Vitest's test context (what a test and its beforeEach/afterEach
// hooks receive in a file that imports `vitest`, or with fixtures), `onTestFinished` and
// `onTestFailed` callbacks, and the calls made during a test that must be judged once it ends.
//
// run.js opens a `TestState` before a test's beforeEach hooks and closes it after its
// teardowns; everything else is made on first use, so a Jest-style test that uses none of this
// costs one object.

import { expect } from "./expect.js";
import { prepareFixtures, tearDown } from "./fixtures.js";

/** What one running test gathered: callbacks, fixture values and teardowns, its context. */
class TestState {
  constructor(test) {
    this.test = test;
    this.context = null;
    this.finished = null;
    this.failed = null;
    this.values = new Map();
    this.teardowns = [];
    // `onTestFinished` inside an onTestFinished callback is an error, as in Vitest.
    this.closing = false;
  }
}

let running = null;

/** Starts the extras of `test`, made while its hooks and body run. */
export function beginTest(test) {
  running = new TestState(test);
  return running;
}

/** The running test's extras, or null between tests. */
export function runningTest() {
  return running;
}

/** Ends them; the callbacks still to run were taken by run.js. */
export function endTest() {
  running = null;
}

/** Vitest's test context of the running test, made on first use. */
export function contextOf(state) {
  if (state.context !== null) return state.context;
  const { test } = state;
  const task = {
    type: "test",
    id: test.id,
    name: test.name,
    mode: test.mode,
    file: { name: test.file, filepath: test.file, type: "suite" },
    suite: test.group.isFileRoot ? undefined : { name: test.group.name, type: "suite" },
    result: undefined,
    get fullName() {
      return [...test.groups, test.name].join(" > ");
    },
  };
  // A function, as Vitest's: a test written for Jest's `done` that calls it learns why.
  const context = Object.assign(
    function done() {
      throw new Error("done() callback is deprecated, use promise instead");
    },
    {
      task,
      onTestFinished: (fn, timeout) => register(state, "finished", fn, timeout),
      onTestFailed: (fn, timeout) => register(state, "failed", fn, timeout),
      skip() {
        throw new Error("context.skip() is not supported by proctor: use it.skip, it.skipIf(condition) or it.todo instead");
      },
      annotate() {
        throw new Error("context.annotate() is not supported by proctor");
      },
    },
  );
  // The one `expect` (proctor runs one test at a time). Vitest aborts `signal` when a test times
  // out; here the host ends a test that times out by restarting the runtime, so it never is.
  context.expect = expect;
  context.signal = typeof AbortController === "function" ? new AbortController().signal : undefined;
  task.context = context;
  state.context = context;
  return context;
}

function register(state, kind, fn, timeout) {
  if (typeof fn !== "function") throw new TypeError(`onTest${kind === "finished" ? "Finished" : "Failed"} expects a function`);
  if (state.closing) {
    throw new Error(`Cannot call "onTest${kind === "finished" ? "Finished" : "Failed"}" inside a test hook.`);
  }
  void timeout;
  (state[kind] ??= []).push(fn);
}

function requireRunning(name) {
  if (running === null) {
    throw new Error(`${name}() can only be called inside a test or a beforeEach/afterEach hook`);
  }
  return running;
}

/** Vitest's `onTestFinished(fn)`: `fn(context)` runs when the running test is done, pass or fail. */
export function onTestFinished(fn, timeout) {
  register(requireRunning("onTestFinished"), "finished", fn, timeout);
}

/** Vitest's `onTestFailed(fn)`: `fn(context)` runs when the running test has failed. */
export function onTestFailed(fn, timeout) {
  register(requireRunning("onTestFailed"), "failed", fn, timeout);
}

/**
 * Calls a test or hook function with the test's context: its fixtures first (fixtures.js).
 * Returns what the function returns, or a promise of it when a fixture is asynchronous.
 * `extra` is the hook's second argument (the suite), if any.
 */
export function callInContext(state, fn, extra) {
  const context = contextOf(state);
  const { fixtures } = state.test;
  const ready = fixtures === null ? undefined : prepareFixtures(fixtures, fn, 0, context, state, state.test.group.lineage[0]);
  if (ready === undefined) return extra === undefined ? fn.call(undefined, context) : fn.call(undefined, context, extra);
  return ready.then(() => (extra === undefined ? fn.call(undefined, context) : fn.call(undefined, context, extra)));
}

/** Tears down the test's fixtures, last set up first; undefined when it has none. */
export function tearDownTest(state) {
  if (state.teardowns.length === 0) return undefined;
  return tearDown(state.teardowns);
}

/**
 * The onTestFinished callbacks and then, when the test failed (`error` given), the
 * onTestFailed ones, each last registered first (Vitest's "stack" order), as functions of no
 * arguments for run.js to call; null when there are none.
 */
export function closingCallbacks(state, error) {
  if (state.finished === null && (state.failed === null || error === undefined)) return null;
  state.closing = true;
  const context = contextOf(state);
  context.task.result = error === undefined ? { state: "pass", errors: [] } : { state: "fail", errors: [error] };
  const calls = [];
  for (const fn of (state.finished ?? []).slice().reverse()) calls.push(() => fn(context));
  if (error !== undefined) for (const fn of (state.failed ?? []).slice().reverse()) calls.push(() => fn(context));
  return calls;
}
