//! What history keeps: a [`RunRecord`] per run and an [`AttemptRecord`] per try of a test, in
//! the shape the database stores and `proctor history export` writes (one JSON line per run).
//! [`attempt_of`] is the one place an event's test result becomes a record.

use super::key::CodeKey;
use crate::events::{Outcome, TestInfo};
use protocol::ErrorInfo;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::{Duration, SystemTime};

/// One run: where and on what code it ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// A random id, unique per run; imports are deduplicated by it.
    pub run_id: String,
    /// When it started, in milliseconds since the Unix epoch.
    pub started_at: i64,
    /// When it ended, when it did.
    pub finished_at: Option<i64>,
    /// The git commit, tree and branch.
    #[serde(flatten)]
    pub key: CodeKey,
    /// The machine's host name.
    pub host: String,
    /// The shuffle seed (`--seed`, `--random`).
    pub seed: Option<u64>,
}

/// How an attempt ended, as stored (interrupted tests are not recorded: they did not finish).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stored {
    /// Passed.
    Passed,
    /// Threw or an expectation failed.
    Failed,
    /// Ran past its deadline.
    TimedOut,
    /// The runtime died under it.
    Crashed,
}

impl Stored {
    /// Its code in the database (0 is the only passing one, which the queries rely on).
    pub fn code(self) -> i64 {
        match self {
            Stored::Passed => 0,
            Stored::Failed => 1,
            Stored::TimedOut => 2,
            Stored::Crashed => 3,
        }
    }

    /// The outcome a database code stands for.
    pub fn from_code(code: i64) -> Stored {
        match code {
            0 => Stored::Passed,
            2 => Stored::TimedOut,
            3 => Stored::Crashed,
            _ => Stored::Failed,
        }
    }
}

/// One try of one test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptRecord {
    /// The test's id (as everywhere in proctor).
    pub test: String,
    /// Its suite.
    pub suite: String,
    /// The runtime kind (`node`, `chromium`, `attach`).
    pub runtime: String,
    /// Which runtime of that kind, when several are kept (`chromium#2`).
    pub instance: Option<String>,
    /// How it ended.
    pub outcome: Stored,
    /// How long it ran, in milliseconds.
    pub duration_ms: f64,
    /// Which try (1 for the first).
    pub attempt: u32,
    /// The failure's first line (`TypeError: x is undefined`).
    pub message: Option<String>,
    /// Where it failed: the first stack frame in the project's own files (`path:line:column`).
    pub location: Option<String>,
    /// When it ended, in milliseconds since the Unix epoch.
    pub at: i64,
}

/// The record of a test's try (`attempt` from 1), or `None` for a test that an interruption
/// stopped. Retries call this for each failed try and for the final result.
pub fn attempt_of(
    test: &TestInfo,
    outcome: Outcome,
    duration: Duration,
    error: Option<&ErrorInfo>,
    attempt: u32,
    root: &Path,
) -> Option<AttemptRecord> {
    let outcome = match outcome {
        // A flaky test's settling try passed; its failed tries are recorded one by one.
        Outcome::Passed | Outcome::Flaky => Stored::Passed,
        Outcome::Failed => Stored::Failed,
        Outcome::TimedOut => Stored::TimedOut,
        Outcome::Crashed => Stored::Crashed,
        Outcome::Interrupted => return None,
    };
    let message = error.map(|e| {
        let first = e.message.lines().next().unwrap_or("");
        if e.name.is_empty() {
            first.to_owned()
        } else {
            format!("{}: {first}", e.name)
        }
    });
    let location = error
        .and_then(|e| e.stack.as_deref())
        .and_then(|stack| crate::report::user_frames(stack, root).into_iter().next())
        .map(|f| format!("{}:{}:{}", f.path, f.line, f.column));
    Some(AttemptRecord {
        test: test.id.0.clone(),
        suite: test.suite.clone(),
        runtime: test.runtime.name().to_owned(),
        instance: test.instance.clone(),
        outcome,
        duration_ms: duration.as_secs_f64() * 1000.0,
        attempt,
        message,
        location,
        at: unix_ms(SystemTime::now()),
    })
}

/// Milliseconds since the Unix epoch.
pub fn unix_ms(at: SystemTime) -> i64 {
    at.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}
