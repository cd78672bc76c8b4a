//! [`Worktree`]: one commit checked out with `git worktree add --detach` in the system temp dir,
//! removed (`git worktree remove --force`, then `git worktree prune`) when dropped, so every
//! exit path of a hunt (a result, an error, a signal, a panic) leaves none behind. A hunt that
//! was killed outright leaves its worktrees, and maybe its child still running in one;
//! [`sweep_stale`] stops that child ([`super::orphan`]) and removes them at the next start.

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

impl Worktree {
    /// Notes the process group of the child the hunt runs in it now, so the next hunt can stop
    /// it should this one be killed outright.
    pub(crate) fn record_child(&self, pgid: u32) {
        super::orphan::record(&self.holder, pgid);
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

/// What [`sweep_stale`] cleaned up.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Swept {
    /// Worktrees removed.
    pub worktrees: usize,
    /// Children of dead hunts stopped first (each was still running in one of them).
    pub children: usize,
}

/// Removes the worktrees of hunts that are no longer running (killed with SIGKILL, or by a
/// crash), each after stopping the child its hunt left running in it (waiting up to `wait` for
/// it to stop on SIGTERM).
pub(crate) fn sweep_stale(repo: &Path, wait: std::time::Duration) -> Swept {
    let mut swept = Swept::default();
    let Ok(list) = git_with_index(repo, &["worktree", "list", "--porcelain"], None) else { return swept };
    for path in list.lines().filter_map(|line| line.strip_prefix("worktree ")).map(PathBuf::from) {
        let Some(holder) = path.parent() else { continue };
        let Some(name) = holder.file_name().map(|n| n.to_string_lossy().into_owned()) else { continue };
        let Some(pid) = name.strip_prefix(PREFIX).and_then(|rest| rest.split('-').next()?.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !crate::serve::process_alive(pid) {
            swept.children += usize::from(super::orphan::stop(holder, wait));
            remove(repo, &path, holder);
            swept.worktrees += 1;
        }
    }
    let _ = git_with_index(repo, &["worktree", "prune"], None);
    swept
}
