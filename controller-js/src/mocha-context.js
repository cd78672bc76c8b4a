// mocha's `this`: the `Context` that the hooks and tests of a group run with, and the Test,
// Hook and Suite objects it exposes (`this.test`, `this.currentTest`, a describe body's `this`).
//
// As in mocha (lib/suite.js, lib/context.js) each group has one context whose prototype is its
// parent group's, and every hook and test declared in that group runs with it. So a property set
// in `before` or `beforeEach` is seen by the tests below, a test's own writes are seen by the next
// test of its group, and `after` sees what `beforeEach` left: real mocha suites rely on all three.
// (A fresh object per test would break the suites that hand state from one test to the next.)
//
// run.js tells this module what is running (`enterRunnable`); `this.test` and friends are getters
// that build the Test or Hook object only when user code asks. A test that never looks at `this`
// costs a few assignments and no allocation, which keeps 10,000 trivial tests fast.

/** Thrown by `this.skip()` to stop the test or hook; run.js reads it as "skipped", not failed. */
export class Pending extends Error {
  constructor(message) {
    super(message);
    this.name = "Pending";
  }
}

// What runs now: its kind ("test", "beforeAll", "beforeEach", "afterEach", "afterAll"), the
// test it is for (for hooks: the test whose command runs it, if any), its group and hook index.
// Module state, never on globalThis: a fresh realm removes new globals between files.
let runningKind = null;
let runningTest = null;
let runningGroup = null;
let runningIndex = 0;
// The running test's deadline as the host gave it (run-test's `timeout`), for `this.timeout()`.
let commandTimeout = undefined;
// Set by `this.skip()` during the current step, taken by the runner (`takeSkip`), so a skip
// counts even when user code catches the Pending error.
let skipRequested = false;
// The runner's ear for a running step that changes its own timeout (`this.timeout(ms)`).
let onTimeoutChanged = () => {};

/** Tells `this.timeout(ms)` of the running test or hook whom to notify (the runner). */
export function listenForTimeouts(listener) {
  onTimeoutChanged = listener;
}

/** Says what runs from now on; `kind` null: nothing (between steps). */
export function enterRunnable(kind, test, group, index = 0) {
  runningKind = kind;
  runningTest = test;
  runningGroup = group;
  runningIndex = index;
}

/** Sets the host's deadline of the command being run (ms), which `this.timeout()` reports. */
export function setCommandTimeout(timeout) {
  commandTimeout = timeout;
}

/** Whether `this.skip()` was called since the last call; clears the flag. */
export function takeSkip() {
  const requested = skipRequested;
  skipRequested = false;
  return requested;
}

/** The context hooks and tests of `group` run with: one per group, inheriting its parent's. */
export function contextOf(group) {
  let ctx = group.ctx;
  if (ctx === undefined) {
    ctx = group.parent === null ? new Context() : Object.create(contextOf(group.parent));
    group.ctx = ctx;
  }
  return ctx;
}

// Whether a function without a `prototype` (an arrow, an async function, a method) can see its
// `this`, by function; each is read once.
const seesThis = new WeakMap();

/**
 * What `fn` is called with as `this`: `ctx`, unless `fn` is an arrow function, which cannot see
 * it. V8 names a frame after its receiver (`at Context.<anonymous> (file:1:2)`), so an arrow
 * function test called with a context would lose its plain `at file:1:2` frames for nothing.
 */
export function receiverFor(fn, ctx) {
  if (Object.hasOwn(fn, "prototype")) return ctx;
  let sees = seesThis.get(fn);
  if (sees === undefined) {
    sees = !ARROW.test(Function.prototype.toString.call(fn));
    seesThis.set(fn, sees);
  }
  return sees ? ctx : undefined;
}

// The source of an arrow function: `(a) =>`, `a =>`, `async (a) =>`, `async a =>`.
const ARROW = /^(?:async\s*)?(?:\(|[\w$]+\s*=>)/;

/** A registered test's mocha Test object (one per test, made when first asked for). */
export function testFace(test) {
  return (test.face ??= new MochaTest(test));
}

/** A group's mocha Suite object: what `this` is in a describe body. */
export function suiteFace(group) {
  return (group.face ??= new MochaSuite(group));
}

function hookFace(group, kind, index) {
  const declared = group.hookSites[kind][index];
  if (declared === undefined) return new MochaHook(group, kind, {});
  return (declared.face ??= new MochaHook(group, kind, declared));
}

/** The Test or Hook object of what runs now, or undefined between steps. */
function runningFace() {
  switch (runningKind) {
    case null:
      return undefined;
    case "test":
      return testFace(runningTest);
    default:
      return hookFace(runningGroup, runningKind, runningIndex);
  }
}

// Which test a hook is "for" (mocha's ctx.currentTest): the test of an each-hook, the group's
// first own test in `before` and its last in `after`; none in a test body.
function currentTestFace() {
  switch (runningKind) {
    case "beforeEach":
    case "afterEach":
      return runningTest === null ? undefined : testFace(runningTest);
    case "beforeAll": {
      const tests = ownTests(runningGroup);
      return tests.length > 0 ? testFace(tests[0]) : undefined;
    }
    case "afterAll": {
      const tests = ownTests(runningGroup);
      return tests.length > 0 ? testFace(tests[tests.length - 1]) : undefined;
    }
    default:
      return undefined;
  }
}

function ownTests(group) {
  return group.scope.tests.filter((test) => test.group === group);
}

/**
 * mocha's `Context`. Its methods act on the runnable that is running (mocha's
 * `ctx.runnable()`), so a context captured in `before` and used later still means "now".
 */
export class Context {
  /** mocha's `this.runnable()`: the running Test or Hook. */
  runnable() {
    return runningFace();
  }

  /** The running Test (in a test) or Hook (in a hook), as mocha's `this.test`. */
  get test() {
    return runningFace();
  }

  set test(value) {
    Object.defineProperty(this, "test", { value, writable: true, configurable: true, enumerable: true });
  }

  /** In a hook, the test it runs for; undefined in a test body. */
  get currentTest() {
    return currentTestFace();
  }

  set currentTest(value) {
    Object.defineProperty(this, "currentTest", { value, writable: true, configurable: true, enumerable: true });
  }

  /** `this.timeout()` reads, `this.timeout(ms)` sets the running test's or hook's time limit. */
  timeout(ms) {
    const face = requireRunning("timeout");
    if (arguments.length === 0) return face.timeout();
    face.timeout(ms);
    return this;
  }

  /** `this.slow(ms)`: accepted and remembered; proctor does not mark slow tests. */
  slow(ms) {
    const face = requireRunning("slow");
    if (arguments.length === 0) return face.slow();
    face.slow(ms);
    return this;
  }

  /** Skips the running test (or, in `before`, its whole group), as mocha reports pending tests. */
  skip() {
    requireRunning("skip").skip();
  }

  /** `this.retries(n)`: a failing test runs again, up to n more times. */
  retries(n) {
    const face = requireRunning("retries");
    if (arguments.length === 0) return face.retries();
    face.retries(n);
    return this;
  }
}

function requireRunning(method) {
  const face = runningFace();
  if (face === undefined) {
    throw new Error(`this.${method}() was called while no test or hook of proctor was running`);
  }
  return face;
}

/** What mocha's Test and Hook share: a title under a parent suite, a timeout, a skip. */
class MochaRunnable {
  constructor(group) {
    this.parent = suiteFace(group);
    this.file = group.file;
    this.ctx = contextOf(group);
    this._slow = group.slow;
  }

  /** The titles from the outermost group down to this one. */
  titlePath() {
    return [...this.parent.titlePath(), this.title];
  }

  /** The titles of the groups and this one, space-separated, as mocha prints them. */
  fullTitle() {
    return this.titlePath().join(" ");
  }

  slow(ms) {
    if (arguments.length === 0) return this._slow ?? 75;
    this._slow = parseDuration(ms, "slow");
    return this;
  }

  isPending() {
    return this.parent.isPending();
  }

  /** mocha's `runnable.skip()`: stops it; the runner reports it (or its group) pending. */
  skip() {
    skipRequested = true;
    throw new Pending("sync skip; aborting execution");
  }
}

/** mocha's Test, over a registered test (`this.test` in a test, `this.currentTest` in hooks). */
class MochaTest extends MochaRunnable {
  constructor(test) {
    super(test.group);
    this.record = test;
    this.title = test.title ?? test.name;
    this.type = "test";
  }

  get state() {
    return this.record.state;
  }

  get duration() {
    return this.record.duration;
  }

  get err() {
    return this.record.err;
  }

  get fn() {
    return this.record.fn;
  }

  get body() {
    return typeof this.record.fn === "function" ? String(this.record.fn) : "";
  }

  get async() {
    return typeof this.record.fn === "function" && this.record.fn.length > 0;
  }

  get sync() {
    return !this.async;
  }

  get pending() {
    return this.record.state === "pending" || this.record.mode === "skip" || this.record.mode === "todo";
  }

  get timedOut() {
    return false;
  }

  timeout(ms) {
    const test = this.record;
    if (arguments.length === 0) return test.runTimeout ?? test.timeout ?? commandTimeout ?? 0;
    test.runTimeout = parseDuration(ms, "timeout");
    if (runningKind === "test" && runningTest === test) onTimeoutChanged(test.runTimeout, false);
    return this;
  }

  retries(n) {
    if (arguments.length === 0) return this.record.retries ?? -1;
    this.record.retries = parseRetries(n);
    return this;
  }

  currentRetry() {
    return this.record.attempt ?? 0;
  }

  isPassed() {
    return this.record.state === "passed";
  }

  isFailed() {
    return this.record.state === "failed";
  }

  isPending() {
    return this.pending || super.isPending();
  }
}

const HOOK_TITLES = {
  beforeAll: '"before all" hook',
  afterAll: '"after all" hook',
  beforeEach: '"before each" hook',
  afterEach: '"after each" hook',
};

/** mocha's Hook: `this.test` inside a hook. */
class MochaHook extends MochaRunnable {
  constructor(group, kind, declared) {
    super(group);
    this.kind = kind;
    this.declared = declared;
    this.type = "hook";
    const base = HOOK_TITLES[kind] ?? `"${kind}" hook`;
    this.originalTitle = declared.title ? `${base}: ${declared.title}` : base;
  }

  /** As mocha titles a hook while it runs: `"before each" hook for "adds"`, else `in "group"`. */
  get title() {
    const current = currentTestFace();
    if (current !== undefined) return `${this.originalTitle} for "${current.title}"`;
    return `${this.originalTitle} in "${this.parent.title || "{root}"}"`;
  }

  get fn() {
    return this.declared.fn;
  }

  timeout(ms) {
    const declared = this.declared;
    if (arguments.length === 0) return declared.runTimeout ?? declared.timeout ?? commandTimeout ?? 0;
    declared.runTimeout = parseDuration(ms, "timeout");
    if (runningKind === this.kind && hookFace(runningGroup, runningKind, runningIndex) === this) {
      onTimeoutChanged(declared.runTimeout, this.kind === "beforeEach" || this.kind === "afterEach");
    }
    return this;
  }

  retries(n) {
    if (arguments.length === 0) return this.declared.retries ?? -1;
    this.declared.retries = parseRetries(n);
    return this;
  }
}

/** mocha's Suite over a group: a describe body's `this` (`this.timeout(5000)` for its tests). */
class MochaSuite {
  constructor(group) {
    this.group = group;
    this.title = group.isFileRoot ? "" : group.name;
    this.root = group.isFileRoot;
    this.file = group.file;
  }

  get parent() {
    return this.group.parent === null ? undefined : suiteFace(this.group.parent);
  }

  get ctx() {
    return contextOf(this.group);
  }

  /** The tests declared directly in this group so far, as mocha Test objects. */
  get tests() {
    return ownTests(this.group).map(testFace);
  }

  get pending() {
    return this.group.mode === "skip";
  }

  titlePath() {
    return this.group.isFileRoot ? [] : [...this.parent.titlePath(), this.title];
  }

  fullTitle() {
    return this.titlePath().join(" ");
  }

  isPending() {
    return this.pending;
  }

  /** The time limit of tests and hooks declared after this call in the group (mocha's rule). */
  timeout(ms) {
    if (arguments.length === 0) return this.group.timeout ?? commandTimeout ?? 0;
    this.group.timeout = parseDuration(ms, "timeout");
    return this;
  }

  slow(ms) {
    if (arguments.length === 0) return this.group.slow ?? 75;
    this.group.slow = parseDuration(ms, "slow");
    return this;
  }

  /** How many times a failing test declared after this call in the group runs again. */
  retries(n) {
    if (arguments.length === 0) return this.group.retries ?? -1;
    this.group.retries = parseRetries(n);
    return this;
  }

  /** mocha's `--bail` per suite: accepted, not applied (proctor has `--fail-fast`). */
  bail(value) {
    if (arguments.length === 0) return this.group.bail ?? false;
    this.group.bail = Boolean(value);
    return this;
  }
}

// The largest delay a timer takes; mocha turns larger timeouts (and 0) into "no timeout".
const MAX_TIMEOUT = 2 ** 31 - 1;
const UNITS = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/**
 * A mocha duration: milliseconds as a number or a string with a unit (`"2s"`, `"500ms"`, as
 * mocha's `ms` package reads them), rounded up to whole milliseconds. A timeout of 0 or past the
 * largest timer delay means none, as in mocha: proctor sends 0 for that.
 */
export function parseDuration(value, what) {
  let ms = value;
  if (typeof value === "string") {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h)?\s*$/i.exec(value);
    ms = match ? Number(match[1]) * UNITS[(match[2] ?? "ms").toLowerCase()] : NaN;
  }
  if (typeof ms !== "number" || !(ms >= 0)) {
    throw new TypeError(`this.${what}() expects a number of milliseconds or a string such as "2s"; received ${JSON.stringify(value)}`);
  }
  if (what === "timeout" && ms > MAX_TIMEOUT) return 0;
  return Math.ceil(ms);
}

function parseRetries(n) {
  const count = Number(n);
  if (!Number.isInteger(count) || count < -1) {
    throw new TypeError(`this.retries() expects a whole number of retries; received ${JSON.stringify(n)}`);
  }
  return count;
}
