// Unit tests of browser-mocks.js, the page's module mock platform, with the server's endpoints,
// fetch and the document stood in for: vi.mock resolves through the server and registers the
// mock for the current realm before it returns, the export names (or the failure) follow once
// the value is made, a package gets an import map entry for its realm, and a bundle or a page
// without isolation is refused with the reason.

import assert from "node:assert/strict";
import { test } from "node:test";
import { installBrowserMocks } from "../src/browser-mocks.js";
import { mocker } from "../src/jest-object.js";
import { installModuleMockPlatform, resetModuleMocks } from "../src/module-mocks.js";
import { registry } from "../src/registry.js";

const sent = [];
const answers = {
  "./dep.js": { key: "/src/dep.js", mocks: null, package: false },
  "./bad.js": { key: "/src/bad.js", mocks: null, package: false },
  pkg: { key: "/node_modules/pkg/index.js", mocks: "/__mocks__/pkg.js", package: true },
};
globalThis.XMLHttpRequest = class {
  open(method, path, async) {
    Object.assign(this, { method, path, async });
  }
  setRequestHeader() {}
  send(body) {
    sent.push({ method: this.method, path: this.path, sync: this.async === false, body: body && JSON.parse(body) });
    this.status = 200;
    const spec = new URLSearchParams(this.path.split("?")[1] ?? "").get("spec");
    this.responseText = JSON.stringify(this.path.startsWith("/@mock/resolve") ? answers[spec] ?? { error: `no ${spec}` } : {});
  }
};
globalThis.fetch = async (path, init) => {
  sent.push({ method: init.method, path, sync: false, body: JSON.parse(init.body) });
  return { ok: true };
};
const maps = [];
globalThis.document = {
  createElement: () => ({ setAttribute() {} }),
  querySelector: () => null,
  head: { appendChild: (script) => maps.push(JSON.parse(script.textContent)) },
};

let realm = "/@realm/2";
let bundled = false;
let platform = installBrowserMocks({ realm: () => realm, bundled: false, origin: "http://page" });
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Puts back the platform the other tests share, after a test that needed a fresh one. */
function restore(before) {
  installModuleMockPlatform(before);
  platform = before;
}

function setUp() {
  resetModuleMocks();
  registry.reset();
  registry.addFile("test/browser-mocks.test.js", import.meta.url);
  sent.length = 0;
  maps.length = 0;
}

test("browser mocks: a page starts by dropping what an earlier page registered", () => {
  platform = installBrowserMocks({ realm: () => realm, bundled: false, origin: "http://page" });
  assert.deepEqual(sent.at(-1), { method: "POST", path: "/@mock/reset", sync: true, body: { id: 0 } });
});

test("browser mocks: vi.mock resolves and registers synchronously, then reports the export names", async () => {
  setUp();
  mocker.mock("./dep.js", () => ({ value: 42, default: "d", __esModule: true }));
  const [resolve, register] = sent.filter((request) => !request.path.startsWith("/@mock/automatic"));
  assert.equal(resolve.sync && register.sync, true);
  assert.match(resolve.path, /^\/@mock\/resolve\?spec=\.%2Fdep\.js&from=/);
  assert.equal(register.path, "/@mock/register");
  assert.deepEqual({ ...register.body, id: 0 }, { realm: "/@realm/2", id: 0, key: "/src/dep.js", package: false, late: false });
  // What the hoisted code awaits before its imports: the names are at the server by then.
  await globalThis.__proctorMocks.settle();
  const prepared = sent.find((request) => request.path === "/@mock/prepared");
  assert.equal(prepared.body.id, register.body.id);
  assert.deepEqual(prepared.body.names, ["value", "default"]);
  assert.equal(globalThis.__proctorMocks.value(prepared.body.id, prepared.body.generation).value, 42);
  mocker.unmock("./dep.js");
  assert.deepEqual(sent.at(-1), { method: "POST", path: "/@mock/unregister", sync: true, body: { id: register.body.id } });
});

test("browser mocks: a factory that returns no object is the stub's error", async () => {
  setUp();
  mocker.mock("./bad.js", () => 5);
  await tick();
  const prepared = sent.find((request) => request.path === "/@mock/prepared");
  assert.equal(prepared.body.names, undefined);
  assert.match(globalThis.__proctorBrowserMocks.failure(prepared.body.id).message, /is not returning an object/);
});

test("browser mocks: a package is sent to its stub by the realm's import map", async () => {
  setUp();
  mocker.mock("pkg", () => ({ p: 1 }));
  const register = sent.find((request) => request.path === "/@mock/register");
  assert.deepEqual([register.body.key, register.body.package, register.body.late], ["/node_modules/pkg/index.js", true, true]);
  const stub = `/@realm/2/@mock/${register.body.id}`;
  assert.deepEqual(maps, [{ imports: {}, scopes: { "/@realm/2/": { "/node_modules/pkg/index.js": stub, pkg: stub } } }]);
  await tick();
});

test("browser mocks: the packages importing a mocked package are the realm's own copies, importing the stub", async () => {
  const before = platform;
  platform = installBrowserMocks({ realm: () => realm, bundled: false, origin: "http://page" });
  setUp();
  const send = globalThis.XMLHttpRequest.prototype.send;
  const query = globalThis.document.querySelector;
  const page = {
    imports: { pkg: "/node_modules/pkg/index.js", wrap: "/node_modules/wrap/index.js", other: "/node_modules/other/index.js" },
    scopes: { "/node_modules/wrap/index.js": { pkg: "/node_modules/pkg/index.js", old: "/node_modules/wrap/node_modules/old/index.js" } },
  };
  globalThis.document.querySelector = (selector) => (selector.includes("data-proctor-mock") ? { textContent: JSON.stringify(page) } : null);
  globalThis.XMLHttpRequest.prototype.send = function (body) {
    send.call(this, body);
    if (this.path === "/@mock/register") this.responseText = JSON.stringify({ imported: false, dependents: ["/node_modules/wrap/index.js"] });
  };
  try {
    mocker.mock("pkg", () => ({ p: 1 }));
    const { id } = sent.find((request) => request.path === "/@mock/register").body;
    const stub = `/@realm/2/@mock/${id}`;
    assert.deepEqual(maps, [
      {
        imports: {},
        scopes: {
          "/@realm/2/": {
            pkg: stub,
            wrap: "/@realm/2/node_modules/wrap/index.js",
            "/node_modules/pkg/index.js": stub,
            "/node_modules/wrap/index.js": "/@realm/2/node_modules/wrap/index.js",
          },
          "/@realm/2/node_modules/wrap/index.js": { pkg: stub, old: "/node_modules/wrap/node_modules/old/index.js" },
        },
      },
    ]);
    // A dynamic import that resolved to the shared copy before (a scope the mock came too late
    // for) is routed to the realm's copy in a sub-realm.
    mocker.resetModules();
    const shared = { url: "http://page/@realm/2/test/a.test.js", resolve: () => "http://page/node_modules/wrap/index.js" };
    assert.equal(globalThis.__proctorMocks.fresh("wrap", shared), "http://page/@realm/2.1/node_modules/wrap/index.js");
    assert.ok(maps.some((map) => "/@realm/2.1/node_modules/wrap/index.js" in map.scopes), JSON.stringify(maps));
  } finally {
    globalThis.XMLHttpRequest.prototype.send = send;
    globalThis.document.querySelector = query;
  }
  await tick();
  restore(before);
});

test("browser mocks: a package this realm's import() already resolved is mocked in a fresh sub-realm", async () => {
  const before = platform;
  platform = installBrowserMocks({ realm: () => realm, bundled: false, origin: "http://page" });
  setUp();
  const meta = { url: "http://page/@realm/2/test/a.test.js", resolve: () => "http://page/node_modules/pkg/index.js" };
  assert.equal(globalThis.__proctorMocks.fresh("pkg", meta), "pkg");
  mocker.doMock("pkg", () => ({ p: 2 }));
  const registers = sent.filter((request) => request.path === "/@mock/register").map((request) => request.body.realm);
  assert.deepEqual(registers, ["/@realm/2", "/@realm/2.1"]);
  const { id } = sent.findLast((request) => request.path === "/@mock/register").body;
  // The file's next import("pkg") is the stub, although its own scope keeps the real package.
  assert.equal(globalThis.__proctorMocks.fresh("pkg", meta), `http://page/@realm/2.1/@mock/${id}`);
  await tick();
  restore(before);
});

test("browser mocks: doUnmock of a package moves later imports to a sub-realm, where its stub is the package again", async () => {
  const before = platform;
  platform = installBrowserMocks({ realm: () => realm, bundled: false, origin: "http://page" });
  setUp();
  mocker.doMock("pkg", () => ({ p: 3 }));
  const { id } = sent.find((request) => request.path === "/@mock/register").body;
  mocker.doUnmock("pkg");
  assert.deepEqual(sent.at(-1), { method: "POST", path: "/@mock/unregister", sync: true, body: { id } });
  const meta = { url: "http://page/@realm/2/test/a.test.js", resolve: () => `http://page/@realm/2/@mock/${id}` };
  const url = globalThis.__proctorMocks.fresh("pkg", meta);
  assert.match(decodeURIComponent(url), /^data:text\/javascript,import \* as m from "http:\/\/page\/node_modules\/pkg\/index\.js"; export \* from/);
  const subMaps = maps.filter((map) => "/@realm/2.1/" in map.scopes);
  assert.ok(subMaps.every((map) => !JSON.stringify(map).includes("@mock")), JSON.stringify(subMaps));
  await tick();
  restore(before);
});

test("browser mocks: a factory mock of a module that does not exist is a virtual one, sent by the import map", async () => {
  setUp();
  mocker.mock("not-installed", () => ({ v: 1 }));
  const register = sent.find((request) => request.path === "/@mock/register");
  assert.equal(register.body.key, null);
  assert.deepEqual(maps, [{ imports: {}, scopes: { "/@realm/2/": { "not-installed": `/@realm/2/@mock/${register.body.id}` } } }]);
  assert.throws(() => mocker.mock("not-installed-either"), /no not-installed-either/);
  await tick();
});

test("browser mocks: the actual module is the realm's with ?proctor-actual, a package's is shared", () => {
  assert.equal(platform.actualUrl("/src/dep.js", 1), "http://page/@realm/2/src/dep.js?proctor-actual");
  assert.equal(platform.actualUrl("/node_modules/pkg/index.js", 1), "http://page/node_modules/pkg/index.js");
  assert.equal(platform.mocksFile("/node_modules/pkg/index.js"), "/__mocks__/pkg.js");
  assert.equal(platform.keyOfUrl("http://page/@realm/7/src/x.ts?proctor-actual"), "/src/x.ts");
});

test("browser mocks: without isolation or in a bundle, mocking says why it cannot", () => {
  setUp();
  realm = undefined;
  assert.throws(() => mocker.mock("./dep.js", () => ({})), /without isolation.*isolate = false/);
  realm = "/@realm/2";
  bundled = true;
  const bundle = installBrowserMocks({ realm: () => realm, bundled, origin: "http://page" });
  assert.throws(() => mocker.mock("./dep.js", () => ({})), /cannot mock modules in a bundle.*build = "esm"/);
  assert.throws(() => bundle.actualUrl("/src/dep.js", 0), /in a bundle/);
});

test("browser mocks: a module the realm already imported is mocked in a fresh sub-realm, where later imports go", () => {
  platform = installBrowserMocks({ realm: () => realm, bundled: false, origin: "http://page" });
  setUp();
  const register = globalThis.XMLHttpRequest.prototype.send;
  let importedIn = (prefix) => prefix === "/@realm/2";
  globalThis.XMLHttpRequest.prototype.send = function (body) {
    register.call(this, body);
    const realmOf = body && JSON.parse(body).realm;
    if (this.path === "/@mock/register") this.responseText = JSON.stringify({ imported: importedIn(realmOf) });
  };
  try {
    mocker.mock("./dep.js", () => ({}));
    const registers = sent.filter((request) => request.path === "/@mock/register").map((request) => request.body.realm);
    assert.deepEqual(registers, ["/@realm/2", "/@realm/2.1"]);
    assert.ok(maps.some((map) => "/@realm/2.1/" in map.scopes), JSON.stringify(maps));
    const meta = { url: import.meta.url, resolve: (specifier) => `http://page/@realm/2/src/${specifier.slice(2)}` };
    assert.equal(globalThis.__proctorMocks.fresh("./x.js", meta), "http://page/@realm/2.1/src/x.js");
    const shared = { url: import.meta.url, resolve: () => "http://page/node_modules/p/index.js" };
    assert.equal(globalThis.__proctorMocks.fresh("p", shared), "http://page/node_modules/p/index.js");
    mocker.resetModules();
    assert.equal(globalThis.__proctorMocks.fresh("./x.js", meta), "http://page/@realm/2.2/src/x.js");
    // Where even a fresh sub-realm has it (never, but the server decides), the call says why.
    importedIn = () => true;
    assert.throws(() => mocker.mock("./dep.js", () => ({})), /realm already imported \/src\/dep\.js.*before anything imports it/);
  } finally {
    globalThis.XMLHttpRequest.prototype.send = register;
  }
});
