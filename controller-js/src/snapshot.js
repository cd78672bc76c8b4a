// Snapshot testing: `toMatchSnapshot`, `toMatchInlineSnapshot`, `toThrowErrorMatchingSnapshot`
// and `toThrowErrorMatchingInlineSnapshot`, with Jest's and Vitest's snapshot files.
//
// The host reads each selected test file's `__snapshots__/<name>.snap` and sends the texts with
// `load`, with the update mode: "new" writes snapshots that are missing (the default), "all"
// (`-u`) also rewrites those that differ and drops obsolete ones, "none" (CI) writes nothing and
// fails a test whose snapshot is missing, as Jest does. The controller does the matching, since
// a matcher must pass or fail on the spot, and once a file's tests are done (run.js) it sends a
// `snapshot-file` message with the counts and, when something changed, the file's new text,
// which the host writes, and the inline snapshots to write into test files (with the stack of
// each call, which the host maps to the call in the source). Each file keeps its own format
// (snapshot-format.js), so Jest, Vitest and proctor can share the files.

import { equals } from "./equals.js";
import { format } from "./format.js";
import { matcherHint, MatcherUsageError } from "./matchers.js";
import { registry } from "./registry.js";
import {
  addExtraLineBreaks,
  countEntries,
  fileStyle,
  inlineStyle,
  keyOwners,
  normalizeNewlines,
  parseSnapshotFile,
  printBacktickString,
  printSnapshotFile,
  removeExtraLineBreaks,
  stripAddedIndentation,
  testKeyName,
  withHint,
} from "./snapshot-format.js";

export { naturalCompare, parseSnapshotFile, printSnapshotFile } from "./snapshot-format.js";

const DEFAULT_STYLE = fileStyle(undefined);

/** @type {"new" | "all" | "none" | null} null until the host sent the run's snapshot setup. */
let update = null;
/** Stored texts from the host, parsed on first use: file → text. */
let storedTexts = new Map();
/** Test files that import `vitest`: their new files and inline snapshots are Vitest's. */
let vitestFiles = new Set();
/** The suite's `snapshot-format`: `{ escapeString?, printBasicPrototype? }`, unset ones absent. */
let formatOptions = {};
/** Per test file: what it has stored and what this run did with it. */
let byFile = new Map();
/** The running test: the test, its full snapshot name (made on first use), its async call site. */
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
  const loading = registry.loadingFileRootOnStack();
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
  vitestFiles = new Set(setup?.vitest ?? []);
  formatOptions = setup?.format ?? {};
  byFile = new Map();
  current = null;
}

/**
 * Names the test whose snapshots the matchers are about to check. Called for every test, so it
 * does no more than note it: most tests check no snapshot.
 */
export function beginSnapshotTest(test) {
  current = { test, fullName: null, callSite: null };
  // Which tests ran matters only where stored snapshots can turn obsolete.
  if (storedTexts.has(test.file)) fileState(test.file).ran.add(test.id);
}

// The running test, with its full name in its file's key scheme, made on its first snapshot.
function running(style) {
  current.fullName ??= testKeyName(current.test, style);
  return current;
}

/**
 * The stack of the matcher call an async matcher is about to judge (`.resolves`/`.rejects`
 * lose the caller's frames after their await), for an inline snapshot to locate its call.
 */
export function noteCallSite(error) {
  if (current !== null) current.callSite = error;
}

/**
 * What `test`'s file's snapshot state is before a try that may be retried, for
 * `rollBackSnapshots`; null when the file has no snapshot state yet.
 */
export function snapshotCheckpoint(test) {
  const state = byFile.get(test.file);
  if (state === undefined) return { file: test.file, state: null };
  return {
    file: test.file,
    state,
    counts: { ...state.counts },
    counters: new Map(state.counters),
    changed: new Map(state.changed),
    inline: state.inline.length,
  };
}

/** Undoes what a failed try did to its file's snapshots: nothing written, nothing counted. */
export function rollBackSnapshots(checkpoint) {
  if (checkpoint === null) return;
  const { file, state } = checkpoint;
  if (state === null) {
    byFile.delete(file);
    return;
  }
  state.counts = checkpoint.counts;
  state.counters = checkpoint.counters;
  state.changed = checkpoint.changed;
  state.inline.length = checkpoint.inline;
}

/**
 * The running test is done. A failed test may not have reached all its snapshots, so they count
 * as checked (not obsolete), as in Jest.
 */
export function endSnapshotTest(test, passed) {
  if (!passed && update !== null && storedTexts.has(test.file)) {
    const state = fileState(test.file);
    markChecked(state, new Set([testKeyName(test, state.style)]));
  }
  current = null;
}

// Marks the stored snapshots of the tests named in `fullNames` as checked: `name N` and
// `name: hint N`. Each key's candidate test names are worked out once per file.
function markChecked(state, fullNames) {
  state.owners ??= [...state.stored.keys()].map((key) => ({ key, names: keyOwners(key, state.style) }));
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
      style: fileStyle(text, { vitest: vitestFiles.has(file), options: formatOptions }),
      hadFile: text !== undefined,
      // Entries this parser missed would be lost by a rewrite: such a file is never written.
      unreadable: text !== undefined && stored.size !== countEntries(text),
      // Inline snapshots to write into the source: `{ stack, snapshot }`.
      inline: [],
      checked: new Set(),
      // Snapshots taken per name: `name N` counts on across tests of the same name.
      counters: new Map(),
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
  markChecked(state, new Set(tests.filter((test) => !state.ran.has(test.id)).map((test) => testKeyName(test, state.style))));
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
    report.content = entries.size === 0 ? (state.hadFile ? "" : undefined) : printSnapshotFile(entries, state.style.header);
    if (report.content === undefined) delete report.content;
  }
  if (state.inline.length > 0) report.inline = state.inline;
  byFile.delete(file);
  return report;
}

/** What a value looks like in a snapshot (line ends normalized, as Jest does). */
export function serialize(value, style = DEFAULT_STYLE) {
  const root = current?.test.group?.lineage[0];
  const plugins = [];
  for (const { plugin, owner } of serializers) if (owner === null || owner === root) plugins.push(plugin);
  const { escapeString, printBasicPrototype } = style;
  return normalizeNewlines(format(value, { snapshot: true, escapeString, printBasicPrototype, plugins }));
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

// The next snapshot key of the running test (`name N`, or `name: hint N` / `name > hint N`),
// marked checked.
function nextKey(snapshotHint) {
  const state = fileState(current.test.file);
  const test = running(state.style);
  const label = withHint(test.fullName, snapshotHint, state.style);
  // Per file, so a second test of the same name goes on counting, as in Jest.
  const count = (state.counters.get(label) ?? 0) + 1;
  state.counters.set(label, count);
  const key = `${label} ${count}`;
  state.checked.add(key);
  return { key, state };
}

// Both values when they fit on a line each; longer ones get the host's line diff.
function oneLineValues(stored, received) {
  if (stored.includes("\n") || received.includes("\n")) return "";
  return `\n\nSnapshot: ${stored}\nReceived: ${received}`;
}

const CI_MESSAGE =
  "New snapshot was not written. The update flag must be explicitly passed to write a new snapshot.\n\n" +
  "This is likely because this test is run in a continuous integration (CI) environment in which snapshots " +
  "are not written by default.";

// The common path of toMatchSnapshot and toThrowErrorMatchingSnapshot: the key, the stored
// value, and what to do when they differ or the snapshot is missing. `value` is a function of
// the file's style (what a thrown error is stored as depends on it).
function matchStored(name, context, args, value, snapshotHint) {
  const { key, state } = nextKey(snapshotHint);
  if (state.unreadable) {
    throw usage(
      `${hint(name, context, args)}\n\nThe snapshot file of ${current.test.file} has entries proctor cannot read, ` +
        "so it is left as it is. Fix or delete it (its snapshots are written again on the next run).",
    );
  }
  const received = addExtraLineBreaks(serialize(value(state.style), state.style));
  const stored = state.stored.get(key);
  const title = `${hint(name, context, args)}\n\nSnapshot name: \`${key}\``;

  if (stored === undefined) {
    if (update === "none") {
      state.counts.failed++;
      return {
        pass: false,
        message: () => `${title}\n\n${CI_MESSAGE}\n\nReceived: ${removeExtraLineBreaks(received)}`,
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
  const expectedText = removeExtraLineBreaks(stored);
  const actualText = removeExtraLineBreaks(received);
  return {
    pass: false,
    expectedText,
    actualText,
    message: () =>
      `${title}\n\nThe received value does not match the stored snapshot. Run with -u to update it.` +
      oneLineValues(expectedText, actualText),
  };
}

// The stack of the running matcher call, for the host to find the call in the source.
function callStack() {
  if (current.callSite?.stack) return current.callSite.stack;
  const saved = Error.stackTraceLimit;
  try {
    if (typeof saved === "number") Error.stackTraceLimit = 50;
    return new Error().stack ?? "";
  } finally {
    if (typeof saved === "number") Error.stackTraceLimit = saved;
  }
}

// Asks the host to write `serialized` as the snapshot argument of the running matcher call.
function writeInline(state, serialized) {
  const stack = callStack();
  state.inline.push({ stack: stack.slice(stack.indexOf("\n") + 1), snapshot: serialized });
}

// `value` is a function of the style, as for matchStored.
function matchInline(name, context, args, value, inline) {
  if (inline !== undefined && typeof inline !== "string") {
    throw usage(`${hint(name, context, args)}\n\nInline snapshot must be a string`);
  }
  const inRun = update !== null && current !== null;
  const file = inRun ? current.test.file : undefined;
  // Where the inline snapshot shows nothing, the test file's .snap file tells (a Jest 28 suite).
  const fallback = storedTexts.has(file) ? fileState(file).style : undefined;
  const style = inlineStyle(inline, { vitest: vitestFiles.has(file), options: formatOptions, fallback });
  const serialized = serialize(value(style), style);
  const received = addExtraLineBreaks(serialized);
  const state = inRun ? fileState(current.test.file) : null;
  const title = hint(name, context, args);
  if (inline === undefined) {
    if (!inRun || update === "none") {
      if (state !== null) state.counts.failed++;
      return {
        pass: false,
        message: () =>
          `${title}\n\n${inRun ? CI_MESSAGE : "The snapshot argument is missing, and only a proctor run writes it."}` +
          `\n\nReceived: ${serialized}\n\nRun with -u, or outside CI, to write it:\n${name}(${printBacktickString(received)})`,
      };
    }
    writeInline(state, serialized);
    state.counts.written++;
    return { pass: true, message: () => title };
  }
  const expected = stripAddedIndentation(inline);
  if (expected === received) {
    if (state !== null) state.counts.matched++;
    return { pass: true, message: () => title };
  }
  if (inRun && update === "all") {
    writeInline(state, serialized);
    state.counts.updated++;
    return { pass: true, message: () => title };
  }
  if (state !== null) state.counts.failed++;
  const expectedText = removeExtraLineBreaks(expected);
  const actualText = removeExtraLineBreaks(received);
  return {
    pass: false,
    expectedText,
    actualText,
    message: () =>
      `${title}\n\nThe received value does not match the inline snapshot. Run with -u to update it.` +
      oneLineValues(expectedText, actualText),
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

// What was thrown (or rejected), or null when nothing was. Jest snapshots its `message` (so a
// thrown string gives `undefined`); Vitest the thrown value itself.
function thrownValue(name, context, received) {
  if (context.promise === "rejects") return { thrown: received };
  if (typeof received !== "function") {
    throw usage(`${hint(name, context)}\n\nReceived value must be a function.`);
  }
  try {
    received();
  } catch (error) {
    return { thrown: error };
  }
  return null;
}

const storedAs = (thrown) => (style) => (style.kind === "vitest" ? thrown : thrown?.message);

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
    const value = withPropertyMatchers(received, properties);
    return matchStored("toMatchSnapshot", this, args, () => value, rest);
  },

  toMatchInlineSnapshot(received, first, second) {
    rejectNot("toMatchInlineSnapshot", this);
    const { properties, rest } = splitArguments(first, second);
    const args = properties ? "properties, snapshot" : "snapshot";
    const failed = checkProperties("toMatchInlineSnapshot", this, args, received, properties);
    if (failed) return failed;
    const value = withPropertyMatchers(received, properties);
    return matchInline("toMatchInlineSnapshot", this, args, () => value, rest);
  },

  toThrowErrorMatchingSnapshot(received, snapshotHint) {
    requireSetup("toThrowErrorMatchingSnapshot", this);
    const caught = thrownValue("toThrowErrorMatchingSnapshot", this, received);
    if (caught === null) return didNotThrow("toThrowErrorMatchingSnapshot", this);
    return matchStored("toThrowErrorMatchingSnapshot", this, snapshotHint ? "hint" : "", storedAs(caught.thrown), snapshotHint);
  },

  toThrowErrorMatchingInlineSnapshot(received, inline) {
    rejectNot("toThrowErrorMatchingInlineSnapshot", this);
    const caught = thrownValue("toThrowErrorMatchingInlineSnapshot", this, received);
    if (caught === null) return didNotThrow("toThrowErrorMatchingInlineSnapshot", this);
    return matchInline("toThrowErrorMatchingInlineSnapshot", this, "snapshot", storedAs(caught.thrown), inline);
  },
};
