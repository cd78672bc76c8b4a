//! End to end: the TypeScript declarations the `proctor` package ships (controller-js/types).
//! The typed fixture uses every export under `strict`, through the package's `exports` map
//! (`import` → index.d.ts, `require` → index.d.cts, `proctor/globals`, and `proctor/compat` for
//! files that import `vitest` or `@jest/globals`), and must type-check with the workspace's
//! `tsc`. Declarations loose enough to accept mistakes fail here too: the fixture's
//! `@ts-expect-error` lines are errors once their directive is gone, and a file of deliberate
//! mistakes reports each one. The same fixture also runs, so what the types accept is what the
//! runtime does.

use proctor_e2e::{model, workspace, Project};
use std::path::{Path, PathBuf};
use std::process::Command;

fn tsc() -> PathBuf {
    // Installed with the workspace's dev dependencies (`npm ci` on a fresh clone, done here).
    let tsc = proctor_e2e::workspace_node_modules().join(".bin/tsc");
    assert!(
        tsc.exists(),
        "{} is missing: run `npm ci` in the workspace (typescript is a devDependency)",
        tsc.display()
    );
    tsc
}

/// Runs `tsc -p <project>` in `dir`: exit code and everything it printed.
fn type_check(dir: &Path, project: &str) -> (i32, String) {
    let out =
        Command::new(tsc()).args(["-p", project, "--pretty", "false"]).current_dir(dir).output().expect("tsc runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// The `file(line,col): error TSxxxx` heads of tsc's report, as `(file, line, code)`.
fn errors(report: &str) -> Vec<(String, usize, String)> {
    report
        .lines()
        .filter_map(|line| {
            let (place, rest) = line.split_once("): error ")?;
            let (file, position) = place.split_once('(')?;
            let line_number = position.split(',').next()?.parse().ok()?;
            let code = rest.split(':').next()?.to_string();
            Some((file.to_string(), line_number, code))
        })
        .collect()
}

#[test]
fn typed_fixture_type_checks() {
    let (code, report) = type_check(&workspace(), "e2e/fixtures/typed");
    assert_eq!(code, 0, "tsc found errors in the typed fixture:\n{report}");
    assert_eq!(report.trim(), "");
}

/// Projects on the older `node10` resolution (no `exports`) find the same declarations through
/// `types` and `typesVersions`.
#[test]
fn typed_fixture_type_checks_with_node10_resolution() {
    let (code, report) = type_check(&workspace(), "e2e/fixtures/typed/tsconfig.node10.json");
    assert_eq!(code, 0, "tsc found errors in the typed fixture:\n{report}");
}

#[test]
fn deliberate_type_errors_are_caught() {
    let (code, report) = type_check(&workspace(), "e2e/fixtures/typed/tsconfig.errors.json");
    assert_ne!(code, 0, "tsc accepted the mistakes:\n{report}");
    let expected: Vec<(String, usize, String)> =
        [(5, "TS2345"), (6, "TS2339"), (7, "TS2769"), (8, "TS2345"), (9, "TS2554")]
            .into_iter()
            .map(|(line, code)| ("e2e/fixtures/typed/errors/mistakes.ts".to_string(), line, code.to_string()))
            .collect();
    assert_eq!(errors(&report), expected, "{report}");
}

/// Each `// @ts-expect-error` line of the fixture, removed, leaves an error on the line after it:
/// the directives are not there for nothing, and the checks they guard are live.
#[test]
fn expected_errors_are_errors_without_their_directive() {
    let project = Project::fixture("typed");
    std::fs::create_dir_all(project.path().join("node_modules")).expect("mkdir");
    std::os::unix::fs::symlink(workspace().join("controller-js"), project.path().join("node_modules/proctor"))
        .expect("link the proctor package");
    let mut guarded = Vec::new();
    for file in ["test/api.test.ts", "test/ported.test.ts"] {
        let source = project.read(file);
        let stripped: Vec<&str> = source
            .lines()
            .enumerate()
            .map(|(index, line)| match line.find("// @ts-expect-error") {
                Some(at) => {
                    guarded.push((file.to_string(), index + 2));
                    &line[..at]
                }
                None => line,
            })
            .collect();
        project.write(file, &stripped.join("\n"));
    }
    assert!(guarded.len() >= 9, "the fixture's @ts-expect-error lines: {guarded:?}");
    let (code, report) = type_check(project.path(), ".");
    assert_ne!(code, 0, "{report}");
    let mut found: Vec<(String, usize)> = errors(&report).into_iter().map(|(file, line, _)| (file, line)).collect();
    found.sort();
    guarded.sort();
    assert_eq!(found, guarded, "{report}");
}

#[test]
fn typed_fixture_runs() {
    let out = Project::fixture("typed").run(&["run", "--reporter", "json"]);
    out.assert_code(0);
    let expected = model(&[
        ("test/api.test.ts::chai::assert and chai", "passed"),
        ("test/api.test.ts::chai::expect chain", "passed"),
        ("test/api.test.ts::matchers::asymmetric matchers", "passed"),
        ("test/api.test.ts::matchers::equality and truthiness", "passed"),
        ("test/api.test.ts::matchers::expect statics", "passed"),
        ("test/api.test.ts::matchers::resolves, rejects, soft, poll, assertions", "passed"),
        ("test/api.test.ts::mocks::async mocks and settled results", "passed"),
        ("test/api.test.ts::mocks::spyOn and MockInstance", "passed"),
        ("test/api.test.ts::mocks::timers, globals, env and helpers", "passed"),
        ("test/api.test.ts::mocks::vi.fn and Mock<T>", "passed"),
        ("test/api.test.ts::test api::adds 1 + 2", "passed"),
        ("test/api.test.ts::test api::adds 2 + 3", "passed"),
        ("test/api.test.ts::test api::concurrent", "passed"),
        ("test/api.test.ts::test api::concurrent group::runs", "passed"),
        ("test/api.test.ts::test api::failing", "passed"),
        ("test/api.test.ts::test api::fails", "passed"),
        ("test/api.test.ts::test api::for 1", "passed"),
        ("test/api.test.ts::test api::for 2", "passed"),
        ("test/api.test.ts::test api::gets a context", "passed"),
        ("test/api.test.ts::test api::group 1::has n", "passed"),
        ("test/api.test.ts::test api::group 2::has n", "passed"),
        ("test/api.test.ts::test api::group by condition::runs", "passed"),
        ("test/api.test.ts::test api::group for x::has k", "passed"),
        ("test/api.test.ts::test api::group with options::inherits", "passed"),
        ("test/api.test.ts::test api::object row 1", "passed"),
        ("test/api.test.ts::test api::registers callbacks", "passed"),
        ("test/api.test.ts::test api::run by condition", "passed"),
        ("test/api.test.ts::test api::sequential", "passed"),
        ("test/api.test.ts::test api::skipped", "skipped"),
        ("test/api.test.ts::test api::skipped by condition", "skipped"),
        ("test/api.test.ts::test api::skipped group::never", "skipped"),
        ("test/api.test.ts::test api::suite::is describe", "passed"),
        ("test/api.test.ts::test api::takes a timeout", "passed"),
        ("test/api.test.ts::test api::takes done", "passed"),
        ("test/api.test.ts::test api::takes options", "passed"),
        ("test/api.test.ts::test api::takes options last", "passed"),
        ("test/api.test.ts::test api::template row 1", "passed"),
        ("test/api.test.ts::test api::todo", "todo"),
        ("test/api.test.ts::test api::uses fixtures", "passed"),
        ("test/api.test.ts::type checks::expectTypeOf and assertType", "passed"),
        ("test/api.test.ts::type checks::the default export", "passed"),
        ("test/globals.test.ts::custom matchers typed as in Vitest::checks", "passed"),
        ("test/globals.test.ts::globals::has the api", "passed"),
        ("test/globals.test.ts::globals::mocha names::specify", "passed"),
        ("test/ported.test.ts::ported from Vitest::keeps its imports", "passed"),
        ("test/require.test.cts::require::is typed", "passed"),
    ]);
    assert_eq!(out.outcomes(), expected, "{}", out.stderr);
}
