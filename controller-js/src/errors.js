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

/** The wire form of a thrown value. */
export function serializeError(value) {
  if (!isErrorLike(value)) {
    // `throw "boom"` or `reject(42)`: no class, no stack; say what was thrown.
    return { name: "NonError", message: formatCompact(value) };
  }
  const info = {
    name: safeString(value.name) || constructorName(value) || "Error",
    message: safeString(value.message),
  };
  const stack = trimStack(stackWithCauses(value));
  if (stack) info.stack = stack;
  if (value instanceof AssertionError) {
    if (typeof value.expected === "string") info.expected = value.expected;
    if (typeof value.actual === "string") info.actual = value.actual;
  } else if (wantsDiff(value)) {
    info.expected = format(value.expected);
    info.actual = format(value.actual);
  }
  return info;
}

function isErrorLike(value) {
  if (value instanceof Error) return true;
  // Errors from another realm (vm contexts, iframes) fail instanceof but look the same.
  return value !== null && typeof value === "object" && typeof value.message === "string" && typeof value.stack === "string";
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

function safeString(value) {
  if (value === undefined || value === null) return "";
  try {
    return String(value);
  } catch {
    return formatCompact(value);
  }
}
