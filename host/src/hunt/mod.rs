//! `proctor hunt`: run a selection N times on each commit of a range, or on each new commit of
//! a branch, each in a temporary git worktree, recording every attempt into the project's
//! history under that commit (testlooper's workflow, issue 16 point 5). Not to be confused with
//! `proctor run --hunt`, which repeats each test of one run until it flips.

mod command;
mod commits;
mod orphan;
mod tally;
mod worktree;

pub use command::{hunt, HuntArgs, HuntError};

/// Set by `proctor hunt` on the runs it starts: the history database to record into (the
/// project's own, not the temporary worktree's).
pub(crate) const HISTORY_ENV: &str = "PROCTOR_HUNT_HISTORY";
/// Set by `proctor hunt` on the runs it starts: the code key (JSON) to record the run under,
/// the commit it checked out, instead of the key of the worktree as the run leaves it.
pub(crate) const KEY_ENV: &str = "PROCTOR_HUNT_KEY";
