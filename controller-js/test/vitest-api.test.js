// The Vitest and Jest API beyond the basics (issue 14 point 4): Vitest's collection order for
// files importing `vitest`, the test context and fixtures, test.for, it.fails, onTestFinished /
// onTestFailed, .each tables, the newer matchers, expect.soft / poll / extend /
// addEqualityTesters, vi.waitFor / waitUntil / setConfig, spies on accessors,
// jest.replaceProperty, toMatchFileSnapshot, expectTypeOf, and the errors for what is missing.

import assert from "node:assert/strict";
import { test } from "node:test";
import * as proctor from "../src/index.js";
import { expect } from "../src/expect.js";
import { guardUnsupported } from "../src/unsupported.js";
import { fails } from "../test-support/assertions.js";
import { startController } from "../test-support/fake-host.js";

const { describe, it, beforeEach, afterEach, vi, onTestFinished, onTestFailed, expectTypeOf, assertType } = proctor;
const FILE = "test/vitest.test.js";

// Loads one file (a `vitest` file unless told otherwise), runs every test, returns the results
// by test name ("group > name") and the loaded message.
async function run(body, { vitest = true, load = {} } = {}) {
  const host = startController([{ file: FILE, load: async () => body() }]);
  const loaded = await host.command({ type: "load", vitest: vitest ? [FILE] : [], ...load });
  const results = {};
  for (const t of loaded.tests) {
    if (t.mode === "todo" || t.mode === "skip") continue;
    const name = [...t.groups, t.name].join(" > ");
    results[name] = await host.runTest(t.id);
  }
  await host.finish();
  return { host, loaded, results, names: loaded.tests.map((t) => [...t.groups, t.name].join(" > ")) };
}

const statuses = (results) => Object.fromEntries(Object.entries(results).map(([name, result]) => [name, result.status]));

test("vitest files: describe bodies run after the top level, tests keep source order", async () => {
  const seen = [];
  const { names, results } = await run(() => {
    it("first", () => {});
    describe("group", () => {
      // `later` is declared below this describe, as a `const` would be.
      seen.push(later.value);
      it("inside", () => {});
      describe("nested", () => {
        it("deep", () => {});
      });
      it("after nested", () => {});
    });
    it("last", () => {});
    const later = { value: "declared below" };
  });
  assert.deepEqual(seen, ["declared below"]);
  assert.deepEqual(names, ["first", "group > inside", "group > nested > deep", "group > after nested", "last"]);
  assert.ok(Object.values(results).every((result) => result.status === "passed"));
});

test("vitest files: an async describe body is awaited, and what it declares after an await stays in it", async () => {
  const { names, results } = await run(() => {
    describe("async", async () => {
      it("before the await", () => {});
      await new Promise((resolve) => setTimeout(resolve, 5));
      it("after the await", () => {});
      describe("nested", () => {
        it("deep", () => {});
      });
    });
    it("top", () => {});
  });
  assert.deepEqual(names, ["async > before the await", "async > after the await", "async > nested > deep", "top"]);
  assert.ok(Object.values(results).every((result) => result.status === "passed"));
});

test("other files keep Jest's immediate collection", async () => {
  const seen = [];
  let later = "not yet";
  await run(
    () => {
      describe("group", () => {
        seen.push(later);
        it("inside", () => {});
      });
      later = "set below";
    },
    { vitest: false },
  );
  assert.deepEqual(seen, ["not yet"]);
});

test("a describe body that throws in a vitest file is the file's load error", async () => {
  const { loaded } = await run(() => {
    it("kept?", () => {});
    describe("broken", () => {
      throw new Error("collect boom");
    });
  });
  assert.equal(loaded.tests.length, 0);
  assert.equal(loaded.loadErrors.length, 1);
  assert.match(loaded.loadErrors[0].error.message, /collect boom/);
});

test("test context: task, expect, and hooks get it in vitest files", async () => {
  const contexts = [];
  const { results } = await run(() => {
    // A synchronous beforeAll with a parameter gets its suite, not a `done` to wait for.
    proctor.beforeAll((suite) => {
      contexts.push(`suite ${suite.name}`);
    });
    beforeEach((context) => {
      context.fromHook = 1;
    });
    it("sync test with a context param", (context) => {
      contexts.push(context.task.name, context.fromHook);
      context.expect(context.task.name).toBe("sync test with a context param");
    });
    it("destructured", ({ task, expect: bound }) => {
      bound(task.fullName).toBe("destructured");
    });
    it("done is Vitest's error", (done) => {
      done();
    });
  });
  assert.match(results["done is Vitest's error"].error.message, /done\(\) callback is deprecated, use promise instead/);
  delete results["done is Vitest's error"];
  assert.deepEqual(statuses(results), { "sync test with a context param": "passed", destructured: "passed" });
  assert.deepEqual(contexts, [`suite ${FILE}`, "sync test with a context param", 1]);
});

test("a destructured parameter gets the context in any file; a plain one stays Jest's done", async () => {
  const { results } = await run(
    () => {
      it("context", ({ task }) => {
        expect(task.name).toBe("context");
      });
      it("done", (done) => {
        setTimeout(done, 1);
      });
      beforeEach((done) => done());
    },
    { vitest: false },
  );
  assert.deepEqual(statuses(results), { context: "passed", done: "passed" });
});

test("fixtures: use, teardown order, dependencies, auto, extend chained, beforeEach", async () => {
  const log = [];
  const { results } = await run(() => {
    const base = proctor.test.extend({
      config: { port: 1 },
      db: async ({ config }, use) => {
        log.push(`db up ${config.port}`);
        await use({ rows: [] });
        log.push("db down");
      },
      tracer: [
        async ({}, use) => {
          log.push("auto up");
          await use("trace");
          log.push("auto down");
        },
        { auto: true },
      ],
    });
    const withUser = base.extend({
      user: async ({ db }, use) => {
        db.rows.push("ann");
        await use("ann");
        log.push("user down");
      },
    });
    beforeEach(({ db }) => {
      log.push(`beforeEach sees ${db.rows.length}`);
    });
    withUser("uses user and db", ({ user, db }) => {
      log.push(`test ${user} ${db.rows.join()}`);
      expect(db.rows).toEqual(["ann"]);
    });
    base("plain fixture value", ({ config }) => {
      expect(config.port).toBe(1);
    });
    base.fails("fails with fixtures", ({ config }) => {
      expect(config.port).toBe(2);
    });
  });
  assert.deepEqual(statuses(results), {
    "uses user and db": "passed",
    "plain fixture value": "passed",
    "fails with fixtures": "passed",
  });
  // Vitest's order: the fixtures used, in declaration order, each after its dependencies;
  // torn down in reverse.
  assert.deepEqual(log.slice(0, 8), [
    "db up 1",
    "auto up",
    "beforeEach sees 0",
    "test ann ann",
    "user down",
    "auto down",
    "db down",
    "db up 1",
  ]);
});

test("fixtures: an override may use the value it overrides", async () => {
  const { results } = await run(() => {
    const base = proctor.test.extend({ todos: async ({}, use) => use([1, 2]) });
    const more = base.extend({
      todos: async ({ todos }, use) => {
        await use([...todos, 3]);
      },
    });
    more("sees both", ({ todos }) => expect(todos).toEqual([1, 2, 3]));
    base("base is unchanged", ({ todos }) => expect(todos).toEqual([1, 2]));
  });
  assert.deepEqual(statuses(results), { "sees both": "passed", "base is unchanged": "passed" });
});

test("fixtures: scope file is set up once per file and torn down when the file is done", async () => {
  const log = [];
  let count = 0;
  const { results } = await run(() => {
    const fileTest = proctor.test.extend({
      server: [
        async ({}, use) => {
          count++;
          log.push("server up");
          await use(`server ${count}`);
          log.push("server down");
        },
        { scope: "file" },
      ],
    });
    fileTest("one", ({ server }) => expect(server).toBe("server 1"));
    fileTest("two", ({ server }) => expect(server).toBe("server 1"));
  });
  assert.deepEqual(statuses(results), { one: "passed", two: "passed" });
  assert.deepEqual(log, ["server up", "server down"]);
});

test("fixtures: a fixture whose setup throws fails the test; a non-destructured parameter is an error", async () => {
  const { results } = await run(() => {
    const broken = proctor.test.extend({
      thing: async () => {
        throw new Error("no thing");
      },
    });
    broken("setup fails", ({ thing }) => thing);
    broken("not destructured", (context) => context.thing);
  });
  assert.match(results["setup fails"].error.message, /no thing/);
  assert.match(results["not destructured"].error.message, /must use object destructuring pattern/);
});

test("fixtures: test.scoped overrides a fixture inside its describe", async () => {
  const { results } = await run(() => {
    const api = proctor.test.extend({ mode: "default", label: async ({ mode }, use) => use(`label ${mode}`) });
    describe("scoped", () => {
      api.scoped({ mode: "scoped" });
      api("sees the override, also through a dependency", ({ mode, label }) => {
        expect(mode).toBe("scoped");
        expect(label).toBe("label scoped");
      });
    });
    api("outside keeps the default", ({ mode }) => expect(mode).toBe("default"));
  });
  assert.deepEqual(statuses(results), {
    "scoped > sees the override, also through a dependency": "passed",
    "outside keeps the default": "passed",
  });
  assert.throws(() => proctor.test.scoped({}), /call it on an API made by test\.extend/);
});

test("test.for: the row is one argument and the context comes second", async () => {
  const seen = [];
  const { names, results } = await run(() => {
    proctor.test.for([
      [1, 2, 3],
      [2, 2, 4],
    ])("add(%i, %i) -> %i", ([a, b, sum], { task }) => {
      seen.push(task.name);
      expect(a + b).toBe(sum);
    });
    proctor.test.for([{ a: 1 }, { a: 2 }])("object $a", ({ a }, context) => {
      expect(typeof a).toBe("number");
      expect(context.task.name).toBe(`object ${a}`);
    });
    describe.for([[1, "x"]])("group %i", ([n, letter]) => {
      it("has its row", () => expect([n, letter]).toEqual([1, "x"]));
    });
  });
  assert.deepEqual(names, ["add(1, 2) -> 3", "add(2, 2) -> 4", "object 1", "object 2", "group 1 > has its row"]);
  assert.deepEqual(seen, ["add(1, 2) -> 3", "add(2, 2) -> 4"]);
  assert.ok(Object.values(results).every((result) => result.status === "passed"));
});

test("it.fails passes when the test fails and fails when it passes", async () => {
  const { results } = await run(() => {
    it.fails("expected to fail", () => {
      expect(1).toBe(2);
    });
    it.fails("async failing", async () => {
      throw new Error("x");
    });
    it.fails("unexpectedly passes", () => {});
  });
  assert.equal(results["expected to fail"].status, "passed");
  assert.equal(results["async failing"].status, "passed");
  assert.equal(results["unexpectedly passes"].status, "failed");
});

test("Vitest's flags in the options object: skip, only, todo, fails", async () => {
  const host = startController([
    {
      file: FILE,
      load: async () => {
        it("skipped", { skip: true }, () => {});
        it("todo", { todo: true });
        it("fails", { fails: true }, () => {
          throw new Error("expected");
        });
        it("fails but passes", { fails: true }, () => {});
        describe("skipped group", { skip: true }, () => {
          it("inside", () => {});
        });
        it("plain", { skip: false }, () => {});
      },
    },
  ]);
  const loaded = await host.command({ type: "load", vitest: [FILE] });
  const modes = Object.fromEntries(loaded.tests.map((t) => [[...t.groups, t.name].join(" > "), t.mode]));
  assert.deepEqual(modes, {
    skipped: "skip",
    todo: "todo",
    fails: "run",
    "fails but passes": "run",
    "skipped group > inside": "skip",
    plain: "run",
  });
  const id = (name) => loaded.tests.find((t) => t.name === name).id;
  assert.equal((await host.runTest(id("fails"))).status, "passed");
  const passed = await host.runTest(id("fails but passes"));
  assert.match(passed.error.message, /declared failing\. Remove \{ fails: true \}/);
  await host.finish();
});

test("onTestFinished and onTestFailed run after afterEach, last first, and can fail the test", async () => {
  const log = [];
  const { results } = await run(() => {
    afterEach(() => log.push("afterEach"));
    it("passes", ({ onTestFinished: finished }) => {
      finished(() => log.push("finished 1"));
      onTestFinished(() => log.push("finished 2"));
      onTestFailed(() => log.push("never"));
    });
    it("fails", () => {
      onTestFailed(({ task }) => log.push(`failed: ${task.result.errors[0].message}`));
      throw new Error("boom");
    });
    it("cleanup throws", () => {
      onTestFinished(() => {
        throw new Error("cleanup failed");
      });
    });
  });
  assert.deepEqual(log, ["afterEach", "finished 2", "finished 1", "afterEach", "failed: boom", "afterEach"]);
  assert.equal(results.passes.status, "passed");
  assert.equal(results["cleanup throws"].status, "failed");
  assert.match(results["cleanup throws"].error.message, /cleanup failed/);
  assert.throws(() => onTestFinished(() => {}), /can only be called inside a test/);
});

test("describe.each and it.each take objects and tagged templates", async () => {
  const { names, results } = await run(() => {
    describe.each([{ kind: "a" }, { kind: "b" }])("kind $kind", ({ kind }) => {
      it("knows its kind", () => expect(["a", "b"]).toContain(kind));
    });
    describe.each`
      x    | y
      ${1} | ${2}
    `("table $x $y", ({ x, y }) => {
      it.each`
        z
        ${3}
      `("sum $z", ({ z }) => expect(x + y).toBe(z));
    });
  });
  // Vitest quotes a string it interpolates (`'a'`), as `vitest list` shows.
  assert.deepEqual(names, ["kind 'a' > knows its kind", "kind 'b' > knows its kind", "table 1 2 > sum 3"]);
  assert.ok(Object.values(results).every((result) => result.status === "passed"));
});

test("matchers: toHaveBeenCalledOnce, ExactlyOnceWith, Before/After, toHaveReturned with an argument", () => {
  const first = vi.fn().mockName("first");
  const second = vi.fn().mockName("second");
  expect(first).not.toHaveBeenCalledOnce();
  first(1);
  second();
  expect(first).toHaveBeenCalledOnce();
  expect(first).toHaveBeenCalledExactlyOnceWith(1);
  expect(first).not.toHaveBeenCalledExactlyOnceWith(2);
  expect(first).toHaveBeenCalledBefore(second);
  expect(second).toHaveBeenCalledAfter(first);
  expect(second).not.toHaveBeenCalledBefore(first);
  expect(vi.fn()).not.toHaveBeenCalledBefore(second);
  expect(vi.fn()).toHaveBeenCalledBefore(second, false);
  fails(() => expect(first).toHaveBeenCalledAfter(second), /to have been called after "second"/);
  first(1);
  fails(() => expect(first).toHaveBeenCalledOnce(), /Received number of calls: 2/);
  fails(() => expect(first).toHaveBeenCalledExactlyOnceWith(1), /to be called once with arguments/);
  assert.throws(() => expect(first).toHaveBeenCalledBefore({}), /is not a spy/);
  const returns = vi.fn(() => 2);
  returns();
  expect(returns).toHaveReturned(2);
  expect(returns).toHaveReturned("ignored, as in Vitest");
});

test("matchers: the toHaveResolved family reads what returned promises settled to", async () => {
  const load = vi.fn(async (n) => {
    if (n < 0) throw new Error("negative");
    return n * 2;
  });
  expect(load).not.toHaveResolved();
  await load(1);
  await load(2);
  await load(-1).catch(() => {});
  expect(load.mock.settledResults).toEqual([
    { type: "fulfilled", value: 2 },
    { type: "fulfilled", value: 4 },
    { type: "rejected", value: new Error("negative") },
  ]);
  expect(load).toHaveResolved();
  expect(load).toHaveResolvedTimes(2);
  expect(load).toHaveResolvedWith(4);
  expect(load).not.toHaveResolvedWith(3);
  expect(load).toHaveNthResolvedWith(1, 2);
  expect(load).not.toHaveLastResolvedWith(4);
  fails(() => expect(load).toHaveLastResolvedWith(4), /to have last resolved with: 4[\s\S]*3: rejected/);
  fails(() => expect(load).toHaveResolvedTimes(3), /to have resolved 3 times/);
});

test("vi.stubEnv and unstubAllEnvs; vi.getMockedSystemTime", () => {
  const before = process.env.PROCTOR_STUB;
  vi.stubEnv("PROCTOR_STUB", "on").stubEnv("PROD", true);
  assert.equal(process.env.PROCTOR_STUB, "on");
  assert.equal(process.env.PROD, "1");
  vi.unstubAllEnvs();
  assert.equal(process.env.PROCTOR_STUB, before);
  assert.equal("PROD" in process.env, false);
  assert.equal(vi.getMockedSystemTime(), null);
  vi.useFakeTimers({ now: 1000 });
  try {
    assert.equal(vi.getMockedSystemTime().getTime(), 1000);
  } finally {
    vi.useRealTimers();
  }
});

test("matchers: toSatisfy, toBeOneOf, toBeTypeOf", () => {
  expect(4).toSatisfy((n) => n % 2 === 0);
  expect(3).not.toSatisfy((n) => n % 2 === 0);
  fails(() => expect(3).toSatisfy((n) => n > 5, "bigger than 5"), /to satisfy:\nbigger than 5/);
  expect("b").toBeOneOf(["a", "b"]);
  expect({ a: 1 }).toBeOneOf([{ a: 1 }]);
  expect("c").not.toBeOneOf(["a", "b"]);
  expect(1).toBeOneOf([]);
  fails(() => expect("c").toBeOneOf(["a"]), /to be one of/);
  assert.throws(() => expect(1).toBeOneOf(1), /must provide an array/);
  expect("x").toBeTypeOf("string");
  expect(null).toBeTypeOf("object");
  expect(1).not.toBeTypeOf("string");
  fails(() => expect(1).toBeTypeOf("string"), /Expected type: string\nReceived type: number/);
});

test("expect.soft: the test goes on and fails at the end with every failure", async () => {
  const reached = [];
  const { results } = await run(() => {
    it("two soft failures", () => {
      expect.soft(1).toBe(2);
      reached.push("after first");
      expect.soft("a").not.toBe("a");
      reached.push("after second");
      expect.soft(3).toBe(3);
    });
    it("one soft failure keeps its diff", () => {
      expect.soft({ a: 1 }).toEqual({ a: 2 });
    });
    it("soft then thrown", () => {
      expect.soft(1).toBe(0);
      throw new Error("hard");
    });
    it("all pass", () => {
      expect.soft(1).toBe(1);
    });
    it("async soft", async () => {
      await expect.soft(Promise.resolve(1)).resolves.toBe(2);
      reached.push("after async");
    });
  });
  assert.deepEqual(reached, ["after first", "after second", "after async"]);
  const two = results["two soft failures"].error;
  assert.match(two.message, /^2 expectations failed \(expect\.soft\)/);
  assert.match(two.message, /1\) expect\(received\)\.toBe\(expected\)[\s\S]*2\) expect\(received\)\.not\.toBe/);
  assert.ok(results["one soft failure keeps its diff"].error.expected.includes('"a": 2'));
  assert.match(results["soft then thrown"].error.message, /2 expectations failed[\s\S]*hard/);
  assert.equal(results["all pass"].status, "passed");
  assert.equal(results["async soft"].status, "failed");
});

test("expect.poll retries until the matcher passes, and fails with the last failure after the timeout", async () => {
  let calls = 0;
  await expect.poll(() => ++calls, { interval: 5, timeout: 1000 }).toBe(3);
  assert.equal(calls, 3);
  await expect.poll(async () => "ready").not.toBe("waiting");
  const started = Date.now();
  await assert.rejects(
    expect.poll(() => "never", { interval: 5, timeout: 60 }).toBe("done"),
    (error) => /Matcher did not succeed in time\.[\s\S]*toBe/.test(error.message) && error.cause !== undefined,
  );
  assert.ok(Date.now() - started >= 55);
  assert.throws(() => expect.poll(() => 1).toThrow(), /expect\.poll\(\) is not supported in combination with \.toThrow\(\)/);
});

test("expect.poll under fake timers still polls in real time; an unawaited poll fails its test", async () => {
  const { results } = await run(() => {
    it("fake timers", async () => {
      vi.useFakeTimers();
      let ready = false;
      setTimeout(() => (ready = true), 10_000);
      vi.advanceTimersByTime(10_000);
      await expect.poll(() => ready, { interval: 5 }).toBe(true);
      vi.useRealTimers();
    });
    it("not awaited", () => {
      expect.poll(() => 1).toBe(1);
    });
  });
  assert.equal(results["fake timers"].status, "passed");
  assert.match(results["not awaited"].error.message, /was not awaited/);
});

test("expect.assertions and hasAssertions", async () => {
  const { results } = await run(() => {
    it("right count", () => {
      expect.assertions(2);
      expect(1).toBe(1);
      expect(2).toBe(2);
    });
    it("wrong count", () => {
      expect.assertions(2);
      expect(1).toBe(1);
    });
    it("none", () => {
      expect.hasAssertions();
    });
    it("a poll is one assertion, however many attempts", async () => {
      expect.assertions(1);
      let n = 0;
      await expect.poll(() => ++n, { interval: 5 }).toBe(3);
    });
    it("each soft expectation is one", () => {
      expect.assertions(2);
      expect.soft(1).toBe(1);
      expect.soft(2).toBe(2);
    });
  });
  assert.deepEqual(statuses(results), {
    "right count": "passed",
    "wrong count": "failed",
    none: "failed",
    "a poll is one assertion, however many attempts": "passed",
    "each soft expectation is one": "passed",
  });
});

test("expect.extend: this.equals, this.utils, this.isNot, this.promise", async () => {
  const seen = [];
  expect.extend({
    toEqualWithUtils(received, expected) {
      seen.push({ isNot: this.isNot, promise: this.promise });
      const pass = this.equals(received, expected);
      return {
        pass,
        message: () =>
          `${this.utils.matcherHint("toEqualWithUtils", undefined, undefined, { isNot: this.isNot, promise: this.promise })}\n\n` +
          `Expected: ${this.utils.printExpected(expected)}\nReceived: ${this.utils.printReceived(received)}\n\n` +
          `${this.utils.diff(expected, received)}`,
      };
    },
  });
  expect({ a: 1 }).toEqualWithUtils({ a: 1 });
  expect({ a: 1 }).not.toEqualWithUtils({ a: 2 });
  await expect(Promise.resolve(1)).resolves.toEqualWithUtils(1);
  assert.deepEqual(seen, [
    { isNot: false, promise: "" },
    { isNot: true, promise: "" },
    { isNot: false, promise: "resolves" },
  ]);
  fails(() => expect({ a: 1 }).toEqualWithUtils({ a: 2 }), /expect\(received\)\.toEqualWithUtils\(expected\)[\s\S]*Expected: \{"a": 2\}[\s\S]*- Expected\n\+ Received/);
  fails(() => expect(1).not.toEqualWithUtils(1), /expect\(received\)\.not\.toEqualWithUtils/);
  assert.equal(typeof expect(1).toEqualWithUtils, "function");
  assert.equal(expect.toEqualWithUtils(1).asymmetricMatch(1), true);
});

test("expect.addEqualityTesters: deep equality asks the testers first", () => {
  class Money {
    constructor(cents) {
      this.cents = cents;
    }
  }
  expect.addEqualityTesters([
    function moneyEquals(a, b) {
      if (a instanceof Money && b instanceof Money) return Math.abs(a.cents - b.cents) < 5;
      return undefined;
    },
  ]);
  expect(new Money(100)).toEqual(new Money(102));
  expect({ price: new Money(100) }).toEqual({ price: new Money(103) });
  expect(new Money(100)).not.toEqual(new Money(200));
  expect([1]).toEqual([1]);
  assert.throws(() => expect.addEqualityTesters("no"), /expected an array/);
});

test("vi.waitFor retries until the callback stops throwing; vi.waitUntil until it is truthy", async () => {
  let n = 0;
  assert.equal(
    await vi.waitFor(
      () => {
        if (++n < 3) throw new Error("not yet");
        return "ok";
      },
      { interval: 5 },
    ),
    "ok",
  );
  await assert.rejects(
    vi.waitFor(
      () => {
        throw new Error("still not");
      },
      { interval: 5, timeout: 30 },
    ),
    /still not/,
  );
  let m = 0;
  assert.equal(await vi.waitUntil(() => ++m >= 3 && m, { interval: 5 }), 3);
  await assert.rejects(vi.waitUntil(() => false, { interval: 5, timeout: 30 }), /Timed out in waitUntil!/);
  await assert.rejects(
    vi.waitUntil(() => {
      throw new Error("thrown at once");
    }),
    /thrown at once/,
  );
  // Under fake timers each attempt advances the clock by the interval.
  vi.useFakeTimers();
  try {
    let fired = false;
    setTimeout(() => (fired = true), 200);
    await vi.waitFor(
      () => {
        if (!fired) throw new Error("timer not fired");
      },
      { interval: 50 },
    );
  } finally {
    vi.useRealTimers();
  }
});

test("vi.setConfig: testTimeout and hookTimeout reach what is declared after it; resetConfig undoes it", async () => {
  const host = startController([
    {
      file: FILE,
      load: async () => {
        describe("group", () => {
          it("declared in a describe above the call", () => {});
        });
        vi.setConfig({ testTimeout: 12_345 });
        it("after", () => {});
        it("own timeout wins", () => {}, 50);
      },
    },
  ]);
  const loaded = await host.command({ type: "load", vitest: [FILE] });
  vi.resetConfig();
  const timeouts = Object.fromEntries(loaded.tests.map((t) => [t.name, t.timeout]));
  assert.deepEqual(timeouts, {
    "declared in a describe above the call": 12_345,
    after: 12_345,
    "own timeout wins": 50,
  });
  const { loaded: reset } = await run(() => it("after reset", () => {}));
  assert.equal(reset.tests[0].timeout, undefined);

  // Files load together here: one file's config does not reach another's tests.
  const two = startController([
    {
      file: "test/a.test.js",
      load: async () => {
        vi.setConfig({ testTimeout: 777 });
        it("a", () => {});
      },
    },
    { file: "test/b.test.js", load: async () => it("b", () => {}) },
  ]);
  const both = await two.command({ type: "load" });
  assert.deepEqual(
    both.tests.map((t) => [t.name, t.timeout]),
    [
      ["a", 777],
      ["b", undefined],
    ],
  );
  assert.throws(() => vi.setConfig({ testTimeout: -1 }), /non-negative/);
});

test("jest.setTimeout at a file's top level is the default timeout of its tests from then on", async () => {
  const { mocker: jest } = await import("../src/jest-object.js");
  const two = startController([
    {
      file: "test/slow.test.js",
      load: async () => {
        jest.setTimeout(30_000);
        it("bundles", () => {});
        it("own timeout wins", () => {}, 50);
      },
    },
    { file: "test/other.test.js", load: async () => it("other", () => {}) },
  ]);
  const both = await two.command({ type: "load" });
  assert.deepEqual(
    both.tests.map((t) => [t.name, t.timeout]),
    [
      ["bundles", 30_000],
      ["own timeout wins", 50],
      ["other", undefined],
    ],
  );
  await two.finish();
});

test("vi.spyOn on getters and setters; jest.replaceProperty", () => {
  const object = {
    _v: 1,
    get value() {
      return this._v;
    },
    set value(next) {
      this._v = next;
    },
  };
  const getter = vi.spyOn(object, "value", "get").mockReturnValue(42);
  const setter = vi.spyOn(object, "value", "set");
  assert.equal(object.value, 42);
  object.value = 7;
  expect(setter).toHaveBeenCalledWith(7);
  expect(getter).toHaveBeenCalledOnce();
  getter.mockRestore();
  setter.mockRestore();
  assert.equal(object.value, 7);

  const env = { MODE: "dev", fn() {} };
  const replaced = proctor.jest.replaceProperty(env, "MODE", "test");
  assert.equal(env.MODE, "test");
  replaced.replaceValue("prod");
  assert.equal(env.MODE, "prod");
  replaced.restore();
  assert.equal(env.MODE, "dev");
  proctor.jest.replaceProperty(env, "MODE", "again");
  vi.restoreAllMocks();
  assert.equal(env.MODE, "dev");
  assert.throws(() => proctor.jest.replaceProperty(env, "missing", 1), /property does not exist/);
  assert.throws(() => proctor.jest.replaceProperty(env, "fn", 1), /is a function/);
});

test("toMatchFileSnapshot: compared with the file the host read; new and -u files are written", async () => {
  const path = "test/__snapshots__/out.html";
  const body = () => {
    it("matches", async () => {
      await expect("<p>same</p>").toMatchFileSnapshot("./__snapshots__/out.html");
    });
    it("non-string values are serialized", async () => {
      await expect({ a: 1 }).toMatchFileSnapshot("./obj.txt");
    });
    it("computed path", async () => {
      const name = "x";
      await expect("y").toMatchFileSnapshot(`./${name}.txt`);
    });
  };
  const stored = { [path]: "<p>same</p>", "test/obj.txt": null };
  const { host, results } = await run(body, { load: { fileSnapshots: stored, snapshots: { update: "new", files: {} } } });
  assert.equal(results.matches.status, "passed");
  assert.equal(results["non-string values are serialized"].status, "passed");
  assert.match(results["computed path"].error.message, /reads file snapshots before the run/);
  assert.deepEqual(
    host.sent.filter((message) => message.type === "file-snapshot").map(({ path: written, content }) => [written, content]),
    [["test/obj.txt", '{\n  "a": 1,\n}']],
  );

  const changed = { [path]: "<p>old</p>", "test/obj.txt": '{\n  "a": 1,\n}' };
  const mismatch = await run(body, { load: { fileSnapshots: changed, snapshots: { update: "new", files: {} } } });
  assert.equal(mismatch.results.matches.status, "failed");
  assert.match(mismatch.results.matches.error.message, /mismatched/);
  assert.equal(mismatch.results.matches.error.expected, "<p>old</p>");
  const updated = await run(body, { load: { fileSnapshots: changed, snapshots: { update: "all", files: {} } } });
  assert.equal(updated.results.matches.status, "passed");
  assert.ok(updated.host.sent.some((message) => message.type === "file-snapshot" && message.path === path && message.content === "<p>same</p>"));
  const ci = await run(body, { load: { fileSnapshots: { [path]: null, "test/obj.txt": null }, snapshots: { update: "none", files: {} } } });
  assert.match(ci.results.matches.error.message, /does not exist/);
});

test("expectTypeOf and assertType do nothing at run time, whatever the chain", () => {
  expectTypeOf(1).toEqualTypeOf();
  expectTypeOf({ a: 1 }).not.toBeString();
  expectTypeOf((a) => a).parameter(0).toMatchTypeOf();
  expectTypeOf(1).toHaveProperty("x").toBeNumber();
  assertType(1);
});

test("names Jest or Vitest has and proctor lacks fail naming themselves", () => {
  assert.throws(() => vi.mockObject({}), /vi\.mockObject\(\) is not supported by proctor/);
  assert.throws(() => proctor.jest.setMock("x", {}), /jest\.setMock\(\) is not supported by proctor/);
  assert.throws(() => proctor.jest.runAllImmediates(), /jest\.runAllImmediates\(\) is not supported/);
  assert.throws(() => expect.schemaMatching({}), /expect\.schemaMatching\(\) is not supported by proctor/);
  // Every matcher name is implemented today; the guard still covers one a build would lack.
  const lacking = {};
  guardUnsupported(lacking, "expect(...)");
  assert.throws(() => lacking.toHaveResolved(), /expect\(\.\.\.\)\.toHaveResolved\(\) is not supported by proctor/);
  // Names neither has stay undefined, so feature checks keep working.
  assert.equal(vi.somethingElse, undefined);
  // On `expect(...)` an unknown name is chai's error, as in Vitest.
  assert.throws(() => expect(1).notAMatcher, /Invalid Chai property: notAMatcher/);
  assert.equal(typeof expect.call, "function");
  assert.ok(expect instanceof Function);
  assert.ok(Function.prototype.isPrototypeOf(expect));
  assert.ok(expect(1) instanceof Object);
  assert.equal(String(vi), "[object Object]");
});

test("vitest files: .each names show $values as Vitest does (quoted strings, inspected arrays, $0)", async () => {
  const table = [
    { input: ["a", "b"], out: "a/b" },
    { input: [], out: "" },
    { input: { host: "x" }, out: 1 },
  ];
  const declare = () => {
    it.each(table)("$input -> $out ($missing)", () => {});
    it.each([["x", 2]])("array row $0 and $1, %s", () => {});
    it.each([{ long: "a".repeat(50), list: Array.from({ length: 20 }, (_, i) => i) }])("$long $list", () => {});
    describe.each([{ n: "g" }])("group $n", () => it("t", () => {}));
    // Placeholders as Vitest's format prints them (`vitest list` gave each expected name).
    it.each([[["--force"], { force: { type: "boolean", alias: ["f", "g"] } }]])("o %o (%O)", () => {});
    it.each([[{ a: { b: { c: 1 } } }, -0, 3n, "x", 1.5, { toString: () => "custom" }]])("s %s %s %s %s %d %i %f %j %s %c|", () => {});
    it.each([["a".repeat(60)]])("long %o", () => {});
  };
  const { names } = await run(declare);
  assert.deepEqual(names, [
    "[ 'a', 'b' ] -> 'a/b' (undefined)",
    "[] -> '' (undefined)",
    "{ host: 'x' } -> 1 (undefined)",
    "array row 'x' and 2, x",
    `'${"a".repeat(37)}…' [ Array(20) ]`,
    "group 'g' > t",
    "o [ '--force' ] ({ force: { type: 'boolean', alias: [ 'f', 'g' ] } })",
    "s { a: { b: { c: 1 } } } -0 3n x 1.5 NaN NaN undefined undefined |",
    `long '${"a".repeat(60)}'`,
  ]);
  // The same table in a file that does not import vitest keeps Jest's names.
  const jest = await run(() => it.each(table)("$input -> $out ($missing)", () => {}), { vitest: false });
  assert.deepEqual(jest.names, ['["a", "b"] -> a/b ($missing)', "[] ->  ($missing)", '{"host": "x"} -> 1 ($missing)']);
});
