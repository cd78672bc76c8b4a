//! End to end: the Vitest API of issue 14 point 4, in node and in real headless Chromium. The
//! test files import from `vitest` (a stand-in package re-exporting proctor's API), so the host
//! names them in `load` and they are collected as Vitest collects: a describe body runs after
//! the file's top level and may use a `const` declared below it (an async one is awaited), while a file importing
//! `proctor` keeps Jest's immediate collection. Also: `it.fails`, `test.extend` fixtures (with
//! `use`, dependencies, `auto`, a file-scoped one, chained `extend`, and a `beforeEach` that
//! destructures a fixture), `test.for`, `onTestFinished`, `expect.poll`, `expect.soft`,
//! `vi.waitFor`, the newer matchers, the error for a Vitest name proctor lacks, and
//! `toMatchFileSnapshot` (written when new, compared after, rewritten with `-u`).

use proctor_e2e::{browser_lock, model, Output, Project};

const EXPECTED: &[(&str, &str)] = &[
    ("test/async-api.test.js::expect.poll retries until the value arrives", "passed"),
    ("test/async-api.test.js::expect.poll fails after its timeout", "failed"),
    ("test/async-api.test.js::expect.soft collects every failure", "failed"),
    ("test/async-api.test.js::vi.waitFor waits for the callback to stop throwing", "passed"),
    ("test/async-api.test.js::new matchers", "passed"),
    ("test/async-api.test.js::a missing Vitest name fails naming itself", "failed"),
    ("test/async-api.test.js::file snapshot", "passed"),
    ("test/collect.test.js::deferred::sees a const declared below it", "passed"),
    ("test/collect.test.js::deferred::nested::runs after its parent's body", "passed"),
    ("test/collect.test.js::async body::declared after an await", "passed"),
    ("test/collect.test.js::top-level test after the describe keeps its place", "passed"),
    ("test/collect.test.js::it.fails passes when the body fails", "passed"),
    ("test/collect.test.js::it.fails fails when the body passes", "failed"),
    ("test/fixtures.test.js::fixtures::a fixture depending on another, seen by beforeEach too", "passed"),
    ("test/fixtures.test.js::fixtures::each test gets its own test fixtures and shares the file fixture", "passed"),
    ("test/fixtures.test.js::test.for add(1, 1) -> 2", "passed"),
    ("test/fixtures.test.js::test.for add(2, 3) -> 5", "passed"),
    ("test/fixtures.test.js::onTestFinished runs after the test", "passed"),
    ("test/fixtures.test.js::the callback ran", "passed"),
    ("test/jest-style.test.js::immediate::the describe body ran while the file loaded", "passed"),
];

const SNAPSHOT: &str = "test/__file_snapshots__/hello.html";

fn message(out: &Output, id: &str) -> String {
    out.finished(id)["error"]["message"].as_str().unwrap_or_default().to_string()
}

fn assert_suite(project: &Project, out: &Output) {
    out.assert_code(1);
    assert_eq!(out.outcomes(), model(EXPECTED), "{}", out.stderr);
    assert!(out.events_of("load-error").is_empty(), "{:?}", out.events_of("load-error"));

    let soft = message(out, "test/async-api.test.js::expect.soft collects every failure");
    assert!(soft.starts_with("2 expectations failed (expect.soft)"), "{soft}");
    assert!(soft.contains("Expected: \"b\""), "{soft}");
    let poll = message(out, "test/async-api.test.js::expect.poll fails after its timeout");
    assert!(poll.starts_with("Matcher did not succeed in time."), "{poll}");
    let missing = message(out, "test/async-api.test.js::a missing Vitest name fails naming itself");
    assert!(missing.contains("vi.mockObject() is not supported by proctor"), "{missing}");
    let fails = message(out, "test/collect.test.js::it.fails fails when the body passes");
    assert!(fails.contains("it.fails: the test passed"), "{fails}");

    // The new file snapshot was written, as the test gave it.
    assert_eq!(project.read(SNAPSHOT), "<p>hello</p>\n");
}

fn assert_file_snapshot_cycle(project: &Project, run: impl Fn(&[&str]) -> Output) {
    // Unchanged: passes, and the file stays as it is.
    assert_eq!(run(&["run", "--reporter", "json"]).outcomes(), model(EXPECTED));
    project.write(SNAPSHOT, "<p>changed</p>\n");
    let changed = run(&["run", "--reporter", "json"]);
    let id = "test/async-api.test.js::file snapshot";
    assert_eq!(changed.outcomes().get(id).map(String::as_str), Some("failed"));
    assert!(message(&changed, id).contains("mismatched"), "{}", message(&changed, id));
    assert_eq!(project.read(SNAPSHOT), "<p>changed</p>\n", "a mismatch never rewrites the file");
    let updated = run(&["run", "-u", "--reporter", "json"]);
    assert_eq!(updated.outcomes().get(id).map(String::as_str), Some("passed"));
    assert_eq!(project.read(SNAPSHOT), "<p>hello</p>\n");
}

#[test]
fn vitest_api_in_node() {
    let project = Project::fixture("vitest-api");
    let out = project.run(&["run", "--reporter", "json"]);
    assert_suite(&project, &out);
    assert_file_snapshot_cycle(&project, |args| project.run(args));

    // One shared realm: the files load together, and each is still collected its own way.
    let shared = project.run(&["run", "--no-isolate", "--reporter", "json"]);
    assert_eq!(shared.outcomes(), model(EXPECTED), "{}", shared.stderr);
}

#[test]
fn vitest_api_in_chromium() {
    let _lock = browser_lock();
    let project = Project::fixture("vitest-api");
    project.write("proctor.toml", "[[suite]]\nid = \"unit\"\nruntime = \"chromium\"\ntests = [\"test/*.test.js\"]\n");
    let out = project.run(&["run", "--reporter", "json"]);
    assert_suite(&project, &out);
    assert_file_snapshot_cycle(&project, |args| project.run(args));
}
