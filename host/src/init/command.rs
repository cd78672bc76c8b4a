//! `proctor init`: finds the project's Jest, Vitest, mocha, web-test-runner and Karma configs,
//! evaluates each in node, maps it to suites ([`Draft`]), and writes proctor.toml (and any test
//! page it needs), saying line by line what it mapped and what it could not. It never
//! overwrites an existing proctor.toml without `--force`; `--dry-run` prints instead of writing.
//! Also [`note_unmigrated`]: the one line a run prints when such a config exists and no
//! proctor.toml does.

use super::detect::{find_configs, runner_without_config, Found, Origin, Runner};
use super::draft::{Draft, Notes};
use super::evaluate::{evaluate, EvaluateError};
use super::source::Source;
use crate::cli::InitArgs;
use crate::exit::SUCCESS;
use std::path::{Path, PathBuf};

/// Why `proctor init` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// proctor.toml exists and `--force` was not given.
    #[error("{} exists (hint: --force replaces it, --dry-run prints what would be written)", path.display())]
    Exists { path: PathBuf },
    /// No config of another runner was found.
    #[error("found no Jest, Vitest, mocha, web-test-runner or Karma config in {}", root.display())]
    NothingFound { root: PathBuf },
    /// Every config found failed to evaluate or gave no suite.
    #[error("no suite could be made from {sources}")]
    NoSuite { sources: String },
    /// The current directory or the project could not be read.
    #[error("failed to read {}: {message}", path.display())]
    Read { path: PathBuf, message: String },
    /// proctor.toml or a page could not be written.
    #[error("failed to write {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    /// The TOML could not be rendered.
    #[error("failed to render proctor.toml: {0}")]
    Render(#[from] toml::ser::Error),
}

/// `proctor init`.
pub fn init(args: InitArgs) -> Result<u8, InitError> {
    let cwd = std::env::current_dir().map_err(|e| InitError::Read { path: ".".into(), message: e.to_string() })?;
    let root = match &args.root {
        Some(root) => crate::paths::normalize(&cwd.join(root)),
        None => cwd,
    };
    let target = root.join("proctor.toml");
    if target.exists() && !args.force && !args.dry_run {
        return Err(InitError::Exists { path: target });
    }
    let mut found = find_configs(&root);
    if found.is_empty() {
        found.extend(runner_without_config(&root));
    }
    if found.is_empty() {
        return Err(InitError::NothingFound { root });
    }
    let files = crate::plan::project_files(&root)
        .map_err(|e| InitError::Read { path: root.clone(), message: e.to_string() })?;
    let mut notes = Notes::default();
    let mut draft = Draft::default();
    let labels: Vec<String> = found.iter().map(|f| f.label(&root)).collect();
    for config in &found {
        map_one(&root, config, &files, &mut notes, &mut draft);
    }
    if draft.suite.is_empty() {
        eprint!("{}", notes.text());
        return Err(InitError::NoSuite { sources: labels.join(", ") });
    }
    unique_ids(&mut draft);
    let text = draft.render(&labels)?;
    if args.dry_run {
        errln!("proctor init: from {} (dry run, nothing written)", labels.join(", "));
        eprint!("{}", notes.text());
        for (page, html) in &draft.pages {
            errln!("  would write {page}:\n{html}");
        }
        out!("{text}");
        return Ok(SUCCESS);
    }
    outln!("proctor init: from {}", labels.join(", "));
    out!("{}", notes.text());
    for (page, html) in &draft.pages {
        let path = root.join(page);
        if path.exists() && !args.force {
            outln!("  kept      {page} (it exists; --force replaces it)");
            continue;
        }
        std::fs::write(&path, html).map_err(|source| InitError::Write { path: path.clone(), source })?;
        outln!("  wrote     {page}");
    }
    std::fs::write(&target, &text).map_err(|source| InitError::Write { path: target.clone(), source })?;
    outln!("  wrote     proctor.toml ({} suite{})", draft.suite.len(), if draft.suite.len() == 1 { "" } else { "s" });
    let check = crate::cli::ProjectArgs {
        paths: Vec::new(),
        root: Some(root.clone()),
        config: Some(target.clone()),
        print_config: false,
        select: Default::default(),
    };
    match crate::config::resolve(&check, None) {
        Ok(_) => outln!("Next: `proctor list` shows the tests it selects, `proctor run` runs them."),
        Err(error) => errln!("proctor: warning: the written proctor.toml does not load: {error} (edit it by hand)"),
    }
    Ok(SUCCESS)
}

/// Evaluates and maps one config; a config that cannot be evaluated is a note.
fn map_one(root: &Path, config: &Found, files: &[(String, PathBuf)], notes: &mut Notes, draft: &mut Draft) {
    let label = config.label(root);
    let value = match &config.origin {
        Origin::File(format) => evaluate(root, &config.path, *format),
        Origin::Dependency if config.runner == Runner::Mocha => Ok(super::mocha::script_config(&config.path)),
        Origin::Dependency => Ok(serde_json::json!({})),
        Origin::PackageKey(key) => std::fs::read_to_string(&config.path)
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .and_then(|mut package| package.get_mut(*key).map(serde_json::Value::take))
            .ok_or_else(|| EvaluateError::Failed {
                file: config.path.clone(),
                message: format!("no \"{key}\" object"),
            }),
    };
    let value = match value {
        Ok(value) => value,
        Err(error) => {
            let text = error.to_string();
            let missing = ["Cannot find", "cannot resolve", "ERR_MODULE_NOT_FOUND"].iter().any(|m| text.contains(m));
            let hint = if missing { " (hint: npm install, so its imports resolve)" } else { "" };
            notes.unmapped(label, format!("{text}{hint}"));
            return;
        }
    };
    let base = config.path.parent().unwrap_or(root).to_path_buf();
    let mut source = Source { root, base, label, files, notes };
    let id = config.runner.id();
    match config.runner {
        Runner::Jest => super::jest::map_jest(&value, &mut source, draft, id),
        Runner::Vitest => {
            let value = with_workspace(root, &config.path, value, &mut source);
            super::vitest::map_vitest(&value, &mut source, draft, id, installed_major(root, "vitest"));
        }
        Runner::Mocha => {
            let suite = super::mocha::map_mocha(&value, &mut source, id);
            draft.suite.push(suite);
        }
        Runner::Wtr => super::browser::map_wtr(&value, &mut source, draft, id),
        Runner::Karma => super::browser::map_karma(&value, &mut source, draft, id),
    }
}

/// A Vitest config with the projects of a `vitest.workspace.*` file as its `test.projects`
/// (where a workspace file exists, Vitest 3 takes the projects from it); a workspace file found
/// alone is the projects of an empty config.
fn with_workspace(root: &Path, path: &Path, value: serde_json::Value, source: &mut Source<'_>) -> serde_json::Value {
    use super::detect::{is_vitest_workspace, vitest_workspace};
    use super::evaluate::Format;
    let (mut config, workspace) = if is_vitest_workspace(path) {
        (serde_json::json!({}), Ok(value))
    } else {
        match vitest_workspace(root) {
            Some(file) => (value, evaluate(root, &file, Format::Module)),
            None => return value,
        }
    };
    let label =
        vitest_workspace(root).map(|f| f.strip_prefix(root).unwrap_or(&f).display().to_string()).unwrap_or_default();
    match workspace {
        Ok(projects) if config["test"].get("projects").is_none() => {
            if !config["test"].is_object() {
                config["test"] = serde_json::json!({});
            }
            config["test"]["projects"] = projects;
            source.notes.mapped(label, "the projects below (as test.projects)");
        }
        Ok(_) => source.notes.unmapped(label, "test.projects in the config wins"),
        Err(error) => source.notes.unmapped(label, error.to_string()),
    }
    config
}

/// The major version of `package` installed in the project, if any (Vitest's default `exclude`
/// changed in 4, Jest's default environment in 27).
pub(crate) fn installed_major(root: &Path, package: &str) -> Option<u64> {
    let text = std::fs::read_to_string(root.join("node_modules").join(package).join("package.json")).ok()?;
    let package: serde_json::Value = serde_json::from_str(&text).ok()?;
    package["version"].as_str()?.split('.').next()?.parse().ok()
}

/// Suite ids are unique in proctor.toml: a repeated one gets `-2`, `-3`.
fn unique_ids(draft: &mut Draft) {
    let mut seen: Vec<String> = Vec::new();
    for suite in &mut draft.suite {
        let mut id = suite.id.clone();
        let mut n = 2;
        while seen.contains(&id) {
            id = format!("{}-{n}", suite.id);
            n += 1;
        }
        suite.id = id.clone();
        seen.push(id);
    }
}

/// When a run has no proctor.toml and the project has another runner's config, says so once
/// (on stderr): proctor runs with its defaults, and `proctor init` would read that config.
pub(crate) fn note_unmigrated(config: &crate::config::Config) {
    if config.config_file.is_some() {
        return;
    }
    let found = find_configs(&config.root);
    if !found.is_empty() {
        let names: Vec<String> = found.iter().map(|f| f.label(&config.root)).collect();
        errln!(
            "proctor: note: found {} and no proctor.toml; running with proctor's defaults (`proctor init` writes a proctor.toml from it)",
            names.join(", ")
        );
    }
}
