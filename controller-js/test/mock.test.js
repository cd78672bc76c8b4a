// Mock functions and spies (fn, spyOn, jest/vi) and the matchers that read their calls.

import assert from "node:assert/strict";
import { test } from "node:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { tempDir } from "./temp-dir.js";
import { expect, format } from "../src/expect.js";
import { fails } from "../test-support/assertions.js";
import { mocker } from "../src/jest-object.js";
import { MatcherUsageError } from "../src/matchers.js";
import {
  clearAllMocks,
  fn,
  isMockFunction,
  resetAllMocks,
  restoreAllMocks,
  restoreSpiesOf,
  setSpyOwner,
  spyOn,
} from "../src/mock.js";

test("fn: records calls, this, results and instances in Jest's shape", () => {
  const add = fn((a, b) => a + b);
  assert.equal(add(1, 2), 3);
  const context = { name: "ctx" };
  add.call(context, 3, 4);
  assert.deepEqual(add.mock.calls, [
    [1, 2],
    [3, 4],
  ]);
  assert.deepEqual(add.mock.lastCall, [3, 4]);
  assert.equal(add.mock.contexts[1], context);
  assert.deepEqual(add.mock.results, [
    { type: "return", value: 3 },
    { type: "return", value: 7 },
  ]);
  assert.ok(add.mock.invocationCallOrder[0] < add.mock.invocationCallOrder[1]);

  const boom = fn(() => {
    throw new RangeError("no");
  });
  assert.throws(() => boom(), RangeError);
  assert.equal(boom.mock.results[0].type, "throw");
  assert.ok(boom.mock.results[0].value instanceof RangeError);

  // A recursive call sees the outer one as incomplete.
  let seen;
  const recursive = fn((n) => {
    if (n === 0) seen = recursive.mock.results.map((r) => r.type);
    return n === 0 ? 0 : recursive(n - 1);
  });
  recursive(1);
  assert.deepEqual(seen, ["incomplete", "incomplete"]);

  const Made = fn(function (x) {
    this.x = x;
  });
  const made = new Made(5);
  assert.equal(made.x, 5);
  assert.equal(Made.mock.instances[0], made);
  class Point {
    constructor(x) {
      this.x = x;
    }
  }
  const MockPoint = fn(Point);
  assert.equal(new MockPoint(2).x, 2);

  assert.equal(fn()(1), undefined);
  assert.ok(isMockFunction(add));
  assert.ok(!isMockFunction(() => {}));
  assert.throws(() => fn(5), TypeError);
});

test("fn: implementations, once-queues, return values, promises, names, clear/reset", async () => {
  const mock = fn().mockReturnValue("default").mockReturnValueOnce("first").mockReturnValueOnce("second");
  assert.deepEqual([mock(), mock(), mock()], ["first", "second", "default"]);
  mock.mockImplementation((x) => x * 2).mockImplementationOnce(() => "once");
  assert.deepEqual([mock(1), mock(2)], ["once", 4]);
  assert.equal(mock.getMockImplementation()(5), 10);

  const resolved = fn().mockResolvedValue(1).mockResolvedValueOnce(0);
  assert.deepEqual([await resolved(), await resolved()], [0, 1]);
  const rejected = fn().mockRejectedValue(new Error("later")).mockRejectedValueOnce(new Error("now"));
  await assert.rejects(rejected(), /now/);
  await assert.rejects(rejected(), /later/);

  const chain = { go: fn().mockReturnThis() };
  assert.equal(chain.go(), chain);

  const temporary = fn(() => "normal");
  temporary.withImplementation(
    () => "temporary",
    () => assert.equal(temporary(), "temporary"),
  );
  assert.equal(temporary(), "normal");
  await temporary.withImplementation(
    () => "async temporary",
    async () => {
      await null;
      assert.equal(temporary(), "async temporary");
    },
  );
  assert.equal(temporary(), "normal");

  assert.equal(fn().getMockName(), "jest.fn()");
  assert.equal(fn().mockName("fetcher").getMockName(), "fetcher");
  assert.equal(format(fn()), "[MockFunction]");
  assert.equal(format(fn().mockName("fetcher")), "[MockFunction fetcher]");

  const cleared = fn(() => 1);
  cleared(1);
  const oldCalls = cleared.mock.calls;
  cleared.mockClear();
  assert.deepEqual(cleared.mock.calls, []);
  assert.deepEqual(oldCalls, [[1]], "the old record is left as it was");
  assert.equal(cleared(), 1, "mockClear keeps the implementation");
  cleared.mockReset();
  assert.equal(cleared(), undefined, "mockReset drops it");
  assert.equal(cleared.mock.calls.length, 1);

  const a = fn(() => "a");
  a();
  clearAllMocks();
  assert.equal(a.mock.calls.length, 0);
  assert.equal(a(), "a");
  resetAllMocks();
  assert.equal(a(), undefined);
});

test("spyOn: calls through, records, can be replaced and is restored", () => {
  const calculator = {
    factor: 2,
    times(x) {
      return x * this.factor;
    },
  };
  const spy = spyOn(calculator, "times");
  assert.equal(calculator.times(3), 6, "calls the original with the right this");
  assert.deepEqual(spy.mock.calls, [[3]]);
  assert.equal(spyOn(calculator, "times"), spy, "spying twice gives the same spy");
  spy.mockReturnValue(0);
  assert.equal(calculator.times(3), 0);
  spy.mockRestore();
  assert.equal(calculator.times(3), 6);
  assert.ok(!isMockFunction(calculator.times));

  // A method from the prototype is shadowed, then the own property goes away again.
  class Greeter {
    greet() {
      return "hello";
    }
  }
  const greeter = new Greeter();
  const greetSpy = spyOn(greeter, "greet").mockImplementation(() => "hi");
  assert.equal(greeter.greet(), "hi");
  assert.equal(new Greeter().greet(), "hello", "other instances are untouched");
  restoreAllMocks();
  assert.ok(!Object.hasOwn(greeter, "greet"));
  assert.equal(greeter.greet(), "hello");
  assert.equal(greetSpy.mock.calls.length, 0);

  // Spying on a prototype method applies to every instance.
  const protoSpy = spyOn(Greeter.prototype, "greet");
  new Greeter().greet();
  assert.equal(protoSpy.mock.calls.length, 1);
  protoSpy.mockRestore();

  // Getters and setters.
  const settings = {
    stored: 1,
    get value() {
      return this.stored;
    },
    set value(v) {
      this.stored = v;
    },
  };
  const getter = spyOn(settings, "value", "get").mockReturnValue(42);
  assert.equal(settings.value, 42);
  const setter = spyOn(settings, "value", "set");
  settings.value = 7;
  assert.deepEqual(setter.mock.calls, [[7]]);
  assert.equal(settings.stored, 7);
  getter.mockRestore();
  setter.mockRestore();
  assert.equal(settings.value, 7);

  // A class used with `new` through a spy.
  const lib = { Point: class { constructor(x) { this.x = x; } } };
  const ctorSpy = spyOn(lib, "Point");
  assert.equal(new lib.Point(3).x, 3);
  assert.equal(ctorSpy.mock.calls.length, 1);
  ctorSpy.mockRestore();

  assert.throws(() => spyOn({ a: 1 }, "a"), /cannot spy on the a property because it is not a function; number given/);
  assert.throws(() => spyOn({}, "missing"), /missing does not exist/);
  assert.throws(() => spyOn(null, "x"), /could not find an object/);
  const frozen = Object.freeze({ f() {} });
  assert.throws(() => spyOn(frozen, "f"), /not configurable/);
  assert.equal(mocker.spyOn, spyOn);
  assert.equal(mocker.mocked(frozen), frozen);
});

test("mock matchers: pass, fail with Jest-like messages, and under .not", () => {
  const mock = fn((x) => (x === "throw" ? (() => { throw new Error("x"); })() : x + 1));
  expect(mock).not.toHaveBeenCalled();
  expect(mock).not.toBeCalled();
  expect(mock).toHaveBeenCalledTimes(0);
  expect(mock).not.toHaveReturned();
  mock(1);
  mock(2, { deep: [1] });
  expect(mock).toHaveBeenCalled();
  expect(mock).toBeCalled();
  expect(mock).toHaveBeenCalledTimes(2);
  expect(mock).toBeCalledTimes(2);
  expect(mock).toHaveBeenCalledWith(1);
  expect(mock).toHaveBeenCalledWith(2, { deep: [1] });
  expect(mock).toHaveBeenCalledWith(expect.any(Number), expect.objectContaining({ deep: expect.any(Array) }));
  expect(mock).toBeCalledWith(1);
  expect(mock).not.toHaveBeenCalledWith(3);
  expect(mock).not.toHaveBeenCalledWith(1, undefined, "extra");
  expect(mock).toHaveBeenLastCalledWith(2, { deep: [1] });
  expect(mock).lastCalledWith(2, { deep: [1] });
  expect(mock).not.toHaveBeenLastCalledWith(1);
  expect(mock).toHaveBeenNthCalledWith(1, 1);
  expect(mock).nthCalledWith(2, 2, { deep: [1] });
  expect(mock).not.toHaveBeenNthCalledWith(3, 1);
  expect(mock).toHaveReturned();
  expect(mock).toReturn();
  expect(mock).toHaveReturnedTimes(2);
  expect(mock).toReturnTimes(2);
  expect(mock).toHaveReturnedWith(2);
  expect(mock).toReturnWith(3);
  expect(mock).not.toHaveReturnedWith(4);
  expect(mock).toHaveLastReturnedWith(3);
  expect(mock).lastReturnedWith(3);
  expect(mock).toHaveNthReturnedWith(1, 2);
  expect(mock).nthReturnedWith(2, 3);
  assert.throws(() => mock("throw"));
  expect(mock).toHaveBeenCalledTimes(3);
  expect(mock).toHaveReturnedTimes(2);
  expect(mock).not.toHaveLastReturnedWith(3);

  const never = fails(() => expect(fn().mockName("save")).toHaveBeenCalled(), /toHaveBeenCalled\(\)/);
  assert.match(never.message, /Expected the mock save to be called\nReceived number of calls: 0/);
  const calledWhen = fails(() => expect(mock).not.toHaveBeenCalled());
  assert.match(calledWhen.message, /Calls: 1: \[1\]/);
  assert.match(fails(() => expect(mock).toHaveBeenCalledTimes(1)).message, /Expected number of calls: 1\nReceived number of calls: 3/);

  const withArgs = fails(() => expect(mock).toHaveBeenCalledWith(9, "x"));
  assert.match(withArgs.message, /expect\(received\)\.toHaveBeenCalledWith\(\.\.\.expected\)/);
  assert.match(withArgs.message, /to have arguments: \[9, "x"\]/);
  assert.match(withArgs.message, /Received calls: 1: \[1\]\n\s+2: \[2, \{"deep": \[1\]\}\]\n\s+3: \["throw"\]/);
  assert.match(withArgs.message, /Number of calls: 3/);
  assert.ok(withArgs.expected.includes("9") && withArgs.actual.includes("throw"), "a diff against the last call");
  assert.match(fails(() => expect(mock).toHaveBeenNthCalledWith(2, 5)).message, /Expected call 2 of the mock/);
  assert.match(fails(() => expect(mock).toHaveReturnedWith(99)).message, /Received: 1: 2\n\s+2: 3\n\s+3: threw \[Error: x\]/);
  const busy = fn((x) => x);
  for (let i = 0; i < 2000; i++) busy(i);
  const long = fails(() => expect(busy).toHaveReturnedWith(-1)).message;
  assert.ok(long.length < 1000, `the list of returns is capped: ${long.length} characters`);
  assert.match(long, /1991: 1990\n[\s\S]*2000: 1999/);
  assert.match(fails(() => expect(mock).not.toHaveReturnedWith(2)).message, /not to return: 2/);
});

test("mock matchers: a value that is not a mock is a usage error", () => {
  assert.throws(() => expect(() => {}).toHaveBeenCalled(), MatcherUsageError);
  assert.throws(() => expect(fn()).toHaveBeenCalledTimes(-1), MatcherUsageError);
  assert.throws(() => expect(fn()).toHaveBeenNthCalledWith(0, 1), MatcherUsageError);
  assert.throws(() => expect(fn()).toHaveBeenCalled(1), MatcherUsageError);
  assert.throws(() => expect({}).toHaveReturnedWith(1), /must be a mock or spy function/);
  // Vitest ignores an argument to toHaveReturned, so proctor does too (vitest-api.test.js).
});

test("jest / vi: what proctor lacks fails with a clear error", () => {
  // Module mocking needs the node platform (node-mocks.js), which this test does not load.
  assert.throws(() => mocker.mock("./db.js"), /vi\.mock\(\)\/jest\.mock\(\) is not supported in this runtime/);
  const warnings = [];
  const warn = spyOn(console, "warn").mockImplementation((text) => warnings.push(text));
  // Outside a loading file (as while tests run) jest.setTimeout cannot change the plan's timeouts.
  mocker.setTimeout(10000);
  mocker.setTimeout(20000);
  warn.mockRestore();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /jest\.setTimeout\(\) while tests run is ignored by proctor/);
});

test("spyOn and fn: classes keep their prototype under new, also through a subclass", () => {
  class Foo {
    constructor(x) {
      this.x = x;
    }
    hi() {
      return `hi ${this.x}`;
    }
  }
  const lib = { Foo };
  const spy = spyOn(lib, "Foo");
  const made = new lib.Foo(1);
  assert.ok(made instanceof Foo);
  assert.ok(made instanceof lib.Foo, "instanceof the spy too");
  assert.equal(made.hi(), "hi 1");
  class Bar extends lib.Foo {}
  const sub = new Bar(2);
  assert.ok(sub instanceof Bar && sub instanceof Foo);
  assert.equal(sub.hi(), "hi 2");
  assert.equal(spy.mock.calls.length, 2);
  assert.equal(spy.mock.instances[0], made);
  spy.mockRestore();
  assert.equal(lib.Foo, Foo);

  const MockFoo = fn(Foo);
  const viaMock = new MockFoo(3);
  assert.ok(viaMock instanceof Foo);
  assert.equal(viaMock.hi(), "hi 3");
  assert.equal(MockFoo.mock.instances[0], viaMock);

  // An ES5 constructor function is called with the new object, as in Jest.
  const Plain = fn(function (x) {
    this.x = x;
  });
  const plain = new Plain(4);
  assert.ok(plain instanceof Plain);
  assert.equal(plain.x, 4);

  // A built-in constructor through a spy.
  const spyDate = spyOn(globalThis, "Date");
  assert.ok(new Date(0) instanceof Date);
  assert.equal(new Date(0).getTime(), 0);
  assert.equal(spyDate.mock.calls.length, 2);
  spyDate.mockRestore();
  assert.ok(!isMockFunction(Date));

  assert.equal(fn((a, b, c) => {}).length, 3, "a mock keeps its implementation's arity");
  assert.equal(spyOn({ f(a, b) {} }, "f").length, 2);
});

test("spyOn on a module namespace: a module that registered its exports rebinds them; importers see the spy", async () => {
  // What host/src/transform/live_exports.rs makes of
  // `export function f() {} export const g = () => f(); export const n = 1;`.
  const dir = tempDir("proctor-live-exports-");
  writeFileSync(
    join(dir, "mod.mjs"),
    `var own; globalThis.__proctorLiveExports?.({ f: [() => f, (v) => { own ??= f; f = v; }], g: [() => g, (v) => { g = v; }], n: [() => n, (v) => { n = v; }] });
     export function f() { return "real"; }
     export let g = () => (own || f)();
     export let n = 1;`,
  );
  writeFileSync(join(dir, "user.mjs"), `import { f } from "./mod.mjs"; export function useF() { return f(); }`);
  const mod = await import(pathToFileURL(join(dir, "mod.mjs")).href);
  const user = await import(pathToFileURL(join(dir, "user.mjs")).href);
  const spy = spyOn(mod, "f").mockReturnValue("spy");
  assert.equal(mod.f, spy);
  assert.equal(mod.f(), "spy");
  assert.equal(user.useF(), "spy", "an importer's live binding sees the spy");
  assert.equal(mod.g(), "real", "the module's own call keeps the original, as in Vitest and Jest");
  assert.equal(spyOn(mod, "f"), spy, "spying again gives the same spy");
  assert.equal(spy.mock.calls.length, 2);
  spy.mockRestore();
  assert.equal(user.useF(), "real");
  assert.ok(!isMockFunction(mod.f));
  spyOn(mod, "g").mockReturnValue("g spy");
  assert.equal(mod.g(), "g spy");
  restoreAllMocks();
  assert.equal(mod.g(), "real");
  assert.throws(() => spyOn(mod, "n"), /not a function/);
  assert.throws(() => spyOn(mod, "f", "get"), /has no getter/);
});

test("spyOn: clear errors for what cannot be replaced; spying on built-ins the mock uses", async () => {
  const namespace = await import("data:text/javascript,export function f() { return 1; }");
  assert.throws(() => spyOn(namespace, "f"), /the exports of an ES module cannot be replaced here; proctor replaces the exports of the project's own ES modules/);
  class Base {
    method() {}
  }
  assert.throws(() => spyOn(Object.freeze(new Base()), "method"), /frozen or sealed/);
  assert.throws(() => spyOn({ a() {} }, "a", "value"), /accessType must be "get" or "set"/);

  const push = spyOn(Array.prototype, "push");
  const list = [];
  list.push(1);
  push.mockRestore();
  assert.deepEqual(list, [1]);
  assert.equal(push.mock.calls.length, 0, "mockRestore clears the record");
});

test("restoreAllMocks puts back newest first; withImplementation sets once-implementations aside", () => {
  class Base {
    get v() {
      return "base";
    }
    set v(_value) {}
  }
  const object = new Base();
  spyOn(object, "v", "get").mockReturnValue("spied");
  spyOn(object, "v", "set");
  assert.equal(object.v, "spied");
  restoreAllMocks();
  assert.ok(!Object.hasOwn(object, "v"), "nothing is left shadowing the prototype");
  assert.equal(object.v, "base");

  const mock = fn(() => "base").mockReturnValueOnce("once");
  mock.withImplementation(
    () => "temporary",
    () => assert.equal(mock(), "temporary"),
  );
  assert.equal(mock(), "once", "the once-queue is back afterwards");
  assert.equal(mock(), "base");
  assert.throws(() => mock.mockImplementation(5), /mockImplementation\(implementation\): implementation must be a function/);
});

test("clearAllMocks and resetAllMocks reach every mock without holding them", () => {
  const before = fn(() => "kept");
  before(1);
  const record = before.mock;
  clearAllMocks();
  assert.equal(before.mock.calls.length, 0);
  assert.deepEqual(record.calls, [[1]], "the old record is left as it was");
  assert.equal(before(), "kept");
  const after = fn(() => "new");
  after();
  assert.equal(after.mock.calls.length, 1, "a mock made after the clear keeps its calls");
  resetAllMocks();
  assert.equal(before(), undefined);
  assert.equal(after(), undefined);
  assert.equal(after.mock.calls.length, 1, "only the call after the reset");
});

test("spies go back when the test file that made them is done", () => {
  const target = { log: () => "original" };
  const fileA = {};
  const fileB = {};
  setSpyOwner(fileA);
  spyOn(target, "log").mockReturnValue("A's spy");
  setSpyOwner(fileB);
  const other = { f: () => 1 };
  spyOn(other, "f");
  restoreSpiesOf(fileA);
  assert.equal(target.log(), "original");
  assert.ok(isMockFunction(other.f), "another file's spies stay");
  restoreSpiesOf(fileB);
  assert.ok(!isMockFunction(other.f));
  setSpyOwner(null);
});

test("vi.stubGlobal, vi.unstubAllGlobals and vi.hoisted", () => {
  assert.equal(globalThis.__proctorStubbed, undefined);
  mocker.stubGlobal("__proctorStubbed", 1);
  mocker.stubGlobal("__proctorStubbed", 2);
  assert.equal(globalThis.__proctorStubbed, 2);
  const realFetch = globalThis.fetch;
  mocker.stubGlobal("fetch", fn());
  assert.ok(isMockFunction(fetch));
  mocker.unstubAllGlobals();
  assert.ok(!("__proctorStubbed" in globalThis));
  assert.equal(globalThis.fetch, realFetch);
  assert.equal(mocker.hoisted(() => 42), 42);
});

test("jest.genMockFunction and jest.genMockFn are Jest 25's names for jest.fn", () => {
  const legacy = mocker.genMockFunction(() => 3);
  assert.equal(legacy(), 3);
  assert.equal(mocker.isMockFunction(legacy), true);
  assert.equal(mocker.isMockFunction(mocker.genMockFn()), true);
});
