//! Code frames: a few source lines around a location with a caret, for syntax errors and for
//! the failing line of a test. Rendering is codespan-reporting's; this module only finds the
//! byte range and picks the plain-text style so frames read the same in logs and JUnit, with two
//! lines of source either side of the line, as Vitest shows.

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};

/// Renders `message` at 1-based `line`:`column` of `source`, labelled with `name`.
pub fn code_frame(name: &str, source: &str, line: usize, column: usize, message: &str) -> Option<String> {
    let start = byte_offset(source, line, column)?;
    let end = source[start..].char_indices().nth(1).map_or(source.len(), |(i, _)| start + i).max(start);
    let file = SimpleFile::new(name, source);
    let diagnostic = Diagnostic::error().with_message(message).with_labels(vec![Label::primary((), start..end)]);
    let config = Config { before_label_lines: 2, after_label_lines: 2, ..Config::default() };
    term::emit_into_string(&config, &file, &diagnostic).ok()
}

/// The byte offset of a 1-based line and (character) column, clamped to the line's end.
fn byte_offset(source: &str, line: usize, column: usize) -> Option<usize> {
    let mut offset = 0;
    for (index, text) in source.split_inclusive('\n').enumerate() {
        if index + 1 == line {
            let within =
                text.char_indices().nth(column.saturating_sub(1)).map_or(text.trim_end_matches('\n').len(), |(i, _)| i);
            return Some(offset + within);
        }
        offset += text.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_points_at_the_column() {
        let src = "a();\nexpect(x).toBe(1);\nz();\n";
        let frame = code_frame("t.test.js", src, 2, 11, "boom").unwrap();
        assert!(frame.contains("t.test.js:2:11"), "{frame}");
        assert!(frame.contains("expect(x).toBe(1);"), "{frame}");
        assert!(frame.contains('^'), "{frame}");
    }

    #[test]
    fn out_of_range_line_gives_none() {
        assert!(code_frame("t.js", "x\n", 9, 1, "m").is_none());
    }
}
