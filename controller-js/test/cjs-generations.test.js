import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { isCommonJs, isWrapperUrl, wrapperSource, wrapperUrl } from "../src/node-cjs-generations.js";

function packageDir() {
  const dir = mkdtempSync(join(tmpdir(), "cjs-gen-"));
  const pkg = join(dir, "node_modules", "pkg");
  mkdirSync(join(pkg, "esm"), { recursive: true });
  writeFileSync(join(pkg, "package.json"), '{ "name": "pkg" }');
  writeFileSync(join(pkg, "index.js"), 'module.exports = require("./impl.js");\n');
  writeFileSync(
    join(pkg, "impl.js"),
    "const other = { b: 2 };\nexports.a = 1;\nObject.defineProperty(exports, 'b', { enumerable: true, get: function () { return other.b; } });\n" +
      "Object.defineProperty(exports, 'hidden', { enumerable: true, get: () => 4 });\nexports.default = 3;\n",
  );
  writeFileSync(join(pkg, "esm", "package.json"), '{ "type": "module" }');
  writeFileSync(join(pkg, "esm", "x.js"), "export const x = 1;\n");
  return pkg;
}

test("CommonJS is told apart by extension and the nearest package.json's type", () => {
  const pkg = packageDir();
  assert.equal(isCommonJs(join(pkg, "index.js")), true);
  assert.equal(isCommonJs(join(pkg, "esm", "x.js")), false);
  assert.equal(isCommonJs(join(pkg, "x.cjs")), true);
  assert.equal(isCommonJs(join(pkg, "x.mjs")), false);
});

test("a wrapper requires the file and exports node's names, following re-exports", async () => {
  const pkg = packageDir();
  const url = wrapperUrl(pathToFileURL(join(pkg, "index.js")).href, 7);
  assert.equal(isWrapperUrl(url), true);
  assert.equal(isWrapperUrl(pathToFileURL(join(pkg, "index.js")).href), false);
  const source = wrapperSource(url);
  assert.match(source, /export \{ e0 as "a" \}/);
  assert.match(source, /as "b" \}/);
  assert.doesNotMatch(source, /as "default" \}/, "default is module.exports, as node gives it");
  const module = await import(`data:text/javascript,${encodeURIComponent(source)}`);
  assert.deepEqual([module.a, module.b, module.default.default], [1, 2, 3]);
  const native = await import(pathToFileURL(join(pkg, "index.js")).href);
  assert.deepEqual(Object.keys(module).sort(), Object.keys(native).sort(), "the names node's own bridge gives");
});
