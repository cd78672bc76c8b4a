// The kept node runtime of `proctor watch`: one node process for the whole session that runs
// each rerun in a fresh worker thread — a realm of its own, with its own module graph, so
// changed modules are really loaded again — and terminates it when the host says so (which
// stops even a test spinning in a synchronous loop).
//
// The host writes one JSON command per line on stdin: `{"type":"open","id":N,"entry":URL,
// "preload":URL}` starts worker N on a generated entry (after importing the preload that makes
// `proctor` resolve to the run's controller), `{"type":"close","id":N}` terminates it. The shell
// answers on stdout with lines that start with MARKER: `opened`, `exited` (with the exit code),
// `closed`. Everything else on stdout/stderr is the workers' own output, passed through.

import { Worker } from "node:worker_threads";
import { createInterface } from "node:readline";

const MARKER = "\u0001proctor-shell ";
const workers = new Map();

function say(message) {
  process.stdout.write(`${MARKER}${JSON.stringify(message)}\n`);
}

function open({ id, entry, preload }) {
  const source =
    `import(${JSON.stringify(preload)}).then(() => import(${JSON.stringify(entry)}))` +
    `.catch((error) => { console.error(error && error.stack || String(error)); process.exit(1); });`;
  const worker = new Worker(source, { eval: true });
  workers.set(id, worker);
  worker.on("error", (error) => process.stderr.write(`${error?.stack ?? error}\n`));
  worker.on("exit", (code) => {
    workers.delete(id);
    say({ type: "exited", id, code });
  });
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
// The host is gone: so is the shell.
process.stdin.on("end", () => process.exit(0));
