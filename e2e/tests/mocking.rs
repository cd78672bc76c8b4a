//! End to end: module mocking in node (issue 13 point 1): `vi.mock` with a factory reaching a
//! module that imports the mocked one, automock, `__mocks__` beside a module and at the root for
//! a package (automatically in a file that uses `jest`), a builtin, virtual mocks, `importActual`
//! partial mocks, `jest.requireActual` / `requireMock` of an ES module in a file that mocks
//! nothing, a Vitest factory mock of a module that does not exist (virtual without asking),
//! `doMock` with a later dynamic import, `resetModules`, a factory missing an
//! export, a CommonJS file with `jest.mock` before `require`, a TypeScript file mocking through a
//! path alias, files whose mocks the transform hoists above their imports — and none of one
//! file's mocks seen by the other files, in a fresh realm per file and in one shared realm
//! (`--no-isolate`). Most test files are written as the hoisting transform leaves them (mocks
//! first, then awaited dynamic imports), so they test the runtime alone. On the node on PATH
//! (20: the wrapped in-thread loader), node 24 (module.registerHooks) and node 22.14.

use proctor_e2e::downloads::{node24, node_release};
use proctor_e2e::{Output, Project};

const EXPECTED: &[(&str, &str)] = &[
    ("test/automock.test.js::functions, classes and objects are automocked", "passed"),
    ("test/automock.test.js::src/__mocks__/manual.js stands in for src/manual.js", "passed"),
    ("test/automock.test.js::the root __mocks__/tinypkg.js stands in for the package", "passed"),
    ("test/commonjs-real.test.cjs::another file's CommonJS mock is not seen here", "passed"),
    ("test/commonjs.test.cjs::a CommonJS mock reaches a module that requires it", "passed"),
    ("test/commonjs.test.cjs::requireActual gives the real module", "passed"),
    ("test/commonjs.test.cjs::createMockFromModule automocks", "passed"),
    ("test/commonjs.test.cjs::isolateModules gives fresh instances that keep the file's mocks", "passed"),
    ("test/commonjs.test.cjs::a builtin is real unless mocked", "passed"),
    ("test/commonjs.test.cjs::resetModules gives fresh CommonJS instances that keep the file's mocks", "passed"),
    ("test/dynamic.test.js::doMock applies to a later dynamic import", "passed"),
    ("test/dynamic.test.js::resetModules gives a fresh instance of a project module", "passed"),
    ("test/dynamic.test.js::importMock gives the automock without registering it", "passed"),
    ("test/dynamic.test.js::doMock with { spy: true } keeps the implementations and records the calls", "passed"),
    ("test/factory.test.js::a factory mock reaches a module that imports it", "passed"),
    ("test/factory.test.js::importActual gives the real module", "passed"),
    ("test/factory.test.js::node:fs and fs are the same mocked builtin", "passed"),
    ("test/factory.test.js::a package with separate import and require files is mocked for both", "passed"),
    ("test/factory.test.js::a failure inside a mocked file's module names the plain file", "failed"),
    ("test/hoisted-import.test.js::vi.mock(import(path)) mocks the module the import names", "passed"),
    ("test/hoisted-jest.test.cjs::jest.mock below the require still mocks it", "passed"),
    ("test/hoisted.test.ts::vi.mock below the imports still mocks them", "passed"),
    ("test/jest-automatic.test.cjs::a package with a root __mocks__ file is mocked without jest.mock", "passed"),
    ("test/typed.test.ts::a TypeScript module is mocked", "passed"),
    ("test/typed.test.ts::an export the factory lacks is a link error naming it", "passed"),
    ("test/required.test.js::requireActual and requireMock of an ES module work without jest.mock", "passed"),
    ("test/virtual.test.cjs::a virtual mock is required like a module", "passed"),
    ("test/virtual-hoisted.test.js::a factory mock of a module that does not exist is virtual", "passed"),
    ("test/virtual.test.js::a virtual mock is imported like a module", "passed"),
    ("test/z-real.test.js::another file's mocks are not seen here", "passed"),
];

fn assert_mocking(out: &Output) {
    out.assert_code(1);
    let outcomes = out.outcomes();
    for (id, outcome) in EXPECTED {
        assert_eq!(outcomes.get(*id).map(String::as_str), Some(*outcome), "{id}: {outcomes:?}\n{}", out.stderr);
    }
    assert_eq!(outcomes.len(), EXPECTED.len(), "{outcomes:?}");

    // The module under the test file's generation is `thrower.js?proctor-g=<n>` to node; the
    // failure still names the file, and the mocked value reached it.
    let failed = out.finished("test/factory.test.js::a failure inside a mocked file's module names the plain file");
    assert_eq!(failed["error"]["message"].as_str(), Some("boom 42"), "{failed}");
    let stack = failed["error"]["stack"].as_str().unwrap_or_default();
    assert!(stack.contains("src/thrower.js:5:9"), "{stack}");
    assert!(!stack.contains("proctor-g"), "{stack}");

    // A factory that leaves out a name its importers import: the file's load error says so as
    // Vitest does.
    let errors = out.events_of("load-error");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["file"], "test/missing-export.test.js", "{errors:?}");
    let message = errors[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains(r#"[vitest] No "one" export is defined on the "./dep.js" mock"#), "{message}");
}

#[test]
fn module_mocks_work_in_node_and_stay_in_their_file() {
    let project = Project::fixture("mocking");
    let out = project.run(&["run", "--reporter", "json"]);
    assert_mocking(&out);

    // One shared realm: the files load together, and each still sees only its own mocks.
    let shared = project.run(&["run", "--no-isolate", "--reporter", "json"]);
    assert_mocking(&shared);

    let text = project.run(&["run", "test/factory.test.js"]);
    assert!(text.stdout.contains("at boom (src/thrower.js:5:9)"), "{}", text.stdout);
}

#[test]
fn module_mocks_work_in_node_24() {
    let Some(node) = node24() else { return };
    let project = Project::fixture("mocking");
    let out = project.run_on_node(&node, &["run", "--reporter", "json"], &[]);
    assert_mocking(&out);
    let started = out.events_of("runtime-started");
    assert!(started[0]["runtime"]["version"].as_str().is_some_and(|v| v.starts_with("v24.")), "{started:?}");
}

#[test]
fn module_mocks_work_in_node_22_14() {
    let Some(node) = node_release("22.14.0") else { return };
    let project = Project::fixture("mocking");
    let out = project.run_on_node(&node, &["run", "--reporter", "json"], &[]);
    assert_mocking(&out);
}

/// Node 22 from 22.15 has module.registerHooks, and two ways of running imported CommonJS (a
/// `require` of its own up to 22.22, its CommonJS loader from 22.23): the first and the newest.
#[test]
fn module_mocks_work_in_node_22_15_and_the_newest_22() {
    for node in [node_release("22.15.0"), node_release("22")].into_iter().flatten() {
        let project = Project::fixture("mocking");
        let out = project.run_on_node(&node, &["run", "--reporter", "json"], &[]);
        assert_mocking(&out);
        let shared = project.run_on_node(&node, &["run", "--no-isolate", "--reporter", "json"], &[]);
        assert_mocking(&shared);
    }
}

/// Vitest's `vi.mock` in a setup file mocks for every test file the setup runs before, and a
/// file that unmocks it gets the real module; with and without a fresh realm per file.
#[test]
fn a_mock_made_in_a_setup_file_applies_to_each_test_file() {
    let project = Project::empty();
    project
        .write("package.json", "{ \"type\": \"module\" }\n")
        .write(
            "proctor.toml",
            "[[suite]]\nid = \"unit\"\nruntime = \"node\"\ntests = [\"test/*.test.js\"]\nsetup-files = [\"setup.js\"]\n",
        )
        .write("src/dep.js", "export const dep = \"real\";\n")
        .write("src/use.js", "import { dep } from \"./dep.js\";\nexport const use = () => dep;\n")
        .write("setup.js", "vi.mock(\"./src/dep.js\", () => ({ dep: \"from setup\" }));\n")
        .write(
            "test/a.test.js",
            "import { use } from \"../src/use.js\";\ntest(\"a\", () => { expect(use()).toBe(\"from setup\"); });\n",
        )
        .write(
            "test/b.test.js",
            "import { use } from \"../src/use.js\";\ntest(\"b\", () => { expect(use()).toBe(\"from setup\"); });\n",
        )
        .write(
            "test/c.test.js",
            "import { use } from \"../src/use.js\";\nvi.unmock(\"../src/dep.js\");\n\
             test(\"c\", () => { expect(use()).toBe(\"real\"); });\n",
        );
    for args in [&["run", "--reporter", "json"][..], &["run", "--no-isolate", "--reporter", "json"][..]] {
        let out = project.run(args);
        out.assert_code(0);
        let expected = proctor_e2e::model(&[
            ("test/a.test.js::a", "passed"),
            ("test/b.test.js::b", "passed"),
            ("test/c.test.js::c", "passed"),
        ]);
        assert_eq!(out.outcomes(), expected, "{args:?}: {}", out.stderr);
    }
}

/// A Jest suite written in TypeScript, as ts-jest and @swc/jest run it: a factory that closes
/// over a top-level `let` it reads only later, `jest.requireActual` of a TypeScript module (an
/// ES module once transformed, which node 20 cannot `require`), and the suite's
/// `clear-mocks` / `reset-mocks` / `restore-mocks` (Jest's `clearMocks`, `resetMocks`,
/// `restoreMocks`) before each test — react-hook-form's suite leans on all three.
#[test]
fn a_typescript_jest_suite_with_require_actual_and_mock_hygiene() {
    let project = Project::empty();
    let suite = "[[suite]]\nid = \"unit\"\nruntime = \"node\"\ntests = [\"test/*.test.ts\"]\n";
    project
        .write("proctor.toml", &format!("{suite}clear-mocks = true\nreset-mocks = true\nrestore-mocks = true\n"))
        .write("src/id.ts", "export default function id(): string { return \"real\"; }\n")
        .write("src/empty.ts", "export default function isEmpty(value: object): boolean { return Object.keys(value).length === 0; }\nexport const kind = \"actual\";\n")
        .write("src/use.ts", "import id from \"./id\";\nimport isEmpty from \"./empty\";\nexport const both = (v: object) => [id(), isEmpty(v)];\n")
        .write(
            "test/jest.test.ts",
            r#"import { both } from "../src/use";
import isEmpty, { kind } from "../src/empty";

let i = 0;
jest.mock("../src/id", () => () => String(i++));
jest.mock("../src/empty", () => {
  const original = jest.requireActual("../src/empty");
  return { __esModule: true, kind: original.kind, default: jest.fn(original.default) };
});

const counter = { read: () => "original" };
const spy = jest.fn(() => 1);

describe("a ts-jest style suite", () => {
  it("closes over a later variable and wraps the actual module", () => {
    // reset-mocks drops the implementation jest.fn() was given, as Jest's resetMocks does.
    expect(both({})).toEqual(["0", undefined]);
    expect(both({ a: 1 })[0]).toBe("1");
    expect(isEmpty).toHaveBeenCalledTimes(2);
    expect(kind).toBe("actual");
    jest.spyOn(counter, "read").mockReturnValue("spied");
    spy();
  });
  it("starts with cleared, reset and restored mocks", () => {
    expect(isEmpty).toHaveBeenCalledTimes(0);
    expect(counter.read()).toBe("original");
    expect(spy).not.toHaveBeenCalled();
    expect(spy()).toBeUndefined();
  });
});
"#,
        );
    let out = project.run(&["run", "--reporter", "json"]);
    let expected = proctor_e2e::model(&[
        (
            "test/jest.test.ts::a ts-jest style suite::closes over a later variable and wraps the actual module",
            "passed",
        ),
        ("test/jest.test.ts::a ts-jest style suite::starts with cleared, reset and restored mocks", "passed"),
    ]);
    assert_eq!(out.outcomes(), expected, "{}", out.stdout);

    // Without the hygiene options the second test sees the first one's calls and spy.
    project.write("proctor.toml", suite);
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.outcomes()["test/jest.test.ts::a ts-jest style suite::starts with cleared, reset and restored mocks"],
        "failed",
        "{}",
        out.stdout
    );
}

/// The project behind the `roots` tests (dayjs's shape): `test/__mocks__/dayjs.js` points the
/// package name, which is not installed, at the project's source; `test/__mocks__/greet.js`
/// mocks an installed package.
fn roots_project(roots: Option<&str>) -> Project {
    let project = Project::empty();
    let roots = roots.map(|list| format!("roots = {list}\n")).unwrap_or_default();
    project
        .write("proctor.toml", &format!("[[suite]]\nid = \"unit\"\ntests = [\"test/**/*.test.js\"]\n{roots}"))
        .write("package.json", "{}\n")
        .write("src/dayjs.js", "module.exports = function dayjs() { return \"dayjs from src\"; };\n")
        .write("test/__mocks__/dayjs.js", "const dayjs = require(\"../../src/dayjs\");\nmodule.exports = dayjs;\n")
        .write("test/__mocks__/greet.js", "exports.hello = () => \"mocked greet\";\n")
        .write("node_modules/greet/package.json", "{ \"name\": \"greet\", \"main\": \"index.js\" }\n")
        .write("node_modules/greet/index.js", "exports.hello = () => \"real greet\";\n")
        .write(
            "test/plugin/uninstalled.test.js",
            r#"import dayjs from "dayjs";
const required = require("dayjs");
test("an uninstalled package resolves to its mock in a root", () => {
  expect(dayjs()).toBe("dayjs from src");
  expect(required).toBe(dayjs);
});
"#,
        )
        .write(
            "test/plugin/jest.test.js",
            r#"import { hello } from "greet";
test("a file using jest gets a root's mock of an installed package", () => {
  expect(jest.isMockFunction(jest.fn())).toBe(true);
  expect(hello()).toBe("mocked greet");
});
"#,
        )
        .write(
            "test/plugin/vitest.test.js",
            r#"import { hello } from "greet";
test("a file without jest gets the installed package", () => { expect(hello()).toBe("real greet"); });
"#,
        );
    project
}

/// r13 (dayjs): Jest finds the mocks of node modules in the `__mocks__/` of each of its `roots`;
/// a package that is not installed resolves to its mock there (the only thing that resolves).
/// Without `roots`, only the project root's `__mocks__/` counts, as in Jest.
#[test]
fn r13_a_roots_mocks_stand_in_for_packages_even_uninstalled() {
    let out = roots_project(Some("[\"src\", \"test\"]")).run(&["run", "--reporter", "json"]);
    let expected = proctor_e2e::model(&[
        ("test/plugin/uninstalled.test.js::an uninstalled package resolves to its mock in a root", "passed"),
        ("test/plugin/jest.test.js::a file using jest gets a root's mock of an installed package", "passed"),
        ("test/plugin/vitest.test.js::a file without jest gets the installed package", "passed"),
    ]);
    assert_eq!(out.outcomes(), expected, "{}\n{}", out.stdout, out.stderr);
    out.assert_code(0);

    let out = roots_project(None).run(&["run", "--reporter", "json"]);
    let errors = out.events_of("load-error");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["file"], "test/plugin/uninstalled.test.js", "{errors:?}");
    assert!(errors[0]["message"].as_str().unwrap_or_default().contains("cannot resolve \"dayjs\""), "{errors:?}");
    let outcomes = out.outcomes();
    assert_eq!(
        outcomes["test/plugin/jest.test.js::a file using jest gets a root's mock of an installed package"],
        "failed"
    );

    let out = roots_project(Some("[\"nope\"]")).run(&["run"]);
    out.assert_code(2);
    assert!(out.stderr.contains("`roots`") && out.stderr.contains("\"nope\""), "{}", out.stderr);
}
