//! The session: the host in charge of a runtime, one test at a time. See `README.md` here for
//! the tasks, channels and lifecycle.

mod driver;
mod reconcile;
mod stats;

pub use driver::{report_syntax_errors, run_suite, start_failed, SuiteSettings};
pub use stats::RunStats;
