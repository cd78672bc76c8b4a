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

/** Resolves with what `callback` returns once it does not throw (nor reject). */
export function waitFor(callback, options) {
  const { interval, timeout } = readOptions(options);
  const callSite = new Error("STACK_TRACE_ERROR");
  return new Promise((resolve, reject) => {
    let lastError;
    let status = "idle";
    let timeoutId;
    let intervalId;
    const done = (value) => {
      if (timeoutId !== undefined) realClearTimeout(timeoutId);
      if (intervalId !== undefined) realClearInterval(intervalId);
      resolve(value);
    };
    const check = () => {
      if (isFakeTimers()) advanceTimersByTime(interval);
      if (status === "pending") return false;
      try {
        const result = callback();
        if (isThenable(result)) {
          status = "pending";
          result.then(
            (value) => {
              status = "resolved";
              done(value);
            },
            (error) => {
              status = "rejected";
              lastError = error;
            },
          );
          return false;
        }
        done(result);
        return true;
      } catch (error) {
        lastError = error;
        return false;
      }
    };
    if (check()) return;
    timeoutId = realSetTimeout(() => {
      if (intervalId !== undefined) realClearInterval(intervalId);
      reject(lastError ?? copyStack(new Error("Timed out in waitFor!"), callSite));
    }, timeout);
    intervalId = realSetInterval(check, interval);
  });
}

/** Resolves with what `callback` returns once that is truthy; a throw or rejection fails at once. */
export function waitUntil(callback, options) {
  const { interval, timeout } = readOptions(options);
  const callSite = new Error("STACK_TRACE_ERROR");
  return new Promise((resolve, reject) => {
    let status = "idle";
    let timeoutId;
    let intervalId;
    const stop = () => {
      if (timeoutId !== undefined) realClearTimeout(timeoutId);
      if (intervalId !== undefined) realClearInterval(intervalId);
    };
    const fail = (error) => {
      stop();
      reject(error ?? copyStack(new Error("Timed out in waitUntil!"), callSite));
    };
    const accept = (value) => {
      if (!value) return false;
      stop();
      resolve(value);
      return true;
    };
    const check = () => {
      if (isFakeTimers()) advanceTimersByTime(interval);
      if (status === "pending") return false;
      try {
        const result = callback();
        if (isThenable(result)) {
          status = "pending";
          result.then(
            (value) => {
              status = "resolved";
              accept(value);
            },
            (error) => {
              status = "rejected";
              fail(error);
            },
          );
          return false;
        }
        return accept(result);
      } catch (error) {
        fail(error);
        return true;
      }
    };
    if (check()) return;
    timeoutId = realSetTimeout(() => fail(undefined), timeout);
    intervalId = realSetInterval(check, interval);
  });
}
