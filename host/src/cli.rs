//! Command-line surface: what the user typed, as clap derive structs.
//!
//! Nothing here is validated beyond clap's own parsing; `config::resolve` merges these flags
//! with `proctor.toml` into the one `Config` every later stage reads.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// proctor: runs JavaScript tests one at a time inside real runtimes.
#[derive(Debug, Parser)]
#[command(name = "proctor", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the tests (all of them, or those under the given paths).
    Run(RunArgs),
    /// Print the test plan (ids, tags, file:line) without running anything.
    List(ListArgs),
}

/// Flags shared by every command that reads a project.
#[derive(Debug, Args, Clone)]
pub struct ProjectArgs {
    /// Test files or directories to use instead of discovering every test file.
    pub paths: Vec<PathBuf>,
    /// The project root (default: the nearest directory upwards holding proctor.toml, else the
    /// current directory).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// The config file (default: <root>/proctor.toml when it exists).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Print the resolved configuration and exit.
    #[arg(long)]
    pub print_config: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// The reporter for the terminal (default: dots on CI or when stdout is not a terminal,
    /// documentation otherwise).
    #[arg(long, value_enum)]
    pub reporter: Option<ReporterKind>,
    /// Also write a JUnit XML report to this file.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// The default per-test timeout, e.g. 5000, 5000ms, 5s (a test's own option still wins).
    #[arg(long, value_name = "DURATION")]
    pub timeout: Option<String>,
    /// What a run in which no test ran means.
    #[arg(long, value_enum, default_value_t = NoTests::Fail)]
    pub no_tests: NoTests,
    /// Run every suite in this runtime instead of its configured ones (node, chromium);
    /// repeat to run in several.
    #[arg(long, value_name = "RUNTIME")]
    pub runtime: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// The terminal reporters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReporterKind {
    /// One character per test, then a summary.
    Dots,
    /// A tree of groups and tests with ✓/✗ and durations, then a summary.
    Documentation,
    /// One JSON event per line (no summary).
    Json,
}

/// What a run in which no test ran exits with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NoTests {
    /// Exit 0 silently.
    Pass,
    /// Print a warning and exit 0.
    Warn,
    /// Exit 4.
    Fail,
}

/// `proctor list` output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Human-readable lines.
    Text,
    /// The plan as one JSON document.
    Json,
}
