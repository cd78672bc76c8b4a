//! How a suite is handed to realms when every test file gets a fresh one: the queue of steps a
//! driver takes one at a time. Each step is one file to load and run, with the unselected files
//! that precede it in plan order (reported from the plan in their places). A pool of runtimes
//! would take steps from the same queue side by side; results would then be ordered by step.

use super::order::SplitMix64;
use crate::plan::{PlannedFile, PlannedSuite};

/// The suite's steps in run order: plan order, or shuffled by `seed` (`--seed`: the files, as
/// without isolation; the tests within each file are shuffled when it is reconciled). Files
/// that did not parse are not steps: they were reported as load errors already.
pub(crate) fn file_steps(suite: &PlannedSuite, seed: Option<u64>) -> Vec<Vec<&PlannedFile>> {
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
        }
    }

    fn paths(steps: &[Vec<&PlannedFile>]) -> Vec<Vec<String>> {
        steps.iter().map(|step| step.iter().map(|f| f.path.clone()).collect()).collect()
    }

    #[test]
    fn each_loaded_file_is_a_step_with_the_unselected_files_before_it() {
        let suite = PlannedSuite {
            id: "unit".into(),
            runtimes: vec![],
            timeout_ms: 5000,
            files: vec![file("a", false), file("b", true), file("c", true), file("d", false)],
        };
        assert_eq!(paths(&file_steps(&suite, None)), vec![vec!["a", "b"], vec!["c", "d"]]);
        let shuffled = paths(&file_steps(&suite, Some(7)));
        assert_eq!(shuffled.len(), 2);
        assert_eq!(shuffled, paths(&file_steps(&suite, Some(7))), "the same seed, the same order");
    }
}
