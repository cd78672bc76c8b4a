//! `Screen`: the terminal shared by the terminal reporters and the live status line
//! (`status.rs`). The status line sits below everything printed; whatever a reporter prints goes
//! through [`Screen::print`], which clears the status line, prints, and draws it again below, so
//! the two never garble each other. A line the reporters left unfinished (the dots reporter's
//! row) stays above the status line: the status line is drawn on the row below it, and clearing
//! it moves back up to the row's end by printing the row again.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

/// Moves to the start of the row and clears it.
const CLEAR_ROW: &[u8] = b"\r\x1b[2K";
/// Moves up one row, to its start.
const UP: &[u8] = b"\x1b[1A\r";

/// The terminal's state, behind one lock so output and status line take turns.
struct State {
    out: Box<dyn Write + Send>,
    /// What has been printed since the last newline (still on the screen's last used row).
    partial: Vec<u8>,
    /// The status line as drawn, if it is on the screen.
    drawn: Option<String>,
    /// The status line to draw, if any.
    line: Option<String>,
    /// Set once the run is over: the status line is gone for good.
    closed: bool,
    /// The terminal's width; a status line that would wrap cannot be cleared, so it is cut.
    columns: usize,
}

impl State {
    fn erase(&mut self) -> std::io::Result<()> {
        if self.drawn.take().is_some() {
            self.out.write_all(CLEAR_ROW)?;
            if !self.partial.is_empty() {
                self.out.write_all(UP)?;
                self.out.write_all(&self.partial)?;
            }
        }
        Ok(())
    }

    fn draw(&mut self) -> std::io::Result<()> {
        let Some(line) = self.line.clone().filter(|_| !self.closed) else { return Ok(()) };
        // A row that wraps puts its end on another row than `UP` reaches: no status line then.
        if super::status::visible_width(&String::from_utf8_lossy(&self.partial)) >= self.columns {
            return Ok(());
        }
        if !self.partial.is_empty() {
            self.out.write_all(b"\n")?;
        }
        self.out.write_all(line.as_bytes())?;
        self.drawn = Some(line);
        Ok(())
    }
}

/// The shared terminal. Cloning shares it.
#[derive(Clone)]
pub(crate) struct Screen {
    state: Arc<Mutex<State>>,
}

impl Screen {
    /// A screen over `out` (stdout), `columns` wide.
    pub(crate) fn new(out: Box<dyn Write + Send>, columns: usize) -> Screen {
        let state = State { out, partial: Vec::new(), drawn: None, line: None, closed: false, columns };
        Screen { state: Arc::new(Mutex::new(state)) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Prints a reporter's output above the status line.
    pub(crate) fn print(&self, bytes: &[u8]) -> std::io::Result<()> {
        let mut state = self.lock();
        state.erase()?;
        state.out.write_all(bytes)?;
        match bytes.iter().rposition(|&b| b == b'\n') {
            Some(end) => state.partial = bytes[end + 1..].to_vec(),
            None => state.partial.extend_from_slice(bytes),
        }
        state.draw()?;
        state.out.flush()
    }

    /// Shows `line` as the status line (already cut to fit), replacing the one shown.
    pub(crate) fn show(&self, line: String, columns: usize) -> std::io::Result<()> {
        let mut state = self.lock();
        if state.closed || state.drawn.as_deref() == Some(line.as_str()) {
            return Ok(());
        }
        state.columns = columns;
        state.erase()?;
        state.line = Some(line);
        state.draw()?;
        state.out.flush()
    }

    /// Clears the status line for good: the run is over.
    pub(crate) fn close(&self) -> std::io::Result<()> {
        let mut state = self.lock();
        state.closed = true;
        state.line = None;
        state.erase()?;
        state.out.flush()
    }

    /// A writer for a reporter: what it writes is printed above the status line.
    pub(crate) fn writer(&self) -> ScreenWriter {
        ScreenWriter(self.clone())
    }
}

/// A reporter's way to the screen (buffer it: each write clears and redraws the status line).
pub(crate) struct ScreenWriter(Screen);

impl Write for ScreenWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.print(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A terminal that records what it was sent.
    #[derive(Clone, Default)]
    pub(crate) struct Tape(Arc<Mutex<Vec<u8>>>);

    impl Write for Tape {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Tape {
        pub(crate) fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
        }
    }

    #[test]
    fn output_goes_above_the_status_line_which_is_redrawn_below_it() {
        let tape = Tape::default();
        let screen = Screen::new(Box::new(tape.clone()), 80);
        screen.show("1 passed".into(), 80).unwrap();
        screen.print(b"a.test.js\n").unwrap();
        screen.close().unwrap();
        assert_eq!(tape.text(), "1 passed\r\x1b[2Ka.test.js\n1 passed\r\x1b[2K");
    }

    #[test]
    fn an_unfinished_row_keeps_its_place_above_the_status_line() {
        let tape = Tape::default();
        let screen = Screen::new(Box::new(tape.clone()), 80);
        screen.print(b"..").unwrap();
        screen.show("2 passed".into(), 80).unwrap();
        screen.print(b".").unwrap();
        screen.close().unwrap();
        screen.print(b"\n").unwrap();
        assert_eq!(
            tape.text(),
            "..\n2 passed\r\x1b[2K\x1b[1A\r...\n2 passed\r\x1b[2K\x1b[1A\r...\n",
            "the row is printed again after moving up to it"
        );
    }

    #[test]
    fn nothing_is_drawn_after_close_or_below_a_row_that_wraps() {
        let tape = Tape::default();
        let screen = Screen::new(Box::new(tape.clone()), 4);
        screen.print(b"....").unwrap();
        screen.show("x".into(), 4).unwrap();
        assert_eq!(tape.text(), "....");
        screen.close().unwrap();
        screen.show("y".into(), 80).unwrap();
        assert_eq!(tape.text(), "....");
    }
}
