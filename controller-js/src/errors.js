// Turns whatever a test threw into the protocol's ErrorInfo: `{name, message, stack?, expected?,
// actual?}`, all strings, so the host never has to guess at a JavaScript value.
//
// Our own AssertionError already carries pretty-printed `expected`/`actual`; node:assert and
// chai errors carry raw values, which are pretty-printed here so the host can diff them too.

import { AssertionError } from "./expect.js";
import { formatCompact, format } from "./format.js";

// Stack frames inside the controller itself (or node internals) say nothing about the user's
// code, so they are dropped, as Jest does.
// Inside a bundle (an IIFE made by esbuild) import.meta.url is empty and the controller's
// frames point into the bundle; the host maps and filters those through the source map.
const CONTROLLER_DIR = typeof import.meta.url === "string" && import.meta.url ? new URL(".", import.meta.url).href : null;
const INTERNAL_FRAME = /^\s+at (?:.*\(node:internal\/|node:internal\/|\w+\.next \(<anonymous>\))/;

const NODE_DIFF_OPERATORS = new Set(["strictEqual", "deepStrictEqual", "deepEqual", "equal", "partialDeepStrictEqual"]);

/**
 * The wire form of a thrown value. Never throws: a value whose getters, traps or conversions
 * throw (a hostile Proxy, an error whose `message` getter throws) is described as far as it
 * safely can be, so the test it failed still gets its result instead of a timeout.
 */
export function serializeError(value) {
  try {
    return describeThrown(value);
  } catch (failure) {
    return { name: "UnprintableError", message: `the thrown value could not be described (${describeFailure(failure)})` };
  }
}

function describeFailure(failure) {
  try {
    return `reading it threw ${failure instanceof Error ? `${failure.name}: ${failure.message}` : typeof failure}`;
  } catch {
    return "reading it threw";
  }
}

function describeThrown(value) {
  if (!isErrorLike(value)) {
    // `throw "boom"` or `reject(42)`: no class, no stack; say what was thrown.
    return { name: "NonError", message: formatCompact(value) };
  }
  const info = {
    name: safeString(() => value.name) || constructorName(value) || "Error",
    message: safeString(() => value.message),
  };
  // An import of a name a module mock's factory left out: said as Vitest says it.
  info.message = globalThis.__proctorMocks?.explain?.(info.message) ?? info.message;
  let stack;
  try {
    stack = trimStack(stackWithCauses(value));
  } catch {
    stack = undefined;
  }
  if (stack) info.stack = stack;
  try {
    if (value instanceof AssertionError) {
      if (typeof value.expected === "string") info.expected = value.expected;
      if (typeof value.actual === "string") info.actual = value.actual;
    } else if (wantsDiff(value)) {
      info.expected = format(value.expected);
      info.actual = format(value.actual);
    }
  } catch {
    // A diff is a nicety: the name and message already say what failed.
    delete info.expected;
    delete info.actual;
  }
  return info;
}

function isErrorLike(value) {
  try {
    if (value instanceof Error) return true;
    // Errors from another realm (vm contexts, iframes) fail instanceof but look the same.
    return value !== null && typeof value === "object" && typeof value.message === "string" && typeof value.stack === "string";
  } catch {
    // A Proxy whose traps throw: describe it as an object, not an error.
    return false;
  }
}

function wantsDiff(error) {
  if (!("expected" in error) || !("actual" in error)) return false;
  return error.showDiff === true || NODE_DIFF_OPERATORS.has(error.operator);
}

function stackWithCauses(error) {
  let stack = typeof error.stack === "string" ? error.stack : "";
  let cause = error.cause;
  for (let depth = 0; depth < 5 && isErrorLike(cause); depth++) {
    stack += `\n[cause]: ${typeof cause.stack === "string" ? cause.stack : `${cause.name}: ${cause.message}`}`;
    cause = cause.cause;
  }
  return stack;
}

function trimStack(stack) {
  const inController = (line) => CONTROLLER_DIR !== null && line.includes(CONTROLLER_DIR);
  if (!inController(stack) && !stack.includes("node:internal")) return stack;
  return stack
    .split("\n")
    .filter((line) => !(line.trimStart().startsWith("at ") && (inController(line) || INTERNAL_FRAME.test(line))))
    .join("\n");
}

function constructorName(value) {
  try {
    return value.constructor?.name;
  } catch {
    return undefined;
  }
}

// Reads a property through `read` and makes it a string; a getter or conversion that throws
// gives a description of what happened instead.
function safeString(read) {
  let value;
  try {
    value = read();
  } catch (failure) {
    return `<${describeFailure(failure)}>`;
  }
  if (value === undefined || value === null) return "";
  try {
    return String(value);
  } catch {
    try {
      return formatCompact(value);
    } catch (failure) {
      return `<${describeFailure(failure)}>`;
    }
  }
}
