import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { withoutTypeReexports } from "../src/node-type-reexports.js";
import { tempDir } from "./temp-dir.js";

test("re-exported names that are only types in their TypeScript target are left out", () => {
  const dir = tempDir("type-reexports-");
  writeFileSync(
    join(dir, "common.ts"),
    "export type PathString = string;\nexport interface Shape { a: number }\nexport const value = 1;\n" +
      "type Local = string;\nconst local = 2;\nexport { Local, local };\nexport { Deep } from './deep';\n",
  );
  writeFileSync(join(dir, "deep.ts"), "export type Deep = number;\nexport function both() {}\nexport type both = string;\n");
  const resolve = (specifier) => join(dir, `${specifier.slice(2)}.ts`);
  const index = join(dir, "index.ts");
  const out = withoutTypeReexports(
    index,
    "/** api */ export { PathString, value as v } from './common';\nexport { Shape, Local, local } from './common';\n" +
      "export { Deep } from './common';\nexport { both } from './deep';\nexport { PathString as P } from \"./common\";\n",
    resolve,
  );
  assert.equal(
    out,
    "/** api */ export { value as v } from './common';\nexport { local } from './common';\n" +
      "import './common';\nexport { both } from './deep';\nimport \"./common\";\n",
  );
  assert.equal(withoutTypeReexports(join(dir, "x.js"), "export { PathString } from './common';\n", resolve), "export { PathString } from './common';\n");
});
