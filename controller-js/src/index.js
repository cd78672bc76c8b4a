// The public test API, what `import { describe, it, expect } from "proctor"` resolves to.
//
// Jest users write tests against globals, so the API is also installed on globalThis (without
// overwriting anything already defined there). `globalThis.__proctor` is how the CommonJS entry
// (index.cjs) reaches this same instance: a second copy would have its own empty registry.

import { expect } from "./expect.js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, it, test } from "./registry.js";

export { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, test };

const api = { describe, it, test, expect, beforeAll, afterAll, beforeEach, afterEach };
export default api;

for (const [name, value] of Object.entries(api)) {
  if (!(name in globalThis)) globalThis[name] = value;
}
globalThis.__proctor ??= api;
