// Hook order matches Jest: beforeAll on entering a group, beforeEach outer→inner, afterEach
// inner→outer, afterAll on leaving a group or on finish; failing hooks fail the right things.

import assert from "node:assert/strict";
import { test } from "node:test";
import * as proctor from "../src/index.js";
import { oneFile, runAll, startController } from "../test-support/fake-host.js";

const { describe, it, beforeAll, afterAll, beforeEach, afterEach } = proctor;

test("hooks: nested groups run hooks in Jest's order", async () => {
  const events = [];
  const record = (event) => () => events.push(event);
  const host = startController(
    oneFile(() => {
      beforeAll(record("beforeAll file"));
      afterAll(record("afterAll file"));
      beforeEach(record("beforeEach file"));
      afterEach(record("afterEach file"));
      describe("outer", () => {
        beforeAll(record("beforeAll outer"));
        afterAll(record("afterAll outer"));
        beforeEach(record("beforeEach outer"));
        afterEach(record("afterEach outer"));
        it("first", record("test first"));
        describe("inner", () => {
          beforeAll(record("beforeAll inner"));
          afterAll(record("afterAll inner"));
          beforeEach(record("beforeEach inner"));
          afterEach(record("afterEach inner"));
          it("second", record("test second"));
        });
        it("third", record("test third"));
      });
      it("top", record("test top"));
    }),
  );
  const { results } = await runAll(host);
  assert.ok(Object.values(results).every((result) => result.status === "passed"));
  assert.deepEqual(events, [
    "beforeAll file",
    "beforeAll outer",
    "beforeEach file",
    "beforeEach outer",
    "test first",
    "afterEach outer",
    "afterEach file",
    "beforeAll inner",
    "beforeEach file",
    "beforeEach outer",
    "beforeEach inner",
    "test second",
    "afterEach inner",
    "afterEach outer",
    "afterEach file",
    "afterAll inner",
    "beforeEach file",
    "beforeEach outer",
    "test third",
    "afterEach outer",
    "afterEach file",
    "afterAll outer",
    "beforeEach file",
    "test top",
    "afterEach file",
    "afterAll file",
  ]);
});

test("hooks: async hooks and a second file close the first file's groups", async () => {
  const events = [];
  const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
  const host = startController([
    {
      file: "a.test.js",
      load: async () => {
        afterAll(async () => {
          await tick();
          events.push("afterAll a");
        });
        describe("g", () => {
          beforeAll(async () => {
            await tick();
            events.push("beforeAll g");
          });
          afterAll((done) => setTimeout(() => (events.push("afterAll g"), done()), 1));
          it("t", () => events.push("a t"));
        });
      },
    },
    { file: "b.test.js", load: async () => it("t", () => events.push("b t")) },
  ]);
  await runAll(host);
  assert.deepEqual(events, ["beforeAll g", "a t", "afterAll g", "afterAll a", "b t"]);
});

test("hooks: a failing beforeAll fails every test of its group without running them", async () => {
  const ran = [];
  const host = startController(
    oneFile(() => {
      describe("broken", () => {
        beforeAll(() => {
          throw new Error("setup failed");
        });
        afterAll(() => ran.push("afterAll broken"));
        it("one", () => ran.push("one"));
        describe("nested", () => {
          beforeAll(() => ran.push("beforeAll nested"));
          afterAll(() => ran.push("afterAll nested"));
          it("two", () => ran.push("two"));
        });
      });
      it("fine", () => ran.push("fine"));
    }),
  );
  const { results } = await runAll(host);
  assert.equal(results["test/example.test.js::broken::one"].status, "failed");
  assert.equal(results["test/example.test.js::broken::one"].error.message, "setup failed");
  assert.equal(results["test/example.test.js::broken::nested::two"].error.message, "setup failed");
  assert.equal(results["test/example.test.js::fine"].status, "passed");
  assert.deepEqual(ran, ["afterAll broken", "fine"]);
});

test("hooks: a failing afterAll is an error message naming the group", async () => {
  const host = startController(
    oneFile(() => {
      afterAll(() => {
        throw new Error("file teardown");
      });
      describe("math", () => {
        describe("deep", () => {
          afterAll(() => Promise.reject(new Error("deep teardown")));
          it("t", () => {});
        });
      });
    }),
  );
  await runAll(host);
  const errors = host.sent.filter((message) => message.type === "error");
  assert.deepEqual(
    errors.map((error) => [error.origin, error.error.message]),
    [
      ['afterAll hook of "math > deep"', "deep teardown"],
      ["afterAll hook of test/example.test.js", "file teardown"],
    ],
  );
  // The errors precede the reply to finish, which is the last message.
  assert.equal(host.sent.at(-1).type, "finished");
});

test("hooks: a failing beforeEach skips the body but runs every afterEach", async () => {
  const ran = [];
  const host = startController(
    oneFile(() => {
      afterEach(() => ran.push("afterEach file"));
      describe("g", () => {
        beforeEach(() => {
          throw new Error("each setup");
        });
        beforeEach(() => ran.push("second beforeEach"));
        afterEach(() => ran.push("afterEach g"));
        it("t", () => ran.push("body"));
      });
    }),
  );
  const { results } = await runAll(host);
  assert.equal(results["test/example.test.js::g::t"].error.message, "each setup");
  assert.deepEqual(ran, ["afterEach g", "afterEach file"]);
});

test("hooks: a failing afterEach fails a passing test; the first error wins", async () => {
  const host = startController(
    oneFile(() => {
      afterEach(() => {
        throw new Error("each teardown");
      });
      it("passes", () => {});
      it("fails", () => {
        throw new Error("body");
      });
    }),
  );
  const { results } = await runAll(host);
  assert.equal(results["test/example.test.js::passes"].error.message, "each teardown");
  assert.equal(results["test/example.test.js::fails"].error.message, "body");
});

test("hooks: hooks cannot be declared inside a running test", async () => {
  const host = startController(
    oneFile(() => {
      it("declares", () => beforeEach(() => {}));
    }),
  );
  const { results } = await runAll(host);
  assert.match(results["test/example.test.js::declares"].error.message, /outside the loading of a test file/);
});

test("hooks: a function a before-hook returns is its cleanup (Vitest), run last first; mocks are not", async () => {
  const events = [];
  const record = (event) => () => {
    events.push(event);
  };
  let spy;
  const host = startController(
    oneFile(() => {
      beforeAll(() => {
        events.push("beforeAll");
        return record("beforeAll cleanup");
      });
      afterAll(record("afterAll"));
      beforeEach(async () => {
        events.push("beforeEach 1");
        return async () => {
          await null;
          events.push("cleanup 1");
        };
      });
      beforeEach(() => {
        events.push("beforeEach 2");
        return record("cleanup 2");
      });
      beforeEach(() => (spy = proctor.fn(() => events.push("the mock was called"))));
      afterEach(record("afterEach"));
      it("runs", record("test"));
    }),
  );
  const { results } = await runAll(host);
  assert.ok(Object.values(results).every((result) => result.status === "passed"), JSON.stringify(results));
  assert.deepEqual(events, [
    "beforeAll",
    "beforeEach 1",
    "beforeEach 2",
    "test",
    "afterEach",
    "cleanup 2",
    "cleanup 1",
    "afterAll",
    "beforeAll cleanup",
  ]);
  assert.equal(spy.mock.calls.length, 0);
});

test("hooks: a cleanup that throws fails its test", async () => {
  const host = startController(
    oneFile(() => {
      beforeEach(() => () => {
        throw new Error("cleanup broke");
      });
      it("passes by itself", () => {});
    }),
  );
  const { results } = await runAll(host);
  assert.equal(results["test/example.test.js::passes by itself"].error.message, "cleanup broke");
});

test("hooks: beforeAll/afterAll are announced with their place; each-hooks only once they go async", async () => {
  const host = startController(
    oneFile(() => {
      describe("g", () => {
        beforeAll(() => {}, 30_000);
        beforeEach(async () => {});
        afterEach(() => {});
        afterAll(() => {});
        it("inside", () => {});
      });
      it("outside", () => {});
    }),
  );
  await runAll(host);
  const hooks = host.sent
    .filter((m) => m.type === "hook-started" || m.type === "hook-finished" || m.type === "test-finished")
    .map((m) => (m.type === "hook-started" ? `${m.hook} ${m.groups.join(">")}` : m.type));
  assert.deepEqual(hooks, [
    "before-all g",
    "hook-finished",
    "before-each g",
    "hook-finished",
    "test-finished",
    "after-all g",
    "hook-finished",
    "test-finished",
  ]);
  const setUp = host.sent.find((m) => m.type === "hook-started" && m.hook === "before-all");
  assert.match(setUp.location, /hooks\.test\.js:\d+:\d+$/);
  assert.equal(setUp.timeout, 30_000);
  const run = host.sent.find((m) => m.type === "test-finished");
  assert.equal(setUp.command, run.replyTo, "a hook names the command it runs in");
});
