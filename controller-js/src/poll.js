// `expect.poll(fn, { interval, timeout })`: Vitest's expectation that calls `fn` again (every
// `interval` ms, 50 by default) until the matcher passes, and fails with the last failure once
// `timeout` ms (1000 by default) have passed. Its matchers return promises that must be awaited;
// one that is not is an error when the test ends, as in Vitest. Polling uses the real timers.

import { realClearTimeout, realSetTimeout } from "./real-timers.js";
import { onTestFinished, runningTest } from "./test-context.js";

// Matchers that judge a function or a promise, or record a snapshot: repeating them is wrong.
const UNSUPPORTED = [
  "matchSnapshot",
  "toMatchSnapshot",
  "toMatchInlineSnapshot",
  "toThrowErrorMatchingSnapshot",
  "toThrowErrorMatchingInlineSnapshot",
  "throws",
  "Throw",
  "throw",
  "toThrow",
  "toThrowError",
  "resolves",
  "rejects",
];

/**
 * Makes `expect.poll` for `expect`; `counting.count()` counts one assertion and
 * `counting.uncounted(call)` makes one attempt without counting it.
 */
export function makePoll(expect, counting) {
  return function poll(fn, options = {}) {
    if (typeof fn !== "function") throw new TypeError("expect.poll expects a function that returns the value to check");
    const { interval = 50, timeout = 1000 } = options ?? {};
    return chain(expect, counting, fn, { interval, timeout }, false);
  };
}

function chain(expect, counting, fn, options, negated) {
  const handle = new Proxy(
    {},
    {
      get(_target, key) {
        if (key === "not") return chain(expect, counting, fn, options, !negated);
        if (typeof key !== "string" || key === "then") return undefined;
        if (UNSUPPORTED.includes(key)) {
          throw new SyntaxError(
            `expect.poll() is not supported in combination with .${key}(). Use vi.waitFor() if your assertion condition is unstable.`,
          );
        }
        return (...args) => pollMatcher(expect, counting, fn, options, negated, key, args);
      },
    },
  );
  return handle;
}

function pollMatcher(expect, counting, fn, { interval, timeout }, negated, name, args) {
  if (typeof expect(undefined)[name] !== "function") throw new TypeError(`expect.poll(...).${name} is not a matcher`);
  counting.count();
  const callSite = new Error("STACK_TRACE_ERROR");
  let result = null;
  let awaited = false;
  const start = () =>
    (result ??= new Promise((resolve, reject) => {
      let lastError;
      let waiting;
      let inFlight = false;
      let timedOut = false;
      // At the deadline a last attempt runs (now, or when the one in flight fails), as Vitest's.
      const deadline = realSetTimeout(() => {
        timedOut = true;
        if (!inFlight) {
          realClearTimeout(waiting);
          attempt();
        }
      }, timeout);
      const attempt = async () => {
        inFlight = true;
        try {
          const value = await fn();
          const expectation = negated ? expect(value).not : expect(value);
          await counting.uncounted(() => expectation[name](...args));
          realClearTimeout(deadline);
          resolve();
        } catch (error) {
          lastError = error;
          inFlight = false;
          if (timedOut) {
            realClearTimeout(deadline);
            reject(timeoutError(lastError, callSite));
          } else {
            waiting = realSetTimeout(attempt, interval);
          }
        }
      };
      attempt();
    }));
  // An assertion nobody awaits would pass or fail after its test; Vitest fails the test.
  if (runningTest() !== null) {
    onTestFinished(() => {
      if (!awaited) {
        const call = `expect.poll(assertion).${negated ? "not." : ""}${name}()`;
        throw new Error(`${call} was not awaited. This assertion is asynchronous and must be awaited; otherwise, it is not executed to avoid unhandled rejections:\n\nawait ${call}\n`);
      }
    });
  }
  return {
    then(onFulfilled, onRejected) {
      awaited = true;
      return start().then(onFulfilled, onRejected);
    },
    catch(onRejected) {
      return start().catch(onRejected);
    },
    finally(onFinally) {
      return start().finally(onFinally);
    },
    [Symbol.toStringTag]: "Promise",
  };
}

// Vitest's "Matcher did not succeed in time." with the last failure as its cause; its message
// is repeated here since reporters show the message, and its diff is kept.
function timeoutError(cause, callSite) {
  const causeMessage = cause !== null && typeof cause === "object" && typeof cause.message === "string" ? cause.message : String(cause);
  const error = new Error(`Matcher did not succeed in time.\n\n${causeMessage}`, { cause });
  error.name = cause?.name === "AssertionError" ? "AssertionError" : "Error";
  if (cause !== null && typeof cause === "object") {
    if ("expected" in cause) error.expected = cause.expected;
    if ("actual" in cause) error.actual = cause.actual;
  }
  if (typeof callSite.stack === "string") error.stack = callSite.stack.replace(/^.*STACK_TRACE_ERROR/, `${error.name}: ${error.message}`);
  return error;
}
