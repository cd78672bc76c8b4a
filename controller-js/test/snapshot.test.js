// Snapshots: Jest 29's serialization and .snap format, the update modes, obsolete snapshots,
// property matchers, inline snapshots, and the snapshot-file message at the end of a file; Jest
// 28's and Vitest's formats against files the real tools wrote (e2e/fixtures/snapshot-formats).

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import * as proctor from "../src/index.js";
import {
  naturalCompare,
  parseSnapshotFile,
  printSnapshotFile,
  serialize,
} from "../src/snapshot.js";
import { format, formatCompact } from "../src/format.js";
import {
  addExtraLineBreaks,
  fileStyle,
  printingOptions,
  shownOptions,
  testKeyName,
  VITEST_HEADER,
  withHint,
} from "../src/snapshot-format.js";
import { startController } from "../test-support/fake-host.js";

const { describe, it, expect } = proctor;

const HEADER = "// Jest Snapshot v1, https://goo.gl/fbAQLP";

test("snapshot: values print as Jest 29 writes them", () => {
  assert.equal(
    serialize({ b: [1, "two", { c: null }], a: undefined, s: new Set([1]), m: new Map([["k", 1]]) }),
    [
      "{",
      '  "a": undefined,',
      '  "b": [',
      "    1,",
      '    "two",',
      "    {",
      '      "c": null,',
      "    },",
      "  ],",
      '  "m": Map {',
      '    "k" => 1,',
      "  },",
      '  "s": Set {',
      "    1,",
      "  },",
      "}",
    ].join("\n"),
  );
  assert.equal(serialize('say "hi" \\ there'), '"say "hi" \\ there"', "strings are not escaped");
  assert.equal(serialize(() => {}), "[Function]");
  assert.equal(serialize([]), "[]");
  assert.equal(serialize({}), "{}");
  class Point {
    constructor() {
      this.x = 1;
    }
  }
  assert.equal(serialize(new Point()), 'Point {\n  "x": 1,\n}');
  assert.equal(serialize(new Date(0)), "1970-01-01T00:00:00.000Z");
  assert.equal(serialize(new Error("boom")), "[Error: boom]");
  assert.equal(serialize(expect.any(Number)), "Any<Number>");
  const mock = proctor.fn().mockName("save");
  assert.equal(serialize(mock), "[MockFunction save]");
  mock(1);
  assert.equal(
    serialize(mock),
    '[MockFunction save] {\n  "calls": [\n    [\n      1,\n    ],\n  ],\n  "results": [\n    {\n      "type": "return",\n      "value": undefined,\n    },\n  ],\n}',
  );
});

test("snapshot: files parse and print in Jest's format, keys in natural order", () => {
  const entries = new Map([
    ["b 10", '"ten"'],
    ["b 2", "\n{\n  \"x\": `tick` ${not} \\\\ \n}\n"],
    ["a 1", "1"],
  ]);
  const text = printSnapshotFile(entries);
  assert.equal(
    text,
    `${HEADER}\n\nexports[\`a 1\`] = \`1\`;\n\nexports[\`b 2\`] = \`\n{\n  "x": \\\`tick\\\` \\\${not} \\\\\\\\ \n}\n\`;\n\nexports[\`b 10\`] = \`"ten"\`;\n`,
  );
  assert.deepEqual(parseSnapshotFile(text), new Map([...entries].sort(([a], [b]) => naturalCompare(a, b))));
  assert.deepEqual(parseSnapshotFile(text.replace(/\n/g, "\r\n")).get("a 1"), "1", "CRLF files parse too");
  assert.deepEqual(["x 10", "x 9", "x 1", "w"].sort(naturalCompare), ["w", "x 1", "x 9", "x 10"]);
});

// Runs one file's tests against stored snapshot text; returns the results and the message the
// controller sent when the file was done.
async function runWithSnapshots(declare, { stored, update = "new", only } = {}) {
  const file = "test/snap.test.js";
  const host = startController([{ file, load: async () => declare() }]);
  const loaded = await host.command({
    type: "load",
    snapshots: { update, files: stored === undefined ? {} : { [file]: stored } },
  });
  const results = {};
  for (const registered of loaded.tests) {
    if (registered.mode === "todo" || registered.mode === "skip") continue;
    if (only && !only.includes(registered.name)) continue;
    results[registered.name] = await host.runTest(registered.id);
  }
  await host.finish();
  const report = host.sent.find((message) => message.type === "snapshot-file");
  return { results, report };
}

test("snapshot: new snapshots are written, matching ones pass, differing ones fail with a diff", async () => {
  const first = await runWithSnapshots(() => {
    describe("math", () => {
      it("adds", () => {
        expect(1 + 2).toMatchSnapshot();
        expect({ sum: 3 }).toMatchSnapshot("as object");
        expect("again").toMatchSnapshot();
      });
    });
    it("throws", () => expect(() => {
      throw new TypeError("bad input");
    }).toThrowErrorMatchingSnapshot());
  });
  assert.ok(Object.values(first.results).every((result) => result.status === "passed"));
  const { content, ...counts } = first.report;
  assert.deepEqual(counts, {
    type: "snapshot-file",
    run: 1,
    file: "test/snap.test.js",
    matched: 0,
    written: 4,
    updated: 0,
    failed: 0,
    obsolete: 0,
    removed: 0,
  });
  assert.deepEqual(
    parseSnapshotFile(content),
    new Map([
      ["math adds 1", "3"],
      ["math adds 2", '"again"'],
      ["math adds: as object 1", '\n{\n  "sum": 3,\n}\n'],
      ["throws 1", '"bad input"'],
    ]),
  );

  const second = await runWithSnapshots(
    () => {
      describe("math", () => {
        it("adds", () => {
          expect(1 + 2).toMatchSnapshot();
          expect({ sum: 4 }).toMatchSnapshot("as object");
          expect("again").toMatchSnapshot();
        });
      });
      it("throws", () => expect(() => {
        throw new TypeError("bad input");
      }).toThrowErrorMatchingSnapshot());
    },
    { stored: content },
  );
  const failed = second.results.adds;
  assert.equal(failed.status, "failed");
  assert.match(failed.error.message, /toMatchSnapshot\(hint\)\n\nSnapshot name: `math adds: as object 1`/);
  assert.equal(failed.error.expected, '{\n  "sum": 3,\n}');
  assert.equal(failed.error.actual, '{\n  "sum": 4,\n}');
  assert.equal(second.results.throws.status, "passed");
  assert.deepEqual(
    { matched: second.report.matched, failed: second.report.failed, obsolete: second.report.obsolete },
    { matched: 2, failed: 1, obsolete: 0 },
    "the failed test's later snapshot is not obsolete",
  );
  assert.equal(second.report.content, undefined, "nothing to write");
});

test("snapshot: -u rewrites and drops obsolete ones; CI writes nothing and fails on missing ones", async () => {
  const stored = printSnapshotFile(
    new Map([
      ["kept 1", "1"],
      ["changed 1", "1"],
      ["removed test 1", "1"],
    ]),
  );
  const tests = () => {
    it("kept", () => expect(1).toMatchSnapshot());
    it("changed", () => expect(2).toMatchSnapshot());
    it("new", () => expect(3).toMatchSnapshot());
  };
  const plain = await runWithSnapshots(tests, { stored });
  assert.equal(plain.results.changed.status, "failed");
  assert.equal(plain.report.obsolete, 1);
  assert.deepEqual(parseSnapshotFile(plain.report.content).get("new 1"), "3", "new ones are written");
  assert.deepEqual(parseSnapshotFile(plain.report.content).get("changed 1"), "1", "differing ones are kept");

  const updated = await runWithSnapshots(tests, { stored, update: "all" });
  assert.ok(Object.values(updated.results).every((result) => result.status === "passed"));
  assert.deepEqual(
    { updated: updated.report.updated, written: updated.report.written, removed: updated.report.removed, obsolete: updated.report.obsolete },
    { updated: 1, written: 1, removed: 1, obsolete: 0 },
  );
  assert.deepEqual(
    parseSnapshotFile(updated.report.content),
    new Map([
      ["changed 1", "2"],
      ["kept 1", "1"],
      ["new 1", "3"],
    ]),
  );

  const ci = await runWithSnapshots(tests, { stored, update: "none" });
  assert.equal(ci.results.new.status, "failed");
  assert.match(ci.results.new.error.message, /New snapshot was not written\. The update flag must be explicitly passed/);
  assert.equal(ci.report.content, undefined);

  // Tests that did not run (not selected) keep their snapshots: not obsolete.
  const partial = await runWithSnapshots(tests, { stored, only: ["kept"] });
  assert.equal(partial.report.obsolete, 1, "only the snapshot of the test that is gone");

  // Every snapshot obsolete under -u: the file is deleted (empty content).
  const gone = await runWithSnapshots(() => it("other", () => {}), { stored, update: "all" });
  assert.equal(gone.report.content, "");
  assert.equal(gone.report.removed, 3);
});

test("snapshot: property matchers, inline snapshots and misuse", async () => {
  const { results, report } = await runWithSnapshots(() => {
    it("properties", () => {
      expect({ id: 123, name: "x" }).toMatchSnapshot({ id: expect.any(Number) });
    });
    it("properties that do not match", () => {
      expect({ id: "abc" }).toMatchSnapshot({ id: expect.any(Number) });
    });
    it("inline", () => {
      expect({ a: 1 }).toMatchInlineSnapshot(`
        {
          "a": 1,
        }
      `);
      expect("one line").toMatchInlineSnapshot(`"one line"`);
      expect(() => {
        throw new Error("inline boom");
      }).toThrowErrorMatchingInlineSnapshot(`"inline boom"`);
    });
    it("inline that differs", () => expect(2).toMatchInlineSnapshot(`1`));
    it("inline missing", () => expect({ b: 2 }).toMatchInlineSnapshot());
    it("not", () => expect(1).not.toMatchSnapshot());
    it("does not throw", () => expect(() => {}).toThrowErrorMatchingSnapshot());
  });
  assert.equal(results.properties.status, "passed");
  assert.equal(parseSnapshotFile(report.content).get("properties 1"), '\n{\n  "id": Any<Number>,\n  "name": "x",\n}\n');
  assert.equal(results["properties that do not match"].status, "failed");
  assert.match(results["properties that do not match"].error.message, /does not match the property matchers/);
  assert.equal(results.inline.status, "passed");
  assert.equal(results["inline that differs"].error.expected, "1");
  assert.equal(results["inline that differs"].error.actual, "2");
  assert.match(results["inline that differs"].error.message, /Snapshot: 1\nReceived: 2/, "one-line values are shown");
  assert.equal(results["inline missing"].status, "passed", "a missing inline snapshot is written");
  assert.equal(report.inline.length, 1);
  assert.equal(report.inline[0].snapshot, '{\n  "b": 2,\n}');
  assert.match(report.inline[0].stack, /snapshot\.test\.js:\d+:\d+/, "the stack names the call in the test file");
  assert.match(results.not.error.message, /cannot be used with \.not/);
  assert.match(results["does not throw"].error.message, /did not throw/);
});

test("snapshot: outside a proctor run (no setup from the host) a matcher says so", () => {
  assert.throws(() => expect(1).toMatchSnapshot(), /Snapshots can only be checked inside a test of a proctor run/);
});

// Look-alikes of DOM nodes (node has none); the browser e2e test uses real ones.
function element(tag, attributes = {}, children = []) {
  const Named = { [`HTML${tag[0].toUpperCase()}${tag.slice(1)}Element`]: class {} };
  const node = new Named[Object.keys(Named)[0]]();
  return Object.assign(node, {
    nodeType: 1,
    tagName: tag.toUpperCase(),
    attributes: Object.entries(attributes).map(([name, value]) => ({ name, value })),
    childNodes: children,
  });
}
function text(data) {
  const Text = class Text {};
  return Object.assign(new Text(), { nodeType: 3, data });
}

test("snapshot: DOM nodes print as pretty-format's DOMElement plugin prints them", () => {
  const card = element("div", { id: "c", class: "card" }, [
    element("span", {}, [text("Hello <you>")]),
    element("input", { type: "text" }),
    element("br"),
  ]);
  assert.equal(
    serialize(card),
    [
      "<div",
      '  class="card"',
      '  id="c"',
      ">",
      "  <span>",
      "    Hello &lt;you&gt;",
      "  </span>",
      "  <input",
      '    type="text"',
      "  />",
      "  <br />",
      "</div>",
    ].join("\n"),
  );
  assert.equal(formatCompact(card), '<div class="card" id="c"><span>Hello &lt;you&gt;</span><input type="text" /><br /></div>');
});

test("snapshot: more of Jest 29's printing (regex, errors, holes, toJSON, boxed values, matchers)", () => {
  assert.equal(serialize(/a.b+/g), "/a\\.b\\+/g");
  assert.equal(serialize(new Error()), "[Error]");
  assert.equal(serialize([1, , 3]), "[\n  1,\n  ,\n  3,\n]");
  assert.equal(serialize(new URL("http://a/b")), '"http://a/b"');
  assert.equal(serialize(new Number(1)), "Number {}");
  assert.equal(serialize(new ArrayBuffer(2)), "ArrayBuffer []");
  class Registry extends Map {}
  assert.equal(serialize(new Registry([["k", 1]])), 'Map {\n  "k" => 1,\n}');
  assert.equal(serialize("a\r\nb\rc"), '"a\nb\nc"', "line ends are normalized");
  assert.equal(serialize(expect.not.objectContaining({ a: 1 })), 'ObjectNotContaining {\n  "a": 1,\n}');
  assert.equal(serialize(expect.stringMatching(/x.y/)), "StringMatching /x\\.y/");
  assert.equal(serialize(expect.closeTo(0.3, 1)), "NumberCloseTo 0.3 (1 digit)");
  assert.equal(serialize(proctor.spyOn({ m() {} }, "m")), "[MockFunction]");
  // natural-compare's own table: `_` sorts before letters, and a leading zero is a character.
  assert.ok(naturalCompare("a_b 1", "aB 1") < 0);
  assert.ok(naturalCompare("x 02", "x 1") < 0);
  assert.ok(naturalCompare("x 9", "x 10") < 0);
});

test("snapshot: a property-matcher mismatch counts as failed; an unreadable file is never rewritten", async () => {
  const mismatch = await runWithSnapshots(() => {
    it("props", () => {
      expect({ id: "x" }).toMatchSnapshot({ id: expect.any(Number) });
      expect(1).toMatchSnapshot();
    });
  });
  assert.equal(mismatch.report.failed, 1);
  assert.equal(mismatch.report.written, 0, "the test stopped at the mismatch");

  const broken = `${HEADER}\n\nexports[\`ok 1\`] = \`1\`;\n\nexports[\`broken 1\`] = \`unterminated;\n`;
  const { results, report } = await runWithSnapshots(
    () => {
      it("ok", () => expect(1).toMatchSnapshot());
      it("new", () => expect(2).toMatchSnapshot());
    },
    { stored: broken },
  );
  assert.equal(results.ok.status, "failed");
  assert.match(results.ok.error.message, /has entries proctor cannot read, so it is left as it is/);
  assert.equal(report.content, undefined, "the file is not rewritten");
});

test("snapshot: a second load after an abandoned run sends nothing for the old run", async () => {
  const file = "test/snap.test.js";
  const host = startController([
    {
      file,
      load: async () => {
        it("a", () => expect(1).toMatchSnapshot());
        it("b", () => {});
      },
    },
  ]);
  const first = await host.command({ type: "load", snapshots: { update: "all", files: {} } });
  await host.runTest(first.tests[0].id);
  // No finish: the host abandoned that run. The next load closes its groups.
  await host.command({ type: "load", snapshots: { update: "none", files: {} } });
  assert.deepEqual(
    host.sent.filter((message) => message.type === "snapshot-file"),
    [],
    "the abandoned run's written snapshot does not reach the new run",
  );
});

test("snapshot: expect.addSnapshotSerializer, new and old plugin APIs", () => {
  class Money {
    constructor(cents) {
      this.cents = cents;
    }
  }
  expect.addSnapshotSerializer({
    test: (value) => value instanceof Money,
    serialize: (value, config, indentation, depth, refs, printer) => `Money<${printer(value.cents / 100, config, indentation, depth, refs)}>`,
  });
  expect.addSnapshotSerializer({
    test: (value) => value && value.legacy === true,
    print: (value, serialize) => `Legacy ${serialize({ n: value.n })}`,
  });
  assert.equal(serialize({ price: new Money(250) }), '{\n  "price": Money<2.5>,\n}');
  assert.equal(serialize({ legacy: true, n: 1 }), 'Legacy {\n  "n": 1,\n}');
  assert.equal(format(new Money(1)), 'Money {\n  "cents": 1,\n}', "only snapshots use serializers");
  assert.throws(() => expect.addSnapshotSerializer({}), /expects an object with test\(\)/);
});

// ---- Formats: Jest 29, Jest ≤ 28 and Vitest files, each kept in its own style ----

const FIXTURES = new URL("../../e2e/fixtures/snapshot-formats/test/", import.meta.url);
const readFixture = (path) => readFileSync(new URL(path, FIXTURES), "utf8");

// Values of the fixtures' tests (e2e/fixtures/snapshot-formats), by the key scheme's pieces.
class Point {
  constructor(x, y) {
    this.x = x;
    this.y = y;
  }
}
const FIXTURE_VALUES = [
  ["card nested renders 1", { title: 'Say "hi"', path: "C:\\dir", tags: ["a", "b"], tick: "`x` ${y}" }],
  ["card nested renders 2", 'quote " and \\ backslash'],
  ["card nested renders 3", "multi\nline"],
  ["card nested renders 4", new Map([["k", { v: [1] }]])],
  ["card nested renders 6", [[], {}, [1, [2]], new Point(1, [2])]],
  ["card nested renders 7", [() => {}, new Error("x"), /a.b/, null, undefined, -0, Symbol("s")]],
  ["top level 2", { n: 2 }],
];

test("snapshot: a Jest 26 file is read as Jest 26 wrote it (escaped strings, Object {, Array [)", () => {
  const text = readFixture("jest/__snapshots__/card.test.js.snap");
  const style = fileStyle(text);
  assert.deepEqual(style, { kind: "jest", header: HEADER, printBasicPrototype: true, escapeString: true });
  const stored = parseSnapshotFile(text);
  for (const [key, value] of FIXTURE_VALUES) {
    assert.equal(addExtraLineBreaks(serialize(value, style)), stored.get(key), key);
  }
  assert.equal(printSnapshotFile(stored, style.header), text, "printed again, the file is byte-identical");
  assert.equal(serialize('a "b"', style), '"a \\"b\\""');
  // A set option wins over what the file shows.
  assert.deepEqual(fileStyle(text, { options: { escapeString: false } }).escapeString, false);
});

test("snapshot: a Vitest file is read with Vitest's keys and printing", () => {
  const text = readFixture("vitest/__snapshots__/card.test.js.snap");
  const style = fileStyle(text);
  assert.deepEqual(style, { kind: "vitest", header: VITEST_HEADER, printBasicPrototype: false, escapeString: false });
  const stored = parseSnapshotFile(text);
  for (const [key, value] of FIXTURE_VALUES) {
    const vitestKey = key.replace(/^card nested renders/, "card > nested > renders");
    assert.equal(addExtraLineBreaks(serialize(value, style)), stored.get(vitestKey), vitestKey);
  }
  assert.equal(printSnapshotFile(stored, style.header), text, "printed again, the file is byte-identical");
  assert.equal(testKeyName({ groups: ["a", "b"], name: "c" }, style), "a > b > c");
  assert.equal(withHint("a > c", "hint", style), "a > c > hint");
  assert.deepEqual(fileStyle(undefined, { vitest: true }).header, VITEST_HEADER, "a new file of a vitest test file");
  assert.deepEqual(fileStyle(undefined).header, HEADER, "else Jest's");
  assert.deepEqual(printingOptions(['"plain"', "{\n}"]), { printBasicPrototype: false, escapeString: false });
});

test("snapshot: Vitest's keys and thrown errors, Jest 28's printing kept for new snapshots", async () => {
  const file = "test/snap.test.js";
  const tests = () => {
    describe("group", () => {
      it("throws", () => {
        expect(() => {
          throw new Error('bad "x"');
        }).toThrowErrorMatchingSnapshot();
        expect({ a: [1] }).toMatchSnapshot("hint");
      });
    });
  };
  // A new file of a test file that imports vitest: Vitest's header, keys and error snapshot.
  const host = startController([{ file, load: async () => tests() }]);
  const loaded = await host.command({ type: "load", snapshots: { update: "new", files: {}, vitest: [file] } });
  assert.equal((await host.runTest(loaded.tests[0].id)).status, "passed");
  await host.finish();
  const vitest = host.sent.find((message) => message.type === "snapshot-file").content;
  assert.equal(
    vitest,
    `${VITEST_HEADER}\n\nexports[\`group > throws > hint 1\`] = \`\n{\n  "a": [\n    1,\n  ],\n}\n\`;\n\n` +
      `exports[\`group > throws 1\`] = \`[Error: bad "x"]\`;\n`,
  );

  // A Jest 28 file gets its new snapshots in its own style; one that passes is not rewritten.
  const old = `${HEADER}\n\nexports[\`kept 1\`] = \`\nObject {\n  "a": 1,\n}\n\`;\n`;
  const kept = await runWithSnapshots(() => it("kept", () => expect({ a: 1 }).toMatchSnapshot()), { stored: old });
  assert.equal(kept.results.kept.status, "passed");
  assert.equal(kept.report.content, undefined, "byte-identical: not written");
  const added = await runWithSnapshots(
    () => {
      it("kept", () => expect({ a: 1 }).toMatchSnapshot());
      tests();
    },
    { stored: old },
  );
  assert.equal(
    added.report.content,
    `${HEADER}\n\nexports[\`group throws 1\`] = \`"bad \\\\"x\\\\""\`;\n\n` +
      `exports[\`group throws: hint 1\`] = \`\nObject {\n  "a": Array [\n    1,\n  ],\n}\n\`;\n\n` +
      `exports[\`kept 1\`] = \`\nObject {\n  "a": 1,\n}\n\`;\n`,
  );
});

test("snapshot: the suite's snapshot-format applies to new files and inline snapshots", async () => {
  const file = "test/snap.test.js";
  const host = startController([
    {
      file,
      load: async () => {
        it("old style", () => {
          expect(['"q"']).toMatchSnapshot();
          expect({ a: 1 }).toMatchInlineSnapshot(`
            Object {
              "a": 1,
            }
          `);
        });
      },
    },
  ]);
  const format = { escapeString: true, printBasicPrototype: true };
  const loaded = await host.command({ type: "load", snapshots: { update: "new", files: {}, format } });
  assert.equal((await host.runTest(loaded.tests[0].id)).status, "passed");
  await host.finish();
  const report = host.sent.find((message) => message.type === "snapshot-file");
  assert.equal(parseSnapshotFile(report.content).get("old style 1"), '\nArray [\n  "\\"q\\"",\n]\n');
  assert.equal(report.matched, 1, "the inline snapshot counts");
});

test("snapshot: an old-style inline snapshot is compared in its style", async () => {
  const { results } = await runWithSnapshots(() => {
    it("inline", () => {
      expect({ list: ["a"] }).toMatchInlineSnapshot(`
        Object {
          "list": Array [
            "a",
          ],
        }
      `);
      expect({ list: ["a"] }).toMatchInlineSnapshot(`
        {
          "list": [
            "a",
          ],
        }
      `);
    });
  });
  assert.equal(results.inline.status, "passed");
});

test("snapshot: expect.addSnapshotSerializer at a file's top level applies to that file, loaded concurrently too", async () => {
  const api = JSON.stringify(new URL("../src/index.js", import.meta.url).href);
  const dir = mkdtempSync(join(tmpdir(), "proctor-serializer-test-"));
  try {
    const files = {
      // Awaits before adding it, so both files are mid-load at once (nothing is current).
      "a.test.js":
        "await null;\nexpect.addSnapshotSerializer({ test: (v) => v?.money === true, serialize: (v) => `Money<${v.cents}>` });\n" +
        'it("a", () => expect({ money: true, cents: 5 }).toMatchSnapshot());\n',
      "b.test.js": 'await null;\nit("b", () => expect({ money: true, cents: 5 }).toMatchSnapshot());\n',
    };
    const entries = Object.entries(files).map(([file, text]) => {
      writeFileSync(join(dir, file), `import { it, expect } from ${api};\n${text}`);
      const url = pathToFileURL(join(dir, file)).href;
      return { file, url, load: () => import(url) };
    });
    const host = startController(entries);
    const loaded = await host.command({ type: "load", snapshots: { update: "new", files: {} } });
    for (const registered of loaded.tests) assert.equal((await host.runTest(registered.id)).status, "passed");
    await host.finish();
    const written = Object.fromEntries(
      host.sent.filter((message) => message.type === "snapshot-file").map((message) => [message.file, message.content]),
    );
    assert.equal(parseSnapshotFile(written["a.test.js"]).get("a 1"), "Money<5>");
    assert.equal(parseSnapshotFile(written["b.test.js"]).get("b 1"), '\n{\n  "cents": 5,\n  "money": true,\n}\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("snapshot: a new inline snapshot in a test file whose .snap is Jest 28's is written in that style", async () => {
  const stored = `${HEADER}\n\nexports[\`old 1\`] = \`\nObject {\n  "a": 1,\n}\n\`;\n`;
  const { results, report } = await runWithSnapshots(
    () => {
      it("old", () => expect({ a: 1 }).toMatchSnapshot());
      it("inline", () => expect({ b: ['say "hi"'] }).toMatchInlineSnapshot());
    },
    { stored },
  );
  assert.equal(results.inline.status, "passed");
  assert.equal(report.inline[0].snapshot, 'Object {\n  "b": Array [\n    "say \\"hi\\"",\n  ],\n}');
  assert.deepEqual(shownOptions(["{\n}"]), { printBasicPrototype: false, escapeString: undefined });
  assert.deepEqual(shownOptions(['"plain"']), { printBasicPrototype: undefined, escapeString: undefined });
  assert.deepEqual(shownOptions(['[\n  "a\\"b",\n]']), { printBasicPrototype: false, escapeString: true });
});
