//! Exit codes, and the one function that maps how a run ended to one.

use crate::cli::NoTests;
use crate::events::Interruption;
use crate::session::RunStats;

/// Every selected test passed (flaky ones included, unless `--flaky-result fail`).
pub const SUCCESS: u8 = 0;
/// A test failed, errored, timed out, a file failed to load, or snapshots are obsolete.
pub const TESTS_FAILED: u8 = 1;
/// Usage, config, build or environment error (e.g. node not found, runtime never started, a
/// report that could not be written).
pub const USAGE_OR_ENVIRONMENT: u8 = 2;
/// No test ran.
pub const NO_TESTS_RAN: u8 = 4;
/// The run was stopped by Ctrl-C (SIGINT), as shells report it (128 + 2).
pub const INTERRUPTED: u8 = 130;
/// The run was stopped by SIGTERM, as shells report it (128 + 15).
pub const TERMINATED: u8 = 143;

/// How a run ended, besides its counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ending {
    /// The signal that stopped it early.
    pub interrupted: Option<Interruption>,
    /// True when a report (a file, or the terminal's output) could not be written.
    pub report_lost: bool,
    /// `--flaky-result fail`: a test that passed only on a retry fails the run.
    pub flaky_fails: bool,
}

/// The exit code of a run stopped by `signal`.
pub fn interrupted(signal: Interruption) -> u8 {
    match signal {
        Interruption::Sigint => INTERRUPTED,
        Interruption::Sigterm => TERMINATED,
    }
}

/// What a finished run exits with: a signal first (the person or job that sent it asked for
/// it), then a lost report or a runtime that never started, then failures, then no tests.
pub fn exit_code(stats: &RunStats, no_tests: NoTests, ending: Ending) -> u8 {
    if let Some(signal) = ending.interrupted {
        interrupted(signal)
    } else if ending.report_lost || stats.runtime_failures > 0 {
        USAGE_OR_ENVIRONMENT
    } else if stats.has_failures() || (ending.flaky_fails && stats.flaky > 0) {
        TESTS_FAILED
    } else if stats.ran() == 0 && no_tests == NoTests::Fail {
        NO_TESTS_RAN
    } else {
        SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exit_code(stats: &RunStats, no_tests: NoTests) -> u8 {
        super::exit_code(stats, no_tests, Ending::default())
    }

    #[test]
    fn maps_signals_and_lost_reports_before_counts() {
        let failed = RunStats { failed: 1, ..RunStats::default() };
        let sigint = Ending { interrupted: Some(Interruption::Sigint), report_lost: true, flaky_fails: false };
        assert_eq!(super::exit_code(&failed, NoTests::Fail, sigint), INTERRUPTED);
        let sigterm = Ending { interrupted: Some(Interruption::Sigterm), ..Ending::default() };
        assert_eq!(super::exit_code(&RunStats::default(), NoTests::Pass, sigterm), TERMINATED);
        let lost = Ending { report_lost: true, ..Ending::default() };
        assert_eq!(super::exit_code(&failed, NoTests::Fail, lost), USAGE_OR_ENVIRONMENT);
        let passed = RunStats { passed: 1, ..RunStats::default() };
        assert_eq!(super::exit_code(&passed, NoTests::Fail, lost), USAGE_OR_ENVIRONMENT);
    }

    #[test]
    fn maps_counts_to_codes() {
        let passed = RunStats { passed: 3, ..RunStats::default() };
        assert_eq!(exit_code(&passed, NoTests::Fail), SUCCESS);
        let failed = RunStats { passed: 3, timed_out: 1, ..RunStats::default() };
        assert_eq!(exit_code(&failed, NoTests::Fail), TESTS_FAILED);
        let load = RunStats { load_errors: 1, ..RunStats::default() };
        assert_eq!(exit_code(&load, NoTests::Pass), TESTS_FAILED);
        let none = RunStats { skipped: 4, ..RunStats::default() };
        assert_eq!(exit_code(&none, NoTests::Fail), NO_TESTS_RAN);
        assert_eq!(exit_code(&none, NoTests::Warn), SUCCESS);
        assert_eq!(exit_code(&none, NoTests::Pass), SUCCESS);
        // As in Jest: snapshots no test checks any more fail the run until `-u` removes them.
        let mut obsolete = RunStats { passed: 1, ..RunStats::default() };
        obsolete.snapshots.obsolete = 1;
        assert_eq!(exit_code(&obsolete, NoTests::Fail), TESTS_FAILED);
        let broken = RunStats { passed: 1, runtime_failures: 1, ..RunStats::default() };
        assert_eq!(exit_code(&broken, NoTests::Fail), USAGE_OR_ENVIRONMENT);
    }

    #[test]
    fn flaky_tests_pass_unless_flaky_result_is_fail() {
        let flaky = RunStats { passed: 2, flaky: 1, ..RunStats::default() };
        assert_eq!(exit_code(&flaky, NoTests::Fail), SUCCESS);
        let strict = Ending { flaky_fails: true, ..Ending::default() };
        assert_eq!(super::exit_code(&flaky, NoTests::Fail, strict), TESTS_FAILED);
        let steady = RunStats { passed: 2, ..RunStats::default() };
        assert_eq!(super::exit_code(&steady, NoTests::Fail, strict), SUCCESS);
        // A run of flaky tests only still ran tests.
        let only_flaky = RunStats { flaky: 1, ..RunStats::default() };
        assert_eq!(exit_code(&only_flaky, NoTests::Fail), SUCCESS);
    }
}
