//! Builds the [`Plan`]: finds each suite's test files (honouring .gitignore, skipping
//! node_modules and dot-folders) and analyses every file once.

use super::analyze::analyze;
use super::model::{Location, Plan, PlannedFile, PlannedSuite, SyntaxError};
use super::stamp::{stamp, Stamp};
use crate::config::Config;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Why no plan could be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// Walking the project failed.
    #[error("failed to list test files under {}: {message}", root.display())]
    Walk { root: PathBuf, message: String },
    /// A glob from the config did not compile (config validation normally catches this).
    #[error("failed to compile glob \"{glob}\": {message}")]
    Glob { glob: String, message: String },
}

/// Analysed files by path, with the modification time they were read at: watch mode keeps one
/// so that only changed files are parsed again.
#[derive(Debug, Default)]
pub struct PlanCache {
    files: HashMap<PathBuf, (Option<Stamp>, PlannedFile)>,
}

/// Discovers and analyses every suite's test files.
pub fn build_plan(config: &Config) -> Result<Plan, PlanError> {
    build_plan_cached(config, &mut PlanCache::default())
}

/// Like [`build_plan`], parsing only the files that are new or modified since `cache` saw them.
pub fn build_plan_cached(config: &Config, cache: &mut PlanCache) -> Result<Plan, PlanError> {
    let candidates = walk(&config.root)?;
    let named_globs = glob_set(&config.path_globs)?;
    let limited = !config.paths.is_empty() || !config.path_globs.is_empty();
    let within = |rel: &str, abs: &Path| {
        !limited || config.paths.iter().any(|limit| abs.starts_with(limit)) || named_globs.is_match(rel)
    };
    let mut claimed: BTreeSet<PathBuf> = BTreeSet::new();
    let mut members: Vec<Vec<(String, PathBuf)>> = Vec::new();
    for suite in &config.suites {
        let include = glob_set(&suite.tests)?;
        let exclude = glob_set(&suite.exclude)?;
        let files: Vec<(String, PathBuf)> = candidates
            .iter()
            .filter(|(rel, abs)| include.is_match(rel) && !exclude.is_match(rel) && within(rel, abs))
            .cloned()
            .collect();
        claimed.extend(files.iter().map(|(_, abs)| abs.clone()));
        members.push(files);
    }
    // A file named on the command line runs even when no suite's globs match it (as in Jest),
    // and so does a file a command-line glob matches: the same files as had the shell expanded it.
    let named = config
        .paths
        .iter()
        .filter(|path| path.is_file())
        .cloned()
        .chain(candidates.iter().filter(|(rel, _)| named_globs.is_match(rel)).map(|(_, abs)| abs.clone()));
    for path in named {
        if !claimed.contains(&path) {
            if let (Some(first), Some(rel)) = (members.first_mut(), relative(&config.root, &path)) {
                first.push((rel, path.clone()));
                first.sort();
                claimed.insert(path);
            }
        }
    }
    let unique: BTreeMap<PathBuf, String> =
        members.iter().flatten().map(|(rel, abs)| (abs.clone(), rel.clone())).collect();
    let mut analyzed: BTreeMap<PathBuf, PlannedFile> = BTreeMap::new();
    let mut stale = Vec::new();
    for (abs, rel) in unique {
        match cache.files.get(&abs) {
            Some((time, file)) if time.is_some() && *time == stamp(&abs) && file.path == rel => {
                analyzed.insert(abs, file.clone());
            }
            _ => stale.push((rel, abs)),
        }
    }
    // Stamped before they are read, so a save during the read leaves the entry stale.
    let stamps: HashMap<PathBuf, Option<Stamp>> = stale.iter().map(|(_, abs)| (abs.clone(), stamp(abs))).collect();
    for (abs, file) in analyze_all(stale) {
        cache.files.insert(abs.clone(), (stamps.get(&abs).copied().flatten(), file.clone()));
        analyzed.insert(abs, file);
    }
    cache.files.retain(|abs, _| analyzed.contains_key(abs));
    let vitest = vitest_project(&config.root);
    for file in analyzed.values_mut() {
        file.vitest_project = vitest;
    }
    let suites = config
        .suites
        .iter()
        .zip(members)
        .map(|(suite, files)| PlannedSuite {
            id: suite.id.clone(),
            runtimes: suite.runtimes.clone(),
            timeout_ms: suite.timeout.as_millis() as u64,
            files: files.iter().filter_map(|(_, abs)| analyzed.get(abs).cloned()).collect(),
        })
        .collect();
    Ok(Plan { root: config.root.clone(), suites })
}

/// Parses files on every core: each file is independent, and parsing is most of the time
/// before the first test can start.
fn analyze_all(files: Vec<(String, PathBuf)>) -> BTreeMap<PathBuf, PlannedFile> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(files.len().max(1));
    if workers <= 1 || files.len() < 8 {
        return files.iter().map(|(rel, abs)| (abs.clone(), analyze_file(rel, abs))).collect();
    }
    let chunk = files.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter().map(|(rel, abs)| (abs.clone(), analyze_file(rel, abs))).collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(done) => done,
                // A panic in the parser is a bug; re-raise it rather than lose the files quietly.
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

fn analyze_file(rel: &str, abs: &Path) -> PlannedFile {
    let mut file = PlannedFile {
        path: rel.to_owned(),
        abs: abs.to_path_buf(),
        syntax_error: None,
        selected: true,
        nodes: Vec::new(),
        imports: Vec::new(),
        subjects: Vec::new(),
        environment: None,
        vitest_project: false,
    };
    match std::fs::read_to_string(abs) {
        Ok(source) => match analyze(rel, &source) {
            Ok(analysis) => {
                file.environment = super::docblock::environment(&source);
                file.nodes = analysis.nodes;
                file.imports = analysis.imports;
                file.subjects = analysis.subjects;
            }
            Err(err) => file.syntax_error = Some(err),
        },
        Err(err) => {
            file.syntax_error = Some(SyntaxError {
                message: format!("failed to read the file: {err}"),
                location: Location { line: 1, column: 1 },
                frame: String::new(),
            })
        }
    }
    file
}

/// Runners whose suites may sit beside Vitest's, where a file that does not import `vitest` may
/// be theirs.
const OTHER_RUNNERS: &[&str] = &["jest", "@jest/globals", "mocha", "jasmine", "karma", "ava", "@web/test-runner"];

/// Whether the root's package.json names `vitest` and no other runner among its dependencies:
/// then every test file is Vitest's, also one that does not import it (Vitest's `globals:
/// true`, as reselect's suite runs) — its hooks get Vitest's context rather than Jest's `done`,
/// its describe bodies are collected as Vitest collects them. A package.json that cannot be
/// read or parsed names nothing.
fn vitest_project(root: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(root.join("package.json")) else { return false };
    let Ok(manifest) = serde_json::from_str::<serde_json::Value>(&text) else { return false };
    let names = |name: &str| {
        ["dependencies", "devDependencies"]
            .iter()
            .any(|field| manifest.get(field).and_then(|deps| deps.get(name)).is_some())
    };
    names("vitest") && !OTHER_RUNNERS.iter().any(|runner| names(runner))
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    Some(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
}

/// Compiles config and command-line globs as Vitest, Jest and the shell match them: `*` and `?`
/// stay within one path segment (`test/*.js` is not `test/sub/helper.js`); only `**` crosses.
fn glob_set(globs: &[String]) -> Result<GlobSet, PlanError> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        builder.add(
            segment_glob(glob).map_err(|e| PlanError::Glob { glob: glob.clone(), message: e.kind().to_string() })?,
        );
    }
    builder.build().map_err(|e| PlanError::Glob { glob: globs.join(", "), message: e.kind().to_string() })
}

/// One glob whose `*` and `?` stay within a path segment.
pub(crate) fn segment_glob(glob: &str) -> Result<globset::Glob, globset::Error> {
    GlobBuilder::new(glob).literal_separator(true).build()
}

/// What to tell a user whose project has no test file: which patterns were searched from which
/// root, with the excludes and any limits from the command line.
pub fn no_files_message(config: &Config) -> String {
    let mut out = format!("no test files found under {}", config.root.display());
    for suite in &config.suites {
        out.push_str(&format!("\n  suite {}: tests {}", suite.id, suite.tests.join(", ")));
        if !suite.exclude.is_empty() {
            out.push_str(&format!("; exclude {}", suite.exclude.join(", ")));
        }
    }
    let limits: Vec<String> = config
        .paths
        .iter()
        .map(|path| relative(&config.root, path).unwrap_or_else(|| path.display().to_string()))
        .chain(config.path_globs.iter().cloned())
        .collect();
    if !limits.is_empty() {
        out.push_str(&format!("\n  limited to (command line): {}", limits.join(", ")));
    }
    out.push_str("\n  (node_modules, dot-folders and files .gitignore ignores are never searched)");
    out
}

/// Every file under the root, as (relative path with forward slashes, absolute path), sorted.
pub(crate) fn walk(root: &Path) -> Result<Vec<(String, PathBuf)>, PlanError> {
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .require_git(false)
        .filter_entry(|entry| entry.file_name() != "node_modules")
        .build();
    for entry in walker {
        let entry = entry.map_err(|e| PlanError::Walk { root: root.to_path_buf(), message: e.to_string() })?;
        if entry.file_type().is_some_and(|t| t.is_file()) {
            if let Some(rel) = relative(root, entry.path()) {
                out.push((rel, entry.path().to_path_buf()));
            }
        }
    }
    out.sort();
    Ok(out)
}
