//! The driver: runs one suite in one runtime (node, or a browser page). It starts the runtime,
//! loads the files, dispatches `run-test` one test at a time (with a small window in flight so
//! the socket round trip does not add to every test), arms each test's deadline in the host, and
//! recovers from timeouts and crashes by restarting the runtime and continuing with the next
//! test. This file holds the suite's loop (all files at once, or one file per fresh realm).
//!
//! The stages live beside it: `load` (start the runtime, load files, report what loaded),
//! `dispatch` (run-test through the window, deadlines, retries and repeats, closing groups) and
//! `side` (console, snapshots and other messages that arrive beside the results).

mod autorun;
mod dispatch;
mod load;
mod side;
#[cfg(test)]
mod tests;

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
use autorun::autorun_matches;
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
/// The least time loading may go without a file settling (`PROCTOR_LOAD_TIMEOUT` overrides): a
/// file's imports (jsdom, a big bundle) are not timed by the test timeout, as in Jest and Vitest.
const LOAD_TIMEOUT: Duration = Duration::from_secs(60);

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
fn load_timeout() -> Option<Duration> {
    std::env::var("PROCTOR_LOAD_TIMEOUT").ok().and_then(|text| crate::config::parse_duration(&text))
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
    /// An explicit order (`proctor flaky --triage`), applied after the seed's.
    pub order: Option<&'a super::RunOrder>,
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
    /// `empty-files = "ok"`: a file that declares no test is no load error.
    pub empty_files_ok: bool,
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
    /// Whether this suite's loads may ask for autoruns at all (see `autorun.rs`).
    autorun_allowed: bool,
    /// The autorun a `load` asked for, by the load's id, until its `loaded` (see `autorun.rs`).
    autorun_asked: Option<(CommandId, protocol::Autorun)>,
    /// The autorun the controller said it is running, for the file just loaded.
    autoran: Option<protocol::Autorun>,
    /// The runtime (epoch) and the next command id of an autorun that dispatch takes its
    /// commands from, in order, instead of sending them.
    autorun_ids: Option<(RunEpoch, CommandId)>,
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
        autorun_allowed: autorun::suite_allows_autorun(settings),
        autorun_asked: None,
        autoran: None,
        autorun_ids: None,
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
        let steps = file_steps(self.settings.suite, self.settings.seed, self.settings.order);
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
            // The controller may already be running this file's tests (autorun): as the host's
            // own schedule, or the runtime goes and a fresh one loads the file again.
            let mut scheduled = reconcile(self.settings, &registered, in_scope);
            let (running, registered, load_errors) = match self.autoran.take() {
                Some(autorun) if autorun_matches(&autorun, &registered, &scheduled) => {
                    self.autorun_ids = Some((running.epoch, autorun.first));
                    (running, registered, load_errors)
                }
                Some(_) => {
                    let mut running = running;
                    running.process.kill().await;
                    self.emitter.emit(EventKind::RuntimeRestarted {
                        suite: self.suite_id(),
                        reason: format!("{} did not register what its plan said: loading it again", file.path),
                    });
                    match self.start().await {
                        Ok((fresh, registered, load_errors)) => {
                            scheduled = reconcile(self.settings, &registered, in_scope);
                            (fresh, registered, load_errors)
                        }
                        Err(err) => {
                            start_failed(&self.suite_id(), err.to_string(), self.emitter, self.stats);
                            return;
                        }
                    }
                }
                None => (running, registered, load_errors),
            };
            self.report_loaded(&registered, &load_errors, in_scope);
            if self.page_tainted.is_some() && index + 1 < steps.len() && self.launch.starts_side_by_side() {
                // The file's modules defined an element as they loaded: the next file's page
                // loads in a second tab while this file's tests run. Without it, nothing lost:
                // the next start opens one.
                self.spare = self.launch.launch().await.ok();
            }
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
            let dispatched = self.dispatch(running, scheduled.into()).await;
            // An autorun's ids belong to its file alone.
            self.autorun_ids = None;
            if let Some(mut still_live) = dispatched {
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
