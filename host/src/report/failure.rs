//! Formats one failure for people: message, expected/actual diff, the stack with the frame in
//! the test file first (runtime and controller internals dropped), and a code frame there.

use crate::codeframe::code_frame;
use crate::events::TestInfo;
use protocol::ErrorInfo;
use similar::{ChangeTag, TextDiff};
use std::path::Path;

/// One stack frame pointing into a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Frame {
    /// The function, when V8 named it.
    pub function: Option<String>,
    /// The path as shown: relative to the root when inside it.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// Parses V8 stack lines (`at fn (file:///x.js:1:2)`, `at file:///x.js:1:2`), keeping only
/// frames in user files: node internals and proctor's own controller are dropped.
pub(crate) fn user_frames(stack: &str, root: &Path) -> Vec<Frame> {
    stack.lines().filter_map(|line| parse_frame(line.trim(), root)).collect()
}

fn parse_frame(line: &str, root: &Path) -> Option<Frame> {
    let rest = line.strip_prefix("at ")?;
    let (function, location) = match rest.rfind(" (") {
        Some(i) if rest.ends_with(')') => (Some(rest[..i].trim().to_string()), &rest[i + 2..rest.len() - 1]),
        _ => (None, rest),
    };
    let mut parts = location.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let file = parts.next()?;
    let path = if let Some(url) = file.strip_prefix("file://") {
        // A module imported afresh carries a query (`setup.js?proctor-setup=2`); a `?` in the
        // path itself is percent-encoded, so the first one starts the query.
        crate::paths::percent_decode(url.split_once('?').map_or(url, |(path, _)| path))
    } else if file.starts_with('/') {
        file.to_string()
    } else {
        return None;
    };
    if is_internal(&path) {
        return None;
    }
    let shown = Path::new(&path).strip_prefix(root).map(|rel| rel.to_string_lossy().replace('\\', "/")).unwrap_or(path);
    Some(Frame { function, path: shown, line, column })
}

/// proctor's controller lives in a `proctor-*/controller/` temp dir; its frames are noise.
fn is_internal(path: &str) -> bool {
    path.contains("/controller/") && path.split('/').any(|part| part.starts_with("proctor-"))
}

/// Moves the first frame in `test_file` to the front (the line a reader wants first).
pub(crate) fn test_file_first(mut frames: Vec<Frame>, test_file: &str) -> Vec<Frame> {
    if let Some(index) = frames.iter().position(|f| f.path == test_file) {
        let frame = frames.remove(index);
        frames.insert(0, frame);
    }
    frames
}

/// Where a failure points, `(path, line, column)`: the first frame of its stack in the test's
/// own file (else the first frame in the project's code), or else where the test is declared.
/// Machine reports (TAP's `at:`, GitHub's annotations) name this one place.
pub(crate) fn failure_location(
    error: Option<&ErrorInfo>,
    test: &TestInfo,
    root: &Path,
) -> Option<(String, usize, usize)> {
    let frames = error.and_then(|e| e.stack.as_deref()).map(|stack| user_frames(stack, root)).unwrap_or_default();
    match test_file_first(frames, &test.file).into_iter().next() {
        Some(frame) => Some((frame.path, frame.line, frame.column)),
        None => test.location.map(|at| (test.file.clone(), at.line, at.column)),
    }
}

/// A line diff of expected against actual, `-` expected and `+` received.
pub(crate) fn diff(expected: &str, actual: &str) -> Option<String> {
    if expected == actual || (!expected.contains('\n') && !actual.contains('\n')) {
        return None;
    }
    let mut out = String::from("- Expected\n+ Received\n\n");
    for change in TextDiff::from_lines(expected, actual).iter_all_changes() {
        let sign = match change.tag() {
            ChangeTag::Delete => '-',
            ChangeTag::Insert => '+',
            ChangeTag::Equal => ' ',
        };
        out.push(sign);
        out.push(' ');
        out.push_str(change.value().trim_end_matches('\n'));
        out.push('\n');
    }
    Some(out)
}

/// Renders a whole failure, indented by `indent`.
pub(crate) fn render(error: &ErrorInfo, test_file: &str, root: &Path, indent: &str) -> String {
    let mut out = String::new();
    let mut push_block = |text: &str| {
        for line in text.lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                out.push_str(indent);
                out.push_str(line);
                out.push('\n');
            }
        }
        out.push('\n');
    };
    let headline =
        if error.message.is_empty() { error.name.clone() } else { format!("{}: {}", error.name, error.message) };
    push_block(&headline);
    if let (Some(expected), Some(actual)) = (&error.expected, &error.actual) {
        if let Some(diff) = diff(expected, actual) {
            push_block(&diff);
        }
    }
    let frames = test_file_first(error.stack.as_deref().map(|s| user_frames(s, root)).unwrap_or_default(), test_file);
    if !frames.is_empty() {
        let lines: Vec<String> = frames
            .iter()
            .take(8)
            .map(|f| match &f.function {
                Some(function) => format!("at {function} ({}:{}:{})", f.path, f.line, f.column),
                None => format!("at {}:{}:{}", f.path, f.line, f.column),
            })
            .collect();
        push_block(&lines.join("\n"));
        let first = &frames[0];
        let absolute = root.join(&first.path);
        if let Ok(source) = std::fs::read_to_string(&absolute) {
            if let Some(frame) = code_frame(&first.path, &source, first.line, first.column, "") {
                // codespan opens with an `error:` headline; the failure above already says it.
                let body: Vec<&str> = frame.lines().skip_while(|l| l.starts_with("error")).collect();
                push_block(body.join("\n").trim_end());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const STACK: &str = "AssertionError: nope\n    at Object.toBe (file:///tmp/proctor-abc/controller/expect.js:10:5)\n    at helper (file:///proj/src/util.js:3:9)\n    at file:///proj/test/a%20b.test.js:7:3\n    at node:internal/modules/esm/module_job:123:5";

    #[test]
    fn a_frame_of_a_module_imported_afresh_names_the_file() {
        let frames = user_frames("Error: x\n    at file:///proj/test/setup.js?proctor-setup=3:4:7", Path::new("/proj"));
        assert_eq!((frames[0].path.as_str(), frames[0].line, frames[0].column), ("test/setup.js", 4, 7));
    }

    #[test]
    fn keeps_user_frames_relative_to_the_root() {
        let frames = user_frames(STACK, Path::new("/proj"));
        assert_eq!(
            frames,
            vec![
                Frame { function: Some("helper".into()), path: "src/util.js".into(), line: 3, column: 9 },
                Frame { function: None, path: "test/a b.test.js".into(), line: 7, column: 3 },
            ]
        );
        let first = test_file_first(frames, "test/a b.test.js");
        assert_eq!(first[0].path, "test/a b.test.js");
    }

    #[test]
    fn diffs_multiline_values_only() {
        assert_eq!(diff("5", "4"), None);
        let d = diff("Object {\n  \"a\": 1,\n}", "Object {\n  \"a\": 2,\n}").unwrap();
        assert!(d.contains("-   \"a\": 1,"), "{d}");
        assert!(d.contains("+   \"a\": 2,"), "{d}");
    }
}
