//! The plan: every test file parsed with swc into suites → files → groups → tests, before any
//! runtime starts. Listing or printing the plan never starts a runtime.

mod analyze;
mod discover;
mod model;

pub use discover::{build_plan, PlanError};
pub use model::{Location, Plan, PlanNode, PlannedFile, PlannedSuite, PlannedTest};
