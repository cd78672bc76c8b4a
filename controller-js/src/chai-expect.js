// The chai half of `expect`: Vitest's `expect(x)` is a chai Assertion with Jest's matchers
// added, so suites write `expect(x).to.equal(y)` beside `expect(x).toBe(y)`. This module makes
// proctor's `Expectation` (expect.js) a chai Assertion too, and exports the vendored chai itself
// (`chai`, for `chai.use(plugin)`), its `assert` and its `should`.
//
// How the two worlds share one object, without costing the Jest path anything:
// - `Expectation.prototype` inherits from chai's `Assertion.prototype` (through a Proxy that
//   only lookups that miss the Jest matchers reach), so every chai property, method and chain
//   word, and whatever a plugin adds later with `chai.use`, is found on an `expect(x)` object;
// - chai keeps an assertion's state in `__flags`; an Expectation builds its flags (the received
//   value as `object`, `.not` as `negate`) only when a chai word first reads them, so a plain
//   `expect(x).toBe(y)` allocates no more than it did;
// - `.not` is proctor's (one Expectation with `isNot`), and chai reads it as its `negate` flag,
//   so `expect(x).not.to.equal(y)` and `expect(x).to.not.equal(y)` both work;
// - `.resolves` / `.rejects` followed by a chai chain record the chain and replay it on the
//   settled value when it is called or awaited, as Vitest's do;
// - a failure is chai's AssertionError, whose `expected`/`actual`/`showDiff` errors.js turns into
//   the diff the host prints, and whose stack starts at the test's line (chai's `ssfi` flag).

import * as chai from "./vendor/chai.js";

/** The vendored chai module: `chai.use(plugin)` plugs into proctor's `expect`, as in Vitest. */
export { chai };

/** chai's `assert` interface (`assert.equal`, `assert.deepEqual`, `assert.isTrue`, ...). */
export const assert = chai.assert;

/** chai's `expect.fail(message)` / `expect.fail(actual, expected, message)`, which Vitest's `expect` has. */
export const fail = chai.expect.fail;

/** chai's `should()`, which installs `Object.prototype.should`. */
export const should = chai.should;

/** Makes a matcher added later (`expect.extend`) callable after chai words too. */
export function shareWithChai(name) {
  sharedMatcher?.(name);
}
let sharedMatcher = null;

// What chai's assertions read on `this` while they run (chai's proxify keeps the same list).
const INTERNAL_NAMES = new Set(["__flags", "__methods", "_obj", "assert"]);

/**
 * Makes `Expectation` instances chai Assertions. `settle(name, expectation, callSite)` waits for
 * `.resolves` / `.rejects` (expect.js's), `relocate(error, callSite)` puts a failure's stack
 * back at the line that called the matcher, and `count(n)` adds to the test's assertion count.
 */
export function installChai(Expectation, { settle, relocate, count }) {
  const chaiPrototype = chai.Assertion.prototype;

  // chai's `flag(this, ...)` reads and writes `this.__flags`; an Expectation makes them on the
  // first read, from the state it already holds.
  Object.defineProperty(Expectation.prototype, "__flags", {
    configurable: true,
    get() {
      const flags = Object.create(null);
      flags.ssfi = chaiPrototype.assert;
      flags.object = this.received;
      flags.message = this.message;
      flags.eql = chai.config.deepEqual || chai.util.eql;
      if (this.isNot) flags.negate = true;
      Object.defineProperty(this, "__flags", { value: flags, writable: true, configurable: true });
      return flags;
    },
    set(flags) {
      Object.defineProperty(this, "__flags", { value: flags, writable: true, configurable: true });
    },
  });

  const lookup = {
    get: function chaiLookup(target, key, receiver) {
      if (!Reflect.has(target, key)) return unknown(key);
      if (!(receiver instanceof Expectation)) return Reflect.get(target, key, receiver);
      // For expect.assertions(n): a chai chain counts once, however many words it has, as each
      // `expect()` does in Vitest (the flag travels with the chain's later Assertions).
      const flags = receiver.__flags;
      if (!flags.proctorCounted) {
        flags.proctorCounted = true;
        count(1);
      }
      if (receiver.promise !== undefined) {
        const callSite = new Error();
        if (Error.captureStackTrace) Error.captureStackTrace(callSite, chaiLookup);
        return deferredChain(receiver, [key], callSite);
      }
      // Where a failure's stack starts: chai trims the frames above this call, which leaves the
      // test's own line on top (chai's own proxy does the same for the words after this one,
      // and leaves out the names its assertions read on themselves).
      if (!INTERNAL_NAMES.has(key) && !flags.lockSsfi) flags.ssfi = chaiLookup;
      return Reflect.get(target, key, receiver);
    },
  };
  Object.setPrototypeOf(Expectation.prototype, new Proxy(chaiPrototype, lookup));

  // The other way round, as Vitest's chai.use(JestChaiExpect) does: Jest's matchers after chai
  // words (`expect(x).to.not.toBe(y)`) and on chai's own assertions (`chai.expect(x).toEqual(y)`).
  sharedMatcher = (name) => {
    if (Object.prototype.hasOwnProperty.call(chaiPrototype, name)) return;
    Object.defineProperty(chaiPrototype, name, {
      configurable: true,
      writable: true,
      value: function jestMatcher(...args) {
        const flags = this.__flags;
        // The matcher counts itself; a chain from `expect()` has been counted already.
        if (flags.proctorCounted) count(-1);
        return new Expectation(flags.object, Boolean(flags.negate), undefined, flags.message)[name](...args);
      },
    });
  };
  for (const name of Object.getOwnPropertyNames(Expectation.prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(Expectation.prototype, name);
    if (name !== "constructor" && typeof descriptor.value === "function") sharedMatcher(name);
  }
  // Vitest's chai-side name for toMatchSnapshot: `expect(x).to.matchSnapshot()`.
  if (typeof chaiPrototype.toMatchSnapshot === "function" && !Reflect.has(chaiPrototype, "matchSnapshot")) {
    Object.defineProperty(chaiPrototype, "matchSnapshot", {
      configurable: true,
      writable: true,
      value: function matchSnapshot(...args) {
        return chaiPrototype.toMatchSnapshot.apply(this, args);
      },
    });
  }

  // A word neither Jest nor chai knows: chai's own error (with its "Did you mean" hint), as
  // Vitest gives, except for the names that code probing any object asks for.
  function unknown(key) {
    if (typeof key !== "string" || !chai.config.useProxy || chai.config.proxyExcludedKeys.includes(key)) return undefined;
    return new chai.Assertion(undefined)[key];
  }

  // `expect(promise).resolves.to.deep.equal(x)`: the words are recorded until the chain is
  // called (a method) or awaited (a property such as `.true`), then replayed on the value.
  function deferredChain(expectation, path, callSite) {
    let settled;
    const rethrow = (error) => {
      if (error instanceof Error && typeof error.stack === "string") error.stack = relocate(error, callSite);
      throw error;
    };
    const replay = (args) => {
      const name = path.join(".");
      return settle(name, expectation, callSite).then((value) => {
        try {
          let holder = new Expectation(value, expectation.isNot, undefined, expectation.message);
          holder.__flags.proctorCounted = true;
          let current = holder;
          for (const key of path) {
            holder = current;
            current = current[key];
          }
          if (args === null) return undefined;
          if (typeof current !== "function") throw new TypeError(`expect(...).${expectation.promise}.${name} is not a function`);
          // A plugin's asynchronous assertion (chai-as-promised) is waited for; chai's own return
          // their next Assertion, which is not a result.
          const result = current.apply(holder, args);
          return typeof result?.then === "function" ? result.then(() => undefined, rethrow) : undefined;
        } catch (error) {
          return rethrow(error);
        }
      });
    };
    return new Proxy(function chain() {}, {
      get(_target, key) {
        if (key === "then" || key === "catch" || key === "finally") {
          settled ??= replay(null);
          return settled[key].bind(settled);
        }
        if (typeof key === "symbol") return undefined;
        return deferredChain(expectation, [...path, key], callSite);
      },
      apply(_target, _this, args) {
        return replay(args);
      },
    });
  }
}
