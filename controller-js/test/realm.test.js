// A fresh realm per test file: what one file does to globals, built-ins, process.env, timers
// and listeners is gone before the next loads (realm.js), and a `fresh` load registers only
// the files it names, forgetting the tests of the files before.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";
import { captureRealm, onRealmReset, trackPendingTimers, watchPackageGlobals } from "../src/realm.js";
import { startController } from "../test-support/fake-host.js";

test("realm: globals, built-ins and process.env go back; what was there before stays", async () => {
  globalThis.keptFromBefore = "kept";
  const realm = captureRealm();
  globalThis.addedByAFile = 1;
  globalThis.keptFromBefore = "changed";
  Array.prototype.addedByAFile = true;
  const realNow = Date.now;
  Date.now = () => 0;
  const realParse = JSON.parse;
  delete JSON.parse;
  process.env.PROCTOR_REALM_TEST = "set";
  await realm.restore();
  assert.equal("addedByAFile" in globalThis, false);
  assert.equal(globalThis.keptFromBefore, "kept");
  assert.equal([].addedByAFile, undefined);
  assert.equal(Date.now, realNow);
  assert.equal(JSON.parse, realParse);
  assert.equal(process.env.PROCTOR_REALM_TEST, undefined);
  delete globalThis.keptFromBefore;
});

test("realm: what a package adds as it is evaluated stays; what a file adds outside one goes", async () => {
  watchPackageGlobals(globalThis);
  const realm = captureRealm();
  // A package module's body, as the server wraps it (host build/served.rs).
  globalThis.__proctor_package.enter();
  globalThis.umdGlobal = { hello: () => "hi" };
  Reflect.packageMeta = () => "meta";
  globalThis.__proctor_package.leave();
  globalThis.addedByAFile = 1;
  // A package that throws before it leaves leaves nothing open for the next one.
  globalThis.__proctor_package.enter();
  globalThis.__proctor_package.enter();
  globalThis.secondPackage = 2;
  globalThis.__proctor_package.leave();
  await realm.restore();
  assert.equal(globalThis.umdGlobal.hello(), "hi");
  assert.equal(Reflect.packageMeta(), "meta");
  assert.equal(globalThis.secondPackage, 2);
  assert.equal("addedByAFile" in globalThis, false);
  // Kept as the package left it, also when a later file deletes it.
  delete globalThis.umdGlobal;
  await realm.restore();
  assert.equal(globalThis.umdGlobal.hello(), "hi");
  for (const key of ["umdGlobal", "secondPackage", "__proctor_package"]) delete globalThis[key];
  delete Reflect.packageMeta;
});

test("realm: a property replaced in place, redefined, or deleted and added again goes back as it was", async () => {
  const realm = captureRealm();
  const realMax = Math.max;
  const realAbs = Math.abs;
  const realIsArray = Array.isArray;
  const consoleDescriptor = Object.getOwnPropertyDescriptor(globalThis, "console");
  // Keys unchanged: compared index by index.
  Math.max = () => 0;
  Object.defineProperty(globalThis, "console", { get: () => null, configurable: true });
  // Deleted and added again: the same keys in another order.
  delete Math.abs;
  Math.abs = () => -1;
  delete Array.isArray;
  process.env.PROCTOR_REALM_HOME = "changed";
  process.env.toString = "an environment variable named like a prototype method";
  await realm.restore();
  assert.equal(Math.max, realMax);
  assert.equal(Math.abs, realAbs);
  assert.equal(Object.getOwnPropertyDescriptor(Math, "abs").enumerable, false, "its own descriptor, not an assignment's");
  assert.equal(Array.isArray, realIsArray);
  assert.deepEqual(Object.getOwnPropertyDescriptor(globalThis, "console"), consoleDescriptor);
  assert.equal(process.env.PROCTOR_REALM_HOME, undefined);
  assert.equal(Object.hasOwn(process.env, "toString"), false);
  // A second file's changes go back as well, now that the order of Math's keys moved.
  Math.abs = () => -2;
  await realm.restore();
  assert.equal(Math.abs, realAbs);
});

test("realm: listeners added to process after the capture are removed", async () => {
  const realm = captureRealm();
  const listener = () => {};
  process.on("proctor-realm-test", listener);
  assert.equal(process.listenerCount("proctor-realm-test"), 1);
  await realm.restore();
  assert.equal(process.listenerCount("proctor-realm-test"), 0);
});

test("realm: pending timers, intervals and immediates are cleared; fired ones are forgotten", async () => {
  const scope = { setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate };
  const timers = trackPendingTimers(scope);
  let fired = 0;
  scope.setTimeout(() => fired++, 0);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(fired, 1);
  scope.setTimeout(() => fired++, 5);
  scope.setInterval(() => fired++, 5);
  scope.setImmediate(() => fired++);
  timers.clearAll();
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(fired, 1, "nothing pending fired after clearAll");
});

test("realm: reset steps registered by other modules run after the globals are back", async () => {
  const seen = [];
  const realm = captureRealm();
  globalThis.stepSees = "a file's value";
  onRealmReset(() => seen.push(globalThis.stepSees));
  await realm.restore();
  assert.deepEqual(seen, [undefined]);
});

const root = mkdtempSync(join(tmpdir(), "proctor-realm-test-"));
after(() => rmSync(root, { recursive: true, force: true }));
const api = JSON.stringify(new URL("../src/index.js", import.meta.url).href);

/** Writes `sources` (file name → text) under `root`; the controller's view of each file. */
function testFiles(sources) {
  mkdirSync(root, { recursive: true });
  return Object.entries(sources).map(([file, text]) => {
    const path = join(root, file);
    writeFileSync(path, text);
    const url = pathToFileURL(path).href;
    return { file, url, load: () => import(url) };
  });
}

test("realm: a fresh load registers only its file, in a realm without the earlier file's globals", async () => {
  const sources = {
    "a.test.js": `import { it } from ${api};\nglobalThis.fromA = true;\nit("a", () => {});\n`,
    "b.test.js": `import { it } from ${api};\nit("b sees a", () => { if (globalThis.fromA) throw new Error("a leaked"); });\n`,
  };
  const files = testFiles(sources);
  let fresh = 0;
  const host = startController(files, { adapter: { freshModules: () => void fresh++ } });
  const first = await host.command({ type: "load", only: ["a.test.js"] });
  assert.deepEqual(first.tests.map((t) => t.id), ["a.test.js::a"]);
  assert.equal((await host.runTest("a.test.js::a")).status, "passed");
  await host.command({ type: "finish", quick: true });
  const second = await host.command({ type: "load", only: ["b.test.js"], fresh: true });
  assert.deepEqual(second.tests.map((t) => t.id), ["b.test.js::b sees a"]);
  assert.equal(fresh, 1, "the adapter made module instances fresh once");
  assert.equal((await host.runTest("b.test.js::b sees a")).status, "passed");
  // The earlier file's tests are forgotten: asking for one is an error, not a stale run.
  assert.equal((await host.runTest("a.test.js::a")).status, "failed");
});

test("realm: a file's last run-test, its finish and the next file's fresh load may arrive together", async () => {
  // The host sends them in one go (session/driver/dispatch.rs `send_ahead`); the controller runs them in order.
  const sources = {
    "c.test.js": `import { it, afterAll } from ${api};\nglobalThis.fromC = true;\nit("c", () => {});\nafterAll(() => new Promise((resolve) => setTimeout(resolve, 5)));\n`,
    "d.test.js": `import { it } from ${api};\nit("d sees c", () => { if (globalThis.fromC) throw new Error("c leaked"); });\n`,
  };
  const files = testFiles(sources);
  const host = startController(files);
  await host.command({ type: "load", only: ["c.test.js"] });
  const from = host.sent.length;
  const [result, , loaded] = await Promise.all([
    host.runTest("c.test.js::c"),
    host.command({ type: "finish", quick: true }),
    host.command({ type: "load", only: ["d.test.js"], fresh: true }),
  ]);
  assert.equal(result.status, "passed");
  assert.deepEqual(loaded.tests.map((t) => t.id), ["d.test.js::d sees c"]);
  const order = host.types(from).filter((type) => type !== "hook-started" && type !== "hook-finished");
  // A one-file load says `loaded` alone: no `file-loaded` before it.
  assert.deepEqual(order, ["test-finished", "finished", "loaded"]);
  assert.equal((await host.runTest("d.test.js::d sees c")).status, "passed");
});

test("realm: an adapter that prefixes every realm gets one for the first file of an isolated run too", async () => {
  const path = join(root, "first.test.js");
  writeFileSync(path, `import { it } from ${api};\nit("first", () => {});\n`);
  const url = pathToFileURL(path).href;
  const files = [{ file: "first.test.js", url, load: () => import(url) }];
  let fresh = 0;
  const isolated = startController(files, { adapter: { freshModules: () => void fresh++, prefixesEveryRealm: true } });
  await isolated.command({ type: "load", only: ["first.test.js"] });
  assert.equal(fresh, 1, "the first file's realm is made fresh (a prefix of its own)");
  fresh = 0;
  const shared = startController(files, { adapter: { freshModules: () => void fresh++, prefixesEveryRealm: true } });
  await shared.command({ type: "load" });
  assert.equal(fresh, 0, "files sharing one realm (no isolation) get no prefix");
});
