// Types of Vitest's type-level assertions, `expectTypeOf` and `assertType` (type-checks.js):
// no-ops at run time, so all they do is here. A smaller expect-type: each check takes an
// impossible extra argument when it fails, which is the compile error.

import type { Constructable, Procedure } from "./mock.js";

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
