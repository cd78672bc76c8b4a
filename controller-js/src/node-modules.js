// How node loads a project's modules the way bundlers and Jest do: the host's one resolver and
// one transform decide, and this file only looks their answers up.
//
// Before node imports the test files, the host walks everything they reach and writes a
// manifest: where each specifier of each project file resolves (`imports`, `requires`), which
// files must be loaded from the transform's cache (`modules`: TypeScript, JSX; the cached file is
// final JavaScript with an inline source map) and which imports could not be resolved (`errors`,
// with the importing file:line). The generated entry hands it to `useManifest` before any test
// file loads. What the manifest cannot know — a computed `import(path)`, a file a package reaches —
// goes to node's own resolver first and, only where node fails on a project file, to the host
// binary (`proctor internal resolve|transform`), which answers with the same resolver and cache.
//
// The same functions serve node's in-thread hooks (module.registerHooks, node >= 22.15), the
// loader thread of module.register (node-hooks.js, older node) and, on the older node, the
// CommonJS loader's own entry points, which those hooks do not reach.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import Module from "node:module";
import { extname, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { pathOfUrl } from "./node-url-path.js";
import { isCommonJs } from "./node-cjs-generations.js";
import { withoutTypeReexports } from "./node-type-reexports.js";

/** Extensions the transform owns: node cannot run them as they are. */
const TRANSFORMED = new Set([".ts", ".tsx", ".mts", ".cts", ".jsx"]);
/** Stylesheets: imported for their side effect on a page, which node has not got. */
const STYLES = new Set([".css", ".scss", ".sass", ".less", ".styl", ".stylus", ".pcss", ".postcss"]);
/** Files a bundler turns into their URL (Vite's asset list). */
export const ASSETS = new Set([
  ".png", ".jpg", ".jpeg", ".jfif", ".pjpeg", ".pjp", ".gif", ".svg", ".ico", ".webp", ".avif", ".apng", ".bmp",
  ".mp4", ".webm", ".ogg", ".mp3", ".wav", ".flac", ".aac", ".opus", ".mov", ".m4a", ".vtt",
  ".woff", ".woff2", ".eot", ".ttf", ".otf", ".webmanifest", ".pdf", ".txt",
]);

/**
 * The manifest in force in this thread, or null (no manifest: node resolves alone).
 * @type {null | { root: string, modules: Record<string, {code: string, format: string}>,
 *   mockRoots: string[], imports: Record<string, Record<string, string>>, requires: Record<string, Record<string, string>>,
 *   errors: Record<string, Record<string, string>>, host?: { bin: string, args: string[] } }}
 */
let manifest = null;

/**
 * Reads the manifest at `path` and makes it the one this thread's hooks answer from.
 * @returns {object} the manifest
 */
export function useManifest(path) {
  const read = JSON.parse(readFileSync(path, "utf8"));
  manifest = {
    root: read.root ?? "",
    mockRoots: read.mockRoots ?? [],
    modules: read.modules ?? {},
    imports: read.imports ?? {},
    requires: read.requires ?? {},
    errors: read.errors ?? {},
    host: read.host,
  };
  return manifest;
}

/** The project's root directory, or "" without a manifest. */
export function projectRoot() {
  return manifest?.root ?? "";
}

/**
 * The directories whose `__mocks__/` holds the mocks of packages and builtins, in order: the
 * suite's `roots` (Jest's), else the project root; none without a manifest.
 * @returns {string[]}
 */
export function mockRoots() {
  if (manifest === null) return [];
  if (manifest.mockRoots.length > 0) return manifest.mockRoots;
  return manifest.root === "" ? [] : [manifest.root];
}

/**
 * Whether the manifest asks more of node than node does by itself (the host says: anything to
 * transform, or any specifier node would resolve differently). Without that, node without
 * module.registerHooks needs no loader thread, which costs every module load a round trip.
 */
export function needsHooks(read) {
  return read.needsHooks !== false;
}

/**
 * Resolves `specifier` from `parentURL` as the host decided, or returns null to let node resolve
 * it. Throws the host's error for an import the host could not resolve.
 * @param {boolean} isRequire whether this is a `require` (CommonJS resolution and conditions)
 * @returns {null | { url: string, format?: string }}
 */
export function resolveFromManifest(specifier, parentURL, isRequire) {
  if (manifest === null || parentURL === undefined || !parentURL.startsWith("file:")) return null;
  const parent = pathOfUrl(parentURL);
  const target = (isRequire ? manifest.requires : manifest.imports)[parent]?.[specifier];
  if (target !== undefined) return { url: target.startsWith("node:") ? target : pathToFileURL(target).href };
  const message = manifest.errors[parent]?.[specifier];
  if (message !== undefined) throw notFound(message);
  return null;
}

/**
 * The one order every resolve hook follows: the host's answer from the manifest; else `next()`
 * (node's own resolution, a value or a promise); else, when node cannot find an import of a
 * source file, the host asked on the spot. `answer` shapes the host's `{ url }` as the caller
 * returns results.
 */
export function resolveInOrder(specifier, parentURL, isRequire, next, answer) {
  const found = resolveFromManifest(specifier, parentURL, isRequire);
  if (found !== null) return answer(found);
  const fallback = (error) => {
    const hosted = isNotFound(error) ? resolveWithHost(specifier, parentURL, isRequire) : null;
    if (hosted === null) throw error;
    return answer(hosted);
  };
  let result;
  try {
    result = next();
  } catch (error) {
    return fallback(error);
  }
  return typeof result?.then === "function" ? result.then(undefined, fallback) : result;
}

/**
 * After node failed to resolve `specifier` from a project file, asks the host's resolver (a
 * computed `import()` the host could not see). Returns null when the host cannot help either.
 * @returns {null | { url: string }}
 */
export function resolveWithHost(specifier, parentURL, isRequire) {
  if (manifest?.host === undefined || parentURL === undefined || !parentURL.startsWith("file:")) return null;
  const parent = pathOfUrl(parentURL);
  if (!isSource(parent)) return null;
  const answer = askHost(["resolve", "--from", parent, ...(isRequire ? ["--require"] : []), "--", specifier]);
  if (answer?.path !== undefined) return { url: pathToFileURL(answer.path).href };
  if (answer?.builtin !== undefined) return { url: answer.builtin };
  if (answer?.error !== undefined) throw notFound(answer.error);
  return null;
}

/**
 * Whether the file at `path` is an ES module for node: the transform's output format where the
 * manifest has the file (TypeScript compiles to ES modules), else by extension and package type.
 */
export function isEsModuleFile(path) {
  const format = manifest?.modules[path]?.format;
  if (format !== undefined) return format === "module";
  const extension = extname(path).toLowerCase();
  if (extension === ".mjs" || extension === ".mts") return true;
  return extension === ".js" && !isCommonJs(path);
}

/** The transform's output for `path` (at `code`), its re-exports of mere types left out. */
function transformed(path, format, code) {
  const source = readFileSync(code, "utf8");
  if (format !== "module") return { format, source };
  return { format, source: withoutTypeReexports(path, source, (specifier, from) => manifest.imports[from]?.[specifier]) };
}

/**
 * What node must load for `url`, or null to let node load it. `attributes` are the import's
 * attributes (`with { type: "json" }`), `isRequire` whether CommonJS asks.
 * @returns {null | { format: string, source: string }}
 */
export function loadFromManifest(url, attributes, isRequire) {
  if (manifest === null || !url.startsWith("file:")) return null;
  const path = pathOfUrl(url);
  const module = manifest.modules[path];
  // A file the transform could not compile: its error (file:line:column) is the load error.
  if (module?.error !== undefined) throw new SyntaxError(module.error);
  if (module !== undefined) return transformed(path, module.format, module.code);
  const extension = extname(path).toLowerCase();
  if (TRANSFORMED.has(extension) && manifest.host !== undefined) {
    const answer = askHost(["transform", "--", path]);
    if (answer?.code !== undefined) {
      manifest.modules[path] = { code: answer.code, format: answer.format };
      return transformed(path, answer.format, answer.code);
    }
    if (answer?.error !== undefined) throw new SyntaxError(answer.error);
  }
  if (isRequire) return null;
  if (extension === ".json" && attributes?.type === undefined) {
    // Bundlers and Jest import JSON without an import attribute; node insists on one.
    return { format: "module", source: `export default ${readFileSync(path, "utf8")};\n` };
  }
  if (STYLES.has(extension)) {
    const cssModule = /\.module\.[^.]+$/.test(path);
    // As Vitest without `css: true`: a stylesheet is empty, a CSS module's class names are
    // their own names.
    return {
      format: "module",
      source: cssModule
        ? "export default new Proxy({}, { get: (_, key) => (typeof key === \"string\" ? key : undefined) });\n"
        : "export default \"\";\n",
    };
  }
  if (ASSETS.has(extension)) {
    const served = manifest.root && isProjectFile(path) ? `/${relative(manifest.root, path).split(sep).join("/")}` : path;
    return { format: "module", source: `export default ${JSON.stringify(served)};\n` };
  }
  return null;
}

// Module generations: project files resolved in generation n > 0 carry `?proctor-g=<n>` in their
// URL, so node evaluates them afresh; module-mocks.js gives each test file that mocks or resets
// modules generations of its own, from the same counter.
let generations = 0;
let realmGeneration = 0;

/** A generation number never handed out before. */
export function nextGeneration() {
  return ++generations;
}

/** The realm's current generation: what modules outside any test file's own generation get. */
export function moduleGeneration() {
  return realmGeneration;
}

/**
 * require.cache keys that outlive every realm: the packages the controller itself loads (the
 * environment's jsdom or happy-dom, whose instances its windows hold).
 */
const controllerModules = new Set();

/**
 * Runs `load` (the controller loading a package for itself) and keeps what it added to
 * require.cache across realm resets.
 * @template T
 * @param {() => Promise<T>} load
 * @returns {Promise<T>}
 */
export async function loadForController(load) {
  const before = new Set(Object.keys(Module._cache));
  try {
    return await load();
  } finally {
    for (const key of Object.keys(Module._cache)) if (!before.has(key)) controllerModules.add(key);
  }
}

/**
 * Starts a new generation of the realm's modules: ES modules resolved from now on are fresh
 * instances (project files, and packages imported from them: node-mocks.js), and CommonJS
 * project files and packages leave require.cache — as each test file gets a fresh module
 * registry in Jest and a fresh worker in Vitest, so a package that captured a global (Testing
 * Library's `screen` holds the `document.body` it was loaded with) sees the new file's. Kept:
 * the controller's own packages and native addons, which node cannot load twice.
 * @returns {number} the new generation
 */
export function resetModules() {
  realmGeneration = nextGeneration();
  for (const filename of Object.keys(Module._cache)) {
    const fresh = isProjectFile(filename) || (isPackageFile(filename) && !controllerModules.has(filename));
    if (fresh && !filename.endsWith(".node")) delete Module._cache[filename];
  }
  return realmGeneration;
}

/** Whether `path` is an installed package's file (under a node_modules folder). */
export function isPackageFile(path) {
  return path.includes(`${sep}node_modules${sep}`);
}

/** Whether `path` is one of the project's own files (not a package's). */
export function isProjectFile(path) {
  const root = manifest?.root ?? "";
  return root !== "" && (path === root || path.startsWith(root + sep)) && isSource(path);
}

/**
 * Whether `path` is source code rather than an installed package: a workspace's other packages,
 * reached through a link in node_modules, live outside the root and are sources all the same.
 */
function isSource(path) {
  return !path.split(sep).includes("node_modules");
}

/** Runs `proctor internal <args>` with the run's options and parses its JSON answer. */
function askHost(args) {
  try {
    const out = execFileSync(manifest.host.bin, [...manifest.host.args, ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    return JSON.parse(out);
  } catch (error) {
    const text = error?.stdout;
    if (typeof text === "string" && text.trim() !== "") {
      try {
        return JSON.parse(text);
      } catch {
        // Not an answer: fall through to node's own error.
      }
    }
    return null;
  }
}

function notFound(message) {
  const error = new Error(message);
  error.code = "ERR_MODULE_NOT_FOUND";
  return error;
}

/** Whether a resolution error is node failing to find the module (so the host may try). */
export function isNotFound(error) {
  return error?.code === "ERR_MODULE_NOT_FOUND" || error?.code === "ERR_UNSUPPORTED_DIR_IMPORT" ||
    error?.code === "MODULE_NOT_FOUND";
}

/** Whether `path` is a file the transform must turn into JavaScript before node runs it. */
export function isTransformed(path) {
  return TRANSFORMED.has(extname(path).toLowerCase());
}

/** The file extensions node's CommonJS loader must learn (node without module.registerHooks). */
export const COMMONJS_EXTENSIONS = [...TRANSFORMED];
