//! End to end: what stopped real open-source suites (issue 13's sweep), each reduced to the
//! smallest project that shows it. The projects themselves are not run here; their before/after
//! counts are in the README's "Real suites" section.

use proctor_e2e::{model, Project};

/// node-fetch's mocha suite: a test's server answers with a raw response and ends the socket;
/// the next test's request must not get the half-closed keep-alive socket (node 20's global
/// agent keeps sockets alive). mocha starts each test on a later turn of the event loop, so the
/// socket's end is seen first; proctor does the same in node.
#[test]
fn the_next_test_starts_after_io_the_last_one_finished_as_in_mocha() {
    let project = Project::empty();
    project.write(
        "keep-alive.test.js",
        r#"
const http = require("node:http");
const { once } = require("node:events");

function get(url) {
  return new Promise((resolve, reject) =>
    http.get(url, (res) => { res.resume(); res.on("end", () => resolve(res.statusCode)); }).on("error", reject));
}

describe("keep-alive", () => {
  const server = http.createServer((req, res) => {
    if (req.url === "/raw") {
      res.socket.write("HTTP/1.1 301\r\nLocation: <>\r\nContent-Length: 0\r\n");
      res.socket.end("\r\n");
      return;
    }
    res.end("ok");
  });
  let base;
  before(async () => {
    server.listen(0, "localhost");
    await once(server, "listening");
    base = `http://localhost:${server.address().port}`;
  });
  after(() => server.close());
  it("gets a raw response that ends its socket", async () => {
    expect(await get(base + "/raw")).toBe(301);
  });
  it("gets a fresh socket for the next request", async () => {
    expect(await get(base + "/ok")).toBe(200);
  });
});
"#,
    );
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.results(),
        model(&[
            ("keep-alive.test.js::keep-alive::gets a raw response that ends its socket", "passed"),
            ("keep-alive.test.js::keep-alive::gets a fresh socket for the next request", "passed"),
        ]),
        "{}",
        out.stderr
    );
    out.assert_code(0);
}

/// cross-env: its tsconfig.json extends `@epic-web/config/typescript`, a dev dependency. When
/// it is not installed, proctor warns that the missing part is ignored, and imports still
/// resolve (they all failed before, so every file was a load error).
#[test]
fn a_tsconfig_extending_an_uninstalled_package_still_resolves_imports() {
    let project = Project::empty();
    project
        .write(
            "tsconfig.json",
            r#"{ "extends": ["@epic-web/config/typescript"], "compilerOptions": { "module": "ESNext" }, "include": ["src/**/*"] }"#,
        )
        .write("src/is-windows.ts", "export const isWindows = (): boolean => process.platform === 'win32'\n")
        .write(
            "src/__tests__/is-windows.test.ts",
            r#"
import { test, expect } from "vitest"
import { isWindows } from "../is-windows.js"
test("answers", () => { expect(typeof isWindows()).toBe("boolean") })
"#,
        );
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(out.results(), model(&[("src/__tests__/is-windows.test.ts::answers", "passed")]), "{}", out.stderr);
    assert!(out.stderr.contains("cannot find the config it extends"), "{}", out.stderr);
    out.assert_code(0);
}

/// luxon's Jest suite: its test helpers `import` the library and export with `exports.x = ...`
/// (Babel compiles both to CommonJS). Test files import them by default and by name, and the
/// helpers must see the same instance of the library the test files import.
#[test]
fn a_babel_mixed_module_exports_through_exports_and_shares_its_imports() {
    let project = Project::empty();
    project
        .write("src/settings.js", "export const Settings = { now: () => 0 };\n")
        .write(
            "test/helpers.js",
            r#"
import { Settings } from "../src/settings";

exports.withNow = function (now, f) {
  const old = Settings.now;
  try {
    Settings.now = () => now;
    f();
  } finally {
    Settings.now = old;
  }
};
exports["kebab-name"] = 1;
"#,
        )
        .write(
            "test/shapes.js",
            "import { Settings } from \"../src/settings\";\nconst a = () => Settings.now();\nmodule.exports = { a, b: 2 };\n",
        )
        .write(
            "test/now.test.js",
            r#"
import { Settings } from "../src/settings";
import Helpers, { withNow } from "./helpers";
import shapes, { a, b } from "./shapes";

test("named exports see the imported instance", () => {
  withNow(42, () => expect(Settings.now()).toBe(42));
  expect(Settings.now()).toBe(0);
});
test("the default export is the exports object", () => {
  expect(Helpers.withNow).toBe(withNow);
  expect(Helpers["kebab-name"]).toBe(1);
});
test("module.exports of an object literal", () => {
  expect(shapes.b).toBe(2);
  expect(b).toBe(2);
  withNow(7, () => expect(a()).toBe(7));
});
"#,
        );
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.results(),
        model(&[
            ("test/now.test.js::named exports see the imported instance", "passed"),
            ("test/now.test.js::the default export is the exports object", "passed"),
            ("test/now.test.js::module.exports of an object literal", "passed"),
        ]),
        "{}",
        out.stderr
    );
    out.assert_code(0);
}

/// ufo's Vitest suite: `test.each([{ input: ["a", "b"], out: "a/b" }])("$input -> $out")`.
/// Vitest shows interpolated values as its own inspector does (`[ 'a', 'b' ] -> 'a/b'`); Jest
/// shows `["a", "b"] -> a/b`. Each file gets its runner's names: by its `vitest` import.
#[test]
fn each_names_interpolate_values_as_the_files_runner_does() {
    let project = Project::empty();
    let body = r#"
describe("resolve", () => {
  test.each([
    { input: ["a", "b"], out: "a/b" },
    { input: [], out: "" },
  ])("$input -> $out", ({ input, out }) => expect(input.join("/")).toBe(out));
});
"#;
    project
        .write("test/vitest.test.ts", &format!("import {{ describe, expect, test }} from \"vitest\";\n{body}"))
        .write("test/jest.test.ts", body);
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.results(),
        model(&[
            ("test/vitest.test.ts::resolve::[ 'a', 'b' ] -> 'a/b'", "passed"),
            ("test/vitest.test.ts::resolve::[] -> ''", "passed"),
            ("test/jest.test.ts::resolve::[\"a\", \"b\"] -> a/b", "passed"),
            ("test/jest.test.ts::resolve::[] -> ", "passed"),
        ]),
        "{}",
        out.stderr
    );
    out.assert_code(0);
}
