//! The end-of-run summary shown after `dots` and `documentation`: every failure (message,
//! diff, stack, code frame, its console output), load errors, errors outside tests, totals,
//! where `--fail-fast` or a signal stopped the run, the seed of a shuffled run, and with
//! `--verbose` the skipped tests counted per reason (the session counts; this only prints).
//! After `dots`, which has no room for it, it also shows each passed test's console output
//! under the test's name; `--silent` hides output, `--silent=passed-only` all but failures'.
//! Console output is kept capped and spooled (see `spool.rs`), so a flood does not fill memory.

use super::failure::render;
use super::spool::{push_console, Capped, Spool, Spooled, CONSOLE_CAP, SPOOL_MEMORY};
use super::{Out, Paint, Reporter};
use crate::cli::Silent;
use crate::events::{Event, EventKind, Outcome, TestId, TestInfo};
use crate::select::SkipCause;
use crate::session::{RunStats, SnapshotStats};
use protocol::ErrorInfo;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

struct Failure {
    test: Arc<TestInfo>,
    outcome: Outcome,
    /// `(failed all 3 tries)`, `(run 4)`, when there is something to say.
    tries: Option<String>,
    error: Option<ErrorInfo>,
    /// Its console output, capped, kept until the summary is printed.
    output: Option<Spooled>,
}

/// Where the console output of tests that passed is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PassedOutput {
    /// Under each test's line, by the reporter beside the summary (documentation).
    Inline,
    /// In the summary, under each test's name (after dots, which have no room for it).
    Shown,
}

/// Collects failures during the run and prints them at the end.
pub(crate) struct Summary {
    out: Out,
    root: PathBuf,
    /// The output of tests that have not finished, capped.
    output: HashMap<TestId, Capped>,
    /// Failed tests' output, until the end.
    spool: Spool,
    stray_output: Capped,
    failures: Vec<Failure>,
    load_errors: Vec<String>,
    runtime_errors: Vec<String>,
    restarts: usize,
    verbose: bool,
    seed: Option<u64>,
    /// Why the run stopped early (`--fail-fast`, a signal), from the first test it left out.
    stopped: Option<(SkipCause, String)>,
    paint: Paint,
    silent: Silent,
    passed_output: PassedOutput,
    /// Passed tests' output, for [`PassedOutput::Shown`], until the end.
    passed: Vec<(Arc<TestInfo>, Spooled)>,
    /// Flaky tests and how they passed (`FLAKY (passed on try 2 of 3)`).
    flaky: Vec<(Arc<TestInfo>, String)>,
    /// Under a repeat mode: each repeated test's runs and failures, in first-run order.
    repeats: Vec<(Arc<TestInfo>, u32, u32)>,
    repeat_index: HashMap<TestId, usize>,
    /// `--hunt`'s verdicts, in order.
    hunts: Vec<(TestId, String)>,
}

impl Summary {
    pub(crate) fn new(out: Out, root: PathBuf, verbose: bool, paint: Paint) -> Self {
        Summary {
            out,
            root,
            output: HashMap::new(),
            spool: Spool::new(SPOOL_MEMORY),
            stray_output: Capped::new(CONSOLE_CAP),
            failures: Vec::new(),
            load_errors: Vec::new(),
            runtime_errors: Vec::new(),
            restarts: 0,
            verbose,
            seed: None,
            stopped: None,
            paint,
            silent: Silent::Off,
            passed_output: PassedOutput::Inline,
            passed: Vec::new(),
            flaky: Vec::new(),
            repeats: Vec::new(),
            repeat_index: HashMap::new(),
            hunts: Vec::new(),
        }
    }

    /// Which tests' console output to show (`--silent`), and where passed tests' goes.
    pub(crate) fn with_console(mut self, silent: Silent, passed_output: PassedOutput) -> Self {
        self.silent = silent;
        self.passed_output = passed_output;
        self
    }

    fn print(&mut self, stats: &RunStats, elapsed: Duration) -> std::io::Result<()> {
        let out = &mut self.out;
        writeln!(out)?;
        let stray = std::mem::replace(&mut self.stray_output, Capped::new(CONSOLE_CAP));
        if !stray.is_empty() && self.silent != Silent::All {
            writeln!(out, "Output outside tests:")?;
            write_output(out, &stray.into_text())?;
            writeln!(out)?;
        }
        for (test, output) in std::mem::take(&mut self.passed) {
            writeln!(out, " {} {} > {}", self.paint.pass("✓"), test.file, test.full_name())?;
            write_output(out, &self.spool.read(output)?)?;
            writeln!(out)?;
        }
        for message in &self.load_errors {
            writeln!(out, "{} {message}", self.paint.fail_badge(" LOAD ERROR "))?;
            writeln!(out)?;
        }
        for message in &self.runtime_errors {
            writeln!(out, "{} {message}", self.paint.fail_badge(" ERROR "))?;
            writeln!(out)?;
        }
        for failure in std::mem::take(&mut self.failures) {
            let label = match failure.outcome {
                Outcome::Failed => "FAIL",
                Outcome::TimedOut => "TIMEOUT",
                Outcome::Crashed => "CRASH",
                Outcome::Interrupted => "INTERRUPTED",
                Outcome::Passed => "PASS",
                Outcome::Flaky => "FLAKY",
            };
            let location = failure
                .test
                .location
                .map(|l| format!("  ({}:{}:{})", failure.test.file, l.line, l.column))
                .unwrap_or_else(|| format!("  ({})", failure.test.file));
            let label = self.paint.fail_badge(format!(" {label} "));
            let location = match &failure.tries {
                Some(tries) => self.paint.dim(format!("{location} {tries}")),
                None => self.paint.dim(location),
            };
            writeln!(out, "{label} {} > {}{location}", failure.test.file, self.paint.bold(failure.test.full_name()))?;
            writeln!(out)?;
            if let Some(error) = &failure.error {
                write!(out, "{}", render(error, &self.root, "    ", self.paint))?;
            }
            if let Some(output) = failure.output {
                writeln!(out, "    console output:")?;
                write_output(out, &self.spool.read(output)?)?;
                writeln!(out)?;
            }
        }
        for (test, note) in &self.flaky {
            writeln!(
                out,
                "{} {} > {}  {}",
                self.paint.flaky(" FLAKY "),
                test.file,
                test.full_name(),
                self.paint.dim(note)
            )?;
        }
        if !self.flaky.is_empty() {
            writeln!(out)?;
        }
        repeat_totals(out, &self.repeats, &self.hunts, self.paint)?;
        totals(out, stats, elapsed, self.restarts, self.paint, |out| {
            skips(out, stats, self.verbose, self.stopped.as_ref())
        })?;
        if let Some(seed) = self.seed {
            writeln!(out, "Seed:   {seed} (replay this order with --seed {seed})")?;
        }
        out.flush()
    }
}

fn write_output(out: &mut Out, text: &str) -> std::io::Result<()> {
    for line in text.lines() {
        writeln!(out, "      {line}")?;
    }
    Ok(())
}

/// Where `--fail-fast` or a signal stopped the run, and with `--verbose` how many tests each
/// rule skipped.
fn skips(out: &mut Out, stats: &RunStats, verbose: bool, stopped: Option<&(SkipCause, String)>) -> std::io::Result<()> {
    if let Some((cause, stopped)) = stopped {
        let not_run = stats.skipped_by.get(*cause);
        let why = stopped.strip_prefix("not run: ").unwrap_or(stopped);
        writeln!(out, "Stopped: {not_run} not run ({why})")?;
    }
    if verbose {
        let parts: Vec<String> = stats
            .skipped_by
            .nonzero()
            .filter(|(cause, _)| !cause.stopped_the_run())
            .map(|(cause, n)| format!("{n} {}", cause.label()))
            .collect();
        if !parts.is_empty() {
            writeln!(out, "Skipped: {}", parts.join(", "))?;
        }
    } else if stats.skipped_by.nonzero().any(|(cause, _)| !cause.is_declared() && !cause.stopped_the_run()) {
        writeln!(out, "        (--verbose shows the tests the selection left out, and why)")?;
    }
    Ok(())
}

/// Under a repeat mode: how the repeated tests fared (`Repeats: 3 tests, 60 runs: 1 flipped`),
/// each test that flipped (`flips: file > name failed 3 of 20`), and `--hunt`'s verdicts.
fn repeat_totals(
    out: &mut Out,
    repeats: &[(Arc<TestInfo>, u32, u32)],
    hunts: &[(TestId, String)],
    paint: Paint,
) -> std::io::Result<()> {
    if repeats.is_empty() {
        return Ok(());
    }
    let runs: u32 = repeats.iter().map(|(_, runs, _)| runs).sum();
    let flipped = repeats.iter().filter(|(_, runs, failures)| *failures > 0 && failures < runs).count();
    let always = repeats.iter().filter(|(_, runs, failures)| *failures > 0 && failures == runs).count();
    let mut parts = vec![format!("{flipped} flipped")];
    if always > 0 {
        parts.push(format!("{always} failed every run"));
    }
    writeln!(out, "{} {} tests, {runs} runs: {}", paint.bold("Repeats:"), repeats.len(), parts.join(", "))?;
    for (test, runs, failures) in repeats.iter().filter(|(_, runs, failures)| *failures > 0 && failures < runs) {
        let line = format!("flips: {} > {} failed {failures} of {runs}", test.file, test.full_name());
        writeln!(out, "  {}", paint.flaky(line))?;
    }
    for (test, verdict) in hunts {
        writeln!(out, "  hunt: {test}: {verdict}")?;
    }
    writeln!(out)
}

/// `3 failed`, `5 passed`, ...: the counts that are not zero, in the order given.
fn nonzero<N: Copy + Default + PartialEq + std::fmt::Display>(counts: &[(N, &str)]) -> Vec<String> {
    counts.iter().filter(|(count, _)| *count != N::default()).map(|(count, label)| format!("{count} {label}")).collect()
}

/// Jest's `Snapshots:` line, with what to do about failed and obsolete ones.
fn snapshot_totals(out: &mut Out, snapshots: &SnapshotStats) -> std::io::Result<()> {
    if snapshots.is_empty() {
        return Ok(());
    }
    let mut parts = nonzero(&[
        (snapshots.failed, "failed"),
        (snapshots.written, "written"),
        (snapshots.updated, "updated"),
        (snapshots.removed, "removed"),
        (snapshots.matched, "passed"),
        (snapshots.obsolete, "obsolete"),
    ]);
    let total = snapshots.failed + snapshots.written + snapshots.updated + snapshots.matched;
    parts.push(format!("{total} total"));
    writeln!(out, "Snapshots: {}", parts.join(", "))?;
    if snapshots.failed > 0 {
        writeln!(out, "        (inspect the differences above, or run with -u to update the snapshots)")?;
    }
    if snapshots.obsolete > 0 {
        writeln!(out, "        (obsolete: no test that ran checks them; run with -u to remove them)")?;
    }
    Ok(())
}

fn totals(
    out: &mut Out,
    stats: &RunStats,
    elapsed: Duration,
    restarts: usize,
    paint: Paint,
    after_tests: impl FnOnce(&mut Out) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut parts: Vec<String> = nonzero(&[
        (stats.failed, "failed"),
        (stats.timed_out, "timed out"),
        (stats.crashed, "crashed"),
        (stats.interrupted, "interrupted"),
    ])
    .into_iter()
    .map(|part| paint.fail(paint.bold(part)))
    .collect();
    parts.extend(nonzero(&[(stats.flaky, "flaky")]).into_iter().map(|part| paint.flaky(part)));
    parts.extend(nonzero(&[(stats.passed, "passed")]).into_iter().map(|part| paint.pass(paint.bold(part))));
    parts.extend(nonzero(&[(stats.skipped, "skipped"), (stats.todo, "todo")]).into_iter().map(|part| paint.skip(part)));
    parts.push(paint.dim(format!("{} total", stats.total())));
    writeln!(out, "{}  {}", paint.bold("Tests:"), parts.join(", "))?;
    after_tests(out)?;
    snapshot_totals(out, &stats.snapshots)?;
    if stats.load_errors > 0 {
        writeln!(out, "Files:  {} failed to load", stats.load_errors)?;
    }
    if stats.runtime_errors + stats.runtime_failures > 0 {
        writeln!(out, "Errors: {} outside tests", stats.runtime_errors + stats.runtime_failures)?;
    }
    if restarts > 0 {
        writeln!(out, "Restarts: {restarts} (after a timeout or crash)")?;
    }
    writeln!(out, "Time:   {:.2} s", elapsed.as_secs_f64())?;
    if stats.ran() == 0 && stats.runtime_failures == 0 {
        writeln!(out, "No tests ran.")?;
    }
    Ok(())
}

impl Reporter for Summary {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        match &event.kind {
            EventKind::Console { test: Some(test), stream, text, .. } => {
                let output = self.output.entry(test.clone()).or_insert_with(|| Capped::new(CONSOLE_CAP));
                push_console(output, *stream, text);
            }
            EventKind::Console { test: None, stream, text, after, .. } => match after {
                Some(test) => {
                    let text = format!("(from {test}, after it ended) {text}");
                    push_console(&mut self.stray_output, *stream, &text)
                }
                None => push_console(&mut self.stray_output, *stream, text),
            },
            EventKind::TestFinished { test, outcome, error, attempt, .. } => {
                let passed = !outcome.is_failure();
                if *outcome == Outcome::Flaky {
                    let note = super::tries::note(*outcome, attempt).unwrap_or_default();
                    self.flaky.push((test.clone(), note.trim_start_matches("FLAKY ").to_string()));
                }
                // Under a repeat mode a test's first failure is shown in full, the rest counted.
                let shown_before =
                    attempt.repeat.is_some() && self.repeat_index.get(&test.id).is_some_and(|&i| self.repeats[i].2 > 0);
                if attempt.repeat.is_some() {
                    let index = *self.repeat_index.entry(test.id.clone()).or_insert_with(|| {
                        self.repeats.push((test.clone(), 0, 0));
                        self.repeats.len() - 1
                    });
                    self.repeats[index].1 += 1;
                    self.repeats[index].2 += u32::from(!passed);
                }
                if shown_before && !passed {
                    // Counted in the repeats line; its first failure is already shown in full.
                    self.output.remove(&test.id);
                    return Ok(());
                }
                let output =
                    self.output.remove(&test.id).filter(|output| !output.is_empty() && self.silent.shows(passed));
                if passed {
                    if let (Some(output), PassedOutput::Shown) = (output, self.passed_output) {
                        let output = self.spool.keep(output.into_text())?;
                        self.passed.push((test.clone(), output));
                    }
                } else {
                    let output = match output {
                        Some(output) => Some(self.spool.keep(output.into_text())?),
                        None => None,
                    };
                    let tries = super::tries::note(*outcome, attempt);
                    self.failures.push(Failure {
                        test: test.clone(),
                        outcome: *outcome,
                        tries,
                        error: error.clone(),
                        output,
                    });
                }
            }
            EventKind::TestSkipped { test, reason, .. } => {
                self.output.remove(&test.id);
                if reason.cause.stopped_the_run() && self.stopped.is_none() {
                    self.stopped = Some((reason.cause, reason.text.clone()));
                }
            }
            EventKind::LoadError { message, frame, stack, .. } => {
                let mut text = message.clone();
                if let Some(frame) = frame {
                    text.push_str("\n\n");
                    text.push_str(frame.trim_end());
                } else if let Some(stack) = stack {
                    let frames = super::failure::user_frames(stack, &self.root);
                    for frame in frames.iter().take(5) {
                        text.push_str(&format!("\n    at {}:{}:{}", frame.path, frame.line, frame.column));
                    }
                }
                self.load_errors.push(text);
            }
            EventKind::RuntimeError { suite, origin, error, .. } => {
                let mut text = format!("[{suite}] {origin}: {}: {}", error.name, error.message);
                if let Some(stack) = &error.stack {
                    for frame in super::failure::user_frames(stack, &self.root).iter().take(5) {
                        text.push_str(&format!("\n    at {}:{}:{}", frame.path, frame.line, frame.column));
                    }
                }
                self.runtime_errors.push(text);
            }
            EventKind::RuntimeRestarted { .. } => self.restarts += 1,
            EventKind::RunFinished { stats, interrupted } => {
                if let (Some(signal), None) = (interrupted, &self.stopped) {
                    self.stopped = Some((SkipCause::Interrupted, format!("interrupted by {}", signal.name())));
                }
                self.print(stats, event.elapsed)?
            }
            EventKind::RunStarted { seed, .. } => self.seed = *seed,
            EventKind::HuntFinished { test, summary, .. } => self.hunts.push((test.id.clone(), summary.clone())),
            EventKind::TestAttemptFailed { .. }
            | EventKind::RuntimeStarted { .. }
            | EventKind::Built { .. }
            | EventKind::TestStarted { .. }
            | EventKind::SnapshotFile { .. } => {}
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        self.out.flush()
    }
}
