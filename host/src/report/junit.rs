//! The JUnit XML reporter: one `<testsuite>` per test file, each `<testcase>` with
//! `classname` = the file path and `name` = its groups and name joined with ` > `; console
//! output in `<system-out>`/`<system-err>`. Written once, on `RunFinished`.
//!
//! The report is valid XML 1.0 whatever the tests print or throw: characters XML cannot hold
//! are written as `\u{…}` (see [`super::xml`]) and the suite says how many in a
//! `proctor.replaced-characters` property. Each test's output is capped per stream (first and
//! last half of [`CONSOLE_CAP`], with a line saying how much was cut) and kept in a [`Spool`],
//! so a run that prints gigabytes does not hold them in memory. The file is checked up front
//! (the run does not start when it cannot be created) and written to a temp file beside it
//! that replaces it once complete, so a reader never sees half a report.

use super::spool::{Capped, Spool, Spooled, CONSOLE_CAP, SPOOL_MEMORY};
use super::xml::{clean, escape};
use super::{Reporter, Target};
use crate::events::{Event, EventKind, Outcome, TestId, TestInfo};
use protocol::{ErrorInfo, Stream};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub(crate) struct Junit {
    /// The report file, or `None` for stdout.
    path: Option<PathBuf>,
    /// Test suites by file, in the order files first appeared.
    suites: Vec<Suite>,
    /// The output of tests that have not finished, per stream.
    output: HashMap<TestId, (Capped, Capped, usize)>,
    outside: Suite,
    spool: Spool,
    written: bool,
    /// Failed tries of tests that are being retried, until their last try finishes.
    tries: HashMap<TestId, Vec<Rerun>>,
}

/// One `<testsuite>`.
struct Suite {
    name: String,
    cases: Vec<Case>,
    time: Option<Duration>,
    /// Characters XML cannot hold, replaced in this suite's names, messages and output.
    replaced: usize,
}

/// One `<testcase>`: everything but its output is short enough to keep in memory as it is.
struct Case {
    name: String,
    classname: String,
    time: Option<Duration>,
    status: Status,
    system_out: Option<Spooled>,
    system_err: Option<Spooled>,
    /// Earlier tries of a retried test: `<flakyFailure>`/`<flakyError>` when it passed in the
    /// end, `<rerunFailure>`/`<rerunError>` when it kept failing (Maven Surefire's dialect, which
    /// Jenkins, nextest and Playwright use).
    reruns: Vec<Rerun>,
}

/// One failed try of a retried test, with what it printed.
struct Rerun {
    /// `Failure` or `Error`: the element is `flaky…` or `rerun…` plus this.
    kind: &'static str,
    message: String,
    ty: String,
    stack: Spooled,
    system_out: Option<Spooled>,
    system_err: Option<Spooled>,
}

enum Status {
    Passed,
    /// `<failure>` or `<error>`, with the error's description (capped and spooled like output).
    NonSuccess {
        element: &'static str,
        message: String,
        ty: String,
        description: Spooled,
    },
    Skipped {
        message: String,
    },
}

impl Suite {
    fn new(name: String, time: Option<Duration>) -> Self {
        Suite { name, cases: Vec::new(), time, replaced: 0 }
    }

    /// Cleans text for XML, counting what was replaced.
    fn clean(&mut self, text: &str) -> String {
        let (text, replaced) = clean(text);
        self.replaced += replaced;
        text.into_owned()
    }
}

/// Spools a finished test's capped output, if it printed any.
fn spooled(spool: &mut Spool, capped: Capped) -> std::io::Result<Option<Spooled>> {
    if capped.is_empty() {
        return Ok(None);
    }
    spool.keep(capped.into_text()).map(Some)
}

/// Caps and spools a description (an error's stack, a load error's code frame).
fn description(spool: &mut Spool, suite: &mut Suite, text: &str) -> std::io::Result<Spooled> {
    let mut capped = Capped::new(CONSOLE_CAP);
    capped.push(&suite.clean(text));
    spool.keep(capped.into_text())
}

/// A `<failure>` or `<error>` for `error`, in `suite`.
fn non_success(
    spool: &mut Spool,
    suite: &mut Suite,
    element: &'static str,
    error: &ErrorInfo,
) -> std::io::Result<Status> {
    let mut text = format!("{}: {}", error.name, error.message);
    if let (Some(expected), Some(actual)) = (&error.expected, &error.actual) {
        // Jest's messages already print one-line values; the block adds the multi-line forms.
        let block = format!("Expected: {expected}\nReceived: {actual}");
        if !error.message.contains(&block) {
            text.push_str("\n\n");
            text.push_str(&block);
        }
    }
    if let Some(frames) = error.stack.as_deref().map(|stack| stack_frames(error, stack)).filter(|f| !f.is_empty()) {
        text.push_str("\n\n");
        text.push_str(frames);
    }
    let message = suite.clean(error.message.lines().next().unwrap_or_default());
    let ty = suite.clean(&error.name);
    Ok(Status::NonSuccess { element, message, ty, description: description(spool, suite, &text)? })
}

/// `stack` without its header: a V8 stack opens with `name: message`, which the body has just
/// stated (a multi-line Jest message would otherwise be printed twice). A stack whose header was
/// rewritten (a message explained after it was thrown) loses the lines before its first frame
/// when they repeat the message's first line; any other stack is kept whole.
fn stack_frames<'a>(error: &ErrorInfo, stack: &'a str) -> &'a str {
    let header = format!("{}: {}", error.name, error.message);
    if let Some(frames) = stack.strip_prefix(&header) {
        return frames.trim_start_matches('\n');
    }
    let first_line = error.message.lines().next().unwrap_or_default();
    let first_frame =
        stack.match_indices('\n').map(|(at, _)| at + 1).find(|&start| stack[start..].trim_start().starts_with("at "));
    match first_frame {
        Some(start) if !first_line.is_empty() && stack[..start].contains(first_line) => &stack[start..],
        _ => stack,
    }
}

/// Checks that `path` can be written: it is not a directory, and its directory exists (or can
/// be made) and takes new files.
fn check_writable(path: &Path) -> std::io::Result<()> {
    if path.is_dir() {
        return Err(std::io::Error::new(std::io::ErrorKind::IsADirectory, "it is a directory"));
    }
    std::fs::create_dir_all(parent(path))?;
    temp_beside(path).map(drop)
}

/// A temp file in `path`'s directory, to be renamed over it: created with the permissions a new
/// file gets (0666 less the umask, as `File::create` would), not a temp file's 0600, so CI
/// tools running as another user can read the report.
fn temp_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".proctor-junit-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(parent(path))
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

impl Junit {
    /// A reporter writing to `path` (once it is known the file can be written), or to stdout.
    pub(crate) fn create(path: Option<PathBuf>) -> std::io::Result<Self> {
        if let Some(path) = &path {
            check_writable(path)?;
        }
        Ok(Junit {
            path,
            suites: Vec::new(),
            output: HashMap::new(),
            outside: Suite::new("(outside tests)".into(), None),
            spool: Spool::new(SPOOL_MEMORY),
            written: false,
            tries: HashMap::new(),
        })
    }

    /// The index of a file's suite, added when it is the file's first case.
    fn suite_index(&mut self, file: &str) -> usize {
        match self.suites.iter().position(|suite| suite.name == file) {
            Some(index) => index,
            None => {
                self.suites.push(Suite::new(file.to_owned(), Some(Duration::ZERO)));
                self.suites.len() - 1
            }
        }
    }

    fn suite(&mut self, file: &str) -> &mut Suite {
        let index = self.suite_index(file);
        &mut self.suites[index]
    }

    /// Adds a test's case to its file's suite, with the output it printed.
    fn add(
        &mut self,
        file: &str,
        test: Option<&TestId>,
        name: &str,
        status: Status,
        time: Option<Duration>,
    ) -> std::io::Result<()> {
        let (system_out, system_err, replaced) = match test.and_then(|test| self.output.remove(test)) {
            Some((out, err, replaced)) => (spooled(&mut self.spool, out)?, spooled(&mut self.spool, err)?, replaced),
            None => (None, None, 0),
        };
        let suite = self.suite(file);
        suite.replaced += replaced;
        let name = suite.clean(name);
        let classname = suite.clean(file);
        if let (Some(total), Some(time)) = (&mut suite.time, time) {
            *total += time;
        }
        let reruns = Vec::new();
        suite.cases.push(Case { name, classname, time, status, system_out, system_err, reruns });
        Ok(())
    }

    /// Keeps a failed try of `test` (and what it printed so far) for its test case.
    fn failed_try(&mut self, test: &TestInfo, outcome: Outcome, error: &ErrorInfo) -> std::io::Result<()> {
        let (system_out, system_err) = match self.output.remove(&test.id) {
            Some((out, err, replaced)) => {
                self.suite(&test.file).replaced += replaced;
                (spooled(&mut self.spool, out)?, spooled(&mut self.spool, err)?)
            }
            None => (None, None),
        };
        let index = self.suite_index(&test.file);
        let suite = &mut self.suites[index];
        let kind = if matches!(outcome, Outcome::Crashed | Outcome::Interrupted) { "Error" } else { "Failure" };
        let message = suite.clean(error.message.lines().next().unwrap_or_default());
        let ty = suite.clean(&error.name);
        let text = match &error.stack {
            Some(stack) => format!("{}: {}\n{}", error.name, error.message, stack_frames(error, stack)),
            None => format!("{}: {}", error.name, error.message),
        };
        let stack = description(&mut self.spool, suite, &text)?;
        self.tries.entry(test.id.clone()).or_default().push(Rerun { kind, message, ty, stack, system_out, system_err });
        Ok(())
    }

    fn write(&mut self) -> std::io::Result<()> {
        self.written = true;
        let mut suites = std::mem::take(&mut self.suites);
        let outside = std::mem::replace(&mut self.outside, Suite::new(String::new(), None));
        if !outside.cases.is_empty() {
            suites.push(outside);
        }
        let Some(path) = &self.path else {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            write_report(&mut out, suites, &mut self.spool)?;
            return out.flush();
        };
        let mut file = temp_beside(path)?;
        {
            let mut out = std::io::BufWriter::new(file.as_file_mut());
            write_report(&mut out, suites, &mut self.spool)?;
            out.flush()?;
        }
        file.persist(path).map_err(|err| err.error)?;
        Ok(())
    }
}

/// Counts of one suite or of the whole report.
#[derive(Default)]
struct Counts {
    tests: usize,
    skipped: usize,
    failures: usize,
    errors: usize,
}

impl Counts {
    fn of(cases: &[Case]) -> Self {
        let mut counts = Counts { tests: cases.len(), ..Counts::default() };
        for case in cases {
            match &case.status {
                Status::Passed => {}
                Status::Skipped { .. } => counts.skipped += 1,
                Status::NonSuccess { element: "error", .. } => counts.errors += 1,
                Status::NonSuccess { .. } => counts.failures += 1,
            }
        }
        counts
    }

    fn add(&mut self, other: &Counts) {
        self.tests += other.tests;
        self.skipped += other.skipped;
        self.failures += other.failures;
        self.errors += other.errors;
    }
}

fn time(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// Writes `<name attr="value" …` (without closing the tag), values escaped.
fn open(out: &mut impl Write, indent: usize, name: &str, attributes: &[(&str, &str)]) -> std::io::Result<()> {
    write!(out, "{:indent$}<{name}", "", indent = indent * 4)?;
    for (key, value) in attributes {
        write!(out, " {key}=\"")?;
        escape(out, value, true)?;
        out.write_all(b"\"")?;
    }
    Ok(())
}

/// Writes `<name>text</name>` on its own line.
fn element(out: &mut impl Write, indent: usize, name: &str, text: &str) -> std::io::Result<()> {
    open(out, indent, name, &[])?;
    out.write_all(b">")?;
    escape(out, text, false)?;
    writeln!(out, "</{name}>")
}

fn write_report(out: &mut impl Write, suites: Vec<Suite>, spool: &mut Spool) -> std::io::Result<()> {
    let counts: Vec<Counts> = suites.iter().map(|suite| Counts::of(&suite.cases)).collect();
    let mut total = Counts::default();
    counts.iter().for_each(|c| total.add(c));
    let time_total: Duration = suites.iter().filter_map(|suite| suite.time).sum();
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    let (tests, skipped, failures, errors) =
        (total.tests.to_string(), total.skipped.to_string(), total.failures.to_string(), total.errors.to_string());
    let attributes = [
        ("name", "proctor"),
        ("tests", &tests),
        ("skipped", &skipped),
        ("failures", &failures),
        ("errors", &errors),
        ("time", &time(time_total)),
    ];
    open(out, 0, "testsuites", &attributes)?;
    writeln!(out, ">")?;
    for (suite, counts) in suites.into_iter().zip(counts) {
        write_suite(out, suite, &counts, spool)?;
    }
    writeln!(out, "</testsuites>")
}

fn write_suite(out: &mut impl Write, suite: Suite, counts: &Counts, spool: &mut Spool) -> std::io::Result<()> {
    let (tests, skipped, errors, failures) =
        (counts.tests.to_string(), counts.skipped.to_string(), counts.errors.to_string(), counts.failures.to_string());
    let suite_time = suite.time.map(time);
    let mut attributes = vec![
        ("name", suite.name.as_str()),
        ("tests", &tests),
        ("skipped", &skipped),
        ("errors", &errors),
        ("failures", &failures),
    ];
    if let Some(suite_time) = &suite_time {
        attributes.push(("time", suite_time));
    }
    open(out, 1, "testsuite", &attributes)?;
    writeln!(out, ">")?;
    if suite.replaced > 0 {
        writeln!(out, "        <properties>")?;
        let note = format!(
            "{} characters that XML 1.0 cannot hold (control characters, U+FFFE, U+FFFF) were written as \\u{{…}} \
             in this suite's names, messages and output",
            suite.replaced
        );
        open(out, 3, "property", &[("name", "proctor.replaced-characters"), ("value", &note)])?;
        writeln!(out, "/>")?;
        writeln!(out, "        </properties>")?;
    }
    for case in suite.cases {
        write_case(out, case, spool)?;
    }
    writeln!(out, "    </testsuite>")
}

fn write_case(out: &mut impl Write, case: Case, spool: &mut Spool) -> std::io::Result<()> {
    let case_time = case.time.map(time);
    let mut attributes = vec![("name", case.name.as_str()), ("classname", case.classname.as_str())];
    if let Some(case_time) = &case_time {
        attributes.push(("time", case_time));
    }
    open(out, 2, "testcase", &attributes)?;
    let passed = matches!(case.status, Status::Passed);
    if passed && case.system_out.is_none() && case.system_err.is_none() && case.reruns.is_empty() {
        return writeln!(out, "/>");
    }
    writeln!(out, ">")?;
    match case.status {
        Status::Passed => {}
        Status::Skipped { message } => {
            open(out, 3, "skipped", &[("message", &message)])?;
            writeln!(out, "/>")?;
        }
        Status::NonSuccess { element: name, message, ty, description } => {
            open(out, 3, name, &[("message", &message), ("type", &ty)])?;
            out.write_all(b">")?;
            escape(out, &spool.read(description)?, false)?;
            writeln!(out, "</{name}>")?;
        }
    }
    for rerun in case.reruns {
        let name = format!("{}{}", if passed { "flaky" } else { "rerun" }, rerun.kind);
        open(out, 3, &name, &[("message", &rerun.message), ("type", &rerun.ty)])?;
        writeln!(out, ">")?;
        element(out, 4, "stackTrace", &spool.read(rerun.stack)?)?;
        if let Some(text) = rerun.system_out {
            element(out, 4, "system-out", &spool.read(text)?)?;
        }
        if let Some(text) = rerun.system_err {
            element(out, 4, "system-err", &spool.read(text)?)?;
        }
        writeln!(out, "{}</{name}>", "    ".repeat(3))?;
    }
    if let Some(text) = case.system_out {
        element(out, 3, "system-out", &spool.read(text)?)?;
    }
    if let Some(text) = case.system_err {
        element(out, 3, "system-err", &spool.read(text)?)?;
    }
    writeln!(out, "        </testcase>")
}

impl Reporter for Junit {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        match &event.kind {
            EventKind::Console { test: Some(test), stream, text, .. } => {
                let (text, replaced) = clean(text);
                let (out, err, count) = self
                    .output
                    .entry(test.clone())
                    .or_insert_with(|| (Capped::new(CONSOLE_CAP), Capped::new(CONSOLE_CAP), 0));
                *count += replaced;
                let buffer = if *stream == Stream::Stdout { out } else { err };
                buffer.push(&text);
                if !text.ends_with('\n') {
                    buffer.push("\n");
                }
            }
            EventKind::TestAttemptFailed { test, outcome, error, .. } => self.failed_try(test, *outcome, error)?,
            EventKind::TestFinished { test, outcome, duration, error, .. } => {
                let fallback = ErrorInfo { name: "Error".into(), message: "failed".into(), ..ErrorInfo::default() };
                let error = error.as_ref().unwrap_or(&fallback);
                let element = match outcome {
                    Outcome::Passed | Outcome::Flaky => None,
                    Outcome::Failed | Outcome::TimedOut => Some("failure"),
                    Outcome::Crashed | Outcome::Interrupted => Some("error"),
                };
                let status = match element {
                    None => Status::Passed,
                    Some(element) => {
                        let index = self.suite_index(&test.file);
                        non_success(&mut self.spool, &mut self.suites[index], element, error)?
                    }
                };
                self.add(&test.file, Some(&test.id), &test.full_name(), status, Some(*duration))?;
                if let Some(reruns) = self.tries.remove(&test.id) {
                    let index = self.suite_index(&test.file);
                    if let Some(case) = self.suites[index].cases.last_mut() {
                        case.reruns = reruns;
                    }
                }
            }
            EventKind::TestSkipped { test, reason, .. } => {
                let message = self.suite(&test.file).clean(&reason.text);
                self.add(&test.file, Some(&test.id), &test.full_name(), Status::Skipped { message }, None)?;
            }
            EventKind::LoadError { file, message, frame, stack, .. } => {
                let detail = frame.clone().or_else(|| stack.clone()).unwrap_or_default();
                let index = self.suite_index(file);
                let suite = &mut self.suites[index];
                let text = format!("{message}\n\n{detail}");
                let description = description(&mut self.spool, suite, text.trim_end())?;
                let message = suite.clean(message);
                let status = Status::NonSuccess { element: "error", message, ty: "LoadError".into(), description };
                self.add(file, None, file, status, None)?;
            }
            EventKind::RuntimeError { suite, origin, error, .. } => {
                let status = non_success(&mut self.spool, &mut self.outside, "error", error)?;
                let name = self.outside.clean(&format!("[{suite}] {origin}"));
                let classname = "(outside tests)".to_string();
                let case = Case {
                    name,
                    classname,
                    time: None,
                    status,
                    system_out: None,
                    system_err: None,
                    reruns: Vec::new(),
                };
                self.outside.cases.push(case);
            }
            EventKind::RunFinished { .. } => self.write()?,
            EventKind::RunStarted { .. }
            | EventKind::SnapshotFile { .. }
            | EventKind::RuntimeStarted { .. }
            | EventKind::Built { .. }
            | EventKind::TestStarted { .. }
            | EventKind::Console { test: None, .. }
            | EventKind::RuntimeRestarted { .. }
            | EventKind::HuntFinished { .. } => {}
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        if !self.written {
            self.write()?;
        }
        Ok(())
    }

    fn target(&self) -> Target {
        self.path.clone().map_or(Target::Stdout, Target::File)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::TestInfo;
    use crate::select::{SkipCause, SkipReason};
    use crate::session::RunStats;
    use protocol::ConsoleLevel;
    use std::sync::Arc;
    use std::time::SystemTime;

    fn test(name: &str) -> Arc<TestInfo> {
        TestInfo::sample(name)
    }

    fn event(kind: EventKind) -> Event {
        Event { at: SystemTime::UNIX_EPOCH, elapsed: Duration::ZERO, kind }
    }

    fn print(test: &TestInfo, text: &str) -> Event {
        event(EventKind::Console {
            suite: "unit".into(),
            test: Some(test.id.clone()),
            stream: Stream::Stdout,
            level: ConsoleLevel::Log,
            text: text.into(),
            after: None,
        })
    }

    fn finished(test: Arc<TestInfo>, outcome: Outcome, message: &str) -> Event {
        let error = (outcome != Outcome::Passed).then(|| ErrorInfo {
            name: "Error".into(),
            message: message.into(),
            ..ErrorInfo::default()
        });
        event(EventKind::TestFinished {
            test,
            outcome,
            duration: Duration::ZERO,
            error,
            attempt: crate::events::Attempt::ONCE,
            stats: RunStats::default(),
        })
    }

    /// Runs `events` through a JUnit reporter and returns the file it wrote.
    fn report(events: Vec<Event>) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junit.xml");
        let mut junit = Box::new(Junit::create(Some(path.clone())).unwrap());
        for event in &events {
            junit.on_event(event).unwrap();
        }
        junit.on_event(&event(EventKind::RunFinished { stats: RunStats::default(), interrupted: None })).unwrap();
        std::fs::read_to_string(path).unwrap()
    }

    #[cfg(unix)]
    #[test]
    fn the_report_gets_a_new_files_permissions_not_a_temp_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junit.xml");
        let junit = Box::new(Junit::create(Some(path.clone())).unwrap());
        junit.finish().unwrap();
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), mode(&plain));
    }

    #[test]
    fn hostile_characters_never_reach_the_xml_and_are_counted() {
        let hostile = test("bad \u{1} name \u{fffe}");
        let xml = report(vec![
            print(&hostile, "out \u{ffff}\u{0}\u{1b}[1mbold\u{1b}[0m"),
            finished(hostile, Outcome::Failed, "message \u{b}"),
        ]);
        let forbidden: Vec<char> = xml
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r' | ' '..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..))
            .collect();
        assert!(forbidden.is_empty(), "{forbidden:?} in\n{xml}");
        assert!(xml.contains(r#"<testcase name="bad \u{1} name \u{fffe}""#), "{xml}");
        assert!(xml.contains(r#"<failure message="message \u{b}" type="Error">"#), "{xml}");
        assert!(xml.contains("<system-out>out \\u{ffff}\\u{0}bold\n</system-out>"), "{xml}");
        assert!(xml.contains(r#"value="6 characters that XML 1.0 cannot hold"#), "{xml}");
    }

    #[test]
    fn a_failure_body_states_the_message_once_r14() {
        let message = "expect(received).toBe(expected) // Object.is equality\n\nExpected: 2\nReceived: 1";
        let failure = |stack: &str| {
            event(EventKind::TestFinished {
                test: test("adds"),
                outcome: Outcome::Failed,
                duration: Duration::ZERO,
                error: Some(ErrorInfo {
                    name: "AssertionError".into(),
                    message: message.into(),
                    stack: Some(stack.into()),
                    expected: Some("2".into()),
                    actual: Some("1".into()),
                }),
                attempt: crate::events::Attempt::ONCE,
                stats: RunStats::default(),
            })
        };
        let v8 =
            format!("AssertionError: {message}\n    at file:///p/a.test.js:3:13\n    at run (file:///p/a.test.js:9:1)");
        let xml = report(vec![failure(&v8)]);
        assert_eq!(xml.matches("Object.is equality").count(), 2, "the attribute and the body, once each:\n{xml}");
        let body = xml.split("type=\"AssertionError\">").nth(1).unwrap().split("</failure>").next().unwrap();
        insta::assert_snapshot!(body);

        // A header that no longer matches the message (it was explained after the throw).
        let rewritten = "AssertionError: expect(received).toBe(expected) // Object.is equality\n\nExpected: 2 (first said)\n    at file:///p/a.test.js:3:13";
        let xml = report(vec![failure(rewritten)]);
        assert_eq!(xml.matches("Object.is equality").count(), 2, "{xml}");
        assert!(xml.contains("Received: 1\n\n    at file:///p/a.test.js:3:13</failure>"), "{xml}");

        // Frames without any header (another engine's stack) are kept whole.
        let bare = "test@http://127.0.0.1/a.test.js:3:13";
        assert!(report(vec![failure(bare)]).contains(&format!("Received: 1\n\n{bare}</failure>")));

        // A message without the values (chai's) gets them, once.
        let chai = ErrorInfo {
            name: "AssertionError".into(),
            message: "expected 1 to equal 2".into(),
            stack: Some("AssertionError: expected 1 to equal 2\n    at file:///p/a.test.js:3:13".into()),
            expected: Some("2".into()),
            actual: Some("1".into()),
        };
        let xml = report(vec![event(EventKind::TestFinished {
            test: test("chai"),
            outcome: Outcome::Failed,
            duration: Duration::ZERO,
            error: Some(chai),
            attempt: crate::events::Attempt::ONCE,
            stats: RunStats::default(),
        })]);
        assert!(
            xml.contains("AssertionError: expected 1 to equal 2\n\nExpected: 2\nReceived: 1\n\n    at file:///p/a.test.js:3:13</failure>"),
            "{xml}"
        );
    }

    #[test]
    fn interrupted_and_not_run_tests_are_an_error_and_skipped() {
        let reason = SkipReason::new(SkipCause::Interrupted, "not run: interrupted by SIGTERM");
        let xml = report(vec![
            finished(test("running"), Outcome::Interrupted, "interrupted by SIGTERM"),
            event(EventKind::TestSkipped {
                test: test("later"),
                kind: reason.kind(),
                reason,
                stats: RunStats::default(),
            }),
        ]);
        assert!(xml.contains(r#"tests="2" skipped="1" failures="0" errors="1""#), "{xml}");
        assert!(xml.contains(r#"<error message="interrupted by SIGTERM" type="Error">"#), "{xml}");
        assert!(xml.contains(r#"<skipped message="not run: interrupted by SIGTERM"/>"#), "{xml}");
    }

    #[test]
    fn output_past_the_memory_budget_comes_back_from_the_spool_intact_and_capped() {
        // 40 tests × 64 KiB kept is 2.5 MiB: past the 1 MiB held in memory.
        let mut events = Vec::new();
        for n in 0..40 {
            let test = test(&format!("t{n}"));
            events.push(print(&test, &format!("start of t{n}")));
            events.push(print(&test, &"y".repeat(200 * 1024)));
            events.push(print(&test, &format!("end of t{n}")));
            events.push(finished(test, Outcome::Passed, ""));
        }
        let xml = report(events);
        for n in 0..40 {
            let case = &xml[xml.find(&format!("start of t{n}\n")).unwrap()..];
            let end = case.find(&format!("end of t{n}\n</system-out>")).unwrap();
            assert!(end < CONSOLE_CAP + 200, "t{n} keeps {end} bytes");
            assert!(case[..end].contains("bytes of output cut here"), "t{n}");
        }
    }
}
