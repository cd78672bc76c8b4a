// Console capture shared by runtimes: routes console.log/info/debug/warn/error/trace to the
// controller, which stamps each line with the running test and sends it before that test's
// result.
//
// The patched methods do not call the originals: the host receives the text over the socket,
// and printing it locally as well would duplicate it in the host's output.

import { formatArgs } from "./format.js";

// Which stream and protocol level each method produces. The protocol has no `trace` level;
// console.trace prints to stderr like console.error, so it travels as `error`.
const METHODS = {
  log: ["stdout", "log"],
  info: ["stdout", "info"],
  debug: ["stdout", "debug"],
  warn: ["stderr", "warn"],
  error: ["stderr", "error"],
  trace: ["stderr", "error"],
};

/**
 * Replaces the printing methods of `target` (normally `globalThis.console`).
 * @param {object} target
 * @param {{ emit(stream: string, level: string, text: string): void,
 *           formatWithOptions?: (options: object, ...args: unknown[]) => string }} options
 *   `formatWithOptions` is node's `util.formatWithOptions`, preferred when available because
 *   users expect node's own rendering of objects in their logs.
 * @returns {() => void} restores the original methods
 */
export function captureConsole(target, { emit, formatWithOptions }) {
  const format = formatWithOptions ? (args) => formatWithOptions({ colors: false }, ...args) : formatArgs;
  const originals = {};
  for (const [method, [stream, level]] of Object.entries(METHODS)) {
    originals[method] = target[method];
    target[method] =
      method === "trace"
        ? function trace(...args) {
            emit(stream, level, traceText(format(args), trace));
          }
        : (...args) => emit(stream, level, format(args));
  }
  return () => Object.assign(target, originals);
}

// "Trace: message" followed by the caller's stack, as node prints it.
function traceText(message, traceFunction) {
  const holder = { name: "Trace", message };
  if (Error.captureStackTrace) {
    Error.captureStackTrace(holder, traceFunction);
    return holder.stack;
  }
  const stack = new Error().stack ?? "";
  return `Trace: ${message}${stack.slice(stack.indexOf("\n"))}`;
}
