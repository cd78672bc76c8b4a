// Realm URLs in the browser's esm build. The server serves every project URL also under
// `/@realm/<n>/` (the same file, transformed the same way), and the browser's module map takes
// `/@realm/3/src/x.js` for another module than `/src/x.js`: importing a test file under a fresh
// prefix gives it fresh instances of the project modules it reaches by relative URL. What the
// page's import map sends elsewhere (an extensionless or `.js`→`.ts` path, an alias or tsconfig
// `paths` entry, a package version scoped to one importer) would leave the realm, though: the
// map's keys and targets are plain URLs. `realmImportMap` makes the same map for one realm —
// project targets under its prefix, packages and the controller still shared — and
// `installRealmImportMap` adds it to the page (Chromium merges import maps added later, as the
// HTML spec now says; rules for a realm nothing has resolved in yet always apply).
// `routedImportMap` is the map a realm that mocks a package adds (browser-mocks.js): the package
// to its stub, and the packages importing it to the realm's own copies.

/**
 * The URL path prefix of realm `n`: `/@realm/<n>`; `n` may also name a sub-realm, `"3.1"`
 * (fresh instances within realm 3 after `vi.resetModules()`, browser-mocks.js).
 */
export function realmPrefix(n) {
  const whole = Number.isInteger(n) && n >= 0;
  if (!whole && !(typeof n === "string" && /^\d+(\.\d+)?$/.test(n))) {
    throw new TypeError(`a realm number is a whole number (or "<n>.<k>" for a sub-realm), not ${n}`);
  }
  return `/@realm/${n}`;
}

/**
 * `url` (an absolute URL path such as `/src/x.js`, or a full URL of this page's origin) as realm
 * `n` loads it: project files under the realm's prefix; packages (`node_modules`, `/@fs/`),
 * proctor's own files and other origins as they are, shared by every realm.
 */
export function realmUrl(url, n, origin = globalThis.location?.origin) {
  const prefix = realmPrefix(n);
  let path = url;
  let head = "";
  if (origin && url.startsWith(`${origin}/`)) {
    head = origin;
    path = url.slice(origin.length);
  }
  if (!isProjectPath(path)) return url;
  return `${head}${prefix}${path}`;
}

function isProjectPath(path) {
  return (
    path.startsWith("/") &&
    !path.startsWith("//") &&
    !path.startsWith("/@realm/") &&
    !path.startsWith("/@fs/") &&
    !path.startsWith("/__proctor/") &&
    !/(^|\/)node_modules\//.test(path)
  );
}

/**
 * The import map `map` ({ imports, scopes }) as realm `n` needs it: one scope for the realm's
 * prefix with every entry whose key or target is a project URL, moved into the realm, and each
 * importer scope of a project file moved into the realm likewise. Everything else resolves as
 * the page's own map says (scopes fall back to it).
 */
export function realmImportMap(map, n) {
  const moved = (entries) => {
    const out = {};
    for (const [key, target] of Object.entries(entries ?? {})) {
      const realmKey = key.startsWith("/") ? realmUrl(key, n, "") : key;
      const realmTarget = typeof target === "string" ? realmUrl(target, n, "") : target;
      if (realmKey !== key || realmTarget !== target) out[realmKey] = realmTarget;
    }
    return out;
  };
  const scopes = { [`${realmPrefix(n)}/`]: moved(map.imports) };
  for (const [scope, entries] of Object.entries(map.scopes ?? {})) {
    const realmScope = realmUrl(scope, n, "");
    if (realmScope === scope) continue;
    // A scope replaces the wider ones only for the keys it has: keep the shared targets too.
    scopes[realmScope] = { ...entries, ...moved(entries) };
  }
  return { imports: {}, scopes };
}

/**
 * Adds realm `n`'s import map to `document` (once per realm), built from the page's first
 * import map. Call it before the realm's first import.
 */
export function installRealmImportMap(n, document = globalThis.document) {
  const marker = `data-proctor-realm`;
  if (document.querySelector(`script[type="importmap"][${marker}="${n}"]`)) return;
  const map = pageImportMap(document);
  const script = document.createElement("script");
  script.type = "importmap";
  script.setAttribute(marker, String(n));
  script.textContent = JSON.stringify(realmImportMap(map, n));
  document.head.appendChild(script);
}

/**
 * The page's own import map ({ imports, scopes }): its first, which the build wrote (the maps
 * proctor adds later carry a `data-proctor-*` attribute and come after it).
 */
export function pageImportMap(document = globalThis.document) {
  const base = document.querySelector(`script[type="importmap"]:not([data-proctor-realm]):not([data-proctor-mock])`);
  try {
    if (base) return JSON.parse(base.textContent);
  } catch {
    // A page's own malformed map is the browser's to report; the realm still gets its prefix.
  }
  return { imports: {} };
}

/**
 * The import map that routes shared files into the (sub-)realm `scope` (`/@realm/3`): `routes`
 * maps a file's URL path to its URL there (a function of `scope`): a mocked package's file to its
 * stub, a package importing it to the realm's own copy. The page's bare specifiers of those
 * files and the paths themselves (what a wrapped CommonJS file imports) are routed, for every
 * importer under `scope`; a routed file's own importer scope (another version of a package it
 * imports) comes along.
 */
export function routedImportMap(page, routes, scope) {
  const route = (target) => (typeof target === "string" && routes.has(target) ? routes.get(target)(scope) : undefined);
  const entries = {};
  for (const [key, target] of Object.entries(page.imports ?? {})) {
    const to = route(target);
    if (to !== undefined) entries[key] = to;
  }
  for (const [path, to] of routes) entries[path] = to(scope);
  const scopes = { [`${scope}/`]: entries };
  for (const [importer, own] of Object.entries(page.scopes ?? {})) {
    if (!routes.has(importer)) continue;
    const moved = {};
    for (const [key, target] of Object.entries(own)) moved[key] = route(target) ?? target;
    scopes[`${scope}${importer}`] = moved;
  }
  return { imports: {}, scopes };
}
