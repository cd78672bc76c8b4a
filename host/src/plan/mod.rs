//! The plan: every test file parsed with swc into suites → files → groups → tests, before any
//! runtime starts. Listing or printing the plan never starts a runtime.

mod analyze;
mod discover;
mod graph;
mod model;
mod stamp;

pub(crate) use analyze::syntax_error;
pub use discover::{build_plan, build_plan_cached, PlanCache, PlanError};
pub use graph::{reachable, subjects, ImportGraph};
pub use model::{Location, Plan, PlanNode, PlannedFile, PlannedSuite, PlannedTest};
