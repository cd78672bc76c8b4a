//! [`StatusModel`]: the state of a long-lived process's tests, built from the one event stream,
//! and [`Status`], the versioned value it serves as `/status.json` and `proctor status` prints.
//!
//! The model spans runs: a watch rerun covers only the files a change affects, so each test keeps
//! its latest result until a run that covers its file reports it again (or drops it, when the
//! file no longer has it). The overall state is therefore "are my tests green", not "was the
//! last partial rerun green", which is what a HUD such as Tilt needs.

use crate::events::{Event, EventKind, Outcome, SkipKind};
use crate::select::SkipCause;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::time::SystemTime;

/// The version of the [`Status`] shape; bumped on any change that is not a new optional field.
pub const STATUS_VERSION: u32 = 1;

/// The overall state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// No run has happened yet.
    Idle,
    /// A run is in progress.
    Running,
    /// The latest result of every known test passed (or was skipped), and nothing failed to load.
    Passed,
    /// A test's latest result is a failure, a file failed to load, or the last run had an error
    /// outside tests.
    Failed,
}

/// What an outcome counts as in the status. This is the one place outcomes are classified:
/// a new outcome (such as `flaky` once retries land) is added here and nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Green.
    Passing,
    /// Green in the end, but it failed before passing: listed under `flaky`.
    Flaky,
    /// Red: listed under `failing`.
    Failing,
}

/// The class of an outcome, its name in `/status.json`, and the count it adds to.
fn classify(outcome: Outcome) -> (Class, &'static str, fn(&mut Counts) -> &mut usize) {
    match outcome {
        Outcome::Passed => (Class::Passing, "passed", |c| &mut c.passed),
        Outcome::Flaky => (Class::Flaky, "flaky", |c| &mut c.flaky),
        Outcome::Failed => (Class::Failing, "failed", |c| &mut c.failed),
        Outcome::TimedOut => (Class::Failing, "timed-out", |c| &mut c.timed_out),
        Outcome::Crashed => (Class::Failing, "crashed", |c| &mut c.crashed),
        Outcome::Interrupted => (Class::Failing, "interrupted", |c| &mut c.interrupted),
    }
}

/// Tests (and problems) by outcome, over every test the process knows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// Tests whose latest result passed.
    pub passed: usize,
    /// Tests that failed.
    pub failed: usize,
    /// Tests that timed out.
    pub timed_out: usize,
    /// Tests during which the runtime crashed.
    pub crashed: usize,
    /// Tests stopped by Ctrl-C or SIGTERM.
    pub interrupted: usize,
    /// Tests that passed only after failing (retries); 0 until retries exist.
    pub flaky: usize,
    /// Tests skipped.
    pub skipped: usize,
    /// Tests marked todo.
    pub todo: usize,
    /// Files that failed to load.
    pub load_errors: usize,
    /// Errors outside any test in the last run (hooks, uncaught errors, runtimes that never
    /// started).
    pub runtime_errors: usize,
    /// Every test counted above (load and runtime errors are not tests).
    pub total: usize,
}

/// A failing (or flaky) test, a file that failed to load, or an error outside tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// The test id (`path/file.test.js::group::name`); absent for load and runtime errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The suite.
    pub suite: String,
    /// The file, relative to the project root (absent for runtime errors with no file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The line of the test's declaration (or of a load error), from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Its column, from 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// The test's groups and name joined with ` > `.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `failed`, `timed-out`, `crashed`, `interrupted`, `flaky`, `load-error` or `runtime-error`.
    pub outcome: String,
    /// The error message (first line of the error when the runtime gave no message).
    pub message: String,
}

/// The latest (or current) run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunInfo {
    /// 1 for the process's first run, then counting up.
    pub number: u64,
    /// The git commit the run ran on (`-dirty` appended with uncommitted changes); absent
    /// outside a git repository.
    pub commit: Option<String>,
    /// When it started (RFC 3339, UTC).
    pub started_at: String,
    /// When it ended; absent while it runs.
    pub finished_at: Option<String>,
    /// How long it took in milliseconds; absent while it runs.
    pub duration_ms: Option<u64>,
    /// Tests it has reported so far.
    pub tests: usize,
    /// The test running now, if any.
    pub current: Option<String>,
}

/// `/status.json`: stable; fields are only ever added (see README, "Status as JSON").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// [`STATUS_VERSION`].
    pub version: u32,
    /// The overall state.
    pub state: State,
    /// The state when the last run ended (`passed` or `failed`), also while the next one runs;
    /// absent before the first run ended.
    pub last_result: Option<State>,
    /// Counts by outcome.
    pub counts: Counts,
    /// Tests whose latest result is a failure, then load errors, then errors outside tests.
    pub failing: Vec<Problem>,
    /// Tests that passed only after failing.
    pub flaky: Vec<Problem>,
    /// The latest (or current) run.
    pub run: Option<RunInfo>,
    /// The page of the process serving this (status page and this JSON), token included.
    pub url: Option<String>,
    /// What serves it (`watch`), its process id and project root.
    pub server: Option<ServerInfo>,
}

impl Status {
    /// True when the tests are known to be green: the last run ended passed and nothing is
    /// failing since (what a readiness probe asks).
    pub fn healthy(&self) -> bool {
        self.last_result == Some(State::Passed) && self.failing.is_empty()
    }
}

/// What serves a [`Status`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerInfo {
    /// `watch`.
    pub kind: String,
    /// Its process id.
    pub pid: u32,
    /// The project root.
    pub root: String,
}

/// A test's latest result.
#[derive(Debug, Clone)]
enum Latest {
    Ran { outcome: Outcome, problem: Option<Problem> },
    Skipped(SkipKind),
}

/// Builds a [`Status`] from events, across runs.
#[derive(Debug, Default)]
pub struct StatusModel {
    /// Latest result per (suite, test id).
    results: BTreeMap<(String, String), Latest>,
    /// Load errors per (suite, file).
    load_errors: BTreeMap<(String, String), Problem>,
    /// Errors outside tests in the current (or last) run.
    runtime_errors: Vec<Problem>,
    /// The files the current run covers, per suite.
    covered: BTreeSet<(String, String)>,
    /// The tests the current run has reported.
    reported: BTreeSet<(String, String)>,
    run: Option<RunInfo>,
    running: bool,
    started: Option<SystemTime>,
    last_result: Option<State>,
    runs: u64,
}

impl StatusModel {
    /// Takes in one event.
    pub fn on_event(&mut self, event: &Event) {
        match &event.kind {
            EventKind::RunStarted { plan, .. } => {
                self.runs += 1;
                self.running = true;
                self.started = Some(event.at);
                self.covered =
                    plan.suites.iter().flat_map(|s| s.files.iter().map(|f| (s.id.clone(), f.path.clone()))).collect();
                self.reported.clear();
                self.runtime_errors.clear();
                let covered = &self.covered;
                self.load_errors.retain(|key, _| !covered.contains(key));
                self.run = Some(RunInfo {
                    number: self.runs,
                    commit: None,
                    started_at: rfc3339(event.at),
                    finished_at: None,
                    duration_ms: None,
                    tests: 0,
                    current: None,
                });
            }
            EventKind::TestStarted { test } => {
                if let Some(run) = &mut self.run {
                    run.current = Some(test.id.0.clone());
                }
            }
            EventKind::TestFinished { test, outcome, error, .. } => {
                let (class, name, _) = classify(*outcome);
                let problem = (class != Class::Passing).then(|| Problem {
                    id: Some(test.id.0.clone()),
                    suite: test.suite.clone(),
                    file: Some(test.file.clone()),
                    line: test.location.map(|l| l.line),
                    column: test.location.map(|l| l.column),
                    name: Some(test.full_name()),
                    outcome: name.to_string(),
                    message: error.as_ref().map(error_message).unwrap_or_default(),
                });
                self.note(&test.suite, &test.id.0, Latest::Ran { outcome: *outcome, problem });
                if let Some(run) = &mut self.run {
                    run.current = None;
                }
            }
            EventKind::TestSkipped { test, kind, reason, .. } => {
                let key = (test.suite.clone(), test.id.0.clone());
                // A focused phase (watch runs last time's failures first) skips the rest of
                // their files only for now: their latest results still stand.
                if reason.cause == SkipCause::NotFocused && self.results.contains_key(&key) {
                    self.reported.insert(key);
                } else {
                    self.note(&test.suite, &test.id.0, Latest::Skipped(*kind));
                }
            }
            EventKind::LoadError { suite, file, message, location, .. } => {
                self.load_errors.insert(
                    (suite.clone(), file.clone()),
                    Problem {
                        id: None,
                        suite: suite.clone(),
                        file: Some(file.clone()),
                        line: location.map(|l| l.line),
                        column: location.map(|l| l.column),
                        name: None,
                        outcome: "load-error".into(),
                        message: message.clone(),
                    },
                );
            }
            EventKind::RuntimeError { suite, origin, error, .. } => self.runtime_errors.push(Problem {
                id: None,
                suite: suite.clone(),
                file: None,
                line: None,
                column: None,
                name: Some(origin.clone()),
                outcome: "runtime-error".into(),
                message: error_message(error),
            }),
            EventKind::RunFinished { stats, interrupted } => {
                self.running = false;
                if interrupted.is_none() {
                    // A covered file's tests that this run did not report are gone from it.
                    let (covered, reported) = (&self.covered, &self.reported);
                    self.results.retain(|(suite, id), _| {
                        let file = id.split(protocol::ID_SEPARATOR).next().unwrap_or_default();
                        !covered.contains(&(suite.clone(), file.to_string()))
                            || reported.contains(&(suite.clone(), id.clone()))
                    });
                }
                // Runtimes that never started have no event of their own, only a count.
                let missing = stats.runtime_failures;
                for _ in 0..missing {
                    self.runtime_errors.push(Problem {
                        id: None,
                        suite: String::new(),
                        file: None,
                        line: None,
                        column: None,
                        name: None,
                        outcome: "runtime-error".into(),
                        message: "a runtime never started or never connected".into(),
                    });
                }
                if let Some(run) = &mut self.run {
                    run.finished_at = Some(rfc3339(event.at));
                    run.duration_ms = self
                        .started
                        .and_then(|start| event.at.duration_since(start).ok())
                        .map(|d| d.as_millis() as u64);
                    run.current = None;
                }
                self.last_result = Some(self.settled_state());
            }
            EventKind::RuntimeStarted { .. }
            | EventKind::Built { .. }
            | EventKind::Console { .. }
            | EventKind::SnapshotFile { .. }
            | EventKind::RuntimeRestarted { .. }
            | EventKind::TestAttemptFailed { .. }
            | EventKind::HuntFinished { .. } => {}
        }
    }

    /// The number of the current (or last) run; 0 before the first.
    pub fn run_number(&self) -> u64 {
        self.runs
    }

    /// Records run `number`'s git commit, once known (asking git is left off the event path:
    /// it must not delay a run).
    pub fn set_commit(&mut self, number: u64, commit: Option<String>) {
        if let Some(run) = self.run.as_mut().filter(|run| run.number == number) {
            run.commit = commit;
        }
    }

    fn note(&mut self, suite: &str, id: &str, latest: Latest) {
        let key = (suite.to_string(), id.to_string());
        self.reported.insert(key.clone());
        self.results.insert(key, latest);
        if let Some(run) = &mut self.run {
            run.tests += 1;
        }
    }

    /// Passed or failed from what is known, ignoring whether a run is in progress.
    fn settled_state(&self) -> State {
        let failing = self
            .results
            .values()
            .any(|r| matches!(r, Latest::Ran { outcome, .. } if classify(*outcome).0 == Class::Failing));
        if failing || !self.load_errors.is_empty() || !self.runtime_errors.is_empty() {
            State::Failed
        } else {
            State::Passed
        }
    }

    /// The overall state now.
    pub fn state(&self) -> State {
        if self.running {
            State::Running
        } else if self.runs == 0 {
            State::Idle
        } else {
            self.settled_state()
        }
    }

    /// The status now; `url` and `server` describe who serves it.
    pub fn status(&self, url: Option<String>, server: Option<ServerInfo>) -> Status {
        let mut counts = Counts::default();
        let mut failing = Vec::new();
        let mut flaky = Vec::new();
        for latest in self.results.values() {
            match latest {
                Latest::Ran { outcome, problem } => {
                    let (class, _, count) = classify(*outcome);
                    *count(&mut counts) += 1;
                    match (class, problem) {
                        (Class::Failing, Some(problem)) => failing.push(problem.clone()),
                        (Class::Flaky, Some(problem)) => flaky.push(problem.clone()),
                        _ => {}
                    }
                }
                Latest::Skipped(SkipKind::Skipped) => counts.skipped += 1,
                Latest::Skipped(SkipKind::Todo) => counts.todo += 1,
            }
        }
        counts.total = self.results.len();
        counts.load_errors = self.load_errors.len();
        counts.runtime_errors = self.runtime_errors.len();
        failing.extend(self.load_errors.values().cloned());
        failing.extend(self.runtime_errors.iter().cloned());
        Status {
            version: STATUS_VERSION,
            state: self.state(),
            last_result: self.last_result,
            counts,
            failing,
            flaky,
            run: self.run.clone(),
            url,
            server,
        }
    }
}

/// The longest message kept; a message can hold a whole serialized object.
const MESSAGE_CHARS: usize = 4000;

/// An error's message as the runtime gave it (the diff lines of a failed expectation
/// included), named by its class unless it already starts with it; at most [`MESSAGE_CHARS`].
fn error_message(error: &protocol::ErrorInfo) -> String {
    let text = error.message.trim();
    let named = if error.name.is_empty() || text.starts_with(&error.name) {
        text.to_string()
    } else if text.is_empty() {
        error.name.clone()
    } else {
        format!("{}: {text}", error.name)
    };
    match named.char_indices().nth(MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &named[..cut]),
        None => named,
    }
}

/// `2026-12-04T01:02:03.456Z`.
pub(crate) fn rfc3339(at: SystemTime) -> String {
    let since = at.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    // Howard Hinnant's days-to-civil: exact for the proleptic Gregorian calendar.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        since.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RuntimeKind;
    use crate::events::{TestId, TestInfo};
    use crate::plan::{Location, Plan, PlannedFile, PlannedSuite};
    use crate::select::SkipReason;
    use crate::session::RunStats;
    use protocol::ErrorInfo;
    use std::sync::Arc;
    use std::time::Duration;

    fn test(file: &str, name: &str, line: usize) -> Arc<TestInfo> {
        Arc::new(TestInfo {
            id: TestId(format!("{file}::{name}")),
            suite: "unit".into(),
            runtime: RuntimeKind::Node,
            instance: None,
            file: file.into(),
            groups: vec!["g".into()],
            name: name.into(),
            tags: vec![],
            location: Some(Location { line, column: 3 }),
        })
    }

    fn plan(files: &[&str]) -> Arc<Plan> {
        let files = files
            .iter()
            .map(|f| PlannedFile {
                path: f.to_string(),
                abs: format!("/p/{f}").into(),
                syntax_error: None,
                selected: true,
                nodes: vec![],
                imports: vec![],
                subjects: vec![],
                environment: None,
                vitest_project: false,
            })
            .collect();
        Arc::new(Plan {
            root: "/p".into(),
            suites: vec![PlannedSuite {
                id: "unit".into(),
                runtimes: vec![RuntimeKind::Node],
                timeout_ms: 5000,
                files,
            }],
        })
    }

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_000_000 + secs)
    }

    fn feed(model: &mut StatusModel, secs: u64, kind: EventKind) {
        let event = Event { at: at(secs), elapsed: Duration::ZERO, kind };
        model.on_event(&event);
        if matches!(event.kind, EventKind::RunStarted { .. }) {
            model.set_commit(model.run_number(), Some("abc123".into()));
        }
    }

    fn finished(t: &Arc<TestInfo>, outcome: Outcome, message: &str) -> EventKind {
        let error = (outcome != Outcome::Passed).then(|| ErrorInfo {
            name: "AssertionError".into(),
            message: message.into(),
            ..ErrorInfo::default()
        });
        EventKind::TestFinished {
            test: t.clone(),
            outcome,
            duration: Duration::from_millis(5),
            error,
            stats: RunStats::default(),
            attempt: crate::events::Attempt::ONCE,
        }
    }

    fn run_finished() -> EventKind {
        EventKind::RunFinished { stats: RunStats::default(), interrupted: None }
    }

    #[test]
    fn idle_then_running_then_passed_with_counts_times_and_commit() {
        let mut model = StatusModel::default();
        assert_eq!(model.status(None, None).state, State::Idle);
        assert!(!model.status(None, None).healthy());
        let (a, b) = (test("a.test.js", "one", 4), test("a.test.js", "two", 9));
        feed(&mut model, 0, EventKind::RunStarted { plan: plan(&["a.test.js"]), seed: None });
        feed(&mut model, 0, EventKind::TestStarted { test: a.clone() });
        let status = model.status(Some("http://x/?token=t".into()), None);
        assert_eq!(status.state, State::Running);
        assert_eq!(status.run.as_ref().unwrap().current.as_deref(), Some("a.test.js::one"));
        assert_eq!(status.run.as_ref().unwrap().commit.as_deref(), Some("abc123"));
        feed(&mut model, 1, finished(&a, Outcome::Passed, ""));
        feed(
            &mut model,
            1,
            EventKind::TestSkipped {
                test: b.clone(),
                kind: SkipKind::Todo,
                reason: SkipReason::new(SkipCause::Todo, "todo"),
                stats: RunStats::default(),
            },
        );
        feed(&mut model, 2, run_finished());
        let status = model.status(None, None);
        assert_eq!(status.state, State::Passed);
        assert_eq!(status.last_result, Some(State::Passed));
        assert!(status.healthy());
        assert_eq!((status.counts.passed, status.counts.todo, status.counts.total), (1, 1, 2));
        let run = status.run.unwrap();
        assert_eq!(run.started_at, "2026-11-30T00:53:20.000Z");
        assert_eq!(run.duration_ms, Some(2000));
        assert!(run.finished_at.is_some() && run.current.is_none());
    }

    #[test]
    fn a_failure_is_listed_with_file_line_and_message_until_a_later_run_passes_it() {
        let mut model = StatusModel::default();
        let (a, b) = (test("a.test.js", "one", 4), test("b.test.js", "two", 7));
        feed(&mut model, 0, EventKind::RunStarted { plan: plan(&["a.test.js", "b.test.js"]), seed: None });
        feed(&mut model, 0, finished(&a, Outcome::Failed, "expected 1 to be 2\n- Expected\n+ Received"));
        feed(&mut model, 0, finished(&b, Outcome::Passed, ""));
        feed(&mut model, 1, run_finished());
        let status = model.status(None, None);
        assert_eq!(status.state, State::Failed);
        let failing = &status.failing[0];
        assert_eq!(failing.id.as_deref(), Some("a.test.js::one"));
        assert_eq!((failing.file.as_deref(), failing.line, failing.column), (Some("a.test.js"), Some(4), Some(3)));
        assert_eq!(failing.message, "AssertionError: expected 1 to be 2\n- Expected\n+ Received");
        assert_eq!(failing.name.as_deref(), Some("g > one"));

        // A rerun of b alone keeps a's failure: the state stays failed.
        feed(&mut model, 2, EventKind::RunStarted { plan: plan(&["b.test.js"]), seed: None });
        assert_eq!(model.state(), State::Running);
        assert_eq!(model.status(None, None).last_result, Some(State::Failed));
        assert!(!model.status(None, None).healthy());
        feed(&mut model, 2, finished(&b, Outcome::Passed, ""));
        feed(&mut model, 3, run_finished());
        assert_eq!(model.state(), State::Failed);
        assert_eq!(model.status(None, None).counts.passed, 1);

        // A rerun of a that passes turns it green.
        feed(&mut model, 4, EventKind::RunStarted { plan: plan(&["a.test.js"]), seed: None });
        feed(&mut model, 4, finished(&a, Outcome::Passed, ""));
        feed(&mut model, 5, run_finished());
        let status = model.status(None, None);
        assert_eq!((status.state, status.counts.passed, status.failing.len()), (State::Passed, 2, 0));
        assert_eq!(status.run.unwrap().number, 3);
    }

    #[test]
    fn a_test_removed_from_a_rerun_file_is_dropped_and_load_errors_count_as_failing() {
        let mut model = StatusModel::default();
        let (a, gone) = (test("a.test.js", "one", 4), test("a.test.js", "gone", 8));
        feed(&mut model, 0, EventKind::RunStarted { plan: plan(&["a.test.js"]), seed: None });
        feed(&mut model, 0, finished(&a, Outcome::Passed, ""));
        feed(&mut model, 0, finished(&gone, Outcome::TimedOut, "timed out after 5000 ms"));
        feed(&mut model, 1, run_finished());
        assert_eq!(model.status(None, None).counts.timed_out, 1);
        feed(&mut model, 2, EventKind::RunStarted { plan: plan(&["a.test.js", "c.test.js"]), seed: None });
        feed(&mut model, 2, finished(&a, Outcome::Passed, ""));
        feed(
            &mut model,
            2,
            EventKind::LoadError {
                suite: "unit".into(),
                file: "c.test.js".into(),
                message: "c.test.js:2:1: Unexpected token".into(),
                location: Some(Location { line: 2, column: 1 }),
                frame: None,
                stack: None,
                stats: RunStats::default(),
            },
        );
        feed(&mut model, 3, run_finished());
        let status = model.status(None, None);
        assert_eq!((status.counts.total, status.counts.timed_out, status.counts.load_errors), (1, 0, 1));
        assert_eq!(status.state, State::Failed);
        assert_eq!(status.failing[0].outcome, "load-error");
        assert_eq!(status.failing[0].line, Some(2));
        // The file fixed: its load error goes with the next run that covers it.
        feed(&mut model, 4, EventKind::RunStarted { plan: plan(&["c.test.js"]), seed: None });
        feed(&mut model, 5, run_finished());
        assert_eq!(model.state(), State::Passed);
    }

    #[test]
    fn a_focused_phase_keeps_the_latest_results_of_the_tests_it_leaves_out() {
        let mut model = StatusModel::default();
        let (a, b) = (test("a.test.js", "one", 4), test("a.test.js", "two", 9));
        feed(&mut model, 0, EventKind::RunStarted { plan: plan(&["a.test.js"]), seed: None });
        feed(&mut model, 0, finished(&a, Outcome::Failed, "no"));
        feed(&mut model, 0, finished(&b, Outcome::Passed, ""));
        feed(&mut model, 1, run_finished());
        feed(&mut model, 2, EventKind::RunStarted { plan: plan(&["a.test.js"]), seed: None });
        feed(&mut model, 2, finished(&a, Outcome::Passed, ""));
        feed(
            &mut model,
            2,
            EventKind::TestSkipped {
                test: b.clone(),
                kind: SkipKind::Skipped,
                reason: SkipReason::new(SkipCause::NotFocused, "not focused"),
                stats: RunStats::default(),
            },
        );
        feed(&mut model, 3, run_finished());
        let status = model.status(None, None);
        assert_eq!((status.counts.passed, status.counts.skipped, status.state), (2, 0, State::Passed));
    }

    #[test]
    fn the_json_shape_is_versioned_and_camel_case() {
        let mut model = StatusModel::default();
        feed(&mut model, 0, EventKind::RunStarted { plan: plan(&[]), seed: None });
        feed(
            &mut model,
            1,
            EventKind::RunFinished {
                stats: RunStats { runtime_failures: 1, ..RunStats::default() },
                interrupted: None,
            },
        );
        let json = serde_json::to_value(model.status(Some("u".into()), None)).unwrap();
        assert_eq!(json["version"], 1);
        assert_eq!(json["state"], "failed");
        assert_eq!(json["lastResult"], "failed");
        assert_eq!(json["counts"]["runtimeErrors"], 1);
        assert_eq!(json["counts"]["timedOut"], 0);
        assert_eq!(json["run"]["startedAt"], "2026-11-30T00:53:20.000Z");
        assert_eq!(json["url"], "u");
        let back: Status = serde_json::from_value(json).unwrap();
        assert_eq!(back.version, STATUS_VERSION);
    }

    #[test]
    fn rfc3339_is_utc_with_milliseconds() {
        assert_eq!(rfc3339(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let leap = SystemTime::UNIX_EPOCH + Duration::from_millis(951_782_400_000 + 1_234);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:01.234Z");
    }
}
