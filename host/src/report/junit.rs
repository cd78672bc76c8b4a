//! The JUnit XML reporter: one `<testsuite>` per test file, each `<testcase>` with
//! `classname` = the file path and `name` = its groups and name joined with ` > `; console
//! output in `<system-out>`/`<system-err>`. Written once, on `RunFinished`.

use super::Reporter;
use crate::events::{Event, EventKind, Outcome, TestId};
use protocol::{ErrorInfo, Stream};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

pub(crate) struct Junit {
    path: PathBuf,
    /// Test suites by file, in the order files first appeared.
    suites: Vec<(String, Vec<TestCase>, Duration)>,
    output: HashMap<TestId, (String, String)>,
    outside: Vec<TestCase>,
    written: bool,
}

impl Junit {
    pub(crate) fn new(path: PathBuf) -> Self {
        Junit { path, suites: Vec::new(), output: HashMap::new(), outside: Vec::new(), written: false }
    }

    fn add(&mut self, file: &str, case: TestCase, time: Duration) {
        let index = match self.suites.iter().position(|(name, _, _)| name == file) {
            Some(index) => index,
            None => {
                self.suites.push((file.to_owned(), Vec::new(), Duration::ZERO));
                self.suites.len() - 1
            }
        };
        let suite = &mut self.suites[index];
        suite.1.push(case);
        suite.2 += time;
    }

    fn write(&mut self) -> std::io::Result<()> {
        let mut report = Report::new("proctor");
        let mut total = Duration::ZERO;
        for (file, cases, time) in self.suites.drain(..) {
            let mut suite = TestSuite::new(file);
            suite.add_test_cases(cases);
            suite.set_time(time);
            total += time;
            report.add_test_suite(suite);
        }
        if !self.outside.is_empty() {
            let mut suite = TestSuite::new("(outside tests)");
            suite.add_test_cases(self.outside.drain(..));
            report.add_test_suite(suite);
        }
        report.set_time(total);
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let file = std::fs::File::create(&self.path)?;
        report.serialize(std::io::BufWriter::new(file)).map_err(std::io::Error::other)?;
        self.written = true;
        Ok(())
    }
}

fn status_for(kind: NonSuccessKind, error: &ErrorInfo) -> TestCaseStatus {
    let mut status = TestCaseStatus::non_success(kind);
    status.set_message(error.message.lines().next().unwrap_or_default().to_string());
    status.set_type(error.name.clone());
    let mut description = format!("{}: {}", error.name, error.message);
    if let (Some(expected), Some(actual)) = (&error.expected, &error.actual) {
        description.push_str(&format!("\n\nExpected: {expected}\nReceived: {actual}"));
    }
    if let Some(stack) = &error.stack {
        description.push_str("\n\n");
        description.push_str(stack);
    }
    status.set_description(description);
    status
}

impl Reporter for Junit {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        match &event.kind {
            EventKind::Console { test: Some(test), stream, text, .. } => {
                let (out, err) = self.output.entry(test.clone()).or_default();
                let buffer = if *stream == Stream::Stdout { out } else { err };
                buffer.push_str(text);
                if !text.ends_with('\n') {
                    buffer.push('\n');
                }
            }
            EventKind::TestFinished { test, outcome, duration, error, .. } => {
                let fallback = ErrorInfo { name: "Error".into(), message: "failed".into(), ..ErrorInfo::default() };
                let error = error.as_ref().unwrap_or(&fallback);
                let status = match outcome {
                    Outcome::Passed => TestCaseStatus::success(),
                    Outcome::Failed | Outcome::TimedOut => status_for(NonSuccessKind::Failure, error),
                    Outcome::Crashed => status_for(NonSuccessKind::Error, error),
                };
                let mut case = TestCase::new(test.full_name(), status);
                case.set_classname(test.file.clone());
                case.set_time(*duration);
                if let Some((out, err)) = self.output.remove(&test.id) {
                    if !out.is_empty() {
                        case.set_system_out(out);
                    }
                    if !err.is_empty() {
                        case.set_system_err(err);
                    }
                }
                self.add(&test.file, case, *duration);
            }
            EventKind::TestSkipped { test, reason, .. } => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(reason.text.clone());
                let mut case = TestCase::new(test.full_name(), status);
                case.set_classname(test.file.clone());
                self.output.remove(&test.id);
                self.add(&test.file, case, Duration::ZERO);
            }
            EventKind::LoadError { file, message, frame, stack, .. } => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
                status.set_message(message.clone());
                status.set_type("LoadError");
                let detail = frame.clone().or_else(|| stack.clone()).unwrap_or_default();
                status.set_description(format!("{message}\n\n{detail}").trim_end().to_string());
                let mut case = TestCase::new(file.clone(), status);
                case.set_classname(file.clone());
                self.add(file, case, Duration::ZERO);
            }
            EventKind::RuntimeError { suite, origin, error, .. } => {
                let mut case = TestCase::new(format!("[{suite}] {origin}"), status_for(NonSuccessKind::Error, error));
                case.set_classname("(outside tests)");
                self.outside.push(case);
            }
            EventKind::RunFinished { .. } => self.write()?,
            EventKind::RunStarted { .. }
            | EventKind::SnapshotFile { .. }
            | EventKind::RuntimeStarted { .. }
            | EventKind::Built { .. }
            | EventKind::TestStarted { .. }
            | EventKind::Console { test: None, .. }
            | EventKind::RuntimeRestarted { .. } => {}
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        if !self.written {
            self.write()?;
        }
        Ok(())
    }
}
