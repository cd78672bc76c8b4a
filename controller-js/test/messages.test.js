// Every message the controller sends has exactly the shape of its type in
// protocol/vectors/controller-messages.json: no unknown keys, every required key, the same JSON
// types, and enum values the Rust side accepts. The host commands come from host-messages.json.

import assert from "node:assert/strict";
import { test } from "node:test";
import * as proctor from "../src/index.js";
import { startController, vectors } from "../test-support/fake-host.js";
import { assertProtocolShape } from "../test-support/shapes.js";

test("messages: every type the controller sends matches the vectors", async () => {
  const files = [
    {
      file: "test/math.test.js",
      load: async () => {
        proctor.describe("math", { tags: ["fast"] }, () => {
          proctor.afterAll(() => {
            throw new Error("boom");
          });
          proctor.it("adds", { timeout: 2000 }, () => {
            console.log("hello");
            proctor.expect(2 + 2).toBe(4);
            proctor.expect(2 + 1).toMatchSnapshot();
          });
          proctor.it("fails", () => proctor.expect(2 + 2).toBe(5));
        });
        proctor.it.skip("later", () => {});
        proctor.it.only("focus", () => {});
        proctor.it.todo("plan");
      },
    },
    {
      file: "test/broken.test.js",
      load: async () => {
        throw new Error("Cannot find module './missing.js'");
      },
    },
  ];
  const host = startController(files);
  const { captureConsole } = await import("../src/console.js");
  const restore = captureConsole(console, { emit: host.controller.output });
  try {
    host.controller.hello();
    const hostMessages = vectors("host-messages.json");
    const command = (type) => ({ ...hostMessages.find((message) => message.type === type) });
    // The load that carries snapshots, so the file's end sends a snapshot-file message.
    const load = { ...hostMessages.find((message) => message.type === "load" && message.snapshots?.files["test/math.test.js"]), run: 1 };
    host.controller.receive(load);
    const loaded = await host.waitFor((message) => message.type === "loaded");
    assert.equal(loaded.replyTo, load.id);
    assert.equal(loaded.tests.length, 5);
    assert.deepEqual(loaded.tests[0], {
      id: "test/math.test.js::math::adds",
      file: "test/math.test.js",
      groups: ["math"],
      name: "adds",
      mode: "run",
      tags: ["fast"],
      timeout: 2000,
    });
    assert.deepEqual(loaded.loadErrors.map((error) => error.file), ["test/broken.test.js"]);

    const runTest = command("run-test");
    host.controller.receive(runTest);
    await host.waitFor((message) => message.replyTo === runTest.id);
    host.controller.receive({ ...runTest, id: 10, test: "test/math.test.js::math::fails" });
    host.controller.receive({ ...runTest, id: 11, test: "test/math.test.js::nope" });
    host.controller.receive(command("ping"));
    host.controller.receive(command("finish"));
    await host.waitFor((message) => message.type === "finished");
    host.controller.output("stderr", "write", "raw\n");
    host.controller.reportUncaught("unhandled rejection", "plain string");
    host.controller.receive(command("shutdown"));
    assert.ok(host.exited);
  } finally {
    restore();
  }

  const types = new Set(host.sent.map((message) => message.type));
  for (const type of ["hello", "loaded", "console", "test-finished", "snapshot-file", "finished", "error", "pong"]) {
    assert.ok(types.has(type), `the scenario sends a ${type} message`);
  }
  for (const message of host.sent) assertProtocolShape(message);
  for (const message of host.sent.filter((sent) => sent.type !== "hello" && sent.type !== "pong")) {
    assert.equal(message.run, 1, `${message.type} carries the run epoch of the load`);
  }
});

test("messages: the vectors themselves pass the shape check", () => {
  for (const message of vectors("controller-messages.json")) assertProtocolShape(message);
});

test("messages: unknown host messages are reported, not ignored", async () => {
  const host = startController([]);
  host.controller.receive({ type: "frobnicate" });
  assert.equal(host.sent[0].type, "error");
  assert.equal(host.sent[0].error.name, "ProtocolError");
  assertProtocolShape(host.sent[0]);
});

test("messages: commands are answered strictly in arrival order, ping at once", async () => {
  const host = startController([
    {
      file: "a.test.js",
      load: async () => {
        proctor.it("slow", () => new Promise((resolve) => setTimeout(resolve, 20)));
        proctor.it("fast", () => {});
      },
    },
  ]);
  await host.load();
  const slow = host.runTest("a.test.js::slow");
  const fast = host.runTest("a.test.js::fast");
  const pong = host.command({ type: "ping" });
  await Promise.all([slow, fast, pong]);
  const replies = host.sent.filter((message) => message.replyTo > 1).map((message) => message.type + ":" + (message.test ?? ""));
  assert.deepEqual(replies, ["pong:", "test-finished:a.test.js::slow", "test-finished:a.test.js::fast"]);
});

test("messages: a load with autorun runs the file's run-mode tests as commands first, first + 1, ...", async () => {
  const order = [];
  const host = startController([
    {
      file: "a.test.js",
      load: async () => {
        proctor.it("one", () => order.push("one"));
        proctor.it.skip("skipped", () => order.push("skipped"));
        proctor.it.todo("later");
        proctor.it("two", () => new Promise((resolve, reject) => setTimeout(() => reject(new Error("late")), 5)));
      },
    },
  ]);
  const loaded = await host.command({ type: "load", autorun: { first: 100, timeout: 5000 } });
  assert.equal(loaded.autorun, true);
  assertProtocolShape(loaded);
  await host.waitFor((message) => message.type === "test-finished" && message.replyTo === 101);
  const results = host.sent.filter((message) => message.type === "test-finished");
  assert.deepEqual(results.map((r) => [r.replyTo, r.test, r.status]), [
    [100, "a.test.js::one", "passed"],
    [101, "a.test.js::two", "failed"],
  ]);
  assert.deepEqual(order, ["one"]);
  // Commands the host sends afterwards run after them.
  const finished = await host.finish();
  assert.equal(finished.type, "finished");
});

test("messages: a load with autorun runs nothing itself when a test is .only or has its own retries", async () => {
  for (const declare of [
    () => proctor.it.only("focused", () => {}),
    () => proctor.it("retried", { retry: 2 }, () => {}),
  ]) {
    const host = startController([{ file: "b.test.js", load: async () => { proctor.it("plain", () => {}); declare(); } }]);
    const loaded = await host.command({ type: "load", autorun: { first: 7, timeout: 5000 } });
    assert.equal(loaded.autorun, undefined);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(host.sent.filter((message) => message.type === "test-finished"), []);
  }
  const broken = startController([{ file: "c.test.js", load: async () => { proctor.it("x", () => {}); throw new Error("boom"); } }]);
  const loaded = await broken.command({ type: "load", autorun: { first: 7, timeout: 5000 } });
  assert.equal(loaded.autorun, undefined);
});
