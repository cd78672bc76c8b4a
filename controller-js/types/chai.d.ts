// Types of chai as proctor hands it out (chai-expect.js): the chain on `expect(x)`, `assert`,
// `chai` and `should()`. A hand-written subset of @types/chai, which is much larger than what
// suites use; names outside it are type errors on the chain and `any` on `assert`.

import type { Assertion, ExpectStatic } from "./expect.js";

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
