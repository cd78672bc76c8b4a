//! What the plan's caches compare a file by to tell whether it changed since it was read.

use std::path::Path;
use std::time::SystemTime;

/// A file's modification time and length. The length is there because the kernel's clock ticks
/// coarsely: two saves within one tick share a time, but an edit seldom keeps the length too.
pub type Stamp = (SystemTime, u64);

/// `path`'s stamp, or `None` when it cannot be read (a missing file is never fresh). Take it
/// *before* reading the file, so a save that lands while it is read makes the entry stale.
pub fn stamp(path: &Path) -> Option<Stamp> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_save_within_the_same_clock_tick_still_changes_the_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mid.ts");
        std::fs::write(&path, "export * from './leaf.js';").unwrap();
        let before = stamp(&path).unwrap();
        std::fs::write(&path, "export * from './leaf.js';\nexport * from './other';").unwrap();
        // As if both saves landed in one tick of the kernel's clock.
        std::fs::File::options().write(true).open(&path).unwrap().set_modified(before.0).unwrap();
        let after = stamp(&path).unwrap();
        assert_eq!(after.0, before.0);
        assert_ne!(after, before);
        assert_eq!(stamp(&dir.path().join("missing.js")), None);
    }
}
