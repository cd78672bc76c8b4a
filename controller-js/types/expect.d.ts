// Types of `expect`: the matchers (Jest's and Vitest's), `.not`/`.resolves`/`.rejects`, the
// asymmetric matchers, `expect.extend`'s matcher state, `soft` and `poll` (expect.js,
// matchers.js, vitest-matchers.js, mock-matchers.js, asymmetric.js). Custom matchers are typed by
// augmenting `Matchers<R>` or `Assertion<T>` in `declare module "proctor"`.

import type { ChaiAssertion } from "./chai.js";
import type { MockInstance } from "./mock.js";

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
