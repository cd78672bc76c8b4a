//! What ran before a failure: [`latest_failure`] finds a test's newest recorded failing attempt
//! and the tests that ran before it in that run, in their order, for `proctor flaky --triage`.
//! A run's order is the order its attempts were written in (the sink writes them as they
//! finish, one test at a time per runtime), which is the attempts' rowid order: export and
//! import keep it, and proctor never runs a full `VACUUM` (the only thing that renumbers).

use super::store::{HistoryError, Store};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// A test's newest recorded failure and what preceded it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedFailure {
    /// The test's suite.
    #[serde(skip)]
    pub suite: String,
    /// The test's id.
    #[serde(skip)]
    pub test: String,
    /// The run it failed in.
    pub run_id: String,
    /// That run's commit.
    pub commit: Option<String>,
    /// That run's shuffle seed, if it was shuffled.
    pub seed: Option<u64>,
    /// When that run started, ms since the epoch.
    pub started_at: i64,
    /// The failure's message.
    pub message: Option<String>,
    /// The runtime kind it failed in (`node`, `chromium`).
    pub runtime: String,
    /// The tests that ran before it in that run, in the same runtime, in their order, each once
    /// (`(suite, test id)`; the test itself left out).
    #[serde(skip)]
    pub preceding: Vec<(String, String)>,
}

/// Why no failure could be picked.
#[derive(Debug)]
pub enum Lookup {
    /// The newest failure of the one test the pattern names.
    Found(RecordedFailure),
    /// The pattern names no recorded test, or one that never failed.
    NoFailure,
    /// The pattern names several tests (`suite:id` each).
    Ambiguous(Vec<String>),
}

/// The newest failure of the test `pattern` names (its id, `suite:id`, or a prefix naming
/// exactly one recorded test) in a run started at or after `since` (ms; 0 for any).
pub fn latest_failure(store: &Store, pattern: &str, since: i64) -> Result<Lookup, HistoryError> {
    let sql = |e| store.error(e);
    let tests = super::query::tests_named(store, &[pattern.to_owned()])?;
    let exact: Vec<_> =
        tests.iter().filter(|(_, suite, id)| id == pattern || format!("{suite}:{id}") == pattern).cloned().collect();
    let tests = if exact.is_empty() { tests } else { exact };
    let (row, suite, test) = match tests.as_slice() {
        [] => return Ok(Lookup::NoFailure),
        [one] => one.clone(),
        many => return Ok(Lookup::Ambiguous(many.iter().map(|(_, s, t)| format!("{s}:{t}")).collect())),
    };
    let failure = store
        .conn()
        .query_row(
            "SELECT a.rowid, a.run, a.runtime, a.instance, a.message, r.run_id, r.commit_sha, r.seed, r.started_at
             FROM attempts a JOIN runs r ON r.id = a.run
             WHERE a.test = ?1 AND a.outcome != 0 AND r.started_at >= ?2
             ORDER BY r.started_at DESC, a.rowid DESC LIMIT 1",
            [row, since],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<i64>>(7)?,
                    r.get::<_, i64>(8)?,
                ))
            },
        )
        .optional()
        .map_err(sql)?;
    let Some((rowid, run, runtime, instance, message, run_id, commit, seed, started_at)) = failure else {
        return Ok(Lookup::NoFailure);
    };
    // One scan of the attempts (there is no index by run, on purpose: see `store`).
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT t.suite, t.test_id FROM attempts a JOIN tests t ON t.id = a.test
             WHERE a.run = ?1 AND a.rowid < ?2 AND a.runtime = ?3 AND a.instance IS ?4 ORDER BY a.rowid",
        )
        .map_err(sql)?;
    let rows = stmt.query_map(params![run, rowid, runtime, instance], |r| Ok((r.get(0)?, r.get(1)?))).map_err(sql)?;
    let mut preceding: Vec<(String, String)> = Vec::new();
    for item in rows {
        let (s, t): (String, String) = item.map_err(sql)?;
        if (s != suite || t != test) && !preceding.iter().any(|(ps, pt)| *ps == s && *pt == t) {
            preceding.push((s, t));
        }
    }
    Ok(Lookup::Found(RecordedFailure {
        suite,
        test,
        run_id,
        commit,
        seed: seed.map(|s| s as u64),
        started_at,
        message,
        runtime,
        preceding,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::key::CodeKey;
    use super::super::record::{AttemptRecord, RunRecord, Stored};
    use super::*;
    use std::time::Duration;

    fn attempt(test: &str, runtime: &str, outcome: Stored) -> AttemptRecord {
        AttemptRecord {
            test: test.into(),
            suite: "unit".into(),
            runtime: runtime.into(),
            instance: None,
            outcome,
            duration_ms: 1.0,
            attempt: 1,
            message: (outcome != Stored::Passed).then(|| "Error: polluted".into()),
            location: None,
            at: 0,
        }
    }

    fn record(store: &mut Store, run_id: &str, started_at: i64, attempts: &[AttemptRecord]) {
        let run = RunRecord {
            run_id: run_id.into(),
            started_at,
            finished_at: None,
            key: CodeKey { commit: Some("c1".into()), tree: Some("t1".into()), branch: None, dirty: false },
            host: "h".into(),
            seed: Some(7),
        };
        let id = store.add_run(&run).unwrap().unwrap();
        store.add_attempts(id, &run, attempts).unwrap();
    }

    #[test]
    fn the_newest_failure_comes_with_the_tests_before_it_in_its_runtime_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("h.db"), true, Duration::from_secs(1)).unwrap();
        use Stored::{Failed, Passed};
        record(&mut store, "old", 1, &[attempt("a.js::a", "node", Passed), attempt("a.js::b", "node", Failed)]);
        record(
            &mut store,
            "new",
            2,
            &[
                attempt("a.js::z", "node", Passed),
                attempt("a.js::x", "chromium", Passed),
                attempt("a.js::a", "node", Failed),
                attempt("a.js::a", "node", Passed),
                attempt("a.js::b", "node", Failed),
                attempt("a.js::c", "node", Passed),
            ],
        );
        record(&mut store, "newest", 3, &[attempt("a.js::b", "node", Passed)]);
        let Lookup::Found(found) = latest_failure(&store, "a.js::b", 0).unwrap() else { panic!("no failure found") };
        assert_eq!(found.run_id, "new");
        assert_eq!(found.seed, Some(7));
        assert_eq!(found.message.as_deref(), Some("Error: polluted"));
        assert_eq!(found.runtime, "node");
        let ids: Vec<&str> = found.preceding.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(ids, ["a.js::z", "a.js::a"], "same runtime only, each once, in order, none after it");
        assert!(matches!(latest_failure(&store, "a.js::c", 0).unwrap(), Lookup::NoFailure), "never failed");
        assert!(matches!(latest_failure(&store, "a.js::nope", 0).unwrap(), Lookup::NoFailure));
        assert!(matches!(latest_failure(&store, "a.js", 0).unwrap(), Lookup::Ambiguous(all) if all.len() == 5));
        assert!(matches!(latest_failure(&store, "unit:a.js::b", 0).unwrap(), Lookup::Found(_)));
        assert!(matches!(latest_failure(&store, "a.js::b", 3).unwrap(), Lookup::NoFailure), "--since leaves it out");
    }

    #[test]
    fn export_then_import_keeps_a_runs_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("h.db"), true, Duration::from_secs(1)).unwrap();
        use Stored::{Failed, Passed};
        let names = ["a.js::m", "a.js::c", "a.js::x", "a.js::b", "a.js::t"];
        let mut attempts: Vec<AttemptRecord> = names.iter().map(|n| attempt(n, "node", Passed)).collect();
        attempts.push(attempt("a.js::victim", "node", Failed));
        record(&mut store, "r", 1, &attempts);
        let mut exported = Vec::new();
        super::super::transfer::export(&store, 0, &mut exported).unwrap();
        let mut copy = Store::open(&dir.path().join("copy.db"), true, Duration::from_secs(1)).unwrap();
        super::super::transfer::import(&mut copy, &mut exported.as_slice()).unwrap();
        let Lookup::Found(found) = latest_failure(&copy, "a.js::victim", 0).unwrap() else { panic!("not imported") };
        let ids: Vec<&str> = found.preceding.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(ids, names, "the order written, not the ids' order");
    }
}
