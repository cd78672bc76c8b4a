//! The driver: runs one suite on node. It starts the runtime, loads the files, dispatches
//! `run-test` one test at a time (with a small window in flight so the socket round trip does
//! not add to every test), arms each test's deadline in the host, and recovers from timeouts and
//! crashes by restarting the runtime and continuing with the next test.

use super::blame::{display_site, load_stalled, Ending, RunningHook};
use super::file_snapshots;
use super::inline_snapshots;
use super::realms::file_steps;
use super::reconcile::{planned_scheduled, reconcile, Disposition, Scheduled};
use super::snapshots;
use super::{FailFast, RunStats};
use crate::events::{Attempt, Emitter, EventKind, Outcome, TestId, TestInfo};
use crate::plan::PlannedSuite;
use crate::retry::{RepeatState, Tries};
use crate::runtime::Launch;
use crate::select::{Selection, SkipCause, SkipReason};
use crate::server::{Connection, Inbound};
use protocol::{
    CommandId, ConsoleLevel, ControllerMessage, ErrorInfo, HookKind, HostMessage, InlineSnapshot, LoadError,
    RegisteredTest, RunEpoch, SnapshotCounts, SnapshotUpdate, Stream, TestStatus, PROTOCOL_VERSION,
};
use runtimes::{RawOutput, Runtime};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::{sleep_until, timeout};

/// How many `run-test` commands may be in flight at once. The controller still runs them one
/// at a time; the window only hides the socket round trip.
const WINDOW: usize = 32;
/// How long a runtime may take to connect and say hello (`PROCTOR_CONNECT_TIMEOUT` overrides).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// When a step that started at `from` with a time limit of `limit` times out; a limit of zero
/// means none (mocha's `this.timeout(0)`, Vitest's `testTimeout: 0`).
fn deadline_after(from: Instant, limit: Duration) -> Option<tokio::time::Instant> {
    (!limit.is_zero()).then(|| tokio::time::Instant::from_std(from + limit))
}

/// A sleep target for a `select!` branch that its `if` guard disables anyway.
fn far_future() -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_secs(86_400 * 365)
}

fn connect_timeout() -> Duration {
    std::env::var("PROCTOR_CONNECT_TIMEOUT")
        .ok()
        .and_then(|text| crate::config::parse_duration(&text))
        .unwrap_or(CONNECT_TIMEOUT)
}
/// How long a runtime gets to exit on its own after `shutdown` or a closed socket.
const EXIT_GRACE: Duration = Duration::from_secs(2);
/// Lines of a runtime's own stderr kept to explain a crash.
const STDERR_TAIL: usize = 20;

/// What the driver needs from the resolved config.
pub struct SuiteSettings<'a> {
    /// The planned suite.
    pub suite: &'a PlannedSuite,
    /// The runtime this pass over the suite uses.
    pub runtime: crate::config::RuntimeKind,
    /// Which runtime of that kind (`chromium#2`), when a server keeps several.
    pub instance: Option<String>,
    /// `--timeout`, when given.
    pub timeout_override: Option<Duration>,
    /// Which tests run (decides each registered test).
    pub selection: &'a Selection,
    /// `--seed`: shuffle the order with it.
    pub seed: Option<u64>,
    /// `--fail-fast`: shared by every suite of the run.
    pub fail_fast: Option<&'a FailFast>,
    /// The project root: test files and their snapshot files are relative to it.
    pub root: &'a std::path::Path,
    /// What happens to new and differing snapshots (`-u`, CI).
    pub snapshot_update: SnapshotUpdate,
    /// The suite's `snapshot-format`, when it sets one.
    pub snapshot_format: Option<protocol::SnapshotFormat>,
    /// Load and run one file at a time, each in a fresh realm (see [`Driver::run_isolated`]).
    pub isolate: bool,
    /// How many retries its tests get (before their own setting), and the pause before each.
    pub retries: crate::retry::Retries,
    /// How often each selected test runs.
    pub repeat: crate::retry::Repeat,
}

/// Why a runtime could not be brought to the point of running tests.
#[derive(Debug, thiserror::Error)]
enum StartError {
    #[error("the server stopped accepting connections")]
    ServerGone,
    #[error("{0}")]
    Runtime(#[from] runtimes::RuntimeError),
    #[error("node {exit} before its controller connected{stderr}")]
    ExitedEarly { exit: runtimes::ExitInfo, stderr: String },
    #[error("the runtime did not connect within {:.1}s{stderr} (hint: is something blocking 127.0.0.1? PROCTOR_CONNECT_TIMEOUT sets the wait)", .waited.as_secs_f64())]
    NoConnection { waited: Duration, stderr: String },
    #[error("the controller speaks protocol {got}, the host speaks {PROTOCOL_VERSION} (hint: rebuild proctor)")]
    ProtocolMismatch { got: u32 },
    #[error("the runtime closed the connection while {stage}{stderr}")]
    Closed { stage: &'static str, stderr: String },
    #[error("the controller sent a malformed message: {0}")]
    Malformed(String),
    #[error("loading the test files made no progress for {} ms{}", .waited.as_millis(), .file.as_ref().map(|f| format!(" while importing {f}")).unwrap_or_default())]
    LoadStalled { file: Option<String>, waited: Duration },
}

/// A runtime that is connected and has loaded the test files.
struct Live<P> {
    process: P,
    conn: Connection,
    epoch: RunEpoch,
    output_open: bool,
}

/// A test in the dispatch window: sent (`Ok(command, deadline)`) or to be reported as not run
/// when it reaches the head (`Err(kind, reason)`).
struct InFlight {
    command: Result<(CommandId, Duration, Tries), (crate::events::SkipKind, SkipReason)>,
    test: Arc<TestInfo>,
}

/// The per-suite driver state.
struct Driver<'a, 'e, L: Launch> {
    settings: &'a SuiteSettings<'a>,
    launch: &'a mut L,
    connections: &'a mut UnboundedReceiver<Connection>,
    emitter: &'a mut Emitter<'e>,
    stats: &'a mut RunStats,
    next_command: CommandId,
    next_epoch: RunEpoch,
    stderr_tail: VecDeque<String>,
    /// Load the files one at a time, each announced, since a top level once did not finish.
    load_sequential: bool,
    /// Files whose top level never finished: reported as load errors, left out of every load.
    load_skip: Vec<String>,
    /// With isolation, the file being run: every load (also after a restart) loads only it.
    only: Vec<String>,
    /// The id of a `load` sent ahead, behind the previous file's `finish`.
    prefetched: Option<CommandId>,
    /// What the running page cannot undo, once its controller said so (`page-tainted`): with
    /// isolation the next file gets a fresh page (see [`Driver::run_isolated`]).
    page_tainted: Option<String>,
    /// Why the next start is a fresh page, for its `RuntimeStarted`.
    fresh_page: Option<String>,
    /// A fresh page opened while the tainted one still runs its file, for the next start.
    spare: Option<L::Running>,
    /// Under `--repeat-until-fail`, `--repeat-for` and `--hunt`: each test's runs so far.
    repeats: std::collections::HashMap<TestId, RepeatState>,
    /// With isolation, the file's `finish` and the next file's `load`, sent right behind the
    /// file's last `run-test` (see [`Driver::send_ahead`]).
    ahead: Option<Ahead>,
}

/// A file's `finish` and the next file's `load`, to send behind its last `run-test` (`Due`,
/// with the next file), or sent to the runtime of epoch `epoch` (`Sent`).
enum Ahead {
    Due(String),
    Sent { epoch: RunEpoch, finish: CommandId, load: CommandId },
}

/// Reports the suite's selected files that did not parse as load errors; returns the other
/// selected files (relative and absolute path), which are the ones to load.
pub fn report_syntax_errors(
    suite: &PlannedSuite,
    emitter: &mut Emitter<'_>,
    stats: &mut RunStats,
) -> Vec<(String, std::path::PathBuf)> {
    for file in suite.files.iter().filter(|f| f.selected) {
        if let Some(err) = &file.syntax_error {
            stats.load_errors += 1;
            emitter.emit(EventKind::LoadError {
                suite: suite.id.clone(),
                file: file.path.clone(),
                message: format!(
                    "{}:{}:{}: SyntaxError: {}",
                    file.path, err.location.line, err.location.column, err.message
                ),
                location: Some(err.location),
                frame: Some(err.frame.clone()).filter(|f| !f.is_empty()),
                stack: None,
                stats: *stats,
            });
        }
    }
    suite
        .files
        .iter()
        .filter(|f| f.syntax_error.is_none() && f.selected)
        .map(|f| (f.path.clone(), f.abs.clone()))
        .collect()
}

/// Runs the loadable files of one suite in runtimes from `launch`, which connect through
/// `connections`; reports through `emitter` and counts into `stats`.
pub async fn run_suite<L: Launch>(
    settings: &SuiteSettings<'_>,
    launch: &mut L,
    connections: &mut UnboundedReceiver<Connection>,
    emitter: &mut Emitter<'_>,
    stats: &mut RunStats,
) {
    let mut driver = Driver {
        settings,
        launch,
        connections,
        emitter,
        stats,
        next_command: 1,
        next_epoch: 1,
        stderr_tail: VecDeque::new(),
        load_sequential: false,
        load_skip: Vec::new(),
        only: Vec::new(),
        prefetched: None,
        page_tainted: None,
        fresh_page: None,
        spare: None,
        repeats: std::collections::HashMap::new(),
        ahead: None,
    };
    if settings.isolate {
        driver.run_isolated().await;
    } else {
        driver.run().await;
    }
}

/// Records a runtime that could not be started at all (an environment problem: exit code 2).
pub fn start_failed(suite: &str, message: String, emitter: &mut Emitter<'_>, stats: &mut RunStats) {
    stats.runtime_failures += 1;
    emitter.emit(EventKind::RuntimeError {
        suite: suite.to_owned(),
        origin: "starting the runtime".into(),
        error: ErrorInfo { name: "RuntimeError".into(), message, ..ErrorInfo::default() },
        stats: *stats,
    });
}

impl<L: Launch> Driver<'_, '_, L> {
    fn suite_id(&self) -> String {
        self.settings.suite.id.clone()
    }

    fn command_id(&mut self) -> CommandId {
        let id = self.next_command;
        self.next_command += 1;
        id
    }

    async fn run(&mut self) {
        let (live, registered, load_errors) = match self.start().await {
            Ok(started) => started,
            Err(err) => {
                let suite = self.suite_id();
                return start_failed(&suite, err.to_string(), self.emitter, self.stats);
            }
        };
        self.report_loaded(&registered, &load_errors, |_| true);
        let scheduled = reconcile(self.settings, &registered, |_| true);
        self.emitter.ledger().schedule(&scheduled, true);
        if let Some(mut still_live) = self.dispatch(live, scheduled.into()).await {
            if self.close_groups(&mut still_live, false, None).await {
                self.shut_down(still_live).await;
            }
        }
    }

    /// Runs the suite one test file at a time, each in a fresh realm of the same runtime (Jest's
    /// and Vitest's isolation): the file is loaded alone (`load { only, fresh }`), its tests
    /// run, its groups close, and the next file's load first undoes what it did to globals, the
    /// DOM, timers, module instances and mocks. A file that hangs or crashes costs a restart as
    /// before, and the restarted runtime loads only that file again. The files the selection
    /// left nothing in keep their places in plan order; `--seed` shuffles the files, then the
    /// tests within each. A browser page cannot undo everything: once a file's modules defined
    /// a custom element (`page-tainted`), the next file starts in a fresh page (a new tab, or a
    /// new run frame of a served tab), which is reported as a start, not a restart.
    ///
    /// Each step hands one file to one runtime, so a pool of runtimes can later take files from
    /// the same queue side by side.
    async fn run_isolated(&mut self) {
        let steps = file_steps(self.settings.suite, self.settings.seed);
        let mut live: Option<Live<L::Running>> = None;
        // The load already sent for this step's file, with the previous file's `finish`.
        let mut sent_load: Option<CommandId> = None;
        for (index, step) in steps.iter().enumerate() {
            let scope: Vec<&str> = step.iter().map(|f| f.path.as_str()).collect();
            let in_scope = |file: &str| scope.contains(&file);
            let file = step.iter().find(|f| f.selected).expect("every step has its selected file");
            if let Some(reason) = self.settings.fail_fast.and_then(FailFast::reason) {
                // Nothing of this file will run: report it from the plan, without loading it.
                let scheduled = planned_scheduled(self.settings, step, Some(&reason));
                self.report_scheduled_skips(scheduled);
                continue;
            }
            self.only = vec![file.path.clone()];
            let prefetched = sent_load.take();
            let loaded = match live.take() {
                Some(mut running) => match match prefetched {
                    Some(load) => self.await_loaded(&mut running, load).await,
                    None => self.load_files(&mut running, true).await,
                } {
                    Ok((registered, errors)) => Ok((running, registered, errors)),
                    Err(StartError::LoadStalled { file: stalled, waited }) => {
                        let stalled = stalled.unwrap_or_else(|| file.path.clone());
                        self.report_stalled(stalled, waited);
                        self.start().await
                    }
                    Err(err) => {
                        // The file's top level took the runtime down (process.exit, say): a
                        // load error of that file, and the next one gets a fresh runtime.
                        self.report_load_failure(&file.path, &err.to_string());
                        let scheduled = reconcile(self.settings, &[], in_scope);
                        self.emitter.ledger().schedule(&scheduled, index + 1 == steps.len());
                        self.report_scheduled_skips(scheduled);
                        continue;
                    }
                },
                None => self.start().await,
            };
            let (running, registered, load_errors) = match loaded {
                Ok(started) => started,
                Err(err) => {
                    let message = err.to_string();
                    start_failed(&self.suite_id(), message.clone(), self.emitter, self.stats);
                    // What could not start is not lost: every test of the files left is
                    // reported as not run, with the reason.
                    let reason = SkipReason::new(
                        crate::select::SkipCause::Interrupted,
                        format!("not run: the runtime could not be started: {message}"),
                    );
                    for rest in &steps[index..] {
                        let scheduled = planned_scheduled(self.settings, rest, Some(&reason));
                        self.report_scheduled_skips(scheduled);
                    }
                    return;
                }
            };
            self.report_loaded(&registered, &load_errors, in_scope);
            if self.page_tainted.is_some() && index + 1 < steps.len() && self.launch.starts_side_by_side() {
                // The file's modules defined an element as they loaded: the next file's page
                // loads in a second tab while this file's tests run. Without it, nothing lost:
                // the next start opens one.
                self.spare = self.launch.launch().await.ok();
            }
            let scheduled = reconcile(self.settings, &registered, in_scope);
            self.emitter.ledger().schedule(&scheduled, index + 1 == steps.len());
            let next = steps.get(index + 1).and_then(|step| step.iter().find(|f| f.selected));
            // Without --fail-fast nothing can cancel the next file, so its `load` (behind this
            // file's `finish`) goes out with this file's last `run-test`: the controller closes
            // the file and starts the next one without waiting for the host in between.
            // Not into a page that must be replaced first, nor under a repeat mode that decides
            // after each run whether a test runs again (its next run must stay in this file).
            let dynamic_repeats = !self.settings.repeat.is_once() && self.settings.repeat.fixed().is_none();
            self.ahead = next
                .filter(|_| self.settings.fail_fast.is_none() && self.page_tainted.is_none() && !dynamic_repeats)
                .map(|f| Ahead::Due(f.path.clone()));
            if let Some(mut still_live) = self.dispatch(running, scheduled.into()).await {
                let last = index + 1 == steps.len();
                // The next file's load goes out with this file's `finish`, which the controller
                // runs first: one round trip per file less. Not when nothing more will run.
                // Nor into a page that must be replaced first.
                let prefetch = next.filter(|_| {
                    self.settings.fail_fast.and_then(FailFast::reason).is_none() && self.page_tainted.is_none()
                });
                if self.close_groups(&mut still_live, !last, prefetch.map(|f| f.path.clone())).await {
                    sent_load = self.prefetched.take();
                    live = Some(still_live);
                }
                self.prefetched = None;
                if let Some(what) = self.page_tainted.take().filter(|_| !last) {
                    // The next file gets a page of its own, as web-test-runner gives every file:
                    // the start below opens it (a new tab, or a new run frame of a served tab),
                    // without reporting a restart.
                    if let Some(mut tainted) = live.take() {
                        tainted.process.kill().await;
                    }
                    sent_load = None;
                    self.fresh_page = Some(format!("{} left {what} in its page", file.path));
                }
            }
            self.ahead = None;
        }
        if let Some(running) = live {
            self.shut_down(running).await;
        }
        // A page opened for a file that never ran (fail-fast stopped the run).
        if let Some(mut spare) = self.spare.take() {
            spare.kill().await;
        }
    }

    /// Reports scheduled tests that will not run (all of them skips) in their order.
    fn report_scheduled_skips(&mut self, scheduled: Vec<Scheduled>) {
        for Scheduled { info, disposition } in scheduled {
            let reason = match disposition {
                Disposition::Skip { reason, .. } => reason,
                Disposition::Run { .. } => continue,
            };
            self.stats.record_skip(&reason);
            self.emitter.emit(EventKind::TestSkipped { test: info, kind: reason.kind(), reason, stats: *self.stats });
        }
    }

    /// Reports what a load said: its load errors, and the files in scope that declared no test.
    fn report_loaded(
        &mut self,
        registered: &[RegisteredTest],
        load_errors: &[LoadError],
        in_scope: impl Fn(&str) -> bool,
    ) {
        for LoadError { file, error } in load_errors {
            self.stats.load_errors += 1;
            let stack = error.stack.as_deref().map(|s| self.launch.map_stack(s));
            let message = match self.launch.explain_load_error(file, &error.message) {
                Some(why) => format!("{file}: failed to load: {why}"),
                None => format!("{file}: failed to load: {}: {}", error.name, error.message),
            };
            self.emitter.emit(EventKind::LoadError {
                suite: self.suite_id(),
                file: file.clone(),
                message,
                location: None,
                frame: None,
                stack,
                stats: *self.stats,
            });
        }
        self.report_empty_files(registered, load_errors, &in_scope);
        self.report_unmatched_focus(registered, load_errors, &in_scope);
    }

    /// A `--focus` id inside a loaded file (`file::group::test`) that none of the tests the file
    /// registered is under: an error for that file, as the same id is before anything loads
    /// when the plan knows every name. Only ids the plan could not settle (dynamic names) get
    /// this far; without it the run would quietly run none of them.
    fn report_unmatched_focus(
        &mut self,
        registered: &[RegisteredTest],
        load_errors: &[LoadError],
        in_scope: impl Fn(&str) -> bool,
    ) {
        let suite = &self.settings.suite;
        let mut unmatched: Vec<(String, String)> = Vec::new();
        for pattern in &self.settings.selection.focus {
            if pattern.suite.as_deref().is_some_and(|s| s != suite.id) {
                continue;
            }
            let Some((file, _)) = pattern.path.split_once(protocol::ID_SEPARATOR) else { continue };
            let loaded = suite.files.iter().any(|f| f.path == file && f.selected && in_scope(&f.path));
            if !loaded || load_errors.iter().any(|e| e.file == file) {
                continue;
            }
            let own: Vec<&str> = registered.iter().filter(|t| t.file == file).map(|t| t.id.as_str()).collect();
            if own.is_empty() || own.iter().any(|id| protocol::id_is_under(id, &pattern.path)) {
                continue;
            }
            let message = format!(
                "{file}: --focus {} matches none of the {} tests this file registered{}",
                pattern.text,
                own.len(),
                crate::select::hint(&crate::select::closest(&pattern.path, own.iter().copied()))
            );
            unmatched.push((file.to_owned(), message));
        }
        for (file, message) in unmatched {
            self.stats.load_errors += 1;
            self.emitter.emit(EventKind::LoadError {
                suite: self.suite_id(),
                file,
                message,
                location: None,
                frame: None,
                stack: None,
                stats: *self.stats,
            });
        }
    }

    /// A file whose loading ended the runtime.
    fn report_load_failure(&mut self, file: &str, why: &str) {
        self.stats.load_errors += 1;
        self.emitter.emit(EventKind::LoadError {
            suite: self.suite_id(),
            file: file.to_owned(),
            message: format!("{file}: failed to load: {why}"),
            location: None,
            frame: None,
            stack: None,
            stats: *self.stats,
        });
    }

    /// A loaded file that registered no test at all is an error for that file, as in Jest and
    /// Vitest: it is usually a mistake (tests behind a wrong condition, a helper matched by the
    /// suite's globs). A file whose tests the selection left out is not empty: it registered them.
    fn report_empty_files(
        &mut self,
        registered: &[RegisteredTest],
        load_errors: &[LoadError],
        in_scope: &impl Fn(&str) -> bool,
    ) {
        let loaded =
            self.settings.suite.files.iter().filter(|f| f.selected && f.syntax_error.is_none() && in_scope(&f.path));
        let empty: Vec<String> = loaded
            .filter(|f| {
                !load_errors.iter().any(|e| e.file == f.path)
                    && !self.load_skip.contains(&f.path)
                    && !registered.iter().any(|t| t.file == f.path)
            })
            .map(|f| f.path.clone())
            .collect();
        for file in empty {
            self.stats.load_errors += 1;
            self.emitter.emit(EventKind::LoadError {
                suite: self.suite_id(),
                message: format!("{file}: no tests found: a test file must declare at least one test"),
                file,
                location: None,
                frame: None,
                stack: None,
                stats: *self.stats,
            });
        }
    }

    /// Starts a runtime and loads the files. A file whose top level never finishes costs one
    /// deadline to notice (no file settles any more), one more to name (the files are then
    /// imported one at a time, each announced), and is then a load error left out of every
    /// later load, so the other files still run.
    async fn start(&mut self) -> Result<(Live<L::Running>, Vec<RegisteredTest>, Vec<LoadError>), StartError> {
        loop {
            match self.start_once().await {
                Err(StartError::LoadStalled { file: Some(file), waited }) => self.report_stalled(file, waited),
                Err(StartError::LoadStalled { file: None, .. }) if !self.load_sequential => self.load_sequential = true,
                other => return other,
            }
        }
    }

    /// A file whose top level never finished: a load error, left out of every later load.
    fn report_stalled(&mut self, file: String, waited: Duration) {
        self.stats.load_errors += 1;
        self.emitter.emit(EventKind::LoadError {
            suite: self.suite_id(),
            file: file.clone(),
            message: load_stalled(&file, waited),
            location: None,
            frame: None,
            stack: None,
            stats: *self.stats,
        });
        self.load_skip.push(file);
    }

    /// The timeout of the suite: a hook's deadline, and how long loading may go without a file
    /// settling.
    fn suite_timeout(&self) -> Duration {
        self.settings.timeout_override.unwrap_or(Duration::from_millis(self.settings.suite.timeout_ms))
    }

    /// Spawns the runtime, waits for its hello, loads the files.
    async fn start_once(&mut self) -> Result<(Live<L::Running>, Vec<RegisteredTest>, Vec<LoadError>), StartError> {
        self.stderr_tail.clear();
        let mut process = match self.spare.take() {
            Some(spare) => spare,
            None => self.launch.launch().await?,
        };
        let mut early_output = Vec::new();
        let connect_within = connect_timeout();
        let deadline = tokio::time::Instant::now() + connect_within;
        let mut early_exit = None;
        let mut output_open = true;
        let conn = loop {
            tokio::select! {
                conn = self.connections.recv() => match conn {
                    Some(conn) => break Some(conn),
                    None => return Err(StartError::ServerGone),
                },
                line = process.output(), if output_open => match line {
                    Some(line) => early_output.push(line),
                    None => {
                        // Both pipes closed: node is exiting (or closed them itself; then keep waiting).
                        output_open = false;
                        if let Ok(exit) = timeout(EXIT_GRACE, process.exited()).await {
                            early_exit = Some(exit);
                            break None;
                        }
                    }
                },
                _ = sleep_until(deadline) => {
                    process.kill().await;
                    return Err(StartError::NoConnection { waited: connect_within, stderr: tail_of(&early_output) });
                }
            }
        };
        let Some(conn) = conn else {
            while let Ok(Some(line)) = timeout(Duration::from_millis(50), process.output()).await {
                early_output.push(line);
            }
            let exit = early_exit.unwrap_or(runtimes::ExitInfo { code: None, signal: None });
            return Err(StartError::ExitedEarly { exit, stderr: tail_of(&early_output) });
        };
        let epoch = self.next_epoch;
        self.next_epoch += 1;
        // A new page holds nothing of the files before.
        self.page_tainted = None;
        let mut live = Live { process, conn, epoch, output_open };
        for line in early_output {
            self.raw_output(None, line);
        }
        match self.next_message(&mut live, connect_within, "saying hello").await? {
            ControllerMessage::Hello { protocol, runtime } => {
                if protocol != PROTOCOL_VERSION {
                    live.process.kill().await;
                    return Err(StartError::ProtocolMismatch { got: protocol });
                }
                self.emitter.emit(EventKind::RuntimeStarted {
                    suite: self.suite_id(),
                    kind: self.settings.runtime,
                    instance: self.settings.instance.clone(),
                    target: live.process.target(),
                    runtime,
                    fresh_page: self.fresh_page.take(),
                });
            }
            other => return Err(StartError::Malformed(format!("expected hello, got {other:?}"))),
        }
        let (registered, load_errors) = self.load_files(&mut live, false).await?;
        Ok((live, registered, load_errors))
    }

    /// Loads the files (with isolation, only the file being run; `fresh` undoes what the files
    /// loaded before did) and waits for what they registered. The runtime is killed when this
    /// fails.
    async fn load_files(
        &mut self,
        live: &mut Live<L::Running>,
        fresh: bool,
    ) -> Result<(Vec<RegisteredTest>, Vec<LoadError>), StartError> {
        let load = self.send_load(live, fresh);
        self.await_loaded(live, load).await
    }

    /// Sends `load` for the files to load now (see [`Driver::load_files`]); returns its id.
    fn send_load(&mut self, live: &Live<L::Running>, fresh: bool) -> CommandId {
        let epoch = live.epoch;
        let load = self.command_id();
        // Read at every start, so a runtime restarted after a crash sees what was written since.
        let only = &self.only;
        let chosen = || {
            self.settings
                .suite
                .files
                .iter()
                .filter(|file| file.selected && (only.is_empty() || only.contains(&file.path)))
        };
        let mut setup = snapshots::read_setup(self.settings.root, chosen(), self.settings.snapshot_update);
        setup.format = self.settings.snapshot_format;
        let vitest = chosen().filter(|file| file.imports_vitest()).map(|file| file.path.clone()).collect();
        let file_snapshots = file_snapshots::read_file_snapshots(self.settings.root, chosen());
        let _ = live.conn.outbox.send(HostMessage::Load {
            run: epoch,
            id: load,
            snapshots: Some(setup),
            sequential: self.load_sequential,
            skip: self.load_skip.clone(),
            only: self.only.clone(),
            fresh,
            vitest,
            file_snapshots,
        });
        load
    }

    /// Waits for the answer to `load`. The runtime is killed when this fails.
    async fn await_loaded(
        &mut self,
        live: &mut Live<L::Running>,
        load: CommandId,
    ) -> Result<(Vec<RegisteredTest>, Vec<LoadError>), StartError> {
        let epoch = live.epoch;
        // Loading may take as long as it needs while files keep settling; it stalls when none
        // has for a whole test timeout. A single file is known before it says so.
        let window = self.suite_timeout();
        let mut deadline = Instant::now() + window;
        let mut importing: Option<String> = match self.only.as_slice() {
            [file] => Some(file.clone()),
            _ => None,
        };
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_message(live, left, "loading the test files").await {
                Ok(ControllerMessage::Loaded { run, reply_to, tests, load_errors })
                    if run == epoch && reply_to == load =>
                {
                    return Ok((tests, load_errors));
                }
                Ok(ControllerMessage::FileLoading { run, file }) if run == epoch => {
                    importing = Some(file);
                    deadline = Instant::now() + window;
                }
                Ok(ControllerMessage::FileLoaded { run, .. }) if run == epoch => {
                    if self.only.len() != 1 {
                        importing = None;
                    }
                    deadline = Instant::now() + window;
                }
                Ok(other) => self.handle_side_message(live, other),
                Err(StartError::NoConnection { .. }) => {
                    live.process.kill().await;
                    return Err(StartError::LoadStalled { file: importing, waited: window });
                }
                Err(err) => {
                    live.process.kill().await;
                    return Err(err);
                }
            }
        }
    }

    /// The next protocol message during start-up, forwarding raw output meanwhile.
    async fn next_message(
        &mut self,
        live: &mut Live<L::Running>,
        wait: Duration,
        stage: &'static str,
    ) -> Result<ControllerMessage, StartError> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            tokio::select! {
                biased;
                inbound = live.conn.inbox.recv() => match inbound {
                    Some(Inbound::Message(message)) => return Ok(message),
                    Some(Inbound::Malformed(reason)) => return Err(StartError::Malformed(reason)),
                    None => {
                        self.drain_output(live).await;
                        let _ = timeout(EXIT_GRACE, live.process.exited()).await;
                        live.process.kill().await;
                        return Err(StartError::Closed { stage, stderr: self.stderr_tail_text() });
                    }
                },
                line = live.process.output(), if live.output_open => match line {
                    Some(line) => self.raw_output(None, line),
                    // A tab that crashed (out of memory while loading, say): see `dispatch`.
                    None if !live.process.exits_with_its_socket() => {
                        live.process.kill().await;
                        return Err(StartError::Closed { stage, stderr: self.stderr_tail_text() });
                    }
                    None => live.output_open = false,
                },
                _ = sleep_until(deadline) => {
                    return Err(StartError::NoConnection { waited: wait, stderr: self.stderr_tail_text() });
                }
            }
        }
    }

    /// Runs the pending tests; returns the live runtime, or `None` when it could not be
    /// restarted (the remaining tests were then reported as crashed).
    ///
    /// Skipped tests travel through the same queue, so every result is reported in plan order.
    async fn dispatch(
        &mut self,
        mut live: Live<L::Running>,
        mut pending: VecDeque<Scheduled>,
    ) -> Option<Live<L::Running>> {
        let mut in_flight: VecDeque<InFlight> = VecDeque::new();
        let mut head_started = Instant::now();
        let mut head_announced: Option<CommandId> = None;
        // The hook the controller said is running for the head command, if any.
        let mut hook: Option<RunningHook> = None;
        // What runs restarted its own deadline (`timeout-changed`): when, and the new limit.
        let mut changed: Option<(Instant, Duration)> = None;
        // The head test's last failed try and its tries in all, as `attempt-failed` said.
        let mut last_failed: Option<(u32, u32)> = None;
        loop {
            self.stop_if_failed_fast(&mut pending);
            // The window is topped up in batches, not one command per finished test: a batch
            // leaves in one write and the controller runs it in one turn of its event loop,
            // where one command at a time cost a turn (and a wake-up of each side) per test.
            // A repeat mode that decides after each run sends one run at a time: the next run
            // of the test must come right behind it, or not at all.
            let one_run = self.settings.repeat.fixed().is_none();
            let refill =
                in_flight.len() <= self.window() / 2 && !(one_run && in_flight.iter().any(|f| f.command.is_ok()));
            while refill && in_flight.len() < self.window() {
                let Some(Scheduled { info: test, disposition }) = pending.pop_front() else { break };
                let command = match disposition {
                    Disposition::Skip { kind, reason } => Err((kind, reason)),
                    Disposition::Run { timeout, tries } => {
                        let command = self.command_id();
                        let message = HostMessage::RunTest {
                            run: live.epoch,
                            id: command,
                            test: test.id.0.clone(),
                            timeout: timeout.as_millis() as u64,
                            retries: tries.retries,
                            // The usual first try goes unsaid (0 reads as 1): one field less per test.
                            attempt: if tries.first > 1 { tries.first } else { 0 },
                            retry_delay: self.settings.retries.delay.as_millis() as u64,
                        };
                        let _ = live.conn.outbox.send(message);
                        Ok((command, timeout, tries))
                    }
                };
                let sent = command.is_ok();
                in_flight.push_back(InFlight { command, test });
                if one_run && sent {
                    break;
                }
            }
            if refill
                && matches!(self.ahead, Some(Ahead::Due(_)))
                && self.page_tainted.is_none()
                && !pending.iter().any(|s| matches!(s.disposition, Disposition::Run { .. }))
            {
                // The batch just queued leaves first (the writer runs while this task yields):
                // reading the next file's snapshots must not hold up the tests about to run.
                tokio::task::yield_now().await;
                self.send_ahead(&live);
            }
            let Some(head) = in_flight.front() else { return Some(live) };
            let (head_command, head_timeout, head_tries) = match &head.command {
                Ok(pair) => *pair,
                Err(_) => {
                    let InFlight { test, command } = in_flight.pop_front().expect("head exists");
                    if let Err((kind, reason)) = command {
                        self.stats.record_skip(&reason);
                        self.emitter.emit(EventKind::TestSkipped { test, kind, reason, stats: *self.stats });
                    }
                    continue;
                }
            };
            if head_announced != Some(head_command) {
                head_announced = Some(head_command);
                head_started = Instant::now();
                hook = None;
                changed = None;
                last_failed = None;
                self.stderr_tail.clear();
                self.emitter.emit(EventKind::TestStarted { test: head.test.clone() });
            }
            // A beforeAll/afterAll hook has a deadline of its own; the test's starts after it.
            let (from, limit) = match (&hook, changed) {
                (_, Some(restarted)) => restarted,
                (Some(running), None) if running.has_own_deadline() => {
                    (head_started, running.limit(self.suite_timeout()))
                }
                _ => (head_started, head_timeout),
            };
            let deadline = deadline_after(from, limit);
            let head_id = head.test.id.clone();
            let verdict = tokio::select! {
                biased;
                inbound = live.conn.inbox.recv() => match inbound {
                    Some(Inbound::Message(ControllerMessage::TestFinished { run, reply_to, test, status, duration_ms, error, attempt, attempts }))
                        if run == live.epoch =>
                    {
                        if reply_to != head_command || test != head_id.0 {
                            self.protocol_violation(format!("test-finished for {test} (command {reply_to}) while {head_id} was running"));
                            continue;
                        }
                        let done = in_flight.pop_front().expect("head exists");
                        let outcome = match status {
                            TestStatus::Passed => Outcome::Passed,
                            TestStatus::Failed => Outcome::Failed,
                            TestStatus::Skipped => {
                                self.skipped_itself(done.test);
                                continue;
                            }
                        };
                        let duration = Duration::from_secs_f64(duration_ms.max(0.0) / 1000.0);
                        let error = error.map(|e| self.mapped(e));
                        let attempt = Attempt {
                            attempt: attempt.unwrap_or(head_tries.first).max(1),
                            attempts: attempts.unwrap_or(head_tries.retries + 1),
                            repeat: head_tries.repeat,
                        };
                        // A pass after a failed try is flaky (a try of an earlier runtime counts).
                        let outcome = if outcome == Outcome::Passed && attempt.attempt > 1 { Outcome::Flaky } else { outcome };
                        self.finish_test(done.test.clone(), outcome, duration, error, attempt);
                        self.repeat_after(&done.test, outcome, (head_timeout, head_tries), &mut pending);
                        continue;
                    }
                    Some(Inbound::Message(ControllerMessage::AttemptFailed { run, reply_to, test, attempt, attempts, duration_ms, error }))
                        if run == live.epoch =>
                    {
                        if reply_to != head_command || test != head_id.0 {
                            self.protocol_violation(format!("attempt-failed for {test} (command {reply_to}) while {head_id} was running"));
                            continue;
                        }
                        last_failed = Some((attempt, attempts));
                        let duration = Duration::from_secs_f64(duration_ms.max(0.0) / 1000.0);
                        let test = in_flight.front().expect("head exists").test.clone();
                        let error = self.mapped(error);
                        let attempt = Attempt { attempt, attempts, repeat: head_tries.repeat };
                        self.emitter.emit(EventKind::TestAttemptFailed { test, attempt, outcome: Outcome::Failed, duration, error });
                        continue;
                    }
                    Some(Inbound::Message(ControllerMessage::HookStarted { run, command, hook: kind, file, groups, location, timeout }))
                        if run == live.epoch =>
                    {
                        if command != head_command {
                            self.protocol_violation(format!("hook-started for command {command} while {head_id} was running"));
                            continue;
                        }
                        let started = self.running_hook(kind, file, groups, location, timeout);
                        if started.has_own_deadline() {
                            head_started = Instant::now();
                            changed = None;
                        }
                        hook = Some(started);
                        continue;
                    }
                    Some(Inbound::Message(ControllerMessage::HookFinished { run, command })) if run == live.epoch => {
                        if command == head_command {
                            if hook.as_ref().is_some_and(RunningHook::has_own_deadline) {
                                head_started = Instant::now();
                                changed = None;
                            }
                            hook = None;
                        }
                        continue;
                    }
                    Some(Inbound::Message(ControllerMessage::TimeoutChanged { run, command, timeout }))
                        if run == live.epoch && command == head_command =>
                    {
                        changed = Some((Instant::now(), Duration::from_millis(timeout)));
                        continue;
                    }
                    Some(Inbound::Message(other)) => {
                        self.handle_side_message(&live, other);
                        continue;
                    }
                    Some(Inbound::Malformed(reason)) => {
                        self.protocol_violation(reason);
                        continue;
                    }
                    None => None,
                },
                line = live.process.output(), if live.output_open => match line {
                    Some(line) => {
                        self.raw_output(Some(&head_id), line);
                        continue;
                    }
                    // A tab's output ends with the tab: a crash (out of memory, say) can leave
                    // its socket open.
                    None if !live.process.exits_with_its_socket() => None,
                    None => {
                        live.output_open = false;
                        continue;
                    }
                },
                _ = sleep_until(deadline.unwrap_or_else(far_future)), if deadline.is_some() => Some(()),
            };
            let head = in_flight.pop_front().expect("head exists");
            let elapsed = head_started.elapsed();
            let ending = match verdict {
                Some(()) => {
                    live.process.kill().await;
                    Ending::TimedOut(limit)
                }
                None => {
                    self.drain_output(&mut live).await;
                    let exited = if live.process.exits_with_its_socket() {
                        timeout(EXIT_GRACE, live.process.exited()).await.ok()
                    } else {
                        None
                    };
                    let exit = match exited {
                        Some(exit) => exit.to_string(),
                        None => {
                            live.process.kill().await;
                            live.process.end_reason().unwrap_or_else(|| "closed its connection".to_string())
                        }
                    };
                    Ending::Crashed { exit, stderr: self.stderr_tail_text() }
                }
            };
            // The rest of the window goes back to the queue, in order; what the blame takes
            // out of it is reported, the rest runs in the fresh runtime.
            for InFlight { test, command } in in_flight.drain(..).rev() {
                let disposition = match command {
                    Ok((_, timeout, tries)) => Disposition::Run { timeout, tries },
                    Err((kind, reason)) => Disposition::Skip { kind, reason },
                };
                pending.push_front(Scheduled { info: test, disposition });
            }
            let reason = match hook.take() {
                Some(running) if running.has_own_deadline() => {
                    // A group hook is no test's: the head test did not start, so it goes back to
                    // the queue with the rest.
                    pending.push_front(Scheduled {
                        info: head.test,
                        disposition: Disposition::Run { timeout: head_timeout, tries: head_tries },
                    });
                    if running.kind == HookKind::BeforeAll {
                        // Its group's tests fail once each, none of them run, and nothing else
                        // waits on the hook again.
                        let message = format!("{}; no test of its group ran", ending.of_hook(&running));
                        self.fail_group(&mut pending, &running, error_info(ending.error_name(), message));
                    } else {
                        // An afterAll (or a beforeAll's cleanup) is reported as itself.
                        self.stats.runtime_errors += 1;
                        self.emitter.emit(EventKind::RuntimeError {
                            suite: self.suite_id(),
                            origin: running.describe(),
                            error: error_info(ending.error_name(), ending.of_hook(&running)),
                            stats: *self.stats,
                        });
                    }
                    ending.restart_reason(&running.describe())
                }
                each_hook => {
                    let error = error_info(ending.error_name(), ending.of_test(each_hook.as_ref()));
                    let reason = ending.restart_reason(&head.test.id.to_string());
                    // The try that timed out or crashed; a retry runs in the fresh runtime.
                    let (tried, attempts) = match last_failed {
                        Some((failed, attempts)) => (failed + 1, attempts),
                        None => (head_tries.first, head_tries.retries + 1),
                    };
                    let attempt = Attempt { attempt: tried, attempts, repeat: head_tries.repeat };
                    if tried < attempts && self.settings.fail_fast.is_none_or(|f| f.reason().is_none()) {
                        let test = head.test.clone();
                        let outcome = ending.outcome();
                        self.emitter.emit(EventKind::TestAttemptFailed {
                            test,
                            attempt,
                            outcome,
                            duration: elapsed,
                            error,
                        });
                        // `retries` stays the test's total: the controller counts from `first`.
                        let tries = Tries { first: tried + 1, retries: attempts - 1, ..head_tries };
                        pending.push_front(Scheduled {
                            info: head.test,
                            disposition: Disposition::Run { timeout: head_timeout, tries },
                        });
                        tokio::time::sleep(self.settings.retries.delay).await;
                    } else {
                        self.finish_test(head.test.clone(), ending.outcome(), elapsed, Some(error), attempt);
                        self.repeat_after(&head.test, ending.outcome(), (head_timeout, head_tries), &mut pending);
                    }
                    reason
                }
            };
            head_announced = None;
            self.stop_if_failed_fast(&mut pending);
            if !pending.iter().any(|s| matches!(s.disposition, Disposition::Run { .. })) {
                // Nothing left to run: no need for a fresh runtime just to close groups.
                for Scheduled { info, disposition } in pending.drain(..) {
                    if let Disposition::Skip { kind, reason } = disposition {
                        self.stats.record_skip(&reason);
                        self.emitter.emit(EventKind::TestSkipped { test: info, kind, reason, stats: *self.stats });
                    }
                }
                return None;
            }
            self.emitter.emit(EventKind::RuntimeRestarted { suite: self.suite_id(), reason });
            match self.start().await {
                Ok((fresh, _, _)) => live = fresh,
                Err(err) => {
                    let message = format!("the runtime could not be restarted: {err}");
                    for Scheduled { info, disposition } in pending.drain(..) {
                        match disposition {
                            Disposition::Run { tries, .. } => self.finish_test(
                                info,
                                Outcome::Crashed,
                                Duration::ZERO,
                                Some(error_info("RuntimeCrash", message.clone())),
                                Attempt { repeat: tries.repeat, ..Attempt::ONCE },
                            ),
                            Disposition::Skip { kind, reason } => {
                                self.stats.record_skip(&reason);
                                self.emitter.emit(EventKind::TestSkipped {
                                    test: info,
                                    kind,
                                    reason,
                                    stats: *self.stats,
                                });
                            }
                        }
                    }
                    return None;
                }
            }
        }
    }

    /// Closes every open group (afterAll hooks); true when the runtime is still usable. Each
    /// hook has the suite's timeout (or its own) and is named when it does not finish. `quick`:
    /// more files follow in this runtime, so the controller does not wait for leftover timers.
    /// `then_load`: the file to load next in this runtime, whose `load` is sent right behind
    /// `finish` (its id is left in `self.prefetched`).
    async fn close_groups(&mut self, live: &mut Live<L::Running>, quick: bool, then_load: Option<String>) -> bool {
        let command = match self.ahead.take() {
            // Already sent, to this very runtime (not to one a timeout replaced since).
            Some(Ahead::Sent { epoch, finish, load }) if epoch == live.epoch => {
                self.prefetched = Some(load);
                finish
            }
            _ => {
                let command = self.command_id();
                let _ = live.conn.outbox.send(HostMessage::Finish { run: live.epoch, id: command, quick });
                if let Some(file) = then_load {
                    self.only = vec![file];
                    self.prefetched = Some(self.send_load(live, true));
                }
                command
            }
        };
        let mut started = Instant::now();
        let mut hook: Option<RunningHook> = None;
        let mut changed: Option<Duration> = None;
        let problem = loop {
            let limit = changed
                .unwrap_or_else(|| hook.as_ref().map_or(self.suite_timeout(), |h| h.limit(self.suite_timeout())));
            let deadline = deadline_after(started, limit);
            tokio::select! {
                biased;
                inbound = live.conn.inbox.recv() => match inbound {
                    Some(Inbound::Message(ControllerMessage::Finished { run, reply_to })) if run == live.epoch && reply_to == command => break None,
                    Some(Inbound::Message(ControllerMessage::HookStarted { run, command: during, hook: kind, file, groups, location, timeout }))
                        if run == live.epoch && during == command =>
                    {
                        hook = Some(self.running_hook(kind, file, groups, location, timeout));
                        started = Instant::now();
                        changed = None;
                    }
                    Some(Inbound::Message(ControllerMessage::HookFinished { run, .. })) if run == live.epoch => {
                        hook = None;
                        started = Instant::now();
                        changed = None;
                    }
                    Some(Inbound::Message(ControllerMessage::TimeoutChanged { run, command: during, timeout }))
                        if run == live.epoch && during == command =>
                    {
                        started = Instant::now();
                        changed = Some(Duration::from_millis(timeout));
                    }
                    Some(Inbound::Message(other)) => self.handle_side_message(live, other),
                    Some(Inbound::Malformed(reason)) => self.protocol_violation(reason),
                    None => {
                        self.drain_output(live).await;
                        let ending = Ending::Crashed { exit: "closed its connection".into(), stderr: self.stderr_tail_text() };
                        break Some((hook.take(), ending));
                    }
                },
                line = live.process.output(), if live.output_open => match line {
                    Some(line) => self.raw_output(None, line),
                    None => live.output_open = false,
                },
                _ = sleep_until(deadline.unwrap_or_else(far_future)), if deadline.is_some() => {
                    live.process.kill().await;
                    break Some((hook.take(), Ending::TimedOut(limit)));
                }
            }
        };
        if let Some((hook, ending)) = problem {
            let (origin, message) = match &hook {
                Some(hook) => (hook.describe(), ending.of_hook(hook)),
                None => (
                    "finishing the run".to_string(),
                    match &ending {
                        Ending::TimedOut(after) => {
                            format!("closing the last test file did not finish within {} ms", after.as_millis())
                        }
                        Ending::Crashed { exit, stderr } => {
                            format!("the runtime {exit} while closing the last test file{stderr}")
                        }
                    },
                ),
            };
            self.stats.runtime_errors += 1;
            self.emitter.emit(EventKind::RuntimeError {
                suite: self.suite_id(),
                origin,
                error: error_info(ending.error_name(), message),
                stats: *self.stats,
            });
            return false;
        }
        true
    }

    /// Sends the file's `finish` and the next file's `load` ahead (see [`Ahead`]), once every
    /// `run-test` of the file is out: the controller runs commands in order, so it closes the
    /// file's groups after its last test and loads the next file at once. What it says meanwhile
    /// is still read in order: `close_groups` takes the `finish` (and blames a hanging afterAll
    /// hook), `await_loaded` the `load`. A runtime restarted in between never got them, and
    /// `close_groups` sends them again.
    fn send_ahead(&mut self, live: &Live<L::Running>) {
        let Some(Ahead::Due(next)) = self.ahead.take() else { return };
        let finish = self.command_id();
        let _ = live.conn.outbox.send(HostMessage::Finish { run: live.epoch, id: finish, quick: true });
        // Only this `load` names the next file: a restart before the file is done reloads this one.
        let current = std::mem::replace(&mut self.only, vec![next]);
        let load = self.send_load(live, true);
        self.only = current;
        self.ahead = Some(Ahead::Sent { epoch: live.epoch, finish, load });
    }

    /// Shuts the runtime down; output and errors that arrive until the runtime is gone are
    /// still reported.
    async fn shut_down(&mut self, mut live: Live<L::Running>) {
        let _ = live.conn.outbox.send(HostMessage::Shutdown {});
        if live.process.exits_with_its_socket() {
            // Callbacks that outlived their tests may still print or throw until the runtime
            // closes its socket: that is reported too, not lost.
            let grace = tokio::time::Instant::now() + EXIT_GRACE;
            loop {
                tokio::select! {
                    inbound = live.conn.inbox.recv() => match inbound {
                        Some(Inbound::Message(message)) => self.handle_side_message(&live, message),
                        Some(Inbound::Malformed(reason)) => self.protocol_violation(reason),
                        None => break,
                    },
                    _ = sleep_until(grace) => break,
                }
            }
            if timeout(EXIT_GRACE, live.process.exited()).await.is_err() {
                live.process.kill().await;
            }
            self.drain_output(&mut live).await;
        } else {
            // Everything the page had to say came before `finished`. The tab goes with its
            // browser, which the launch owns: closing it here first would only cost a round trip.
        }
    }

    /// How many `run-test` commands may be in flight. Under `--fail-fast` only one: the
    /// controller runs every command it was sent, so nothing may be queued behind a failure.
    fn window(&self) -> usize {
        if self.settings.fail_fast.is_some() {
            1
        } else {
            WINDOW
        }
    }

    /// After a failure under `--fail-fast`, turns every test still to run into "not run".
    fn stop_if_failed_fast(&self, pending: &mut VecDeque<Scheduled>) {
        let Some(reason) = self.settings.fail_fast.and_then(FailFast::reason) else { return };
        for scheduled in pending.iter_mut().filter(|s| matches!(s.disposition, Disposition::Run { .. })) {
            scheduled.disposition = Disposition::Skip { kind: reason.kind(), reason: reason.clone() };
        }
    }

    /// A test that skipped itself while running (mocha's `this.skip()`): reported as a skip.
    fn skipped_itself(&mut self, test: Arc<TestInfo>) {
        let reason = SkipReason::new(SkipCause::SkippedItself, "skipped itself while running (this.skip())");
        self.stats.record_skip(&reason);
        self.emitter.emit(EventKind::TestSkipped { test, kind: reason.kind(), reason, stats: *self.stats });
    }

    fn finish_test(
        &mut self,
        test: Arc<TestInfo>,
        outcome: Outcome,
        duration: Duration,
        error: Option<ErrorInfo>,
        attempt: Attempt,
    ) {
        if let Some(fail_fast) = self.settings.fail_fast {
            fail_fast.record(&test.id, outcome);
        }
        self.stats.record(outcome);
        self.emitter.emit(EventKind::TestFinished { test, outcome, duration, error, attempt, stats: *self.stats });
    }

    /// Under a repeat mode that decides after each run (`--repeat-until-fail`, `--repeat-for`,
    /// `--hunt`): queues the test's next run first, or says `--hunt`'s verdict.
    fn repeat_after(
        &mut self,
        test: &Arc<TestInfo>,
        outcome: Outcome,
        (timeout, tries): (Duration, Tries),
        pending: &mut VecDeque<Scheduled>,
    ) {
        let repeat = self.settings.repeat;
        if repeat.fixed().is_some() || tries.repeat.is_none() {
            return;
        }
        let share = match repeat {
            crate::retry::Repeat::For { total } => total / self.selected_tests().max(1),
            _ => Duration::ZERO,
        };
        let stopped = self.settings.fail_fast.and_then(FailFast::reason).is_some();
        let state = self.repeats.entry(test.id.clone()).or_default();
        let again = state.record(outcome.is_failure(), repeat, share) && !stopped;
        if again {
            let tries = Tries { first: 1, retries: tries.retries, repeat: Some(state.runs + 1) };
            pending.push_front(Scheduled { info: test.clone(), disposition: Disposition::Run { timeout, tries } });
            return;
        }
        if let crate::retry::Repeat::Hunt { confidence, max_rate } = repeat {
            let (runs, failures) = (state.runs, state.failures);
            let verdict = state.hunt_verdict(confidence, max_rate).unwrap_or(crate::retry::HuntVerdict::Undecided);
            let summary = verdict.describe(runs, failures, confidence, max_rate);
            self.emitter.emit(EventKind::HuntFinished { test: test.clone(), verdict, runs, failures, summary });
        }
    }

    /// How many tests of the suite the selection picked (`--repeat-for` shares its time
    /// between them).
    fn selected_tests(&self) -> u32 {
        let count = self
            .settings
            .suite
            .files
            .iter()
            .filter(|file| file.selected)
            .flat_map(|file| file.tests())
            .filter(|(_, test)| {
                matches!(test.decision, crate::select::Decision::Selected | crate::select::Decision::Pending)
            })
            .count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// Every test still to run inside `hook`'s group fails with `error` (none of them runs);
    /// skips in it are reported as skips. The rest stay queued, in order.
    fn fail_group(&mut self, pending: &mut VecDeque<Scheduled>, hook: &RunningHook, error: ErrorInfo) {
        let mut rest = VecDeque::with_capacity(pending.len());
        for scheduled in pending.drain(..) {
            if !hook.covers(&scheduled.info) {
                rest.push_back(scheduled);
                continue;
            }
            match scheduled.disposition {
                Disposition::Run { tries, .. } => self.finish_test(
                    scheduled.info,
                    Outcome::Failed,
                    Duration::ZERO,
                    Some(error.clone()),
                    Attempt { repeat: tries.repeat, ..Attempt::ONCE },
                ),
                Disposition::Skip { kind, reason } => {
                    self.stats.record_skip(&reason);
                    self.emitter.emit(EventKind::TestSkipped {
                        test: scheduled.info,
                        kind,
                        reason,
                        stats: *self.stats,
                    });
                }
            }
        }
        *pending = rest;
    }

    /// The hook a `hook-started` message announces, its place mapped and shown relative to the
    /// root.
    fn running_hook(
        &self,
        kind: HookKind,
        file: String,
        groups: Vec<String>,
        location: Option<String>,
        timeout: Option<u64>,
    ) -> RunningHook {
        let site = location.map(|at| self.site(&at));
        RunningHook { kind, file, groups, site, timeout: timeout.map(Duration::from_millis) }
    }

    /// Where a hook was declared, as the controller's stack frame named it, mapped to the
    /// original file and shown relative to the root.
    fn site(&self, location: &str) -> String {
        display_site(self.settings.root, &self.launch.map_stack(&format!("    at {location}")))
    }

    /// Console output and errors outside tests; anything else at this point is stale or stray.
    /// Output the controller did not stamp with a test is nobody's: it is never pinned on the
    /// test that happens to be running.
    fn handle_side_message(&mut self, live: &Live<L::Running>, message: ControllerMessage) {
        match message {
            ControllerMessage::Console { run, test, after, stream, level, text } if run == live.epoch => {
                self.emitter.emit(EventKind::Console {
                    suite: self.suite_id(),
                    test: test.map(TestId),
                    after: after.map(TestId),
                    stream,
                    level,
                    text,
                });
            }
            ControllerMessage::Error { run, origin, after, error } if run == live.epoch => {
                let origin = match after {
                    Some(test) => format!("{origin} from a callback of {test}, after that test ended"),
                    None => origin,
                };
                let error = self.mapped(error);
                self.stats.runtime_errors += 1;
                self.emitter.emit(EventKind::RuntimeError {
                    suite: self.suite_id(),
                    origin,
                    error,
                    stats: *self.stats,
                });
            }
            ControllerMessage::SnapshotFile { run, file, content, inline, counts } if run == live.epoch => {
                self.write_inline(&file, inline);
                self.snapshot_file(file, content, counts);
            }
            ControllerMessage::FileSnapshot { run, path, content } if run == live.epoch => {
                let files = self.settings.suite.files.iter().filter(|file| file.selected);
                if let Err(message) = file_snapshots::write_file_snapshot(self.settings.root, files, &path, &content) {
                    self.stats.runtime_errors += 1;
                    self.emitter.emit(EventKind::RuntimeError {
                        suite: self.suite_id(),
                        origin: format!("writing the file snapshot {path}"),
                        error: error_info("SnapshotError", message),
                        stats: *self.stats,
                    });
                }
            }
            ControllerMessage::PageTainted { run, what } if run == live.epoch => {
                self.page_tainted.get_or_insert(what);
            }
            // Replies of an abandoned epoch, or a pong: nothing to do.
            _ => {}
        }
    }

    /// Writes the inline snapshots a test file's run sent into the sources their calls are in;
    /// one that cannot be placed is a runtime error (its test passed, as a written snapshot does).
    fn write_inline(&mut self, file: &str, inline: Vec<InlineSnapshot>) {
        if inline.is_empty() {
            return;
        }
        let mapped: Vec<(String, String)> =
            inline.into_iter().map(|entry| (self.launch.map_stack(&entry.stack), entry.snapshot)).collect();
        let (_written, errors) = inline_snapshots::write_inline(self.settings.root, &mapped);
        for error in errors {
            self.stats.runtime_errors += 1;
            self.emitter.emit(EventKind::RuntimeError {
                suite: self.suite_id(),
                origin: format!("writing the inline snapshots of {file}"),
                error: error_info("SnapshotError", error.to_string()),
                stats: *self.stats,
            });
        }
    }

    /// A test file's snapshots are done: write what changed, count, and tell the reporters.
    fn snapshot_file(&mut self, file: String, content: Option<String>, counts: SnapshotCounts) {
        // Only a planned test file's snapshot file is written, whatever the runtime says.
        if !self.settings.suite.files.iter().any(|planned| planned.path == file) {
            self.protocol_violation(format!("snapshots for {file:?}, which is not a test file of this suite"));
            return;
        }
        let path = snapshots::snapshot_file_of(&file);
        let written = match content {
            None => Ok(None),
            Some(text) => snapshots::apply(self.settings.root, &path, &text),
        };
        let action = match written {
            Ok(action) => action,
            Err(error) => {
                self.stats.runtime_errors += 1;
                self.emitter.emit(EventKind::RuntimeError {
                    suite: self.suite_id(),
                    origin: format!("writing the snapshots of {file}"),
                    error: error_info("SnapshotError", format!("could not write {path}: {error}")),
                    stats: *self.stats,
                });
                return;
            }
        };
        self.stats.snapshots.add(&counts);
        self.emitter.emit(EventKind::SnapshotFile {
            suite: self.suite_id(),
            file,
            path,
            action,
            counts,
            stats: *self.stats,
        });
    }

    /// The error with its stack mapped to original files.
    fn mapped(&self, mut error: ErrorInfo) -> ErrorInfo {
        if let Some(stack) = &error.stack {
            error.stack = Some(self.launch.map_stack(stack));
        }
        error
    }

    fn raw_output(&mut self, running: Option<&TestId>, line: RawOutput) {
        if line.stderr {
            if self.stderr_tail.len() == STDERR_TAIL {
                self.stderr_tail.pop_front();
            }
            self.stderr_tail.push_back(line.text.clone());
        }
        let stream = if line.stderr { Stream::Stderr } else { Stream::Stdout };
        self.emitter.emit(EventKind::Console {
            suite: self.suite_id(),
            test: running.cloned(),
            after: None,
            stream,
            level: ConsoleLevel::Write,
            text: line.text + "\n",
        });
    }

    /// Collects what a dying runtime printed last, so a crash message can quote it.
    async fn drain_output(&mut self, live: &mut Live<L::Running>) {
        while live.output_open {
            match timeout(Duration::from_millis(200), live.process.output()).await {
                Ok(Some(line)) => self.raw_output(None, line),
                Ok(None) => live.output_open = false,
                Err(_) => break,
            }
        }
    }

    fn stderr_tail_text(&self) -> String {
        if self.stderr_tail.is_empty() {
            String::new()
        } else {
            let lines: Vec<&str> = self.stderr_tail.iter().map(String::as_str).collect();
            format!("; its stderr ended with:\n{}", lines.join("\n"))
        }
    }

    fn protocol_violation(&mut self, reason: String) {
        errln!("proctor: ignoring an unexpected message from the controller: {reason}");
    }
}

fn tail_of(lines: &[RawOutput]) -> String {
    let tail: Vec<&str> = lines.iter().rev().take(STDERR_TAIL).rev().map(|l| l.text.as_str()).collect();
    if tail.is_empty() {
        String::new()
    } else {
        format!("; it printed:\n{}", tail.join("\n"))
    }
}

fn error_info(name: &str, message: String) -> ErrorInfo {
    ErrorInfo { name: name.into(), message, ..ErrorInfo::default() }
}

#[cfg(test)]
mod tests {
    //! The driver against a scripted fake controller over channels: ordering through the
    //! window, deadlines, crashes, restarts, stale epochs and skips, without a real runtime
    //! (the e2e tests cover real node).
    use super::*;
    use crate::events::Event;
    use crate::report::{Fanout, Reporter};
    use protocol::{RuntimeInfo, TestMode};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    use tokio::sync::{mpsc, oneshot};

    #[derive(Clone, Copy, PartialEq)]
    enum Behaviour {
        Pass,
        Fail,
        Hang,
        /// Hangs in the first runtime only, passes in the next.
        HangOnFirstLaunch,
        Crash,
        /// Says a beforeAll of the test's group started, then hangs.
        HangInBeforeAll,
        /// In the first runtime only: says an afterAll of group `g` started, then hangs.
        HangInAfterAllOfG,
        /// Sends a frame that is no protocol message; the connection then closes, as the
        /// websocket layer closes it after one.
        Malformed,
        /// Restarts its deadline with `timeout-changed` (mocha's `this.timeout(ms)`) to the
        /// first number, then takes the second number of ms and passes (0 ms: no deadline).
        ChangesTimeout(u64, u64),
        /// Skips itself while running (mocha's `this.skip()`).
        SkipsItself,
    }

    struct FakeProcess {
        killed: Option<oneshot::Sender<()>>,
        exited: Option<oneshot::Receiver<()>>,
    }

    impl Runtime for FakeProcess {
        async fn exited(&mut self) -> runtimes::ExitInfo {
            if let Some(rx) = self.exited.take() {
                let _ = rx.await;
            }
            runtimes::ExitInfo { code: Some(1), signal: None }
        }
        async fn output(&mut self) -> Option<RawOutput> {
            std::future::pending().await
        }
        async fn kill(&mut self) {
            if let Some(tx) = self.killed.take() {
                let _ = tx.send(());
            }
        }
    }

    struct FakeLaunch {
        connections: mpsc::UnboundedSender<Connection>,
        tests: Vec<(String, TestMode, Behaviour)>,
        launches: Arc<AtomicUsize>,
        /// A stale `test-finished` (wrong epoch) is sent before every real one.
        send_stale: bool,
    }

    impl Launch for FakeLaunch {
        type Running = FakeProcess;

        async fn launch(&mut self) -> Result<FakeProcess, runtimes::RuntimeError> {
            let launch = self.launches.fetch_add(1, Ordering::SeqCst);
            let (outbox, mut commands) = mpsc::unbounded_channel::<HostMessage>();
            let (replies, inbox) = crate::server::inbox();
            let _ = self.connections.send(Connection { outbox, inbox });
            let (killed_tx, mut killed_rx) = oneshot::channel();
            let (exit_tx, exit_rx) = oneshot::channel::<()>();
            let tests = self.tests.clone();
            let send_stale = self.send_stale;
            tokio::spawn(async move {
                let send = |m: ControllerMessage| replies.try_send(Inbound::Message(m));
                send(ControllerMessage::Hello {
                    protocol: PROTOCOL_VERSION,
                    runtime: RuntimeInfo {
                        kind: "fake".into(),
                        version: format!("launch {launch}"),
                        user_agent: "fake".into(),
                    },
                });
                let mut hanging = false;
                loop {
                    let command = tokio::select! {
                        c = commands.recv() => c,
                        _ = &mut killed_rx => None,
                    };
                    let Some(command) = command else { break };
                    match command {
                        HostMessage::Load { run, id, .. } => {
                            let registered = tests
                                .iter()
                                .map(|(name, mode, _)| RegisteredTest {
                                    id: format!("f.test.js::{}", name.replace('/', "::")),
                                    file: "f.test.js".into(),
                                    // "g/a" is test "a" in group "g".
                                    groups: name.rsplit_once('/').map(|(g, _)| vec![g.to_string()]).unwrap_or_default(),
                                    name: name.rsplit('/').next().unwrap_or(name).to_string(),
                                    mode: *mode,
                                    tags: vec![],
                                    timeout: Some(80),
                                    retries: None,
                                })
                                .collect();
                            send(ControllerMessage::Loaded {
                                run,
                                reply_to: id,
                                tests: registered,
                                load_errors: vec![],
                            });
                        }
                        HostMessage::RunTest { run, id, test, .. } if !hanging => {
                            let name = test.trim_start_matches("f.test.js::").replace("::", "/");
                            let name = name.as_str();
                            let behaviour = tests.iter().find(|t| t.0 == name).map_or(Behaviour::Pass, |t| t.2);
                            if send_stale {
                                send(ControllerMessage::TestFinished {
                                    run: run + 100,
                                    reply_to: id,
                                    test: test.clone(),
                                    status: TestStatus::Failed,
                                    duration_ms: 0.0,
                                    error: None,
                                    attempt: None,
                                    attempts: None,
                                });
                            }
                            let status = match behaviour {
                                Behaviour::Pass => TestStatus::Passed,
                                Behaviour::Fail => TestStatus::Failed,
                                Behaviour::SkipsItself => TestStatus::Skipped,
                                Behaviour::ChangesTimeout(timeout, takes) => {
                                    send(ControllerMessage::TimeoutChanged { run, command: id, timeout });
                                    tokio::select! {
                                        _ = tokio::time::sleep(Duration::from_millis(takes)) => {}
                                        _ = &mut killed_rx => break,
                                    }
                                    TestStatus::Passed
                                }
                                Behaviour::Hang => {
                                    hanging = true;
                                    continue;
                                }
                                Behaviour::HangOnFirstLaunch if launch == 0 => {
                                    hanging = true;
                                    continue;
                                }
                                Behaviour::HangOnFirstLaunch => TestStatus::Passed,
                                Behaviour::Crash => break,
                                Behaviour::Malformed => {
                                    replies.try_send(Inbound::Malformed("expected value at line 1 column 1".into()));
                                    break;
                                }
                                Behaviour::HangInBeforeAll | Behaviour::HangInAfterAllOfG
                                    if behaviour == Behaviour::HangInBeforeAll || launch == 0 =>
                                {
                                    let (hook, groups) = match behaviour {
                                        Behaviour::HangInBeforeAll => (
                                            protocol::HookKind::BeforeAll,
                                            name.rsplit_once('/').map(|(g, _)| vec![g.to_string()]).unwrap_or_default(),
                                        ),
                                        _ => (protocol::HookKind::AfterAll, vec!["g".to_string()]),
                                    };
                                    send(ControllerMessage::HookStarted {
                                        run,
                                        command: id,
                                        hook,
                                        file: "f.test.js".into(),
                                        groups,
                                        location: Some("file:///nonexistent-project/f.test.js:3:5".into()),
                                        timeout: None,
                                    });
                                    hanging = true;
                                    continue;
                                }
                                Behaviour::HangInBeforeAll | Behaviour::HangInAfterAllOfG => TestStatus::Passed,
                            };
                            send(ControllerMessage::Console {
                                run,
                                test: Some(test.clone()),
                                after: None,
                                stream: Stream::Stdout,
                                level: ConsoleLevel::Log,
                                text: format!("running {name}"),
                            });
                            send(ControllerMessage::TestFinished {
                                run,
                                reply_to: id,
                                test,
                                status,
                                duration_ms: 1.0,
                                error: None,
                                attempt: None,
                                attempts: None,
                            });
                        }
                        HostMessage::Finish { run, id, .. } => {
                            send(ControllerMessage::Finished { run, reply_to: id });
                        }
                        HostMessage::Shutdown {} => break,
                        _ => {}
                    }
                }
                drop(replies);
                let _ = exit_tx.send(());
            });
            Ok(FakeProcess { killed: Some(killed_tx), exited: Some(exit_rx) })
        }
    }

    struct Recorder(Arc<Mutex<Vec<Event>>>);

    impl Reporter for Recorder {
        fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
            self.0.lock().unwrap().push(event.clone());
            Ok(())
        }
        fn finish(self: Box<Self>) -> std::io::Result<()> {
            Ok(())
        }
    }

    struct Outcome {
        results: Vec<(String, String)>,
        events: Vec<Event>,
        stats: RunStats,
        launches: usize,
    }

    async fn drive(tests: Vec<(&str, TestMode, Behaviour)>, send_stale: bool) -> Outcome {
        drive_with(tests, send_stale, None).await
    }

    async fn drive_with(
        tests: Vec<(&str, TestMode, Behaviour)>,
        send_stale: bool,
        fail_fast: Option<&FailFast>,
    ) -> Outcome {
        drive_retrying(tests, send_stale, fail_fast, 0).await
    }

    async fn drive_retrying(
        tests: Vec<(&str, TestMode, Behaviour)>,
        send_stale: bool,
        fail_fast: Option<&FailFast>,
        retries: u32,
    ) -> Outcome {
        let suite = PlannedSuite {
            id: "unit".into(),
            runtimes: vec![crate::config::RuntimeKind::Node],
            // The hooks' deadline; tests have their own 80 ms.
            timeout_ms: 100,
            files: vec![],
        };
        let selection = Selection::default();
        let settings = SuiteSettings {
            suite: &suite,
            runtime: crate::config::RuntimeKind::Node,
            instance: None,
            timeout_override: None,
            selection: &selection,
            seed: None,
            fail_fast,
            root: std::path::Path::new("/nonexistent-project"),
            snapshot_update: SnapshotUpdate::New,
            snapshot_format: None,
            isolate: false,
            retries: crate::retry::Retries { suite: retries, ..Default::default() },
            repeat: crate::retry::Repeat::Once,
        };
        let (tx, mut connections) = mpsc::unbounded_channel();
        let launches = Arc::new(AtomicUsize::new(0));
        let mut launch = FakeLaunch {
            connections: tx,
            tests: tests.into_iter().map(|(n, m, b)| (n.to_string(), m, b)).collect(),
            launches: launches.clone(),
            send_stale,
        };
        let events = Arc::new(Mutex::new(Vec::new()));
        let mut fanout = Fanout::new(vec![("recorder", Box::new(Recorder(events.clone())))]);
        let mut stats = RunStats::default();
        {
            let mut emitter = Emitter::new(&mut fanout);
            run_suite(&settings, &mut launch, &mut connections, &mut emitter, &mut stats).await;
        }
        let events = events.lock().unwrap().clone();
        let results = events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::TestFinished { test, outcome, .. } => Some((test.name.clone(), format!("{outcome:?}"))),
                EventKind::TestSkipped { test, kind, .. } => Some((test.name.clone(), format!("{kind:?}"))),
                _ => None,
            })
            .collect();
        Outcome { results, events, stats, launches: launches.load(Ordering::SeqCst) }
    }

    fn names(prefix: &str, n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}{i:02}")).collect()
    }

    #[tokio::test]
    async fn a_retry_after_a_timeout_runs_in_a_fresh_runtime_and_the_test_is_flaky() {
        let tests = vec![
            ("a", TestMode::Run, Behaviour::Pass),
            ("slow", TestMode::Run, Behaviour::HangOnFirstLaunch),
            ("b", TestMode::Run, Behaviour::Pass),
        ];
        let out = drive_retrying(tests, false, None, 1).await;
        assert_eq!(
            out.results,
            vec![("a".into(), "Passed".into()), ("slow".into(), "Flaky".into()), ("b".into(), "Passed".into())]
        );
        assert_eq!(out.launches, 2, "one restart for the retry");
        let tries: Vec<_> = out
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::TestAttemptFailed { test, attempt, outcome, .. } => {
                    Some((test.name.clone(), attempt.attempt, attempt.attempts, *outcome))
                }
                EventKind::TestFinished { test, attempt, .. } if test.name == "slow" => {
                    Some((test.name.clone(), attempt.attempt, attempt.attempts, crate::events::Outcome::Flaky))
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            tries,
            vec![
                ("slow".into(), 1, 2, crate::events::Outcome::TimedOut),
                ("slow".into(), 2, 2, crate::events::Outcome::Flaky)
            ]
        );
        assert_eq!((out.stats.flaky, out.stats.passed, out.stats.timed_out), (1, 2, 0));
    }

    #[tokio::test]
    async fn without_retries_left_a_timeout_is_the_result() {
        let tests = vec![("slow", TestMode::Run, Behaviour::Hang), ("b", TestMode::Run, Behaviour::Pass)];
        let out = drive_retrying(tests, false, None, 1).await;
        assert_eq!(out.results, vec![("slow".into(), "TimedOut".into()), ("b".into(), "Passed".into())]);
        let failed_tries = out.events.iter().filter(|e| matches!(e.kind, EventKind::TestAttemptFailed { .. })).count();
        assert_eq!(failed_tries, 1, "the first of two tries");
    }

    #[tokio::test]
    async fn results_come_back_in_order_through_the_window() {
        let all = names("t", 70);
        let tests: Vec<_> = all
            .iter()
            .map(|n| (n.as_str(), TestMode::Run, if n == "t33" { Behaviour::Fail } else { Behaviour::Pass }))
            .collect();
        let out = drive(tests, false).await;
        let expected: Vec<(String, String)> =
            all.iter().map(|n| (n.clone(), if n == "t33" { "Failed" } else { "Passed" }.to_string())).collect();
        assert_eq!(out.results, expected);
        assert_eq!((out.stats.passed, out.stats.failed), (69, 1));
        assert_eq!(out.launches, 1);
        // Console output of a test is reported before its result.
        let console =
            out.events.iter().position(|e| matches!(&e.kind, EventKind::Console { text, .. } if text == "running t05"));
        let finished = out
            .events
            .iter()
            .position(|e| matches!(&e.kind, EventKind::TestFinished { test, .. } if test.name == "t05"));
        assert!(console.unwrap() < finished.unwrap());
    }

    #[tokio::test]
    async fn a_hang_times_out_one_test_and_the_rest_run_after_a_restart() {
        let tests = vec![
            ("a", TestMode::Run, Behaviour::Pass),
            ("hangs", TestMode::Run, Behaviour::Hang),
            ("b", TestMode::Run, Behaviour::Pass),
            ("c", TestMode::Run, Behaviour::Pass),
        ];
        let out = drive(tests, false).await;
        assert_eq!(
            out.results,
            vec![
                ("a".into(), "Passed".into()),
                ("hangs".into(), "TimedOut".into()),
                ("b".into(), "Passed".into()),
                ("c".into(), "Passed".into()),
            ]
        );
        assert_eq!(out.launches, 2);
        assert_eq!(out.events.iter().filter(|e| matches!(e.kind, EventKind::RuntimeRestarted { .. })).count(), 1);
    }

    #[tokio::test]
    async fn timeout_changed_restarts_the_deadline_and_0_removes_it() {
        let tests = vec![
            // Tests have 80 ms; these take 160.
            ("extends", TestMode::Run, Behaviour::ChangesTimeout(1000, 160)),
            ("disables", TestMode::Run, Behaviour::ChangesTimeout(0, 160)),
            ("shortens", TestMode::Run, Behaviour::ChangesTimeout(20, 60)),
            ("after", TestMode::Run, Behaviour::Pass),
        ];
        let out = drive(tests, false).await;
        assert_eq!(
            out.results,
            vec![
                ("extends".into(), "Passed".into()),
                ("disables".into(), "Passed".into()),
                ("shortens".into(), "TimedOut".into()),
                ("after".into(), "Passed".into()),
            ]
        );
        let message = out.events.iter().find_map(|e| match &e.kind {
            EventKind::TestFinished { error: Some(error), .. } => Some(error.message.clone()),
            _ => None,
        });
        assert!(message.is_some_and(|m| m.contains("timed out after 20 ms")));
    }

    #[tokio::test]
    async fn a_test_that_skips_itself_is_reported_as_a_skip() {
        let tests = vec![("skips", TestMode::Run, Behaviour::SkipsItself), ("b", TestMode::Run, Behaviour::Pass)];
        let out = drive(tests, false).await;
        assert_eq!(out.results, vec![("skips".into(), "Skipped".into()), ("b".into(), "Passed".into())]);
        assert_eq!(out.stats.skipped_by.get(SkipCause::SkippedItself), 1);
        assert_eq!(out.launches, 1);
    }

    #[tokio::test]
    async fn a_crash_is_one_crashed_result_then_the_run_continues() {
        let tests = vec![("dies", TestMode::Run, Behaviour::Crash), ("after", TestMode::Run, Behaviour::Pass)];
        let out = drive(tests, false).await;
        assert_eq!(out.results, vec![("dies".into(), "Crashed".into()), ("after".into(), "Passed".into())]);
        assert_eq!(out.launches, 2);
    }

    #[tokio::test]
    async fn r11_a_malformed_frame_costs_the_running_test_only() {
        let tests = vec![
            ("a", TestMode::Run, Behaviour::Pass),
            ("garbled", TestMode::Run, Behaviour::Malformed),
            ("b", TestMode::Run, Behaviour::Pass),
        ];
        let out = drive(tests, false).await;
        assert_eq!(
            out.results,
            vec![("a".into(), "Passed".into()), ("garbled".into(), "Crashed".into()), ("b".into(), "Passed".into())]
        );
        assert_eq!(out.launches, 2);
    }

    #[tokio::test]
    async fn stale_epochs_are_ignored() {
        let tests = vec![("a", TestMode::Run, Behaviour::Pass), ("b", TestMode::Run, Behaviour::Pass)];
        let out = drive(tests, true).await;
        assert_eq!(out.results, vec![("a".into(), "Passed".into()), ("b".into(), "Passed".into())]);
    }

    #[tokio::test]
    async fn skips_and_only_are_reported_in_plan_order() {
        let tests = vec![
            ("a", TestMode::Run, Behaviour::Pass),
            ("skipped", TestMode::Skip, Behaviour::Pass),
            ("todo", TestMode::Todo, Behaviour::Pass),
            ("b", TestMode::Run, Behaviour::Pass),
        ];
        let out = drive(tests, false).await;
        assert_eq!(
            out.results,
            vec![
                ("a".into(), "Passed".into()),
                ("skipped".into(), "Skipped".into()),
                ("todo".into(), "Todo".into()),
                ("b".into(), "Passed".into()),
            ]
        );
        let tests = vec![("a", TestMode::Run, Behaviour::Fail), ("focus", TestMode::Only, Behaviour::Pass)];
        let out = drive(tests, false).await;
        assert_eq!(out.results, vec![("a".into(), "Skipped".into()), ("focus".into(), "Passed".into())]);
    }

    #[tokio::test]
    async fn fail_fast_after_a_timeout_reports_the_rest_as_not_run_without_a_restart() {
        let tests = vec![
            ("a", TestMode::Run, Behaviour::Pass),
            ("hangs", TestMode::Run, Behaviour::Hang),
            ("b", TestMode::Run, Behaviour::Pass),
            ("skipped", TestMode::Skip, Behaviour::Pass),
        ];
        let fail_fast = FailFast::default();
        let out = drive_with(tests, false, Some(&fail_fast)).await;
        assert_eq!(
            out.results,
            vec![
                ("a".into(), "Passed".into()),
                ("hangs".into(), "TimedOut".into()),
                ("b".into(), "Skipped".into()),
                ("skipped".into(), "Skipped".into()),
            ]
        );
        assert_eq!(out.launches, 1, "no restart once the run stops");
        let reasons: Vec<String> = out
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::TestSkipped { reason, .. } => Some(reason.text.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(reasons, vec!["not run: --fail-fast after f.test.js::hangs timed out", "skipped with .skip"]);
    }

    #[tokio::test]
    async fn fail_fast_after_a_failure_dispatches_nothing_more_and_finishes_cleanly() {
        let tests: Vec<_> = (0..40)
            .map(|i| (if i == 3 { "fails" } else { "passes" }, i))
            .map(|(kind, i)| (format!("{kind}{i:02}"), if kind == "fails" { Behaviour::Fail } else { Behaviour::Pass }))
            .collect();
        let tests_ref: Vec<_> = tests.iter().map(|(n, b)| (n.as_str(), TestMode::Run, *b)).collect();
        let fail_fast = FailFast::default();
        let out = drive_with(tests_ref, false, Some(&fail_fast)).await;
        assert_eq!((out.stats.passed, out.stats.failed, out.stats.skipped), (3, 1, 36));
        let started = out.events.iter().filter(|e| matches!(e.kind, EventKind::TestStarted { .. })).count();
        assert_eq!(started, 4, "nothing is dispatched after the failure");
        assert_eq!(out.launches, 1);
        assert!(
            !out.events.iter().any(|e| matches!(e.kind, EventKind::RuntimeError { .. })),
            "finish and shutdown went cleanly"
        );
    }
    fn runtime_errors(out: &Outcome) -> Vec<(String, String)> {
        out.events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::RuntimeError { origin, error, .. } => Some((origin.clone(), error.message.clone())),
                _ => None,
            })
            .collect()
    }

    #[tokio::test]
    async fn r11_a_hanging_after_all_is_blamed_on_itself_and_the_next_test_still_runs() {
        let tests = vec![
            ("g/a", TestMode::Run, Behaviour::Pass),
            ("b", TestMode::Run, Behaviour::HangInAfterAllOfG),
            ("c", TestMode::Run, Behaviour::Pass),
        ];
        let out = drive(tests, false).await;
        assert_eq!(
            out.results,
            vec![("a".into(), "Passed".into()), ("b".into(), "Passed".into()), ("c".into(), "Passed".into())]
        );
        let errors = runtime_errors(&out);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, r#"afterAll hook of "g" in f.test.js:3:5"#);
        assert!(errors[0].1.contains("timed out after 100 ms"), "{}", errors[0].1);
        assert_eq!(out.launches, 2);
        assert_eq!(out.stats.runtime_errors, 1);
    }

    #[tokio::test]
    async fn r11_a_hanging_before_all_fails_its_group_once_without_a_timeout_per_test() {
        let tests = vec![
            ("first", TestMode::Run, Behaviour::Pass),
            ("g/a", TestMode::Run, Behaviour::HangInBeforeAll),
            ("g/b", TestMode::Run, Behaviour::Pass),
            ("g/skipped", TestMode::Skip, Behaviour::Pass),
            ("g/c", TestMode::Run, Behaviour::Pass),
            ("after", TestMode::Run, Behaviour::Pass),
        ];
        let out = drive(tests, false).await;
        assert_eq!(
            out.results,
            vec![
                ("first".into(), "Passed".into()),
                ("a".into(), "Failed".into()),
                ("b".into(), "Failed".into()),
                ("skipped".into(), "Skipped".into()),
                ("c".into(), "Failed".into()),
                ("after".into(), "Passed".into()),
            ]
        );
        assert_eq!(out.launches, 2, "one restart for the whole group");
        let messages: Vec<String> = out
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::TestFinished { error: Some(error), .. } => Some(error.message.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(messages.len(), 3);
        for message in messages {
            assert!(message.starts_with(r#"beforeAll hook of "g" in "#), "{message}");
            assert!(message.ends_with("no test of its group ran"), "{message}");
        }
        assert!(runtime_errors(&out).is_empty());
    }
}
