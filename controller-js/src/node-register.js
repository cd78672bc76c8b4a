// Preloaded with `node --import <dir>/src/node-register.js`: points `import "proctor"` and
// `require("proctor")` at this controller, so test files share the controller's registry; so
// too the other names of the test API (api-modules.js: `vitest`, `@jest/globals`, ...), installed
// or not.
//
// Where node has synchronous in-thread hooks (module.registerHooks, node >= 22.15 / 23.5), one
// resolve hook serves both `import` and `require`, and resolving costs a function call.
//
// Older node only has module.register (node >= 20.6), whose hooks run on a separate loader
// thread: starting it and making every resolve and load of every module a message round trip
// cost ~130 ms on 200 test files (~30 ms start-up, ~0.5 ms a file), more than running their
// 10,000 tests. So for those versions the host passes --expose-internals, and this file wraps
// the ESM loader's own default resolver in-thread instead — checked to take effect before it
// is relied on, and module.register (node-hooks.js) is the fallback whenever node's internals
// look different. CommonJS `require` consults neither in node 20, hence the
// Module._resolveFilename patch on both of those paths.
//
// The project's own modules (TypeScript, JSX, bundler-style specifiers) are the manifest's
// business (node-modules.js): the generated entry calls `installManifest` before any test file
// loads. With module.registerHooks the hooks below already consult it; older node registers the
// loader thread then, and only when the manifest asks for more than node does alone.

import { readFileSync } from "node:fs";
import Module, { createRequire, syncBuiltinESMExports } from "node:module";
import { extname } from "node:path";
import { pathToFileURL } from "node:url";
import { pathOfUrl } from "./node-url-path.js";
import { isCommonJs, isInteropUrl, isWrapperUrl, requiringSource, withDefaultInterop, wrapperSource } from "./node-cjs-generations.js";
import { installMappedStacks } from "./node-stacks.js";
import { isApiModule } from "./api-modules.js";
import {
  COMMONJS_EXTENSIONS,
  isEsModuleFile,
  isProjectFile,
  loadFromManifest,
  needsHooks,
  resolveInOrder,
  useManifest,
} from "./node-modules.js";

const indexUrl = new URL("./index.js", import.meta.url).href;
const commonJsIndexUrl = new URL("./index.cjs", import.meta.url).href;
const hooksUrl = new URL("./node-hooks.js", import.meta.url).href;

/**
 * The ESM loader wrapped in-thread, and its own methods, while proctor's wrappers are in place
 * (node without module.registerHooks, internals exposed); null otherwise.
 * @type {null | { loader: any, defaultResolve: Function, load: Function, register: Function, manifest?: string }}
 */
let inThread = null;

// Both are read off the default export: a named import of one this node lacks would fail to
// link with a SyntaxError instead of saying what is wrong.
if (typeof Module.registerHooks === "function") {
  requireUnderHooks();
  Module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const isRequire = isRequireContext(context);
      if (isApiModule(specifier)) {
        // `require` gets the CommonJS face, which hands back the same instance as index.js.
        return isRequire
          ? { url: commonJsIndexUrl, format: "commonjs", shortCircuit: true }
          : { url: indexUrl, format: "module", shortCircuit: true };
      }
      const resolve = () =>
        resolveInOrder(
          specifier,
          context.parentURL,
          isRequire,
          () => nextResolve(specifier, context),
          (found) => ({ ...found, shortCircuit: true }),
        );
      // `require` meets mocks in node-mocks.js's Module._load wrapper, before any resolving.
      return isRequire ? resolve() : resolveMocked(specifier, context.parentURL, resolve);
    },
    load(url, context, nextLoad) {
      if (url.startsWith(MOCK_SCHEME)) return { format: "module", source: mockSource(url, false), shortCircuit: true };
      if (isWrapperUrl(url)) return { format: "module", source: wrapperSource(url), shortCircuit: true };
      const isRequire = isRequireContext(context);
      if (isRequire && projectCompiles(url)) return nextLoad(url, context);
      const loaded = loadFromManifest(url, context.importAttributes, isRequire);
      const answer = loaded === null ? nextLoad(url, context) : { ...loaded, shortCircuit: true };
      return isRequire ? answer : importedCommonJs(url, answer);
    },
  });
} else if (typeof Module.register === "function") {
  if (!resolveInThread()) Module.register(hooksUrl, import.meta.url, { data: { indexUrl } });
  const commonJsIndex = pathOfUrl(commonJsIndexUrl);
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveProctor(request, parent, ...rest) {
    if (isApiModule(request)) return commonJsIndex;
    const parentUrl = typeof parent?.filename === "string" ? pathToFileURL(parent.filename).href : undefined;
    return resolveInOrder(
      request,
      parentUrl,
      true,
      () => resolveFilename.call(this, request, parent, ...rest),
      ({ url }) => (url.startsWith("file:") ? pathOfUrl(url) : commonJsBuiltin(url)),
    );
  };
} else {
  throw new Error(`proctor needs node >= 20.6 (module.register); this is node ${process.version}`);
}

/**
 * Whether a hook's `context` is a `require`'s. Node up to 22.20 hands the hooks a CommonJS
 * `require`'s conditions as a Set, later node (and every `import`) as an array.
 */
function isRequireContext(context) {
  const conditions = context.conditions;
  return Array.isArray(conditions) ? conditions.includes("require") : (conditions?.has?.("require") ?? false);
}

/**
 * Node 22 (from 22.15, with module.registerHooks) runs an imported CommonJS file whose source
 * came through a load hook (any file, once hooks are registered) under a `require` of its own,
 * not node's CommonJS loader: it passes by Module._load (where CommonJS mocks and per-file
 * instances are, node-mocks.js) and by importSyncForRequire (where a required ES module gets
 * its generation, above), and up to 22.22 it cannot load an ES module that has imports at all
 * ("request for './x' is not in cache", "... is from a module not been linked"). Node >= 22.23
 * takes the file to its CommonJS loader, with the source given, when told to; older 22 gets,
 * in the file's place, an ES module that requires it (node-cjs-generations.js). Node 24 loads
 * imported CommonJS through its CommonJS loader already.
 */
const IMPORTED_COMMONJS = (() => {
  const [major, minor] = process.versions.node.split(".").map(Number);
  return major !== 22 ? "node" : minor >= 23 ? "reload" : "require";
})();

/** What the load hook answers an `import` of `url`, given the answer it has (see above). */
function importedCommonJs(url, answer) {
  if (IMPORTED_COMMONJS === "node" || answer?.format !== "commonjs" || !url.startsWith("file:")) return answer;
  if (IMPORTED_COMMONJS === "reload") return { ...answer, shouldBeReloadedByCJSLoader: true };
  return { format: "module", source: requiringSource(url, answer.source), shortCircuit: true };
}

/**
 * How node 20's CommonJS loader must be told a builtin the host resolved (`node:fs`): by its
 * bare name, which it loads as the builtin; given `node:fs` as a file name, it reads a file of
 * that name. Builtins that exist only with the scheme (`node:test`) keep it.
 */
function commonJsBuiltin(url) {
  const bare = url.startsWith("node:") ? url.slice("node:".length) : url;
  return bare !== url && Module.isBuiltin(bare) ? bare : url;
}

/**
 * Wraps the ESM loader's default resolver (node's internals, reachable with --expose-internals)
 * so the test API's names (`proctor`, `vitest`, ...) resolve to index.js without a loader thread.
 * @returns {boolean} whether `import "proctor"` now resolves to index.js; false leaves the loader as it was
 */
function resolveInThread() {
  if (!process.execArgv.includes("--expose-internals")) return false;
  let loader;
  try {
    loader = createRequire(import.meta.url)("internal/modules/esm/loader").getOrInitializeCascadedLoader();
  } catch {
    return false;
  }
  const defaultResolve = loader?.defaultResolve;
  const register = loader?.register;
  if (typeof defaultResolve !== "function" || typeof register !== "function") return false;
  loader.defaultResolve = function resolveProctor(specifier, ...rest) {
    if (isApiModule(specifier)) return { url: indexUrl, format: "module" };
    return defaultResolve.call(this, specifier, ...rest);
  };
  // Both ways node resolves an import must see the wrapper, or it is not used at all.
  let works = false;
  try {
    const resolved = loader.resolve("proctor", import.meta.url, { __proto__: null });
    // A loader of the project's own registered before this file (`NODE_OPTIONS="--import tsx"`,
    // `--loader ts-node/esm`, `--import @swc-node/register/esm-register`) has already moved
    // resolution onto node's loader thread: resolve then answers with a promise, which rejects
    // there because the wrapper is not on that thread. Left unobserved, that rejection ended
    // the process before the controller started.
    if (typeof resolved?.then === "function") {
      resolved.then(undefined, () => {});
    } else {
      works = resolved?.url === indexUrl && import.meta.resolve("proctor") === indexUrl;
    }
  } catch {
    works = false;
  }
  if (!works) {
    loader.defaultResolve = defaultResolve;
    return false;
  }
  // A hook registered later (module.register, by a library such as an instrumentation agent or
  // tsx, or by a setup file) moves every resolution onto node's loader thread, where this
  // wrapper is not. At that moment put proctor's own hook first in that chain, as
  // module.register would have from the start, and step aside.
  const load = loader.load;
  const resolve = loader.resolve;
  inThread = { loader, defaultResolve, load: readingPlainModules(load), register };
  // Module mocks and generations apply above node's resolution cache (which remembers a
  // specifier's answer per importer, mocked or not), so this wrapper is on `resolve` itself.
  loader.resolve = function resolveMockAware(specifier, parentURL, ...rest) {
    const plain = () => resolve.call(this, specifier, parentURL, ...rest);
    return isApiModule(specifier) ? plain() : resolveMocked(specifier, parentURL, plain);
  };
  loader.load = mockLoading(inThread.load);
  const restoreRequire = requireInGenerations(loader);
  loader.register = function registerAfterProctor(...args) {
    const manifest = inThread?.manifest;
    loader.register = register;
    loader.resolve = resolve;
    loader.defaultResolve = defaultResolve;
    loader.load = load;
    restoreRequire();
    inThread = null;
    register.call(loader, hooksUrl, import.meta.url, { indexUrl, manifest });
    return register.apply(this, args);
  };
  hideInternals();
  return true;
}

const GENERATION_QUERY = /[?&]proctor-g=\d+/;

/**
 * One instance of a project ES module per realm, whether it is imported or required, and
 * `require` of the transform's ES modules. `require` of an ES module (node >= 20.19) loads it at
 * its plain URL from the file as it is on disk, while `import` in a realm after the first (a
 * fresh realm per file) or in a file that mocks loads the project's modules at their
 * generation's URL (`?proctor-g=<n>`), transformed: a file both imported and required ran twice
 * (a helper that required it saw another counter than the test that imported it), and a
 * required file the transform must change (luxon's `helpers.js`, ES imports beside
 * `exports.x =`) failed. These wrappers give `require` the generation's URL and the manifest's
 * source, for the required module and for what it imports, so it shares node's module job (and
 * its evaluation) with the import, in either order; a mocked path it imports gets the mock.
 * @returns {() => void} puts node's own methods back
 */
function requireInGenerations(loader) {
  const importSync = loader.importSyncForRequire;
  const jobForRequire = loader.getModuleJobForRequire;
  const jobs = syncJobs(loader);
  const usable = typeof importSync === "function" && typeof jobForRequire === "function" && typeof loader.loadCache?.get === "function";
  if (!usable || jobs === null) return () => {};
  loader.getModuleJobForRequire = function requireInGeneration(specifier, parentURL, attributes) {
    const url = requiredImportUrl(this, specifier, parentURL, attributes);
    if (url === null) return jobForRequire.call(this, specifier, parentURL, attributes);
    const cached = this.loadCache.get(url);
    if (cached !== undefined) return cached;
    const source = url.startsWith(MOCK_SCHEME)
      ? mockSource(url, false)
      : isWrapperUrl(url)
        ? wrapperSource(url)
        : transformedSource(url);
    return source === null ? jobForRequire.call(this, url, parentURL, attributes) : jobs.job(url, source);
  };
  loader.importSyncForRequire = function importSyncInGeneration(mod, filename, source, isMain, parent) {
    const plain = pathToFileURL(filename).href;
    const url = isMain ? null : (globalThis.__proctorRequiredEsModuleUrl?.(filename, parent) ?? null);
    const own = transformedSource(plain) ?? source;
    if (url === null) return importSync.call(this, mod, filename, own, isMain, parent);
    const imported = this.loadCache.get(url);
    if (imported === undefined) return jobs.require(mod, url, own, parent);
    // Already imported (or required) in this generation: node's own checks (cycles, top-level
    // await, errors) answer for that job, found at the plain URL for the length of the call.
    const shadowed = this.loadCache.get(plain);
    this.loadCache.set(plain, undefined, imported);
    try {
      return importSync.call(this, mod, filename, own, isMain, parent);
    } finally {
      if (shadowed === undefined) this.loadCache.delete(plain);
      else this.loadCache.set(plain, undefined, shadowed);
    }
  };
  return () => {
    loader.getModuleJobForRequire = jobForRequire;
    loader.importSyncForRequire = importSync;
  };
}

/**
 * `requireInGenerations` for node with module.registerHooks, where the hooks already answer the
 * imports of a required ES module (generations, mocks, the manifest's source): only `require`
 * itself goes past them, to the plain URL. So a required project module in a generation shares
 * the job of its import when there is one; otherwise it is compiled at the generation's URL (as
 * node would compile it at the plain one, with the source the hooks loaded), so that its
 * `import.meta.url` names the generation and its imports resolve from there: a mock of the
 * requiring test file applies to them, as to the file's own imports, and a later import of it
 * in that generation is this instance. The plain URL keeps what it had. Nothing changes when
 * node's internals are not exposed or look different.
 */
function requireUnderHooks() {
  if (!process.execArgv.includes("--expose-internals")) return;
  let loader;
  try {
    loader = createRequire(import.meta.url)("internal/modules/esm/loader").getOrInitializeCascadedLoader();
  } catch {
    return;
  }
  const importSync = loader?.importSyncForRequire;
  const cache = loader?.loadCache;
  if (typeof importSync !== "function" || typeof cache?.get !== "function" || typeof cache.delete !== "function") return;
  hideInternals();
  const jobs = syncJobs(loader);
  loader.importSyncForRequire = function importSyncInGeneration(mod, filename, source, isMain, parent) {
    const url = isMain ? null : (globalThis.__proctorRequiredEsModuleUrl?.(filename, parent) ?? null);
    if (url === null) return importSync.apply(this, arguments);
    const imported = cache.get(url);
    if (imported === undefined && jobs !== null) return jobs.require(mod, url, source, parent);
    const plain = pathToFileURL(filename).href;
    const shadowed = cache.get(plain);
    if (imported === undefined) cache.delete(plain);
    else cache.set(plain, undefined, imported);
    try {
      const required = importSync.apply(this, arguments);
      if (imported === undefined && cache.get(plain) !== undefined) cache.set(url, undefined, cache.get(plain));
      return required;
    } finally {
      if (shadowed === undefined) cache.delete(plain);
      else cache.set(plain, undefined, shadowed);
    }
  };
}

/**
 * Node's synchronous module jobs made at URLs of proctor's choosing (a generation's, a mock's),
 * as node makes them at the plain URL: `job` compiles `source` and links its imports through
 * the loader (from `url`) and caches the job at `url`, as getModuleJobForRequire does; `require`
 * also evaluates it for `require(esm)`, as importSyncForRequire does for a module not loaded
 * yet. Null when node's internals look different. ModuleJobSync takes (loader, url, attributes,
 * wrap, isMain, inspectBrk) on node 20 and 22, and (loader, url, attributes, wrap, phase, isMain,
 * inspectBrk, requestType) on node >= 23.5: the call below means the same to both (an undefined
 * phase is node's default, evaluation; an undefined isMain is false).
 */
function syncJobs(loader) {
  let internals;
  try {
    const require = createRequire(import.meta.url);
    const utils = require("internal/modules/esm/utils");
    internals = {
      compile: utils.compileSourceTextModule,
      requestType: utils.requestTypes?.kImportInRequiredESM,
      ModuleJobSync: require("internal/modules/esm/module_job").ModuleJobSync,
      requiredModule: require("internal/modules/cjs/loader").kRequiredModuleSymbol,
    };
  } catch {
    return null;
  }
  const { compile, requestType, ModuleJobSync, requiredModule } = internals;
  if (typeof compile !== "function" || typeof ModuleJobSync?.prototype?.runSync !== "function") return null;
  const job = (url, source) => {
    const made = new ModuleJobSync(loader, url, { __proto__: null }, compile(url, source, loader), undefined, false, false, requestType);
    loader.loadCache.set(url, undefined, made);
    return made;
  };
  return {
    job,
    require(mod, url, source, parent) {
      const made = job(url, source);
      if (requiredModule !== undefined) mod[requiredModule] = made.module;
      return { wrap: made.module, namespace: made.runSync(parent).namespace ?? made.module.getNamespace() };
    },
  };
}

/** The transform's ES module source for `url` (a file: URL, maybe in a generation), or null. */
function transformedSource(url) {
  const loaded = loadFromManifest(url.replace(GENERATION_QUERY, "").replace(/\?$/, ""), undefined, false);
  return loaded?.format === "module" ? loaded.source : null;
}

/**
 * What an import of a required ES module must load instead of what node would: the generation's
 * URL of a project module (or of a package's ES module) when the importer is in a generation,
 * the mock's URL for a mocked path, the interop wrapper of a CommonJS file (a project module's
 * default import, node-cjs-generations.js), or the module's own URL when the transform changed it; null
 * to let node resolve and load it (a CommonJS package, an untouched file of the first realm).
 */
function requiredImportUrl(loader, specifier, parentURL, attributes) {
  if (typeof parentURL !== "string" || !parentURL.startsWith("file:")) return null;
  const plain = () => loader.defaultResolve(specifier, parentURL, attributes);
  let resolved;
  try {
    resolved = GENERATION_QUERY.test(parentURL)
      ? resolveMocked(specifier, parentURL, plain)
      : withDefaultInterop(plain(), parentURL, INTEROP_FILES);
  } catch {
    return null;
  }
  const url = resolved?.url;
  if (typeof url !== "string") return null;
  if (url.startsWith(MOCK_SCHEME) || isInteropUrl(url)) return url;
  if (!url.startsWith("file:") || isWrapperUrl(url)) return null;
  return GENERATION_QUERY.test(url) || transformedSource(url) !== null ? url : null;
}

/**
 * Answers the ES module loader from the manifest in-thread, by wrapping the same internals
 * `resolveInThread` wrapped: a loader thread would make every module load a message round trip
 * (~130 ms on 200 files), more than a run of their tests. True when it could.
 */
function manifestInThread(path) {
  if (inThread === null || typeof inThread.load !== "function") return false;
  const { loader } = inThread;
  inThread.manifest = path;
  const resolveProctor = loader.defaultResolve;
  loader.defaultResolve = function resolveFromHost(specifier, parentURL, ...rest) {
    const own = () => resolveProctor.call(this, specifier, parentURL, ...rest);
    if (isApiModule(specifier)) return own();
    return resolveInOrder(specifier, parentURL, false, own, ({ url }) => ({ url, format: undefined }));
  };
  const load = inThread.load;
  loader.load = mockLoading(async function loadFromHost(url, context) {
    const loaded = loadFromManifest(url, context?.importAttributes, false);
    if (loaded === null) return load.call(this, url, context);
    // CommonJS output goes through node's CommonJS loader (the extensions below), as the
    // loader thread's hook does.
    const source = loaded.format === "commonjs" ? null : loaded.source;
    return { format: loaded.format, source, responseURL: url };
  });
  return true;
}

/** Wraps an in-thread ESM `load` so a `proctor-mock:` URL loads its mock module's source. */
function mockLoading(load) {
  return async function loadMockAware(url, context) {
    if (isWrapperUrl(url)) return { format: "module", source: wrapperSource(url), responseURL: url };
    if (!url.startsWith(MOCK_SCHEME)) return load.call(this, url, context);
    return { format: "module", source: await mockSource(url, true), responseURL: url };
  };
}

/**
 * Wraps node's own in-thread ESM `load` so a plain ES module file is read at once: node reads
 * through the thread pool, and with a fresh realm per test file the files load one at a time,
 * so each of its hops is waited for. (The manifest's transformed files are answered before.)
 */
function readingPlainModules(load) {
  return async function loadPlainModule(url, context) {
    const source = plainModuleSource(url, context);
    return source === null ? load.call(this, url, context) : { format: "module", source, responseURL: url };
  };
}

/** The source of `url` when it is certainly an ES module file with no import attributes; else null. */
function plainModuleSource(url, context) {
  if (!url.startsWith("file:") || Object.keys(context?.importAttributes ?? {}).length > 0) return null;
  const path = pathOfUrl(url);
  const extension = extname(path);
  if (extension !== ".mjs" && (extension !== ".js" || isCommonJs(path))) return null;
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

const MOCK_SCHEME = "proctor-mock:";

/**
 * Resolves with module mocks and generations applied, once module-mocks.js (loaded with the
 * controller) has put its registry on globalThis; before that, nothing is mocked. Then the
 * default-import interop (node-cjs-generations.js).
 */
function resolveMocked(specifier, parentURL, resolve) {
  const mocks = globalThis.__proctorMocks;
  const resolved = mocks === undefined ? resolve() : mocks.resolveForOwner(specifier, parentURL, resolve);
  // Every `import` passes here (and no `require`): a project file's default import of a
  // CommonJS file gets Babel's `__esModule` interop.
  return withDefaultInterop(resolved, parentURL, INTEROP_FILES);
}

/** What the default-import interop asks of a file; the manifest's source is what node runs. */
const INTEROP_FILES = {
  isProjectFile,
  isEsModuleFile,
  sourceOf: (path) => loadFromManifest(pathToFileURL(path).href, undefined, true)?.source ?? null,
};

function mockSource(url, canWait) {
  const mocks = globalThis.__proctorMocks;
  if (mocks === undefined) throw new Error(`proctor: ${url} was imported before the controller loaded`);
  return mocks.moduleSource(url, canWait);
}

/**
 * Whether ES module mocks can work here: proctor's hooks run in this thread (module.registerHooks,
 * or node's loader wrapped in-thread), where the mock registry is. A loader on node's loader
 * thread cannot reach it.
 */
globalThis.__proctorModuleHooksInThread = () => typeof Module.registerHooks === "function" || inThread !== null;

/**
 * --expose-internals lists node's ~260 internal modules in `builtinModules`; tools that walk
 * that list (bundlers marking builtins external, snapshot tests) should see what they would
 * see without the flag.
 */
function hideInternals() {
  const visible = Module.builtinModules.filter((name) => !name.startsWith("internal/"));
  try {
    Module.builtinModules = visible;
    syncBuiltinESMExports();
  } catch {
    // Read-only on some node: the list stays longer, nothing else changes.
  }
}

/**
 * Whether a loader of the project's own (`--require ts-node/register`, `@swc-node/register`,
 * `tsx/cjs`) compiles what `require` loads from `url`: node has no CommonJS handler of its own
 * for the extensions the transform owns, so one that is there is the project's. Its files are
 * left to it, as they are under Vitest and Jest, instead of handing it proctor's JavaScript to
 * compile as TypeScript once more.
 * @param {string} url a file: URL
 */
function projectCompiles(url) {
  if (!url.startsWith("file:")) return false;
  const extension = extname(pathOfUrl(url)).toLowerCase();
  return COMMONJS_EXTENSIONS.includes(extension) && Object.hasOwn(Module._extensions, extension);
}

/**
 * Puts the host's manifest (node-modules.js) in force for this thread; the generated entry
 * calls it before importing any test file. Node with module.registerHooks already asks the
 * manifest from the hooks above; older node gets a loader thread for ES modules now, and
 * CommonJS's loader learns the transformed extensions — both only when the manifest needs them.
 * @param {string} path the manifest's file path
 */
export function installManifest(path) {
  const read = useManifest(path);
  // Transformed files carry inline source maps: stacks then name the .ts line and column.
  // Only then, since node's mapping makes every `error.stack` slower.
  if (Object.keys(read.modules ?? {}).length > 0) {
    process.setSourceMapsEnabled(true);
    installMappedStacks();
  }
  if (typeof Module.registerHooks === "function" || !needsHooks(read)) return;
  if (!manifestInThread(path)) Module.register(hooksUrl, import.meta.url, { data: { indexUrl, manifest: path } });
  for (const extension of COMMONJS_EXTENSIONS) {
    if (Object.hasOwn(Module._extensions, extension)) continue;
    Module._extensions[extension] = function loadTransformed(module, filename) {
      const loaded = loadFromManifest(pathToFileURL(filename).href, undefined, true);
      if (loaded === null) throw new Error(`proctor: ${filename} was not transformed (its extension needs the transform)`);
      if (loaded.format === "module" && inThread !== null && process.features.require_module === true) {
        // require(esm), through requireInGenerations's wrappers, which hand node this source.
        module._compile(loaded.source, filename, "module");
        return;
      }
      if (loaded.format !== "commonjs") {
        throw new Error(
          `proctor: require() of ${filename}, an ES module once transformed, needs node >= 22.12 ` +
            `(require of ES modules); import it instead`,
        );
      }
      module._compile(loaded.source, filename);
    };
  }
  wrapPlainCommonJs(read);
}

/**
 * Plain CommonJS files the transform changed (`jest.mock` calls hoisted above the requires)
 * have node's own `.js` / `.cjs` handlers, which read the file itself: those handlers learn to
 * compile the manifest's output instead (node without module.registerHooks, whose load hook
 * already answers `require`). Only when the manifest has such a file.
 * @param {{ modules?: Record<string, { format?: string }> }} read the manifest
 */
function wrapPlainCommonJs(read) {
  const plain = [".js", ".cjs"];
  const changed = Object.entries(read.modules ?? {}).filter(
    ([path, module]) => module.format !== "module" && plain.includes(extname(path).toLowerCase()),
  );
  if (changed.length === 0) return;
  // Node 20 has no `.cjs` handler: its loader uses the `.js` one for it.
  const js = Module._extensions[".js"];
  for (const extension of plain) {
    const own = Module._extensions[extension] ?? js;
    Module._extensions[extension] = function loadHoisted(module, filename) {
      const loaded = loadFromManifest(pathToFileURL(filename).href, undefined, true);
      if (loaded?.format !== "commonjs") return own.call(this, module, filename);
      module._compile(loaded.source, filename);
    };
  }
}
