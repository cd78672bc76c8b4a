//! End to end: Babel's `__esModule` interop for default imports of CommonJS, in node (the node on
//! PATH, node 24 and node 22.14) and in Chromium (`esm` build). A CommonJS file that sets
//! `exports.__esModule = true; exports.default = fn` (Babel's and tsc's output, dayjs-style
//! mocks) gives `import x from` its `exports.default`, under babel-jest and Vitest alike, where
//! node alone gives the whole `module.exports`; without the flag the default import stays the
//! whole `module.exports`, named imports stay as they were, a mock factory returning
//! `{ __esModule: true, default }` gives its `default` (without the flag: the whole object in a
//! file using `jest`, as babel-jest gives it, the `default` key with `vi`, as Vitest), and in
//! node a package's own import of such a file keeps node's answer.

use proctor_e2e::downloads::{node24, node_release};
use proctor_e2e::{browser_lock, model, Output, Project};

/// The tests every runtime runs (the files under `test/`, not `test/node/`).
const SHARED: &[(&str, &str)] = &[
    ("test/dayjs.test.js::a root __mocks__ file flagged __esModule gives its default", "passed"),
    ("test/mocked.test.js::jest.mock with an __esModule factory gives its default", "passed"),
    ("test/mocked.test.js::jest.mock without the flag gives the whole object, as babel-jest does", "passed"),
    ("test/project.test.js::a flagged file's default import is exports.default", "passed"),
    ("test/project.test.js::named imports and the namespace are unchanged", "passed"),
    ("test/project.test.js::without the flag the default import is module.exports", "passed"),
    ("test/project.test.js::a flagged package's default import is exports.default", "passed"),
    ("test/vi-mocked.test.js::vi.mock with an __esModule factory gives its default", "passed"),
    ("test/vi-mocked.test.js::vi.mock without the flag gives the default key, as Vitest does", "passed"),
];

/// The tests only node runs.
const NODE: &[(&str, &str)] = &[
    ("test/node/required.test.js::require gives the whole exports, the same instance", "passed"),
    ("test/node/required.test.js::a package importing a flagged package keeps node's default", "passed"),
    ("test/node/required.test.js::a .cts file's default export is its default import", "passed"),
    ("test/node/keys.test.js::a required ES module's default import of CommonJS gets the interop", "passed"),
];

fn project(runtime: &str) -> Project {
    let project = Project::empty();
    let tests = if runtime == "node" { "\"test/**/*.test.js\"" } else { "\"test/*.test.js\"" };
    project
        .write(
            "proctor.toml",
            &format!(
                "[[suite]]\nid = \"{runtime}\"\nruntime = \"{runtime}\"\ntests = [{tests}]\nroots = [\"test\"]\n{}",
                if runtime == "node" { "" } else { "build = \"esm\"\n" }
            ),
        )
        .write("package.json", "{}\n")
        .write(
            "src/flagged.js",
            "function main() { return \"main\"; }\nexports.__esModule = true;\nexports.default = main;\n\
             exports.named = () => \"named\";\n",
        )
        .write("src/plain.js", "exports.default = \"the default key\";\nexports.a = 1;\n")
        .write(
            "src/typed.cts",
            "const typed = (): string => \"typed\";\nexport default typed;\nexport const n: number = 1;\n",
        )
        .write("src/real.js", "module.exports = function real() { return \"real\"; };\n")
        // dayjs's shape: the root mock of the package requires the ES module source, whose
        // namespace (`__esModule` set by node's require, and by Babel under Jest) it exports.
        .write("src/dayjs.js", "const dayjs = () => \"dayjs\";\ndayjs.locale = () => \"en\";\nexport default dayjs;\n")
        .write("src/locale/fr.js", "import dayjs from \"dayjs\";\nexport default dayjs.locale(\"fr\");\n")
        .write("test/__mocks__/dayjs.js", "const dayjs = require(\"../../src/dayjs\");\nmodule.exports = dayjs;\n")
        .write("node_modules/flagged-pkg/package.json", "{ \"name\": \"flagged-pkg\", \"main\": \"index.js\" }\n")
        .write(
            "node_modules/flagged-pkg/index.js",
            "\"use strict\";\nObject.defineProperty(exports, \"__esModule\", { value: true });\n\
             exports.default = function pkg() { return \"pkg\"; };\n",
        )
        .write(
            "node_modules/esm-user/package.json",
            "{ \"name\": \"esm-user\", \"type\": \"module\", \"exports\": \"./index.js\" }\n",
        )
        .write("node_modules/esm-user/index.js", "import pkg from \"flagged-pkg\";\nexport const seen = pkg;\n")
        .write(
            "test/project.test.js",
            r#"import flagged, { named } from "../src/flagged";
import * as flaggedNs from "../src/flagged";
import plain, { a } from "../src/plain";
import pkg from "flagged-pkg";
test("a flagged file's default import is exports.default", () => {
  expect(flagged()).toBe("main");
  expect(flaggedNs.default).toBe(flagged);
});
test("named imports and the namespace are unchanged", () => {
  expect(named()).toBe("named");
  expect(flaggedNs.named).toBe(named);
  expect(a).toBe(1);
});
test("without the flag the default import is module.exports", () => {
  expect(plain).toEqual({ default: "the default key", a: 1 });
});
test("a flagged package's default import is exports.default", () => {
  expect(pkg()).toBe("pkg");
});
"#,
        )
        .write(
            "test/dayjs.test.js",
            r#"import dayjs from "dayjs";
import fr from "../src/locale/fr";
test("a root __mocks__ file flagged __esModule gives its default", () => {
  expect(typeof dayjs.locale).toBe("function");
  expect(dayjs()).toBe("dayjs");
  expect(fr).toBe("en");
});
"#,
        )
        .write(
            "test/mocked.test.js",
            r#"import real, { named } from "../src/real";
import plain, { a } from "../src/plain";
jest.mock("../src/real", () => ({ __esModule: true, default: () => "mocked default", named: () => "mocked named" }));
jest.mock("../src/plain", () => ({ default: "mocked key", a: 2 }));
test("jest.mock with an __esModule factory gives its default", () => {
  expect(real()).toBe("mocked default");
  expect(named()).toBe("mocked named");
});
test("jest.mock without the flag gives the whole object, as babel-jest does", () => {
  expect(plain).toEqual({ default: "mocked key", a: 2 });
  expect(a).toBe(2);
});
"#,
        )
        .write(
            "test/vi-mocked.test.js",
            r#"import { vi } from "vitest";
import real from "../src/real";
import plain from "../src/plain";
vi.mock("../src/real", () => ({ __esModule: true, default: () => "vi default" }));
vi.mock("../src/plain", () => ({ default: "vi key", a: 3 }));
test("vi.mock with an __esModule factory gives its default", () => {
  expect(real()).toBe("vi default");
});
test("vi.mock without the flag gives the default key, as Vitest does", () => {
  expect(plain).toBe("vi key");
});
"#,
        )
        // dayjs's `test/locale/keys.test.js`: `require` of an ES module that imports the package
        // (one no other file imports: files load together with --no-isolate).
        .write("src/locale/de.js", "import dayjs from \"dayjs\";\nexport default dayjs.locale(\"de\");\n")
        .write(
            "test/node/keys.test.js",
            r#"const de = require("../../src/locale/de.js").default;
test("a required ES module's default import of CommonJS gets the interop", () => {
  expect(de).toBe("en");
});
"#,
        )
        .write(
            "test/node/required.test.js",
            r#"import flagged from "../../src/flagged";
import { seen } from "esm-user";
import typed, { n } from "../../src/typed.cts";
const required = require("../../src/flagged");
test("require gives the whole exports, the same instance", () => {
  expect(required.__esModule).toBe(true);
  expect(required.default).toBe(flagged);
});
test("a package importing a flagged package keeps node's default", () => {
  expect(typeof seen.default).toBe("function");
});
test("a .cts file's default export is its default import", () => {
  expect(typed()).toBe("typed");
  expect(n).toBe(1);
});
"#,
        );
    project
}

fn assert_interop(out: &Output, expected: &[&[(&str, &str)]]) {
    out.assert_code(0);
    assert_eq!(out.outcomes(), model(&expected.concat()), "{}\n{}", out.stdout, out.stderr);
}

#[test]
fn default_imports_of_commonjs_get_babels_interop_in_node() {
    let project = project("node");
    assert_interop(&project.run(&["run", "--reporter", "json"]), &[SHARED, NODE]);
    // One shared realm: the interop wrapper of the first realm serves every file.
    assert_interop(&project.run(&["run", "--no-isolate", "--reporter", "json"]), &[SHARED, NODE]);
}

#[test]
fn default_imports_of_commonjs_get_babels_interop_in_node_24_and_22_14() {
    let project = project("node");
    for node in [node24(), node_release("22.14.0")].into_iter().flatten() {
        assert_interop(&project.run_on_node(&node, &["run", "--reporter", "json"], &[]), &[SHARED, NODE]);
    }
}

#[test]
fn default_imports_of_commonjs_get_babels_interop_in_chromium() {
    let _lock = browser_lock();
    let project = project("chromium");
    assert_interop(&project.run(&["run", "--reporter", "json"]), &[SHARED]);
}
