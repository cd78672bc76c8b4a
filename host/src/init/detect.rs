//! [`find_configs`]: the other runners' configs a project has, in the order their runners look
//! for them (Jest's `jest.config.*` before package.json `"jest"`, Vitest's `vitest.config.*`
//! before `vite.config.*`, mocha's `.mocharc.*` before package.json `"mocha"`), for `proctor
//! init` and for the note a run prints when a project has one and no proctor.toml.

use super::evaluate::Format;
use std::path::{Path, PathBuf};

/// The runners init reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Runner {
    Jest,
    Vitest,
    Mocha,
    Wtr,
    Karma,
}

impl Runner {
    /// The suite id its suite gets.
    pub fn id(self) -> &'static str {
        match self {
            Runner::Jest => "jest",
            Runner::Vitest => "vitest",
            Runner::Mocha => "mocha",
            Runner::Wtr => "wtr",
            Runner::Karma => "karma",
        }
    }
}

/// Where a config is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A file of its own, read as `Format`.
    File(Format),
    /// A key of package.json.
    PackageKey(&'static str),
    /// No config at all: package.json names the runner (its test script, or a dependency), so
    /// the runner runs with its defaults, as if its config were empty.
    Dependency,
}

/// One config found.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub runner: Runner,
    pub path: PathBuf,
    pub origin: Origin,
}

impl Found {
    /// How notes name it: the file, or `package.json "jest"`.
    pub fn label(&self, root: &Path) -> String {
        let name = self.path.strip_prefix(root).unwrap_or(&self.path).to_string_lossy().into_owned();
        match &self.origin {
            Origin::File(_) => name,
            Origin::PackageKey(key) => format!("{name} \"{key}\""),
            Origin::Dependency => format!("{name} ({} without a config)", self.runner.id()),
        }
    }
}

const JS: &[&str] = &["js", "mjs", "cjs", "ts", "mts", "cts"];

/// The configs in `root`, at most one per runner.
pub(crate) fn find_configs(root: &Path) -> Vec<Found> {
    let package: Option<serde_json::Value> =
        std::fs::read_to_string(root.join("package.json")).ok().and_then(|text| serde_json::from_str(&text).ok());
    let has_key = |key: &str| package.as_ref().is_some_and(|p| p.get(key).is_some());
    let first = |stems: &[&str], exts: &[&str]| -> Option<PathBuf> {
        stems
            .iter()
            .flat_map(|stem| exts.iter().map(move |ext| root.join(format!("{stem}.{ext}"))))
            .find(|p| p.is_file())
    };
    let mut out = Vec::new();
    let mut push = |runner, path: Option<PathBuf>, origin: Origin| {
        if let Some(path) = path {
            out.push(Found { runner, path, origin });
        }
    };
    let jest_json = root.join("jest.config.json");
    if let Some(path) = first(&["jest.config"], JS) {
        push(Runner::Jest, Some(path), Origin::File(Format::Module));
    } else if jest_json.is_file() {
        push(Runner::Jest, Some(jest_json), Origin::File(Format::Jsonc));
    } else if has_key("jest") {
        push(Runner::Jest, Some(root.join("package.json")), Origin::PackageKey("jest"));
    }
    let vite = first(&["vitest.config"], JS)
        .or_else(|| {
            first(&["vite.config"], JS)
                .filter(|path| std::fs::read_to_string(path).is_ok_and(|text| text.contains("test")))
        })
        .or_else(|| vitest_workspace(root));
    push(Runner::Vitest, vite, Origin::File(Format::Module));
    let mocharc = [
        ("js", Format::Module),
        ("cjs", Format::Module),
        ("mjs", Format::Module),
        ("yaml", Format::Yaml),
        ("yml", Format::Yaml),
        ("jsonc", Format::Jsonc),
        ("json", Format::Jsonc),
    ]
    .into_iter()
    .map(|(ext, format)| (root.join(format!(".mocharc.{ext}")), format))
    .find(|(path, _)| path.is_file());
    match mocharc {
        Some((path, format)) => push(Runner::Mocha, Some(path), Origin::File(format)),
        None if has_key("mocha") => push(Runner::Mocha, Some(root.join("package.json")), Origin::PackageKey("mocha")),
        None => {}
    }
    let wtr = first(&["web-test-runner.config", "wtr.config"], &["js", "mjs", "cjs"]);
    push(Runner::Wtr, wtr, Origin::File(Format::Wtr));
    push(Runner::Karma, first(&["karma.conf"], &["js", "cjs", "ts"]), Origin::File(Format::Karma));
    out
}

/// For a project with no config: the runner package.json names — the one its `test` script
/// runs, else the first of Vitest, Jest and mocha among its dependencies. Vitest, Jest and
/// mocha all run with their defaults when there is no config, so init writes those out.
pub(crate) fn runner_without_config(root: &Path) -> Option<Found> {
    let path = root.join("package.json");
    let package: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).ok()?).ok()?;
    let runners = [(Runner::Vitest, "vitest"), (Runner::Jest, "jest"), (Runner::Mocha, "mocha")];
    let script = package["scripts"]["test"].as_str().unwrap_or("");
    let in_script = runners.iter().find(|(_, name)| {
        script.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '/')).any(|word| word == *name)
    });
    let depends = |name: &str| ["dependencies", "devDependencies"].iter().any(|key| package[key].get(name).is_some());
    let (runner, _) = in_script.or_else(|| runners.iter().find(|(_, name)| depends(name)))?;
    Some(Found { runner: *runner, path, origin: Origin::Dependency })
}

/// Vitest 3's `vitest.workspace.*`: its projects, beside the root config's options.
pub(crate) fn vitest_workspace(root: &Path) -> Option<PathBuf> {
    ["ts", "mts", "cts", "js", "mjs", "cjs", "json"]
        .iter()
        .map(|ext| root.join(format!("vitest.workspace.{ext}")))
        .find(|path| path.is_file())
}

/// Whether `path` is a Vitest workspace file.
pub(crate) fn is_vitest_workspace(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name.to_string_lossy().starts_with("vitest.workspace."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_runners_config_in_its_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("package.json"), r#"{"jest": {"testTimeout": 1}, "mocha": {}}"#).unwrap();
        std::fs::write(root.join("vite.config.ts"), "export default {}\n").unwrap();
        std::fs::write(root.join(".mocharc.yml"), "timeout: 1\n").unwrap();
        std::fs::write(root.join("wtr.config.mjs"), "export default {}\n").unwrap();
        let found: Vec<(Runner, String)> = find_configs(root).iter().map(|f| (f.runner, f.label(root))).collect();
        assert_eq!(
            found,
            [
                (Runner::Jest, "package.json \"jest\"".to_string()),
                (Runner::Mocha, ".mocharc.yml".into()),
                (Runner::Wtr, "wtr.config.mjs".into())
            ],
            "a vite.config without a test block is not Vitest's"
        );
        std::fs::write(root.join("jest.config.ts"), "export default {}\n").unwrap();
        std::fs::write(root.join("vitest.config.mts"), "export default {}\n").unwrap();
        let found: Vec<String> = find_configs(root).iter().map(|f| f.label(root)).collect();
        assert_eq!(found, ["jest.config.ts", "vitest.config.mts", ".mocharc.yml", "wtr.config.mjs"]);
    }

    #[test]
    fn without_a_config_the_runner_is_the_one_the_test_script_or_a_dependency_names() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let runner = |package: &str| {
            std::fs::write(root.join("package.json"), package).unwrap();
            runner_without_config(root).map(|found| (found.runner, found.label(root)))
        };
        assert_eq!(
            runner(r#"{"scripts": {"test": "pnpm lint && jest --ci"}, "devDependencies": {"vitest": "4"}}"#),
            Some((Runner::Jest, "package.json (jest without a config)".into()))
        );
        assert_eq!(runner(r#"{"devDependencies": {"mocha": "11", "vitest": "4"}}"#).unwrap().0, Runner::Vitest);
        assert_eq!(runner(r#"{"scripts": {"test": "node --test"}, "devDependencies": {"jest-dom": "1"}}"#), None);
    }
}
