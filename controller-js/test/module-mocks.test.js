// Unit tests of module-mocks.js's registry with a stand-in platform: a mock belongs to the test
// file that made it, resolution from that file's modules (and only those) gives the mock module
// or the file's generation, the generated module source exports the factory's keys, and
// resetModuleMocks() forgets everything.

import assert from "node:assert/strict";
import { test } from "node:test";
import { mocker } from "../src/jest-object.js";
import {
  generationOf,
  installModuleMockPlatform,
  moduleSource,
  resetModuleMocks,
  resolveForOwner,
  withGeneration,
} from "../src/module-mocks.js";
import { registry } from "../src/registry.js";

const here = import.meta.url;
const other = new URL("./other.test.js", here).href;
let generations = 0;
installModuleMockPlatform({
  nextGeneration: () => ++generations,
  globalGeneration: () => 0,
  resolveKey(specifier) {
    if (specifier === "nowhere") throw new Error(`cannot find ${specifier}`);
    return specifier.startsWith("node:") ? specifier : `/project/src/${specifier.replace(/^\.\//, "")}`;
  },
  keyOfUrl: (url) => (url.startsWith("node:") ? url : new URL(url).pathname),
  mocksFile: () => null,
  actualUrl: (key) => `file://${key}`,
  importUrl: async () => ({ real: true }),
  requireKey: () => ({ real: true }),
  isProjectUrl: (url) => url.startsWith("file:///project/"),
  toUrl: (path) => `file://${path}`,
  resetRealm: () => {},
  checkHooks: () => {},
  hasAutomaticMocks: () => false,
  automaticMocks: () => [],
});

function setUp() {
  resetModuleMocks();
  registry.reset();
  registry.addFile("test/module-mocks.test.js", here);
  registry.addFile("test/other.test.js", other);
}

const resolved = (path) => () => ({ url: `file://${path}` });

test("module mocks: a factory mock resolves to a mock module for its own file only", () => {
  setUp();
  mocker.mock("./dep.js", () => ({ value: 42, "odd-name": 1, default: "d" }));
  const mine = resolveForOwner("./dep.js", here, resolved("/project/src/dep.js"));
  assert.match(mine.url, /^proctor-mock:/);
  assert.equal(mine.format, "module");
  const theirs = resolveForOwner("./dep.js", other, resolved("/project/src/dep.js"));
  assert.equal(theirs.url, "file:///project/src/dep.js");

  const source = moduleSource(mine.url, false);
  assert.match(source, /export \{ e\d as "value" \}/);
  assert.match(source, /export \{ e\d as "odd-name" \}/);
  assert.match(source, /let d = m\["default"\];\nexport \{ d as default \};/);
  assert.match(source, /globalThis.__proctorLiveExports\?\.\(\{ "value": \[/, "a spy may replace an export");
  const generation = Number(/&g=(\d+)/.exec(mine.url)[1]);
  const id = Number(/id=(\d+)/.exec(mine.url)[1]);
  assert.equal(globalThis.__proctorMocks.value(id, generation).value, 42);
});

test("module mocks: a test file imported in the realm's generation still owns its mocks", () => {
  setUp();
  mocker.mock("./dep.js", () => ({}));
  const realmGeneration = 999;
  const fromTestFile = resolveForOwner("./dep.js", withGeneration(here, realmGeneration), resolved("/project/src/dep.js"));
  assert.match(fromTestFile.url, /^proctor-mock:/);
  // A module of that realm generation that is no test file has no owner.
  const fromHelper = resolveForOwner("./dep.js", "file:///project/src/helper.js?proctor-g=999", resolved("/project/src/dep.js"));
  assert.equal(fromHelper.url, "file:///project/src/dep.js");
});

test("module mocks: the owner's project modules get its generation, packages do not", () => {
  setUp();
  mocker.mock("./dep.js", () => ({}));
  const service = resolveForOwner("./service.js", here, resolved("/project/src/service.js"));
  const generation = generationOf(service.url);
  assert.ok(generation > 0, service.url);
  // From that module on, the same owner: its imports see the mock and its generation.
  assert.match(resolveForOwner("./dep.js", service.url, resolved("/project/src/dep.js")).url, /^proctor-mock:/);
  assert.equal(resolveForOwner("pkg", service.url, resolved("/elsewhere/pkg.js")).url, "file:///elsewhere/pkg.js");
  // resetModules moves the file to a new generation; mocks stay.
  mocker.resetModules();
  const again = resolveForOwner("./service.js", here, resolved("/project/src/service.js"));
  assert.ok(generationOf(again.url) > generation, again.url);
  assert.match(resolveForOwner("./dep.js", here, resolved("/project/src/dep.js")).url, /^proctor-mock:/);
});

test("module mocks: unmock, a virtual mock, a non-object factory and resetModuleMocks", () => {
  setUp();
  mocker.mock("./dep.js", () => 5);
  const url = resolveForOwner("./dep.js", here, resolved("/project/src/dep.js")).url;
  assert.throws(() => moduleSource(url, false), /\[vitest\] vi\.mock\("\.\/dep\.js", factory\?\) is not returning an object/);
  mocker.unmock("./dep.js");
  assert.equal(resolveForOwner("./dep.js", here, resolved("/project/src/dep.js")).url.split("?")[0], "file:///project/src/dep.js");

  const notFound = () => {
    throw Object.assign(new Error("not found"), { code: "ERR_MODULE_NOT_FOUND" });
  };
  assert.throws(() => resolveForOwner("nowhere", here, notFound), /not found/);
  mocker.mock("nowhere", () => ({ x: 1 }), { virtual: true });
  assert.match(resolveForOwner("nowhere", here, notFound).url, /^proctor-mock:/);

  resetModuleMocks();
  assert.equal(resolveForOwner("./dep.js", here, resolved("/project/src/dep.js")).url, "file:///project/src/dep.js");
  assert.throws(() => moduleSource(url, false), /names no module mock/);
});

test("module mocks: an async factory is settled before the imports, or is a clear error without", async () => {
  setUp();
  mocker.mock("./dep.js", async () => ({ later: true }));
  const url = resolveForOwner("./dep.js", here, resolved("/project/src/dep.js")).url;
  assert.throws(() => moduleSource(url, false), /its factory is async/);
  await globalThis.__proctorMocks.settle();
  assert.match(moduleSource(url, false), /"later"/);
});

test("module mocks: generation queries come and go", () => {
  assert.equal(withGeneration("file:///a.js", 3), "file:///a.js?proctor-g=3");
  assert.equal(withGeneration("file:///a.js?proctor-g=3", 0), "file:///a.js");
  assert.equal(generationOf("file:///a.js?x=1&proctor-g=12"), 12);
  assert.equal(generationOf("file:///a.js"), 0);
});
