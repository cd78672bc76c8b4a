//! `--fail-fast`: [`FailFast`] remembers the first test that failed, timed out or crashed. Once
//! it is set the driver dispatches nothing more: the remaining tests (in this suite and every
//! later one) are reported as not run, and the runtime is finished and shut down as usual.

use crate::events::{Outcome, TestId};
use crate::select::{SkipCause, SkipReason};
use std::sync::OnceLock;

/// Shared by every suite of a run; set once, by the first failure.
#[derive(Debug, Default)]
pub struct FailFast {
    first: OnceLock<(TestId, Outcome)>,
}

impl FailFast {
    /// Records a finished test; only the first failure sticks.
    pub(crate) fn record(&self, test: &TestId, outcome: Outcome) {
        if outcome.is_failure() {
            let _ = self.first.set((test.clone(), outcome));
        }
    }

    /// Why the remaining tests do not run, once a test has failed.
    pub fn reason(&self) -> Option<SkipReason> {
        self.first.get().map(|(test, outcome)| {
            let what = match outcome {
                Outcome::Passed | Outcome::Flaky | Outcome::Failed => "failed",
                Outcome::TimedOut => "timed out",
                Outcome::Crashed => "crashed",
                Outcome::Interrupted => "was interrupted",
            };
            SkipReason::new(SkipCause::FailFast, format!("not run: --fail-fast after {test} {what}"))
        })
    }
}
