// Types for the other names proctor answers for the test API (protocol's API_MODULES):
// `import { it, expect, vi } from "vitest"` (or "@jest/globals", "@vitest/expect") runs under
// proctor with neither package installed, and with `"types": ["proctor/compat"]` in tsconfig's
// compilerOptions it type-checks against proctor's declarations too. Opt-in, because a project
// that does install vitest or @jest/globals keeps those packages' own types.

declare module "vitest" {
  export * from "proctor";
  export { default } from "proctor";
}

declare module "vitest/globals" {
  import "proctor/globals";
}

declare module "@jest/globals" {
  export * from "proctor";
  export { default } from "proctor";
}

declare module "@vitest/expect" {
  export * from "proctor";
}
