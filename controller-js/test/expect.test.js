// expect(): every matcher passing and failing (also under .not), .resolves/.rejects, asymmetric
// matchers, equality edge cases, expected/actual strings, and the pretty printer.

import assert from "node:assert/strict";
import { test } from "node:test";
import { AssertionError, expect, format } from "../src/expect.js";
import { fails } from "../test-support/assertions.js";


class Point {
  constructor(x) {
    this.x = x;
  }
}

// [matcher, received, args that pass, args that fail]
const cases = [
  ["toBe", 5, [5], [4]],
  ["toBe", NaN, [NaN], [0]],
  ["toEqual", { a: [1, { b: 2 }] }, [{ a: [1, { b: 2 }] }], [{ a: [1, { b: 3 }] }]],
  ["toStrictEqual", { a: 1 }, [{ a: 1 }], [{ a: 1, b: undefined }]],
  ["toBeTruthy", 1, [], null],
  ["toBeFalsy", 0, [], null],
  ["toBeNull", null, [], null],
  ["toBeUndefined", undefined, [], null],
  ["toBeDefined", 0, [], null],
  ["toBeNaN", NaN, [], null],
  ["toContain", [1, 2, NaN], [NaN], [3]],
  ["toContain", "hello", ["ell"], ["xyz"]],
  ["toContain", new Set(["a"]), ["a"], ["b"]],
  ["toContainEqual", [{ a: 1 }], [{ a: 1 }], [{ a: 2 }]],
  ["toMatch", "hello world", [/wor/], [/^world/]],
  ["toMatch", "hello world", ["lo w"], ["low"]],
  ["toMatchObject", { a: 1, b: { c: 2, d: 3 }, e: [{ f: 1, g: 2 }] }, [{ b: { c: 2 }, e: [{ f: 1 }] }], [{ b: { c: 3 } }]],
  ["toHaveLength", [1, 2], [2], [3]],
  ["toHaveLength", "abc", [3], [2]],
  ["toHaveProperty", { a: { b: [{ c: 1 }] } }, ["a.b[0].c"], ["a.x"]],
  ["toHaveProperty", { a: { b: [{ c: 1 }] } }, [["a", "b", 0, "c"], 1], [["a", "b", 0, "c"], 2]],
  ["toHaveProperty", { a: { "b.c": 1 } }, [["a", "b.c"]], [["a", "b"]]],
  ["toBeGreaterThan", 3, [2], [3]],
  ["toBeGreaterThanOrEqual", 3, [3], [4]],
  ["toBeLessThan", 2n, [3n], [2n]],
  ["toBeLessThanOrEqual", 3, [3], [2]],
  ["toBeCloseTo", 0.1 + 0.2, [0.3], [0.31]],
  ["toBeCloseTo", 0.1234, [0.1235, 3], [0.1235, 4]],
  ["toBeInstanceOf", new Point(1), [Point], [Map]],
];

for (const [name, received, passing, failing] of cases) {
  test(`expect: ${name}(${format(passing, { min: true })}) on ${format(received, { min: true })}`, () => {
    expect(received)[name](...passing);
    fails(() => expect(received).not[name](...passing), new RegExp(`\\.not\\.${name}`));
    if (failing) {
      fails(() => expect(received)[name](...failing), new RegExp(`expect\\(received\\)\\.${name}`));
      expect(received).not[name](...failing);
    } else {
      const opposite = name === "toBeDefined" ? undefined : name === "toBeNaN" ? 1 : received ? 0 : 1;
      fails(() => expect(opposite)[name]());
      expect(opposite).not[name]();
    }
  });
}

test("expect: toThrow with no argument, substring, regex, class, error object, asymmetric", () => {
  const thrower = () => {
    throw new TypeError("bad input here");
  };
  for (const matcher of ["toThrow", "toThrowError"]) {
    expect(thrower)[matcher]();
    expect(thrower)[matcher]("input");
    expect(thrower)[matcher](/bad \w+/);
    expect(thrower)[matcher](TypeError);
    expect(thrower)[matcher](Error);
    expect(thrower)[matcher](new Error("bad input here"));
    expect(thrower)[matcher](expect.objectContaining({ message: "bad input here" }));
    expect(() => {})
      .not[matcher]();
    fails(() => expect(() => {})[matcher](), /did not throw/);
    fails(() => expect(thrower)[matcher]("nope"), /Expected substring: "nope"/);
    fails(() => expect(thrower)[matcher](/nope/), /Expected pattern: \/nope\//);
    fails(() => expect(thrower)[matcher](RangeError), /Expected constructor: RangeError\nReceived constructor: TypeError/);
    fails(() => expect(thrower)[matcher](new Error("other")), /Expected message: "other"/);
    fails(() => expect(thrower).not[matcher](), /not to throw/);
    fails(() => expect(thrower).not[matcher](TypeError));
  }
  expect(() => {
    throw "a string";
  }).toThrow("string");
  assert.throws(() => expect(5).toThrow(), /Received value must be a function/);
});

test("expect: .resolves and .rejects return promises", async () => {
  await expect(Promise.resolve({ a: 1 })).resolves.toEqual({ a: 1 });
  await expect(Promise.resolve(1)).resolves.not.toBe(2);
  await expect(Promise.reject(new Error("nope"))).rejects.toThrow("nope");
  await expect(Promise.reject(new Error("nope"))).rejects.toBeInstanceOf(Error);
  await expect(async () => {
    throw new Error("from fn");
  }).rejects.toThrow(/from/);
  await assert.rejects(expect(Promise.resolve(1)).resolves.toBe(2), (error) => {
    assert.ok(error instanceof AssertionError);
    assert.match(error.message, /^expect\(received\)\.resolves\.toBe\(expected\)/);
    assert.equal(error.expected, "2");
    assert.equal(error.actual, "1");
    assert.match(error.stack, /expect\.test\.js/, "the stack points at the test, not the controller");
    return true;
  });
  await assert.rejects(expect(Promise.reject(new Error("x"))).resolves.toBe(1), /rejected instead of resolved/);
  await assert.rejects(expect(Promise.resolve(1)).rejects.toBe(1), /resolved instead of rejected/);
  await assert.rejects(expect(5).resolves.toBe(5), /must be a promise/);
});

test("expect: asymmetric matchers inside equality", () => {
  const value = { id: 7, name: "Ada", tags: ["a", "b", "c"], when: new Date(0), nested: { deep: true, extra: 1 } };
  expect(value).toEqual({
    id: expect.any(Number),
    name: expect.stringContaining("d"),
    tags: expect.arrayContaining(["c", "a"]),
    when: expect.anything(),
    nested: expect.objectContaining({ deep: true }),
  });
  expect({ s: "hello" }).toEqual({ s: expect.stringMatching(/^h.*o$/) });
  expect({ s: "hello" }).toEqual({ s: expect.stringMatching("ell") });
  expect({ n: 0.1 + 0.2 }).toEqual({ n: expect.closeTo(0.3, 5) });
  expect(["x"]).toEqual(expect.not.arrayContaining(["y"]));
  expect({ a: 1 }).toEqual(expect.not.objectContaining({ a: 2 }));
  expect("abc").toEqual(expect.not.stringContaining("z"));
  expect(() => {}).toEqual(expect.any(Function));
  expect("s").toEqual(expect.any(String));
  expect(new Point(1)).toEqual(expect.any(Point));
  fails(() => expect({ id: "7" }).toEqual({ id: expect.any(Number) }));
  fails(() => expect(null).toEqual(expect.anything()));
  fails(() => expect([1]).toEqual(expect.arrayContaining([2])));
  const error = fails(() => expect({ a: 1 }).toEqual({ a: expect.any(String) }));
  assert.equal(error.expected, 'Object {\n  "a": Any<String>,\n}');
});

test("expect: equality of Map, Set, Date, RegExp, typed arrays, NaN, cycles, classes", () => {
  expect(new Map([[{ k: 1 }, "v"]])).toEqual(new Map([[{ k: 1 }, "v"]]));
  expect(new Map([[1, { a: 1 }]])).not.toEqual(new Map([[1, { a: 2 }]]));
  expect(new Set([{ a: 1 }, 2])).toEqual(new Set([2, { a: 1 }]));
  expect(new Set([1])).not.toEqual(new Set([1, 2]));
  expect(new Date(5)).toEqual(new Date(5));
  expect(new Date(5)).not.toEqual(new Date(6));
  expect(new Date(NaN)).toEqual(new Date(NaN));
  expect(/a/g).toEqual(/a/g);
  expect(/a/g).not.toEqual(/a/i);
  expect(new Uint8Array([1, 2])).toEqual(new Uint8Array([1, 2]));
  expect(new Uint8Array([1, 2])).not.toEqual(new Uint8Array([1, 3]));
  expect(new Uint8Array([1])).not.toEqual(new Int8Array([1]));
  expect([NaN]).toEqual([NaN]);
  expect(0).not.toEqual(-0);
  const a = { name: "a" };
  a.self = a;
  const b = { name: "a" };
  b.self = b;
  expect(a).toEqual(b);
  const c = { name: "c" };
  c.self = c;
  expect(a).not.toEqual(c);
  expect(new Point(1)).toEqual({ x: 1 });
  expect(new Point(1)).not.toStrictEqual({ x: 1 });
  expect([, 1]).toEqual([undefined, 1]);
  expect([, 1]).not.toStrictEqual([undefined, 1]);
  expect({ a: undefined, b: 2 }).toEqual({ b: 2 });
  expect(new Error("m")).toEqual(new Error("m"));
  expect([1, 2]).not.toEqual([1, 2, 3]);
  expect(new String("s")).not.toEqual("s");
});

test("expect: failures carry Jest-like messages and pretty expected/actual", () => {
  const toBe = fails(() => expect(4).toBe(5));
  assert.equal(toBe.message, "expect(received).toBe(expected) // Object.is equality\n\nExpected: 5\nReceived: 4");
  assert.equal(toBe.expected, "5");
  assert.equal(toBe.actual, "4");

  const toEqual = fails(() => expect({ b: [1], a: "x" }).toEqual({ a: "x", b: [2] }));
  assert.equal(toEqual.expected, 'Object {\n  "a": "x",\n  "b": Array [\n    2,\n  ],\n}');
  assert.equal(toEqual.actual, 'Object {\n  "a": "x",\n  "b": Array [\n    1,\n  ],\n}');
  assert.match(toEqual.message, /^expect\(received\)\.toEqual\(expected\) \/\/ deep equality\n\nExpected: \{"a": "x", "b": \[2\]\}\nReceived: \{"a": "x", "b": \[1\]\}$/);

  const property = fails(() => expect({ a: { b: 1 } }).toHaveProperty("a.b", 2));
  assert.equal(property.expected, "2");
  assert.equal(property.actual, "1");

  const matchObject = fails(() => expect({ a: 1, b: 2 }).toMatchObject({ a: 2 }));
  assert.ok("expected" in matchObject && "actual" in matchObject);

  // No diff where a diff explains nothing.
  const negated = fails(() => expect(1).not.toBe(1));
  assert.ok(!("expected" in negated) && !("actual" in negated));
  assert.match(negated.message, /Expected: not 1/);
  const truthy = fails(() => expect(0).toBeTruthy());
  assert.ok(!("expected" in truthy));
  assert.equal(truthy.message, "expect(received).toBeTruthy()\n\nReceived: 0");

  const deepHint = fails(() => expect({ a: 1 }).toBe({ a: 1 }));
  assert.match(deepHint.message, /replace "toBe" with "toStrictEqual"/);

  // The stack starts at the caller, not inside expect.js.
  assert.match(toBe.stack.split("\n").find((line) => line.includes(" at ")), /expect\.test\.js/);
});

test("expect: misuse throws a usage error, not an assertion failure", () => {
  assert.throws(() => expect(5).toHaveLength(1), /must have a length property/);
  assert.throws(() => expect("5").toBeGreaterThan(1), /must be a number or bigint/);
  assert.throws(() => expect(5).toMatch("5"), /must be a string/);
  assert.throws(() => expect([]).toBeInstanceOf(5), /must be a function/);
  assert.throws(() => expect(5).toContain(5), /string or an iterable/);
});

test("expect: expect.extend adds matchers with the Jest contract, also asymmetric", async () => {
  expect.extend({
    toBeWithin(received, low, high) {
      const pass = received >= low && received <= high;
      return { pass, message: () => `expected ${received} ${this.isNot ? "not " : ""}to be within ${low}..${high}` };
    },
    async toEventuallyBe(received, expected) {
      return { pass: (await received) === expected, message: () => "eventually" };
    },
  });
  expect(5).toBeWithin(1, 10);
  expect(50).not.toBeWithin(1, 10);
  fails(() => expect(50).toBeWithin(1, 10), /^expected 50 to be within 1\.\.10$/);
  expect({ n: 3 }).toEqual({ n: expect.toBeWithin(1, 5) });
  expect({ n: 9 }).toEqual({ n: expect.not.toBeWithin(1, 5) });
  await expect(Promise.resolve(2)).toEventuallyBe(2);
  await assert.rejects(expect(Promise.resolve(2)).toEventuallyBe(3), /eventually/);
});

test("format: Jest-style pretty printing", () => {
  assert.equal(format({ b: 1, a: [1, "s"] }), 'Object {\n  "a": Array [\n    1,\n    "s",\n  ],\n  "b": 1,\n}');
  assert.equal(format([]), "Array []");
  assert.equal(format({}), "Object {}");
  assert.equal(format('say "hi"'), '"say \\"hi\\""');
  assert.equal(format(undefined), "undefined");
  assert.equal(format(null), "null");
  assert.equal(format(-0), "-0");
  assert.equal(format(10n), "10n");
  assert.equal(format(Symbol("s")), "Symbol(s)");
  assert.equal(format(function named() {}), "[Function named]");
  assert.equal(format(() => {}), "[Function anonymous]");
  assert.equal(format(new Date(0)), "1970-01-01T00:00:00.000Z");
  assert.equal(format(new Date(NaN)), "Date { NaN }");
  assert.equal(format(/x/gi), "/x/gi");
  assert.equal(format(new RangeError("r")), "[RangeError: r]");
  assert.equal(format(new Map([["k", { v: 1 }]])), 'Map {\n  "k" => Object {\n    "v": 1,\n  },\n}');
  assert.equal(format(new Set([1])), "Set {\n  1,\n}");
  assert.equal(format(new Uint8Array([7])), "Uint8Array [\n  7,\n]");
  assert.equal(format(new Point(2)), 'Point {\n  "x": 2,\n}');
  assert.equal(format(Object.create(null)), "Object {}");
  assert.equal(format([, 1]), "Array [\n  <empty>,\n  1,\n]");
  assert.equal(format({ [Symbol("k")]: 1 }), "Object {\n  Symbol(k): 1,\n}");
  const cycle = { a: 1 };
  cycle.self = cycle;
  assert.equal(format(cycle), 'Object {\n  "a": 1,\n  "self": [Circular],\n}');
  assert.equal(format({ a: { b: [1, { c: 2 }] } }, { min: true }), '{"a": {"b": [1, {"c": 2}]}}');
  assert.equal(format({ a: { b: 1 } }, { min: true, maxDepth: 1 }), '{"a": [Object]}');
  assert.equal(format(new Point(1), { min: true }), 'Point {"x": 1}');
  assert.equal(format(expect.objectContaining({ a: 1 }), { min: true }), 'ObjectContaining {"a": 1}');
  assert.equal(format(expect.arrayContaining([1])), "ArrayContaining [\n  1,\n]");
  assert.equal(format(expect.stringMatching(/a/)), "StringMatching /a/");
  assert.equal(format(expect.anything()), "Anything");
});

test("expect: toMatchObject on an Error compares its own and inherited properties, as Jest and Vitest (issue 14)", async () => {
  class CodedError extends Error {
    constructor(message) {
      super(message);
      this.code = 42;
    }
  }
  // Each case was checked against Jest 30 and Vitest 3: [received, pattern, passes].
  const cases = [
    [new Error("boom"), { message: "boom" }, true],
    [new Error("boom"), { message: "bam" }, false],
    [new TypeError("boom"), { name: "TypeError", message: "boom" }, true],
    [new CodedError("boom"), { code: 42 }, true],
    [new CodedError("boom"), { code: 43 }, false],
    [new Error("boom"), { message: expect.stringContaining("oo") }, true],
    [new Error("boom"), { nope: undefined }, false],
    [{ error: new Error("boom") }, { error: { message: "boom" } }, true],
    [new Error("boom"), new Error("bam"), false],
    [[1, 2], { length: 2 }, true],
    [new Map([[1, 2]]), { size: 1 }, true],
  ];
  for (const [received, pattern, passes] of cases) {
    if (passes) {
      expect(received).toMatchObject(pattern);
      fails(() => expect(received).not.toMatchObject(pattern), /not\.toMatchObject/);
    } else {
      fails(() => expect(received).toMatchObject(pattern), /toMatchObject/);
      expect(received).not.toMatchObject(pattern);
    }
  }
  await expect(Promise.reject(new CodedError("boom"))).rejects.toMatchObject({ message: "boom", code: 42 });
  await assert.rejects(
    expect(Promise.reject(new CodedError("boom"))).rejects.toMatchObject({ message: "boom", code: 41 }),
    /rejects\.toMatchObject/,
  );
});
