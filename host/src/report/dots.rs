//! The `dots` reporter: one character per test (`.` passed, `F` failed, `T` timed out, `C`
//! crashed, `*` skipped or todo, `E` a file that failed to load), 80 to a line. Tests that flags
//! or config left out get no character unless `--verbose` (the summary still counts them).

use super::{Out, Paint, Reporter};
use crate::events::{Event, EventKind, Outcome};
use std::io::Write;
use std::time::{Duration, Instant};

const WIDTH: usize = 80;
/// Flush at most this often, so 10,000 dots are not 10,000 writes.
const FLUSH_EVERY: Duration = Duration::from_millis(100);

pub(crate) struct Dots {
    out: Out,
    column: usize,
    last_flush: Instant,
    verbose: bool,
    paint: Paint,
}

impl Dots {
    pub(crate) fn new(out: Out, verbose: bool, paint: Paint) -> Self {
        Dots { out, column: 0, last_flush: Instant::now(), verbose, paint }
    }

    /// Writes one mark, coloured by what it means.
    fn dot(&mut self, c: char) -> std::io::Result<()> {
        if self.column == WIDTH {
            writeln!(self.out)?;
            self.column = 0;
        }
        let mark = match c {
            '.' => self.paint.pass(c),
            '*' => self.paint.skip(c),
            _ => self.paint.fail(c),
        };
        write!(self.out, "{mark}")?;
        self.column += 1;
        if self.last_flush.elapsed() >= FLUSH_EVERY {
            self.out.flush()?;
            self.last_flush = Instant::now();
        }
        Ok(())
    }
}

impl Reporter for Dots {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        match &event.kind {
            EventKind::TestFinished { outcome, .. } => self.dot(match outcome {
                Outcome::Passed => '.',
                Outcome::Failed => 'F',
                Outcome::TimedOut => 'T',
                Outcome::Crashed => 'C',
                Outcome::Interrupted => '!',
                // nextest's and Playwright's flaky mark is a word; a dot reporter needs a letter.
                Outcome::Flaky => 'f',
            })?,
            EventKind::TestSkipped { reason, .. } => {
                if self.verbose || reason.cause.is_declared() {
                    self.dot('*')?;
                }
            }
            EventKind::LoadError { .. } => self.dot('E')?,
            EventKind::RunFinished { .. } => {
                if self.column > 0 {
                    writeln!(self.out)?;
                }
                self.out.flush()?;
            }
            EventKind::RunStarted { .. }
            | EventKind::SnapshotFile { .. }
            | EventKind::RuntimeStarted { .. }
            | EventKind::Built { .. }
            | EventKind::TestStarted { .. }
            | EventKind::Console { .. }
            | EventKind::RuntimeError { .. }
            | EventKind::RuntimeRestarted { .. }
            | EventKind::TestAttemptFailed { .. }
            | EventKind::HuntFinished { .. } => {}
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        self.out.flush()
    }
}
