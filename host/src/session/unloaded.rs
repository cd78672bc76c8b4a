//! Tests reported from the plan alone, without a runtime: those of files the selection left
//! nothing in (they are not loaded at all), and after `--fail-fast` stopped the run, those of
//! suites that never started. Their ids and names come from the static analysis; a test whose
//! name is dynamic is reported under its name template, as `proctor list` shows it.

use super::RunStats;
use crate::config::RuntimeKind;
use crate::events::{Emitter, EventKind, TestId, TestInfo};
use crate::plan::{PlanNode, PlannedFile, PlannedSuite, PlannedTest};
use crate::select::{Decision, SkipReason};
use protocol::{test_id, unescape_name, ID_SEPARATOR};
use std::sync::Arc;

/// Reports every test of the suite's unselected files as skipped, with its reason (for a suite
/// in which no file is loaded; otherwise reconcile merges these into the run in plan order).
pub fn report_unselected(suite: &PlannedSuite, runtime: RuntimeKind, emitter: &mut Emitter<'_>, stats: &mut RunStats) {
    for file in suite.files.iter().filter(|f| !f.selected) {
        emit(planned_skips(&suite.id, (runtime, None), file, None), emitter, stats);
    }
}

/// Reports every test of a suite as not run because of `reason` (tests the selection already
/// skipped keep their own reason).
pub fn report_not_run(
    suite: &PlannedSuite,
    runtime: RuntimeKind,
    reason: &SkipReason,
    emitter: &mut Emitter<'_>,
    stats: &mut RunStats,
) {
    for file in &suite.files {
        emit(planned_skips(&suite.id, (runtime, None), file, Some(reason)), emitter, stats);
    }
}

fn emit(skips: Vec<(Arc<TestInfo>, SkipReason)>, emitter: &mut Emitter<'_>, stats: &mut RunStats) {
    for (test, reason) in skips {
        stats.record_skip(&reason);
        emitter.emit(EventKind::TestSkipped { test, kind: reason.kind(), reason, stats: *stats });
    }
}

/// The tests of a file that will not run, from the plan: those the selection skipped, and with
/// `not_run` every other one too.
pub(crate) fn planned_skips(
    suite: &str,
    (runtime, instance): (RuntimeKind, Option<&str>),
    file: &PlannedFile,
    not_run: Option<&SkipReason>,
) -> Vec<(Arc<TestInfo>, SkipReason)> {
    let mut tests = Vec::new();
    walk(&file.path, &mut Vec::new(), &file.nodes, &mut tests);
    let mut out = Vec::new();
    for (id, groups, name, test) in tests {
        let reason = match (&test.decision, not_run) {
            (Decision::Skipped(reason), _) => reason.clone(),
            (Decision::Selected | Decision::Pending, Some(reason)) => reason.clone(),
            (Decision::Selected | Decision::Pending, None) => continue,
        };
        let info = Arc::new(TestInfo {
            id: TestId(id),
            suite: suite.to_owned(),
            runtime,
            instance: instance.map(str::to_owned),
            file: file.path.clone(),
            groups,
            name,
            tags: test.tags.clone(),
            location: Some(test.location),
        });
        out.push((info, reason));
    }
    out
}

type Found<'p> = (String, Vec<String>, String, &'p PlannedTest);

/// Every test with its id, group names and own name (unique names, as the runtime would
/// register them, where the names are static).
fn walk<'p>(parent: &str, groups: &mut Vec<String>, nodes: &'p [PlanNode], out: &mut Vec<Found<'p>>) {
    for node in nodes {
        match node {
            PlanNode::Group(group) => {
                let id = group.id.clone().unwrap_or_else(|| test_id(parent, [group.name.as_str()]));
                groups.push(last_segment(&id, parent));
                walk(&id, groups, &group.children, out);
                groups.pop();
            }
            PlanNode::Test(test) => {
                let id = test.id.clone().unwrap_or_else(|| test_id(parent, [test.name.as_str()]));
                let name = last_segment(&id, parent);
                out.push((id, groups.clone(), name, test));
            }
        }
    }
}

/// The (unescaped) name an id adds to its parent's.
fn last_segment(id: &str, parent: &str) -> String {
    let segment = id.strip_prefix(parent).and_then(|rest| rest.strip_prefix(ID_SEPARATOR)).unwrap_or(id);
    unescape_name(segment)
}
