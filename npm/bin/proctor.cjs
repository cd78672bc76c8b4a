#!/usr/bin/env node
// The `proctor` command of the npm package: runs the binary from the platform package npm
// installed beside this one (proctor-<platform>-<arch>, an optional dependency), passing the
// arguments, the standard streams and the exit code through. PROCTOR_BINARY overrides it.
"use strict";

const { spawn } = require("node:child_process");
const path = require("node:path");

function binaryPath() {
  if (process.env.PROCTOR_BINARY) return process.env.PROCTOR_BINARY;
  const platform = `${process.platform}-${process.arch}`;
  const exe = process.platform === "win32" ? "proctor.exe" : "proctor";
  try {
    const manifest = require.resolve(`proctor-${platform}/package.json`);
    return path.join(path.dirname(manifest), "bin", exe);
  } catch {
    process.stderr.write(
      `proctor: no binary for ${platform}: the package proctor-${platform} is not installed ` +
        `(hint: reinstall without --omit=optional / --no-optional, or build one with ` +
        `\`cargo install --path host\` and set PROCTOR_BINARY)\n`,
    );
    process.exit(2);
  }
}

const child = spawn(binaryPath(), process.argv.slice(2), { stdio: "inherit" });
// Ctrl-C reaches proctor through the terminal's process group: this process waits for it to
// report and exit instead of dying first.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (signal !== "SIGINT") child.kill(signal);
  });
}
child.on("error", (error) => {
  process.stderr.write(`proctor: could not run ${binaryPath()}: ${error.message}\n`);
  process.exit(2);
});
child.on("exit", (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
