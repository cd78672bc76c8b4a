// Bundles a browser suite with esbuild's JS API; the host runs it as
// `node <build>/controller/bundle-esbuild.js <request.json>` (host/src/build/bundle.rs).
//
// esbuild resolves and loads through a plugin that asks proctor first: `onResolve` answers from
// the manifest the host wrote (its one resolver's answer for every specifier of every project
// file, so `[alias]`, suite conditions and tsconfig mean the same here as in node and in the
// `esm` build), and falls back to esbuild's own resolution for what the manifest does not hold
// (inside packages), then to the host binary for a project file's import esbuild cannot
// resolve; `onLoad` returns the host's transformed code for the files the manifest lists, and
// asks the host to transform any other TypeScript or JSX file (the cached output's inline
// source map is read by esbuild, so the bundle's map goes back to the `.ts`). The lookups are
// node-modules.js's, the same the node hooks make.
//
// The plugin also records which file imports which. When the build fails, each error is handed
// back with the test files that reach the file it names, so the host can leave exactly those
// out, report them as load errors, and bundle the rest.
//
// Request (JSON): { esbuild, entry, outfile, publicPath, root, alias, minify, manifest, tests,
// result }.
// Result (JSON, written to `result`): { ok: true } or
// { ok: false, errors: [{ text, file, line, column, lineText, notes, tests }] }, `file` absolute,
// `line` 1-based, `column` 0-based (esbuild's), `tests` absolute paths of test files.

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ASSETS, isTransformed, loadFromManifest, resolveFromManifest, resolveWithHost, useManifest } from "./node-modules.js";

const request = JSON.parse(readFileSync(process.argv[2], "utf8"));
const esbuild = createRequire(resolve(request.esbuild, "package.json"))(request.esbuild);
const manifest = request.manifest ? useManifest(request.manifest) : null;

/** importer (absolute path) → the files it imports. */
const edges = new Map();

/** A resolution node-modules.js answered (a file: or node: URL) as esbuild's result. */
function fromUrl(url) {
  // A node builtin is not a file: esbuild's own resolution says what it says about it for a
  // browser bundle (with its hint).
  return url.startsWith("file:") ? { path: fileURLToPath(url) } : null;
}

/**
 * The host's answer for one import: the manifest's resolution, or its error for an import the
 * host could not resolve; null when the manifest does not know it.
 */
function answer(args) {
  // The test API's names (`proctor`, `vitest`, ...) are the carried controller: esbuild's alias
  // (the request's, one entry per name), as node's resolve hook answers them.
  if (manifest === null || !args.importer || args.namespace !== "file" || Object.hasOwn(request.alias, args.path)) {
    return null;
  }
  try {
    const found = resolveFromManifest(args.path, pathToFileURL(args.importer).href, args.kind === "require-call");
    return found === null ? null : fromUrl(found.url);
  } catch (error) {
    // esbuild places a plugin's error at the import it answers.
    return { errors: [{ text: error.message }] };
  }
}

/** After esbuild could not resolve an import of a project file, what the host's resolver says. */
function askHost(args) {
  if (manifest === null || !args.importer || args.namespace !== "file") return null;
  try {
    const found = resolveWithHost(args.path, pathToFileURL(args.importer).href, args.kind === "require-call");
    return found === null ? null : fromUrl(found.url);
  } catch {
    return null;
  }
}

const proctorPlugin = {
  name: "proctor",
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind === "entry-point" || args.pluginData?.proctorFallback) return undefined;
      let result = answer(args);
      if (result?.errors) return result;
      if (result === null) {
        const found = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          namespace: args.namespace,
          resolveDir: args.resolveDir,
          with: args.with,
          pluginData: { proctorFallback: true },
        });
        if (found.errors.length > 0) {
          result = askHost(args);
          if (result === null) return { errors: found.errors, warnings: found.warnings };
        } else {
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
      }
      if (args.importer && result.path) {
        if (!edges.has(args.importer)) edges.set(args.importer, new Set());
        edges.get(args.importer).add(result.path);
      }
      return result;
    });
    // TypeScript and JSX come from the host's transform (the manifest's cached output, else
    // asked of the host); everything else is esbuild's to load.
    build.onLoad({ filter: /.*/ }, (args) => {
      if (manifest === null || (manifest.modules[args.path] === undefined && !isTransformed(args.path))) return undefined;
      // A file the transform rejected: its error (a syntax error at file:line:column) is the
      // file's, and esbuild's own parse of it would only say less.
      const rejected = manifest.modules[args.path]?.error;
      if (typeof rejected === "string") {
        const [, line, column] = /:(\d+):(\d+)/.exec(rejected) ?? [];
        const location = { file: args.path, line: Number(line ?? 1), column: Math.max(Number(column ?? 1) - 1, 0) };
        return { errors: [{ text: rejected, location }] };
      }
      let loaded;
      try {
        loaded = loadFromManifest(pathToFileURL(args.path).href, args.with, false);
      } catch (error) {
        return { errors: [{ text: error.message }] };
      }
      if (loaded === null) return undefined;
      return { contents: loaded.source, loader: "js", resolveDir: dirname(args.path) };
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
    // As Vite: an asset imports as its URL (copied next to the bundle); a stylesheet goes into
    // bundle.css, which the shell page links.
    loader: Object.fromEntries([...ASSETS].map((extension) => [extension, "file"])),
    publicPath: request.publicPath,
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
