// Preloaded with `node --import <dir>/src/node-register.js`: points `import "proctor"` and
// `require("proctor")` at this controller, so test files share the controller's registry.
//
// ES modules go through a resolve hook (module.register, node >= 20.6), which runs on node's
// loader thread and so lives in its own file. CommonJS `require` does not consult those hooks
// in node 20, hence the Module._resolveFilename patch.

import Module from "node:module";
import { fileURLToPath } from "node:url";

// Read off the default export: a named import of a missing export would fail to link with a
// SyntaxError on older node instead of saying what is wrong.
if (typeof Module.register !== "function") {
  throw new Error(`proctor needs node >= 20.6 (module.register); this is node ${process.version}`);
}
Module.register("./node-hooks.js", import.meta.url, {
  data: { indexUrl: new URL("./index.js", import.meta.url).href },
});

const commonJsIndex = fileURLToPath(new URL("./index.cjs", import.meta.url));
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveProctor(request, ...rest) {
  if (request === "proctor") return commonJsIndex;
  return resolveFilename.call(this, request, ...rest);
};
