//! Exit codes, and the one function that maps a run's counts to one.

use crate::cli::NoTests;
use crate::session::RunStats;

/// Every selected test passed.
pub const SUCCESS: u8 = 0;
/// A test failed, errored, timed out, a file failed to load, or snapshots are obsolete.
pub const TESTS_FAILED: u8 = 1;
/// Usage, config, build or environment error (e.g. node not found, runtime never started).
pub const USAGE_OR_ENVIRONMENT: u8 = 2;
/// No test ran.
pub const NO_TESTS_RAN: u8 = 4;
/// The run was interrupted (Ctrl-C or SIGTERM), as shells report a SIGINT.
pub const INTERRUPTED: u8 = 130;

/// What a finished run exits with.
pub fn exit_code(stats: &RunStats, no_tests: NoTests) -> u8 {
    if stats.runtime_failures > 0 {
        USAGE_OR_ENVIRONMENT
    } else if stats.has_failures() {
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
}
