// What a page cannot undo between test files, noticed as it happens.
//
// A fresh realm (realm.js) puts globals and the DOM back and imports the project's modules
// afresh under a new `/@realm/<n>/` prefix, but a page's custom element registry only grows:
// once a module of one file's realm called `customElements.define('x-foo', XFoo)`, the next
// file's fresh copy of that module cannot define `x-foo` again, and `document.createElement`
// keeps making the first file's `XFoo`. So the controller watches `define`, and when a class of
// the realm's own modules is defined it reports the page as tainted; the host then gives the
// next file a page of its own (web-test-runner gives every file one).
//
// `CSS.registerProperty` is the same kind of thing: a registration the page keeps for good.
//
// What does not taint: a package's module (the import map sends every realm to its one URL, so
// it is evaluated once per page and never defines twice; only the packages importing a package a
// realm mocks are copied into that realm, `/@realm/<n>/node_modules/...`, and those do taint), a
// `define` that throws (the name or class was taken: nothing changed), and anything outside an
// isolated esm run (a bundle holds one copy of each module, shared by every file, and has no
// realm URLs at all).

/**
 * The path segment of the URLs realm-local modules are served under (see realm-map.js), a
 * sub-realm's (`/@realm/3.1/`, fresh instances after `vi.resetModules()`) too.
 */
const REALM_SEGMENT = /\/@realm\/\d+(?:\.\d+)?\//;

// A decorator (`@customElement`) or a package helper may sit between the realm's module and
// `define`: enough frames to reach the module that asked.
const STACK_FRAMES = 64;

/**
 * True when `stack` (an `Error().stack`) has a frame in a module of a realm: a project module
 * imported under a `/@realm/<n>/` prefix, rather than a package or proctor itself.
 */
export function stackHasRealmFrame(stack) {
  if (typeof stack !== "string") return false;
  // The first line is the error's own text, not a frame.
  const frames = stack.slice(stack.indexOf("\n") + 1);
  return REALM_SEGMENT.test(frames);
}

/** The current stack, deep enough for `stackHasRealmFrame`. */
function currentStack() {
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = STACK_FRAMES;
  } catch {
    // A frozen `Error`: the default depth has to do.
  }
  const stack = new Error().stack;
  try {
    Error.stackTraceLimit = limit;
  } catch {
    // As above.
  }
  return stack;
}

/**
 * Replaces `target[key]` (a method) with one that calls it, then `after` with the same `this`
 * and arguments when it returned. False when there is no such method.
 */
function watchMethod(target, key, after) {
  const original = target?.[key];
  if (typeof original !== "function") return false;
  const watched = {
    [key](...args) {
      const result = original.apply(this, args);
      after.apply(this, args);
      return result;
    },
  };
  Object.defineProperty(target, key, { value: watched[key], writable: true, configurable: true });
  return true;
}

/**
 * Watches from now on (call before any test file loads) what a page cannot undo, and calls
 * `report(what)` once, at the first such change that a module of a realm made (`what` reads
 * after "left": `the custom element <x-foo>`):
 * - `customElements.define` (the page's registry only; a scoped registry a module created goes
 *   with that module);
 * - `CSS.registerProperty` (`@property` registrations cannot be removed either, and registering
 *   the name again throws).
 * A call that throws changed nothing. Nothing is kept on `scope`: a realm reset would delete it;
 * the wrappers live on `CustomElementRegistry.prototype` and the `CSS` namespace, which resets
 * leave alone.
 * @param {{ scope?: typeof globalThis, report: (what: string) => void, fromRealm?: (stack: string) => boolean }} options
 * @returns {boolean} whether the page has anything to watch
 */
export function watchPageTaint({ scope = globalThis, report, fromRealm = stackHasRealmFrame }) {
  let tainted = false;
  const taint = (what) => {
    if (tainted || !fromRealm(currentStack())) return;
    tainted = true;
    report(what);
  };
  const elements = watchMethod(scope.CustomElementRegistry?.prototype, "define", function (name) {
    if (this === scope.customElements) taint(`the custom element <${String(name)}>`);
  });
  const properties = watchMethod(scope.CSS, "registerProperty", (definition) =>
    taint(`the CSS property ${String(definition?.name)} (CSS.registerProperty)`),
  );
  return elements || properties;
}
