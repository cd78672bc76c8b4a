// Stack traces of transformed files (TypeScript, JSX) in node, mapped to their sources and
// written exactly as V8 writes them.
//
// Node's own source-mapped stacks (`process.setSourceMapsEnabled`) name an anonymous function
// `<anonymous>` and wrap its location in parentheses (`at <anonymous> (/x.test.ts:3:29)`), where
// V8, Vitest and Jest write `at /x.test.ts:3:29`. Code that reads its own stack depends on the
// difference (zustand's devtools names an action after the caller's frame, and takes an
// anonymous one for a name). So while source maps are on, `Error.prepareStackTrace` is this
// file's: each call site's own text (V8's CallSite toString) with its location swapped for the
// mapped one — node still reads and caches the maps (`findSourceMap`). A prepareStackTrace set
// later by the project wins, as node's own would step aside for it.

import { findSourceMap } from "node:module";
import { fileURLToPath } from "node:url";

/** Node's own `Error.prepareStackTrace` (newer node defines one), read before any project code. */
const nodeDefault = Error.prepareStackTrace;

/** Installs the mapped stack formatting, unless the project has a prepareStackTrace of its own. */
export function installMappedStacks() {
  if (Error.prepareStackTrace !== nodeDefault) return;
  Error.prepareStackTrace = prepareMappedStack;
}

function prepareMappedStack(error, sites) {
  let header;
  try {
    header = Error.prototype.toString.call(error);
  } catch {
    header = "Error";
  }
  if (sites.length === 0) return header;
  return `${header}\n${sites.map((site) => `    at ${mappedSite(site)}`).join("\n")}`;
}

/** One call site's text, its location mapped through the file's source map when it has one. */
function mappedSite(site) {
  const text = String(site);
  const file = site.getFileName?.();
  const line = site.getLineNumber?.();
  const column = site.getColumnNumber?.();
  if (typeof file !== "string" || typeof line !== "number" || typeof column !== "number") return text;
  let entry;
  try {
    entry = findSourceMap(file)?.findEntry(line - 1, column - 1);
  } catch {
    return text;
  }
  if (typeof entry?.originalSource !== "string" || typeof entry.originalLine !== "number") return text;
  const location = `${file}:${line}:${column}`;
  const at = text.lastIndexOf(location);
  if (at === -1) return text;
  const original = `${displayPath(entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  return `${text.slice(0, at)}${original}${text.slice(at + location.length)}`;
}

function displayPath(source) {
  if (!source.startsWith("file:")) return source;
  try {
    return fileURLToPath(source);
  } catch {
    return source;
  }
}
