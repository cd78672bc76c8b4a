// Table expansion and naming for `it.each` / `describe.each`, following jest-each.
//
// A table is either an array of rows or a tagged template (`a | b` headings, then `${}` values).
// Array rows are spread as arguments and non-array rows are passed as one argument. Names use
// printf placeholders (`%s %d %i %f %j %o %O %p %# %$ %%`), or `$key` / `$key.path` / `$#` when
// every row is an object and the name mentions `$`, which is how Jest decides between the two.
// A file that imports `vitest` gets Vitest's names instead: placeholders first, then `$key` and
// `$0` (an array row's element) in the rest of the name, each value shown as Vitest shows it
// (chai's `objDisplay`: `'text'`, `[ 'a', 'b' ]`, `{ a: 1 }`, long values shortened).

import { formatCompact, formatPlaceholder } from "./format.js";
import { config as chaiConfig, util as chaiUtil } from "./vendor/chai.js";

/**
 * Turns the arguments given to `.each(...)` into rows of test-function arguments.
 * `byKey` says whether names interpolate `$key` (every row is one object) rather than printf.
 * @returns {{ rows: unknown[][], byKey: boolean }}
 */
export function eachTable(tableArgs) {
  const [table] = tableArgs;
  if (Array.isArray(table) && Array.isArray(table.raw)) {
    return { rows: templateRows(table, tableArgs.slice(1)), byKey: true };
  }
  if (!Array.isArray(table)) {
    throw new TypeError(
      `.each must be called with an array or a tagged template; received ${formatCompact(table)}`,
    );
  }
  return {
    rows: table.map((row) => (Array.isArray(row) ? row : [row])),
    byKey: table.length > 0 && table.every(isObjectRow),
  };
}

function templateRows(strings, values) {
  const headings = strings[0]
    .split("|")
    .map((heading) => heading.trim())
    .filter((heading) => heading !== "");
  if (headings.length === 0) throw new TypeError(".each template table has no column headings");
  if (values.length % headings.length !== 0) {
    throw new TypeError(
      `.each template table: ${values.length} values do not fill rows of ${headings.length} columns ` +
        `(${headings.join(", ")}); check for a missing or extra \${value}`,
    );
  }
  const rows = [];
  for (let start = 0; start < values.length; start += headings.length) {
    const row = {};
    headings.forEach((heading, column) => {
      row[heading] = values[start + column];
    });
    rows.push([row]);
  }
  return rows;
}

/**
 * The name of row `index` of a table, from the user's name template; `vitest` when the declaring
 * file imports `vitest` (Vitest's rules), else Jest's.
 */
export function eachName(template, args, index, byKey, vitest = false) {
  const title = String(template);
  if (vitest) return vitestName(title, args, index);
  if (byKey && title.includes("$")) return interpolateKeys(title, args[0], index);
  return printf(title, args, index);
}

// Vitest's `formatTitle`: `%#`/`%$` first, then each placeholder takes the next argument, and
// the text between placeholders interpolates `$path` from the first argument when it is an
// object, or `$0`, `$1`… from the arguments; a path that finds nothing shows `undefined`.
function vitestName(title, args, index) {
  const objectRow = args[0] !== null && typeof args[0] === "object" && !Array.isArray(args[0]);
  const interpolate = (text) =>
    text.replace(/\$([$\w.]+)/g, (match, path) => {
      const arrayKey = /^\d+$/.test(path);
      if (!objectRow && !arrayKey) return match;
      const element = arrayKey ? attribute(args, path) : undefined;
      return chaiUtil.objDisplay(objectRow ? attribute(args[0], path, element) : element);
    });
  // As Vitest: `%#`/`%$` first; then as many placeholders as the name has `%` signs each take
  // the next argument (undefined once they run out, and `%%` takes one too).
  title = title.replace(/%%|%#|%\$/g, (found) => (found === "%#" ? String(index) : found === "%$" ? String(index + 1) : found));
  const count = title.split("%").length - 1;
  let next = 0;
  let output = "";
  let last = 0;
  // Vitest's placeholders: no `%p`; `%c` takes an argument and prints nothing.
  for (const found of title.matchAll(/%[sdifjoOc%]/g)) {
    output += interpolate(title.slice(last, found.index));
    last = found.index + found[0].length;
    if (next >= count) output += found[0];
    else if (found[0] === "%%") [output, next] = [output + "%", next + 1];
    else output += vitestPlaceholder(found[0], args[next++]);
  }
  return output + interpolate(title.slice(last));
}

// Vitest's `format` for one placeholder: values inspected as its inspector (loupe, as chai
// has it) shows them, untruncated.
function vitestPlaceholder(placeholder, value) {
  switch (placeholder) {
    case "%s":
      if (typeof value === "bigint") return `${value}n`;
      if (Object.is(value, -0)) return "-0";
      if (typeof value === "object" && value !== null) {
        return typeof value.toString === "function" && value.toString !== Object.prototype.toString
          ? value.toString()
          : inspect(value, 0);
      }
      return String(value);
    case "%d":
      if (typeof value === "bigint") return `${value}n`;
      return typeof value === "symbol" ? "NaN" : Number(value).toString();
    case "%i":
      return typeof value === "bigint" ? `${value}n` : Number.parseInt(String(value)).toString();
    case "%f":
      return Number.parseFloat(String(value)).toString();
    case "%j":
      try {
        return JSON.stringify(value);
      } catch (error) {
        if (/circular|cyclic/.test(error.message)) return "[Circular]";
        throw error;
      }
    case "%c":
      return "";
    default: // %o, %O
      return inspect(value, 2);
  }
}

// chai's inspect reads its truncation from chai's config; Vitest's format does not truncate.
function inspect(value, depth) {
  const threshold = chaiConfig.truncateThreshold;
  chaiConfig.truncateThreshold = 0;
  try {
    return chaiUtil.inspect(value, false, depth);
  } finally {
    chaiConfig.truncateThreshold = threshold;
  }
}

// Vitest's `objectAttr`: a dotted path (`a.b`, `a[0]`) into `source`, `fallback` when a step
// finds nothing.
function attribute(source, path, fallback = undefined) {
  let value = source;
  for (const part of path.replace(/\[(\d+)\]/g, ".$1").split(".")) {
    value = new Object(value)[part];
    if (value === undefined) return fallback;
  }
  return value;
}

function isObjectRow(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function interpolateKeys(title, row, index) {
  return title.replace(/\$#|\$([A-Za-z_$][\w$]*)((?:\.[\w$]+)*)/g, (match, key, path) => {
    if (match === "$#") return String(index);
    if (!(key in row)) return match;
    let value = row[key];
    for (const part of path.split(".").slice(1)) value = value == null ? undefined : value[part];
    return isPrimitive(value) ? String(value) : formatCompact(value, 1);
  });
}

function isPrimitive(value) {
  return value === null || (typeof value !== "object" && typeof value !== "function");
}

// One pass over the template, so text substituted for one placeholder is never re-read as
// another placeholder.
function printf(title, args, index) {
  let next = 0;
  return title.replace(/%[sdifjoOp#$%]/g, (placeholder) => {
    switch (placeholder) {
      case "%%":
        return "%";
      case "%#":
        return String(index);
      case "%$":
        return String(index + 1);
    }
    if (next >= args.length) return placeholder;
    return formatPlaceholder(placeholder, args[next++]);
  });
}
