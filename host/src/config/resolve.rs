//! Merges `proctor.toml` and the command line into [`Config`], the one validated value every
//! later stage reads (flags are resolved once, here).

use super::file::{AliasTable, BuildValue, ConfigFile, OneOrMany, SelectionEntry, SuiteEntry};
use super::parse_duration;
use super::reporters::{defaults as default_reporters, resolve_reporters, ReporterSpec};
use crate::cli::{ColorChoice, NoTests, ProjectArgs, RunArgs, SelectArgs, Silent};
use crate::select::{
    closest, AppliedSelection, IdPattern, NamePattern, NamedSelection, PathFilter, Reach, Selection, SuiteRules,
    TestPattern,
};
use protocol::SnapshotUpdate;
use serde::Serialize;
use serde_spanned::Spanned;
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The default per-test timeout, as in Jest and Vitest.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Test files discovered when a suite does not say: Vitest's and Jest's defaults.
const DEFAULT_TEST_GLOBS: &[&str] =
    &["**/*.{test,spec}.{js,mjs,cjs,ts,mts,cts,jsx,tsx}", "**/__tests__/**/*.{js,mjs,cjs,ts,mts,cts,jsx,tsx}"];

/// The resolved configuration.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// The project root; test ids are relative to it.
    pub root: PathBuf,
    /// The config file that was read, if any.
    pub config_file: Option<PathBuf>,
    /// The suites, in config order.
    pub suites: Vec<SuiteConfig>,
    /// Absolute paths the user limited the run to (empty, with no `path_globs`: everything).
    pub paths: Vec<PathBuf>,
    /// Globs given on the command line that the shell did not expand (quoted, or matching
    /// nothing there), relative to the root: the files they match count as named files.
    pub path_globs: Vec<String>,
    /// A `--timeout` given on the command line; overrides suite timeouts but not a test's own.
    #[serde(serialize_with = "super::duration::serialize_option")]
    pub timeout_override: Option<Duration>,
    /// The reporters, and where each writes.
    pub reporters: Vec<ReporterSpec>,
    /// What a run in which no test ran exits with.
    #[serde(skip)]
    pub no_tests: NoTests,
    /// The named selections from `[selections]`.
    pub selections: BTreeMap<String, NamedSelection>,
    /// Which tests run: the selection flags and the suites' tag rules.
    pub selection: Selection,
    /// `--fail-fast`.
    pub fail_fast: bool,
    /// `--seed`, or the seed `--random` chose: the order to shuffle in.
    pub seed: Option<u64>,
    /// `--verbose`.
    pub verbose: bool,
    /// `--no-server`: never run through `proctor serve`.
    pub no_server: bool,
    /// `--runtime-filter`: which of a server's kept runtimes to run in.
    pub runtime_filter: Vec<String>,
    /// What happens to new and differing snapshots: `-u` rewrites, CI writes nothing.
    pub snapshot_update: SnapshotUpdate,
    /// The `[alias]` table (Vitest's `resolve.alias`): specifier or prefix → path relative to
    /// the root, or a package name; in table order, the first match wins.
    pub alias: Vec<(String, String)>,
    /// `global-setup`: modules run once in node before any runtime starts; what they return (or
    /// their exported `teardown`) runs after the run (Vitest's `globalSetup`, Jest's
    /// `globalSetup`/`globalTeardown`). Absolute paths.
    pub global_setup: Vec<PathBuf>,
    /// Colour in the terminal reporters (`--color`, `NO_COLOR`, `FORCE_COLOR`, a terminal).
    pub color: bool,
    /// `--silent`: whose console output the terminal reporters leave out.
    pub silent: Silent,
    /// `--retries`: every test's retries, unless it sets its own.
    pub retries_override: Option<u32>,
    /// `--retry-delay`: the pause before each retry, for every suite.
    #[serde(serialize_with = "super::duration::serialize_option")]
    pub retry_delay_override: Option<Duration>,
    /// `--flaky-result`: whether a flaky test fails the run.
    pub flaky_result: crate::retry::FlakyResult,
    /// `--repeat`, `--repeat-until-fail`, `--repeat-for`, `--hunt`.
    pub repeat: crate::retry::Repeat,
    /// What the config file says that has no effect (a browser-only key on a node suite), each
    /// naming file:line:column; printed as warnings by the command.
    #[serde(skip)]
    pub warnings: Vec<String>,
    /// `[history]`: where every test attempt is recorded, and what is kept.
    pub history: super::history::HistoryConfig,
    /// An explicit order for the selected tests (set by `proctor flaky --triage`, no flag).
    #[serde(skip)]
    pub order: Option<std::sync::Arc<crate::session::RunOrder>>,
}

/// One suite: where its tests are and how they run.
#[derive(Debug, Clone, Serialize)]
pub struct SuiteConfig {
    /// The suite id (`unit` when there is no config).
    pub id: String,
    /// The runtimes its tests run in (each runs every test).
    pub runtimes: Vec<RuntimeKind>,
    /// How browser runtimes get the tests (node runs the entry as it is).
    pub build: BuildMode,
    /// Minify the bundle (bundling builds only), to test the optimized build.
    pub minify: bool,
    /// `page`: the HTML file the browser run page is built from (web-test-runner's
    /// `testRunnerHtml`): its head, body and attributes, with proctor's import map and
    /// controller added. Absolute; inside the root, so it is served at its own path.
    pub page: Option<PathBuf>,
    /// Globs, relative to the root, of its test files.
    pub tests: Vec<String>,
    /// Globs of files to leave out.
    pub exclude: Vec<String>,
    /// The default per-test timeout.
    #[serde(serialize_with = "super::duration::serialize")]
    pub timeout: Duration,
    /// Tags every test of the suite carries.
    pub tags: Vec<String>,
    /// By default, run only tests carrying one of these.
    pub focus_tags: Vec<String>,
    /// By default, skip tests carrying one of these.
    pub skip_tags: Vec<String>,
    /// Export conditions matched before the built-in ones (Vitest's `resolve.conditions`).
    pub conditions: Vec<String>,
    /// How JSX is compiled, where the suite overrides tsconfig.json/jsconfig.json.
    pub jsx: JsxConfig,
    /// `setup-files`: modules run in the runtime before each test file, inside that file's
    /// realm, in this order (Vitest's `setupFiles`, Jest's `setupFiles` +
    /// `setupFilesAfterEnv`). Absolute paths.
    pub setup_files: Vec<PathBuf>,
    /// `environment`: the globals a node suite's test files run with, unless a file's docblock
    /// names another (`@jest-environment`, `@vitest-environment`). Browsers have the real DOM.
    pub environment: String,
    /// Each test file in a fresh realm (Jest's and Vitest's default); `isolate = false` or
    /// `--no-isolate` shares one realm between the files of a run.
    pub isolate: bool,
    /// `roots`: directories whose `__mocks__/` holds the mocks of packages (Jest's `roots`), in
    /// order; absolute. Empty: the project root alone.
    pub roots: Vec<PathBuf>,
    /// `snapshot-format`: Jest's `escapeString` and `printBasicPrototype`, when set; unset ones
    /// follow each snapshot file (controller-js/src/snapshot-format.js).
    pub snapshot_format: Option<protocol::SnapshotFormat>,
    /// `snapshot-serializers`: modules whose export is a snapshot serializer, added in every
    /// test file's realm before the file (Jest's `snapshotSerializers`). Absolute paths.
    pub snapshot_serializers: Vec<PathBuf>,
    /// What happens to every mock before each test (`clear-mocks`, `reset-mocks`,
    /// `restore-mocks`).
    pub mock_hygiene: MockHygiene,
    /// `retries`: how many times a failing test is tried again.
    pub retries: u32,
    /// `retry-delay`: the pause before each retry.
    #[serde(serialize_with = "super::duration::serialize")]
    pub retry_delay: Duration,
    /// `[tags.NAME] retries`, the same for every suite.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub tag_retries: BTreeMap<String, u32>,
    /// `empty-files = "ok"`: a test file that declares no test is no error (mocha and
    /// web-test-runner run it and report nothing); by default it is one, as in Jest and Vitest.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub empty_files_ok: bool,
    /// `permissions`: browser permissions granted to the run page's origin in Chromium.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<String>,
}

/// Jest's `clearMocks`, `resetMocks` and `restoreMocks` (Vitest's `clearMocks`, `mockReset`,
/// `restoreMocks`): done to every mock before each test, before its `beforeEach` hooks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct MockHygiene {
    /// `vi.clearAllMocks()`: calls, instances and results forgotten.
    pub clear: bool,
    /// `vi.resetAllMocks()`: also implementations dropped.
    pub reset: bool,
    /// `vi.restoreAllMocks()`: spies put their originals back.
    pub restore: bool,
}

/// The environments a node suite can name (Vitest's and Jest's built-in ones).
pub const ENVIRONMENTS: &[&str] = &["node", "jsdom", "happy-dom"];

/// A suite's JSX overrides; `None` leaves the nearest tsconfig.json/jsconfig.json (or the
/// default, the automatic runtime) in charge.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JsxConfig {
    /// `automatic`, `classic` or `preserve` (validated).
    pub runtime: Option<String>,
    /// `jsx-import-source`: where the automatic runtime imports `jsx-runtime` from.
    pub import_source: Option<String>,
    /// `jsx-factory`: the classic runtime's element factory.
    pub factory: Option<String>,
    /// `jsx-fragment`: the classic runtime's fragment.
    pub fragment: Option<String>,
    /// `jsx-in-js`: `.js` files may hold JSX.
    pub in_js: bool,
}

/// The runtimes a suite can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuntimeKind {
    /// A node child process.
    Node,
    /// A tab in headless Chromium (launched for the run, or kept by `proctor serve`).
    Chromium,
    /// A browser a person opened at `proctor serve`'s URL.
    Attach,
}

impl RuntimeKind {
    /// The name used in config, flags and reports.
    pub fn name(self) -> &'static str {
        match self {
            RuntimeKind::Node => "node",
            RuntimeKind::Chromium => "chromium",
            RuntimeKind::Attach => "attach",
        }
    }

    /// Parses a config or flag value.
    pub fn parse(name: &str) -> Option<RuntimeKind> {
        match name {
            "node" => Some(RuntimeKind::Node),
            "chromium" => Some(RuntimeKind::Chromium),
            "attach" => Some(RuntimeKind::Attach),
            _ => None,
        }
    }
}

/// How a browser gets the test files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BuildMode {
    /// Native ES modules served as they are, with an import map.
    Esm,
    /// One bundle made with esbuild from the project's node_modules or PATH.
    Esbuild,
    /// Any bundler: a command with `{entry}`, `{outdir}` and `{controller}` placeholders.
    Command(String),
}

/// Why the configuration could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("failed to read config {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The config file is not valid TOML or has an unknown key.
    #[error("invalid config {}:{line}:{column}: {message}", path.display())]
    Syntax { path: PathBuf, line: usize, column: usize, message: String },
    /// A key has a value proctor does not accept.
    #[error("invalid config {}:{line}:{column}: `{key}` {message}", path.display())]
    Value { path: PathBuf, line: usize, column: usize, key: String, message: String },
    /// A command-line flag has a bad value.
    #[error("invalid value for {flag}: {message}")]
    Flag { flag: String, message: String },
    /// A path given on the command line does not exist.
    #[error("no such file or directory: {}", path.display())]
    MissingPath { path: PathBuf },
    /// A path or glob given on the command line points outside the project root.
    #[error("{what} \"{text}\" is outside the project root {} (hint: paths and globs are relative to the root; use --root to choose a directory above both)", root.display())]
    OutsideRoot { what: &'static str, text: String, root: PathBuf },
    /// A glob given on the command line does not compile.
    #[error("bad glob \"{text}\": {message}")]
    BadGlob { text: String, message: String },
    /// `--select`/`--except` named a selection proctor.toml does not define.
    #[error("unknown selection \"{name}\" in {flag}{hint}")]
    UnknownSelection { flag: &'static str, name: String, hint: String },
    /// A flag or id named a suite that does not exist.
    #[error("unknown suite \"{name}\" in {context}{hint}")]
    UnknownSuite { context: String, name: String, hint: String },
}

/// Resolves the project flags (and, for `run`, the run flags) against the config file.
pub fn resolve(project: &ProjectArgs, run: Option<&RunArgs>) -> Result<Config, ConfigError> {
    let cwd = std::env::current_dir().map_err(|source| ConfigError::Read { path: ".".into(), source })?;
    let root = match &project.root {
        Some(root) => absolute(&cwd, root),
        None => find_root(&cwd),
    };
    let config_path = match &project.config {
        Some(path) => Some(absolute(&cwd, path)),
        None => Some(root.join("proctor.toml")).filter(|p| p.is_file()),
    };
    let (suites, selections, alias, global_setup, browser_only) = match &config_path {
        Some(path) => read_file(path, &root)?,
        None => (vec![default_suite(DEFAULT_TIMEOUT)], BTreeMap::new(), Vec::new(), Vec::new(), Vec::new()),
    };
    let Positionals { paths, globs: path_globs, filters: path_filters } = resolve_paths(&project.paths, &cwd, &root)?;
    let mut selection = resolve_selection(&project.select, &suites, &selections, &cwd, &root)?;
    selection.paths = path_filters;
    let history = super::history::read_history(config_path.as_deref(), &root)?;
    let mut config = Config {
        root,
        config_file: config_path,
        suites,
        paths,
        path_globs,
        timeout_override: None,
        reporters: default_reporters(),
        no_tests: NoTests::Fail,
        selections,
        selection,
        fail_fast: false,
        seed: None,
        verbose: false,
        no_server: false,
        runtime_filter: Vec::new(),
        snapshot_update: snapshot_update(false, None),
        alias,
        global_setup,
        warnings: Vec::new(),
        silent: Silent::Off,
        color: color_enabled(ColorChoice::Auto, &env_var, std::io::stdout().is_terminal()),
        history,
        retries_override: None,
        retry_delay_override: None,
        flaky_result: crate::retry::FlakyResult::Pass,
        repeat: crate::retry::Repeat::Once,
        order: None,
    };
    if let Some(run) = run {
        if let Some(text) = &run.timeout {
            let timeout = parse_duration(text).ok_or_else(|| ConfigError::Flag {
                flag: "--timeout".into(),
                message: format!("`{text}` is not a duration (use e.g. 5000, 500ms, 5s)"),
            })?;
            config.timeout_override = Some(timeout);
        }
        if !run.runtime.is_empty() {
            let mut kinds = Vec::new();
            for name in &run.runtime {
                let kind = RuntimeKind::parse(name).ok_or_else(|| ConfigError::Flag {
                    flag: "--runtime".into(),
                    message: format!("`{name}` is not a runtime (expected node, chromium or attach)"),
                })?;
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
            for suite in &mut config.suites {
                suite.runtimes = kinds.clone();
            }
        }
        config.reporters = resolve_reporters(run, &cwd)?;
        // Nothing affected is no failure for --changed and --related (Vitest's passWithNoTests
        // there, Jest's "No tests found related to files changed").
        let relating = config.selection.changed.is_some() || config.selection.related.is_some();
        config.no_tests = run.no_tests.unwrap_or(if relating { NoTests::Warn } else { NoTests::Fail });
        config.fail_fast = run.fail_fast;
        config.snapshot_update = snapshot_update(run.update_snapshots, run.ci);
        config.no_server = run.no_server;
        config.runtime_filter = run.runtime_filter.clone();
        config.seed = run.seed.or_else(|| run.random.then(random_seed));
        config.verbose = run.verbose;
        config.silent = run.silent.unwrap_or_default();
        config.color = color_enabled(run.color, &env_var, std::io::stdout().is_terminal());
        if run.no_isolate {
            for suite in &mut config.suites {
                suite.isolate = false;
            }
        }
        resolve_retries(run, &mut config)?;
    }
    config.warnings = browser_only_warnings(&browser_only, &config.suites);
    Ok(config)
}

/// The positional paths, as existing paths, globs, and filters. Globs are what the shell would
/// have expanded, had it been asked to: a path that exists is a path even when its name holds
/// glob characters; one that does not and holds `*?[{` is a glob, relative to the current
/// directory. Both must stay inside the root, since test ids are relative to it. Anything else
/// is a filter, a part of a path (Vitest's and Jest's `vitest cart`); with any filter, the
/// paths and globs given beside it are filters too, so that all of them add up (OR) instead of
/// the paths limiting the files the filters may pick from.
fn resolve_paths(given: &[PathBuf], cwd: &Path, root: &Path) -> Result<Positionals, ConfigError> {
    let mut paths = Vec::new();
    let mut globs = Vec::new();
    let mut parts = Vec::new();
    for path in given {
        let abs = absolute(cwd, path);
        let text = path.to_string_lossy();
        let outside = |what| ConfigError::OutsideRoot { what, text: text.to_string(), root: root.to_path_buf() };
        if text.trim().is_empty() {
            return Err(ConfigError::MissingPath { path: path.clone() });
        }
        if abs.exists() {
            if !abs.starts_with(root) {
                return Err(outside("path"));
            }
            paths.push(abs);
        } else if text.contains(['*', '?', '[', '{']) {
            let rel = abs.strip_prefix(root).map_err(|_| outside("glob"))?;
            let glob = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            globset::Glob::new(&glob)
                .map_err(|err| ConfigError::BadGlob { text: text.to_string(), message: err.kind().to_string() })?;
            globs.push(glob);
        } else {
            let part = text.replace('\\', "/");
            let mut part = part.as_str();
            while let Some(rest) = part.strip_prefix("./") {
                part = rest;
            }
            parts.push(part.to_owned());
        }
    }
    if parts.is_empty() {
        return Ok(Positionals { paths, globs, filters: Vec::new() });
    }
    let mut filters: Vec<PathFilter> = parts.into_iter().map(PathFilter::Part).collect();
    for path in paths {
        let rel = path.strip_prefix(root).map(|rel| rel.to_string_lossy().replace('\\', "/")).unwrap_or_default();
        filters.push(PathFilter::Part(rel));
    }
    for glob in globs {
        let matcher = crate::plan::segment_glob(&glob)
            .map_err(|err| ConfigError::BadGlob { text: glob.clone(), message: err.kind().to_string() })?
            .compile_matcher();
        filters.push(PathFilter::Glob { text: glob, matcher });
    }
    Ok(Positionals { paths: Vec::new(), globs: Vec::new(), filters })
}

/// What the positional arguments are (see [`resolve_paths`]).
struct Positionals {
    /// Existing files and directories: they limit discovery.
    paths: Vec<PathBuf>,
    /// Globs relative to the root: they limit discovery too.
    globs: Vec<String>,
    /// Path filters for the select stage (then `paths` and `globs` are empty).
    filters: Vec<PathFilter>,
}

/// Resolves the selection flags against the suites and named selections: an unknown selection
/// or suite is an error here; ids are checked against the plan by the select stage.
fn resolve_selection(
    args: &SelectArgs,
    suites: &[SuiteConfig],
    selections: &BTreeMap<String, NamedSelection>,
    cwd: &Path,
    root: &Path,
) -> Result<Selection, ConfigError> {
    let suite_ids: Vec<&str> = suites.iter().map(|s| s.id.as_str()).collect();
    let unknown_suite = |context: String, name: &str| ConfigError::UnknownSuite {
        context,
        name: name.to_owned(),
        hint: if cwd.join(name).exists() {
            format!(" (hint: \"{name}\" is a path; put paths before --select/--except, or after --)")
        } else {
            names_hint(name, suite_ids.iter().copied(), "suites")
        },
    };
    let ids = |flag: &str, values: &[String]| -> Result<Vec<IdPattern>, ConfigError> {
        values
            .iter()
            .map(|text| {
                IdPattern::parse(text, &suite_ids).map_err(|e| unknown_suite(format!("{flag} {text}"), &e.suite))
            })
            .collect()
    };
    let applied = |flag: &'static str, groups: &[Vec<String>]| -> Result<Vec<AppliedSelection>, ConfigError> {
        let mut out = Vec::new();
        for group in groups {
            let Some((name, named_suites)) = group.split_first() else { continue };
            let selection = selections.get(name).ok_or_else(|| ConfigError::UnknownSelection {
                flag,
                name: name.clone(),
                hint: if selections.is_empty() {
                    " (hint: proctor.toml defines no [selections])".into()
                } else {
                    names_hint(name, selections.keys().map(String::as_str), "selections")
                },
            })?;
            for suite in named_suites {
                if !suite_ids.contains(&suite.as_str()) {
                    return Err(unknown_suite(format!("{flag} {name}"), suite));
                }
            }
            out.push(AppliedSelection {
                name: name.clone(),
                selection: selection.clone(),
                suites: named_suites.to_vec(),
            });
        }
        Ok(out)
    };
    let flag_error = |flag: &str, message: String| ConfigError::Flag { flag: flag.into(), message };
    let name = match &args.test_name_pattern {
        Some(text) => Some(
            NamePattern::parse(text).map_err(|why| flag_error("-t/--test-name-pattern", format!("`{text}`: {why}")))?,
        ),
        None => None,
    };
    let changed = match &args.changed {
        Some(reference) => {
            let files =
                crate::git::changed_files(root, reference).map_err(|err| flag_error("--changed", err.to_string()))?;
            let flag = if reference.is_empty() { "--changed".into() } else { format!("--changed {reference}") };
            Some(Reach { flag, files, affected: None })
        }
        None => None,
    };
    let related = if args.related.is_empty() {
        None
    } else {
        let mut files = Vec::new();
        for file in &args.related {
            let abs = absolute(cwd, file);
            if !abs.exists() {
                return Err(flag_error("--related", format!("no such file: {}", file.display())));
            }
            files.push(abs);
        }
        let shown: Vec<String> = args.related.iter().map(|f| f.display().to_string()).collect();
        Some(Reach { flag: format!("--related {}", shown.join(" ")), files, affected: None })
    };
    Ok(Selection {
        name,
        changed,
        related,
        paths: Vec::new(),
        focus: ids("--focus", &args.focus)?,
        skip: ids("--skip", &args.skip)?,
        focus_tags: args.focus_tag.clone(),
        skip_tags: args.skip_tag.clone(),
        select: applied("--select", &args.named.select)?,
        except: applied("--except", &args.named.except)?,
        suites: suites
            .iter()
            .map(|s| SuiteRules {
                suite: s.id.clone(),
                tags: s.tags.clone(),
                focus_tags: s.focus_tags.clone(),
                skip_tags: s.skip_tags.clone(),
            })
            .collect(),
    })
}

/// ` (hint: did you mean x?)`, else the names that exist.
fn names_hint<'a>(name: &str, names: impl Iterator<Item = &'a str> + Clone, what: &str) -> String {
    match closest(name, names.clone()).as_slice() {
        [] => format!(" (hint: the {what} are {})", names.collect::<Vec<_>>().join(", ")),
        [one] => format!(" (hint: did you mean {one}?)"),
        many => format!(" (hint: did you mean one of {}?)", many.join(", ")),
    }
}

/// A seed for `--random`: the clock mixed with the process id (no need for real entropy; the
/// seed is printed so the order can be replayed).
fn random_seed() -> u64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    let mixed = nanos ^ (u64::from(std::process::id()) << 32);
    // Keep it short enough to type back.
    mixed % 1_000_000_000
}

pub(super) fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() { path.to_path_buf() } else { cwd.join(path) };
    crate::paths::normalize(&joined)
}

fn find_root(cwd: &Path) -> PathBuf {
    cwd.ancestors().find(|dir| dir.join("proctor.toml").is_file()).unwrap_or(cwd).to_path_buf()
}

/// True when the `CI` environment variable says this runs on CI (set and not `false`, as
/// Jest's ci-info reads it).
pub(crate) fn on_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
}

/// Jest's rule: `-u` rewrites; otherwise CI (`--ci`, or the environment) writes nothing and new
/// snapshots are written everywhere else.
fn snapshot_update(update: bool, ci: Option<bool>) -> SnapshotUpdate {
    if update {
        SnapshotUpdate::All
    } else if ci.unwrap_or_else(on_ci) {
        SnapshotUpdate::None
    } else {
        SnapshotUpdate::New
    }
}

impl SuiteConfig {
    /// The directories whose `__mocks__/` holds package mocks: `roots`, else the project root.
    pub fn mock_roots(&self, root: &Path) -> Vec<PathBuf> {
        if self.roots.is_empty() {
            vec![root.to_path_buf()]
        } else {
            self.roots.clone()
        }
    }
}

fn default_suite(timeout: Duration) -> SuiteConfig {
    SuiteConfig {
        id: "unit".into(),
        runtimes: vec![RuntimeKind::Node],
        build: BuildMode::Esm,
        minify: false,
        page: None,
        tests: DEFAULT_TEST_GLOBS.iter().map(|s| s.to_string()).collect(),
        exclude: Vec::new(),
        timeout,
        tags: Vec::new(),
        focus_tags: Vec::new(),
        skip_tags: Vec::new(),
        conditions: Vec::new(),
        jsx: JsxConfig::default(),
        setup_files: Vec::new(),
        snapshot_format: None,
        snapshot_serializers: Vec::new(),
        environment: "node".into(),
        isolate: true,
        roots: Vec::new(),
        mock_hygiene: MockHygiene::default(),
        retries: 0,
        retry_delay: Duration::ZERO,
        tag_retries: BTreeMap::new(),
        empty_files_ok: false,
        permissions: Vec::new(),
    }
}

type FileConfig =
    (Vec<SuiteConfig>, BTreeMap<String, NamedSelection>, Vec<(String, String)>, Vec<PathBuf>, Vec<BrowserOnlyKey>);

/// A key of a suite that only browser runtimes read (`build`, `minify`): written on a suite that
/// runs only in node it does nothing, which is a warning once the runtimes are final (a
/// `--runtime chromium` run gives it effect).
#[derive(Debug, Clone)]
struct BrowserOnlyKey {
    suite: String,
    key: &'static str,
    path: PathBuf,
    line: usize,
    column: usize,
}

/// An environment variable, when set (to anything, empty included).
fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Whether the terminal reporters colour their output. `--color always|never` decides alone;
/// otherwise, as Node and Vitest read them: a non-empty `NO_COLOR` turns colour off
/// (no-color.org), then `FORCE_COLOR` turns it on (off for `0` or `false`), then a terminal on
/// stdout whose `TERM` is not `dumb` turns it on. A pipe or a file gets none.
fn color_enabled(choice: ColorChoice, env: &dyn Fn(&str) -> Option<String>, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => return true,
        ColorChoice::Never => return false,
        ColorChoice::Auto => {}
    }
    if env("NO_COLOR").is_some_and(|value| !value.is_empty()) {
        return false;
    }
    if let Some(force) = env("FORCE_COLOR") {
        return !matches!(force.trim(), "0" | "false");
    }
    terminal && env("TERM").as_deref() != Some("dumb")
}

/// The warnings for browser-only keys on suites that, after the command line, run only in node.
fn browser_only_warnings(keys: &[BrowserOnlyKey], suites: &[SuiteConfig]) -> Vec<String> {
    keys.iter()
        .filter(|key| {
            suites.iter().any(|suite| suite.id == key.suite && suite.runtimes.iter().all(|r| *r == RuntimeKind::Node))
        })
        .map(|key| {
            format!(
                "{}:{}:{}: `{}` has no effect in suite \"{}\", which runs only in node (node runs the test files \
                 as they are; hint: remove it, or add runtime = \"chromium\")",
                key.path.display(),
                key.line,
                key.column,
                key.key,
                key.suite
            )
        })
        .collect()
}

fn read_file(path: &Path, root: &Path) -> Result<FileConfig, ConfigError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
    let file: ConfigFile = toml::from_str(&text).map_err(|err| {
        let (line, column) = err.span().map(|s| line_col(&text, s.start)).unwrap_or((1, 1));
        ConfigError::Syntax { path: path.to_path_buf(), line, column, message: err.message().trim().to_string() }
    })?;
    let value_error = |span: std::ops::Range<usize>, key: &str, message: String| {
        let (line, column) = line_col(&text, span.start);
        ConfigError::Value { path: path.to_path_buf(), line, column, key: key.into(), message }
    };
    let mut tag_retries = BTreeMap::new();
    for (tag, entry) in &file.tags {
        if let Some(retries) = &entry.get_ref().retries {
            tag_retries.insert(tag.clone(), retry_count(retries, &value_error)?);
        }
    }
    let mut suites: Vec<SuiteConfig> = Vec::new();
    let mut browser_only = Vec::new();
    for entry in &file.suite {
        let span = entry.span();
        let SuiteEntry {
            id,
            runtime,
            tests,
            exclude,
            timeout,
            build,
            minify,
            page,
            tags,
            focus_tags,
            skip_tags,
            conditions,
            jsx,
            jsx_import_source,
            jsx_factory,
            jsx_fragment,
            jsx_in_js,
            setup_files,
            environment,
            isolate,
            roots,
            clear_mocks,
            reset_mocks,
            restore_mocks,
            snapshot_format,
            snapshot_serializers,
            retries,
            retry_delay,
            empty_files,
            permissions,
        } = entry.get_ref();
        let mut suite = default_suite(DEFAULT_TIMEOUT);
        match id {
            Some(id) => {
                let name = id.get_ref();
                if name.is_empty() || name.contains(':') || name.contains(char::is_whitespace) {
                    return Err(value_error(
                        id.span(),
                        "id",
                        format!("\"{name}\" must be non-empty without spaces or `:`"),
                    ));
                }
                if suites.iter().any(|s| &s.id == name) {
                    return Err(value_error(id.span(), "id", format!("\"{name}\" names two suites")));
                }
                suite.id = name.clone();
            }
            None if file.suite.len() > 1 => {
                return Err(value_error(span, "id", "is required when there is more than one [[suite]]".into()));
            }
            None => {}
        }
        if let Some(runtime) = runtime {
            let names: Vec<&String> = match runtime.get_ref() {
                OneOrMany::One(name) => vec![name],
                OneOrMany::Many(names) => names.iter().collect(),
            };
            let mut kinds = Vec::new();
            for name in names {
                let kind = RuntimeKind::parse(name).ok_or_else(|| {
                    value_error(
                        runtime.span(),
                        "runtime",
                        format!("\"{name}\" is not a runtime proctor supports (expected \"node\", \"chromium\" or \"attach\")"),
                    )
                })?;
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
            if kinds.is_empty() {
                return Err(value_error(runtime.span(), "runtime", "must name at least one runtime".into()));
            }
            suite.runtimes = kinds;
        }
        if let Some(build) = build {
            suite.build = match build.get_ref() {
                BuildValue::Named(name) if name == "esm" => BuildMode::Esm,
                BuildValue::Named(name) if name == "esbuild" => BuildMode::Esbuild,
                BuildValue::Named(other) => {
                    return Err(value_error(
                        build.span(),
                        "build",
                        format!("\"{other}\" is not a build proctor knows (expected \"esm\", \"esbuild\" or {{ command = \"...\" }})"),
                    ))
                }
                BuildValue::Command(command) if command.command.contains("{entry}") && command.command.contains("{outdir}") => {
                    BuildMode::Command(command.command.clone())
                }
                BuildValue::Command(_) => {
                    return Err(value_error(build.span(), "build", "command must use both {entry} and {outdir}".into()))
                }
            };
        }
        if let Some(minify) = minify {
            suite.minify = *minify.get_ref();
        }
        if let Some(permissions) = permissions {
            suite.permissions = permissions.get_ref().iter().map(|p| p.get_ref().clone()).collect();
        }
        for (key, span) in [
            ("build", build.as_ref().map(|b| b.span())),
            ("minify", minify.as_ref().map(|m| m.span())),
            ("permissions", permissions.as_ref().map(|p| p.span())),
        ] {
            if let Some(span) = span {
                let (line, column) = line_col(&text, span.start);
                browser_only.push(BrowserOnlyKey {
                    suite: suite.id.clone(),
                    key,
                    path: path.to_path_buf(),
                    line,
                    column,
                });
            }
        }
        if let Some(page) = page {
            suite.page = Some(checked_page(page, &suite.runtimes, root, &value_error)?);
        }
        if let Some(tests) = tests {
            suite.tests = checked_globs(tests, "tests", root, &value_error)?;
            if suite.tests.is_empty() {
                return Err(value_error(tests.span(), "tests", "must list at least one glob".into()));
            }
        }
        if let Some(exclude) = exclude {
            suite.exclude = checked_globs(exclude, "exclude", root, &value_error)?;
        }
        if let Some(timeout) = timeout {
            suite.timeout = timeout_value(timeout.get_ref()).ok_or_else(|| {
                value_error(
                    timeout.span(),
                    "timeout",
                    format!(
                        "must be a positive duration: a number of milliseconds (5000) or a string \
                         such as \"500ms\", \"5s\" or \"1m\", not {}",
                        timeout.get_ref()
                    ),
                )
            })?;
        }
        for (key, value, target) in [
            ("tags", tags, &mut suite.tags),
            ("focus-tags", focus_tags, &mut suite.focus_tags),
            ("skip-tags", skip_tags, &mut suite.skip_tags),
        ] {
            if let Some(value) = value {
                *target = checked_tags(value, key, &value_error)?;
            }
        }
        if let Some(conditions) = conditions {
            for condition in conditions.get_ref() {
                let name = condition.get_ref();
                if name.is_empty() || name.contains(char::is_whitespace) {
                    return Err(value_error(
                        condition.span(),
                        "conditions",
                        format!("has \"{name}\", which is not a condition name (non-empty, without spaces)"),
                    ));
                }
            }
            suite.conditions = conditions.get_ref().iter().map(|c| c.get_ref().clone()).collect();
        }
        if let Some(runtime) = jsx {
            let name = runtime.get_ref();
            if !["automatic", "classic", "preserve"].contains(&name.as_str()) {
                return Err(value_error(
                    runtime.span(),
                    "jsx",
                    format!("\"{name}\" is not a JSX runtime (expected \"automatic\", \"classic\" or \"preserve\")"),
                ));
            }
            suite.jsx.runtime = Some(name.clone());
        }
        for (key, value, target) in [
            ("jsx-import-source", jsx_import_source, &mut suite.jsx.import_source),
            ("jsx-factory", jsx_factory, &mut suite.jsx.factory),
            ("jsx-fragment", jsx_fragment, &mut suite.jsx.fragment),
        ] {
            if let Some(value) = value {
                if value.get_ref().trim().is_empty() {
                    return Err(value_error(value.span(), key, "must not be empty".into()));
                }
                *target = Some(value.get_ref().clone());
            }
        }
        if let Some(in_js) = jsx_in_js {
            suite.jsx.in_js = *in_js.get_ref();
        }
        if let Some(list) = setup_files.as_ref().or(file.setup_files.as_ref()) {
            suite.setup_files = files_under_root(list, "setup-files", root, &value_error)?;
        }
        if let Some(list) = roots {
            suite.roots = mock_roots(list, root, &value_error)?;
        }
        if let Some(environment) = environment {
            let name = environment.get_ref();
            if !ENVIRONMENTS.contains(&name.as_str()) {
                return Err(value_error(
                    environment.span(),
                    "environment",
                    format!("\"{name}\" is not an environment proctor knows (expected \"node\", \"jsdom\" or \"happy-dom\")"),
                ));
            }
            if name != "node" && suite.runtimes.iter().any(|r| *r != RuntimeKind::Node) {
                return Err(value_error(
                    environment.span(),
                    "environment",
                    format!(
                        "\"{name}\" is for node suites: this suite runs in a browser, which is the real DOM \
                         (hint: remove `environment`, or run the suite with runtime = \"node\")"
                    ),
                ));
            }
            suite.environment = name.clone();
        }
        if let Some(isolate) = isolate {
            suite.isolate = *isolate.get_ref();
        }
        let flag = |value: &Option<Spanned<bool>>| value.as_ref().is_some_and(|v| *v.get_ref());
        suite.mock_hygiene =
            MockHygiene { clear: flag(clear_mocks), reset: flag(reset_mocks), restore: flag(restore_mocks) };
        if let Some(format) = snapshot_format {
            let format = format.get_ref();
            suite.snapshot_format = Some(protocol::SnapshotFormat {
                escape_string: format.escape_string,
                print_basic_prototype: format.print_basic_prototype,
            });
        }
        if let Some(list) = snapshot_serializers {
            suite.snapshot_serializers = files_under_root(list, "snapshot-serializers", root, &value_error)?;
        }
        if let Some(retries) = retries {
            suite.retries = retry_count(retries, &value_error)?;
        }
        if let Some(delay) = retry_delay {
            suite.retry_delay = delay_value(delay.get_ref()).ok_or_else(|| {
                value_error(
                    delay.span(),
                    "retry-delay",
                    format!(
                        "must be a duration: milliseconds (100) or a string such as \"100ms\" or \"1s\", not {}",
                        delay.get_ref()
                    ),
                )
            })?;
        }
        if let Some(empty) = empty_files {
            suite.empty_files_ok = match empty.get_ref().as_str() {
                "ok" => true,
                "error" => false,
                other => {
                    return Err(value_error(
                        empty.span(),
                        "empty-files",
                        format!("must be \"error\" or \"ok\", not \"{other}\""),
                    ))
                }
            };
        }
        suite.tag_retries = tag_retries.clone();
        suites.push(suite);
    }
    if suites.is_empty() {
        suites.push(default_suite(DEFAULT_TIMEOUT));
    }
    let suite_ids: Vec<&str> = suites.iter().map(|s| s.id.as_str()).collect();
    let mut selections = BTreeMap::new();
    for (name, entry) in &file.selections {
        let SelectionEntry { tests, tags } = entry.get_ref();
        if tests.is_none() && tags.is_none() {
            return Err(value_error(entry.span(), name, "needs `tests` (ids or file globs) or `tags`".into()));
        }
        let mut selection = NamedSelection::default();
        if let Some(tests) = tests {
            for text in tests.get_ref() {
                let mut pattern = TestPattern::parse(text.get_ref(), &suite_ids)
                    .map_err(|message| value_error(text.span(), "tests", message))?;
                if let TestPattern::Glob { text: glob, .. } = &pattern {
                    let relative =
                        inside_root(glob, root).map_err(|message| value_error(text.span(), "tests", message))?;
                    if relative != *glob {
                        pattern = TestPattern::parse(&relative, &suite_ids)
                            .map_err(|message| value_error(text.span(), "tests", message))?;
                    }
                }
                selection.tests.push(pattern);
            }
        }
        if let Some(tags) = tags {
            selection.tags = checked_tags(tags, "tags", &value_error)?;
        }
        selections.insert(name.clone(), selection);
    }
    let alias = match &file.alias {
        Some(table) => checked_alias(table.get_ref(), &value_error)?,
        None => Vec::new(),
    };
    let global_setup = match &file.global_setup {
        Some(list) => existing_files(list, "global-setup", root, &value_error)?,
        None => Vec::new(),
    };
    Ok((suites, selections, alias, global_setup, browser_only))
}

/// The files a list names (relative to the root), each of which must exist: a missing one is
/// an error at its own line and column.
/// `roots`: directories under the project root, each of which must exist (as Jest insists).
fn mock_roots(
    list: &Spanned<Vec<Spanned<String>>>,
    root: &Path,
    value_error: &dyn Fn(std::ops::Range<usize>, &str, String) -> ConfigError,
) -> Result<Vec<PathBuf>, ConfigError> {
    let under_root = |dir: &Path| dir.is_dir() && dir.starts_with(root);
    existing(list, "roots", root, value_error, (&under_root, "directory"))
}

/// [`existing_files`] that must lie under the root: modules the runtime imports beside the
/// test files (setup files, snapshot serializers) are served to browsers and named in stacks
/// by their path from the root.
fn files_under_root(
    list: &Spanned<Vec<Spanned<String>>>,
    key: &str,
    root: &Path,
    value_error: &dyn Fn(std::ops::Range<usize>, &str, String) -> ConfigError,
) -> Result<Vec<PathBuf>, ConfigError> {
    let files = existing_files(list, key, root, value_error)?;
    if let Some((_, entry)) = files.iter().zip(list.get_ref()).find(|(path, _)| !path.starts_with(root)) {
        return Err(value_error(
            entry.span(),
            key,
            format!("names \"{}\", which is outside the project root {}", entry.get_ref(), root.display()),
        ));
    }
    Ok(files)
}

fn existing_files(
    list: &Spanned<Vec<Spanned<String>>>,
    key: &str,
    root: &Path,
    value_error: &dyn Fn(std::ops::Range<usize>, &str, String) -> ConfigError,
) -> Result<Vec<PathBuf>, ConfigError> {
    existing(list, key, root, value_error, (&|path: &Path| path.is_file(), "file"))
}

/// Each path of `list`, from the root, when `kind.0` accepts it; else an error naming it as not
/// a `kind.1` under the root.
fn existing(
    list: &Spanned<Vec<Spanned<String>>>,
    key: &str,
    root: &Path,
    value_error: &dyn Fn(std::ops::Range<usize>, &str, String) -> ConfigError,
    kind: (&dyn Fn(&Path) -> bool, &str),
) -> Result<Vec<PathBuf>, ConfigError> {
    let mut paths = Vec::new();
    for entry in list.get_ref() {
        let path = crate::paths::normalize(&root.join(entry.get_ref()));
        if !(kind.0)(&path) {
            return Err(value_error(
                entry.span(),
                key,
                format!("names \"{}\", which is not a {} under {}", entry.get_ref(), kind.1, root.display()),
            ));
        }
        paths.push(path);
    }
    Ok(paths)
}

/// The `[alias]` entries, checked: keys are specifiers matched whole or as a `key/` prefix, so
/// a key ending in `/` would match nothing; values must name something.
fn checked_alias(
    table: &AliasTable,
    value_error: &dyn Fn(std::ops::Range<usize>, &str, String) -> ConfigError,
) -> Result<Vec<(String, String)>, ConfigError> {
    let mut entries = Vec::new();
    for (key, value) in &table.0 {
        let name = key.get_ref();
        if name.is_empty() {
            return Err(value_error(key.span(), "alias", "has an empty key".into()));
        }
        if name.len() > 1 && name.ends_with('/') {
            let bare = name.trim_end_matches('/');
            return Err(value_error(
                key.span(),
                "alias",
                format!(
                    "key \"{name}\" ends with `/`, so it matches no import (hint: write \"{bare}\"; it matches \"{bare}\" and \"{bare}/…\")"
                ),
            ));
        }
        if value.get_ref().trim().is_empty() {
            return Err(value_error(value.span(), "alias", format!("\"{name}\" has an empty value")));
        }
        entries.push((name.clone(), value.get_ref().clone()));
    }
    Ok(entries)
}

fn checked_tags(
    tags: &Spanned<Vec<String>>,
    key: &str,
    value_error: &dyn Fn(std::ops::Range<usize>, &str, String) -> ConfigError,
) -> Result<Vec<String>, ConfigError> {
    if let Some(bad) = tags.get_ref().iter().find(|t| t.trim().is_empty()) {
        return Err(value_error(tags.span(), key, format!("has an empty tag \"{bad}\"")));
    }
    Ok(tags.get_ref().clone())
}

/// A suite's `tests` or `exclude`: each glob must compile and stay inside the root (an absolute
/// glob under the root is taken relative to it).
fn checked_globs(
    globs: &Spanned<Vec<Spanned<String>>>,
    key: &str,
    root: &Path,
    value_error: &dyn Fn(std::ops::Range<usize>, &str, String) -> ConfigError,
) -> Result<Vec<String>, ConfigError> {
    let mut checked = Vec::new();
    for glob in globs.get_ref() {
        let text = glob.get_ref();
        if let Err(err) = globset::Glob::new(text) {
            return Err(value_error(glob.span(), key, format!("has a bad glob \"{text}\": {}", err.kind())));
        }
        checked.push(inside_root(text, root).map_err(|message| value_error(glob.span(), key, message))?);
    }
    Ok(checked)
}

/// A suite's `page`: an HTML file under the root, on a suite with a browser runtime.
fn checked_page(
    page: &Spanned<String>,
    runtimes: &[RuntimeKind],
    root: &Path,
    value_error: &dyn Fn(std::ops::Range<usize>, &str, String) -> ConfigError,
) -> Result<PathBuf, ConfigError> {
    let text = page.get_ref();
    if !runtimes.iter().any(|r| matches!(r, RuntimeKind::Chromium | RuntimeKind::Attach)) {
        return Err(value_error(
            page.span(),
            "page",
            "is the test page of browser runtimes, and this suite runs only in node (hint: add runtime = \"chromium\")"
                .into(),
        ));
    }
    let relative = inside_root(text, root).map_err(|_| {
        value_error(page.span(), "page", format!("\"{text}\" is outside the project root {}", root.display()))
    })?;
    let path = root.join(&relative);
    if relative.is_empty() || !path.is_file() {
        return Err(value_error(
            page.span(),
            "page",
            format!("names \"{text}\", which is not a file under {}", root.display()),
        ));
    }
    Ok(path)
}

/// A config glob relative to the root: `..` segments and absolute globs elsewhere would match
/// files outside it, which discovery never walks, so they are errors rather than silent no-ops.
fn inside_root(glob: &str, root: &Path) -> Result<String, String> {
    let outside = || {
        format!(
            "has a glob \"{glob}\" outside the project root {} (hint: globs are relative to the root; \
             use --root to choose a directory above both)",
            root.display()
        )
    };
    let relative = if glob.starts_with('/') {
        let prefix = format!("{}/", root.to_string_lossy().trim_end_matches('/'));
        glob.strip_prefix(&prefix).ok_or_else(outside)?
    } else {
        glob
    };
    if relative.split('/').any(|segment| segment == "..") {
        return Err(outside());
    }
    Ok(relative.trim_start_matches("./").to_owned())
}

/// The retry and repeat flags.
fn resolve_retries(run: &RunArgs, config: &mut Config) -> Result<(), ConfigError> {
    use crate::retry::Repeat;
    let duration = |flag: &str, text: &str| {
        parse_duration(text).ok_or_else(|| ConfigError::Flag {
            flag: flag.into(),
            message: format!("`{text}` is not a duration (use e.g. 100ms, 30s, 5m)"),
        })
    };
    config.retries_override = run.retries;
    if let Some(text) = &run.retry_delay {
        config.retry_delay_override =
            Some(if text.trim() == "0" { Duration::ZERO } else { duration("--retry-delay", text)? });
    }
    config.flaky_result = run.flaky_result.unwrap_or_default();
    let fraction = |flag: &str, value: f64| {
        if value > 0.0 && value < 1.0 {
            Ok(value)
        } else {
            Err(ConfigError::Flag { flag: flag.into(), message: format!("{value} must be between 0 and 1") })
        }
    };
    config.repeat = if let Some(count) = run.repeat {
        if count == 0 {
            return Err(ConfigError::Flag { flag: "--repeat".into(), message: "must be at least 1".into() });
        }
        Repeat::Times { count }
    } else if let Some(max) = run.repeat_until_fail {
        Repeat::UntilFail { max: max.max(1) }
    } else if let Some(text) = &run.repeat_for {
        Repeat::For { total: duration("--repeat-for", text)? }
    } else if run.hunt {
        Repeat::Hunt {
            confidence: fraction("--confidence", run.confidence)?,
            max_rate: fraction("--max-rate", run.max_rate)?,
        }
    } else {
        Repeat::Once
    };
    Ok(())
}

/// A `retries` value: a whole number from 0.
fn retry_count(
    value: &Spanned<i64>,
    value_error: &dyn Fn(std::ops::Range<usize>, &str, String) -> ConfigError,
) -> Result<u32, ConfigError> {
    u32::try_from(*value.get_ref()).map_err(|_| {
        value_error(value.span(), "retries", format!("must be a whole number from 0, not {}", value.get_ref()))
    })
}

/// A `retry-delay` value: milliseconds (0 included) or a duration string.
fn delay_value(value: &toml::Value) -> Option<Duration> {
    match value {
        toml::Value::Integer(0) => Some(Duration::ZERO),
        other => timeout_value(other),
    }
}

/// A `timeout` value: a positive number of milliseconds, or a duration string.
fn timeout_value(value: &toml::Value) -> Option<Duration> {
    match value {
        toml::Value::Integer(ms) if *ms > 0 => Some(Duration::from_millis(*ms as u64)),
        toml::Value::Float(ms) if ms.is_finite() && *ms > 0.0 => Some(Duration::from_secs_f64(ms / 1000.0)),
        toml::Value::String(text) => parse_duration(text),
        _ => None,
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suites_from(text: &str) -> Result<Vec<SuiteConfig>, ConfigError> {
        file_from(text).map(|(suites, ..)| suites)
    }

    #[test]
    fn colour_follows_the_flag_then_no_color_then_force_color_then_the_terminal() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
        };
        use ColorChoice::*;
        assert!(color_enabled(Auto, &env(&[]), true));
        assert!(!color_enabled(Auto, &env(&[]), false), "a pipe gets none");
        assert!(!color_enabled(Auto, &env(&[("TERM", "dumb")]), true));
        assert!(!color_enabled(Auto, &env(&[("NO_COLOR", "1")]), true));
        assert!(color_enabled(Auto, &env(&[("NO_COLOR", "")]), true), "an empty NO_COLOR is unset");
        assert!(color_enabled(Auto, &env(&[("FORCE_COLOR", "1")]), false));
        assert!(color_enabled(Auto, &env(&[("FORCE_COLOR", "")]), false));
        assert!(!color_enabled(Auto, &env(&[("FORCE_COLOR", "0")]), true));
        assert!(!color_enabled(Auto, &env(&[("NO_COLOR", "1"), ("FORCE_COLOR", "1")]), true));
        assert!(color_enabled(Always, &env(&[("NO_COLOR", "1")]), false));
        assert!(!color_enabled(Never, &env(&[("FORCE_COLOR", "1")]), true));
    }

    #[test]
    fn browser_only_keys_on_a_node_suite_are_warnings_naming_their_line() {
        let (suites, _, _, _, keys) = file_from(
            "[[suite]]\nid = \"n\"\nbuild = \"esbuild\"\nminify = true\n\n[[suite]]\nid = \"b\"\nruntime = \"chromium\"\nbuild = \"esbuild\"\n",
        )
        .unwrap();
        let warnings = browser_only_warnings(&keys, &suites);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].ends_with("proctor.toml:3:9: `build` has no effect in suite \"n\", which runs only in node (node runs the test files as they are; hint: remove it, or add runtime = \"chromium\")"), "{}", warnings[0]);
        assert!(warnings[1].contains("proctor.toml:4:10: `minify` has no effect in suite \"n\""), "{}", warnings[1]);
        let mut in_chromium = suites.clone();
        in_chromium[0].runtimes = vec![RuntimeKind::Chromium];
        assert!(browser_only_warnings(&keys, &in_chromium).is_empty(), "--runtime chromium gives them effect");
    }

    #[test]
    fn permissions_are_read_and_are_browser_only() {
        let (suites, _, _, _, keys) = file_from(
            "[[suite]]\nid = \"b\"\nruntime = \"chromium\"\npermissions = [\"clipboard-read\", \"geolocation\"]\n\n\
             [[suite]]\nid = \"n\"\npermissions = [\"clipboard-read\"]\n",
        )
        .unwrap();
        assert_eq!(suites[0].permissions, ["clipboard-read", "geolocation"]);
        let warnings = browser_only_warnings(&keys, &suites);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("proctor.toml:8:15: `permissions` has no effect in suite \"n\""),
            "{}",
            warnings[0]
        );
    }

    fn file_from(text: &str) -> Result<FileConfig, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("proctor.toml");
        std::fs::write(&path, text).unwrap();
        read_file(&path, dir.path()).map_err(|e| match e {
            ConfigError::Syntax { line, column, message, .. } => {
                ConfigError::Syntax { path: "proctor.toml".into(), line, column, message }
            }
            ConfigError::Value { line, column, key, message, .. } => {
                ConfigError::Value { path: "proctor.toml".into(), line, column, key, message }
            }
            other => other,
        })
    }

    #[test]
    fn roots_are_directories_under_the_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("test")).unwrap();
        let path = dir.path().join("proctor.toml");
        std::fs::write(&path, "[[suite]]\nid = \"a\"\nroots = [\"test\", \".\"]\n[[suite]]\nid = \"b\"\n").unwrap();
        let (suites, ..) = read_file(&path, dir.path()).unwrap();
        assert_eq!(suites[0].roots, vec![dir.path().join("test"), dir.path().to_path_buf()]);
        assert_eq!(suites[1].mock_roots(dir.path()), vec![dir.path().to_path_buf()]);
        let err = suites_from("[[suite]]\nid = \"a\"\nroots = [\"nope\"]\n").unwrap_err().to_string();
        assert!(err.contains("proctor.toml:3:10: `roots` names \"nope\", which is not a directory under"), "{err}");
    }

    #[test]
    fn setup_files_are_per_suite_with_a_top_level_default() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("test")).unwrap();
        std::fs::write(dir.path().join("test/setup.ts"), "").unwrap();
        std::fs::write(dir.path().join("test/dom.js"), "").unwrap();
        let path = dir.path().join("proctor.toml");
        std::fs::write(
            &path,
            "setup-files = [\"test/setup.ts\"]\n[[suite]]\nid = \"a\"\n[[suite]]\nid = \"b\"\nsetup-files = [\"test/dom.js\", \"./test/setup.ts\"]\n",
        )
        .unwrap();
        let (suites, ..) = read_file(&path, dir.path()).unwrap();
        assert_eq!(suites[0].setup_files, vec![dir.path().join("test/setup.ts")]);
        assert_eq!(suites[1].setup_files, vec![dir.path().join("test/dom.js"), dir.path().join("test/setup.ts")]);
    }

    #[test]
    fn a_missing_setup_file_names_its_line_and_column() {
        let err = suites_from("[[suite]]\nid = \"unit\"\nsetup-files = [\"test/nope.js\"]\n").unwrap_err().to_string();
        assert!(err.starts_with("invalid config proctor.toml:3:16: `setup-files` names \"test/nope.js\""), "{err}");
    }

    #[test]
    fn snapshot_format_and_serializers_are_per_suite() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("s")).unwrap();
        std::fs::write(dir.path().join("s/money.cjs"), "").unwrap();
        let path = dir.path().join("proctor.toml");
        std::fs::write(
            &path,
            "[[suite]]\nid = \"old\"\nsnapshot-format = { escape-string = true, print-basic-prototype = false }\n\
             snapshot-serializers = [\"s/money.cjs\"]\n[[suite]]\nid = \"new\"\n",
        )
        .unwrap();
        let (suites, ..) = read_file(&path, dir.path()).unwrap();
        let format = protocol::SnapshotFormat { escape_string: Some(true), print_basic_prototype: Some(false) };
        assert_eq!(suites[0].snapshot_format, Some(format));
        assert_eq!(suites[0].snapshot_serializers, vec![dir.path().join("s/money.cjs")]);
        assert_eq!((suites[1].snapshot_format, suites[1].snapshot_serializers.len()), (None, 0));

        let err =
            suites_from("[[suite]]\nid = \"u\"\nsnapshot-serializers = [\"s/nope.js\"]\n").unwrap_err().to_string();
        assert!(
            err.starts_with("invalid config proctor.toml:3:25: `snapshot-serializers` names \"s/nope.js\""),
            "{err}"
        );
        let err = suites_from("[[suite]]\nid = \"u\"\nsnapshot-format = { escape = true }\n").unwrap_err().to_string();
        assert!(err.contains("unknown field `escape`"), "{err}");
    }

    #[test]
    fn environments_are_checked() {
        let suites = suites_from("[[suite]]\nid = \"dom\"\nenvironment = \"happy-dom\"\n").unwrap();
        assert_eq!(suites[0].environment, "happy-dom");
        assert_eq!(suites_from("[[suite]]\nid = \"n\"\n").unwrap()[0].environment, "node");
        let err = suites_from("[[suite]]\nid = \"dom\"\nenvironment = \"jdsom\"\n").unwrap_err().to_string();
        assert!(
            err.starts_with("invalid config proctor.toml:3:15: `environment` \"jdsom\" is not an environment"),
            "{err}"
        );
        let err = suites_from("[[suite]]\nid = \"b\"\nruntime = \"chromium\"\nenvironment = \"jsdom\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("this suite runs in a browser, which is the real DOM"), "{err}");
    }

    #[test]
    fn empty_files_are_an_error_unless_ok() {
        let text = "[[suite]]\nid = \"a\"\n\n[[suite]]\nid = \"b\"\nempty-files = \"ok\"\n\n\
                    [[suite]]\nid = \"c\"\nempty-files = \"error\"\n";
        let suites = suites_from(text).unwrap();
        assert_eq!(suites.iter().map(|s| s.empty_files_ok).collect::<Vec<_>>(), [false, true, false]);
        let err = suites_from("[[suite]]\nempty-files = \"fine\"\n").unwrap_err().to_string();
        assert!(err.contains("`empty-files` must be \"error\" or \"ok\", not \"fine\""), "{err}");
    }

    #[test]
    fn reads_retries_retry_delays_and_tag_retries() {
        let text = "[[suite]]\nid = \"a\"\nretries = 2\nretry-delay = \"250ms\"\n\n[[suite]]\nid = \"b\"\n\n\
                    [tags.flaky]\nretries = 3\n";
        let suites = suites_from(text).unwrap();
        assert_eq!((suites[0].retries, suites[0].retry_delay), (2, Duration::from_millis(250)));
        assert_eq!((suites[1].retries, suites[1].retry_delay), (0, Duration::ZERO));
        assert_eq!(suites[1].tag_retries.get("flaky"), Some(&3));
        let err = suites_from("[[suite]]\nretry-delay = \"soon\"\n").unwrap_err().to_string();
        assert!(err.contains("`retry-delay` must be a duration"), "{err}");
        let err = suites_from("[tags.x]\nretries = -2\n").unwrap_err().to_string();
        assert!(err.contains("proctor.toml:2:11: `retries` must be a whole number from 0, not -2"), "{err}");
        let err = suites_from("[tags.x]\ntimeout = 3\n").unwrap_err().to_string();
        assert!(err.contains("unknown field `timeout`"), "{err}");
    }

    #[test]
    fn reads_suites_with_timeouts() {
        let suites = suites_from("[[suite]]\nid = \"unit\"\ntests = [\"t/**/*.test.js\"]\ntimeout = \"2s\"\n").unwrap();
        assert_eq!(suites.len(), 1);
        assert_eq!(suites[0].id, "unit");
        assert_eq!(suites[0].timeout, Duration::from_secs(2));
        assert_eq!(suites[0].tests, vec!["t/**/*.test.js"]);
    }

    #[test]
    fn unknown_key_names_the_key_and_line() {
        let err = suites_from("[[suite]]\nid = \"unit\"\ntimout = 5\n").unwrap_err().to_string();
        assert!(err.starts_with("invalid config proctor.toml:3:1:"), "{err}");
        assert!(err.contains("timout"), "{err}");
    }

    #[test]
    fn bad_runtime_names_the_key_and_line() {
        let err = suites_from("[[suite]]\nid = \"unit\"\n\nruntime = \"deno\"\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid config proctor.toml:4:11: `runtime` \"deno\" is not a runtime proctor supports (expected \"node\", \"chromium\" or \"attach\")"
        );
    }

    #[test]
    fn a_page_is_an_html_file_under_the_root_of_a_browser_suite() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("test")).unwrap();
        std::fs::write(dir.path().join("test/page.html"), "<html></html>").unwrap();
        let read = |text: &str| {
            std::fs::write(dir.path().join("proctor.toml"), text).unwrap();
            read_file(&dir.path().join("proctor.toml"), dir.path()).map(|(suites, ..)| suites)
        };
        let suites = read("[[suite]]\nruntime = \"chromium\"\npage = \"./test/page.html\"\n").unwrap();
        assert_eq!(suites[0].page.as_deref(), Some(dir.path().join("test/page.html").as_path()));
        let err = read("[[suite]]\nruntime = \"chromium\"\npage = \"test/nope.html\"\n").unwrap_err().to_string();
        assert!(err.contains("proctor.toml:3:8: `page` names \"test/nope.html\", which is not a file"), "{err}");
        let err = read("[[suite]]\npage = \"test/page.html\"\n").unwrap_err().to_string();
        assert!(err.contains("proctor.toml:2:8: `page` is the test page of browser runtimes"), "{err}");
        let err = read("[[suite]]\nruntime = \"chromium\"\npage = \"../page.html\"\n").unwrap_err().to_string();
        assert!(err.contains("`page` \"../page.html\" is outside the project root"), "{err}");
    }

    #[test]
    fn reads_runtimes_and_builds() {
        let suites = suites_from(
            "[[suite]]\nid = \"b\"\nruntime = [\"node\", \"chromium\"]\nbuild = { command = \"x {entry} {outdir}\" }\nminify = true\n",
        )
        .unwrap();
        assert_eq!(suites[0].runtimes, vec![RuntimeKind::Node, RuntimeKind::Chromium]);
        assert_eq!(suites[0].build, BuildMode::Command("x {entry} {outdir}".into()));
        assert!(suites[0].minify);
        let err = suites_from("[[suite]]\nbuild = \"webpack\"\n").unwrap_err().to_string();
        assert!(err.contains("proctor.toml:2:9: `build` \"webpack\""), "{err}");
        let err = suites_from("[[suite]]\nbuild = { command = \"x\" }\n").unwrap_err().to_string();
        assert!(err.contains("{entry} and {outdir}"), "{err}");
    }

    #[test]
    fn bad_timeout_is_an_error() {
        let err = suites_from("[[suite]]\ntimeout = \"soon\"\n").unwrap_err().to_string();
        assert!(err.contains("proctor.toml:2:11: `timeout`"), "{err}");
    }

    #[test]
    fn bad_timeouts_of_any_type_say_what_is_expected() {
        for (value, shown) in [("\"5 sec\"", "\"5 sec\""), ("-1", "-1"), ("true", "true"), ("[5]", "[5]"), ("0", "0")] {
            let err = suites_from(&format!("[[suite]]\ntimeout = {value}\n")).unwrap_err().to_string();
            assert_eq!(
                err,
                format!(
                    "invalid config proctor.toml:2:11: `timeout` must be a positive duration: a number of \
                     milliseconds (5000) or a string such as \"500ms\", \"5s\" or \"1m\", not {shown}"
                )
            );
        }
        let ok = suites_from("[[suite]]\ntimeout = 1500.0\n").unwrap();
        assert_eq!(ok[0].timeout, Duration::from_millis(1500));
    }

    #[test]
    fn globs_outside_the_root_are_errors_naming_the_glob() {
        let err = suites_from("[[suite]]\ntests = [\"test/**/*.test.js\", \"../other/**/*.test.js\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("invalid config proctor.toml:2:31: `tests` has a glob \"../other/**/*.test.js\" outside the project root"),
            "{err}"
        );
        let err = suites_from("[[suite]]\nexclude = [\"/elsewhere/*.js\"]\n").unwrap_err().to_string();
        assert!(err.contains("proctor.toml:2:12: `exclude` has a glob \"/elsewhere/*.js\" outside"), "{err}");
        let err = file_from("[selections]\nx = { tests = [\"a/../../*.test.js\"] }\n").unwrap_err().to_string();
        assert!(err.contains("proctor.toml:2:16: `tests` has a glob \"a/../../*.test.js\" outside"), "{err}");
        let root = Path::new("/project");
        assert_eq!(inside_root("/project/test/*.js", root), Ok("test/*.js".to_string()));
        assert_eq!(inside_root("./test/*.js", root), Ok("test/*.js".to_string()));
    }

    const TWO_SUITES: &str = indoc::indoc! {r#"
        [[suite]]
        id = "unit"
        tests = ["unit/**/*.test.js"]
        skip-tags = ["wip"]

        [[suite]]
        id = "integration"
        tests = ["integration/**/*.test.js"]
        tags = ["integration"]
        focus-tags = ["smoke"]

        [selections]
        fast = { tags = ["fast"] }
        api = { tests = ["integration/api.test.js", "unit:unit/math.test.js::math", "unit/**/str*.test.js"] }
    "#};

    #[test]
    fn reads_suite_tags_and_selections() {
        let (suites, selections, ..) = file_from(TWO_SUITES).unwrap();
        assert_eq!(suites[0].skip_tags, vec!["wip"]);
        assert_eq!(
            (suites[1].tags.clone(), suites[1].focus_tags.clone()),
            (vec!["integration".to_string()], vec!["smoke".to_string()])
        );
        assert_eq!(selections["fast"].tags, vec!["fast"]);
        let api: Vec<String> = selections["api"]
            .tests
            .iter()
            .map(|t| serde_json::to_value(t).unwrap().as_str().unwrap().to_owned())
            .collect();
        assert_eq!(api, vec!["integration/api.test.js", "unit:unit/math.test.js::math", "unit/**/str*.test.js"]);
        assert!(matches!(&selections["api"].tests[1], TestPattern::Id(id) if id.suite.as_deref() == Some("unit")));
        assert!(matches!(&selections["api"].tests[2], TestPattern::Glob { .. }));
    }

    #[test]
    fn selection_errors_name_the_key_and_line() {
        let err = file_from("[selections]\nfast = { tags = [\"fast\"], test = [\"a\"] }\n").unwrap_err().to_string();
        assert!(err.starts_with("invalid config proctor.toml:2:"), "{err}");
        assert!(err.contains("unknown field `test`"), "{err}");
        let err = file_from("[selections]\n\nempty = {}\n").unwrap_err().to_string();
        assert_eq!(err, "invalid config proctor.toml:3:9: `empty` needs `tests` (ids or file globs) or `tags`");
        let err = file_from("[selections]\nx = { tests = [\"nope:a.test.js\"] }\n").unwrap_err().to_string();
        assert_eq!(err, "invalid config proctor.toml:2:16: `tests` \"nope:a.test.js\" names no suite \"nope\"");
        let err = file_from("[[suite]]\nskip-tag = [\"wip\"]\n").unwrap_err().to_string();
        assert!(err.starts_with("invalid config proctor.toml:2:1:") && err.contains("skip-tag"), "{err}");
        let err = file_from("[[suite]]\nfocus-tags = [\"\"]\n").unwrap_err().to_string();
        assert_eq!(err, "invalid config proctor.toml:2:14: `focus-tags` has an empty tag \"\"");
    }

    #[test]
    fn unknown_selections_and_suites_suggest_the_closest_names() {
        let (suites, selections, ..) = file_from(TWO_SUITES).unwrap();
        let cwd = tempfile::tempdir().unwrap();
        let args = |f: &dyn Fn(&mut SelectArgs)| {
            let mut args = SelectArgs::default();
            f(&mut args);
            resolve_selection(&args, &suites, &selections, cwd.path(), cwd.path())
                .map(|_| ())
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            args(&|a| a.named.select = vec![vec!["fats".into()]]),
            Err("unknown selection \"fats\" in --select (hint: did you mean fast?)".into())
        );
        assert_eq!(
            args(&|a| a.named.except = vec![vec!["fast".into(), "integraton".into()]]),
            Err("unknown suite \"integraton\" in --except fast (hint: did you mean integration?)".into())
        );
        assert_eq!(
            args(&|a| a.focus = vec!["units:a.test.js".into()]),
            Err("unknown suite \"units\" in --focus units:a.test.js (hint: did you mean unit?)".into())
        );
        assert_eq!(
            args(&|a| a.named.select = vec![vec!["zzzzzzz".into()]]),
            Err("unknown selection \"zzzzzzz\" in --select (hint: the selections are api, fast)".into())
        );
        std::fs::write(cwd.path().join("a.test.js"), "").unwrap();
        assert_eq!(
            args(&|a| a.named.select = vec![vec!["fast".into(), "a.test.js".into()]]),
            Err("unknown suite \"a.test.js\" in --select fast (hint: \"a.test.js\" is a path; put paths before --select/--except, or after --)".into())
        );
        assert_eq!(args(&|a| a.named.select = vec![vec!["fast".into(), "unit".into()]]), Ok(()));
    }

    #[test]
    fn reads_the_alias_table_in_order_and_rejects_keys_that_match_nothing() {
        let (_, _, alias, ..) =
            file_from("[alias]\n\"@\" = \"./src\"\nredux = \"./src/index.ts\"\nreact = \"preact/compat\"\n").unwrap();
        let expected = [("@", "./src"), ("redux", "./src/index.ts"), ("react", "preact/compat")];
        assert_eq!(alias, expected.map(|(k, v)| (k.to_string(), v.to_string())).to_vec(), "table order, not sorted");
        let err = file_from("[alias]\n\"@/\" = \"./src/\"\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid config proctor.toml:2:1: `alias` key \"@/\" ends with `/`, so it matches no import (hint: write \"@\"; it matches \"@\" and \"@/…\")"
        );
        let err = file_from("[alias]\nx = \"\"\n").unwrap_err().to_string();
        assert_eq!(err, "invalid config proctor.toml:2:5: `alias` \"x\" has an empty value");
        let err = file_from("[alias]\nx = 3\n").unwrap_err().to_string();
        assert!(err.starts_with("invalid config proctor.toml:2:5:"), "{err}");
    }

    #[test]
    fn reads_suite_conditions_and_jsx_overrides() {
        let suites = suites_from(indoc::indoc! {r#"
            [[suite]]
            conditions = ["@my/source", "worker"]
            jsx = "classic"
            jsx-factory = "h"
            jsx-fragment = "Fragment"
            jsx-import-source = "preact"
            jsx-in-js = true
        "#})
        .unwrap();
        assert_eq!(suites[0].conditions, vec!["@my/source", "worker"]);
        assert_eq!(
            suites[0].jsx,
            JsxConfig {
                runtime: Some("classic".into()),
                import_source: Some("preact".into()),
                factory: Some("h".into()),
                fragment: Some("Fragment".into()),
                in_js: true,
            }
        );
        assert_eq!(suites_from("[[suite]]\n").unwrap()[0].jsx, JsxConfig::default());
        let err = suites_from("[[suite]]\njsx = \"react\"\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid config proctor.toml:2:7: `jsx` \"react\" is not a JSX runtime (expected \"automatic\", \"classic\" or \"preserve\")"
        );
        let err = suites_from("[[suite]]\nconditions = [\"ok\", \"\"]\n").unwrap_err().to_string();
        assert!(err.starts_with("invalid config proctor.toml:2:21: `conditions` has \"\""), "{err}");
        let err = suites_from("[[suite]]\njsx-factory = \" \"\n").unwrap_err().to_string();
        assert_eq!(err, "invalid config proctor.toml:2:15: `jsx-factory` must not be empty");
        let err = suites_from("[[suite]]\njsx-in-js = \"yes\"\n").unwrap_err().to_string();
        assert!(err.starts_with("invalid config proctor.toml:2:"), "{err}");
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("é\nx", 3), (2, 1));
    }
}
