//! The commands: `run` and `list`, each walking the pipeline config → plan → select →
//! (session → events → reporters). Errors that stop a command before any test runs are
//! [`CommandError`].

use crate::cli::{ListArgs, ListFormat, NoTests, RunArgs};
use crate::config::RuntimeKind;
use crate::config::{resolve, ConfigError};
use crate::events::{Emitter, EventKind};
use crate::exit::{exit_code, SUCCESS};
use crate::plan::{build_plan, Plan, PlanError, PlanNode};
use crate::report::build_reporters;
use crate::runtime::{ChromiumLaunch, NodeLaunch};
use crate::select::{select, Decision, SelectError};
use crate::session::{
    report_not_run, report_syntax_errors, report_unselected, run_suite, start_failed, FailFast, RunStats, SuiteSettings,
};
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
    /// Writing to stdout failed.
    #[error("failed to write output: {0}")]
    Output(#[from] std::io::Error),
}

/// `proctor run`.
pub async fn run(args: RunArgs) -> Result<u8, CommandError> {
    let config = resolve(&args.project, Some(&args))?;
    if args.project.print_config {
        println!("{}", serde_json::to_string_pretty(&config).unwrap_or_default());
        return Ok(SUCCESS);
    }
    let plan = Arc::new(selected_plan(&config)?);
    let loads = |kind: RuntimeKind| {
        plan.suites
            .iter()
            .any(|s| s.runtimes.contains(&kind) && s.files.iter().any(|f| f.syntax_error.is_none() && f.selected))
    };
    let node = if loads(RuntimeKind::Node) { Some(runtimes::NodeLauncher::find()?) } else { None };
    let chromium = if loads(RuntimeKind::Chromium) { Some(runtimes::ChromiumLauncher::find()?) } else { None };
    let mut reporters = build_reporters(&config);
    let mut stats = RunStats::default();
    let fail_fast = config.fail_fast.then(FailFast::default);
    let mut interrupted = false;
    {
        let mut emitter = Emitter::new(&mut reporters);
        emitter.emit(EventKind::RunStarted { plan: plan.clone(), seed: config.seed });
        let runtimes = Runtimes { node: node.as_ref(), chromium: chromium.as_ref() };
        // Dropping the run on Ctrl-C or SIGTERM kills the runtimes and removes their temp dirs
        // (every one of them is owned by that future); the counts so far still get reported.
        tokio::select! {
            () = run_suites(&plan, &config, runtimes, fail_fast.as_ref(), &mut emitter, &mut stats) => {}
            () = interruption() => interrupted = true,
        }
        emitter.emit(EventKind::RunFinished { stats });
    }
    reporters.finish();
    if interrupted {
        eprintln!("proctor: interrupted; the runtimes were stopped");
        return Ok(crate::exit::INTERRUPTED);
    }
    if stats.ran() == 0 && config.no_tests == NoTests::Warn && !stats.has_failures() {
        eprintln!("proctor: warning: no tests ran");
    }
    Ok(exit_code(&stats, config.no_tests))
}

/// The runtimes found for this run.
#[derive(Clone, Copy)]
struct Runtimes<'a> {
    node: Option<&'a runtimes::NodeLauncher>,
    chromium: Option<&'a runtimes::ChromiumLauncher>,
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
    let (node, chromium) = (found.node, found.chromium);
    let (emitter, stats) = (emitter, stats);
    for (suite, suite_config) in plan.suites.iter().zip(&config.suites) {
        let files = report_syntax_errors(suite, emitter, stats);
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
            let settings = SuiteSettings {
                suite,
                runtime,
                timeout_override: config.timeout_override,
                selection: &config.selection,
                seed: config.seed,
                fail_fast,
            };
            match (runtime, node, chromium) {
                (RuntimeKind::Node, Some(launcher), _) => {
                    match NodeLaunch::prepare(launcher, &files, &config.root).await {
                        Ok((mut server, mut launch)) => {
                            run_suite(&settings, &mut launch, &mut server.connections, emitter, stats).await
                        }
                        Err(err) => start_failed(&suite.id, err.to_string(), emitter, stats),
                    }
                }
                (RuntimeKind::Chromium, _, Some(launcher)) => {
                    let prepared = ChromiumLaunch::prepare(
                        launcher,
                        &files,
                        &config.root,
                        &suite_config.build,
                        suite_config.minify,
                    )
                    .await;
                    match prepared {
                        Ok((mut server, mut launch, build)) => {
                            emitter.emit(EventKind::Built {
                                suite: suite.id.clone(),
                                runtime,
                                tool: build.tool,
                                duration: build.duration,
                            });
                            run_suite(&settings, &mut launch, &mut server.connections, emitter, stats).await
                        }
                        Err(err) => start_failed(&suite.id, err.to_string(), emitter, stats),
                    }
                }
                _ => start_failed(&suite.id, format!("no {} runtime was found", runtime.name()), emitter, stats),
            }
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn interruption() {
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Plans, then selects; prints the selection's warnings (a tag no test carries, a selection
/// that matches nothing) on stderr.
fn selected_plan(config: &crate::config::Config) -> Result<Plan, CommandError> {
    let mut plan = build_plan(config)?;
    let notes = select(&mut plan, &config.selection)?;
    for warning in notes.warnings {
        eprintln!("proctor: warning: {warning}");
    }
    Ok(plan)
}

/// `proctor list`.
pub fn list(args: ListArgs) -> Result<u8, CommandError> {
    let config = resolve(&args.project, None)?;
    if args.project.print_config {
        println!("{}", serde_json::to_string_pretty(&config).unwrap_or_default());
        return Ok(SUCCESS);
    }
    let plan = selected_plan(&config)?;
    match args.format {
        ListFormat::Json => println!("{}", serde_json::to_string_pretty(&plan).unwrap_or_default()),
        ListFormat::Text => print!("{}", plan_text(&plan)),
    }
    Ok(SUCCESS)
}

/// One line per test: id, tags, mode, location, and why it will not run when it will not.
/// Suite prefixes appear when there are several. A last line counts what would run.
fn plan_text(plan: &Plan) -> String {
    let prefix_suites = plan.suites.len() > 1;
    let mut out = String::new();
    let mut counts = ListCounts::default();
    for suite in &plan.suites {
        let prefix = if prefix_suites { format!("{}:", suite.id) } else { String::new() };
        for file in &suite.files {
            if let Some(err) = &file.syntax_error {
                let state = if file.selected { "" } else { "  (not selected)" };
                out.push_str(&format!(
                    "{prefix}{}  (syntax error at {}:{}:{}: {}){state}\n",
                    file.path, file.path, err.location.line, err.location.column, err.message
                ));
                continue;
            }
            list_nodes(&mut out, &mut counts, &prefix, &file.path, &file.path, &file.nodes);
        }
    }
    let mut parts = vec![format!("{} selected", counts.selected)];
    if counts.pending > 0 {
        parts.push(format!("{} with dynamic names decided at load", counts.pending));
    }
    parts.push(format!("{} skipped", counts.skipped));
    out.push_str(&format!("\n{} tests: {}\n", counts.selected + counts.pending + counts.skipped, parts.join(", ")));
    out
}

#[derive(Default)]
struct ListCounts {
    selected: usize,
    pending: usize,
    skipped: usize,
}

fn list_nodes(out: &mut String, counts: &mut ListCounts, prefix: &str, file: &str, parent: &str, nodes: &[PlanNode]) {
    for node in nodes {
        match node {
            PlanNode::Group(group) => {
                let id = group.id.clone().unwrap_or_else(|| format!("{parent}::{}", group.name));
                list_nodes(out, counts, prefix, file, &id, &group.children);
            }
            PlanNode::Test(test) => {
                let id = test.id.clone().unwrap_or_else(|| format!("{parent}::{}", test.name));
                let mut notes = Vec::new();
                if !test.tags.is_empty() {
                    notes.push(format!("[{}]", test.tags.join(", ")));
                }
                match test.mode {
                    protocol::TestMode::Run => {}
                    protocol::TestMode::Skip => notes.push("(skip)".into()),
                    protocol::TestMode::Only => notes.push("(only)".into()),
                    protocol::TestMode::Todo => notes.push("(todo)".into()),
                }
                if test.dynamic {
                    notes.push("(dynamic name)".into());
                }
                let notes = if notes.is_empty() { String::new() } else { format!("  {}", notes.join(" ")) };
                let state = match &test.decision {
                    Decision::Selected => {
                        counts.selected += 1;
                        String::new()
                    }
                    Decision::Pending => {
                        counts.pending += 1;
                        String::new()
                    }
                    Decision::Skipped(reason) => {
                        counts.skipped += 1;
                        format!("  → skipped: {reason}")
                    }
                };
                out.push_str(&format!(
                    "{prefix}{id}{notes}  {file}:{}:{}{state}\n",
                    test.location.line, test.location.column
                ));
            }
        }
    }
}
