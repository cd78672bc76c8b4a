//! mocha's config (`.mocharc.*`, package.json `"mocha"`) as a proctor suite, for `proctor init`:
//! `spec` (mocha's default `./test/*.{js,cjs,mjs}` written out; a directory gets mocha's
//! extensions, recursively with `recursive`), `ignore`, `require`/`import`/`file` as setup files,
//! `timeout` (mocha's default 2 s written out) and `ui`.

use super::draft::DraftSuite;
use super::globs::under;
use super::source::{strings, Source};
use serde_json::{Map, Value};
use std::time::Duration;

/// Modules mocha configs require to compile or map code, which proctor does itself.
const REGISTERS: &[&str] = &[
    "ts-node/register",
    "ts-node/register/transpile-only",
    "ts-node/esm",
    "@babel/register",
    "esm",
    "tsx",
    "tsx/cjs",
    "tsx/esm",
    "@swc/register",
    "@swc-node/register",
    "esbuild-register",
    "source-map-support/register",
];

/// Keys with no counterpart or no need, with why.
const NOT_MAPPED: &[(&str, &str)] = &[
    ("reporter", "reporters are chosen on the command line (`--reporter`)"),
    ("reporter-option", "reporters are chosen on the command line (`--reporter`)"),
    ("slow", "proctor does not mark slow tests"),
    ("bail", "a command-line choice (`--fail-fast`)"),
    ("parallel", "proctor runs one test at a time per runtime"),
    ("jobs", "proctor runs one test at a time per runtime"),
    ("exit", "proctor ends the runtime itself after the run"),
    ("retries", "use this.retries(n) in the suites that need it"),
    ("color", "a command-line choice (`--color`)"),
    ("colors", "a command-line choice (`--color`)"),
    ("diff", "proctor always shows diffs"),
    ("watch", "use `proctor watch`"),
    ("watch-files", "`proctor watch` follows the import graph"),
    ("watch-ignore", "`proctor watch` follows the import graph"),
    ("package", "no proctor counterpart"),
    ("checkLeaks", "proctor restores globals between files itself"),
    ("check-leaks", "proctor restores globals between files itself"),
    ("forbid-only", "no proctor counterpart"),
    ("extension", "used for directory specs above"),
    ("recursive", "used for directory specs above"),
    ("spec", "mapped above"),
];

/// Maps one mocha config into a suite.
pub(crate) fn map_mocha(config: &Value, source: &mut Source<'_>, id: &str) -> DraftSuite {
    let empty = Map::new();
    let object = config.as_object().unwrap_or(&empty);
    let mut suite = DraftSuite { id: id.to_string(), ..DraftSuite::default() };
    let extensions = match object.get("extension") {
        Some(value) => strings(value),
        None => vec!["js".into(), "cjs".into(), "mjs".into()],
    };
    let ext_glob = if extensions.len() == 1 { extensions[0].clone() } else { format!("{{{}}}", extensions.join(",")) };
    let recursive = object.get("recursive").and_then(Value::as_bool) == Some(true);
    let (label, specs) = match object.get("spec") {
        Some(value) => ("spec".to_string(), strings(value)),
        None => ("spec (mocha's default)".to_string(), vec!["./test".to_string()]),
    };
    for spec in specs {
        let Some(rel) = source.path(&spec).or_else(|| spec.contains('*').then(|| under(&source.prefix(), &spec)))
        else {
            source.unmapped(&format!("{label} \"{spec}\""), "outside the project root");
            continue;
        };
        let is_dir = source.root.join(&rel).is_dir() || (label.contains("default") && !rel.contains('*'));
        let glob = if is_dir {
            let depth = if recursive { "**/" } else { "" };
            under(&rel, &format!("{depth}*.{ext_glob}"))
        } else {
            rel
        };
        source.mapped(&format!("{label} \"{spec}\""), format!("tests \"{glob}\""));
        suite.tests.push(glob);
    }
    for key in ["ignore", "exclude"] {
        for pattern in object.get(key).map(strings).unwrap_or_default() {
            let glob = source.path(&pattern).unwrap_or_else(|| pattern.clone());
            source.mapped(&format!("{key} \"{pattern}\""), format!("exclude \"{glob}\""));
            suite.exclude.push(glob);
        }
    }
    for key in ["require", "import", "file"] {
        for module in object.get(key).map(strings).unwrap_or_default() {
            if REGISTERS.contains(&module.as_str()) || module.ends_with("/register") {
                source.unmapped(
                    &format!("{key} \"{module}\""),
                    "nothing needed: proctor transforms TypeScript and JSX and maps stacks itself",
                );
                continue;
            }
            if module.starts_with("chai/register-") {
                source.unmapped(
                    &format!("{key} \"{module}\""),
                    "nothing needed: proctor's expect and assert globals are chai's",
                );
                continue;
            }
            source.modules_into(key, &Value::String(module), &mut suite.setup_files, "setup-files");
        }
    }
    match object.get("timeout").or_else(|| object.get("t")) {
        Some(value) => suite.timeout = source.timeout("timeout", value),
        None => {
            source.mapped("timeout (mocha's default)", "timeout = \"2s\"");
            suite.timeout = Some(Duration::from_secs(2));
        }
    }
    super::draft::empty_files_ok(&mut suite, source, "mocha");
    for (key, value) in object {
        match key.as_str() {
            "timeout" | "t" | "ignore" | "exclude" | "require" | "import" | "file" => {}
            "ui" | "u" => match value.as_str() {
                Some(ui @ ("bdd" | "tdd")) => {
                    source.mapped(&format!("ui \"{ui}\""), "nothing needed: proctor installs mocha's BDD and TDD names")
                }
                _ => source.unmapped(&format!("ui {value}"), "proctor has mocha's BDD and TDD interfaces only"),
            },
            "delay" => source.unmapped(key, "mocha's --delay/run() is not supported"),
            other => {
                let why = NOT_MAPPED.iter().find(|(k, _)| *k == other).map(|(_, why)| why.to_string());
                if why.as_deref() != Some("mapped above") && why.as_deref() != Some("used for directory specs above") {
                    source.unmapped(key, why.unwrap_or_else(|| "no proctor counterpart".into()));
                }
            }
        }
    }
    suite
}

#[cfg(test)]
mod tests {
    use super::super::draft::Notes;
    use super::*;
    use serde_json::json;
    use std::path::{Path, PathBuf};

    fn map(config: Value) -> (DraftSuite, String) {
        let mut notes = Notes::default();
        let files: Vec<(String, PathBuf)> = Vec::new();
        let mut source = Source {
            root: Path::new("/p"),
            base: PathBuf::from("/p"),
            label: ".mocharc.yml".into(),
            files: &files,
            notes: &mut notes,
        };
        let suite = map_mocha(&config, &mut source, "mocha");
        (suite, notes.text())
    }

    #[test]
    fn defaults_are_written_out() {
        let (suite, _) = map(json!({}));
        assert_eq!(suite.tests, ["test/*.{js,cjs,mjs}"]);
        assert_eq!(suite.timeout, Some(Duration::from_secs(2)));
    }

    #[test]
    fn maps_specs_timeouts_ui_and_registers() {
        let (suite, notes) = map(json!({
            "spec": ["test/**/*.spec.ts"],
            "ignore": ["test/fixtures/**"],
            "require": ["ts-node/register", "chai/register-expect"],
            "timeout": "5s",
            "ui": "tdd",
            "reporter": "dot",
            "parallel": true
        }));
        assert_eq!(suite.tests, ["test/**/*.spec.ts"]);
        assert_eq!(suite.exclude, ["test/fixtures/**"]);
        assert_eq!(suite.timeout, Some(Duration::from_secs(5)));
        assert!(suite.setup_files.is_empty());
        for expected in [
            "ui \"tdd\" → nothing needed",
            "no need   .mocharc.yml require \"ts-node/register\": proctor transforms",
            "parallel: proctor runs one test",
        ] {
            assert!(notes.contains(expected), "{expected}\n{notes}");
        }
    }
}
