//! [`RunStats`]: the only place tests are counted. Reporters read snapshots; they never tally.

use crate::events::{Outcome, SkipKind};
use crate::select::{SkipCounts, SkipReason};
use serde::Serialize;

/// Snapshot counts: the protocol's per-file counts, summed over a run.
pub type SnapshotStats = protocol::SnapshotCounts;

/// Counts for the run so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RunStats {
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed.
    pub failed: usize,
    /// Tests that timed out.
    pub timed_out: usize,
    /// Tests during which the runtime crashed.
    pub crashed: usize,
    /// Tests that were running when Ctrl-C or SIGTERM stopped the run.
    pub interrupted: usize,
    /// Tests that failed, then passed on a retry (not in `passed`); left out of JSON when 0.
    #[serde(skip_serializing_if = "is_zero")]
    pub flaky: usize,
    /// Tests skipped.
    pub skipped: usize,
    /// Tests marked todo.
    pub todo: usize,
    /// Files that failed to load.
    pub load_errors: usize,
    /// Errors outside tests (afterAll hooks, uncaught errors between tests).
    pub runtime_errors: usize,
    /// Runtimes that never started or never connected.
    pub runtime_failures: usize,
    /// Skipped and todo tests per rule that skipped them (only rules that skipped any).
    pub skipped_by: SkipCounts,
    /// What snapshots did, summed over the files that have any (a snapshot that failed also
    /// failed its test, which counts it). Left out of JSON when no file has snapshots.
    #[serde(skip_serializing_if = "SnapshotStats::is_empty")]
    pub snapshots: SnapshotStats,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl RunStats {
    /// Counts a finished test.
    pub fn record(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Passed => self.passed += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::TimedOut => self.timed_out += 1,
            Outcome::Crashed => self.crashed += 1,
            Outcome::Interrupted => self.interrupted += 1,
            Outcome::Flaky => self.flaky += 1,
        }
    }

    /// Counts a test that will not run.
    pub fn record_skip(&mut self, reason: &SkipReason) {
        match reason.kind() {
            SkipKind::Skipped => self.skipped += 1,
            SkipKind::Todo => self.todo += 1,
        }
        self.skipped_by.add(reason.cause);
    }

    /// Tests that ran, whatever their outcome.
    pub fn ran(&self) -> usize {
        self.passed + self.failed + self.timed_out + self.crashed + self.interrupted + self.flaky
    }

    /// Every test counted.
    pub fn total(&self) -> usize {
        self.ran() + self.skipped + self.todo
    }

    /// True when anything should turn the run red; obsolete snapshots do, as in Jest.
    pub fn has_failures(&self) -> bool {
        self.failed
            + self.timed_out
            + self.crashed
            + self.interrupted
            + self.load_errors
            + self.runtime_errors
            + self.runtime_failures
            > 0
            || self.snapshots.obsolete > 0
    }
}
