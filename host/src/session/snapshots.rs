//! Snapshot files on disk: where a test file's snapshots live (Jest's
//! `__snapshots__/<name>.snap` beside it), reading them for the `load` command, and writing
//! the new text a controller sends once the file's tests are done. The matching itself happens
//! in the runtime (controller-js/src/snapshot.js), where a matcher must pass or fail on the spot.

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

/// The stored snapshot texts of `test_files` (relative to `root`), for the `load` command. A
/// file without snapshots, or one that cannot be read, is left out.
pub fn read_setup<'f>(
    root: &Path,
    test_files: impl IntoIterator<Item = &'f str>,
    update: SnapshotUpdate,
) -> SnapshotSetup {
    let files = test_files
        .into_iter()
        .filter_map(|file| {
            let text = std::fs::read_to_string(root.join(snapshot_file_of(file))).ok()?;
            Some((file.to_owned(), text))
        })
        .collect();
    SnapshotSetup { update, files }
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

    #[test]
    fn read_write_and_delete_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("test")).unwrap();
        let empty = read_setup(root, ["test/a.test.js"], SnapshotUpdate::New);
        assert!(empty.files.is_empty());

        let text = "// Jest Snapshot v1, https://goo.gl/fbAQLP\n\nexports[`a 1`] = `1`;\n";
        let snap = snapshot_file_of("test/a.test.js");
        assert_eq!(apply(root, &snap, text).unwrap(), Some(SnapshotAction::Written));
        assert!(root.join("test/__snapshots__/a.test.js.snap").is_file());
        assert_eq!(apply(root, &snap, text).unwrap(), None, "the same text is not written again");
        let setup = read_setup(root, ["test/a.test.js", "test/b.test.js"], SnapshotUpdate::All);
        assert_eq!(setup.files.get("test/a.test.js").map(String::as_str), Some(text));
        assert_eq!(setup.files.len(), 1);
        assert_eq!(setup.update, SnapshotUpdate::All);

        assert_eq!(apply(root, &snap, "").unwrap(), Some(SnapshotAction::Deleted));
        assert!(!root.join("test/__snapshots__").exists(), "the empty folder goes too");
        assert_eq!(apply(root, &snap, "").unwrap(), None);
    }
}
