// Module mocking in Chromium (the `esm` build): module-mocks.js's platform for a page. A page
// fetches its modules from the host's server by URL, so a mock is the server's business: the
// registry's calls come here, and this file tells the server (host/src/build/mocks.rs).
//
// - A mocked specifier is resolved by the server with the suite's one resolver (aliases,
//   extensionless and `.js`→`.ts` paths, packages), synchronously: `vi.mock` must know what it
//   mocks before it returns. The registry's key is the file's URL path (`/src/dep.ts`).
// - The mock is registered for the current realm (`/@realm/<n>`, one per test file), also
//   synchronously, so the server answers that realm's request of the file — however an importer
//   spells it — with a stub module re-exporting the mock's value from the registry. The stub's
//   export names are the value's keys: they are sent once the value exists (settle() makes it
//   before the hoisted imports run, and waits until the server has the names; after a
//   `vi.doMock` the stub request waits for them on the server).
// - A package is reached by its bare specifier through the import map, to a URL every realm
//   shares: the realm's scope gets an import map entry sending that specifier (and the package
//   file's path, what a wrapped CommonJS file imports) to the stub at `/@realm/<n>/@mock/<id>`
//   instead (Chromium merges import maps added later). The packages importing it (the server
//   names them from the build's walk) are routed to the realm's own copies,
//   `/@realm/<n>/node_modules/...`, which the same scope sends to the stub in turn; realms that
//   mock no package keep the shared packages. A scope keeps what a specifier resolved to, so a
//   realm that already resolved the package or one of those (an `import()` seen by `sawImport`,
//   or a static import of a project file it requested, which the server knows) moves on to a
//   fresh sub-realm, as for a project file, where `fresh` routes even the file's own imports.
// - `vi.importActual`, automocks and `__mocks__` files import the actual module under the realm
//   with `?proctor-actual`, which the server never answers with a stub. A page has no `require`:
//   `jest.requireActual` / `jest.requireMock` give what settle imported ahead for the literal
//   specifiers the transform found (module-mocks.js), and a factory that calls one before those
//   are in runs again once they are.
// - A package that may reach the mocked one by a computed `import(name)` (which the build's walk
//   cannot follow) is among the packages routed into the realm; a CommonJS `require(name)` of a
//   name none of the file's literal requires has asks `required`, which answers with the
//   realm's mock.
// - Virtual mocks (a factory for a module that does not exist) are import map entries too: the
//   bare name, or the URL a relative path names in the realm, sent to the stub.
// - Jest's automatic root `__mocks__` packages are asked of the server (`/@mock/automatic`) and
//   registered just before a test file that uses the `jest` object is imported (browser.js).
// - Sub-realms: the page keeps one module instance per URL, so fresh instances need new URLs.
//   `vi.resetModules()`, `jest.isolateModules*()`, and a mock of a file the realm already
//   imported (a setup file did, or the test before a `vi.doMock`; the server knows what each
//   (sub-)realm requested) give the file's owner a new generation, whose imports go to
//   `/@realm/<n>.<k>/` (the transform routes every dynamic `import()` through `fresh`). The
//   realm's mocks apply to its sub-realms; what was imported before keeps its instances.
// Mocks need a realm per test file: in a bundle, or with isolation off, every mocking call
// throws and says why.

import { exportNames, freshGeneration, installModuleMockPlatform, mockOfSpecifier } from "./module-mocks.js";
import { installRealmImportMap, pageImportMap, routedImportMap } from "./realm-map.js";

const ACTUAL_QUERY = "proctor-actual";
/** A realm or sub-realm prefix at the start of a URL path; group 1 is the realm's own. */
const REALM = /^(\/@realm\/\d+)(?:\.\d+)?(?=\/)/;

/** Mocks' export names (or failures) on their way to the server. */
const announcing = new Set();

// The hoisted imports run once settle() is done: by then the server has the names too, so their
// stub requests never wait for them.
const settleValues = globalThis.__proctorMocks.settle;
globalThis.__proctorMocks.settle = async function settle(...actuals) {
  await settleValues(...actuals);
  await Promise.all([...announcing]);
};

/**
 * Installs the browser platform. `realm()` is the current realm's URL prefix (`/@realm/3`), or
 * undefined while the files share one (isolation off); `bundled`: the files are one bundle.
 * @param {{ realm: () => string | undefined, bundled: boolean, origin?: string }} options
 */
export function installBrowserMocks({ realm, bundled, origin = globalThis.location?.origin ?? "" }) {
  /** key (URL path) → { mocks: URL path of its `__mocks__` file or null, package: boolean } */
  const known = new Map();
  /** `${specifier}\0${importer path}` → key */
  const resolved = new Map();
  /** mock id → the error making its value threw (the stub rethrows it) */
  const failures = new Map();
  let generation = 0;
  /** The root `__mocks__/` packages (asked once), and those each test file gets without asking. */
  let rootMocks;
  const automatic = new Map();
  /** Module URL → whether its text uses the `jest` object. */
  const jestDialect = new Map();
  const automaticPackages = (query) => {
    try {
      const { packages } = request("GET", `/@mock/automatic${query}`);
      return Array.isArray(packages) ? packages : [];
    } catch {
      return [];
    }
  };

  const pathOf = (url) => {
    try {
      const parsed = new URL(url, `${origin}/`);
      return parsed.origin === origin ? parsed.pathname.replace(REALM, "") : null;
    } catch {
      return null;
    }
  };
  const isShared = (key) => key.startsWith("/@fs/") || /(^|\/)node_modules\//.test(key);

  // Sub-realms: the current realm's generations after its first (vi.resetModules(),
  // jest.isolateModules(), a mock of a module the realm already imported) each get a prefix of
  // their own, `/@realm/<n>.<k>`, where the page imports project modules afresh.
  let realmOfGenerations;
  const subRealms = new Map();
  /** The realm's import maps for its mocked packages and virtual modules, by scope: every sub-realm needs them. */
  const mapped = [];
  /** The realm's routes: a shared file's URL path → its URL in a (sub-)realm (routedImportMap). */
  const routes = new Map();
  /** Per (sub-)realm prefix, the shared files its `import()`s resolved to (the page keeps those). */
  const resolvedShared = new Map();
  /** A package mock's id → the package file it stands for (what an import of its stub resolved). */
  const stubKeys = new Map();
  /** The package mocks registered now: id → { key, map, added } (its import map and routes). */
  const packageMaps = new Map();
  const sameRealm = () => {
    const prefix = realm();
    if (prefix === realmOfGenerations) return prefix;
    realmOfGenerations = prefix;
    subRealms.clear();
    mapped.length = 0;
    routes.clear();
    stubKeys.clear();
    packageMaps.clear();
    for (const at of resolvedShared.keys()) if (at.replace(/\.\d+$/, "") !== prefix) resolvedShared.delete(at);
    // A test file may have taken up the `jest` object since (watch, serve): ask again.
    automatic.clear();
    return prefix;
  };
  /** The (sub-)realm prefix `owner`'s imports go to now, its import maps installed. */
  const prefixOf = (owner) => {
    const prefix = sameRealm();
    if (prefix === undefined || owner.generation === owner.firstGeneration) return prefix;
    let sub = subRealms.get(owner.generation);
    if (sub === undefined) {
      sub = `${prefix}.${subRealms.size + 1}`;
      subRealms.set(owner.generation, sub);
      installRealmImportMap(sub.slice("/@realm/".length));
      for (const map of mapped) addImportMap(sub, map(sub));
    }
    return sub;
  };

  const platform = {
    nextGeneration: () => ++generation,
    freshSpecifier(specifier, meta, owner) {
      const text = String(specifier);
      const prefix = prefixOf(owner);
      if (prefix === undefined || prefix === realm()) return text;
      let url;
      try {
        url = new URL(meta.resolve(text));
      } catch {
        return text;
      }
      // A shared file the realm routes (a mocked package, or one importing it), which the
      // importer's scope may have resolved before the mock.
      const route = url.origin === origin ? routes.get(url.pathname) : undefined;
      if (route !== undefined) return `${origin}${route(prefix)}${url.search}${url.hash}`;
      // The stub of a package mock that is gone (`vi.doUnmock`), which the importer's scope
      // still names: the package itself, through a module outside every realm's scope (the
      // scope would send the package's own URL to the stub again).
      const stub = url.origin === origin ? /^\/@realm\/\d+(?:\.\d+)?\/@mock\/(\d+)$/.exec(url.pathname) : null;
      const key = stub === null ? undefined : stubKeys.get(Number(stub[1]));
      if (key !== undefined && ![...packageMaps.values()].some((mock) => mock.key === key)) return sharedModule(`${origin}${key}`);
      const inRealm = REALM.exec(url.pathname);
      if (url.origin !== origin || inRealm === null || inRealm[1] !== realm()) return url.href;
      return `${origin}${prefix}${url.pathname.slice(inRealm[0].length)}${url.search}${url.hash}`;
    },
    sawImport(specifier, meta) {
      const text = String(specifier);
      if (realm() === undefined || /^[./]/.test(text) || /^[a-z][a-z\d+.-]*:/i.test(text)) return;
      let at;
      let path;
      try {
        const importer = new URL(meta.url);
        at = importer.origin === origin ? /^\/@realm\/\d+(?:\.\d+)?(?=\/)/.exec(importer.pathname)?.[0] : undefined;
        path = at === undefined ? null : pathOf(meta.resolve(text));
      } catch {
        return;
      }
      const stub = path === null ? null : /^\/@mock\/(\d+)$/.exec(path);
      if (stub !== null) path = stubKeys.get(Number(stub[1])) ?? null;
      if (path === null || !isShared(path)) return;
      let seen = resolvedShared.get(at);
      if (seen === undefined) resolvedShared.set(at, (seen = new Set()));
      seen.add(path);
    },
    globalGeneration: () => 0,
    resetRealm() {},
    // Jest's automatic root `__mocks__` for packages: the server reads the directory, and which
    // test files use the `jest` object. Only where mocks can be served (a realm per file).
    hasAutomaticMocks() {
      if (bundled || realm() === undefined) return false;
      rootMocks ??= automaticPackages("");
      return rootMocks.length > 0;
    },
    // The dialect of a factory's module (module-mocks.js exportNames): the calling module's
    // served text, read once per module.
    usesJestObject(location) {
      if (typeof location !== "string" || !/^https?:/.test(location)) return false;
      let known = jestDialect.get(location);
      if (known === undefined) {
        try {
          const xhr = new XMLHttpRequest();
          xhr.open("GET", location, false);
          xhr.send(null);
          known = xhr.status === 200 && /\bjest\s*\.\s*[A-Za-z]/.test(xhr.responseText);
        } catch {
          known = false;
        }
        jestDialect.set(location, known);
      }
      return known;
    },
    automaticMocks(file) {
      sameRealm();
      if (!automatic.has(file)) automatic.set(file, automaticPackages(`?file=${encodeURIComponent(file)}`));
      return automatic.get(file);
    },
    checkHooks() {
      if (bundled) throw bundleError();
      if (realm() === undefined) {
        throw new Error(
          "proctor cannot mock modules in the browser without isolation: a mock replaces a module for one test " +
            "file's realm (its own module instances), and with --no-isolate / isolate = false the files share one. " +
            "Turn isolation back on for this suite.",
        );
      }
    },
    resolveKey(specifier, fromUrl) {
      const from = (fromUrl && pathOf(fromUrl)) ?? "/index.js";
      const cacheKey = `${specifier}\0${from}`;
      let key = resolved.get(cacheKey);
      if (key === undefined) {
        const query = `spec=${encodeURIComponent(specifier)}&from=${encodeURIComponent(from)}`;
        let answer;
        try {
          answer = request("GET", `/@mock/resolve?${query}`);
        } catch (error) {
          throw new Error(`Cannot find module '${specifier}' imported from ${from}: ${error.message}`);
        }
        key = answer.key;
        known.set(key, { mocks: answer.mocks ?? null, package: answer.package === true });
        resolved.set(cacheKey, key);
      }
      return key;
    },
    keyOfUrl: (url) => pathOf(url),
    mocksFile: (key) => known.get(key)?.mocks ?? null,
    actualUrl(key, _generation) {
      if (bundled) throw bundleError();
      if (key.startsWith("virtual:")) throw new Error(`Cannot find module '${key.slice("virtual:".length)}'`);
      const prefix = realm();
      if (isShared(key) || prefix === undefined) return `${origin}${key}`;
      return `${origin}${prefix}${key}${key.includes("?") ? "&" : "?"}${ACTUAL_QUERY}`;
    },
    importUrl: (url) => import(url),
    // Nothing is required in a page: settle imports ahead what jest.requireActual() names.
    requires: false,
    isEsModuleUrl: () => true,
    requireKey(key) {
      throw new Error(`proctor: require(${JSON.stringify(key)}) is not available in the browser; use vi.importActual() / vi.importMock()`);
    },
    isProjectUrl: (url) => {
      const path = pathOf(url);
      return path !== null && !isShared(path) && !path.startsWith("/__proctor/");
    },
    toUrl: (location) => location,
    registered(record, valueGeneration, prepare) {
      const prefix = realm();
      // A virtual mock names no file: the realm's import map sends its specifier (a bare name, or
      // the URL a relative path resolved to, in the realm) to the stub, as for a package.
      const virtual = record.key.startsWith("virtual:") ? record.key.slice("virtual:".length) : null;
      const isPackage = virtual !== null || known.get(record.key)?.package === true;
      const installed = isPackage && virtual === null;
      // Jest's automatic mocks come before the test file loads, in the realm: a sub-realm would
      // part its static imports from its later ones, so what the realm resolved is not asked.
      const late = installed && record.automatic !== true;
      let dependents = [];
      const register = () => {
        const at = prefixOf(record.owner);
        const body = { realm: at, id: record.id, key: virtual === null ? record.key : null, package: installed, late };
        const answer = request("POST", "/@mock/register", body);
        dependents = Array.isArray(answer.dependents) ? answer.dependents : [];
        // A package this (sub-)realm's import() already resolved stays what it resolved to.
        const seen = resolvedShared.get(at);
        return answer.imported === true || (late && seen !== undefined && [record.key, ...dependents].some((path) => seen.has(path)));
      };
      let imported = register();
      if (imported) {
        // The realm has the real module: later imports move to a fresh sub-realm, which imports
        // the mock instead (what the file imported already keeps the real one).
        freshGeneration(record.owner);
        imported = register();
      }
      if (imported) {
        // Vitest would hand the mock to later imports; a page keeps the module it has.
        throw new Error(
          `proctor: cannot mock ${JSON.stringify(record.specifier)} here: this test file's realm already imported ` +
            `${record.key} (in a setup file, or before this vi.doMock()), and the browser keeps a module it has ` +
            `imported. Mock it before anything imports it (vi.mock() at the top of the file).`,
        );
      }
      if (isPackage) {
        const stub = `${prefix}/@mock/${record.id}`;
        let map;
        if (virtual !== null) {
          // A relative virtual path is the same path in every sub-realm: `/@realm/3.1/test/x.js`.
          const path = virtual.startsWith(`${origin}/`) ? pathOf(virtual) : null;
          map = (scope) => ({ imports: {}, scopes: { [`${scope}/`]: { [path === null ? virtual : `${scope}${path}`]: stub } } });
        } else {
          // The package's specifiers and file go to the stub, and the packages importing it to
          // the realm's own copies of them, which import the stub in turn. Each (sub-)realm has
          // its own stub URL: a later mock of the package (the server forwards the first stub's
          // id to it) must reach a sub-realm's fresh imports.
          stubKeys.set(record.id, record.key);
          const stubIn = (scope) => `${scope}/@mock/${record.id}`;
          const added = new Map([[record.key, stubIn]]);
          for (const path of dependents) if (!routes.has(path)) added.set(path, (scope) => `${scope}${path}`);
          for (const [path, to] of added) routes.set(path, to);
          const page = pageImportMap();
          map = (scope) => {
            const routed = routedImportMap(page, added, scope);
            routed.scopes[`${scope}/`][record.specifier] = stubIn(scope);
            return routed;
          };
          packageMaps.set(record.id, { key: record.key, map, added });
        }
        mapped.push(map);
        for (const scope of [prefix, ...subRealms.values()]) addImportMap(scope, map(scope));
      }
      // After the calls around it (the hoisted vi.mock()s) are registered, as settle() would.
      const announced = Promise.resolve()
        .then(prepare)
        // A factory calling jest.requireActual() runs before settle has imported the actual
        // module: once it has, the factory runs again.
        .catch((error) => (error?.waitFor instanceof Promise ? error.waitFor.then(prepare) : Promise.reject(error)))
        .then((value) => {
          const names = exportNames(record, value);
          return post("/@mock/prepared", { id: record.id, generation: valueGeneration, names });
        })
        .catch((error) => {
          failures.set(record.id, error);
          return post("/@mock/prepared", { id: record.id });
        })
        .catch(() => {})
        .finally(() => announcing.delete(announced));
      announcing.add(announced);
    },
    // Synchronous too: an import right after `vi.doUnmock` must find the mock gone.
    unregistered(record) {
      request("POST", "/@mock/unregister", { id: record.id });
      if (!packageMaps.has(record.id)) return;
      // A page's import map never takes an entry back, and this realm's still sends the package
      // (and those importing it) to the mock: later imports move to a fresh sub-realm without
      // those entries, and an import() of the stub there gets the package (freshSpecifier).
      for (const [id, mock] of packageMaps) {
        if (mock.key !== record.key) continue;
        packageMaps.delete(id);
        mapped.splice(mapped.indexOf(mock.map), 1);
        for (const [path, to] of mock.added) if (routes.get(path) === to) routes.delete(path);
      }
      freshGeneration(record.owner);
    },
  };
  installModuleMockPlatform(platform);
  // A new page numbers its realms from 1 again: what an earlier page (one that crashed, say)
  // registered must not answer its requests.
  if (!bundled) {
    try {
      request("POST", "/@mock/reset", { id: 0 });
    } catch {
      // A server without the mock endpoints has no mocks to drop either.
    }
  }
  globalThis.__proctorBrowserMocks = {
    // What a stub of a mock whose value could not be made throws.
    failure: (id) => failures.get(id) ?? new Error(`proctor: mock ${id} could not be made`),
    // A wrapped CommonJS file's `require(name)` of a name that is none of its literal requires
    // (host/src/build/cjs.rs): the realm's mock of what `name` resolves to from `url`, as a
    // require of its stub gives it, or undefined.
    required(specifier, url) {
      if (bundled || realm() === undefined || typeof specifier !== "string") return undefined;
      const found = mockOfSpecifier(specifier, (name) => {
        try {
          return platform.resolveKey(name, url);
        } catch {
          return undefined;
        }
      });
      if (found === undefined) return undefined;
      const names = exportNames(found.record, found.value);
      if (names.includes("__proctor_cjs")) return found.value;
      const required = { __esModule: true };
      for (const name of names) if (name !== "default") required[name] = found.value[name];
      required.default = names.includes("default") ? found.value.default : found.value;
      return required;
    },
  };
  return platform;
}

function bundleError() {
  return new Error(
    "proctor cannot mock modules in a bundle: vi.mock()/jest.mock() and vi.importActual()/vi.importMock() work " +
      'with the modules the browser imports by URL, and a bundle has none. Use build = "esm" for this suite ' +
      "(vi.hoisted still runs first in a bundle).",
  );
}

/**
 * A synchronous request to the server's mock endpoints: `vi.mock` returns only once the server
 * knows. (Chromium still allows synchronous requests from a page; they are same-origin and
 * answered at once.) Throws the server's error.
 */
function request(method, path, body) {
  const xhr = new XMLHttpRequest();
  xhr.open(method, path, false);
  if (body !== undefined) xhr.setRequestHeader("content-type", "application/json");
  xhr.send(body === undefined ? null : JSON.stringify(body));
  if (xhr.status !== 200) throw new Error(`the server answered ${xhr.status} to ${path}`);
  const answer = JSON.parse(xhr.responseText);
  if (typeof answer?.error === "string") throw new Error(answer.error);
  return answer;
}

async function post(path, body) {
  const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`the server answered ${response.status} to ${path}`);
}

/**
 * A module that re-exports the module at `url` as every realm shares it: a `data:` URL has no
 * import map scope, so `url` resolves as the page's own map says.
 */
function sharedModule(url) {
  const at = JSON.stringify(url);
  return `data:text/javascript,${encodeURIComponent(`import * as m from ${at}; export * from ${at}; export default m.default;`)}`;
}

/** Adds `map` (the realm `prefix`'s mock routes) to the page's import maps. */
function addImportMap(prefix, map, document = globalThis.document) {
  const script = document.createElement("script");
  script.type = "importmap";
  script.setAttribute("data-proctor-mock", prefix);
  script.textContent = JSON.stringify(map);
  document.head.appendChild(script);
}
