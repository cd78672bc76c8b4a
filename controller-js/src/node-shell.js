// The kept node runtime of `proctor watch`: one node process for the whole session that runs
// each rerun in a fresh worker thread — a realm of its own, with its own module graph, so
// changed modules are really loaded again — and terminates it when the host says so (which
// stops even a test spinning in a synchronous loop).
//
// Started as `node node-shell.js <preload URL> <controller URL>`. A worker is warmed up ahead of
// time: it imports the preload (which makes `proctor` resolve to the controller; where node's
// internals are not exposed and it falls back to module.register, that starts a loader thread,
// most of a worker's start-up) and the controller itself, then waits.
// The host writes one JSON command per line on stdin: `{"type":"open","id":N,"entry":URL}` hands
// the warm worker a generated entry (which imports that same controller, then the test files),
// and a new spare starts warming; `{"type":"close","id":N}` terminates worker N. The shell
// answers on stdout with lines that start with MARKER: `opened`, `exited` (with the exit code),
// `closed`. Everything else on stdout/stderr is the workers' own output, passed through.

import { Worker } from "node:worker_threads";
import { createInterface } from "node:readline";

const MARKER = "\u0001proctor-shell ";
const [preload, controller] = process.argv.slice(2);
const workers = new Map();
let spare = warm();

function say(message) {
  process.stdout.write(`${MARKER}${JSON.stringify(message)}\n`);
}

// A worker that has loaded everything a run shares, waiting for its entry.
function warm() {
  const source =
    `const { parentPort } = require("node:worker_threads");\n` +
    `const fail = (error) => { console.error(error && error.stack || String(error)); process.exit(1); };\n` +
    `const ready = import(${JSON.stringify(preload)}).then(() => import(${JSON.stringify(controller)}));\n` +
    `parentPort.once("message", (entry) => { ready.then(() => import(entry)).catch(fail); });\n` +
    `ready.catch(fail);\n`;
  const worker = new Worker(source, { eval: true });
  // An error before it is used would otherwise go unseen: the next `open` reports it.
  worker.on("error", (error) => process.stderr.write(`${error?.stack ?? error}\n`));
  return worker;
}

function open({ id, entry }) {
  const worker = spare;
  spare = warm();
  workers.set(id, worker);
  worker.on("exit", (code) => {
    workers.delete(id);
    say({ type: "exited", id, code });
  });
  worker.postMessage(entry);
  say({ type: "opened", id });
}

async function close({ id }) {
  const worker = workers.get(id);
  if (worker !== undefined) await worker.terminate();
  say({ type: "closed", id });
}

createInterface({ input: process.stdin }).on("line", (line) => {
  let command;
  try {
    command = JSON.parse(line);
  } catch {
    return;
  }
  if (command.type === "open") open(command);
  else if (command.type === "close") close(command);
});
// The host is gone: so is the shell (and its spare).
process.stdin.on("end", () => process.exit(0));
