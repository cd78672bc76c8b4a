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
import { readRetry, registry } from "./registry.js";
import {
  createMockFromModule,
  importActualModule,
  importMockModule,
  isolateModules,
  mockModule,
  requireActualModule,
  requireMockModule,
  resetModuleMocks,
  resetModulesOfCaller,
  unmockModule,
} from "./module-mocks.js";
import { replaceProperty, restoreAllReplaced, restoreReplacedOf, setReplacementOwner } from "./replace-property.js";
import { applyFileTimers, isFakeTimers, now, removeLeftoverFakes, timerApi, useRealTimers } from "./timers.js";
import { guardUnsupported } from "./unsupported.js";
import { resetConfig, resetConfigOf, setConfig } from "./vi-config.js";
import { waitFor, waitUntil } from "./wait.js";

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

// Vite's boolean variables, which Vitest stores as "1" or "".
const ENV_BOOLEANS = ["PROD", "DEV", "SSR"];

// Vite's `import.meta.env` as Vitest gives it: the transform writes this global for it
// (host/src/transform/import_meta_env.rs). It reads and writes `process.env` (so `vi.stubEnv`
// reaches it), the booleans as Vite's; Vite's own variables have their test-mode values where
// the environment does not set them. In a browser, which has no `process.env`, a plain store.
const metaEnvStore = globalThis.process?.env ?? {};
const metaEnvDefaults = {
  BASE_URL: () => "/",
  MODE: () => "test",
  DEV: () => true,
  PROD: () => false,
  // Vitest's node tests are server-side; a DOM environment's and the browser's are not.
  SSR: () => typeof window === "undefined",
};
Object.defineProperty(globalThis, "__proctorImportMetaEnv", {
  configurable: true,
  value: new Proxy(metaEnvStore, {
    get(store, key) {
      if (typeof key !== "string") return undefined;
      if (!Object.hasOwn(store, key)) return Object.hasOwn(metaEnvDefaults, key) ? metaEnvDefaults[key]() : undefined;
      return ENV_BOOLEANS.includes(key) ? Boolean(store[key]) : store[key];
    },
    set(store, key, value) {
      if (typeof key === "string") store[key] = ENV_BOOLEANS.includes(key) ? (value ? "1" : "") : String(value);
      return true;
    },
    has: (store, key) => Object.hasOwn(store, key) || Object.hasOwn(metaEnvDefaults, key),
    ownKeys: (store) => [...new Set([...Reflect.ownKeys(store), ...Object.keys(metaEnvDefaults)])],
    getOwnPropertyDescriptor(store, key) {
      if (!Object.hasOwn(store, key) && !Object.hasOwn(metaEnvDefaults, key)) return undefined;
      return { configurable: true, enumerable: true, writable: true, value: this.get(store, key) };
    },
  }),
});

// Environment variables replaced with vi.stubEnv, with what to put back (undefined: unset).
const stubbedEnv = new Map();

// Vitest's vi.stubEnv: `process.env` is what proctor's runtimes have (Vite's import.meta.env is
// not there to stub).
function stubEnv(name, value) {
  const env = globalThis.process?.env;
  if (env === undefined) throw new TypeError("vi.stubEnv() needs process.env, which this runtime does not have");
  if (!stubbedEnv.has(name)) stubbedEnv.set(name, Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined);
  if (value === undefined) delete env[name];
  else env[name] = ENV_BOOLEANS.includes(name) ? (value ? "1" : "") : String(value);
  return mocker;
}

function unstubAllEnvs() {
  const env = globalThis.process?.env;
  for (const [name, value] of [...stubbedEnv].reverse()) {
    if (env === undefined) break;
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  stubbedEnv.clear();
  return mocker;
}

let warnedAboutSetTimeout = false;

// Jest's module calls return the jest object, so they chain (`jest.mock(a).mock(b)`).
function chained(call) {
  return function chainedCall(...args) {
    call(...args);
    return mocker;
  };
}


/** The `jest` / `vi` object. Not frozen, so a setup file can add what a suite needs. */
export const mocker = {
  fn,
  // Jest 25 and older: `jest.genMockFunction()` and `jest.genMockFn()` were `jest.fn()`, and
  // suites written then still call them.
  genMockFunction: fn,
  genMockFn: fn,
  spyOn,
  isMockFunction,
  clearAllMocks,
  resetAllMocks,
  /** Puts back what spyOn and replaceProperty replaced. */
  restoreAllMocks() {
    restoreAllMocks();
    restoreAllReplaced();
  },
  replaceProperty,
  waitFor,
  waitUntil,
  setConfig,
  resetConfig,
  mocked,
  stubGlobal,
  unstubAllGlobals,
  /** Vitest's vi.hoisted(factory): nothing is hoisted here, so it runs the factory now. */
  hoisted: (factory) => factory(),
  // Module mocks (module-mocks.js). `mock` and `unmock` are hoisted above the imports by the
  // transform; `doMock` and `doUnmock`/`dontMock` are not, and affect later imports only.
  mock: chained(mockModule),
  doMock: chained(mockModule),
  unmock: chained(unmockModule),
  doUnmock: chained(unmockModule),
  dontMock: chained(unmockModule),
  importActual: importActualModule,
  requireActual: requireActualModule,
  importMock: importMockModule,
  requireMock: requireMockModule,
  createMockFromModule,
  genMockFromModule: createMockFromModule,
  resetModules: chained(resetModulesOfCaller),
  isolateModules: chained(isolateModules),
  isolateModulesAsync: isolateModules,
  ...timerApi,
  /** Vitest's: the fake clock's time as a Date, or null under real timers. */
  getMockedSystemTime: () => (isFakeTimers() ? new Date(now()) : null),
  stubEnv,
  unstubAllEnvs,
  /**
   * Jest's `jest.retryTimes(n)`: the tests declared after it in its file (or describe) run again
   * up to n times after a failure. Called while a test file loads, as Jest requires.
   */
  retryTimes(n) {
    const count = readRetry(n, "jest.retryTimes(n): n");
    registry.target("jest.retryTimes").retries = count;
    return mocker;
  },
  /**
   * Jest's `jest.setTimeout(ms)`: the default timeout of the tests and hooks its file declares
   * from then on (as `vi.setConfig({ testTimeout, hookTimeout })`); called at a file's top level
   * or in a describe body, where Jest suites call it. The host enforces timeouts from the plan,
   * so a call while tests run is ignored with a warning.
   */
  setTimeout(ms) {
    if (registry.loadingFileRootOnStack() !== null) {
      if (typeof ms !== "number" || !(ms >= 0)) throw new TypeError("jest.setTimeout(ms): ms must be a non-negative number");
      setConfig({ testTimeout: ms, hookTimeout: ms });
      return mocker;
    }
    if (warnedAboutSetTimeout) return mocker;
    warnedAboutSetTimeout = true;
    console.warn(
      "jest.setTimeout() while tests run is ignored by proctor: call it at the file's top level, give the test " +
        "a timeout in its options ({ timeout: ms }) or as Jest's third argument, or set one with --timeout or in proctor.toml",
    );
    return mocker;
  },
};
// What Jest or Vitest has and proctor lacks fails naming itself (unsupported.js).
guardUnsupported(mocker, "vi");

/**
 * Applies what a test file asked for at its top level, when its tests start (`fileRoot` is its
 * root group): all files are imported before the first test runs, so fake timers asked for
 * while importing wait for their file.
 */
export function prepareFile(fileRoot) {
  // Spies made from here on belong to this file, and go back when it is done.
  setSpyOwner(fileRoot);
  setReplacementOwner(fileRoot);
  applyFileTimers(fileRoot);
}

/**
 * Undoes what a test file changed through this object once the file is done (`fileRoot` is its
 * root group): its spies, fake timers, stubbed globals and module mocks. Returns what could not be undone. Files share one runtime here, where
 * Jest and Vitest give each its own environment.
 */
export function resetAfterFile(fileRoot) {
  // Each step runs even when one before it failed (a spy on an object frozen since, say); the
  // errors are returned for the caller to report. Timers first: a spy made before
  // useFakeTimers() is then the global again, for its restore.
  const errors = [];
  // Its module mocks go too: files share a realm here, and a mock never reaches another file.
  const dropModuleMocks = () => fileRoot.file !== undefined && resetModuleMocks(fileRoot.file);
  const steps = [
    useRealTimers,
    () => errors.push(...restoreSpiesOf(fileRoot)),
    () => restoreReplacedOf(fileRoot),
    removeLeftoverFakes,
    unstubAllGlobals,
    unstubAllEnvs,
    dropModuleMocks,
    () => resetConfigOf(fileRoot),
  ];
  for (const step of steps) {
    try {
      step();
    } catch (error) {
      errors.push(error);
    }
  }
  return errors;
}
