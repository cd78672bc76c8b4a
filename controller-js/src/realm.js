// A fresh realm per test file, as Jest and Vitest give each file its own environment.
//
// The controller stays loaded (its socket, its registry, the host's session), and each test file
// gets the environment the first one found: `captureRealm()` records it before the first test
// file loads, and `restoreRealm()` brings it back before the next file loads:
// - globals: properties added to `globalThis` are deleted, replaced or deleted ones put back;
//   the same for the built-in constructors and prototypes (`Array.prototype.x = ...`,
//   `Date.now = ...`, `JSON.parse = ...`) and for `console`;
// - timers and immediates a file left pending are cleared (see `trackTimers`);
// - listeners a file added to `window`/`document`/`process` are removed;
// - in a page, the DOM goes back to the page as it was (head and body children and attributes,
//   own properties defined on `document`, the title), except the stylesheets modules added to
//   <head>: a package's CSS is imported once and must keep styling the next files;
// - likewise the globals a package module adds as it is evaluated (a UMD bundle's `window.axe`,
//   a polyfill's constructor) stay: in a page a package is evaluated once and shared by every
//   file's realm, so the next file imports it without running it again (`watchPackageGlobals`);
// - in node, `process.env` and the working directory go back;
// - module instances and mocks are the concern of the adapter and of the modules that own them,
//   which register with `onRealmReset` (node's module generations, the browser's realm prefix,
//   the module mocks, a jsdom environment).
// This is not a new V8 context: objects a package kept from an earlier file (a cache inside
// node_modules, which stays loaded, as it does within one Vitest worker) are shared. That keeps a
// fresh realm within a fraction of a millisecond per file.

// The built-ins whose own properties tests replace: constructors (static methods such as
// `Date.now`, `Math.random`) and prototypes (`Array.prototype.includes = ...`).
const BUILTIN_NAMES = [
  "Object", "Function", "Array", "String", "Number", "Boolean", "Symbol", "BigInt", "Date", "RegExp",
  "Error", "TypeError", "RangeError", "SyntaxError", "Promise", "Map", "Set", "WeakMap", "WeakSet",
  "ArrayBuffer", "Uint8Array", "DataView", "Proxy", "Reflect", "JSON", "Math", "Intl", "console",
];

const resetSteps = [];

// The realm recorded last, told what a package's evaluation added (see `watchPackageGlobals`);
// the controller captures its realm once.
let adopt = null;

/**
 * Registers `step` to run when a fresh realm starts, after the globals are back and before the
 * next file loads (module generations, mocks, environments). Steps run in registration order;
 * one may return a promise.
 */
export function onRealmReset(step) {
  resetSteps.push(step);
}

/**
 * Own property descriptors of `target`: its keys (strings and symbols) in order, their
 * descriptors at the same indexes, and both by key.
 */
function describe(target) {
  const keys = [];
  const descriptors = [];
  const byKey = new Map();
  for (const key of Reflect.ownKeys(target)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(target, key);
    if (descriptor === undefined) continue;
    keys.push(key);
    descriptors.push(descriptor);
    byKey.set(key, descriptor);
  }
  return { keys, descriptors, byKey };
}

function sameDescriptor(a, b) {
  return (
    a.value === b.value &&
    a.get === b.get &&
    a.set === b.set &&
    a.writable === b.writable &&
    a.enumerable === b.enumerable &&
    a.configurable === b.configurable
  );
}

/** Puts `key` of `target` back as it `was`, if `now` (its descriptor) lets it. */
function putBack(target, key, was, now) {
  if (now.configurable) Reflect.defineProperty(target, key, was);
  else if (now.writable && "value" in was) target[key] = was.value;
}

/**
 * Puts `target`'s own properties back as `baseline` recorded them. A property that cannot be
 * changed back (non-configurable, frozen since) is left alone: it is reported by nothing, as a
 * second realm could not have seen it differently in Jest either (it would have been the test's
 * own object).
 */
function restoreObject(target, baseline) {
  // A reset runs this over some 700 built-in properties for each test file, and a file rarely
  // adds or deletes any: while the keys are the recorded ones in the recorded order, each is
  // compared with the descriptor at its index, without a lookup by key.
  const keys = Reflect.ownKeys(target);
  const { keys: recorded, descriptors } = baseline;
  let same = keys.length === recorded.length;
  for (let index = 0; same && index < keys.length; index++) same = keys[index] === recorded[index];
  if (same) {
    for (let index = 0; index < keys.length; index++) {
      const now = Reflect.getOwnPropertyDescriptor(target, keys[index]);
      const was = descriptors[index];
      if (now !== undefined && !sameDescriptor(was, now)) putBack(target, keys[index], was, now);
    }
    return;
  }
  let present = 0;
  for (const key of keys) {
    const was = baseline.byKey.get(key);
    const now = Reflect.getOwnPropertyDescriptor(target, key);
    if (now === undefined) continue;
    if (was === undefined) {
      if (now.configurable) Reflect.deleteProperty(target, key);
      continue;
    }
    present++;
    if (!sameDescriptor(was, now)) putBack(target, key, was, now);
  }
  // Only when a recorded key went missing is the baseline walked for it.
  if (present === baseline.byKey.size) return;
  for (const [key, was] of baseline.byKey) {
    if (!Reflect.getOwnPropertyDescriptor(target, key)) Reflect.defineProperty(target, key, was);
  }
}

/** The objects whose own properties a realm reset puts back: the global and the built-ins. */
function trackedObjects(scope) {
  const objects = [scope];
  for (const name of BUILTIN_NAMES) {
    const value = scope[name];
    if (value === null || (typeof value !== "object" && typeof value !== "function")) continue;
    objects.push(value);
    if (typeof value === "function" && value.prototype) objects.push(value.prototype);
  }
  return objects;
}

/**
 * Records listeners added to `target` with addEventListener (or `on` for node's process) from
 * now on, so a reset can remove them.
 */
function trackListeners(target, add, remove) {
  const added = [];
  const original = target[add];
  if (typeof original !== "function") return () => {};
  const tracking = function (...args) {
    added.push(args);
    return original.apply(this, args);
  };
  Object.defineProperty(target, add, { value: tracking, writable: true, configurable: true });
  if (add === "on" && typeof target.addListener === "function") {
    Object.defineProperty(target, "addListener", { value: tracking, writable: true, configurable: true });
  }
  return () => {
    for (const args of added.splice(0).reverse()) {
      try {
        target[remove](...args);
      } catch {
        // A listener the test removed itself, or an object that refuses: nothing to undo.
      }
    }
  };
}

/** The DOM of a page as it was: attributes and children of <html>, <head> and <body>. */
function captureDocument(document) {
  const element = (node) => ({
    node,
    attributes: [...node.attributes].map((a) => [a.name, a.value]),
    // Each child as it was: the node itself, and its markup to tell whether a file changed it.
    children: [...node.childNodes].map((child) => ({ node: child, markup: markup(child), copy: child.cloneNode(true) })),
  });
  return {
    title: document.title,
    own: describe(document),
    html: element(document.documentElement),
    head: document.head ? element(document.head) : null,
    body: document.body ? element(document.body) : null,
  };
}

function markup(node) {
  return node.nodeType === 1 ? node.outerHTML : node.textContent;
}

// What a module put in <head> to style the page (a CSS import, a package's injected <style>):
// kept, since the module that added it is not evaluated again for the next file.
function isStyle(node) {
  return node.nodeType === 1 && (node.localName === "style" || (node.localName === "link" && /\bstylesheet\b/i.test(node.rel)));
}

/**
 * Makes `wanted` the children of `parent`, in order, without moving a child that already sits in
 * its place: a stylesheet <link> taken out of the document loses its sheet and loads again, and
 * the next file would race that download.
 */
function place(parent, wanted) {
  const keep = new Set(wanted);
  for (const child of [...parent.childNodes]) if (!keep.has(child)) child.remove();
  let cursor = parent.firstChild;
  for (const node of wanted) {
    if (cursor === node) cursor = cursor.nextSibling;
    else parent.insertBefore(node, cursor);
  }
}

function restoreDocument(document, saved) {
  restoreObject(document, saved.own);
  const restore = ({ node, attributes, children }, keepAdded) => {
    for (const { name } of [...node.attributes]) node.removeAttribute(name);
    for (const [name, value] of attributes) node.setAttribute(name, value);
    // A child still as it was stays itself (a stylesheet <link> is not fetched again, a script
    // not re-run); a changed one is replaced by a copy of what it was. Copies of scripts keep
    // their "already started" flag, so none runs again.
    const original = children.map((child) =>
      child.node.parentNode === node && markup(child.node) === child.markup ? child.node : child.copy.cloneNode(true),
    );
    const kept = [...node.childNodes].filter((child) => keepAdded(child) && !children.some((c) => c.node === child));
    place(node, [...original, ...kept]);
  };
  // A file that replaced <head> or <body> itself: put the originals back first.
  const { documentElement } = document;
  if (saved.head && document.head !== saved.head.node) documentElement.replaceChildren(saved.head.node, saved.body?.node ?? []);
  if (saved.body && document.body !== saved.body.node) {
    if (document.body) document.body.replaceWith(saved.body.node);
    else documentElement.append(saved.body.node);
  }
  if (saved.head) restore(saved.head, isStyle);
  if (saved.body) restore(saved.body, () => false);
  for (const { name } of [...documentElement.attributes]) documentElement.removeAttribute(name);
  for (const [name, value] of saved.html.attributes) documentElement.setAttribute(name, value);
  document.title = saved.title;
}

/**
 * Records the realm as it is now (call once, before the first test file loads).
 * @param {{ scope?: typeof globalThis, clearTimers?: () => void }} options
 *   `clearTimers` clears the timers the tests left (the adapter tracks them).
 * @returns {{ restore(): Promise<void> }} `restore` brings the realm back for the next file
 */
export function captureRealm({ scope = globalThis, clearTimers = () => {} } = {}) {
  const removeListeners = [];
  if (typeof scope.window === "object" && scope.window === scope && typeof scope.addEventListener === "function") {
    removeListeners.push(trackListeners(scope, "addEventListener", "removeEventListener"));
    if (scope.document) removeListeners.push(trackListeners(scope.document, "addEventListener", "removeEventListener"));
  }
  const process = scope.process;
  const inNode = typeof process === "object" && process !== null && typeof process.cwd === "function";
  if (inNode) removeListeners.push(trackListeners(process, "on", "removeListener"));
  const objects = trackedObjects(scope);
  const baselines = objects.map(describe);
  const document = scope.window === scope ? scope.document : undefined;
  const page = document ? captureDocument(document) : null;
  const env = inNode ? { ...process.env } : null;
  const envKeys = env ? Object.keys(env) : [];
  const cwd = inNode ? process.cwd() : null;
  // Properties a package added while it was evaluated become part of the recorded realm.
  adopt = (object, key) => {
    const index = objects.indexOf(object);
    const descriptor = Reflect.getOwnPropertyDescriptor(object, key);
    if (index < 0 || descriptor === undefined) return;
    const baseline = baselines[index];
    if (baseline.byKey.has(key)) return;
    baseline.keys.push(key);
    baseline.descriptors.push(descriptor);
    baseline.byKey.set(key, descriptor);
  };

  return {
    async restore() {
      clearTimers();
      for (const remove of removeListeners) remove();
      objects.forEach((object, index) => restoreObject(object, baselines[index]));
      if (page) restoreDocument(document, page);
      if (env) {
        // Each read of process.env asks the operating system's environment: once per key.
        for (const key of Object.keys(process.env)) if (!Object.hasOwn(env, key)) delete process.env[key];
        for (const key of envKeys) if (process.env[key] !== env[key]) process.env[key] = env[key];
      }
      if (cwd !== null && process.cwd() !== cwd) {
        try {
          process.chdir(cwd);
        } catch {
          // A worker thread cannot chdir (and so could not have changed it).
        }
      }
      for (const step of resetSteps) await step();
    },
  };
}

/**
 * Wraps `scope`'s timer functions so the timers started from now on can be cleared at once:
 * `clearAll()` clears the timeouts, intervals and immediates still pending. The controller's own
 * timers come from the functions it captured before this ran, and are never touched.
 */
export function trackPendingTimers(scope) {
  const pending = new Map();
  const wrap = (setName, clearName, once) => {
    const set = scope[setName];
    const clear = scope[clearName];
    if (typeof set !== "function" || typeof clear !== "function") return;
    scope[setName] = function (callback, ...rest) {
      if (typeof callback !== "function") return set.call(this, callback, ...rest);
      let handle;
      const run = once
        ? function (...args) {
            pending.delete(handle);
            return callback.apply(this, args);
          }
        : callback;
      handle = set.call(this, run, ...rest);
      pending.set(handle, clear);
      return handle;
    };
    // Keep what util.promisify(setTimeout) and friends rely on.
    for (const key of Reflect.ownKeys(set)) {
      if (key === "length" || key === "name" || key === "prototype") continue;
      const descriptor = Reflect.getOwnPropertyDescriptor(set, key);
      if (descriptor) Reflect.defineProperty(scope[setName], key, descriptor);
    }
    scope[clearName] = function (handle) {
      pending.delete(handle);
      return clear.call(this, handle);
    };
  };
  wrap("setTimeout", "clearTimeout", true);
  wrap("setInterval", "clearInterval", false);
  wrap("setImmediate", "clearImmediate", true);
  return {
    clearAll() {
      for (const [handle, clear] of pending) clear.call(scope, handle);
      pending.clear();
    },
  };
}

/**
 * Lets the page's package modules say when they are evaluated, so what they add to the global
 * and the built-ins stays through realm resets: the server wraps each shared package module (one
 * URL for every realm, so evaluated once per page) in `__proctor_package.enter()` and `.leave()`
 * (host build/served.rs). A UMD bundle imported for its side effect (`import "axe-core"` sets
 * `window.axe`) would otherwise be gone for the next file, which imports it without running it
 * again; in web-test-runner and Vitest every file gets a fresh page or frame, where it runs anew.
 * Only additions are kept: a package that replaces an existing global is rare (polyfills define
 * what is missing), and telling a replacement apart would cost a full comparison of the global's
 * ~1000 properties for every package module.
 */
export function watchPackageGlobals(scope = globalThis) {
  const objects = trackedObjects(scope);
  const open = [];
  const hooks = {
    enter() {
      open.push(objects.map((object) => Reflect.ownKeys(object)));
    },
    leave() {
      const before = open.pop();
      if (before === undefined || adopt === null) return;
      objects.forEach((object, index) => {
        const now = Reflect.ownKeys(object);
        if (now.length <= before[index].length) return;
        const had = new Set(before[index]);
        for (const key of now) if (!had.has(key)) adopt(object, key);
      });
    },
  };
  Object.defineProperty(scope, "__proctor_package", { value: hooks, configurable: true });
}
