//! End to end on real node with loaders the project registers itself through `NODE_OPTIONS`
//! (issue 12, point 8): tsx, ts-node and @swc-node/register, installed from npm once into
//! `target/e2e-cache` (see `proctor_e2e::downloads`). The controller must start under each of
//! them and every test must run, on this machine's node (node 20: no `module.registerHooks`,
//! so proctor resolves `proctor` in-thread or through `module.register`) and on node 24 (which
//! has `module.registerHooks`). A helper in TypeScript is loaded by the project's loader, which
//! proves the loader was really in place.

use proctor_e2e::downloads::{link_node_modules, node24, node_release, npm_packages};
use proctor_e2e::{model, Output, Project};
use std::path::{Path, PathBuf};

/// The loaders, with a TypeScript that still has the JS API ts-node and swc-node read
/// (TypeScript 7 is the native port without one).
fn loaders() -> Option<PathBuf> {
    npm_packages("loaders", &["tsx@4", "ts-node@10", "typescript@5", "@swc-node/register@1", "@swc/core@1"])
}

const ENUM_TS: &str = "export enum Color { Red = 1, Green }\nexport const green: number = Color.Green;\n";

/// An ES-module project whose test files import a `.ts` helper and the CommonJS face.
fn esm_project(modules: &Path) -> Project {
    let project = Project::empty();
    project
        .write("package.json", "{\"name\": \"loaded\", \"private\": true, \"type\": \"module\"}\n")
        // @swc-node/register's ESM hooks transform only with a tsconfig to go by.
        .write(
            "tsconfig.json",
            "{\"compilerOptions\": {\"module\": \"esnext\", \"target\": \"es2022\", \"moduleResolution\": \"bundler\"}}\n",
        )
        .write("src/color.ts", ENUM_TS)
        .write(
            "test/esm.test.js",
            "import { it, expect } from \"proctor\";\nimport { Color, green } from \"../src/color.ts\";\n\
             it(\"reads an enum through the loader\", () => {\n  expect(Color.Red).toBe(1);\n  expect(green).toBe(2);\n});\n",
        )
        .write(
            "test/common.test.cjs",
            "const { it, expect } = require(\"proctor\");\nit(\"requires proctor\", () => expect(1 + 1).toBe(2));\n",
        );
    link_node_modules(modules, project.path());
    project
}

/// A CommonJS project whose test file requires a `.ts` helper (ts-node's `register` hooks
/// `require` only).
fn commonjs_project(modules: &Path) -> Project {
    let project = Project::empty();
    project
        .write("package.json", "{\"name\": \"loaded\", \"private\": true}\n")
        .write("src/color.ts", ENUM_TS)
        .write(
            "test/common.test.cjs",
            "const { it, expect } = require(\"proctor\");\nconst { Color, green } = require(\"../src/color.ts\");\n\
             it(\"reads an enum through the loader\", () => {\n  expect(Color.Red).toBe(1);\n  expect(green).toBe(2);\n});\n",
        )
        .write("test/plain.test.js", "const { it, expect } = require(\"proctor\");\nit(\"plain\", () => expect(1).toBe(1));\n");
    link_node_modules(modules, project.path());
    project
}

/// Runs the project with `NODE_OPTIONS=node_options` on `node` (this machine's when `None`).
fn run(project: &Project, node: Option<&Path>, node_options: &str) -> Output {
    // ts-node type-checks on its first compile, which takes seconds on a busy machine: a file
    // loaded alone (a fresh realm per file) must not be taken for one whose top level hangs.
    let args = ["run", "--reporter", "json", "--timeout", "30s"];
    let env = [("NODE_OPTIONS", node_options)];
    match node {
        Some(node) => project.run_on_node(node, &args, &env),
        None => project.run_with(&args, &env),
    }
}

/// The node version the run's runtime reported.
fn runtime_version(out: &Output) -> String {
    out.events_of("runtime-started")
        .first()
        .and_then(|event| event["runtime"]["version"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The two projects, each with the tests it must pass.
#[derive(Clone, Copy)]
enum Kind {
    EsModules,
    CommonJs,
}

/// Runs the project of `kind` under the loader and checks every test passed; `None` when the
/// loaders could not be installed (said on stderr).
fn assert_runs(kind: Kind, node: Option<&Path>, node_options: &str) -> Option<Output> {
    let modules = loaders()?;
    let (project, expected) = match kind {
        Kind::EsModules => (
            esm_project(&modules),
            [
                ("test/common.test.cjs::requires proctor", "passed"),
                ("test/esm.test.js::reads an enum through the loader", "passed"),
            ],
        ),
        Kind::CommonJs => (
            commonjs_project(&modules),
            [
                ("test/common.test.cjs::reads an enum through the loader", "passed"),
                ("test/plain.test.js::plain", "passed"),
            ],
        ),
    };
    let out = run(&project, node, node_options);
    out.assert_code(0);
    assert_eq!(out.outcomes(), model(&expected), "{}\n{}", out.stdout, out.stderr);
    Some(out)
}

#[test]
fn r12_tsx_imported_by_the_project_still_runs_every_test() {
    assert_runs(Kind::EsModules, None, "--import tsx");
}

#[test]
fn r12_ts_node_register_required_by_the_project_still_runs_every_test() {
    assert_runs(Kind::CommonJs, None, "--require ts-node/register");
}

#[test]
fn r12_swc_node_register_imported_by_the_project_still_runs_every_test() {
    assert_runs(Kind::EsModules, None, "--import @swc-node/register/esm-register");
}

#[test]
fn r12_tsx_on_node_24_still_runs_every_test() {
    let Some(node) = node24() else { return };
    if let Some(out) = assert_runs(Kind::EsModules, Some(&node), "--import tsx") {
        assert!(runtime_version(&out).starts_with("v24."), "{}", out.stdout);
    }
}

#[test]
fn r12_ts_node_register_on_node_24_still_runs_every_test() {
    let Some(node) = node24() else { return };
    if let Some(out) = assert_runs(Kind::CommonJs, Some(&node), "--require ts-node/register") {
        assert!(runtime_version(&out).starts_with("v24."), "{}", out.stdout);
    }
}

/// node 22 before 22.15 has require(esm) but no `module.registerHooks`: the older path, on 22.
#[test]
fn r12_tsx_on_node_22_14_still_runs_every_test() {
    let Some(node) = node_release("22.14.0") else { return };
    if let Some(out) = assert_runs(Kind::EsModules, Some(&node), "--import tsx") {
        assert_eq!(runtime_version(&out), "v22.14.0", "{}", out.stdout);
    }
}
