// The first node process of a `proctor run` starts before the host has planned the tests:
// `node --import <dir>/node-register.js <dir>/node-boot.js`. It loads the controller while the
// host parses the test files, then waits for one line on stdin — the file: URL of the
// generated entry — and imports that entry, which uses this same controller. The host closes
// stdin after the line, so the tests read an empty stdin, as in a process started on the entry.
// A stdin that closes with no line means the host needs no runtime after all: exit quietly.

import { readSync } from "node:fs";
import "./node.js";

const NEWLINE = 0x0a;

/** Reads stdin up to the first newline (blocking: there is nothing else to do meanwhile). */
function readEntryUrl() {
  const chunks = [];
  const buffer = Buffer.alloc(4096);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let count;
    try {
      count = readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      // A non-blocking pipe has nothing yet: wait a little rather than spin a core the host
      // is using to plan.
      if (error.code === "EAGAIN") {
        Atomics.wait(pause, 0, 0, 1);
        continue;
      }
      // A signal (SIGUSR1, to attach a debugger) interrupted the read: read again.
      if (error.code === "EINTR") continue;
      if (error.code === "EOF") break;
      throw error;
    }
    if (count === 0) break;
    const read = buffer.subarray(0, count);
    const newline = read.indexOf(NEWLINE);
    chunks.push(Buffer.from(newline < 0 ? read : read.subarray(0, newline)));
    if (newline >= 0) break;
  }
  return Buffer.concat(chunks).toString("utf8").trim();
}

const entryUrl = readEntryUrl();
if (entryUrl === "") process.exit(0);
await import(entryUrl);
