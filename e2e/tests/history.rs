//! End to end: the history database (issue 16 points 3, 4 and 7) in real git repositories made
//! here. A test that fails every other run (a counter file the repository ignores) shows in
//! `proctor flaky` with its counts per commit; `proctor history` lists a test's outcomes by
//! commit, newest first, and a dirty tree as its own, uncommitted key; a locked or corrupt
//! database changes nothing about the run but a warning; export then import deduplicates by run
//! id; outside git, runs are recorded without a commit, silently; `proctor watch` records each
//! rerun under the tree it ran on.

use proctor_e2e::background::Background;
use proctor_e2e::{model, Output, Project};
use serde_json::Value;
use std::process::Command;
use std::time::Duration;

/// Fails on odd runs, passes on even ones (the counter survives between runs), beside a test
/// that always passes.
const FLIPPING: &str = "import { test, expect } from \"proctor\";\n\
import fs from \"node:fs\";\n\n\
test(\"flips\", () => {\n  \
const n = Number(fs.existsSync(\"count.txt\") ? fs.readFileSync(\"count.txt\", \"utf8\") : 0) + 1;\n  \
fs.writeFileSync(\"count.txt\", String(n));\n  \
expect(n % 2).toBe(0);\n});\n\n\
test(\"steady\", () => {\n  expect(1).toBe(1);\n});\n";

fn git(project: &Project, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(project.path())
        // Fixed dates: the same files committed in two repositories make the same commit.
        .env("GIT_AUTHOR_DATE", "2026-12-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-12-01T00:00:00Z")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A git repository with the flipping test committed; returns its commit.
fn repository() -> (Project, String) {
    let project = Project::empty();
    project.write(".gitignore", "count.txt\n").write("a.test.js", FLIPPING);
    git(&project, &["init", "-q", "-b", "main"]);
    git(&project, &["add", "-A"]);
    git(&project, &["commit", "-q", "-m", "one"]);
    let commit = git(&project, &["rev-parse", "HEAD"]);
    (project, commit)
}

/// One run; asserts it reported normally (the flipping test's outcome `flips`).
fn run(project: &Project, flips: &str) -> Output {
    let out = project.run(&["run", "--reporter", "json"]);
    let expected = model(&[("a.test.js::flips", flips), ("a.test.js::steady", "passed")]);
    assert_eq!(out.outcomes(), expected, "{}\n{}", out.stdout, out.stderr);
    out.assert_code(if flips == "passed" { 0 } else { 1 });
    out
}

fn json(project: &Project, args: &[&str]) -> Value {
    let out = project.run(args);
    out.assert_code(0);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr))
}

/// (commit, passed, failed) of each mixed key of the flaky row of `test`.
fn mixed(flaky: &Value, test: &str) -> Vec<(String, u64, u64)> {
    let row =
        flaky["flaky"].as_array().unwrap().iter().find(|r| r["test"] == test).unwrap_or_else(|| panic!("{flaky}"));
    row["mixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (k["commit"].as_str().unwrap().to_owned(), k["passed"].as_u64().unwrap(), k["failed"].as_u64().unwrap())
        })
        .collect()
}

#[test]
fn a_test_failing_every_other_run_is_flaky_with_its_counts_per_commit() {
    let (project, first) = repository();
    for flips in ["failed", "passed", "failed", "passed"] {
        let out = run(&project, flips);
        assert!(!out.stderr.contains("history"), "recording is silent: {}", out.stderr);
    }
    let flaky = json(&project, &["flaky", "--json"]);
    assert_eq!(flaky["version"], 1);
    assert_eq!(flaky["flaky"].as_array().unwrap().len(), 1, "the steady test is not flaky: {flaky}");
    assert_eq!(mixed(&flaky, "a.test.js::flips"), [(first.clone(), 2, 2)]);
    let row = &flaky["flaky"][0];
    assert_eq!(row["flip_rate"], 1.0, "it flipped on every run: {row}");
    assert_eq!(row["first_seen"]["commit"], first.as_str());

    project.write("b.js", "export const b = 1;\n");
    git(&project, &["add", "-A"]);
    git(&project, &["commit", "-q", "-m", "two"]);
    let second = git(&project, &["rev-parse", "HEAD"]);
    run(&project, "failed");
    run(&project, "passed");
    run(&project, "failed");
    for by in ["tree", "commit"] {
        let flaky = json(&project, &["flaky", "--json", "--by", by]);
        assert_eq!(mixed(&flaky, "a.test.js::flips"), [(second.clone(), 1, 2), (first.clone(), 2, 2)], "--by {by}");
        assert_eq!(flaky["flaky"][0]["last_seen"]["commit"], second.as_str());
    }
    let history = json(&project, &["history", "a.test.js::flips", "--json"]);
    let rows: Vec<(String, u64, u64, bool)> = history["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let commit = r["commit"].as_str().unwrap().to_owned();
            (commit, r["passed"].as_u64().unwrap(), r["failed"].as_u64().unwrap(), r["uncommitted"].as_bool().unwrap())
        })
        .collect();
    assert_eq!(rows, [(second.clone(), 1, 2, false), (first.clone(), 2, 2, false)], "newest commit first");
    assert!((history["history"][0]["failure_rate"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert!(history["history"][0]["durations"]["median_ms"].as_f64().unwrap() >= 0.0);
    let limited = json(&project, &["history", "a.test.js", "--json", "--limit", "1"]);
    assert_eq!(limited["history"].as_array().unwrap().len(), 2, "one commit for each test of the file: {limited}");
    let text = project.run(&["flaky"]);
    assert!(text.stdout.contains("unit:a.test.js::flips"), "{}", text.stdout);
    let slow = json(&project, &["slow", "--json", "--limit", "5"]);
    let attempts: Vec<u64> = slow["slow"].as_array().unwrap().iter().map(|r| r["attempts"].as_u64().unwrap()).collect();
    assert_eq!(attempts, [7, 7]);
}

#[test]
fn a_dirty_tree_has_its_own_key_and_is_marked_uncommitted() {
    let (project, commit) = repository();
    run(&project, "failed");
    project.write("a.test.js", &format!("{FLIPPING}// an uncommitted change\n"));
    run(&project, "passed");
    run(&project, "failed");
    let history = json(&project, &["history", "a.test.js::steady", "--json"]);
    let rows = history["history"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{history}");
    assert_eq!(rows[0]["commit"], commit.as_str());
    assert_eq!(rows[0]["uncommitted"], true);
    assert_eq!(rows[0]["runs"], 2);
    assert_eq!(rows[1]["uncommitted"], false);
    assert_eq!(rows[1]["runs"], 1);
    assert_ne!(rows[0]["tree"], rows[1]["tree"]);
    assert_eq!(git(&project, &["status", "--porcelain"]), "M a.test.js\n?? .proctor/", "the index is untouched");
    // On the dirty tree it both failed and passed; on the commit it only failed.
    let flaky = json(&project, &["flaky", "--json"]);
    let keys = &flaky["flaky"][0]["mixed"];
    assert_eq!(keys.as_array().unwrap().len(), 1, "{flaky}");
    assert_eq!(keys[0]["uncommitted"], true);
}

#[test]
fn a_locked_database_leaves_the_run_as_it_was_and_says_so_once() {
    let (project, _) = repository();
    run(&project, "failed");
    let db = rusqlite::Connection::open(project.path().join(".proctor/history.db")).unwrap();
    db.execute_batch("BEGIN EXCLUSIVE; INSERT INTO meta VALUES('held', 'by the test');").unwrap();
    let out = run(&project, "passed");
    let warnings: Vec<&str> = out.stderr.lines().filter(|l| l.contains("history")).collect();
    assert_eq!(warnings.len(), 1, "{}", out.stderr);
    assert!(
        warnings[0].contains("2 test results were not recorded") && warnings[0].contains("locked"),
        "{}",
        warnings[0]
    );
    db.execute_batch("ROLLBACK;").unwrap();
    drop(db);
    run(&project, "failed");
    let history = json(&project, &["history", "a.test.js::steady", "--json"]);
    assert_eq!(history["history"][0]["runs"], 2, "the runs before and after were recorded: {history}");
}

#[test]
fn a_corrupt_database_leaves_the_run_as_it_was_and_says_so_once() {
    let (project, _) = repository();
    project.write(".proctor/history.db", &"not a database at all. ".repeat(200));
    let out = run(&project, "failed");
    let warnings: Vec<&str> = out.stderr.lines().filter(|l| l.contains("history")).collect();
    assert_eq!(warnings.len(), 1, "{}", out.stderr);
    assert!(warnings[0].contains("not a database"), "{}", warnings[0]);
    let read = project.run(&["flaky"]);
    read.assert_code(2);
    assert!(read.stderr.contains("not a database"), "{}", read.stderr);
}

#[test]
fn export_then_import_merges_histories_and_skips_runs_already_recorded() {
    let (ci, commit) = repository();
    run(&ci, "failed");
    run(&ci, "passed");
    let exported = ci.run(&["history", "export", "--output", "runs.jsonl"]);
    exported.assert_code(0);
    let lines = ci.read("runs.jsonl");
    assert_eq!(lines.lines().count(), 2, "one line per run: {lines}");
    let first: Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert_eq!(first["commit"], commit.as_str());
    assert_eq!(first["attempts"].as_array().unwrap().len(), 2);
    assert!(first["run_id"].as_str().is_some_and(|id| id.len() == 32));

    let (local, _) = repository();
    run(&local, "failed");
    local.write("runs.jsonl", &lines);
    let imported = json(&local, &["history", "import", "runs.jsonl", "--json"]);
    assert_eq!(imported, serde_json::json!({ "runs": 2, "attempts": 4, "duplicates": 0 }));
    let again = json(&local, &["history", "import", "runs.jsonl", "--json"]);
    assert_eq!(again, serde_json::json!({ "runs": 0, "attempts": 0, "duplicates": 2 }));
    let back = json(&ci, &["history", "import", "runs.jsonl", "--json"]);
    assert_eq!(back["duplicates"], 2, "a machine's own runs are never added twice");
    // Same commit on both machines: the merged history has all three runs.
    let flaky = json(&local, &["flaky", "--json"]);
    assert_eq!(mixed(&flaky, "a.test.js::flips"), [(commit, 1, 2)]);
}

#[test]
fn outside_git_runs_are_recorded_without_a_commit_and_history_can_be_turned_off() {
    let project = Project::empty();
    project.write("a.test.js", FLIPPING);
    let out = run(&project, "failed");
    assert_eq!(out.stderr.trim(), "", "nothing loud outside git");
    let history = json(&project, &["history", "a.test.js::flips", "--json"]);
    assert_eq!(history["history"][0]["commit"], Value::Null);
    assert_eq!(history["history"][0]["failed"], 1);

    let off = Project::empty();
    off.write("a.test.js", FLIPPING).write("proctor.toml", "[history]\nenabled = false\n");
    run(&off, "failed");
    assert!(!off.path().join(".proctor/history.db").exists());
    let moved = Project::empty();
    moved.write("a.test.js", FLIPPING).write("proctor.toml", "[history]\npath = \"results/h.db\"\nkeep = \"30d\"\n");
    run(&moved, "failed");
    assert!(moved.path().join("results/h.db").is_file());
}

#[test]
fn watch_reruns_are_recorded_each_under_the_tree_it_ran_on() {
    let project = Project::empty();
    project.write("value.js", "export const value = 1;\n").write(
        "a.test.js",
        "import { test, expect } from \"proctor\";\nimport { value } from \"./value.js\";\n\
         test(\"value\", () => {\n  expect(value).toBe(1);\n});\n",
    );
    git(&project, &["init", "-q", "-b", "main"]);
    git(&project, &["add", "-A"]);
    git(&project, &["commit", "-q", "-m", "one"]);
    let commit = git(&project, &["rev-parse", "HEAD"]);
    let mut watch = Background::spawn(&project, &["watch", "--run-first", "--debounce", "100", "--reporter", "dots"]);
    watch.wait_for("waiting for changes", 1, Duration::from_secs(60));
    // A save that breaks the test: the rerun runs on a dirty tree of the same commit.
    project.write("value.js", "export const value = 2;\n");
    watch.wait_for("waiting for changes", 2, Duration::from_secs(60));
    assert_eq!(watch.quit(), 0, "{}", watch.log());
    let history = json(&project, &["history", "a.test.js::value", "--json"]);
    let rows = history["history"].as_array().unwrap();
    let seen: Vec<(bool, u64, u64)> = rows
        .iter()
        .map(|r| {
            assert_eq!(r["commit"], commit.as_str(), "{history}");
            (r["uncommitted"].as_bool().unwrap(), r["passed"].as_u64().unwrap(), r["failed"].as_u64().unwrap())
        })
        .collect();
    // A loaded machine may see the save as two (a truncate, then the write): two failed reruns.
    assert_eq!(seen.len(), 2, "{history}");
    assert!(seen[0].0 && seen[0].1 == 0 && seen[0].2 >= 1, "the rerun, newest first: {history}");
    assert_eq!(seen[1], (false, 1, 0), "the first run, on the commit: {history}");
}
