//! How a suite is handed to realms when every test file gets a fresh one: the queue of steps a
//! driver takes one at a time. Each step is one file to load and run, with the unselected files
//! that precede it in plan order (reported from the plan in their places). A pool of runtimes
//! would take steps from the same queue side by side; results would then be ordered by step.

use super::order::{RunOrder, SplitMix64};
use crate::plan::{PlannedFile, PlannedSuite};

/// The suite's steps in run order: plan order, or shuffled by `seed` (`--seed`: the files, as
/// without isolation; the tests within each file are shuffled when it is reconciled). Files
/// that did not parse are not steps: they were reported as load errors already. An explicit
/// `order` then puts the steps in the order of their files' first named tests.
pub(crate) fn file_steps<'a>(
    suite: &'a PlannedSuite,
    seed: Option<u64>,
    order: Option<&RunOrder>,
) -> Vec<Vec<&'a PlannedFile>> {
    let mut steps: Vec<Vec<&PlannedFile>> = Vec::new();
    let mut unselected: Vec<&PlannedFile> = Vec::new();
    for file in &suite.files {
        if file.selected && file.syntax_error.is_none() {
            let mut step = std::mem::take(&mut unselected);
            step.push(file);
            steps.push(step);
        } else if !file.selected {
            unselected.push(file);
        }
    }
    // The unselected files after the last loaded one ride with it; with none loaded at all the
    // suite never gets here (see `report_unselected`).
    if let Some(last) = steps.last_mut() {
        last.extend(unselected);
    }
    if let Some(seed) = seed {
        SplitMix64::new(seed).shuffle(&mut steps);
    }
    if let Some(order) = order {
        steps.sort_by_key(|step| step.iter().map(|file| order.file_rank(&suite.id, &file.path)).min());
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, selected: bool) -> PlannedFile {
        PlannedFile {
            path: path.into(),
            abs: path.into(),
            syntax_error: None,
            selected,
            nodes: vec![],
            imports: vec![],
            subjects: vec![],
            environment: None,
            vitest_project: false,
        }
    }

    /// a (left out), b, c, d (left out).
    fn four_files() -> PlannedSuite {
        PlannedSuite {
            id: "unit".into(),
            runtimes: vec![],
            timeout_ms: 5000,
            files: vec![file("a", false), file("b", true), file("c", true), file("d", false)],
        }
    }

    fn paths(steps: &[Vec<&PlannedFile>]) -> Vec<Vec<String>> {
        steps.iter().map(|step| step.iter().map(|f| f.path.clone()).collect()).collect()
    }

    #[test]
    fn each_loaded_file_is_a_step_with_the_unselected_files_before_it() {
        let suite = four_files();
        assert_eq!(paths(&file_steps(&suite, None, None)), vec![vec!["a", "b"], vec!["c", "d"]]);
        let shuffled = paths(&file_steps(&suite, Some(7), None));
        assert_eq!(shuffled.len(), 2);
        assert_eq!(shuffled, paths(&file_steps(&suite, Some(7), None)), "the same seed, the same order");
    }

    #[test]
    fn an_explicit_order_puts_the_steps_in_the_order_of_their_first_named_tests() {
        let suite = four_files();
        let order = RunOrder::new([("unit", "c::x"), ("unit", "b::y"), ("unit", "c::z")]);
        assert_eq!(paths(&file_steps(&suite, Some(7), Some(&order))), vec![vec!["c", "d"], vec!["a", "b"]]);
    }
}
