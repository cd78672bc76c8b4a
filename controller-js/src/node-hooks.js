// Module resolution hooks for node without module.registerHooks, registered with
// module.register by node-register.js (they run on node's loader thread): `proctor` (and every
// name of api-modules.js: `vitest`, `@jest/globals`, ...) resolves to this copy of the
// controller, from any file, including projects that have no node_modules at all; once the entry installs the host's manifest (node-modules.js), the project's own
// specifiers and transformed files are answered from it. Everything else goes to node's default
// resolver untouched.

import { isApiModule } from "./api-modules.js";
import { loadFromManifest, resolveInOrder, useManifest } from "./node-modules.js";

let indexUrl;

/** Receives the URL of src/index.js, and the manifest's path once there is one. */
export async function initialize(data) {
  indexUrl = data.indexUrl;
  if (typeof data.manifest === "string") useManifest(data.manifest);
}

/** Resolves the test API's names to the embedded index.js, and the project's specifiers as the host did. */
export async function resolve(specifier, context, nextResolve) {
  if (isApiModule(specifier)) return { url: indexUrl, format: "module", shortCircuit: true };
  return resolveInOrder(
    specifier,
    context.parentURL,
    false,
    () => nextResolve(specifier, context),
    (found) => ({ ...found, shortCircuit: true }),
  );
}

/** Loads transformed files from the host's cache; CommonJS ones through node's CommonJS loader. */
export async function load(url, context, nextLoad) {
  const loaded = loadFromManifest(url, context.importAttributes, false);
  if (loaded === null) return nextLoad(url, context);
  // Node 20 evaluates CommonJS source handed back here outside its CommonJS loader (no
  // `require` hooks): let that loader read the file, through node-register.js's extensions.
  if (loaded.format === "commonjs") return { format: "commonjs", shortCircuit: true };
  return { ...loaded, shortCircuit: true };
}
