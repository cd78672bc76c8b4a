//! Jest's config (`jest.config.*`, package.json `"jest"`) as proctor suites, for `proctor init`.
//! Jest's defaults are written out (its `testMatch` under each of `roots`, `/node_modules/`
//! ignored), so the suite selects what Jest selects even where proctor's defaults differ.

use super::draft::{Draft, DraftSuite};
use super::globs::{extglob, ignore_regex, regex_globs, under};
use super::source::{opaque, strings, Source};
use serde_json::{Map, Value};

/// Jest's default `testMatch`.
const DEFAULT_TEST_MATCH: &[&str] = &["**/__tests__/**/*.?([mc])[jt]s?(x)", "**/?(*.)+(spec|test).?([mc])[jt]s?(x)"];

/// Keys that need nothing in proctor, with why.
/// Why `transform` needs nothing (when it does not compile `.js` files, see [`jsx_in_js`]).
const TRANSFORM_WHY: &str = "proctor transforms TypeScript and JSX itself (swc, reading tsconfig.json)";

const NOTHING_NEEDED: &[(&str, &str)] = &[
    ("transform", TRANSFORM_WHY),
    ("preset", "proctor transforms TypeScript and JSX itself (swc, reading tsconfig.json)"),
    ("transformIgnorePatterns", "proctor transforms what node cannot load, packages included"),
    ("extensionsToTreatAsEsm", "proctor loads ES modules and CommonJS as node does"),
    ("moduleFileExtensions", "proctor resolves .ts .tsx .mts .js .jsx .mjs .cjs .json"),
    ("injectGlobals", "proctor always installs the test globals"),
    ("testEnvironmentOptions", "proctor's jsdom and happy-dom have fixed options (http://localhost:3000/)"),
    ("moduleDirectories", "proctor resolves node_modules and tsconfig `paths`/`baseUrl` as bundlers do"),
    ("modulePaths", "proctor resolves node_modules and tsconfig `paths`/`baseUrl` as bundlers do"),
    ("rootDir", "used as the base of the paths above"),
    ("displayName", "used as the suite id"),
];

/// Keys with no proctor counterpart, with why.
const NO_COUNTERPART: &[(&str, &str)] = &[
    ("collectCoverage", "proctor does not measure coverage"),
    ("collectCoverageFrom", "proctor does not measure coverage"),
    ("coverageDirectory", "proctor does not measure coverage"),
    ("coverageProvider", "proctor does not measure coverage"),
    ("coverageReporters", "proctor does not measure coverage"),
    ("coverageThreshold", "proctor does not measure coverage"),
    ("coveragePathIgnorePatterns", "proctor does not measure coverage"),
    ("reporters", "reporters are chosen on the command line (`--reporter`)"),
    ("verbose", "a command-line choice (`--reporter documentation`)"),
    ("bail", "a command-line choice (`--fail-fast`)"),
    ("maxWorkers", "proctor runs one test at a time per runtime"),
    ("watchPlugins", "proctor watch has its own keys"),
    ("watchPathIgnorePatterns", "proctor watch follows the import graph"),
    ("snapshotResolver", "proctor keeps snapshots in __snapshots__ beside the test file"),
    ("resolver", "proctor has one resolver (bundler-style)"),
    ("testRunner", "proctor is the runner"),
    ("testSequencer", "proctor runs files in plan order (`--seed` shuffles)"),
    ("fakeTimers", "call vi.useFakeTimers()/jest.useFakeTimers() in a setup file"),
    ("globals", "set them in a setup file (globalThis.x = ...)"),
];

/// Maps one Jest config into `draft` (a suite per inline project, else one).
pub(crate) fn map_jest(config: &Value, source: &mut Source<'_>, draft: &mut Draft, id: &str) {
    let Some(object) = config.as_object() else {
        source.unmapped("(the config)", format!("not an object: {config}"));
        return;
    };
    if let Some(projects) = object.get("projects") {
        let inline: Vec<&Map<String, Value>> =
            projects.as_array().into_iter().flatten().filter_map(Value::as_object).collect();
        for written in strings(projects) {
            source.unmapped(
                &format!("projects \"{written}\""),
                "a project's own config is not followed: run `proctor init` there and merge its suite",
            );
        }
        let base = source.base.clone();
        for (index, project) in inline.iter().enumerate() {
            source.base = base.clone();
            let mut merged = object.clone();
            merged.remove("projects");
            merged.extend(project.iter().map(|(k, v)| (k.clone(), v.clone())));
            let name =
                project.get("displayName").and_then(display_name).unwrap_or_else(|| format!("{id}-{}", index + 1));
            let suite = map_project(&merged, source, draft, &name);
            draft.suite.push(suite);
        }
        if !inline.is_empty() {
            return;
        }
    }
    let name = object.get("displayName").and_then(display_name).unwrap_or_else(|| id.to_string());
    let suite = map_project(object, source, draft, &name);
    draft.suite.push(suite);
}

fn display_name(value: &Value) -> Option<String> {
    value.as_str().or_else(|| value.get("name").and_then(Value::as_str)).map(str::to_string)
}

/// One Jest project as a suite.
fn map_project(object: &Map<String, Value>, source: &mut Source<'_>, draft: &mut Draft, id: &str) -> DraftSuite {
    let mut suite = DraftSuite { id: id.to_string(), ..DraftSuite::default() };
    if let Some(root_dir) = object.get("rootDir").and_then(Value::as_str) {
        source.base = crate::paths::normalize(&source.base.join(root_dir));
    }
    test_globs(object, source, &mut suite);
    excludes(object, source, &mut suite);
    for (key, value) in object {
        if let Some(why) = opaque(value).filter(|_| key != "testRegex" && key != "testPathIgnorePatterns") {
            source.unmapped(key, why);
            continue;
        }
        match key.as_str() {
            "testMatch" | "testRegex" | "testPathIgnorePatterns" | "projects" => {}
            "roots" => {
                // The bases of the test globs above, and where package mocks live.
                suite.roots = strings(value)
                    .iter()
                    .filter_map(|r| source.path(r))
                    .map(|r| if r.is_empty() { ".".to_string() } else { r })
                    .collect();
                if suite.roots.iter().all(|r| r == ".") {
                    suite.roots.clear();
                }
                let mapped = format!("roots {:?} (and the bases of the test globs)", suite.roots);
                source.mapped(key, mapped);
            }
            "setupFiles" | "setupFilesAfterEnv" => {
                source.modules_into(key, value, &mut suite.setup_files, "setup-files");
            }
            "globalSetup" => source.modules_into(key, value, &mut draft.global_setup, "global-setup"),
            "globalTeardown" => source.unmapped(
                key,
                "proctor's global-setup calls a module's default export before the run: export the teardown as `teardown` from the globalSetup module",
            ),
            "testEnvironment" => suite.environment = source.environment(key, value),
            "testTimeout" => suite.timeout = source.timeout(key, value),
            "clearMocks" => suite.clear_mocks = source.flag(key, value, "clear-mocks"),
            "resetMocks" => suite.reset_mocks = source.flag(key, value, "reset-mocks"),
            "restoreMocks" => suite.restore_mocks = source.flag(key, value, "restore-mocks"),
            "snapshotSerializers" => {
                source.modules_into(key, value, &mut suite.snapshot_serializers, "snapshot-serializers");
            }
            "snapshotFormat" => suite.snapshot_format = source.snapshot_format(key, value),
            "moduleNameMapper" => module_name_mapper(value, source, draft),
            "transform" => match js_transformer(value) {
                Some((pattern, transformer)) => {
                    source.mapped(
                        &format!("transform \"{pattern}\": \"{transformer}\""),
                        "jsx-in-js = true (its .js files are compiled, JSX included)",
                    );
                    suite.jsx_in_js = Some(true);
                }
                None => source.unmapped(key, TRANSFORM_WHY),
            },
            "testPathIgnorePattern" => source.unmapped(key, "did you mean testPathIgnorePatterns?"),
            other => {
                let why = NOTHING_NEEDED
                    .iter()
                    .chain(NO_COUNTERPART)
                    .find(|(k, _)| *k == other)
                    .map(|(_, why)| why.to_string())
                    .unwrap_or_else(|| "no proctor counterpart".to_string());
                source.unmapped(key, why);
            }
        }
    }
    if !object.contains_key("testEnvironment")
        && super::command::installed_major(source.root, "jest").is_some_and(|major| major < 27)
    {
        source.mapped("testEnvironment (Jest 26's default, installed)", "environment = \"jsdom\"");
        suite.environment = Some("jsdom".to_string());
    }
    if !object.contains_key("transform") {
        if let Some(config) = babel_with_react(source.root) {
            source.mapped(
                &format!("{config} (Jest's default transform, babel-jest, with a React preset)"),
                "jsx-in-js = true (its .js files may hold JSX)",
            );
            suite.jsx_in_js = Some(true);
        }
    }
    suite
}

/// The entry of Jest's `transform` that compiles `.js` files, unless that is ts-jest (which
/// leaves JavaScript alone without `allowJs`): babel-jest, @swc/jest, esbuild-jest,
/// jest-esm-jsx-transform all compile JSX in them (react-colorful's `"\\.js$":
/// "jest-esm-jsx-transform"`), so proctor must parse `.js` files as JSX too.
fn js_transformer(transform: &Value) -> Option<(String, String)> {
    let entries = transform.as_object()?;
    entries.iter().find_map(|(pattern, value)| {
        let transformer = match value {
            Value::String(name) => name.clone(),
            Value::Array(items) => items.first()?.as_str()?.to_string(),
            _ => return None,
        };
        let compiles_js = regex::Regex::new(pattern).is_ok_and(|re| re.is_match("src/component.js"));
        (compiles_js && !transformer.contains("ts-jest")).then(|| (pattern.clone(), transformer))
    })
}

/// The Babel config that babel-jest (Jest's default transform) would use, when it names a React
/// preset: JSX in `.js` files then compiles under Jest.
fn babel_with_react(root: &std::path::Path) -> Option<String> {
    const CONFIGS: &[&str] = &[
        "babel.config.js",
        "babel.config.cjs",
        "babel.config.mjs",
        "babel.config.json",
        ".babelrc",
        ".babelrc.js",
        ".babelrc.cjs",
        ".babelrc.json",
    ];
    let react = |text: &str| ["preset-react", "react-app", "@babel/react"].iter().any(|preset| text.contains(preset));
    for config in CONFIGS {
        if std::fs::read_to_string(root.join(config)).is_ok_and(|text| react(&text)) {
            return Some(config.to_string());
        }
    }
    let package = std::fs::read_to_string(root.join("package.json")).ok()?;
    let manifest: Value = serde_json::from_str(&package).ok()?;
    manifest.get("babel").is_some_and(|babel| react(&babel.to_string())).then(|| "package.json \"babel\"".to_string())
}

/// `testMatch` (or `testRegex`, or Jest's default) under each of `roots`.
fn test_globs(object: &Map<String, Value>, source: &mut Source<'_>, suite: &mut DraftSuite) {
    let roots: Vec<String> = match object.get("roots") {
        Some(roots) => strings(roots).iter().filter_map(|r| source.path(r)).collect(),
        None => vec![source.prefix()],
    };
    if let Some(regex) = object.get("testRegex") {
        if object.contains_key("testMatch") {
            source.unmapped("testMatch", "Jest refuses testMatch together with testRegex; testRegex is used");
        }
        let patterns: Vec<String> = match regex {
            Value::Array(items) => items.iter().filter_map(regex_text).collect(),
            other => regex_text(other).into_iter().collect(),
        };
        for pattern in patterns {
            match regex_globs(&pattern, source.files) {
                Ok(globs) => {
                    source
                        .mapped(&format!("testRegex {pattern}"), format!("tests {globs:?} (checked: the same files)"));
                    suite.tests.extend(globs);
                }
                Err(why) => source.unmapped(&format!("testRegex {pattern}"), why),
            }
        }
        return;
    }
    let (key, globs) = match object.get("testMatch") {
        Some(value) => ("testMatch", strings(value)),
        None => ("testMatch (Jest's default)", DEFAULT_TEST_MATCH.iter().map(|s| s.to_string()).collect()),
    };
    for glob in globs {
        let (negated, pattern) = match glob.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, glob.as_str()),
        };
        let translated = if let Some(rest) = pattern.strip_prefix("<rootDir>/") {
            extglob(rest).map(|g| vec![under(&source.prefix(), &g)])
        } else if pattern.starts_with("**") {
            extglob(pattern).map(|g| roots.iter().map(|root| under(root, &g)).collect())
        } else {
            extglob(pattern).map(|g| vec![under(&source.prefix(), &g)])
        };
        match translated {
            Ok(globs) => {
                let to = if negated { "exclude" } else { "tests" };
                source.mapped(&format!("{key} \"{glob}\""), format!("{to} {globs:?}"));
                if negated { &mut suite.exclude } else { &mut suite.tests }.extend(globs);
            }
            Err(why) => source.unmapped(&format!("{key} \"{glob}\""), why),
        }
    }
}

fn regex_text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string).or_else(|| value.get("$regexp").and_then(Value::as_str).map(str::to_string))
}

/// `testPathIgnorePatterns` (default `["/node_modules/"]`).
fn excludes(object: &Map<String, Value>, source: &mut Source<'_>, suite: &mut DraftSuite) {
    let (key, patterns) = match object.get("testPathIgnorePatterns") {
        Some(value) => ("testPathIgnorePatterns", strings(value)),
        None => ("testPathIgnorePatterns (Jest's default)", vec!["/node_modules/".to_string()]),
    };
    for pattern in patterns {
        match ignore_regex(&pattern, &source.prefix()) {
            Ok(glob) => {
                source.mapped(&format!("{key} \"{pattern}\""), format!("exclude \"{glob}\""));
                suite.exclude.push(glob);
            }
            Err(why) => source.unmapped(&format!("{key} \"{pattern}\""), why),
        }
    }
}

/// `moduleNameMapper` entries that are aliases: `^name$` → exact, `^prefix/(.*)$` with a `$1`
/// value → prefix.
fn module_name_mapper(value: &Value, source: &mut Source<'_>, draft: &mut Draft) {
    let Some(entries) = value.as_object() else { return };
    for (pattern, target) in entries {
        let key = format!("moduleNameMapper \"{pattern}\"");
        let Some(target) = target.as_str() else {
            source.unmapped(&key, "a list of targets has no alias form (the first that exists wins in Jest)");
            continue;
        };
        match mapper_alias(pattern, target, source) {
            Ok((from, to)) => {
                source.mapped(&key, format!("[alias] \"{from}\" = \"{to}\""));
                draft.add_alias(from, to);
            }
            Err(why) => source.unmapped(&key, why),
        }
    }
}

fn mapper_alias(pattern: &str, target: &str, source: &Source<'_>) -> Result<(String, String), String> {
    let literal =
        |s: &str| s.chars().all(|c| c.is_alphanumeric() || matches!(c, '@' | '/' | '-' | '_' | '~' | '#' | '.'));
    let body = pattern.strip_prefix('^').ok_or("a pattern not anchored with ^ matches inside paths; no alias form")?;
    let (from, to) = if let Some(prefix) = body.strip_suffix("/(.*)$") {
        let to = target.strip_suffix("/$1").ok_or("the target does not end in /$1")?;
        (prefix.replace("\\/", "/"), to)
    } else if let Some(exact) = body.strip_suffix('$') {
        (exact.replace("\\.", ".").replace("\\/", "/"), target)
    } else {
        return Err("not of the form ^name$ or ^prefix/(.*)$".into());
    };
    if !literal(&from) || to.contains('$') {
        return Err("a regular expression with no alias form".into());
    }
    let to = if to.starts_with("<rootDir>") || to.starts_with('.') || to.starts_with('/') {
        format!("./{}", source.path(to).ok_or("the target is outside the project root")?)
    } else {
        to.to_string()
    };
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::super::draft::Notes;
    use super::*;
    use serde_json::json;
    use std::path::{Path, PathBuf};

    fn map(config: Value) -> (Draft, String) {
        let mut notes = Notes::default();
        let files: Vec<(String, PathBuf)> = Vec::new();
        let mut source = Source {
            root: Path::new("/p"),
            base: PathBuf::from("/p"),
            label: "jest.config.js".into(),
            files: &files,
            notes: &mut notes,
        };
        let mut draft = Draft::default();
        map_jest(&config, &mut source, &mut draft, "jest");
        (draft, notes.text())
    }

    #[test]
    fn defaults_are_written_out() {
        let (draft, notes) = map(json!({}));
        let suite = &draft.suite[0];
        assert_eq!(
            suite.tests,
            [
                "**/__tests__/**/*.{js,mjs,cjs,ts,mts,cts,jsx,tsx}",
                "**/{*.spec,*.test,spec,test}.{js,mjs,cjs,ts,mts,cts,jsx,tsx}"
            ]
        );
        assert_eq!(suite.exclude, ["**/node_modules/**"]);
        assert!(notes.contains("testMatch (Jest's default)"), "{notes}");
    }

    #[test]
    fn maps_globs_roots_env_timeouts_mocks_snapshots_and_aliases() {
        let (draft, notes) = map(json!({
            "roots": ["<rootDir>/src", "<rootDir>/test"],
            "testMatch": ["**/*.spec.ts", "!**/fixtures/**"],
            "testPathIgnorePatterns": ["/node_modules/", "<rootDir>/dist/", "\\.snap$|x"],
            "testEnvironment": "jsdom",
            "testTimeout": 10000,
            "clearMocks": true,
            "restoreMocks": false,
            "snapshotFormat": { "escapeString": true, "printBasicPrototype": false },
            "moduleNameMapper": {
                "^@/(.*)$": "<rootDir>/src/$1",
                "^react$": "preact/compat",
                "\\.(css|less)$": "identity-obj-proxy"
            },
            "transform": { "^.+\\.tsx?$": "ts-jest" },
            "watchman": { "$unmappable": "a function" },
            "collectCoverage": true
        }));
        let suite = &draft.suite[0];
        assert_eq!(suite.tests, ["src/**/*.spec.ts", "test/**/*.spec.ts"]);
        assert_eq!(suite.roots, ["src", "test"]);
        assert_eq!(suite.exclude, ["src/**/fixtures/**", "test/**/fixtures/**", "**/node_modules/**", "dist/**"]);
        assert_eq!(suite.environment.as_deref(), Some("jsdom"));
        assert_eq!(suite.timeout, Some(std::time::Duration::from_secs(10)));
        assert_eq!((suite.clear_mocks, suite.restore_mocks), (Some(true), Some(false)));
        let format = suite.snapshot_format.as_ref().unwrap();
        assert_eq!((format.escape_string, format.print_basic_prototype), (Some(true), Some(false)));
        assert_eq!(draft.alias, [("@".into(), "./src".into()), ("react".into(), "preact/compat".into())]);
        for expected in [
            "not done  jest.config.js moduleNameMapper \"\\.(css|less)$\"",
            "not done  jest.config.js testPathIgnorePatterns \"\\.snap$|x\"",
            "not done  jest.config.js transform: proctor transforms TypeScript",
            "not done  jest.config.js collectCoverage: proctor does not measure coverage",
            "not done  jest.config.js watchman: a function, which has no TOML form",
            "mapped    jest.config.js testTimeout 10000 → timeout = \"10s\"",
        ] {
            assert!(notes.contains(expected), "{expected}\n{notes}");
        }
    }

    #[test]
    fn inline_projects_become_suites() {
        let (draft, notes) = map(json!({
            "projects": [
                { "displayName": "dom", "testEnvironment": "jsdom", "testMatch": ["<rootDir>/web/**/*.test.js"] },
                { "displayName": { "name": "server" }, "testMatch": ["<rootDir>/server/**/*.test.js"] },
                "<rootDir>/packages/*"
            ]
        }));
        let ids: Vec<&str> = draft.suite.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["dom", "server"]);
        assert_eq!(draft.suite[0].tests, ["web/**/*.test.js"]);
        assert_eq!(draft.suite[1].environment, None);
        assert!(notes.contains("projects \"<rootDir>/packages/*\": a project's own config is not followed"), "{notes}");
    }

    #[test]
    fn a_transform_that_compiles_js_files_means_jsx_in_js() {
        let (draft, notes) =
            map(json!({ "transform": { "\\.js$": "jest-esm-jsx-transform", "^.+\\.tsx?$": "ts-jest" } }));
        assert_eq!(draft.suite[0].jsx_in_js, Some(true), "{notes}");
        assert!(notes.contains("jsx-in-js = true"), "{notes}");
        let (draft, _) = map(json!({ "transform": { "^.+\\.[jt]sx?$": ["babel-jest", { "rootMode": "upward" }] } }));
        assert_eq!(draft.suite[0].jsx_in_js, Some(true));
        // ts-jest leaves JavaScript alone; a transform of TypeScript alone says nothing of .js.
        for transform in [json!({ "^.+\\.jsx?$": "ts-jest" }), json!({ "^.+\\.tsx?$": "@swc/jest" })] {
            let (draft, notes) = map(json!({ "transform": transform }));
            assert_eq!(draft.suite[0].jsx_in_js, None, "{notes}");
            assert!(notes.contains("proctor transforms TypeScript"), "{notes}");
        }
    }
}
