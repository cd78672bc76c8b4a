//! End to end: retries and repeats on real node (and one Chromium run). A test that fails every
//! other run (a counter file on disk) is FLAKY under `--retries 1` — in the JSON events, the
//! terminal output, the exit code (0, and 1 with `--flaky-result fail`) and JUnit
//! (`<flakyFailure>`, `<rerunFailure>` parsed back); mocha's `this.retries`, Vitest's
//! `{ retry }`, Jest's `jest.retryTimes`, `retries` in proctor.toml and per tag; a timeout
//! retried in a fresh runtime; `--repeat`, Vitest's `{ repeats }`, `--repeat-until-fail` and
//! `--hunt`.

use proctor_e2e::{browser_lock, Output, Project};
use serde_json::Value;

/// Fails on odd runs, passes on even ones: the run count lives in `counter.txt` at the root.
const FLIPS: &str = "import { test, expect } from \"proctor\";\n\
import fs from \"node:fs\";\n\
const counter = new URL(\"../counter.txt\", import.meta.url);\n\
test(\"flips\", () => {\n  \
const n = Number(fs.existsSync(counter) ? fs.readFileSync(counter, \"utf8\") : \"0\") + 1;\n  \
fs.writeFileSync(counter, String(n));\n  \
console.log(`run ${n}`);\n  \
expect(n % 2).toBe(0);\n});\n\
test(\"always fails\", () => {\n  console.log(\"trying\");\n  expect(1).toBe(2);\n});\n\
test(\"steady\", () => {});\n";

const FLIPS_ID: &str = "test/flips.test.js::flips";
const ALWAYS_ID: &str = "test/flips.test.js::always fails";
const STEADY_ID: &str = "test/flips.test.js::steady";

fn flips_project() -> Project {
    let project = Project::empty();
    project.write("test/flips.test.js", FLIPS);
    project
}

/// Runs with the counter reset, so the first run of `flips` fails.
fn fresh_run(project: &Project, args: &[&str]) -> Output {
    let _ = std::fs::remove_file(project.path().join("counter.txt"));
    project.run(args)
}

fn all_output(out: &Output) -> String {
    format!("--- stdout\n{}\n--- stderr\n{}", out.stdout, out.stderr)
}

/// `(attempt, attempts)` of every `test-attempt-failed` event of `id`.
fn failed_tries(out: &Output, id: &str) -> Vec<(u64, u64, String)> {
    out.events_of("test-attempt-failed")
        .iter()
        .filter(|e| e["test"]["id"] == id)
        .map(|e| {
            (
                e["attempt"].as_u64().unwrap_or(0),
                e["attempts"].as_u64().unwrap_or(0),
                e["outcome"].as_str().unwrap_or("?").to_string(),
            )
        })
        .collect()
}

fn tries_of(finished: &Value) -> (u64, u64) {
    (finished["attempt"].as_u64().unwrap_or(1), finished["attempts"].as_u64().unwrap_or(1))
}

#[test]
fn a_test_that_fails_every_other_run_is_flaky_under_retries_1() {
    let project = flips_project();
    let out = fresh_run(&project, &["run", "--retries", "1", "--reporter", "json", "-t", "flips|steady"]);
    out.assert_code(0);
    let outcomes = out.outcomes();
    assert_eq!(outcomes[FLIPS_ID], "flaky", "{}", all_output(&out));
    assert_eq!(outcomes[STEADY_ID], "passed");
    assert_eq!(failed_tries(&out, FLIPS_ID), vec![(1, 2, "failed".to_string())]);
    let attempt = &out.events_of("test-attempt-failed")[0];
    assert!(attempt["error"]["message"].as_str().unwrap_or("").contains("toBe"), "{attempt}");
    assert_eq!(tries_of(&out.finished(FLIPS_ID)), (2, 2));
    let done = out.events_of("run-finished");
    assert_eq!(done[0]["stats"]["flaky"], 1);
    assert_eq!(done[0]["stats"]["passed"], 1);

    // `--flaky-result fail` turns the same run red.
    let strict =
        fresh_run(&project, &["run", "--retries", "1", "--flaky-result", "fail", "--reporter", "json", "-t", "flips"]);
    assert_eq!(strict.outcomes()[FLIPS_ID], "flaky");
    strict.assert_code(1);

    // Without retries the first run simply fails.
    let plain = fresh_run(&project, &["run", "--reporter", "json", "-t", "flips"]);
    assert_eq!(plain.outcomes()[FLIPS_ID], "failed");
    plain.assert_code(1);
}

#[test]
fn the_terminal_reporters_say_flaky_and_count_it_apart() {
    let project = flips_project();
    let dots = fresh_run(&project, &["run", "--retries", "2", "--color", "never", "--reporter", "dots"]);
    dots.assert_code(1);
    assert!(dots.stdout.contains("FLAKY"), "{}", all_output(&dots));
    assert!(dots.stdout.contains("flips  (passed on try 2 of 3)"), "{}", all_output(&dots));
    assert!(dots.stdout.contains("(failed all 3 tries)"), "{}", all_output(&dots));
    assert!(dots.stdout.contains("Tests:  1 failed, 1 flaky, 1 passed, 3 total"), "{}", all_output(&dots));

    let doc = fresh_run(&project, &["run", "--retries", "2", "--color", "never", "--reporter", "documentation"]);
    assert!(doc.stdout.contains("✓ flips FLAKY (passed on try 2 of 3)"), "{}", all_output(&doc));
    assert!(doc.stdout.contains("↻ flips try 1 of 3 failed"), "{}", all_output(&doc));
    assert!(doc.stdout.contains("✗ always fails (failed all 3 tries)"), "{}", all_output(&doc));

    let _ = std::fs::remove_file(project.path().join("counter.txt"));
    let actions = project.run_with(
        &["run", "--retries", "1", "--reporter", "github-actions", "-t", "flips"],
        &[("GITHUB_ACTIONS", "true")],
    );
    assert!(
        actions.stdout.contains("::warning file=test/flips.test.js,line=8,col=17,title=test/flips.test.js > flips (flaky%3A passed on a retry)::AssertionError"),
        "{}",
        all_output(&actions)
    );
    assert!(!actions.stdout.contains("::error"), "{}", all_output(&actions));

    let tap = fresh_run(&project, &["run", "--retries", "1", "--reporter", "tap"]);
    assert!(tap.stdout.contains("ok 1 - test/flips.test.js > flips\n  ---\n  message: \"FLAKY (passed on try 2 of 2)\"\n  severity: \"flaky\""), "{}", all_output(&tap));
}

#[test]
fn junit_has_flaky_failures_and_rerun_failures_with_their_output() {
    let project = flips_project();
    let report = project.path().join("junit.xml");
    let out =
        fresh_run(&project, &["run", "--retries", "2", "--reporter", "dots", "--junit", report.to_str().unwrap()]);
    out.assert_code(1);
    let xml = std::fs::read_to_string(&report).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let case = |name: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name))
            .unwrap_or_else(|| panic!("no testcase {name}\n{xml}"))
    };
    let children = |node: roxmltree::Node, tag: &str| node.children().filter(|c| c.has_tag_name(tag)).count();

    let flips = case("flips");
    assert_eq!(children(flips, "failure"), 0, "a flaky test passed\n{xml}");
    assert_eq!(children(flips, "flakyFailure"), 1, "{xml}");
    let flaky = flips.children().find(|c| c.has_tag_name("flakyFailure")).unwrap();
    assert_eq!(flaky.attribute("type"), Some("AssertionError"));
    let stack = flaky.children().find(|c| c.has_tag_name("stackTrace")).and_then(|n| n.text()).unwrap_or("");
    assert!(stack.contains("flips.test.js:8"), "{stack}");
    let printed = flaky.children().find(|c| c.has_tag_name("system-out")).and_then(|n| n.text()).unwrap_or("");
    assert_eq!(printed.trim(), "run 1", "the failed try's own output");

    let always = case("always fails");
    assert_eq!(children(always, "failure"), 1, "{xml}");
    assert_eq!(children(always, "rerunFailure"), 2, "{xml}");
    assert_eq!(children(always, "flakyFailure"), 0, "{xml}");
    let suites = doc.root_element();
    assert_eq!(suites.attribute("failures"), Some("1"), "only the test that kept failing fails\n{xml}");
}

#[test]
fn mocha_retries_vitest_retry_and_jest_retry_times_set_a_test_s_tries() {
    let project = Project::empty();
    // Each test fails until its in-memory count reaches `passOn` (tries share the realm).
    project
        .write(
            "test/mocha.test.js",
            "import { describe, it } from \"proctor\";\nlet a = 0, b = 0;\n\
             describe(\"mocha\", function () {\n  \
             it(\"own retries\", function () {\n    this.retries(2);\n    a++;\n    if (a < 3) throw new Error(`a ${a}`);\n  });\n  \
             describe(\"grouped\", function () {\n    this.retries(1);\n    \
             it(\"group retries\", function () {\n      b++;\n      if (b < 2) throw new Error(`b ${b}`);\n    });\n  });\n});\n",
        )
        .write(
            "test/vitest.test.ts",
            "import { describe, test, expect } from \"vitest\";\nlet c = 0, d = 0;\n\
             test(\"option retry\", { retry: 3 }, () => {\n  c++;\n  expect(c).toBe(4);\n});\n\
             describe(\"suite retry\", { retry: 1 }, () => {\n  \
             test(\"inherits\", () => {\n    d++;\n    expect(d).toBe(2);\n  });\n});\n",
        )
        .write(
            "test/jest.test.js",
            "let e = 0, f = 0;\n\
             test(\"before retryTimes\", () => {\n  e++;\n  expect(e).toBe(2);\n});\n\
             jest.retryTimes(2);\n\
             test(\"after retryTimes\", () => {\n  f++;\n  expect(f).toBe(3);\n});\n",
        );
    let out = project.run(&["run", "--reporter", "json"]);
    let outcomes = out.outcomes();
    let expect = [
        ("test/mocha.test.js::mocha::own retries", "flaky", (3, 3)),
        ("test/mocha.test.js::mocha::grouped::group retries", "flaky", (2, 2)),
        ("test/vitest.test.ts::option retry", "flaky", (4, 4)),
        ("test/vitest.test.ts::suite retry::inherits", "flaky", (2, 2)),
        ("test/jest.test.js::before retryTimes", "failed", (1, 1)),
        ("test/jest.test.js::after retryTimes", "flaky", (3, 3)),
    ];
    for (id, outcome, tries) in expect {
        assert_eq!(outcomes.get(id).map(String::as_str), Some(outcome), "{id}\n{}", all_output(&out));
        assert_eq!(tries_of(&out.finished(id)), tries, "{id}");
    }
    assert_eq!(failed_tries(&out, "test/vitest.test.ts::option retry").len(), 3);
}

#[test]
fn retries_come_from_the_suite_and_from_tags_in_proctor_toml_and_the_flag_wins() {
    let project = flips_project();
    project.write("proctor.toml", "[[suite]]\nid = \"unit\"\nretries = 1\n\n[tags.stubborn]\nretries = 3\n").write(
        "test/tagged.test.js",
        "import { test, expect } from \"proctor\";\nlet n = 0;\n\
         test(\"tagged\", { tags: [\"stubborn\"] }, () => {\n  n++;\n  expect(n).toBe(4);\n});\n",
    );
    let out = fresh_run(&project, &["run", "--reporter", "json"]);
    assert_eq!(out.outcomes()[FLIPS_ID], "flaky", "{}", all_output(&out));
    assert_eq!(tries_of(&out.finished(FLIPS_ID)), (2, 2), "the suite's retries = 1");
    assert_eq!(tries_of(&out.finished("test/tagged.test.js::tagged")), (4, 4), "the tag's retries = 3");
    assert_eq!(tries_of(&out.finished(ALWAYS_ID)), (2, 2));

    let flag = fresh_run(&project, &["run", "--reporter", "json", "--retries", "0"]);
    assert_eq!(flag.outcomes()[FLIPS_ID], "failed", "--retries 0 wins over the config");
    assert_eq!(flag.outcomes()["test/tagged.test.js::tagged"], "failed");

    let bad = project.write("proctor.toml", "[[suite]]\nretries = -1\n").run(&["run"]);
    bad.assert_code(2);
    assert!(bad.stderr.contains("`retries` must be a whole number from 0"), "{}", all_output(&bad));
}

#[test]
fn a_timeout_is_retried_in_a_fresh_runtime() {
    let project = Project::empty();
    project.write(
        "test/slow.test.js",
        "import { test } from \"proctor\";\nimport fs from \"node:fs\";\n\
         const marker = new URL(\"../hung-once\", import.meta.url);\n\
         test(\"hangs the first time\", { timeout: 500 }, async () => {\n  \
         if (!fs.existsSync(marker)) {\n    fs.writeFileSync(marker, \"1\");\n    while (true) {}\n  }\n});\n\
         test(\"after\", () => {});\n",
    );
    let out = project.run(&["run", "--retries", "1", "--reporter", "json"]);
    out.assert_code(0);
    let id = "test/slow.test.js::hangs the first time";
    assert_eq!(out.outcomes()[id], "flaky", "{}", all_output(&out));
    assert_eq!(out.outcomes()["test/slow.test.js::after"], "passed");
    assert_eq!(failed_tries(&out, id), vec![(1, 2, "timed-out".to_string())]);
    assert_eq!(out.events_of("runtime-restarted").len(), 1, "the retry ran in a fresh runtime");
    assert_eq!(tries_of(&out.finished(id)), (2, 2));
}

#[test]
fn repeat_runs_each_test_n_times_and_counts_the_flips() {
    let project = flips_project();
    let out = fresh_run(&project, &["run", "--repeat", "5", "--reporter", "json", "-t", "flips|steady"]);
    out.assert_code(1);
    let finished = out.events_of("test-finished");
    let of = |id: &str| finished.iter().filter(|e| e["test"]["id"] == id).collect::<Vec<_>>();
    let flips = of(FLIPS_ID);
    assert_eq!(flips.len(), 5, "{}", all_output(&out));
    let repeats: Vec<u64> = flips.iter().map(|e| e["repeat"].as_u64().unwrap_or(0)).collect();
    assert_eq!(repeats, vec![1, 2, 3, 4, 5]);
    let outcomes: Vec<&str> = flips.iter().map(|e| e["outcome"].as_str().unwrap_or("?")).collect();
    assert_eq!(outcomes, vec!["failed", "passed", "failed", "passed", "failed"]);
    assert_eq!(of(STEADY_ID).len(), 5);
    let stats = &out.events_of("run-finished")[0]["stats"];
    assert_eq!((stats["passed"].as_u64(), stats["failed"].as_u64()), (Some(7), Some(3)));

    let terminal = fresh_run(&project, &["run", "--repeat", "4", "--color", "never", "-t", "flips|steady"]);
    assert!(terminal.stdout.contains("Repeats: 2 tests, 8 runs: 1 flipped"), "{}", all_output(&terminal));
    assert!(terminal.stdout.contains("flips: test/flips.test.js > flips failed 2 of 4"), "{}", all_output(&terminal));
}

#[test]
fn vitest_repeats_on_a_test_and_a_describe_run_it_repeats_plus_one_times_and_any_failed_run_fails() {
    let project = Project::empty();
    // Module state carries over between the runs of a test (one realm, as in Vitest): the
    // second of four runs of `second fails` fails, and the two after it still run.
    project.write(
        "test/rep.test.js",
        "import { describe, test, expect } from \"vitest\";\n\
         let runs = 0;\n\
         test(\"second fails\", { repeats: 3 }, () => {\n  runs++;\n  expect(runs).not.toBe(2);\n});\n\
         describe(\"group\", { repeats: 1 }, () => {\n  \
         describe(\"inner\", () => {\n    test(\"inherited\", () => {});\n  });\n  \
         test(\"own zero\", { repeats: 0 }, () => {});\n});\n\
         test(\"once\", () => {});\n",
    );
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    let finished = out.events_of("test-finished");
    let runs = |id: &str| -> Vec<(u64, String)> {
        finished
            .iter()
            .filter(|e| e["test"]["id"] == id)
            .map(|e| (e["repeat"].as_u64().unwrap_or(0), e["outcome"].as_str().unwrap_or("?").to_owned()))
            .collect()
    };
    let of = |outcomes: &[&str]| -> Vec<(u64, String)> {
        outcomes.iter().enumerate().map(|(i, o)| (i as u64 + 1, o.to_string())).collect()
    };
    assert_eq!(
        runs("test/rep.test.js::second fails"),
        of(&["passed", "failed", "passed", "passed"]),
        "{}",
        all_output(&out)
    );
    assert_eq!(runs("test/rep.test.js::group::inner::inherited"), of(&["passed", "passed"]));
    assert_eq!(runs("test/rep.test.js::group::own zero"), vec![(0, "passed".to_string())], "repeats: 0 is one run");
    assert_eq!(runs("test/rep.test.js::once"), vec![(0, "passed".to_string())]);
    let stats = &out.events_of("run-finished")[0]["stats"];
    assert_eq!((stats["passed"].as_u64(), stats["failed"].as_u64()), (Some(7), Some(1)));

    // Its own count wins over `--repeat N`, as Vitest's test option over its config; the
    // history records each run as it records `--repeat`'s.
    let terminal = project.run(&["run", "--repeat", "2", "--color", "never"]);
    terminal.assert_code(1);
    assert!(terminal.stdout.contains("Repeats: 3 tests, 8 runs: 1 flipped"), "{}", all_output(&terminal));
    assert!(
        terminal.stdout.contains("flips: test/rep.test.js > second fails failed 1 of 4"),
        "{}",
        all_output(&terminal)
    );
    let history = project.run(&["history", "test/rep.test.js::second fails", "--json"]);
    history.assert_code(0);
    let history: Value = serde_json::from_str(&history.stdout).expect("history --json");
    let row = &history["history"][0];
    assert_eq!((row["passed"].as_u64(), row["failed"].as_u64()), (Some(6), Some(2)), "{history}");
}

#[test]
fn repeat_until_fail_stops_a_test_at_its_first_failure() {
    let project = flips_project();
    // The counter starts at 1: run 2 passes, run 3 fails and stops it.
    project.write("counter.txt", "1");
    let out = project.run(&["run", "--repeat-until-fail", "10", "--reporter", "json", "-t", "flips|steady"]);
    out.assert_code(1);
    let finished = out.events_of("test-finished");
    let flips: Vec<&str> =
        finished.iter().filter(|e| e["test"]["id"] == FLIPS_ID).map(|e| e["outcome"].as_str().unwrap_or("?")).collect();
    assert_eq!(flips, vec!["passed", "failed"], "{}", all_output(&out));
    assert_eq!(finished.iter().filter(|e| e["test"]["id"] == STEADY_ID).count(), 10, "at most MAX runs");
}

#[test]
fn hunt_stops_a_stable_test_at_the_bound_and_a_flipping_one_at_its_flip() {
    let project = flips_project();
    // 90 % confidence that the failure rate is below 20 %: ceil(ln 0.1 / ln 0.8) = 11 passes.
    let out = fresh_run(
        &project,
        &["run", "--hunt", "--confidence", "0.9", "--max-rate", "0.2", "--reporter", "json", "-t", "flips|steady"],
    );
    let verdicts = out.events_of("hunt-finished");
    let verdict = |id: &str| {
        verdicts
            .iter()
            .find(|e| e["test"]["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no verdict for {id}\n{}", all_output(&out)))
    };
    let steady = verdict(STEADY_ID);
    assert_eq!((steady["verdict"].as_str(), steady["runs"].as_u64()), (Some("stable"), Some(11)), "{steady}");
    assert!(steady["summary"].as_str().unwrap_or("").contains("failure rate < 20% at 90% confidence"), "{steady}");
    let flips = verdict(FLIPS_ID);
    assert_eq!(
        (flips["verdict"].as_str(), flips["runs"].as_u64(), flips["failures"].as_u64()),
        (Some("flipped"), Some(2), Some(1)),
        "{flips}"
    );
    let always = fresh_run(
        &project,
        &["run", "--hunt", "--confidence", "0.9", "--max-rate", "0.2", "--reporter", "json", "-t", "always"],
    );
    let verdict = &always.events_of("hunt-finished")[0];
    assert_eq!((verdict["verdict"].as_str(), verdict["runs"].as_u64()), (Some("always-fails"), Some(11)), "{verdict}");
}

#[test]
fn a_flaky_test_in_chromium_is_retried_in_its_page() {
    let _lock = browser_lock();
    let project = Project::empty();
    project.write("proctor.toml", "[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\n").write(
        "test/page.test.js",
        "import { test, expect } from \"proctor\";\nlet tries = 0;\n\
         test(\"third time lucky\", { retry: 2 }, () => {\n  tries++;\n  \
         document.body.dataset.tries = String(tries);\n  expect(tries).toBe(3);\n});\n\
         test(\"steady\", () => expect(document.body.dataset.tries).toBe(\"3\"));\n",
    );
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(0);
    let id = "test/page.test.js::third time lucky";
    assert_eq!(out.outcomes()[id], "flaky", "{}", all_output(&out));
    assert_eq!(out.outcomes()["test/page.test.js::steady"], "passed");
    assert_eq!(failed_tries(&out, id).len(), 2);
    assert_eq!(tries_of(&out.finished(id)), (3, 3));
}
