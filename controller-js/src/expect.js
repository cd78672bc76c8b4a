// `expect(value)`: the assertion entry point that test files call, compatible with Jest's.
//
// An `Expectation` holds the received value plus the `.not` / `.resolves` / `.rejects`
// modifiers; every matcher (built-in or added with `expect.extend`) is a method on its
// prototype, so `expect(x)` allocates one small object instead of a table of closures. A failed
// expectation throws `AssertionError`, whose `expected`/`actual` are pretty-printed strings the
// host turns into a line diff. This module also counts assertions for `expect.assertions(n)`.
// An Expectation is also a chai Assertion, as Vitest's `expect` is: chai-expect.js adds chai's
// chain behind the Jest matchers without making `expect(x)` any heavier.

import { asymmetricMatchers, invertedAsymmetricMatchers } from "./asymmetric.js";
import { addEqualityTesters, equalityTesters, equals } from "./equals.js";
import { fileSnapshotMatchers } from "./file-snapshot.js";
import { format, formatCompact } from "./format.js";
import { matcherUtils } from "./matcher-utils.js";
import { matchers as builtInMatchers, matcherHint, MatcherUsageError, show } from "./matchers.js";
import { mockMatchers } from "./mock-matchers.js";
import { makePoll } from "./poll.js";
import { jestTestName } from "./registry.js";
import { addSnapshotSerializer, noteCallSite, snapshotMatchers } from "./snapshot.js";
import { fail, installChai, shareWithChai } from "./chai-expect.js";
import { softly } from "./soft.js";
import { guardUnsupported } from "./unsupported.js";
import { vitestMatchers } from "./vitest-matchers.js";

export { format, formatCompact };

/** A failed expectation. `expected` and `actual`, when present, are pretty-printed strings. */
export class AssertionError extends Error {
  constructor(message, details = {}) {
    super(message);
    if ("expected" in details) this.expected = details.expected;
    if ("actual" in details) this.actual = details.actual;
  }
}
// On the prototype (not assigned in the constructor) so V8 already uses it in the stack header.
AssertionError.prototype.name = "AssertionError";

// Per-test assertion bookkeeping for expect.assertions(n) / expect.hasAssertions(); run.js
// resets it before each test and checks it after the body.
const assertions = { calls: 0, expected: null, required: false };

// What expect.setState() added to expect.getState().
const extraState = {};

// The running test, for expect.getState(); set by the controller around each test.
let runningTest = null;

/** Names the running test (or null between tests), for expect.getState(). */
export function setRunningTest(test) {
  runningTest = test;
}

/** Clears the assertion count; called before each test. */
export function resetAssertions() {
  assertions.calls = 0;
  assertions.expected = null;
  assertions.required = false;
}

/** The error for an unmet expect.assertions(n) / expect.hasAssertions(), or undefined. */
export function checkAssertions() {
  if (assertions.expected !== null && assertions.calls !== assertions.expected) {
    const plural = (n) => (n === 1 ? "assertion" : "assertions");
    return new AssertionError(
      `expect.assertions(${assertions.expected})\n\nExpected ${assertions.expected} ${plural(assertions.expected)} ` +
        `to be called but received ${assertions.calls} ${plural(assertions.calls)}.`,
      { expected: String(assertions.expected), actual: String(assertions.calls) },
    );
  }
  if (assertions.required && assertions.calls === 0) {
    return new AssertionError("expect.hasAssertions()\n\nExpected at least one assertion to be called but received none.");
  }
  return undefined;
}

// The `this` a matcher sees; one per modifier combination, made up front and shared, because
// matchers must not keep state in it. Looked up by index rather than by a string key, since
// every matcher call asks for one. Built-in matchers use `isNot` and `promise`; custom ones
// (expect.extend) also get Jest's `equals(a, b, customTesters?, strict?)`, `utils`
// (jest-matcher-utils, matcher-utils.js), `customTesters` and the test's state.
const utils = { ...matcherUtils, show };
const contextEquals = (a, b, _customTesters, strict) => equals(a, b, strict ? "strict" : "loose");
const newContext = (isNot, promise) =>
  Object.freeze(
    Object.defineProperties(
      { isNot, promise: promise ?? "", equals: contextEquals, utils, expand: false, dontThrow: () => {} },
      {
        customTesters: { enumerable: true, get: equalityTesters },
        currentTestName: { enumerable: true, get: () => (runningTest === null ? undefined : jestTestName(runningTest)) },
        testPath: { enumerable: true, get: () => runningTest?.file },
        assertionCalls: { enumerable: true, get: () => assertions.calls },
      },
    ),
  );
const contexts = {
  direct: [newContext(false, undefined), newContext(true, undefined)],
  resolves: [newContext(false, "resolves"), newContext(true, "resolves")],
  rejects: [newContext(false, "rejects"), newContext(true, "rejects")],
};
function matcherContext(isNot, promise) {
  return contexts[promise || "direct"][isNot ? 1 : 0];
}

class Expectation {
  // Declared fields are defined on the instance directly: assignments alone would first look for
  // setters up the prototype chain, which ends in chai's (chai-expect.js).
  received;
  isNot;
  promise;
  message;

  constructor(received, isNot, promise, message) {
    this.received = received;
    this.isNot = isNot;
    this.promise = promise;
    this.message = message;
  }

  get not() {
    return new Expectation(this.received, !this.isNot, this.promise, this.message);
  }

  get resolves() {
    return new Expectation(this.received, this.isNot, "resolves", this.message);
  }

  get rejects() {
    return new Expectation(this.received, this.isNot, "rejects", this.message);
  }
}

function defineMatcher(name, matcher) {
  Object.defineProperty(Expectation.prototype, name, {
    configurable: true,
    writable: true,
    value: function callMatcher(...args) {
      assertions.calls++;
      if (this.promise === undefined) {
        return evaluate(name, matcher, this.received, this.isNot, undefined, args, callMatcher, null, this.message);
      }
      // The async path loses the caller's frames after the first await, so keep them now.
      const callSite = new Error();
      if (Error.captureStackTrace) Error.captureStackTrace(callSite, callMatcher);
      return settle(name, this, callSite).then((value) =>
        evaluate(name, matcher, value, this.isNot, this.promise, args, callMatcher, callSite, this.message),
      );
    },
  });
}

// Waits for `.resolves` / `.rejects` and yields the value the matcher should judge.
function settle(name, expectation, callSite) {
  const { promise, isNot } = expectation;
  const hint = matcherHint(name, matcherContext(isNot, promise));
  let received = expectation.received;
  if (typeof received === "function") {
    try {
      received = received();
    } catch (error) {
      received = Promise.reject(error);
    }
  }
  if (received === null || (typeof received !== "object" && typeof received !== "function") || typeof received.then !== "function") {
    return Promise.reject(
      withStack(
        new MatcherUsageError(`${hint}\n\nReceived value must be a promise or a function returning a promise.\nReceived: ${show(received)}`),
        callSite,
      ),
    );
  }
  return Promise.resolve(received).then(
    (value) => {
      if (promise === "resolves") return value;
      throw withStack(new AssertionError(`${hint}\n\nReceived promise resolved instead of rejected\nResolved to value: ${show(value)}`), callSite);
    },
    (reason) => {
      if (promise === "rejects") return reason;
      throw withStack(new AssertionError(`${hint}\n\nReceived promise rejected instead of resolved\nRejected to value: ${show(reason)}`), callSite);
    },
  );
}

function evaluate(name, matcher, received, isNot, promise, args, callMatcher, callSite, prefix) {
  // An inline snapshot finds its call in the source by this stack (the async path's own).
  noteCallSite(callSite);
  const result = matcher.call(matcherContext(isNot, promise), received, ...args);
  if (result !== null && typeof result === "object" && typeof result.then === "function") {
    return result.then((settled) => conclude(name, settled, isNot, callMatcher, callSite, prefix));
  }
  return conclude(name, result, isNot, callMatcher, callSite, prefix);
}

// `prefix` is the message given to `expect(value, message)`, put before the failure's, as Vitest does.
function conclude(name, result, isNot, callMatcher, callSite, prefix) {
  if (result === null || typeof result !== "object" || typeof result.pass !== "boolean") {
    throw new MatcherUsageError(`Matcher "${name}" must return an object with a boolean "pass" property.`);
  }
  if (result.pass !== isNot) return undefined;
  const said =
    typeof result.message === "function" ? result.message() : (result.message ?? `expect(received).${name}() failed`);
  const message = prefix === undefined ? said : `${prefix}: ${said}`;
  // A diff is meaningless for a failed `.not` (the values matched), so only positive failures get one.
  // `expectedText`/`actualText` are already printed (snapshots), so they are not formatted again.
  const details =
    !isNot && "expectedText" in result && "actualText" in result
      ? { expected: result.expectedText, actual: result.actualText }
      : !isNot && "expected" in result && "actual" in result
        ? { expected: format(result.expected), actual: format(result.actual) }
        : {};
  const error = new AssertionError(message, details);
  if (callSite) error.stack = relocate(error, callSite);
  else if (Error.captureStackTrace) Error.captureStackTrace(error, callMatcher);
  throw error;
}

function withStack(error, callSite) {
  error.stack = relocate(error, callSite);
  return error;
}

// The header of `error` on top of the frames recorded at the call site.
function relocate(error, callSite) {
  const frames = typeof callSite.stack === "string" ? callSite.stack.slice(callSite.stack.indexOf("\n")) : "";
  return `${error.name}: ${error.message}${frames.startsWith("\n") ? frames : ""}`;
}

for (const [name, matcher] of Object.entries({
  ...builtInMatchers,
  ...mockMatchers,
  ...vitestMatchers,
  ...snapshotMatchers,
  ...fileSnapshotMatchers,
})) {
  defineMatcher(name, matcher);
}

// The chai BDD chain on the same object: `expect(x).to.deep.equal(y)`.
installChai(Expectation, {
  settle,
  relocate,
  count: (n) => {
    assertions.calls += n;
  },
});
// No unsupported-name guard on `expect(...)` (unsupported.js): every Jest and Vitest matcher
// name is implemented, and a name nobody has already fails through chai's chain, as in Vitest
// ("Invalid Chai property").

// A custom matcher used as an asymmetric matcher: `expect.toBeWithinRange(1, 5)` inside toEqual.
class CustomAsymmetricMatcher {
  constructor(name, matcher, args, inverse) {
    Object.assign(this, { name, matcher, args, inverse });
    this.$$typeof = Symbol.for("jest.asymmetricMatcher");
  }

  asymmetricMatch(other) {
    const result = this.matcher.call(matcherContext(false, undefined), other, ...this.args);
    return result.pass !== this.inverse;
  }

  toAsymmetricMatcher() {
    return `${this.inverse ? "not." : ""}${this.name}<${this.args.map((arg) => show(arg)).join(", ")}>`;
  }
}

/**
 * Starts an expectation on `received`; a `message` (Vitest's second argument) opens the failure's.
 * @param {unknown} received
 * @param {string} [message]
 */
export function expect(received, message) {
  return new Expectation(received, false, undefined, message);
}

Object.assign(expect, asymmetricMatchers, {
  not: { ...invertedAsymmetricMatchers },
  /** Fails the current test unless exactly `count` matchers are called in it. */
  assertions(count) {
    assertions.expected = count;
  },
  /** Fails the current test unless at least one matcher is called in it. */
  hasAssertions() {
    assertions.required = true;
  },
  /**
   * Jest's matcher state, which some libraries read: the running test's name (groups and name,
   * space-separated) and file (relative to the project root), and the assertion counts.
   */
  getState() {
    return {
      ...extraState,
      assertionCalls: assertions.calls,
      currentTestName: runningTest === null ? undefined : jestTestName(runningTest),
      expectedAssertionsNumber: assertions.expected,
      isExpectingAssertions: assertions.required,
      testPath: runningTest?.file,
    };
  },
  /** chai's `expect.fail(message)`, which Vitest's `expect` also has. */
  fail,
  /** Jest's setState: merges fields into what getState() returns (libraries keep flags there). */
  setState(state) {
    Object.assign(extraState, state);
  },
  /** Vitest's expect.unreachable(message?): fails where code should never get. */
  unreachable(message) {
    throw new AssertionError(`expected${message ? ` "${message}" ` : " "}not to be reached`);
  },
  /** Adds a pretty-format plugin that snapshots print matching values with. */
  addSnapshotSerializer,
  /** Adds testers every deep equality asks first (Jest's and Vitest's addEqualityTesters). */
  addEqualityTesters,
  /** Vitest's soft expectation: a failure is recorded, the test goes on and fails at its end. */
  soft(received) {
    return softly(expect(received));
  },
  /** Vitest's polling expectation: its matchers retry `fn()` until they pass (poll.js). */
  poll: makePoll((received) => expect(received), {
    // A poll is one assertion however many attempts it takes, as in Vitest.
    count: () => void assertions.calls++,
    uncounted(call) {
      const calls = assertions.calls;
      try {
        return call();
      } finally {
        assertions.calls = calls;
      }
    },
  }),
  /** Adds matchers written against the Jest contract: `(received, ...args) => { pass, message }`. */
  extend(newMatchers) {
    for (const [name, matcher] of Object.entries(newMatchers)) {
      if (typeof matcher !== "function") throw new TypeError(`expect.extend: matcher "${name}" must be a function`);
      defineMatcher(name, matcher);
      shareWithChai(name);
      expect[name] = (...args) => new CustomAsymmetricMatcher(name, matcher, args, false);
      expect.not[name] = (...args) => new CustomAsymmetricMatcher(name, matcher, args, true);
    }
  },
});
guardUnsupported(expect, "expect");
