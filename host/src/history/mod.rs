//! History: every test attempt of every run, keyed by the git commit and tree it ran on, in an
//! embedded SQLite database (`.proctor/history.db`). The run side is [`HistorySink`], a reporter
//! beside the others; the reading side is `proctor history`, `flaky` and `slow`, and the status
//! page's marks ([`recent`]).

mod command;
mod key;
mod preceding;
mod query;
mod record;
mod sink;
mod store;
mod transfer;

pub use command::{flaky, history, since_cutoff, slow, FlakyArgs, HistoryArgs, SlowArgs};
pub use key::{CodeKey, CodeLookup};
pub use preceding::{Lookup, RecordedFailure};
pub use sink::HistorySink;
pub use store::HistoryError;

use std::path::Path;

/// Lowers the calling thread's scheduling priority (nice 10; on Linux nice is per thread, and
/// processes the thread starts inherit it). History's git lookup and database writes are
/// bookkeeping beside the run: on a machine whose cores the runtimes and the host keep busy,
/// they take the idle moments instead of delaying a test.
pub(crate) fn background_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority has no memory effects; who = 0 is the calling thread on Linux.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

/// Every recorded test's latest `per_test` tries, for the status page: `None` when there is no
/// history yet or it cannot be read (the page then shows none).
pub fn recent(path: &Path, per_test: usize) -> Option<Vec<query::RecentRow>> {
    let store = store::Store::open(path, false, std::time::Duration::from_millis(500)).ok()?;
    query::recent(&store, per_test).ok()
}

/// The newest recorded failure of the test `pattern` names, with what ran before it in that run
/// (`proctor flaky --triage`), among the runs started at or after `since` (ms; 0 for all).
pub fn latest_failure(path: &Path, pattern: &str, since: i64) -> Result<Lookup, HistoryError> {
    let store = store::Store::open(path, false, std::time::Duration::from_secs(5))?;
    preceding::latest_failure(&store, pattern, since)
}
