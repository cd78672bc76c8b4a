// The node adapter end to end: `--import src/node-register.js` makes `import "proctor"` and
// `require("proctor")` work from a project without node_modules, and `startNode` speaks the
// protocol over a real websocket to a stand-in host, capturing output and exiting cleanly.

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import Module from "node:module";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startWebSocketServer } from "../test-support/ws-server.js";
import { vectors } from "../test-support/fake-host.js";
import { API_MODULES, isApiModule } from "../src/api-modules.js";
import { PROTOCOL_VERSION } from "../src/controller.js";

const registerFile = fileURLToPath(new URL("../src/node-register.js", import.meta.url));
const nodeEntryUrl = new URL("../src/node.js", import.meta.url).href;
const project = mkdtempSync(join(tmpdir(), "proctor-node-test-"));
after(() => rmSync(project, { recursive: true, force: true }));

function write(relative, text) {
  const path = join(project, relative);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
}

// The host passes --expose-internals to node without module.registerHooks (< 22.15), which lets
// node-register.js resolve in-thread; without it (or on newer node) another path serves: every
// way must resolve the same.
const flagSets = [[], ["--expose-internals"]];

for (const flags of flagSets) {
  const label = flags.length === 0 ? "" : ` (${flags.join(" ")})`;
  const run = (file) => spawnSync(process.execPath, [...flags, "--import", registerFile, file], { encoding: "utf8" });

  test(`node: \`proctor\` resolves for ESM and CommonJS without node_modules${label}`, () => {
    write("resolve/esm.mjs", 'import { describe, expect } from "proctor";\nconsole.log(typeof describe, typeof expect);\n');
    const esm = run(join(project, "resolve/esm.mjs"));
    assert.equal(esm.stderr, "");
    assert.equal(esm.stdout.trim(), "function function");

    write("resolve/legacy.cjs", 'const { it, expect } = require("proctor");\nconsole.log(typeof it, typeof expect);\n');
    write(
      "resolve/both.mjs",
      'import "proctor";\nimport { createRequire } from "node:module";\n' +
        'const require = createRequire(import.meta.url);\nrequire("./legacy.cjs");\nawait import("./legacy.cjs");\n' +
        'console.log(import.meta.resolve("proctor").endsWith("/src/index.js"), (await import("proctor")).it === require("proctor").it);\n',
    );
    const cjs = run(join(project, "resolve/both.mjs"));
    assert.equal(cjs.stderr, "");
    assert.equal(cjs.stdout.trim(), "function function\ntrue true", "one instance, whichever way it is reached");

    // A hook someone registers later (instrumentation agents, tsx) must not take `proctor` away.
    write("resolve/noop-hooks.mjs", "export async function resolve(specifier, context, next) { return next(specifier, context); }\n");
    write(
      "resolve/late.mjs",
      'import { register } from "node:module";\nregister("./noop-hooks.mjs", import.meta.url);\n' +
        'await import("./esm.mjs");\nconsole.log(typeof (await import("proctor")).it);\n',
    );
    const late = run(join(project, "resolve/late.mjs"));
    assert.equal(late.stderr, "");
    assert.equal(late.stdout.trim(), "function function\nfunction");

    write("resolve/builtins.cjs", 'console.log(require("node:module").builtinModules.some((name) => name.startsWith("internal/")));\n');
    assert.equal(run(join(project, "resolve/builtins.cjs")).stdout.trim(), "false", "no internals listed as builtins");

    write("resolve/other.mjs", 'import { join } from "node:path";\nimport "./missing-on-purpose.mjs";\n');
    const missing = run(join(project, "resolve/other.mjs"));
    assert.match(missing.stderr, /ERR_MODULE_NOT_FOUND/, "other specifiers fall through to node's resolver");
  });

  test(`node: Vitest's and Jest's module names are the controller, installed or not${label}`, () => {
    // A real-looking `vitest` in node_modules must lose to the controller: its own registry
    // would collect tests nobody runs.
    write("names/node_modules/vitest/package.json", '{ "name": "vitest", "type": "module", "exports": { ".": "./index.js" } }');
    write("names/node_modules/vitest/index.js", 'throw new Error("the installed vitest was loaded");\n');
    const lines = API_MODULES.map(
      (name) =>
        `console.log(${JSON.stringify(name)}, import.meta.resolve(${JSON.stringify(name)}).endsWith("/src/index.js"), ` +
        `(await import(${JSON.stringify(name)})).it === require(${JSON.stringify(name)}).it, typeof require(${JSON.stringify(name)}).expect);`,
    );
    write(
      "names/all.mjs",
      'import { createRequire } from "node:module";\nimport { it } from "proctor";\n' +
        'const require = createRequire(import.meta.url);\n' +
        lines.join("\n") +
        "\n",
    );
    const out = run(join(project, "names/all.mjs"));
    assert.equal(out.stderr, "");
    assert.deepEqual(
      out.stdout.trim().split("\n"),
      API_MODULES.map((name) => `${name} true true function`),
    );
    // A module a package ships (as @testing-library/jest-dom/vitest does) reaches it too.
    write("names/node_modules/matchers-pkg/package.json", '{ "name": "matchers-pkg", "type": "module", "main": "index.js" }');
    write("names/node_modules/matchers-pkg/index.js", 'import { expect } from "vitest";\nexport const extended = typeof expect.extend;\n');
    write("names/pkg.mjs", 'import { extended } from "matchers-pkg";\nconsole.log(extended);\n');
    const pkg = run(join(project, "names/pkg.mjs"));
    assert.equal(pkg.stderr, "");
    assert.equal(pkg.stdout.trim(), "function");
  });
}

test("node: the test API's module names are the host's (protocol/vectors/api-modules.json)", () => {
  assert.deepEqual([...API_MODULES], vectors("api-modules.json"));
  for (const name of API_MODULES) assert.ok(isApiModule(name), name);
  for (const name of ["vitest/node", "vitest/config", "jest", "@jest/expect", "proctor/x", "./vitest"]) {
    assert.ok(!isApiModule(name), name);
  }
});

test("node: without module.registerHooks, --expose-internals resolves in-thread, with no loader thread", {
  skip: typeof Module.registerHooks === "function" && "this node has module.registerHooks",
}, () => {
  write(
    "resolve/which.cjs",
    'const loader = require("internal/modules/esm/loader").getOrInitializeCascadedLoader();\n' +
      'console.log(loader.defaultResolve.name);\n',
  );
  const inThread = spawnSync(process.execPath, ["--expose-internals", "--import", registerFile, join(project, "resolve/which.cjs")], {
    encoding: "utf8",
  });
  assert.equal(inThread.stderr, "");
  assert.equal(inThread.stdout.trim(), "resolveProctor");
});

test("node: startNode runs a suite over a websocket and exits 0 on shutdown", async () => {
  write(
    "test/math.test.js",
    'import { describe, it, expect, afterAll } from "proctor";\n' +
      'describe("math", () => {\n' +
      '  afterAll(() => { throw new Error("teardown"); });\n' +
      '  it("adds", () => { console.log("sum is %d", 1 + 1); process.stdout.write("raw\\n"); expect(1 + 1).toBe(2); });\n' +
      '  it("fails", () => expect({ a: 1 }).toEqual({ a: 2 }));\n' +
      '  it("uncaught", () => { setTimeout(() => { throw new Error("async boom"); }, 1); return new Promise(() => {}); });\n' +
      "});\n",
  );
  write("test/legacy.test.cjs", 'const { test, expect } = require("proctor");\ntest("cjs works", () => expect([1]).toContain(1));\n');
  write("test/broken.test.js", 'import "./does-not-exist.js";\n');
  const files = ["test/math.test.js", "test/legacy.test.cjs", "test/broken.test.js"];
  const entry = write(
    ".proctor/entry.mjs",
    `import { startNode } from ${JSON.stringify(nodeEntryUrl)};\n` +
      `await startNode({ url: process.env.PROCTOR_URL, files: [\n` +
      files
        .map((file) => {
          // The shape the host generates: the URL once as data, once as a literal import().
          const url = JSON.stringify(pathToFileURL(join(project, file)).href);
          return `  { file: ${JSON.stringify(file)}, url: ${url}, load: () => import(${url}) },\n`;
        })
        .join("") +
      "]});\n",
  );

  const received = [];
  let finishedHostSide;
  const hostDone = new Promise((resolve) => (finishedHostSide = resolve));
  const server = await startWebSocketServer(async (peer) => {
    const messages = peer.messages[Symbol.asyncIterator]();
    const next = async () => {
      const { value, done } = await messages.next();
      if (!done) received.push(value);
      return value;
    };
    const until = async (predicate) => {
      for (;;) {
        const message = await next();
        if (message === undefined || predicate(message)) return message;
      }
    };
    await next();
    peer.send({ type: "load", run: 3, id: 1 });
    const loaded = await until((message) => message.type === "loaded");
    let id = 2;
    for (const testInfo of loaded.tests) {
      peer.send({ type: "run-test", run: 3, id, test: testInfo.id, timeout: 5000 });
      await until((message) => message.replyTo === id);
      id++;
    }
    peer.send({ type: "ping", id: 50 });
    await until((message) => message.type === "pong");
    peer.send({ type: "finish", run: 3, id: 51 });
    await until((message) => message.type === "finished");
    peer.send({ type: "shutdown" });
    await until(() => false);
    finishedHostSide();
  });

  const child = spawn(process.execPath, ["--experimental-websocket", "--import", registerFile, entry], {
    cwd: project,
    env: { ...process.env, PROCTOR_URL: server.url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let childOutput = "";
  child.stdout.on("data", (chunk) => (childOutput += chunk));
  child.stderr.on("data", (chunk) => (childOutput += chunk));
  const exitCode = await new Promise((resolve) => child.on("exit", resolve));
  await hostDone;
  server.close();

  assert.equal(childOutput, "", "everything the tests print goes over the socket");
  assert.equal(exitCode, 0);
  const [hello] = received;
  const loaded = received.find((m) => m.type === "loaded");
  assert.deepEqual(
    received.filter((m) => m.type === "file-loaded").map((m) => m.file).sort(),
    ["test/broken.test.js", "test/legacy.test.cjs", "test/math.test.js"],
    "each file's import reports its progress",
  );
  assert.equal(hello.type, "hello");
  assert.equal(hello.protocol, PROTOCOL_VERSION);
  assert.deepEqual(hello.runtime, { kind: "node", version: process.version, userAgent: `Node.js/${process.versions.node}` });
  assert.deepEqual(
    loaded.tests.map((t) => t.id),
    ["test/math.test.js::math::adds", "test/math.test.js::math::fails", "test/math.test.js::math::uncaught", "test/legacy.test.cjs::cjs works"],
  );
  assert.deepEqual(loaded.loadErrors.map((e) => e.file), ["test/broken.test.js"]);
  assert.match(loaded.loadErrors[0].error.message, /does-not-exist/);

  const results = Object.fromEntries(received.filter((m) => m.type === "test-finished").map((m) => [m.test, m]));
  assert.equal(results["test/math.test.js::math::adds"].status, "passed");
  assert.equal(results["test/math.test.js::math::fails"].error.expected, 'Object {\n  "a": 2,\n}');
  assert.equal(results["test/math.test.js::math::uncaught"].error.message, "async boom");
  assert.equal(results["test/legacy.test.cjs::cjs works"].status, "passed");

  const adds = received.findIndex((m) => m.type === "test-finished" && m.test === "test/math.test.js::math::adds");
  const output = received.slice(0, adds).filter((m) => m.type === "console");
  assert.deepEqual(
    output.map((m) => [m.test, m.stream, m.level, m.text]),
    [
      ["test/math.test.js::math::adds", "stdout", "log", "sum is 2"],
      ["test/math.test.js::math::adds", "stdout", "write", "raw\n"],
    ],
  );
  const teardown = received.find((m) => m.type === "error");
  assert.equal(teardown.origin, 'afterAll hook of "math"');
  assert.ok(received.every((m) => m.type === "hello" || m.type === "pong" || m.run === 3));
});

test("node: the process exits 1 when the host goes away or cannot be reached", async () => {
  const entry = write(
    ".proctor/empty-entry.mjs",
    `import { startNode } from ${JSON.stringify(nodeEntryUrl)};\nawait startNode({ url: process.env.PROCTOR_URL, files: [] });\n`,
  );
  const run = (url) =>
    new Promise((resolve) => {
      // No --experimental-websocket: the adapter brings its own websocket client.
      const child = spawn(process.execPath, ["--import", registerFile, entry], {
        env: { ...process.env, PROCTOR_URL: url },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("exit", (code) => resolve({ code, stderr }));
    });

  const server = await startWebSocketServer(async (peer) => {
    await peer.messages[Symbol.asyncIterator]().next();
    peer.close();
  });
  const dropped = await run(server.url);
  server.close();
  assert.equal(dropped.code, 1);

  const unreachable = await run("ws://127.0.0.1:1/");
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /proctor: cannot connect to the host at ws:\/\/127\.0\.0\.1:1\//);
});

test("node: node-boot.js loads the controller, then runs the entry it reads on stdin", async () => {
  const bootFile = fileURLToPath(new URL("../src/node-boot.js", import.meta.url));
  const entry = write(
    ".proctor/boot-entry.mjs",
    // stdin is empty for whatever runs after the line.
    `import { readFileSync } from "node:fs";\n` +
      `const node = await import(${JSON.stringify(nodeEntryUrl)});\n` +
      `console.log(typeof node.startNode, JSON.stringify(readFileSync(0, "utf8")));\n`,
  );
  const boot = (input) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, ["--import", registerFile, bootFile], { stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      child.on("exit", (code) => resolve({ code, stdout, stderr }));
      // Written late, in two pieces, after the process has long started: it has to wait.
      setTimeout(() => {
        child.stdin.write(input.slice(0, 5));
        setTimeout(() => child.stdin.end(input.slice(5)), 20);
      }, 100);
    });

  const ran = await boot(`${pathToFileURL(entry).href}\nnot for the tests\n`);
  assert.equal(ran.stderr, "");
  assert.equal(ran.stdout, 'function ""\n');
  assert.equal(ran.code, 0);

  const unused = await boot("");
  assert.deepEqual(unused, { code: 0, stdout: "", stderr: "" }, "a stdin closed with no line: nothing to run");
});

test("node: module mocking says why it cannot work when resolution runs on node's loader thread", {
  skip: typeof Module.registerHooks === "function" && "this node has module.registerHooks, always in-thread",
}, () => {
  // Without --expose-internals, node 20 / 22.14 resolve on module.register's loader thread, which
  // cannot see the mock registry: vi.mock must say so rather than mock nothing.
  write(
    "mocking/thread.mjs",
    `import ${JSON.stringify(nodeEntryUrl)};\n` +
      `import { mocker } from ${JSON.stringify(new URL("../src/jest-object.js", import.meta.url).href)};\n` +
      'try { mocker.mock("./dep.js", () => ({})); console.log("mocked"); } catch (error) { console.log(error.message); }\n',
  );
  const thread = spawnSync(process.execPath, ["--import", registerFile, join(project, "mocking/thread.mjs")], { encoding: "utf8" });
  assert.match(thread.stdout, /proctor cannot mock modules here: a loader registered with module\.register/);
});
