// Mock functions and spies: `fn()` and `spyOn()`, also reachable as `jest.fn` / `vi.fn`, so
// tests written for Jest or Vitest keep working.
//
// A mock records every call (arguments, `this`, what it returned or threw) in `mock.mock`, the
// shape Jest documents, and the call matchers in mock-matchers.js read that record. Spies replace
// a method on its object and put the original back on `mockRestore()` / `restoreAllMocks()`.

// Every mock made, for clearAllMocks / resetAllMocks; spies again on their own, for
// restoreAllMocks, which in Jest puts back spies only.
const allMocks = new Set();
const spies = new Set();
// Jest's invocationCallOrder counts calls across all mocks, so tests can order calls of two mocks.
let callCount = 0;

const MOCK = Symbol.for("proctor.mock");

function freshState() {
  return {
    calls: [],
    results: [],
    instances: [],
    contexts: [],
    invocationCallOrder: [],
    get lastCall() {
      return this.calls.at(-1);
    },
  };
}

/**
 * A mock function that records its calls and runs `implementation` (if any) for each.
 * @param {Function} [implementation]
 */
export function fn(implementation) {
  if (implementation !== undefined && typeof implementation !== "function") {
    throw new TypeError(`fn(implementation): implementation must be a function, got ${typeof implementation}`);
  }
  let state = freshState();
  let current = implementation;
  let once = [];
  let name = "jest.fn()";
  let restore = () => {};

  const mock = function (...args) {
    const calledAsConstructor = new.target !== undefined;
    // This call's record, even if the implementation clears the mock while it runs.
    const record = state;
    record.calls.push(args);
    record.contexts.push(this);
    const instance = record.instances.push(calledAsConstructor ? this : undefined) - 1;
    record.invocationCallOrder.push(++callCount);
    // Pushed before the call, so a recursive call sees this one as incomplete, as in Jest.
    const result = { type: "incomplete", value: undefined };
    record.results.push(result);
    const chosen = once.length > 0 ? once.shift() : current;
    try {
      let value;
      if (chosen === undefined) value = undefined;
      else if (calledAsConstructor && chosen.prototype !== undefined) {
        // Constructed, not applied: a class cannot be called, and a spy's call-through must see
        // `new.target`. Arrow functions (no prototype) are applied to the new object instead.
        value = Reflect.construct(chosen, args, new.target);
        record.instances[instance] = value;
      } else value = chosen.apply(this, args);
      result.type = "return";
      result.value = value;
      return value;
    } catch (error) {
      result.type = "throw";
      result.value = error;
      throw error;
    }
  };

  Object.defineProperty(mock, "mock", {
    configurable: false,
    enumerable: true,
    get: () => state,
  });
  Object.defineProperty(mock, MOCK, { value: true });
  Object.defineProperty(mock, "_isMockFunction", { value: true });

  const implement = (implementationToUse) => {
    current = implementationToUse;
    return mock;
  };
  const implementOnce = (implementationToUse) => {
    once.push(implementationToUse);
    return mock;
  };

  Object.assign(mock, {
    getMockName: () => name,
    mockName(newName) {
      name = String(newName);
      return mock;
    },
    getMockImplementation: () => current,
    mockImplementation: implement,
    mockImplementationOnce: implementOnce,
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
    /** Runs `callback` with `temporary` as the implementation, then puts the previous one back. */
    withImplementation(temporary, callback) {
      const previous = current;
      current = temporary;
      let returned;
      try {
        returned = callback();
      } catch (error) {
        current = previous;
        throw error;
      }
      if (returned !== null && typeof returned === "object" && typeof returned.then === "function") {
        return Promise.resolve(returned).finally(() => {
          current = previous;
        });
      }
      current = previous;
      return undefined;
    },
    /** Forgets the recorded calls; implementations stay. */
    mockClear() {
      state = freshState();
      return mock;
    },
    /** Forgets the recorded calls and the implementations: the mock returns undefined. */
    mockReset() {
      state = freshState();
      current = undefined;
      once = [];
      return mock;
    },
    /** As mockReset, and a spy puts the original method back on its object. */
    mockRestore() {
      mock.mockReset();
      restore();
      spies.delete(mock);
    },
  });

  // spyOn's hook: what mockRestore must undo.
  Object.defineProperty(mock, "_setRestore", {
    value(undo) {
      restore = undo;
    },
  });
  allMocks.add(mock);
  return mock;
}

/** True for functions made by `fn()` or `spyOn()`. */
export function isMockFunction(value) {
  return typeof value === "function" && value[MOCK] === true;
}

function describeTarget(object) {
  if (object === null) return "null";
  return typeof object;
}

/**
 * Replaces `object[key]` with a mock that calls the original, and returns the mock. With
 * `accessType` "get" or "set", spies on that accessor of the property instead.
 */
export function spyOn(object, key, accessType) {
  if (object === null || (typeof object !== "object" && typeof object !== "function")) {
    throw new TypeError(`spyOn could not find an object to spy on for ${String(key)}: got ${describeTarget(object)}`);
  }
  let owner = object;
  let descriptor;
  while (owner !== null && !(descriptor = Object.getOwnPropertyDescriptor(owner, key))) {
    owner = Object.getPrototypeOf(owner);
  }
  if (descriptor === undefined) {
    throw new TypeError(`spyOn: property ${String(key)} does not exist on the object`);
  }
  const ownDescriptor = owner === object ? descriptor : undefined;

  if (accessType === "get" || accessType === "set") {
    const accessor = descriptor[accessType];
    if (typeof accessor !== "function") {
      throw new TypeError(`spyOn: property ${String(key)} has no ${accessType}ter to spy on`);
    }
    if (isMockFunction(accessor)) return accessor;
    requireConfigurable(object, key, ownDescriptor);
    const spy = fn(accessor);
    Object.defineProperty(object, key, { ...descriptor, [accessType]: spy, configurable: true });
    // Only this accessor goes back, so a getter and a setter spy can be restored in any order.
    spy._setRestore(() => {
      const current = Object.getOwnPropertyDescriptor(object, key);
      if (current?.[accessType] !== spy) return;
      const other = accessType === "get" ? "set" : "get";
      const untouched = ownDescriptor ?? descriptor;
      if (!ownDescriptor && current[other] === descriptor[other]) delete object[key];
      else Object.defineProperty(object, key, { ...current, [accessType]: accessor, configurable: untouched.configurable ?? true });
    });
    spies.add(spy);
    return spy;
  }
  if (accessType !== undefined) {
    throw new TypeError(`spyOn: accessType must be "get" or "set", got ${String(accessType)}`);
  }

  const original = object[key];
  if (typeof original !== "function") {
    throw new TypeError(
      `spyOn: cannot spy on the ${String(key)} property because it is not a function; ${describeTarget(original)} given instead`,
    );
  }
  if (isMockFunction(original)) return original;
  requireConfigurable(object, key, ownDescriptor);
  const spy = fn(function (...args) {
    return new.target !== undefined ? Reflect.construct(original, args, new.target) : original.apply(this, args);
  });
  // Spies made by spyOn go back to calling through after mockReset only in Vitest; Jest's reset
  // leaves them returning undefined, which fn() already does. The name helps failure messages.
  spy.mockName(String(key));
  defineSpy(
    object,
    key,
    { configurable: true, enumerable: descriptor.enumerable ?? true, writable: true, value: spy },
    ownDescriptor,
    spy,
  );
  return spy;
}

function requireConfigurable(object, key, ownDescriptor) {
  if (ownDescriptor && !ownDescriptor.configurable && !ownDescriptor.writable) {
    const namespace = Object.prototype.toString.call(object) === "[object Module]";
    throw new TypeError(
      `spyOn: cannot redefine ${String(key)}: the property is not configurable` +
        (namespace ? " (the exports of an ES module cannot be replaced; spy on an object the module exports instead)" : ""),
    );
  }
}

function defineSpy(object, key, spyDescriptor, ownDescriptor, spy) {
  if (ownDescriptor && !ownDescriptor.configurable) {
    // Writable but not configurable: the value can change, the descriptor cannot.
    object[key] = spyDescriptor.value;
  } else {
    Object.defineProperty(object, key, spyDescriptor);
  }
  spy._setRestore(() => {
    if (!ownDescriptor) delete object[key];
    else if (!ownDescriptor.configurable) object[key] = ownDescriptor.value;
    else Object.defineProperty(object, key, ownDescriptor);
  });
  spies.add(spy);
}

/** Forgets the recorded calls of every mock. */
export function clearAllMocks() {
  for (const mock of allMocks) mock.mockClear();
}

/** Resets every mock: no recorded calls, no implementation. */
export function resetAllMocks() {
  for (const mock of allMocks) mock.mockReset();
}

/** Puts back every method replaced by spyOn. */
export function restoreAllMocks() {
  for (const spy of [...spies]) spy.mockRestore();
}

/** `jest.mocked(x)` / `vi.mocked(x)`: a typing helper that returns its argument. */
function mocked(value) {
  return value;
}

// Parts of Jest's and Vitest's objects proctor does not have: a clear error naming the call
// beats "jest.mock is not a function".
function unsupported(name, advice) {
  return () => {
    throw new Error(`jest.${name}() / vi.${name}() is not supported by proctor: ${advice}`);
  };
}
const noModuleMocks = unsupported(
  "mock",
  "module mocking is not available; spy on an object the module exports with spyOn(), or pass the dependency in",
);
const noFakeTimers = (name) => unsupported(name, "fake timers are not available yet");
let warnedAboutSetTimeout = false;

/** The `jest` / `vi` object: the mocking API under the names Jest and Vitest tests use. */
export const mocker = Object.freeze({
  fn,
  spyOn,
  isMockFunction,
  clearAllMocks,
  resetAllMocks,
  restoreAllMocks,
  mocked,
  mock: noModuleMocks,
  doMock: noModuleMocks,
  unmock: noModuleMocks,
  useFakeTimers: noFakeTimers("useFakeTimers"),
  advanceTimersByTime: noFakeTimers("advanceTimersByTime"),
  runAllTimers: noFakeTimers("runAllTimers"),
  runOnlyPendingTimers: noFakeTimers("runOnlyPendingTimers"),
  // Real timers are what proctor has, so asking for them is fine.
  useRealTimers() {},
  // The host enforces timeouts from the plan, which a call at run time cannot change.
  setTimeout() {
    if (warnedAboutSetTimeout) return;
    warnedAboutSetTimeout = true;
    console.warn(
      "jest.setTimeout() is ignored by proctor: give the test a timeout in its options ({ timeout: ms }) " +
        "or as Jest's third argument, or set one with --timeout or in proctor.toml",
    );
  },
});
