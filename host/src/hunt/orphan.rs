//! The child a killed hunt leaves running. A hunt runs each child (`prepare`, then `proctor run`)
//! in a process group of its own and writes the group's id into its worktree's temp directory
//! ([`record`]). SIGKILL gives the hunt no chance to stop that child, which goes on running in a
//! worktree about to be swept; so before the next hunt removes a dead hunt's worktree, [`stop`]
//! ends the group: SIGTERM to its leader first (a run stops its runtimes and writes what it
//! recorded, as on Ctrl-C), SIGKILL to the whole group if it is not gone in time.

use std::path::Path;
use std::time::{Duration, Instant};

/// The file, in a worktree's temp directory, naming the process group of the hunt's child.
const FILE: &str = "child.pgid";

/// Notes that the child in process group `pgid` runs in the worktree held by `holder`; the hunt
/// calls it as each child starts. Best effort: a hunt that cannot write it still runs.
pub(super) fn record(holder: &Path, pgid: u32) {
    let _ = std::fs::write(holder.join(FILE), pgid.to_string());
}

/// Ends the child a dead hunt recorded in `holder`, if it is still running there; waits up to
/// `wait` after SIGTERM before SIGKILL, then for the group to be gone. Returns true when there
/// was one to end.
pub(super) fn stop(holder: &Path, wait: Duration) -> bool {
    let recorded = std::fs::read_to_string(holder.join(FILE)).ok().and_then(|s| s.trim().parse::<u32>().ok());
    // Never group 0 (the kernel's) or 1 (init's), whatever the file says.
    let Some(pgid) = recorded.filter(|&pgid| pgid > 1) else { return false };
    // A group id is a pid, which the system reuses once the group is gone: a group is the
    // hunt's child only while one of its processes still works inside this worktree.
    let holder = holder.canonicalize().unwrap_or_else(|_| holder.to_path_buf());
    let members = live_members(pgid);
    if !members.iter().any(|&pid| cwd_is_under(pid, &holder)) {
        return false;
    }
    let Ok(group) = libc::pid_t::try_from(pgid) else { return false };
    // The leader (the run) stops its own runtimes; without it, the group is told.
    let target = if members.contains(&pgid) { group } else { -group };
    // SAFETY: kill(2) has no memory-safety preconditions; the group was checked to be the
    // dead hunt's child above.
    unsafe { libc::kill(target, libc::SIGTERM) };
    if !gone_within(pgid, wait) {
        // SAFETY: as above.
        unsafe { libc::kill(-group, libc::SIGKILL) };
        gone_within(pgid, Duration::from_secs(5));
    }
    true
}

/// Polls until no live process is left in group `pgid`, for at most `wait`; true if none is.
fn gone_within(pgid: u32, wait: Duration) -> bool {
    let deadline = Instant::now() + wait;
    loop {
        if live_members(pgid).is_empty() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// The processes of group `pgid` that have not exited (zombies, whose parent has not reaped
/// them yet, have).
fn live_members(pgid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|entry| {
            let pid = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // `pid (comm) state ppid pgrp …`: comm may hold spaces and parentheses, so read
            // after its last `)`.
            let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
            let state = fields.next()?;
            let group = fields.nth(1)?.parse::<u32>().ok()?;
            (group == pgid && state != "Z" && state != "X").then_some(pid)
        })
        .collect()
}

/// True when process `pid` works in `dir` or below it.
fn cwd_is_under(pid: u32, dir: &Path) -> bool {
    std::fs::read_link(format!("/proc/{pid}/cwd")).is_ok_and(|cwd| cwd.starts_with(dir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    use std::process::Command;

    /// A shell in a group of its own, working in `dir`, running `script`.
    fn spawn_group(dir: &Path, script: &str) -> std::process::Child {
        Command::new("sh").arg("-c").arg(script).current_dir(dir).process_group(0).spawn().unwrap()
    }

    #[test]
    fn a_recorded_group_working_in_the_worktree_is_stopped_term_first_then_kill() {
        let holder = tempfile::tempdir().unwrap();
        let tree = holder.path().join("tree");
        std::fs::create_dir(&tree).unwrap();
        assert!(!stop(holder.path(), Duration::ZERO), "nothing recorded");

        // Stops on SIGTERM.
        let mut child = spawn_group(&tree, "exec sleep 60");
        record(holder.path(), child.id());
        assert!(stop(holder.path(), Duration::from_secs(10)));
        assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGTERM));

        // Ignores SIGTERM, and leaves a grandchild behind in the group: SIGKILL for all.
        let mut child = spawn_group(&tree, "trap '' TERM; sleep 60 & wait");
        let pgid = child.id();
        record(holder.path(), pgid);
        std::thread::sleep(Duration::from_millis(200));
        assert!(live_members(pgid).len() >= 2, "the shell and its sleep");
        assert!(stop(holder.path(), Duration::from_millis(300)));
        assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGKILL));
        assert!(live_members(pgid).is_empty(), "the whole group is gone");
        assert!(!stop(holder.path(), Duration::ZERO), "nothing left to stop");
    }

    #[test]
    fn a_group_working_elsewhere_is_not_the_hunt_s_and_is_left_alone() {
        let holder = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let mut child = spawn_group(elsewhere.path(), "exec sleep 60");
        record(holder.path(), child.id());
        assert!(!stop(holder.path(), Duration::ZERO), "a reused group id");
        assert!(child.try_wait().unwrap().is_none(), "still running");
        child.kill().unwrap();
        child.wait().unwrap();
    }
}
