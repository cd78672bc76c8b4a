// Setup files and per-file environments in the controller: setup files run before each test
// file, afresh, with their top-level hooks attached to that file; one that throws is each
// file's load error; each file's environment is entered before its setup files, shown while
// its tests run, and closed when it is done.

import assert from "node:assert/strict";
import { test } from "node:test";
import { afterAll, beforeEach, expect, it } from "../src/index.js";
import { runAll, startController } from "../test-support/fake-host.js";

test("setup files: run before each file, afresh, and their hooks apply to that file's tests", async () => {
  const order = [];
  const setupFiles = [
    {
      file: "test/setup.js",
      load: async (generation) => {
        order.push(`setup ${generation}`);
        beforeEach(() => order.push(`beforeEach from setup ${generation}`));
        afterAll(() => order.push(`afterAll from setup ${generation}`));
      },
    },
  ];
  const file = (name) => ({
    file: name,
    load: async () => {
      order.push(`load ${name}`);
      it("t", () => order.push(`test in ${name}`));
    },
  });
  const host = startController([file("a.test.js"), file("b.test.js")], { setupFiles });
  const { results } = await runAll(host);
  assert.deepEqual(Object.values(results).map((r) => r.status), ["passed", "passed"]);
  assert.deepEqual(order, [
    "setup 1",
    "load a.test.js",
    "setup 2",
    "load b.test.js",
    "beforeEach from setup 1",
    "test in a.test.js",
    "afterAll from setup 1",
    "beforeEach from setup 2",
    "test in b.test.js",
    "afterAll from setup 2",
  ]);
});

test("setup files: one that throws is the load error of every file, which keeps no tests", async () => {
  const setupFiles = [{ file: "test/setup.js", load: async () => { throw new TypeError("setup broke"); } }];
  const loaded = [];
  const files = ["a.test.js", "b.test.js"].map((name) => ({
    file: name,
    load: async () => {
      loaded.push(name);
      it("t", () => {});
    },
  }));
  const host = startController(files, { setupFiles });
  const result = await host.load();
  assert.deepEqual(result.tests, []);
  assert.deepEqual(result.loadErrors.map((e) => [e.file, e.error.name, e.error.message]), [
    ["a.test.js", "TypeError", "setup broke"],
    ["b.test.js", "TypeError", "setup broke"],
  ]);
  assert.deepEqual(loaded, [], "a test file whose setup failed is not imported");
});

test("setup files: expect.extend in a setup file gives the file's tests the matcher", async () => {
  const setupFiles = [
    {
      file: "test/setup.js",
      load: async () =>
        expect.extend({
          toBeEven: (received) => ({ pass: received % 2 === 0, message: () => `expected ${received} to be even` }),
        }),
    },
  ];
  const files = [{ file: "a.test.js", load: async () => it("even", () => expect(4).toBeEven()) }];
  const { results } = await runAll(startController(files, { setupFiles }));
  assert.equal(results["a.test.js::even"].status, "passed");
});

test("environments: each file's is entered before its setup files, shown while it runs, closed when done", async () => {
  const events = [];
  const environments = {
    enter: async (file, name) => events.push(`enter ${file} ${name}`),
    show: (file) => events.push(`show ${file}`),
    done: (file) => events.push(`done ${file}`),
  };
  const setupFiles = [{ file: "s.js", load: async () => events.push("setup") }];
  const files = [
    { file: "a.test.js", load: async () => it("a", () => events.push("test a")) },
    { file: "b.test.js", environment: "happy-dom", load: async () => it("b", () => events.push("test b")) },
    { file: "c.test.js", load: async () => {} },
  ];
  const host = startController(files, { adapter: { environments }, setupFiles, environment: "jsdom" });
  const loaded = await host.load();
  assert.deepEqual(loaded.loadErrors, []);
  for (const { id } of loaded.tests) await host.runTest(id);
  await host.finish();
  assert.deepEqual(events, [
    "enter a.test.js jsdom",
    "setup",
    "enter b.test.js happy-dom",
    "setup",
    "enter c.test.js jsdom",
    "setup",
    "done c.test.js",
    "show a.test.js",
    "test a",
    "done a.test.js",
    "show b.test.js",
    "test b",
    "done b.test.js",
  ]);
});
