// Bundles a browser suite with esbuild's JS API; the host runs it as
// `node <build>/controller/bundle-esbuild.js <request.json>` (host/src/build/bundle.rs).
//
// esbuild resolves and loads through a plugin that asks proctor first: `onResolve` answers from
// the manifest the host wrote (its one resolver's answer for every specifier of every project
// file, so `[alias]`, suite conditions and tsconfig mean the same here as in node and in the
// `esm` build), and falls back to esbuild's own resolution for what the manifest does not hold
// (inside packages); `onLoad` returns the host's transformed code for the files the manifest
// lists (its inline source map is read by esbuild, so the bundle's map goes back to the `.ts`).
//
// The plugin also records which file imports which. When the build fails, each error is handed
// back with the test files that reach the file it names, so the host can leave exactly those
// out, report them as load errors, and bundle the rest.
//
// Request (JSON): { esbuild, entry, outfile, root, alias, minify, manifest, tests, result }.
// Result (JSON, written to `result`): { ok: true } or
// { ok: false, errors: [{ text, file, line, column, lineText, notes, tests }] }, `file` absolute,
// `line` 1-based, `column` 0-based (esbuild's), `tests` absolute paths of test files.

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, resolve } from "node:path";

const request = JSON.parse(readFileSync(process.argv[2], "utf8"));
const esbuild = createRequire(resolve(request.esbuild, "package.json"))(request.esbuild);
const manifest = request.manifest ? JSON.parse(readFileSync(request.manifest, "utf8")) : {};

/** importer (absolute path) → the files it imports. */
const edges = new Map();

/** The manifest's answer for one import, if it has one (a require looks in `requires` first). */
function answer(args) {
  const tables = args.kind === "require-call" ? [manifest.requires, manifest.imports] : [manifest.imports];
  for (const table of tables) {
    const found = table?.[args.importer]?.[args.path];
    if (typeof found === "string") return found;
  }
  return undefined;
}

const proctorPlugin = {
  name: "proctor",
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind === "entry-point" || args.pluginData?.proctorFallback) return undefined;
      const known = answer(args);
      let result;
      // A node builtin is not a file: esbuild's own resolution says what it says about it
      // for a browser bundle (with its hint), as it does for a specifier nobody could resolve.
      if (known !== undefined && !known.startsWith("node:")) {
        result = { path: known };
      } else {
        const found = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          namespace: args.namespace,
          resolveDir: args.resolveDir,
          with: args.with,
          pluginData: { proctorFallback: true },
        });
        if (found.errors.length > 0) return { errors: found.errors, warnings: found.warnings };
        result = {
          path: found.path,
          external: found.external,
          namespace: found.namespace,
          sideEffects: found.sideEffects,
          suffix: found.suffix,
          pluginData: found.pluginData,
          warnings: found.warnings,
        };
      }
      if (args.importer && result.path) {
        if (!edges.has(args.importer)) edges.set(args.importer, new Set());
        edges.get(args.importer).add(result.path);
      }
      return result;
    });
    build.onLoad({ filter: /.*/ }, (args) => {
      const module = manifest.modules?.[args.path];
      if (module === undefined) return undefined;
      return { contents: readFileSync(module.code, "utf8"), loader: "js", resolveDir: dirname(args.path) };
    });
  },
};

/** The test files (of `request.tests`) whose imports reach `file`. */
function testsReaching(file) {
  return request.tests.filter((test) => {
    const seen = new Set([test]);
    const queue = [test];
    while (queue.length > 0) {
      const next = queue.pop();
      if (next === file) return true;
      for (const imported of edges.get(next) ?? []) {
        if (!seen.has(imported)) {
          seen.add(imported);
          queue.push(imported);
        }
      }
    }
    return false;
  });
}

let result;
try {
  await esbuild.build({
    entryPoints: [request.entry],
    absWorkingDir: request.root,
    bundle: true,
    format: "iife",
    platform: "browser",
    sourcemap: true,
    minify: request.minify,
    outfile: request.outfile,
    alias: request.alias,
    logLevel: "silent",
    // The controller reads import.meta where it exists; in a bundle it is empty, by design.
    logOverride: { "empty-import-meta": "silent" },
    plugins: [proctorPlugin],
  });
  result = { ok: true };
} catch (failure) {
  if (!Array.isArray(failure?.errors)) throw failure;
  result = {
    ok: false,
    errors: failure.errors.map((error) => {
      const location = error.location;
      const file = location?.file ? (isAbsolute(location.file) ? location.file : resolve(request.root, location.file)) : null;
      return {
        text: error.text,
        file,
        line: location?.line ?? null,
        column: location?.column ?? null,
        lineText: location?.lineText ?? null,
        notes: (error.notes ?? []).map((note) => note.text).filter(Boolean),
        tests: file === null ? [] : testsReaching(file),
      };
    }),
  };
}
writeFileSync(request.result, JSON.stringify(result));
