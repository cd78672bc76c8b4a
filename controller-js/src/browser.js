// The browser adapter: connects the controller core to the host over a websocket from a page
// the host serves, and captures what the page prints or throws.
//
// The host's generated entry calls `startBrowser({ url, files })`. console output travels to the
// host as `console` messages (and is also kept in the page's own console, where a person
// debugging in devtools looks for it); uncaught errors and unhandled rejections fail the running
// test. The page has no process to exit: `shutdown` just closes the socket.
//
// A page has no asynchronous context to ask which test a callback belongs to, so the timers are
// wrapped: a `setTimeout`/`setInterval` callback runs as the test that scheduled it, and what it
// prints or throws after that test ended is reported as that test's, not the running one's.

import { installBrowserMocks } from "./browser-mocks.js";
import { captureConsole } from "./console.js";
import { createController } from "./controller.js";
import { prepareAutomaticMocks, resetModuleMocks } from "./module-mocks.js";
import { browserRuntimeInfo, socketUrl } from "./page.js";
import { watchPageTaint } from "./page-taint.js";
import { trackPendingTimers, watchPackageGlobals } from "./realm.js";
import { installRealmImportMap, realmPrefix } from "./realm-map.js";
import { beforeSetupFiles } from "./setup-files.js";

// How long the end of a run waits for timeouts the tests left pending.
const SETTLE_MS = 200;

/**
 * Wraps `scope`'s setTimeout and setInterval so each callback runs as the test that scheduled
 * it. `within(id, body)` runs a test (the test stays the scheduler until the next one starts,
 * since its asynchronous part outlives `body`); `withinHook(hook, body)` runs a beforeAll /
 * afterAll hook, whose timers (also those its asynchronous part starts) are the hook's until it
 * settles; `scheduledBy()` names the test (or hook) whose callback is running, if any;
 * `rejectedBy()` also names the hook whose callback ran last, when no other callback or test
 * came since: a page reports a promise chain's unhandled rejection in a task of its own, right
 * after the callback that started the chain; `settle()` waits up to SETTLE_MS for pending
 * timeouts. A callback that throws goes to `report` while it still runs as its test.
 */
export function trackTimers(scope, report) {
  let scheduler;
  let firing;
  // The hook whose timer callback ran last (see rejectedBy), and the owners that are hooks.
  let settled;
  const hooks = new WeakSet();
  const pending = new Set();
  const { setTimeout: realSetTimeout, clearTimeout: realClearTimeout, setInterval: realSetInterval } = scope;
  const wrap = (callback, owner, once, idOf) =>
    function (...args) {
      const outer = firing;
      firing = owner;
      if (once) pending.delete(idOf());
      try {
        return callback.apply(this, args);
      } catch (error) {
        report(error);
      } finally {
        firing = outer;
        settled = outer === undefined && typeof owner === "object" && hooks.has(owner) ? owner : undefined;
      }
    };
  scope.setTimeout = function (callback, ...rest) {
    if (typeof callback !== "function") return realSetTimeout.call(this, callback, ...rest);
    let id;
    id = realSetTimeout.call(this, wrap(callback, scheduler, true, () => id), ...rest);
    pending.add(id);
    return id;
  };
  scope.clearTimeout = function (id) {
    pending.delete(id);
    return realClearTimeout.call(this, id);
  };
  scope.setInterval = function (callback, ...rest) {
    if (typeof callback !== "function") return realSetInterval.call(this, callback, ...rest);
    return realSetInterval.call(this, wrap(callback, scheduler, false, () => undefined), ...rest);
  };
  return {
    within(id, body) {
      scheduler = id;
      settled = undefined;
      return body();
    },
    withinHook(hook, body) {
      const outer = scheduler;
      hooks.add(hook);
      scheduler = hook;
      settled = undefined;
      const restore = () => {
        if (scheduler === hook) scheduler = outer;
      };
      let result;
      try {
        result = body();
      } catch (error) {
        restore();
        throw error;
      }
      // The runner awaits the hook's promise after this reaction: the test comes back first.
      if (result instanceof Promise) result.then(restore, restore);
      else restore();
      return result;
    },
    scheduledBy: () => firing,
    rejectedBy: () => firing ?? settled,
    settle() {
      if (pending.size === 0) return undefined;
      const until = Date.now() + SETTLE_MS;
      return new Promise((resolve) => {
        const poll = () => (pending.size > 0 && Date.now() < until ? realSetTimeout(poll, 5) : resolve());
        realSetTimeout(poll, 5);
      });
    },
  };
}

/**
 * Resolves once every `<link rel="stylesheet">` of `document` has loaded (or failed); null
 * when none is pending.
 */
export function stylesheetsLoaded(document) {
  const pending = [...document.querySelectorAll('link[rel="stylesheet"]')].filter((link) => link.sheet === null);
  if (pending.length === 0) return null;
  return Promise.all(
    pending.map(
      (link) =>
        new Promise((resolve) => {
          link.addEventListener("load", resolve, { once: true });
          link.addEventListener("error", resolve, { once: true });
          // Loaded between the query and the listeners: nothing more will fire.
          if (link.sheet !== null) resolve();
        }),
    ),
  );
}

/**
 * Connects to the host and serves its commands until shutdown.
 * @param {{ url: string, files: { file: string, url?: string, load(at?: string): Promise<unknown> }[], sequential?: boolean, realms?: boolean }} options
 *   `sequential` (a bundle, whose stack frames name no test file) loads the files one at a time.
 *   `realms`: the server serves the files under `/@realm/<n>` too (native ES modules), so each
 *   file's fresh realm gets fresh module instances. `setupFiles` run before each test file
 *   (setup-files.js).
 * @returns {Promise<void>} settles once the connection is open and `hello` is sent
 */
export function startBrowser({ url, files, setupFiles = [], sequential = false, realms = false, mockHygiene }) {
  const socket = new WebSocket(socketUrl(url));
  const outbox = [];
  let open = false;
  const send = (message) => {
    const text = JSON.stringify(message);
    if (open) socket.send(text);
    else outbox.push(text);
  };
  const timers = trackTimers(globalThis, (error) => controller.reportUncaught("uncaught exception", error));
  const adapter = {
    runtimeInfo: browserRuntimeInfo,
    exit: () => socket.close(1000, "shutdown"),
    within: timers.within,
    withinHook: timers.withinHook,
    scheduledBy: (origin) => (origin === "unhandled rejection" ? timers.rejectedBy() : timers.scheduledBy()),
    settle: timers.settle,
    clearTimers: () => pending.clearAll(),
    // The server serves every project URL again under `/@realm/<n>`: the browser's module map
    // then holds a new instance of each project module for the next file, while bare imports
    // (packages, proctor itself) map to the same shared URLs.
    freshModules: () => {
      if (!realms) return undefined;
      // The file before's module mocks go with its realm (as node.js's fresh realm drops them).
      resetModuleMocks();
      realm += 1;
      // Aliased and extensionless imports of project files must stay in the realm too.
      installRealmImportMap(realm);
      return realmPrefix(realm);
    },
    // Module mocks are served per realm prefix, so the first file gets one too.
    prefixesEveryRealm: realms,
  };
  let realm = 0;
  // Module mocks replace a module for one realm; a bundle (`realms` false) has no module URLs.
  installBrowserMocks({ realm: () => (realm > 0 ? realmPrefix(realm) : undefined), bundled: !realms });
  const pending = trackPendingTimers(globalThis);
  // A stylesheet in the page (the bundle's CSS, a custom page's <link>) applies before any test
  // file loads: a test that reads a computed style must not race its download.
  const styled = stylesheetsLoaded(document);
  // Jest's automatic root `__mocks__` packages apply to what the setup files import in the
  // file's realm too, as in Jest (whose setup files require through the test file's registry):
  // registered before those run.
  const urls = new Map(files.map((entry) => [entry.file, entry.url]));
  beforeSetupFiles((file, locate) => {
    if (realms && urls.has(file)) prepareAutomaticMocks(file, locate(urls.get(file)));
  });
  const ready = (entry) => {
    // Jest's automatic root `__mocks__` packages are registered just before the file's imports
    // (if its setup files did not already).
    const load = (at) => {
      prepareAutomaticMocks(entry.file, at ?? entry.url);
      return entry.load(at);
    };
    return { ...entry, load: styled === null ? load : (at) => styled.then(() => load(at)) };
  };
  const controller = createController({ send, adapter, files: files.map(ready), setupFiles, sequential, mockHygiene });
  // Custom elements the realm's modules define stay in the page: the next file needs a new one.
  if (realms) watchPageTaint({ report: (what) => controller.pageTainted(what) });
  // What a package adds to the page as it is evaluated stays for the next files' realms.
  if (realms) watchPackageGlobals(globalThis);
  const original = {};
  for (const method of ["log", "info", "debug", "warn", "error", "trace"]) original[method] = console[method];
  captureConsole(console, {
    emit: (stream, level, text) => {
      controller.output(stream, level, text);
      // Keep the page's own console useful for a person with devtools open.
      (stream === "stderr" ? original.error : original.log)?.call(console, text);
    },
  });
  window.addEventListener("error", (event) => {
    event.preventDefault();
    controller.reportUncaught("uncaught exception", event.error ?? new Error(event.message));
  });
  window.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    controller.reportUncaught("unhandled rejection", event.reason);
  });
  return new Promise((resolve) => {
    socket.addEventListener("open", () => {
      open = true;
      controller.hello();
      for (const text of outbox.splice(0)) socket.send(text);
      resolve();
    });
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      controller.receive(message);
    });
  });
}
