//! End to end: TypeScript, TSX and bundler-style resolution in node (this machine's node, which
//! takes the loader-thread path, and node 24, which has `module.registerHooks`): the typescript
//! fixture (enums, const enums, namespaces, parameter properties, legacy decorators with
//! metadata, `satisfies`, tsconfig `extends` and `paths`, JSX through the tsconfig's
//! `jsxImportSource`, `import = require` and `export =`, a computed import), the failing test's
//! `.ts` line everywhere it is shown, the transform cache, a babel-era project (extensionless,
//! directory, JSON, CSS and asset imports, `__dirname` in ES modules, a CommonJS package), and a
//! workspace (node_modules above the root, a linked package's TypeScript source reached through a
//! custom export condition).

use proctor_e2e::downloads::{node24, node_release};
use proctor_e2e::{model, Output, Project};
use std::path::Path;

/// Every node test of the typescript fixture, with its outcome.
fn typescript_node_model() -> std::collections::BTreeMap<String, String> {
    model(&[
        ("test/failing.test.ts::fails on its own line", "failed"),
        ("test/language.test.ts::typescript::keeps satisfies and erases types", "passed"),
        ("test/language.test.ts::typescript::merges namespaces", "passed"),
        ("test/language.test.ts::typescript::runs enums and const enums", "passed"),
        ("test/language.test.ts::typescript::runs parameter properties and legacy decorators with metadata", "passed"),
        ("test/node/commonjs.test.ts::has __dirname and __filename as Jest and Vitest give them", "passed"),
        ("test/node/commonjs.test.ts::imports a CommonJS TypeScript module with import = require", "passed"),
        ("test/node/dynamic.test.ts::imports a computed path the host could not see", "passed"),
        ("test/node/dynamic.test.ts::reports a computed import that names nothing", "passed"),
        (
            "test/resolution.test.ts::resolution::imports a directory, extensionless files and .js names of .ts files",
            "passed",
        ),
        ("test/resolution.test.ts::resolution::follows tsconfig paths", "passed"),
        ("test/resolution.test.ts::resolution::follows the [alias] table", "passed"),
        ("test/view.test.tsx::renders JSX with the tsconfig's jsxImportSource", "passed"),
    ])
}

fn assert_typescript_in_node(out: &Output) {
    out.assert_code(1);
    // The browser suite, not selected here, reports the same files' tests as skipped.
    let outcomes: std::collections::BTreeMap<String, String> = out
        .outcomes_by_runtime()
        .into_iter()
        .filter_map(|(key, outcome)| key.strip_prefix("node|").map(|id| (id.to_string(), outcome)))
        .collect();
    assert_eq!(outcomes, typescript_node_model(), "{}", out.stderr);
    assert!(out.events_of("load-error").is_empty(), "{:?}", out.events_of("load-error"));
    let failed = out.finished("test/failing.test.ts::fails on its own line");
    let stack = failed["error"]["stack"].as_str().unwrap_or_default();
    assert!(stack.contains("test/failing.test.ts:9:21"), "the .ts line and column: {stack}");
}

#[test]
fn typescript_runs_in_node() {
    let project = Project::fixture("typescript");
    let out = project.run(&["run", "--focus", "node:", "--reporter", "json"]);
    assert_typescript_in_node(&out);
}

#[test]
fn typescript_runs_in_node_24() {
    let Some(node) = node24() else { return };
    let project = Project::fixture("typescript");
    let out = project.run_on_node(&node, &["run", "--focus", "node:", "--reporter", "json"], &[]);
    assert_typescript_in_node(&out);
    let started = out.events_of("runtime-started");
    assert!(started[0]["runtime"]["version"].as_str().is_some_and(|v| v.starts_with("v24.")), "{started:?}");
}

/// node 22 before module.registerHooks (22.15): its loader internals differ from node 20's, so
/// this proves the path that falls back to a loader thread when the in-thread wrapper cannot be
/// used, or the in-thread one where it can.
#[test]
fn typescript_runs_in_node_22_14() {
    let Some(node) = node_release("22.14.0") else { return };
    let project = Project::fixture("typescript");
    let out = project.run_on_node(&node, &["run", "--focus", "node:", "--reporter", "json"], &[]);
    assert_typescript_in_node(&out);
}

#[test]
fn a_failure_shows_the_ts_line_in_the_terminal_list_and_junit() {
    let project = Project::fixture("typescript");
    let junit = project.path().join("junit.xml");
    let out = project.run(&["run", "--focus", "node:test/failing.test.ts", "--junit", &junit.to_string_lossy()]);
    out.assert_code(1);
    assert!(out.stdout.contains("test/failing.test.ts:9:21"), "{}", out.stdout);
    assert!(out.stdout.contains("expect(box.value).toBe(2);"), "the code frame is the .ts source: {}", out.stdout);
    let xml = std::fs::read_to_string(&junit).expect("junit written");
    assert!(xml.contains("test/failing.test.ts"), "{xml}");
    assert!(xml.contains("test/failing.test.ts:9:21"), "{xml}");

    let list = project.run(&["list"]);
    list.assert_code(0);
    assert!(list.stdout.contains("test/failing.test.ts"), "{}", list.stdout);
    assert!(list.stdout.contains(":7"), "the test's own line in the .ts file: {}", list.stdout);
}

/// Entries of the transform cache, by name.
fn cache_entries(project: &Project) -> std::collections::BTreeSet<String> {
    let dir = project.path().join(".proctor/cache/transform");
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| !name.starts_with('.'))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_transform_cache_is_reused_and_never_trusted_when_wrong() {
    let project = Project::fixture("typescript");
    let args = ["run", "--focus", "node:", "--reporter", "json"];
    assert_typescript_in_node(&project.run(&args));
    let first = cache_entries(&project);
    assert!(first.len() >= 8, "one entry per transformed file: {first:?}");

    // A second run transforms nothing: the same entries, none rewritten.
    let stamps = |names: &std::collections::BTreeSet<String>| -> Vec<std::time::SystemTime> {
        let dir = project.path().join(".proctor/cache/transform");
        names.iter().map(|n| std::fs::metadata(dir.join(n)).and_then(|m| m.modified()).expect("entry")).collect()
    };
    let before = stamps(&first);
    assert_typescript_in_node(&project.run(&args));
    assert_eq!(cache_entries(&project), first);
    assert_eq!(stamps(&first), before, "a warm run rewrites no entry");

    // A changed file gets one new entry; the others stay as they were.
    let strings = project.read("src/util/strings.ts");
    project.write("src/util/strings.ts", &strings.replace("!`", "!!`"));
    let out = project.run(&args);
    let added: Vec<String> = cache_entries(&project).difference(&first).cloned().collect();
    assert_eq!(added.len(), 1, "only the changed file is transformed again: {added:?}");
    assert_eq!(
        out.finished(
            "test/resolution.test.ts::resolution::imports a directory, extensionless files and .js names of .ts files"
        )["outcome"],
        "failed",
        "the change is seen"
    );
    project.write("src/util/strings.ts", &strings);

    // Corrupt every entry: truncated, a flipped byte, emptied. None is used; all are rewritten.
    let dir = project.path().join(".proctor/cache/transform");
    for (i, name) in first.iter().enumerate() {
        let path = dir.join(name);
        let mut bytes = std::fs::read(&path).expect("entry");
        match i % 3 {
            0 => bytes.truncate(bytes.len() / 2),
            1 => {
                let middle = bytes.len() / 3;
                bytes[middle] ^= 0x20;
            }
            _ => bytes.clear(),
        }
        std::fs::write(&path, bytes).expect("corrupt");
    }
    assert_typescript_in_node(&project.run(&args));
}

#[test]
fn a_babel_era_project_runs_in_node() {
    let project = Project::fixture("babel-era");
    // No proctor.toml: the default suite finds `__tests__/` and `*.spec.*` files.
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(0);
    assert_eq!(
        out.outcomes(),
        model(&[
            ("__tests__/math.test.js::babel-era imports::gives ES modules __dirname and __filename", "passed"),
            ("__tests__/math.test.js::babel-era imports::imports JSON without an import attribute", "passed"),
            ("__tests__/math.test.js::babel-era imports::imports a directory and extensionless files", "passed"),
            ("src/__tests__/widget.js::imports CSS, assets and a CommonJS package", "passed"),
            ("src/math.spec.mjs::is found by the default spec glob", "passed"),
        ])
    );
    let text = project.run(&["run"]);
    assert!(!text.stdout.contains("MODULE_TYPELESS_PACKAGE_JSON"), "{}", text.stdout);
}

/// A workspace: `<ws>/node_modules` holds a CommonJS package and a link to the `shared`
/// package, whose `@ws/source` condition points at TypeScript sources; the project is
/// `<ws>/packages/app`, with no node_modules of its own.
fn workspace() -> Project {
    let ws = Project::empty();
    ws.write("package.json", r#"{ "name": "ws", "private": true, "workspaces": ["packages/*"] }"#)
        .write("node_modules/up-lib/package.json", r#"{ "name": "up-lib", "main": "main.js" }"#)
        .write("node_modules/up-lib/main.js", "exports.up = (s) => s.toUpperCase();\n")
        .write(
            "packages/shared/package.json",
            r#"{ "name": "@ws/shared", "exports": { ".": { "@ws/source": "./src/index.ts", "default": "./dist/index.js" } } }"#,
        )
        .write("packages/shared/dist/index.js", "export const greet = () => 'built, not source';\n")
        .write("packages/shared/src/index.ts", "export { greet } from \"./greet\";\n")
        .write(
            "packages/shared/src/greet.ts",
            "import { up } from \"up-lib\";\nexport const greet = (name: string): string => up(`hi ${name}`);\n",
        )
        .write(
            "packages/app/proctor.toml",
            "[[suite]]\nid = \"app\"\nruntime = \"node\"\ntests = [\"test/**/*.test.ts\"]\nconditions = [\"@ws/source\"]\n",
        )
        .write("packages/app/package.json", r#"{ "name": "app", "private": true }"#)
        .write(
            "packages/app/test/app.test.ts",
            "import { expect, it } from \"proctor\";\nimport { greet } from \"@ws/shared\";\nimport { up } from \"up-lib\";\n\n\
             it(\"uses the linked package's sources and a package above the root\", () => {\n  \
             expect(greet(\"ann\")).toBe(\"HI ANN\");\n  expect(up(\"x\")).toBe(\"X\");\n});\n",
        );
    std::fs::create_dir_all(ws.path().join("node_modules/@ws")).expect("mkdir");
    std::os::unix::fs::symlink(ws.path().join("packages/shared"), ws.path().join("node_modules/@ws/shared"))
        .expect("link");
    ws
}

fn run_in(dir: &Path, project: &Project, node: Option<&Path>) -> Output {
    let mut command = project.command(&["run", "--root", &dir.to_string_lossy(), "--reporter", "json"]);
    command.current_dir(dir);
    if let Some(node) = node {
        command.env("PROCTOR_NODE", node);
    }
    Output::of(command.output().expect("proctor runs"))
}

#[test]
fn a_workspace_runs_in_node() {
    let ws = workspace();
    let app = ws.path().join("packages/app");
    let expected =
        model(&[("test/app.test.ts::uses the linked package's sources and a package above the root", "passed")]);
    let out = run_in(&app, &ws, None);
    out.assert_code(0);
    assert_eq!(out.outcomes(), expected, "{}", out.stderr);
    if let Some(node) = node24() {
        let out = run_in(&app, &ws, Some(&node));
        out.assert_code(0);
        assert_eq!(out.outcomes(), expected, "{}", out.stderr);
    }
}

#[test]
fn a_source_file_that_does_not_compile_is_the_load_error_of_its_importers() {
    let project = Project::fixture("typescript");
    project.write("src/broken.ts", "export const broken: number = ;\n").write(
        "test/node/broken.test.ts",
        "import { expect, it } from \"proctor\";\nimport { broken } from \"../../src/broken\";\n\nit(\"never runs\", () => expect(broken).toBe(1));\n",
    );
    let out = project.run(&["run", "--focus", "node:test/node", "--reporter", "json"]);
    out.assert_code(1);
    let errors = out.events_of("load-error");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["file"], "test/node/broken.test.ts");
    let message = errors[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("src/broken.ts:1:31"), "{message}");
    // The other files of the suite still run.
    assert_eq!(
        out.finished("test/node/dynamic.test.ts::imports a computed path the host could not see")["outcome"],
        "passed"
    );
}

#[test]
fn typescript_runs_in_chromium_with_native_modules() {
    let project = Project::fixture("typescript");
    let _browser = proctor_e2e::browser_lock();
    let out = project.run(&["run", "--focus", "browser:", "--reporter", "json"]);
    out.assert_code(1);
    let outcomes: std::collections::BTreeMap<String, String> = out
        .outcomes_by_runtime()
        .into_iter()
        .filter_map(|(key, outcome)| key.strip_prefix("chromium|").map(|id| (id.to_string(), outcome)))
        .collect();
    // The node-only files are the browser suite's excludes.
    let expected: std::collections::BTreeMap<String, String> =
        typescript_node_model().into_iter().filter(|(id, _)| !id.starts_with("test/node/")).collect();
    assert_eq!(outcomes, expected, "{}", out.stderr);
    let failed = out
        .events_of("test-finished")
        .into_iter()
        .find(|e| e["test"]["runtime"] == "chromium" && e["outcome"] == "failed")
        .expect("the failing test");
    let stack = failed["error"]["stack"].as_str().unwrap_or_default();
    assert!(stack.contains("test/failing.test.ts:9:21"), "the .ts line and column in Chromium: {stack}");
}

#[test]
fn a_missing_import_names_the_specifier_and_the_importing_line_in_node() {
    let project = Project::fixture("typescript");
    project.write("src/uses-missing.ts", "import { x } from \"./missing\";\nexport const y = x;\n").write(
        "test/node/missing.test.ts",
        "import { expect, it } from \"proctor\";\nimport { y } from \"../../src/uses-missing\";\n\nit(\"never runs\", () => expect(y).toBe(1));\n",
    );
    let out = project.run(&["run", "--focus", "node:test/node", "--reporter", "json"]);
    out.assert_code(1);
    let errors = out.events_of("load-error");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["file"], "test/node/missing.test.ts");
    let message = errors[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("\"./missing\"") && message.contains("src/uses-missing.ts:1:19"), "{message}");
}

/// r13: a transformed file's own stack reads as V8 writes it, mapped to the `.ts` lines: an
/// anonymous function's frame is `at /path/x.test.ts:4:21`, not node's `at <anonymous> (...)`
/// (code that names things after its caller's frame, such as zustand's devtools, relies on it).
#[test]
fn stacks_of_transformed_files_read_as_v8_writes_them() {
    let project = Project::empty();
    project.write(
        "test/stack.test.ts",
        "import { it, expect } from \"proctor\";\nfunction named(): string { return new Error(\"x\").stack ?? \"\"; }\n\
         const typed: number = 1;\nit(\"frames\", () => {\n  const lines = named().split(\"\\n\");\n  \
         expect(lines[0]).toBe(\"Error: x\");\n  expect(lines[1]).toMatch(/^    at named \\(.*stack\\.test\\.ts:2:\\d+\\)$/);\n  \
         expect(lines[2]).toMatch(/^    at \\/.*stack\\.test\\.ts:5:\\d+$/);\n  expect(typed).toBe(1);\n});\n",
    );
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(out.outcomes(), model(&[("test/stack.test.ts::frames", "passed")]), "{}", out.stdout);
}

/// r13: a re-export of a mere type written without `type` (`export { PathString } from
/// "./common"`, legal without `isolatedModules`; react-hook-form has one) loads in node, as
/// under Jest and Vitest, instead of failing node's link with "does not provide an export".
#[test]
fn a_type_reexported_without_type_loads_in_node() {
    let project = Project::empty();
    project
        .write("src/types/common.ts", "export type PathString = string;\nexport const separator = \".\";\n")
        .write("src/types/index.ts", "export { PathString, separator } from \"./common\";\n")
        .write(
            "test/types.test.ts",
            "import { it, expect } from \"proctor\";\nimport { separator, PathString } from \"../src/types\";\n\
             const path: PathString = \"a.b\";\nit(\"joins\", () => expect(path.split(separator)).toEqual([\"a\", \"b\"]));\n",
        );
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(out.outcomes(), model(&[("test/types.test.ts::joins", "passed")]), "{}", out.stdout);
}
