//! `StatusLine`: the live line at the bottom of a terminal during a run (Vitest's summary while
//! tests run, cargo's progress bar): files done of the total, tests passed, failed and skipped,
//! the elapsed time and the test running now, cut to the terminal's width. It is a reporter fed
//! by the same events as the others; a ticker thread draws it a dozen times a second (not per
//! event), only once the run has lasted [`SHOW_AFTER`], so a quick run never flashes it; it is
//! cleared when the run finishes. It is drawn through the [`Screen`] the terminal reporters
//! print through, so their output appears above it. `build_reporters` adds it only when stdout
//! is a terminal and not on CI (as Vitest), and no reporter writes a machine format to stdout.

use super::screen::Screen;
use super::{Paint, Reporter};
use crate::config::RuntimeKind;
use crate::events::{Event, EventKind, TestId};
use crate::session::RunStats;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use unicode_width::UnicodeWidthChar;

/// How long a run goes before the line appears.
pub(crate) const SHOW_AFTER: Duration = Duration::from_millis(300);
/// How often the line is redrawn.
const REDRAW_EVERY: Duration = Duration::from_millis(80);

/// A part of the line and how it is coloured.
type Part = (String, fn(Paint, String) -> String);
/// One file in one runtime: what "files done" counts.
type FileKey = (String, String, RuntimeKind);
/// A runtime working through its files one at a time.
type Lane = (String, RuntimeKind, Option<String>);

/// What the line shows, kept from the events.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    /// Every file the run loads, in each of its runtimes.
    files: HashSet<FileKey>,
    done: HashSet<FileKey>,
    /// The file each runtime is in.
    lanes: HashMap<Lane, FileKey>,
    /// Tests running now, and the name shown for each, latest last.
    running: Vec<(TestId, String)>,
    stats: RunStats,
}

impl Progress {
    /// Takes in one event.
    pub(crate) fn on_event(&mut self, kind: &EventKind) {
        match kind {
            EventKind::RunStarted { plan, .. } => {
                *self = Progress::default();
                for suite in &plan.suites {
                    for file in suite.files.iter().filter(|f| f.selected) {
                        for runtime in &suite.runtimes {
                            self.files.insert((suite.id.clone(), file.path.clone(), *runtime));
                        }
                    }
                }
            }
            EventKind::TestStarted { test } => {
                self.enter(test.suite.clone(), test.runtime, test.instance.clone(), &test.file);
                self.running.retain(|(id, _)| *id != test.id);
                self.running.push((test.id.clone(), format!("{} > {}", test.file, test.full_name())));
            }
            EventKind::TestFinished { test, stats, .. } | EventKind::TestSkipped { test, stats, .. } => {
                self.enter(test.suite.clone(), test.runtime, test.instance.clone(), &test.file);
                self.running.retain(|(id, _)| *id != test.id);
                self.stats = *stats;
            }
            EventKind::LoadError { suite, file, stats, .. } => {
                let failed: Vec<FileKey> =
                    self.files.iter().filter(|(s, f, _)| s == suite && f == file).cloned().collect();
                self.done.extend(failed);
                self.stats = *stats;
            }
            EventKind::RuntimeError { stats, .. } | EventKind::SnapshotFile { stats, .. } => {
                self.stats = *stats;
            }
            EventKind::RunFinished { stats, .. } => {
                self.stats = *stats;
                self.done = self.files.clone();
                self.running.clear();
            }
            EventKind::RuntimeStarted { .. }
            | EventKind::Built { .. }
            | EventKind::Console { .. }
            | EventKind::TestAttemptFailed { .. }
            | EventKind::HuntFinished { .. }
            | EventKind::RuntimeRestarted { .. } => {}
        }
    }

    /// A runtime reports on `file`: the file it was in before is done.
    fn enter(&mut self, suite: String, runtime: RuntimeKind, instance: Option<String>, file: &str) {
        let key = (suite.clone(), file.to_string(), runtime);
        if let Some(previous) = self.lanes.insert((suite, runtime, instance), key.clone()) {
            if previous != key && self.files.contains(&previous) {
                self.done.insert(previous);
            }
        }
    }

    /// The line, `columns` wide at most.
    pub(crate) fn line(&self, elapsed: Duration, paint: Paint, columns: usize) -> String {
        let s = &self.stats;
        let failed = s.failed + s.timed_out + s.crashed + s.interrupted + s.load_errors;
        let skipped = s.skipped + s.todo;
        let mut parts: Vec<Part> = vec![
            (format!(" {}/{} files", self.done.len(), self.files.len()), |p, t| p.bold(t)),
            (format!("{} passed", s.passed), |p, t| p.pass(t)),
        ];
        if failed > 0 {
            parts.push((format!("{failed} failed"), |p, t| p.fail(t)));
        }
        if s.flaky > 0 {
            parts.push((format!("{} flaky", s.flaky), |p, t| p.flaky(t)));
        }
        if skipped > 0 {
            parts.push((format!("{skipped} skipped"), |p, t| p.skip(t)));
        }
        parts.push((clock(elapsed), |p, t| p.dim(t)));
        if let Some((_, name)) = self.running.last() {
            parts.push((name.clone(), |_, t| t));
        }
        // One column spare: a line that fills the row makes some terminals wrap.
        let mut room = columns.saturating_sub(1);
        let mut line = String::new();
        for (i, (text, style)) in parts.into_iter().enumerate() {
            let sep = if i == 0 { "" } else { " · " };
            let sep_width = visible_width(sep);
            if room <= sep_width {
                break;
            }
            room -= sep_width;
            let text = cut(&text, room);
            room -= visible_width(&text);
            if !sep.is_empty() {
                line.push_str(&paint.dim(sep));
            }
            line.push_str(&style(paint, text));
        }
        line
    }
}

/// `4.2s`, then `1m 03s`.
fn clock(elapsed: Duration) -> String {
    let secs = elapsed.as_secs();
    if secs < 60 {
        format!("{:.1}s", elapsed.as_secs_f64())
    } else {
        format!("{}m {:02}s", secs / 60, secs % 60)
    }
}

/// `text` cut to `width` columns, with `…` where it was cut.
fn cut(text: &str, width: usize) -> String {
    if visible_width(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// How many columns `text` takes on a terminal, colour escapes left out.
pub(crate) fn visible_width(text: &str) -> usize {
    let mut width = 0;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // `ESC [ … final byte`: no width.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        width += c.width().unwrap_or(0);
    }
    width
}

/// The terminal's width in columns (80 when it cannot tell).
pub(crate) fn columns() -> usize {
    #[cfg(unix)]
    {
        // SAFETY: TIOCGWINSZ fills the `winsize` it is given and reads nothing else.
        let mut size: libc::winsize = unsafe { std::mem::zeroed() };
        if unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0 && size.ws_col > 0 {
            return usize::from(size.ws_col);
        }
    }
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|&c| c > 0).unwrap_or(80)
}

/// What the reporter and its ticker share.
struct Shared {
    progress: Mutex<Progress>,
    /// When the run started, once it has.
    started: Mutex<Option<Instant>>,
    stop: AtomicBool,
}

/// The status line reporter; see the module doc.
pub(crate) struct StatusLine {
    screen: Screen,
    shared: Arc<Shared>,
    ticker: Option<std::thread::JoinHandle<()>>,
}

impl StatusLine {
    /// A status line on `screen`; its ticker starts now and draws once a run has begun.
    pub(crate) fn new(screen: Screen, paint: Paint) -> StatusLine {
        let shared = Arc::new(Shared {
            progress: Mutex::new(Progress::default()),
            started: Mutex::new(None),
            stop: AtomicBool::new(false),
        });
        let ticker = {
            let (screen, shared) = (screen.clone(), shared.clone());
            std::thread::spawn(move || {
                while !shared.stop.load(Ordering::Relaxed) {
                    std::thread::sleep(REDRAW_EVERY);
                    let started = *shared.started.lock().unwrap_or_else(PoisonError::into_inner);
                    let Some(elapsed) = started.map(|at| at.elapsed()).filter(|e| *e >= SHOW_AFTER) else {
                        continue;
                    };
                    let width = columns();
                    let line =
                        shared.progress.lock().unwrap_or_else(PoisonError::into_inner).line(elapsed, paint, width);
                    // The terminal went away: nothing more to draw.
                    if screen.show(line, width).is_err() {
                        break;
                    }
                }
            })
        };
        StatusLine { screen, shared, ticker: Some(ticker) }
    }

    fn stop(&mut self) -> std::io::Result<()> {
        self.shared.stop.store(true, Ordering::Relaxed);
        let closed = self.screen.close();
        if let Some(ticker) = self.ticker.take() {
            let _ = ticker.join();
        }
        closed
    }
}

impl Reporter for StatusLine {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        if let EventKind::RunStarted { .. } = event.kind {
            let started = Instant::now().checked_sub(event.elapsed).unwrap_or_else(Instant::now);
            *self.shared.started.lock().unwrap_or_else(PoisonError::into_inner) = Some(started);
        }
        self.shared.progress.lock().unwrap_or_else(PoisonError::into_inner).on_event(&event.kind);
        match event.kind {
            EventKind::RunFinished { .. } => self.stop(),
            _ => Ok(()),
        }
    }

    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        self.stop()
    }
}

impl Drop for StatusLine {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_shows_files_counts_time_and_the_running_test() {
        let mut progress = Progress::default();
        progress.files.extend([
            ("u".into(), "a.test.js".into(), RuntimeKind::Node),
            ("u".into(), "b.test.js".into(), RuntimeKind::Node),
        ]);
        progress.done.insert(("u".into(), "a.test.js".into(), RuntimeKind::Node));
        progress.stats.passed = 12;
        progress.stats.failed = 1;
        progress.stats.todo = 2;
        progress.running.push((TestId("b::adds".into()), "b.test.js > math > adds".into()));
        let line = progress.line(Duration::from_millis(4230), Paint::new(false), 200);
        assert_eq!(line, " 1/2 files · 12 passed · 1 failed · 2 skipped · 4.2s · b.test.js > math > adds");
        assert_eq!(progress.line(Duration::from_secs(63), Paint::new(false), 200).matches("1m 03s").count(), 1);
    }

    #[test]
    fn the_line_is_cut_to_the_terminal_width() {
        let mut progress = Progress::default();
        progress.running.push((TestId("x".into()), "a.test.js > a very long test name indeed".into()));
        for columns in [10, 30, 40, 41, 60] {
            let line = progress.line(Duration::from_secs(1), Paint::new(true), columns);
            assert!(visible_width(&line) < columns, "{columns}: {line:?} is {}", visible_width(&line));
        }
        let line = progress.line(Duration::from_secs(1), Paint::new(false), 40);
        assert_eq!(line, " 0/0 files · 0 passed · 1.0s · a.test.…");
        assert_eq!(cut("日本語のテスト", 7), "日本語…");
    }

    fn event(elapsed: Duration, kind: EventKind) -> Event {
        Event { at: std::time::SystemTime::now(), elapsed, kind }
    }

    fn run_started() -> EventKind {
        let plan = crate::plan::Plan { root: "/p".into(), suites: Vec::new() };
        EventKind::RunStarted { plan: Arc::new(plan), seed: None }
    }

    #[test]
    fn a_quick_run_never_shows_the_line_and_a_long_one_is_cleared_at_its_end() {
        let finished = || EventKind::RunFinished { stats: RunStats::default(), interrupted: None };
        let tape = super::super::screen::tests::Tape::default();
        let mut quick = StatusLine::new(Screen::new(Box::new(tape.clone()), 80), Paint::new(false));
        quick.on_event(&event(Duration::ZERO, run_started())).unwrap();
        std::thread::sleep(REDRAW_EVERY * 2);
        quick.on_event(&event(Duration::from_millis(170), finished())).unwrap();
        assert_eq!(tape.text(), "", "not within {SHOW_AFTER:?}");

        let tape = super::super::screen::tests::Tape::default();
        let mut long = StatusLine::new(Screen::new(Box::new(tape.clone()), 80), Paint::new(false));
        // A run that started 10 s ago.
        long.on_event(&event(Duration::from_secs(10), run_started())).unwrap();
        std::thread::sleep(REDRAW_EVERY * 3);
        long.on_event(&event(Duration::from_secs(10), finished())).unwrap();
        let text = tape.text();
        assert!(text.starts_with(" 0/0 files · 0 passed · 10."), "{text:?}");
        assert!(text.ends_with("\r\x1b[2K"), "cleared at the end: {text:?}");
        std::thread::sleep(REDRAW_EVERY * 2);
        assert_eq!(tape.text(), text, "nothing after the end");
    }

    #[test]
    fn a_file_is_done_when_its_runtime_moves_on_or_it_failed_to_load() {
        let mut progress = Progress::default();
        let key = |f: &str| ("u".to_string(), f.to_string(), RuntimeKind::Node);
        progress.files.extend([key("a"), key("b"), key("c")]);
        progress.enter("u".into(), RuntimeKind::Node, None, "a");
        progress.enter("u".into(), RuntimeKind::Node, None, "a");
        assert!(progress.done.is_empty());
        progress.enter("u".into(), RuntimeKind::Node, None, "b");
        assert_eq!(progress.done, HashSet::from([key("a")]));
        // A file the run does not load (all its tests left out) is never counted.
        progress.enter("u".into(), RuntimeKind::Node, None, "skipped-file");
        progress.enter("u".into(), RuntimeKind::Node, None, "c");
        assert_eq!(progress.done, HashSet::from([key("a"), key("b")]));
    }
}
