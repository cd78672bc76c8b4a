// Module resolution hooks (registered by node-register.js) that make the bare specifier
// `proctor` resolve to this copy of the controller, from any file, including projects that have
// no node_modules at all. Every other specifier goes to node's default resolver untouched.

let indexUrl;

/** Receives the URL of src/index.js from node-register.js. */
export async function initialize(data) {
  indexUrl = data.indexUrl;
}

/** Resolves `proctor` to the embedded index.js. */
export async function resolve(specifier, context, nextResolve) {
  if (specifier === "proctor") return { url: indexUrl, format: "module", shortCircuit: true };
  return nextResolve(specifier, context);
}
