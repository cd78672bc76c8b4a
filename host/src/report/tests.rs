//! Reporter snapshots: one hand-built event stream fed to every reporter, output compared with
//! committed snapshots (colour off, durations fixed, so the text is stable).

use super::documentation::Documentation;
use super::dots::Dots;
use super::github_actions::{GithubActions, GithubEnv};
use super::json::JsonLines;
use super::junit::Junit;
use super::summary::Summary;
use super::tap::Tap;
use super::{Out, Paint, Reporter};
use crate::cli::Silent;
use crate::config::RuntimeKind;
use crate::events::{Event, EventKind, Outcome, SkipKind, TestId, TestInfo};
use crate::plan::{Location, Plan};
use crate::select::{SkipCause, SkipReason};
use crate::session::RunStats;
use protocol::{ConsoleLevel, ErrorInfo, RuntimeInfo, Stream};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// A writer whose bytes can be read back after the reporter is done with it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
    fn out(&self) -> Out {
        Box::new(self.clone())
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn test(file: &str, groups: &[&str], name: &str, line: usize) -> Arc<TestInfo> {
    let mut id = file.to_string();
    for part in groups.iter().chain([&name]) {
        id.push_str("::");
        id.push_str(part);
    }
    Arc::new(TestInfo {
        id: TestId(id),
        suite: "unit".into(),
        runtime: RuntimeKind::Node,
        instance: None,
        file: file.into(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
        name: name.into(),
        tags: vec![],
        location: Some(Location { line, column: 3 }),
    })
}

fn events() -> Vec<Event> {
    let adds = test("math.test.js", &["math"], "adds", 4);
    let diff = test("math.test.js", &["math", "nested"], "deep equal", 9);
    let hang = test("math.test.js", &["math"], "hangs", 12);
    let later = test("math.test.js", &["math"], "later", 14);
    let todo = test("other.test.js", &[], "plan", 1);
    let mut stats = RunStats::default();
    let mut kinds = vec![
        EventKind::RunStarted { plan: Arc::new(Plan { root: "/p".into(), suites: vec![] }), seed: None },
        EventKind::RuntimeStarted {
            suite: "unit".into(),
            kind: RuntimeKind::Node,
            instance: None,
            target: None,
            runtime: RuntimeInfo { kind: "node".into(), version: "v20.20.2".into(), user_agent: "Node.js/20".into() },
            fresh_page: None,
        },
        EventKind::TestStarted { test: adds.clone() },
        EventKind::Console {
            suite: "unit".into(),
            test: Some(adds.id.clone()),
            after: None,
            stream: Stream::Stdout,
            level: ConsoleLevel::Log,
            text: "hello".into(),
        },
    ];
    stats.passed += 1;
    kinds.push(EventKind::TestFinished {
        attempt: crate::events::Attempt::ONCE,
        test: adds,
        outcome: Outcome::Passed,
        duration: Duration::from_millis(3),
        error: None,
        stats,
    });
    kinds.push(EventKind::Console {
        suite: "unit".into(),
        test: Some(diff.id.clone()),
        after: None,
        stream: Stream::Stderr,
        level: ConsoleLevel::Error,
        text: "context".into(),
    });
    stats.failed += 1;
    kinds.push(EventKind::TestFinished {
        attempt: crate::events::Attempt::ONCE,
        test: diff,
        outcome: Outcome::Failed,
        duration: Duration::from_millis(2),
        error: Some(ErrorInfo {
            name: "AssertionError".into(),
            message: "expect(received).toEqual(expected) // deep equality".into(),
            stack: Some("AssertionError: x\n    at Object.toEqual (file:///tmp/proctor-1/controller/expect.js:1:1)\n    at file:///p/math.test.js:10:20".into()),
            expected: Some("Object {\n  \"a\": 1,\n}".into()),
            actual: Some("Object {\n  \"a\": 2,\n}".into()),
        }),
        stats,
    });
    stats.timed_out += 1;
    kinds.push(EventKind::TestFinished {
        attempt: crate::events::Attempt::ONCE,
        test: hang,
        outcome: Outcome::TimedOut,
        duration: Duration::from_millis(300),
        error: Some(ErrorInfo {
            name: "TimeoutError".into(),
            message: "test timed out after 300 ms".into(),
            ..ErrorInfo::default()
        }),
        stats,
    });
    kinds.push(EventKind::RuntimeRestarted {
        suite: "unit".into(),
        reason: "math.test.js::math::hangs timed out".into(),
    });
    stats.skipped += 1;
    let reason = SkipReason::new(SkipCause::Skip, "skipped with .skip");
    stats.skipped_by.add(reason.cause);
    kinds.push(EventKind::TestSkipped { test: later, kind: SkipKind::Skipped, reason, stats });
    stats.todo += 1;
    let reason = SkipReason::new(SkipCause::Todo, "declared with .todo");
    stats.skipped_by.add(reason.cause);
    kinds.push(EventKind::TestSkipped { test: todo, kind: SkipKind::Todo, reason, stats });
    stats.load_errors += 1;
    kinds.push(EventKind::LoadError {
        suite: "unit".into(),
        file: "broken.test.js".into(),
        message: "broken.test.js:2:9: SyntaxError: Unexpected token `=`".into(),
        location: Some(Location { line: 2, column: 9 }),
        frame: Some("  ┌─ broken.test.js:2:9\n  │\n2 │   const = 1;\n  │         ^".into()),
        stack: None,
        stats,
    });
    stats.runtime_errors += 1;
    kinds.push(EventKind::RuntimeError {
        suite: "unit".into(),
        origin: "afterAll hook of \"math\"".into(),
        error: ErrorInfo { name: "Error".into(), message: "cleanup failed".into(), ..ErrorInfo::default() },
        stats,
    });
    kinds.push(EventKind::RunFinished { stats, interrupted: None });
    kinds
        .into_iter()
        .enumerate()
        .map(|(i, kind)| Event {
            at: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
            elapsed: Duration::from_millis(10 * i as u64),
            kind,
        })
        .collect()
}

fn feed(mut reporter: Box<dyn Reporter>) {
    for event in events() {
        reporter.on_event(&event).unwrap();
    }
    reporter.finish().unwrap();
}

#[test]
fn dots() {
    let out = Captured::default();
    feed(Box::new(Dots::new(out.out(), false, Paint::new(false))));
    insta::assert_snapshot!(out.text());
}

#[test]
fn documentation() {
    let out = Captured::default();
    feed(Box::new(Documentation::new(out.out(), false, Paint::new(false), Silent::Off)));
    insta::assert_snapshot!(out.text());
}

#[test]
fn summary() {
    let out = Captured::default();
    feed(Box::new(Summary::new(out.out(), "/p".into(), false, Paint::new(false))));
    insta::assert_snapshot!(out.text());
}

#[test]
fn json_lines() {
    let out = Captured::default();
    feed(Box::new(JsonLines::new(out.out(), super::Target::Stdout)));
    insta::assert_snapshot!(out.text());
}

#[test]
fn junit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junit.xml");
    feed(Box::new(Junit::create(Some(path.clone())).unwrap()));
    insta::assert_snapshot!(std::fs::read_to_string(path).unwrap());
}

#[test]
fn tap() {
    let out = Captured::default();
    feed(Box::new(Tap::new(out.out(), super::Target::Stdout, "/p".into())));
    insta::assert_snapshot!(out.text());
}

#[test]
fn tap_skips_only_what_the_file_skipped_or_the_run_stopped_before() {
    let out = Captured::default();
    feed_selection(Box::new(Tap::new(out.out(), super::Target::Stdout, "/p".into())));
    insta::assert_snapshot!(out.text());
}

#[test]
fn github_actions() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let env = GithubEnv {
        prefix: "web/".into(),
        blob_url: Some("https://github.com/o/r/blob/abc123/".into()),
        summary: Some(summary.clone()),
    };
    let out = Captured::default();
    feed(Box::new(GithubActions::new(out.out(), "/p".into(), env)));
    let summary = std::fs::read_to_string(summary).unwrap();
    insta::assert_snapshot!(format!("{}\n--- $GITHUB_STEP_SUMMARY ---\n{summary}", out.text()));
}

/// A test that failed and then passed when run again is flaky: listed as such in the job
/// summary, and neither annotated nor listed as a failure.
#[test]
fn github_actions_flaky() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let env = GithubEnv { summary: Some(summary.clone()), ..GithubEnv::default() };
    let retried = test("net.test.js", &["net"], "fetches, eventually", 3);
    let mut stats = RunStats::default();
    let mut kinds =
        vec![EventKind::RunStarted { plan: Arc::new(Plan { root: "/p".into(), suites: vec![] }), seed: None }];
    kinds.push(EventKind::TestFinished {
        attempt: crate::events::Attempt::ONCE,
        test: retried.clone(),
        outcome: Outcome::Failed,
        duration: Duration::from_millis(1),
        error: Some(ErrorInfo { name: "Error".into(), message: "ECONNRESET".into(), ..ErrorInfo::default() }),
        stats,
    });
    stats.passed += 1;
    kinds.push(EventKind::TestFinished {
        attempt: crate::events::Attempt::ONCE,
        test: retried,
        outcome: Outcome::Passed,
        duration: Duration::from_millis(1),
        error: None,
        stats,
    });
    kinds.push(EventKind::RunFinished { stats, interrupted: None });
    let out = Captured::default();
    let mut reporter: Box<dyn Reporter> = Box::new(GithubActions::new(out.out(), "/p".into(), env));
    for kind in kinds {
        reporter.on_event(&Event { at: SystemTime::UNIX_EPOCH, elapsed: Duration::from_millis(1500), kind }).unwrap();
    }
    reporter.finish().unwrap();
    assert_eq!(out.text(), "", "a flaky test is no failure");
    insta::assert_snapshot!(std::fs::read_to_string(summary).unwrap());
}

/// A run under `--seed 42 --fail-fast` with a selection: tests left out by flags, by the file's
/// own `.skip`, and not run after the failure.
fn selection_events() -> Vec<Event> {
    let adds = test("math.test.js", &["math"], "adds", 4);
    let fails = test("math.test.js", &["math"], "fails", 6);
    let later = test("math.test.js", &["math"], "later", 8);
    let skipped = test("math.test.js", &["math"], "skipped", 10);
    let other = test("other.test.js", &[], "elsewhere", 1);
    let mut stats = RunStats::default();
    let mut kinds =
        vec![EventKind::RunStarted { plan: Arc::new(Plan { root: "/p".into(), suites: vec![] }), seed: Some(42) }];
    let skip = |stats: &mut RunStats, test: Arc<TestInfo>, cause: SkipCause, text: &str| {
        let reason = SkipReason::new(cause, text);
        stats.record_skip(&reason);
        EventKind::TestSkipped { test, kind: reason.kind(), reason, stats: *stats }
    };
    stats.passed += 1;
    kinds.push(EventKind::TestFinished {
        attempt: crate::events::Attempt::ONCE,
        test: adds,
        outcome: Outcome::Passed,
        duration: Duration::from_millis(1),
        error: None,
        stats,
    });
    stats.failed += 1;
    kinds.push(EventKind::TestFinished {
        attempt: crate::events::Attempt::ONCE,
        test: fails,
        outcome: Outcome::Failed,
        duration: Duration::from_millis(1),
        error: Some(ErrorInfo { name: "Error".into(), message: "boom".into(), ..ErrorInfo::default() }),
        stats,
    });
    kinds.push(skip(
        &mut stats,
        later,
        SkipCause::FailFast,
        "not run: --fail-fast after math.test.js::math::fails failed",
    ));
    kinds.push(skip(&mut stats, skipped, SkipCause::Skip, "skipped with .skip"));
    kinds.push(skip(&mut stats, other, SkipCause::NotSelected, "not in --select fast"));
    kinds.push(EventKind::RunFinished { stats, interrupted: None });
    kinds
        .into_iter()
        .enumerate()
        .map(|(i, kind)| Event { at: SystemTime::UNIX_EPOCH, elapsed: Duration::from_millis(10 * i as u64), kind })
        .collect()
}

fn feed_selection(mut reporter: Box<dyn Reporter>) {
    for event in selection_events() {
        reporter.on_event(&event).unwrap();
    }
    reporter.finish().unwrap();
}

#[test]
fn selection_quiet() {
    let out = Captured::default();
    feed_selection(Box::new(Dots::new(out.out(), false, Paint::new(false))));
    feed_selection(Box::new(Documentation::new(out.out(), false, Paint::new(false), Silent::Off)));
    feed_selection(Box::new(Summary::new(out.out(), "/p".into(), false, Paint::new(false))));
    insta::assert_snapshot!(out.text());
}

#[test]
fn selection_verbose() {
    let out = Captured::default();
    feed_selection(Box::new(Dots::new(out.out(), true, Paint::new(false))));
    feed_selection(Box::new(Documentation::new(out.out(), true, Paint::new(false), Silent::Off)));
    feed_selection(Box::new(Summary::new(out.out(), "/p".into(), true, Paint::new(false))));
    insta::assert_snapshot!(out.text());
}

#[test]
fn colour_on_marks_the_outcomes_and_the_totals() {
    let out = Captured::default();
    feed(Box::new(Documentation::new(out.out(), false, Paint::new(true), Silent::Off)));
    feed(Box::new(Summary::new(out.out(), "/p".into(), false, Paint::new(true))));
    let text = out.text();
    assert!(text.contains("\u{1b}[32m✓\u{1b}[0m"), "a green ✓:\n{text}");
    assert!(text.contains("\u{1b}[31m✗\u{1b}[0m"), "a red ✗:\n{text}");
    assert!(text.contains("\u{1b}[33m○\u{1b}[0m"), "a yellow ○:\n{text}");
    assert!(
        text.contains("\u{1b}[1m\u{1b}[7m\u{1b}[31m FAIL ") || text.contains(" FAIL \u{1b}[0m"),
        "a FAIL badge:\n{text:?}"
    );
    let plain = Captured::default();
    feed(Box::new(Documentation::new(plain.out(), false, Paint::new(false), Silent::Off)));
    feed(Box::new(Summary::new(plain.out(), "/p".into(), false, Paint::new(false))));
    assert!(!plain.text().contains('\u{1b}'), "no escapes with colour off");
    assert_eq!(strip_escapes(&text), plain.text(), "colour only wraps, it changes no text");
}

/// The text with its ANSI escapes (`ESC [ ... m`) removed.
fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Dots then the summary as the dots reporter builds it, and the documentation tree then its
/// summary, with `silent`.
fn console_shown(silent: Silent) -> String {
    use super::summary::PassedOutput;
    let out = Captured::default();
    feed(Box::new(Dots::new(out.out(), false, Paint::new(false))));
    feed(Box::new(
        Summary::new(out.out(), "/p".into(), false, Paint::new(false)).with_console(silent, PassedOutput::Shown),
    ));
    out.out().write_all(b"\n=== documentation ===\n").unwrap();
    feed(Box::new(Documentation::new(out.out(), false, Paint::new(false), silent)));
    feed(Box::new(
        Summary::new(out.out(), "/p".into(), false, Paint::new(false)).with_console(silent, PassedOutput::Inline),
    ));
    out.text()
}

#[test]
fn passed_tests_output_is_shown_under_their_name_after_dots_and_in_the_tree() {
    let text = console_shown(Silent::Off);
    let (dots, tree) = text.split_once("=== documentation ===").unwrap();
    assert!(dots.contains(" ✓ math.test.js > math > adds\n      hello\n"), "{dots}");
    assert!(dots.contains("context"), "{dots}");
    assert!(tree.contains("✓ adds"), "{tree}");
    assert_eq!(tree.matches("hello").count(), 1, "once, under the test in the tree: {tree}");
    insta::assert_snapshot!(text);
}

#[test]
fn silent_hides_all_output_and_passed_only_keeps_the_failures() {
    let all = console_shown(Silent::All);
    assert!(!all.contains("hello") && !all.contains("context"), "{all}");
    let failing = console_shown(Silent::PassedOnly);
    assert!(!failing.contains("hello"), "{failing}");
    assert_eq!(
        failing.matches("context").count(),
        3,
        "the failing test's output, in both trees and summaries: {failing}"
    );
}
