// Types for `import { describe, it, expect, vi } from "proctor"`.
//
// Written by hand against what controller-js/src does at run time, with the names and shapes of
// Vitest's and Jest's own declarations so suites port by changing the import. `expect.extend`
// users add matchers by augmenting `Matchers<R>` (or `Assertion<T>` / `AsymmetricMatchersContaining`)
// in `declare module "proctor"`, as with @types/jest and Vitest. chai's chain is a hand-written
// subset of @types/chai; `expectTypeOf` is a smaller expect-type.

// ---------------------------------------------------------------------------------------------
// Tests, groups and hooks
// ---------------------------------------------------------------------------------------------

/** A value or a promise of it: test bodies and hooks may be async. */
export type Awaitable<T> = T | PromiseLike<T>;

/** Mocha's and Jest's done callback; call it with an error to fail the test. */
export interface DoneCallback {
  (error?: unknown): void;
  /** Jest's `done.fail(error)`. */
  fail(error?: unknown): void;
}

/** What a test's body receives first (Vitest's `TestContext`). */
export interface TestContext {
  /** The running test (`task.name`). */
  task: { name: string; id?: string; [key: string]: unknown };
  /** An `expect` bound to this test (counts its assertions, for concurrent tests). */
  expect: ExpectStatic;
  /**
   * Vitest's skip from inside the test. Typed for ported code, but proctor throws a message
   * naming it: use `it.skip`, `it.skipIf(condition)` or mocha's `this.skip()`.
   */
  skip(condition?: boolean, note?: string): void;
  /** Runs `fn` after this test, whatever its result. */
  onTestFinished(fn: TestCallback, timeout?: number): void;
  /** Runs `fn` after this test when it failed. */
  onTestFailed(fn: TestCallback, timeout?: number): void;
  /** Fixtures and whatever hooks put on the context. */
  [key: string]: unknown;
}

/** A callback run when a test ends (`onTestFinished`, `onTestFailed`). */
export type TestCallback = (context: TestContext) => Awaitable<unknown>;

/** Options a test or group takes in place of (or besides) its timeout. */
export interface TestOptions {
  /** Milliseconds the host waits for this test (hooks included) before it times out. */
  timeout?: number;
  /** Tags for `--tag` selection; a group's tags apply to its tests. */
  tags?: string[];
  /** Declares the test skipped. */
  skip?: boolean;
  /** Focuses the test (the others of the run are skipped). */
  only?: boolean;
  /** Declares the test a todo. */
  todo?: boolean;
  /** Expects the test to fail (Vitest's `fails`, Jest's `failing`). */
  fails?: boolean;
  /** Retries of a failing test (Vitest). */
  retry?: number;
  /** Extra runs of the test (Vitest). */
  repeats?: number;
  /** Accepted for Vitest compatibility: proctor runs one test at a time. */
  concurrent?: boolean;
  /** Accepted for Vitest compatibility: proctor runs one test at a time. */
  sequential?: boolean;
}

/**
 * What a test body's first parameter is: Vitest's context, or for a Jest or mocha body that
 * calls it, `done`. One type for both (as proctor decides at run time from how the body uses
 * it), so an untyped `(context) =>` or `(done) =>` gets its parameter's type from the call.
 */
export type TestArgument<Extra = {}> = TestContext & Extra & DoneCallback;

/** A test body: no parameter, Vitest's context, or a Jest/mocha `done` callback. */
export type TestFunction<Extra = {}> = (this: MochaContext, context: TestArgument<Extra>) => Awaitable<unknown>;

/** The rows of a `.each` table mapped to the parameters of its body. */
type EachRow<T> = T extends readonly unknown[] ? T : [T];

/** `it.each(table)` / `describe.each(table)`: returns the declaring function. */
export interface EachFunction<Ret = void> {
  <T extends readonly unknown[] | [unknown]>(cases: ReadonlyArray<T>): (
    name: string | Function,
    fn: (...args: T) => Awaitable<unknown>,
    optionsOrTimeout?: number | TestOptions,
  ) => Ret;
  <T>(cases: ReadonlyArray<T>): (
    name: string | Function,
    fn: (...args: EachRow<T>) => Awaitable<unknown>,
    optionsOrTimeout?: number | TestOptions,
  ) => Ret;
  /** The tagged-template table: `` it.each`a | b ${1} | ${2}` ``. */
  (strings: TemplateStringsArray, ...values: unknown[]): (
    name: string | Function,
    fn: (row: any) => Awaitable<unknown>,
    optionsOrTimeout?: number | TestOptions,
  ) => Ret;
}

/** Vitest's `test.for(table)`: the row is one argument, then the test context. */
export interface ForFunction<Extra = {}> {
  <T>(cases: ReadonlyArray<T>): (
    name: string | Function,
    fn: (row: T, context: TestArgument<Extra>) => Awaitable<unknown>,
    optionsOrTimeout?: number | TestOptions,
  ) => void;
  (strings: TemplateStringsArray, ...values: unknown[]): (
    name: string | Function,
    fn: (row: any, context: TestArgument<Extra>) => Awaitable<unknown>,
    optionsOrTimeout?: number | TestOptions,
  ) => void;
}

/** Declares one test: `(name, fn, timeout?)`, `(name, options, fn)` or `(name, fn, options)`. */
export interface TestDeclaration<Extra = {}> {
  (name: string | Function, fn?: TestFunction<Extra>, optionsOrTimeout?: number | TestOptions): void;
  (name: string | Function, options: TestOptions, fn?: TestFunction<Extra>): void;
  /** A table-driven test: one test per row, `%s`/`%i`/`$name` in the name. */
  each: EachFunction;
  /** Vitest's table-driven test with the row as one argument. */
  for: ForFunction<Extra>;
}

/** Fixture definitions for `test.extend`: a value, or Vitest's `async ({...}, use) => {}`. */
export type Fixtures<T, Base = {}> = {
  [K in keyof T]:
    | T[K]
    | ((context: Base & TestContext & T, use: (value: T[K]) => Promise<void>) => Promise<void>)
    | [((context: Base & TestContext & T, use: (value: T[K]) => Promise<void>) => Promise<void>), { auto?: boolean; scope?: "test" | "file" | "worker" }];
};

/** `it` / `test` and their modifiers. */
export interface TestAPI<Extra = {}> extends TestDeclaration<Extra> {
  /** Declares a skipped test. */
  skip: TestDeclaration<Extra> & { failing: TestDeclaration<Extra>; fails: TestDeclaration<Extra> };
  /** Declares a focused test. */
  only: TestDeclaration<Extra> & { failing: TestDeclaration<Extra>; fails: TestDeclaration<Extra> };
  /** Declares a placeholder: a name, no body. */
  todo(name: string | Function): void;
  /** Jest's test that passes when its body throws. */
  failing: TestDeclaration<Extra>;
  /** Vitest's name for `failing`. */
  fails: TestDeclaration<Extra>;
  /** Skips the test when `condition` holds. */
  skipIf(condition: unknown): TestDeclaration<Extra>;
  /** Runs the test only when `condition` holds. */
  runIf(condition: unknown): TestDeclaration<Extra>;
  /** Accepted as in Jest and Vitest; proctor runs one test at a time. */
  concurrent: TestAPI<Extra>;
  /** Accepted as in Vitest; proctor runs one test at a time. */
  sequential: TestAPI<Extra>;
  /** Vitest's fixtures: a new API whose tests get these values in their context. */
  extend<T extends object>(fixtures: Fixtures<T, Extra>): TestAPI<Extra & T>;
  /** Vitest's scoped fixture override for the enclosing group. */
  scoped(fixtures: Partial<Fixtures<Extra>>): void;
}

/** A group's body: declares tests synchronously. */
export type SuiteFunction = (this: MochaSuiteContext) => void;

/** Declares one group: `(name, fn)`, `(name, options, fn)` or `(name, fn, options)`. */
export interface SuiteDeclaration {
  (name: string | Function, fn: SuiteFunction, optionsOrTimeout?: number | TestOptions): void;
  (name: string | Function, options: TestOptions, fn: SuiteFunction): void;
  /** One group per row. */
  each: EachFunction;
  /** One group per row, the row as one argument. */
  for: <T>(cases: ReadonlyArray<T>) => (name: string | Function, fn: (row: T) => void, optionsOrTimeout?: number | TestOptions) => void;
}

/** `describe` / `suite` and their modifiers. */
export interface SuiteAPI extends SuiteDeclaration {
  /** Declares a skipped group. */
  skip: SuiteDeclaration;
  /** Declares a focused group. */
  only: SuiteDeclaration;
  /** Skips the group when `condition` holds. */
  skipIf(condition: unknown): SuiteDeclaration;
  /** Declares the group only when `condition` holds. */
  runIf(condition: unknown): SuiteDeclaration;
  /** Accepted as in Vitest; proctor runs one test at a time. */
  concurrent: SuiteAPI;
  /** Accepted as in Vitest; proctor runs one test at a time. */
  sequential: SuiteAPI;
}

/** A hook body: may return a promise, or (mocha, Jest) take `done`. */
export type HookFunction = (this: MochaContext, context: TestArgument) => Awaitable<unknown>;

/** `beforeAll(fn, timeout?)`, and mocha's titled `before("title", fn)`. */
export interface HookAPI {
  (fn: HookFunction, timeout?: number): void;
  (title: string, fn: HookFunction, timeout?: number): void;
}

/** mocha's `this` inside tests and hooks. */
export interface MochaContext {
  /** The current test's or hook's timeout in ms (mocha). */
  timeout(): number;
  /** Sets the timeout of the current test or hook (mocha). */
  timeout(ms: number | string): this;
  /** mocha's slow threshold: accepted, no effect. */
  slow(): number;
  slow(ms: number | string): this;
  /** Skips the running test from inside (mocha). */
  skip(): never;
  /** mocha's retries. */
  retries(): number;
  retries(n: number): this;
  /** The running test. */
  currentTest?: { title: string; fullTitle(): string; state?: string; [key: string]: unknown };
  /** The running runnable. */
  test?: { title: string; fullTitle(): string; [key: string]: unknown };
  /** Values tests share through `this`. */
  [key: string]: any;
}

/** mocha's `this` inside a describe body. */
export interface MochaSuiteContext {
  timeout(ms?: number | string): this;
  slow(ms?: number | string): this;
  retries(n?: number): this;
  [key: string]: any;
}

/** Declares a test. */
export declare const it: TestAPI;
/** Declares a test (the same as `it`). */
export declare const test: TestAPI;
/** Declares a group of tests; its body runs now, synchronously. */
export declare const describe: SuiteAPI;
/** Vitest's (and mocha TDD's) name for `describe`. */
export declare const suite: SuiteAPI;
/** Runs `fn` once before the first test of the enclosing group (or file). */
export declare const beforeAll: HookAPI;
/** Runs `fn` once after the last test of the enclosing group (or file). */
export declare const afterAll: HookAPI;
/** Runs `fn` before each test in the enclosing group (or file). */
export declare const beforeEach: HookAPI;
/** Runs `fn` after each test in the enclosing group (or file). */
export declare const afterEach: HookAPI;
/** Runs `fn` after the running test, whatever its result (Vitest). */
export declare function onTestFinished(fn: TestCallback, timeout?: number): void;
/** Runs `fn` after the running test when it failed (Vitest). */
export declare function onTestFailed(fn: TestCallback, timeout?: number): void;

// mocha's BDD and TDD names, and Jest's/mocha's focus and skip shorthands.
/** mocha's `context` (BDD): `describe`. */
export declare const context: SuiteAPI;
/** mocha's `specify` (BDD): `it`. */
export declare const specify: TestAPI;
/** mocha's `before`: `beforeAll`. */
export declare const before: HookAPI;
/** mocha's `after`: `afterAll`. */
export declare const after: HookAPI;
/** mocha TDD's `setup`: `beforeEach`. */
export declare const setup: HookAPI;
/** mocha TDD's `teardown`: `afterEach`. */
export declare const teardown: HookAPI;
/** mocha TDD's `suiteSetup`: `beforeAll`. */
export declare const suiteSetup: HookAPI;
/** mocha TDD's `suiteTeardown`: `afterAll`. */
export declare const suiteTeardown: HookAPI;
/** Jest's/mocha's skipped group. */
export declare const xdescribe: SuiteDeclaration;
/** mocha's skipped `context`. */
export declare const xcontext: SuiteDeclaration;
/** Jest's focused group. */
export declare const fdescribe: SuiteDeclaration;
/** Jest's/mocha's skipped test. */
export declare const xit: TestDeclaration;
/** mocha's skipped `specify`. */
export declare const xspecify: TestDeclaration;
/** Jest's skipped test. */
export declare const xtest: TestDeclaration;
/** Jest's focused test. */
export declare const fit: TestDeclaration;

// ---------------------------------------------------------------------------------------------
// Mock functions
// ---------------------------------------------------------------------------------------------

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
  type Mock<T extends Procedure = Procedure> = import("./index.js").Mock<T>;
  type MockInstance<T extends Procedure = Procedure> = import("./index.js").MockInstance<T>;
  type SpyInstance<T extends Procedure = Procedure> = import("./index.js").MockInstance<T>;
  type Mocked<T> = import("./index.js").Mocked<T>;
  type MockedFunction<T extends Procedure> = import("./index.js").MockedFunction<T>;
  type MockedObject<T> = import("./index.js").MockedObject<T>;
  type DoneCallback = import("./index.js").DoneCallback;
}

// ---------------------------------------------------------------------------------------------
// expect
// ---------------------------------------------------------------------------------------------

/** A matcher that compares by a rule rather than by value (`expect.any(Number)`). */
export interface AsymmetricMatcher<Sample = unknown> {
  asymmetricMatch(other: unknown): boolean;
  toString(): string;
  toAsymmetricMatcher?(): string;
  sample?: Sample;
  $$typeof?: symbol;
}

/**
 * Asymmetric matchers on `expect` and `expect.not`. Augment it to type custom asymmetric
 * matchers added with `expect.extend`.
 */
export interface AsymmetricMatchersContaining {
  objectContaining<T = any>(object: T): any;
  arrayContaining<T = unknown>(array: ReadonlyArray<T>): any;
  stringContaining(string: string): any;
  stringMatching(pattern: string | RegExp): any;
  closeTo(number: number, digits?: number): any;
}

/** The matchers, parameterised by what they return (`void`, or a promise for `.resolves`). */
export interface Matchers<R = void, T = unknown> {
  // Equality and identity.
  toBe<E>(expected: E): R;
  toEqual<E>(expected: E): R;
  toStrictEqual<E>(expected: E): R;
  toMatchObject<E extends object | any[]>(expected: E): R;
  toBeOneOf(expected: ReadonlyArray<unknown>): R;
  toSatisfy(predicate: (value: T) => boolean, message?: string): R;
  // Truthiness and types.
  toBeDefined(): R;
  toBeUndefined(): R;
  toBeNull(): R;
  toBeNaN(): R;
  toBeTruthy(): R;
  toBeFalsy(): R;
  toBeTypeOf(expected: "bigint" | "boolean" | "function" | "number" | "object" | "string" | "symbol" | "undefined"): R;
  toBeInstanceOf(expected: Function): R;
  // Numbers.
  toBeGreaterThan(expected: number | bigint): R;
  toBeGreaterThanOrEqual(expected: number | bigint): R;
  toBeLessThan(expected: number | bigint): R;
  toBeLessThanOrEqual(expected: number | bigint): R;
  toBeCloseTo(expected: number, numDigits?: number): R;
  // Strings, arrays and objects.
  toMatch(expected: string | RegExp): R;
  toContain<E>(expected: E): R;
  toContainEqual<E>(expected: E): R;
  toHaveLength(expected: number): R;
  toHaveProperty<E>(path: string | number | ReadonlyArray<string | number>, value?: E): R;
  // Errors.
  toThrow(expected?: string | RegExp | Error | Function | object): R;
  toThrowError(expected?: string | RegExp | Error | Function | object): R;
  toThrowErrorMatchingSnapshot(hint?: string): R;
  toThrowErrorMatchingInlineSnapshot(snapshot?: string): R;
  // Snapshots.
  toMatchSnapshot(hint?: string): R;
  toMatchSnapshot<U extends { [P in keyof T]: any }>(propertyMatchers: Partial<U>, hint?: string): R;
  toMatchInlineSnapshot(snapshot?: string): R;
  toMatchInlineSnapshot<U extends { [P in keyof T]: any }>(propertyMatchers: Partial<U>, snapshot?: string): R;
  toMatchFileSnapshot(path: string, hint?: string): Promise<void>;
  // Mocks.
  toHaveBeenCalled(): R;
  toHaveBeenCalledTimes(expected: number): R;
  toHaveBeenCalledWith<E extends any[]>(...args: E): R;
  toHaveBeenLastCalledWith<E extends any[]>(...args: E): R;
  toHaveBeenNthCalledWith<E extends any[]>(nth: number, ...args: E): R;
  toHaveBeenCalledOnce(): R;
  toHaveBeenCalledExactlyOnceWith<E extends any[]>(...args: E): R;
  toHaveBeenCalledBefore(mock: MockInstance<any>, failIfNoFirstInvocation?: boolean): R;
  toHaveBeenCalledAfter(mock: MockInstance<any>, failIfNoSecondInvocation?: boolean): R;
  toHaveReturned(): R;
  toHaveReturnedTimes(expected: number): R;
  toHaveReturnedWith<E>(expected: E): R;
  toHaveLastReturnedWith(expected: unknown): R;
  toHaveNthReturnedWith(nth: number, expected: unknown): R;
  toHaveResolved(): R;
  toHaveResolvedTimes(expected: number): R;
  toHaveResolvedWith<E>(expected: E): R;
  toHaveLastResolvedWith(expected: unknown): R;
  toHaveNthResolvedWith(nth: number, expected: unknown): R;
  // Jest's older names of the mock matchers.
  toBeCalled(): R;
  toBeCalledTimes(expected: number): R;
  toBeCalledWith(...args: any[]): R;
  lastCalledWith(...args: any[]): R;
  nthCalledWith(nth: number, ...args: any[]): R;
  toReturn(): R;
  toReturnTimes(expected: number): R;
  toReturnWith(expected: unknown): R;
  lastReturnedWith(expected: unknown): R;
  nthReturnedWith(nth: number, expected: unknown): R;
}

/** What `expect(value)` returns: the matchers, their negation, and the promise forms. */
export interface Assertion<T = any> extends Matchers<void, T>, ChaiAssertion {
  /** The negated matchers. */
  not: Assertion<T>;
  /** The matchers applied to what the promise resolves to. */
  resolves: PromisifyAssertion<T>;
  /** The matchers applied to what the promise rejects with. */
  rejects: PromisifyAssertion<T>;
}

/**
 * The matchers of `.resolves` / `.rejects`: each returns a promise to await. It maps the whole
 * `Assertion`, so matchers added by augmenting either `Matchers<R>` (Jest's way) or
 * `Assertion<T>` (Vitest's) are there too.
 */
export type PromisifyAssertion<T> = {
  [K in Exclude<keyof Assertion<T>, "not" | "resolves" | "rejects"> as Assertion<T>[K] extends (...args: any[]) => any ? K : never]: Assertion<T>[K] extends (
    ...args: infer A
  ) => any
    ? (...args: A) => Promise<void>
    : never;
} & { not: PromisifyAssertion<T> };

/** The state a matcher added with `expect.extend` sees as `this`. */
export interface MatcherState {
  /** Whether the matcher is called under `.not`. */
  isNot: boolean;
  /** `"resolves"`, `"rejects"` or `""`. */
  promise: string;
  /** Deep equality, as `toEqual` uses it. */
  equals(a: unknown, b: unknown, customTesters?: ReadonlyArray<Tester>, strictCheck?: boolean): boolean;
  /** Helpers for messages: `printReceived`, `printExpected`, `matcherHint`, `diff`... */
  utils: {
    printReceived(value: unknown): string;
    printExpected(value: unknown): string;
    matcherHint(name: string, received?: string, expected?: string, options?: Record<string, unknown>): string;
    stringify(value: unknown): string;
    diff(a: unknown, b: unknown, options?: Record<string, unknown>): string | null;
    [key: string]: any;
  };
  /** The name of the running test. */
  currentTestName?: string;
  /** The running test's file. */
  testPath?: string;
  /** Jest's expanded-output flag. */
  expand?: boolean;
  /** Testers added with `expect.addEqualityTesters`. */
  customTesters: ReadonlyArray<Tester>;
  assertionCalls: number;
  expectedAssertionsNumber: number | null;
  isExpectingAssertions: boolean;
  [key: string]: any;
}

/** What a custom matcher returns. */
export interface ExpectationResult {
  pass: boolean;
  message: () => string;
  actual?: unknown;
  expected?: unknown;
}

/** A custom matcher: `(received, ...args) => { pass, message }`, possibly async. */
export type RawMatcherFn<T extends MatcherState = MatcherState> = (this: T, received: any, ...expected: any[]) => ExpectationResult | Promise<ExpectationResult>;

/** The argument of `expect.extend`. */
export type ExpectExtendMap = Record<string, RawMatcherFn>;

/** A custom equality tester (`expect.addEqualityTesters`). */
export type Tester = (this: { equals: MatcherState["equals"] }, a: any, b: any, customTesters: Tester[]) => boolean | undefined;

/** A pretty-format plugin for snapshots. */
export interface SnapshotSerializer {
  test(value: unknown): boolean;
  serialize?(value: unknown, config: unknown, indentation: string, depth: number, refs: unknown, printer: (value: unknown, ...rest: unknown[]) => string): string;
  print?(value: unknown, serialize: (value: unknown) => string, indent: (text: string) => string, ...rest: unknown[]): string;
}

/** Options of `expect.poll`. */
export interface ExpectPollOptions {
  interval?: number;
  timeout?: number;
  message?: string;
}

/** The assertion `expect.poll(fn)` returns: each matcher retries and returns a promise. */
export type PollAssertion<T> = PromisifyAssertion<T>;

/** `expect` itself. */
export interface ExpectStatic extends AsymmetricMatchersContaining {
  <T>(actual: T, message?: string): Assertion<T>;
  /** Any value of the class (`expect.any(Number)`). */
  any(constructor: unknown): any;
  /** Any value but null and undefined. */
  anything(): any;
  /** The inverted asymmetric matchers. */
  not: AsymmetricMatchersContaining;
  /** Adds matchers; type them by augmenting `Matchers<R>` in `declare module "proctor"`. */
  extend(matchers: ExpectExtendMap): void;
  /** Fails the test unless exactly `count` matchers run in it. */
  assertions(count: number): void;
  /** Fails the test unless at least one matcher runs in it. */
  hasAssertions(): void;
  /** Jest's matcher state. */
  getState(): MatcherState;
  /** Merges fields into `getState()`. */
  setState(state: Partial<MatcherState>): void;
  /** Fails now (chai's `expect.fail`). */
  fail(message?: string): never;
  fail(actual: unknown, expected: unknown, message?: string, operator?: string): never;
  /** Fails where code should not get (Vitest). */
  unreachable(message?: string): never;
  /** Adds a snapshot serializer. */
  addSnapshotSerializer(serializer: SnapshotSerializer): void;
  /** Adds equality testers every deep equality asks first. */
  addEqualityTesters(testers: Tester[]): void;
  /** A soft expectation: a failure is recorded and the test goes on. */
  soft<T>(actual: T, message?: string): Assertion<T>;
  /** Retries `fn` until the matcher passes. */
  poll<T>(fn: () => T, options?: ExpectPollOptions): PollAssertion<Awaited<T>>;
}

/** Vitest's and Jest's `expect`, with chai's chain on the same object. */
export declare const expect: ExpectStatic;

// ---------------------------------------------------------------------------------------------
// chai
// ---------------------------------------------------------------------------------------------

/** A hand-written subset of chai's `Assertion` chain (see @types/chai for the rest). */
export interface ChaiAssertion {
  // Language chains.
  to: ChaiAssertion & Assertion;
  be: ChaiAssertion & Assertion;
  been: ChaiAssertion;
  is: ChaiAssertion;
  that: ChaiAssertion;
  which: ChaiAssertion;
  and: ChaiAssertion;
  has: ChaiAssertion;
  have: ChaiAssertion;
  with: ChaiAssertion;
  at: ChaiAssertion;
  of: ChaiAssertion;
  same: ChaiAssertion;
  but: ChaiAssertion;
  does: ChaiAssertion;
  still: ChaiAssertion;
  also: ChaiAssertion;
  // Flags.
  deep: ChaiAssertion;
  nested: ChaiAssertion;
  own: ChaiAssertion;
  ordered: ChaiAssertion;
  any: ChaiAssertion;
  all: ChaiAssertion;
  // Property assertions.
  ok: ChaiAssertion;
  true: ChaiAssertion;
  false: ChaiAssertion;
  null: ChaiAssertion;
  undefined: ChaiAssertion;
  NaN: ChaiAssertion;
  exist: ChaiAssertion;
  empty: ChaiAssertion;
  arguments: ChaiAssertion;
  extensible: ChaiAssertion;
  sealed: ChaiAssertion;
  frozen: ChaiAssertion;
  finite: ChaiAssertion;
  numeric: ChaiAssertion;
  callable: ChaiAssertion;
  iterable: ChaiAssertion;
  exists: ChaiAssertion;
  Arguments: ChaiAssertion;
  // Method assertions.
  a: ChaiTypeAssertion;
  an: ChaiTypeAssertion;
  include: ChaiInclude;
  includes: ChaiInclude;
  contain: ChaiInclude;
  contains: ChaiInclude;
  equal(value: unknown, message?: string): ChaiAssertion;
  equals(value: unknown, message?: string): ChaiAssertion;
  eq(value: unknown, message?: string): ChaiAssertion;
  eql(value: unknown, message?: string): ChaiAssertion;
  eqls(value: unknown, message?: string): ChaiAssertion;
  above(value: number | Date, message?: string): ChaiAssertion;
  gt(value: number | Date, message?: string): ChaiAssertion;
  greaterThan(value: number | Date, message?: string): ChaiAssertion;
  least(value: number | Date, message?: string): ChaiAssertion;
  greaterThanOrEqual(value: number | Date, message?: string): ChaiAssertion;
  lessThanOrEqual(value: number | Date, message?: string): ChaiAssertion;
  gte(value: number | Date, message?: string): ChaiAssertion;
  below(value: number | Date, message?: string): ChaiAssertion;
  lt(value: number | Date, message?: string): ChaiAssertion;
  lessThan(value: number | Date, message?: string): ChaiAssertion;
  most(value: number | Date, message?: string): ChaiAssertion;
  lte(value: number | Date, message?: string): ChaiAssertion;
  within(start: number | Date, finish: number | Date, message?: string): ChaiAssertion;
  instanceof(constructor: Function, message?: string): ChaiAssertion;
  instanceOf(constructor: Function, message?: string): ChaiAssertion;
  property(name: string | symbol, value?: unknown, message?: string): ChaiAssertion;
  ownProperty(name: string | symbol, message?: string): ChaiAssertion;
  haveOwnProperty(name: string | symbol, message?: string): ChaiAssertion;
  ownPropertyDescriptor(name: string | symbol, descriptor?: PropertyDescriptor, message?: string): ChaiAssertion;
  haveOwnPropertyDescriptor(name: string | symbol, descriptor?: PropertyDescriptor, message?: string): ChaiAssertion;
  length: ChaiLength;
  lengthOf: ChaiLength;
  match(regexp: RegExp, message?: string): ChaiAssertion;
  matches(regexp: RegExp, message?: string): ChaiAssertion;
  string(string: string, message?: string): ChaiAssertion;
  keys(...keys: any[]): ChaiAssertion;
  key(...keys: any[]): ChaiAssertion;
  throw(expected?: string | RegExp | Error | Function, message?: string | RegExp): ChaiAssertion;
  throws(expected?: string | RegExp | Error | Function, message?: string | RegExp): ChaiAssertion;
  Throw(expected?: string | RegExp | Error | Function, message?: string | RegExp): ChaiAssertion;
  respondTo(method: string, message?: string): ChaiAssertion;
  respondsTo(method: string, message?: string): ChaiAssertion;
  itself: ChaiAssertion;
  satisfy(matcher: (value: any) => boolean, message?: string): ChaiAssertion;
  satisfies(matcher: (value: any) => boolean, message?: string): ChaiAssertion;
  closeTo(expected: number, delta: number, message?: string): ChaiAssertion;
  approximately(expected: number, delta: number, message?: string): ChaiAssertion;
  members(set: ReadonlyArray<unknown>, message?: string): ChaiAssertion;
  oneOf(list: ReadonlyArray<unknown>, message?: string): ChaiAssertion;
  change(target: object | (() => unknown), property?: string, message?: string): ChaiAssertion;
  increase(target: object | (() => unknown), property?: string, message?: string): ChaiAssertion;
  decrease(target: object | (() => unknown), property?: string, message?: string): ChaiAssertion;
  changes(target: object | (() => unknown), property?: string, message?: string): ChaiAssertion;
  increases(target: object | (() => unknown), property?: string, message?: string): ChaiAssertion;
  decreases(target: object | (() => unknown), property?: string, message?: string): ChaiAssertion;
  /** chai-subset's `containSubset`, which Vitest's chai has built in. */
  containSubset(subset: unknown): ChaiAssertion;
  by(delta: number, message?: string): ChaiAssertion;
  fail(message?: string): never;
  /** Vitest's chai-style snapshot names. */
  matchSnapshot(hint?: string): void;
  // chai-style mock assertions, as in Vitest.
  called: ChaiAssertion;
  calledOnce: ChaiAssertion;
  calledTwice: ChaiAssertion;
  calledThrice: ChaiAssertion;
  callCount(count: number): ChaiAssertion;
  calledWith(...args: any[]): ChaiAssertion;
  calledOnceWith(...args: any[]): ChaiAssertion;
  returned: ChaiAssertion;
  returnedWith(value: unknown): ChaiAssertion;
}

/** `.a(type)` / `.an(type)`, also a language chain. */
export interface ChaiTypeAssertion extends ChaiAssertion {
  (type: string, message?: string): ChaiAssertion;
}

/** `.include(value)`, also a flag (`.include.members`). */
export interface ChaiInclude extends ChaiAssertion {
  (value: unknown, message?: string): ChaiAssertion;
}

/** `.length(n)` / `.lengthOf(n)`, also a chain (`.length.above(2)`). */
export interface ChaiLength extends ChaiAssertion {
  (length: number, message?: string): ChaiAssertion;
}

/** chai's `assert` (a subset of @types/chai's `AssertStatic`). */
export interface AssertStatic {
  (expression: unknown, message?: string): asserts expression;
  fail(message?: string): never;
  fail(actual: unknown, expected: unknown, message?: string, operator?: string): never;
  ok(value: unknown, message?: string): asserts value;
  isOk(value: unknown, message?: string): asserts value;
  notOk(value: unknown, message?: string): void;
  isNotOk(value: unknown, message?: string): void;
  equal<T>(actual: T, expected: T, message?: string): void;
  notEqual<T>(actual: T, expected: T, message?: string): void;
  strictEqual<T>(actual: T, expected: T, message?: string): void;
  notStrictEqual<T>(actual: T, expected: T, message?: string): void;
  deepEqual<T>(actual: T, expected: T, message?: string): void;
  notDeepEqual<T>(actual: T, expected: T, message?: string): void;
  deepStrictEqual<T>(actual: T, expected: T, message?: string): void;
  isTrue(value: unknown, message?: string): asserts value is true;
  isFalse(value: unknown, message?: string): asserts value is false;
  isNotTrue(value: unknown, message?: string): void;
  isNotFalse(value: unknown, message?: string): void;
  isNull(value: unknown, message?: string): asserts value is null;
  isNotNull<T>(value: T, message?: string): asserts value is Exclude<T, null>;
  isUndefined(value: unknown, message?: string): asserts value is undefined;
  isDefined<T>(value: T, message?: string): asserts value is Exclude<T, undefined>;
  exists<T>(value: T, message?: string): asserts value is NonNullable<T>;
  notExists(value: unknown, message?: string): void;
  isNaN(value: unknown, message?: string): void;
  isNotNaN(value: unknown, message?: string): void;
  isFunction(value: unknown, message?: string): void;
  isNotFunction(value: unknown, message?: string): void;
  isObject(value: unknown, message?: string): void;
  isNotObject(value: unknown, message?: string): void;
  isArray(value: unknown, message?: string): void;
  isNotArray(value: unknown, message?: string): void;
  isString(value: unknown, message?: string): asserts value is string;
  isNotString(value: unknown, message?: string): void;
  isNumber(value: unknown, message?: string): asserts value is number;
  isNotNumber(value: unknown, message?: string): void;
  isFinite(value: unknown, message?: string): void;
  isBoolean(value: unknown, message?: string): asserts value is boolean;
  isNotBoolean(value: unknown, message?: string): void;
  isEmpty(value: unknown, message?: string): void;
  isNotEmpty(value: unknown, message?: string): void;
  typeOf(value: unknown, type: string, message?: string): void;
  notTypeOf(value: unknown, type: string, message?: string): void;
  instanceOf(value: unknown, constructor: Function, message?: string): void;
  notInstanceOf(value: unknown, constructor: Function, message?: string): void;
  include(haystack: unknown, needle: unknown, message?: string): void;
  notInclude(haystack: unknown, needle: unknown, message?: string): void;
  deepInclude(haystack: unknown, needle: unknown, message?: string): void;
  notDeepInclude(haystack: unknown, needle: unknown, message?: string): void;
  match(value: string, regexp: RegExp, message?: string): void;
  notMatch(value: string, regexp: RegExp, message?: string): void;
  property(object: unknown, property: string, message?: string): void;
  notProperty(object: unknown, property: string, message?: string): void;
  propertyVal(object: unknown, property: string, value: unknown, message?: string): void;
  deepPropertyVal(object: unknown, property: string, value: unknown, message?: string): void;
  nestedProperty(object: unknown, property: string, message?: string): void;
  lengthOf(value: { readonly length?: number; readonly size?: number }, length: number, message?: string): void;
  throws(fn: () => unknown, expected?: string | RegExp | Error | Function, message?: string | RegExp): void;
  throw(fn: () => unknown, expected?: string | RegExp | Error | Function, message?: string | RegExp): void;
  Throw(fn: () => unknown, expected?: string | RegExp | Error | Function, message?: string | RegExp): void;
  doesNotThrow(fn: () => unknown, expected?: string | RegExp | Function, message?: string | RegExp): void;
  operator(value: unknown, operator: string, other: unknown, message?: string): void;
  closeTo(actual: number, expected: number, delta: number, message?: string): void;
  approximately(actual: number, expected: number, delta: number, message?: string): void;
  sameMembers<T>(set1: T[], set2: T[], message?: string): void;
  sameDeepMembers<T>(set1: T[], set2: T[], message?: string): void;
  sameOrderedMembers<T>(set1: T[], set2: T[], message?: string): void;
  includeMembers<T>(superset: T[], subset: T[], message?: string): void;
  oneOf<T>(value: T, list: T[], message?: string): void;
  hasAllKeys(object: unknown, keys: unknown[] | Record<string, unknown>, message?: string): void;
  hasAnyKeys(object: unknown, keys: unknown[] | Record<string, unknown>, message?: string): void;
  containsAllKeys(object: unknown, keys: unknown[] | Record<string, unknown>, message?: string): void;
  isAbove(value: number, above: number, message?: string): void;
  isAtLeast(value: number, atLeast: number, message?: string): void;
  isBelow(value: number, below: number, message?: string): void;
  isAtMost(value: number, atMost: number, message?: string): void;
  isFrozen(value: unknown, message?: string): void;
  isSealed(value: unknown, message?: string): void;
  isExtensible(value: unknown, message?: string): void;
  /** Everything else of chai's `assert`, untyped. */
  [name: string]: any;
}

/** chai's `assert`. */
export declare const assert: AssertStatic;

/** The chai library object (`chai.use(plugin)`, `chai.expect`, `chai.assert`...). */
export interface ChaiStatic {
  expect: ExpectStatic;
  assert: AssertStatic;
  should(): void;
  use(plugin: (chai: any, utils: any) => void): ChaiStatic;
  config: { includeStack: boolean; showDiff: boolean; truncateThreshold: number; [key: string]: unknown };
  AssertionError: new (message?: string, props?: object, ssf?: Function) => Error;
  Assertion: any;
  util: any;
  [name: string]: any;
}

/** chai. */
export declare const chai: ChaiStatic;
/** What chai's `should()` returns: assertions for values that cannot carry `.should`. */
export interface ChaiShould {
  exist(value: unknown, message?: string): void;
  equal(actual: unknown, expected: unknown, message?: string): void;
  Throw(fn: () => unknown, expected?: string | RegExp | Error | Function, message?: string | RegExp): void;
  fail(message?: string): never;
  fail(actual: unknown, expected: unknown, message?: string, operator?: string): never;
  not: {
    exist(value: unknown, message?: string): void;
    equal(actual: unknown, expected: unknown, message?: string): void;
    Throw(fn: () => unknown, expected?: string | RegExp | Error | Function, message?: string | RegExp): void;
  };
}

/**
 * chai's `should()`: installs `Object.prototype.should`. That property is not declared on every
 * object here (unlike @types/chai's global augmentation): write `(value as any).should`, or
 * declare `interface Object { should: import("proctor").ChaiAssertion }` in your project.
 */
export declare function should(): ChaiShould;

// ---------------------------------------------------------------------------------------------
// Type-level assertions (Vitest's expectTypeOf and assertType)
// ---------------------------------------------------------------------------------------------

/** Whether `A` and `B` are the same type (invariant, as expect-type's strict equality). */
export type IsEqualType<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;
type IsAnyType<T> = 0 extends 1 & T ? true : false;
type IsNeverType<T> = [T] extends [never] ? true : false;
type ExtendsType<A, B> = IsNeverType<A> extends true ? IsNeverType<B> : [A] extends [B] ? true : false;
/** No extra argument when `Result` is `Positive`, an impossible one otherwise: the mismatch is a type error. */
type MismatchArgs<Result extends boolean, Positive extends boolean> = Result extends Positive ? [] : [mismatch: never];

/** The chain `expectTypeOf(value)` returns; each check is a compile-time error when it fails. */
export interface ExpectTypeOf<Actual, Positive extends boolean = true> {
  /** The negated checks. */
  not: ExpectTypeOf<Actual, Positive extends true ? false : true>;
  toEqualTypeOf<Expected>(...mismatch: MismatchArgs<IsEqualType<Actual, Expected>, Positive>): true;
  toEqualTypeOf<Expected>(expected: Expected, ...mismatch: MismatchArgs<IsEqualType<Actual, Expected>, Positive>): true;
  toMatchTypeOf<Expected>(...mismatch: MismatchArgs<ExtendsType<Actual, Expected>, Positive>): true;
  toMatchTypeOf<Expected>(expected: Expected, ...mismatch: MismatchArgs<ExtendsType<Actual, Expected>, Positive>): true;
  toExtend<Expected>(...mismatch: MismatchArgs<ExtendsType<Actual, Expected>, Positive>): true;
  toBeAny(...mismatch: MismatchArgs<IsAnyType<Actual>, Positive>): true;
  toBeUnknown(...mismatch: MismatchArgs<IsEqualType<Actual, unknown>, Positive>): true;
  toBeNever(...mismatch: MismatchArgs<IsNeverType<Actual>, Positive>): true;
  toBeFunction(...mismatch: MismatchArgs<ExtendsType<Actual, Procedure>, Positive>): true;
  toBeObject(...mismatch: MismatchArgs<ExtendsType<Actual, object>, Positive>): true;
  toBeArray(...mismatch: MismatchArgs<ExtendsType<Actual, readonly unknown[]>, Positive>): true;
  toBeString(...mismatch: MismatchArgs<ExtendsType<Actual, string>, Positive>): true;
  toBeNumber(...mismatch: MismatchArgs<ExtendsType<Actual, number>, Positive>): true;
  toBeBoolean(...mismatch: MismatchArgs<ExtendsType<Actual, boolean>, Positive>): true;
  toBeBigInt(...mismatch: MismatchArgs<ExtendsType<Actual, bigint>, Positive>): true;
  toBeSymbol(...mismatch: MismatchArgs<ExtendsType<Actual, symbol>, Positive>): true;
  toBeNull(...mismatch: MismatchArgs<IsEqualType<Actual, null>, Positive>): true;
  toBeUndefined(...mismatch: MismatchArgs<IsEqualType<Actual, undefined>, Positive>): true;
  toBeNullable(...mismatch: MismatchArgs<IsEqualType<Actual, NonNullable<Actual>> extends true ? false : true, Positive>): true;
  toHaveProperty<K extends keyof Actual>(key: K): ExpectTypeOf<Actual[K], Positive>;
  toBeCallableWith(...args: Actual extends Procedure ? Parameters<Actual> : never): true;
  /** The type of the n-th parameter. */
  parameter<N extends number>(n: N): ExpectTypeOf<Actual extends Procedure ? Parameters<Actual>[N] : never, Positive>;
  /** The parameter list. */
  parameters: ExpectTypeOf<Actual extends Procedure ? Parameters<Actual> : never, Positive>;
  /** The return type. */
  returns: ExpectTypeOf<Actual extends Procedure ? ReturnType<Actual> : never, Positive>;
  /** What a promise resolves to. */
  resolves: ExpectTypeOf<Awaited<Actual>, Positive>;
  /** An array's item type. */
  items: ExpectTypeOf<Actual extends ReadonlyArray<infer I> ? I : never, Positive>;
  /** A class's constructor parameters. */
  constructorParameters: ExpectTypeOf<Actual extends Constructable ? ConstructorParameters<Actual> : never, Positive>;
  /** A class's instance type. */
  instance: ExpectTypeOf<Actual extends Constructable ? InstanceType<Actual> : never, Positive>;
  /** The type a type guard narrows to. */
  guards: ExpectTypeOf<Actual extends (value: any, ...rest: any[]) => value is infer G ? G : never, Positive>;
  /** The type an assertion function asserts. */
  asserts: ExpectTypeOf<Actual extends (value: any, ...rest: any[]) => asserts value is infer G ? G : never, Positive>;
  /** Narrows to what extends `T`. */
  extract<T>(): ExpectTypeOf<Extract<Actual, T>, Positive>;
  /** Removes what extends `T`. */
  exclude<T>(): ExpectTypeOf<Exclude<Actual, T>, Positive>;
  /** Removes null and undefined. */
  toBeDefined(...mismatch: MismatchArgs<IsEqualType<Actual, undefined> extends true ? false : true, Positive>): true;
}

/** Checks types at compile time: `expectTypeOf(value).toEqualTypeOf<T>()`. A no-op at run time. */
export declare function expectTypeOf<Actual>(actual: Actual): ExpectTypeOf<Actual>;
export declare function expectTypeOf<Actual>(): ExpectTypeOf<Actual>;
/** Checks at compile time that `value` is assignable to `T`. A no-op at run time. */
export declare function assertType<T>(value: T): void;

// ---------------------------------------------------------------------------------------------
// The default export
// ---------------------------------------------------------------------------------------------

/** Everything above on one object (`import proctor from "proctor"`, `require("proctor")`). */
declare const api: {
  describe: typeof describe;
  suite: typeof suite;
  it: typeof it;
  test: typeof test;
  expect: typeof expect;
  assert: typeof assert;
  chai: typeof chai;
  should: typeof should;
  beforeAll: typeof beforeAll;
  afterAll: typeof afterAll;
  beforeEach: typeof beforeEach;
  afterEach: typeof afterEach;
  jest: typeof jest;
  vi: typeof vi;
  fn: typeof fn;
  spyOn: typeof spyOn;
  onTestFinished: typeof onTestFinished;
  onTestFailed: typeof onTestFailed;
  expectTypeOf: typeof expectTypeOf;
  assertType: typeof assertType;
  context: typeof context;
  specify: typeof specify;
  before: typeof before;
  after: typeof after;
  setup: typeof setup;
  teardown: typeof teardown;
  suiteSetup: typeof suiteSetup;
  suiteTeardown: typeof suiteTeardown;
  xdescribe: typeof xdescribe;
  xcontext: typeof xcontext;
  fdescribe: typeof fdescribe;
  xit: typeof xit;
  xspecify: typeof xspecify;
  xtest: typeof xtest;
  fit: typeof fit;
};
export default api;
