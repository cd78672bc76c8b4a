//! History: every test attempt of every run, keyed by the git commit and tree it ran on, in an
//! embedded SQLite database (`.proctor/history.db`). The run side is [`HistorySink`], a reporter
//! beside the others; the reading side is `proctor history`, `flaky` and `slow`, and the status
//! page's marks ([`recent`]).

mod command;
mod key;
mod query;
mod record;
mod sink;
mod store;
mod transfer;

pub use command::{flaky, history, slow, FlakyArgs, HistoryArgs, SlowArgs};
pub use key::{CodeKey, CodeLookup};
pub use sink::HistorySink;

use std::path::Path;

/// Every recorded test's latest `per_test` tries, for the status page: `None` when there is no
/// history yet or it cannot be read (the page then shows none).
pub fn recent(path: &Path, per_test: usize) -> Option<Vec<query::RecentRow>> {
    let store = store::Store::open(path, false, std::time::Duration::from_millis(500)).ok()?;
    query::recent(&store, per_test).ok()
}
