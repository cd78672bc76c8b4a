//! Vitest's config (`vitest.config.*`, or `vite.config.*` with a `test` block) as proctor suites,
//! for `proctor init`: `test.include`/`exclude` (Vitest's defaults written out when absent),
//! setup files, environment, timeouts, mock hygiene, snapshots, `resolve.alias`, browser mode as
//! a Chromium suite, and inline `test.projects` as one suite each.

use super::draft::{Draft, DraftSuite};
use super::globs::{extglob, under};
use super::source::{opaque, strings, Source};
use serde_json::{Map, Value};
use std::path::Path;

/// Vitest's default `include`.
const DEFAULT_INCLUDE: &[&str] = &["**/*.{test,spec}.?(c|m)[jt]s?(x)"];
/// Vitest 4's default `exclude`.
const DEFAULT_EXCLUDE: &[&str] = &["**/node_modules/**", "**/.git/**"];
/// Vitest 3's (and older) default `exclude`, used when the project has such a Vitest installed.
const DEFAULT_EXCLUDE_3: &[&str] = &[
    "**/node_modules/**",
    "**/dist/**",
    "**/cypress/**",
    "**/.{idea,git,cache,output,temp}/**",
    "**/{karma,rollup,webpack,vite,vitest,jest,ava,babel,nyc,cypress,tsup,build,eslint,prettier}.config.*",
];

/// `test` keys with no proctor counterpart, with why.
const NOT_MAPPED: &[(&str, &str)] = &[
    ("globals", "nothing needed: proctor always installs the test globals"),
    ("coverage", "proctor does not measure coverage"),
    ("reporters", "reporters are chosen on the command line (`--reporter`)"),
    ("outputFile", "a command-line choice (`--output-file`)"),
    ("pool", "proctor runs test files one after another in one runtime per suite"),
    ("poolOptions", "proctor runs test files one after another in one runtime per suite"),
    ("maxWorkers", "proctor runs one test at a time per runtime"),
    ("minWorkers", "proctor runs one test at a time per runtime"),
    ("fileParallelism", "proctor runs one test at a time per runtime"),
    ("hookTimeout", "hooks have the test timeout in proctor"),
    ("teardownTimeout", "global teardown has 60 s in proctor"),
    ("environmentOptions", "proctor's jsdom and happy-dom have fixed options (http://localhost:3000/)"),
    ("environmentMatchGlobs", "give those files a `// @vitest-environment` docblock, or a suite of their own"),
    ("typecheck", "proctor does not type-check (run tsc)"),
    ("css", "CSS imports load in the browser; in node they are empty"),
    ("deps", "proctor loads packages as node does"),
    ("server", "proctor loads packages as node does"),
    ("bail", "a command-line choice (`--fail-fast`)"),
    ("retry", "proctor has mocha's this.retries() only"),
    ("repeats", "a command-line choice (`--repeat N`, N = repeats + 1), or `{ repeats }` on a test or describe"),
    ("sequence", "a command-line choice (`--seed`, `--random`)"),
    ("watch", "use `proctor watch`"),
    ("passWithNoTests", "a command-line choice (`--no-tests=pass`)"),
    ("silent", "a command-line choice (`--silent`)"),
    ("name", "used as the suite id"),
    ("root", "used as the base of the paths above"),
    ("dir", "used as the base of the test globs above"),
    ("include", "mapped above"),
    ("exclude", "mapped above"),
];

/// Maps one Vitest/Vite config into `draft`; `vitest_major` is the installed Vitest's major
/// version, when there is one.
pub(crate) fn map_vitest(
    config: &Value,
    source: &mut Source<'_>,
    draft: &mut Draft,
    id: &str,
    vitest_major: Option<u64>,
) {
    let Some(object) = config.as_object() else {
        source.unmapped("(the config)", format!("not an object: {config}"));
        return;
    };
    if let Some(root) = object.get("root").and_then(Value::as_str) {
        source.base = crate::paths::normalize(&source.base.join(root));
    }
    if let Some(resolve) = object.get("resolve").and_then(Value::as_object) {
        map_resolve(resolve, source, draft);
    }
    if object.contains_key("plugins") {
        source.unmapped("plugins", "Vite plugins do not run in proctor (it transforms TypeScript and JSX itself)");
    }
    if object.contains_key("define") {
        source.unmapped("define", "proctor replaces no identifiers (set globals in a setup file)");
    }
    let empty = Map::new();
    let test = object.get("test").and_then(Value::as_object).unwrap_or(&empty);
    let projects = test.get("projects").or_else(|| test.get("workspace"));
    if let Some(projects) = projects {
        let key = if test.contains_key("projects") { "test.projects" } else { "test.workspace" };
        for written in strings(projects) {
            source.unmapped(
                &format!("{key} \"{written}\""),
                "a project's own config file is not followed: run `proctor init` there and merge its suite",
            );
        }
        let inline: Vec<&Map<String, Value>> =
            projects.as_array().into_iter().flatten().filter_map(Value::as_object).collect();
        for (index, project) in inline.iter().enumerate() {
            if let Some(resolve) = project.get("resolve").and_then(Value::as_object) {
                map_resolve(resolve, source, draft);
            }
            let own = project.get("test").and_then(Value::as_object).cloned().unwrap_or_default();
            let mut merged =
                if project.get("extends").and_then(Value::as_bool) == Some(true) { test.clone() } else { Map::new() };
            merged.remove("projects");
            merged.remove("workspace");
            merged.extend(own);
            let name = merged.get("name").and_then(name_of).unwrap_or_else(|| format!("{id}-{}", index + 1));
            let suite = map_test(&merged, source, draft, &name, vitest_major);
            draft.suite.push(suite);
        }
        if !inline.is_empty() {
            return;
        }
    }
    let name = test.get("name").and_then(name_of).unwrap_or_else(|| id.to_string());
    let suite = map_test(test, source, draft, &name, vitest_major);
    draft.suite.push(suite);
}

fn name_of(value: &Value) -> Option<String> {
    value.as_str().or_else(|| value.get("label").and_then(Value::as_str)).map(str::to_string)
}

/// `resolve.alias` and `resolve.conditions` (the latter noted: conditions are per suite).
fn map_resolve(resolve: &Map<String, Value>, source: &mut Source<'_>, draft: &mut Draft) {
    if let Some(alias) = resolve.get("alias") {
        map_alias("resolve.alias", alias, source, draft);
    }
    if resolve.contains_key("conditions") {
        source.unmapped(
            "resolve.conditions",
            "see test.server / the suite's `conditions` key (add it by hand if your tests need it)",
        );
    }
}

/// An alias object (`{ "@": "/abs/src" }`) or array (`[{ find, replacement }]`).
fn map_alias(key: &str, alias: &Value, source: &mut Source<'_>, draft: &mut Draft) {
    let entries: Vec<(Value, Value)> = match alias {
        Value::Object(map) => map.iter().map(|(k, v)| (Value::String(k.clone()), v.clone())).collect(),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                (item.get("find").cloned().unwrap_or_default(), item.get("replacement").cloned().unwrap_or_default())
            })
            .collect(),
        _ => Vec::new(),
    };
    for (find, replacement) in entries {
        let (Some(find), Some(replacement)) = (find.as_str(), replacement.as_str()) else {
            let why = opaque(&find).unwrap_or_else(|| "not a string key and value".into());
            source.unmapped(&format!("{key} {find}"), why);
            continue;
        };
        // Vite reads a `/x` that is no absolute path under the root as `x` under the root.
        let root_relative = replacement.starts_with('/') && !Path::new(replacement).starts_with(source.root);
        let target = if root_relative {
            Some(source.root.join(&replacement[1..]))
        } else if replacement.starts_with('/') || replacement.starts_with('.') {
            Some(source.base.join(replacement))
        } else {
            None
        };
        let value = match target.map(|path| super::source::relative(source.root, &crate::paths::normalize(&path))) {
            None => replacement.to_string(),
            Some(Some(rel)) if rel.is_empty() => ".".to_string(),
            Some(Some(rel)) => format!("./{rel}"),
            Some(None) => {
                source.unmapped(&format!("{key} \"{find}\""), format!("\"{replacement}\" is outside the project root"));
                continue;
            }
        };
        source.mapped(&format!("{key} \"{find}\""), format!("[alias] \"{find}\" = \"{value}\""));
        draft.add_alias(find.to_string(), value);
    }
}

/// One `test` block as a suite.
fn map_test(
    test: &Map<String, Value>,
    source: &mut Source<'_>,
    draft: &mut Draft,
    id: &str,
    vitest_major: Option<u64>,
) -> DraftSuite {
    let mut suite = DraftSuite { id: id.to_string(), ..DraftSuite::default() };
    let base = match test.get("root").and_then(Value::as_str) {
        Some(root) => source.path(root).unwrap_or_default(),
        None => source.prefix(),
    };
    let dir = match test.get("dir").and_then(Value::as_str) {
        Some(dir) => super::source::relative(source.root, &crate::paths::normalize(&source.root.join(&base).join(dir)))
            .unwrap_or_else(|| base.clone()),
        None => base.clone(),
    };
    let defaults = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let exclude_default = if vitest_major.is_some_and(|major| major < 4) { DEFAULT_EXCLUDE_3 } else { DEFAULT_EXCLUDE };
    for (key, list, out, default) in [
        ("include", test.get("include"), &mut suite.tests, DEFAULT_INCLUDE),
        ("exclude", test.get("exclude"), &mut suite.exclude, exclude_default),
    ] {
        let (label, globs) = match list {
            Some(value) => (format!("test.{key}"), strings(value)),
            None => (format!("test.{key} (Vitest's default)"), defaults(default)),
        };
        for glob in globs {
            match extglob(&glob) {
                Ok(g) => {
                    let g = under(&dir, &g);
                    source.mapped(
                        &format!("{label} \"{glob}\""),
                        format!("{} \"{g}\"", if key == "include" { "tests" } else { "exclude" }),
                    );
                    out.push(g);
                }
                Err(why) => source.unmapped(&format!("{label} \"{glob}\""), why),
            }
        }
    }
    for (key, value) in test {
        let key_path = format!("test.{key}");
        if let Some(why) = opaque(value) {
            source.unmapped(&key_path, why);
            continue;
        }
        match key.as_str() {
            "setupFiles" => source.modules_into(&key_path, value, &mut suite.setup_files, "setup-files"),
            "globalSetup" => source.modules_into(&key_path, value, &mut draft.global_setup, "global-setup"),
            "environment" => suite.environment = source.environment(&key_path, value),
            "testTimeout" => suite.timeout = source.timeout(&key_path, value),
            "isolate" => suite.isolate = source.flag(&key_path, value, "isolate"),
            "clearMocks" => suite.clear_mocks = source.flag(&key_path, value, "clear-mocks"),
            "mockReset" => suite.reset_mocks = source.flag(&key_path, value, "reset-mocks"),
            "restoreMocks" => suite.restore_mocks = source.flag(&key_path, value, "restore-mocks"),
            "snapshotSerializers" => {
                source.modules_into(&key_path, value, &mut suite.snapshot_serializers, "snapshot-serializers");
            }
            "snapshotFormat" => suite.snapshot_format = source.snapshot_format(&key_path, value),
            "alias" => map_alias(&key_path, value, source, draft),
            "browser" => browser(&key_path, value, source, &mut suite),
            "projects" | "workspace" | "extends" => {}
            other => {
                let why = NOT_MAPPED.iter().find(|(k, _)| *k == other).map(|(_, why)| why.to_string());
                if why.as_deref() != Some("mapped above") {
                    source.unmapped(&key_path, why.unwrap_or_else(|| "no proctor counterpart".into()));
                }
            }
        }
    }
    if suite.runtime.is_some() && suite.environment.take().is_some() {
        source.unmapped(
            "test.environment",
            "a browser suite has the real DOM; the environment applies to node suites only",
        );
    }
    suite
}

/// Browser mode: `browser.enabled` makes the suite a Chromium one.
fn browser(key: &str, value: &Value, source: &mut Source<'_>, suite: &mut DraftSuite) {
    if value.get("enabled").and_then(Value::as_bool) != Some(true) {
        source.unmapped(key, "browser mode is not enabled here (`enabled` is not true)");
        return;
    }
    let mut names: Vec<String> = value
        .get("instances")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| i.get("browser").and_then(Value::as_str).map(str::to_string))
        .collect();
    if let Some(name) = value.get("name").and_then(Value::as_str) {
        names.push(name.to_string());
    }
    suite.runtime = Some("chromium".into());
    source.mapped(&format!("{key}.enabled true"), "runtime = \"chromium\"");
    for name in names.iter().filter(|n| !matches!(n.as_str(), "chromium" | "chrome")) {
        source.unmapped(
            &format!("{key} browser \"{name}\""),
            "proctor drives Chromium only (or any browser with `runtime = \"attach\"`)",
        );
    }
    for other in value.as_object().into_iter().flatten().map(|(k, _)| k) {
        if !matches!(other.as_str(), "enabled" | "instances" | "name" | "provider" | "headless") {
            source.unmapped(&format!("{key}.{other}"), "no proctor counterpart");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::draft::Notes;
    use super::*;
    use serde_json::json;
    use std::path::{Path, PathBuf};

    fn map(config: Value, major: Option<u64>) -> (Draft, String) {
        let mut notes = Notes::default();
        let files: Vec<(String, PathBuf)> = Vec::new();
        let mut source = Source {
            root: Path::new("/p"),
            base: PathBuf::from("/p"),
            label: "vitest.config.ts".into(),
            files: &files,
            notes: &mut notes,
        };
        let mut draft = Draft::default();
        map_vitest(&config, &mut source, &mut draft, "vitest", major);
        (draft, notes.text())
    }

    #[test]
    fn defaults_follow_the_installed_vitest() {
        let (draft, _) = map(json!({}), None);
        assert_eq!(draft.suite[0].tests, ["**/*.{test,spec}.{js,mjs,cjs,ts,mts,cts,jsx,tsx}"]);
        assert_eq!(draft.suite[0].exclude, ["**/node_modules/**", "**/.git/**"]);
        let (draft, _) = map(json!({ "test": {} }), Some(3));
        assert_eq!(draft.suite[0].exclude.len(), 5);
    }

    #[test]
    fn maps_the_test_block_and_resolve_alias() {
        let (draft, notes) = map(
            json!({
                "resolve": { "alias": { "@": "/p/src", "lodash": "lodash-es", "#lib": "/lib" } },
                "test": {
                    "include": ["src/**/*.test.ts"],
                    "environment": "happy-dom",
                    "testTimeout": 2500,
                    "hookTimeout": 1000,
                    "globals": true,
                    "isolate": false,
                    "mockReset": true,
                    "alias": [{ "find": { "$regexp": "^~", "flags": "" }, "replacement": "/p/lib" }],
                    "coverage": { "provider": "v8" }
                },
                "plugins": [{ "$stub": "@vitejs/plugin-react", "args": [] }]
            }),
            None,
        );
        let suite = &draft.suite[0];
        assert_eq!(suite.tests, ["src/**/*.test.ts"]);
        assert_eq!(suite.environment.as_deref(), Some("happy-dom"));
        assert_eq!(suite.timeout, Some(std::time::Duration::from_millis(2500)));
        assert_eq!((suite.isolate, suite.reset_mocks), (Some(false), Some(true)));
        assert_eq!(
            draft.alias,
            [("@".into(), "./src".into()), ("lodash".into(), "lodash-es".into()), ("#lib".into(), "./lib".into())],
            "in the order written"
        );
        for expected in [
            "not done  vitest.config.ts test.hookTimeout: hooks have the test timeout",
            "no need   vitest.config.ts test.globals: proctor always installs",
            "not done  vitest.config.ts test.alias {\"$regexp\":\"^~\",\"flags\":\"\"}: a regular expression",
            "not done  vitest.config.ts test.coverage: proctor does not measure coverage",
        ] {
            assert!(notes.contains(expected), "{expected}\n{notes}");
        }
    }

    #[test]
    fn browser_mode_and_projects_become_suites() {
        let (draft, notes) = map(
            json!({ "test": {
                "testTimeout": 3000,
                "projects": [
                    { "extends": true, "test": { "name": "unit", "environment": "node", "include": ["test/unit/**/*.test.ts"] } },
                    { "test": { "name": { "label": "browser" }, "include": ["test/browser/**/*.test.ts"],
                                "browser": { "enabled": true, "provider": "playwright", "instances": [{ "browser": "chromium" }, { "browser": "firefox" }] } } },
                    "packages/*"
                ]
            } }),
            None,
        );
        let ids: Vec<&str> = draft.suite.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["unit", "browser"]);
        assert_eq!(draft.suite[0].timeout, Some(std::time::Duration::from_secs(3)), "extends: true inherits");
        assert_eq!(draft.suite[1].timeout, None);
        assert_eq!(draft.suite[1].runtime.as_deref(), Some("chromium"));
        assert!(notes.contains("browser \"firefox\": proctor drives Chromium only"), "{notes}");
        assert!(notes.contains("test.projects \"packages/*\""), "{notes}");
    }
}
