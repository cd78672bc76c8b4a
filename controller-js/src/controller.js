// The controller core: receives the host's commands and answers them, whatever the socket.
//
// `createController({ send, adapter, files })` is driven by the runtime adapter (node.js, or a
// browser page), which owns the socket and calls `receive` with each parsed host message. The
// host drives and the controller only registers and executes: `load` imports the test files
// (all at once; the registry tells which file declared what), `run-test` runs exactly one test,
// `finish` closes the open groups. Those three are queued and executed strictly in arrival
// order; `ping` and `shutdown` are answered at once so a busy test cannot hide a live runtime.
// Every `send` happens in call order, which is what keeps a test's console output ahead of its
// `test-finished`.

import "./index.js"; // Installs describe/it/expect globals before any test file is imported.
import { serializeError } from "./errors.js";
import { setRunningTest } from "./expect.js";
import { clearAllMocks, resetAllMocks, restoreAllMocks } from "./mock.js";
import { registry } from "./registry.js";
import { setupFileSnapshots } from "./file-snapshot.js";
import { captureRealm } from "./realm.js";
import { Runner } from "./run.js";
import { hasSetupFiles, runSetupFiles, useSetupFiles } from "./setup-files.js";
import { beginSnapshotTest, endSnapshotTest, finishSnapshotFile, setupSnapshots } from "./snapshot.js";

/** The protocol version this controller speaks; see protocol/src/lib.rs. */
export const PROTOCOL_VERSION = 2;

/** Hook kinds as the protocol spells them. */
const HOOK_KINDS = {
  beforeAll: "before-all",
  afterAll: "after-all",
  cleanup: "before-all-cleanup",
  beforeEach: "before-each",
  afterEach: "after-each",
};

/**
 * @param {{
 *   send(message: object): void,
 *   adapter: {
 *     runtimeInfo(): { kind: string, version: string, userAgent: string },
 *     exit(): void,
 *     canonicalUrl?(url: string): string,
 *     within?<T>(testId: string, run: () => T): T,
 *     withinHook?<T>(hook: object, run: () => T): T,
 *     scheduledBy?(origin?: string): string | undefined,
 *     settle?(): Promise<void> | undefined,
 *     clearTimers?(): void,
 *     freshModules?(): string | undefined,
 *     prefixesEveryRealm?: boolean,
 *     environments?: { enter(file: string, name: string): Promise<void>, show(file: string): void, done(file: string): unknown },
 *   },
 *   files: { file: string, url?: string, load(): Promise<unknown>, environment?: string, requires?: boolean }[],
 *   setupFiles?: { file: string, url?: string, load(generation: number, url?: string): Promise<unknown> }[],
 *   environment?: string,
 *   sequential?: boolean,
 * }} options
 *   `files` are in plan order; `url` is what `load` imports, so the registry can recognize the
 *   file in stack frames. `adapter.canonicalUrl`, where the runtime renames modules (node
 *   resolves symlinks), gives the URL the runtime will report. `sequential` loads the files one
 *   at a time instead, for a bundle, whose frames all name the bundle rather than a test file.
 *   Files marked `requires` load one at a time before the others (`loadRequiringFirst`).
 *   Where the runtime can follow asynchronous context (node's AsyncLocalStorage),
 *   `adapter.within` runs a test inside a context naming it (`adapter.withinHook` a
 *   beforeAll/afterAll hook) and `adapter.scheduledBy(origin)` reads the
 *   context back, so output and errors from callbacks a test left behind are reported as that
 *   test's, after it ended, instead of being pinned on whichever test runs next.
 *   With isolation the host loads one file at a time, each but the first with `fresh`: the
 *   realm goes back to what it was before the first file (realm.js; `adapter.clearTimers`
 *   clears the timers the tests left), and `adapter.freshModules()` makes the next imports of
 *   project modules new instances; it may return a URL prefix under which the runtime serves
 *   them (the browser's `/@realm/<n>`), which the test file's `load(url)` then imports;
 *   `adapter.prefixesEveryRealm` asks for a prefix for the first file too.
 *   `setupFiles` run before each test file, inside its realm (setup-files.js). `environment` is
 *   the suite's (`node`, `jsdom`, `happy-dom`), which a file's own `environment` (its docblock)
 *   overrides; `adapter.environments` makes them (node only: browsers are the real DOM). Either
 *   makes the files load one at a time, since each file's setup must run while it is the file
 *   being loaded.
 */
/**
 * The owner of the callbacks a beforeAll/afterAll hook (or a beforeAll's cleanup) starts: the
 * asynchronous context they run in, so an error they throw after the hook ended is blamed by
 * the hook's dialect (`mocha`: declared as mocha's `before`/`after`/`suiteSetup`/`suiteTeardown`)
 * instead of on the test whose command ran the hook.
 */
class GroupHookCallbacks {
  constructor(kind, group, called = kind) {
    const where = group.isFileRoot ? `at the top level of ${group.file}` : `of ${group.hookOrigin} in ${group.file}`;
    this.name = kind === "cleanup" ? `cleanup returned by a beforeAll hook ${where}` : `${called} hook ${where}`;
    this.mocha = ["before", "after", "suiteSetup", "suiteTeardown"].includes(called);
  }
}

/** A suite that leaves mocks alone between tests. */
const NO_MOCK_HYGIENE = Object.freeze({ clear: false, reset: false, restore: false });

/**
 * The suite's `clear-mocks`, `reset-mocks` and `restore-mocks`, done before each test and its
 * `beforeEach` hooks, in Jest's order (jest-circus's `test_start`).
 */
function applyMockHygiene({ clear, reset, restore }) {
  if (clear) clearAllMocks();
  if (reset) resetAllMocks();
  if (restore) restoreAllMocks();
}

export function createController({
  send,
  adapter,
  files,
  setupFiles = [],
  environment = "node",
  sequential = false,
  mockHygiene = NO_MOCK_HYGIENE,
}) {
  useSetupFiles(setupFiles);
  const environments = adapter.environments ?? null;
  const environmentOf = (file) => file.environment ?? environment;
  const perFile = hasSetupFiles() || (environments !== null && files.some((file) => environmentOf(file) !== "node"));
  // `only`: the files a fresh realm loads (declaring all of them again for each of 200 files
  // cost more than the rest of a realm's reset).
  const declareFiles = (prefix, only = null) => {
    registry.reset();
    registry.canonicalUrl = adapter.canonicalUrl ?? null;
    for (const { file, url, load } of files) {
      if (only === null || only.has(file)) registry.addFile(file, realmUrl(url ?? importedUrl(load), prefix));
    }
  };
  declareFiles(undefined);
  // The realm as it was before the first test file loaded; a `fresh` load goes back to it.
  let realm = null;
  // Where project modules of the current realm are served from (the browser's realm prefix).
  let prefix;
  // The epoch of the current run; 0 until the first `load` (only stray output can precede it).
  let run = 0;
  // The id of the test being run, for console attribution; undefined between tests.
  let currentTest;
  // The command being executed (`run-test` or `finish`): hook messages answer it.
  let currentCommand;
  // A beforeAll/afterAll hook (or a beforeAll's cleanup) is running: its output belongs to its
  // group, not to the test whose command happened to open or close that group.
  let inGroupHook = false;
  // The beforeAll/afterAll hook running now (a GroupHookCallbacks), whose own callbacks fail it.
  let runningGroupHook;
  let loadErrors = null;
  const queue = [];
  let busy = false;
  const within = adapter.within ?? ((_id, body) => body());
  const scheduledBy = adapter.scheduledBy ?? (() => undefined);
  // Node restores the context when `body` returns; the browser's timer tracking when the hook
  // settles (browser.js), whose timers are then the hook's, not the test's.
  const withinHook = adapter.withinHook ?? ((_hook, body) => body());
  const runner = new Runner({
    reportHookError: (origin, error) => send({ type: "error", run, origin, error: serializeError(error) }),
    hookStarted: (kind, group, index) => {
      if (kind !== "beforeEach" && kind !== "afterEach") inGroupHook = true;
      const message = { type: "hook-started", run, command: currentCommand, hook: HOOK_KINDS[kind], file: group.file, groups: group.groupNames };
      // A cleanup is declared nowhere: it has no place and no timeout of its own (the suite's
      // timeout applies).
      const declared = kind === "cleanup" ? undefined : group.hookSites[kind]?.[index];
      if (declared?.site !== undefined) message.location = declared.site;
      if (declared?.timeout !== undefined) message.timeout = declared.timeout;
      send(message);
    },
    groupHookScope: (kind, group, index, body) => {
      const declared = kind === "cleanup" ? undefined : group.hookSites[kind]?.[index];
      const hook = new GroupHookCallbacks(kind, group, declared?.called);
      runningGroupHook = hook;
      return withinHook(hook, body);
    },
    hookFinished: () => {
      runningGroupHook = undefined;
      inGroupHook = false;
      send({ type: "hook-finished", run, command: currentCommand });
    },
    timeoutChanged: (timeout) => send({ type: "timeout-changed", run, command: currentCommand, timeout }),
    attemptFailed: (test, attempt, attempts, durationMs, error) =>
      send({
        type: "attempt-failed",
        run,
        replyTo: currentCommand,
        test: test.id,
        attempt,
        attempts,
        durationMs,
        error: serializeError(error),
      }),
    fileStarted: (root) => environments?.show(root.file),
    fileDone: (root) => {
      const report = finishSnapshotFile(root.scope.file, root.scope.tests);
      if (report !== null) send({ type: "snapshot-file", run, ...report });
      const closing = environments?.done(root.file);
      if (closing instanceof Promise) closing.catch((error) => reportInternal(error));
    },
  });

  /** The first message on a new connection. */
  function hello() {
    send({ type: "hello", protocol: PROTOCOL_VERSION, runtime: adapter.runtimeInfo() });
  }

  /** Handles one message from the host. */
  function receive(message) {
    switch (message?.type) {
      case "load":
        return enqueue(() => load(message));
      case "run-test":
        return enqueue(() => runTest(message));
      case "finish":
        return enqueue(() => finish(message));
      case "ping":
        return send({ type: "pong", replyTo: message.id });
      case "shutdown":
        return adapter.exit();
      default:
        return send({
          type: "error",
          run,
          origin: "controller",
          error: { name: "ProtocolError", message: `unknown host message type ${JSON.stringify(message?.type)}` },
        });
    }
  }

  function enqueue(command) {
    queue.push(command);
    if (!busy) drain();
  }

  // Runs queued commands synchronously until one returns a promise, then resumes after it.
  function drain() {
    while (queue.length > 0) {
      let pending;
      try {
        pending = queue.shift()();
      } catch (error) {
        reportInternal(error);
      }
      if (pending instanceof Promise) {
        busy = true;
        pending.then(resume, (error) => {
          reportInternal(error);
          resume();
        });
        return;
      }
    }
  }

  // After an asynchronous command (a test), the next one starts on a later turn of the event
  // loop where the runtime offers one (node's setImmediate), as mocha starts each test: I/O that
  // finished with the test (a server closing a keep-alive socket) is seen before the next test
  // reuses it. Commands pipelined by the host would otherwise start in the same microtask chain.
  function resume() {
    const next = () => {
      busy = false;
      drain();
    };
    if (adapter.nextTurn === undefined) next();
    else adapter.nextTurn(next);
  }

  function reportInternal(error) {
    send({ type: "error", run, origin: "controller", error: serializeError(error) });
  }

  // Vitest's workers set `TEST` and `VITEST` (code under test reads them, e.g. to turn colour
  // off); in node, a run with files importing `vitest` gets them unless the user set them.
  function markVitestEnv() {
    if (typeof process === "undefined" || typeof process.versions?.node !== "string") return;
    process.env.TEST ??= "true";
    process.env.VITEST ??= "true";
  }

  async function load(message) {
    run = message.run;
    currentTest = undefined;
    // Files importing `vitest` are collected as Vitest does (registry.js).
    registry.setVitestFiles(message.vitest ?? []);
    if (message.vitest?.length > 0) markVitestEnv();
    if (realm === null) realm = captureRealm({ clearTimers: adapter.clearTimers });
    if (message.fresh) {
      // The host closed the previous file's groups; what it did to the realm goes now.
      setupSnapshots(null);
      await realm.restore();
      prefix = adapter.freshModules?.();
      declareFiles(prefix, message.only?.length > 0 ? new Set(message.only) : null);
      loadErrors = null;
    } else if (prefix === undefined && message.only?.length > 0 && adapter.prefixesEveryRealm) {
      // The first file of an isolated run (a fresh page) gets a realm prefix too, so what is
      // served for its realm alone (the browser's module mocks) stays in it.
      prefix = adapter.freshModules?.();
      declareFiles(prefix);
    }
    // Modules are cached, so a second `load` in the same runtime cannot re-register: it starts
    // the new run from a clean slate of groups and reports the same tree.
    if (loadErrors !== null) {
      // The abandoned run's files close here: their snapshots must not reach the new run.
      setupSnapshots(null);
      currentCommand = message.id;
      await runner.finish();
    } else {
      // Files the host already knows never finish loading are left out (see the driver).
      const skip = new Set(message.skip ?? []);
      const only = message.only?.length > 0 ? new Set(message.only) : null;
      const chosen = files
        .filter(({ file }) => !skip.has(file) && (only === null || only.has(file)))
        .map((entry) => (prefix === undefined ? entry : { ...entry, load: () => entry.load(realmUrl(entry.url, prefix)) }));
      const progress = {
        loading: (file) => send({ type: "file-loading", run, file }),
        // With one file (each load of an isolated run) `loaded` follows at once and says as much.
        loaded: chosen.length === 1 ? () => {} : (file) => send({ type: "file-loaded", run, file }),
      };
      loadErrors = await (sequential || message.sequential || perFile
        ? loadOneByOne(chosen, progress, perFile ? prepareFile : undefined)
        : loadRequiringFirst(chosen, progress));
      if (environments !== null) releaseEnvironments(chosen);
    }
    setupSnapshots(message.snapshots);
    setupFileSnapshots(message.fileSnapshots, message.snapshots?.update, (path, content) =>
      send({ type: "file-snapshot", run, path, content }),
    );
    const tests = registry.tests.map(describeTest);
    const autorun = autorunCommands(message, tests, loadErrors);
    const reply = { type: "loaded", run, replyTo: message.id, tests, loadErrors };
    if (autorun !== null) reply.autorun = true;
    send(reply);
    // Ahead of anything the host sends after this load: they are the file's first commands.
    if (autorun !== null) queue.unshift(...autorun.map((command) => () => runTest(command)));
  }

  /**
   * Readies the realm for `entry`'s file before it is imported: its environment, then the
   * setup files (the registry already attributes declarations to the file), imported under the
   * realm's prefix so they share the test file's module instances.
   */
  async function prepareFile(entry) {
    if (environments !== null) await environments.enter(entry.file, environmentOf(entry));
    await runSetupFiles(entry.file, (url) => realmUrl(url, prefix));
  }

  // A file that failed to load, or declared no test, never starts nor finishes in the runner:
  // its environment is closed now.
  function releaseEnvironments(chosen) {
    for (const { file } of chosen) {
      if ((registry.scopes.get(file)?.tests.length ?? 0) > 0) continue;
      const closing = environments.done(file);
      if (closing instanceof Promise) closing.catch((error) => reportInternal(error));
    }
  }

  function runTest(message) {
    const test = registry.byId.get(message.test);
    if (test === undefined || typeof test.fn !== "function") {
      return sendResult(message, { status: "failed", durationMs: 0, error: unrunnable(message.test, test) });
    }
    currentTest = test.id;
    currentCommand = message.id;
    applyMockHygiene(mockHygiene);
    setRunningTest(test);
    beginSnapshotTest(test);
    const tries = { retries: message.retries, attempt: message.attempt, retryDelay: message.retryDelay };
    const result = within(test.id, () => runner.runTest(test, message.timeout, tries));
    if (result instanceof Promise) return result.then((settled) => sendResult(message, settled, test));
    sendResult(message, result, test);
  }

  function sendResult(message, result, test) {
    currentTest = undefined;
    if (test !== undefined) endSnapshotTest(test, result.status === "passed");
    setRunningTest(null);
    const reply = {
      type: "test-finished",
      run,
      replyTo: message.id,
      test: message.test,
      status: result.status,
      durationMs: result.durationMs,
    };
    if (result.status === "failed") reply.error = serializeError(result.error);
    // Which try settled it, of how many, when there was more than one.
    if (result.attempts > 1) {
      reply.attempt = result.attempt;
      reply.attempts = result.attempts;
    }
    send(reply);
  }

  function finish(message) {
    currentTest = undefined;
    currentCommand = message.id;
    const closing = runner.finish();
    const reply = () => send({ type: "finished", run, replyTo: message.id });
    // Callbacks the last tests left behind get a brief chance to print or throw, so what they
    // say is reported rather than lost when the runtime shuts down. Between files (`quick`) the
    // next file's fresh realm clears them instead.
    const settle = () => (adapter.settle && !message.quick ? adapter.settle() : undefined);
    if (closing instanceof Promise) return closing.then(settle).then(reply);
    const settling = settle();
    if (settling instanceof Promise) return settling.then(reply);
    reply();
  }

  /**
   * Sends runtime output, attributed to the running test if there is one; output from a
   * callback an earlier test scheduled names that test as `after` instead.
   */
  function output(stream, level, text) {
    const origin = scheduledBy();
    if (inGroupHook || origin instanceof GroupHookCallbacks) {
      send({ type: "console", run, stream, level, text });
    } else if (origin !== undefined && origin !== currentTest) {
      send({ type: "console", run, after: origin, stream, level, text });
    } else if (currentTest === undefined) {
      send({ type: "console", run, stream, level, text });
    } else {
      send({ type: "console", run, test: currentTest, stream, level, text });
    }
  }

  /**
   * An uncaught exception or unhandled rejection: it fails the test or hook being awaited, if
   * any, and is otherwise reported on its own.
   * @param {"uncaught exception" | "unhandled rejection"} origin
   */
  function reportUncaught(origin, error) {
    const scheduler = scheduledBy(origin);
    if (scheduler instanceof GroupHookCallbacks && scheduler !== runningGroupHook) {
      // A callback a beforeAll/afterAll hook left behind (a test server's timer or socket).
      // mocha fails the test running when it throws; Vitest and Jest fail no test, only the run
      // (Vitest names the latest test). mocha ignores such an unhandled rejection: reported
      // here on its own, so it is not lost, but it fails no test mocha passes.
      if (scheduler.mocha && origin === "uncaught exception" && runner.failCurrent(error)) return;
      const running = currentTest === undefined ? "" : `, while ${currentTest} was running`;
      send({ type: "error", run, origin: `${origin} from a callback of the ${scheduler.name}${running}`, error: serializeError(error) });
      return;
    }
    if (scheduler !== undefined && !(scheduler instanceof GroupHookCallbacks) && scheduler !== currentTest) {
      // Thrown by a callback of a test that already ended: never the running test's failure.
      send({ type: "error", run, origin, after: scheduler, error: serializeError(error) });
      return;
    }
    if (runner.failCurrent(error)) return;
    send({ type: "error", run, origin, error: serializeError(error) });
  }

  /**
   * The page holds what a fresh realm cannot undo (page-taint.js): the host gives the next file
   * a fresh page.
   */
  function pageTainted(what) {
    send({ type: "page-tainted", run, what });
  }

  return { receive, hello, output, reportUncaught, pageTainted };
}

/**
 * Imports every file at once and resolves with the load errors, in plan order. Each import
 * settles on its own, so a file that throws or fails to import is a load error for that file
 * alone, and the files that went on evaluating meanwhile keep their tests.
 */
function loadFiles(files, progress) {
  const errors = new Array(files.length);
  // Files importing `vitest`, whose describe bodies wait until every import has settled: an
  // async body must not take in what another file declares while it is awaiting.
  const deferred = [];
  const loads = files.map(({ file, load: importFile }, index) => {
    let pending;
    registry.beginFile(file);
    try {
      pending = importFile();
    } catch (error) {
      pending = Promise.reject(error);
    } finally {
      registry.endFile();
    }
    return Promise.resolve(pending).then(
      () => {
        if (registry.defersCollection(file)) {
          deferred.push({ file, index });
          return;
        }
        registry.settleFile(file, false);
        progress.loaded(file);
      },
      (error) => {
        registry.settleFile(file, true);
        errors[index] = { file, error: serializeError(error) };
        progress.loaded(file);
      },
    );
  });
  return Promise.all(loads).then(async () => {
    deferred.sort((a, b) => a.index - b.index);
    for (const { file, index } of deferred) {
      try {
        await registry.collect(file);
        registry.settleFile(file, false);
      } catch (error) {
        registry.settleFile(file, true);
        errors[index] = { file, error: serializeError(error) };
      }
      progress.loaded(file);
    }
    return errors.filter((error) => error !== undefined);
  });
}

/**
 * `loadFiles`, after the files that `require` (the host marks them `requires`) have loaded one
 * at a time: node's `require` of an ES module that another file's `import` has begun and not
 * finished fails ("not yet fully loaded"), and while they load alone no import is under way.
 * Load errors stay in plan order.
 */
async function loadRequiringFirst(files, progress) {
  const requiring = files.filter((entry) => entry.requires === true);
  if (requiring.length === 0) return loadFiles(files, progress);
  const errors = await loadOneByOne(requiring, progress);
  errors.push(...(await loadFiles(files.filter((entry) => entry.requires !== true), progress)));
  const order = new Map(files.map(({ file }, index) => [file, index]));
  return errors.sort((a, b) => order.get(a.file) - order.get(b.file));
}

/**
 * Imports the files one after another, the whole of each import attributed to its file. Slower
 * than `loadFiles`, but it needs nothing from the stack. `prepare(entry)`, when given, readies
 * the realm for each file first (its environment and setup files); what it throws is the
 * file's load error.
 */
async function loadOneByOne(files, progress, prepare) {
  const errors = [];
  for (const entry of files) {
    const { file, load: importFile } = entry;
    // Said before the import starts: a file whose top level spins is then named by the host.
    progress.loading(file);
    registry.beginFile(file);
    try {
      if (prepare !== undefined) await prepare(entry);
      await importFile();
      await registry.collect(file);
      registry.settleFile(file, false);
    } catch (error) {
      registry.settleFile(file, true);
      errors.push({ file, error: serializeError(error) });
    } finally {
      registry.endFile();
    }
    progress.loaded(file);
  }
  return errors;
}

/**
 * `url` as the realm under `prefix` serves it: `http://host/@realm/3/test/a.test.js` for
 * `http://host/test/a.test.js`. Without a prefix (node, bundles) the URL stays.
 */
function realmUrl(url, prefix) {
  if (prefix === undefined || url === undefined) return url;
  const parsed = new URL(url);
  return `${parsed.origin}${prefix}${parsed.pathname}${parsed.search}`;
}

// An entry without `url` (an older host) still names the URL in its `load: () => import("…")`.
function importedUrl(load) {
  const match = /import\(\s*(["'`])([^"'`]+)\1\s*\)/.exec(String(load));
  return match ? match[2] : undefined;
}

/**
 * The `run-test` commands a `load` with `autorun` stands for (the protocol's `Autorun`): every
 * test of mode `run`, in registration order, from command id `first` on. Null when the load did
 * not ask, or the file is not what autorun covers (a load error; a test with `only`, or with
 * retries or repeats of its own): the host then sends the commands itself.
 */
function autorunCommands(message, tests, loadErrors) {
  const autorun = message.autorun;
  if (!autorun || loadErrors?.length > 0) return null;
  if (tests.some((test) => test.mode === "only" || test.retries !== undefined || test.repeats !== undefined)) return null;
  const commands = [];
  for (const test of tests) {
    if (test.mode !== "run") continue;
    const id = autorun.first + commands.length;
    commands.push({ type: "run-test", run: message.run, id, test: test.id, timeout: test.timeout ?? autorun.timeout });
  }
  return commands;
}

/** A registered test as the `loaded` message lists it (its function stays here). */
function describeTest(test) {
  const described = {
    id: test.id,
    file: test.file,
    groups: test.groups,
    name: test.name,
    mode: test.mode,
    tags: test.tags,
  };
  if (test.timeout !== undefined) described.timeout = test.timeout;
  if (test.retries !== undefined) described.retries = test.retries;
  if (test.repeats !== undefined) described.repeats = test.repeats;
  return described;
}

function unrunnable(id, test) {
  if (test === undefined) {
    return new Error(
      `no test with id ${JSON.stringify(id)} was registered; the test files may have changed ` +
        `since the plan was made, or the file failed to load`,
    );
  }
  return new Error(`test ${JSON.stringify(id)} has no function to run (it is declared with ${test.mode === "todo" ? ".todo" : ".skip and no body"})`);
}
