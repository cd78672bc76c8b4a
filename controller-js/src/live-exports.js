// Live exports: how spyOn replaces an export of an ES module namespace (node, and a page's
// ES modules: `vi.spyOn(moduleNamespace, "fn")`, which Vitest's module runner and babel-jest's CommonJS
// allow). A namespace object cannot be changed, but the module can rebind its own export, and
// every importer sees the new value through its live binding. The host's transform
// (host/src/transform/live_exports.rs) makes each project ES module call
// `globalThis.__proctorLiveExports({ name: [get, set], ... })` as it starts, with a getter and a
// setter per exported binding of its own.
//
// Registrations carry no namespace (a module cannot name its own without importing itself,
// which module mocking would redirect), so a namespace is matched to its module by the live
// binding itself: the candidate whose getter gives the namespace's current value, and whose
// setter, given a probe, changes what the namespace shows. Module instances of every
// generation register; the newest are tried first.

/** export name → [get, set] pairs, oldest first */
const byName = new Map();

function register(accessors) {
  for (const name of Object.keys(accessors)) {
    let list = byName.get(name);
    if (list === undefined) byName.set(name, (list = []));
    list.push(accessors[name]);
  }
}

// Not enumerable: the isolation's global checks must not see the controller's own hook.
Object.defineProperty(globalThis, "__proctorLiveExports", {
  value: register,
  configurable: true,
  writable: true,
  enumerable: false,
});

/**
 * The getter and setter of export `key` of ES module `namespace`, or null when its module did
 * not register it (a package's module, a CommonJS module, a bundle's, a page's mock module).
 * @returns {{ get: () => unknown, set: (value: unknown) => void } | null}
 */
export function liveExport(namespace, key) {
  const list = typeof key === "string" ? byName.get(key) : undefined;
  if (list === undefined) return null;
  let current;
  try {
    current = namespace[key];
  } catch {
    return null; // not initialized yet (an import cycle)
  }
  for (let i = list.length - 1; i >= 0; i--) {
    const [get, set] = list[i];
    let value;
    try {
      value = get();
    } catch {
      continue;
    }
    if (value !== current) continue;
    const probe = {};
    set(probe);
    const found = namespace[key] === probe;
    set(value);
    if (found) return { get, set };
  }
  return null;
}
