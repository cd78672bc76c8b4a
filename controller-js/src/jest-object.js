// The `jest` / `vi` object: what tests written for Jest or Vitest call on it, gathered from
// mock.js (fn, spyOn, ...) and timers.js (fake timers), plus the small helpers that belong to
// neither. What proctor does not have throws an error naming the call, rather than the bare
// "jest.mock is not a function".

import {
  clearAllMocks,
  fn,
  isMockFunction,
  resetAllMocks,
  restoreAllMocks,
  restoreSpiesOf,
  setSpyOwner,
  spyOn,
} from "./mock.js";
import { restoreGlobal, setGlobal } from "./globals.js";
import { applyFileTimers, removeLeftoverFakes, timerApi, useRealTimers } from "./timers.js";

/** `jest.mocked(x)` / `vi.mocked(x)`: a typing helper that returns its argument. */
function mocked(value) {
  return value;
}

// Globals replaced with vi.stubGlobal, with what to put back.
const stubbedGlobals = new Map();

function stubGlobal(name, value) {
  if (!stubbedGlobals.has(name)) stubbedGlobals.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
  setGlobal(name, value);
}

function unstubAllGlobals() {
  const stubbed = [...stubbedGlobals].reverse();
  stubbedGlobals.clear();
  for (const [name, descriptor] of stubbed) restoreGlobal(name, descriptor);
}

function unsupported(name, advice) {
  return () => {
    throw new Error(`jest.${name}() / vi.${name}() is not supported by proctor: ${advice}`);
  };
}
const noModuleMocks = (name) =>
  unsupported(
    name,
    "module mocking is not available; spy on an object the module exports with spyOn(), or pass the dependency in",
  );
let warnedAboutSetTimeout = false;

/** The `jest` / `vi` object. Not frozen, so a setup file can add what a suite needs. */
export const mocker = {
  fn,
  spyOn,
  isMockFunction,
  clearAllMocks,
  resetAllMocks,
  restoreAllMocks,
  mocked,
  stubGlobal,
  unstubAllGlobals,
  /** Vitest's vi.hoisted(factory): nothing is hoisted here, so it runs the factory now. */
  hoisted: (factory) => factory(),
  mock: noModuleMocks("mock"),
  doMock: noModuleMocks("doMock"),
  unmock: noModuleMocks("unmock"),
  requireActual: noModuleMocks("requireActual"),
  importActual: noModuleMocks("importActual"),
  ...timerApi,
  // The host enforces timeouts from the plan, which a call at run time cannot change.
  setTimeout() {
    if (warnedAboutSetTimeout) return;
    warnedAboutSetTimeout = true;
    console.warn(
      "jest.setTimeout() is ignored by proctor: give the test a timeout in its options ({ timeout: ms }) " +
        "or as Jest's third argument, or set one with --timeout or in proctor.toml",
    );
  },
};

/**
 * Applies what a test file asked for at its top level, when its tests start (`fileRoot` is its
 * root group): all files are imported before the first test runs, so fake timers asked for
 * while importing wait for their file.
 */
export function prepareFile(fileRoot) {
  // Spies made from here on belong to this file, and go back when it is done.
  setSpyOwner(fileRoot);
  applyFileTimers(fileRoot);
}

/**
 * Undoes what a test file changed through this object once the file is done (`fileRoot` is its
 * root group): its spies, fake timers and stubbed globals. Returns what could not be undone. Files share one runtime here, where
 * Jest and Vitest give each its own environment.
 */
export function resetAfterFile(fileRoot) {
  // Each step runs even when one before it failed (a spy on an object frozen since, say); the
  // errors are returned for the caller to report. Timers first: a spy made before
  // useFakeTimers() is then the global again, for its restore.
  const errors = [];
  for (const step of [useRealTimers, () => errors.push(...restoreSpiesOf(fileRoot)), removeLeftoverFakes, unstubAllGlobals]) {
    try {
      step();
    } catch (error) {
      errors.push(error);
    }
  }
  return errors;
}
