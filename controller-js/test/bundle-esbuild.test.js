// bundle-esbuild.js, run as the host runs it, with the workspace's esbuild: the manifest's
// resolutions win over esbuild's own, a module the manifest lists is loaded from the transform's
// output (whose inline source map the bundle's map follows back to the `.ts`), and a failed
// build names, for each error, the test files that reach it.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "./temp-dir.js";

const script = fileURLToPath(new URL("../src/bundle-esbuild.js", import.meta.url));
const esbuildDir = dirname(createRequire(import.meta.url).resolve("esbuild/package.json"));
const esbuild = createRequire(import.meta.url)("esbuild");

/** Writes `files` (path → text) under a fresh root; returns the root. */
function project(files) {
  const root = tempDir("proctor-bundle-test-");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** Runs the script on `root` with entry `entry.js`, test files `tests` and `manifest`. */
function bundle(root, tests, manifest) {
  const manifestPath = join(root, "manifest.json");
  writeFileSync(manifestPath, JSON.stringify(manifest));
  const request = {
    esbuild: esbuildDir,
    entry: join(root, "entry.js"),
    outfile: join(root, "out/bundle.js"),
    root,
    alias: {},
    minify: false,
    manifest: manifestPath,
    tests: tests.map((test) => join(root, test)),
    result: join(root, "result.json"),
  };
  writeFileSync(join(root, "request.json"), JSON.stringify(request));
  execFileSync(process.execPath, [script, join(root, "request.json")]);
  return JSON.parse(readFileSync(request.result, "utf8"));
}

test("the manifest's resolutions and transformed modules are what esbuild bundles", () => {
  const root = project({
    "entry.js": 'import("./a.test.ts");\n',
    "a.test.ts": 'import { twice } from "@alias/twice";\nconst n: number = twice(2);\nif (n !== 4) throw new Error("wrong");\nexport const fail = (): never => { throw new Error("mapped"); };\n',
    "src/twice.ts": "export const twice = (n: number): number => n * 2;\n",
  });
  // The host's transform: final JS with an inline source map (esbuild stands in for swc here).
  const transformed = (path) => {
    const code = esbuild.transformSync(readFileSync(join(root, path), "utf8"), {
      loader: "ts",
      sourcemap: "inline",
      sourcefile: join(root, path),
    }).code;
    const out = join(root, "cache", `${path.replaceAll("/", "_")}.js`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `globalThis.transformedByTheHost = ${JSON.stringify(path)};\n${code}`);
    return { code: out, format: "module" };
  };
  const result = bundle(root, ["a.test.ts"], {
    version: 1,
    modules: { [join(root, "a.test.ts")]: transformed("a.test.ts"), [join(root, "src/twice.ts")]: transformed("src/twice.ts") },
    imports: { [join(root, "a.test.ts")]: { "@alias/twice": join(root, "src/twice.ts") } },
  });
  assert.deepEqual(result, { ok: true });
  const code = readFileSync(join(root, "out/bundle.js"), "utf8");
  assert.match(code, /transformedByTheHost = "a.test.ts"/);
  assert.match(code, /transformedByTheHost = "src\/twice.ts"/);
  const map = JSON.parse(readFileSync(join(root, "out/bundle.js.map"), "utf8"));
  assert.ok(
    map.sources.some((source) => source.endsWith("a.test.ts")),
    `the map goes back to the .ts source: ${map.sources}`,
  );
  assert.ok(!map.sources.some((source) => source.includes("cache")), `not to the cache: ${map.sources}`);
});

test("each error names the test files that reach the file it is in", () => {
  const root = project({
    "entry.js": 'import("./a.test.js");\nimport("./b.test.js");\n',
    "a.test.js": 'import "./src/files.js";\n',
    "b.test.js": 'import "./src/ok.js";\n',
    "src/files.js": 'import fs from "fs";\nexport default fs;\n',
    "src/ok.js": "export default 1;\n",
  });
  const result = bundle(root, ["a.test.js", "b.test.js"], { version: 1 });
  assert.equal(result.ok, false);
  assert.equal(result.errors.length, 1);
  const [error] = result.errors;
  assert.equal(error.text, 'Could not resolve "fs"');
  assert.equal(error.file, join(root, "src/files.js"));
  assert.deepEqual([error.line, error.column], [1, 15]);
  assert.deepEqual(error.tests, [join(root, "a.test.js")]);
});

test("an import the host could not resolve fails with the host's message at the import", () => {
  const root = project({
    "entry.js": 'import("./a.test.js");\n',
    "a.test.js": 'export const x = 1;\nimport "~missing";\n',
  });
  const result = bundle(root, ["a.test.js"], {
    version: 1,
    errors: { [join(root, "a.test.js")]: { "~missing": 'cannot resolve "~missing" imported at a.test.js:2:8' } },
  });
  assert.equal(result.ok, false);
  assert.deepEqual(
    result.errors.map((error) => [error.text, error.file, error.line, error.tests]),
    [['cannot resolve "~missing" imported at a.test.js:2:8', join(root, "a.test.js"), 2, [join(root, "a.test.js")]]],
  );
});
