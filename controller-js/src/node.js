// The node adapter: connects the controller core to the host over a websocket and captures
// everything the process prints or throws.
//
// The host launches `node --import <dir>/src/node-register.js entry.mjs` (an
// `--experimental-websocket` flag is harmless: node-socket.js speaks websocket itself, over
// node:net, and never touches the global WebSocket); the generated entry calls
// `startNode({ url, files })`. From then on stdout/stderr writes and
// console calls travel to the host as `console` messages (and are not printed locally), and
// uncaught errors fail the running test. The process lives exactly as long as the connection:
// exit code 0 after a `shutdown`, 1 if the socket closes or cannot be opened otherwise.

import { AsyncLocalStorage } from "node:async_hooks";
import { realpathSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { formatWithOptions } from "node:util";
import { captureConsole } from "./console.js";
import { createController } from "./controller.js";
import { fileEnvironments } from "./environment.js";
import * as nodeModules from "./node-modules.js";
import { connectWebSocket } from "./node-socket.js";
import { trackPendingTimers } from "./realm.js";
import { resetModuleMocks } from "./module-mocks.js";
// Module mocking in node: the registry's platform part and the CommonJS side.
import "./node-mocks.js";

// Module scope, so the socket outlives startNode's frame while connected.
let connection = null;

// How long a shutdown waits for queued messages before exiting anyway.
const FLUSH_DEADLINE_MS = 2000;
// Taken before any test file loads, so a test that mocks the global and never restores it
// cannot stop the controller from shutting down.
const { setTimeout, setImmediate: realSetImmediate } = globalThis;
const now = Date.now;
// How long the end of a run waits for timers the tests left running.
const SETTLE_MS = 200;

/**
 * Resolves once no timer or immediate the tests started is pending, or after SETTLE_MS: a
 * callback that fires shortly after the last test still gets to print or throw, and an interval
 * left running costs SETTLE_MS once per run. Returns undefined when nothing is pending.
 */
function settleTimers() {
  const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout" || kind === "Immediate").length;
  if (timers() === 0) return undefined;
  const until = now() + SETTLE_MS;
  return new Promise((resolve) => {
    // Inside its own callback, the poll's timer still counts as active.
    const poll = () => (timers() > 1 && now() < until ? setTimeout(poll, 5) : resolve());
    setTimeout(poll, 5);
  });
}

// Which test a callback belongs to: every test runs inside this context, and node carries it
// into the timers, promises and I/O callbacks the test starts, so output and errors from a
// callback that outlives its test are reported as that test's, never as the next one's. A
// beforeAll/afterAll hook runs in a context of its own, so what it starts is not a test's.
const testContext = new AsyncLocalStorage();

/**
 * Connects to the host and serves its commands until shutdown.
 * @param {{
 *   url: string,
 *   root?: string,
 *   files: { file: string, url: string, load(): Promise<unknown>, environment?: string }[],
 *   setupFiles?: { file: string, url: string, load(generation: number): Promise<unknown> }[],
 *   environment?: string,
 * }} options
 *   `url` is the host's websocket endpoint; `files` are the test files in plan order, each with
 *   its path relative to the project root, the file: URL it is imported from, a function
 *   that imports that URL, and the environment its docblock names. `setupFiles` run before each
 *   test file; `environment` is the suite's (jsdom and happy-dom come from the project at
 *   `root`, see environment.js).
 * @returns {Promise<void>} settles once the connection is open and `hello` is sent
 */
export function startNode({ url, root = process.cwd(), files, setupFiles = [], environment = "node", mockHygiene }) {
  const realStderrWrite = process.stderr.write.bind(process.stderr);
  // Messages produced before the socket opens (early output) wait here, behind `hello`.
  const outbox = [];
  let open = false;
  let shuttingDown = false;
  let socket = null;
  const send = (message) => {
    const text = JSON.stringify(message);
    if (open) socket.send(text);
    else outbox.push(text);
  };

  const adapter = {
    runtimeInfo: () => ({ kind: "node", version: process.version, userAgent: `Node.js/${process.versions.node}` }),
    exit: () => {
      shuttingDown = true;
      closeWhenFlushed(socket, now() + FLUSH_DEADLINE_MS);
      setTimeout(() => process.exit(0), FLUSH_DEADLINE_MS).unref();
    },
    canonicalUrl: canonicalFileUrl,
    within: (id, body) => testContext.run(id, body),
    withinHook: (hook, body) => testContext.run(hook, body),
    scheduledBy: () => testContext.getStore(),
    settle: settleTimers,
    clearTimers: () => timers.clearAll(),
    // Two turns, as mocha's immediates around its hooks give at least: a server's
    // `socket.end()` is issued when its write completes (one turn) and the client reads the end
    // on the next. The setImmediate node started with, so faked or stubbed timers cannot stall
    // the run.
    nextTurn: (then) => realSetImmediate.call(globalThis, () => realSetImmediate.call(globalThis, then)),
    // Project modules imported after this are new instances (node's loader hooks give their
    // URLs the new generation); node_modules stay loaded, as in a Vitest worker.
    // The module mocks of the file before go too (module-mocks.js).
    freshModules: () => {
      resetModuleMocks();
      nodeModules.resetModules();
      return undefined;
    },
    environments: fileEnvironments({ root }),
  };
  // Timers the tests start, so a fresh realm can clear what a file left running.
  const timers = trackPendingTimers(globalThis);
  const controller = createController({ send, adapter, files, setupFiles, environment, mockHygiene });

  captureConsole(console, { emit: controller.output, formatWithOptions });
  captureWrites(process.stdout, "stdout", controller.output);
  captureWrites(process.stderr, "stderr", controller.output);
  process.on("uncaughtException", (error) => controller.reportUncaught("uncaught exception", error));
  process.on("unhandledRejection", (reason) => controller.reportUncaught("unhandled rejection", reason));

  return new Promise((resolve) => {
    // The open TCP socket holds node's event loop open, so tests may leave nothing else pending.
    socket = connectWebSocket(url, {
      onOpen() {
        open = true;
        controller.hello();
        for (const text of outbox.splice(0)) socket.send(text);
        resolve();
      },
      onMessage(text) {
        let message;
        try {
          message = JSON.parse(text);
        } catch {
          send({
            type: "error",
            run: 0,
            origin: "controller",
            error: { name: "ProtocolError", message: `host sent a frame that is not JSON: ${text.slice(0, 200)}` },
          });
          return;
        }
        controller.receive(message);
      },
      onError(message) {
        realStderrWrite(`proctor: cannot connect to the host at ${url}: ${message}\n`);
        process.exit(1);
      },
      onClose() {
        connection = null;
        process.exit(shuttingDown ? 0 : 1);
      },
    });
    connection = socket;
  });
}

/**
 * The URL node gives the module imported from `url`: node names a module by its real path, so
 * a project reached through a symlink shows up in stack frames under another URL than the one
 * the entry imports.
 */
export function canonicalFileUrl(url) {
  return url.startsWith("file:") ? pathToFileURL(realpathSync(fileURLToPath(url))).href : url;
}

// Closes once everything sent so far has left the process, or at the deadline.
function closeWhenFlushed(socket, deadline) {
  if (socket.bufferedAmount > 0 && now() < deadline) {
    setTimeout(() => closeWhenFlushed(socket, deadline), 5);
    return;
  }
  socket.close(1000, "shutdown");
}

// Replaces `stream.write` so raw writes reach the host verbatim (newlines included) as level
// `write`. A decoder per stream keeps multi-byte characters split across chunks intact.
function captureWrites(stream, name, output) {
  const decoder = new TextDecoder();
  stream.write = function write(chunk, encoding, callback) {
    if (typeof encoding === "function") callback = encoding;
    let text;
    if (typeof chunk === "string") {
      text = typeof encoding === "string" && !/^utf-?8$/i.test(encoding) ? Buffer.from(chunk, encoding).toString("utf8") : chunk;
    }
    else if (chunk instanceof Uint8Array) text = decoder.decode(chunk, { stream: true });
    else text = String(chunk);
    if (text !== "") output(name, "write", text);
    if (typeof callback === "function") process.nextTick(callback);
    return true;
  };
}
