//! Formats one failure for people: message, expected/actual diff, the stack in the order the
//! runtime gave it (runtime and controller internals dropped), and a code frame at the first
//! frame in the project's own code (the line that threw, unless it is inside a dependency).

use super::Paint;
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

/// The frame to show source for: the first one in the project's own code. A frame inside
/// `node_modules` is a dependency's line, which the reader did not write and cannot fix there;
/// when every frame is one, the first frame still beats no code frame at all.
pub(crate) fn project_frame(frames: &[Frame]) -> Option<&Frame> {
    let in_dependency = |frame: &&Frame| frame.path.split('/').any(|part| part == "node_modules");
    frames.iter().find(|frame| !in_dependency(frame)).or(frames.first())
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
    let in_test_file = frames.iter().position(|frame| frame.path == test.file);
    match in_test_file.map(|at| frames[at].clone()).or_else(|| frames.into_iter().next()) {
        Some(frame) => Some((frame.path, frame.line, frame.column)),
        None => test.location.map(|at| (test.file.clone(), at.line, at.column)),
    }
}

/// A line diff of expected against actual, `-` expected and `+` received (green and red when
/// `paint` is on, as in Vitest).
pub(crate) fn diff(expected: &str, actual: &str, paint: Paint) -> Option<String> {
    if expected == actual || (!expected.contains('\n') && !actual.contains('\n')) {
        return None;
    }
    let mut out = format!("{}\n{}\n\n", paint.expected("- Expected"), paint.received("+ Received"));
    for change in TextDiff::from_lines(expected, actual).iter_all_changes() {
        let text = change.value().trim_end_matches('\n');
        let line = match change.tag() {
            ChangeTag::Delete => paint.expected(format!("- {text}")),
            ChangeTag::Insert => paint.received(format!("+ {text}")),
            ChangeTag::Equal => paint.dim(format!("  {text}")),
        };
        out.push_str(&line);
        out.push('\n');
    }
    Some(out)
}

/// Renders a whole failure, indented by `indent`.
pub(crate) fn render(error: &ErrorInfo, root: &Path, indent: &str, paint: Paint) -> String {
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
    push_block(&paint.fail(headline));
    if let (Some(expected), Some(actual)) = (&error.expected, &error.actual) {
        if let Some(diff) = diff(expected, actual, paint) {
            push_block(&diff);
        }
    }
    let frames = error.stack.as_deref().map(|s| user_frames(s, root)).unwrap_or_default();
    if let Some(shown) = project_frame(&frames) {
        let lines: Vec<String> = frames
            .iter()
            .take(8)
            .map(|f| match &f.function {
                Some(function) => paint.dim(format!("at {function} ({}:{}:{})", f.path, f.line, f.column)),
                None => paint.dim(format!("at {}:{}:{}", f.path, f.line, f.column)),
            })
            .collect();
        push_block(&lines.join("\n"));
        if let Some(frame) = source_frame(shown, root) {
            // The caret line is red; the rest (source and gutter) as it is.
            let body: Vec<String> =
                frame.lines().map(|l| if l.trim_end().ends_with('^') { paint.fail(l) } else { l.to_owned() }).collect();
            push_block(&body.join("\n"));
        }
    }
    out
}

/// The code frame at `frame`, read from the project's source, without codespan's `error:`
/// headline (the failure's own headline already says it).
fn source_frame(frame: &Frame, root: &Path) -> Option<String> {
    let source = std::fs::read_to_string(root.join(&frame.path)).ok()?;
    let text = code_frame(&frame.path, &source, frame.line, frame.column, "")?;
    let body: Vec<&str> = text.lines().skip_while(|l| l.starts_with("error")).collect();
    Some(body.join("\n").trim_end().to_owned())
}

/// The code frame a failure shows: at its [`project_frame`], uncoloured (the status page).
pub(crate) fn code_frame_at(frames: &[Frame], root: &Path) -> Option<String> {
    project_frame(frames).and_then(|frame| source_frame(frame, root))
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
        assert_eq!(project_frame(&frames).map(|f| f.path.as_str()), Some("src/util.js"), "the frame that threw");
    }

    #[test]
    fn the_code_frame_skips_dependencies_and_keeps_the_runtime_order() {
        let stack = "Error: x\n    at parse (file:///proj/node_modules/lib/index.js:1:2)\n    at load (file:///proj/src/load.js:5:6)\n    at file:///proj/test/a.test.js:7:3";
        let frames = user_frames(stack, Path::new("/proj"));
        let paths: Vec<&str> = frames.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["node_modules/lib/index.js", "src/load.js", "test/a.test.js"]);
        assert_eq!(project_frame(&frames).map(|f| f.path.as_str()), Some("src/load.js"));
        assert_eq!(project_frame(&frames[..1]).map(|f| f.path.as_str()), Some("node_modules/lib/index.js"));
    }

    #[test]
    fn diffs_multiline_values_only() {
        assert_eq!(diff("5", "4", Paint::new(false)), None);
        let d = diff("Object {\n  \"a\": 1,\n}", "Object {\n  \"a\": 2,\n}", Paint::new(false)).unwrap();
        assert!(d.contains("-   \"a\": 1,"), "{d}");
        assert!(d.contains("+   \"a\": 2,"), "{d}");
    }
}
