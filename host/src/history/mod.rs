//! History: every test attempt of every run, keyed by the git commit and tree it ran on, in an
//! embedded SQLite database (`.proctor/history.db`). The run side is [`HistorySink`], a reporter
//! beside the others; the reading side is `proctor history`, `flaky` and `slow`.

mod command;
mod key;
mod query;
mod record;
mod sink;
mod store;
mod transfer;

pub use command::{flaky, history, slow, FlakyArgs, HistoryArgs, SlowArgs};
pub use sink::HistorySink;
