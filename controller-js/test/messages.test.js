// Every message the controller sends has exactly the shape of its type in
// protocol/vectors/controller-messages.json: no unknown keys, every required key, the same JSON
// types, and enum values the Rust side accepts. The host commands come from host-messages.json.

import assert from "node:assert/strict";
import { test } from "node:test";
import * as proctor from "../src/index.js";
import { startController, vectors } from "../test-support/fake-host.js";

// A schema learned from the vectors. Nested objects are grouped by key name ("error" is always
// an ErrorInfo, "tests" items are RegisteredTests, ...), as in protocol/src/lib.rs.
function learnShapes() {
  const byType = new Map();
  const byKey = new Map();
  const addSample = (map, key, sample) => {
    if (!map.has(key)) map.set(key, []);
    map.get(key).push(sample);
  };
  const walk = (object) => {
    for (const [key, value] of Object.entries(object)) {
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) {
        if (item !== null && typeof item === "object" && !Array.isArray(item)) {
          addSample(byKey, key, item);
          walk(item);
        }
      }
    }
  };
  for (const message of vectors("controller-messages.json")) {
    addSample(byType, message.type, message);
    walk(message);
  }
  return { byType, byKey };
}

const shapes = learnShapes();

// Enumerations from protocol/src/lib.rs (TestStatus, TestMode, Stream, ConsoleLevel).
const ENUMS = {
  status: ["passed", "failed", "skipped"],
  mode: ["run", "skip", "only", "todo"],
  stream: ["stdout", "stderr"],
  level: ["log", "info", "debug", "warn", "error", "write"],
};
const INTEGERS = new Set(["run", "replyTo", "protocol", "timeout", "matched", "written", "updated", "failed", "obsolete", "removed"]);

function jsonType(value) {
  return Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
}

function checkAgainst(samples, actual, path) {
  const keys = new Set(samples.flatMap((sample) => Object.keys(sample)));
  for (const key of Object.keys(actual)) {
    assert.ok(keys.has(key), `${path}: unknown key "${key}" in ${JSON.stringify(actual)}`);
  }
  for (const key of keys) {
    const required = samples.every((sample) => key in sample);
    if (!(key in actual)) {
      assert.ok(!required, `${path}: missing required key "${key}" in ${JSON.stringify(actual)}`);
      continue;
    }
    const sampleValues = samples.filter((sample) => key in sample).map((sample) => sample[key]);
    const value = actual[key];
    assert.equal(jsonType(value), jsonType(sampleValues[0]), `${path}.${key} has the wrong JSON type`);
    if (INTEGERS.has(key)) assert.ok(Number.isInteger(value) && value >= 0, `${path}.${key} must be a u64`);
    if (key in ENUMS && typeof value === "string") {
      assert.ok(ENUMS[key].includes(value), `${path}.${key} = ${value} is not a protocol value`);
    }
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (item !== null && typeof item === "object") {
        checkAgainst(shapes.byKey.get(key), item, `${path}.${key}`);
      } else if (Array.isArray(value)) {
        const sampleItem = sampleValues.flat()[0];
        if (sampleItem !== undefined) assert.equal(jsonType(item), jsonType(sampleItem), `${path}.${key}[] type`);
      }
    }
  }
}

/** Asserts that `message` is a valid controller message. */
export function assertProtocolShape(message) {
  const samples = shapes.byType.get(message.type);
  assert.ok(samples, `unknown message type ${message.type}`);
  checkAgainst(samples, message, message.type);
}

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
