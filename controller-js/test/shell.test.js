// The shell page of a kept tab (`proctor serve`): every message it sends has the shape of
// protocol/vectors/shell-events.json, it understands every command of shell-commands.json, and
// each open-frame replaces the run frame (a fresh realm per run).

import assert from "node:assert/strict";
import { test } from "node:test";
import { createShell, PROTOCOL_VERSION } from "../src/shell.js";
import { PROTOCOL_VERSION as CONTROLLER_PROTOCOL_VERSION } from "../src/controller.js";
import { vectors } from "../test-support/fake-host.js";

// Just enough of a DOM for the shell: elements that can be appended and removed.
function fakeDocument() {
  const body = {
    children: [],
    appendChild(child) {
      this.children.push(child);
      child.parent = this;
    },
  };
  return {
    body,
    createElement(tag) {
      return {
        tag,
        style: {},
        src: "",
        remove() {
          this.parent.children.splice(this.parent.children.indexOf(this), 1);
          this.removed = true;
        },
      };
    },
  };
}

function keys(object) {
  return Object.keys(object).sort();
}

test("shell: its messages have exactly the vectors' shapes", () => {
  const sent = [];
  const document = fakeDocument();
  const shell = createShell({
    document,
    location: { protocol: "http:", hostname: "127.0.0.1" },
    send: (m) => sent.push(JSON.parse(JSON.stringify(m))),
    status: () => {},
  });
  shell.hello({ kind: "browser", version: "Chrome/156", userAgent: "HeadlessChrome/156" });
  for (const command of vectors("shell-commands.json")) shell.receive(command);
  const expected = vectors("shell-events.json");
  assert.deepEqual(sent.map((m) => m.type), expected.map((m) => m.type));
  for (const [index, message] of sent.entries()) {
    assert.deepEqual(keys(message), keys(expected[index]), `keys of ${message.type}`);
  }
  assert.equal(sent[0].protocol, PROTOCOL_VERSION);
  // One protocol: the server checks the shell's hello against the same PROTOCOL_VERSION as the
  // controller's, so a bump of one without the other locks every kept tab out.
  assert.equal(PROTOCOL_VERSION, CONTROLLER_PROTOCOL_VERSION);
  assert.equal(expected[0].protocol, PROTOCOL_VERSION, "the vector's version");
  assert.deepEqual(keys(sent[0].runtime), keys(expected[0].runtime));
  assert.deepEqual(sent.slice(1), expected.slice(1), "replies name the commands they answer");
});

test("shell: open-frame replaces the run frame, on the host the page came from", () => {
  const document = fakeDocument();
  const shell = createShell({
    document,
    location: { protocol: "http:", hostname: "192.168.1.20" },
    send: () => {},
    status: () => {},
  });
  shell.receive({ type: "open-frame", id: 1, port: 4000, path: "/?token=a" });
  const first = document.body.children[0];
  assert.equal(first.src, "http://192.168.1.20:4000/?token=a");
  shell.receive({ type: "open-frame", id: 2, port: 4001, path: "/?token=b" });
  assert.equal(document.body.children.length, 1, "one frame at a time");
  assert.ok(first.removed, "the previous run's realm is gone");
  assert.equal(first.src, "about:blank");
  assert.equal(document.body.children[0].src, "http://192.168.1.20:4001/?token=b");
  shell.receive({ type: "close-frame", id: 3 });
  assert.equal(document.body.children.length, 0);
  // Unknown commands are ignored, not answered.
  shell.receive({ type: "nonsense" });
});
