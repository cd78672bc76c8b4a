// Shared scaffolding for the controller's own tests: a controller driven by a fake host that
// records every message, plus the protocol vectors and a shape checker derived from them.

import { readFileSync } from "node:fs";
import { createController } from "../src/controller.js";

/** Reads a vector file from ../protocol/vectors. */
export function vectors(name) {
  return JSON.parse(readFileSync(new URL(`../../protocol/vectors/${name}`, import.meta.url), "utf8"));
}

/**
 * Starts a controller over in-memory test files. `sent` holds every message, JSON round-tripped
 * exactly as the transport would; `command` sends a host command and resolves with its reply.
 * `adapter` adds optional adapter methods (such as `canonicalUrl`); `sequential`, `setupFiles`
 * and `environment` are passed on.
 */
export function startController(files, { adapter = {}, sequential = false, setupFiles, environment } = {}) {
  const sent = [];
  const waiters = [];
  const host = { sent, exited: false };
  const controller = createController({
    send(message) {
      const wire = JSON.parse(JSON.stringify(message));
      sent.push(wire);
      for (const waiter of [...waiters]) {
        if (waiter.matches(wire)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(wire);
        }
      }
    },
    adapter: {
      runtimeInfo: () => ({ kind: "node", version: process.version, userAgent: `Node.js/${process.versions.node}` }),
      exit: () => {
        host.exited = true;
      },
      ...adapter,
    },
    files,
    setupFiles,
    environment,
    sequential,
  });
  let nextId = 1;
  let run = 0;
  host.controller = controller;
  host.waitFor = (matches) =>
    new Promise((resolve) => {
      const already = sent.find(matches);
      if (already) resolve(already);
      else waiters.push({ matches, resolve });
    });
  host.command = (message) => {
    const id = nextId++;
    if (message.type === "load") run++;
    const full = message.type === "ping" ? { ...message, id } : { run, ...message, id };
    // `attempt-failed` names its command too, but only reports progress: the reply comes after.
    const reply = host.waitFor((sentMessage) => sentMessage.replyTo === id && sentMessage.type !== "attempt-failed");
    controller.receive(full);
    return reply;
  };
  host.load = () => host.command({ type: "load" });
  host.runTest = (test) => host.command({ type: "run-test", test, timeout: 5000 });
  host.finish = () => host.command({ type: "finish" });
  /** Messages sent after index `from`, without the noise of their types' other fields. */
  host.types = (from = 0) => sent.slice(from).map((message) => message.type);
  return host;
}

/** A one-file suite: `file` defaults to test/example.test.js. */
export function oneFile(load, file = "test/example.test.js") {
  return [{ file, load: async () => load() }];
}

/** Runs every registered test in order and returns the results by id. */
export async function runAll(host) {
  const loaded = await host.load();
  const results = {};
  for (const test of loaded.tests) {
    if (test.mode === "todo") continue;
    results[test.id] = await host.runTest(test.id);
  }
  await host.finish();
  return { loaded, results };
}
