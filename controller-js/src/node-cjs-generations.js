// Fresh instances of CommonJS packages for ES modules of a new module generation (node only).
//
// A realm reset takes packages out of require.cache, and an ES module of the new generation
// reaches a package through a URL carrying that generation, so node makes a new instance of it.
// For a CommonJS package node's own ES-to-CommonJS bridge cannot do that: once a file has been
// in require.cache, importing it again under another URL leaves the bridge's pre-parsed copies
// of its re-exported files unloaded (`module.exports = require("./impl")` then exports `{}`;
// node 20 and 24 alike). So such a URL gets `?proctor-cjs=<generation>` instead, and the load
// hooks answer it with a small ES module that `require`s the package (a fresh instance, since it
// left require.cache) and exports the names node would export: cjs-module-lexer's (the lexer
// node itself uses, vendored), following re-exports as node does. The package is required when
// the wrapper evaluates, so evaluation order is the one node's bridge has.
//
// The same wrapper, marked `proctor-interop=1`, gives a project file's default import of a
// CommonJS file Babel's interop, as Jest and Vitest do (see `withDefaultInterop`).
// And, at the file's own URL, it stands for every imported CommonJS file on node 22.15 to 22.22,
// whose bridge runs such a file under a `require` of its own (see node-register.js,
// `importedCommonJs`).

import { readFileSync, statSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { pathOfUrl } from "./node-url-path.js";

/** cjs-module-lexer, loaded on first use (most runs never need it). */
let lexer = null;

const QUERY = "proctor-cjs";
const MARK = new RegExp(`[?&]${QUERY}=(\\d+)`);

/** Directory → whether its nearest package.json says `"type": "module"`. */
const moduleScopes = new Map();

/** Whether node loads `path` as CommonJS (by extension, else the nearest package.json's type). */
export function isCommonJs(path) {
  const extension = extname(path);
  if (extension === ".cjs") return true;
  if (extension !== ".js") return false;
  return !isModuleScope(dirname(path));
}

function isModuleScope(dir) {
  const known = moduleScopes.get(dir);
  if (known !== undefined) return known;
  let type;
  try {
    type = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).type;
  } catch {
    const parent = dirname(dir);
    type = parent === dir ? "commonjs" : isModuleScope(parent) ? "module" : "commonjs";
  }
  const scoped = type === "module";
  moduleScopes.set(dir, scoped);
  return scoped;
}

/** `url` (a CommonJS file) as the wrapper URL of `generation`. */
export function wrapperUrl(url, generation) {
  return `${url}${url.includes("?") ? "&" : "?"}${QUERY}=${generation}`;
}

/** Whether `url` names a wrapper (see the file's comment). */
export function isWrapperUrl(url) {
  return url.startsWith("file:") && (MARK.test(url) || INTEROP_MARK.test(url));
}

const INTEROP_MARK = /[?&]proctor-interop=1/;

/** Whether `url` names the default-import interop wrapper (see `withDefaultInterop`). */
export function isInteropUrl(url) {
  return url.startsWith("file:") && INTEROP_MARK.test(url);
}

/**
 * `resolved` (what an `import` from `parentURL` resolved to), pointed at the interop wrapper
 * when the importer is one of the project's files and the target a CommonJS file that mentions
 * `__esModule` or requires: its default import is then `exports.default` when, as it runs,
 * `exports.__esModule` is set,
 * as babel-jest's `_interopRequireDefault` and Vitest's `interopDefault` give it (dayjs-style
 * mocks and Babel-compiled packages: `exports.__esModule = true; exports.default = fn`), where
 * node gives the whole `module.exports`. Named imports stay node's. A package importing one
 * keeps node's answer, as in Vitest, which leaves packages to node.
 * @param {{ isProjectFile(path: string): boolean, isEsModuleFile(path: string): boolean,
 *   sourceOf(path: string): string | null }} files what node runs of a file (the transform's
 *   CommonJS output of a `.cts` has the flag its text lacks)
 */
export function withDefaultInterop(resolved, parentURL, { isProjectFile, isEsModuleFile, sourceOf }) {
  const rewrite = (found) => {
    const url = found?.url;
    if (typeof url !== "string" || !url.startsWith("file:") || INTEROP_MARK.test(url)) return found;
    if (typeof parentURL !== "string" || !parentURL.startsWith("file:") || isWrapperUrl(parentURL)) return found;
    if (!isProjectFile(pathOfUrl(parentURL))) return found;
    const path = pathOfUrl(url);
    const candidate = INTEROP_EXTENSIONS.includes(extname(path).toLowerCase()) && !isEsModuleFile(path);
    if (!candidate || !flagsEsModule(path, sourceOf)) return found;
    return { ...found, url: `${url}${url.includes("?") ? "&" : "?"}proctor-interop=1`, format: "module" };
  };
  return typeof resolved?.then === "function" ? resolved.then(rewrite) : rewrite(resolved);
}

/** Extensions a CommonJS file of the project or a package can have (`.ts` with `export =`). */
const INTEROP_EXTENSIONS = [".js", ".cjs", ".cts", ".ts", ".tsx", ".jsx"];

/** Path → whether its text mentions `__esModule` or `require(` (else no interop can apply). */
const flagged = new Map();

/** Path → the transform's CommonJS output (a `.cts`), whose names the wrapper exports. */
const compiled = new Map();

function flagsEsModule(path, sourceOf) {
  let known = flagged.get(path);
  if (known === undefined) {
    try {
      const transformed = sourceOf(path);
      if (transformed !== null) compiled.set(path, transformed);
      const text = transformed ?? readFileSync(path, "utf8");
      // The flag may come from a required module: node's `require` of an ES module returns its
      // namespace with `__esModule` set (dayjs's `module.exports = require("../../src")`).
      known = text.includes("__esModule") || text.includes("require(");
    } catch {
      known = false;
    }
    flagged.set(path, known);
  }
  return known;
}

/** The ES module source answering wrapper `url`. */
export function wrapperSource(url) {
  const interop = INTEROP_MARK.test(url);
  const plain = url.replace(INTEROP_MARK, "").replace(MARK, "").replace(/\?$/, "");
  return requiringModule(plain, interop, null);
}

/**
 * The ES module source answering an `import` of CommonJS file `url` (a plain file: URL) in its
 * stead: it requires the file through node's CommonJS loader and exports what node's own bridge
 * would, `module.exports` as the default and the names cjs-module-lexer finds in `source` (what
 * node runs of the file) and in its re-exports.
 * @param {string | Uint8Array | null | undefined} source
 */
export function requiringSource(url, source) {
  return requiringModule(url, false, source == null ? null : String(source));
}

function requiringModule(plain, interop, source) {
  const filename = pathOfUrl(plain);
  const names = [...exportNames(filename, new Set(), source)].filter((name) => name !== "default");
  const lines = [
    `import { createRequire } from "node:module";`,
    `const m = createRequire(${JSON.stringify(plain)})(${JSON.stringify(filename)});`,
    // Babel's `_interopRequireDefault(m).default`.
    interop ? `export default m != null && m.__esModule ? m.default : m;` : `export default m;`,
  ];
  names.forEach((name, index) => {
    lines.push(`const e${index} = m == null ? undefined : m[${JSON.stringify(name)}];`);
    lines.push(`export { e${index} as ${JSON.stringify(name)} };`);
  });
  return `${lines.join("\n")}\n`;
}

/**
 * The names node's bridge gives `filename`: its lexed exports and its re-exports', recursively;
 * `source`, when given, is the file's text.
 */
function exportNames(filename, seen, source = null) {
  const names = new Set();
  if (seen.has(filename)) return names;
  seen.add(filename);
  let parsed;
  try {
    lexer ??= createRequire(import.meta.url)("./vendor/cjs-module-lexer.cjs");
    parsed = lexer.parse(source ?? compiled.get(filename) ?? readFileSync(filename, "utf8"));
  } catch {
    return names;
  }
  for (const name of parsed.exports) names.add(name);
  const require = createRequire(pathToFileURL(filename).href);
  for (const specifier of parsed.reexports) {
    let resolved;
    try {
      resolved = require.resolve(specifier);
    } catch {
      continue;
    }
    if (Module.isBuiltin(resolved) || !isFile(resolved) || !isCommonJs(resolved)) continue;
    for (const name of exportNames(resolved, seen)) names.add(name);
  }
  return names;
}

function isFile(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
