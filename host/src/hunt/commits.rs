//! Which commits a hunt tests: [`resolve_commits`] turns `--commits` (a range `A..B`, one
//! commit, or a comma list of either) into shas, oldest first; [`Follow`] watches a branch and
//! yields each commit that appears on it, woken by its poll interval or at once by a git hook's
//! POST to the project's `proctor serve` ([`hook_listener`]).

use crate::git::{git_with_index, GitError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// Runs a git command in `repo`.
pub(crate) fn git(repo: &Path, args: &[&str]) -> Result<String, GitError> {
    git_with_index(repo, args, None)
}

/// The commit `reference` names, or [`GitError::UnknownRef`].
pub(crate) fn commit_of(repo: &Path, reference: &str) -> Result<String, GitError> {
    let spec = format!("{reference}^{{commit}}");
    git(repo, &["rev-parse", "--verify", "--quiet", &spec])
        .map(|sha| sha.trim().to_owned())
        .map_err(|_| GitError::UnknownRef { reference: reference.to_owned() })
}

/// The commits `spec` names, oldest first within each range, each once.
pub(crate) fn resolve_commits(repo: &Path, spec: &str) -> Result<Vec<String>, GitError> {
    let mut commits: Vec<String> = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let found = if let Some((from, to)) = part.split_once("..") {
            // Both ends checked first, so a typo is named rather than git's usage text shown.
            for end in [from, to].into_iter().filter(|e| !e.is_empty() && !e.starts_with('.')) {
                commit_of(repo, end)?;
            }
            git(repo, &["rev-list", "--reverse", part, "--"])?.lines().map(str::to_owned).collect()
        } else {
            vec![commit_of(repo, part)?]
        };
        for sha in found {
            if !commits.contains(&sha) {
                commits.push(sha);
            }
        }
    }
    Ok(commits)
}

/// A commit's tree and subject line.
pub(crate) fn tree_and_subject(repo: &Path, sha: &str) -> (Option<String>, String) {
    let shown = git(repo, &["log", "-1", "--format=%T%x00%s", sha]).unwrap_or_default();
    let (tree, subject) = shown.trim_end().split_once('\0').unwrap_or(("", ""));
    (Some(tree.to_owned()).filter(|t| !t.is_empty()), subject.to_owned())
}

/// `--follow BRANCH`: the branch's new commits as they appear.
pub(crate) struct Follow {
    repo: PathBuf,
    branch: String,
    fetch: bool,
    poll: Duration,
    last: Option<String>,
    wake: UnboundedReceiver<()>,
}

impl Follow {
    /// Watches `branch`; commits up to and including `last` are taken as tested. A hook
    /// listener is started for the project's `proctor serve` at `root`.
    pub(crate) fn new(repo: &Path, root: &Path, branch: &str, fetch: bool, poll: Duration) -> Follow {
        let (tx, wake) = unbounded_channel();
        hook_listener(root.to_path_buf(), tx);
        Follow { repo: repo.to_path_buf(), branch: branch.to_owned(), fetch, poll, last: None, wake }
    }

    /// Marks `sha` as the last commit tested.
    pub(crate) fn tested(&mut self, sha: &str) {
        self.last = Some(sha.to_owned());
    }

    /// The branch's tip now (after a fetch with `--fetch`).
    pub(crate) fn tip(&self) -> Result<String, GitError> {
        if self.fetch {
            // A failed fetch (offline) is not fatal: the local ref is still there to read.
            if let Err(error) = git(&self.repo, &["fetch", "--quiet", "--all"]) {
                errln!("proctor: warning: hunt: {error}");
            }
        }
        commit_of(&self.repo, &self.branch)
    }

    /// Waits for the next poll, or for a hook, then gives the commits that appeared since the
    /// last one tested, oldest first (none when the tip has not moved).
    pub(crate) async fn next(&mut self) -> Result<Vec<String>, GitError> {
        tokio::select! {
            _ = tokio::time::sleep(self.poll) => {}
            _ = self.wake.recv() => {}
        }
        let tip = self.tip()?;
        Ok(match &self.last {
            Some(last) if *last == tip => Vec::new(),
            // Every commit since the last one tested; after a force push, those not under it.
            Some(last) => git(&self.repo, &["rev-list", "--reverse", &format!("{last}..{tip}"), "--"])?
                .lines()
                .map(str::to_owned)
                .collect(),
            None => vec![tip],
        })
    }
}

/// How long one wait on serve's `/hooks/commit/wait` may last before it is asked again.
const HOOK_WAIT: Duration = Duration::from_secs(25);

/// The project's live `proctor serve`, found through `.proctor/server.json` as `proctor status`
/// finds it: its address and token.
fn served(root: &Path) -> Option<(String, String)> {
    let crate::serve::Recorded::Live(record) = crate::serve::read_record(root) else { return None };
    let host = if record.bind == "0.0.0.0" || record.bind == "::" { "127.0.0.1" } else { record.bind.as_str() };
    Some((crate::serve::host_port(host, record.port), record.token))
}

/// A thread that long-polls the project's live `proctor serve` for hook POSTs and wakes the
/// hunt for each; it looks for a server again every second while there is none. The count of
/// POSTs so far is asked before it returns, so a hook that comes after is never taken for one
/// from before.
fn hook_listener(root: PathBuf, wake: UnboundedSender<()>) {
    let mut seen: Option<u64> =
        served(&root).and_then(|(authority, token)| hook_count(&authority, "/hooks/commit/wait", &token));
    let listen = move || {
        while !wake.is_closed() {
            let Some((authority, token)) = served(&root) else {
                seen = None;
                std::thread::sleep(Duration::from_secs(1));
                continue;
            };
            let path = match seen {
                Some(count) => format!("/hooks/commit/wait?after={count}"),
                None => "/hooks/commit/wait".to_owned(),
            };
            match hook_count(&authority, &path, &token) {
                Some(count) => {
                    if seen.is_some_and(|seen| count > seen) {
                        let _ = wake.send(());
                    }
                    seen = Some(count);
                }
                None => std::thread::sleep(Duration::from_secs(1)),
            }
        }
    };
    let _ = std::thread::Builder::new().name("proctor-hunt-hook".into()).spawn(listen);
}

/// One GET of serve's hook counter; `None` when the server cannot be asked.
fn hook_count(authority: &str, path: &str, token: &str) -> Option<u64> {
    let addr = std::net::ToSocketAddrs::to_socket_addrs(authority).ok()?.next()?;
    let mut stream = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(HOOK_WAIT + Duration::from_secs(5))).ok()?;
    // The token goes in a header, out of URLs and logs.
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let (head, body) = answer.split_once("\r\n\r\n")?;
    if head.split_whitespace().nth(1) != Some("200") {
        return None;
    }
    // `{"commits": N}`: how many hook POSTs the server has had.
    serde_json::from_str::<serde_json::Value>(body.trim()).ok()?.get("commits")?.as_u64()
}
