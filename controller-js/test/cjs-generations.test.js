import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { isCommonJs, isWrapperUrl, withDefaultInterop, wrapperSource, wrapperUrl } from "../src/node-cjs-generations.js";
import { tempDir } from "./temp-dir.js";

function packageDir() {
  const dir = tempDir("cjs-gen-");
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

test("a project file's default import of a CommonJS file flagged __esModule goes through the interop wrapper", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "proctor-interop-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "flagged.js"), "exports.__esModule = true;\nexports.default = () => 1;\nexports.a = 2;\n");
  writeFileSync(join(dir, "plain.js"), "exports.default = 3;\n");
  const url = (name) => pathToFileURL(join(dir, name)).href;
  const files = { isProjectFile: (path) => !path.includes("node_modules"), isEsModuleFile: () => false, sourceOf: () => null };
  const interop = (name, parent = url("a.test.js")) =>
    withDefaultInterop({ url: url(name), format: "commonjs" }, parent, files).url;
  const wrapped = interop("flagged.js");
  assert.equal(wrapped, `${url("flagged.js")}?proctor-interop=1`);
  assert.equal(isWrapperUrl(wrapped), true);
  assert.equal(interop("plain.js"), url("plain.js"), "no __esModule in its text");
  assert.equal(interop("flagged.js", pathToFileURL(join(dir, "node_modules", "p", "i.js")).href), url("flagged.js"), "a package keeps node's answer");
  const source = wrapperSource(wrapped);
  assert.match(source, /export default m != null && m\.__esModule \? m\.default : m;/);
  assert.match(source, /as "a" \}/);
  const resolved = await withDefaultInterop(Promise.resolve({ url: url("flagged.js") }), url("a.test.js"), files);
  assert.equal(resolved.url, wrapped, "an asynchronous resolve is rewritten too");
});
