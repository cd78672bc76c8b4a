//! `proctor watch`: reruns only what a change affects. Raw file events (notify) are gathered into
//! bursts by the adaptive debounce (`burst.rs`), each a set of changed paths; [`affected_files`]
//! turns them into the test files to rerun through the plan's import graph (and `subject` options);
//! [`failed_first`] runs the tests that failed last time first, then every affected test runs,
//! those too, so a new regression is shown even while an old failure stays red (issue 15; kaocha
//! stopped at a red first phase). Every rerun is an ordinary run — same selection flags, same
//! reporters — in runtimes kept between reruns: the browser tabs of a `proctor serve` (this process
//! starts one when none runs), each rerun in a fresh frame. Node gets a fresh process per rerun,
//! which is node's fresh realm.

use crate::burst::Burst;
use crate::cli::{RunArgs, WatchArgs};
use crate::commands::{
    connect_to_server, execute, interruption, select_plan, wants_browser, CommandError, Kept, Served,
};
use crate::config::{resolve, Config, RuntimeKind};
use crate::events::{Event, EventKind, Outcome};
use crate::exit::SUCCESS;
use crate::plan::{build_plan_cached, ImportGraph, ImportSite, Plan, PlanCache};
use crate::related::{affected_files, affected_through_setup, graph_resolver};
use crate::report::{build_reporters, Reporter};
use crate::runtime::KeptNode;
use crate::serve::{read_record, LocalServer, Recorded};
use crate::status_page::{LiveFeed, LivePage, RerunRequest};
use notify::{EventKind as NotifyKind, RecursiveMode, Watcher as _};
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// What a rerun covers.
#[derive(Debug, Clone)]
enum Rerun {
    /// Every selected test (`a`, `--run-first`, a config change).
    All,
    /// The tests that failed last time (`f`).
    Failed,
    /// What these changed paths affect.
    Changed(BTreeSet<PathBuf>),
    /// These tests (the status page's rerun button on a test).
    Tests(BTreeSet<Key>),
    /// These test files (the status page's rerun button on a file).
    Files(BTreeSet<PathBuf>),
}

impl Rerun {
    /// What a status page button asks for.
    fn requested(request: RerunRequest, root: &Path) -> Rerun {
        match request {
            RerunRequest::All => Rerun::All,
            RerunRequest::Failed => Rerun::Failed,
            RerunRequest::Tests(tests) => Rerun::Tests(tests.into_iter().map(|t| (t.suite, t.id)).collect()),
            RerunRequest::Files(files) => Rerun::Files(files.iter().map(|f| root.join(f)).collect()),
        }
    }
}

/// A test by suite and id.
type Key = (String, String);

/// `proctor watch`.
pub async fn watch(args: WatchArgs) -> Result<u8, CommandError> {
    let mut watcher = Watcher::new(args.run.clone())?;
    crate::init::note_unmigrated(&watcher.config);
    let root = watcher.config.root.clone();
    // A plan now, so bad flags or config fail at once (exit 2), as `run` would.
    let plan = watcher.plan()?;
    let needs_tabs = plan.suites.iter().any(|s| s.runtimes.contains(&RuntimeKind::Chromium));
    let local = if wants_browser(&plan) && !watcher.config.no_server && !matches!(read_record(&root), Recorded::Live(_))
    {
        let tabs = if needs_tabs { 1 } else { 0 };
        Some(LocalServer::start(&root, IpAddr::V4(Ipv4Addr::LOCALHOST), 0, tabs, None).await?)
    } else {
        None
    };

    // One server for the live status page and `/status.json` (`proctor status`, Tilt, editors);
    // its URL is printed once, on the start line.
    let history_db = watcher.config.history.enabled.then(|| watcher.config.history.path.clone());
    let (live, mut rerun_requests) = LivePage::new(root.clone(), history_db);
    let status = crate::status::StatusServer::start(&root, args.port, args.token.clone(), Some(live.clone())).await?;
    // The page names the commit of the latest run's git lookup (the one its status and history
    // take), waiting for git when the run has only just started.
    let latest = watcher.latest_code.clone();
    live.set_commit_source(move || {
        let code = latest.lock().ok()?.clone()?;
        code.wait().status_commit()
    });
    watcher.status = Some(status.board.clone());
    watcher.page = Some(live);
    let mut code = SUCCESS;

    // Once for the whole session, before the first runtime starts (they inherit what it sets),
    // torn down when watch stops, as Vitest's globalSetup in watch mode.
    let global_setup = crate::global_setup::GlobalSetup::start(&watcher.config).await?;

    let (changes_tx, mut changes) = mpsc::unbounded_channel::<(Instant, Vec<PathBuf>)>();
    // Raw events, each stamped when it arrived; the loop below gathers them into bursts.
    let mut files = notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
        // Reads (the plan parsing a file, node loading it) are events too; only writes,
        // creations, renames and removals change anything.
        if let Ok(event) = result {
            if is_change(&event.kind) && !event.paths.is_empty() {
                let _ = changes_tx.send((Instant::now(), event.paths));
            }
        }
    })
    .map_err(|err| CommandError::Serve(format!("failed to watch {}: {err}", root.display())))?;
    files
        .watch(&root, RecursiveMode::Recursive)
        .map_err(|err| CommandError::Serve(format!("failed to watch {}: {err}", root.display())))?;
    let mut watched = RootIdentity::of(&root);
    let mut recheck_root = tokio::time::interval(ROOT_RECHECK);
    recheck_root.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (mut keys, _key_mode) = read_keys();
    // The page's URL is on the one start line: tools that read watch's stderr see one line per
    // event (start, then one per rerun).
    errln!(
        "proctor watch: watching {} (debounce up to {} ms); status page at {} ; Enter reruns, a: all, f: failed, h: keys, q: quit",
        root.display(),
        args.debounce,
        status.record.url
    );
    if args.run_first {
        watcher.rerun(Rerun::All).await;
    }
    if args.status_exit && watcher.status_failed() {
        code = crate::exit::TESTS_FAILED;
    }
    if code == SUCCESS {
        let stop_requested = async {
            match &local {
                Some(server) => server.stop_requested().await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(stop_requested);
        // One signal handler for the whole loop, so a signal between two iterations is not lost.
        let interrupted = interruption();
        tokio::pin!(interrupted);
        let mut keys_open = true;
        // A filter being typed after `t` or `p`.
        let mut prompt: Option<Prompt> = None;
        loop {
            tokio::select! {
                first = changes.recv() => {
                    let Some(first) = first else { break };
                    // Events that queued up during a rerun start the next burst at once.
                    let paths = watcher.gather(first, &mut changes, Duration::from_millis(args.debounce)).await;
                    let (dirs, mut paths): (Vec<PathBuf>, Vec<PathBuf>) = paths.into_iter().partition(|p| p.is_dir());
                    for dir in watcher.relevant(dirs) {
                        paths.extend(rewatch(&mut files, &dir));
                    }
                    let changed = watcher.relevant(paths);
                    // A root that is gone has nothing to run; the root check says so.
                    if !changed.is_empty() && root.is_dir() {
                        watcher.rerun(Rerun::Changed(changed)).await;
                    }
                }
                _ = recheck_root.tick() => {
                    let now = RootIdentity::of(&root);
                    if now == watched {
                        continue;
                    }
                    // The root was deleted (and maybe made again): its old watch died with it.
                    watched = now;
                    if watched.is_none() {
                        errln!("proctor watch: {} is gone; waiting for it to come back", root.display());
                        continue;
                    }
                    let _ = files.unwatch(&root);
                    match files.watch(&root, RecursiveMode::Recursive) {
                        Ok(()) => {
                            errln!("proctor watch: {} was made again; watching it again", root.display());
                            // The kept node process works in the deleted directory (its cwd is
                            // gone for good); the next rerun starts one in the new root.
                            watcher.node = None;
                            watcher.rerun(Rerun::All).await;
                        }
                        Err(err) => {
                            errln!("proctor watch: failed to watch {} again: {err}", root.display());
                            watched = None;
                        }
                    }
                }
                key = keys.recv(), if keys_open => match (prompt.take(), key) {
                    // No terminal (stdin closed): keep watching, as in CI logs.
                    (_, None) => keys_open = false,
                    (Some(mut typing), Some(key)) => match typing.key(&key) {
                        Typed::More => prompt = Some(typing),
                        Typed::Done(text) => {
                            watcher.filter(typing.kind, text);
                            watcher.rerun(Rerun::All).await;
                        }
                    },
                    (None, Some(key)) => match key.trim() {
                        "" => {
                            let again = watcher.last.clone().unwrap_or(Rerun::All);
                            watcher.rerun(again).await;
                        }
                        "a" => watcher.rerun(Rerun::All).await,
                        "f" => watcher.rerun(Rerun::Failed).await,
                        "u" => watcher.update_snapshots().await,
                        "t" => prompt = Some(Prompt::start(Filter::Name)),
                        "p" => prompt = Some(Prompt::start(Filter::File)),
                        "h" => errln!("{KEYS_HELP}"),
                        "q" => break,
                        other if other.len() > 1 && (other.starts_with("t ") || other.starts_with("p ")) => {
                            let kind = if other.starts_with('t') { Filter::Name } else { Filter::File };
                            watcher.filter(kind, other[2..].trim().to_string());
                            watcher.rerun(Rerun::All).await;
                        }
                        other => errln!("proctor watch: unknown key {other:?}; h lists the keys"),
                    },
                },
                request = rerun_requests.recv() => {
                    if let Some(request) = request {
                        watcher.rerun(Rerun::requested(request, &root)).await;
                    }
                }
                () = &mut interrupted => break,
                () = &mut stop_requested => break,
            }
            if watcher.interrupted {
                break;
            }
            if args.status_exit && watcher.status_failed() {
                errln!("proctor watch: stopping: the tests failed (--status-exit)");
                code = crate::exit::TESTS_FAILED;
                break;
            }
        }
    }
    drop(files);
    drop(status);
    drop(local);
    // The runtimes are gone; the teardown may now stop what the setup started.
    watcher.node = None;
    let torn_down = match global_setup {
        Some(setup) => setup.teardown().await,
        None => Ok(()),
    };
    errln!("proctor watch: stopped");
    match torn_down {
        Ok(()) => Ok(code),
        Err(error) => {
            errln!("proctor: error: {error}");
            Ok(crate::exit::USAGE_OR_ENVIRONMENT)
        }
    }
}

/// Watches a directory that appeared (or was replaced) again, and returns the files in it. The
/// recursive watch adds a watch for a new directory by itself, but only once it has handled the
/// event, so files written into it before that are never seen; and a directory deleted and made
/// again at once can lose its watch to the old one's removal. Watching it again is harmless when
/// it was watched, and every file in it counts as changed.
fn rewatch(files: &mut impl notify::Watcher, dir: &Path) -> Vec<PathBuf> {
    if files.watch(dir, RecursiveMode::Recursive).is_err() {
        return Vec::new();
    }
    ignore::WalkBuilder::new(dir)
        .hidden(true)
        .require_git(false)
        .filter_entry(|entry| entry.file_name() != "node_modules")
        .build()
        .flatten()
        .filter(|entry| entry.file_type().is_some_and(|t| t.is_file()))
        .map(|entry| entry.into_path())
        .collect()
}

/// How often watch checks that its root is still the directory it watches.
const ROOT_RECHECK: Duration = Duration::from_millis(500);

/// Which directory a path is (device and inode), or `None` when there is none: a root that was
/// deleted and made again is another directory, which the old watch does not see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RootIdentity(u64, u64);

impl RootIdentity {
    #[cfg(unix)]
    fn of(root: &Path) -> Option<RootIdentity> {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(root).ok().filter(|m| m.is_dir()).map(|m| RootIdentity(m.dev(), m.ino()))
    }

    /// Elsewhere only whether it exists is known.
    #[cfg(not(unix))]
    fn of(root: &Path) -> Option<RootIdentity> {
        root.is_dir().then_some(RootIdentity(0, 0))
    }
}

/// True for events that change a file's contents or existence.
fn is_change(kind: &NotifyKind) -> bool {
    use notify::event::ModifyKind;
    match kind {
        NotifyKind::Create(_) | NotifyKind::Remove(_) => true,
        NotifyKind::Modify(ModifyKind::Data(_) | ModifyKind::Name(_) | ModifyKind::Any | ModifyKind::Other) => true,
        NotifyKind::Modify(ModifyKind::Metadata(_)) | NotifyKind::Access(_) | NotifyKind::Any | NotifyKind::Other => {
            false
        }
    }
}

/// What `h` prints: every key, as Vitest's watch lists its own.
const KEYS_HELP: &str = "proctor watch keys:
  Enter  rerun what ran last
  a      rerun all tests
  f      rerun the failed tests
  u      update the failing tests' snapshots (rerun them with --update-snapshots)
  t      filter by test name: type a pattern (a regular expression, as -t), Enter; empty clears it
  p      filter by file name: type part of a path, Enter; empty clears it
  h      show these keys
  q      quit";

/// Which filter a `t` or `p` prompt sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    /// `t`: the test name pattern (`-t`).
    Name,
    /// `p`: a path filter (`proctor run cart`).
    File,
}

/// A filter being typed after `t` or `p`, one key at a time (echoed, since the terminal is
/// in non-echoing single-key mode).
struct Prompt {
    kind: Filter,
    text: String,
}

/// What a key did to a prompt.
enum Typed {
    More,
    Done(String),
}

impl Prompt {
    fn start(kind: Filter) -> Prompt {
        let what = if kind == Filter::Name { "test name pattern" } else { "file name filter" };
        eprint!("proctor watch: {what} (Enter to apply, empty to clear): ");
        Prompt { kind, text: String::new() }
    }

    fn key(&mut self, key: &str) -> Typed {
        match key {
            // Enter (a line from a pipe arrives whole, with its text).
            "" => {
                eprintln!();
                Typed::Done(std::mem::take(&mut self.text))
            }
            "\u{7f}" | "\u{8}" => {
                if self.text.pop().is_some() {
                    eprint!("\u{8} \u{8}");
                }
                Typed::More
            }
            text if text.ends_with('\n') => {
                self.text.push_str(text.trim_end());
                eprintln!("{}", text.trim_end());
                Typed::Done(std::mem::take(&mut self.text))
            }
            text => {
                self.text.push_str(text);
                eprint!("{text}");
                Typed::More
            }
        }
    }
}

/// The keys typed on stdin. On a terminal each key counts at once (the terminal is put in
/// non-canonical mode for the watch's life, and restored when [`KeyMode`] drops); from a pipe
/// each line is a key, Enter an empty one.
fn read_keys() -> (mpsc::UnboundedReceiver<String>, KeyMode) {
    use std::io::{IsTerminal, Read};
    let (tx, rx) = mpsc::unbounded_channel();
    let mode = KeyMode::single_keys();
    let single = mode.saved.is_some() && std::io::stdin().is_terminal();
    std::thread::spawn(move || {
        if single {
            let mut byte = [0u8; 1];
            while std::io::stdin().read(&mut byte).map(|n| n == 1).unwrap_or(false) {
                let key = match byte[0] {
                    b'\n' | b'\r' => String::new(),
                    other => (other as char).to_string(),
                };
                if tx.send(key).is_err() {
                    break;
                }
            }
            return;
        }
        let mut line = String::new();
        while std::io::stdin().read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
            if tx.send(std::mem::take(&mut line)).is_err() {
                break;
            }
        }
        // Dropping the sender tells the loop stdin is gone.
    });
    (rx, mode)
}

/// The terminal's settings while watch reads single keys; restored on drop.
struct KeyMode {
    saved: Option<String>,
}

impl KeyMode {
    fn single_keys() -> KeyMode {
        use std::io::IsTerminal;
        if !std::io::stdin().is_terminal() {
            return KeyMode { saved: None };
        }
        let stty = |args: &[&str]| {
            std::process::Command::new("stty")
                .args(args)
                .stdin(std::process::Stdio::inherit())
                .stderr(std::process::Stdio::null())
                .output()
                .ok()
                .filter(|out| out.status.success())
        };
        let Some(saved) = stty(&["-g"]).map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string()) else {
            return KeyMode { saved: None };
        };
        // Keys without Enter, not echoed; Ctrl-C still interrupts.
        match stty(&["-icanon", "-echo", "min", "1"]) {
            Some(_) => KeyMode { saved: Some(saved) },
            None => KeyMode { saved: None },
        }
    }
}

impl Drop for KeyMode {
    fn drop(&mut self) {
        if let Some(saved) = &self.saved {
            let _ = std::process::Command::new("stty").arg(saved).stdin(std::process::Stdio::inherit()).status();
        }
    }
}

/// The watch loop's state between reruns.
struct Watcher {
    args: RunArgs,
    config: Config,
    cache: PlanCache,
    graph: ImportGraph,
    /// Tests that failed (or timed out, or crashed) and have not passed since.
    failed: BTreeSet<Key>,
    /// The last rerun, for Enter.
    last: Option<Rerun>,
    /// The kept node process (started with the first rerun that needs node).
    node: Option<KeptNode>,
    /// Where its shell script lives.
    shell_dir: Option<tempfile::TempDir>,
    /// Set when Ctrl-C or SIGTERM arrived during a rerun (the rerun's own handler saw it).
    interrupted: bool,
    /// The paths and filters given on the command line, which `p` with nothing typed restores.
    given_paths: Vec<PathBuf>,
    /// The live status page every run reports to.
    page: Option<Arc<LivePage>>,
    /// The status `/status.json` serves, fed by every rerun.
    status: Option<crate::status::Board>,
    /// The latest run's git lookup, whose commit the page names.
    latest_code: Arc<Mutex<Option<crate::history::CodeLookup>>>,
}

impl Watcher {
    fn new(args: RunArgs) -> Result<Watcher, CommandError> {
        let config = resolve(&args.project, Some(&args))?;
        crate::commands::warn_config(&config);
        let graph = ImportGraph::new(graph_resolver(&config));
        Ok(Watcher {
            given_paths: args.project.paths.clone(),
            args,
            config,
            cache: PlanCache::default(),
            graph,
            failed: BTreeSet::new(),
            last: None,
            node: None,
            shell_dir: None,
            interrupted: false,
            page: None,
            status: None,
            latest_code: Arc::default(),
        })
    }

    /// `t` and `p`: sets the test name pattern or the file filter (empty text clears it) for
    /// the reruns from now on; a pattern that is no regular expression is said and dropped.
    fn filter(&mut self, kind: Filter, text: String) {
        let before = self.args.clone();
        match kind {
            Filter::Name => self.args.project.select.test_name_pattern = (!text.is_empty()).then_some(text),
            Filter::File => {
                self.args.project.paths =
                    if text.is_empty() { self.given_paths.clone() } else { vec![PathBuf::from(text)] };
            }
        }
        match resolve(&self.args.project, Some(&self.args)) {
            Ok(config) => self.config = config,
            Err(err) => {
                errln!("proctor watch: error: {err} (the filter is not applied)");
                self.args = before;
            }
        }
    }

    /// `u`: reruns the failed tests (else what ran last) with their snapshots rewritten.
    async fn update_snapshots(&mut self) {
        let what = if self.failed.is_empty() { self.last.clone().unwrap_or(Rerun::All) } else { Rerun::Failed };
        self.args.update_snapshots = true;
        if let Ok(config) = resolve(&self.args.project, Some(&self.args)) {
            self.config = config;
            self.rerun(what).await;
        }
        self.args.update_snapshots = false;
        if let Ok(config) = resolve(&self.args.project, Some(&self.args)) {
            self.config = config;
        }
    }

    /// The plan (files that did not change are not parsed again), its import graph brought up
    /// to date, selected by the user's flags.
    fn plan(&mut self) -> Result<Plan, CommandError> {
        let mut plan = build_plan_cached(&self.config, &mut self.cache)?;
        let tests: Vec<(PathBuf, Vec<ImportSite>)> =
            plan.suites.iter().flat_map(|s| &s.files).map(|f| (f.abs.clone(), f.imports.clone())).collect();
        self.graph.update(&tests);
        select_plan(&mut plan, &mut self.config)?;
        Ok(plan)
    }

    /// The changed paths that can matter: not in node_modules, .git or other dot-folders, not
    /// editor temp files, not proctor's own output (reports, `__snapshots__/*.snap`).
    fn relevant(&self, paths: Vec<PathBuf>) -> BTreeSet<PathBuf> {
        let root = &self.config.root;
        paths
            .into_iter()
            .filter(|path| {
                let Ok(rel) = path.strip_prefix(root) else { return false };
                let hidden = rel.components().any(|c| {
                    let name = c.as_os_str().to_string_lossy();
                    name == "node_modules" || name.starts_with('.')
                });
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let temp = name.ends_with('~')
                    || [".swp", ".swx", ".swo", ".tmp", ".crswap"].iter().any(|ext| name.ends_with(ext))
                    || name.starts_with('#')
                    || name == "4913"
                    || name.contains("___jb_");
                let own = self.config.reporters.iter().any(|spec| spec.output.as_deref() == Some(path.as_path()));
                // A snapshot file: no test imports one, so its change affects none. It changes
                // when a run writes it (`u`), and that write arrived as a change of its own after
                // the run ("no test is affected"), now and then read as the next rerun's outcome.
                let snapshot = name.ends_with(".snap")
                    && rel.parent().and_then(Path::file_name).is_some_and(|dir| dir == "__snapshots__");
                !hidden && !temp && !own && !snapshot
            })
            .collect()
    }

    /// Gathers one burst of changes, beginning with `first`: events keep coming into it until the
    /// files have been quiet for the burst's window (see [`Burst`]; `cap` is `--debounce`).
    /// Events on files that cannot matter (editor temp files, `node_modules`, dot folders) are
    /// kept out of it, so a log written without pause does not hold a rerun back. Returns every
    /// path the burst touched.
    async fn gather(
        &self,
        first: (Instant, Vec<PathBuf>),
        changes: &mut mpsc::UnboundedReceiver<(Instant, Vec<PathBuf>)>,
        cap: Duration,
    ) -> Vec<PathBuf> {
        let mut burst: Option<Burst> = None;
        let mut paths = Vec::new();
        let mut next = Some(first);
        while let Some((at, more)) = next.take() {
            for path in more.iter().filter(|path| path.is_dir() || !self.relevant(vec![path.to_path_buf()]).is_empty())
            {
                burst.get_or_insert_with(|| Burst::start(at, cap)).note(at, path);
            }
            paths.extend(more);
            let Some(deadline) = burst.as_ref().map(Burst::deadline) else { break };
            next = tokio::time::timeout_at(deadline.into(), changes.recv()).await.ok().flatten();
        }
        paths
    }

    /// True when `changed` holds a suite's custom page or a project file it loads.
    fn a_page_changed(&self, changed: &BTreeSet<PathBuf>) -> bool {
        let root = &self.config.root;
        self.config
            .suites
            .iter()
            .filter_map(|suite| suite.page.as_deref())
            .any(|page| crate::build::page_files(page, root).iter().any(|file| changed.contains(file)))
    }

    /// One rerun: reload what a change to the config needs, work out the affected files, run
    /// the failed tests first, then the rest; print the status line.
    async fn rerun(&mut self, what: Rerun) {
        let started = Instant::now();
        let mut what = what;
        if let Rerun::Changed(changed) = &what {
            let names: BTreeSet<String> =
                changed.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
            let config_file = self.config.config_file.clone().unwrap_or_else(|| self.config.root.join("proctor.toml"));
            if changed.contains(&config_file) || changed.contains(&self.config.root.join("package.json")) {
                match resolve(&self.args.project, Some(&self.args)) {
                    Ok(config) => {
                        crate::commands::warn_config(&config);
                        self.config = config;
                    }
                    Err(err) => {
                        errln!("proctor watch: error: {err} (keeping the previous configuration)");
                        return;
                    }
                }
                self.graph = ImportGraph::new(graph_resolver(&self.config));
                what = Rerun::All;
            } else if self.a_page_changed(changed) {
                // A suite's custom page and what it loads are in no import graph; they may
                // change any test of the suite.
                what = Rerun::All;
            } else if names.contains("tsconfig.json")
                || names.contains("jsconfig.json")
                || names.contains("package.json")
                || changed.iter().any(|path| !self.graph.knows(path) || !path.exists())
            {
                // A file that appeared or went away, or a config the resolver read, can change
                // what any import resolves to; an edit to a known file cannot.
                self.graph.refresh();
            }
        }
        let plan = match self.plan() {
            Ok(plan) => plan,
            Err(err) => {
                errln!("proctor watch: error: {err}");
                return;
            }
        };
        let all: BTreeSet<PathBuf> = plan.suites.iter().flat_map(|s| &s.files).map(|f| f.abs.clone()).collect();
        let (files, label) = match &what {
            Rerun::All => (all.clone(), "all tests".to_string()),
            Rerun::Failed => {
                let files = files_of(&plan, &self.failed);
                (files, "failed tests".to_string())
            }
            Rerun::Changed(changed) => {
                let mut files = affected_files(&self.graph, &plan, &all, changed);
                files.extend(affected_through_setup(&self.config, &plan, changed));
                (files, changed_label(&self.config.root, changed))
            }
            Rerun::Tests(keys) => (files_of(&plan, keys), format!("{} picked test(s)", keys.len())),
            Rerun::Files(files) => {
                let files: BTreeSet<PathBuf> = files.intersection(&all).cloned().collect();
                let label = changed_label(&self.config.root, &files);
                (files, label)
            }
        };
        self.last = Some(what.clone());
        if files.is_empty() {
            let why = if matches!(what, Rerun::Failed) { "no test failed last time" } else { "no test is affected" };
            errln!("proctor watch: {why} ({label}); waiting for changes");
            return;
        }
        let mut totals = (0usize, 0usize);
        let first: BTreeSet<Key> = match &what {
            Rerun::All | Rerun::Files(_) => BTreeSet::new(),
            Rerun::Failed | Rerun::Changed(_) => failed_first(&self.failed, &plan, &files),
            Rerun::Tests(keys) => keys.clone(),
        };
        // Last run's failures among the affected files first, for quick feedback; then, always,
        // everything the change affects (those included), so a new regression elsewhere is run
        // and shown even while an old failure stays red. The totals are the full phase's.
        if !first.is_empty() {
            if let Some(counts) = self.run_phase(&plan, &files, Some(&first)).await {
                totals = counts;
            }
        }
        if !matches!(what, Rerun::Failed | Rerun::Tests(_)) {
            if let Some(counts) = self.run_phase(&plan, &files, None).await {
                totals = counts;
            }
        }
        let state = if totals.1 == 0 { "passed" } else { "FAILED" };
        errln!(
            "proctor watch: {state}: {} passed, {} failed ({label}) in {} ms; waiting for changes (Enter: rerun, a: all, f: failed, h: keys, q: quit)",
            totals.0,
            totals.1,
            started.elapsed().as_millis()
        );
    }

    /// Runs the selected tests of `files` (only the tests `focus` names, when given); returns
    /// how many passed and failed, and remembers which failed.
    async fn run_phase(
        &mut self,
        plan: &Plan,
        files: &BTreeSet<PathBuf>,
        focus: Option<&BTreeSet<Key>>,
    ) -> Option<(usize, usize)> {
        let (mut plan, config) = match focus {
            None => (plan.clone(), self.config.clone()),
            Some(keys) => {
                let mut args = self.args.clone();
                args.project.select.focus = keys.iter().map(|(suite, id)| format!("{suite}:{id}")).collect();
                args.project.select.focus_tag.clear();
                let mut config = resolve(&args.project, Some(&args)).ok()?;
                let mut fresh = build_plan_cached(&config, &mut self.cache).ok()?;
                if select_plan(&mut fresh, &mut config).is_err() {
                    // A failed test that no longer exists: nothing to run first.
                    self.failed.retain(|key| !keys.contains(key));
                    return None;
                }
                (fresh, config)
            }
        };
        for suite in &mut plan.suites {
            suite.files.retain(|f| files.contains(&f.abs));
        }
        let plan = Arc::new(plan);
        if plan.suites.iter().any(|s| s.runtimes.contains(&RuntimeKind::Node) && !s.files.is_empty()) {
            if let Err(err) = self.keep_node().await {
                errln!("proctor watch: error: {err}");
                return None;
            }
        }
        let served = if wants_browser(&plan) && !config.no_server {
            match connect_to_server(&config.root).await {
                Served::Leased(client) => Some(Arc::new(client)),
                Served::Standalone => None,
                Served::Interrupted(_) => {
                    self.interrupted = true;
                    return None;
                }
            }
        } else {
            None
        };
        let results = Arc::new(Mutex::new(Vec::new()));
        // One git lookup for the rerun, shared by its history, the status board, the page and
        // an html report.
        let code = crate::commands::code_lookup(&config, self.status.is_some());
        if let (Some(code), Ok(mut latest)) = (&code, self.latest_code.lock()) {
            *latest = Some(code.clone());
        }
        let mut reporters = match build_reporters(&config, code.as_ref()) {
            Ok(reporters) => reporters,
            Err(err) => {
                errln!("proctor watch: error: {err}");
                return None;
            }
        };
        reporters.push("watch", Box::new(Results(results.clone())));
        if let Some(page) = &self.page {
            reporters.push("status page", Box::new(LiveFeed(page.clone())));
        }
        if let (Some(board), Some(code)) = (&self.status, &code) {
            reporters.push("status", board.feed(code.clone()));
        }
        let ran = match execute(
            &plan,
            &config,
            Kept { served: served.as_ref(), node: self.node.as_ref(), early_node: None, code: code.as_ref() },
            reporters,
        )
        .await
        {
            Ok(ran) => ran,
            Err(err) => {
                errln!("proctor watch: error: {err}");
                return None;
            }
        };
        self.interrupted |= ran.interrupted.is_some();
        let results = results.lock().map(|r| r.clone()).unwrap_or_default();
        let mut failed = 0;
        for (key, outcome) in results {
            if outcome == Outcome::Passed {
                self.failed.remove(&key);
            } else {
                failed += 1;
                self.failed.insert(key);
            }
        }
        let problems = ran.stats.load_errors + ran.stats.runtime_errors + ran.stats.runtime_failures;
        Some((ran.stats.passed, failed + problems))
    }
}

impl Watcher {
    /// True when the status says the tests failed (for `--status-exit`).
    fn status_failed(&self) -> bool {
        self.status.as_ref().is_some_and(|board| board.state() == crate::status::State::Failed)
    }

    /// Starts the kept node process, or a new one when the last one died.
    async fn keep_node(&mut self) -> Result<(), CommandError> {
        if let Some(kept) = &self.node {
            if kept.shell.alive().await {
                return Ok(());
            }
            errln!("proctor watch: the kept node process died; starting a new one");
        }
        let launcher = runtimes::NodeLauncher::find()?;
        if self.shell_dir.is_none() {
            let dir = tempfile::Builder::new().prefix("proctor-watch-").tempdir().map_err(CommandError::Output)?;
            crate::build::write_controller(dir.path()).map_err(|err| CommandError::Serve(err.to_string()))?;
            self.shell_dir = Some(dir);
        }
        let controller_dir = self.shell_dir.as_ref().expect("made above").path().join("controller");
        let shell = runtimes::NodeShell::start(
            &launcher,
            &controller_dir.join("node-shell.js"),
            &crate::paths::file_url(&controller_dir.join("node-register.js")),
            &crate::paths::file_url(&controller_dir.join("node.js")),
            &self.config.root,
        )?;
        self.node = Some(KeptNode { shell: Arc::new(shell), controller_dir });
        Ok(())
    }
}

/// The tests to run before the rest: those that failed last time, among the affected files.
fn failed_first(failed: &BTreeSet<Key>, plan: &Plan, files: &BTreeSet<PathBuf>) -> BTreeSet<Key> {
    let in_files: BTreeSet<(String, String)> = plan
        .suites
        .iter()
        .flat_map(|s| s.files.iter().filter(|f| files.contains(&f.abs)).map(move |f| (s.id.clone(), f.path.clone())))
        .collect();
    failed
        .iter()
        .filter(|(suite, id)| {
            let file = id.split(protocol::ID_SEPARATOR).next().unwrap_or_default();
            in_files.contains(&(suite.clone(), file.to_string()))
        })
        .cloned()
        .collect()
}

/// The files that hold these tests.
fn files_of(plan: &Plan, keys: &BTreeSet<Key>) -> BTreeSet<PathBuf> {
    plan.suites
        .iter()
        .flat_map(|s| {
            s.files.iter().filter(move |f| {
                keys.iter().any(|(suite, id)| {
                    *suite == s.id && id.split(protocol::ID_SEPARATOR).next() == Some(f.path.as_str())
                })
            })
        })
        .map(|f| f.abs.clone())
        .collect()
}

fn changed_label(root: &Path, changed: &BTreeSet<PathBuf>) -> String {
    let names: Vec<String> =
        changed.iter().map(|p| p.strip_prefix(root).unwrap_or(p).to_string_lossy().replace('\\', "/")).collect();
    let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
    let more = if names.len() > 3 { format!(" and {} more", names.len() - 3) } else { String::new() };
    format!("changed: {}{more}", shown.join(", "))
}

/// Collects each finished test's outcome, for failed-first.
struct Results(Arc<Mutex<Vec<(Key, Outcome)>>>);

impl Reporter for Results {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        match &event.kind {
            EventKind::TestFinished { test, outcome, .. } => {
                if let Ok(mut results) = self.0.lock() {
                    results.push(((test.suite.clone(), test.id.0.clone()), *outcome));
                }
            }
            EventKind::RunStarted { .. }
            | EventKind::RuntimeStarted { .. }
            | EventKind::Built { .. }
            | EventKind::LoadError { .. }
            | EventKind::TestStarted { .. }
            | EventKind::Console { .. }
            | EventKind::TestSkipped { .. }
            | EventKind::RuntimeError { .. }
            | EventKind::RuntimeRestarted { .. }
            | EventKind::SnapshotFile { .. }
            | EventKind::RunFinished { .. }
            | EventKind::TestAttemptFailed { .. }
            | EventKind::HuntFinished { .. } => {}
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_first_keeps_the_failures_of_the_affected_files() {
        let plan = Plan {
            root: "/p".into(),
            suites: vec![crate::plan::PlannedSuite {
                id: "unit".into(),
                runtimes: vec![RuntimeKind::Node],
                timeout_ms: 5000,
                files: ["a.test.js", "b.test.js"]
                    .iter()
                    .map(|p| crate::plan::PlannedFile {
                        path: p.to_string(),
                        abs: PathBuf::from("/p").join(p),
                        syntax_error: None,
                        selected: true,
                        nodes: vec![],
                        imports: vec![],
                        subjects: vec![],
                        environment: None,
                        vitest_project: false,
                    })
                    .collect(),
            }],
        };
        let failed: BTreeSet<Key> = [("unit", "a.test.js::x"), ("unit", "b.test.js::y"), ("other", "a.test.js::z")]
            .iter()
            .map(|(s, i)| (s.to_string(), i.to_string()))
            .collect();
        let files: BTreeSet<PathBuf> = [PathBuf::from("/p/a.test.js")].into();
        let first = failed_first(&failed, &plan, &files);
        assert_eq!(first, [("unit".to_string(), "a.test.js::x".to_string())].into());
        assert_eq!(files_of(&plan, &failed), [PathBuf::from("/p/a.test.js"), PathBuf::from("/p/b.test.js")].into());
    }
}
