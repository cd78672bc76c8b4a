// `vi.waitFor(callback, options)` and `vi.waitUntil(callback, options)`, as Vitest has them:
// call `callback` every `interval` ms (50) until it returns (waitFor: without throwing;
// waitUntil: a truthy value), and fail after `timeout` ms (1000) with the last error (waitFor)
// or "Timed out in waitUntil!". Under fake timers each attempt also advances the fake clock by
// the interval, so code waiting on a fake timer gets there. The polling itself uses real timers.

import { realClearInterval, realClearTimeout, realSetInterval, realSetTimeout } from "./real-timers.js";
import { advanceTimersByTime, isFakeTimers } from "./timers.js";

function readOptions(options) {
  const { interval = 50, timeout = 1000 } = typeof options === "number" ? { timeout: options } : (options ?? {});
  return { interval, timeout };
}

function isThenable(value) {
  return value !== null && typeof value === "object" && typeof value.then === "function";
}

function copyStack(error, callSite) {
  if (typeof callSite.stack === "string") error.stack = callSite.stack.replace(callSite.message, error.message);
  return error;
}

/**
 * Calls `callback` every `interval` ms until `accept` takes what it returned, and resolves with
 * that. A throw or rejection is kept and retried when `retryErrors` (waitFor), and fails at once
 * otherwise (waitUntil). At `timeout` it rejects with the last error or "Timed out in NAME!".
 * One attempt at a time: while a returned promise is pending, ticks only advance fake timers.
 */
function poll(name, callback, options, { accept, retryErrors }) {
  const { interval, timeout } = readOptions(options);
  const callSite = new Error("STACK_TRACE_ERROR");
  return new Promise((resolve, reject) => {
    let pending = false;
    let lastError;
    let timeoutId;
    let intervalId;
    const stop = () => {
      if (timeoutId !== undefined) realClearTimeout(timeoutId);
      if (intervalId !== undefined) realClearInterval(intervalId);
    };
    const settle = (value) => {
      if (!accept(value)) return false;
      stop();
      resolve(value);
      return true;
    };
    const failed = (error) => {
      if (retryErrors) {
        lastError = error;
        return false;
      }
      stop();
      reject(error);
      return true;
    };
    const check = () => {
      if (isFakeTimers()) advanceTimersByTime(interval);
      if (pending) return false;
      try {
        const result = callback();
        if (!isThenable(result)) return settle(result);
        pending = true;
        result.then(
          (value) => {
            pending = false;
            settle(value);
          },
          (error) => {
            pending = false;
            failed(error);
          },
        );
        return false;
      } catch (error) {
        return failed(error);
      }
    };
    if (check()) return;
    timeoutId = realSetTimeout(() => {
      stop();
      reject(lastError ?? copyStack(new Error(`Timed out in ${name}!`), callSite));
    }, timeout);
    intervalId = realSetInterval(check, interval);
  });
}

/** Resolves with what `callback` returns once it does not throw (nor reject). */
export function waitFor(callback, options) {
  return poll("waitFor", callback, options, { accept: () => true, retryErrors: true });
}

/** Resolves with what `callback` returns once that is truthy; a throw or rejection fails at once. */
export function waitUntil(callback, options) {
  return poll("waitUntil", callback, options, { accept: Boolean, retryErrors: false });
}
