// `proctor init`'s config evaluation (src/init-config.js): how other runners' configs are read
// and how values JSON cannot hold are marked for the host.

import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig, parseJsonc, parseSimpleYaml, serialize } from "../src/init-config.js";
import { tempDir } from "./temp-dir.js";

test("regexes, functions and cycles are marked, undefined dropped", () => {
  const cyclic = { a: 1 };
  cyclic.self = cyclic;
  assert.deepEqual(serialize({ re: /\.test\.js$/i, fn: function setup() {}, u: undefined, cyclic, n: Infinity }), {
    re: { $regexp: "\\.test\\.js$", flags: "i" },
    fn: { $unmappable: "a function (setup)" },
    cyclic: { a: 1, self: { $unmappable: "a circular or too deep value" } },
    n: { $unmappable: "Infinity" },
  });
});

test("jsonc keeps strings and drops comments and trailing commas", () => {
  assert.deepEqual(parseJsonc('{\n // c\n "spec": "a//b", /* x */ "timeout": 2000,\n}'), { spec: "a//b", timeout: 2000 });
});

test("mocha's YAML: scalars, block and inline lists", () => {
  const text = "# mocha\nspec:\n  - 'test/**/*.spec.js'\n  - test/other.js\nrequire: [a.js, b.js]\ntimeout: 3000\nrecursive: true\nui: tdd\n";
  assert.deepEqual(parseSimpleYaml(text), {
    spec: ["test/**/*.spec.js", "test/other.js"],
    require: ["a.js", "b.js"],
    timeout: 3000,
    recursive: true,
    ui: "tdd",
  });
});

test("functions are called as their runners call them; Karma's through config.set", async () => {
  const dir = tempDir("proctor-init-");
  writeFileSync(join(dir, "vite.config.mjs"), "export default ({ mode }) => ({ test: { mode } });\n");
  assert.deepEqual(await loadConfig("module", join(dir, "vite.config.mjs")), { test: { mode: "test" } });
  writeFileSync(join(dir, "jest.config.cjs"), "module.exports = async () => ({ testTimeout: 100 });\n");
  assert.deepEqual(await loadConfig("module", join(dir, "jest.config.cjs")), { testTimeout: 100 });
  writeFileSync(join(dir, "karma.conf.cjs"), "module.exports = (config) => config.set({ files: ['a.js'], logLevel: config.LOG_INFO });\n");
  assert.deepEqual(await loadConfig("karma", join(dir, "karma.conf.cjs")), { files: ["a.js"], logLevel: "INFO" });
  writeFileSync(join(dir, "wtr.config.mjs"), "export default { testRunnerHtml: (fw) => `<script type=module src=${fw}></script>` };\n");
  const wtr = await loadConfig("wtr", join(dir, "wtr.config.mjs"));
  assert.deepEqual(serialize(wtr), { testRunnerHtml: { $html: "<script type=module src=__proctor_test_framework__></script>" } });
});
