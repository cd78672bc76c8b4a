//! Text made safe for XML 1.0, for the JUnit report. Tests print and throw anything: control
//! characters, U+FFFE/U+FFFF and terminal colours. [`clean`] strips the colours (escape
//! sequences, as quick-junit did) and writes every other character XML 1.0 cannot hold as a
//! visible `\u{…}`, counting them so the report can say so; [`escape`] then writes the markup
//! characters as entities.

use std::borrow::Cow;
use std::io::Write;

/// True for the characters XML 1.0 allows in a document (its `Char` production; a Rust `char`
/// is never a surrogate, so lone surrogates never get this far).
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Text with terminal escape sequences removed and the characters XML 1.0 cannot hold written
/// as `\u{…}`, and how many of those there were.
pub(crate) fn clean(text: &str) -> (Cow<'_, str>, usize) {
    if text.chars().all(|c| allowed(c) && c != '\u{1b}') {
        return (Cow::Borrowed(text), 0);
    }
    let mut out = String::with_capacity(text.len());
    let mut replaced = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && skip_escape_sequence(&mut chars) {
            continue;
        }
        if allowed(c) {
            out.push(c);
        } else {
            replaced += 1;
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    (Cow::Owned(out), replaced)
}

/// After an ESC: consumes a CSI (`ESC [ … final`) or OSC (`ESC ] … BEL` or `ESC ] … ESC \`)
/// sequence and returns true; anything else is left alone (and the ESC is replaced).
fn skip_escape_sequence(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> bool {
    match chars.peek() {
        Some('[') => {
            chars.next();
            for c in chars.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    break;
                }
            }
            true
        }
        Some(']') => {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                    break;
                }
            }
            true
        }
        _ => false,
    }
}

/// Writes cleaned text with `& < > " '` as entities; carriage returns (and in attribute values
/// also newlines and tabs) as character references, so parsers keep them as they were.
pub(crate) fn escape(out: &mut impl Write, text: &str, attribute: bool) -> std::io::Result<()> {
    let mut last = 0;
    for (at, c) in text.char_indices() {
        let entity = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&apos;",
            '\r' => "&#13;",
            '\n' if attribute => "&#10;",
            '\t' if attribute => "&#9;",
            _ => continue,
        };
        out.write_all(&text.as_bytes()[last..at])?;
        out.write_all(entity.as_bytes())?;
        last = at + c.len_utf8();
    }
    out.write_all(&text.as_bytes()[last..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_what_xml_cannot_hold_and_counts_it() {
        let (text, replaced) = clean("a\u{1}b\u{fffe}c\u{ffff}d\te\u{0}");
        assert_eq!(text, "a\\u{1}b\\u{fffe}c\\u{ffff}d\te\\u{0}");
        assert_eq!(replaced, 4);
        assert!(matches!(clean("plain ✓ text\n"), (Cow::Borrowed(_), 0)));
    }

    #[test]
    fn strips_colours_and_titles_but_not_a_bare_escape() {
        assert_eq!(clean("\u{1b}[31mred\u{1b}[0m").0, "red");
        assert_eq!(clean("\u{1b}]0;title\u{7}after").0, "after");
        assert_eq!(clean("\u{1b}]8;;link\u{1b}\\text").0, "text");
        assert_eq!(clean("lone \u{1b}x"), (Cow::Owned("lone \\u{1b}x".to_string()), 1));
    }

    #[test]
    fn escapes_markup_and_keeps_line_ends_in_attributes() {
        let mut out = Vec::new();
        escape(&mut out, "a<b>&\"c'\r\n\t", true).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a&lt;b&gt;&amp;&quot;c&apos;&#13;&#10;&#9;");
        let mut out = Vec::new();
        escape(&mut out, "x\ny\r", false).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "x\ny&#13;");
    }
}
