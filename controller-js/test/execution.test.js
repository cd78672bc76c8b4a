// Running tests: console attribution and ordering, async and done-callback tests, uncaught
// errors, assertion counts, unknown ids, a repeated load, and a large synchronous suite (its speed
// is measured by the benchmarks, never asserted here).

import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import { test } from "node:test";
import { formatWithOptions } from "node:util";
import { captureConsole } from "../src/console.js";
import * as proctor from "../src/index.js";
import { oneFile, runAll, startController } from "../test-support/fake-host.js";

const { describe, it, expect, beforeAll, spyOn } = proctor;

// Runs `body` with a fake console routed into the host's controller.
function withFakeConsole(host, useNodeFormat = true) {
  const fake = {};
  captureConsole(fake, { emit: host.controller.output, formatWithOptions: useNodeFormat ? formatWithOptions : undefined });
  return fake;
}

test("console: output is attributed to the running test and sent before its result", async () => {
  let fake;
  const host = startController(
    oneFile(() => {
      fake.log("loading");
      beforeAll(() => fake.info("setting up"));
      describe("g", () => {
        it("logs", async () => {
          fake.log("value %d of %s", 42, "x", { a: 1 });
          await new Promise((resolve) => setTimeout(resolve, 2));
          fake.warn("careful");
          fake.error(new Error("shown"));
          fake.debug("dbg");
        });
      });
      it("quiet", () => {});
    }),
  );
  fake = withFakeConsole(host);
  await runAll(host);
  const id = "test/example.test.js::g::logs";
  const summary = host.sent
    .filter((message) => message.type === "console" || message.type === "test-finished")
    .map((message) => [message.type, message.test, message.stream, message.level, message.text?.split("\n")[0]]);
  assert.deepEqual(summary, [
    ["console", undefined, "stdout", "log", "loading"],
    // A beforeAll's output belongs to its group, not to the test that opened it.
    ["console", undefined, "stdout", "info", "setting up"],
    ["console", id, "stdout", "log", "value 42 of x { a: 1 }"],
    ["console", id, "stderr", "warn", "careful"],
    ["console", id, "stderr", "error", "Error: shown"],
    ["console", id, "stdout", "debug", "dbg"],
    ["test-finished", id, undefined, undefined, undefined],
    ["test-finished", "test/example.test.js::quiet", undefined, undefined, undefined],
  ]);
});

test("console: trace goes to stderr with a stack; the fallback formatter handles printf", async () => {
  const host = startController([]);
  const fake = withFakeConsole(host, false);
  fake.trace("where %s", "am I");
  fake.log("%s=%d %o %c styled", "n", 5, { a: [1] }, "color: red", "extra", 7);
  fake.log({ b: 2 }, "tail");
  const [trace, printf, plain] = host.sent;
  assert.equal(trace.stream, "stderr");
  assert.equal(trace.level, "error");
  assert.match(trace.text, /^Trace: where am I\n\s+at /);
  assert.equal(printf.text, 'n=5 {"a": [1]}  styled extra 7');
  assert.equal(plain.text, '{"b": 2} tail');
});

test("async: promises, thenables, done callbacks and failures", async () => {
  const host = startController(
    oneFile(() => {
      it("async passes", async () => {
        await null;
        expect(1).toBe(1);
      });
      it("async fails", async () => {
        await null;
        expect(1).toBe(2);
      });
      it("thenable", () => ({ then: (resolve) => setTimeout(resolve, 1) }));
      it("rejects with a non-error", () => Promise.reject(42));
      it("done passes", (done) => setTimeout(done, 1));
      it("done fails", (done) => setTimeout(() => done(new Error("via done")), 1));
      it("done sync throw", (done) => {
        throw new Error("before done");
      });
      it("done.fail", (done) => done.fail("reason"));
      it("throws a string", () => {
        throw "just a string";
      });
      // A busy wait, not a timer: libuv caches the loop's clock, so a 1 ms timer may fire
      // well under 1 ms after the test started.
      it("takes 3 ms", () => {
        const end = performance.now() + 3;
        while (performance.now() < end);
      });
    }),
  );
  const { results } = await runAll(host);
  const outcome = (name) => results[`test/example.test.js::${name}`];
  assert.equal(outcome("async passes").status, "passed");
  assert.equal(outcome("async fails").error.name, "AssertionError");
  assert.equal(outcome("async fails").error.actual, "1");
  assert.equal(outcome("thenable").status, "passed");
  assert.deepEqual(outcome("rejects with a non-error").error, { name: "NonError", message: "42" });
  assert.equal(outcome("done passes").status, "passed");
  assert.equal(outcome("done fails").error.message, "via done");
  assert.equal(outcome("done sync throw").error.message, "before done");
  assert.equal(outcome("done.fail").status, "failed");
  assert.deepEqual(outcome("throws a string").error, { name: "NonError", message: '"just a string"' });
  assert.ok(outcome("takes 3 ms").durationMs >= 3, "durations are measured");
  assert.ok(outcome("takes 3 ms").durationMs < 1000, "durations are in milliseconds");
});

test("uncaught: an uncaught error fails the running async test at once", async () => {
  const host = startController(
    oneFile(() => {
      it("hangs until the uncaught error", () => {
        setTimeout(() => host.controller.reportUncaught("uncaught exception", new RangeError("from a timer")), 1);
        return new Promise(() => {});
      });
      it("next", () => {});
    }),
  );
  const { results } = await runAll(host);
  const failed = results["test/example.test.js::hangs until the uncaught error"];
  assert.equal(failed.status, "failed");
  assert.equal(failed.error.name, "RangeError");
  assert.equal(results["test/example.test.js::next"].status, "passed");

  // Outside a test, the error is reported on its own.
  host.controller.reportUncaught("unhandled rejection", new Error("late"));
  const error = host.sent.at(-1);
  assert.deepEqual([error.type, error.origin, error.error.message], ["error", "unhandled rejection", "late"]);
});

test("uncaught: a group hook's late callback is blamed by the hook's dialect, its own test's by that test", async () => {
  const context = new AsyncLocalStorage();
  const adapter = {
    within: (id, body) => context.run(id, body),
    withinHook: (hook, body) => context.run(hook, body),
    scheduledBy: () => context.getStore(),
  };
  // Node calls reportUncaught from the timer's own context; here the timer calls it directly.
  const late = (origin, message) =>
    setTimeout(() => host.controller.reportUncaught(origin, new Error(message)), 5);
  const wait = () => new Promise((resolve) => setTimeout(resolve, 60));
  const { before } = await import("../src/mocha.js");
  const host = startController(
    oneFile(() => {
      describe("mocha", () => {
        before(() => late("uncaught exception", "from before"));
        it("first", () => {});
        it("running then", wait);
      });
      describe("jest", () => {
        beforeAll(() => late("uncaught exception", "from beforeAll"));
        it("first", () => {});
        it("running then", wait);
      });
      describe("own", () => {
        it("schedules", () => late("uncaught exception", "own late error"));
        it("running then", wait);
      });
    }),
    { adapter },
  );
  const { results } = await runAll(host);
  const status = (id) => results[`test/example.test.js::${id}`].status;
  assert.equal(status("mocha::running then"), "failed");
  assert.equal(results["test/example.test.js::mocha::running then"].error.message, "from before");
  assert.deepEqual(
    ["mocha::first", "jest::first", "jest::running then", "own::schedules", "own::running then"].map(status),
    ["passed", "passed", "passed", "passed", "passed"],
  );
  const errors = host.sent.filter((message) => message.type === "error").map((message) => [message.origin, message.after]);
  assert.deepEqual(errors, [
    [
      'uncaught exception from a callback of the beforeAll hook of "jest" in test/example.test.js, while test/example.test.js::jest::running then was running',
      undefined,
    ],
    ["uncaught exception", "test/example.test.js::own::schedules"],
  ]);
});

test("assertions: expect.assertions and expect.hasAssertions are checked per test", async () => {
  const host = startController(
    oneFile(() => {
      it("counted right", () => {
        expect.assertions(2);
        expect(1).toBe(1);
        expect(2).toBe(2);
      });
      it("counted wrong", () => {
        expect.assertions(2);
        expect(1).toBe(1);
      });
      it("needs one", () => expect.hasAssertions());
      it("resets between tests", () => {});
    }),
  );
  const { results } = await runAll(host);
  const status = Object.fromEntries(Object.entries(results).map(([id, r]) => [id.split("::")[1], r.status]));
  assert.deepEqual(status, { "counted right": "passed", "counted wrong": "failed", "needs one": "failed", "resets between tests": "passed" });
  assert.match(results["test/example.test.js::counted wrong"].error.message, /Expected 2 assertions to be called but received 1 assertion/);
});

test("run-test: unknown ids and todo tests fail with a clear error", async () => {
  const host = startController(oneFile(() => it.todo("later")));
  await host.load();
  const unknown = await host.runTest("test/example.test.js::missing");
  assert.equal(unknown.status, "failed");
  assert.match(unknown.error.message, /no test with id "test\/example\.test\.js::missing" was registered/);
  const todo = await host.runTest("test/example.test.js::later");
  assert.match(todo.error.message, /has no function to run/);
});

test("load: a second load keeps the tree, closes groups and uses the new run epoch", async () => {
  let afterAllCount = 0;
  const host = startController(
    oneFile(() => {
      describe("g", () => {
        proctor.afterAll(() => afterAllCount++);
        it("t", () => {});
      });
    }),
  );
  const first = await host.load();
  await host.runTest("test/example.test.js::g::t");
  const second = await host.load();
  assert.equal(afterAllCount, 1);
  assert.deepEqual(second.tests, first.tests);
  assert.equal(second.run, 2);
  assert.equal((await host.runTest("test/example.test.js::g::t")).run, 2);
});

test("volume: 10,000 synchronous tests each get one passing result", async () => {
  const host = startController(
    oneFile(() => {
      proctor.beforeEach(() => {});
      describe("many", () => {
        for (let i = 0; i < 10_000; i++) it(`t${i}`, () => expect(i).toBe(i));
      });
    }),
  );
  const loaded = await host.load();
  let id = 1000;
  for (const { id: testId } of loaded.tests) host.controller.receive({ type: "run-test", run: 1, id: id++, test: testId, timeout: 5000 });
  await host.waitFor((message) => message.replyTo === id - 1);
  const finished = host.sent.filter((message) => message.type === "test-finished");
  assert.equal(finished.length, 10_000);
  assert.ok(finished.every((message) => message.status === "passed"));
  assert.equal(new Set(finished.map((message) => message.test)).size, 10_000);
});

test("jest / vi: spies, fake timers and stubbed globals a file leaves are undone once it is done", async () => {
  const shared = { read: () => "real" };
  const seen = [];
  const host = startController([
    {
      file: "test/a.test.js",
      load: async () => {
        it("spies and forgets to restore", () => {
          spyOn(shared, "read").mockReturnValue("fake");
          proctor.vi.useFakeTimers();
          proctor.vi.stubGlobal("__leftBehind", 1);
          seen.push(shared.read());
        });
        it("still sees its own spy", () => seen.push(shared.read()));
      },
    },
    {
      file: "test/b.test.js",
      load: async () => {
        it("sees the original", () => {
          seen.push(shared.read());
          seen.push(proctor.vi.isFakeTimers(), "__leftBehind" in globalThis);
        });
      },
    },
  ]);
  const { results } = await runAll(host);
  assert.ok(Object.values(results).every((result) => result.status === "passed"));
  assert.deepEqual(seen, ["fake", "fake", "real", false, false]);
});

test("fake timers asked for at a file's top level apply to that file's tests only", async () => {
  const seen = [];
  const host = startController([
    {
      file: "test/a.test.js",
      load: async () => {
        it("has real timers", async () => {
          seen.push(proctor.vi.isFakeTimers());
          await new Promise((resolve) => setTimeout(resolve, 1));
        });
      },
    },
    {
      file: "test/b.test.js",
      load: async () => {
        proctor.vi.useFakeTimers({ now: 0 });
        it("has fake timers", () => seen.push(proctor.vi.isFakeTimers(), Date.now()));
        it("still has them", () => seen.push(proctor.vi.isFakeTimers()));
      },
    },
    {
      file: "test/c.test.js",
      load: async () => {
        it("has real timers again", () => seen.push(proctor.vi.isFakeTimers()));
      },
    },
  ]);
  const { results } = await runAll(host);
  assert.ok(Object.values(results).every((result) => result.status === "passed"), JSON.stringify(results));
  assert.deepEqual(seen, [false, true, 0, true, false]);
});

test("expect.getState names the running test and counts its assertions", async () => {
  let state;
  const host = startController(
    oneFile(() => {
      describe("group", () => {
        it("reads the state", () => {
          expect.assertions(2);
          expect(1).toBe(1);
          state = expect.getState();
          expect(2).toBe(2);
        });
      });
    }),
  );
  const { results } = await runAll(host);
  assert.ok(Object.values(results).every((result) => result.status === "passed"));
  assert.deepEqual(state, {
    assertionCalls: 1,
    currentTestName: "group reads the state",
    expectedAssertionsNumber: 2,
    isExpectingAssertions: false,
    testPath: "test/example.test.js",
  });
  assert.equal(expect.getState().currentTestName, undefined, "no test between tests");
});
