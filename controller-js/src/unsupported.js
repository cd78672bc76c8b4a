// Names Jest or Vitest has on `expect`, `expect(...)`, `jest` and `vi` that proctor lacks: using
// one fails with an error naming it ("vi.stubEnv() is not supported by proctor"), never with
// "undefined is not a function".
//
// The guard is a Proxy set as the prototype of the object, so it is reached only when a
// property is not found on the object itself: the names proctor has are found first, at full
// speed, and so are names a setup file or another module (chai) adds later. A name nobody knows
// still reads as undefined, as `"x" in expect` and feature checks expect.

// Jest's and Vitest's matchers (chai's names are chai's business).
const MATCHERS = [
  "toBe", "toBeCalled", "toBeCalledTimes", "toBeCalledWith", "toBeCloseTo", "toBeDefined", "toBeFalsy",
  "toBeGreaterThan", "toBeGreaterThanOrEqual", "toBeInstanceOf", "toBeLessThan", "toBeLessThanOrEqual",
  "toBeNaN", "toBeNull", "toBeTruthy", "toBeUndefined", "toContain", "toContainEqual", "toEqual",
  "toHaveBeenCalled", "toHaveBeenCalledTimes", "toHaveBeenCalledWith", "toHaveBeenLastCalledWith",
  "toHaveBeenNthCalledWith", "toHaveLastReturnedWith", "toHaveLength", "toHaveNthReturnedWith",
  "toHaveProperty", "toHaveReturned", "toHaveReturnedTimes", "toHaveReturnedWith", "toMatch",
  "toMatchInlineSnapshot", "toMatchObject", "toMatchSnapshot", "toReturn", "toReturnTimes", "toReturnWith",
  "toStrictEqual", "toThrow", "toThrowError", "toThrowErrorMatchingInlineSnapshot",
  "toThrowErrorMatchingSnapshot", "lastCalledWith", "lastReturnedWith", "nthCalledWith", "nthReturnedWith",
  "toBeTypeOf", "toHaveResolved", "toHaveResolvedTimes", "toHaveResolvedWith", "toHaveLastResolvedWith",
  "toHaveNthResolvedWith", "toMatchFileSnapshot", "toSatisfy", "toBeOneOf", "toHaveBeenCalledOnce",
  "toHaveBeenCalledExactlyOnceWith", "toHaveBeenCalledBefore", "toHaveBeenCalledAfter",
];

// `expect.*`.
const EXPECT_STATICS = [
  "any", "anything", "arrayContaining", "objectContaining", "stringContaining", "stringMatching", "closeTo",
  "assertions", "hasAssertions", "extend", "addSnapshotSerializer", "addEqualityTesters", "getState",
  "setState", "soft", "poll", "unreachable", "schemaMatching", "arrayOf", "element",
];

// Vitest's `vi.*`.
const VI = [
  "advanceTimersByTime", "advanceTimersByTimeAsync", "advanceTimersToNextFrame", "advanceTimersToNextTimer",
  "advanceTimersToNextTimerAsync", "clearAllMocks", "clearAllTimers", "doMock", "doUnmock",
  "dynamicImportSettled", "fn", "getMockedSystemTime", "getRealSystemTime", "getTimerCount", "hoisted",
  "importActual", "importMock", "isFakeTimers", "isMockFunction", "mock", "mockObject", "mocked",
  "resetAllMocks", "resetConfig", "resetModules", "restoreAllMocks", "runAllTicks", "runAllTimers",
  "runAllTimersAsync", "runOnlyPendingTimers", "runOnlyPendingTimersAsync", "setConfig", "setSystemTime",
  "spyOn", "stubEnv", "stubGlobal", "unmock", "unstubAllEnvs", "unstubAllGlobals", "useFakeTimers",
  "useRealTimers", "waitFor", "waitUntil", "defineHelper",
];

// Jest's `jest.*`.
const JEST = [
  "advanceTimersByTime", "advanceTimersByTimeAsync", "advanceTimersToNextFrame", "advanceTimersToNextTimer",
  "advanceTimersToNextTimerAsync", "autoMockOff", "autoMockOn", "clearAllMocks", "clearAllTimers",
  "createMockFromModule", "deepUnmock", "disableAutomock", "doMock", "dontMock", "enableAutomock", "fn",
  "genMockFromModule", "getRealSystemTime", "getSeed", "getTimerCount", "isEnvironmentTornDown",
  "isMockFunction", "isolateModules", "isolateModulesAsync", "mock", "mocked", "now", "onGenerateMock",
  "replaceProperty", "requireActual", "requireMock", "resetAllMocks", "resetModules", "restoreAllMocks",
  "retryTimes", "runAllImmediates", "runAllTicks", "runAllTimers", "runAllTimersAsync", "runOnlyPendingTimers",
  "runOnlyPendingTimersAsync", "setMock", "setSystemTime", "setTimeout", "spyOn", "unmock",
  "unstable_mockModule", "unstable_unmockModule", "useFakeTimers", "useRealTimers",
];

/** The known names for each guarded object, by label. */
export const KNOWN_NAMES = {
  "expect(...)": new Set(MATCHERS),
  expect: new Set(EXPECT_STATICS),
  vi: new Set([...VI, ...JEST]),
};

/** The error for a known but missing name: what was called, and what to do instead. */
export function unsupported(label, name) {
  let call;
  if (label === "vi") {
    const inVi = VI.includes(name);
    const inJest = JEST.includes(name);
    call = inVi && inJest ? `vi.${name}() / jest.${name}()` : inVi ? `vi.${name}()` : `jest.${name}()`;
  } else if (label === "expect(...)") {
    call = `expect(...).${name}()`;
  } else {
    call = `expect.${name}()`;
  }
  return new TypeError(`${call} is not supported by proctor (it is part of the Jest/Vitest API, but proctor does not implement it yet)`);
}

/**
 * Puts the guard under `object`: a known name it lacks throws `unsupported(label, name)` when
 * read. `label` is one of KNOWN_NAMES' keys.
 */
export function guardUnsupported(object, label) {
  const names = KNOWN_NAMES[label];
  // The target inherits from the old prototype, so the chain (and `instanceof`) goes on
  // through it: `expect instanceof Function` stays true.
  const guard = new Proxy(Object.create(Object.getPrototypeOf(object)), {
    get(target, key, receiver) {
      if (typeof key === "string" && names.has(key) && !(key in target)) throw unsupported(label, key);
      return Reflect.get(target, key, receiver);
    },
  });
  Object.setPrototypeOf(object, guard);
}
