//! [`hunt`]: the loop of `proctor hunt`. For each commit it checks out a temporary
//! [`Worktree`], runs the `prepare` command of `[hunt]` there, then runs the selection N times
//! with `proctor run --repeat N` in that worktree (a child process, so each commit gets a fresh
//! process with its own plan and runtimes), which records every attempt into the project's
//! history under that commit ([`HISTORY_ENV`], [`KEY_ENV`]). A signal is passed on to the child
//! (whose history writer flushes what it has), and the worktree is removed on every exit path.

use super::commits::{git, resolve_commits, tree_and_subject, Follow};
use super::tally::{print_commit, table, tally, CommitResult, Verdict};
use super::worktree::{sweep_stale, Worktree};
use super::{HISTORY_ENV, KEY_ENV};
use crate::cli::ProjectArgs;
use crate::commands::{interruption_signal, CommandError};
use crate::events::Interruption;
use crate::exit::{SUCCESS, TESTS_FAILED};
use crate::git::GitError;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::sync::watch;

/// Why a hunt could not start (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum HuntError {
    /// The project is not in a git work tree.
    #[error("{} is not inside a git repository (hint: hunt checks commits out with `git worktree`)", root.display())]
    NotARepository {
        /// The project root.
        root: PathBuf,
    },
    /// A commit of `--commits` or the `--follow` branch names no commit.
    #[error(
        "`{reference}` is not a commit git knows (hint: --commits takes A..B, a commit, or a comma-separated list)"
    )]
    UnknownCommit {
        /// The ref as given.
        reference: String,
    },
    /// Another git command failed.
    #[error("hunt: {0}")]
    Git(GitError),
    /// A run flag that the hunt sets for each commit itself.
    #[error("`{flag}` cannot be given to the runs of a hunt (hint: give it to `proctor hunt` itself, before `--`)")]
    RunFlag {
        /// The flag.
        flag: String,
    },
}

impl From<GitError> for HuntError {
    fn from(error: GitError) -> Self {
        match error {
            GitError::UnknownRef { reference } => HuntError::UnknownCommit { reference },
            other => HuntError::Git(other),
        }
    }
}

/// How long a run that was passed a signal may take to stop before it is killed.
const STOP_WAIT: Duration = Duration::from_secs(20);

/// `proctor hunt`.
#[derive(Debug, Args)]
#[command(
    after_help = "Not `proctor run --hunt`, which repeats each test of one run on the current code until it flips. \
                  `hunt` tests other commits: each is checked out into a temporary git worktree (the working \
                  tree and index are never touched), prepared with `[hunt] prepare`, and run --runs times; \
                  every attempt is recorded in the project's history under that commit.\n\n\
                  Flags of `proctor run` go after `--`: proctor hunt --commits main~3..main --runs 20 -- \
                  --focus test/cart.test.js --retries 1"
)]
pub struct HuntArgs {
    /// The commits to test: a range `A..B` (the commits of B not in A, oldest first), one
    /// commit, or a comma-separated list of either.
    #[arg(long, value_name = "COMMITS", required_unless_present = "follow")]
    pub commits: Option<String>,
    /// How many times to run the selection on each commit (each run recorded).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
    /// Then keep watching this branch and test each commit that appears on it (every commit
    /// between the last one tested and the new tip), until Ctrl-C. Alone, starts at its tip.
    #[arg(long, value_name = "BRANCH")]
    pub follow: Option<String>,
    /// How often --follow looks at the branch (a POST to `proctor serve`'s /hooks/commit wakes
    /// it at once).
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_poll)]
    pub poll: Duration,
    /// Run `git fetch --all` before each look at the --follow branch (for a remote-tracking
    /// branch such as origin/main).
    #[arg(long, requires = "follow")]
    pub fetch: bool,
    /// The project root (default: the nearest directory upwards holding proctor.toml, else the
    /// current directory).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// The config file (default: <root>/proctor.toml when it exists).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Print the summary as JSON on stdout (the runs' own output goes to stderr).
    #[arg(long)]
    pub json: bool,
    /// Flags and paths for each `proctor run` (the selection, --retries, --reporter, ...).
    #[arg(last = true, value_name = "RUN ARGS")]
    pub run_args: Vec<String>,
}

fn parse_poll(text: &str) -> Result<Duration, String> {
    crate::config::parse_duration(text).ok_or_else(|| format!("`{text}` is not a duration (e.g. 30s, 200ms, 5m)"))
}

/// Where the hunt runs: the project and its repository.
struct Project {
    /// The project root.
    root: PathBuf,
    /// The repository's top level.
    repo: PathBuf,
    /// The root relative to the top level (empty when they are the same).
    rel: PathBuf,
    /// The current directory relative to the top level, when inside it: the runs start at the
    /// same place in each worktree, so relative paths among the run args mean the same.
    cwd_rel: Option<PathBuf>,
    /// The config file: relative to the root when it is in the repository (each commit has its
    /// own), else absolute (the same for every commit).
    config: Option<PathBuf>,
    /// The current config's `[hunt] prepare`.
    prepare: Option<String>,
    /// The history database, unless history is off.
    history: Option<PathBuf>,
}

/// `proctor hunt`.
pub async fn hunt(args: HuntArgs) -> Result<u8, CommandError> {
    // Listening from the start: a signal between two commits must still clean up.
    let (signal_tx, signals) = watch::channel(None);
    tokio::spawn(async move {
        let signal = interruption_signal().await;
        let _ = signal_tx.send(Some(signal));
    });
    let own = ["--root", "--config", "--output-file.json"];
    if let Some(flag) = args.run_args.iter().find(|a| own.iter().any(|o| *a == o || a.starts_with(&format!("{o}=")))) {
        return Err(HuntError::RunFlag { flag: flag.split('=').next().unwrap_or_default().to_owned() }.into());
    }
    let project = project(&args)?;
    let swept = sweep_stale(&project.repo, STOP_WAIT);
    if swept.children > 0 {
        errln!(
            "proctor hunt: stopped {} run(s) still going in the worktrees of a hunt that was killed",
            swept.children
        );
    }
    if swept.worktrees > 0 {
        errln!("proctor hunt: removed {} worktree(s) left by a hunt that was killed", swept.worktrees);
    }
    let mut queue = match &args.commits {
        Some(spec) => resolve_commits(&project.repo, spec).map_err(HuntError::from)?,
        None => Vec::new(),
    };
    let mut follow =
        args.follow.as_deref().map(|branch| Follow::new(&project.repo, &project.root, branch, args.fetch, args.poll));
    if let Some(follow) = &mut follow {
        let tip = follow.tip().map_err(HuntError::from)?;
        if args.commits.is_none() {
            queue.push(tip);
        } else {
            follow.tested(&tip);
        }
    }
    if queue.is_empty() && follow.is_none() {
        errln!("proctor hunt: `{}` names no commits", args.commits.as_deref().unwrap_or_default());
    }
    let mut results: Vec<CommitResult> = Vec::new();
    let mut stopped: Option<Interruption> = None;
    'hunt: loop {
        for sha in std::mem::take(&mut queue) {
            let result = test_commit(&project, &args, &sha, signals.clone()).await;
            print_commit(&result);
            let interrupted = result.result == Verdict::Interrupted;
            results.push(result);
            if let Some(follow) = &mut follow {
                follow.tested(&sha);
            }
            if interrupted {
                stopped = *signals.borrow();
                break 'hunt;
            }
        }
        let Some(follow) = &mut follow else { break };
        let mut signal = signals.clone();
        tokio::select! {
            next = follow.next() => match next {
                Ok(commits) => queue = commits,
                Err(error) => errln!("proctor: warning: hunt: {error}"),
            },
            _ = signal.wait_for(Option::is_some) => {
                stopped = *signals.borrow();
                break;
            }
        }
    }
    if args.json {
        let json = serde_json::json!({ "version": 1, "commits": results });
        outln!("{}", serde_json::to_string_pretty(&json).unwrap_or_default());
    } else if !results.is_empty() {
        out!("{}", table(&results));
    }
    if let Some(signal) = stopped {
        errln!("proctor: hunt interrupted by {}; its worktrees were removed", signal.name());
        return Ok(crate::exit::interrupted(signal));
    }
    Ok(if results.iter().all(|r| r.result == Verdict::Passed) { SUCCESS } else { TESTS_FAILED })
}

/// The project, its repository and its settings, from the current config.
fn project(args: &HuntArgs) -> Result<Project, CommandError> {
    let project_args = ProjectArgs {
        paths: Vec::new(),
        root: args.root.clone(),
        config: args.config.clone(),
        print_config: false,
        select: Default::default(),
    };
    let config = crate::config::resolve(&project_args, None)?;
    let root = config.root.canonicalize().unwrap_or_else(|_| config.root.clone());
    let not_git = |_| HuntError::NotARepository { root: root.clone() };
    let top = git(&root, &["rev-parse", "--show-toplevel"]).map_err(not_git)?;
    let repo = PathBuf::from(top.trim_end_matches(['\n', '\r']));
    let repo = repo.canonicalize().unwrap_or(repo);
    let rel = root.strip_prefix(&repo).map(Path::to_path_buf).unwrap_or_default();
    let cwd = std::env::current_dir().ok().and_then(|c| c.canonicalize().ok());
    let cwd_rel = cwd.and_then(|c| c.strip_prefix(&repo).ok().map(Path::to_path_buf));
    let config_file = config.config_file.as_ref().map(|f| f.canonicalize().unwrap_or_else(|_| f.clone()));
    let config_in = |f: &PathBuf| match f.strip_prefix(&repo) {
        Ok(_) => f.strip_prefix(&root).ok().map(Path::to_path_buf),
        Err(_) => Some(f.clone()),
    };
    let config_path = config_file.as_ref().and_then(config_in);
    let prepare = config_file.as_deref().and_then(|f| read_prepare(f).ok().flatten());
    let history = config.history.enabled.then(|| config.history.path.clone());
    if history.is_none() {
        errln!("proctor: warning: hunt: history is off ([history] enabled = false): results are only printed");
    }
    Ok(Project { root, repo, rel, cwd_rel, config: config_path, prepare, history })
}

/// `[hunt] prepare` of a config file: `Ok(None)` when the file has a `[hunt]` table without
/// one, `Err(())` when it has no `[hunt]` table (or cannot be read).
fn read_prepare(file: &Path) -> Result<Option<String>, ()> {
    let text = std::fs::read_to_string(file).map_err(drop)?;
    let value: toml::Table = toml::from_str(&text).map_err(drop)?;
    let hunt = value.get("hunt").and_then(|h| h.as_table()).ok_or(())?;
    for key in hunt.keys().filter(|k| *k != "prepare") {
        errln!("proctor: warning: hunt: {}: unknown key `{key}` in [hunt] (known: prepare)", file.display());
    }
    match hunt.get("prepare") {
        None => Ok(None),
        Some(toml::Value::String(command)) => Ok(Some(command.clone())),
        Some(other) => {
            errln!("proctor: warning: hunt: {}: [hunt] prepare must be a string, not {other}; ignored", file.display());
            Ok(None)
        }
    }
}

/// Checks out, prepares and runs one commit.
async fn test_commit(
    project: &Project,
    args: &HuntArgs,
    sha: &str,
    signals: watch::Receiver<Option<Interruption>>,
) -> CommitResult {
    let (tree, subject) = tree_and_subject(&project.repo, sha);
    let mut result = CommitResult {
        commit: sha.to_owned(),
        tree: tree.clone(),
        subject,
        result: Verdict::Error,
        exit_code: None,
        runs: args.runs,
        tests_run: 0,
        tests: Vec::new(),
    };
    errln!("proctor hunt: testing {} {} ({} run(s))", &sha[..sha.len().min(12)], result.subject, args.runs);
    // Dropped on every path out of this function, which removes the worktree.
    let worktree = match Worktree::add(&project.repo, sha) {
        Ok(worktree) => worktree,
        Err(error) => {
            errln!("proctor: error: hunt: failed to check out {sha}: {error}");
            return result;
        }
    };
    let root = worktree.path.join(&project.rel);
    let here =
        project.cwd_rel.as_ref().map(|c| worktree.path.join(c)).filter(|c| c.is_dir()).unwrap_or_else(|| root.clone());
    // The commit's own `[hunt]` table wins; a commit from before it had one uses today's.
    // `join` keeps an absolute path as it is: a config from outside the repository.
    let config_file = project.config.as_ref().map(|rel| root.join(rel));
    let prepare = match config_file.as_deref().map(read_prepare) {
        Some(Ok(prepare)) => prepare,
        _ => project.prepare.clone(),
    };
    if let Some(prepare) = prepare {
        errln!("proctor hunt: prepare: {prepare}");
        let mut command = tokio::process::Command::new("sh");
        command.arg("-c").arg(&prepare).current_dir(&root);
        match run_child(command, &worktree, args.json, signals.clone()).await {
            Ended::Exited(0) => {}
            Ended::Exited(code) => {
                errln!("proctor hunt: prepare failed (exit code {code}); the commit's tests were not run");
                result.result = Verdict::PrepareFailed;
                result.exit_code = Some(code);
                return result;
            }
            Ended::Failed(error) => {
                errln!("proctor hunt: prepare failed: {error}");
                result.result = Verdict::PrepareFailed;
                return result;
            }
            Ended::Interrupted => {
                result.result = Verdict::Interrupted;
                return result;
            }
        }
    }
    let events = match tempfile::Builder::new().prefix("proctor-hunt-events").tempfile() {
        Ok(file) => file.into_temp_path(),
        Err(error) => {
            errln!("proctor: error: hunt: failed to create a temp file: {error}");
            return result;
        }
    };
    let exe = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("proctor"));
    let mut command = tokio::process::Command::new(exe);
    command.arg("run").arg("--root").arg(&root).current_dir(&here);
    if let Some(file) = &config_file {
        command.arg("--config").arg(file);
    }
    // `--hunt` and the other repeat modes of the run args replace --runs.
    let repeats = ["--repeat", "--repeat-until-fail", "--repeat-for", "--hunt"];
    let own_repeat = args.run_args.iter().any(|a| repeats.iter().any(|r| a == r || a.starts_with(&format!("{r}="))));
    if !own_repeat && args.runs > 1 {
        command.arg("--repeat").arg(args.runs.to_string());
    }
    if !args.run_args.iter().any(|a| a == "--reporter" || a.starts_with("--reporter=")) {
        command.arg("--reporter").arg("dots");
    }
    command.arg("--reporter").arg("json").arg(format!("--output-file.json={}", events.display()));
    command.args(&args.run_args);
    if let Some(history) = &project.history {
        command.env(HISTORY_ENV, history);
    }
    let key = crate::history::CodeKey { commit: Some(sha.to_owned()), tree, branch: args.follow.clone(), dirty: false };
    command.env(KEY_ENV, serde_json::to_string(&key).unwrap_or_default());
    let ended = run_child(command, &worktree, args.json, signals).await;
    (result.tests, result.tests_run) = tally(&events);
    match ended {
        Ended::Exited(code) => {
            result.exit_code = Some(code);
            result.result = match code {
                0 => Verdict::Passed,
                1 => Verdict::Failed,
                _ => Verdict::Error,
            };
        }
        Ended::Failed(error) => errln!("proctor: error: hunt: failed to start the run: {error}"),
        Ended::Interrupted => result.result = Verdict::Interrupted,
    }
    result
}

/// How a child process ended.
enum Ended {
    /// With this exit code (-1 when a signal ended it).
    Exited(i32),
    /// It could not be started or waited for.
    Failed(std::io::Error),
    /// A signal reached the hunt; the child was passed it and has stopped.
    Interrupted,
}

/// Runs a child in `worktree` (output shown; on stderr under `--json`) until it exits or a signal
/// comes, which is passed on to it.
async fn run_child(
    mut command: tokio::process::Command,
    worktree: &Worktree,
    json: bool,
    mut signals: watch::Receiver<Option<Interruption>>,
) -> Ended {
    if signals.borrow().is_some() {
        return Ended::Interrupted;
    }
    if json {
        match std::os::fd::AsFd::as_fd(&std::io::stderr()).try_clone_to_owned() {
            Ok(stderr) => {
                command.stdout(Stdio::from(stderr));
            }
            Err(error) => return Ended::Failed(error),
        }
    }
    // Its own process group: Ctrl-C on the terminal reaches the hunt alone, which passes it on
    // once (a second SIGINT would cut the run's history flush short).
    command.process_group(0).kill_on_drop(true).stdin(Stdio::null());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => return Ended::Failed(error),
    };
    // Its group's id is its pid: should this hunt be killed outright, the next one stops it.
    if let Some(pid) = child.id() {
        worktree.record_child(pid);
    }
    tokio::select! {
        status = child.wait() => match status {
            Ok(status) => Ended::Exited(status.code().unwrap_or(-1)),
            Err(error) => Ended::Failed(error),
        },
        seen = signals.wait_for(Option::is_some) => {
            let signal = match seen.ok().and_then(|seen| *seen) {
                Some(Interruption::Sigterm) => libc::SIGTERM,
                _ => libc::SIGINT,
            };
            if let Some(pid) = child.id() {
                // SAFETY: kill(2) on our own child's pid; no memory is involved.
                unsafe { libc::kill(pid as libc::pid_t, signal) };
            }
            if tokio::time::timeout(STOP_WAIT, child.wait()).await.is_err() {
                let _ = child.kill().await;
            }
            Ended::Interrupted
        }
    }
}

#[cfg(test)]
mod tests {
    use super::read_prepare;
    use clap::CommandFactory;

    #[test]
    fn prepare_is_read_from_the_hunt_table_and_a_file_without_one_falls_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("proctor.toml");
        let read = |text: &str| {
            std::fs::write(&file, text).unwrap();
            read_prepare(&file)
        };
        assert_eq!(read("[hunt]\nprepare = \"npm ci\"\n"), Ok(Some("npm ci".into())));
        assert_eq!(read("[hunt]\n"), Ok(None), "a [hunt] table without prepare: none, no fallback");
        assert_eq!(read("[hunt]\nprepare = 3\n"), Ok(None), "not a string: warned and ignored");
        assert_eq!(read("[[suite]]\nid = \"unit\"\n"), Err(()), "no [hunt] table: the current config's");
        assert_eq!(read_prepare(&dir.path().join("missing.toml")), Err(()));
    }

    #[test]
    fn help_tells_hunt_from_run_hunt() {
        let mut cli = crate::cli::Cli::command();
        let help = cli.find_subcommand_mut("hunt").expect("hunt").render_long_help().to_string();
        assert!(help.contains("Not `proctor run --hunt`"), "{help}");
        assert!(help.contains("[hunt] prepare"), "{help}");
        let run = cli.find_subcommand_mut("run").expect("run").render_long_help().to_string();
        assert!(run.contains("--hunt"), "{run}");
    }
}
