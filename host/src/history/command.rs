//! The reading commands: `proctor history [ID...]`, `proctor history export|import`,
//! `proctor flaky` and `proctor slow`. Each opens the project's history database (read-only
//! use, never created), asks one question of `query`, and prints a table or, with `--json`,
//! `{"version": 1, "<command>": [rows]}` (the shapes are in the README).

use super::query::{self, GroupBy};
use super::record::unix_ms;
use super::store::{HistoryError, Store};
use super::transfer;
use crate::cli::ProjectArgs;
use crate::exit::{SUCCESS, USAGE_OR_ENVIRONMENT};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// The JSON output's version: bumped only when a field changes meaning or goes away.
const JSON_VERSION: u32 = 1;

/// Flags every reading command takes.
#[derive(Debug, Args, Clone)]
pub struct ReadArgs {
    /// The project root (default: the nearest directory upwards holding proctor.toml, else the
    /// current directory).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// The config file (default: <root>/proctor.toml when it exists).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Only runs from this recent past: an age such as 7d, 12h, 4w.
    #[arg(long, value_name = "AGE")]
    pub since: Option<String>,
}

/// `proctor history`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub action: Option<HistoryAction>,
    /// Test ids (or id prefixes: a file, a group) to show; every test when none is given.
    pub ids: Vec<String>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// At most this many commits per test.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

/// `proctor history export|import`.
#[derive(Debug, Subcommand)]
pub enum HistoryAction {
    /// Write the history as JSON lines (one run per line) to stdout or a file.
    Export {
        #[command(flatten)]
        read: ReadArgs,
        /// Write here instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Add the runs of an exported file (`-` for stdin); runs already recorded are skipped.
    Import {
        /// The file.
        file: PathBuf,
        #[command(flatten)]
        read: ReadArgs,
    },
}

/// `proctor flaky`.
#[derive(Debug, Args)]
pub struct FlakyArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// What "the same code" is: the working tree's git tree (default), or the commit.
    #[arg(long, value_enum, default_value_t = GroupBy::Tree)]
    pub by: GroupBy,
    /// At most this many tests.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Order or chance? Rerun this test alone, then after the tests that preceded its newest
    /// recorded failure, bisecting them down to the one it fails after.
    #[arg(long, value_name = "ID")]
    pub triage: Option<String>,
    /// --triage: how many times to run the test alone.
    #[arg(long, value_name = "N", default_value_t = 20, requires = "triage")]
    pub runs: u32,
    /// --triage: the tests that ran before it, in order (instead of a recorded failing run's).
    #[arg(long, value_name = "ID", num_args = 1.., requires = "triage")]
    pub after: Vec<String>,
}

/// `proctor slow`.
#[derive(Debug, Args)]
pub struct SlowArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// At most this many tests.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

/// Why a reading command stopped.
#[derive(Debug, thiserror::Error)]
enum ReadError {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    History(#[from] HistoryError),
    #[error(transparent)]
    Transfer(#[from] transfer::TransferError),
    #[error("invalid value for --since: `{0}` is not an age (use e.g. 7d, 12h, 4w)")]
    Since(String),
    #[error("failed to write output: {0}")]
    Output(#[from] std::io::Error),
}

/// The database path and the `--since` cutoff (ms; 0 for all).
fn open(read: &ReadArgs, create: bool) -> Result<(Store, i64), ReadError> {
    let project = ProjectArgs {
        paths: Vec::new(),
        root: read.root.clone(),
        config: read.config.clone(),
        print_config: false,
        select: Default::default(),
    };
    let config = crate::config::resolve(&project, None)?;
    let since =
        since_cutoff(read.since.as_deref()).ok_or_else(|| ReadError::Since(read.since.clone().unwrap_or_default()))?;
    Ok((Store::open(&config.history.path, create, Duration::from_secs(5))?, since))
}

/// The `--since AGE` cutoff in ms since the epoch (0 without one), or `None` when the text is
/// not an age.
pub fn since_cutoff(since: Option<&str>) -> Option<i64> {
    match since {
        Some(text) => {
            let age = crate::config::parse_age(text)?;
            Some(unix_ms(SystemTime::now() - age.min(Duration::from_secs(100 * 365 * 86_400))))
        }
        None => Some(0),
    }
}

/// Runs a reading command: prints its error and gives the exit code.
fn answer(run: impl FnOnce() -> Result<(), ReadError>) -> u8 {
    match run() {
        Ok(()) => SUCCESS,
        Err(ReadError::History(missing @ HistoryError::Missing { .. })) => {
            errln!("proctor: {missing}");
            SUCCESS
        }
        Err(err) => {
            errln!("proctor: error: {err}");
            USAGE_OR_ENVIRONMENT
        }
    }
}

fn print_json(name: &str, rows: &impl serde::Serialize) -> Result<(), ReadError> {
    let value = serde_json::json!({ "version": JSON_VERSION, name: rows });
    outln!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
    Ok(())
}

/// `proctor history`.
pub fn history(args: HistoryArgs) -> u8 {
    answer(|| match args.action {
        Some(HistoryAction::Export { read, output }) => {
            let (store, since) = open(&read, false)?;
            let mut out: Box<dyn std::io::Write> = match &output {
                Some(path) => Box::new(std::io::BufWriter::new(std::fs::File::create(path)?)),
                None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            };
            let runs = transfer::export(&store, since, &mut out)?;
            errln!("proctor: exported {runs} run{}", if runs == 1 { "" } else { "s" });
            Ok(())
        }
        Some(HistoryAction::Import { file, read }) => {
            let (mut store, _) = open(&read, true)?;
            let mut input: Box<dyn std::io::BufRead> = if file.as_os_str() == "-" {
                Box::new(std::io::stdin().lock())
            } else {
                Box::new(std::io::BufReader::new(std::fs::File::open(&file)?))
            };
            let done = transfer::import(&mut store, &mut input)?;
            if read.json {
                outln!("{}", serde_json::to_string(&done).unwrap_or_default());
            } else {
                outln!(
                    "imported {} runs ({} attempts); {} already recorded",
                    done.runs,
                    done.attempts,
                    done.duplicates
                );
            }
            Ok(())
        }
        None => {
            let (store, since) = open(&args.read, false)?;
            let rows = query::by_commit(&store, &args.ids, since, args.limit)?;
            if args.read.json {
                return print_json("history", &rows);
            }
            if rows.is_empty() {
                outln!("no recorded results{}", if args.ids.is_empty() { "" } else { " for these tests" });
            }
            let mut current: Option<(&str, &str)> = None;
            for row in &rows {
                if current != Some((&row.suite, &row.test)) {
                    current = Some((&row.suite, &row.test));
                    outln!("{}:{}", row.suite, row.test);
                    outln!(
                        "  {:<12} {:<14} {:>5} {:>5} {:>5} {:>6} {:>9} {:>9}",
                        "COMMIT",
                        "BRANCH",
                        "RUNS",
                        "PASS",
                        "FAIL",
                        "FAIL%",
                        "MEDIAN",
                        "P90"
                    );
                }
                outln!(
                    "  {:<12} {:<14} {:>5} {:>5} {:>5} {:>5.1}% {:>9} {:>9}{}",
                    commit_label(row.commit.as_deref(), row.uncommitted),
                    row.branch.as_deref().unwrap_or("-"),
                    row.runs,
                    row.passed,
                    row.failed,
                    row.failure_rate * 100.0,
                    ms(row.durations.median_ms),
                    ms(row.durations.p90_ms),
                    row.last_failure.as_deref().map(|m| format!("  last failure: {m}")).unwrap_or_default()
                );
            }
            Ok(())
        }
    })
}

/// `proctor flaky`.
pub fn flaky(args: FlakyArgs) -> u8 {
    answer(|| {
        let (store, since) = open(&args.read, false)?;
        let rows = query::flaky(&store, args.by, since, args.limit)?;
        if args.read.json {
            return print_json("flaky", &rows);
        }
        if rows.is_empty() {
            outln!("no flaky tests: no test both passed and failed on the same code");
            return Ok(());
        }
        outln!("{:>6} {:>5} {:>5}  TEST", "FLIP%", "PASS", "FAIL");
        for row in &rows {
            outln!("{:>5.1}% {:>5} {:>5}  {}:{}", row.flip_rate * 100.0, row.passed, row.failed, row.suite, row.test);
            let first = commit_label(row.first_seen.commit.as_deref(), false);
            let last = commit_label(row.last_seen.commit.as_deref(), false);
            outln!("                     first seen {first}, last seen {last}");
            for key in &row.mixed {
                outln!(
                    "                     {}: {} passed, {} failed",
                    commit_label(key.commit.as_deref(), key.uncommitted),
                    key.passed,
                    key.failed
                );
            }
        }
        Ok(())
    })
}

/// `proctor slow`.
pub fn slow(args: SlowArgs) -> u8 {
    answer(|| {
        let (store, since) = open(&args.read, false)?;
        let rows = query::slow(&store, since, args.limit)?;
        if args.read.json {
            return print_json("slow", &rows);
        }
        outln!("{:>9} {:>9} {:>8}  TEST", "MEDIAN", "P90", "ATTEMPTS");
        for row in &rows {
            outln!(
                "{:>9} {:>9} {:>8}  {}:{}",
                ms(row.durations.median_ms),
                ms(row.durations.p90_ms),
                row.attempts,
                row.suite,
                row.test
            );
        }
        Ok(())
    })
}

/// A commit as shown: its first 10 digits, `+` when the run was on uncommitted changes.
fn commit_label(commit: Option<&str>, uncommitted: bool) -> String {
    let short = commit.map_or("(no git)", |c| &c[..c.len().min(10)]);
    if uncommitted {
        format!("{short}+")
    } else {
        short.to_owned()
    }
}

fn ms(value: f64) -> String {
    if value >= 1000.0 {
        format!("{:.2}s", value / 1000.0)
    } else {
        format!("{value:.1}ms")
    }
}
