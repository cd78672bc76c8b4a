// Types of mock functions and of the `vi` / `jest` object (mock.js, jest-object.js, timers.js,
// module-mocks.js), with Vitest's names (`Mock<T>`, `MockInstance<T>`, `Mocked<T>`) and Jest's
// (`jest.Mock`, `jest.SpyInstance`).

import type { Awaitable } from "./tests.js";

/** Any function type. */
export type Procedure = (...args: any[]) => any;
/** A class (or function) that can be called with `new`. */
export type Constructable = new (...args: any[]) => any;

/** What one call of a mock returned or threw. */
export type MockResult<T> =
  | { type: "return"; value: T }
  | { type: "throw"; value: unknown }
  | { type: "incomplete"; value: undefined };

/** What a promise a mock returned settled to. */
export type MockSettledResult<T> = { type: "fulfilled"; value: T } | { type: "rejected"; value: unknown };

/** The record a mock keeps of its calls (`mock.calls`, `mock.results`...). */
export interface MockContext<T extends Procedure = Procedure> {
  /** Arguments of every call. */
  calls: Parameters<T>[];
  /** `this` of every call (the instance, for `new`). */
  instances: ReturnType<T>[];
  /** `this` of every call. */
  contexts: ThisParameterType<T>[];
  /** Order of each call among all mocks' calls. */
  invocationCallOrder: number[];
  /** What each call returned or threw. */
  results: MockResult<ReturnType<T>>[];
  /** What each returned promise settled to. */
  settledResults: MockSettledResult<Awaited<ReturnType<T>>>[];
  /** Arguments of the last call. */
  lastCall: Parameters<T> | undefined;
}

/** The methods every mock and spy has (Vitest's `MockInstance`, Jest's `MockInstance`). */
export interface MockInstance<T extends Procedure = Procedure> {
  /** The mock's name in failure messages. */
  getMockName(): string;
  /** Names the mock. */
  mockName(name: string): this;
  /** The record of calls. */
  mock: MockContext<T>;
  /** Forgets the calls. */
  mockClear(): this;
  /** Forgets calls and implementations. */
  mockReset(): this;
  /** Puts back the spied-on original (spies). */
  mockRestore(): void;
  /** The current implementation. */
  getMockImplementation(): T | undefined;
  /** Sets the implementation. */
  mockImplementation(fn: T): this;
  /** Sets the implementation for the next call. */
  mockImplementationOnce(fn: T): this;
  /** Uses `fn` while `callback` runs. */
  withImplementation<R>(fn: T, callback: () => R): R extends Promise<unknown> ? Promise<void> : void;
  /** Makes the mock return `this`. */
  mockReturnThis(): this;
  /** Makes the mock return `value`. */
  mockReturnValue(value: ReturnType<T>): this;
  /** Makes the next call return `value`. */
  mockReturnValueOnce(value: ReturnType<T>): this;
  /** Makes the mock return a promise of `value`. */
  mockResolvedValue(value: Awaited<ReturnType<T>>): this;
  /** Makes the next call return a promise of `value`. */
  mockResolvedValueOnce(value: Awaited<ReturnType<T>>): this;
  /** Makes the mock return a promise rejected with `error`. */
  mockRejectedValue(error: unknown): this;
  /** Makes the next call return a promise rejected with `error`. */
  mockRejectedValueOnce(error: unknown): this;
}

/** A mock function: callable as `T` and a `MockInstance` (`vi.fn()`'s type). */
export interface Mock<T extends Procedure = Procedure> extends MockInstance<T> {
  new (...args: Parameters<T>): ReturnType<T>;
  (...args: Parameters<T>): ReturnType<T>;
}

/** Jest's spelling: `jest.Mock<Return, Args>` is also reachable as `MockedFunction`. */
export type MockedFunction<T extends Procedure> = Mock<T> & T;

/** `vi.mocked(obj)`: every function inside typed as a mock. */
export type MockedObject<T> = {
  [K in keyof T]: T[K] extends Procedure ? MockedFunction<T[K]> : T[K] extends object ? MockedObject<T[K]> : T[K];
} & T;

/** What `vi.mocked(value)` returns. */
export type Mocked<T> = T extends Procedure ? MockedFunction<T> & MockedObject<T> : MockedObject<T>;

/** A spied-on getter or setter. */
export type SpyAccess = "get" | "set";

type Methods<T> = { [K in keyof T]-?: T[K] extends Procedure ? K : never }[keyof T];
type Classes<T> = { [K in keyof T]-?: T[K] extends Constructable ? K : never }[keyof T];

/** Makes a mock function, optionally with an implementation. */
export declare function fn<T extends Procedure = Procedure>(implementation?: T): Mock<T>;

/** Spies on `object[key]`. */
export interface SpyOn {
  <T, K extends keyof T>(object: T, key: K, access: "get"): MockInstance<() => T[K]>;
  <T, K extends keyof T>(object: T, key: K, access: "set"): MockInstance<(value: T[K]) => void>;
  <T, M extends Classes<Required<T>> | Methods<Required<T>>>(
    object: T,
    key: M,
  ): Required<T>[M] extends Constructable
    ? MockInstance<(...args: ConstructorParameters<Required<T>[M]>) => InstanceType<Required<T>[M]>>
    : Required<T>[M] extends Procedure
      ? MockInstance<Required<T>[M]>
      : never;
}
/** Spies on a method (or a getter/setter with `access`) of an object. */
export declare const spyOn: SpyOn;

/** Options of `vi.useFakeTimers`. */
export interface FakeTimersConfig {
  /** The fake clock's start. */
  now?: number | Date;
  /** Names of timer functions to leave real. */
  doNotFake?: string[];
  /** Names of timer functions to fake (Vitest). */
  toFake?: string[];
  /** Jest's legacy switch. */
  legacyFakeTimers?: boolean;
  /** Make time advance with the real clock. */
  advanceTimers?: boolean | number;
  /** Loop limit of runAllTimers. */
  loopLimit?: number;
  /** Whether `performance.now()` is faked too. */
  shouldAdvanceTime?: boolean;
  [key: string]: unknown;
}

/** Options of `vi.waitFor`. */
export interface WaitForOptions {
  timeout?: number;
  interval?: number;
}

/** What `vi.mock(path, factory)` accepts as its factory. */
export type MockFactory<T = unknown> = (importOriginal: <M = T>() => Promise<M>) => Awaitable<Partial<T> | Record<string, unknown>>;

/** Options of `vi.mock` / `jest.mock`. */
export interface MockOptions {
  /** Jest: the module need not exist. */
  virtual?: boolean;
  /** Vitest: auto-mock, keeping spies on the originals. */
  spy?: boolean;
}

/** The `vi` / `jest` object. */
export interface VitestUtils {
  fn: typeof fn;
  /** Jest 25's name for `fn`. */
  genMockFunction: typeof fn;
  /** Jest 25's name for `fn`. */
  genMockFn: typeof fn;
  spyOn: SpyOn;
  /** Whether `value` is a mock function. */
  isMockFunction(value: unknown): value is Mock;
  /** Forgets every mock's calls. */
  clearAllMocks(): this;
  /** Forgets every mock's calls and implementations. */
  resetAllMocks(): this;
  /** Puts back what spyOn and replaceProperty replaced. */
  restoreAllMocks(): this;
  /** Replaces `object[key]` with `value` until restored. */
  replaceProperty<T extends object, K extends keyof T>(object: T, key: K, value: T[K]): { replaceValue(value: T[K]): unknown; restore(): void };
  /** Retries `callback` until it stops throwing (Vitest). */
  waitFor<T>(callback: () => Awaitable<T>, options?: number | WaitForOptions): Promise<T>;
  /** Retries `callback` until it returns a truthy value (Vitest). */
  waitUntil<T>(callback: () => Awaitable<T>, options?: number | WaitForOptions): Promise<Exclude<T, false | null | undefined | 0 | "">>;
  /** Vitest's run-time config (fake timer defaults...). */
  setConfig(config: Record<string, unknown>): void;
  /** Undoes `setConfig`. */
  resetConfig(): void;
  /** Types `value` as a mock (returns it unchanged). */
  mocked<T>(value: T, deep?: boolean): Mocked<T>;
  mocked<T>(value: T, options: { partial?: boolean; deep?: boolean }): Mocked<T>;
  /** Sets `globalThis[name]` until `unstubAllGlobals`. */
  stubGlobal(name: string | symbol | number, value: unknown): this;
  /** Puts back every stubbed global. */
  unstubAllGlobals(): this;
  /** Sets `process.env[name]` (and `import.meta.env`) until `unstubAllEnvs`. */
  stubEnv(name: string, value: string | boolean | undefined): this;
  /** Puts back every stubbed environment variable. */
  unstubAllEnvs(): this;
  /** Runs `factory` now (proctor hoists nothing else for it). */
  hoisted<T>(factory: () => T): T;
  /** Mocks a module (hoisted above imports). */
  mock(path: string, factory?: MockFactory, options?: MockOptions): this;
  /** Mocks a module for later imports (not hoisted). */
  doMock(path: string, factory?: MockFactory, options?: MockOptions): this;
  /** Removes a module's mock (hoisted). */
  unmock(path: string): this;
  /** Removes a module's mock for later imports. */
  doUnmock(path: string): this;
  /** Jest's name for `doUnmock`. */
  dontMock(path: string): this;
  /** Imports the real module, mocked or not. */
  importActual<T = Record<string, any>>(path: string): Promise<T>;
  /** Requires the real module, mocked or not. */
  requireActual<T = any>(path: string): T;
  /** Imports the module's (auto)mock. */
  importMock<T = Record<string, any>>(path: string): Promise<MockedObject<T>>;
  /** Requires the module's (auto)mock. */
  requireMock<T = any>(path: string): T;
  /** An automock of a module. */
  createMockFromModule<T = any>(path: string): T;
  /** Jest's older name for `createMockFromModule`. */
  genMockFromModule<T = any>(path: string): T;
  /** Forgets loaded modules so the next import loads them again. */
  resetModules(): this;
  /** Runs `fn` with its own module registry. */
  isolateModules(fn: () => void): this;
  /** Runs async `fn` with its own module registry. */
  isolateModulesAsync(fn: () => Promise<void>): Promise<void>;
  /** Replaces timers and Date with a fake clock. */
  useFakeTimers(config?: FakeTimersConfig | "modern" | "legacy"): this;
  /** Puts back the real timers. */
  useRealTimers(): this;
  /** Whether fake timers are on. */
  isFakeTimers(): boolean;
  advanceTimersByTime(ms: number): this;
  advanceTimersByTimeAsync(ms: number): Promise<this>;
  runAllTimers(): this;
  runAllTimersAsync(): Promise<this>;
  runOnlyPendingTimers(): this;
  runOnlyPendingTimersAsync(): Promise<this>;
  advanceTimersToNextTimer(steps?: number): this;
  advanceTimersToNextTimerAsync(steps?: number): Promise<this>;
  /** Runs every queued microtask (`process.nextTick`). */
  runAllTicks(): this;
  clearAllTimers(): this;
  getTimerCount(): number;
  /** Sets the fake (or, under real timers, the mocked) system time. */
  setSystemTime(time: number | string | Date): this;
  /** The fake clock's time in ms. */
  now(): number;
  /** The real time, whatever the fake clock says. */
  getRealSystemTime(): number;
  /** The fake clock's time as a Date, or null under real timers (Vitest). */
  getMockedSystemTime(): Date | null;
  /** Jest's `setTimeout(ms)`: ignored (timeouts come from the plan). */
  setTimeout(ms: number): this;
}

/** Vitest's `vi`. */
export declare const vi: VitestUtils;
/** Jest's `jest` (the same object as `vi`). */
export declare const jest: VitestUtils;

/**
 * The mock types under the names Jest code writes them (`jest.Mock<typeof f>`,
 * `jest.Mocked<typeof obj>`, `jest.SpyInstance`), in jest-mock's (Jest 29's) form: `T` is the
 * function type, not the return type of @types/jest's older `jest.Mock<Return, Args>`.
 */
export declare namespace jest {
  type Mock<T extends Procedure = Procedure> = import("./mock.js").Mock<T>;
  type MockInstance<T extends Procedure = Procedure> = import("./mock.js").MockInstance<T>;
  type SpyInstance<T extends Procedure = Procedure> = import("./mock.js").MockInstance<T>;
  type Mocked<T> = import("./mock.js").Mocked<T>;
  type MockedFunction<T extends Procedure> = import("./mock.js").MockedFunction<T>;
  type MockedObject<T> = import("./mock.js").MockedObject<T>;
  type DoneCallback = import("./tests.js").DoneCallback;
}
