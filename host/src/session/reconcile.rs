//! Reconciles what the runtime registered with the static plan. The runtime's list wins (it
//! knows dynamic names); the plan contributes locations. Every registered test is decided by the
//! same [`Selection::decide`] the select stage used, now on its registered id (which settles
//! dynamic names), then `.only` applies within its file, as in Jest. The skipped tests of files
//! that were not loaded join from the plan, so every result comes out in plan order, and
//! `--seed` shuffles the whole.
//!
//! [`Selection::decide`]: crate::select::Selection::decide

use super::driver::SuiteSettings;
use super::order::shuffle_within_groups;
use super::unloaded::planned_skips;
use crate::events::{TestId, TestInfo};
use crate::plan::{Location, PlannedFile};
use crate::select::{apply_only, Candidate, Decision, Known, SkipReason};
use protocol::{test_id, RegisteredTest};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The tests of `files` as the plan knows them, as skips: those the selection left out with
/// their own reason, the others with `not_run` (None: the selection's reasons only).
pub(crate) fn planned_scheduled(
    settings: &SuiteSettings<'_>,
    files: &[&crate::plan::PlannedFile],
    not_run: Option<&SkipReason>,
) -> Vec<Scheduled> {
    let runtime = (settings.runtime, settings.instance.as_deref());
    files
        .iter()
        .flat_map(|file| planned_skips(&settings.suite.id, runtime, file, not_run))
        .map(|(info, reason)| Scheduled { info, disposition: Disposition::Skip { kind: reason.kind(), reason } })
        .collect()
}

/// What the session will do with a registered test.
#[derive(Debug, Clone)]
pub(crate) enum Disposition {
    /// Dispatch it with this deadline and these tries.
    Run { timeout: Duration, tries: crate::retry::Tries },
    /// Report it as not run.
    Skip { kind: crate::events::SkipKind, reason: SkipReason },
}

/// A registered test with its plan location and what to do with it.
#[derive(Debug, Clone)]
pub(crate) struct Scheduled {
    pub info: Arc<TestInfo>,
    pub disposition: Disposition,
}

/// Orders and classifies the registered tests, with the unloaded files' tests in their places
/// (registration order is plan file order, unless the settings carry a seed).
///
/// `in_scope` names the files this load covers (with isolation, one loaded file and the
/// unselected files before it); the others are left to their own loads.
pub(crate) fn reconcile(
    settings: &SuiteSettings<'_>,
    registered: &[RegisteredTest],
    in_scope: impl Fn(&str) -> bool,
) -> Vec<Scheduled> {
    let suite = settings.suite;
    let default_timeout = Duration::from_millis(suite.timeout_ms);
    let mut by_id: HashMap<&str, Location> = HashMap::new();
    let mut dynamic_by_parent: HashMap<String, Location> = HashMap::new();
    // Only the files this load covers: with isolation a suite is reconciled file by file, and
    // indexing every planned test each time cost O(files × tests).
    for file in suite.files.iter().filter(|file| in_scope(&file.path)) {
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
    let mut decisions: Vec<Decision> = registered
        .iter()
        .map(|test| {
            settings.selection.decide(&Candidate {
                suite: &suite.id,
                file: &test.file,
                id: Known::Exact(&test.id),
                tags: Some(&test.tags),
                mode: test.mode,
            })
        })
        .collect();
    apply_only(
        registered.iter().zip(decisions.iter_mut()).map(|(test, decision)| (test.file.as_str(), test.mode, decision)),
    );
    let mut loaded: HashMap<&str, Vec<Scheduled>> = HashMap::new();
    let mut stray: Vec<Scheduled> = Vec::new();
    // Registered tests come file by file: the planned file is looked up once per run of them, not
    // once per test (O(files) each time, for every file of an isolated run).
    let mut planned: Option<&PlannedFile> = None;
    for (test, decision) in registered.iter().zip(decisions) {
        let location = by_id.get(test.id.as_str()).copied().or_else(|| {
            let parent = test_id(&test.file, test.groups.iter().map(String::as_str));
            dynamic_by_parent.get(&parent).copied()
        });
        let info = Arc::new(TestInfo {
            id: TestId(test.id.clone()),
            suite: suite.id.clone(),
            runtime: settings.runtime,
            instance: settings.instance.clone(),
            file: test.file.clone(),
            groups: test.groups.clone(),
            name: test.name.clone(),
            tags: test.tags.clone(),
            location,
        });
        let runs = settings.repeat.runs_of(test.repeats);
        let disposition = match decision {
            Decision::Skipped(reason) => Disposition::Skip { kind: reason.kind(), reason },
            Decision::Selected | Decision::Pending => {
                let own = test.timeout.map(Duration::from_millis);
                let timeout = own.or(settings.timeout_override).unwrap_or(default_timeout);
                let retries = settings.retries.for_test(test.retries, &test.tags);
                let repeat = (runs != Some(1)).then_some(1);
                Disposition::Run { timeout, tries: crate::retry::Tries::new(retries, repeat) }
            }
        };
        if planned.is_none_or(|file| file.path != test.file) {
            planned = suite.files.iter().find(|f| f.path == test.file);
        }
        let target = match planned {
            Some(file) => loaded.entry(file.path.as_str()).or_default(),
            None => &mut stray,
        };
        // `--repeat N` and the test's own `repeats`: the runs of a test follow each other (as
        // Vitest's `repeats`), each a result of its own; the other repeat modes decide after each
        // run (driver).
        if let (Some(count @ 2..), Disposition::Run { timeout, tries }) = (runs, &disposition) {
            for repeat in 2..=count {
                let tries = crate::retry::Tries { repeat: Some(repeat), ..*tries };
                let again =
                    Scheduled { info: info.clone(), disposition: Disposition::Run { timeout: *timeout, tries } };
                if repeat == 2 {
                    target.push(Scheduled { info: info.clone(), disposition: disposition.clone() });
                }
                target.push(again);
            }
        } else {
            target.push(Scheduled { info, disposition });
        }
    }
    let mut scheduled = Vec::with_capacity(registered.len());
    for file in suite.files.iter().filter(|file| in_scope(&file.path)) {
        if file.selected {
            scheduled.extend(loaded.remove(file.path.as_str()).unwrap_or_default());
        } else {
            scheduled.extend(planned_scheduled(settings, &[file], None));
        }
    }
    scheduled.extend(stray);
    match settings.seed {
        Some(seed) => shuffle_within_groups(scheduled, |s| s.info.file_and_groups(), seed),
        None => scheduled,
    }
}
