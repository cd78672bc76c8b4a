// mocha's interfaces and its `this`: the BDD and TDD names, the context shared by a group's
// hooks and tests, `this.test`/`this.currentTest`, `this.skip()`, `this.timeout()`,
// `this.retries()`, `done(error)` and pending tests, each checked against what mocha 12 does
// with the same code.

import assert from "node:assert/strict";
import { test } from "node:test";
import * as proctor from "../src/index.js";
import { oneFile, startController } from "../test-support/fake-host.js";
import { assertProtocolShape } from "../test-support/shapes.js";

const { describe, it, before, after, beforeEach, afterEach, context, specify, xit, xdescribe, xcontext, xspecify } = proctor;
const { suite, suiteSetup, suiteTeardown, setup, teardown } = proctor;

const FILE = "test/example.test.js";
const id = (...names) => [FILE, ...names].join("::");

/** Loads `declare` as one file, runs every test the host would run, and returns what happened. */
async function run(declare, { timeout = 5000 } = {}) {
  const host = startController(oneFile(declare));
  const loaded = await host.load();
  const results = {};
  for (const registered of loaded.tests) {
    if (registered.mode === "todo" || registered.mode === "skip") continue;
    results[registered.id] = await host.command({ type: "run-test", test: registered.id, timeout });
  }
  await host.finish();
  for (const message of host.sent) assertProtocolShape(message);
  const statuses = Object.fromEntries(Object.entries(results).map(([key, result]) => [key, result.status]));
  return { host, loaded, results, statuses, modes: Object.fromEntries(loaded.tests.map((t) => [t.id, t.mode])) };
}

test("mocha: this is the group's context, shared by its hooks and tests and inherited below", async () => {
  const seen = [];
  const { statuses } = await run(() => {
    describe("shared", function () {
      before(function () {
        this.server = "srv";
      });
      beforeEach(function () {
        this.n = (this.n ?? 0) + 1;
      });
      afterEach(function () {
        seen.push(`afterEach sees n=${this.n}`);
      });
      after(function () {
        seen.push(`after sees ${this.server} n=${this.n} leak=${this.leak}`);
      });
      it("sees before and beforeEach", function () {
        seen.push(`test sees ${this.server} n=${this.n}`);
        this.leak = "from the first test";
      });
      it("sees what the previous test left", function () {
        seen.push(`second sees ${this.leak}`);
      });
      it("arrow functions keep working", () => {
        seen.push("arrow");
      });
      context("inner", function () {
        it("inherits", function () {
          seen.push(`inner sees ${this.server} n=${this.n}`);
          this.own = 1;
        });
      });
      it("does not see an inner group's writes", function () {
        seen.push(`outer own=${this.own}`);
      });
    });
  });
  assert.ok(Object.values(statuses).every((status) => status === "passed"), JSON.stringify(statuses));
  assert.deepEqual(seen, [
    "test sees srv n=1",
    "afterEach sees n=1",
    "second sees from the first test",
    "afterEach sees n=2",
    "arrow",
    "afterEach sees n=3",
    "inner sees srv n=4",
    "afterEach sees n=4",
    "outer own=undefined",
    "afterEach sees n=5",
    "after sees srv n=5 leak=from the first test",
  ]);
});

test("mocha: this.test, this.currentTest and the describe body's this are mocha's objects", async () => {
  const seen = {};
  await run(() => {
    describe("cart", function () {
      seen.suiteTitle = this.title;
      seen.suiteFull = this.fullTitle();
      before("open the cart", function () {
        seen.beforeTitle = this.test.title;
        seen.beforeType = this.test.type;
        seen.beforeCurrent = this.currentTest?.title;
      });
      beforeEach(function () {
        seen.beforeEachTitle = this.test.title;
        seen.beforeEachState = this.currentTest.state;
      });
      afterEach(function () {
        (seen.after ??= []).push([this.currentTest.title, this.currentTest.state, typeof this.currentTest.duration, this.currentTest.err?.message]);
      });
      describe("totals", function () {
        it("adds", function () {
          seen.test = [this.test.title, this.test.fullTitle(), this.test.titlePath(), this.test.parent.title, this.test.parent.parent.title];
          seen.currentInTest = this.currentTest;
          seen.sameObject = this.test === this.test;
        });
        it("fails", function () {
          throw new Error("nope");
        });
      });
    });
  });
  assert.equal(seen.suiteTitle, "cart");
  assert.equal(seen.suiteFull, "cart");
  assert.equal(seen.beforeTitle, '"before all" hook: open the cart in "cart"');
  assert.equal(seen.beforeType, "hook");
  assert.equal(seen.beforeCurrent, undefined, "cart has no test of its own");
  assert.equal(seen.beforeEachTitle, '"before each" hook for "fails"');
  assert.equal(seen.beforeEachState, undefined);
  assert.deepEqual(seen.test, ["adds", "cart totals adds", ["cart", "totals", "adds"], "totals", "cart"]);
  assert.equal(seen.currentInTest, undefined);
  assert.ok(seen.sameObject);
  assert.deepEqual(seen.after, [
    ["adds", "passed", "number", undefined],
    ["fails", "failed", "number", "nope"],
  ]);
});

test("mocha: this.skip() in a test or a beforeEach reports the test skipped; afterEach still runs", async () => {
  const events = [];
  const { statuses } = await run(() => {
    describe("outer", function () {
      afterEach(function () {
        events.push(`outer afterEach ${this.currentTest.title} ${this.currentTest.state}`);
      });
      it("skips itself", function () {
        this.skip();
        events.push("not reached");
      });
      it("skips after an await", async function () {
        await null;
        this.skip();
      });
      it("skips with done", function (done) {
        setTimeout(() => {
          try {
            this.skip();
          } catch {
            done();
          }
        }, 1);
      });
      describe("inner", function () {
        beforeEach(function () {
          if (this.currentTest.title === "x") this.skip();
        });
        beforeEach(function () {
          events.push(`second beforeEach ${this.currentTest.title}`);
        });
        describe("deeper", function () {
          afterEach(function () {
            events.push(`deeper afterEach ${this.currentTest.title}`);
          });
          it("x", function () {
            events.push("x ran");
          });
          it("y", function () {});
        });
      });
      it("afterEach's skip changes nothing", function () {});
      afterEach(function () {
        if (this.currentTest.title === "afterEach's skip changes nothing") this.skip();
      });
    });
  });
  assert.deepEqual(statuses, {
    [id("outer", "skips itself")]: "skipped",
    [id("outer", "skips after an await")]: "skipped",
    [id("outer", "skips with done")]: "skipped",
    [id("outer", "inner", "deeper", "x")]: "skipped",
    [id("outer", "inner", "deeper", "y")]: "passed",
    [id("outer", "afterEach's skip changes nothing")]: "passed",
  });
  assert.deepEqual(events, [
    "outer afterEach skips itself pending",
    "outer afterEach skips after an await pending",
    "outer afterEach skips with done pending",
    // The skipping beforeEach is in "inner": hooks below it (deeper's afterEach) do not run.
    "outer afterEach x pending",
    "second beforeEach y",
    "deeper afterEach y",
    "outer afterEach y passed",
    "outer afterEach afterEach's skip changes nothing passed",
  ]);
});

test("mocha: this.skip() in before skips the group and its inner groups; its after hooks still run", async () => {
  const events = [];
  const { host, statuses } = await run(() => {
    describe("skipped", function () {
      before(function () {
        events.push("before 1");
        this.skip();
      });
      before(() => events.push("before 2"));
      beforeEach(() => events.push("beforeEach"));
      after(() => events.push("after"));
      it("a", () => events.push("a"));
      describe("nested", function () {
        before(() => events.push("nested before"));
        after(() => events.push("nested after"));
        it("b", () => events.push("b"));
      });
    });
    it("outside", () => events.push("outside"));
    describe("after skips", function () {
      it("d", () => {});
      after(function () {
        this.skip();
      });
    });
  });
  assert.deepEqual(statuses, {
    [id("skipped", "a")]: "skipped",
    [id("skipped", "nested", "b")]: "skipped",
    [id("outside")]: "passed",
    [id("after skips", "d")]: "passed",
  });
  assert.deepEqual(events, ["before 1", "after", "outside"]);
  const errors = host.sent.filter((message) => message.type === "error");
  assert.equal(errors.length, 1);
  assert.match(errors[0].error.message, /this\.skip\(\) cannot be used in an after\/afterAll hook/);
});

test("mocha: this.timeout() in a describe body applies to the tests and hooks declared after it", async () => {
  const { host, loaded } = await run(() => {
    describe("slow", function () {
      it("before the call", () => {});
      this.timeout(10_000);
      before(() => {});
      it("after the call", () => {});
      it("own option wins", { timeout: 50 }, () => {});
      describe("nested", function () {
        it("inherits", () => {});
        this.timeout("2s");
        it("string", () => {});
        this.timeout(0);
        it("none", () => {});
      });
    });
  });
  const timeouts = Object.fromEntries(loaded.tests.map((t) => [t.name, t.timeout]));
  assert.deepEqual(timeouts, {
    "before the call": undefined,
    "after the call": 10_000,
    "own option wins": 50,
    inherits: 10_000,
    string: 2000,
    none: 0,
  });
  const hook = host.sent.find((message) => message.type === "hook-started" && message.hook === "before-all");
  assert.equal(hook.timeout, 10_000);
});

test("mocha: this.timeout(ms) while running restarts the deadline; an each-hook's ends with the hook", async () => {
  const seen = [];
  const { host, statuses } = await run(
    () => {
      beforeEach(function () {
        seen.push(this.timeout());
        if (this.currentTest.title === "hook changes") this.timeout(9000);
      });
      it("reads", function () {
        seen.push(this.timeout());
      });
      it("changes", function (done) {
        this.timeout(25);
        seen.push(this.timeout());
        setTimeout(done, 5);
      });
      it("disables", function () {
        this.timeout(0);
      });
      it("hook changes", () => {});
      it("rejects nonsense", function () {
        this.timeout("soon");
      });
    },
    { timeout: 3000 },
  );
  assert.deepEqual(statuses, {
    [id("reads")]: "passed",
    [id("changes")]: "passed",
    [id("disables")]: "passed",
    [id("hook changes")]: "passed",
    [id("rejects nonsense")]: "failed",
  });
  // As in mocha, a hook's changed timeout stays with the hook (the last beforeEach reads 9000).
  assert.deepEqual(seen, [3000, 3000, 3000, 25, 3000, 3000, 9000]);
  const commandOf = (name) => host.sent.find((message) => message.type === "test-finished" && message.test === id(name)).replyTo;
  const changes = (name) =>
    host.sent.filter((message) => message.type === "timeout-changed" && message.command === commandOf(name)).map((message) => message.timeout);
  assert.deepEqual(changes("reads"), []);
  assert.deepEqual(changes("changes"), [25]);
  assert.deepEqual(changes("disables"), [0]);
  // The hook's own limit, then the test's again when the hook is done.
  assert.deepEqual(changes("hook changes"), [9000, 3000]);
});

test("mocha: this.retries(n) runs a failing test again with its each-hooks, each try with a fresh deadline", async () => {
  const events = [];
  let flaky = 0;
  let always = 0;
  const { host, statuses } = await run(() => {
    describe("retrying", function () {
      beforeEach(function () {
        events.push(`beforeEach ${this.currentTest.title} try ${this.currentTest.currentRetry()}`);
      });
      afterEach(function () {
        events.push(`afterEach ${this.currentTest.title} ${this.currentTest.state}`);
      });
      it("flaky", function () {
        this.retries(2);
        flaky++;
        if (flaky < 3) throw new Error(`flaky ${flaky}`);
      });
      describe("group retries", function () {
        this.retries(1);
        it("always fails", function () {
          always++;
          throw new Error(`fail ${always}`);
        });
      });
    });
  });
  assert.deepEqual(statuses, { [id("retrying", "flaky")]: "passed", [id("retrying", "group retries", "always fails")]: "failed" });
  assert.equal(flaky, 3);
  assert.equal(always, 2);
  assert.deepEqual(events, [
    "beforeEach flaky try 0",
    "afterEach flaky undefined",
    "beforeEach flaky try 1",
    "afterEach flaky undefined",
    "beforeEach flaky try 2",
    "afterEach flaky passed",
    "beforeEach always fails try 0",
    "afterEach always fails undefined",
    "beforeEach always fails try 1",
    "afterEach always fails failed",
  ]);
  const failed = host.sent.find((message) => message.type === "test-finished" && message.status === "failed");
  assert.equal(failed.error.message, "fail 2", "the last try's error is reported");
  const retries = host.sent.filter((message) => message.type === "timeout-changed").map((message) => message.timeout);
  assert.deepEqual(retries, [5000, 5000, 5000], "one fresh deadline per retry");
});

test("mocha: done(error) fails, done() passes, and a test without a function is pending (todo)", async () => {
  const { statuses, modes, results } = await run(() => {
    it("done with an error", function (done) {
      setTimeout(() => done(new Error("boom")), 1);
    });
    it("done", (done) => setTimeout(done, 1));
    it("pending");
    specify("pending specify");
    xit("xit", () => {});
    xspecify("xspecify");
    xdescribe("xdescribe", () => it("inside", () => {}));
    xcontext("xcontext", () => it("inside", () => {}));
  });
  assert.deepEqual(statuses, { [id("done with an error")]: "failed", [id("done")]: "passed" });
  assert.equal(results[id("done with an error")].error.message, "boom");
  assert.deepEqual(modes, {
    [id("done with an error")]: "run",
    [id("done")]: "run",
    [id("pending")]: "todo",
    [id("pending specify")]: "todo",
    [id("xit")]: "skip",
    [id("xspecify")]: "skip",
    [id("xdescribe", "inside")]: "skip",
    [id("xcontext", "inside")]: "skip",
  });
});

test("mocha: the TDD interface runs suiteSetup, setup, teardown and suiteTeardown with a shared this", async () => {
  const events = [];
  const { statuses } = await run(() => {
    suite("tdd", function () {
      suiteSetup(function () {
        this.db = "db";
        events.push("suiteSetup");
      });
      setup("named setup", function () {
        this.row = 1;
        events.push(`setup ${this.test.title}`);
      });
      teardown(function () {
        events.push(`teardown ${this.row}`);
      });
      suiteTeardown(function () {
        events.push(`suiteTeardown ${this.db}`);
      });
      proctor.test("uses both", function () {
        events.push(`test ${this.db} ${this.row}`);
      });
      suite.skip("skipped", () => proctor.test("u", () => {}));
    });
  });
  assert.deepEqual(statuses, { [id("tdd", "uses both")]: "passed" });
  assert.deepEqual(events, [
    "suiteSetup",
    'setup "before each" hook: named setup for "uses both"',
    "test db 1",
    "teardown 1",
    "suiteTeardown db",
  ]);
});

test("mocha: the TDD hooks run in mocha's order", async () => {
  const events = [];
  await run(() => {
    suite("tdd", () => {
      suiteSetup(() => events.push("suiteSetup"));
      setup(() => events.push("setup"));
      teardown(() => events.push("teardown"));
      suiteTeardown(() => events.push("suiteTeardown"));
      proctor.test("one", () => events.push("one"));
      proctor.test("two", () => events.push("two"));
    });
  });
  assert.deepEqual(events, ["suiteSetup", "setup", "one", "teardown", "setup", "two", "teardown", "suiteTeardown"]);
});

test("mocha: the BDD, TDD and Jest alias names are exported and installed as globals", () => {
  const names = ["context", "specify", "before", "after", "xit", "xspecify", "xdescribe", "xcontext", "xtest", "fit", "fdescribe"];
  const tdd = ["suite", "test", "suiteSetup", "suiteTeardown", "setup", "teardown"];
  for (const name of [...names, ...tdd]) {
    assert.equal(typeof proctor[name], "function", `proctor exports ${name}`);
    assert.equal(globalThis[name], proctor[name], `${name} is a global`);
  }
  assert.equal(proctor.context, proctor.describe);
  assert.equal(proctor.specify, proctor.it);
});

test("mocha: hook arguments are checked with the name the user called", () => {
  const host = startController(oneFile(() => before("title only")));
  return host.load().then((loaded) => {
    assert.equal(loaded.loadErrors.length, 1);
    assert.match(loaded.loadErrors[0].error.message, /^before\(\) expects a function; received undefined/);
  });
});

test("mocha: arrow functions are called without the context, so their stack frames stay plain", async () => {
  let arrowThis = "unset";
  const { results } = await run(() => {
    it("arrow", () => {
      arrowThis = typeof this;
      throw new Error("arrow");
    });
    it("function", function () {
      throw new Error("function");
    });
    it.each([[1]])("each arrow %i", () => {
      throw new Error("each");
    });
  });
  assert.equal(arrowThis, "undefined");
  assert.doesNotMatch(results[id("arrow")].error.stack, /Context\./);
  assert.doesNotMatch(results[id("each arrow 1")].error.stack, /Context\./);
  assert.match(results[id("function")].error.stack, /at Context\.<anonymous>/, "as mocha's frames read");
});
