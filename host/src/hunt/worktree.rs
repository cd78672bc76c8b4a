//! [`Worktree`]: one commit checked out with `git worktree add --detach` in the system temp dir,
//! removed (`git worktree remove --force`, then `git worktree prune`) when dropped, so every
//! exit path of a hunt (a result, an error, a signal, a panic) leaves none behind. A hunt that
//! was killed outright leaves its worktrees; [`sweep_stale`] removes them at the next start.

use crate::git::{git_with_index, GitError};
use std::path::{Path, PathBuf};

/// The name every hunt worktree's parent directory starts with, then `<pid>-`.
const PREFIX: &str = "proctor-hunt-";

/// A temporary worktree; removed when dropped.
pub(crate) struct Worktree {
    repo: PathBuf,
    /// The checked-out tree (git's worktree root).
    pub path: PathBuf,
    /// The temp directory holding it.
    holder: PathBuf,
}

impl Worktree {
    /// Checks `sha` out into a new temp dir, never touching `repo`'s working tree or index.
    pub(crate) fn add(repo: &Path, sha: &str) -> Result<Worktree, GitError> {
        let holder = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", std::process::id()))
            .tempdir()
            .map_err(|e| GitError::NotRun(format!("failed to create a temp dir: {e}")))?
            .keep();
        let path = holder.join(&sha[..sha.len().min(12)]);
        let tree = Worktree { repo: repo.to_path_buf(), path, holder };
        let target = tree.path.to_string_lossy().into_owned();
        git_with_index(repo, &["worktree", "add", "--detach", "--quiet", &target, sha], None)?;
        Ok(tree)
    }
}

impl Drop for Worktree {
    fn drop(&mut self) {
        remove(&self.repo, &self.path, &self.holder);
    }
}

fn remove(repo: &Path, path: &Path, holder: &Path) {
    let target = path.to_string_lossy();
    let _ = git_with_index(repo, &["worktree", "remove", "--force", &target], None);
    let _ = std::fs::remove_dir_all(holder);
    let _ = git_with_index(repo, &["worktree", "prune"], None);
}

/// Removes the worktrees of hunts that are no longer running (killed with SIGKILL, or by a
/// crash); returns how many.
pub(crate) fn sweep_stale(repo: &Path) -> usize {
    let Ok(list) = git_with_index(repo, &["worktree", "list", "--porcelain"], None) else { return 0 };
    let mut removed = 0;
    for path in list.lines().filter_map(|line| line.strip_prefix("worktree ")).map(PathBuf::from) {
        let Some(holder) = path.parent() else { continue };
        let Some(name) = holder.file_name().map(|n| n.to_string_lossy().into_owned()) else { continue };
        let Some(pid) = name.strip_prefix(PREFIX).and_then(|rest| rest.split('-').next()?.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !crate::serve::process_alive(pid) {
            remove(repo, &path, holder);
            removed += 1;
        }
    }
    let _ = git_with_index(repo, &["worktree", "prune"], None);
    removed
}
