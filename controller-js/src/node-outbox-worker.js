// The watchdog thread of the node adapter's outbox (node-outbox-writer.js): every
// WATCH_INTERVAL_MS it writes frames that have waited since its last look. The main thread
// writes its frames itself whenever its event loop turns; this thread only matters while the
// main thread cannot — a test spinning forever, or a long synchronous stretch of tests — so the
// host still learns every result sent before, and blames the test that really hangs.

import { workerData } from "node:worker_threads";
import { CLOSED, HEAD, TAIL, sharedOutbox } from "./node-outbox-writer.js";

const WATCH_INTERVAL_MS = 2;

const { control, data, fd } = workerData;
const outbox = sharedOutbox(control, data, fd);
const { words } = outbox;
const idle = new Int32Array(new SharedArrayBuffer(4));

let seenHead = -1;
let seenTail = -1;
while (Atomics.load(words, CLOSED) === 0) {
  Atomics.wait(idle, 0, 0, WATCH_INTERVAL_MS);
  const head = Atomics.load(words, HEAD);
  const tail = Atomics.load(words, TAIL);
  // Queued bytes the main thread has not written since the last look (its writes move HEAD,
  // or empty the queue): it is busy or stuck, so write them from here.
  if (head < tail && head === seenHead && seenTail > seenHead) outbox.flush();
  seenHead = Atomics.load(words, HEAD);
  seenTail = Atomics.load(words, TAIL);
}
