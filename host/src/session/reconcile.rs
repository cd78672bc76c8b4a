//! Reconciles what the runtime registered with the static plan. The runtime's list wins (it
//! knows dynamic names); the plan contributes locations. `.only` applies within its file, as in
//! Jest.

use crate::events::{SkipKind, TestId, TestInfo};
use crate::plan::{Location, PlannedSuite};
use protocol::{test_id, RegisteredTest, TestMode};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

/// What the session will do with a registered test.
#[derive(Debug, Clone)]
pub(crate) enum Disposition {
    /// Dispatch it with this deadline.
    Run { timeout: Duration },
    /// Report it as not run.
    Skip { kind: SkipKind, reason: String },
}

/// A registered test with its plan location and what to do with it.
#[derive(Debug, Clone)]
pub(crate) struct Scheduled {
    pub info: Arc<TestInfo>,
    pub disposition: Disposition,
}

/// Orders and classifies the registered tests (registration order is plan file order).
pub(crate) fn reconcile(
    suite: &PlannedSuite,
    runtime: crate::config::RuntimeKind,
    registered: &[RegisteredTest],
    default_timeout: Duration,
    timeout_override: Option<Duration>,
) -> Vec<Scheduled> {
    let mut by_id: HashMap<&str, Location> = HashMap::new();
    let mut dynamic_by_parent: HashMap<String, Location> = HashMap::new();
    for file in &suite.files {
        for (parent, test) in file.tests() {
            match (&test.id, test.dynamic) {
                (Some(id), false) => {
                    by_id.insert(id.as_str(), test.location);
                }
                _ => {
                    let parent = parent.map_or_else(|| file.path.clone(), str::to_owned);
                    dynamic_by_parent.entry(parent).or_insert(test.location);
                }
            }
        }
    }
    let focused_files: HashSet<&str> = registered
        .iter()
        .filter(|t| t.mode == TestMode::Only)
        .map(|t| t.file.as_str())
        .collect();
    registered
        .iter()
        .map(|test| {
            let parent = test_id(&test.file, test.groups.iter().map(String::as_str));
            let location = by_id
                .get(test.id.as_str())
                .or_else(|| dynamic_by_parent.get(&parent))
                .copied();
            let info = Arc::new(TestInfo {
                id: TestId(test.id.clone()),
                suite: suite.id.clone(),
                runtime,
                file: test.file.clone(),
                groups: test.groups.clone(),
                name: test.name.clone(),
                tags: test.tags.clone(),
                location,
            });
            let disposition = match test.mode {
                TestMode::Todo => Disposition::Skip { kind: SkipKind::Todo, reason: "declared with .todo".into() },
                TestMode::Skip => Disposition::Skip { kind: SkipKind::Skipped, reason: "skipped with .skip".into() },
                TestMode::Run if focused_files.contains(test.file.as_str()) => Disposition::Skip {
                    kind: SkipKind::Skipped,
                    reason: "not focused: another test in this file uses .only".into(),
                },
                TestMode::Run | TestMode::Only => {
                    let own = test.timeout.map(Duration::from_millis);
                    Disposition::Run { timeout: own.or(timeout_override).unwrap_or(default_timeout) }
                }
            };
            Scheduled { info, disposition }
        })
        .collect()
}
