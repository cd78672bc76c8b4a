// Module mocking's node side: how module-mocks.js's registry resolves a path the way the loader
// will (the manifest, node, then the host: `resolveInOrder`), imports and requires the actual
// module, finds `__mocks__` files, and how CommonJS `require` sees mocks and generations (a
// wrapper around Module._load; ES modules are the loader hooks' business, in node-register.js).
//
// CommonJS has no URL to put a generation in, so a test file that mocks or resets modules gets
// its own instances of the project's CommonJS modules: the wrapper loads them with
// require.cache's entry set aside, keeps them in the owner's map, and puts the shared entry
// back, so other files keep theirs.

import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import Module, { createRequire, isBuiltin } from "node:module";
import { dirname, join, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { pathOfUrl } from "./node-url-path.js";
import { isApiModule } from "./api-modules.js";
import {
  installModuleMockPlatform,
  ownerOfLocation,
  requireMocked,
  virtualRecord,
  withGeneration,
  withoutGeneration,
} from "./module-mocks.js";
import { isCommonJs, wrapperUrl } from "./node-cjs-generations.js";
import {
  isEsModuleFile,
  isPackageFile,
  isProjectFile,
  mockRoots,
  moduleGeneration,
  nextGeneration,
  projectRoot,
  resetModules,
  resolveFromManifest,
  resolveInOrder,
} from "./node-modules.js";

const CONTROLLER_PATH = dirname(pathOfUrl(import.meta.url));
// Extensions a `__mocks__` file may have, in the order they are tried (the resolver's, plus TS).
const MOCK_EXTENSIONS = ["", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".jsx", ".json"];

const realPaths = new Map();
/** The real path of `path` (cached: the resolve hook asks on every resolution of a mocking file). */
function real(path) {
  let found = realPaths.get(path);
  if (found === undefined) {
    try {
      found = realpathSync(path);
    } catch {
      found = path;
    }
    realPaths.set(path, found);
  }
  return found;
}

/** The registry's key for a module: `node:<name>` for a builtin, else its real path. */
function keyOfUrl(url) {
  if (url.startsWith("node:")) return url;
  if (!url.startsWith("file:")) return null;
  return real(pathOfUrl(withoutGeneration(url)));
}

function builtinKey(specifier) {
  return `node:${specifier.replace(/^node:/, "")}`;
}

/** Resolves `specifier` from the module at `fromUrl` as the loader does, to a registry key. */
function resolveKey(specifier, fromUrl, isRequire) {
  if (isBuiltin(specifier)) return builtinKey(specifier);
  const parent = fromUrl?.startsWith("file:") ? pathOfUrl(fromUrl) : join(process.cwd(), "index.js");
  const parentUrl = pathToFileURL(parent).href;
  const { url } = resolveInOrder(
    specifier,
    parentUrl,
    isRequire,
    () => ({ url: pathToFileURL(createRequire(parent).resolve(specifier)).href }),
    (found) => found,
  );
  return isBuiltin(url) ? builtinKey(url) : keyOfUrl(url);
}

function isFile(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function withExtension(base) {
  for (const extension of MOCK_EXTENSIONS) if (isFile(base + extension)) return base + extension;
  return null;
}

/**
 * The `__mocks__` file that stands in for the module at `key`: beside a project file
 * (`src/__mocks__/dep.js` for `src/dep.ts`), or in a root's `__mocks__/` for a package
 * (`__mocks__/lodash.js`, `__mocks__/@scope/pkg.js`) or a builtin (`__mocks__/fs.js`), the
 * first of the suite's `roots` that has one. A package that is not installed resolves to its
 * root mock itself (the host's resolver), which is then its own mock.
 */
function mocksFile(key, specifier) {
  const bare = !/^(\.{1,2}(\/|$)|\/|file:)/.test(specifier);
  const inRoots = (...parts) => {
    for (const root of mockRoots()) {
      const found = withExtension(join(root, "__mocks__", ...parts));
      if (found !== null) return found;
    }
    return null;
  };
  if (key.startsWith("node:")) return inRoots(key.slice(5));
  if (key.startsWith("virtual:")) return null;
  if (bare && key.includes(`${sep}__mocks__${sep}`)) return key;
  if (bare && !isProjectFile(key)) return inRoots(...specifier.split("/"));
  const name = key.slice(dirname(key).length + 1).replace(/\.[^.]*$/, "");
  return withExtension(join(dirname(key), "__mocks__", name));
}

// The packages the roots' `__mocks__/` have a file for (`lodash`, `@scope/pkg`, `lodash/fp`),
// builtins left out (Jest mocks those only on an explicit jest.mock); read once the manifest
// has named the roots.
let rootMocks;

function rootMockPackages() {
  if (rootMocks !== undefined) return rootMocks;
  const roots = mockRoots();
  if (roots.length === 0) return [];
  rootMocks = [];
  const walk = (dir, prefix) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (entry.isFile()) {
        const name = `${prefix}${entry.name.replace(/\.[^.]*$/, "")}`;
        if (!isBuiltin(name) && !rootMocks.includes(name)) rootMocks.push(name);
      }
    }
  };
  for (const root of roots) walk(join(root, "__mocks__"), "");
  return rootMocks;
}

/**
 * The packages test file `file` (relative to the root) gets mocked from the root `__mocks__/`
 * without asking, as Jest does: only when the file uses the `jest` object (a Vitest file never
 * does, and Vitest mocks those only on vi.mock).
 */
function automaticMocks(file) {
  const packages = rootMockPackages();
  if (packages.length === 0) return [];
  let source;
  try {
    source = readFileSync(join(projectRoot(), file), "utf8");
  } catch {
    return [];
  }
  return JEST_OBJECT.test(source) ? packages : [];
}

/** `jest.` then a name: the file uses the `jest` object (Jest's dialect). */
const JEST_OBJECT = /\bjest\s*\.\s*[A-Za-z]/;

/** Module location (a path or file: URL) → whether its source uses the `jest` object. */
const jestDialect = new Map();

/** Whether the module at `location` uses the `jest` object (false when it cannot be read). */
function usesJestObject(location) {
  if (typeof location !== "string") return false;
  let known = jestDialect.get(location);
  if (known === undefined) {
    try {
      const path = location.startsWith("file:") ? pathOfUrl(location) : location;
      known = JEST_OBJECT.test(readFileSync(path, "utf8"));
    } catch {
      known = false;
    }
    jestDialect.set(location, known);
  }
  return known;
}

/** Whether `url` is a project file that generations apply to (not a package, not the controller). */
function isProjectUrl(url) {
  if (!url.startsWith("file:")) return false;
  const path = pathOfUrl(withoutGeneration(url));
  return isProjectFile(path) && !path.startsWith(CONTROLLER_PATH + sep);
}

/**
 * `url` in `generation` when it is an installed package's file (a package takes its importer's
 * generation); undefined otherwise. CommonJS files get node-cjs-generations.js's wrapper.
 */
function packageUrl(url, generation) {
  if (!url.startsWith("file:")) return undefined;
  const path = pathOfUrl(url);
  if (!isPackageFile(path) || path.endsWith(".node")) return undefined;
  return isCommonJs(path) ? wrapperUrl(url, generation) : withGeneration(url, generation);
}

/** Whether `url` (a file: URL, maybe with a generation) is an ES module, which node 20 cannot require. */
function isEsModuleUrl(url) {
  return url.startsWith("file:") && isEsModuleFile(pathOfUrl(url));
}

/** What `import` of the actual module at `key` loads in `generation`. */
function actualUrl(key, generation) {
  if (key.startsWith("node:")) return key;
  const url = pathToFileURL(key).href;
  return isProjectUrl(url) ? withGeneration(url, generation) : url;
}

// While set, require of this key returns the actual module even where it is mocked.
let bypass = null;

/** `require` of the module at `key` (a path or builtin) for `owner`, mocks of `skip` bypassed. */
function requireKey(key, owner, skip) {
  const outer = bypass;
  bypass = skip;
  try {
    // Required from the owner's test file, so the wrapper below loads the owner's instances.
    const from = join(owner === null ? process.cwd() : projectRoot() || process.cwd(), owner?.file ?? "index.js");
    return createRequire(from)(key);
  } finally {
    bypass = outer;
  }
}

// CommonJS modules loaded for an owner, and the loads in progress (for nested requires).
const moduleOwners = new WeakMap();
const loading = [];

function ownerOfModule(parent) {
  if (parent === undefined || parent === null) return loading.at(-1)?.owner ?? null;
  const owner = moduleOwners.get(parent) ?? ownerOfLocation(parent.filename);
  if (owner !== null && owner !== undefined) return owner;
  return loading.length > 0 ? loading.at(-1).owner : null;
}

/**
 * Where the host resolved `request` from `parent` (the manifest's `requires`), for a path node's
 * own `Module._resolveFilename` cannot find: with module.registerHooks (node >= 22.15) it does
 * not consult the hooks, so an extensionless `require("../src/typed")` of a `.ts` file, which
 * `require` itself then loads through the hooks, is found here. Null when the host has no answer.
 */
function hostedFilename(request, parent) {
  if (typeof parent?.filename !== "string") return null;
  let found;
  try {
    found = resolveFromManifest(request, pathToFileURL(parent.filename).href, true);
  } catch {
    return null;
  }
  if (found === null) return null;
  return found.url.startsWith("file:") ? pathOfUrl(found.url) : found.url.replace(/^node:/, "");
}

const load = Module._load;
Module._load = function loadMocked(request, parent, isMain) {
  if (isMain || !globalThis.__proctorMocks?.active() || isApiModule(request)) return load.apply(this, arguments);
  const owner = ownerOfModule(parent);
  if (owner === null) return load.apply(this, arguments);
  let filename;
  try {
    filename = Module._resolveFilename(request, parent, isMain);
  } catch (error) {
    filename = hostedFilename(request, parent);
    if (filename === null) {
      const virtual = virtualRecord(owner, request, parent?.filename);
      if (virtual === undefined) throw error;
      return requireMocked(owner, virtual.key).value;
    }
  }
  const key = isBuiltin(filename) ? builtinKey(filename) : real(filename);
  const inMocks = typeof parent?.filename === "string" && parent.filename.includes(`${sep}__mocks__${sep}`);
  if (key !== bypass && !inMocks) {
    const mocked = requireMocked(owner, key);
    if (mocked.mocked) return mocked.value;
  }
  if (isBuiltin(filename) || !isProjectUrl(pathToFileURL(filename).href)) return load.apply(this, arguments);
  // The owner's own instance of a project module.
  const cacheKey = `${owner.generation}\0${filename}`;
  const own = owner.commonJs.get(cacheKey);
  if (own !== undefined) return own.exports;
  // A require cycle inside this very load: the partly loaded module, as node gives it.
  const outer = loading.find((frame) => frame.owner === owner && frame.filename === filename);
  if (outer !== undefined && Module._cache[filename] !== outer.saved) return Module._cache[filename]?.exports;
  const saved = Module._cache[filename];
  delete Module._cache[filename];
  loading.push({ owner, filename, saved });
  try {
    const exports = load.apply(this, arguments);
    const module = Module._cache[filename];
    if (module !== undefined) {
      owner.commonJs.set(cacheKey, module);
      moduleOwners.set(module, owner);
    }
    return exports;
  } finally {
    loading.pop();
    if (saved !== undefined) Module._cache[filename] = saved;
    else delete Module._cache[filename];
  }
};

/**
 * The URL `require` of the project ES module `filename` from `parent` must load to get the
 * instance `import` gets there (node-register.js): the generation of the requiring test file
 * when it mocks or resets modules, else the realm's; null for the plain URL.
 */
globalThis.__proctorRequiredEsModuleUrl = function requiredEsModuleUrl(filename, parent) {
  const url = pathToFileURL(filename).href;
  if (!isProjectUrl(url)) return null;
  const owner = globalThis.__proctorMocks?.active() ? ownerOfModule(parent) : null;
  const generation = owner?.generation ?? moduleGeneration();
  return generation === 0 ? null : withGeneration(url, generation);
};

installModuleMockPlatform({
  nextGeneration,
  globalGeneration: moduleGeneration,
  resolveKey,
  keyOfUrl,
  mocksFile,
  actualUrl,
  importUrl: (url) => import(url),
  requireKey,
  isProjectUrl,
  packageUrl,
  isEsModuleUrl,
  toUrl: (path) => pathToFileURL(path).href,
  resetRealm: resetModules,
  hasAutomaticMocks: () => rootMockPackages().length > 0,
  automaticMocks,
  usesJestObject,
  checkHooks() {
    if (globalThis.__proctorModuleHooksInThread?.() === false) {
      throw new Error(
        "proctor cannot mock modules here: a loader registered with module.register (by a --import/--loader " +
          "option or a setup file) moved module resolution onto node's loader thread, which cannot see the " +
          "mocks. Use node >= 22.15, or drop that loader.",
      );
    }
  },
});
