// Realm URLs and import maps: project paths move under `/@realm/<n>`, packages, proctor's own
// files and other origins stay shared; a realm's import map scope moves every project key and
// target of the page's map, and importer scopes of project files.

import assert from "node:assert/strict";
import { test } from "node:test";
import { realmImportMap, realmPrefix, realmUrl } from "../src/realm-map.js";

test("project URLs move into the realm and shared ones stay", () => {
  assert.equal(realmPrefix(3), "/@realm/3");
  assert.throws(() => realmPrefix(-1), TypeError);
  assert.equal(realmPrefix("3.2"), "/@realm/3.2");
  assert.throws(() => realmPrefix("3."), TypeError);
  assert.equal(realmUrl("/src/x.ts", 3, ""), "/@realm/3/src/x.ts");
  assert.equal(realmUrl("http://127.0.0.1:9/test/a.test.js", 3, "http://127.0.0.1:9"), "http://127.0.0.1:9/@realm/3/test/a.test.js");
  for (const shared of [
    "/node_modules/react/index.js",
    "/packages/app/node_modules/x/y.js",
    "/@fs/w/node_modules/p/a.js",
    "/__proctor/controller/index.js",
    "/@realm/2/src/x.js",
    "https://cdn.example/x.js",
    "data:text/javascript,export{}",
  ]) {
    assert.equal(realmUrl(shared, 3, "http://127.0.0.1:9"), shared, shared);
  }
});

test("a realm's import map moves project keys and targets and keeps packages shared", () => {
  const map = {
    imports: {
      proctor: "/__proctor/controller/index.js",
      "@/utils": "/src/utils.ts",
      "/src/dir": "/src/dir/index.js",
      "/src/data.json": "/src/data.json?import",
      pkg: "/node_modules/pkg/b.js",
    },
    scopes: {
      "/src/nested/x.test.js": { pkg: "/src/nested/node_modules/pkg/v2.js", "/src/a": "/src/a.ts" },
      "/node_modules/pkg/": { dep: "/node_modules/dep/index.js" },
    },
  };
  assert.deepEqual(realmImportMap(map, 4), {
    imports: {},
    scopes: {
      "/@realm/4/": {
        "@/utils": "/@realm/4/src/utils.ts",
        "/@realm/4/src/dir": "/@realm/4/src/dir/index.js",
        "/@realm/4/src/data.json": "/@realm/4/src/data.json?import",
      },
      "/@realm/4/src/nested/x.test.js": {
        pkg: "/src/nested/node_modules/pkg/v2.js",
        "/src/a": "/src/a.ts",
        "/@realm/4/src/a": "/@realm/4/src/a.ts",
      },
    },
  });
});
