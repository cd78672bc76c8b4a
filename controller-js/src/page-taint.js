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
// What does not taint: a package's module (the import map sends every realm to its one URL, so
// it is evaluated once per page and never defines twice), a `define` that throws (the name or
// class was taken: nothing changed), and anything outside an isolated esm run (a bundle holds one
// copy of each module, shared by every file, and has no realm URLs at all).

/** The path segment of the URLs realm-local modules are served under (see realm-map.js). */
const REALM_SEGMENT = /\/@realm\/\d+\//;

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
 * Watches `scope.customElements.define` from now on (call before any test file loads) and calls
 * `report(what)` once, at the first definition that a module of a realm made (`what` reads after
 * "left": `the custom element <x-foo>`). Nothing is kept on `scope`: a realm reset would delete
 * it; the wrapper lives on `CustomElementRegistry.prototype`, which resets leave alone.
 * @param {{ scope?: typeof globalThis, report: (what: string) => void, fromRealm?: (stack: string) => boolean }} options
 * @returns {boolean} whether the page has a registry to watch
 */
export function watchPageTaint({ scope = globalThis, report, fromRealm = stackHasRealmFrame }) {
  const prototype = scope.CustomElementRegistry?.prototype;
  const define = prototype?.define;
  if (typeof define !== "function") return false;
  let tainted = false;
  const watched = {
    define(name, constructor, options) {
      const result = define.call(this, name, constructor, options);
      // Only the page's own registry outlives a realm: a scoped registry a module created is
      // that module's, and goes with it.
      if (!tainted && this === scope.customElements && fromRealm(currentStack())) {
        tainted = true;
        report(`the custom element <${String(name)}>`);
      }
      return result;
    },
  };
  Object.defineProperty(prototype, "define", { value: watched.define, writable: true, configurable: true });
  return true;
}
