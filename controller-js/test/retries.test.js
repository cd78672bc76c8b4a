// Retries in the controller: the host's `retries` on run-test, Vitest's `{ retry }` (test and
// describe), Jest's `jest.retryTimes(n)`, an `attempt-failed` message per failed try, the first
// try's number after a restart, and snapshots of a failed try neither written nor counted.

import assert from "node:assert/strict";
import { test } from "node:test";
import * as proctor from "../src/index.js";
import { startController } from "../test-support/fake-host.js";
import { assertProtocolShape } from "../test-support/shapes.js";

const { describe, it, expect } = proctor;
const FILE = "test/retry.test.js";

/** Loads `declare` as one file and runs each registered test with `runTest` fields added. */
async function run(declare, fields = {}, snapshots = undefined) {
  const host = startController([{ file: FILE, load: async () => declare() }]);
  const load = snapshots === undefined ? { type: "load" } : { type: "load", snapshots };
  const loaded = await host.command(load);
  const results = {};
  for (const registered of loaded.tests) {
    results[registered.name] = await host.command({ type: "run-test", test: registered.id, timeout: 5000, ...fields });
  }
  await host.finish();
  for (const message of host.sent) assertProtocolShape(message);
  const failedTries = host.sent.filter((message) => message.type === "attempt-failed");
  return { host, loaded, results, failedTries };
}

test("retries: the host's count retries a failing test, each failed try an attempt-failed message", async () => {
  let calls = 0;
  const { results, failedTries } = await run(
    () => {
      it("flaky", () => {
        calls++;
        if (calls < 3) throw new Error(`try ${calls}`);
      });
      it("steady", () => {});
    },
    { retries: 2 },
  );
  assert.equal(results.flaky.status, "passed");
  assert.equal(results.flaky.attempt, 3);
  assert.equal(results.flaky.attempts, 3);
  assert.deepEqual([results.steady.attempt, results.steady.attempts], [1, 3], "a first-try pass of three");
  assert.deepEqual(
    failedTries.map((m) => [m.attempt, m.attempts, m.error.message, m.replyTo === results.flaky.replyTo]),
    [
      [1, 3, "try 1", true],
      [2, 3, "try 2", true],
    ],
  );
});

test("retries: a test that keeps failing reports its last try's error after all its tries", async () => {
  let calls = 0;
  const { results, failedTries } = await run(
    () => {
      it("broken", () => {
        calls++;
        throw new Error(`fail ${calls}`);
      });
    },
    { retries: 1 },
  );
  assert.equal(results.broken.status, "failed");
  assert.equal(results.broken.error.message, "fail 2");
  assert.deepEqual([results.broken.attempt, results.broken.attempts], [2, 2]);
  assert.equal(failedTries.length, 1);
});

test("retries: Vitest's { retry } on a test and a describe, and jest.retryTimes for the tests after it", async () => {
  const counts = { own: 0, grouped: 0, before: 0, after: 0 };
  const failing = (key) => () => {
    counts[key]++;
    throw new Error(key);
  };
  const { loaded, results } = await run(() => {
    it("own", { retry: 2 }, failing("own"));
    describe("group", { retry: 1 }, () => {
      it("grouped", failing("grouped"));
    });
    it("before", failing("before"));
    proctor.jest.retryTimes(3);
    it("after", failing("after"));
  });
  assert.deepEqual(counts, { own: 3, grouped: 2, before: 1, after: 4 });
  assert.deepEqual(
    loaded.tests.map((t) => t.retries),
    [2, 1, undefined, 3],
    "the host hears each test's own count",
  );
  assert.equal(results.after.attempts, 4);
});

test("retries: a test's own retry wins over the host's, even 0", async () => {
  let calls = 0;
  await run(
    () => {
      it("once", { retry: 0 }, () => {
        calls++;
        throw new Error("no");
      });
    },
    { retries: 5 },
  );
  assert.equal(calls, 1);
});

test("retries: a bad retry count is an error where it is declared", () => {
  assert.throws(() => proctor.jest.retryTimes(-1), /whole number of retries/);
});

test("repeats: Vitest's { repeats } on a test and a describe (nested groups inherit it) reach the host", async () => {
  const { loaded } = await run(() => {
    it("own", { repeats: 2 }, () => {});
    describe("outer", { repeats: 1 }, () => {
      it("inherited", () => {});
      describe("inner", () => {
        it("nested", () => {});
        it("overridden", { repeats: 0 }, () => {});
      });
    });
    it("plain", () => {});
  });
  assert.deepEqual(
    loaded.tests.map((t) => [t.name, t.repeats]),
    [
      ["own", 2],
      ["inherited", 1],
      ["nested", 1],
      ["overridden", 0],
      ["plain", undefined],
    ],
  );
  assert.throws(() => it("bad", { repeats: 1.5 }, () => {}), /options\.repeats must be a whole number of repeats/);
});

test("retries: after a restart the tries go on from the host's attempt number", async () => {
  const seen = [];
  const { results, failedTries } = await run(
    () => {
      it("third", function () {
        seen.push(this?.test?.currentRetry?.() ?? null);
        throw new Error("still");
      });
    },
    { retries: 2, attempt: 3 },
  );
  assert.equal(failedTries.length, 0, "the third try of three is the last");
  assert.deepEqual([results.third.attempt, results.third.attempts], [3, 3]);
});

test("retries: the delay passes between tries", async () => {
  let calls = 0;
  const started = Date.now();
  await run(
    () => {
      it("slow to settle", () => {
        calls++;
        if (calls < 2) throw new Error("first");
      });
    },
    { retries: 1, retryDelay: 60 },
  );
  assert.ok(Date.now() - started >= 55, "waited about retryDelay");
});

test("retries: a failed try's snapshots are neither written nor counted; the passing try's are", async () => {
  let calls = 0;
  const { results, host } = await run(
    () => {
      it("snaps", () => {
        calls++;
        expect(`value ${calls}`).toMatchSnapshot();
        if (calls < 2) throw new Error("first try fails after its snapshot");
      });
    },
    { retries: 1 },
    { update: "new", files: {} },
  );
  assert.equal(results.snaps.status, "passed");
  const report = host.sent.find((message) => message.type === "snapshot-file");
  assert.equal(report.written, 1, "one snapshot written, from the try that passed");
  assert.match(report.content, /exports\[`snaps 1`\] = `"value 2"`/);
  assert.doesNotMatch(report.content, /snaps 2/);
});

test("retries: a failing beforeAll fails its tests once each, without retries (as Vitest)", async () => {
  let setups = 0;
  let bodies = 0;
  const { results, failedTries } = await run(
    () => {
      describe("group", () => {
        proctor.beforeAll(() => {
          setups++;
          throw new Error("no database");
        });
        it("one", () => bodies++);
        it("two", () => bodies++);
      });
    },
    { retries: 2 },
  );
  assert.deepEqual([results.one.status, results.two.status], ["failed", "failed"]);
  assert.equal(results.one.error.message, "no database");
  assert.deepEqual([setups, bodies, failedTries.length], [1, 0, 0]);
});
