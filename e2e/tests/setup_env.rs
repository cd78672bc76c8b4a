//! End to end: setup files (`setup-files`, run afresh before each test file in its realm:
//! custom matchers, snapshot serializers, hooks that apply to the file's tests, TypeScript, a
//! setup file that throws) in node and in Chromium (esm and bundled builds), and node
//! environments (`environment = "jsdom" | "happy-dom"`, per-file docblocks, the project's own
//! packages, a clear error when the package is missing).

use proctor_e2e::downloads::{dom_environments, link_node_modules};
use proctor_e2e::{browser_lock, model, Output, Project};

/// A TypeScript setup file: a matcher, a serializer, a global, and a beforeEach hook counting
/// the tests of the file it runs for (its module state is fresh for every test file).
const SETUP_TS: &str = "import { beforeEach, expect } from \"proctor\";\n\n\
let ran: number = 0;\n\
expect.extend({\n  toBeEven(received: number) {\n    \
return { pass: received % 2 === 0, message: () => `expected ${received} to be even` };\n  },\n});\n\
expect.addSnapshotSerializer({ test: (v: any) => v?.secret !== undefined, serialize: () => \"[secret]\" });\n\
beforeEach(() => {\n  ran += 1;\n  (globalThis as any).testsInThisFile = ran;\n});\n";

/// Checks, in each of two files, what the setup file did for that file.
fn setup_test(name: &str) -> String {
    format!(
        "import {{ expect, it }} from \"proctor\";\n\n\
         it(\"{name}: uses the setup file's matcher and serializer\", () => {{\n  \
         expect(4).toBeEven();\n  expect(3).not.toBeEven();\n  \
         expect({{ secret: 1 }}).toMatchInlineSnapshot(`[secret]`);\n  \
         expect((globalThis as any).testsInThisFile).toBe(1);\n}});\n\n\
         it(\"{name}: the setup file's beforeEach runs before every test of the file\", () => {{\n  \
         expect((globalThis as any).testsInThisFile).toBe(2);\n}});\n"
    )
}

/// Every test of `setup_test("a")` and `setup_test("b")` passes.
fn setup_model() -> std::collections::BTreeMap<String, String> {
    model(&[
        ("test/a.test.ts::a: uses the setup file's matcher and serializer", "passed"),
        ("test/a.test.ts::a: the setup file's beforeEach runs before every test of the file", "passed"),
        ("test/b.test.ts::b: uses the setup file's matcher and serializer", "passed"),
        ("test/b.test.ts::b: the setup file's beforeEach runs before every test of the file", "passed"),
    ])
}

fn failures(out: &Output) -> String {
    format!("{}\n{}", out.stdout, out.stderr)
}

#[test]
fn setup_files_extend_expect_and_add_hooks_for_every_test_file_in_node() {
    let project = Project::empty();
    project
        .write("proctor.toml", "[[suite]]\nid = \"unit\"\nsetup-files = [\"test/setup.ts\"]\n")
        .write("test/setup.ts", SETUP_TS)
        .write("test/a.test.ts", &setup_test("a"))
        .write("test/b.test.ts", &setup_test("b"));
    // Each file in a fresh realm (the default), and all in one shared realm.
    for flags in [&[][..], &["--no-isolate"][..]] {
        let out = project.run(&[&["run", "--reporter", "json"][..], flags].concat());
        assert_eq!(out.outcomes(), setup_model(), "{flags:?}: {}", failures(&out));
        out.assert_code(0);
    }
}

#[test]
fn a_setup_file_that_throws_fails_each_test_file_at_its_own_line() {
    let project = Project::empty();
    project
        .write("proctor.toml", "[[suite]]\nid = \"unit\"\nsetup-files = [\"test/setup.ts\"]\n")
        .write(
            "test/setup.ts",
            "const ready: boolean = false;\n\nif (!ready) throw new Error(\"the setup is broken\");\n",
        )
        .write("test/a.test.js", "import { it } from \"proctor\";\nit(\"never runs\", () => {});\n")
        .write("test/b.test.js", "import { it } from \"proctor\";\nit(\"never runs either\", () => {});\n");
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    let errors = out.events_of("load-error");
    let files: Vec<&str> = errors.iter().filter_map(|e| e["file"].as_str()).collect();
    assert_eq!(files, ["test/a.test.js", "test/b.test.js"], "{}", failures(&out));
    for error in &errors {
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.contains("the setup is broken"), "{message}");
        let stack = error["stack"].as_str().unwrap_or_default();
        assert!(stack.contains("test/setup.ts:3:"), "the stack names the setup file's line: {stack}");
    }
    assert!(out.outcomes().is_empty(), "{}", failures(&out));
}

#[test]
fn setup_files_config_errors_name_the_line() {
    let project = Project::empty();
    project
        .write("proctor.toml", "[[suite]]\nid = \"unit\"\nsetup-files = [\"test/missing.js\"]\n")
        .write("test/a.test.js", "import { it } from \"proctor\";\nit(\"x\", () => {});\n");
    let out = project.run(&["run"]);
    out.assert_code(2);
    assert!(out.stderr.contains("proctor.toml:3:16: `setup-files` names \"test/missing.js\""), "{}", out.stderr);

    project.write("proctor.toml", "[[suite]]\nid = \"b\"\nruntime = \"chromium\"\nenvironment = \"jsdom\"\n");
    let out = project.run(&["run"]);
    out.assert_code(2);
    assert!(out.stderr.contains("the real DOM"), "{}", out.stderr);
}

#[test]
fn setup_files_run_before_each_test_file_in_chromium() {
    setup_files_in_chromium("esm");
}

#[test]
fn setup_files_run_afresh_before_each_test_file_in_a_bundle() {
    setup_files_in_chromium("esbuild");
}

/// The setup file's matcher, serializer and hooks work for each test file of a Chromium suite
/// built with `build`.
fn setup_files_in_chromium(build: &str) {
    let project = Project::empty();
    project
        .write(
            "proctor.toml",
            &format!(
                "[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\nbuild = \"{build}\"\nsetup-files = [\"test/setup.ts\"]\n"
            ),
        )
        .write("test/setup.ts", SETUP_TS)
        .write("test/a.test.ts", &setup_test("a"))
        .write("test/b.test.ts", &setup_test("b"));
    let _browser = browser_lock();
    for flags in [&[][..], &["--no-isolate"][..]] {
        let out = project.run(&[&["run", "--reporter", "json"][..], flags].concat());
        assert_eq!(out.outcomes(), setup_model(), "{build} {flags:?}: {}", failures(&out));
        out.assert_code(0);
    }
}

/// A Testing Library-style test: markup, queries, events, jest-dom matchers from the setup file.
const DOM_TEST: &str = "import { expect, it } from \"proctor\";\n\n\
it(\"renders, queries and clicks\", () => {\n  \
expect(document.body.innerHTML).toBe(\"\");\n  \
document.body.innerHTML = `<form><label>Name <input name=\"name\"></label><button type=\"button\">Save</button></form>`;\n  \
let clicks = 0;\n  const button = document.querySelector(\"button\");\n  \
button.addEventListener(\"click\", () => clicks++);\n  \
button.dispatchEvent(new MouseEvent(\"click\", { bubbles: true }));\n  button.click();\n  \
expect(clicks).toBe(2);\n  expect(button).toBeInTheDocument();\n  expect(button).toHaveTextContent(\"Save\");\n  \
const input = document.querySelector(\"input\");\n  input.value = \"Ada\";\n  \
input.dispatchEvent(new Event(\"input\", { bubbles: true }));\n  expect(input).toHaveValue(\"Ada\");\n  \
expect(window).toBe(globalThis);\n  expect(document.defaultView).toBe(globalThis);\n  \
localStorage.setItem(\"k\", \"v\");\n  expect(localStorage.getItem(\"k\")).toBe(\"v\");\n  \
expect(location.href).toBe(\"http://localhost:3000/\");\n});\n";

#[test]
fn jsdom_and_happy_dom_environments_and_docblocks_in_node() {
    let Some(deps) = dom_environments() else {
        return;
    };
    let project = Project::empty();
    link_node_modules(&deps, project.path());
    project
        .write(
            "proctor.toml",
            "[[suite]]\nid = \"dom\"\nenvironment = \"jsdom\"\nsetup-files = [\"test/jest-dom.js\"]\n",
        )
        .write(
            "test/jest-dom.js",
            "import { expect } from \"proctor\";\nimport * as matchers from \"@testing-library/jest-dom/matchers\";\n\nexpect.extend(matchers);\n",
        )
        .write("test/jsdom.test.js", &format!("{DOM_TEST}\nit(\"is jsdom\", () => expect(navigator.userAgent).toContain(\"jsdom\"));\n"))
        // Each file gets a window of its own: this one starts with an empty body too.
        .write("test/jsdom-again.test.js", DOM_TEST)
        .write(
            "test/happy.test.js",
            &format!(
                "// @vitest-environment happy-dom\n{DOM_TEST}\nit(\"is happy-dom\", () => expect(navigator.userAgent).toContain(\"HappyDOM\"));\n"
            ),
        )
        .write(
            "test/node.test.js",
            "/**\n * @jest-environment node\n */\nimport { expect, it } from \"proctor\";\n\n\
             it(\"has no DOM\", () => {\n  expect(typeof document).toBe(\"undefined\");\n  expect(typeof window).toBe(\"undefined\");\n});\n",
        );
    // Each file in a fresh realm (the default), and all in one shared realm, where each file's
    // window is still its own and in place while that file runs.
    for flags in [&[][..], &["--no-isolate"][..]] {
        let out = project.run(&[&["run", "--reporter", "json"][..], flags].concat());
        assert_eq!(
            out.outcomes(),
            model(&[
                ("test/happy.test.js::is happy-dom", "passed"),
                ("test/happy.test.js::renders, queries and clicks", "passed"),
                ("test/jsdom-again.test.js::renders, queries and clicks", "passed"),
                ("test/jsdom.test.js::is jsdom", "passed"),
                ("test/jsdom.test.js::renders, queries and clicks", "passed"),
                ("test/node.test.js::has no DOM", "passed"),
            ]),
            "{flags:?}: {}",
            failures(&out)
        );
        out.assert_code(0);
    }
}

#[test]
fn an_environment_whose_package_is_missing_is_each_files_load_error() {
    let project = Project::empty();
    project
        .write("proctor.toml", "[[suite]]\nid = \"dom\"\nenvironment = \"jsdom\"\n")
        .write("test/a.test.js", "import { it } from \"proctor\";\nit(\"needs a DOM\", () => document.body);\n")
        .write(
            "test/b.test.js",
            "// @vitest-environment node\nimport { it } from \"proctor\";\nit(\"needs none\", () => {});\n",
        );
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    let errors = out.events_of("load-error");
    assert_eq!(errors.len(), 1, "{}", failures(&out));
    assert_eq!(errors[0]["file"], "test/a.test.js");
    let message = errors[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("environment \"jsdom\" needs the npm package jsdom"), "{message}");
    assert!(message.contains("npm install -D jsdom"), "{message}");
    assert_eq!(out.outcomes(), model(&[("test/b.test.js::needs none", "passed")]), "{}", failures(&out));
}
