// The snapshot file formats proctor reads and writes, and how to tell them apart: Jest's
// (`// Jest Snapshot v1`, keys `describe test 1`, a hint as `test: hint 1`, a thrown error
// stored as its message) and Vitest's (`// Vitest Snapshot v1`, keys `describe > test 1`, a hint
// as `test > hint 1`, a thrown error stored as the error). Both print values with pretty-format,
// under the `snapshotFormat` options `escapeString` and `printBasicPrototype`: off in Jest 29+
// and Vitest, on in Jest 28 and older (`Object {`, `Array [`, `"say \"hi\""`).
//
// A file keeps the format it was written in: its header decides the key scheme, and its values
// decide the printing options when they make it obvious (an `Object {` or an escaped quote), so a
// run that passes never rewrites it and new snapshots join it in its own style. A new file is
// Vitest's when its test file imports `vitest` (the host says which do), else Jest's.

export const JEST_HEADER = "// Jest Snapshot v1, https://goo.gl/fbAQLP";
export const VITEST_HEADER = "// Vitest Snapshot v1, https://vitest.dev/guide/snapshot.html";

/**
 * A snapshot style: the key scheme (`kind`), the file's first line, and the printing options.
 * @typedef {{ kind: "jest" | "vitest", header: string, escapeString: boolean, printBasicPrototype: boolean }} SnapshotStyle
 */

/**
 * The style of a snapshot file, from its stored text (undefined: a new file) and what the host
 * said: `vitest` (the test file imports vitest) and the suite's `snapshot-format` (each option
 * undefined unless the config sets it; a set option wins over what the file suggests).
 * @returns {SnapshotStyle}
 */
export function fileStyle(text, { vitest = false, options = {} } = {}) {
  const header = text === undefined ? undefined : normalizeNewlines(text).split("\n", 1)[0];
  const kind = header === undefined ? (vitest ? "vitest" : "jest") : header.startsWith("// Vitest Snapshot") ? "vitest" : "jest";
  const values = text === undefined ? [] : [...parseSnapshotFile(text).values()];
  return {
    kind,
    header: header?.startsWith("// ") ? header : kind === "vitest" ? VITEST_HEADER : JEST_HEADER,
    ...printingOptions(values, options),
  };
}

/**
 * The style an inline snapshot is checked in: Vitest's or Jest's by the test file's imports; the
 * printing options from the config, else from the stored snapshot itself when it shows them,
 * else from the test file's .snap file (`fallback`, its style), else off.
 * @returns {SnapshotStyle}
 */
export function inlineStyle(stored, { vitest = false, options = {}, fallback } = {}) {
  const shown = shownOptions(typeof stored === "string" ? [stored] : []);
  const fill = (key, seen) => options[key] ?? seen ?? fallback?.[key] ?? false;
  return {
    kind: vitest ? "vitest" : "jest",
    header: "",
    printBasicPrototype: fill("printBasicPrototype", shown.printBasicPrototype),
    escapeString: fill("escapeString", shown.escapeString ?? (shown.printBasicPrototype || undefined)),
  };
}

// A value printed with `printBasicPrototype`: `Object {` or `Array [` where a value starts (line
// start, after `"key": ` or `=> `); without it, a bare `{` or `[` there.
const BASIC_PROTOTYPE = /(?:^[ \t]*|: |=> )(?:Object \{|Array \[)/m;
const BARE_PROTOTYPE = /(?:^[ \t]*|": |=> )[{[]$/m;
// A string printed with `escapeString`: an escaped quote or backslash inside a quoted string.
const ESCAPED = /"(?:[^"\\\n]|\\["\\])*\\["\\]/;

/**
 * What stored `values` show of the printing options: true or false where they make it obvious,
 * undefined where they say nothing (no object, no escaped string).
 */
export function shownOptions(values) {
  let printBasicPrototype;
  if (values.some((value) => BASIC_PROTOTYPE.test(value))) printBasicPrototype = true;
  else if (values.some((value) => BARE_PROTOTYPE.test(value))) printBasicPrototype = false;
  return { printBasicPrototype, escapeString: values.some((value) => ESCAPED.test(value)) || undefined };
}

/**
 * `escapeString` and `printBasicPrototype` for stored `values`: the configured ones, else what
 * the values show, else off. Jest 28 and older had both on, so `Object {` implies escaped
 * strings too.
 */
export function printingOptions(values, options = {}) {
  const shown = shownOptions(values);
  return {
    printBasicPrototype: options.printBasicPrototype ?? shown.printBasicPrototype ?? false,
    escapeString: options.escapeString ?? shown.escapeString ?? shown.printBasicPrototype ?? false,
  };
}

/**
 * The snapshot name of a test: its groups and name as written (two tests of the same name share
 * it, and its counter, as in Jest and Vitest), joined as the style joins them.
 */
export function testKeyName(test, style) {
  const names = [...(test.group?.declaredNames ?? test.groups), test.declared ?? test.name];
  return names.join(style.kind === "vitest" ? " > " : " ");
}

/** `name` with a snapshot hint, as the style writes it (`name: hint`, `name > hint`). */
export function withHint(name, hint, style) {
  if (!hint) return name;
  return `${name}${style.kind === "vitest" ? " > " : ": "}${hint}`;
}

/** The test names a stored key can belong to: the key without its number, and each cut at a hint. */
export function keyOwners(key, style) {
  const separator = style.kind === "vitest" ? " > " : ": ";
  const base = key.replace(/ \d+$/, "");
  const names = [base];
  for (let at = base.indexOf(separator); at !== -1; at = base.indexOf(separator, at + separator.length)) {
    names.push(base.slice(0, at));
  }
  return names;
}

// ---- The .snap file: `exports[`key`] = `value`;` ----------------------------------------

/** `exports[`key`] = `value`;` entries of a .snap file, unescaped, by key. */
export function parseSnapshotFile(text) {
  const entries = new Map();
  const pattern = /exports\[`((?:\\[\s\S]|[^`\\])*)`\] = `((?:\\[\s\S]|[^`\\])*)`;/g;
  for (const match of normalizeNewlines(text).matchAll(pattern)) {
    entries.set(unescapeBackticks(match[1]), unescapeBackticks(match[2]));
  }
  return entries;
}

/** How many entries a .snap text declares, read or not (a rewrite must not lose any). */
export function countEntries(text) {
  return (normalizeNewlines(text).match(/^exports\[`/gm) ?? []).length;
}

function unescapeBackticks(text) {
  return text.replace(/\\([\s\S])/g, (_, char) => char);
}

/** `text` as a template literal: backticks, backslashes and `${` escaped. */
export function printBacktickString(text) {
  return "`" + text.replace(/`|\\|\$\{/g, "\\$&") + "`";
}

/** The text of a .snap file with these entries, sorted as Jest and Vitest sort them. */
export function printSnapshotFile(entries, header = JEST_HEADER) {
  const keys = [...entries.keys()].sort(naturalCompare);
  const body = keys.map((key) => `exports[${printBacktickString(key)}] = ${printBacktickString(entries.get(key))};`);
  return `${header}\n\n${body.join("\n\n")}\n`;
}

/**
 * The order Jest and Vitest sort snapshot keys in: a port of the natural-compare package 1.4.0
 * (Lauri Rooden, MIT), character table and all, so files written by either tool keep their order.
 */
export function naturalCompare(a, b) {
  let end = 0;
  // A character's rank; with `number`, the value of the digit run starting at pos - 1.
  const code = (text, pos, number) => {
    if (number) {
      for (end = pos; code(text, end) < 76 && code(text, end) > 65; ) ++end;
      return +text.slice(pos - 1, end);
    }
    const c = text.charCodeAt(pos) || 0;
    if (c < 45 || c > 127) return c;
    if (c < 46) return 65; // -
    if (c < 48) return c - 1;
    if (c < 58) return c + 18; // 0-9
    if (c < 65) return c - 11;
    if (c < 91) return c + 11; // A-Z
    if (c < 97) return c - 37;
    if (c < 123) return c + 5; // a-z
    return c - 63;
  };
  if (a === b) return 0;
  let posA = 0;
  let posB = 0;
  for (let codeB = 1; codeB; ) {
    let codeA = code(a, posA++);
    codeB = code(b, posB++);
    if (codeA < 76 && codeB < 76 && codeA > 66 && codeB > 66) {
      codeA = code(a, posA, true);
      posA = end;
      codeB = code(b, posB, true);
      posB = end;
    }
    if (codeA !== codeB) return codeA < codeB ? -1 : 1;
  }
  return 0;
}

export const normalizeNewlines = (text) => text.replace(/\r\n?/g, "\n");

/** Jest and Vitest keep multi-line snapshots on lines of their own inside the backticks. */
export function addExtraLineBreaks(text) {
  return text.includes("\n") ? `\n${text}\n` : text;
}

export function removeExtraLineBreaks(text) {
  return text.length > 2 && text.startsWith("\n") && text.endsWith("\n") ? text.slice(1, -1) : text;
}

/** Jest's rule for inline snapshots: drop the indentation the source added to every line. */
export function stripAddedIndentation(snapshot) {
  const match = snapshot.match(/^([^\S\n]*)\S/m);
  if (!match || !match[1]) return snapshot;
  const indentation = match[1];
  const lines = snapshot.split("\n");
  if (lines.length <= 2 || lines[0].trim() !== "" || lines[lines.length - 1].trim() !== "") return snapshot;
  for (let i = 1; i < lines.length - 1; i++) {
    if (lines[i] === "") continue;
    if (!lines[i].startsWith(indentation)) return snapshot;
    lines[i] = lines[i].slice(indentation.length);
  }
  lines[lines.length - 1] = "";
  return lines.join("\n");
}
