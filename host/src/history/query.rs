//! The questions history answers: a test's outcomes by commit ([`by_commit`]), the tests whose
//! outcome flips on the same code ([`flaky`]), the slowest tests ([`slow`]) and every test's
//! latest tries for the status page ([`recent`]). Each returns
//! plain `Serialize` rows: `--json` prints them as they are, the commands format them.

use super::record::Stored;
use super::store::{HistoryError, Store};
use rusqlite::params;
use serde::Serialize;
use std::collections::BTreeMap;

/// What a flaky test's attempts are grouped by: the code they ran on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupBy {
    /// The git tree of the working tree (a dirty tree is its own group).
    Tree,
    /// The commit (uncommitted changes on it count with it).
    Commit,
}

/// Duration statistics, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Durations {
    /// The median.
    pub median_ms: f64,
    /// The 90th percentile (nearest rank).
    pub p90_ms: f64,
    /// The longest.
    pub max_ms: f64,
}

impl Durations {
    /// Of a non-empty list (sorted here).
    pub fn of(durations: &mut [f64]) -> Durations {
        durations.sort_by(f64::total_cmp);
        let rank = |p: f64| durations[((p * durations.len() as f64).ceil() as usize).clamp(1, durations.len()) - 1];
        Durations { median_ms: rank(0.5), p90_ms: rank(0.9), max_ms: durations[durations.len() - 1] }
    }
}

/// One test on one code key: `proctor history`'s row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitRow {
    /// The suite.
    pub suite: String,
    /// The test id.
    pub test: String,
    /// The commit (none outside git).
    pub commit: Option<String>,
    /// The working tree's git tree.
    pub tree: Option<String>,
    /// The branch of the latest run there.
    pub branch: Option<String>,
    /// True when the runs were on uncommitted changes.
    pub uncommitted: bool,
    /// Runs that recorded it.
    pub runs: usize,
    /// Passed attempts.
    pub passed: usize,
    /// Attempts that failed, timed out or crashed.
    pub failed: usize,
    /// `failed / (passed + failed)`.
    pub failure_rate: f64,
    /// How long its attempts took.
    pub durations: Durations,
    /// The first and last attempt's time, ms since the epoch.
    pub first_at: i64,
    /// See `first_at`.
    pub last_at: i64,
    /// The newest failure's message, if any failed.
    pub last_failure: Option<String>,
}

/// A flaky test: `proctor flaky`'s row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlakyRow {
    /// The suite.
    pub suite: String,
    /// The test id.
    pub test: String,
    /// Outcome changes between consecutive attempts on the same code, over all pairs.
    pub flip_rate: f64,
    /// The outcome changes.
    pub flips: usize,
    /// Passed attempts (all code keys).
    pub passed: usize,
    /// Failed attempts (all code keys).
    pub failed: usize,
    /// The code keys on which it both passed and failed, newest first.
    pub mixed: Vec<KeyCounts>,
    /// Its first failure's commit and time.
    pub first_seen: Seen,
    /// Its latest failure's commit and time.
    pub last_seen: Seen,
}

/// Counts on one code key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyCounts {
    /// The commit.
    pub commit: Option<String>,
    /// The tree (with `--by tree`).
    pub tree: Option<String>,
    /// True for uncommitted changes.
    pub uncommitted: bool,
    /// Passed attempts.
    pub passed: usize,
    /// Failed attempts.
    pub failed: usize,
}

/// Where and when.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Seen {
    /// The commit.
    pub commit: Option<String>,
    /// Ms since the epoch.
    pub at: i64,
}

/// A slow test: `proctor slow`'s row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlowRow {
    /// The suite.
    pub suite: String,
    /// The test id.
    pub test: String,
    /// Attempts measured.
    pub attempts: usize,
    /// How long they took.
    pub durations: Durations,
}

/// A test's latest tries, oldest first: the status page's row of marks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecentRow {
    /// The suite.
    pub suite: String,
    /// The test id.
    pub test: String,
    /// `passed`, `failed`, `timed-out` or `crashed`, oldest first.
    pub outcomes: Vec<&'static str>,
    /// Changes of outcome between consecutive tries among these, over the pairs (0 with one).
    pub flip_rate: f64,
}

/// Every recorded test's latest `per_test` tries, in suite and id order.
pub fn recent(store: &Store, per_test: usize) -> Result<Vec<RecentRow>, HistoryError> {
    let sql = |e| store.error(e);
    let mut statement = store
        .conn()
        .prepare(
            "SELECT t.suite, t.test_id, x.outcome FROM (
               SELECT a.test, a.outcome, a.at, a.rowid AS seq,
                      ROW_NUMBER() OVER (PARTITION BY a.test ORDER BY a.at DESC, a.rowid DESC) AS n
               FROM attempts a) x
             JOIN tests t ON t.id = x.test
             WHERE x.n <= ?1
             ORDER BY t.suite, t.test_id, x.at, x.seq",
        )
        .map_err(sql)?;
    let rows = statement
        .query_map([per_test as i64], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)));
    let mut out: Vec<RecentRow> = Vec::new();
    for row in rows.map_err(sql)? {
        let (suite, test, code) = row.map_err(sql)?;
        let outcome = match Stored::from_code(code) {
            Stored::Passed => "passed",
            Stored::Failed => "failed",
            Stored::TimedOut => "timed-out",
            Stored::Crashed => "crashed",
        };
        match out.last_mut() {
            Some(last) if last.suite == suite && last.test == test => last.outcomes.push(outcome),
            _ => out.push(RecentRow { suite, test, outcomes: vec![outcome], flip_rate: 0.0 }),
        }
    }
    for row in &mut out {
        let pairs = row.outcomes.len().saturating_sub(1);
        let flips = row.outcomes.windows(2).filter(|w| (w[0] == "passed") != (w[1] == "passed")).count();
        row.flip_rate = if pairs == 0 { 0.0 } else { flips as f64 / pairs as f64 };
    }
    Ok(out)
}

/// True when `pattern` names the test: its id, `suite:id`, or an id prefix ending at a segment
/// boundary (`file.test.js` names every test in the file, `file.test.js::group` every test in
/// the group), as selections match.
pub fn names(pattern: &str, suite: &str, id: &str) -> bool {
    let pattern = match pattern.strip_prefix(suite).and_then(|p| p.strip_prefix(':')) {
        Some(rest) if !rest.starts_with(':') => rest,
        _ => pattern,
    };
    let pattern = pattern.trim_end_matches('/');
    id == pattern
        || id.strip_prefix(pattern).is_some_and(|rest| rest.starts_with("::") || rest.starts_with('/'))
        || pattern.is_empty()
}

/// The run filter for `--since`: runs started at or after `since` ms (0 for all).
const SINCE: &str = "(?1 = 0 OR a.run IN (SELECT id FROM runs WHERE started_at >= ?1))";

/// The tests the patterns name (every test when there are none): (row id, suite, test id).
pub(super) fn tests_named(store: &Store, patterns: &[String]) -> Result<Vec<(i64, String, String)>, HistoryError> {
    let mut stmt = store
        .conn()
        .prepare("SELECT id, suite, test_id FROM tests ORDER BY test_id, suite")
        .map_err(|e| store.error(e))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .map_err(|e| store.error(e))?
        .collect::<Result<Vec<(i64, String, String)>, _>>()
        .map_err(|e| store.error(e))?;
    Ok(rows
        .into_iter()
        .filter(|(_, suite, id)| patterns.is_empty() || patterns.iter().any(|p| names(p, suite, id)))
        .collect())
}

/// Each named test's outcomes per code key, newest key first, at most `limit` keys per test.
pub fn by_commit(store: &Store, patterns: &[String], since: i64, limit: usize) -> Result<Vec<CommitRow>, HistoryError> {
    let sql = |e| store.error(e);
    let mut stmt = store
        .conn()
        .prepare(&format!(
            "SELECT r.commit_sha, r.tree_sha, r.branch, r.dirty, a.outcome, a.duration_ms, a.run, a.at, a.message
             FROM attempts a JOIN runs r ON r.id = a.run WHERE a.test = ?2 AND {SINCE} ORDER BY a.run, a.attempt"
        ))
        .map_err(sql)?;
    let mut out = Vec::new();
    for (row, suite, test) in tests_named(store, patterns)? {
        // Keyed by (commit, tree); kept in order of their newest run.
        let mut groups: BTreeMap<(Option<String>, Option<String>), Group> = BTreeMap::new();
        let rows = stmt.query_map(params![since, row], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, f64>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, Option<String>>(8)?,
            ))
        });
        for item in rows.map_err(sql)? {
            let (commit, tree, branch, dirty, outcome, duration, run, at, message) = item.map_err(sql)?;
            let group = groups.entry((commit, tree)).or_insert_with(|| Group { first_at: at, ..Group::default() });
            group.dirty |= dirty;
            group.branch = branch;
            if group.runs.last() != Some(&run) {
                group.runs.push(run);
            }
            if Stored::from_code(outcome) == Stored::Passed {
                group.passed += 1;
            } else {
                group.failed += 1;
                group.last_failure = message.or(group.last_failure.take());
            }
            group.durations.push(duration);
            group.last_at = at;
            group.last_run = run;
        }
        let mut rows: Vec<(i64, CommitRow)> = groups
            .into_iter()
            .map(|((commit, tree), mut g)| {
                let total = (g.passed + g.failed).max(1);
                let row = CommitRow {
                    suite: suite.clone(),
                    test: test.clone(),
                    uncommitted: g.dirty || commit.is_none() && tree.is_some(),
                    commit,
                    tree,
                    branch: g.branch,
                    runs: g.runs.len(),
                    passed: g.passed,
                    failed: g.failed,
                    failure_rate: g.failed as f64 / total as f64,
                    durations: Durations::of(&mut g.durations),
                    first_at: g.first_at,
                    last_at: g.last_at,
                    last_failure: g.last_failure,
                };
                (g.last_run, row)
            })
            .collect();
        rows.sort_by_key(|(last_run, _)| std::cmp::Reverse(*last_run));
        out.extend(rows.into_iter().take(limit).map(|(_, row)| row));
    }
    Ok(out)
}

#[derive(Default)]
struct Group {
    dirty: bool,
    branch: Option<String>,
    runs: Vec<i64>,
    passed: usize,
    failed: usize,
    durations: Vec<f64>,
    first_at: i64,
    last_at: i64,
    last_run: i64,
    last_failure: Option<String>,
}

/// Tests that both passed and failed on the same code (tree or commit), ranked by flip rate.
pub fn flaky(store: &Store, by: GroupBy, since: i64, limit: usize) -> Result<Vec<FlakyRow>, HistoryError> {
    let sql = |e| store.error(e);
    let column = match by {
        GroupBy::Tree => "tree",
        GroupBy::Commit => "commit_rev",
    };
    // One pass over the covering index, in test order: which tests had mixed outcomes on one
    // key (grouped here, so both keys use the same index).
    let mut scan = store
        .conn()
        .prepare(&format!(
            "SELECT a.test, a.{column}, a.outcome = 0 FROM attempts a INDEXED BY attempts_by_test WHERE {SINCE}
             ORDER BY a.test"
        ))
        .map_err(sql)?;
    let mut tests: Vec<i64> = Vec::new();
    let mut current: Option<i64> = None;
    let mut seen: std::collections::HashMap<Option<i64>, (bool, bool)> = std::collections::HashMap::new();
    let mut flush = |test: Option<i64>, seen: &mut std::collections::HashMap<Option<i64>, (bool, bool)>| {
        if let Some(test) = test.filter(|_| seen.values().any(|(passed, failed)| *passed && *failed)) {
            tests.push(test);
        }
        seen.clear();
    };
    let rows =
        scan.query_map([since], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, bool>(2)?)));
    for item in rows.map_err(sql)? {
        let (test, key, passed) = item.map_err(sql)?;
        if current != Some(test) {
            flush(current, &mut seen);
            current = Some(test);
        }
        let entry = seen.entry(key).or_default();
        if passed {
            entry.0 = true
        } else {
            entry.1 = true
        }
    }
    flush(current, &mut seen);
    let mut detail = store
        .conn()
        .prepare(&format!(
            "SELECT a.{column}, a.outcome, r.commit_sha, r.tree_sha, r.dirty, a.at, t.suite, t.test_id
             FROM attempts a JOIN runs r ON r.id = a.run JOIN tests t ON t.id = a.test
             WHERE a.test = ?2 AND {SINCE} ORDER BY a.{column}, a.run, a.attempt"
        ))
        .map_err(sql)?;
    let mut out = Vec::new();
    for test in tests {
        let mut row: Option<FlakyRow> = None;
        let mut pairs = 0usize;
        let mut previous: Option<(Option<i64>, bool)> = None;
        let mut keys: Vec<(i64, KeyCounts)> = Vec::new();
        let rows = detail.query_map(params![since, test], |r| {
            Ok((
                r.get::<_, Option<i64>>(0)?,
                r.get::<_, i64>(1)? == 0,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        });
        for item in rows.map_err(sql)? {
            let (key, passed, commit, tree, dirty, at, suite, id) = item.map_err(sql)?;
            let row = row.get_or_insert_with(|| FlakyRow {
                suite,
                test: id,
                flip_rate: 0.0,
                flips: 0,
                passed: 0,
                failed: 0,
                mixed: Vec::new(),
                first_seen: Seen { commit: None, at: i64::MAX },
                last_seen: Seen { commit: None, at: i64::MIN },
            });
            match previous {
                Some((k, was)) if k == key => {
                    pairs += 1;
                    row.flips += usize::from(was != passed);
                }
                _ => keys.push((
                    at,
                    KeyCounts {
                        commit: commit.clone(),
                        tree: (by == GroupBy::Tree).then(|| tree.clone()).flatten(),
                        uncommitted: dirty,
                        passed: 0,
                        failed: 0,
                    },
                )),
            }
            previous = Some((key, passed));
            if let Some((newest, counts)) = keys.last_mut() {
                *newest = (*newest).max(at);
                counts.uncommitted |= dirty;
                if passed {
                    counts.passed += 1
                } else {
                    counts.failed += 1
                }
            }
            if passed {
                row.passed += 1;
            } else {
                row.failed += 1;
                if at < row.first_seen.at {
                    row.first_seen = Seen { commit: commit.clone(), at };
                }
                if at >= row.last_seen.at {
                    row.last_seen = Seen { commit, at };
                }
            }
        }
        if let Some(mut row) = row {
            row.flip_rate = if pairs == 0 { 0.0 } else { row.flips as f64 / pairs as f64 };
            keys.sort_by_key(|(newest, _)| std::cmp::Reverse(*newest));
            row.mixed = keys.into_iter().map(|(_, k)| k).filter(|k| k.passed > 0 && k.failed > 0).collect();
            out.push(row);
        }
    }
    out.sort_by(|a, b| b.flip_rate.total_cmp(&a.flip_rate).then(b.failed.cmp(&a.failed)).then(a.test.cmp(&b.test)));
    out.truncate(limit);
    Ok(out)
}

/// The slowest tests by median duration over their attempts. One sequential scan of the
/// attempts, grouped here; only the tests shown are looked up by name.
pub fn slow(store: &Store, since: i64, limit: usize) -> Result<Vec<SlowRow>, HistoryError> {
    let sql = |e| store.error(e);
    let mut stmt =
        store.conn().prepare(&format!("SELECT a.test, a.duration_ms FROM attempts a WHERE {SINCE}")).map_err(sql)?;
    let mut by_test: std::collections::HashMap<i64, Vec<f64>> = std::collections::HashMap::new();
    let rows = stmt.query_map([since], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, f64>(1)?)));
    for item in rows.map_err(sql)? {
        let (test, duration) = item.map_err(sql)?;
        by_test.entry(test).or_default().push(duration);
    }
    let mut ranked: Vec<(i64, usize, Durations)> =
        by_test.into_iter().map(|(test, mut list)| (test, list.len(), Durations::of(&mut list))).collect();
    ranked.sort_by(|a, b| b.2.median_ms.total_cmp(&a.2.median_ms).then(a.0.cmp(&b.0)));
    ranked.truncate(limit);
    let mut name = store.conn().prepare("SELECT suite, test_id FROM tests WHERE id = ?1").map_err(sql)?;
    let mut out = Vec::with_capacity(ranked.len());
    for (test, attempts, durations) in ranked {
        let (suite, test) = name.query_row([test], |r| Ok((r.get(0)?, r.get(1)?))).map_err(sql)?;
        out.push(SlowRow { suite, test, attempts, durations });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::key::CodeKey;
    use super::super::record::{AttemptRecord, RunRecord, Stored};
    use super::*;
    use std::time::Duration;

    fn key(commit: &str, tree: &str, dirty: bool) -> CodeKey {
        CodeKey { commit: Some(commit.into()), tree: Some(tree.into()), branch: Some("main".into()), dirty }
    }

    fn attempt(test: &str, outcome: Stored, duration_ms: f64, at: i64) -> AttemptRecord {
        AttemptRecord {
            test: test.into(),
            suite: "unit".into(),
            runtime: "node".into(),
            instance: None,
            outcome,
            duration_ms,
            attempt: 1,
            message: (outcome != Stored::Passed).then(|| "Error: boom".into()),
            location: None,
            at,
        }
    }

    /// One run: its code key and its attempts (test, outcome, duration).
    type Run<'a> = (CodeKey, Vec<(&'a str, Stored, f64)>);

    /// Records one run per entry.
    fn store_with(runs: &[Run<'_>]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("h.db"), true, Duration::from_secs(1)).unwrap();
        for (i, (key, attempts)) in runs.iter().enumerate() {
            let at = 1_000 + i as i64 * 10;
            let run = RunRecord {
                run_id: format!("run{i}"),
                started_at: at,
                finished_at: Some(at + 5),
                key: key.clone(),
                host: "h".into(),
                seed: None,
            };
            let id = store.add_run(&run).unwrap().unwrap();
            let list: Vec<_> = attempts.iter().map(|(t, o, d)| attempt(t, *o, *d, at)).collect();
            store.add_attempts(id, &run, &list).unwrap();
        }
        (dir, store)
    }

    use Stored::{Failed as F, Passed as P};

    #[test]
    fn flaky_ranks_by_flip_rate_on_the_same_tree_and_ignores_changes_across_trees() {
        let a = key("c1", "t1", false);
        let b = key("c2", "t2", false);
        let dirty = key("c2", "t3", true);
        let (_dir, store) = store_with(&[
            (a.clone(), vec![("x", P, 1.0), ("y", P, 1.0), ("z", P, 1.0)]),
            (a.clone(), vec![("x", F, 1.0), ("y", P, 1.0), ("z", P, 1.0)]),
            (a.clone(), vec![("x", P, 1.0), ("y", F, 1.0), ("z", P, 1.0)]),
            (a, vec![("x", F, 1.0), ("y", F, 1.0), ("z", P, 1.0)]),
            // z fails only on another tree: a real change, not a flake.
            (b.clone(), vec![("x", P, 1.0), ("y", P, 1.0), ("z", F, 1.0)]),
            (b, vec![("x", P, 1.0), ("y", P, 1.0), ("z", F, 1.0)]),
            (dirty.clone(), vec![("z", P, 1.0)]),
            (dirty, vec![("z", P, 1.0)]),
        ]);
        let rows = flaky(&store, GroupBy::Tree, 0, 10).unwrap();
        let summary: Vec<(&str, usize, usize, f64)> =
            rows.iter().map(|r| (r.test.as_str(), r.passed, r.failed, r.flip_rate)).collect();
        // x flips 3 times in 3 pairs on t1 and never on t2 (1 pair): 3/4; y 1 flip in 4 pairs.
        assert_eq!(summary, [("x", 4, 2, 0.75), ("y", 4, 2, 0.25)]);
        assert_eq!(rows[0].mixed.len(), 1);
        assert_eq!((rows[0].mixed[0].passed, rows[0].mixed[0].failed), (2, 2));
        assert_eq!(rows[0].first_seen.commit.as_deref(), Some("c1"));
        // By commit, z's dirty passes and committed failures on c2 are mixed.
        let by_commit = flaky(&store, GroupBy::Commit, 0, 10).unwrap();
        let z = by_commit.iter().find(|r| r.test == "z").expect("z is flaky on commit c2");
        assert_eq!(z.mixed.len(), 1);
        assert!(z.mixed[0].uncommitted);
        assert_eq!(z.mixed[0].commit.as_deref(), Some("c2"));
        assert_eq!(flaky(&store, GroupBy::Tree, 0, 1).unwrap().len(), 1, "--limit");
        assert!(flaky(&store, GroupBy::Tree, 1_035, 10).unwrap().is_empty(), "--since leaves the later runs only");
    }

    #[test]
    fn history_groups_by_code_key_newest_first_with_rates_and_durations() {
        let (_dir, store) = store_with(&[
            (key("c1", "t1", false), vec![("f.test.js::g::a", P, 10.0), ("f.test.js::b", P, 1.0)]),
            (key("c1", "t1", false), vec![("f.test.js::g::a", F, 30.0)]),
            (key("c1", "t1", false), vec![("f.test.js::g::a", P, 20.0)]),
            (key("c2", "t2", true), vec![("f.test.js::g::a", P, 5.0), ("other.test.js::c", P, 1.0)]),
        ]);
        let rows = by_commit(&store, &["f.test.js::g".into()], 0, 10).unwrap();
        let summary: Vec<(Option<&str>, bool, usize, usize, usize)> =
            rows.iter().map(|r| (r.commit.as_deref(), r.uncommitted, r.runs, r.passed, r.failed)).collect();
        assert_eq!(summary, [(Some("c2"), true, 1, 1, 0), (Some("c1"), false, 3, 2, 1)]);
        assert_eq!(rows[1].durations, Durations { median_ms: 20.0, p90_ms: 30.0, max_ms: 30.0 });
        assert!((rows[1].failure_rate - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(rows[1].last_failure.as_deref(), Some("Error: boom"));
        assert_eq!(by_commit(&store, &["f.test.js".into()], 0, 1).unwrap().len(), 2, "one row per test");
        assert_eq!(by_commit(&store, &["unit:other.test.js::c".into()], 0, 10).unwrap().len(), 1);
        assert!(by_commit(&store, &["f.test".into()], 0, 10).unwrap().is_empty(), "prefixes end at a boundary");
    }

    #[test]
    fn slow_ranks_by_median_and_prune_drops_old_and_oversized_runs() {
        let k = key("c", "t", false);
        let (_dir, mut store) = store_with(&[
            (k.clone(), vec![("fast", P, 1.0), ("slow", P, 50.0), ("spiky", P, 2.0)]),
            (k.clone(), vec![("fast", P, 1.0), ("slow", P, 60.0), ("spiky", P, 900.0)]),
            (k, vec![("fast", P, 1.0), ("slow", F, 70.0), ("spiky", P, 3.0)]),
        ]);
        let rows = slow(&store, 0, 10).unwrap();
        let names: Vec<(&str, f64)> = rows.iter().map(|r| (r.test.as_str(), r.durations.median_ms)).collect();
        assert_eq!(names, [("slow", 60.0), ("spiky", 3.0), ("fast", 1.0)]);
        assert_eq!(rows[1].durations.max_ms, 900.0);
        let count = |store: &Store| -> i64 {
            store.conn().query_row("SELECT count(*) FROM attempts", [], |r| r.get(0)).unwrap()
        };
        assert_eq!(store.prune(2_000, Duration::from_secs(3600), u64::MAX).unwrap(), 0, "nothing is old yet");
        assert_eq!(
            store.prune(1_015, Duration::from_millis(10), u64::MAX).unwrap(),
            1,
            "the run at 1000 is older than 10ms"
        );
        assert_eq!(count(&store), 6);
        assert_eq!(
            store.prune(1_015, Duration::from_secs(3600), 1).unwrap(),
            1,
            "too big: the oldest go, the last stays"
        );
        assert_eq!(count(&store), 3);
    }

    #[test]
    fn recent_keeps_each_tests_latest_tries_oldest_first_with_their_flip_rate() {
        let k = key("c", "t", false);
        let (_dir, store) = store_with(&[
            (k.clone(), vec![("a", P, 1.0), ("b", P, 1.0)]),
            (k.clone(), vec![("a", F, 1.0), ("b", P, 1.0)]),
            (k.clone(), vec![("a", P, 1.0)]),
            (k, vec![("a", P, 1.0), ("b", P, 1.0)]),
        ]);
        let rows = recent(&store, 3).unwrap();
        let got: Vec<(&str, Vec<&str>)> = rows.iter().map(|r| (r.test.as_str(), r.outcomes.clone())).collect();
        assert_eq!(got, [("a", vec!["failed", "passed", "passed"]), ("b", vec!["passed", "passed", "passed"])]);
        assert_eq!(rows[0].flip_rate, 0.5);
        assert_eq!(rows[1].flip_rate, 0.0);
    }

    #[test]
    fn a_name_matches_its_id_its_suite_and_id_and_prefixes_at_boundaries() {
        assert!(names("a/b.test.js::g::t", "unit", "a/b.test.js::g::t"));
        assert!(names("unit:a/b.test.js", "unit", "a/b.test.js::g::t"));
        assert!(names("a/", "unit", "a/b.test.js::g::t"));
        assert!(names("a", "unit", "a/b.test.js::g::t"));
        assert!(names("a/b.test.js::g", "unit", "a/b.test.js::g::tt"));
        assert!(!names("a/b.test.js::g::t", "unit", "a/b.test.js::g::tt"));
        assert!(!names("a/b.test", "unit", "a/b.test.js::g::t"));
        assert!(!names("e2e:a/b.test.js", "unit", "a/b.test.js::g::t"));
    }
}
