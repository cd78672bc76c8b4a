//! `Paint`: the colours of the terminal reporters (marks, diff lines, code frames, totals), or
//! none. Whether colour is on is decided once, in `config::resolve` (`--color`, `NO_COLOR`,
//! `FORCE_COLOR`, a terminal on stdout); reporters only ask a `Paint` to wrap their text, so
//! with colour off they print exactly what they printed before colour existed.

use anstyle::{AnsiColor, Style};
use std::fmt::Display;

/// Wraps text in ANSI styles when colour is on; returns it unchanged when off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Paint {
    on: bool,
}

impl Paint {
    /// Colour on (`true`) or off.
    pub(crate) fn new(on: bool) -> Paint {
        Paint { on }
    }

    fn style(self, style: Style, text: impl Display) -> String {
        if self.on {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    /// A passed test's mark and count.
    pub(crate) fn pass(self, text: impl Display) -> String {
        self.style(AnsiColor::Green.on_default(), text)
    }

    /// A failed test's mark, label and count.
    pub(crate) fn fail(self, text: impl Display) -> String {
        self.style(AnsiColor::Red.on_default(), text)
    }

    /// A failure's badge (` FAIL `): Vitest's inverted red.
    pub(crate) fn fail_badge(self, text: impl Display) -> String {
        self.style(AnsiColor::Red.on_default().invert().bold(), text)
    }

    /// A skipped or todo test's mark and count.
    pub(crate) fn skip(self, text: impl Display) -> String {
        self.style(AnsiColor::Yellow.on_default(), text)
    }

    /// A flaky test's mark and label (nextest's and Playwright's FLAKY are yellow-ish; magenta
    /// keeps it apart from skips).
    pub(crate) fn flaky(self, text: impl Display) -> String {
        self.style(AnsiColor::Magenta.on_default().bold(), text)
    }

    /// What is there for reference: durations, stack frames, a code frame's gutter.
    pub(crate) fn dim(self, text: impl Display) -> String {
        self.style(Style::new().dimmed(), text)
    }

    /// Headings: a file name, a summary label.
    pub(crate) fn bold(self, text: impl Display) -> String {
        self.style(Style::new().bold(), text)
    }

    /// A diff's expected side (`-`), green as in Vitest and Jest.
    pub(crate) fn expected(self, text: impl Display) -> String {
        self.style(AnsiColor::Green.on_default(), text)
    }

    /// A diff's received side (`+`), red as in Vitest and Jest.
    pub(crate) fn received(self, text: impl Display) -> String {
        self.style(AnsiColor::Red.on_default(), text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_is_the_text_itself_and_on_wraps_it_in_escapes() {
        assert_eq!(Paint::new(false).fail("✗"), "✗");
        assert_eq!(Paint::new(true).fail("✗"), "\u{1b}[31m✗\u{1b}[0m");
        assert_eq!(Paint::new(true).pass("3 passed"), "\u{1b}[32m3 passed\u{1b}[0m");
    }
}
