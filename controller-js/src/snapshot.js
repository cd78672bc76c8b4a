// Snapshot testing: `toMatchSnapshot`, `toMatchInlineSnapshot`, `toThrowErrorMatchingSnapshot`
// and `toThrowErrorMatchingInlineSnapshot`, compatible with Jest 29's snapshot files.
//
// The host reads each selected test file's `__snapshots__/<name>.snap` and sends the texts with
// `load`, with the update mode: "new" writes snapshots that are missing (the default), "all"
// (`-u`) also rewrites those that differ and drops obsolete ones, "none" (CI) writes nothing and
// fails a test whose snapshot is missing, as Jest does. The controller does the matching, since
// a matcher must pass or fail on the spot, and once a file's tests are done (run.js) it sends a
// `snapshot-file` message with the counts and, when something changed, the file's new text,
// which the host writes. Files are written in Jest's format, so Jest and proctor can share them.

import { equals } from "./equals.js";
import { format } from "./format.js";
import { matcherHint, MatcherUsageError } from "./matchers.js";
import { jestTestName, registry } from "./registry.js";

const HEADER = "// Jest Snapshot v1, https://goo.gl/fbAQLP";

/** @type {"new" | "all" | "none" | null} null until the host sent the run's snapshot setup. */
let update = null;
/** Stored texts from the host, parsed on first use: file → text. */
let storedTexts = new Map();
/** Per test file: what it has stored and what this run did with it. */
let byFile = new Map();
/** The running test: its file, full name and counters per snapshot name. */
let current = null;

// Serializers from expect.addSnapshotSerializer, newest first (they win, as in Jest), each with
// the test file (root group) it applies to, as Jest applies them per file: the file whose import
// or test added it (null: added outside any file, for all).
let serializers = [];

/**
 * Adds a pretty-format plugin for this file's snapshots: `{ test(value), serialize(value,
 * config, indentation, depth, refs, printer) }`, or the older `{ test(value), print(value,
 * serialize, indent) }`.
 */
export function addSnapshotSerializer(plugin) {
  if (plugin === null || typeof plugin !== "object" || typeof plugin.test !== "function") {
    throw new TypeError("expect.addSnapshotSerializer expects an object with test() and serialize() (or print())");
  }
  if (typeof plugin.serialize !== "function" && typeof plugin.print !== "function") {
    throw new TypeError("expect.addSnapshotSerializer: the serializer needs a serialize() or print() method");
  }
  const loading = registry.loadingFileRoot();
  const owner = loading ?? current?.test.group?.lineage[0] ?? null;
  serializers.unshift({ plugin, owner, atLoad: loading !== null });
}

/** Starts a run's snapshot bookkeeping from the `load` command's `snapshots` field. */
export function setupSnapshots(setup) {
  // Modules are cached, so serializers added while importing stay; those added by tests or
  // hooks of an earlier run (serve, watch) would otherwise pile up.
  serializers = serializers.filter((entry) => entry.atLoad);
  update = setup?.update ?? null;
  storedTexts = new Map(Object.entries(setup?.files ?? {}));
  byFile = new Map();
  current = null;
}

/**
 * Names the test whose snapshots the matchers are about to check. Called for every test, so it
 * does no more than note it: most tests check no snapshot.
 */
export function beginSnapshotTest(test) {
  current = { test, fullName: null, counters: null };
  // Which tests ran matters only where stored snapshots can turn obsolete.
  if (storedTexts.has(test.file)) fileState(test.file).ran.add(test.id);
}

// The running test's full name and snapshot counters, made on its first snapshot.
function running() {
  if (current.fullName === null) {
    current.fullName = jestTestName(current.test);
    current.counters = new Map();
  }
  return current;
}

/**
 * The running test is done. A failed test may not have reached all its snapshots, so they count
 * as checked (not obsolete), as in Jest.
 */
export function endSnapshotTest(test, passed) {
  if (!passed && update !== null && storedTexts.has(test.file)) markChecked(fileState(test.file), new Set([jestTestName(test)]));
  current = null;
}

// Marks the stored snapshots of the tests named in `fullNames` as checked: `name N` and
// `name: hint N`. Each key's candidate test names are worked out once per file.
function markChecked(state, fullNames) {
  state.owners ??= [...state.stored.keys()].map((key) => {
    const base = key.replace(/ \d+$/, "");
    const names = [base];
    for (let at = base.indexOf(": "); at !== -1; at = base.indexOf(": ", at + 2)) names.push(base.slice(0, at));
    return { key, names };
  });
  for (const { key, names } of state.owners) {
    if (names.some((name) => fullNames.has(name))) state.checked.add(key);
  }
}

function fileState(file) {
  let state = byFile.get(file);
  if (state === undefined) {
    const text = storedTexts.get(file);
    const stored = text === undefined ? new Map() : parseSnapshotFile(text);
    state = {
      stored,
      hadFile: text !== undefined,
      // Entries this parser missed would be lost by a rewrite: such a file is never written.
      unreadable: text !== undefined && stored.size !== (normalizeNewlines(text).match(/^exports\[`/gm) ?? []).length,
      checked: new Set(),
      owners: null,
      ran: new Set(),
      changed: new Map(),
      counts: { matched: 0, written: 0, updated: 0, failed: 0 },
    };
    byFile.set(file, state);
  }
  return state;
}

/**
 * What happened to `file`'s snapshots, once its tests are done, as a `snapshot-file` message
 * body (without type and run), or null when the file has no snapshots at all. `tests` are all
 * the file registered: the snapshots of those that did not run (skipped, not selected) are not
 * obsolete, only those no test that ran checked.
 */
export function finishSnapshotFile(file, tests) {
  if (update === null) return null;
  const state = byFile.get(file) ?? (storedTexts.has(file) ? fileState(file) : undefined);
  if (state === undefined) return null;
  markChecked(state, new Set(tests.filter((test) => !state.ran.has(test.id)).map(jestTestName)));
  const obsoleteKeys = [...state.stored.keys()].filter((key) => !state.checked.has(key));
  const removeObsolete = update === "all" && obsoleteKeys.length > 0;
  const report = { file, ...state.counts, obsolete: removeObsolete ? 0 : obsoleteKeys.length, removed: 0 };
  if ((state.changed.size > 0 || removeObsolete) && !state.unreadable) {
    const entries = new Map(state.stored);
    for (const [key, value] of state.changed) entries.set(key, value);
    if (removeObsolete) {
      for (const key of obsoleteKeys) entries.delete(key);
      report.removed = obsoleteKeys.length;
    }
    // An empty text asks the host to delete the file.
    report.content = entries.size === 0 ? (state.hadFile ? "" : undefined) : printSnapshotFile(entries);
    if (report.content === undefined) delete report.content;
  }
  byFile.delete(file);
  return report;
}

// ---- Jest's snapshot file format ----------------------------------------------------------

/** `exports[`key`] = `value`;` entries of a .snap file, unescaped, by key. */
export function parseSnapshotFile(text) {
  const entries = new Map();
  const pattern = /exports\[`((?:\\[\s\S]|[^`\\])*)`\] = `((?:\\[\s\S]|[^`\\])*)`;/g;
  for (const match of normalizeNewlines(text).matchAll(pattern)) {
    entries.set(unescapeBackticks(match[1]), unescapeBackticks(match[2]));
  }
  return entries;
}

function unescapeBackticks(text) {
  return text.replace(/\\([\s\S])/g, (_, char) => char);
}

function printBacktickString(text) {
  return "`" + text.replace(/`|\\|\$\{/g, "\\$&") + "`";
}

/** The text of a .snap file with these entries, sorted as Jest sorts them. */
export function printSnapshotFile(entries) {
  const keys = [...entries.keys()].sort(naturalCompare);
  const body = keys.map((key) => `exports[${printBacktickString(key)}] = ${printBacktickString(entries.get(key))};`);
  return `${HEADER}\n\n${body.join("\n\n")}\n`;
}

/**
 * The order Jest sorts snapshot keys in: a port of the natural-compare package 1.4.0 (Lauri
 * Rooden, MIT), character table and all, so files written by either tool keep their order.
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

/** What a value looks like in a snapshot (line ends normalized, as Jest does). */
export function serialize(value) {
  const root = current?.test.group?.lineage[0];
  const plugins = [];
  for (const { plugin, owner } of serializers) if (owner === null || owner === root) plugins.push(plugin);
  return normalizeNewlines(format(value, { snapshot: true, plugins }));
}

const normalizeNewlines = (text) => text.replace(/\r\n?/g, "\n");

// Jest keeps multi-line snapshots on lines of their own inside the backticks.
function addExtraLineBreaks(text) {
  return text.includes("\n") ? `\n${text}\n` : text;
}

function removeExtraLineBreaks(text) {
  return text.length > 2 && text.startsWith("\n") && text.endsWith("\n") ? text.slice(1, -1) : text;
}

// Jest's rule for inline snapshots: drop the indentation the source added to every line.
function stripAddedIndentation(snapshot) {
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

// ---- Matchers -------------------------------------------------------------------------------

const hint = (name, context, args = "") => matcherHint(name, context, { expected: args });
const usage = (message) => new MatcherUsageError(message);

// Merges property matchers into a copy of the received value, so the snapshot shows the
// matcher (`Any<Number>`) where the value changes from run to run.
function withPropertyMatchers(received, properties) {
  if (properties === undefined) return received;
  if (properties === null || typeof properties !== "object" || received === null || typeof received !== "object") {
    return properties;
  }
  if (typeof properties.asymmetricMatch === "function") return properties;
  const copy = Array.isArray(received) ? [...received] : { ...received };
  for (const key of Object.keys(properties)) copy[key] = withPropertyMatchers(received[key], properties[key]);
  return copy;
}

function rejectNot(name, context) {
  if (context.isNot) throw usage(`${hint(name, context)}\n\nSnapshot matchers cannot be used with .not`);
}

function requireSetup(name, context) {
  rejectNot(name, context);
  if (update === null || current === null) {
    throw usage(`${hint(name, context)}\n\nSnapshots can only be checked inside a test of a proctor run.`);
  }
}

// The next snapshot key of the running test (`name N`, or `name: hint N`), marked checked.
function nextKey(snapshotHint) {
  const test = running();
  const state = fileState(test.test.file);
  const label = snapshotHint ? `${test.fullName}: ${snapshotHint}` : test.fullName;
  const count = (test.counters.get(label) ?? 0) + 1;
  test.counters.set(label, count);
  const key = `${label} ${count}`;
  state.checked.add(key);
  return { key, state };
}

// The common path of toMatchSnapshot and toThrowErrorMatchingSnapshot: the key, the stored
// value, and what to do when they differ or the snapshot is missing.
function matchStored(name, context, args, value, snapshotHint) {
  const { key, state } = nextKey(snapshotHint);
  if (state.unreadable) {
    throw usage(
      `${hint(name, context, args)}\n\nThe snapshot file of ${current.test.file} has entries proctor cannot read, ` +
        "so it is left as it is. Fix or delete it (its snapshots are written again on the next run).",
    );
  }
  const received = addExtraLineBreaks(serialize(value));
  const stored = state.stored.get(key);
  const title = `${hint(name, context, args)}\n\nSnapshot name: \`${key}\``;

  if (stored === undefined) {
    if (update === "none") {
      state.counts.failed++;
      return {
        pass: false,
        message: () =>
          `${title}\n\nNew snapshot was not written. The update flag must be explicitly passed to write a new snapshot.\n\n` +
          "This is likely because this test is run in a continuous integration (CI) environment in which snapshots " +
          `are not written by default.\n\nReceived: ${removeExtraLineBreaks(received)}`,
      };
    }
    state.changed.set(key, received);
    state.counts.written++;
    return { pass: true, message: () => title };
  }
  if (stored === received) {
    state.counts.matched++;
    return { pass: true, message: () => title };
  }
  if (update === "all") {
    state.changed.set(key, received);
    state.counts.updated++;
    return { pass: true, message: () => title };
  }
  state.counts.failed++;
  return {
    pass: false,
    expectedText: removeExtraLineBreaks(stored),
    actualText: removeExtraLineBreaks(received),
    message: () => `${title}\n\nThe received value does not match the stored snapshot. Run with -u to update it.`,
  };
}

function matchInline(name, context, args, value, inline) {
  const received = addExtraLineBreaks(serialize(value));
  if (inline === undefined) {
    return {
      pass: false,
      message: () =>
        `${hint(name, context, args)}\n\nproctor does not write inline snapshots into test files. ` +
        `Paste the snapshot as the argument, or use ${name.replace("Inline", "")}() to keep it in a .snap file:\n\n` +
        `${name}(${printBacktickString(received)})`,
    };
  }
  if (typeof inline !== "string") throw usage(`${hint(name, context, args)}\n\nInline snapshot must be a string`);
  const expected = stripAddedIndentation(inline);
  if (expected === received) return { pass: true, message: () => "" };
  return {
    pass: false,
    expectedText: removeExtraLineBreaks(expected),
    actualText: removeExtraLineBreaks(received),
    message: () =>
      `${hint(name, context, args)}\n\nThe received value does not match the inline snapshot. ` +
      "proctor does not rewrite test files: update the inline snapshot by hand.",
  };
}

// toMatchSnapshot(hint) or toMatchSnapshot(propertyMatchers, hint); the inline forms take the
// snapshot string last.
function splitArguments(first, second) {
  if (typeof first === "object" && first !== null) return { properties: first, rest: second };
  return { properties: undefined, rest: first };
}

function checkProperties(name, context, args, received, properties) {
  if (properties === undefined) return null;
  if (received === null || typeof received !== "object") {
    throw usage(`${hint(name, context, args)}\n\nProperty matchers need an object to match; received ${format(received, { min: true })}`);
  }
  if (equals(received, properties, "subset")) return null;
  return {
    pass: false,
    expected: properties,
    actual: received,
    message: () => `${hint(name, context, args)}\n\nThe received value does not match the property matchers.`,
  };
}

// Jest snapshots the thrown value's `message`, so a thrown string gives `undefined`.
function thrownMessage(name, context, received) {
  if (context.promise === "rejects") return { message: received?.message };
  if (typeof received !== "function") {
    throw usage(`${hint(name, context)}\n\nReceived value must be a function.`);
  }
  try {
    received();
  } catch (error) {
    return { message: error?.message };
  }
  return null;
}

function didNotThrow(name, context) {
  return { pass: false, message: () => `${hint(name, context)}\n\nReceived function did not throw` };
}

/** The snapshot matchers, written against the `expect.extend` contract. */
export const snapshotMatchers = {
  toMatchSnapshot(received, first, second) {
    requireSetup("toMatchSnapshot", this);
    const { properties, rest } = splitArguments(first, second);
    const args = properties ? "properties" : rest !== undefined ? "hint" : "";
    const failed = checkProperties("toMatchSnapshot", this, args, received, properties);
    if (failed) {
      // Counted like a differing snapshot, and its key is used up, as in Jest.
      nextKey(rest).state.counts.failed++;
      return failed;
    }
    return matchStored("toMatchSnapshot", this, args, withPropertyMatchers(received, properties), rest);
  },

  toMatchInlineSnapshot(received, first, second) {
    rejectNot("toMatchInlineSnapshot", this);
    const { properties, rest } = splitArguments(first, second);
    const args = properties ? "properties, snapshot" : "snapshot";
    const failed = checkProperties("toMatchInlineSnapshot", this, args, received, properties);
    if (failed) return failed;
    return matchInline("toMatchInlineSnapshot", this, args, withPropertyMatchers(received, properties), rest);
  },

  toThrowErrorMatchingSnapshot(received, snapshotHint) {
    requireSetup("toThrowErrorMatchingSnapshot", this);
    const thrown = thrownMessage("toThrowErrorMatchingSnapshot", this, received);
    if (thrown === null) return didNotThrow("toThrowErrorMatchingSnapshot", this);
    return matchStored("toThrowErrorMatchingSnapshot", this, snapshotHint ? "hint" : "", thrown.message, snapshotHint);
  },

  toThrowErrorMatchingInlineSnapshot(received, inline) {
    rejectNot("toThrowErrorMatchingInlineSnapshot", this);
    const thrown = thrownMessage("toThrowErrorMatchingInlineSnapshot", this, received);
    if (thrown === null) return didNotThrow("toThrowErrorMatchingInlineSnapshot", this);
    return matchInline("toThrowErrorMatchingInlineSnapshot", this, "snapshot", thrown.message, inline);
  },
};
