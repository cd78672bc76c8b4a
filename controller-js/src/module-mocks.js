// Module mocking's registry: what `vi.mock` / `jest.mock` and their kin record, and what the
// module loader asks it (node: node-mocks.js and the hooks in node-register.js, through
// `globalThis.__proctorMocks`). Platform-neutral; the platform (node: node-mocks.js; a browser
// page: browser-mocks.js, whose server serves the mocks) installs the parts that resolve,
// import and require with `installModuleMockPlatform`, and without one every mocking call
// throws a clear error.
//
// Mocks belong to the test file that made them, even when files share a realm. Files are
// imported concurrently into one runtime (and later one at a time, with `resetModuleMocks()`
// between them), so the registry keys everything by an *owner*, one per test file:
// - `vi.mock` finds its caller's module URL on the stack (V8 names the module; a `?proctor-g=`
//   query is stripped). The owner is that test file's when the caller is a test file; else the
//   owner of the caller's generation (a helper module or `__mocks__` file loaded under test
//   file A runs under A's generation); else the outermost test file on the stack, or the file
//   being loaded.
// - A test file gets a *generation* of its own (a number from node-modules.js's one counter)
//   when it registers its first mock or resets its modules. Project modules (not packages, not
//   builtins) resolved from the test file, or from any module of that generation, get the
//   owner's CURRENT generation in their URL (`?proctor-g=<n>`), so test file A's `./service.js`
//   (which imports the mocked `./dep`) is a different instance from test file B's, and B never
//   sees A's mock. Modules imported before the first mock (static imports the transform did not
//   hoist past) stay shared, as they were.
// - A mocked specifier, resolved from the owner's modules, becomes `proctor-mock:<key>?id=..`,
//   an ES module whose source re-exports the mock's value from this registry (`moduleSource`).
//   CommonJS `require` of a mocked path returns the value itself (node-mocks.js).
// - `doMock` and a later `import()` inside A's tests resolve from A's modules: A's mocks apply.
// - When A's tests are done, its owner is dropped (jest-object.js resetAfterFile calls
//   `resetModuleMocks(file)`); a fresh realm per file calls `resetModuleMocks()` between files.
//
// ES modules need static export names, so a mock's value must exist before its module links:
// - a factory runs when its mock module is first loaded (Jest: on first require), or earlier in
//   `settle()`, which the hoisting transform's output awaits after the hoisted calls and before
//   the (now dynamic) imports: settle runs the caller's pending factories and awaits async ones,
//   and prepares automocks and `__mocks__` files by importing the actual module. That is where
//   an async factory (Vitest allows them) gets its keys.
// - A mock first loaded without settle (doMock then `import()`) is prepared as it loads: node 20
//   loads asynchronously and awaits anything; node's synchronous hooks (node >= 22.15) call a
//   factory and use `require` for the actual module, and an async factory there is an error
//   that says to make it synchronous (or to mock before the imports, where settle awaits it).
// - Names: a factory's own keys (its `default` key is the default export; without one, the
//   default export is the whole object, as Jest's interop gives it; in a file that uses the
//   `jest` object, a factory's object without `__esModule` is the default export whole, as
//   babel-jest gives it, while Vitest gives its `default` key); an automock's are the
//   actual module's exports; a `__mocks__` file's are its own.
// - `resetModules()` (per file) gives the owner a new generation: project modules and mocks are
//   evaluated afresh on next import, factories included (Jest re-runs them; the registry of
//   mocks is kept, as Vitest's is).
//
// Without a factory, a `__mocks__/<name>` file beside the module wins (for a package or a
// builtin, the root `__mocks__/<package>`), else the automock of the actual module (automock.js;
// `{ spy: true }` keeps the implementations). Jest's automatic rule — a package with a root
// `__mocks__` file is mocked without `jest.mock` — applies to test files that use the `jest`
// object only: Vitest mocks those only on `vi.mock`, and a Vitest suite may keep root mocks for
// some files. A mocked package stands for both the file `import` and the file `require` reach.
//
// A mocking call from a module that is no test file (a helper, a setup file) belongs to the
// test file on the stack, else the file whose import is running (when files load one at a time),
// else it is an error.

import { automock } from "./automock.js";
import { callerLocations, registry, stackLocations, withoutGeneration } from "./registry.js";

/**
 * What the platform provides; see node-mocks.js for the node implementation.
 * @typedef {{
 *   nextGeneration(): number,
 *   resolveKey(specifier: string, fromUrl: string, isRequire: boolean): string,
 *   keyOfUrl(url: string): string | null,
 *   mocksFile(key: string, specifier: string): string | null,
 *   actualUrl(key: string, generation: number): string,
 *   importUrl(url: string): Promise<object>,
 *   requireKey(key: string, owner: Owner | null, bypass: string | null): unknown,
 *   isProjectUrl(url: string): boolean,
 *   packageUrl?(url: string, generation: number): string | undefined,
 *   isEsModuleUrl?(url: string): boolean,
 *   toUrl(location: string): string,
 *   globalGeneration(): number,
 *   resetRealm(): void,
 *   checkHooks(): void,
 *   hasAutomaticMocks(): boolean,
 *   automaticMocks(file: string): string[],
 *   usesJestObject?(location: string): boolean,
 *   registered?(record: object, generation: number, prepare: () => unknown): void,
 *   unregistered?(record: object): void,
 *   requires?: boolean,
 *   freshSpecifier?(specifier: unknown, meta: object, owner: Owner): string,
 *   sawImport?(specifier: unknown, meta: object): void,
 * }} Platform
 * `registered` / `unregistered` (the browser's): told of each mock as it is made or dropped;
 * `prepare()` makes (or returns the promise of) the mock's value for `generation`.
 * `requires: false` (a page): nothing can be required, so `jest.requireActual` / `requireMock`
 * give only what settle loaded ahead, and an import's mock. `freshSpecifier` (a page): what a
 * dynamic import in module `meta` imports for `owner` (module instances follow URLs there);
 * `sawImport` (a page): told of every such import first, mocks or not.
 */

/** @type {Platform | null} */
let platform = null;

/** The platform's part (node-mocks.js calls this once, at start-up). */
export function installModuleMockPlatform(value) {
  platform = value;
}

// The controller's own files: their frames are never the caller of a mocking call.
const CONTROLLER_DIR = typeof import.meta.url === "string" ? new URL("./", import.meta.url).href : "";
const CONTROLLER_PATH = CONTROLLER_DIR.startsWith("file:") ? decodeURIComponent(new URL(CONTROLLER_DIR).pathname) : "\0";
const GENERATION = /[?&]proctor-g=(\d+)/;
export const MOCK_SCHEME = "proctor-mock:";

/** A test file's mocks and module generation. */
export class Owner {
  constructor(file) {
    this.file = file;
    /** key (absolute real path, or `node:name`, or `virtual:...`) → mock record */
    this.mocks = new Map();
    this.generation = 0;
    /** The generation it was created with: its file's realm itself (a page's sub-realms are later ones). */
    this.firstGeneration = 0;
    /** `<generation>\0<filename>` → CommonJS module, this owner's instances (node-mocks.js) */
    this.commonJs = new Map();
  }
}

/** test file (relative path) → Owner */
const owners = new Map();
/** stack location (module URL or CommonJS path) of a test file → Owner */
const locationOwners = new Map();
/** generation → Owner */
const generationOwners = new Map();
/** mock id → record */
const records = new Map();
let mockCount = 0;

/** Whether any mocking state exists: the loader's fast path asks this on every resolution. */
export function mockingActive() {
  return owners.size > 0 || (platform?.hasAutomaticMocks() ?? false);
}

/** The generation in a module URL (`?proctor-g=<n>`), or 0. */
export function generationOf(url) {
  if (typeof url !== "string" || !url.includes("proctor-g=")) return 0;
  const match = GENERATION.exec(url);
  return match === null ? 0 : Number(match[1]);
}

export { withoutGeneration };

/** `url` in generation `generation` (0: the plain URL). */
export function withGeneration(url, generation) {
  const plain = withoutGeneration(url);
  if (generation === 0) return plain;
  return `${plain}${plain.includes("?") ? "&" : "?"}proctor-g=${generation}`;
}

/** The owner whose modules a module at `location` (URL or CommonJS path) belongs to, or null. */
export function ownerOfLocation(location) {
  if (typeof location !== "string" || (owners.size === 0 && !(platform?.hasAutomaticMocks() ?? false))) return null;
  const generation = generationOf(location);
  const byGeneration = generation === 0 ? undefined : generationOwners.get(generation);
  if (byGeneration !== undefined) return byGeneration;
  // A test file itself may be imported in the realm's generation (after the realm's
  // resetModules() between files): it is still the test file.
  const plain = generation === 0 ? location : withoutGeneration(location);
  return locationOwners.get(plain) ?? automaticOwner(plain);
}

// Test files whose automatic mocks were looked for.
const automaticChecked = new Set();

/**
 * The owner a test file at `location` gets before it mocks anything, for Jest's automatic mocks
 * of packages from the root `__mocks__/` (only for a test file that uses the `jest` object:
 * Vitest mocks those only on `vi.mock(pkg)`); null for any other location.
 */
function automaticOwner(location) {
  if (!platform.hasAutomaticMocks()) return null;
  const scope = registry.byLocation.get(location);
  if (scope === undefined || automaticChecked.has(scope.file)) return null;
  automaticChecked.add(scope.file);
  return platform.automaticMocks(scope.file).length === 0 ? null : ownerOf(scope, location);
}

/**
 * Jest's automatic root `__mocks__` for test file `file` (relative path), about to be imported at
 * `location` (its URL): a platform that cannot see resolutions go by (a page, whose server
 * answers its imports) registers them before the file's imports, where node's loader finds them
 * on the way (`automaticOwner`).
 */
export function prepareAutomaticMocks(file, location) {
  if (!(platform?.hasAutomaticMocks() ?? false) || automaticChecked.has(file)) return;
  const scope = registry.scopes.get(file);
  if (scope === undefined || owners.has(file)) return;
  automaticChecked.add(file);
  if (platform.automaticMocks(file).length > 0) ownerOf(scope, location);
}

function newRecord(owner, key, specifier, factory) {
  const record = { id: ++mockCount, owner, key, specifier, factory, values: new Map(), pending: new Map() };
  records.set(record.id, record);
  owner.mocks.set(key, record);
  return record;
}

/**
 * The owner of test file `scope`, created on first use with a generation of its own and Jest's
 * automatic package mocks; `location`, when it is the test file's own, is learned as its name.
 */
function ownerOf(scope, location) {
  let owner = owners.get(scope.file);
  if (owner === undefined) {
    owner = new Owner(scope.file);
    owners.set(scope.file, owner);
    automaticChecked.add(scope.file);
    setGeneration(owner, platform.nextGeneration());
    owner.firstGeneration = owner.generation;
    // The test file's own names, so its imports find the owner even when a setup file or a
    // helper made it (Vitest's vi.mock in a setup file mocks for the test file).
    for (const [known, fileScope] of registry.byLocation) if (fileScope === scope) locationOwners.set(known, owner);
    const from = location === undefined ? undefined : location.startsWith("/") ? platform.toUrl(location) : withoutGeneration(location);
    const automatic = from !== undefined && platform.hasAutomaticMocks() ? platform.automaticMocks(scope.file) : [];
    for (const specifier of automatic) {
      let key;
      try {
        key = platform.resolveKey(specifier, from, false);
      } catch {
        continue;
      }
      // Only for installed packages, as Jest: a project file of that name is not one.
      if (platform.isProjectUrl(platform.toUrl(key))) continue;
      const record = newRecord(owner, key, specifier, undefined);
      // Registered before the test file loads: its static imports load where it does.
      record.automatic = true;
      const generation = owner.generation;
      platform.registered?.(record, generation, () => prepare(record, generation, "module", true));
    }
  }
  if (location !== undefined) {
    const plain = withoutGeneration(location);
    for (const alias of stackLocations(plain.startsWith("/") ? platform.toUrl(plain) : plain)) locationOwners.set(alias, owner);
  }
  return owner;
}

/** Whether `location` is a file inside a `__mocks__` directory (its imports are never mocked). */
function isMocksFile(location) {
  return typeof location === "string" && /[\\/]__mocks__[\\/]/.test(location);
}

/**
 * How the loader resolves `specifier` from `parentURL` once node (and the manifest) answered
 * `resolved` ({ url, format? }): the owner's mock module, or the owner's generation of a project
 * module, or `resolved` as it is. `next` gives that answer (a value or a promise).
 */
export function resolveForOwner(specifier, parentURL, next) {
  const owner = ownerOfLocation(parentURL);
  const generation = owner?.generation ?? platform?.globalGeneration() ?? 0;
  if (owner === null && generation === 0) return next();
  const mocked = owner !== null && !isMocksFile(parentURL);
  const rewrite = (resolved) => {
    if (typeof resolved?.url !== "string") return resolved;
    if (mocked) {
      const key = platform.keyOfUrl(resolved.url);
      const record = key === null ? undefined : owner.mocks.get(key);
      if (record !== undefined) return { ...resolved, url: mockUrl(record, owner.generation), format: "module" };
    }
    if (generation !== 0 && platform.isProjectUrl(resolved.url)) return { ...resolved, url: withGeneration(resolved.url, generation) };
    // A package takes its importer's generation: the test file's modules get fresh instances of
    // it, while what the controller imports for itself (an environment's happy-dom) stays one.
    const inherited = generationOf(parentURL);
    const fresh = inherited === 0 ? undefined : platform.packageUrl?.(resolved.url, inherited);
    if (fresh !== undefined) return { ...resolved, url: fresh };
    return resolved;
  };
  const virtual = (error) => {
    const record = mocked ? owner.mocks.get(virtualKey(specifier, parentURL)) : undefined;
    if (record === undefined) throw error;
    // Node's own resolution failed, so the chain ends here (node's synchronous hooks insist).
    return { url: mockUrl(record, owner.generation), format: "module", shortCircuit: true };
  };
  let resolved;
  try {
    resolved = next();
  } catch (error) {
    return virtual(error);
  }
  return typeof resolved?.then === "function" ? resolved.then(rewrite, virtual) : rewrite(resolved);
}

function mockUrl(record, generation) {
  return `${MOCK_SCHEME}${encodeURIComponent(record.key)}?id=${record.id}&g=${generation}`;
}

/** The mock record a `proctor-mock:` URL names. */
function recordOfUrl(url) {
  const match = /[?&]id=(\d+)&g=(\d+)/.exec(url);
  const record = match === null ? undefined : records.get(Number(match[1]));
  if (record === undefined) throw new Error(`proctor: ${url} names no module mock (its test file is done)`);
  return { record, generation: Number(match[2]) };
}

/**
 * The ES module source for a `proctor-mock:` URL. `canWait`: the loader awaits a promise (node
 * 20); otherwise the mock must be ready synchronously.
 * @returns {string | Promise<string>}
 */
export function moduleSource(url, canWait) {
  const { record, generation } = recordOfUrl(url);
  const value = prepare(record, generation, "module", canWait);
  if (typeof value?.then === "function" && isPending(record, generation)) return value.then(() => sourceFor(record, generation));
  return sourceFor(record, generation);
}

function sourceFor(record, generation) {
  const value = record.values.get(`module@${generation}`);
  const names = exportNames(record, value);
  const lines = [`const m = globalThis.__proctorMocks.value(${record.id}, ${generation});`];
  names.forEach((name, index) => {
    if (name === "default") return;
    lines.push(`const e${index} = m[${JSON.stringify(name)}];`, `export { e${index} as ${JSON.stringify(name)} };`);
  });
  const hasDefault = names.includes("default");
  lines.push(hasDefault ? `export default m["default"];` : `export default m;`);
  return `${lines.join("\n")}\n`;
}

/** The export names of mock `record`'s `value` (its own keys); throws Vitest's error for a non-object. */
export function exportNames(record, value) {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) {
    throw new TypeError(
      `[vitest] vi.mock(${JSON.stringify(record.specifier)}, factory?) is not returning an object. ` +
        `Did you mean to return an object with a "default" key?`,
    );
  }
  const names = Object.keys(value).filter((name) => name !== "__esModule");
  // babel-jest's `_interopRequireDefault`: in a file that uses the `jest` object, a factory's
  // object without `__esModule` is itself the default export, its `default` key a mere name
  // (Vitest gives the `default` key).
  return record.babelInterop === true && !value.__esModule ? names.filter((name) => name !== "default") : names;
}

/** The prepared value of mock `id` in `generation`, as the generated module source reads it. */
function value(id, generation) {
  return records.get(id)?.values.get(`module@${generation}`);
}

/**
 * The mock a test file registered for the module `specifier` names, with the newest value made
 * for it, or undefined; `keyOf(specifier)` resolves the specifier (only asked when there are
 * mocks). A page's CommonJS `require(name)` of a name computed at run time asks this
 * (browser-mocks.js): its wrapper knows only the literal requires.
 */
export function mockOfSpecifier(specifier, keyOf) {
  if (![...owners.values()].some((owner) => owner.mocks.size > 0)) return undefined;
  const keys = [keyOf(specifier), `virtual:${specifier}`];
  for (const owner of owners.values()) {
    for (const key of keys) {
      const record = key === undefined ? undefined : owner.mocks.get(key);
      const value = record === undefined ? undefined : latestValue(record, "module");
      if (value !== undefined) return { record, value };
    }
  }
  return undefined;
}

function isPending(record, generation) {
  return !record.values.has(`module@${generation}`);
}

/**
 * Makes the mock's value for `kind` ("module": what an import sees; "require": what require
 * returns) in `generation`, or returns the promise of it. Synchronous where it can be.
 */
function prepare(record, generation, kind, canWait) {
  // A factory's value is the same for import and require (Jest runs a factory once per registry).
  if (record.factory !== undefined) kind = "module";
  const slot = `${kind}@${generation}`;
  if (record.values.has(slot)) return record.values.get(slot);
  const inFlight = record.pending.get(slot);
  if (inFlight !== undefined) {
    if (canWait) return inFlight;
    throw asyncMockError(record);
  }
  const store = (value) => {
    record.values.set(slot, value);
    record.pending.delete(slot);
    return value;
  };
  let made;
  if (record.factory !== undefined) {
    made = record.factory(() => importActual(record, generation));
  } else {
    // `{ spy: true }` spies on the actual module, whatever `__mocks__` holds.
    const file = record.spy ? null : platform.mocksFile(record.key, record.specifier);
    if (kind === "require" || !canWait) {
      made = file !== null ? platform.requireKey(file, record.owner, null) : automock(platform.requireKey(record.key, record.owner, record.key), record);
    } else {
      made = file !== null
        ? platform.importUrl(platform.actualUrl(file, generation))
        : importActual(record, generation).then((actual) => automock(actual, record));
    }
  }
  if (typeof made?.then !== "function") return store(made);
  if (!canWait) {
    // Keep the promise's outcome from going unobserved; the error below says what to do.
    made.then(undefined, () => {});
    const earlier = latestValue(record, kind);
    if (earlier !== undefined) return store(earlier);
    throw asyncMockError(record);
  }
  const promise = made.then(store, (error) => {
    record.pending.delete(slot);
    throw error;
  });
  record.pending.set(slot, promise);
  return promise;
}

function latestValue(record, kind) {
  let found;
  for (const [slot, value] of record.values) if (slot.startsWith(`${kind}@`)) found = value;
  return found;
}

function asyncMockError(record) {
  return new Error(
    `proctor: the mock of ${JSON.stringify(record.specifier)} is not ready when its module loads: its factory ` +
      `is async (or the actual module must be imported). Call vi.mock()/jest.mock() before the imports ` +
      `(at the top of the file, where the mock is settled before anything is imported), or make the factory synchronous.`,
  );
}

function importActual(record, generation) {
  return platform.importUrl(platform.actualUrl(record.key, generation));
}

/**
 * Where the caller of a mocking API is: the first stack frame outside the controller (its
 * location: module URL, or path for CommonJS), and every frame's location, innermost first.
 */
function callerLocation() {
  const { locations } = callerLocations(Infinity, callerLocation);
  const outside = locations.filter(
    (location) =>
      !location.startsWith(CONTROLLER_DIR) && !location.startsWith(CONTROLLER_PATH) &&
      !location.startsWith("node:") && !location.startsWith("internal/"),
  );
  return { location: outside[0], stack: outside };
}

/** The test file a frame's location is, or undefined. */
function testFileAt(location) {
  const plain = withoutGeneration(location);
  return registry.byLocation.get(plain);
}

/**
 * The owner for a mocking call (`caller` from callerLocation), created with its first generation
 * if new; throws when the call comes from no test file's code.
 */
function ownerForCall({ location, stack }) {
  const generation = generationOf(location);
  const byGeneration = generation === 0 ? undefined : generationOwners.get(generation);
  if (byGeneration !== undefined) return byGeneration;
  const known = location === undefined ? undefined : locationOwners.get(withoutGeneration(location));
  if (known !== undefined) return known;
  let own = location === undefined ? undefined : testFileAt(location);
  if (own === undefined && location !== undefined) {
    // The runtime may name the file by its real path: let the registry learn those aliases.
    registry.locate();
    own = testFileAt(location);
  }
  // A helper or setup module: the outermost test file on the stack, else the file loading.
  let scope = own;
  for (const frame of stack) scope = own ?? testFileAt(frame) ?? scope;
  scope ??= registry.loadingFileRoot()?.scope;
  if (scope === undefined) {
    throw new Error(
      "proctor: module mocking must be called from a test file (or a module a test file imports), " +
        "not from code running outside any test file",
    );
  }
  return ownerOf(scope, own === undefined ? undefined : location);
}

function setGeneration(owner, generation) {
  owner.generation = generation;
  generationOwners.set(generation, owner);
}

function requirePlatform(what) {
  if (platform === null) {
    throw new Error(`${what} is not supported in this runtime: proctor mocks modules in node and in the browser's esm build`);
  }
  return platform;
}

function virtualKey(specifier, fromLocation) {
  const relative = specifier.startsWith("./") || specifier.startsWith("../");
  const base = withoutGeneration(fromLocation?.startsWith("/") ? platform.toUrl(fromLocation) : fromLocation);
  return `virtual:${relative && base ? new URL(specifier, base).href : specifier}`;
}

/** The key `specifier` names from `location`, or its virtual key when it cannot be resolved. */
function keyFor(specifier, { location }, virtual) {
  if (typeof specifier !== "string") {
    throw new TypeError(
      `vi.mock()/jest.mock() takes the module's path as a string; got ${typeof specifier}` +
        (typeof specifier?.then === "function" ? " (a promise: write the path as a string)" : ""),
    );
  }
  const from = location?.startsWith("/") ? platform.toUrl(location) : withoutGeneration(location);
  try {
    return platform.resolveKey(specifier, from, false);
  } catch (error) {
    if (virtual) return virtualKey(specifier, location);
    throw error;
  }
}

/** `vi.mock` / `jest.mock` / `vi.doMock` / `jest.doMock`. */
export function mockModule(specifier, factory, options) {
  requirePlatform("vi.mock()/jest.mock()").checkHooks();
  if (factory !== undefined && typeof factory !== "function") {
    // Vitest's second argument may be options instead: `{ spy: true }`.
    if (typeof factory === "object" && factory !== null) {
      options = factory;
      factory = undefined;
    } else {
      throw new TypeError(`vi.mock()/jest.mock(): the factory must be a function; got ${typeof factory}`);
    }
  }
  const caller = callerLocation();
  const owner = ownerForCall(caller);
  // A factory of a module that does not exist is a virtual mock: Jest asks for `{ virtual: true }`,
  // Vitest for nothing.
  const key = keyFor(specifier, caller, options?.virtual === true || factory !== undefined);
  const record = newRecord(owner, key, specifier, factory);
  record.spy = options?.spy === true;
  record.babelInterop = factory !== undefined && (platform.usesJestObject?.(caller.location) ?? false);
  // A package may resolve to another file for `require` than for `import` (its `exports`
  // conditions): the mock stands for both.
  const required = requiredKey(specifier, caller);
  if (required !== null && required !== key) owner.mocks.set(required, record);
  // The browser's server must know the mock before anything imports it (browser-mocks.js).
  const generation = owner.generation;
  platform.registered?.(record, generation, () => prepare(record, generation, "module", true));
}

/** The key `specifier` names for a `require` from the caller, or null when it names none. */
function requiredKey(specifier, { location }) {
  if (/^\.{0,2}\//.test(specifier)) return null;
  const from = location?.startsWith("/") ? platform.toUrl(location) : withoutGeneration(location);
  try {
    return platform.resolveKey(specifier, from, true);
  } catch {
    return null;
  }
}

/** `vi.unmock` / `jest.unmock` / `vi.doUnmock` / `jest.dontMock`. */
export function unmockModule(specifier) {
  requirePlatform("vi.unmock()/jest.unmock()");
  const caller = callerLocation();
  const owner = ownerForCall(caller);
  let key;
  try {
    key = keyFor(specifier, caller, true);
  } catch {
    return;
  }
  const record = owner.mocks.get(key);
  if (record === undefined) return;
  for (const [known, mock] of owner.mocks) if (mock === record) owner.mocks.delete(known);
  records.delete(record.id);
  platform.unregistered?.(record);
}

/**
 * Runs the caller's pending factories (awaiting async ones) and prepares its automocks and
 * `__mocks__` files, so their modules have export names when the imports after it link. The
 * hoisting transform's output awaits this.
 */
export async function settle(actuals = [], mocks = []) {
  if (platform === null) return;
  const caller = callerLocation();
  if (actuals.length > 0 || mocks.length > 0) await preloadRequired(actuals, mocks, caller);
  if (owners.size === 0) return;
  // The caller's own mocks; never makes the caller an owner (that would move its imports to a
  // generation of their own for nothing). A caller that owns none settles every file's.
  const { location } = caller;
  const own = ownerOfLocation(location) ?? owners.get(testFileAt(location)?.file);
  const chosen = own === undefined || own === null ? [...owners.values()] : [own];
  for (const owner of chosen) {
    for (const record of [...owner.mocks.values()]) await prepare(record, owner.generation, "module", true);
  }
}

/** `vi.importActual(path)`: the module itself, whatever is mocked (its own imports keep the mocks). */
export async function importActualModule(specifier) {
  const { owner, key } = callerKey(specifier, "vi.importActual()");
  return platform.importUrl(platform.actualUrl(key, owner?.generation ?? platform.globalGeneration()));
}

/**
 * Actual ES modules imported ahead for `jest.requireActual` (`<generation>\0<key>` → namespace):
 * node before 22.12 cannot `require` an ES module, and a TypeScript file is one once
 * transformed, where Jest's transpiled world has CommonJS; a browser page cannot `require` at
 * all. The hoisting transform passes the file's literal `jest.requireActual("...")` specifiers
 * to settle(), which imports them here before any factory runs; its `jest.requireMock("...")`
 * specifiers likewise get their mocks made ahead (`preloadedMocks`).
 */
const preloadedActuals = new Map();
const preloadedMocks = new Map();
/**
 * The preloads under way (`<kind>\0<generation>\0<key>` → promise): a synchronous call made
 * meanwhile waits for its own module's. Each loads on its own, so an actual module that imports
 * another file's mock never waits for that mock's factory to be given its actual module.
 */
const preloadsInFlight = new Map();

async function preloadRequired(actuals, mocks, caller) {
  const loads = [
    ...actuals.map((specifier) => preload("actual", specifier, caller)),
    ...mocks.map((specifier) => preload("mock", specifier, caller)),
  ];
  await Promise.all(loads);
}

/**
 * Loads ahead what `jest.requireActual(specifier)` ("actual") or `jest.requireMock(specifier)`
 * ("mock") will give the caller, where `require` could not (an ES module, or any module in a
 * page); a registered mock is settled anyway, and a failure is left for the call to meet.
 */
function preload(kind, specifier, caller) {
  let owner = null;
  try {
    owner = ownerForCall(caller);
  } catch {
    owner = null;
  }
  let key;
  let url;
  const generation = owner?.generation ?? platform.globalGeneration();
  try {
    key = keyFor(specifier, caller, kind === "mock");
    if (key.startsWith("virtual:") || (kind === "mock" && owner?.mocks.has(key))) return undefined;
    url = platform.actualUrl(key, generation);
  } catch {
    return undefined;
  }
  if (!platform.isEsModuleUrl?.(url)) return undefined;
  const slot = `${generation}\0${key}`;
  const made =
    kind === "actual"
      ? platform.importUrl(url)
      : prepare({ id: undefined, owner, key, specifier, factory: undefined, values: new Map(), pending: new Map() }, generation, "module", true);
  const store = kind === "actual" ? preloadedActuals : preloadedMocks;
  const loading = Promise.resolve(made)
    .then((value) => {
      store.set(slot, value);
    })
    .catch(() => {})
    .finally(() => preloadsInFlight.delete(`${kind}\0${slot}`));
  preloadsInFlight.set(`${kind}\0${slot}`, loading);
  return loading;
}

/** The entry of `entries` for `slot` (`<generation>\0<key>`), or in a page any generation's for the key. */
function entryFor(entries, slot) {
  const found = entries.get(slot);
  if (found !== undefined || platform.requires !== false) return found;
  const key = slot.slice(slot.indexOf("\0"));
  for (const [known, value] of entries) if (known.endsWith(key)) return value;
  return undefined;
}

/**
 * Why a synchronous `jest.requireActual` / `jest.requireMock` has nothing to give in a page,
 * which has no `require`: only the literal specifiers the transform saw were loaded ahead. While
 * its module is still loading (a browser factory runs as soon as its `jest.mock` is made), the
 * error carries `waitFor`, and browser-mocks.js runs the factory again once it is in.
 */
function cannotRequire(what, specifier, slot) {
  const waiting = entryFor(preloadsInFlight, `${what === "jest.requireActual" ? "actual" : "mock"}\0${slot}`);
  if (waiting !== undefined) {
    const error = new Error(`proctor: ${what}(${JSON.stringify(specifier)}) is still loading`);
    error.waitFor = waiting;
    return error;
  }
  return new Error(
    `proctor: ${what}(${JSON.stringify(specifier)}) has nothing to give here: a browser page has no require, so ` +
      `proctor loads ahead the modules that the test file's ${what}() calls name with a string literal. Write the ` +
      `path as a literal in the calling file, or use ${what === "jest.requireActual" ? "await vi.importActual()" : "await vi.importMock()"}.`,
  );
}

/** `jest.requireActual(path)`: the module itself, required (or imported ahead: see above). */
export function requireActualModule(specifier) {
  const { owner, key } = callerKey(specifier, "jest.requireActual()");
  const slot = `${owner?.generation ?? platform.globalGeneration()}\0${key}`;
  const preloaded = entryFor(preloadedActuals, slot);
  if (preloaded !== undefined) return preloaded;
  if (platform.requires === false) throw cannotRequire("jest.requireActual", specifier, slot);
  return platform.requireKey(key, owner, key);
}

/** `vi.importMock(path)`: the mock `vi.mock(path)` would give (the registered one if any). */
export async function importMockModule(specifier) {
  const { owner, key } = callerKey(specifier, "vi.importMock()", true);
  const generation = owner?.generation ?? 0;
  const record = owner?.mocks.get(key) ?? { id: undefined, owner, key, specifier, factory: undefined, values: new Map(), pending: new Map() };
  return prepare(record, generation, "module", true);
}

/** `jest.requireMock(path)`: the mock `jest.mock(path)` would give, required. */
export function requireMockModule(specifier) {
  const { owner, key } = callerKey(specifier, "jest.requireMock()", true);
  const generation = owner?.generation ?? 0;
  const registered = owner?.mocks.get(key);
  if (platform.requires === false) {
    // A page imports every mock: what an import of the mocked module gets.
    if (registered?.values.has(`module@${generation}`)) return registered.values.get(`module@${generation}`);
    if (registered?.factory !== undefined) return prepare(registered, generation, "module", false);
    const slot = `${generation}\0${key}`;
    const preloaded = entryFor(preloadedMocks, slot);
    if (preloaded !== undefined) return preloaded;
    throw cannotRequire("jest.requireMock", specifier, slot);
  }
  const record = registered ?? { id: undefined, owner, key, specifier, factory: undefined, values: new Map(), pending: new Map() };
  return prepare(record, generation, "require", false);
}

/** `jest.createMockFromModule(path)`: the automock of the actual module, required. */
export function createMockFromModule(specifier) {
  return automock(requireActualModule(specifier));
}

/**
 * The caller's owner (null outside any test file) and the key `specifier` names from the caller;
 * `virtual`: an unresolvable specifier may name a virtual mock.
 */
function callerKey(specifier, what, virtual = false) {
  requirePlatform(what);
  const caller = callerLocation();
  let owner = null;
  try {
    owner = ownerForCall(caller);
  } catch {
    owner = null;
  }
  return { owner, key: keyFor(specifier, caller, virtual) };
}

/**
 * The value `require` returns for the owner's mock at `key`, or undefined when `key` is not
 * mocked for that owner (node-mocks.js's Module._load wrapper asks this).
 */
export function requireMocked(owner, key) {
  const record = owner.mocks.get(key);
  if (record === undefined) return { mocked: false };
  return { mocked: true, value: prepare(record, owner.generation, "require", false) };
}

/** The record for a virtual `require` that could not be resolved, or undefined. */
export function virtualRecord(owner, specifier, fromLocation) {
  return owner.mocks.get(virtualKey(specifier, fromLocation));
}

/**
 * `vi.resetModules()` / `jest.resetModules()`: the caller's test file gets a new generation, so
 * project modules it imports next are fresh instances; mocks stay registered. Outside any test
 * file, the realm's own generation moves on (node-modules.js resetModules).
 */
export function resetModulesOfCaller() {
  requirePlatform("vi.resetModules()/jest.resetModules()");
  let owner;
  try {
    owner = ownerForCall(callerLocation());
  } catch {
    platform.resetRealm();
    return;
  }
  setGeneration(owner, platform.nextGeneration());
  // The old generation's CommonJS instances are never required again (isolateModules, which
  // comes back to its outer generation, keeps them).
  owner.commonJs.clear();
}

/**
 * Gives `owner` a new generation, as `vi.resetModules()` does: a page's platform calls it when
 * a mock comes after the realm imported the module (browser-mocks.js), so later imports reach
 * fresh instances that see the mock.
 */
export function freshGeneration(owner) {
  setGeneration(owner, platform.nextGeneration());
  owner.commonJs.clear();
}

/**
 * What a page's `import(specifier)` in the module `meta` is (`import.meta`) imports instead: the
 * browser transform routes every dynamic import through here (host fresh_imports.rs), and the
 * platform moves it to the sub-realm of the caller's test file's generation, if it has one.
 */
function fresh(specifier, meta) {
  platform?.sawImport?.(specifier, meta);
  if (platform?.freshSpecifier === undefined || owners.size === 0) return String(specifier);
  const owner = ownerOfLocation(meta?.url) ?? (owners.size === 1 ? owners.values().next().value : null);
  return owner === null ? String(specifier) : platform.freshSpecifier(specifier, meta, owner);
}

/**
 * `jest.isolateModules(fn)` / `jest.isolateModulesAsync(fn)`: `fn` gets a generation of its own
 * (fresh project modules, the file's mocks), and the file's generation is back afterwards.
 */
export function isolateModules(fn) {
  requirePlatform("jest.isolateModules()");
  const owner = ownerForCall(callerLocation());
  const outer = owner.generation;
  setGeneration(owner, platform.nextGeneration());
  let result;
  try {
    result = fn();
  } catch (error) {
    owner.generation = outer;
    throw error;
  }
  if (typeof result?.then === "function") {
    return result.finally(() => {
      owner.generation = outer;
    });
  }
  owner.generation = outer;
  return result;
}

/**
 * Drops every module mock and module generation of `file` (a test file, relative path), or of
 * every file when `file` is undefined: the realm calls this between test files, so no mock
 * reaches another file.
 */
export function resetModuleMocks(file) {
  if (file === undefined) {
    preloadedActuals.clear();
    preloadedMocks.clear();
  }
  for (const owner of file === undefined ? [...owners.values()] : [owners.get(file)].filter(Boolean)) {
    owners.delete(owner.file);
    automaticChecked.delete(owner.file);
    for (const record of owner.mocks.values()) records.delete(record.id);
    owner.mocks.clear();
    owner.commonJs.clear();
    for (const [location, known] of locationOwners) if (known === owner) locationOwners.delete(location);
    for (const [generation, known] of generationOwners) if (known === owner) generationOwners.delete(generation);
  }
}

const MISSING_EXPORT = /The requested module '([^']+)' does not provide an export named '([^']+)'/;

/**
 * `message` as Vitest words it when it is node's link error for a name that a module mock's
 * factory does not return (errors.js asks); otherwise `message` itself.
 */
export function explainModuleError(message) {
  if (owners.size === 0 || typeof message !== "string" || !message.includes("does not provide an export named")) return message;
  const match = MISSING_EXPORT.exec(message);
  if (match === null) return message;
  const [, specifier, name] = match;
  // Node names the module as its importer wrote it, perhaps not as the mock did: a factory mock
  // whose file ends with that path (extension optional) is taken to be the one.
  const tail = `/${specifier.replace(/^(\.{1,2}\/)+/, "")}`;
  const names = (record) => record.specifier === specifier || record.key.endsWith(tail) || record.key.replace(/\.[^./]*$/, "").endsWith(tail);
  for (const record of records.values()) {
    if (record.factory === undefined || !names(record)) continue;
    return (
      `[vitest] No "${name}" export is defined on the "${specifier}" mock. ` +
      `Did you want to return the actual module from the mock? (${message})`
    );
  }
  return message;
}

// What the loader hooks, errors.js and the hoisted code reach without importing this module.
globalThis.__proctorMocks = {
  settle,
  value,
  moduleSource,
  resolveForOwner,
  active: mockingActive,
  explain: explainModuleError,
  fresh,
};
