//! The plan: every test file parsed with swc into suites → files → groups → tests, before any
//! runtime starts. Listing or printing the plan never starts a runtime.

mod analyze;
mod discover;
mod docblock;
mod graph;
mod model;
mod stamp;

pub(crate) use analyze::syntax_error;
pub use discover::{build_plan, build_plan_cached, no_files_message, PlanCache, PlanError};
pub(crate) use discover::{segment_glob, walk as project_files};
pub use graph::{reachable, reachable_from, subjects, ImportGraph, ImportRecord};
pub use model::{ImportSite, Location, Plan, PlanNode, PlannedFile, PlannedSuite, PlannedTest};
