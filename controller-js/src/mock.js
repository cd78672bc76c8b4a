// Mock functions and spies: `fn()` and `spyOn()`, also reachable as `jest.fn` / `vi.fn`, so
// tests written for Jest or Vitest keep working.
//
// A mock records every call (arguments, `this`, what it returned or threw) in `mock.mock`, the
// shape Jest documents, and the call matchers in mock-matchers.js read that record. Spies replace
// a method on its object and put the original back on `mockRestore()` / `restoreAllMocks()`, and
// when the test file that made them is done (run.js): files share one runtime here, where Jest
// gives each file its own, so a spy left on `console` must not silence the next file.

import { liveExport } from "./live-exports.js";

// Built-ins the mock itself uses, taken now: a test may spy on Array.prototype.push.
const { apply, construct, defineProperty, deleteProperty, getOwnPropertyDescriptor, getPrototypeOf, set } = Reflect;
const functionToString = Function.prototype.toString;

// clearAllMocks / resetAllMocks bump a generation that every mock compares lazily, instead of
// holding every mock ever made (with all the arguments it saw) for the life of the runtime.
const generations = { clear: 0, reset: 0 };
// Spies, newest last, with the test file (its root group) that made them; they must be held,
// since something has to put the originals back.
const spies = new Map();
let spyOwner = null;
// What getMockName() says of a mock nobody named, as in Jest.
const DEFAULT_NAME = "jest.fn()";
// Jest's invocationCallOrder counts calls across all mocks, so tests can order calls of two mocks.
let callCount = 0;

function freshState() {
  return {
    calls: [],
    results: [],
    instances: [],
    contexts: [],
    invocationCallOrder: [],
    // Vitest's: what returned promises settled to, in the order they settled.
    settledResults: [],
    get lastCall() {
      return this.calls[this.calls.length - 1];
    },
  };
}

// A class (or a built-in constructor such as URL) cannot be called; it must be constructed.
function mustConstruct(implementation) {
  if (implementation.prototype === undefined) return false;
  const source = apply(functionToString, implementation, []);
  return source.startsWith("class") || source.endsWith("{ [native code] }");
}

function requireImplementation(implementation, method) {
  if (typeof implementation !== "function") {
    throw new TypeError(`${method}(implementation): implementation must be a function, got ${typeof implementation}`);
  }
}

/**
 * A mock function that records its calls and runs `implementation` (if any) for each.
 * @param {Function} [implementation]
 */
export function fn(implementation) {
  if (implementation !== undefined) requireImplementation(implementation, "fn");
  let state = freshState();
  let current = implementation;
  let once = [];
  let name = DEFAULT_NAME;
  let restore = null;
  let seen = { ...generations };

  // Applies a clearAllMocks / resetAllMocks that happened since this mock last looked.
  const catchUp = () => {
    if (seen.reset !== generations.reset) {
      current = undefined;
      once = [];
    }
    if (seen.clear !== generations.clear || seen.reset !== generations.reset) state = freshState();
    seen = { ...generations };
  };

  const mock = function (...args) {
    catchUp();
    // This call's record, even if the implementation clears the mock while it runs.
    const record = state;
    const index = record.calls.length;
    record.calls[index] = args;
    record.contexts[index] = this;
    record.instances[index] = new.target !== undefined ? this : undefined;
    record.invocationCallOrder[index] = ++callCount;
    // Recorded before the call, so a recursive call sees this one as incomplete, as in Jest.
    const result = { type: "incomplete", value: undefined };
    record.results[index] = result;
    const chosen = once.length > 0 ? once.shift() : current;
    try {
      let value;
      if (chosen === undefined) {
        value = undefined;
      } else if (new.target !== undefined && mustConstruct(chosen)) {
        // `new` on the mock itself makes an instance of the class (or, for a spy, of the class
        // it replaced); a subclass's `super()` keeps the subclass as the target.
        const target = new.target === mock && mock.prototype === ownPrototype ? chosen : new.target;
        value = construct(chosen, args, target);
        record.instances[index] = value;
      } else {
        value = apply(chosen, this, args);
      }
      result.type = "return";
      result.value = value;
      if (value !== null && typeof value === "object" && typeof value.then === "function") recordSettled(record, value);
      return value;
    } catch (error) {
      result.type = "throw";
      result.value = error;
      throw error;
    }
  };
  const ownPrototype = mock.prototype;
  // Jest keeps the implementation's arity: `done` callbacks and express error handlers count
  // parameters.
  defineProperty(mock, "length", { value: implementation?.length ?? 0 });
  defineProperty(mock, "mock", {
    enumerable: true,
    get() {
      catchUp();
      return state;
    },
  });
  defineProperty(mock, "_isMockFunction", { value: true });

  const implement = (implementationToUse, method = "mockImplementation") => {
    requireImplementation(implementationToUse, method);
    catchUp();
    current = implementationToUse;
    return mock;
  };
  const implementOnce = (implementationToUse, method = "mockImplementationOnce") => {
    requireImplementation(implementationToUse, method);
    catchUp();
    once.push(implementationToUse);
    return mock;
  };

  Object.assign(mock, {
    getMockName: () => name,
    mockName(newName) {
      name = String(newName);
      return mock;
    },
    getMockImplementation() {
      catchUp();
      return current;
    },
    mockImplementation: (implementationToUse) => implement(implementationToUse),
    mockImplementationOnce: (implementationToUse) => implementOnce(implementationToUse),
    mockReturnValue: (value) => implement(() => value),
    mockReturnValueOnce: (value) => implementOnce(() => value),
    mockResolvedValue: (value) => implement(() => Promise.resolve(value)),
    mockResolvedValueOnce: (value) => implementOnce(() => Promise.resolve(value)),
    mockRejectedValue: (value) => implement(() => Promise.reject(value)),
    mockRejectedValueOnce: (value) => implementOnce(() => Promise.reject(value)),
    mockReturnThis: () =>
      implement(function () {
        return this;
      }),
    /**
     * Runs `callback` with `temporary` as the only implementation (queued once-implementations
     * wait), then puts the previous ones back; returns a promise when `callback` does.
     */
    withImplementation(temporary, callback) {
      requireImplementation(temporary, "withImplementation");
      catchUp();
      const previous = { current, once };
      current = temporary;
      once = [];
      const putBack = () => {
        current = previous.current;
        once = previous.once;
      };
      let returned;
      try {
        returned = callback();
      } catch (error) {
        putBack();
        throw error;
      }
      if (returned !== null && typeof returned === "object" && typeof returned.then === "function") {
        return Promise.resolve(returned).finally(putBack);
      }
      putBack();
      return undefined;
    },
    /** Forgets the recorded calls; implementations stay. */
    mockClear() {
      catchUp();
      state = freshState();
      return mock;
    },
    /** Forgets the recorded calls and the implementations: the mock returns undefined. */
    mockReset() {
      catchUp();
      state = freshState();
      current = undefined;
      once = [];
      return mock;
    },
    /** As mockReset, and a spy puts the original back on its object. */
    mockRestore() {
      mock.mockReset();
      if (restore !== null) {
        restore();
        restore = null;
        spies.delete(mock);
      }
    },
  });

  // spyOn's hook: what mockRestore must undo; the spy is then one restoreAllMocks and the end
  // of its file put back.
  defineProperty(mock, "_setRestore", {
    value(undo) {
      restore = undo;
      spies.set(mock, spyOwner);
    },
  });
  return mock;
}

// Notes what a returned promise settles to, as Vitest's spies do (which marks a rejection as
// handled, as there).
function recordSettled(record, promise) {
  try {
    promise.then(
      (value) => void record.settledResults.push({ type: "fulfilled", value }),
      (value) => void record.settledResults.push({ type: "rejected", value }),
    );
  } catch {
    // A thenable whose `then` throws settles nothing.
  }
}

/** The name given with mockName(), or null for a mock that has only the default `jest.fn()`. */
export function givenName(mock) {
  const name = mock.getMockName();
  return name === DEFAULT_NAME ? null : name;
}

/** True for functions made by `fn()` or `spyOn()` (Jest's own test: `_isMockFunction`). */
export function isMockFunction(value) {
  return typeof value === "function" && value._isMockFunction === true;
}

function describeTarget(value) {
  return value === null ? "null" : typeof value;
}

/**
 * Replaces `object[key]` with a mock that calls the original, and returns the mock. With
 * `accessType` "get" or "set", spies on that accessor of the property instead.
 */
export function spyOn(object, key, accessType) {
  if (object === null || (typeof object !== "object" && typeof object !== "function")) {
    throw new TypeError(`spyOn could not find an object to spy on for ${String(key)}: got ${describeTarget(object)}`);
  }
  if (accessType !== undefined && accessType !== "get" && accessType !== "set") {
    throw new TypeError(`spyOn: accessType must be "get" or "set", got ${String(accessType)}`);
  }
  let holder = object;
  let descriptor;
  while (holder !== null && !(descriptor = getOwnPropertyDescriptor(holder, key))) {
    holder = getPrototypeOf(holder);
  }
  if (descriptor === undefined) {
    throw new TypeError(`spyOn: property ${String(key)} does not exist on the object`);
  }
  const ownDescriptor = holder === object ? descriptor : undefined;

  if (accessType !== undefined) {
    const accessor = descriptor[accessType];
    if (typeof accessor !== "function") {
      throw new TypeError(`spyOn: property ${String(key)} has no ${accessType}ter to spy on`);
    }
    if (isMockFunction(accessor)) return accessor;
    requireReplaceable(object, key, ownDescriptor, true);
    const spy = fn(accessor);
    defineProperty(object, key, { ...descriptor, [accessType]: spy, configurable: true });
    // Only this accessor goes back, so a getter and a setter spy can be restored in any order.
    spy._setRestore(() => {
      const current = getOwnPropertyDescriptor(object, key);
      if (current?.[accessType] !== spy) return;
      const other = accessType === "get" ? "set" : "get";
      const restored =
        !ownDescriptor && current[other] === descriptor[other]
          ? deleteProperty(object, key)
          : defineProperty(object, key, { ...current, [accessType]: accessor, configurable: ownDescriptor?.configurable ?? true });
      if (!restored) throw new TypeError(`spyOn: could not put the ${accessType}ter of ${String(key)} back: its object was frozen since`);
    });
    return spy;
  }

  const original = object[key];
  if (typeof original !== "function") {
    throw new TypeError(
      `spyOn: cannot spy on the ${String(key)} property because it is not a function; ${describeTarget(original)} given instead`,
    );
  }
  if (isMockFunction(original)) return original;
  if (isModuleNamespace(object)) return spyOnExport(object, key, original);
  const writableOnly = requireReplaceable(object, key, ownDescriptor, false);
  // The original is the implementation, so the spy calls through and `new` on a spied class
  // makes instances of that class.
  const spy = fn(original);
  if (original.prototype !== undefined) spy.prototype = original.prototype;
  if (writableOnly) object[key] = spy;
  else defineProperty(object, key, { configurable: true, enumerable: descriptor.enumerable ?? true, writable: true, value: spy });
  spy._setRestore(() => {
    // Only while the spy is still there: what replaced it since is not the spy's to undo.
    if (object[key] !== spy) return;
    // Reflect's forms report failure instead of throwing, so one stuck spy (its object frozen
    // since) cannot stop the others; it is said once, below.
    const restored = !ownDescriptor
      ? deleteProperty(object, key)
      : writableOnly
        ? set(object, key, original)
        : defineProperty(object, key, ownDescriptor);
    if (!restored) throw new TypeError(`spyOn: could not put ${String(key)} back: its object was frozen or sealed since`);
  });
  return spy;
}

function isModuleNamespace(object) {
  return Object.prototype.toString.call(object) === "[object Module]";
}

// An ES module's namespace cannot change, but a project module can rebind its export
// (live-exports.js), which its importers then see: the spy goes there, as Vitest's does.
function spyOnExport(namespace, key, original) {
  const live = liveExport(namespace, key);
  if (live === null) {
    throw new TypeError(
      `spyOn: cannot replace ${String(key)}: the exports of an ES module cannot be replaced here; proctor replaces ` +
        `the exports of the project's own ES modules (also through a re-export), not one of a package's ` +
        `modules, a CommonJS module (spy on what require() gives) or a bundle's (build = "esbuild"). Spy on an ` +
        `object the module exports, or use vi.mock(path, { spy: true })`,
    );
  }
  const spy = fn(original);
  if (original.prototype !== undefined) spy.prototype = original.prototype;
  live.set(spy);
  spy._setRestore(() => {
    // Only while the spy is still there, as for an object's property.
    if (live.get() === spy) live.set(original);
  });
  return spy;
}

// Throws a clear error when `object[key]` cannot be replaced; returns true when it can only be
// assigned (writable but not configurable), not redefined.
function requireReplaceable(object, key, ownDescriptor, accessor) {
  const fail = (why) => {
    throw new TypeError(`spyOn: cannot replace ${String(key)}: ${why}`);
  };
  if (isModuleNamespace(object)) {
    fail("the exports of an ES module cannot be replaced through an accessor; spy on the function itself");
  }
  if (ownDescriptor === undefined) {
    if (!Object.isExtensible(object)) fail("the object is frozen or sealed, so it cannot get a property of its own");
    return false;
  }
  if (ownDescriptor.configurable) return false;
  if (!accessor && ownDescriptor.writable) return true;
  return fail("the property is not configurable (the object may be frozen)");
}

/**
 * Makes spies created from now on belong to `owner` (a test file's root group); jest-object.js
 * calls it as a file starts to run, and restoreSpiesOf(owner) once the file is done.
 */
export function setSpyOwner(owner) {
  spyOwner = owner;
}

/** Puts back the spies `owner` made, newest first; returns the errors of those that failed. */
export function restoreSpiesOf(owner) {
  const errors = [];
  for (const [spy, madeBy] of [...spies].reverse()) {
    if (madeBy !== owner) continue;
    try {
      spy.mockRestore();
    } catch (error) {
      spies.delete(spy);
      errors.push(error);
    }
  }
  return errors;
}

/** Forgets the recorded calls of every mock. */
export function clearAllMocks() {
  generations.clear++;
}

/** Resets every mock: no recorded calls, no implementation. */
export function resetAllMocks() {
  generations.reset++;
}

/** Puts back every original that spyOn replaced, newest first. */
export function restoreAllMocks() {
  for (const spy of [...spies.keys()].reverse()) spy.mockRestore();
}
