// Preloaded with `node --import <dir>/src/node-register.js`: points `import "proctor"` and
// `require("proctor")` at this controller, so test files share the controller's registry.
//
// Where node has synchronous in-thread hooks (module.registerHooks, node >= 22.15 / 23.5), one
// resolve hook serves both `import` and `require`, and resolving costs a function call. Older
// node gets module.register (node >= 20.6), whose hooks run on a separate loader thread, so
// every resolution of every import is a message round trip; they live in node-hooks.js.
// CommonJS `require` does not consult those hooks in node 20, hence the
// Module._resolveFilename patch on that path.

import Module from "node:module";
import { fileURLToPath } from "node:url";

const indexUrl = new URL("./index.js", import.meta.url).href;
const commonJsIndexUrl = new URL("./index.cjs", import.meta.url).href;

// Both are read off the default export: a named import of one this node lacks would fail to
// link with a SyntaxError instead of saying what is wrong.
if (typeof Module.registerHooks === "function") {
  Module.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier !== "proctor") return nextResolve(specifier, context);
      // `require` gets the CommonJS face, which hands back the same instance as index.js.
      return context.conditions?.includes("require")
        ? { url: commonJsIndexUrl, format: "commonjs", shortCircuit: true }
        : { url: indexUrl, format: "module", shortCircuit: true };
    },
  });
} else if (typeof Module.register === "function") {
  Module.register("./node-hooks.js", import.meta.url, { data: { indexUrl } });
  const commonJsIndex = fileURLToPath(commonJsIndexUrl);
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveProctor(request, ...rest) {
    if (request === "proctor") return commonJsIndex;
    return resolveFilename.call(this, request, ...rest);
  };
} else {
  throw new Error(`proctor needs node >= 20.6 (module.register); this is node ${process.version}`);
}
