// Loading real modules concurrently: declarations are attributed to files by the call stack,
// `loaded` lists tests in entry order whatever order the files finished in, a broken file is a
// load error on its own, and helpers (shared-test functions, another test file's exports) put
// their tests in the calling file. The modules are written to a temp dir and imported in this
// process, so they import the controller by URL instead of by the name `proctor`.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";
import { describe, it } from "../src/index.js";
import { canonicalFileUrl } from "../src/node.js";
import { parseStackLocations, stackLocations } from "../src/registry.js";
import { startController } from "../test-support/fake-host.js";

const api = JSON.stringify(new URL("../src/index.js", import.meta.url).href);
const root = mkdtempSync(join(tmpdir(), "proctor-loading-test-"));
after(() => rmSync(root, { recursive: true, force: true }));

let projects = 0;
// A fresh directory per test, because modules are cached by URL for the life of the process.
function project(sources) {
  const dir = join(root, `p${projects++}`);
  for (const [relative, text] of Object.entries(sources)) {
    const path = join(dir, relative);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, `import { describe, it, beforeEach } from ${api};\n${text}`);
  }
  return dir;
}

// The entry the host generates: plan order, each file with its URL and a literal import().
function entry(dir, files) {
  return files.map((file) => {
    const url = pathToFileURL(join(dir, file)).href;
    return { file, url, load: () => import(url) };
  });
}

const ids = (loaded) => loaded.tests.map((t) => t.id);

test("loading: files finishing out of order are listed in entry order, even across top-level await", async () => {
  globalThis.__proctorOrder = [];
  const dir = project({
    // Declares, waits (so b.test.js evaluates meanwhile), then declares again.
    "a.test.js":
      'it("a1", () => {});\nawait new Promise((resolve) => setTimeout(resolve, 20));\n' +
      'describe("after the wait", () => it("a2", () => {}));\nit("a3", () => {});\nglobalThis.__proctorOrder.push("a");\n',
    "b.test.js": 'describe("b", () => { beforeEach(() => {}); it("b1", () => {}); });\nit("b2", () => {});\nglobalThis.__proctorOrder.push("b");\n',
  });
  const host = startController(entry(dir, ["a.test.js", "b.test.js"]));
  const loaded = await host.load();
  assert.deepEqual(globalThis.__proctorOrder, ["b", "a"], "b.test.js finished evaluating first");
  assert.deepEqual(ids(loaded), [
    "a.test.js::a1",
    "a.test.js::after the wait::a2",
    "a.test.js::a3",
    "b.test.js::b::b1",
    "b.test.js::b2",
  ]);
  assert.deepEqual(loaded.loadErrors, []);
  assert.equal((await host.runTest("b.test.js::b::b1")).status, "passed");
});

test("loading: a file that throws after declaring, or cannot be imported, is only a load error", async () => {
  const dir = project({
    "good.test.js": 'it("fine", () => {});\n',
    "throws.test.js": 'it("declared", () => {});\ndescribe("g", () => it("inner", () => {}));\nthrow new RangeError("boom");\n',
    "late.test.js": 'it("before", () => {});\nawait null;\nit("after", () => {});\nthrow new Error("late boom");\n',
    "missing.test.js": 'import "./not-there.js";\nit("never", () => {});\n',
    "last.test.js": 'it("also fine", () => {});\n',
  });
  const files = ["good.test.js", "throws.test.js", "late.test.js", "missing.test.js", "last.test.js"];
  const host = startController(entry(dir, files));
  const loaded = await host.load();
  assert.deepEqual(ids(loaded), ["good.test.js::fine", "last.test.js::also fine"]);
  assert.deepEqual(
    loaded.loadErrors.map((e) => [e.file, e.error.name]),
    [
      ["throws.test.js", "RangeError"],
      ["late.test.js", "Error"],
      ["missing.test.js", "Error"],
    ],
  );
  assert.match(loaded.loadErrors[2].error.message, /not-there/);
  assert.equal((await host.runTest("throws.test.js::declared")).status, "failed", "a discarded test cannot be run");
});

test("loading: a shared helper declares into each test file that calls it", async () => {
  const dir = project({
    "helpers/shared.js":
      'export function defineSharedTests(label) {\n  it(`shared ${label}`, () => {});\n' +
      '  describe("shared group", () => it("inner", () => {}));\n}\n',
    "one.test.js": 'import { defineSharedTests } from "./helpers/shared.js";\nit("own", () => {});\ndefineSharedTests("1");\n',
    "two.test.js":
      'import { defineSharedTests } from "./helpers/shared.js";\n' +
      'describe("outer", () => defineSharedTests("2"));\ndefineSharedTests("2");\n',
    // A test file whose export another test file calls: the caller owns what it declares.
    "exports.test.js": 'export function defineMore() { it("more", () => {}); }\nit("mine", () => {});\n',
    "caller.test.js": 'import { defineMore } from "./exports.test.js";\ndefineMore();\n',
  });
  const host = startController(entry(dir, ["one.test.js", "two.test.js", "exports.test.js", "caller.test.js"]));
  const loaded = await host.load();
  assert.deepEqual(loaded.loadErrors, []);
  assert.deepEqual(ids(loaded), [
    "one.test.js::own",
    "one.test.js::shared 1",
    "one.test.js::shared group::inner",
    "two.test.js::outer::shared 2",
    "two.test.js::outer::shared group::inner",
    "two.test.js::shared 2",
    "two.test.js::shared group::inner",
    "exports.test.js::mine",
    "caller.test.js::more",
  ]);
});

test("loading: declarations no test file is on the stack for are errors", async () => {
  const dir = project({
    // A helper that declares at its own top level has no test file on the stack.
    "setup.js": 'beforeEach(() => {});\n',
    "uses-setup.test.js": 'import "./setup.js";\nit("t", () => {});\n',
    "later.test.js": 'export function declareLater() { it("too late", () => {}); }\nit("on time", () => {});\n',
  });
  const host = startController(entry(dir, ["uses-setup.test.js", "later.test.js"]));
  const loaded = await host.load();
  assert.deepEqual(ids(loaded), ["later.test.js::on time"]);
  assert.equal(loaded.loadErrors[0].file, "uses-setup.test.js");
  assert.match(loaded.loadErrors[0].error.message, /beforeEach\(\) was called outside the loading of a test file/);
  assert.match(loaded.loadErrors[0].error.message, /export a function that declares them/);
  // Once its import has settled, a file takes no more declarations.
  const later = await import(pathToFileURL(join(dir, "later.test.js")).href);
  assert.throws(() => later.declareLater(), /outside the loading of a test file/);
});

test("loading: an entry without url is recognized by the URL its load() imports", async () => {
  const dir = project({ "plain.test.js": 'it("found", () => {});\n' });
  const url = pathToFileURL(join(dir, "plain.test.js")).href;
  const load = new Function(`return () => import(${JSON.stringify(url)});`)();
  const host = startController([{ file: "plain.test.js", load }]);
  const loaded = await host.load();
  assert.deepEqual(loaded.loadErrors, []);
  assert.deepEqual(ids(loaded), ["plain.test.js::found"]);
});

test("loading: a project reached through a symlink is matched under its real path", async () => {
  const dir = project({ "real.test.js": 'it("through the link", () => {});\n' });
  const link = join(root, `link${projects++}`);
  symlinkSync(dir, link, "dir");
  const files = entry(link, ["real.test.js"]);
  const withoutAliases = startController(files);
  assert.equal((await withoutAliases.load()).loadErrors.length, 1, "node names the module by its real path");

  const linked = join(root, `link${projects++}`);
  symlinkSync(project({ "real.test.js": 'it("through the link", () => {});\n' }), linked, "dir");
  const host = startController(entry(linked, ["real.test.js"]), { adapter: { canonicalUrl: canonicalFileUrl } });
  const loaded = await host.load();
  assert.deepEqual(loaded.loadErrors, []);
  assert.deepEqual(ids(loaded), ["real.test.js::through the link"]);
});

test("loading: sequential loading attributes a whole import to its file, as a bundle needs", async () => {
  // Like a bundle's import(): the module body runs in a later microtask, from a function whose
  // frames name no test file.
  const bundled = (declare) => () => Promise.resolve().then(declare);
  const files = [
    { file: "one.test.js", load: bundled(() => it("from the bundle", () => {})) },
    { file: "two.test.js", load: bundled(() => describe("g", () => it("also", () => {}))) },
  ];
  const loaded = await startController(files, { sequential: true }).load();
  assert.deepEqual(loaded.loadErrors, []);
  assert.deepEqual(ids(loaded), ["one.test.js::from the bundle", "two.test.js::g::also"]);

  const concurrent = await startController(files).load();
  assert.equal(concurrent.loadErrors.length, 2, "without a test file on the stack, concurrent loading cannot attribute them");
});

test("loading: stack locations of V8, SpiderMonkey and JavaScriptCore frames", () => {
  const v8 =
    "Error\n    at addTest (file:///c/registry.js:10:5)\n    at file:///p/my%20dir/a.test.js:3:1\n" +
    "    at async Promise.all (index 0)\n    at Object.<anonymous> (/p/node_modules/@scope/x/b.test.cjs:2:7)\n" +
    "    at new Thing (http://localhost:8080/t.js:1:2)";
  assert.deepEqual(parseStackLocations(v8), [
    "file:///c/registry.js",
    "file:///p/my%20dir/a.test.js",
    "/p/node_modules/@scope/x/b.test.cjs",
    "http://localhost:8080/t.js",
  ]);
  const firefox = "addTest@http://localhost:8080/c/registry.js:10:5\n@http://localhost:8080/a.test.js:3:1\nglobal code@http://localhost:8080/b.test.js:4:9\n";
  assert.deepEqual(parseStackLocations(firefox), [
    "http://localhost:8080/c/registry.js",
    "http://localhost:8080/a.test.js",
    "http://localhost:8080/b.test.js",
  ]);
  assert.deepEqual(stackLocations("file:///p/my%20dir/a.test.js"), ["file:///p/my%20dir/a.test.js", "/p/my dir/a.test.js"]);
  assert.deepEqual(stackLocations("file:///C:/p/a.test.js"), ["file:///C:/p/a.test.js", "C:\\p\\a.test.js"]);
  assert.deepEqual(stackLocations("http://localhost:8080/a.test.js"), ["http://localhost:8080/a.test.js"]);
});
