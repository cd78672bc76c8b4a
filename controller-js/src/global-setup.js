// Runs a run's global setup (proctor.toml `global-setup`, Vitest's `globalSetup`, Jest's
// `globalSetup`) in a node process of its own, before any runtime starts:
// `node --import node-register.js global-setup.js <manifest> <file>...`. Each module's default
// export (or its `setup` export) is called in order; what it returns, when a function, and the
// module's exported `teardown` run after the run, last set up first torn down. The host reads
// one marked line on stdout — `ready` with the environment variables the setup added or changed
// (tests see them, as Jest's workers see what globalSetup put in process.env), or `failed` — and
// closes stdin when the run is over, which starts the teardown; the exit code says whether it
// went well.

import { pathToFileURL } from "node:url";
import { installManifest } from "./node-register.js";

const MARKER = "\u0001proctor-global ";
const [manifest, ...files] = process.argv.slice(2);
const teardowns = [];

function say(message) {
  process.stdout.write(`${MARKER}${JSON.stringify(message)}\n`);
}

function describe(error) {
  return error instanceof Error ? (error.stack ?? String(error)) : String(error);
}

async function setUp() {
  for (const file of files) {
    const module = await import(pathToFileURL(file).href);
    if (typeof module.teardown === "function") teardowns.push(module.teardown);
    const setup = typeof module.default === "function" ? module.default : module.setup;
    if (typeof setup !== "function") continue;
    // Vitest passes a context with `provide`; nothing reads provided values here yet.
    const returned = await setup({ provide() {} });
    if (typeof returned === "function") teardowns.push(returned);
  }
}

async function tearDown() {
  let ok = true;
  for (const teardown of teardowns.reverse()) {
    try {
      await teardown();
    } catch (error) {
      ok = false;
      process.stderr.write(`proctor: global teardown failed: ${describe(error)}\n`);
    }
  }
  return ok;
}

// Ctrl-C reaches the whole process group: the host, which decides when the run is over and
// then closes stdin, must be the one to start the teardown.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => {});

const before = { ...process.env };
try {
  installManifest(manifest);
  await setUp();
} catch (error) {
  say({ type: "failed", error: describe(error) });
  await tearDown();
  process.exit(1);
}
const env = {};
for (const [key, value] of Object.entries(process.env)) {
  if (before[key] !== value) env[key] = value;
}
say({ type: "ready", env });
process.stdin.resume();
process.stdin.on("end", async () => process.exit((await tearDown()) ? 0 : 1));
