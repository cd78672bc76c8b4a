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

/// mocha's short options, by the long name they stand for.
const SHORT: &[(&str, &str)] = &[
    ("r", "require"),
    ("t", "timeout"),
    ("u", "ui"),
    ("R", "reporter"),
    ("O", "reporter-option"),
    ("g", "grep"),
    ("f", "fgrep"),
    ("s", "slow"),
    ("j", "jobs"),
    ("n", "node-option"),
    ("b", "bail"),
    ("w", "watch"),
    ("c", "colors"),
    ("A", "async-only"),
];

/// mocha's options that take a value (the others are flags); those repeatable are lists.
const WITH_VALUE: &[&str] = &[
    "require",
    "import",
    "timeout",
    "ui",
    "reporter",
    "reporter-option",
    "reporter-options",
    "extension",
    "spec",
    "file",
    "ignore",
    "exclude",
    "grep",
    "fgrep",
    "config",
    "package",
    "slow",
    "jobs",
    "retries",
    "global",
    "globals",
    "node-option",
    "watch-files",
    "watch-ignore",
];
const REPEATABLE: &[&str] =
    &["require", "import", "extension", "spec", "file", "ignore", "exclude", "global", "globals", "node-option"];

/// The config a project without one gives mocha on the command line: its package.json `test`
/// script's `mocha` arguments (`c8 mocha --timeout 5000 -r test/env.js test/test.js`) as the
/// keys of a `.mocharc` (positional arguments are `spec`), so init maps them as it maps a config
/// file. Empty when the script runs no mocha.
pub(crate) fn script_config(package_json: &std::path::Path) -> Value {
    let package: Value = std::fs::read_to_string(package_json)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let script = package["scripts"]["test"].as_str().unwrap_or_default();
    let mut config = Map::new();
    for command in script.split(['&', '|', ';']) {
        let words: Vec<String> =
            command.split_whitespace().map(|w| w.trim_matches(|c| c == '\'' || c == '"').to_string()).collect();
        let is_mocha = |w: &String| matches!(w.rsplit('/').next(), Some("mocha" | "_mocha"));
        let Some(at) = words.iter().position(is_mocha) else { continue };
        let mut args = words[at + 1..].iter();
        while let Some(word) = args.next() {
            let Some(option) = word.strip_prefix("--").or_else(|| word.strip_prefix('-').filter(|o| !o.is_empty()))
            else {
                push(&mut config, "spec", word.clone());
                continue;
            };
            let (name, inline) = match option.split_once('=') {
                Some((name, value)) => (name, Some(value.to_string())),
                None => (option, None),
            };
            let name = SHORT.iter().find(|(short, _)| *short == name).map_or(name, |(_, long)| long);
            if WITH_VALUE.contains(&name) {
                let Some(value) = inline.or_else(|| args.next().cloned()) else { break };
                push(&mut config, name, value);
            } else if let Some(negated) = name.strip_prefix("no-") {
                config.insert(negated.to_string(), Value::Bool(false));
            } else {
                config.insert(name.to_string(), Value::Bool(true));
            }
        }
        break;
    }
    Value::Object(config)
}

/// Sets `key` to `value` in a config made from command-line arguments: a number where mocha
/// reads one, appended where the option repeats.
fn push(config: &mut Map<String, Value>, key: &str, value: String) {
    let value = match value.parse::<u64>() {
        Ok(number) if key == "timeout" || key == "slow" => Value::from(number),
        _ => Value::String(value),
    };
    if REPEATABLE.contains(&key) {
        if let Some(Value::Array(list)) = config.get_mut(key) {
            list.push(value);
            return;
        }
        config.insert(key.to_string(), Value::Array(vec![value]));
    } else {
        config.insert(key.to_string(), value);
    }
}

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

    /// eventemitter3's `c8 ... mocha test/test.js` ran one of its two test files; init wrote
    /// mocha's default spec, which took both. A project without a config gives mocha its
    /// options on the command line (express: `mocha --require test/support/env --check-leaks
    /// test/ test/acceptance/`).
    #[test]
    fn a_test_scripts_mocha_arguments_are_its_config() {
        let dir = tempfile::tempdir().unwrap();
        let script = |text: &str| {
            let package = json!({ "scripts": { "test": text } });
            std::fs::write(dir.path().join("package.json"), package.to_string()).unwrap();
            script_config(&dir.path().join("package.json"))
        };
        assert_eq!(
            script("c8 --reporter=lcov --reporter=text mocha test/test.js"),
            json!({ "spec": ["test/test.js"] })
        );
        assert_eq!(
            script("eslint . && NODE_ENV=test mocha --require test/support/env -R spot --check-leaks test/ test/acceptance/"),
            json!({ "require": ["test/support/env"], "reporter": "spot", "check-leaks": true, "spec": ["test/", "test/acceptance/"] })
        );
        assert_eq!(
            script("node_modules/.bin/_mocha -t 5000 --ui=tdd --no-diff -r a.js -r b.js 'test/**/*.spec.js'"),
            json!({ "timeout": 5000, "ui": "tdd", "diff": false, "require": ["a.js", "b.js"], "spec": ["test/**/*.spec.js"] })
        );
        assert_eq!(script("jest --ci"), json!({}));
        let (suite, notes) = map(script("mocha --timeout 3000 test/unit.js"));
        assert_eq!((suite.tests, suite.timeout), (vec!["test/unit.js".to_string()], Some(Duration::from_secs(3))));
        assert!(notes.contains("spec \"test/unit.js\""), "{notes}");
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
