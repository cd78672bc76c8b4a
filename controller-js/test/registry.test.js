// Registration: modifiers and their modes, .each naming, options (tags, timeout), tag
// inheritance, duplicate names, and the errors a misplaced declaration raises.

import assert from "node:assert/strict";
import { test } from "node:test";
import * as proctor from "../src/index.js";
import { registry } from "../src/registry.js";
import { oneFile, runAll, startController } from "../test-support/fake-host.js";

const { describe, it, expect } = proctor;

// Registers inside a fresh file and returns `name → test` (names joined by " > ").
function register(declare) {
  registry.reset();
  registry.beginFile("r.test.js");
  try {
    declare();
  } finally {
    registry.endFile();
  }
  return Object.fromEntries(registry.tests.map((t) => [[...t.groups, t.name].join(" > "), t]));
}

const modes = (tests) => Object.fromEntries(Object.entries(tests).map(([name, t]) => [name, t.mode]));

test("registry: modes of tests and groups (skip wins over only; todo stays todo)", () => {
  const tests = register(() => {
    it("plain", () => {});
    it.skip("skipped", () => {});
    it.only("focused", () => {});
    it.todo("planned");
    proctor.test.skip("no body");
    describe.skip("skipped group", () => {
      it("inside", () => {});
      it.only("only inside skip", () => {});
      it.todo("todo inside skip");
      describe.only("only group inside skip", () => it("deep", () => {}));
    });
    describe.only("focused group", () => {
      it("inside", () => {});
      it.skip("skip inside only", () => {});
      describe("nested", () => it("deep", () => {}));
    });
  });
  assert.deepEqual(modes(tests), {
    plain: "run",
    skipped: "skip",
    focused: "only",
    planned: "todo",
    "no body": "skip",
    "skipped group > inside": "skip",
    "skipped group > only inside skip": "skip",
    "skipped group > todo inside skip": "todo",
    "skipped group > only group inside skip > deep": "skip",
    "focused group > inside": "only",
    "focused group > skip inside only": "skip",
    "focused group > nested > deep": "only",
  });
});

test("registry: ids, groups and duplicate names", () => {
  const tests = register(() => {
    describe("g", () => {
      it("same", () => {});
      it("same", () => {});
    });
    describe("g", () => it("same", () => {}));
    it("g", () => {});
  });
  assert.deepEqual(
    Object.values(tests).map((t) => [t.id, t.groups, t.name]),
    [
      ["r.test.js::g::same", ["g"], "same"],
      ["r.test.js::g::same #2", ["g"], "same #2"],
      ["r.test.js::g #2::same", ["g #2"], "same"],
      ["r.test.js::g #3", [], "g #3"],
    ],
  );
});

test("registry: options give tags and timeouts; describe tags are inherited", () => {
  const tests = register(() => {
    describe("api", { tags: ["slow", "net"] }, () => {
      it("a", { tags: ["net", "flaky"], timeout: 2000 }, () => {});
      describe("inner", { tags: ["db"] }, () => it("b", () => {}));
    });
    it("jest timeout", () => {}, 1500);
    it("vitest options", () => {}, { timeout: 10.5, tags: ["x"] });
    it("options then timeout", { tags: [] }, () => {}, 300);
  });
  assert.deepEqual(tests["api > a"].tags, ["slow", "net", "flaky"]);
  assert.equal(tests["api > a"].timeout, 2000);
  assert.deepEqual(tests["api > inner > b"].tags, ["slow", "net", "db"]);
  assert.equal(tests["api > inner > b"].timeout, undefined);
  assert.equal(tests["jest timeout"].timeout, 1500);
  assert.equal(tests["vitest options"].timeout, 11);
  assert.deepEqual(tests["vitest options"].tags, ["x"]);
  assert.equal(tests["options then timeout"].timeout, 300);
  assert.throws(() => register(() => it("bad", { tags: "x" }, () => {})), /options.tags must be an array of strings/);
  assert.throws(() => register(() => it("bad", { timeout: -1 }, () => {})), /timeout must be a non-negative number/);
});

test("registry: .each names with printf placeholders", () => {
  const tests = register(() => {
    it.each([
      [1, 2, 3],
      [2, 2, 4],
    ])("add(%i, %d) = %s (row %#, %$) 100%%", () => {});
    it.each(["a", "b"])("letter %s", () => {});
    it.each([[{ x: 1 }, [1, 2], "q", 1.5, -0]])("%p %j %o %f %d", () => {});
    it.each([[1, 2]])("unused %s %s %s", () => {});
  });
  assert.deepEqual(Object.keys(tests), [
    "add(1, 2) = 3 (row 0, 1) 100%",
    "add(2, 2) = 4 (row 1, 2) 100%",
    "letter a",
    "letter b",
    '{"x": 1} [1,2] "q" 1.5 -0',
    "unused 1 2 %s",
  ]);
});

test("registry: .each names with $key interpolation and tagged templates", () => {
  const tests = register(() => {
    it.each([
      { a: 1, b: { c: "deep" }, name: "one" },
      { a: 2, b: { c: [1] }, name: "two" },
    ])("$name: $a and $b.c and $missing ($#)", () => {});
    it.each`
      a    | b      | expected
      ${1} | ${1}   | ${2}
      ${2} | ${"x"} | ${{ y: 1 }}
    `("template $a + $b = $expected", () => {});
  });
  assert.deepEqual(Object.keys(tests), [
    "one: 1 and deep and $missing (0)",
    "two: 2 and [1] and $missing (1)",
    "template 1 + 1 = 2",
    'template 2 + x = {"y": 1}',
  ]);
  assert.throws(
    () => register(() => it.each`a | b\n${1}`("t", () => {})),
    /1 values do not fill rows of 2 columns/,
  );
});

test("registry: .each modifiers and describe.each", () => {
  const tests = register(() => {
    it.skip.each([1])("skip %s", () => {});
    it.only.each([1])("only %s", () => {});
    proctor.test.each([1])("test %s", () => {});
    describe.each([["x", 1]])("group %s", (label, n) => {
      it(`inside ${label} ${n}`, () => {});
    });
    describe.skip.each([1])("skipped %s", () => it("t", () => {}));
    describe.only.each`v\n${7}`("focused $v", ({ v }) => it(`t${v}`, () => {}));
  });
  assert.deepEqual(modes(tests), {
    "skip 1": "skip",
    "only 1": "only",
    "test 1": "run",
    "group x > inside x 1": "run",
    "skipped 1 > t": "skip",
    "focused 7 > t7": "only",
  });
});

test("registry: .each rows reach the test function, including done", async () => {
  const seen = [];
  const host = startController(
    oneFile(() => {
      it.each([
        [1, 2],
        [3, 4],
      ])("spread %i", (a, b) => seen.push([a, b]));
      it.each([{ k: "v" }])("object $k", (row) => seen.push(row));
      it.each([[5]])("done %i", (n, done) => setTimeout(() => (seen.push(n), done()), 1));
    }),
  );
  const { results } = await runAll(host);
  assert.ok(Object.values(results).every((r) => r.status === "passed"));
  assert.deepEqual(seen, [[1, 2], [3, 4], { k: "v" }, 5]);
});

test("registry: declarations in the wrong place are clear errors", () => {
  registry.reset();
  assert.throws(() => it("stray", () => {}), /outside the loading of a test file/);
  assert.throws(() => describe("stray", () => {}), /outside the loading of a test file/);
  assert.throws(() => register(() => it("not a function", {}, 5)), /the test function must be a function; received number/);
  assert.throws(() => register(() => it.each(5)("x", () => {})), /must be called with an array or a tagged template/);
});

test("registry: Vitest's forms: test.todo with a function, describe's body gets test, an anonymous function's name", () => {
  let called = false;
  const tests = register(() => {
    it.todo("with function", () => {
      called = true;
    });
    describe("given test", (given) => given("declared", () => {}));
    describe(
      (() => () => {})(),
      () => it("inside", () => {}),
    );
  });
  assert.deepEqual(Object.keys(tests), ["with function", "given test > declared", "<anonymous> > inside"]);
  assert.equal(tests["with function"].mode, "todo");
  assert.equal(called, false);
});

test("registry: an async describe body declares what it declares before its first await", () => {
  const tests = register(() =>
    describe("async", async () => {
      it("declared", () => {});
    }),
  );
  assert.deepEqual(Object.keys(tests), ["async > declared"]);
});

test("registry: a file that throws while loading registers nothing; the others still load", async () => {
  const host = startController([
    {
      file: "bad.test.js",
      load: async () => {
        it("registered before the throw", () => {});
        describe("g", () => {
          throw new TypeError("bad describe");
        });
      },
    },
    { file: "good.test.js", load: async () => it("fine", () => {}) },
  ]);
  const loaded = await host.load();
  assert.deepEqual(loaded.tests.map((t) => t.id), ["good.test.js::fine"]);
  assert.equal(loaded.loadErrors[0].file, "bad.test.js");
  assert.equal(loaded.loadErrors[0].error.name, "TypeError");
  assert.equal(loaded.loadErrors[0].error.message, "bad describe");
  // After the failed describe, later declarations in other files still get correct ids.
  const result = await host.runTest("good.test.js::fine");
  assert.equal(result.status, "passed");
});

test("registry: .concurrent, .sequential and suite declare ordinary tests and groups", () => {
  const tests = register(() => {
    it.concurrent("concurrent", async () => {});
    proctor.test.concurrent.skip("concurrent skip", () => {});
    it.concurrent.only.each([1])("concurrent only %s", () => {});
    it.sequential.todo("sequential todo");
    describe.concurrent("concurrent group", () => it("inside", () => {}));
    describe.sequential.skip("sequential skipped group", () => it("inside", () => {}));
    proctor.suite("suite", () => it("inside", () => {}));
  });
  assert.deepEqual(modes(tests), {
    concurrent: "run",
    "concurrent skip": "skip",
    "concurrent only 1": "only",
    "sequential todo": "todo",
    "concurrent group > inside": "run",
    "sequential skipped group > inside": "skip",
    "suite > inside": "run",
  });
});

test("registry: globals are installed for Jest-style test files", () => {
  for (const name of ["describe", "suite", "it", "test", "expect", "beforeAll", "afterAll", "beforeEach", "afterEach", "jest", "vi"]) {
    assert.equal(globalThis[name], proctor[name], name);
    assert.equal(proctor.default[name], proctor[name], name);
  }
  assert.equal(globalThis.__proctor, proctor.default);
  assert.equal(typeof expect.any, "function");
});

test("registry: Vitest's skipIf/runIf and Jest's .failing", async () => {
  const tests = register(() => {
    it.skipIf(true)("skipped by condition", () => {});
    it.skipIf(false)("kept by condition", () => {});
    proctor.test.runIf(false)("not run by condition", () => {});
    describe.skipIf(true)("skipped group", () => it("inside", () => {}));
    describe.runIf(true)("run group", () => it("inside", () => {}));
    it.failing("declared failing", () => {});
    it.only.failing("focused failing", () => {});
  });
  assert.deepEqual(modes(tests), {
    "skipped by condition": "skip",
    "kept by condition": "run",
    "not run by condition": "skip",
    "skipped group > inside": "skip",
    "run group > inside": "run",
    "declared failing": "run",
    "focused failing": "only",
  });

  const host = startController(
    oneFile(() => {
      it.failing("throws", () => {
        throw new Error("expected");
      });
      it.failing("rejects", async () => {
        throw new Error("expected");
      });
      it.failing("passes", () => {});
      it.failing.each([1])("each %i passes", () => {});
    }),
  );
  const { results } = await runAll(host);
  const status = (name) => results[`test/example.test.js::${name}`];
  assert.equal(status("throws").status, "passed");
  assert.equal(status("rejects").status, "passed");
  assert.equal(status("passes").status, "failed");
  assert.match(status("passes").error.message, /it\.failing: the test passed even though it was declared failing/);
  assert.equal(status("each 1 passes").status, "failed");
});
