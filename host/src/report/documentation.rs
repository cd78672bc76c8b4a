//! The `documentation` reporter: each file, its groups and tests as a tree, with ✓/✗ and
//! durations, plus the console output of each test under it (unless `--silent` hides it), in
//! colour when the run's `Paint` is on. Tests that flags or config left
//! out (rather than the file's own `.skip`/`.todo`/`.only`) appear only with `--verbose`, which
//! also prints every skip's reason.

use super::spool::{push_console, Capped, CONSOLE_CAP};
use super::{Out, Paint, Reporter};
use crate::cli::Silent;
use crate::config::RuntimeKind;
use crate::events::{Event, EventKind, Outcome, SkipKind, TestId, TestInfo};
use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

pub(crate) struct Documentation {
    out: Out,
    file: Option<(String, String, RuntimeKind, Option<String>)>,
    groups: Vec<String>,
    /// The output of tests that have not finished, capped.
    output: HashMap<TestId, Capped>,
    verbose: bool,
    paint: Paint,
    silent: Silent,
}

impl Documentation {
    pub(crate) fn new(out: Out, verbose: bool, paint: Paint, silent: Silent) -> Self {
        Documentation { out, file: None, groups: Vec::new(), output: HashMap::new(), verbose, paint, silent }
    }

    /// Prints the file and group headers that differ from the previous test's.
    fn headers(&mut self, test: &TestInfo) -> std::io::Result<()> {
        let file = (test.suite.clone(), test.file.clone(), test.runtime, test.instance.clone());
        if self.file.as_ref() != Some(&file) {
            match (&test.instance, test.runtime) {
                (Some(instance), _) => writeln!(self.out, "\n{} [{instance}]", self.paint.bold(&test.file))?,
                (None, RuntimeKind::Node) => writeln!(self.out, "\n{}", self.paint.bold(&test.file))?,
                (None, other) => writeln!(self.out, "\n{} [{}]", self.paint.bold(&test.file), other.name())?,
            }
            self.file = Some(file);
            self.groups.clear();
        }
        let common = self.groups.iter().zip(&test.groups).take_while(|(a, b)| a == b).count();
        self.groups.truncate(common);
        for group in &test.groups[common..] {
            writeln!(self.out, "{}{group}", "  ".repeat(self.groups.len() + 1))?;
            self.groups.push(group.clone());
        }
        Ok(())
    }

    /// The test's line, then its console output unless `--silent` hides it (`passed`: whether
    /// it is the output of a test that did not fail).
    fn line(&mut self, test: &TestInfo, mark: String, suffix: String, passed: bool) -> std::io::Result<()> {
        self.headers(test)?;
        let indent = "  ".repeat(test.groups.len() + 1);
        writeln!(self.out, "{indent}{mark} {}{suffix}", test.name)?;
        if let Some(output) = self.output.remove(&test.id).filter(|_| self.silent.shows(passed)) {
            for line in output.into_text().lines() {
                writeln!(self.out, "{indent}    │ {line}")?;
            }
        }
        self.out.flush()
    }
}

fn duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1.0 {
        "(<1 ms)".into()
    } else {
        format!("({} ms)", ms.round())
    }
}

impl Reporter for Documentation {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        match &event.kind {
            EventKind::Console { test: Some(test), stream, text, .. } => {
                let output = self.output.entry(test.clone()).or_insert_with(|| Capped::new(CONSOLE_CAP));
                push_console(output, *stream, text);
            }
            EventKind::TestFinished { test, outcome, duration: d, attempt, .. } => {
                let paint = self.paint;
                let tries = super::tries::note(*outcome, attempt);
                let (mark, note) = match outcome {
                    Outcome::Flaky => {
                        (paint.flaky("✓"), paint.flaky(format!(" {}", tries.as_deref().unwrap_or("FLAKY"))))
                    }
                    _ if tries.is_some() => {
                        let text = format!(" {}", tries.as_deref().unwrap_or_default());
                        let mark = if outcome.is_failure() { paint.fail("✗") } else { paint.pass("✓") };
                        (mark, if outcome.is_failure() { paint.fail(text) } else { paint.dim(text) })
                    }
                    Outcome::Passed => (paint.pass("✓"), String::new()),
                    Outcome::Failed => (paint.fail("✗"), String::new()),
                    Outcome::TimedOut => (paint.fail("✗"), paint.fail(" [timed out]")),
                    Outcome::Crashed => (paint.fail("✗"), paint.fail(" [crashed the runtime]")),
                    Outcome::Interrupted => (paint.fail("✗"), paint.fail(" [interrupted]")),
                };
                self.line(test, mark, format!("{note} {}", paint.dim(duration(*d))), !outcome.is_failure())?;
            }
            EventKind::TestSkipped { reason, .. } if !self.verbose && !reason.cause.is_declared() => {}
            EventKind::TestSkipped { test, kind, reason, .. } => {
                let why = if self.verbose { format!(": {reason}") } else { String::new() };
                match kind {
                    SkipKind::Skipped => {
                        self.line(test, self.paint.skip("○"), self.paint.skip(format!(" [skipped{why}]")), true)?
                    }
                    SkipKind::Todo => {
                        self.line(test, self.paint.skip("✎"), self.paint.skip(format!(" [todo{why}]")), true)?
                    }
                }
            }
            EventKind::LoadError { file, .. } => {
                writeln!(
                    self.out,
                    "\n{}\n  {} failed to load (see below)",
                    self.paint.bold(file),
                    self.paint.fail("✗")
                )?;
                self.file = None;
            }
            EventKind::RuntimeRestarted { reason, .. } => {
                writeln!(self.out, "{}↻ runtime restarted: {reason}", "  ".repeat(self.groups.len() + 1))?;
            }
            EventKind::Built { runtime, tool, duration: d, .. } => {
                writeln!(self.out, "built for {} with {tool} {}", runtime.name(), duration(*d))?;
            }
            EventKind::TestAttemptFailed { test, attempt, outcome, error, .. } => {
                self.headers(test)?;
                let indent = "  ".repeat(test.groups.len() + 1);
                let text = super::tries::failed_try(attempt, *outcome, &error.message);
                writeln!(self.out, "{indent}{} {} {}", self.paint.flaky("↻"), test.name, self.paint.dim(text))?;
            }
            EventKind::HuntFinished { test, summary, .. } => {
                writeln!(self.out, "{} hunt {test}: {summary}", self.paint.bold("»"), test = test.id)?;
                self.out.flush()?;
            }
            EventKind::RunStarted { .. }
            | EventKind::SnapshotFile { .. }
            | EventKind::RuntimeStarted { .. }
            | EventKind::TestStarted { .. }
            | EventKind::Console { test: None, .. }
            | EventKind::RuntimeError { .. }
            | EventKind::RunFinished { .. } => {}
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        self.out.flush()
    }
}
