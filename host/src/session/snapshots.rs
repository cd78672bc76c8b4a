//! Snapshot files on disk: where a test file's snapshots live (Jest's and Vitest's
//! `__snapshots__/<name>.snap` beside it), reading them for the `load` command (with which test
//! files import `vitest`, whose new files are Vitest's), and writing the new text a controller
//! sends once the file's tests are done (byte for byte: the controller keeps each file's format). The matching itself happens
//! in the runtime (controller-js/src/snapshot.js), where a matcher must pass or fail on the spot.

use crate::plan::PlannedFile;
use protocol::{SnapshotSetup, SnapshotUpdate};
use serde::Serialize;
use std::path::Path;

/// What was done to a snapshot file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SnapshotAction {
    /// Written with new or updated snapshots (or with obsolete ones removed).
    Written,
    /// Deleted: `-u` removed its last snapshot.
    Deleted,
}

/// `dir/name.test.js` → `dir/__snapshots__/name.test.js.snap`, relative like the test file.
pub fn snapshot_file_of(test_file: &str) -> String {
    match test_file.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/__snapshots__/{name}.snap"),
        None => format!("__snapshots__/{test_file}.snap"),
    }
}

/// The stored snapshot texts of `test_files` (relative to `root`), for the `load` command, and
/// which of them import `vitest` (a new snapshot file of theirs is Vitest's). A file without
/// snapshots, or one that cannot be read, is left out.
pub fn read_setup<'f>(
    root: &Path,
    test_files: impl IntoIterator<Item = &'f PlannedFile>,
    update: SnapshotUpdate,
) -> SnapshotSetup {
    let mut setup = SnapshotSetup { update, ..SnapshotSetup::default() };
    for file in test_files {
        if imports_vitest(file) {
            setup.vitest.insert(file.path.clone());
        }
        if let Ok(text) = std::fs::read_to_string(root.join(snapshot_file_of(&file.path))) {
            setup.files.insert(file.path.clone(), text);
        }
    }
    setup
}

/// Whether a test file is written for Vitest: it imports `vitest` (or one of its modules).
fn imports_vitest(file: &PlannedFile) -> bool {
    file.vitest_project
        || file.imports.iter().any(|site| site.specifier == "vitest" || site.specifier.starts_with("vitest/"))
}

/// Writes (or, for an empty text, deletes) the snapshot file at `snapshot_file` (relative to
/// `root`, see [`snapshot_file_of`]). Returns what was done, or `None` when the file already
/// had that text.
pub fn apply(root: &Path, snapshot_file: &str, content: &str) -> std::io::Result<Option<SnapshotAction>> {
    let path = root.join(snapshot_file);
    if content.is_empty() {
        return match std::fs::remove_file(&path) {
            Ok(()) => {
                // The folder goes too when nothing else is in it; failing that is harmless.
                if let Some(dir) = path.parent() {
                    let _ = std::fs::remove_dir(dir);
                }
                Ok(Some(SnapshotAction::Deleted))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        };
    }
    if std::fs::read_to_string(&path).is_ok_and(|old| old == content) {
        return Ok(None);
    }
    let dir = path.parent().unwrap_or(root);
    std::fs::create_dir_all(dir)?;
    // Written beside it and renamed over it, so an interrupted write leaves the old file whole.
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut temp, content.as_bytes())?;
    temp.persist(&path).map_err(|error| error.error)?;
    Ok(Some(SnapshotAction::Written))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_files_sit_in_a_snapshots_folder_beside_their_test() {
        assert_eq!(snapshot_file_of("test/math.test.js"), "test/__snapshots__/math.test.js.snap");
        assert_eq!(snapshot_file_of("top.test.mjs"), "__snapshots__/top.test.mjs.snap");
    }

    fn planned(path: &str, imports: &[&str]) -> PlannedFile {
        let site = |specifier: &&str| crate::plan::ImportSite {
            specifier: specifier.to_string(),
            kind: crate::resolve::ImportKind::Import,
            line: 1,
            column: 1,
        };
        PlannedFile {
            path: path.into(),
            abs: path.into(),
            syntax_error: None,
            selected: true,
            nodes: Vec::new(),
            imports: imports.iter().map(site).collect(),
            subjects: Vec::new(),
            environment: None,
            vitest_project: false,
        }
    }

    #[test]
    fn read_write_and_delete_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("test")).unwrap();
        let (a, b) = (planned("test/a.test.js", &["vitest", "./x.js"]), planned("test/b.test.js", &["proctor"]));
        let empty = read_setup(root, [&a], SnapshotUpdate::New);
        assert!(empty.files.is_empty());
        assert_eq!(empty.vitest.iter().collect::<Vec<_>>(), ["test/a.test.js"], "a.test.js imports vitest");

        let text = "// Jest Snapshot v1, https://goo.gl/fbAQLP\n\nexports[`a 1`] = `1`;\n";
        let snap = snapshot_file_of("test/a.test.js");
        assert_eq!(apply(root, &snap, text).unwrap(), Some(SnapshotAction::Written));
        assert!(root.join("test/__snapshots__/a.test.js.snap").is_file());
        assert_eq!(apply(root, &snap, text).unwrap(), None, "the same text is not written again");
        let setup = read_setup(root, [&a, &b], SnapshotUpdate::All);
        assert_eq!(setup.files.get("test/a.test.js").map(String::as_str), Some(text));
        assert_eq!(setup.files.len(), 1);
        assert_eq!(setup.update, SnapshotUpdate::All);

        assert_eq!(apply(root, &snap, "").unwrap(), Some(SnapshotAction::Deleted));
        assert!(!root.join("test/__snapshots__").exists(), "the empty folder goes too");
        assert_eq!(apply(root, &snap, "").unwrap(), None);
    }
}
