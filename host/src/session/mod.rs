//! The session: the host in charge of a runtime, one test at a time. See `README.md` here for
//! the tasks, channels and lifecycle.

mod blame;
mod driver;
mod fail_fast;
mod file_snapshots;
mod inline_snapshots;
mod interrupted;
mod order;
mod realms;
mod reconcile;
mod snapshots;
mod stats;
mod unloaded;

pub use driver::{report_syntax_errors, run_suite, start_failed, SuiteSettings};
pub use fail_fast::FailFast;
pub use interrupted::{report_interrupted, Ledger};
pub use order::RunOrder;
pub use snapshots::SnapshotAction;
pub use stats::{RunStats, SnapshotStats};
pub use unloaded::{report_not_run, report_unselected};
