//! Writing inline snapshots into the source: [`write_inline`] takes what a controller sent in
//! `snapshot-file` (each snapshot with the stack of its matcher call, already mapped to original
//! files), finds the `toMatchInlineSnapshot(...)` or `toThrowErrorMatchingInlineSnapshot(...)`
//! call each stack leads to with swc, and replaces or adds its snapshot argument. Everything
//! else in the file stays byte for byte; a multi-line snapshot is indented one level below the
//! line of the call, as Jest and Vitest write it, so a second run reads back the same value.

use crate::report::user_frames;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use swc_core::common::{sync::Lrc, FileName, SourceMap, Spanned};
use swc_core::ecma::ast::{CallExpr, Callee, EsVersion, Expr, MemberProp};
use swc_core::ecma::parser::parse_file_as_program;
use swc_core::ecma::visit::{Visit, VisitWith};

/// The inline matchers, and whether their snapshot may follow a property-matchers argument.
const MATCHERS: &[(&str, bool)] = &[("toMatchInlineSnapshot", true), ("toThrowErrorMatchingInlineSnapshot", false)];

/// Why an inline snapshot could not be written.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum InlineSnapshotError {
    /// No frame of the stack is an inline snapshot call in a project file.
    #[error("failed to find the inline snapshot call in the source (stack: {stack}) (hint: call the matcher directly in a file under the project root)")]
    NotFound {
        /// The mapped stack.
        stack: String,
    },
    /// One call was given two different snapshots (a loop, a helper called twice).
    #[error("failed to write the inline snapshot at {file}:{line}:{column}: the call ran more than once with different values (hint: use toMatchSnapshot() there)")]
    Ambiguous {
        /// The file, relative to the root.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// The source could not be written.
    #[error("failed to write inline snapshots into {file}: {message}")]
    Write {
        /// The file.
        file: String,
        /// The I/O error.
        message: String,
    },
}

/// One matcher call found in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Call {
    /// 1-based line and column of the matcher's name (where V8's frame points).
    line: usize,
    column: usize,
    /// The byte range to replace, and whether the text goes in as a new argument (`, ` first
    /// when other arguments precede it).
    range: (usize, usize),
    prefix: &'static str,
}

/// Per file: each call's byte range → the call and its new argument text.
type Edits = BTreeMap<String, BTreeMap<(usize, usize), (Call, String)>>;

/// A parsed source file and its inline snapshot calls.
struct Source {
    text: String,
    calls: Vec<Call>,
}

/// Writes each `(mapped stack, snapshot)` into the file its stack leads to. Returns the files
/// written (relative to `root`) and the snapshots that could not be placed.
pub fn write_inline(root: &Path, snapshots: &[(String, String)]) -> (Vec<String>, Vec<InlineSnapshotError>) {
    let mut sources: BTreeMap<String, Option<Source>> = BTreeMap::new();
    let mut edits = Edits::new();
    let mut errors = Vec::new();
    for (stack, snapshot) in snapshots {
        let found = user_frames(stack, root).into_iter().find_map(|frame| {
            if frame.path.starts_with('/') || frame.path.split('/').any(|part| part == "node_modules") {
                return None;
            }
            let source = sources.entry(frame.path.clone()).or_insert_with(|| read_source(&root.join(&frame.path)));
            let call = find_call(&source.as_ref()?.calls, frame.line, frame.column)?;
            let text = &source.as_ref()?.text;
            Some((frame.path, call.clone(), snapshot_argument(snapshot, line_indent(text, call.line))))
        });
        let Some((file, call, argument)) = found else {
            errors.push(InlineSnapshotError::NotFound { stack: stack.trim().to_owned() });
            continue;
        };
        let planned = edits.entry(file.clone()).or_default();
        match planned.get(&call.range) {
            Some((_, earlier)) if *earlier != argument => {
                errors.push(InlineSnapshotError::Ambiguous { file, line: call.line, column: call.column });
            }
            Some(_) => {}
            None => {
                planned.insert(call.range, (call, argument));
            }
        }
    }
    let mut written = Vec::new();
    for (file, planned) in edits {
        let Some(Some(source)) = sources.get(&file) else { continue };
        let mut text = source.text.clone();
        // From the end, so earlier ranges stay valid.
        for ((start, end), (call, argument)) in planned.iter().rev() {
            text.replace_range(*start..*end, &format!("{}{argument}", call.prefix));
        }
        if text == source.text {
            continue;
        }
        match write_atomically(&root.join(&file), &text) {
            Ok(()) => written.push(file),
            Err(error) => errors.push(InlineSnapshotError::Write { file, message: error.to_string() }),
        }
    }
    (written, errors)
}

fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    let mut temp = tempfile::NamedTempFile::new_in(&dir)?;
    std::io::Write::write_all(&mut temp, text.as_bytes())?;
    // The test file keeps its permissions.
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(temp.path(), meta.permissions());
    }
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// The call V8's frame at `line`:`column` points into: the one whose matcher name starts
/// there, else the only one on that line, else the last one on the line starting before it.
fn find_call(calls: &[Call], line: usize, column: usize) -> Option<&Call> {
    if let Some(exact) = calls.iter().find(|call| call.line == line && call.column == column) {
        return Some(exact);
    }
    let on_line: Vec<&Call> = calls.iter().filter(|call| call.line == line).collect();
    match on_line.as_slice() {
        [only] => Some(only),
        _ => on_line.into_iter().filter(|call| call.column <= column).max_by_key(|call| call.column),
    }
}

/// The leading whitespace of 1-based `line` of `text`.
fn line_indent(text: &str, line: usize) -> &str {
    let line = text.split('\n').nth(line.saturating_sub(1)).unwrap_or_default();
    &line[..line.len() - line.trim_start().len()]
}

/// The snapshot as a template literal: one line as it is; several lines each on its own, one
/// level deeper than the call's line, the closing backtick at the call's indentation (Jest's and
/// Vitest's layout, which the controller's reading strips again).
fn snapshot_argument(snapshot: &str, indent: &str) -> String {
    let escaped = escape_template(snapshot);
    if !escaped.contains('\n') {
        return format!("`{escaped}`");
    }
    let inner = if indent.contains('\t') { format!("{indent}\t") } else { format!("{indent}  ") };
    let lines: Vec<String> = escaped
        .split('\n')
        .map(|line| if line.is_empty() { String::new() } else { format!("{inner}{line}") })
        .collect();
    format!("`\n{}\n{indent}`", lines.join("\n"))
}

fn escape_template(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            _ => out.push(c),
        }
    }
    out
}

/// Reads and parses `path`; None when it cannot be read or parsed.
fn read_source(path: &Path) -> Option<Source> {
    let text = std::fs::read_to_string(path).ok()?;
    let calls = inline_calls(&path.to_string_lossy(), &text)?;
    Some(Source { text, calls })
}

/// Every inline snapshot call of `text` (named `name`, whose extension picks the syntax).
fn inline_calls(name: &str, text: &str) -> Option<Vec<Call>> {
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Custom(name.to_owned())), text.to_owned());
    let language = crate::transform::Language::of(Path::new(name), true);
    let syntax = crate::transform::syntax(language.unwrap_or(crate::transform::Language::Jsx));
    let program = parse_file_as_program(&fm, syntax, EsVersion::latest(), None, &mut Vec::new()).ok()?;
    let mut finder = CallFinder { cm: &cm, text, base: fm.start_pos.0 as usize, calls: Vec::new() };
    program.visit_with(&mut finder);
    Some(finder.calls)
}

struct CallFinder<'a> {
    cm: &'a SourceMap,
    text: &'a str,
    base: usize,
    calls: Vec<Call>,
}

impl CallFinder<'_> {
    fn offset(&self, pos: swc_core::common::BytePos) -> usize {
        (pos.0 as usize).saturating_sub(self.base)
    }

    fn record(&mut self, call: &CallExpr) -> Option<()> {
        let Callee::Expr(callee) = &call.callee else { return None };
        let Expr::Member(member) = &**callee else { return None };
        let MemberProp::Ident(name) = &member.prop else { return None };
        let &(_, takes_properties) = MATCHERS.iter().find(|(matcher, _)| name.sym == *matcher)?;
        let loc = self.cm.lookup_char_pos(name.span.lo);
        // The snapshot argument: the first, or the second after property matchers.
        let index = match call.args.first().map(|arg| &*arg.expr) {
            Some(Expr::Lit(_) | Expr::Tpl(_)) | None => 0,
            Some(_) if takes_properties => 1,
            Some(_) => 0,
        };
        let (range, prefix) = match call.args.get(index) {
            Some(arg) => ((self.offset(arg.expr.span().lo), self.offset(arg.expr.span().hi)), ""),
            None => match call.args.last() {
                Some(last) => {
                    let at = self.offset(last.expr.span().hi);
                    ((at, at), ", ")
                }
                None => {
                    // Just inside the closing parenthesis of the call.
                    let end = self.offset(call.span.hi);
                    let close = self.text[..end].rfind(')')?;
                    ((close, close), "")
                }
            },
        };
        self.calls.push(Call { line: loc.line, column: loc.col_display + 1, range, prefix });
        Some(())
    }
}

impl Visit for CallFinder<'_> {
    fn visit_call_expr(&mut self, call: &CallExpr) {
        self.record(call);
        call.visit_children_with(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use indoc::indoc;

    fn project(file: &str, text: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        dir
    }

    fn frame(dir: &tempfile::TempDir, file: &str, line: usize, column: usize) -> String {
        format!("    at Object.fn ({}:{line}:{column})\n    at node:internal/x:1:1", dir.path().join(file).display())
    }

    #[test]
    fn writes_new_and_replaces_old_snapshots_keeping_the_rest() {
        let source = indoc! {r#"
            import { it, expect } from "vitest";
            it("x", () => {
              expect({ a: 1 }).toMatchInlineSnapshot();
              expect("one").toMatchInlineSnapshot(`"old"`);
              expect({ id: 1 }).toMatchInlineSnapshot({ id: expect.any(Number) });
              expect(() => f()).toThrowErrorMatchingInlineSnapshot(  );
            });
        "#};
        let dir = project("test/a.test.js", source);
        let snapshots = vec![
            (frame(&dir, "test/a.test.js", 3, 20), "{\n  \"a\": `1` ${x},\n}".to_owned()),
            (frame(&dir, "test/a.test.js", 4, 17), "\"one\"".to_owned()),
            (frame(&dir, "test/a.test.js", 5, 21), "{\n  \"id\": Any<Number>,\n}".to_owned()),
            (frame(&dir, "test/a.test.js", 6, 22), "\"boom\"".to_owned()),
        ];
        let (written, errors) = write_inline(dir.path(), &snapshots);
        assert_eq!((written, errors), (vec!["test/a.test.js".to_owned()], vec![]));
        let expected = indoc! {r#"
            import { it, expect } from "vitest";
            it("x", () => {
              expect({ a: 1 }).toMatchInlineSnapshot(`
                {
                  "a": \`1\` \${x},
                }
              `);
              expect("one").toMatchInlineSnapshot(`"one"`);
              expect({ id: 1 }).toMatchInlineSnapshot({ id: expect.any(Number) }, `
                {
                  "id": Any<Number>,
                }
              `);
              expect(() => f()).toThrowErrorMatchingInlineSnapshot(  `"boom"`);
            });
        "#};
        assert_eq!(std::fs::read_to_string(dir.path().join("test/a.test.js")).unwrap(), expected);
    }

    #[test]
    fn typescript_files_a_call_ran_twice_and_a_stack_leading_nowhere() {
        let source = "const n: number = 1;\nfor (const v of [1, 2]) expect(v as number).toMatchInlineSnapshot();\n";
        let dir = project("a.test.ts", source);
        let snapshots = vec![
            (frame(&dir, "a.test.ts", 2, 46), "1".to_owned()),
            (frame(&dir, "a.test.ts", 2, 46), "2".to_owned()),
            (frame(&dir, "a.test.ts", 1, 1), "3".to_owned()),
        ];
        let (written, errors) = write_inline(dir.path(), &snapshots);
        assert_eq!(written, vec!["a.test.ts".to_owned()]);
        assert!(matches!(errors[0], InlineSnapshotError::Ambiguous { line: 2, .. }), "{errors:?}");
        assert!(matches!(errors[1], InlineSnapshotError::NotFound { .. }), "{errors:?}");
        let text = std::fs::read_to_string(dir.path().join("a.test.ts")).unwrap();
        assert!(text.contains("toMatchInlineSnapshot(`1`)"), "{text}");
    }
}
