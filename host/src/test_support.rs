//! Helpers shared by unit tests across stages (compiled only for tests).

use std::path::PathBuf;

/// A temp project holding `files` (path, text), and its canonical root (the resolver returns
/// real paths, so tests compare against this one).
pub(crate) fn project(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().canonicalize().expect("canonical temp dir");
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    (dir, root)
}
