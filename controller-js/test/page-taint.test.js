// page-taint.js: which custom element definitions and CSS property registrations taint the page
// (those of a realm's own modules) and which do not (a package's, a failed one, another
// registry's), and the message the controller sends for it.

import assert from "node:assert/strict";
import { test } from "node:test";
import { stackHasRealmFrame, watchPageTaint } from "../src/page-taint.js";
import { startController } from "../test-support/fake-host.js";
import { assertProtocolShape } from "../test-support/shapes.js";

/** A page-like scope whose registry behaves as the browser's: a name defines once. */
function fakePage() {
  class CustomElementRegistry {
    constructor() {
      this.defined = new Map();
    }
    define(name, constructor) {
      if (this.defined.has(name)) throw new DOMException(`"${name}" has already been used`, "NotSupportedError");
      this.defined.set(name, constructor);
    }
    get(name) {
      return this.defined.get(name);
    }
  }
  return { CustomElementRegistry, customElements: new CustomElementRegistry() };
}

const REALM = "Error\n    at new XFoo (http://127.0.0.1:4000/@realm/3/src/x-foo.ts:4:18)\n    at http://127.0.0.1:4000/__proctor/a.js:1:1";
const PACKAGE = "Error\n    at http://127.0.0.1:4000/node_modules/lit/index.js:4:18\n    at http://127.0.0.1:4000/@fs/x.js:1:1";

test("page taint: only a frame of a realm's module counts", () => {
  assert.equal(stackHasRealmFrame(REALM), true);
  assert.equal(stackHasRealmFrame(PACKAGE), false);
  assert.equal(stackHasRealmFrame(REALM.replace("/@realm/3/", "/@realm/3.2/")), true, "a sub-realm's module");
  assert.equal(stackHasRealmFrame(PACKAGE.replace("/node_modules/", "/@realm/3/node_modules/")), true, "a realm's own copy");
  assert.equal(stackHasRealmFrame("Error: see /@realm/3/x.js\n    at http://h/src/a.js:1:1"), false, "not the message");
  assert.equal(stackHasRealmFrame(undefined), false);
});

test("page taint: the first realm definition is reported once; packages and failures are not", () => {
  const page = fakePage();
  const reports = [];
  let stack = PACKAGE;
  assert.equal(watchPageTaint({ scope: page, report: (what) => reports.push(what), fromRealm: () => stackHasRealmFrame(stack) }), true);

  page.customElements.define("pkg-button", class {});
  assert.deepEqual(reports, [], "a package's element is defined once per page: no taint");

  stack = REALM;
  assert.throws(() => page.customElements.define("pkg-button", class {}), /already been used/);
  assert.deepEqual(reports, [], "a define that throws changed nothing");

  new page.CustomElementRegistry().define("x-scoped", class {});
  assert.deepEqual(reports, [], "a scoped registry goes with its module");

  page.customElements.define("x-foo", class {});
  page.customElements.define("x-bar", class {});
  assert.deepEqual(reports, ["the custom element <x-foo>"], "reported at the first, once");
  assert.ok(page.customElements.get("x-bar"), "definitions still happen");
});

test("page taint: the real stack of a call from a realm URL is seen", () => {
  const page = fakePage();
  const reports = [];
  watchPageTaint({ scope: page, report: (what) => reports.push(what) });
  page.customElements.define("x-here", class {});
  assert.deepEqual(reports, [], "this test file is no realm module");
  // A function compiled as if it came from a realm URL: its frame names that URL.
  const fromRealm = new Function("registry", "registry.define('x-there', class {});\n//# sourceURL=http://127.0.0.1:4000/@realm/2/src/x.js");
  fromRealm(page.customElements);
  assert.deepEqual(reports, ["the custom element <x-there>"]);
});

test("page taint: a CSS property a realm registers taints too, once", () => {
  const registered = new Set();
  const scope = {
    CSS: {
      registerProperty({ name }) {
        if (registered.has(name)) throw new DOMException(`${name} is registered`, "InvalidModificationError");
        registered.add(name);
      },
    },
  };
  const reports = [];
  let realm = false;
  assert.equal(watchPageTaint({ scope, report: (what) => reports.push(what), fromRealm: () => realm }), true);
  scope.CSS.registerProperty({ name: "--from-a-package" });
  assert.deepEqual(reports, []);
  realm = true;
  assert.throws(() => scope.CSS.registerProperty({ name: "--from-a-package" }), /registered/);
  assert.deepEqual(reports, [], "a registration that throws changed nothing");
  scope.CSS.registerProperty({ name: "--x" });
  scope.CSS.registerProperty({ name: "--y" });
  assert.deepEqual(reports, ["the CSS property --x (CSS.registerProperty)"]);
});

test("page taint: no registry, nothing to watch", () => {
  assert.equal(watchPageTaint({ scope: {}, report: () => assert.fail("never") }), false);
});

test("page taint: the controller's message has the protocol's shape and the run's epoch", async () => {
  const host = startController([{ file: "a.test.js", load: async () => {} }]);
  await host.load();
  host.controller.pageTainted("the custom element <x-foo>");
  const message = host.sent.at(-1);
  assert.deepEqual(message, { type: "page-tainted", run: 1, what: "the custom element <x-foo>" });
  assertProtocolShape(message);
});
