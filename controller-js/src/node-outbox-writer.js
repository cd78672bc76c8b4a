// The node adapter's outgoing bytes, shared between the main thread and its watchdog thread.
//
// Frames wait in a SharedArrayBuffer until someone writes them to the socket's file
// descriptor: the main thread when its event loop turns (node-outbox.js), the watchdog
// (node-outbox-worker.js) when they have waited a few milliseconds — a test that blocks the main
// thread for good must not keep the results of the tests before it from the host. Both write
// under one lock, so frames leave whole and in order. This file is the part both threads run.

import { writeSync } from "node:fs";

// Indices into the control words (an Int32Array over a SharedArrayBuffer of CONTROL_WORDS).
export const LOCK = 0; // 0 free, 1 held, 2 held and someone may be waiting
export const HEAD = 1; // bytes before this have been written
export const TAIL = 2; // bytes before this are queued
export const CLOSED = 3; // 1 once the socket is gone: nobody writes to its fd again
const SLEEP = 4; // always 0: waiting on it is a sleep
export const CONTROL_WORDS = 5;

/**
 * A view of the shared outbox for one thread.
 * @param {SharedArrayBuffer} control
 * @param {SharedArrayBuffer} data
 * @param {number} fd the connected socket's file descriptor (non-blocking)
 */
export function sharedOutbox(control, data, fd) {
  const words = new Int32Array(control);
  const bytes = Buffer.from(data);

  // A futex-style mutex: the uncontended path is one compare-exchange each way, and only an
  // unlock that may have a waiter pays for a notify.
  function lock() {
    let state = Atomics.compareExchange(words, LOCK, 0, 1);
    while (state !== 0) {
      if (state === 2 || Atomics.compareExchange(words, LOCK, 1, 2) !== 0) Atomics.wait(words, LOCK, 2, 1);
      state = Atomics.compareExchange(words, LOCK, 0, 2);
    }
  }

  function unlock() {
    if (Atomics.exchange(words, LOCK, 0) === 2) Atomics.notify(words, LOCK, 1);
  }

  /**
   * Writes what is queued. With `patienceMs`, waits that long at most for a full socket buffer
   * to drain; without, leaves the rest queued when the socket would block. Returns true when
   * nothing is left queued.
   */
  function flush(patienceMs = 0) {
    lock();
    try {
      return flushLocked(patienceMs);
    } finally {
      unlock();
    }
  }

  function flushLocked(patienceMs) {
    if (words[CLOSED] === 1) {
      words[HEAD] = words[TAIL] = 0;
      return true;
    }
    let head = words[HEAD];
    const tail = words[TAIL];
    const giveUp = patienceMs > 0 ? Date.now() + patienceMs : 0;
    while (head < tail) {
      const written = writeSome(bytes, head, tail - head, giveUp);
      if (written < 0) {
        // The connection broke: what is queued can never be delivered.
        words[CLOSED] = 1;
        head = tail;
        break;
      }
      if (written === 0) break;
      head += written;
    }
    if (head === tail) words[HEAD] = words[TAIL] = 0;
    else words[HEAD] = head;
    return head === tail;
  }

  // Bytes written (0 when the socket would block past `giveUp`), or -1 when it is broken.
  function writeSome(buffer, offset, length, giveUp) {
    for (;;) {
      try {
        return writeSync(fd, buffer, offset, length);
      } catch (error) {
        if (error.code !== "EAGAIN" && error.code !== "EWOULDBLOCK" && error.code !== "EINTR") return -1;
        if (Date.now() >= giveUp) return 0;
        Atomics.wait(words, SLEEP, 0, 1);
      }
    }
  }

  return { words, bytes, lock, unlock, flush, flushLocked, writeSome };
}
