//! `proctor flaky --triage ID`: order or chance? A test that failed in a run is rerun, each time
//! a real run of the whole pipeline (config → plan → select → session, through
//! [`execute`]) with only its reporters swapped for one that watches the test:
//!
//! 1. alone, `--runs N` times: any failure means it fails by chance (non-deterministic);
//! 2. after every test that preceded its newest recorded failure (history, same runtime), in
//!    that run's exact order ([`RunOrder`]), up to [`REPRODUCE`] times;
//! 3. when that fails, after subsets of them, kept in order, by delta debugging (halves first,
//!    then finer chunks and their complements) down to the one test it fails after.
//!
//! Triage runs are not recorded in the history: their orders are made up, and 20 runs of one
//! test alone would outweigh the runs that showed the failure in `proctor flaky`.

use crate::cli::ProjectArgs;
use crate::commands::{execute, selected_plan, CommandError, Kept};
use crate::config::{resolve, Config, ConfigError, RuntimeKind};
use crate::events::{Event, EventKind, Interruption, Outcome, TestInfo};
use crate::exit::{SUCCESS, USAGE_OR_ENVIRONMENT};
use crate::history::{FlakyArgs, HistoryError, Lookup, RecordedFailure};
use crate::report::{Fanout, Reporter};
use crate::select::IdPattern;
use crate::session::RunOrder;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How many times the full preceding set is tried before the failure counts as not reproduced.
const REPRODUCE: u32 = 3;
/// The most runs bisection takes; past it the smallest failing set found so far is reported.
const MAX_BISECT_RUNS: usize = 100;
/// The JSON output's version.
const JSON_VERSION: u32 = 1;

/// Why triage could not give a verdict.
#[derive(Debug, thiserror::Error)]
enum TriageError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error(transparent)]
    Command(#[from] CommandError),
    #[error("no recorded failure of {id} in {} (hint: run it until it fails, or name the tests that ran before it: --after ID...)", path.display())]
    NoFailure { id: String, path: std::path::PathBuf },
    #[error("{id} names {} recorded tests, not one: {} (hint: give a test's full id)", names.len(), names.join(", "))]
    Ambiguous { id: String, names: Vec<String> },
    #[error("{id}: {message}")]
    Id { id: String, message: String },
    #[error("{id} did not run (hint: `proctor list` shows the ids there are)")]
    NotRun { id: String },
    #[error("{id} is not in the project any more{}", crate::select::hint(suggestions))]
    Gone { id: String, suggestions: Vec<String> },
    #[error("invalid value for --since: `{0}` is not an age (use e.g. 7d, 12h, 4w)")]
    Since(String),
    #[error("interrupted")]
    Interrupted(Interruption),
}

/// A test: suite and id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
struct Test {
    suite: String,
    id: String,
}

impl Test {
    fn label(&self) -> String {
        format!("{}:{}", self.suite, self.id)
    }
}

/// What one run showed.
#[derive(Debug, Default)]
struct Observed {
    /// The target settled (or had a try fail).
    ran: bool,
    /// One of its tries failed, timed out or crashed.
    failed: bool,
    /// Where each test that ran is declared (`file:line`).
    locations: HashMap<Test, String>,
}

/// The reporter of a triage run: it watches the target and notes where the others are.
struct Watch {
    target: Test,
    seen: Arc<Mutex<Observed>>,
}

impl Watch {
    fn note(&self, test: &TestInfo, failed: bool) {
        let mut seen = self.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let key = Test { suite: test.suite.clone(), id: test.id.0.clone() };
        if let Some(at) = &test.location {
            seen.locations.insert(key.clone(), format!("{}:{}", test.file, at.line));
        }
        if key == self.target {
            seen.ran = true;
            seen.failed |= failed;
        }
    }
}

impl Reporter for Watch {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        match &event.kind {
            EventKind::TestFinished { test, outcome, .. } => {
                // A flaky result failed a try: under triage that is a failure like any other.
                self.note(test, outcome.is_failure() || *outcome == Outcome::Flaky);
            }
            EventKind::TestAttemptFailed { test, .. } => self.note(test, true),
            EventKind::RunStarted { .. }
            | EventKind::RuntimeStarted { .. }
            | EventKind::Built { .. }
            | EventKind::LoadError { .. }
            | EventKind::TestStarted { .. }
            | EventKind::Console { .. }
            | EventKind::TestSkipped { .. }
            | EventKind::RuntimeError { .. }
            | EventKind::SnapshotFile { .. }
            | EventKind::RuntimeRestarted { .. }
            | EventKind::HuntFinished { .. }
            | EventKind::RunFinished { .. } => {}
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> std::io::Result<()> {
        Ok(())
    }
}

/// One rerun, as the report lists it.
#[derive(Debug, Clone, Serialize)]
struct Step {
    /// `alone`, `after` (the whole preceding set) or `bisect` (a subset of it).
    kind: &'static str,
    /// How many tests ran before it.
    before: usize,
    /// Runs of this step (alone: `--runs`).
    runs: u32,
    /// How many of them it failed.
    failed: u32,
}

/// A test that ran before the target, with where it is declared.
#[derive(Debug, Clone, Serialize)]
struct Polluter {
    suite: String,
    id: String,
    location: Option<String>,
}

/// The verdict and how it was reached.
#[derive(Debug, Serialize)]
struct Triage {
    suite: String,
    id: String,
    /// `order-dependent`, `non-deterministic`, `fails-alone` or `not-reproduced`.
    verdict: &'static str,
    /// The verdict in a sentence.
    summary: String,
    /// The one test it fails after, when bisection got down to one.
    polluter: Option<Polluter>,
    /// The smallest set of tests found that makes it fail (the polluter alone, or several that
    /// are only harmful together).
    polluters: Vec<Polluter>,
    /// Failed runs alone.
    failed: u32,
    /// Runs alone.
    runs: u32,
    /// The recorded failure the preceding tests come from (none with `--after`).
    recorded: Option<RecordedFailure>,
    /// The tests that preceded it (`suite:id`), in their order.
    preceding: Vec<String>,
    steps: Vec<Step>,
}

/// `proctor flaky --triage ID`: prints the verdict; the exit code (0 for any verdict, 2 when
/// there is nothing to triage, 130/143 when interrupted).
pub async fn triage(args: FlakyArgs) -> u8 {
    match run(&args).await {
        Ok(report) => {
            if args.read.json {
                let value = serde_json::json!({ "version": JSON_VERSION, "triage": report });
                outln!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
            } else {
                print_text(&report);
            }
            SUCCESS
        }
        Err(TriageError::Interrupted(signal)) => crate::exit::interrupted(signal),
        Err(err) => {
            errln!("proctor: error: {err}");
            USAGE_OR_ENVIRONMENT
        }
    }
}

async fn run(args: &FlakyArgs) -> Result<Triage, TriageError> {
    let project = ProjectArgs {
        paths: Vec::new(),
        root: args.read.root.clone(),
        config: args.read.config.clone(),
        print_config: false,
        select: Default::default(),
    };
    let mut base = resolve(&project, None)?;
    crate::commands::warn_config(&base);
    base.history.enabled = false;
    base.seed = None;
    base.fail_fast = false;
    let (target, preceding, recorded) = what_to_triage(args, &mut base)?;
    let mut steps = Vec::new();
    let mut locations = HashMap::new();
    let runs = args.runs.max(1);
    let mut failed = 0;
    errln!("proctor: triage: {} alone, {runs} time{}", target.label(), if runs == 1 { "" } else { "s" });
    for n in 1..=runs {
        let seen = rerun(&base, &[], &target).await?;
        failed += u32::from(seen.failed);
        locations.extend(seen.locations);
        if n == runs {
            errln!("proctor: triage: alone: failed {failed} of {n} runs");
        }
    }
    steps.push(Step { kind: "alone", before: 0, runs, failed });
    let mut report = Triage {
        suite: target.suite.clone(),
        id: target.id.clone(),
        verdict: "non-deterministic",
        summary: format!("non-deterministic: failed {failed} of {runs} runs alone"),
        polluter: None,
        polluters: Vec::new(),
        failed,
        runs,
        recorded,
        preceding: preceding.iter().map(Test::label).collect(),
        steps,
    };
    if failed == runs {
        report.verdict = "fails-alone";
        report.summary = format!("fails alone: failed {runs} of {runs} runs alone (it fails on its own, not by order)");
        return Ok(report);
    }
    if failed > 0 {
        return Ok(report);
    }
    if preceding.is_empty() {
        report.verdict = "not-reproduced";
        report.summary =
            format!("not reproduced: passed {runs} of {runs} runs alone, and nothing ran before it in the failing run");
        return Ok(report);
    }
    let mut reproduced = 0;
    for n in 1..=REPRODUCE {
        let seen = rerun(&base, &preceding, &target).await?;
        locations.extend(seen.locations);
        errln!("proctor: triage: after {}, run {n}: {}", tests(preceding.len()), passed_or_failed(seen.failed));
        if seen.failed {
            reproduced = n;
            break;
        }
    }
    let tries = if reproduced == 0 { REPRODUCE } else { reproduced };
    report.steps.push(Step { kind: "after", before: preceding.len(), runs: tries, failed: u32::from(reproduced > 0) });
    if reproduced == 0 {
        report.verdict = "not-reproduced";
        report.summary = format!(
            "not reproduced: passed {runs} of {runs} runs alone and {tries} of {tries} runs after the {} that preceded it",
            tests(preceding.len())
        );
        return Ok(report);
    }
    let smallest = bisect(&base, preceding, &target, &mut report.steps, &mut locations).await?;
    let polluters: Vec<Polluter> = smallest
        .iter()
        .map(|t| Polluter { suite: t.suite.clone(), id: t.id.clone(), location: locations.get(t).cloned() })
        .collect();
    report.verdict = "order-dependent";
    report.summary = match polluters.as_slice() {
        [one] => format!("order-dependent: fails after {}{}", one.id, at(one.location.as_deref())),
        many => format!(
            "order-dependent: fails after these {} tests together: {}",
            many.len(),
            many.iter().map(|p| format!("{}{}", p.id, at(p.location.as_deref()))).collect::<Vec<_>>().join(", ")
        ),
    };
    report.polluter = (polluters.len() == 1).then(|| polluters[0].clone());
    report.polluters = polluters;
    Ok(report)
}

/// The test to triage and the tests that ran before it, in order: `--after`'s, else those of its
/// newest recorded failure (whose runtime `base` is then narrowed to).
fn what_to_triage(
    args: &FlakyArgs,
    base: &mut Config,
) -> Result<(Test, Vec<Test>, Option<RecordedFailure>), TriageError> {
    let id = args.triage.clone().unwrap_or_default();
    if !args.after.is_empty() {
        let target = named_test(base, &id)?;
        let preceding = args.after.iter().map(|after| named_test(base, after)).collect::<Result<Vec<_>, _>>()?;
        return Ok((target, preceding, None));
    }
    let since = crate::history::since_cutoff(args.read.since.as_deref())
        .ok_or_else(|| TriageError::Since(args.read.since.clone().unwrap_or_default()))?;
    let failure = match crate::history::latest_failure(&base.history.path, &id, since) {
        Ok(Lookup::Found(failure)) => failure,
        Ok(Lookup::NoFailure) => return Err(TriageError::NoFailure { id, path: base.history.path.clone() }),
        Ok(Lookup::Ambiguous(names)) => return Err(TriageError::Ambiguous { id, names }),
        Err(HistoryError::Missing { path }) => return Err(TriageError::NoFailure { id, path }),
        Err(other) => return Err(other.into()),
    };
    // Rerun where it failed: a suite that also runs in other runtimes runs only there.
    if let Some(kind) = RuntimeKind::parse(&failure.runtime) {
        for suite in base.suites.iter_mut().filter(|suite| suite.runtimes.contains(&kind)) {
            suite.runtimes = vec![kind];
        }
    }
    let target = Test { suite: failure.suite.clone(), id: failure.test.clone() };
    let preceding = failure.preceding.iter().map(|(suite, id)| Test { suite: suite.clone(), id: id.clone() }).collect();
    Ok((target, preceding, Some(failure)))
}

/// Delta debugging (Zeller's ddmin, lite): the smallest ordered subset of `failing` found after
/// which the target still fails. Halves first; when neither half alone does it, finer chunks and
/// their complements, until no chunk can go.
async fn bisect(
    base: &Config,
    mut failing: Vec<Test>,
    target: &Test,
    steps: &mut Vec<Step>,
    locations: &mut HashMap<Test, String>,
) -> Result<Vec<Test>, TriageError> {
    let mut chunks = 2;
    let mut spent = 0;
    while failing.len() >= 2 && spent < MAX_BISECT_RUNS {
        let size = failing.len().div_ceil(chunks);
        let parts: Vec<Vec<Test>> = failing.chunks(size).map(<[Test]>::to_vec).collect();
        let mut found = None;
        // Each chunk alone; with two chunks each one's complement is the other, tried already.
        let complements = (parts.len() > 2).then(|| {
            (0..parts.len())
                .map(|skip| parts.iter().enumerate().filter(|(i, _)| *i != skip).flat_map(|(_, p)| p.clone()).collect())
                .collect::<Vec<Vec<Test>>>()
        });
        for (subset, is_complement) in
            parts.iter().map(|p| (p, false)).chain(complements.iter().flatten().map(|c| (c, true)))
        {
            if spent >= MAX_BISECT_RUNS {
                break;
            }
            spent += 1;
            let seen = rerun(base, subset, target).await?;
            locations.extend(seen.locations);
            errln!("proctor: triage: after {}: {}", tests(subset.len()), passed_or_failed(seen.failed));
            steps.push(Step { kind: "bisect", before: subset.len(), runs: 1, failed: u32::from(seen.failed) });
            if seen.failed {
                found = Some((subset.clone(), is_complement));
                break;
            }
        }
        match found {
            Some((subset, false)) => {
                failing = subset;
                chunks = 2;
            }
            Some((subset, true)) => {
                failing = subset;
                chunks = (chunks - 1).max(2);
            }
            None if chunks >= failing.len() => break,
            None => chunks = (chunks * 2).min(failing.len()),
        }
    }
    Ok(failing)
}

/// One real run of `before` then `target`, in that order, reported to a [`Watch`] only.
async fn rerun(base: &Config, before: &[Test], target: &Test) -> Result<Observed, TriageError> {
    let mut config = base.clone();
    let order: Vec<&Test> = before.iter().chain(std::iter::once(target)).collect();
    config.order = Some(Arc::new(RunOrder::new(order.iter().map(|t| (t.suite.as_str(), t.id.as_str())))));
    config.selection.focus =
        order.iter().map(|t| IdPattern { text: t.label(), suite: Some(t.suite.clone()), path: t.id.clone() }).collect();
    let global_setup = crate::global_setup::GlobalSetup::start(&config).await.map_err(CommandError::from)?;
    let seen = Arc::new(Mutex::new(Observed::default()));
    let ran = async {
        let plan = Arc::new(selected_plan(&mut config).map_err(|err| match err {
            // The focus is ours, not typed: say which test is missing, not which flag.
            CommandError::Select(crate::select::SelectError::NoMatch { id, suggestions, .. }) => {
                TriageError::Gone { id, suggestions }
            }
            other => TriageError::Command(other),
        })?);
        let watch = Watch { target: target.clone(), seen: seen.clone() };
        let reporters = Fanout::new(vec![("triage", Box::new(watch))]);
        Ok::<_, TriageError>(
            execute(&plan, &config, Kept { served: None, node: None, early_node: None, code: None }, reporters).await?,
        )
    }
    .await;
    if let Some(setup) = global_setup {
        setup.teardown().await.map_err(CommandError::from)?;
    }
    if let Some(signal) = ran?.interrupted {
        return Err(TriageError::Interrupted(signal));
    }
    let seen = std::mem::take(&mut *seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
    if !seen.ran {
        return Err(TriageError::NotRun { id: target.label() });
    }
    Ok(seen)
}

/// A test named on the command line (`--after`, or the target with it): `suite:id`, or an id
/// in the only suite.
fn named_test(config: &Config, text: &str) -> Result<Test, TriageError> {
    let suites: Vec<&str> = config.suites.iter().map(|s| s.id.as_str()).collect();
    let pattern = IdPattern::parse(text, &suites).map_err(|unknown| TriageError::Id {
        id: text.to_owned(),
        message: format!("there is no suite `{}` (suites: {})", unknown.suite, suites.join(", ")),
    })?;
    let suite = match (pattern.suite, suites.as_slice()) {
        (Some(suite), _) => suite,
        (None, [only]) => (*only).to_owned(),
        (None, _) => {
            return Err(TriageError::Id {
                id: text.to_owned(),
                message: format!("there are several suites ({}): prefix the id with one", suites.join(", ")),
            })
        }
    };
    Ok(Test { suite, id: pattern.path })
}

fn passed_or_failed(failed: bool) -> &'static str {
    if failed {
        "failed"
    } else {
        "passed"
    }
}

/// `1 test`, `2 tests`.
fn tests(n: usize) -> String {
    format!("{n} test{}", if n == 1 { "" } else { "s" })
}

fn at(location: Option<&str>) -> String {
    location.map(|l| format!(" ({l})")).unwrap_or_default()
}

fn print_text(report: &Triage) {
    outln!("{}:{}", report.suite, report.id);
    if let Some(recorded) = &report.recorded {
        let commit = recorded.commit.as_deref().map_or("(no git)", |c| &c[..c.len().min(10)]);
        let seed = recorded.seed.map(|s| format!(", seed {s}")).unwrap_or_default();
        outln!(
            "  newest recorded failure: run {} on {commit}{seed}, after {}{}",
            &recorded.run_id[..recorded.run_id.len().min(12)],
            tests(recorded.preceding.len()),
            recorded.message.as_deref().map(|m| format!(": {m}")).unwrap_or_default()
        );
    }
    for step in &report.steps {
        let what = match step.kind {
            "alone" => "alone".to_owned(),
            "after" => format!("after all {} that preceded it", tests(step.before)),
            _ => format!("after {}", tests(step.before)),
        };
        outln!("  {what}: failed {} of {} runs", step.failed, step.runs);
    }
    outln!("{}", report.summary);
}
