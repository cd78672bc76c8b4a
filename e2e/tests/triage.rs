//! End to end: `proctor flaky --triage ID` (issue 16 point 6) in real git repositories made here,
//! every rerun a real run in node. An order-dependent pair (one test sets module state another
//! trips on), with innocent tests around and another file before it, is bisected down to the
//! polluter; a run shuffled by `--seed` is replayed in its exact order; with `isolate = false`
//! the polluter is found in another file; a test that fails every other run is non-deterministic
//! with its count; two tests harmful only together are both named; a test with no recorded
//! failure is said to have none (exit 2) unless `--after` names what ran before it; a failure that
//! never comes back is not reproduced.

use proctor_e2e::Project;
use serde_json::Value;

/// Tests that touch nothing, in a file of their own that runs before the others.
const INNOCENT_FILE: &str = "import { test } from \"proctor\";\n\
test(\"first\", () => {});\n\
test(\"second\", () => {});\n";

/// `sets state` (line 5) leaves a module variable that `trips` fails on; the others are
/// innocent, and `trips` passes when it runs without `sets state` before it.
const PAIR: &str = "import { test, expect } from \"proctor\";\n\
let state = \"clean\";\n\
test(\"innocent 1\", () => {});\n\
test(\"innocent 2\", () => { expect(1).toBe(1); });\n\
test(\"sets state\", () => { state = \"dirty\"; });\n\
test(\"innocent 3\", () => {});\n\
test(\"innocent 4\", () => {});\n\
test(\"innocent 5\", () => {});\n\
test(\"trips\", () => { expect(state).toBe(\"clean\"); });\n\
test(\"innocent 6\", () => {});\n";

/// A committed git repository with these files.
fn repository(files: &[(&str, &str)]) -> Project {
    let project = Project::empty();
    project.write(".gitignore", ".proctor/\ncount.txt\n");
    for (path, text) in files {
        project.write(path, text);
    }
    project.git(&["init", "-q", "-b", "main"]);
    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "-m", "one"]);
    project
}

/// `proctor flaky --triage ARGS --json`, which must exit 0.
fn triage(project: &Project, args: &[&str]) -> Value {
    let mut all = vec!["flaky", "--json", "--triage"];
    all.extend_from_slice(args);
    let out = project.run(&all);
    out.assert_code(0);
    let value: Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr));
    assert_eq!(value["version"], 1);
    value["triage"].clone()
}

/// The kinds of a triage's steps with how many tests ran before the target in each.
fn steps(triage: &Value) -> Vec<(String, u64)> {
    triage["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["kind"].as_str().unwrap().to_owned(), s["before"].as_u64().unwrap()))
        .collect()
}

#[test]
fn an_order_dependent_test_is_bisected_down_to_the_test_it_fails_after() {
    let project = repository(&[("a.test.js", INNOCENT_FILE), ("m.test.js", PAIR)]);
    let run = project.run(&["run", "--reporter", "json"]);
    run.assert_code(1);
    assert_eq!(run.outcomes()["m.test.js::trips"], "failed", "{}", run.stdout);

    let found = triage(&project, &["m.test.js::trips", "--runs", "4"]);
    assert_eq!(found["verdict"], "order-dependent", "{found:#}");
    assert_eq!(found["id"], "m.test.js::trips");
    assert_eq!(found["polluter"]["id"], "m.test.js::sets state", "{found:#}");
    assert_eq!(found["polluter"]["location"], "m.test.js:5");
    assert_eq!(found["summary"], "order-dependent: fails after m.test.js::sets state (m.test.js:5)");
    assert_eq!((found["failed"].as_u64(), found["runs"].as_u64()), (Some(0), Some(4)), "it passed alone: {found:#}");
    let preceding: Vec<&str> = found["preceding"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert_eq!(
        preceding,
        [
            "unit:a.test.js::first",
            "unit:a.test.js::second",
            "unit:m.test.js::innocent 1",
            "unit:m.test.js::innocent 2",
            "unit:m.test.js::sets state",
            "unit:m.test.js::innocent 3",
            "unit:m.test.js::innocent 4",
            "unit:m.test.js::innocent 5",
        ],
        "the recorded run's order, both files, the test itself and what came after it left out"
    );
    let steps = steps(&found);
    assert_eq!(steps[..2], [("alone".to_owned(), 0), ("after".to_owned(), 8)], "{steps:?}");
    let bisections: Vec<u64> = steps.iter().filter(|(kind, _)| kind == "bisect").map(|(_, n)| *n).collect();
    assert!(bisections.len() >= 3 && bisections.contains(&1), "halved down to one: {steps:?}");

    let text = project.run(&["flaky", "--triage", "m.test.js::trips", "--runs", "2"]);
    text.assert_code(0);
    assert!(
        text.stdout.trim_end().ends_with("order-dependent: fails after m.test.js::sets state (m.test.js:5)"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("alone: failed 0 of 2 runs"), "{}", text.stdout);
    // Triage runs are not recorded: the history still has the one run.
    let history = project.run(&["history", "m.test.js::trips", "--json"]);
    let history: Value = serde_json::from_str(&history.stdout).unwrap();
    assert_eq!(history["history"][0]["runs"], 1, "{history:#}");
}

#[test]
fn a_shuffled_run_is_replayed_in_its_own_order() {
    // In plan order `cleans up` runs between `sets state` and `trips`, and `trips` passes. A
    // seed that puts `cleans up` first, then `sets state`, then `trips` fails it: replayed in
    // plan order instead, that run's preceding tests would pass it.
    let file = "import { test, expect } from \"proctor\";\n\
let state = \"clean\";\n\
test(\"sets state\", () => { state = \"dirty\"; });\n\
test(\"cleans up\", () => { state = \"clean\"; });\n\
test(\"innocent 1\", () => {});\n\
test(\"innocent 2\", () => {});\n\
test(\"trips\", () => { expect(state).toBe(\"clean\"); });\n";
    let project = repository(&[("m.test.js", file)]);
    project.run(&["run"]).assert_code(0);
    let failing_seed = (1..=60).find(|seed| {
        let out = project.run(&["run", "--reporter", "json", "--seed", &seed.to_string()]);
        let order = out.order();
        let at = |name: &str| order.iter().position(|id| id == &format!("m.test.js::{name}"));
        at("cleans up") < at("sets state") && at("sets state") < at("trips")
    });
    let seed = failing_seed.expect("some seed runs `cleans up`, then `sets state`, then `trips`");

    let found = triage(&project, &["m.test.js::trips", "--runs", "2"]);
    assert_eq!(found["verdict"], "order-dependent", "seed {seed}: {found:#}");
    assert_eq!(found["polluter"]["id"], "m.test.js::sets state", "{found:#}");
    assert_eq!(found["recorded"]["seed"], seed);
}

#[test]
fn without_isolation_the_polluter_is_found_in_another_file() {
    let polluter = "import { test } from \"proctor\";\n\
test(\"innocent\", () => {});\n\
test(\"leaks a global\", () => { globalThis.leaked = true; });\n";
    let victim = "import { test, expect } from \"proctor\";\n\
test(\"innocent\", () => {});\n\
test(\"reads globals\", () => { expect(globalThis.leaked).toBeUndefined(); });\n";
    let project = repository(&[
        ("proctor.toml", "[[suite]]\nid = \"unit\"\ntests = [\"*.test.js\"]\nisolate = false\n"),
        ("a.test.js", polluter),
        ("b.test.js", victim),
    ]);
    project.run(&["run"]).assert_code(1);
    let found = triage(&project, &["b.test.js::reads globals", "--runs", "2"]);
    assert_eq!(found["verdict"], "order-dependent", "{found:#}");
    assert_eq!(found["polluter"]["id"], "a.test.js::leaks a global", "{found:#}");
    assert_eq!(found["polluter"]["location"], "a.test.js:3");
}

#[test]
fn a_test_that_fails_every_other_run_is_non_deterministic_with_its_count() {
    let flips = "import { test, expect } from \"proctor\";\n\
import fs from \"node:fs\";\n\
test(\"steady\", () => {});\n\
test(\"flips\", () => {\n\
  const n = Number(fs.existsSync(\"count.txt\") ? fs.readFileSync(\"count.txt\", \"utf8\") : 0) + 1;\n\
  fs.writeFileSync(\"count.txt\", String(n));\n\
  expect(n % 2).toBe(0);\n\
});\n";
    let project = repository(&[("c.test.js", flips)]);
    project.run(&["run"]).assert_code(1);
    let found = triage(&project, &["c.test.js::flips", "--runs", "6"]);
    assert_eq!(found["verdict"], "non-deterministic", "{found:#}");
    assert_eq!((found["failed"].as_u64(), found["runs"].as_u64()), (Some(3), Some(6)), "{found:#}");
    assert_eq!(found["summary"], "non-deterministic: failed 3 of 6 runs alone");
    assert!(found["polluter"].is_null());
    assert_eq!(steps(&found), [("alone".to_owned(), 0)], "it never ran after the others");
    assert_eq!(project.read("count.txt"), "7", "one real run each: the recorded one and six alone");
}

#[test]
fn a_test_with_no_recorded_failure_is_said_to_have_none_unless_after_names_what_ran_before() {
    let project = repository(&[("m.test.js", PAIR)]);
    let none = project.run(&["flaky", "--triage", "m.test.js::trips"]);
    none.assert_code(2);
    assert!(none.stderr.contains("no recorded failure of m.test.js::trips"), "no history yet: {}", none.stderr);
    assert!(none.stderr.contains("--after"), "the hint names the way out: {}", none.stderr);
    project.run(&["run", "--focus", "m.test.js::trips"]).assert_code(0);
    let passed = project.run(&["flaky", "--triage", "m.test.js::trips"]);
    passed.assert_code(2);
    assert!(passed.stderr.contains("no recorded failure of m.test.js::trips"), "it only passed: {}", passed.stderr);
    assert_eq!(passed.stdout, "");

    let found = triage(
        &project,
        &[
            "m.test.js::trips",
            "--runs",
            "2",
            "--after",
            "m.test.js::innocent 1",
            "m.test.js::sets state",
            "m.test.js::innocent 3",
        ],
    );
    assert_eq!(found["verdict"], "order-dependent", "{found:#}");
    assert_eq!(found["polluter"]["id"], "m.test.js::sets state");
    assert!(found["recorded"].is_null());
    let gone = project.run(&["flaky", "--triage", "m.test.js::trips", "--runs", "1", "--after", "m.test.js::gone"]);
    gone.assert_code(2);
    assert!(gone.stderr.contains("unit:m.test.js::gone is not in the project any more"), "{}", gone.stderr);
    let after =
        project.run(&["flaky", "--triage", "m.test.js::trips", "--runs", "2", "--after", "m.test.js::innocent 3"]);
    after.assert_code(0);
    assert!(
        after.stdout.contains("not reproduced: passed 2 of 2 runs alone and 3 of 3 runs after the 1 test"),
        "{}",
        after.stdout
    );
}

#[test]
fn a_test_that_fails_only_after_two_tests_together_gets_both() {
    let file = "import { test, expect } from \"proctor\";\n\
const seen = new Set();\n\
test(\"innocent 1\", () => {});\n\
test(\"sets a\", () => { seen.add(\"a\"); });\n\
test(\"innocent 2\", () => {});\n\
test(\"innocent 3\", () => {});\n\
test(\"sets b\", () => { seen.add(\"b\"); });\n\
test(\"innocent 4\", () => {});\n\
test(\"trips on both\", () => { expect(seen.size).toBeLessThan(2); });\n";
    let project = repository(&[("m.test.js", file)]);
    project.run(&["run"]).assert_code(1);
    let found = triage(&project, &["m.test.js::trips on both", "--runs", "2"]);
    assert_eq!(found["verdict"], "order-dependent", "{found:#}");
    assert!(found["polluter"].is_null(), "no one test does it: {found:#}");
    let together: Vec<&str> =
        found["polluters"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(together, ["m.test.js::sets a", "m.test.js::sets b"], "{found:#}");
    assert_eq!(
        found["summary"],
        "order-dependent: fails after these 2 tests together: m.test.js::sets a (m.test.js:4), m.test.js::sets b (m.test.js:7)"
    );
}

#[test]
fn a_failure_that_does_not_come_back_is_not_reproduced() {
    // Fails on its very first run only (the counter file outlives runs), and runs first.
    let once = "import { test, expect } from \"proctor\";\n\
import fs from \"node:fs\";\n\
test(\"failed once\", () => {\n\
  const first = !fs.existsSync(\"count.txt\");\n\
  fs.writeFileSync(\"count.txt\", \"1\");\n\
  expect(first).toBe(false);\n\
});\n\
test(\"after it\", () => {});\n";
    let project = repository(&[("o.test.js", once)]);
    project.run(&["run"]).assert_code(1);
    let found = triage(&project, &["o.test.js::failed once", "--runs", "3"]);
    assert_eq!(found["verdict"], "not-reproduced", "{found:#}");
    assert_eq!(
        found["summary"],
        "not reproduced: passed 3 of 3 runs alone, and nothing ran before it in the failing run"
    );
    assert_eq!(steps(&found), [("alone".to_owned(), 0)]);
}
