// The test tree, built while the controller imports the test files: `describe`, `it`/`test`,
// their modifiers, and the four hooks.
//
// Registration follows Jest: a `describe` body runs synchronously when it is declared, so the
// tree is complete when a file's import settles. Names and ids come from `IdAllocator`, the
// mirror of the host's id function, so the ids the host planned are the ids registered here.
// Nothing here runs a test; run.js does that when the host asks.

import { eachName, eachTable } from "./each.js";
import { IdAllocator } from "./ids.js";

/** A `describe` block, or the implicit root block of a file (which holds top-level hooks). */
export class Group {
  constructor({ name, id, file, parent, mode, tags }) {
    this.name = name;
    this.id = id;
    this.file = file;
    this.parent = parent;
    this.mode = mode;
    this.tags = tags;
    this.beforeAll = [];
    this.afterAll = [];
    this.beforeEach = [];
    this.afterEach = [];
    // Shared by every test inside, so registering 10k tests does not copy these arrays.
    this.lineage = parent ? [...parent.lineage, this] : [this];
    this.groupNames = parent ? [...parent.groupNames, name] : [];
  }

  get isFileRoot() {
    return this.parent === null;
  }

  /** Where a failing afterAll hook of this group happened, in words, for the `error` message. */
  get hookOrigin() {
    return this.isFileRoot ? this.file : `"${this.groupNames.join(" > ")}"`;
  }
}

/** Everything the test files registered, plus the file being loaded right now. */
export class Registry {
  constructor() {
    this.reset();
  }

  /** Forgets all tests; a new controller starts from an empty tree. */
  reset() {
    /** Tests in registration order. */
    this.tests = [];
    this.byId = new Map();
    this.file = null;
    this.allocator = null;
    this.current = null;
  }

  /** Starts registering the tests of `file` (relative path, forward slashes). */
  beginFile(file) {
    this.file = file;
    this.allocator = new IdAllocator(file);
    this.current = new Group({ name: file, id: file, file, parent: null, mode: "run", tags: [] });
  }

  /** Stops registering; declarations after this point are errors. */
  endFile() {
    this.file = null;
    this.allocator = null;
    this.current = null;
  }

  /** Drops what a file registered before it threw, so a broken file contributes no tests. */
  discardFile(file) {
    this.tests = this.tests.filter((test) => test.file !== file);
    for (const [id, test] of this.byId) if (test.file === file) this.byId.delete(id);
  }

  requireFile(what) {
    if (this.current === null) {
      throw new Error(
        `${what} was called outside the loading of a test file. proctor registers tests only while ` +
          `it imports the test files, so declare tests and hooks at the top level of a test file ` +
          `or inside describe(), never inside a test, a hook or a callback that runs later.`,
      );
    }
  }

  addGroup(mode, name, options, body) {
    this.requireFile(`describe(${JSON.stringify(name)})`);
    const parent = this.current;
    const { name: unique, id } = this.allocator.enterGroup(name);
    const group = new Group({
      name: unique,
      id,
      file: this.file,
      parent,
      mode: inheritMode(parent.mode, mode),
      tags: mergeTags(parent.tags, options.tags),
    });
    this.current = group;
    try {
      const returned = body.call(undefined);
      if (returned !== null && typeof returned === "object" && typeof returned.then === "function") {
        throw new Error(
          `describe(${JSON.stringify(name)}) returned a promise. Tests must be declared ` +
            `synchronously; move the asynchronous work into beforeAll().`,
        );
      }
    } finally {
      this.current = parent;
      this.allocator.leaveGroup();
    }
  }

  addTest(mode, name, options, fn) {
    this.requireFile(`test(${JSON.stringify(name)})`);
    const group = this.current;
    const { name: unique, id } = this.allocator.test(name);
    const test = {
      id,
      file: this.file,
      groups: group.groupNames,
      name: unique,
      mode: mode === "todo" ? "todo" : inheritMode(group.mode, mode),
      tags: mergeTags(group.tags, options.tags),
      timeout: options.timeout,
      fn,
      group,
    };
    this.tests.push(test);
    this.byId.set(id, test);
  }

  addHook(kind, fn) {
    this.requireFile(`${kind}()`);
    if (typeof fn !== "function") {
      throw new TypeError(`${kind}() expects a function; received ${typeof fn}`);
    }
    this.current[kind].push(fn);
  }
}

// Skip wins over only, and a group's modifier reaches everything inside it.
function inheritMode(parentMode, ownMode) {
  if (parentMode === "skip" || ownMode === "skip") return "skip";
  if (parentMode === "only" || ownMode === "only") return "only";
  return "run";
}

function mergeTags(inherited, own) {
  if (own === undefined || own.length === 0) return inherited;
  const merged = [...inherited];
  for (const tag of own) if (!merged.includes(tag)) merged.push(tag);
  return merged;
}

/** The registry the public API writes to; one per runtime. */
export const registry = new Registry();

function testName(name) {
  if (typeof name === "function") return name.name;
  if (name === undefined) throw new TypeError("a test or describe needs a name as its first argument");
  return String(name);
}

function readOptions(options, where) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") throw new TypeError(`${where}: the options must be an object`);
  const { tags, timeout } = options;
  if (tags !== undefined && (!Array.isArray(tags) || tags.some((tag) => typeof tag !== "string"))) {
    throw new TypeError(`${where}: options.tags must be an array of strings`);
  }
  return { tags, timeout: readTimeout(timeout, where) };
}

// The protocol carries whole milliseconds, so fractions round up rather than break the host.
function readTimeout(timeout, where) {
  if (timeout === undefined) return undefined;
  if (typeof timeout !== "number" || !(timeout >= 0) || timeout === Infinity) {
    throw new TypeError(`${where}: the timeout must be a non-negative number of milliseconds`);
  }
  return Math.ceil(timeout);
}

// Accepts Jest's `(name, fn, timeout)`, proctor's `(name, options, fn, timeout)` and Vitest's
// `(name, fn, options)`.
function testArguments(kind, rawName, rest) {
  const name = testName(rawName);
  const where = `${kind}(${JSON.stringify(name)})`;
  let [first, second, third] = rest;
  let options = {};
  let fn;
  if (typeof first === "function") {
    fn = first;
    if (typeof second === "number") options = { timeout: readTimeout(second, where) };
    else if (second !== undefined) options = readOptions(second, where);
  } else {
    options = readOptions(first, where);
    fn = second;
    if (typeof third === "number") options.timeout = readTimeout(third, where);
  }
  return { name, options, fn, where };
}

// A skipped test may omit its function because it never runs; every other test needs one.
function requireTestFunction(kind, mode, args) {
  if (typeof args.fn !== "function" && (args.fn !== undefined || mode !== "skip")) {
    throw new TypeError(
      `${args.where}: the test function is missing. Pass it after the name (and options), ` +
        `or use ${kind}.todo(name) for a placeholder.`,
    );
  }
}

function makeTest(kind, mode) {
  const declare = (name, ...rest) => {
    const args = testArguments(kind, name, rest);
    requireTestFunction(kind, mode, args);
    registry.addTest(mode, args.name, args.options, args.fn);
  };
  declare.each = (...table) => (template, ...rest) => {
    const { rows, byKey } = eachTable(table);
    rows.forEach((row, index) => {
      const name = eachName(testName(template), row, index, byKey);
      const args = testArguments(kind, name, rest);
      requireTestFunction(kind, mode, args);
      registry.addTest(mode, args.name, args.options, args.fn && bindRow(args.fn, row));
    });
  };
  return declare;
}

// Keeps the done-callback convention: a function declaring more parameters than the row has
// gets `done` as its last argument.
function bindRow(fn, row) {
  if (fn.length > row.length) {
    return function eachTestWithDone(done) {
      return fn.call(this, ...row, done);
    };
  }
  return function eachTest() {
    return fn.apply(this, row);
  };
}

function makeDescribe(mode) {
  const declare = (name, ...rest) => {
    const args = testArguments("describe", name, rest);
    if (typeof args.fn !== "function") {
      throw new TypeError(`${args.where}: the describe body (a function) is missing`);
    }
    registry.addGroup(mode, args.name, args.options, args.fn);
  };
  declare.each = (...table) => (template, ...rest) => {
    const { rows, byKey } = eachTable(table);
    rows.forEach((row, index) => {
      const name = eachName(testName(template), row, index, byKey);
      const args = testArguments("describe", name, rest);
      if (typeof args.fn !== "function") {
        throw new TypeError(`${args.where}: the describe body (a function) is missing`);
      }
      registry.addGroup(mode, args.name, args.options, () => args.fn(...row));
    });
  };
  return declare;
}

function makeTestApi(kind) {
  const api = makeTest(kind, "run");
  api.skip = makeTest(kind, "skip");
  api.only = makeTest(kind, "only");
  api.todo = (name, ...rest) => {
    if (rest.some((arg) => typeof arg === "function")) {
      throw new TypeError(`${kind}.todo(${JSON.stringify(testName(name))}) takes only a name; drop the function or use ${kind}()`);
    }
    registry.addTest("todo", testName(name), {}, undefined);
  };
  return api;
}

/** Declares a test. */
export const it = makeTestApi("it");
/** Declares a test (the same as `it`). */
export const test = makeTestApi("test");

/** Declares a group of tests; its body runs now, synchronously. */
export const describe = makeDescribe("run");
describe.skip = makeDescribe("skip");
describe.only = makeDescribe("only");

/** Runs `fn` once before the first test of the enclosing group (or file). */
export const beforeAll = (fn, _timeout) => registry.addHook("beforeAll", fn);
/** Runs `fn` once after the last test of the enclosing group (or file). */
export const afterAll = (fn, _timeout) => registry.addHook("afterAll", fn);
/** Runs `fn` before each test in the enclosing group (or file). */
export const beforeEach = (fn, _timeout) => registry.addHook("beforeEach", fn);
/** Runs `fn` after each test in the enclosing group (or file). */
export const afterEach = (fn, _timeout) => registry.addHook("afterEach", fn);
