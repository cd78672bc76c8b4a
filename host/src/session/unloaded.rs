//! Tests reported from the plan alone, without a runtime: those of files the selection left
//! nothing in (they are not loaded at all), and after `--fail-fast` stopped the run, those of
//! suites that never started. Their ids and names come from the static analysis; a test whose
//! name is dynamic is reported under the source text that computes it, as `proctor list` shows it.

use super::RunStats;
use crate::events::{Emitter, EventKind, TestId, TestInfo};
use crate::plan::{PlanNode, PlannedFile, PlannedSuite};
use crate::select::{Decision, SkipReason};
use protocol::{test_id, ID_SEPARATOR};
use std::sync::Arc;

/// Reports every test of the suite's unselected files as skipped, with its reason.
pub fn report_unselected(suite: &PlannedSuite, emitter: &mut Emitter<'_>, stats: &mut RunStats) {
    for file in suite.files.iter().filter(|f| !f.selected) {
        report_file(&suite.id, file, None, emitter, stats);
    }
}

/// Reports every test of a suite as not run because of `reason` (tests the selection already
/// skipped keep their own reason).
pub fn report_not_run(suite: &PlannedSuite, reason: &SkipReason, emitter: &mut Emitter<'_>, stats: &mut RunStats) {
    for file in &suite.files {
        report_file(&suite.id, file, Some(reason), emitter, stats);
    }
}

fn report_file(suite: &str, file: &PlannedFile, not_run: Option<&SkipReason>, emitter: &mut Emitter<'_>, stats: &mut RunStats) {
    let mut tests = Vec::new();
    walk(&file.path, &file.path, &mut Vec::new(), &file.nodes, &mut tests);
    for (id, groups, name, test) in tests {
        let reason = match &test.decision {
            Decision::Skipped(reason) => reason.clone(),
            Decision::Selected | Decision::Pending => match not_run {
                Some(reason) => reason.clone(),
                None => continue,
            },
        };
        let info = Arc::new(TestInfo {
            id: TestId(id),
            suite: suite.to_owned(),
            file: file.path.clone(),
            groups,
            name,
            tags: test.tags.clone(),
            location: Some(test.location),
        });
        stats.record_skip(&reason);
        emitter.emit(EventKind::TestSkipped { test: info, kind: reason.kind(), reason, stats: *stats });
    }
}

type Found<'p> = (String, Vec<String>, String, &'p crate::plan::PlannedTest);

/// Every test with its id, group names and own name (unique names, as the runtime would
/// register them, where the names are static).
fn walk<'p>(file: &str, parent: &str, groups: &mut Vec<String>, nodes: &'p [PlanNode], out: &mut Vec<Found<'p>>) {
    for node in nodes {
        match node {
            PlanNode::Group(group) => {
                let id = group.id.clone().unwrap_or_else(|| test_id(parent, [group.name.as_str()]));
                groups.push(last_segment(&id, parent));
                walk(file, &id, groups, &group.children, out);
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

fn last_segment(id: &str, parent: &str) -> String {
    id.strip_prefix(parent).and_then(|rest| rest.strip_prefix(ID_SEPARATOR)).unwrap_or(id).to_owned()
}
