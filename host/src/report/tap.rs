//! The `tap` reporter: TAP version 13
//! (<https://testanything.org/tap-version-13-specification.html>), one test point per test as
//! it finishes, `file > groups > name` as its description (Vitest's `tap-flat` shape, plus
//! `[runtime]` outside node), `# SKIP`/`# TODO` directives for tests the file itself skipped or
//! the run stopped before, and a YAML diagnostics block under every failure: the message, `at:`
//! where it points (`file:line:col`), expected/actual when the error has them, the test id and
//! `duration_ms`. A file that failed to load and an error outside any test are `not ok` points
//! too, so a consumer never reads a run with errors as passing. The plan `1..N` closes the
//! stream (TAP 13 allows it last), so points stream while the run goes on.

use super::failure::failure_location;
use super::{Out, Reporter, Target};
use crate::config::RuntimeKind;
use crate::events::{Attempt, Event, EventKind, Outcome, SkipKind, TestInfo};
use protocol::ErrorInfo;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

pub(crate) struct Tap {
    out: Out,
    target: Target,
    root: PathBuf,
    /// Test points written so far.
    count: usize,
}

impl Tap {
    pub(crate) fn new(out: Out, target: Target, root: PathBuf) -> Self {
        Tap { out, target, root, count: 0 }
    }

    /// Writes one point: `ok N - description[ # DIRECTIVE reason]`.
    fn point(&mut self, ok: bool, description: &str, directive: Option<(&str, &str)>) -> std::io::Result<()> {
        self.count += 1;
        let status = if ok { "ok" } else { "not ok" };
        write!(self.out, "{status} {} - {}", self.count, escape(description))?;
        if let Some((name, reason)) = directive {
            write!(self.out, " # {name} {}", escape(reason))?;
        }
        writeln!(self.out)
    }

    /// Writes a YAML diagnostics block, indented two spaces as TAP 13 asks.
    fn diagnostics(&mut self, fields: &[(&str, Yaml)]) -> std::io::Result<()> {
        writeln!(self.out, "  ---")?;
        for (key, value) in fields {
            match value {
                Yaml::Number(n) => writeln!(self.out, "  {key}: {n}")?,
                Yaml::Text(text) => write_text(&mut self.out, key, text)?,
            }
        }
        writeln!(self.out, "  ...")
    }

    fn finished(
        &mut self,
        test: &TestInfo,
        outcome: Outcome,
        duration: Duration,
        error: Option<&ErrorInfo>,
        attempt: &Attempt,
    ) -> std::io::Result<()> {
        let description = description(test);
        // Tries and repeats ride in the diagnostics, which TAP consumers show but do not judge.
        let tries = |fields: &mut Vec<(&str, Yaml)>| {
            if !attempt.is_once() {
                fields.push(("attempt", Yaml::Number(attempt.attempt.to_string())));
                fields.push(("attempts", Yaml::Number(attempt.attempts.to_string())));
                if let Some(repeat) = attempt.repeat {
                    fields.push(("repeat", Yaml::Number(repeat.to_string())));
                }
            }
        };
        let severity = match outcome {
            Outcome::Passed if attempt.is_once() => return self.point(true, &description, None),
            Outcome::Passed | Outcome::Flaky => {
                self.point(true, &description, None)?;
                let mut fields = Vec::new();
                if let Some(note) = super::tries::note(outcome, attempt) {
                    fields.push(("message", Yaml::Text(note)));
                }
                if outcome == Outcome::Flaky {
                    fields.push(("severity", Yaml::Text("flaky".into())));
                }
                tries(&mut fields);
                fields.push(("id", Yaml::Text(test.id.0.clone())));
                return self.diagnostics(&fields);
            }
            Outcome::Failed => "fail",
            Outcome::TimedOut => "timed-out",
            Outcome::Crashed => "crashed",
            Outcome::Interrupted => "interrupted",
        };
        self.point(false, &description, None)?;
        let mut fields = vec![("message", Yaml::Text(message(error, severity)))];
        fields.push(("severity", Yaml::Text(severity.into())));
        if let Some(error) = error {
            fields.push(("name", Yaml::Text(error.name.clone())));
        }
        if let Some((path, line, column)) = failure_location(error, test, &self.root) {
            fields.push(("at", Yaml::Text(format!("{path}:{line}:{column}"))));
        }
        if let Some(error) = error {
            if let (Some(expected), Some(actual)) = (&error.expected, &error.actual) {
                fields.push(("expected", Yaml::Text(expected.clone())));
                fields.push(("actual", Yaml::Text(actual.clone())));
            }
            if let Some(stack) = &error.stack {
                fields.push(("stack", Yaml::Text(stack.clone())));
            }
        }
        fields.push(("id", Yaml::Text(test.id.0.clone())));
        fields.push(("duration_ms", Yaml::Number(millis(duration))));
        tries(&mut fields);
        self.diagnostics(&fields)
    }
}

/// A YAML scalar value.
enum Yaml {
    Number(String),
    Text(String),
}

fn millis(duration: Duration) -> String {
    let ms = (duration.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0;
    format!("{ms}")
}

/// `file > groups > name`, then the runtime in brackets unless it is node (a suite that runs in
/// several runtimes has a point per runtime, told apart).
fn description(test: &TestInfo) -> String {
    let description = format!("{} > {}", test.file, test.full_name());
    match (&test.instance, test.runtime) {
        (Some(instance), _) => format!("{description} [{instance}]"),
        (None, RuntimeKind::Node) => description,
        (None, other) => format!("{description} [{}]", other.name()),
    }
}

fn message(error: Option<&ErrorInfo>, severity: &str) -> String {
    match error {
        Some(error) if !error.message.is_empty() => error.message.clone(),
        Some(error) => error.name.clone(),
        None => severity.into(),
    }
}

/// A description or directive reason: on one line, with `#` escaped as TAP says (`\#`, and `\`
/// as `\\`), so a name cannot open a directive or end the line early.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '#' => out.push_str("\\#"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `key: value` in the block: a literal block (`|-`, with an explicit indentation so a value
/// whose first line starts with spaces keeps them) for multi-line text a YAML block can hold,
/// else a double-quoted scalar (JSON's escapes are YAML's), which holds anything.
fn write_text(out: &mut Out, key: &str, text: &str) -> std::io::Result<()> {
    let block_safe = text.contains('\n')
        && !text.ends_with('\n')
        && text.chars().all(|c| c == '\n' || c == '\t' || !c.is_control())
        && !text.contains('\u{feff}')
        && text.lines().all(|line| line == line.trim_end());
    if block_safe {
        writeln!(out, "  {key}: |2-")?;
        for line in text.lines() {
            if line.is_empty() {
                writeln!(out)?;
            } else {
                writeln!(out, "    {line}")?;
            }
        }
        Ok(())
    } else {
        let quoted = serde_json::to_string(text).map_err(std::io::Error::other)?;
        writeln!(out, "  {key}: {quoted}")
    }
}

impl Reporter for Tap {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        match &event.kind {
            EventKind::RunStarted { .. } => writeln!(self.out, "TAP version 13")?,
            EventKind::TestFinished { test, outcome, duration, error, attempt, .. } => {
                self.finished(test, *outcome, *duration, error.as_ref(), attempt)?;
                // A consumer reads the stream live (a run can take minutes): each point leaves
                // as it is written.
                self.out.flush()?;
            }
            EventKind::TestSkipped { test, kind, reason, .. } => {
                if reason.cause.is_declared() || reason.cause.stopped_the_run() {
                    let directive = match kind {
                        SkipKind::Skipped => "SKIP",
                        SkipKind::Todo => "TODO",
                    };
                    self.point(true, &description(test), Some((directive, &reason.text)))?;
                }
            }
            EventKind::LoadError { file, message, location, .. } => {
                self.point(false, file, None)?;
                let mut fields =
                    vec![("message", Yaml::Text(message.clone())), ("severity", Yaml::Text("load-error".into()))];
                if let Some(at) = location {
                    fields.push(("at", Yaml::Text(format!("{file}:{}:{}", at.line, at.column))));
                }
                self.diagnostics(&fields)?;
            }
            EventKind::RuntimeError { origin, error, .. } => {
                self.point(false, origin, None)?;
                let mut fields = vec![
                    ("message", Yaml::Text(message(Some(error), "error"))),
                    ("severity", Yaml::Text("error".into())),
                    ("name", Yaml::Text(error.name.clone())),
                ];
                if let Some(stack) = &error.stack {
                    fields.push(("stack", Yaml::Text(stack.clone())));
                }
                self.diagnostics(&fields)?;
            }
            EventKind::RunFinished { .. } => {
                writeln!(self.out, "1..{}", self.count)?;
                self.out.flush()?;
            }
            EventKind::RuntimeStarted { .. }
            | EventKind::Built { .. }
            | EventKind::TestStarted { .. }
            | EventKind::Console { .. }
            | EventKind::SnapshotFile { .. }
            | EventKind::RuntimeRestarted { .. }
            | EventKind::TestAttemptFailed { .. }
            | EventKind::HuntFinished { .. } => {}
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        self.out.flush()
    }

    fn target(&self) -> Target {
        self.target.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn a_name_cannot_open_a_directive() {
        assert_eq!(escape("issue #12 \\ ok\nnext"), "issue \\#12 \\\\ ok next");
    }
}
