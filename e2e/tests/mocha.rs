//! End to end: a mocha suite as mocha users write it (issue 14 point 2), in node and in real
//! headless Chromium. The fixture uses mocha's globals (`context`, `specify`, `before`, `xit`,
//! the TDD `suite`/`suiteSetup`/`setup`...), `function` callbacks with the shared `this`,
//! `this.skip()` in a test, a beforeEach and a before, `this.timeout()` in tests, hooks and on a
//! describe, `this.retries()`, `done(error)` and pending tests. mocha 12 gives the same counts on
//! the same files (`mocha --timeout 1000`: 15 passing, 8 pending, 5 failing); proctor's timeouts
//! are `timed-out` rather than failed, its pending tests `todo` or `skipped`.

use proctor_e2e::{browser_lock, model, Output, Project};

const MODEL: &[(&str, &str)] = &[
    ("test/shared.test.js::shared this::sees what before and beforeEach set", "passed"),
    ("test/shared.test.js::shared this::sees what the previous test left", "passed"),
    ("test/shared.test.js::shared this::fails on purpose so afterEach sees the state", "failed"),
    ("test/shared.test.js::shared this::afterEach saw every state", "passed"),
    ("test/shared.test.js::shared this::is pending without a function", "todo"),
    ("test/shared.test.js::shared this::is skipped with xit", "skipped:skip"),
    ("test/shared.test.js::shared this::inner::inherits the outer context", "passed"),
    ("test/shared.test.js::this.skip()::skips itself", "skipped:skipped-itself"),
    ("test/shared.test.js::this.skip()::skips itself after an await", "skipped:skipped-itself"),
    ("test/shared.test.js::this.skip()::skipped by beforeEach", "skipped:skipped-itself"),
    ("test/shared.test.js::this.skip()::runs when nothing skips it", "passed"),
    ("test/shared.test.js::this.skip()::skipped by before::a", "skipped:skipped-itself"),
    ("test/shared.test.js::this.skip()::skipped by before::nested::b", "skipped:skipped-itself"),
    ("test/shared.test.js::done and retries::done with an error fails", "failed"),
    ("test/shared.test.js::done and retries::done passes", "passed"),
    ("test/shared.test.js::done and retries::passes on its third try", "flaky"),
    ("test/shared.test.js::done and retries::with retries on the group::fails every try", "failed"),
    ("test/tdd.test.js::tdd::sees suiteSetup and setup", "passed"),
    ("test/tdd.test.js::tdd::runs the hooks in order", "passed"),
    ("test/tdd.test.js::tdd::is pending", "todo"),
    ("test/timeouts.test.js::timeouts::extends its own deadline", "passed"),
    ("test/timeouts.test.js::timeouts::disables its deadline with 0", "passed"),
    ("test/timeouts.test.js::timeouts::keeps the suite's limit without this.timeout", "timed-out"),
    ("test/timeouts.test.js::timeouts::times out after a shorter limit", "timed-out"),
    ("test/timeouts.test.js::timeouts::still runs after the restart", "passed"),
    ("test/timeouts.test.js::timeouts::a slow group::has the group's time limit", "passed"),
    ("test/timeouts.test.js::timeouts::a slow before hook::runs after it", "passed"),
    ("test/timeouts.test.js::timeouts::a slow beforeEach hook::gets its own limit again after the hook", "passed"),
];

/// The error message a failed or timed-out test was reported with.
fn message(out: &Output, id: &str) -> String {
    out.finished(id)["error"]["message"].as_str().unwrap_or_default().to_owned()
}

fn check(out: &Output) {
    out.assert_code(1);
    assert_eq!(out.results(), model(MODEL), "{}", out.stderr);
    assert_eq!(message(out, "test/shared.test.js::done and retries::done with an error fails"), "boom");
    // The last try's error: the group's `this.retries(1)` ran the test twice.
    assert_eq!(
        message(out, "test/shared.test.js::done and retries::with retries on the group::fails every try"),
        "try 2"
    );
    let short = message(out, "test/timeouts.test.js::timeouts::times out after a shorter limit");
    assert!(short.contains("timed out after 100 ms"), "{short}");
    // The `after` hook that extends its own deadline finishes: no error outside the tests.
    let errors = out.events_of("runtime-error");
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_mocha_suite_runs_in_node_as_mocha_runs_it() {
    let out = Project::fixture("mocha").run(&["run", "--reporter", "json"]);
    check(&out);
}

#[test]
fn a_mocha_suite_runs_in_chromium_as_mocha_runs_it() {
    let _lock = browser_lock();
    let out = Project::fixture("mocha").run(&["run", "--runtime", "chromium", "--reporter", "json"]);
    check(&out);
}

#[test]
fn mocha_names_are_planned_so_a_test_can_be_focused_by_id() {
    let project = Project::fixture("mocha");
    let list = project.run(&["list"]);
    list.assert_code(0);
    for line in [
        "test/shared.test.js::shared this::inner::inherits the outer context  test/shared.test.js:50:5",
        "test/shared.test.js::shared this::is pending without a function  (todo)",
        "test/shared.test.js::shared this::is skipped with xit  (skip)",
        "test/tdd.test.js::tdd::sees suiteSetup and setup  test/tdd.test.js:21:3",
    ] {
        assert!(list.stdout.contains(line), "missing {line:?} in\n{}", list.stdout);
    }
    // The outer group's `before` still runs for a focused inner test, and its `this` is there.
    let out = project.run(&["run", "--reporter", "json", "--focus", "test/shared.test.js::shared this::inner"]);
    out.assert_code(0);
    let outcomes = out.outcomes();
    assert_eq!(
        outcomes["test/shared.test.js::shared this::inner::inherits the outer context"], "passed",
        "{outcomes:?}"
    );
    assert_eq!(outcomes.values().filter(|o| *o == "passed").count(), 1, "{outcomes:?}");
}
