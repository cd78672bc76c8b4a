// The test tree, built while the controller imports the test files: `describe`, `it`/`test`,
// their modifiers, and the four hooks.
//
// Registration follows Jest and mocha: a `describe` body runs synchronously when it is
// declared (with mocha's Suite object as its `this`), so the tree is complete when a file's import settles. A file that imports `vitest` (the host names
// them in `load`) is collected as Vitest collects it instead: a describe body runs once the
// file's top level (or its parent's body) has finished, so it may use a `const` declared below
// it, and the tests keep their source order. Names and ids come from `IdAllocator`, the mirror
// of the host's id function, so the ids the host planned are the ids registered here. Nothing
// here runs a test; run.js does that when the host asks.

import { eachName, eachTable } from "./each.js";
import { extendFixtures, takesContext } from "./fixtures.js";
import { IdAllocator } from "./ids.js";
import { receiverFor, suiteFace } from "./mocha-context.js";
import { configOf } from "./vi-config.js";

/**
 * Hooks that take Jest's `done` callback rather than Vitest's context: a parameter that is not
 * destructured, in a file that does not import `vitest`. run.js asks only for hooks that
 * declare a parameter, and only before a test that has a context.
 */
export const doneStyleHooks = new WeakSet();

/** A `describe` block, or the implicit root block of a file (which holds top-level hooks). */
export class Group {
  constructor({ name, declared = name, id, scope, parent, mode, tags }) {
    this.name = name;
    this.id = id;
    this.file = scope.file;
    this.scope = scope;
    this.parent = parent;
    this.mode = mode;
    this.tags = tags;
    this.beforeAll = [];
    this.afterAll = [];
    this.beforeEach = [];
    this.afterEach = [];
    // Where each hook was declared ({ site: "url:line:column", timeout? }), by kind, in the
    // order of the hooks, so a hook that fails or hangs can be named by its place in the file.
    this.hookSites = { beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
    // mocha's per-suite settings (`this.timeout(ms)`, `this.retries(n)`, `this.slow(ms)` in a
    // describe body): a group starts with its parent's, and tests and hooks take the group's
    // value when they are declared, as mocha's Suite#addTest does. Undefined: not set.
    this.timeout = parent?.timeout;
    this.retries = parent?.retries;
    // Vitest's `describe(name, { repeats }, fn)`: nested groups and tests inherit it.
    this.repeats = parent?.repeats;
    this.slow = parent?.slow;
    // mocha's context and Suite object (mocha-context.js), made when first needed.
    this.ctx = undefined;
    this.face = undefined;
    // Shared by every test inside, so registering 10k tests does not copy these arrays.
    this.lineage = parent ? [...parent.lineage, this] : [this];
    this.groupNames = parent ? [...parent.groupNames, name] : [];
    // The names as written, without the ` #2` of a duplicate (snapshot keys are Jest's).
    this.declaredNames = parent ? [...parent.declaredNames, declared] : [];
  }

  get isFileRoot() {
    return this.parent === null;
  }

  /** Where a failing afterAll hook of this group happened, in words, for the `error` message. */
  get hookOrigin() {
    return this.isFileRoot ? this.file : `"${this.groupNames.join(" > ")}"`;
  }
}

/** One test file's part of the tree: its id allocator, its root group, its tests in source order. */
class FileScope {
  constructor(file) {
    this.file = file;
    this.allocator = new IdAllocator(file);
    this.root = new Group({ name: file, id: file, scope: this, parent: null, mode: "run", tags: [] });
    this.tests = [];
    // Declarations are accepted only while the file loads; after that they are misplaced.
    this.open = false;
    // The file imports `vitest`: describe bodies wait for `collect`, and tests get a context.
    this.vitest = false;
  }
}

/**
 * Everything the test files registered, one scope per file in plan order.
 *
 * The controller imports all files at once, so "the file being loaded" is not one file. A
 * declaration inside a describe body goes where that group is (bodies run synchronously). A
 * top-level declaration made while a file's `load()` call is running belongs to that file (the
 * controller's tests declare that way, and so does all of a bundle loaded one file at a time);
 * any other finds its file on the call stack (see `locate`).
 */
export class Registry {
  constructor() {
    this.reset();
  }

  /** Forgets all tests and files; a new controller starts from an empty tree. */
  reset() {
    /** file → FileScope, in the order the files were added (the plan's order). */
    this.scopes = new Map();
    this.byId = new Map();
    // Stack location (URL, or file path for CommonJS frames) → FileScope.
    this.byLocation = new Map();
    // URL → FileScope, as the files were declared; the source of aliases.
    this.byUrl = new Map();
    // The innermost describe whose body is running, or the root group of the file whose
    // `load()` is being called; null otherwise (then the stack decides).
    this.current = null;
    // Maps a file URL to the URL the runtime reports for it (node realpaths modules); asked
    // only after a lookup misses, because on most projects the two are the same.
    this.canonicalUrl = null;
    this.aliased = false;
    // Files named by the host as importing `vitest`; kept across resets, which happen between
    // the `load` that names them and the imports.
    this.vitestFiles ??= new Set();
  }

  /** Marks the files (relative paths) that import `vitest`: they are collected as Vitest does. */
  setVitestFiles(files) {
    this.vitestFiles = new Set(files);
    for (const [file, scope] of this.scopes) scope.vitest = this.vitestFiles.has(file);
  }

  /** Whether `file` imports `vitest`, so `collect` has describe bodies to run for it. */
  defersCollection(file) {
    return this.scopes.get(file)?.vitest === true;
  }

  /**
   * Runs the describe bodies a `vitest` file deferred (each after its parent's body, as Vitest
   * collects), and then lists its tests in source order. A no-op for other files; what a body
   * throws is the file's load error. Returns a promise when a body is async (Vitest awaits
   * them): declarations after its `await` still go into its group.
   */
  collect(file) {
    const scope = this.scopes.get(file);
    if (scope === undefined || !scope.vitest) return undefined;
    const outer = this.current;
    const outerStack = scope.allocator.stack;
    const done = () => {
      this.current = outer;
      scope.allocator.stack = outerStack;
      const tests = [];
      flatten(scope.root, tests);
      scope.tests = tests;
    };
    let pending;
    try {
      pending = collectChildren(this, scope.root);
    } catch (error) {
      done();
      throw error;
    }
    if (pending === undefined) return done();
    return pending.finally(done);
  }

  /** Tests in plan order: grouped by file, in the order the files were added, each in source order. */
  get tests() {
    const tests = [];
    for (const scope of this.scopes.values()) for (const test of scope.tests) tests.push(test);
    return tests;
  }

  /**
   * Declares a test file (relative path, forward slashes) and the URL it is imported from, so
   * stack frames can be traced back to it.
   */
  addFile(file, url) {
    let scope = this.scopes.get(file);
    if (scope === undefined) {
      scope = new FileScope(file);
      scope.vitest = this.vitestFiles.has(file);
      this.scopes.set(file, scope);
    }
    if (url !== undefined) {
      this.byUrl.set(url, scope);
      for (const location of stackLocations(url)) this.byLocation.set(location, scope);
    }
    return scope;
  }

  /**
   * Opens `file` for declarations and attributes everything declared at top level to it until
   * `endFile`: the synchronous part of the file's `load()` when files load concurrently, the
   * whole import when they load one at a time.
   */
  beginFile(file) {
    const scope = this.scopes.get(file) ?? this.addFile(file);
    scope.open = true;
    this.current = scope.root;
  }

  /** The root group of the file whose top level is running right now, or null. */
  loadingFileRoot() {
    return this.current?.lineage[0] ?? null;
  }

  /**
   * Like `loadingFileRoot`, and when files load concurrently (nothing is current), the open test
   * file on the call stack: what a file's top level calls (expect.addSnapshotSerializer) is
   * then still its own. Walks the stack, so only for calls that are rare.
   */
  loadingFileRootOnStack() {
    if (this.current !== null) return this.current.lineage[0];
    const scope = this.locate(Registry.prototype.loadingFileRootOnStack);
    return scope !== undefined && scope.open ? scope.root : null;
  }

  /** Ends the synchronous part of a load; the file stays open until `settleFile`. */
  endFile() {
    this.current = null;
  }

  /** The file's import settled: later declarations are misplaced, and a failed file keeps no tests. */
  settleFile(file, failed) {
    const scope = this.scopes.get(file);
    scope.open = false;
    if (failed) this.discardFile(scope);
  }

  // A broken file contributes only its load error, never the tests it declared before throwing.
  discardFile(scope) {
    for (const test of scope.tests) this.byId.delete(test.id);
    scope.tests = [];
    if (scope.vitest) {
      const pending = [];
      flatten(scope.root, pending);
      for (const test of pending) this.byId.delete(test.id);
      scope.root.children = [];
    }
  }

  /**
   * The group a declaration goes into, or a clear error when it is made outside any loading
   * file. `what` and `name` only build that error, so the common path formats nothing.
   */
  target(what, name) {
    if (this.current !== null) return this.current;
    const scope = this.locate();
    if (scope === undefined || !scope.open) {
      const call = `${what}(${name === undefined ? "" : JSON.stringify(name)})`;
      throw new Error(
        `${call} was called outside the loading of a test file. proctor registers tests only while ` +
          `it imports the test files, so declare tests and hooks at the top level of a test file ` +
          `or inside describe(), never inside a test, a hook or a callback that runs later. A ` +
          `module that is not a test file cannot declare them at its own top level either: export ` +
          `a function that declares them and call it from each test file.`,
      );
    }
    return scope.root;
  }

  // The test file on the call stack. The outermost one wins: when a test file's top level calls
  // a function exported by another test file, the declarations belong to the caller, as they
  // would have when files were imported one at a time.
  locate(skipAbove = Registry.prototype.target) {
    let scope = this.outermostOnStack(skipAbove);
    if (scope === undefined && this.canonicalUrl !== null && !this.aliased) {
      this.aliased = true;
      for (const [url, known] of this.byUrl) {
        let canonical;
        try {
          canonical = this.canonicalUrl(url);
        } catch {
          continue;
        }
        if (canonical !== url) for (const alias of stackLocations(canonical)) this.byLocation.set(alias, known);
      }
      scope = this.outermostOnStack(skipAbove);
    }
    return scope;
  }

  outermostOnStack(skipAbove = Registry.prototype.target) {
    let found;
    // Frames from `skipAbove` up are proctor's own lookup; leaving them out saves a few call sites.
    let { locations, truncated } = callerLocations(STACK_WINDOW, skipAbove);
    if (truncated) locations = callerLocations(Infinity, skipAbove).locations;
    for (const location of locations) found = this.byLocation.get(withoutGeneration(location)) ?? found;
    return found;
  }

  addGroup(mode, name, options, body) {
    name = wellFormed(name);
    if (options.mode !== undefined && options.mode !== "todo" && mode !== "skip") mode = options.mode;
    const parent = this.target("describe", name);
    const { scope } = parent;
    const { name: unique, id } = scope.allocator.enterGroup(name);
    const group = new Group({
      name: unique,
      declared: name,
      id,
      scope,
      parent,
      mode: inheritMode(parent.mode, mode),
      tags: mergeTags(parent.tags, options.tags),
    });
    // Vitest's `describe(name, { retry }, fn)`: its tests get it unless they set their own.
    if (options.retry !== undefined) group.retries = options.retry;
    if (options.repeats !== undefined) group.repeats = options.repeats;
    if (scope.vitest) {
      // Collected later (see `collect`); the allocator's frames are kept for then, so the
      // names declared inside get the ids they would have had at once.
      group.body = body;
      group.frames = scope.allocator.stack.slice();
      scope.allocator.leaveGroup();
      (parent.children ??= []).push(group);
      return;
    }
    const outer = this.current;
    this.current = group;
    try {
      // An async body (`describe("x", async () => { ... })`) declares what it declares before
      // its first `await`, as mocha takes it (Jest refuses it; Vitest awaits it): suites that
      // pass under mocha write them. A rejection stays unhandled and is reported as an error
      // outside the tests.
      // Vitest passes its `test` to the body (`describe("x", (test) => ...)`); mocha and Jest
      // pass nothing, so the argument is unused there.
      body.call(suiteFace(group), test);
    } finally {
      this.current = outer;
      scope.allocator.leaveGroup();
    }
  }

  /**
   * `extra.fixtures`: the fixtures of a `test.extend` API; `extra.contextual`: the function takes
   * Vitest's context (test.for, fixtures) whatever the file imports.
   */
  addTest(mode, name, options, fn, extra = NO_OPTIONS) {
    name = wellFormed(name);
    if (options.mode !== undefined && mode !== "skip" && mode !== "todo") mode = options.mode;
    if (options.fails && typeof fn === "function") fn = expectFailure("fails", fn);
    const group = this.target("test", name);
    const { scope } = group;
    const { name: unique, id } = scope.allocator.test(name);
    const fixtures = scopedFixtures(group, extra.fixtures ?? null);
    const test = {
      id,
      file: scope.file,
      groups: group.groupNames,
      name: unique,
      declared: name,
      // The name as written (mocha's `this.test.title`), without a ` #2` suffix.
      title: name,
      mode: mode === "todo" ? "todo" : inheritMode(group.mode, mode),
      tags: mergeTags(group.tags, options.tags),
      timeout: options.timeout ?? group.timeout ?? configOf(group.lineage[0]).testTimeout,
      retries: options.retry ?? group.retries,
      // Vitest's `repeats`: the host runs it this many more times after its first run.
      repeats: options.repeats ?? group.repeats,
      fn,
      group,
      // Gets Vitest's test context (run.js): a `vitest` file, fixtures, or a destructured
      // parameter, which no `done` callback has.
      contextual: scope.vitest || fixtures !== null || extra.contextual === true || (typeof fn === "function" && takesContext(fn)),
      fixtures,
      // What the runner records of the last run, for mocha's Test object (state, duration,
      // err, currentRetry) and what the test changed while running (runTimeout).
      state: undefined,
      duration: undefined,
      err: undefined,
      attempt: 0,
      runTimeout: undefined,
      face: undefined,
    };
    if (scope.vitest) (group.children ??= []).push(test);
    else scope.tests.push(test);
    this.byId.set(id, test);
  }

  /**
   * Adds a hook of `kind` (`beforeAll`...) to the group being declared. `called` is the name the
   * user called it by (`before`, `setup`), for errors; `title` is mocha's optional hook title.
   */
  addHook(kind, fn, timeout, called = kind, title = undefined) {
    const group = this.target(called);
    if (typeof fn !== "function") {
      throw new TypeError(`${called}() expects a function; received ${typeof fn}`);
    }
    group[kind].push(fn);
    if (fn.length >= 1 && !group.scope.vitest && !takesContext(fn)) doneStyleHooks.add(fn);
    // `called` also tells the dialect where peers differ: an error from a callback a `before`
    // (mocha) hook left behind fails the test running then, as in mocha (controller.js).
    const declared = { site: callerSite(this, Registry.prototype.addHook), fn, called };
    if (title !== undefined) declared.title = title;
    // Jest's and Vitest's per-hook timeout: `beforeAll(fn, 30_000)`; else mocha's group timeout
    // (0: none), else `vi.setConfig({ hookTimeout })`.
    if (typeof timeout === "number" && timeout > 0) declared.timeout = Math.ceil(timeout);
    else if (group.timeout !== undefined) declared.timeout = group.timeout;
    else if (configOf(group.lineage[0]).hookTimeout !== undefined) declared.timeout = configOf(group.lineage[0]).hookTimeout;
    group.hookSites[kind].push(declared);
  }
}

// The fixtures a test of the API with `fixtures` gets inside `group`: those the API has, with
// what `test.scoped(...)` on that API overrode in the group and the groups around it.
function scopedFixtures(group, fixtures) {
  if (fixtures === null) return null;
  let scoped = fixtures;
  for (const level of group.lineage) {
    for (const entry of level.scopedFixtures ?? []) if (entry.base === fixtures) scoped = extendFixtures(scoped, entry.definitions);
  }
  return scoped;
}

// Runs the deferred bodies of `group`'s child groups, in order, each one's own children after
// it (Vitest's collection order). Synchronous until a body returns a promise; from there on it
// returns a promise and awaits each body.
function collectChildren(registry, group, from = 0) {
  const children = group.children ?? [];
  for (let index = from; index < children.length; index++) {
    const child = children[index];
    if (!(child instanceof Group) || child.body === undefined) continue;
    const body = child.body;
    child.body = undefined;
    const frames = child.frames;
    child.frames = undefined;
    registry.current = child;
    child.scope.allocator.stack = frames;
    const returned = body.call(undefined, test);
    if (returned !== null && typeof returned === "object" && typeof returned.then === "function") {
      return Promise.resolve(returned)
        .then(() => {
          registry.current = child;
          child.scope.allocator.stack = frames;
          return collectChildren(registry, child);
        })
        .then(() => collectChildren(registry, group, index + 1));
    }
    const nested = collectChildren(registry, child);
    if (nested !== undefined) return nested.then(() => collectChildren(registry, group, index + 1));
  }
  return undefined;
}

// The tests under `group`, in declaration order.
function flatten(group, into) {
  for (const child of group.children ?? []) {
    if (child instanceof Group) flatten(child, into);
    else into.push(child);
  }
}

/**
 * "url:line:column" of the innermost frame below `skipAbove` that lies in a registered test
 * file (else the innermost frame at all), or undefined when the engine gives no stack.
 */
export function callerSite(registry, skipAbove) {
  let stack;
  try {
    stack = captureStack(STACK_WINDOW, skipAbove);
  } catch {
    return undefined;
  }
  let sites;
  if (Array.isArray(stack)) {
    sites = stack
      .filter((site) => site.getFileName())
      .map((site) => ({ file: site.getFileName(), text: `${site.getFileName()}:${site.getLineNumber()}:${site.getColumnNumber()}` }));
  } else if (typeof stack === "string") {
    sites = [];
    for (const line of stack.split("\n")) {
      const match = FRAME.exec(line);
      if (match) sites.push({ file: match[1], text: match[0].replace(/^\s*at (?:.*\()?|^.*@|\)$/g, "") });
    }
  } else {
    return undefined;
  }
  const inTestFile = sites.find((site) => registry.byLocation.has(withoutGeneration(site.file)));
  // Else the caller's frame: not this module's own (`beforeAll` and kin wrap addHook).
  return (inTestFile ?? sites.find((site) => site.file !== OWN_URL))?.text;
}

// This module's URL, as its own stack frames name it (empty inside a bundle).
const OWN_URL = typeof import.meta.url === "string" ? import.meta.url : "";

// How many frames a top-level declaration captures: the declaring function's own two or three,
// the test file and a few levels of helpers, and the loader's frames below, with room to spare.
// Module top levels sit on shallow stacks, so this is rarely full; when it is, the stack is
// read again in full so the outermost test file is not cut off.
const STACK_WINDOW = 16;

/**
 * The script locations (URL, or path for CommonJS) of the frames below the latest call to
 * `skipAbove`, innermost first, at most `limit` of them. On V8 this reads structured call
 * sites, which skips formatting the stack text and ignores source maps (whose rewritten frames
 * would name the original source, not the module); other engines get their `stack` string
 * parsed, whole.
 */
export function callerLocations(limit, skipAbove = callerLocations) {
  const stack = captureStack(limit, skipAbove);
  if (Array.isArray(stack)) {
    const locations = [];
    for (const site of stack) {
      const name = site.getFileName();
      if (name) locations.push(name);
    }
    return { locations, truncated: stack.length >= limit };
  }
  const locations = typeof stack === "string" ? parseStackLocations(stack) : [];
  return { locations, truncated: false };
}

/**
 * The stack below `skipAbove`, at most `limit` frames: V8's structured call sites where the
 * engine has them, else the `stack` string of a new Error.
 */
function captureStack(limit, skipAbove) {
  const savedLimit = Error.stackTraceLimit;
  const savedPrepare = Error.prepareStackTrace;
  try {
    if (typeof savedLimit === "number") Error.stackTraceLimit = limit;
    if (typeof Error.captureStackTrace !== "function") return new Error().stack;
    Error.prepareStackTrace = callSites;
    const holder = {};
    Error.captureStackTrace(holder, skipAbove);
    return holder.stack;
  } finally {
    Error.prepareStackTrace = savedPrepare;
    if (typeof savedLimit === "number") Error.stackTraceLimit = savedLimit;
  }
}

function callSites(_error, sites) {
  return sites;
}

// "    at fn (url:1:2)" and "    at url:1:2" (V8), "fn@url:1:2" (SpiderMonkey, JavaScriptCore).
const FRAME = /(?:^\s*at (?:.*\()?|@)(.+?):\d+(?::\d+)?\)?$/;

/** The script locations in a stack string, innermost first. */
export function parseStackLocations(stack) {
  const locations = [];
  for (const line of stack.split("\n")) {
    const match = FRAME.exec(line);
    if (match) locations.push(match[1]);
  }
  return locations;
}

/**
 * `url` without node's module generation (`?proctor-g=<n>`, node-modules.js): a test file
 * imported again after `resetModules()` is still that file.
 */
export function withoutGeneration(url) {
  if (typeof url !== "string" || !url.includes("proctor-g=")) return url;
  return url.replace(/([?&])proctor-g=\d+&?/, "$1").replace(/[?&]$/, "");
}

/**
 * The spellings of a module URL that stack frames may use: the normalized URL, and for a file:
 * URL its path, which is how node names CommonJS modules.
 */
export function stackLocations(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const locations = parsed.href === url ? [url] : [url, parsed.href];
  if (parsed.protocol === "file:") {
    let path = decodeURIComponent(parsed.pathname);
    // file:///C:/dir/a.js is C:\dir\a.js on Windows.
    if (/^\/[A-Za-z]:\//.test(path)) path = path.slice(1).replaceAll("/", "\\");
    locations.push(path);
  }
  return locations;
}

// A name with a lone UTF-16 surrogate cannot cross the wire as it is (the host's strings are
// Unicode), so it is registered with U+FFFD in its place, as the host would read it.
function wellFormed(name) {
  return typeof name === "string" && typeof name.isWellFormed === "function" && !name.isWellFormed() ? name.toWellFormed() : name;
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

/** Jest's name for a test (`currentTestName`, snapshot keys): its groups and name, space-separated. */
export function jestTestName(test) {
  return [...test.groups, test.name].join(" ");
}

function testName(name) {
  // Vitest's name for a function without one (`describe(fn)` with an anonymous `fn`).
  if (typeof name === "function") return name.name || "<anonymous>";
  if (name === undefined) throw new TypeError("a test or describe needs a name as its first argument");
  return String(name);
}

// Shared by every declaration without options; nothing writes to it.
const NO_OPTIONS = Object.freeze({});

// How an argument error names the call, e.g. `it("adds")`; built only when there is an error.
function where(kind, name) {
  return `${kind}(${JSON.stringify(name)})`;
}

function readOptions(options, kind, name) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") throw new TypeError(`${where(kind, name)}: the options must be an object`);
  const { tags, timeout, retry } = options;
  if (tags !== undefined && (!Array.isArray(tags) || tags.some((tag) => typeof tag !== "string"))) {
    throw new TypeError(`${where(kind, name)}: options.tags must be an array of strings`);
  }
  const read = { tags, timeout: readTimeout(timeout, kind, name) };
  // Vitest's `retry`: the test (or every test of the describe) runs again after a failure.
  if (retry !== undefined) read.retry = readRetry(retry, `${where(kind, name)}: options.retry`);
  // Vitest's `repeats`: the test (or every test of the describe) runs n more times, each run
  // a result of its own.
  if (options.repeats !== undefined) read.repeats = readRepeats(options.repeats, `${where(kind, name)}: options.repeats`);
  // Vitest's flags in the options: `{ skip: true }`, `{ only }`, `{ todo }`, `{ fails }`.
  if (options.todo) read.mode = "todo";
  else if (options.skip) read.mode = "skip";
  else if (options.only) read.mode = "only";
  if (options.fails) read.fails = true;
  return read;
}

/** A retry count: a whole number from 0 (`what` names the call in the error). */
export function readRetry(n, what) {
  return readCount(n, what, "retries");
}

/** A repeat count: a whole number from 0, the runs after the first (`what` names the call). */
function readRepeats(n, what) {
  return readCount(n, what, "repeats");
}

function readCount(n, what, noun) {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
    throw new TypeError(`${what} must be a whole number of ${noun} from 0; received ${JSON.stringify(n)}`);
  }
  return n;
}

// The protocol carries whole milliseconds, so fractions round up rather than break the host.
function readTimeout(timeout, kind, name) {
  if (timeout === undefined) return undefined;
  if (typeof timeout !== "number" || !(timeout >= 0) || timeout === Infinity) {
    throw new TypeError(`${where(kind, name)}: the timeout must be a non-negative number of milliseconds`);
  }
  return Math.ceil(timeout);
}

// Accepts Jest's `(name, fn, timeout)`, proctor's `(name, options, fn, timeout)` and Vitest's
// `(name, fn, options)`. Positional parameters rather than a rest array: this runs once per
// declared test, and `(name, fn)` must not allocate more than the result.
function testArguments(kind, rawName, first, second, third) {
  const name = testName(rawName);
  let options = NO_OPTIONS;
  let fn;
  if (typeof first === "function") {
    fn = first;
    if (typeof second === "number") options = { timeout: readTimeout(second, kind, name) };
    else if (second !== undefined) options = readOptions(second, kind, name);
  } else {
    options = readOptions(first, kind, name);
    fn = second;
    if (typeof third === "number") options.timeout = readTimeout(third, kind, name);
  }
  return { name, options, fn };
}

// A test declared without a function is a placeholder: mocha's pending test, proctor's todo (a
// skipped one stays skipped). Anything else in the function's place is a mistake.
function requireTestFunction(kind, mode, args) {
  if (typeof args.fn !== "function" && args.fn !== undefined) {
    throw new TypeError(
      `${where(kind, args.name)}: the test function must be a function; received ${typeof args.fn}. ` +
        `Pass it after the name (and options), or leave it out for a placeholder (todo).`,
    );
  }
}

// The mode of a test declared with `mode`: without a function it is todo (unless skipped).
function bodyMode(mode, fn) {
  return fn === undefined && mode !== "skip" ? "todo" : mode;
}

// `failing`: false, or the modifier that declared the test failing (`failing`, Vitest's `fails`).
function makeTest(kind, mode, failing = false, extra = NO_OPTIONS) {
  const body = (fn) => (failing && typeof fn === "function" ? expectFailure(`${kind}.${failing}`, fn) : fn);
  const declare = (name, first, second, third) => {
    const args = testArguments(kind, name, first, second, third);
    requireTestFunction(kind, mode, args);
    registry.addTest(bodyMode(mode, args.fn), args.name, args.options, body(args.fn), extra);
  };
  declare.each = (...table) => (template, ...rest) => {
    const { rows, byKey } = eachTable(table);
    rows.forEach((row, index) => {
      const name = eachName(testName(template), row, index, byKey, declaredInVitestFile(kind));
      const args = testArguments(kind, name, ...rest);
      requireTestFunction(kind, mode, args);
      registry.addTest(bodyMode(mode, args.fn), args.name, args.options, body(args.fn && bindRow(args.fn, row)), extra);
    });
  };
  // Vitest's `test.for(table)(name, (row, context) => ...)`: the row is one argument, not
  // spread, and the test context comes second.
  declare.for = (...table) => (template, ...rest) => {
    const { rows, byKey } = eachTable(table);
    const tagged = Array.isArray(table[0]) && Array.isArray(table[0].raw);
    rows.forEach((row, index) => {
      const name = eachName(testName(template), row, index, byKey, declaredInVitestFile(kind));
      const args = testArguments(kind, name, ...rest);
      requireTestFunction(kind, mode, args);
      const item = tagged || !Array.isArray(table[0][index]) ? row[0] : row;
      const fn = args.fn && withRow(args.fn, item);
      registry.addTest(bodyMode(mode, args.fn), args.name, args.options, body(fn), { ...extra, contextual: true });
    });
  };
  return declare;
}

// Whether the declaration being made goes into a file that imports `vitest` (its `.each` names
// follow Vitest's rules). Only asked when a table has rows, where the declaration needs a file.
function declaredInVitestFile(what) {
  return registry.target(what, "").scope.vitest === true;
}

// The test function of one `test.for` row: the row, then the context. Fixtures are read from
// the second parameter (`fixtureSource`).
function withRow(fn, row) {
  const forTest = function forTest(context) {
    return fn.call(this, row, context);
  };
  forTest.fixtureSource = { fn, index: 1 };
  return forTest;
}

// Jest's `test.failing`: the test passes when its body throws or rejects, and fails when it
// does not. (Hooks still count as usual.)
function expectFailure(declared, fn) {
  const modifier = declared.includes(".") ? declared.slice(declared.indexOf(".")) : `{ ${declared}: true }`;
  const passedAnyway = () =>
    new Error(`${declared}: the test passed even though it was declared failing. Remove ${modifier} if it should pass.`);
  // Rest parameters keep its length 0: a Jest test that is not given a context gets no `done`.
  const failingTest = function failingTest(...context) {
    let returned;
    try {
      returned = fn.apply(receiverFor(fn, this), context);
    } catch {
      return undefined;
    }
    if (returned !== null && typeof returned === "object" && typeof returned.then === "function") {
      return Promise.resolve(returned).then(
        () => {
          throw passedAnyway();
        },
        () => undefined,
      );
    }
    throw passedAnyway();
  };
  failingTest.fixtureSource = fn.fixtureSource ?? { fn, index: 0 };
  return failingTest;
}

// Keeps the done-callback convention: a function declaring more parameters than the row has
// gets `done` as its last argument.
function bindRow(fn, row) {
  if (fn.length > row.length) {
    return function eachTestWithDone(done) {
      return fn.call(receiverFor(fn, this), ...row, done);
    };
  }
  return function eachTest() {
    return fn.apply(receiverFor(fn, this), row);
  };
}

function makeDescribe(mode) {
  const declare = (name, first, second, third) => {
    const args = testArguments("describe", name, first, second, third);
    if (typeof args.fn !== "function") {
      throw new TypeError(`${where("describe", args.name)}: the describe body (a function) is missing`);
    }
    registry.addGroup(mode, args.name, args.options, args.fn);
  };
  declare.each = (...table) => (template, ...rest) => {
    const { rows, byKey } = eachTable(table);
    rows.forEach((row, index) => {
      const name = eachName(testName(template), row, index, byKey, declaredInVitestFile("describe"));
      const args = testArguments("describe", name, ...rest);
      if (typeof args.fn !== "function") {
        throw new TypeError(`${where("describe", args.name)}: the describe body (a function) is missing`);
      }
      registry.addGroup(mode, args.name, args.options, () => args.fn(...row));
    });
  };
  // Vitest's `describe.for(table)(name, (row) => ...)`: the row is one argument, not spread.
  declare.for = (...table) => (template, ...rest) => {
    const { rows, byKey } = eachTable(table);
    const tagged = Array.isArray(table[0]) && Array.isArray(table[0].raw);
    rows.forEach((row, index) => {
      const name = eachName(testName(template), row, index, byKey, declaredInVitestFile("describe"));
      const args = testArguments("describe", name, ...rest);
      if (typeof args.fn !== "function") {
        throw new TypeError(`${where("describe", args.name)}: the describe body (a function) is missing`);
      }
      const item = tagged || !Array.isArray(table[0][index]) ? row[0] : row;
      registry.addGroup(mode, args.name, args.options, () => args.fn(item));
    });
  };
  return declare;
}

// `.concurrent` and `.sequential` (Jest, Vitest) are accepted with their own modifiers; proctor
// runs one test at a time anyway, so both declare ordinary tests.
const ORDER_MODIFIERS = ["concurrent", "sequential"];

// `fixtures`: those of a `test.extend` API (null for the plain one).
function makeTestApi(kind, withOrderModifiers = true, fixtures = null) {
  const extra = fixtures === null ? NO_OPTIONS : { fixtures };
  const api = makeTest(kind, "run", false, extra);
  if (withOrderModifiers) {
    for (const modifier of ORDER_MODIFIERS) api[modifier] = makeTestApi(kind, false, fixtures);
  }
  api.failing = makeTest(kind, "run", "failing", extra);
  // Vitest's name for Jest's `test.failing`.
  api.fails = makeTest(kind, "run", "fails", extra);
  api.skip = makeTest(kind, "skip", false, extra);
  api.only = makeTest(kind, "only", false, extra);
  api.skip.failing = makeTest(kind, "skip", "failing", extra);
  api.only.failing = makeTest(kind, "only", "failing", extra);
  api.skip.fails = makeTest(kind, "skip", "fails", extra);
  api.only.fails = makeTest(kind, "only", "fails", extra);
  // Vitest: `it.skipIf(condition)(name, fn)` skips when the condition holds, runIf when not.
  api.skipIf = (condition) => (condition ? api.skip : api);
  api.runIf = (condition) => (condition ? api : api.skip);
  // Vitest takes (and never calls) a function after the name, as reselect's suite writes;
  // Jest refuses one, so no suite that passes under Jest has it.
  api.todo = (name) => {
    registry.addTest("todo", testName(name), NO_OPTIONS, undefined);
  };
  // Vitest's fixtures: a new API whose tests get these values in their context (fixtures.js).
  api.extend = (definitions) => makeTestApi(kind, true, extendFixtures(fixtures, definitions));
  // Vitest's `test.scoped({ name: value })`: inside the enclosing describe (or file), this API's
  // tests get these fixtures instead.
  api.scoped = (definitions) => {
    if (fixtures === null) throw new TypeError(`${kind}.scoped() overrides fixtures: call it on an API made by ${kind}.extend()`);
    extendFixtures(fixtures, definitions);
    const group = registry.target(`${kind}.scoped`);
    (group.scopedFixtures ??= []).push({ base: fixtures, definitions });
  };
  return api;
}

/** Declares a test. */
export const it = makeTestApi("it");
/** Declares a test (the same as `it`). */
export const test = makeTestApi("test");

function makeDescribeApi(withOrderModifiers = true) {
  const api = makeDescribe("run");
  api.skip = makeDescribe("skip");
  api.only = makeDescribe("only");
  api.skipIf = (condition) => (condition ? api.skip : api);
  api.runIf = (condition) => (condition ? api : api.skip);
  if (withOrderModifiers) {
    for (const modifier of ORDER_MODIFIERS) api[modifier] = makeDescribeApi(false);
  }
  return api;
}

/** Declares a group of tests; its body runs now, synchronously. */
export const describe = makeDescribeApi();

/**
 * The hook function of `kind` as it is called by the name `called`: Jest's and Vitest's
 * `(fn, timeout)`, and mocha's `(title, fn)` with a title first.
 */
export function makeHook(kind, called = kind) {
  return (first, second, third) =>
    typeof first === "string"
      ? registry.addHook(kind, second, third, called, first)
      : registry.addHook(kind, first, second, called);
}

/** Runs `fn` once before the first test of the enclosing group (or file). */
export const beforeAll = makeHook("beforeAll");
/** Runs `fn` once after the last test of the enclosing group (or file). */
export const afterAll = makeHook("afterAll");
/** Runs `fn` before each test in the enclosing group (or file). */
export const beforeEach = makeHook("beforeEach");
/** Runs `fn` after each test in the enclosing group (or file). */
export const afterEach = makeHook("afterEach");
