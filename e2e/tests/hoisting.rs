//! End to end: mock hoisting. A plain-JS test file's `vi.hoisted` runs before the modules it
//! imports, in node (ES module and CommonJS) and in Chromium's native modules, and a `jest.mock`
//! factory that reaches a module variable is its file's load error, with babel-jest's message
//! and the reference's file:line:column, while the other files run.

use proctor_e2e::{model, Project};

/// A project whose test files import a module that records when it runs.
fn project() -> Project {
    let project = Project::empty();
    project
        .write("package.json", "{ \"type\": \"module\" }\n")
        .write(
            "proctor.toml",
            "[[suite]]\nid = \"node\"\nruntime = \"node\"\ntests = [\"*.test.js\", \"*.test.cjs\"]\n\n\
             [[suite]]\nid = \"browser\"\nruntime = \"chromium\"\ntests = [\"order.test.js\"]\n",
        )
        .write("dep.js", "globalThis.order ??= [];\nglobalThis.order.push(\"dep\");\nexport const value = \"real\";\n")
        .write(
            "dep.cjs",
            "globalThis.cjsOrder ??= [];\nglobalThis.cjsOrder.push(\"dep\");\nexports.value = \"real\";\n",
        )
        .write(
            "order.test.js",
            r#"import { expect, it } from "proctor";
import { value } from "./dep.js";

it("ran vi.hoisted before the imports", () => {
  expect(globalThis.order).toEqual(["hoisted", "dep"]);
  expect(value).toBe("real");
  expect(marker).toBe("from vi.hoisted");
});

const { marker } = vi.hoisted(() => {
  globalThis.order = ["hoisted"];
  return { marker: "from vi.hoisted" };
});
"#,
        )
        .write(
            "order.test.cjs",
            r#"const { expect, it } = require("proctor");
const { value } = require("./dep.cjs");

it("ran vi.hoisted before the requires", () => {
  expect(globalThis.cjsOrder).toEqual(["hoisted", "dep"]);
  expect(value).toBe("real");
});

vi.hoisted(() => {
  globalThis.cjsOrder = ["hoisted"];
});
"#,
        )
        .write(
            "factory.test.js",
            r#"import { it } from "proctor";
import { value } from "./dep.js";

const realValue = value;
jest.mock("./dep.js", () => ({
  value: realValue,
}));

it("never runs", () => {});
"#,
        );
    project
}

/// What a run reports: both order files pass in node, the ES module one in Chromium has
/// `chromium` as its outcome; the factory file is a load error.
fn assert_results(out: &proctor_e2e::Output, chromium: &str) {
    let expected = model(&[
        ("chromium|order.test.js::ran vi.hoisted before the imports", chromium),
        ("node|order.test.js::ran vi.hoisted before the imports", "passed"),
        ("node|order.test.cjs::ran vi.hoisted before the requires", "passed"),
    ]);
    assert_eq!(out.outcomes_by_runtime(), expected, "{}\n{}", out.stdout, out.stderr);

    let errors = out.events_of("load-error");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["file"], "factory.test.js");
    let message = errors[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("factory.test.js:6:10"), "the reference's line and column: {message}");
    assert!(
        message.contains(
            "The module factory of `jest.mock()` is not allowed to reference any out-of-scope variables.\n\
             Invalid variable access: realValue\n"
        ),
        "{message}"
    );
    assert!(message.contains("variable names prefixed with `mock` (case insensitive) are permitted."), "{message}");
}

#[test]
fn vi_hoisted_runs_before_the_imports_and_a_jest_factory_rule_break_is_a_load_error() {
    let _browser = proctor_e2e::browser_lock();
    let project = project();
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    assert_results(&out, "passed");
}

#[test]
fn hoisting_works_with_node_24s_in_thread_hooks() {
    // Node 24 answers `require` from module.registerHooks, node 20 from the wrapped `.js`/`.cjs`
    // handlers: both must load the hoisted CommonJS file.
    let Some(node) = proctor_e2e::downloads::node24() else { return };
    let project = project();
    let out = project.run_on_node(&node, &["run", "--focus", "node:", "--reporter", "json"], &[]);
    out.assert_code(1);
    assert_results(&out, "skipped");
}

#[test]
fn a_bundled_test_file_that_hoists_still_loads() {
    // esbuild's iife bundle has no top-level await: the hoisted calls move above the imports,
    // which stay static (in a bundle they are evaluated first anyway).
    let _browser = proctor_e2e::browser_lock();
    let project = Project::empty();
    project
        .write(
            "proctor.toml",
            "[[suite]]\nid = \"bundled\"\nruntime = \"chromium\"\ntests = [\"*.test.js\"]\nbuild = \"esbuild\"\n",
        )
        .write("dep.js", "export const value = \"real\";\n")
        .write(
            "bundled.test.js",
            r#"import { expect, it } from "proctor";
import { value } from "./dep.js";

it("ran vi.hoisted", () => {
  expect(marker).toBe("from vi.hoisted");
  expect(value).toBe("real");
});

const { marker } = vi.hoisted(() => ({ marker: "from vi.hoisted" }));
"#,
        );
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(0);
    assert_eq!(out.outcomes(), model(&[("bundled.test.js::ran vi.hoisted", "passed")]), "{}", out.stderr);
}
