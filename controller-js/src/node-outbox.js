// The node adapter's outbox: frames for the host wait in shared memory and leave in one write
// per turn of the event loop, instead of one write per message.
//
// A write per finished test woke the host once per test: a context switch on each side, about a
// third of node's time on a suite of trivial tests. The host's deadlines still need every
// result sent before a test that then blocks the thread for good (or ends the process) to reach
// it, so the frames are not merely held in JS: they sit in a SharedArrayBuffer that a watchdog
// thread (node-outbox-worker.js) writes out once they have waited a couple of milliseconds, and
// the ways a test can end the process at once (`process.exit`, `process.abort`, `process.kill`
// of itself) write them first. What is lost: frames queued in the last ~2 ms before a crash
// inside node itself (a segfault, an out-of-memory abort) or a SIGKILL from outside.

import { Worker } from "node:worker_threads";
import { CLOSED, CONTROL_WORDS, HEAD, TAIL, sharedOutbox } from "./node-outbox-writer.js";

// Large enough for a long stretch of synchronous tests; a frame larger than this is written on
// its own, straight away.
const CAPACITY = 1 << 20;
// How long queued frames may wait for a full socket buffer to drain when the process is about
// to end, or when a frame does not fit behind them.
const EXIT_PATIENCE_MS = 2000;
const FULL_PATIENCE_MS = 60_000;

// Taken before any test can fake or stub them.
const realSetImmediate = globalThis.setImmediate;
const realSetTimeout = globalThis.setTimeout;
// How soon to try again when the socket took only part of what was queued (the host is behind):
// at once would spin the event loop on writes that fail.
const RETRY_MS = 1;
const realAbort = process.abort;
const realKill = process.kill;

// The outboxes whose frames must leave before the process ends (one per connection; node has one).
const live = new Set();
const flushLive = () => {
  for (const outbox of live) outbox.flush(EXIT_PATIENCE_MS);
};
process.on("exit", flushLive);
process.abort = function abort() {
  flushLive();
  return realAbort.call(process);
};
process.kill = function kill(pid, signal) {
  if (Number(pid) === process.pid || Number(pid) === 0) flushLive();
  return realKill.call(process, pid, signal);
};

/**
 * Starts an outbox writing to the connected socket `fd`.
 * @param {number} fd
 */
export function createOutbox(fd) {
  const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
  const data = new SharedArrayBuffer(CAPACITY);
  const shared = sharedOutbox(control, data, fd);
  const { words, bytes } = shared;
  let scheduled = false;

  const watchdog = new Worker(new URL("./node-outbox-worker.js", import.meta.url), {
    workerData: { control, data, fd },
    // Not the test process's flags: no loader hooks, no preloads in this thread.
    execArgv: [],
    stdout: false,
    stderr: false,
  });
  watchdog.unref();
  // A watchdog that cannot start leaves the main thread's writes, which are enough but for hangs.
  watchdog.on("error", () => {});

  const flushSoon = () => {
    scheduled = false;
    if (shared.flush() || scheduled) return;
    scheduled = true;
    realSetTimeout(flushSoon, RETRY_MS).unref();
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    realSetImmediate(flushSoon);
  };

  const outbox = {
    /**
     * Queues one frame: `build(buffer, at)` writes at most `max` bytes at `at` and returns where
     * it ended. The frame leaves when the event loop next turns.
     */
    queue(max, build) {
      shared.lock();
      try {
        if (words[CLOSED] === 1) return;
        if (words[TAIL] + max > CAPACITY) shared.flushLocked(FULL_PATIENCE_MS);
        if (max > CAPACITY - words[TAIL]) {
          // Only when the frame alone is larger than the outbox (everything before it is out).
          const frame = Buffer.allocUnsafe(max);
          const end = build(frame, 0);
          for (let at = 0; at < end; ) {
            const written = shared.writeSome(frame, at, end - at, Date.now() + FULL_PATIENCE_MS);
            if (written <= 0) break;
            at += written;
          }
          return;
        }
        words[TAIL] = build(bytes, words[TAIL]);
      } finally {
        shared.unlock();
      }
      schedule();
    },
    /** Writes what is queued now, waiting up to `patienceMs` for the socket to take it. */
    flush(patienceMs) {
      return shared.flush(patienceMs);
    },
    /** Bytes queued and not yet written. */
    get pending() {
      return Atomics.load(words, TAIL) - Atomics.load(words, HEAD);
    },
    /** The socket is going away: nothing is written to its descriptor from now on. */
    close() {
      shared.lock();
      words[CLOSED] = 1;
      words[HEAD] = words[TAIL] = 0;
      shared.unlock();
      live.delete(outbox);
    },
  };
  live.add(outbox);
  return outbox;
}
