// Environments (environment.js) with a stand-in `jsdom` package in a temp project: the window's
// globals are laid over node's while installed and node's come back when uninstalled, each
// file's window is its own, and a missing package or an unknown name is a clear error.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createEnvironment, enterEnvironment, fileEnvironments, leaveEnvironment } from "../src/environment.js";

const root = mkdtempSync(join(tmpdir(), "proctor-environment-test-"));
after(() => rmSync(root, { recursive: true, force: true }));

// A CommonJS `jsdom` whose windows are plain objects: enough to see what is installed where.
mkdirSync(join(root, "node_modules/jsdom"), { recursive: true });
writeFileSync(join(root, "node_modules/jsdom/package.json"), JSON.stringify({ name: "jsdom", main: "index.js" }));
writeFileSync(
  join(root, "node_modules/jsdom/index.js"),
  `let made = 0;
class Window {
  constructor(url) {
    this.id = ++made;
    this.url = url;
    this.closed = false;
    this.listeners = [];
    this.document = { title: "window " + this.id, defaultView: this };
    this.HTMLElement = class HTMLElement {};
    this.Event = class Event {};
    this.setTimeout = () => "the window's own timer";
  }
  addEventListener(type, listener) { this.listeners.push(type); }
  removeEventListener() {}
  getComputedStyle() { return this; }
  close() { this.closed = true; }
}
exports.JSDOM = class JSDOM {
  constructor(html, options) { this.window = new Window(options.url); }
};
`,
);

test("environment: a window's globals are laid over node's and taken away again", async () => {
  const nodeEvent = globalThis.Event;
  const nodeSetTimeout = globalThis.setTimeout;
  await enterEnvironment("jsdom", { root });
  try {
    assert.equal(document.title, "window 1");
    assert.equal(typeof HTMLElement, "function");
    assert.equal(window, globalThis);
    assert.equal(document.defaultView, globalThis);
    assert.notEqual(Event, nodeEvent, "the window's Event replaces node's");
    assert.equal(setTimeout, nodeSetTimeout, "node's timers stay");
    assert.equal(getComputedStyle(), globalThis.jsdom.window, "a window method is bound to the window");
    globalThis.document = "assigned";
    assert.equal(document, "assigned");
  } finally {
    await leaveEnvironment();
  }
  assert.equal(typeof document, "undefined");
  assert.equal(typeof window, "undefined");
  assert.equal(typeof HTMLElement, "undefined");
  assert.equal(Event, nodeEvent);
});

test("environment: each file's window is its own, shown while the file runs and closed when done", async () => {
  const environments = fileEnvironments({ root });
  await environments.enter("a.test.js", "jsdom");
  const first = document.title;
  await environments.enter("b.test.js", "node");
  assert.equal(typeof document, "undefined", "a file in plain node sees no window");
  await environments.enter("c.test.js", "jsdom");
  const third = document.title;
  assert.notEqual(first, third);
  environments.show("a.test.js");
  assert.equal(document.title, first);
  const window = globalThis.jsdom.window;
  await environments.done("a.test.js");
  assert.equal(window.closed, true);
  assert.equal(typeof document, "undefined", "closing the installed window uninstalls it");
  environments.show("c.test.js");
  assert.equal(document.title, third);
  await environments.done("c.test.js");
  assert.equal(typeof document, "undefined");
});

test("environment: a missing package and an unknown name are clear errors", async () => {
  const empty = mkdtempSync(join(root, "empty-"));
  await assert.rejects(createEnvironment("happy-dom", { root: empty }), {
    message: `environment "happy-dom" needs the npm package happy-dom, which is not installed in ${empty} (hint: npm install -D happy-dom)`,
  });
  await assert.rejects(createEnvironment("jsdum", { root }), /unknown environment "jsdum"/);
  assert.equal(await createEnvironment("node", { root }), null);
});
