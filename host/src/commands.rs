//! `proctor run`: the pipeline config → plan → select → session → events → reporters (`list`,
//! in `list.rs`, stops after select). Errors that stop a command before any test runs are
//! [`CommandError`].

use crate::build::{FileSetup, ModuleSettings, NodeModules, ProjectModules};
use crate::cli::{NoTests, RunArgs};
use crate::config::RuntimeKind;
use crate::config::{resolve, Config, ConfigError};
use crate::events::{Emitter, EventKind, Interruption};
use crate::exit::{exit_code, Ending, SUCCESS};
use crate::plan::{build_plan, no_files_message, Plan, PlanError};
use crate::report::build_reporters;
use crate::runtime::{
    BuildReport, ChromiumLaunch, EarlyNode, KeptNode, KeptNodeLaunch, Launch, NodeLaunch, PrepareError, ServedLaunch,
};
use crate::select::{select, SelectError};
use crate::serve::{read_record, Recorded, ServeClient};
use crate::server::Server;
use crate::session::{
    report_interrupted, report_not_run, report_syntax_errors, report_unselected, run_suite, start_failed, FailFast,
    RunStats, SuiteSettings,
};
use protocol::serve::ServedRuntime;
use std::sync::Arc;

/// Why a command stopped before running tests (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// Bad config or flags.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The plan could not be made.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The selection does not fit the plan (an id that matches nothing).
    #[error(transparent)]
    Select(#[from] SelectError),
    /// The runtime is missing or unusable.
    #[error(transparent)]
    Runtime(#[from] runtimes::RuntimeError),
    /// `proctor serve` could not start, or a run could not use it.
    #[error("{0}")]
    Serve(String),
    /// Talking to a live `proctor serve` failed.
    #[error(transparent)]
    Served(#[from] crate::serve::ServeError),
    /// A report file cannot be written.
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    /// Writing to stdout failed.
    #[error("failed to write output: {0}")]
    Output(#[from] std::io::Error),
    /// A global setup module failed (the run did not start).
    #[error(transparent)]
    GlobalSetup(#[from] crate::global_setup::GlobalSetupError),
    /// `proctor init` wrote nothing.
    #[error(transparent)]
    Init(#[from] crate::init::InitError),
    /// `proctor hunt` could not start.
    #[error(transparent)]
    Hunt(#[from] crate::hunt::HuntError),
}

/// `proctor run`.
pub async fn run(args: RunArgs) -> Result<u8, CommandError> {
    let config = resolve(&args.project, Some(&args))?;
    warn_config(&config);
    crate::init::note_unmigrated(&config);
    if args.project.print_config {
        outln!("{}", serde_json::to_string_pretty(&config).unwrap_or_default());
        return Ok(SUCCESS);
    }
    // Before any runtime starts (they inherit the environment it sets up); torn down at the end
    // whatever the run did: failed, interrupted, or stopped by an error.
    let global_setup = crate::global_setup::GlobalSetup::start(&config).await?;
    let ran = run_planned(&config).await;
    let torn_down = match global_setup {
        Some(setup) => setup.teardown().await,
        None => Ok(()),
    };
    let code = ran?;
    match torn_down {
        Ok(()) => Ok(code),
        Err(error) => {
            errln!("proctor: error: {error}");
            Ok(if code == SUCCESS { crate::exit::USAGE_OR_ENVIRONMENT } else { code })
        }
    }
}

/// Plans, selects and runs the tests of a resolved config; returns the exit code.
async fn run_planned(config: &Config) -> Result<u8, CommandError> {
    // Node starts now, loading its controller while the files are parsed: the plan does not
    // say which files to load until it is done, but every node suite needs the same runtime.
    let early_node = config.suites.iter().any(|suite| suite.runtimes.contains(&RuntimeKind::Node));
    let early_node: EarlySlot = std::sync::Mutex::new(if early_node { EarlyNode::start(&config.root) } else { None });
    // Planned off this thread, so Ctrl-C or SIGTERM meanwhile still ends the run cleanly: the
    // early node is killed and its temp dir removed when `early_node` is dropped.
    // The selection comes back with what it learned from the plan (the files --changed reaches).
    let planning = {
        let mut config = config.clone();
        tokio::task::spawn_blocking(move || selected_plan(&mut config).map(|plan| (plan, config)))
    };
    let (plan, config) = tokio::select! {
        planned = planning => match planned {
            Ok(planned) => {
                let (plan, config) = planned?;
                (Arc::new(plan), config)
            }
            Err(failed) => std::panic::resume_unwind(failed.into_panic()),
        },
        signal = interruption_signal() => return Ok(crate::exit::interrupted(signal)),
    };
    let config = &config;
    if !loads(&plan, RuntimeKind::Node) {
        // Only browser files were selected: no reason to keep node waiting through the run.
        *lock(&early_node) = None;
    }
    // A server with a status page hears of every run, not only those that need its browsers.
    let may_serve = (wants_browser(&plan) || crate::serve::shows_page(&config.root)) && !config.no_server;
    // Started before the reporters, which take it too (the html report's commit line).
    let code = code_lookup(config, may_serve);
    // Before the wait for `proctor serve`, so a report that cannot be written stops the run
    // before it waits, and a run interrupted while it waits still reports its tests.
    let reporters = build_reporters(config, code.as_ref())?;
    let served = if may_serve {
        match connect_to_server(&config.root).await {
            Served::Leased(client) => Some(Arc::new(client)),
            Served::Standalone => None,
            Served::Interrupted(signal) => {
                return Ok(not_started(&plan, reporters, signal).exit_code(config.no_tests, config.flaky_result))
            }
        }
    } else {
        None
    };
    let kept = Kept { served: served.as_ref(), node: None, early_node: Some(&early_node), code: code.as_ref() };
    let ran = execute(&plan, config, kept, reporters).await?;
    Ok(ran.exit_code(config.no_tests, config.flaky_result))
}

/// What one run did.
pub(crate) struct Ran {
    /// Its counts.
    pub stats: RunStats,
    /// The signal (Ctrl-C or SIGTERM) that stopped it, if one did.
    pub interrupted: Option<Interruption>,
    /// True when a report could not be written (the error was printed).
    pub report_lost: bool,
}

impl Ran {
    /// The exit code, with the no-tests warning printed where it applies.
    pub(crate) fn exit_code(&self, no_tests: NoTests, flaky: crate::retry::FlakyResult) -> u8 {
        if let Some(signal) = self.interrupted {
            errln!("proctor: interrupted by {}; the runtimes were stopped", signal.name());
        } else if self.stats.ran() == 0 && no_tests == NoTests::Warn && !self.stats.has_failures() {
            errln!("proctor: warning: no tests ran");
        }
        let flaky_fails = flaky == crate::retry::FlakyResult::Fail;
        let ending = Ending { interrupted: self.interrupted, report_lost: self.report_lost, flaky_fails };
        exit_code(&self.stats, no_tests, ending)
    }
}

/// True when some suite loads files in a browser (and so may run through `proctor serve`).
pub(crate) fn wants_browser(plan: &Plan) -> bool {
    loads(plan, RuntimeKind::Chromium) || loads(plan, RuntimeKind::Attach)
}

fn loads(plan: &Plan, kind: RuntimeKind) -> bool {
    plan.suites
        .iter()
        .any(|s| s.runtimes.contains(&kind) && s.files.iter().any(|f| f.syntax_error.is_none() && f.selected))
}

/// Where the node process started before the plan waits for the suite that takes it.
pub(crate) type EarlySlot = std::sync::Mutex<Option<EarlyNode>>;

/// Runtimes kept across runs, where there are any.
#[derive(Clone, Copy)]
pub(crate) struct Kept<'a> {
    /// A live `proctor serve` whose lease this run holds (browser tabs).
    pub served: Option<&'a Arc<ServeClient>>,
    /// The kept node process of `proctor watch`.
    pub node: Option<&'a KeptNode>,
    /// A node process started before the plan; the first node suite takes it.
    pub early_node: Option<&'a EarlySlot>,
    /// The run's git lookup when the caller already started it (watch shares it with its
    /// status board); otherwise the run starts one when its history or status needs it.
    pub code: Option<&'a crate::history::CodeLookup>,
}

/// The run's one git lookup, started now when anything will read it: the history's key, the
/// html report's commit line, and (`status`: the run reports to a status board or may go
/// through `proctor serve`) the status's commit. Everyone shares it, so they cannot disagree.
pub(crate) fn code_lookup(config: &Config, status: bool) -> Option<crate::history::CodeLookup> {
    let html = config.reporters.iter().any(|spec| spec.kind == crate::cli::ReporterKind::Html);
    (config.history.enabled || status || html)
        .then(|| crate::history::CodeLookup::start(&config.root, &config.history.path))
}

/// Runs a selected plan from `RunStarted` to `RunFinished` through `reporters`, in the `kept`
/// runtimes where there are any. Ctrl-C or SIGTERM stop it cleanly.
pub(crate) async fn execute(
    plan: &Arc<Plan>,
    config: &Config,
    kept: Kept<'_>,
    mut reporters: crate::report::Fanout,
) -> Result<Ran, CommandError> {
    let served = kept.served;
    // One git lookup per run, off its thread: the history's key and the status's commit.
    let code = kept.code.cloned().or_else(|| {
        (config.history.enabled || served.is_some())
            .then(|| crate::history::CodeLookup::start(&config.root, &config.history.path))
    });
    if let (Some(client), Some(code)) = (served, &code) {
        reporters.push("serve-status", crate::status::to_server(client.clone(), code.clone()));
        if client.wants_events {
            reporters.push("serve-page", crate::status_page::forward(client.clone(), config.root.clone()));
        }
    }
    let node = if loads(plan, RuntimeKind::Node) && kept.node.is_none() {
        let early = kept.early_node.and_then(|slot| lock(slot).as_ref().map(|early| early.launcher().clone()));
        Some(match early {
            Some(launcher) => launcher,
            None => runtimes::NodeLauncher::find()?,
        })
    } else {
        None
    };
    let chromium = if loads(plan, RuntimeKind::Chromium) && served.is_none() {
        Some(runtimes::ChromiumLauncher::find()?)
    } else {
        None
    };
    // Every attempt goes to the history database too, off this thread (never failing the run).
    if let Some(history) = code.and_then(|code| crate::history::HistorySink::start(&config.history, &config.root, code))
    {
        reporters.push_first("history", Box::new(history));
    }
    let mut stats = RunStats::default();
    let fail_fast = config.fail_fast.then(FailFast::default);
    let mut interrupted = None;
    {
        let mut emitter = Emitter::new(&mut reporters);
        emitter.emit(EventKind::RunStarted { plan: plan.clone(), seed: config.seed });
        let runtimes = Runtimes {
            node: node.as_ref(),
            chromium: chromium.as_ref(),
            served,
            kept_node: kept.node,
            early_node: kept.early_node,
        };
        // Dropping the run on Ctrl-C or SIGTERM kills the runtimes and removes their temp dirs
        // (every one of them is owned by that future); every selected test is still reported.
        tokio::select! {
            () = run_suites(plan, config, runtimes, fail_fast.as_ref(), &mut emitter, &mut stats) => {}
            signal = interruption_signal() => interrupted = Some(signal),
        }
        end_run(plan, interrupted, &mut emitter, &mut stats);
    }
    let report_lost = finish(reporters);
    if let Some(client) = served {
        // The server handles a connection's messages in order: once this is answered it has
        // the run's last status, which would otherwise be lost as the run exits.
        let _ = client.status().await;
    }
    Ok(Ran { stats, interrupted, report_lost })
}

/// A run interrupted before its first test (waiting for `proctor serve`): every selected test
/// is reported as not run.
fn not_started(plan: &Arc<Plan>, mut reporters: crate::report::Fanout, signal: Interruption) -> Ran {
    let mut stats = RunStats::default();
    {
        let mut emitter = Emitter::new(&mut reporters);
        emitter.emit(EventKind::RunStarted { plan: plan.clone(), seed: None });
        end_run(plan, Some(signal), &mut emitter, &mut stats);
    }
    Ran { stats, interrupted: Some(signal), report_lost: finish(reporters) }
}

/// Reports what an interrupted run left (the running test, the tests not run), then the end.
fn end_run(plan: &Plan, interrupted: Option<Interruption>, emitter: &mut Emitter<'_>, stats: &mut RunStats) {
    if let Some(signal) = interrupted {
        report_interrupted(plan, signal, emitter, stats);
    }
    emitter.emit(EventKind::RunFinished { stats: *stats, interrupted });
}

/// Finishes the reporters; prints the reports that could not be written and returns true when
/// there were any.
fn finish(reporters: crate::report::Fanout) -> bool {
    let lost = reporters.finish();
    for err in &lost {
        errln!("proctor: error: {err}");
    }
    !lost.is_empty()
}

/// The runtimes found for this run.
#[derive(Clone, Copy)]
struct Runtimes<'a> {
    node: Option<&'a runtimes::NodeLauncher>,
    chromium: Option<&'a runtimes::ChromiumLauncher>,
    /// The live `proctor serve` this run holds the lease of.
    served: Option<&'a Arc<ServeClient>>,
    /// The kept node process of `proctor watch`.
    kept_node: Option<&'a KeptNode>,
    /// The node process started before the plan, until a suite takes it.
    early_node: Option<&'a EarlySlot>,
}

/// Whether this run goes through a live `proctor serve`.
pub(crate) enum Served {
    Leased(ServeClient),
    Standalone,
    Interrupted(Interruption),
}

/// Finds the project's live server and waits for its lease. A record whose server does not
/// answer is reported and the run goes on standalone.
pub(crate) async fn connect_to_server(root: &std::path::Path) -> Served {
    let Recorded::Live(record) = read_record(root) else { return Served::Standalone };
    let mut client = match ServeClient::connect(&record).await {
        Ok(client) => client,
        Err(err) => {
            errln!("proctor: warning: {err}; running standalone (remove .proctor/server.json if it is stale)");
            return Served::Standalone;
        }
    };
    let queued = |ahead: usize| {
        let runs = if ahead == 1 { "run" } else { "runs" };
        errln!("proctor: proctor serve is busy with {ahead} other {runs}; this run waits its turn");
    };
    tokio::select! {
        leased = client.lease(queued) => match leased {
            Ok(()) => {
                errln!("proctor: running in the runtimes kept by proctor serve (pid {})", record.pid);
                Served::Leased(client)
            }
            Err(err) => {
                errln!("proctor: warning: {err}; running standalone");
                Served::Standalone
            }
        },
        signal = interruption_signal() => Served::Interrupted(signal),
    }
}

/// How long a run waits for a person to attach a browser (`PROCTOR_ATTACH_TIMEOUT` overrides).
fn attach_timeout() -> std::time::Duration {
    std::env::var("PROCTOR_ATTACH_TIMEOUT")
        .ok()
        .and_then(|text| crate::config::parse_duration(&text))
        .unwrap_or(std::time::Duration::from_secs(120))
}

/// True when `--runtime-filter` lets this kept runtime run: no filter, or one naming its label,
/// its kind, or part of its user agent.
fn filter_accepts(filter: &[String], runtime: &ServedRuntime) -> bool {
    filter.is_empty()
        || filter.iter().any(|f| *f == runtime.label || *f == runtime.kind || runtime.user_agent.contains(f.as_str()))
}

/// The kept runtimes of `kind` the filter accepts; for `attach`, waits for a person to open
/// the URL when none is connected yet.
async fn served_runtimes(
    client: &ServeClient,
    kind: RuntimeKind,
    filter: &[String],
) -> Result<Vec<ServedRuntime>, String> {
    let accept = |r: &ServedRuntime| r.kind == kind.name() && filter_accepts(filter, r);
    let mut picked: Vec<ServedRuntime> = client.runtimes().into_iter().filter(|r| accept(r)).collect();
    let none_of_kind = !client.runtimes().iter().any(|r| r.kind == kind.name());
    // Waiting makes sense for a browser nobody has attached yet, not for a filter that
    // excludes the ones that are there.
    if picked.is_empty() && kind == RuntimeKind::Attach && none_of_kind {
        let wait = attach_timeout();
        errln!("proctor: waiting up to {}s for a browser to attach: open {}", wait.as_secs(), client.attach_url);
        picked = client.wait_for(accept, wait).await;
        if picked.is_empty() {
            return Err(format!(
                "no browser attached within {}s (hint: open {} in a browser, then run again; PROCTOR_ATTACH_TIMEOUT sets the wait)",
                wait.as_secs(),
                client.attach_url
            ));
        }
    }
    if picked.is_empty() {
        let connected: Vec<String> = client.runtimes().into_iter().map(|r| r.label).collect();
        let connected = if connected.is_empty() { "none".to_string() } else { connected.join(", ") };
        return Err(if filter.is_empty() {
            format!(
                "proctor serve keeps no {} runtime (connected: {connected}; hint: restart it with --tabs 1, or run with --no-server)",
                kind.name()
            )
        } else {
            format!(
                "no {} runtime kept by proctor serve matches --runtime-filter {} (connected: {connected})",
                kind.name(),
                filter.join(", ")
            )
        });
    }
    Ok(picked)
}

/// Runs every suite in each of its runtimes, in config order.
async fn run_suites(
    plan: &Plan,
    config: &crate::config::Config,
    found: Runtimes<'_>,
    fail_fast: Option<&FailFast>,
    emitter: &mut Emitter<'_>,
    stats: &mut RunStats,
) {
    let (node, chromium, served, kept_node) = (found.node, found.chromium, found.served, found.kept_node);
    let (emitter, stats) = (emitter, stats);
    for (suite, suite_config) in plan.suites.iter().zip(&config.suites) {
        // How the suite's modules resolve and compile in a browser.
        let browser_modules =
            crate::build::ModuleSettings::for_suite(config, suite_config, crate::resolve::Target::Browser);
        let files = report_syntax_errors(suite, emitter, stats);
        // What each test file's realm gets first: the setup files, and in node the environment.
        let setup = FileSetup::for_suite(&config.root, suite_config, suite);
        for &runtime in &suite.runtimes {
            if let Some(reason) = fail_fast.and_then(FailFast::reason) {
                report_not_run(suite, runtime, &reason, emitter, stats);
                continue;
            }
            if files.is_empty() {
                // No runtime for this suite: its skipped tests come from the plan alone.
                report_unselected(suite, runtime, emitter, stats);
                continue;
            }
            if let (RuntimeKind::Chromium | RuntimeKind::Attach, Some(client)) = (runtime, served) {
                let picked = match served_runtimes(client, runtime, &config.runtime_filter).await {
                    Ok(picked) => picked,
                    Err(message) => {
                        start_failed(&suite.id, message, emitter, stats);
                        continue;
                    }
                };
                for kept in picked {
                    let settings = SuiteSettings {
                        suite,
                        runtime,
                        instance: Some(kept.label.clone()),
                        timeout_override: config.timeout_override,
                        selection: &config.selection,
                        seed: config.seed,
                        order: config.order.as_deref(),
                        fail_fast,
                        root: &config.root,
                        snapshot_update: config.snapshot_update,
                        snapshot_format: suite_config.snapshot_format,
                        isolate: suite_config.isolate,
                        retries: crate::retry::Retries::for_suite(config, suite_config),
                        repeat: config.repeat,
                        empty_files_ok: suite_config.empty_files_ok,
                    };
                    let prepared = ServedLaunch::prepare(
                        client,
                        &kept.label,
                        &files,
                        &setup,
                        &config.root,
                        &suite_config.build,
                        suite_config.minify,
                        suite_config.page.as_deref(),
                        &browser_modules,
                    )
                    .await;
                    run_built(prepared, &settings, emitter, stats).await;
                }
                continue;
            }
            let settings = SuiteSettings {
                suite,
                runtime,
                instance: None,
                timeout_override: config.timeout_override,
                selection: &config.selection,
                seed: config.seed,
                order: config.order.as_deref(),
                fail_fast,
                root: &config.root,
                snapshot_update: config.snapshot_update,
                snapshot_format: suite_config.snapshot_format,
                isolate: suite_config.isolate,
                retries: crate::retry::Retries::for_suite(config, suite_config),
                repeat: config.repeat,
                empty_files_ok: suite_config.empty_files_ok,
            };
            // The suite's modules for node: resolved and transformed once, before node starts.
            let node_modules = (runtime == RuntimeKind::Node).then(|| {
                ProjectModules::new(ModuleSettings::for_suite(config, suite_config, crate::resolve::Target::Node))
            });
            let node_tests = || NodeModules {
                modules: node_modules.as_ref().expect("made for node runtimes"),
                tests: suite
                    .files
                    .iter()
                    .filter(|f| files.iter().any(|(_, abs)| *abs == f.abs))
                    .map(|f| (f.abs.clone(), f.imports.clone()))
                    .collect(),
                setup: &setup,
            };
            match (runtime, kept_node, node, chromium) {
                (RuntimeKind::Node, Some(kept), _, _) => {
                    let prepared = KeptNodeLaunch::prepare(kept, &files, &node_tests()).await;
                    run_prepared(prepared.map(|(server, launch)| (server, launch, None)), &settings, emitter, stats)
                        .await;
                }
                (RuntimeKind::Node, None, Some(launcher), _) => {
                    let early = take_early_node(found.early_node);
                    let prepared = NodeLaunch::prepare(launcher, &files, &config.root, early, &node_tests()).await;
                    run_prepared(prepared.map(|(server, launch)| (server, launch, None)), &settings, emitter, stats)
                        .await;
                }
                (RuntimeKind::Chromium, _, _, Some(launcher)) => {
                    let prepared = ChromiumLaunch::prepare(
                        launcher,
                        &files,
                        &setup,
                        &config.root,
                        &suite_config.build,
                        suite_config.minify,
                        suite_config.page.as_deref(),
                        &suite_config.permissions,
                        &browser_modules,
                    )
                    .await;
                    run_built(prepared, &settings, emitter, stats).await;
                }
                (RuntimeKind::Attach, _, _, _) => start_failed(
                    &suite.id,
                    format!(
                        "runtime \"attach\" runs in browsers people attach to `proctor serve`, and none runs for {} \
                         (hint: start `proctor serve` there and open the URL it prints)",
                        config.root.display()
                    ),
                    emitter,
                    stats,
                ),
                _ => start_failed(&suite.id, format!("no {} runtime was found", runtime.name()), emitter, stats),
            }
        }
    }
}

/// Takes the node process started before the plan, if it is still there.
fn take_early_node(slot: Option<&EarlySlot>) -> Option<EarlyNode> {
    slot.and_then(|slot| lock(slot).take())
}

fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Nothing holds the lock across a panic that matters: a poisoned slot is still usable.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Reports a browser build and runs the suite in what it prepared.
async fn run_built<L: Launch>(
    prepared: Result<(Server, L, BuildReport), PrepareError>,
    settings: &SuiteSettings<'_>,
    emitter: &mut Emitter<'_>,
    stats: &mut RunStats,
) {
    run_prepared(prepared.map(|(server, launch, build)| (server, launch, Some(build))), settings, emitter, stats).await
}

/// Runs the suite in what was prepared for it (reporting the build, if there was one), or
/// records why it could not be prepared.
async fn run_prepared<L: Launch>(
    prepared: Result<(Server, L, Option<BuildReport>), PrepareError>,
    settings: &SuiteSettings<'_>,
    emitter: &mut Emitter<'_>,
    stats: &mut RunStats,
) {
    match prepared {
        Ok((mut server, mut launch, build)) => {
            if let Some(build) = build {
                emitter.emit(EventKind::Built {
                    suite: settings.suite.id.clone(),
                    runtime: settings.runtime,
                    tool: build.tool,
                    duration: build.duration,
                });
            }
            run_suite(settings, &mut launch, &mut server.connections, emitter, stats).await
        }
        Err(err) => start_failed(&settings.suite.id, err.to_string(), emitter, stats),
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub(crate) async fn interruption() {
    interruption_signal().await;
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM, with which one arrived.
pub(crate) async fn interruption_signal() -> Interruption {
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => Interruption::Sigint,
            _ = terminate.recv() => Interruption::Sigterm,
        }
    }
    #[cfg(not(unix))]
    {
        match tokio::signal::ctrl_c().await {
            Ok(()) => Interruption::Sigint,
            Err(_) => std::future::pending().await,
        }
    }
}

/// Plans, then selects; prints the selection's warnings (a tag no test carries, a selection
/// that matches nothing) on stderr.
pub(crate) fn selected_plan(config: &mut crate::config::Config) -> Result<Plan, CommandError> {
    let mut plan = build_plan(config)?;
    // Said before anything else, so that the user sees where proctor looked (and what a run
    // that then reports no tests was missing); `--no-tests pass` asked for silence.
    if plan.suites.iter().all(|suite| suite.files.is_empty()) && config.no_tests != NoTests::Pass {
        errln!("proctor: {}", no_files_message(config));
    }
    select_plan(&mut plan, config)?;
    Ok(plan)
}

/// Selects in a plan; prints the selection's warnings on stderr. The test files `--changed` and
/// `--related` reach are worked out first, and kept in `config` for the rest of the run.
pub(crate) fn select_plan(plan: &mut Plan, config: &mut crate::config::Config) -> Result<(), CommandError> {
    crate::related::reach(plan, config);
    let notes = select(plan, &config.selection)?;
    for warning in notes.warnings {
        errln!("proctor: warning: {warning}");
    }
    Ok(())
}

/// Prints what the config file says that has no effect, once per command (and per reread in
/// watch), on stderr so it never mixes with a report or a plan on stdout.
pub(crate) fn warn_config(config: &Config) {
    for warning in &config.warnings {
        errln!("proctor: warning: {warning}");
    }
}
