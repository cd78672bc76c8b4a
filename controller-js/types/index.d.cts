// Types for `const { it, expect } = require("proctor")`: index.cjs hands out the object that is
// index.d.ts's default export, so this names that object's type.

declare const api: typeof import("./index.js").default;
export = api;
