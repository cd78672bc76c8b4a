//! File snapshots, Vitest's `await expect(value).toMatchFileSnapshot("./out.html")`: the file
//! named (relative to the test file) holds the expected text as it is.
//!
//! The controller cannot read project files in every runtime (a browser has only what the file
//! server makes of them), so the host reads them first: [`read_file_snapshots`] finds the
//! string-literal paths a test file passes to `toMatchFileSnapshot` and sends each file's text
//! (or `None` when it does not exist yet) with `load`. The controller compares, and asks for a
//! file to be written (`file-snapshot`) when it is new or `-u` updates it; [`write_file_snapshot`]
//! writes only a path that [`read_file_snapshots`] would send, so a runtime cannot write
//! anywhere else.

use crate::plan::PlannedFile;
use std::collections::BTreeMap;
use std::path::{Component, Path};

/// The matcher whose first argument names a file snapshot.
const MATCHER: &str = "toMatchFileSnapshot(";

/// The file snapshots the given test files name, by path relative to `root` (forward
/// slashes), with their current text (`None`: not written yet).
pub fn read_file_snapshots<'f>(
    root: &Path,
    files: impl IntoIterator<Item = &'f PlannedFile>,
) -> BTreeMap<String, Option<String>> {
    let mut snapshots = BTreeMap::new();
    for file in files {
        for path in named_in(file) {
            let text = std::fs::read_to_string(root.join(&path)).ok();
            snapshots.insert(path, text);
        }
    }
    snapshots
}

/// Writes `content` to the file snapshot `path` (relative to `root`) when a test file of
/// `files` names it; anything else is refused.
pub fn write_file_snapshot<'f>(
    root: &Path,
    files: impl IntoIterator<Item = &'f PlannedFile>,
    path: &str,
    content: &str,
) -> Result<(), String> {
    if !files.into_iter().any(|file| named_in(file).iter().any(|named| named == path)) {
        return Err(format!("no test file names {path:?} in toMatchFileSnapshot()"));
    }
    let target = root.join(path);
    if std::fs::read_to_string(&target).is_ok_and(|old| old == content) {
        return Ok(());
    }
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(|error| format!("could not create {}: {error}", dir.display()))?;
    }
    std::fs::write(&target, content).map_err(|error| format!("could not write {path}: {error}"))
}

/// The root-relative paths of the file snapshots `file` names with a literal string.
fn named_in(file: &PlannedFile) -> Vec<String> {
    let Ok(source) = std::fs::read_to_string(&file.abs) else {
        return Vec::new();
    };
    let dir = Path::new(&file.path).parent().unwrap_or(Path::new(""));
    literal_arguments(&source).into_iter().filter_map(|written| under_root(dir, &written)).collect()
}

/// The string literals passed first to `toMatchFileSnapshot(` in `source` (plain quotes, or a
/// template without `${`); a computed path is not found, and the controller says so.
fn literal_arguments(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find(MATCHER) {
        rest = &rest[at + MATCHER.len()..];
        let trimmed = rest.trim_start();
        let Some(quote) = trimmed.chars().next().filter(|c| matches!(c, '"' | '\'' | '`')) else {
            continue;
        };
        let body = &trimmed[1..];
        if let Some(end) = body.find(quote) {
            let literal = &body[..end];
            if !literal.contains('\\') && !literal.contains("${") && !literal.contains('\n') {
                found.push(literal.to_string());
            }
        }
    }
    found
}

/// `written` (relative to the test file's folder `dir`, itself relative to the root) as a
/// root-relative path with forward slashes; `None` when it is absolute or leaves the root.
fn under_root(dir: &Path, written: &str) -> Option<String> {
    let joined = dir.join(written);
    let mut parts: Vec<String> = Vec::new();
    for component in joined.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?.to_string()),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    let relative = parts.join("/");
    (!relative.is_empty()).then_some(relative)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_literal_paths_relative_to_the_test_file() {
        let source = r#"
            await expect(html).toMatchFileSnapshot("./__snapshots__/page.html");
            await expect(x).toMatchFileSnapshot( '../out/x.txt' );
            await expect(y).toMatchFileSnapshot(`plain.txt`);
            await expect(z).toMatchFileSnapshot(`${dir}/computed.txt`);
            await expect(w).toMatchFileSnapshot(pathVariable);
        "#;
        assert_eq!(
            literal_arguments(source),
            ["./__snapshots__/page.html", "../out/x.txt", "plain.txt"].map(String::from)
        );
        let dir = Path::new("test/unit");
        assert_eq!(under_root(dir, "./__snapshots__/page.html").as_deref(), Some("test/unit/__snapshots__/page.html"));
        assert_eq!(under_root(dir, "../out/x.txt").as_deref(), Some("test/out/x.txt"));
        assert_eq!(under_root(dir, "../../../etc/passwd"), None);
        assert_eq!(under_root(dir, "/etc/passwd"), None);
    }
}
