//! A run stopped by Ctrl-C or SIGTERM still reports every selected test. [`Ledger`] watches
//! the event stream (the emitter feeds it every event) for what has been reported and which
//! test is running; [`report_interrupted`] then reports the running test as interrupted and
//! every test not reported yet as not run, from what the drivers scheduled where a runtime got
//! that far, and from the plan elsewhere.

use super::reconcile::{Disposition, Scheduled};
use super::unloaded::planned_skips;
use super::RunStats;
use crate::config::RuntimeKind;
use crate::events::{Emitter, EventKind, Interruption, Outcome, TestId, TestInfo};
use crate::plan::Plan;
use crate::select::{SkipCause, SkipReason};
use protocol::ErrorInfo;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Instant;

/// One result's place: suite, runtime, runtime instance and test id.
type Key = (String, RuntimeKind, Option<String>, TestId);

fn key(test: &TestInfo) -> Key {
    (test.suite.clone(), test.runtime, test.instance.clone(), test.id.clone())
}

/// What a run has reported so far, and what its drivers scheduled.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Tests a driver scheduled, with the reason of those it was going to skip.
    scheduled: Vec<(Arc<TestInfo>, Option<SkipReason>)>,
    /// The suites and runtimes a driver scheduled tests for (the plan speaks for the others).
    scheduled_in: HashSet<(String, RuntimeKind)>,
    /// The files a driver scheduled tests of (one file at a time, with isolation).
    scheduled_files: HashSet<(String, RuntimeKind, String)>,
    /// Tests whose result has been reported.
    reported: HashSet<Key>,
    /// The test that started and has not finished, and when it started.
    running: Option<(Arc<TestInfo>, Instant)>,
}

impl Ledger {
    /// Notes one event on its way to the reporters.
    pub(crate) fn note(&mut self, kind: &EventKind) {
        match kind {
            EventKind::TestStarted { test } => self.running = Some((test.clone(), Instant::now())),
            EventKind::TestFinished { test, .. } => {
                if self.running.as_ref().is_some_and(|(running, _)| running.id == test.id) {
                    self.running = None;
                }
                self.reported.insert(key(test));
            }
            EventKind::TestSkipped { test, .. } => {
                // A test that skipped itself while running had started.
                if self.running.as_ref().is_some_and(|(running, _)| running.id == test.id) {
                    self.running = None;
                }
                self.reported.insert(key(test));
            }
            EventKind::RunStarted { .. }
            | EventKind::RuntimeStarted { .. }
            | EventKind::Built { .. }
            | EventKind::LoadError { .. }
            | EventKind::Console { .. }
            | EventKind::RuntimeError { .. }
            | EventKind::SnapshotFile { .. }
            | EventKind::RuntimeRestarted { .. }
            | EventKind::RunFinished { .. }
            | EventKind::TestAttemptFailed { .. }
            | EventKind::HuntFinished { .. } => {}
        }
    }

    /// Notes the tests a driver is about to run or skip, once it knows them. `complete`: these
    /// are the last of the suite's (a driver running one file at a time knows them file by
    /// file; until the last, the plan answers for the files not loaded yet).
    pub(crate) fn schedule(&mut self, scheduled: &[Scheduled], complete: bool) {
        for Scheduled { info, disposition } in scheduled {
            if complete {
                self.scheduled_in.insert((info.suite.clone(), info.runtime));
            }
            self.scheduled_files.insert((info.suite.clone(), info.runtime, info.file.clone()));
            let skip = match disposition {
                // `--repeat N` schedules a test N times; it is one test to report.
                Disposition::Run { tries, .. } if tries.repeat.is_some_and(|run| run > 1) => continue,
                Disposition::Run { .. } => None,
                Disposition::Skip { reason, .. } => Some(reason.clone()),
            };
            self.scheduled.push((info.clone(), skip));
        }
    }
}

/// After Ctrl-C or SIGTERM: reports the test that was running as interrupted and every test of
/// the plan not reported yet as not run (tests the selection skipped keep their own reason).
pub fn report_interrupted(plan: &Plan, signal: Interruption, emitter: &mut Emitter<'_>, stats: &mut RunStats) {
    let words = format!("interrupted by {}", signal.name());
    let not_run = SkipReason::new(SkipCause::Interrupted, format!("not run: {words}"));
    if let Some((test, started)) = emitter.ledger().running.take() {
        stats.record(Outcome::Interrupted);
        let error = ErrorInfo { name: "Interrupted".into(), message: words.clone(), ..ErrorInfo::default() };
        emitter.emit(EventKind::TestFinished {
            test,
            outcome: Outcome::Interrupted,
            duration: started.elapsed(),
            error: Some(error),
            attempt: crate::events::Attempt::ONCE,
            stats: *stats,
        });
    }
    let ledger = emitter.ledger();
    let mut left: Vec<(Arc<TestInfo>, SkipReason)> = ledger
        .scheduled
        .iter()
        .filter(|(test, _)| !ledger.reported.contains(&key(test)))
        .map(|(test, skip)| (test.clone(), skip.clone().unwrap_or_else(|| not_run.clone())))
        .collect();
    for suite in &plan.suites {
        for &runtime in &suite.runtimes {
            if ledger.scheduled_in.contains(&(suite.id.clone(), runtime)) {
                continue;
            }
            for file in &suite.files {
                if ledger.scheduled_files.contains(&(suite.id.clone(), runtime, file.path.clone())) {
                    continue;
                }
                let skips = planned_skips(&suite.id, (runtime, None), file, Some(&not_run));
                left.extend(skips.into_iter().filter(|(test, _)| !ledger.reported.contains(&key(test))));
            }
        }
    }
    for (test, reason) in left {
        stats.record_skip(&reason);
        emitter.emit(EventKind::TestSkipped { test, kind: reason.kind(), reason, stats: *stats });
    }
}
