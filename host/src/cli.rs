//! Command-line surface: what the user typed, as clap derive structs.
//!
//! Nothing here is validated beyond clap's own parsing; `config::resolve` merges these flags
//! with `proctor.toml` into the one `Config` every later stage reads.

use clap::{Arg, ArgAction, ArgMatches, Args, Parser, Subcommand, ValueEnum};
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
    /// Rerun the tests a change affects, on every save, in runtimes kept between reruns.
    Watch(WatchArgs),
    /// Keep a server and its browser tabs up, so runs reuse them (and people can attach
    /// browsers of their own).
    Serve(ServeArgs),
    /// Write a proctor.toml from the project's Jest, Vitest, mocha, web-test-runner or Karma
    /// config, saying what each key became.
    Init(InitArgs),
    /// Print the state of the tests of a running `proctor watch` or `proctor serve` (exit 0
    /// passed or idle, 1 failed, 2 none running).
    Status(StatusArgs),
    /// What a runtime asks the host binary while it runs (not for people).
    #[command(hide = true)]
    Internal(InternalArgs),
    /// Show recorded outcomes of tests by commit (pass/fail counts, failure rate, durations);
    /// `export` and `import` move histories between machines.
    History(crate::history::HistoryArgs),
    /// List tests that both passed and failed on the same code, ranked by flip rate.
    Flaky(crate::history::FlakyArgs),
    /// List the slowest tests by median duration over the recorded history.
    Slow(crate::history::SlowArgs),
    /// Run the tests N times on each commit of a range (or each new commit of a branch), each
    /// in a temporary git worktree, recording every result under its commit. (`run --hunt`
    /// instead repeats each test of one run until it flips.)
    Hunt(crate::hunt::HuntArgs),
}

/// `proctor internal`: a node process asks for what the host's manifest did not cover.
#[derive(Debug, Args)]
pub struct InternalArgs {
    /// The run's module settings (written next to the manifest).
    #[arg(long)]
    pub settings: PathBuf,
    #[command(subcommand)]
    pub request: InternalRequest,
}

/// One question; the answer is one JSON object on stdout.
#[derive(Debug, Subcommand)]
pub enum InternalRequest {
    /// Transform a file: `{"code": <cached file>, "format": "module"|"commonjs"}` or `{"error": ...}`.
    Transform {
        /// The file.
        file: PathBuf,
    },
    /// Resolve a specifier: `{"path": ...}`, `{"builtin": ...}` or `{"error": ...}`.
    Resolve {
        /// The importing file.
        #[arg(long)]
        from: PathBuf,
        /// Resolve as `require` (else as `import`).
        #[arg(long)]
        require: bool,
        /// The specifier.
        specifier: String,
    },
}

/// `proctor init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project root, where the configs are read and proctor.toml is written (default: the
    /// current directory).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Replace an existing proctor.toml (and test pages init writes).
    #[arg(long)]
    pub force: bool,
    /// Print the proctor.toml to stdout (and the notes to stderr) instead of writing it.
    #[arg(long)]
    pub dry_run: bool,
}

/// `proctor serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The project root (default: the nearest directory upwards holding proctor.toml, else the
    /// current directory).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// The config file (default: <root>/proctor.toml when it exists).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// The port to listen on (default: a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// The address to bind (default 127.0.0.1). Anything else exposes the server beyond this
    /// machine: a warning is printed.
    #[arg(long, value_name = "ADDR")]
    pub host: Option<std::net::IpAddr>,
    /// How many headless Chromium tabs to keep (default: 1 when a suite runs in chromium).
    #[arg(long, value_name = "N")]
    pub tabs: Option<u32>,
    /// Print whether a server runs for this project (and what it keeps), then exit.
    #[arg(long, conflicts_with = "stop")]
    pub status: bool,
    /// Stop this project's server, then exit.
    #[arg(long)]
    pub stop: bool,
}

/// `proctor status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The project root (default: the nearest directory upwards holding .proctor/watch.json,
    /// else proctor.toml, else the current directory).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Print the status JSON (the shape `/status.json` serves) instead of a summary.
    #[arg(long)]
    pub json: bool,
    /// Ask this server instead of the project's: its page or status URL, with `?token=`.
    #[arg(long, value_name = "URL", conflicts_with = "port")]
    pub url: Option<String>,
    /// Ask the watch on this port of 127.0.0.1 instead of the project's (with --token).
    #[arg(long)]
    pub port: Option<u16>,
    /// The token for --url or --port.
    #[arg(long)]
    pub token: Option<String>,
}

/// Flags shared by every command that reads a project.
#[derive(Debug, Args, Clone)]
pub struct ProjectArgs {
    /// Test files or directories to use instead of discovering every test file; or filters: a
    /// word that is no path (`cart`) runs the test files whose path contains it, as in Vitest
    /// and Jest (several are OR'd, and paths given with them count as filters too).
    pub paths: Vec<PathBuf>,
    /// The project root (default: the nearest directory upwards holding proctor.toml, else the
    /// current directory).
    #[arg(long, help_heading = "Project")]
    pub root: Option<PathBuf>,
    /// The config file (default: <root>/proctor.toml when it exists).
    #[arg(long, help_heading = "Project")]
    pub config: Option<PathBuf>,
    /// Print the resolved configuration and exit.
    #[arg(long, help_heading = "Project")]
    pub print_config: bool,
    #[command(flatten)]
    pub select: SelectArgs,
}

/// Which tests: the selection flags, shared by `run` and `list` so `list` shows what `run` would
/// do. How they combine is one table in the README ("Combining selections").
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Selection")]
pub struct SelectArgs {
    /// Run only tests under this id: `[suite:]file[::group[::test]]` or a directory. An id
    /// matches itself and everything under it. Repeatable.
    #[arg(long, value_name = "ID")]
    pub focus: Vec<String>,
    /// Do not run tests under this id. Repeatable; beats --focus.
    #[arg(long, value_name = "ID")]
    pub skip: Vec<String>,
    /// Run only tests carrying this tag (from options objects, enclosing describes, or the
    /// suite's `tags`). Repeatable.
    #[arg(long, value_name = "TAG")]
    pub focus_tag: Vec<String>,
    /// Do not run tests carrying this tag. Repeatable; beats --focus and --focus-tag.
    #[arg(long, value_name = "TAG")]
    pub skip_tag: Vec<String>,
    /// Run only tests whose full name matches this regular expression, in Vitest's form
    /// (`group > test`) or Jest's (`group test`). Case-sensitive; `(?i)` makes it not.
    #[arg(short = 't', long, value_name = "REGEX", visible_alias = "testNamePattern")]
    pub test_name_pattern: Option<String>,
    /// Run only the test files that uncommitted changes (staged, unstaged, untracked) reach
    /// through their imports; with REF, the changes since that commit too (git).
    #[arg(
        long,
        value_name = "REF",
        num_args = 0..=1,
        default_missing_value = "",
        visible_aliases = ["onlyChanged", "changedSince"]
    )]
    pub changed: Option<String>,
    /// Run only the test files that reach one of these files through their imports (Jest's
    /// --findRelatedTests). Put other paths before it.
    #[arg(long, value_name = "FILE", num_args = 1.., visible_alias = "findRelatedTests")]
    pub related: Vec<PathBuf>,
    #[command(flatten)]
    pub named: NamedSelectionArgs,
}

/// `--select NAME [SUITE...]` and `--except NAME [SUITE...]`, each occurrence kept as its own
/// group. Written by hand because clap's derive cannot yet give `Vec<Vec<String>>` per
/// occurrence.
#[derive(Debug, Clone, Default)]
pub struct NamedSelectionArgs {
    /// Each `--select`: the selection name, then the suites it is limited to.
    pub select: Vec<Vec<String>>,
    /// Each `--except`: the selection name, then the suites it is limited to.
    pub except: Vec<Vec<String>>,
}

impl clap::FromArgMatches for NamedSelectionArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let groups = |id: &str| -> Vec<Vec<String>> {
            matches
                .get_occurrences::<String>(id)
                .map(|occurrences| occurrences.map(|values| values.cloned().collect()).collect())
                .unwrap_or_default()
        };
        Ok(NamedSelectionArgs { select: groups("select"), except: groups("except") })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Args for NamedSelectionArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        let named = |id: &'static str, help: &'static str| {
            Arg::new(id)
                .long(id)
                .value_names(["NAME", "SUITE"])
                .num_args(1..)
                .action(ArgAction::Append)
                .help_heading("Selection")
                .help(help)
        };
        cmd.arg(named(
            "select",
            "Run only the tests of a named selection from proctor.toml [selections], within the named suites if any \
             are given (put paths before --select, or after --). Repeatable",
        ))
        .arg(named(
            "except",
            "Run everything but the tests of a named selection, within the named suites if any are given. \
             Repeatable; beats --select",
        ))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// `proctor watch`: the flags of `run`, plus when to run.
#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Run the selected tests once at start instead of waiting for the first change.
    #[arg(long, help_heading = "Watch")]
    pub run_first: bool,
    /// The longest quiet time that ends a burst of changes, in milliseconds. A single save
    /// reruns after 20 ms of quiet; while a burst goes on (an editor saving many files) the
    /// quiet time it waits for grows, up to this, so the burst gives one rerun.
    #[arg(long, value_name = "MS", default_value_t = 200, help_heading = "Watch")]
    pub debounce: u64,
    /// The port of the live status page and `/status.json` on 127.0.0.1 (default: a free
    /// one). Its URL, with its token, is printed once at start and recorded in
    /// `.proctor/watch.json` for `proctor status`.
    #[arg(long, value_name = "PORT", default_value_t = 0, help_heading = "Watch")]
    pub port: u16,
    /// The token the status server requires (default: a random one), for probes that can
    /// only name a URL, such as Tilt's `http_get_action`.
    #[arg(long, help_heading = "Watch")]
    pub token: Option<String>,
    /// Exit with code 1 as soon as a run ends with failures, for tools that only read exit
    /// codes.
    #[arg(long, help_heading = "Watch")]
    pub status_exit: bool,
}

#[derive(Debug, Args, Clone)]
pub struct RunArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Reporters, repeatable or comma-separated: `--reporter dots --reporter junit`, `--reporter
    /// dots,tap` (default: dots on CI or when stdout is not a terminal, documentation
    /// otherwise, plus github-actions on GitHub Actions).
    #[arg(long, value_enum, value_delimiter = ',', help_heading = "Reporting")]
    pub reporter: Vec<ReporterKind>,
    /// Colour in the terminal reporters: auto (on a terminal, unless NO_COLOR is set or
    /// FORCE_COLOR asks for it), always, or never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto, help_heading = "Reporting")]
    pub color: ColorChoice,
    /// Hide the console output of tests: `--silent` all of it, `--silent=passed-only` that of
    /// tests that passed (Vitest's `--silent`). By default every test's output is shown under
    /// its name.
    #[arg(
        long,
        value_enum,
        value_name = "WHICH",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        help_heading = "Reporting"
    )]
    pub silent: Option<Silent>,
    /// Write the file reporter (junit, json, tap or html) to this file instead of stdout (Vitest's
    /// --outputFile); with several, name each: --output-file.junit=FILE.
    #[arg(long, value_name = "FILE", alias = "outputFile", help_heading = "Reporting")]
    pub output_file: Option<PathBuf>,
    /// Write the junit reporter to this file.
    #[arg(long = "output-file.junit", value_name = "FILE", alias = "outputFile.junit", help_heading = "Reporting")]
    pub output_file_junit: Option<PathBuf>,
    /// Write the json reporter to this file.
    #[arg(long = "output-file.json", value_name = "FILE", alias = "outputFile.json", help_heading = "Reporting")]
    pub output_file_json: Option<PathBuf>,
    /// Write the tap reporter to this file.
    #[arg(long = "output-file.tap", value_name = "FILE", alias = "outputFile.tap", help_heading = "Reporting")]
    pub output_file_tap: Option<PathBuf>,
    /// Write the html reporter to this file.
    #[arg(long = "output-file.html", value_name = "FILE", alias = "outputFile.html", help_heading = "Reporting")]
    pub output_file_html: Option<PathBuf>,
    /// Also write a JUnit XML report to this file (the same as --reporter junit
    /// --output-file.junit=FILE).
    #[arg(long, value_name = "FILE", help_heading = "Reporting")]
    pub junit: Option<PathBuf>,
    /// The default per-test timeout, e.g. 5000, 5000ms, 5s (a test's own option still wins).
    #[arg(long, value_name = "DURATION", help_heading = "Timeouts")]
    pub timeout: Option<String>,
    /// What a run in which no test ran means (default: fail; warn with --changed or --related,
    /// where nothing affected is no failure, as in Vitest and Jest).
    #[arg(long, value_enum, help_heading = "Run")]
    pub no_tests: Option<NoTests>,
    /// Run every suite in this runtime instead of its configured ones (node, chromium);
    /// repeat to run in several.
    #[arg(long, value_name = "RUNTIME", help_heading = "Runtime")]
    pub runtime: Vec<String>,
    /// Stop dispatching after the first test that fails, times out or crashes; the rest are
    /// reported as not run.
    #[arg(long, help_heading = "Run")]
    pub fail_fast: bool,
    /// Share one realm between the test files of a suite instead of a fresh one per file
    /// (faster; what a file does to globals, the DOM and module instances then reaches the
    /// files after it).
    #[arg(long, help_heading = "Runtime")]
    pub no_isolate: bool,
    /// Shuffle files, and the tests and groups within each group, in the order this seed gives
    /// (groups stay together, so hooks run as usual).
    #[arg(long, value_name = "N", conflicts_with = "random", help_heading = "Run")]
    pub seed: Option<u64>,
    /// Like --seed with a seed chosen now; the seed is printed so the order can be replayed.
    #[arg(long, help_heading = "Run")]
    pub random: bool,
    /// Show why tests were skipped (and list tests the selection left out).
    #[arg(long, short, help_heading = "Reporting")]
    pub verbose: bool,
    /// Rewrite snapshots that differ and remove obsolete ones (new ones are always written,
    /// except on CI).
    #[arg(long, short = 'u', help_heading = "Snapshots")]
    pub update_snapshots: bool,
    /// Run as on CI: new snapshots are not written, and a test whose snapshot is missing fails.
    /// Default: on when the CI environment variable is set; `--ci=false` turns it off.
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", help_heading = "Snapshots")]
    pub ci: Option<bool>,
    /// Run standalone even when a `proctor serve` runs for this project.
    #[arg(long, help_heading = "Runtime")]
    pub no_server: bool,
    /// Through `proctor serve`: run only in the kept runtimes this names — a label
    /// (`chromium#2`, `attach#1`), a kind (`attach`), or part of a user agent. Repeatable.
    #[arg(long, value_name = "RUNTIME", help_heading = "Runtime")]
    pub runtime_filter: Vec<String>,
    /// Try a failing test again up to N times (Vitest's --retry, nextest's --retries); one that
    /// then passes is FLAKY. A test's own `retry` still wins.
    #[arg(long, value_name = "N", alias = "retry", help_heading = "Retries and repeats")]
    pub retries: Option<u32>,
    /// Wait this long before each retry, e.g. 100ms, 1s.
    #[arg(long, value_name = "DURATION", help_heading = "Retries and repeats")]
    pub retry_delay: Option<String>,
    /// What a flaky test does to the exit code: pass (default) or fail.
    #[arg(long, value_enum, value_name = "RESULT", help_heading = "Retries and repeats")]
    pub flaky_result: Option<crate::retry::FlakyResult>,
    /// Run every selected test N times, each run reported and counted (Vitest's `repeats`).
    #[arg(long, value_name = "N", help_heading = "Retries and repeats",
          conflicts_with_all = ["repeat_until_fail", "repeat_for", "hunt"])]
    pub repeat: Option<u32>,
    /// Run each selected test again until it fails, at most MAX times (default 1000).
    #[arg(long, value_name = "MAX", num_args = 0..=1, default_missing_value = "1000",
          help_heading = "Retries and repeats", conflicts_with_all = ["repeat_for", "hunt"])]
    pub repeat_until_fail: Option<u32>,
    /// Run the selected tests again and again for this long (30s, 5m), shared evenly between them.
    #[arg(long, value_name = "DURATION", help_heading = "Retries and repeats", conflicts_with = "hunt")]
    pub repeat_for: Option<String>,
    /// Run each selected test until it flips (passes and fails), or until a streak of equal
    /// results bounds its failure rate below --max-rate with --confidence; says which.
    #[arg(long, help_heading = "Retries and repeats")]
    pub hunt: bool,
    /// --hunt's confidence (0 < C < 1).
    #[arg(long, value_name = "C", default_value_t = 0.95, help_heading = "Retries and repeats")]
    pub confidence: f64,
    /// --hunt's failure rate bound (0 < R < 1): 0.01 with 0.95 confidence takes 299 passes.
    #[arg(long, value_name = "R", default_value_t = 0.01, help_heading = "Retries and repeats")]
    pub max_rate: f64,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text, help_heading = "Output")]
    pub format: ListFormat,
}

/// The reporters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReporterKind {
    /// One character per test, then a summary (Vitest's and mocha's `dot` too).
    #[value(alias = "dot")]
    Dots,
    /// A tree of groups and tests with ✓/✗ and durations, then a summary (Vitest's `verbose`
    /// and mocha's `spec` too).
    #[value(alias = "verbose", alias = "spec")]
    Documentation,
    /// One JSON event per line (no summary).
    Json,
    /// JUnit XML, written when the run ends.
    Junit,
    /// TAP version 13, with YAML diagnostics for failures (Vitest's `tap-flat` too).
    #[value(alias = "tap-flat")]
    Tap,
    /// GitHub Actions `::error` annotations for failures, and a Markdown job summary in
    /// `$GITHUB_STEP_SUMMARY`.
    GithubActions,
    /// One self-contained HTML page of the run (the status page with the run's events inside),
    /// for CI artifacts (Vitest's and Playwright's `html`).
    Html,
}

impl ReporterKind {
    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ReporterKind::Dots => "dots",
            ReporterKind::Documentation => "documentation",
            ReporterKind::Json => "json",
            ReporterKind::Junit => "junit",
            ReporterKind::Tap => "tap",
            ReporterKind::GithubActions => "github-actions",
            ReporterKind::Html => "html",
        }
    }
}

/// `--silent`: whose console output the terminal reporters leave out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Silent {
    /// Show every test's output (the default; also `--silent=false`).
    #[default]
    #[value(name = "false")]
    Off,
    /// Hide all console output.
    #[value(name = "true")]
    All,
    /// Show only the output of tests that did not pass.
    PassedOnly,
}

impl Silent {
    /// Whether the output of a test that passed (or not) is shown.
    pub fn shows(self, passed: bool) -> bool {
        match self {
            Silent::Off => true,
            Silent::All => false,
            Silent::PassedOnly => !passed,
        }
    }
}

/// `--color`: when the terminal reporters use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On when stdout is a terminal; `NO_COLOR` turns it off and `FORCE_COLOR` on.
    Auto,
    /// Always, even into a pipe or file.
    Always,
    /// Never.
    Never,
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// The `--help` text of a subcommand, split into its headings: heading → the flags under it.
    fn headings(subcommand: &str) -> Vec<(String, Vec<String>)> {
        let mut cli = Cli::command();
        let help = cli.find_subcommand_mut(subcommand).expect("subcommand").render_help().to_string();
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for line in help.lines() {
            if let Some(heading) = line.strip_suffix(':').filter(|l| !l.starts_with(' ')) {
                out.push((heading.to_owned(), Vec::new()));
            } else if let Some(flag) = line.split_whitespace().find(|w| w.starts_with("--")) {
                if let Some((_, flags)) = out.last_mut() {
                    flags.push(flag.trim_end_matches(',').to_owned());
                }
            }
        }
        out
    }

    fn heading_of(headings: &[(String, Vec<String>)], flag: &str) -> String {
        headings.iter().find(|(_, flags)| flags.iter().any(|f| f == flag)).map(|(h, _)| h.clone()).unwrap_or_default()
    }

    #[test]
    fn run_help_puts_each_flag_under_its_heading() {
        let run = headings("run");
        for (flag, heading) in [
            ("--root", "Project"),
            ("--print-config", "Project"),
            ("--focus", "Selection"),
            ("--select", "Selection"),
            ("--reporter", "Reporting"),
            ("--junit", "Reporting"),
            ("--verbose", "Reporting"),
            ("--timeout", "Timeouts"),
            ("--fail-fast", "Run"),
            ("--seed", "Run"),
            ("--runtime", "Runtime"),
            ("--no-isolate", "Runtime"),
            ("--update-snapshots", "Snapshots"),
        ] {
            assert_eq!(heading_of(&run, flag), heading, "{flag} in {run:?}");
        }
        let watch = headings("watch");
        assert_eq!(heading_of(&watch, "--debounce"), "Watch");
        assert_eq!(heading_of(&watch, "--reporter"), "Reporting");
        assert_eq!(heading_of(&headings("list"), "--format"), "Output");
    }
}
