//! The one typed event stream: everything a reporter ever sees is an [`Event`].
//!
//! The session translates wire messages into events (the two vocabularies stay apart: events
//! carry no command ids or epochs), and counts once: `TestFinished`, `TestSkipped`, `LoadError`
//! and `RunFinished` carry a snapshot of [`RunStats`].

use crate::config::RuntimeKind;
use crate::plan::{Location, Plan};
use crate::select::SkipReason;
use crate::session::{Ledger, RunStats, SnapshotAction, SnapshotStats};
use protocol::{ConsoleLevel, ErrorInfo, RuntimeInfo, Stream};
use serde::{Serialize, Serializer};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// A test id: `path/to/file.test.js::group::test name` (see `protocol::test_id`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TestId(pub String);

impl std::fmt::Display for TestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One test as it will run: the runtime's registration reconciled with the plan.
#[derive(Debug, Clone, Serialize)]
pub struct TestInfo {
    /// Its id.
    pub id: TestId,
    /// The suite it belongs to.
    pub suite: String,
    /// The runtime it runs in (a suite may run in several).
    pub runtime: RuntimeKind,
    /// Which of several runtimes of that kind, e.g. `chromium#2` or `attach#1` (runs through
    /// `proctor serve`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Its file, relative to the root.
    pub file: String,
    /// Enclosing group names, outermost first.
    pub groups: Vec<String>,
    /// Its own name.
    pub name: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// Where it is declared, when the plan could tell.
    pub location: Option<Location>,
}

impl TestInfo {
    /// Groups and name joined with ` > `, as JUnit and the summary show it.
    pub fn full_name(&self) -> String {
        let mut parts: Vec<&str> = self.groups.iter().map(String::as_str).collect();
        parts.push(&self.name);
        parts.join(" > ")
    }

    /// Its file, then its enclosing groups' names: the path `--seed` keeps contiguous.
    pub fn file_and_groups(&self) -> Vec<String> {
        std::iter::once(self.file.clone()).chain(self.groups.iter().cloned()).collect()
    }

    /// For unit tests: the node test `name` at the top of `a.test.js` in suite `unit`.
    #[cfg(test)]
    pub(crate) fn sample(name: &str) -> Arc<TestInfo> {
        Arc::new(TestInfo {
            id: TestId(format!("a.test.js::{name}")),
            suite: "unit".into(),
            runtime: crate::config::RuntimeKind::Node,
            instance: None,
            file: "a.test.js".into(),
            groups: vec![],
            name: name.into(),
            tags: vec![],
            location: None,
        })
    }
}

/// How a test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// It passed.
    Passed,
    /// It threw or an expectation failed.
    Failed,
    /// It did not settle before its deadline; the runtime was restarted.
    TimedOut,
    /// The runtime died while it ran (`process.exit`, a crash); the runtime was restarted.
    Crashed,
    /// It was running when Ctrl-C or SIGTERM stopped the run; the runtime was stopped.
    Interrupted,
    /// It failed, then passed on a retry (nextest's FLAKY): a pass unless `--flaky-result fail`.
    Flaky,
}

impl Outcome {
    /// True for the outcomes that fail the run (flaky does only under `--flaky-result fail`).
    pub fn is_failure(self) -> bool {
        !matches!(self, Outcome::Passed | Outcome::Flaky)
    }
}

/// Which try of which repeat a result is: retries are tries of one result, repeats are results
/// of their own (`--repeat`, `--hunt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Attempt {
    /// The try that settled it (or that failed), from 1.
    pub attempt: u32,
    /// Tries it may have in all: its retries + 1.
    pub attempts: u32,
    /// Which run of the test this is, from 1, under a repeat mode; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat: Option<u32>,
}

impl Attempt {
    /// A test's only try, not repeated.
    pub const ONCE: Attempt = Attempt { attempt: 1, attempts: 1, repeat: None };

    /// True when there is nothing to say: one try, no repeat (the JSON leaves it out).
    pub fn is_once(&self) -> bool {
        *self == Attempt::ONCE
    }
}

/// The signal that stopped a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Interruption {
    /// Ctrl-C.
    #[serde(rename = "SIGINT")]
    Sigint,
    /// `kill` (what CI systems and process managers send to stop a job).
    #[serde(rename = "SIGTERM")]
    Sigterm,
}

impl Interruption {
    /// Its usual name, as in `interrupted by SIGINT`.
    pub fn name(self) -> &'static str {
        match self {
            Interruption::Sigint => "SIGINT",
            Interruption::Sigterm => "SIGTERM",
        }
    }
}

/// How a test that did not run is shown (the why is its [`SkipReason`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipKind {
    /// Skipped (`.skip`, `.only` elsewhere, the selection, or `--fail-fast`).
    Skipped,
    /// Declared with `.todo`.
    Todo,
}

/// An event, stamped.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// Wall-clock time it happened.
    #[serde(serialize_with = "unix_millis")]
    pub at: SystemTime,
    /// Time since the run started.
    #[serde(rename = "elapsed_ms", serialize_with = "millis")]
    pub elapsed: Duration,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened, in lifecycle order.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum EventKind {
    /// The run begins; the plan is known and selected (nothing has started yet).
    RunStarted {
        /// The plan, with every test's selection decision.
        plan: Arc<Plan>,
        /// The seed tests are shuffled with (`--seed`, `--random`), to replay the order.
        seed: Option<u64>,
    },
    /// A runtime connected and said hello.
    RuntimeStarted {
        /// The suite it serves.
        suite: String,
        /// Its kind from the config.
        kind: RuntimeKind,
        /// Which runtime of that kind, e.g. `chromium#1`, when a server keeps several.
        #[serde(skip_serializing_if = "Option::is_none")]
        instance: Option<String>,
        /// The DevTools target (browser tab) it runs in, when known.
        #[serde(skip_serializing_if = "Option::is_none")]
        target: Option<String>,
        /// What the runtime said about itself.
        runtime: RuntimeInfo,
        /// Started as a fresh page for the next test file, not after a crash: what the file
        /// before left in its page that a fresh realm cannot undo (`the custom element <x-foo>`).
        #[serde(skip_serializing_if = "Option::is_none")]
        fresh_page: Option<String>,
    },
    /// A browser build finished (the page, and the bundle if the suite bundles).
    Built {
        /// The suite.
        suite: String,
        /// The runtime it was built for.
        runtime: RuntimeKind,
        /// The tool (`esm`, `esbuild`, `esbuild --minify`, or the user's command).
        tool: String,
        /// How long the build took.
        #[serde(rename = "duration_ms", serialize_with = "millis")]
        duration: Duration,
    },
    /// A test file could not be loaded: a syntax error from the plan, or an error the runtime
    /// threw while importing it.
    LoadError {
        /// The suite.
        suite: String,
        /// The file, relative to the root.
        file: String,
        /// The error message (naming `file:line:column` where known).
        message: String,
        /// Where the error is, when known.
        location: Option<Location>,
        /// A code frame around that location.
        frame: Option<String>,
        /// The runtime's stack, for errors thrown while importing.
        stack: Option<String>,
        /// Counts so far.
        stats: RunStats,
    },
    /// A test became the one the runtime is running.
    TestStarted {
        /// The test.
        test: Arc<TestInfo>,
    },
    /// Output the runtime printed.
    Console {
        /// The suite.
        suite: String,
        /// The test that printed it, if one was running.
        test: Option<TestId>,
        /// The test whose callback printed it after that test had ended (`test` is then
        /// `None`), when the runtime can tell; such output is never pinned on the test that
        /// happens to be running.
        #[serde(skip_serializing_if = "Option::is_none")]
        after: Option<TestId>,
        /// stdout or stderr.
        stream: Stream,
        /// The console method (or a raw write).
        level: ConsoleLevel,
        /// The text.
        text: String,
    },
    /// A test ended.
    TestFinished {
        /// The test.
        test: Arc<TestInfo>,
        /// How.
        outcome: Outcome,
        /// How long it ran.
        #[serde(rename = "duration_ms", serialize_with = "millis")]
        duration: Duration,
        /// The error, unless it passed.
        error: Option<ErrorInfo>,
        /// Which try settled it, of how many, and which repeat it is (left out of JSON for a
        /// test's only try).
        #[serde(flatten, skip_serializing_if = "Attempt::is_once")]
        attempt: Attempt,
        /// Counts so far.
        stats: RunStats,
    },
    /// A try of a test failed and it will be tried again (`--retries`, `retry`): the final
    /// `TestFinished` follows after the last try.
    TestAttemptFailed {
        /// The test.
        test: Arc<TestInfo>,
        /// The try that failed, of how many, and which repeat.
        #[serde(flatten)]
        attempt: Attempt,
        /// How the try ended: failed, timed out or crashed (a retry after the last two runs in a
        /// fresh runtime).
        outcome: Outcome,
        /// How long the try ran.
        #[serde(rename = "duration_ms", serialize_with = "millis")]
        duration: Duration,
        /// Why it failed.
        error: ErrorInfo,
    },
    /// `--hunt` is done with a test: it flipped, or a streak bounds its failure rate.
    HuntFinished {
        /// The test.
        test: Arc<TestInfo>,
        /// What it concluded.
        verdict: crate::retry::HuntVerdict,
        /// Runs of the test.
        runs: u32,
        /// Of which failed.
        failures: u32,
        /// The same in words, e.g. `stable: passed 299 of 299 runs, failure rate < 1% at 95%
        /// confidence`.
        summary: String,
    },
    /// A test that will not run.
    TestSkipped {
        /// The test.
        test: Arc<TestInfo>,
        /// Skipped or todo.
        kind: SkipKind,
        /// Why: the rule (`cause`) and the same in words (`reason`).
        #[serde(flatten)]
        reason: SkipReason,
        /// Counts so far.
        stats: RunStats,
    },
    /// An error outside any test (an `afterAll` hook, an uncaught error between tests).
    RuntimeError {
        /// The suite.
        suite: String,
        /// Where it happened.
        origin: String,
        /// The error.
        error: ErrorInfo,
        /// Counts so far.
        stats: RunStats,
    },
    /// A test file's tests are done and it has snapshots: what they did, and what was written.
    SnapshotFile {
        /// The suite.
        suite: String,
        /// The test file, relative to the root.
        file: String,
        /// Its snapshot file, relative to the root.
        path: String,
        /// What was done to the snapshot file, if anything.
        action: Option<SnapshotAction>,
        /// This file's counts.
        counts: SnapshotStats,
        /// Counts so far.
        stats: RunStats,
    },
    /// The runtime was killed and started again; the run continues with the next test.
    RuntimeRestarted {
        /// The suite.
        suite: String,
        /// Why.
        reason: String,
    },
    /// The run is over.
    RunFinished {
        /// Final counts.
        stats: RunStats,
        /// The signal that stopped the run early, if one did; every selected test is still
        /// reported (the running one as interrupted, the rest as not run).
        #[serde(skip_serializing_if = "Option::is_none")]
        interrupted: Option<Interruption>,
    },
}

fn millis<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1_000_000.0).round() / 1000.0)
}

fn unix_millis<S: Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
    let ms = t.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    s.serialize_u64(ms)
}

/// Stamps [`EventKind`]s and hands them to the reporters: the session's only output. It also
/// keeps the run's [`Ledger`] (what has been reported), so an interrupted run can report the
/// rest.
pub struct Emitter<'r> {
    started: std::time::Instant,
    reporters: &'r mut crate::report::Fanout,
    ledger: Ledger,
}

impl<'r> Emitter<'r> {
    /// Starts the clock for a run.
    pub fn new(reporters: &'r mut crate::report::Fanout) -> Self {
        Emitter { started: std::time::Instant::now(), reporters, ledger: Ledger::default() }
    }

    /// Sends one event to every reporter.
    pub fn emit(&mut self, kind: EventKind) {
        self.ledger.note(&kind);
        let event = Event { at: SystemTime::now(), elapsed: self.started.elapsed(), kind };
        self.reporters.on_event(&event);
    }

    /// What the run has reported and scheduled so far.
    pub(crate) fn ledger(&mut self) -> &mut Ledger {
        &mut self.ledger
    }
}
