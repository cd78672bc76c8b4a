// Types of the declaring API: `describe`/`suite`, `it`/`test` and their modifiers, the hooks,
// the test context, and mocha's names and `this` (registry.js, mocha.js, test-context.js).

import type { ExpectStatic } from "./expect.js";

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
