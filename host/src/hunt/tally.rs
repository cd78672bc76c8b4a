//! What each commit of a hunt gave: [`tally`] reads the JSON events a commit's run wrote and
//! counts each test's outcomes; [`CommitResult`] is one commit's line of the final table and of
//! `--json`.

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// How many times a test passed, failed (failed, timed out or crashed) and was flaky on one
/// commit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct TestCounts {
    /// The test's id.
    pub id: String,
    /// Runs it passed on the first try.
    pub passed: u32,
    /// Runs it failed, timed out or crashed.
    pub failed: u32,
    /// Runs it passed only on a retry.
    pub flaky: u32,
}

/// How a commit's turn ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Verdict {
    /// Every selected test passed in every run.
    Passed,
    /// Some test failed at least once.
    Failed,
    /// The `prepare` command failed; no test ran.
    PrepareFailed,
    /// The run could not start or ended in an error of its own (exit code 2 or 4).
    Error,
    /// A signal stopped the hunt during this commit.
    Interrupted,
}

impl Verdict {
    /// As shown in the table.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Failed => "FAILED",
            Verdict::PrepareFailed => "prepare failed",
            Verdict::Error => "error",
            Verdict::Interrupted => "interrupted",
        }
    }
}

/// One commit's result.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CommitResult {
    /// The commit.
    pub commit: String,
    /// Its tree.
    pub tree: Option<String>,
    /// Its subject line.
    pub subject: String,
    /// How its turn ended.
    pub result: Verdict,
    /// The run's exit code, when it ran.
    pub exit_code: Option<i32>,
    /// How many runs were asked for.
    pub runs: u32,
    /// Tests finished, over all runs.
    pub tests_run: u32,
    /// The tests that failed or were flaky at least once, by id.
    pub tests: Vec<TestCounts>,
}

/// Every test's counts from a JSON-lines event file (the `json` reporter's output): those that
/// failed or were flaky at least once, by id, and how many test results there were.
pub(crate) fn tally(events: &Path) -> (Vec<TestCounts>, u32) {
    let text = std::fs::read_to_string(events).unwrap_or_default();
    let mut by_id: BTreeMap<String, TestCounts> = BTreeMap::new();
    let mut finished = 0;
    for line in text.lines() {
        let Ok(event) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if event.get("event").and_then(|e| e.as_str()) != Some("test-finished") {
            continue;
        }
        let Some(id) = event.pointer("/test/id").and_then(|id| id.as_str()) else { continue };
        let counts =
            by_id.entry(id.to_owned()).or_insert_with(|| TestCounts { id: id.to_owned(), ..Default::default() });
        match event.get("outcome").and_then(|o| o.as_str()).unwrap_or_default() {
            "passed" => counts.passed += 1,
            "flaky" => counts.flaky += 1,
            "failed" | "timed-out" | "crashed" => counts.failed += 1,
            _ => continue,
        }
        finished += 1;
    }
    (by_id.into_values().filter(|c| c.failed > 0 || c.flaky > 0).collect(), finished)
}

/// The per-commit lines printed after a commit's runs: each test that did not always pass.
pub(crate) fn print_commit(result: &CommitResult) {
    let short = &result.commit[..result.commit.len().min(12)];
    errln!(
        "proctor hunt: {short} {}: {} ({} test results over {} runs)",
        result.subject,
        result.result.label(),
        result.tests_run,
        result.runs
    );
    for test in &result.tests {
        errln!("  {}: {} passed, {} failed, {} flaky", test.id, test.passed, test.failed, test.flaky);
    }
}

/// The final table, one line per commit.
pub(crate) fn table(results: &[CommitResult]) -> String {
    let mut out = String::from("commit        result          failing  subject\n");
    for result in results {
        let failing = result.tests.iter().filter(|t| t.failed > 0).count();
        out.push_str(&format!(
            "{:<12}  {:<14}  {:>7}  {}\n",
            &result.commit[..result.commit.len().min(12)],
            result.result.label(),
            failing,
            result.subject
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_counts_final_outcomes_and_keeps_only_tests_that_did_not_always_pass() {
        let dir = tempfile::tempdir().unwrap();
        let events = dir.path().join("events.jsonl");
        let line = |id: &str, outcome: &str| {
            format!(r#"{{"event":"test-finished","test":{{"id":"{id}"}},"outcome":"{outcome}"}}"#)
        };
        let lines = [
            r#"{"event":"run-started"}"#.to_owned(),
            line("a", "passed"),
            line("b", "failed"),
            line("a", "passed"),
            line("b", "passed"),
            line("c", "flaky"),
            line("b", "timed-out"),
            line("d", "interrupted"),
            "not json".to_owned(),
        ];
        std::fs::write(&events, lines.join("\n")).unwrap();
        let (tests, finished) = tally(&events);
        assert_eq!(finished, 6);
        assert_eq!(
            tests,
            [
                TestCounts { id: "b".into(), passed: 1, failed: 2, flaky: 0 },
                TestCounts { id: "c".into(), passed: 0, failed: 0, flaky: 1 },
            ]
        );
    }
}
