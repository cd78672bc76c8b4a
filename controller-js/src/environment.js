// Test environments for node: the globals of a browser window (jsdom's or happy-dom's) laid
// over node's, as Vitest's `environment` and Jest's `testEnvironment` give them.
//
// `createEnvironment(name, { root })` makes one window from the project's own jsdom or
// happy-dom (resolved from the project root, so the version the project installed is the one
// used; proctor carries neither). An environment is installed onto globalThis and uninstalled
// synchronously, so the controller can keep one window per test file and put the right one in
// place whenever it moves between files; `close()` ends the window for good. Installing follows
// Vitest's populateGlobal: every property of the window that node lacks becomes a global (a
// getter onto the window, functions bound to it), and the few DOM classes node also has (Event,
// EventTarget, Blob, ...) are replaced, so `new Event()` is the window's and dispatchEvent
// accepts it; node's own timers, console, process and JavaScript builtins stay. `window`,
// `self`, `top`, `parent` and `document.defaultView` are globalThis itself. Uninstalling
// deletes what was added and puts node's replaced globals back.
//
// The controller uses `fileEnvironments` (one window per test file, made as the file loads,
// put in place whenever the file loads or runs, closed when its last test and afterAll hooks are
// done), which serves a fresh realm per file and one shared realm alike.
// `enterEnvironment` / `leaveEnvironment` are the one-at-a-time form, for a caller that manages
// a single environment itself.

import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadForController } from "./node-modules.js";

/** The environments a test file can name; `node` adds nothing. */
export const ENVIRONMENTS = ["node", "jsdom", "happy-dom"];

/** The URL the window's document has, as in Vitest and Jest (`http://localhost/` in Jest). */
const DEFAULT_URL = "http://localhost:3000/";

/** Globals that name the global object itself. */
const SELF_KEYS = ["window", "self", "top", "parent"];

/** Window methods and properties that live on the window's prototype rather than on it. */
const PROTOTYPE_KEYS = [
  "addEventListener", "removeEventListener", "dispatchEvent", "matchMedia", "getComputedStyle",
  "requestAnimationFrame", "cancelAnimationFrame", "scroll", "scrollBy", "scrollTo", "CSS",
];

/**
 * Node globals the window's own version replaces: DOM classes whose instances the window's
 * methods check (`dispatchEvent(new Event("x"))` must get the window's Event), per package.
 */
const REPLACED = {
  jsdom: ["DOMException", "EventTarget", "Event", "CustomEvent", "MessageEvent", "FormData", "Blob", "File", "navigator"],
  "happy-dom": [
    "DOMException", "EventTarget", "Event", "CustomEvent", "MessageEvent", "FormData", "Blob", "File", "navigator",
    "Request", "Response", "Headers", "fetch", "MessagePort", "AbortController", "AbortSignal", "URL", "URLSearchParams",
  ],
};

/**
 * Whether plain node has a global, read before any environment is installed (later, an
 * installed window's globals would hide what node lacks).
 */
const nodeHas = ((names) => (key) => names.has(key) || key in Object.prototype)(
  new Set(Object.getOwnPropertyNames(globalThis)),
);

/** The environment installed on globalThis now, or null (plain node). */
let installed = null;
/** The environment `enterEnvironment` made, which `leaveEnvironment` closes. */
let entered = null;

/**
 * Makes a window for `name` without installing it; null for `node`. Throws a clear error when
 * the name is unknown or the project lacks the package.
 * @param {string} name
 * @param {{ root: string, url?: string }} options `root` is the project root the package is resolved from
 * @returns {Promise<null | { name: string, install(): void, uninstall(): void, close(): Promise<void> }>}
 */
export async function createEnvironment(name, { root, url = DEFAULT_URL }) {
  if (name === undefined || name === "node") return null;
  if (!ENVIRONMENTS.includes(name)) {
    throw new Error(`unknown environment "${name}" (proctor knows ${ENVIRONMENTS.map((n) => `"${n}"`).join(", ")})`);
  }
  // The window's package stays loaded across realms: the controller, not the test file, owns it.
  return loadForController(async () => {
    const module = await importFromProject(name, root);
    return name === "jsdom" ? jsdomEnvironment(module, url) : happyDomEnvironment(module, url);
  });
}

/** Installs `environment` (null: none) in place of the one installed now. */
export function useEnvironment(environment) {
  if (installed === environment) return;
  installed?.uninstall();
  installed = null;
  environment?.install();
  installed = environment;
}

/** The environment installed now, or null. */
export function installedEnvironment() {
  return installed;
}

/**
 * Makes and installs a fresh `name` environment, closing the one entered before (the realm
 * reset between test files calls this).
 */
export async function enterEnvironment(name, options) {
  await leaveEnvironment();
  entered = await createEnvironment(name, options);
  useEnvironment(entered);
}

/** Uninstalls and closes the environment `enterEnvironment` made, if any. */
export async function leaveEnvironment() {
  const leaving = entered;
  entered = null;
  if (leaving === null) return;
  if (installed === leaving) useEnvironment(null);
  await leaving.close();
}

/** Imports the package from the project's node_modules (the host's own has none). */
async function importFromProject(name, root) {
  const require = createRequire(join(root, "package.json"));
  let resolved;
  try {
    resolved = require.resolve(name);
  } catch {
    throw new Error(
      `environment "${name}" needs the npm package ${name}, which is not installed in ${root} ` +
        `(hint: npm install -D ${name})`,
    );
  }
  const module = await import(pathToFileURL(resolved).href);
  // A CommonJS package (jsdom) is its default export; named exports are a bonus of node's lexer.
  return { ...(typeof module.default === "object" ? module.default : {}), ...module };
}

function jsdomEnvironment({ JSDOM }, url) {
  // Without `runScripts` (Jest's and Vitest's is "dangerously"): the tests run in node's realm,
  // not the window's, and a window made to run scripts hides its interfaces (HTMLElement,
  // MouseEvent, ...) from Object.getOwnPropertyNames in jsdom 26 and earlier.
  const dom = new JSDOM("<!DOCTYPE html>", { url, pretendToBeVisual: true });
  acceptNodeAbortSignals(dom.window);
  return windowEnvironment("jsdom", dom.window, {
    extra: { jsdom: dom },
    close: async () => dom.window.close(),
  });
}

/**
 * `AbortController` stays node's (fetch needs node's signal), but jsdom's addEventListener
 * rejects a `signal` that is not its own. As Vitest does, a node signal is given to jsdom as
 * a jsdom signal that aborts with it, one per node signal.
 */
function acceptNodeAbortSignals(window) {
  const { AbortController: WindowAbortController, AbortSignal: WindowAbortSignal, EventTarget } = window;
  if (typeof EventTarget !== "function" || typeof WindowAbortSignal !== "function") return;
  const original = EventTarget.prototype.addEventListener;
  const linked = new WeakMap();
  const windowSignal = (signal) => {
    if (!linked.has(signal)) {
      const controller = new WindowAbortController();
      if (signal.aborted) controller.abort(signal.reason);
      else signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
      linked.set(signal, controller.signal);
    }
    return linked.get(signal);
  };
  EventTarget.prototype.addEventListener = function addEventListener(type, callback, options) {
    if (typeof options === "object" && options?.signal != null && !(options.signal instanceof WindowAbortSignal)) {
      options = { ...options, signal: windowSignal(options.signal) };
    }
    return original.call(this, type, callback, options);
  };
}

function happyDomEnvironment({ Window, GlobalWindow }, url) {
  const window = new (GlobalWindow ?? Window)({ url, console: globalThis.console, settings: { disableErrorCapturing: true } });
  return windowEnvironment("happy-dom", window, {
    extra: {},
    close: async () => {
      await window.happyDOM?.abort?.();
      window.close?.();
    },
  });
}

/**
 * An environment laying `window`'s globals over globalThis while installed.
 * @param {{ extra: Record<string, unknown>, close(): Promise<void> }} options
 */
function windowEnvironment(name, window, { extra, close }) {
  const replaced = REPLACED[name];
  const keys = windowKeys(window, replaced);
  // Errors thrown by event listeners: the window reports them as `error` events and would
  // otherwise only print them; as in Vitest, one nobody listens for fails the running test.
  const onError = (event) => {
    if (listeningForErrors === 0 && event.error != null) {
      event.preventDefault();
      process.emit("uncaughtException", event.error);
    }
  };
  let listeningForErrors = 0;
  const addEventListener = window.addEventListener.bind(window);
  const removeEventListener = window.removeEventListener.bind(window);
  addEventListener("error", onError);
  window.addEventListener = function (type, ...rest) {
    if (type === "error") listeningForErrors++;
    return addEventListener(type, ...rest);
  };
  window.removeEventListener = function (type, ...rest) {
    if (type === "error" && listeningForErrors > 0) listeningForErrors--;
    return removeEventListener(type, ...rest);
  };
  let originals = null;
  return {
    name,
    install() {
      const global = globalThis;
      originals = new Map();
      const overrides = new Map();
      const bound = new Map();
      for (const key of [...keys, ...SELF_KEYS, ...Object.keys(extra)]) {
        const descriptor = Object.getOwnPropertyDescriptor(global, key);
        if (descriptor !== undefined) originals.set(key, descriptor);
      }
      for (const key of keys) {
        Object.defineProperty(global, key, {
          get() {
            if (overrides.has(key)) return overrides.get(key);
            const value = window[key];
            if (typeof value !== "function" || isClassName(key)) return value;
            // A method called as a global must still run on the window.
            if (!bound.has(value)) bound.set(value, value.bind(window));
            return bound.get(value);
          },
          set(value) {
            overrides.set(key, value);
          },
          configurable: true,
          enumerable: true,
        });
      }
      for (const key of SELF_KEYS) {
        Object.defineProperty(global, key, { value: global, writable: true, configurable: true, enumerable: true });
      }
      for (const [key, value] of Object.entries(extra)) {
        Object.defineProperty(global, key, { value, writable: true, configurable: true });
      }
      if (window.document?.defaultView) {
        Object.defineProperty(window.document, "defaultView", { get: () => global, configurable: true });
      }
    },
    uninstall() {
      const global = globalThis;
      for (const key of [...keys, ...SELF_KEYS, ...Object.keys(extra)]) {
        delete global[key];
        const original = originals?.get(key);
        if (original !== undefined) Object.defineProperty(global, key, original);
      }
      originals = null;
    },
    close,
  };
}

/** The window's properties that become globals: what node lacks, and the `replaced` ones. */
function windowKeys(window, replaced) {
  const keys = new Set();
  for (const key of [...Object.getOwnPropertyNames(window), ...PROTOTYPE_KEYS, ...replaced]) {
    if (key.startsWith("_") || SELF_KEYS.includes(key) || !(key in window)) continue;
    if (nodeHas(key) && !replaced.includes(key)) continue;
    keys.add(key);
  }
  return [...keys];
}

function isClassName(key) {
  return key[0] === key[0].toUpperCase();
}

/**
 * One environment per test file for a runtime that loads every file before running any test
 * (files share the realm): each file's window is made when the file loads and put in place
 * whenever that file loads or runs, and closed when the file is done.
 * @param {{ root: string, url?: string }} options
 */
export function fileEnvironments(options) {
  /** file → its environment (files in plain node have none). */
  const byFile = new Map();
  return {
    /** Makes `file`'s `name` environment and installs it (plain node for `node`). */
    async enter(file, name) {
      useEnvironment(null);
      const environment = await createEnvironment(name, options);
      if (environment !== null) byFile.set(file, environment);
      useEnvironment(environment);
    },
    /** Installs `file`'s environment (none for a file in plain node). */
    show(file) {
      useEnvironment(byFile.get(file) ?? null);
    },
    /** Closes `file`'s environment: its tests and afterAll hooks are done. */
    done(file) {
      const environment = byFile.get(file);
      if (environment === undefined) return undefined;
      byFile.delete(file);
      if (installed === environment) useEnvironment(null);
      return environment.close();
    },
  };
}
