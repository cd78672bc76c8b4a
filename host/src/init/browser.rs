//! web-test-runner's and Karma's configs as Chromium suites, for `proctor init`: their test
//! files, excludes, the mocha/jasmine timeout, and the page the tests ran in — wtr's
//! `testRunnerHtml` (rendered by init-config.js) and the scripts Karma's `files` load before the
//! tests — written as a proctor `page`.

use super::draft::{Draft, DraftSuite};
use super::globs::under;
use super::source::{opaque, strings, Source};
use serde_json::{Map, Value};
use std::time::Duration;

/// What init-config.js passes `testRunnerHtml` for the test framework's script.
const FRAMEWORK_PLACEHOLDER: &str = "__proctor_test_framework__";

/// Maps a web-test-runner config into `draft` (its `groups` as suites of their own).
pub(crate) fn map_wtr(config: &Value, source: &mut Source<'_>, draft: &mut Draft, id: &str) {
    let empty = Map::new();
    let object = config.as_object().unwrap_or(&empty);
    if let Some(root) = object.get("rootDir").and_then(Value::as_str) {
        source.base = crate::paths::normalize(&source.base.join(root));
        source.mapped(&format!("rootDir \"{root}\""), "the base of the globs below");
    }
    let suite = wtr_suite(object, source, draft, id, "");
    if !suite.tests.is_empty() || object.get("groups").is_none() {
        draft.suite.push(suite);
    }
    for (index, group) in object.get("groups").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let Some(group) = group.as_object() else { continue };
        let name = group
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("{id}-{}", index + 1));
        let mut merged = object.clone();
        merged.remove("groups");
        merged.remove("files");
        merged.extend(group.iter().map(|(k, v)| (k.clone(), v.clone())));
        let suite = wtr_suite(&merged, source, draft, &name, &format!("groups[{index}]."));
        draft.suite.push(suite);
    }
}

fn wtr_suite(
    object: &Map<String, Value>,
    source: &mut Source<'_>,
    draft: &mut Draft,
    id: &str,
    at: &str,
) -> DraftSuite {
    let mut suite = DraftSuite { id: id.to_string(), runtime: Some("chromium".into()), ..DraftSuite::default() };
    for file in object.get("files").map(strings).unwrap_or_default() {
        let (negated, pattern) = match file.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, file.as_str()),
        };
        let glob = under(&source.prefix(), pattern);
        let to = if negated { "exclude" } else { "tests" };
        source.mapped(&format!("{at}files \"{file}\""), format!("{to} \"{glob}\""));
        if negated { &mut suite.exclude } else { &mut suite.tests }.push(glob);
    }
    if !suite.tests.is_empty() {
        source.mapped(&format!("{at}browsers"), "runtime = \"chromium\"");
    }
    let timeout = object.get("testFramework").and_then(|f| f.get("config")).and_then(|c| c.get("timeout"));
    match timeout {
        Some(value) => suite.timeout = source.timeout(&format!("{at}testFramework.config.timeout"), value),
        None => {
            source.mapped(&format!("{at}testFramework.config.timeout (mocha's default)"), "timeout = \"2s\"");
            suite.timeout = Some(Duration::from_secs(2));
        }
    }
    super::draft::empty_files_ok(&mut suite, source, "web-test-runner");
    let framework = object.get("testFramework").and_then(|f| f.get("config")).and_then(Value::as_object);
    for (key, value) in framework.into_iter().flatten() {
        let why = match key.as_str() {
            "timeout" => continue,
            "ui" => "nothing needed: proctor installs mocha's `describe`/`it` and `suite`/`test` globals",
            _ => &format!("mocha's `{key}` ({value}) has no proctor counterpart"),
        };
        source.unmapped(&format!("{at}testFramework.config.{key}"), why);
    }
    if let Some(html) = object.get("testRunnerHtml") {
        match html.get("$html").and_then(Value::as_str) {
            Some(html) => {
                let page = page_path(source, id);
                source.mapped(&format!("{at}testRunnerHtml"), format!("page = \"{page}\" (written from its HTML)"));
                draft.pages.push((page.clone(), without_framework(html)));
                suite.page = Some(page);
            }
            None => {
                source.unmapped(&format!("{at}testRunnerHtml"), opaque(html).unwrap_or_else(|| "not rendered".into()))
            }
        }
    }
    for (key, value) in object {
        let why = match key.as_str() {
            "files" | "rootDir" | "testFramework" | "testRunnerHtml" | "groups" | "name" => continue,
            "browsers" => {
                let launchers = value.to_string();
                if launchers.contains("firefox") || launchers.contains("webkit") {
                    "proctor drives Chromium only (or any browser with `runtime = \"attach\"`)"
                } else {
                    continue;
                }
            }
            "nodeResolve" | "plugins" | "mimeTypes" | "preserveSymlinks" | "esbuildTarget" => {
                "nothing needed: proctor resolves packages and transforms TypeScript and JSX itself"
            }
            "middleware" => {
                "proctor's server runs no middleware: a request it answered (a stub API such as \
                 `/search?q=`) gets 404; stub `fetch` in the tests instead"
            }
            "concurrency" | "concurrentBrowsers" => "proctor runs one test at a time per runtime",
            "coverage" | "coverageConfig" => "proctor does not measure coverage",
            "testsFinishTimeout" | "testsStartTimeout" | "browserStartTimeout" => "proctor has a timeout per test",
            "port" | "hostname" | "protocol" | "http2" | "open" | "watch" | "staticLogging" | "reporters" => {
                "a matter of the runner (see `proctor run --help`)"
            }
            _ => "no proctor counterpart",
        };
        source.unmapped(&format!("{at}{key}"), why);
    }
    suite
}

/// The page's path: `proctor-page.html` (or `proctor-page-<suite>.html`) in the base directory.
fn page_path(source: &Source<'_>, id: &str) -> String {
    let name =
        if id == "wtr" || id == "karma" { "proctor-page.html".to_string() } else { format!("proctor-page-{id}.html") };
    under(&source.prefix(), &name)
}

/// wtr's HTML without the script that loads its test framework (proctor loads its own).
fn without_framework(html: &str) -> String {
    let script = regex::Regex::new(&format!(r#"(?s)\s*<script\b[^>]*{FRAMEWORK_PLACEHOLDER}[^>]*>\s*</script>"#))
        .expect("a valid regex");
    let inline = regex::Regex::new(&format!(r#"(?m)^.*{FRAMEWORK_PLACEHOLDER}.*\n?"#)).expect("a valid regex");
    let html = script.replace_all(html, "");
    inline.replace_all(&html, "").into_owned()
}

/// Maps a Karma config into `draft`.
pub(crate) fn map_karma(config: &Value, source: &mut Source<'_>, draft: &mut Draft, id: &str) {
    let empty = Map::new();
    let object = config.as_object().unwrap_or(&empty);
    if let Some(base) = object.get("basePath").and_then(Value::as_str) {
        source.base = crate::paths::normalize(&source.base.join(base));
        source.mapped(&format!("basePath \"{base}\""), "the base of the paths below");
    }
    let mut suite = DraftSuite { id: id.to_string(), runtime: Some("chromium".into()), ..DraftSuite::default() };
    let mut scripts = Vec::new();
    for entry in object.get("files").and_then(Value::as_array).into_iter().flatten() {
        let (pattern, included) = match entry {
            Value::String(s) => (s.clone(), true),
            Value::Object(o) => (
                o.get("pattern").and_then(Value::as_str).unwrap_or_default().to_string(),
                o.get("included").and_then(Value::as_bool).unwrap_or(true),
            ),
            _ => continue,
        };
        let Some(rel) = source.path(&pattern) else {
            source.unmapped(&format!("files \"{pattern}\""), "outside the project root");
            continue;
        };
        let name = rel.rsplit('/').next().unwrap_or_default();
        let looks_like_tests =
            name.contains("test") || name.contains("spec") || rel.split('/').any(|s| s == "__tests__");
        if !included {
            source.unmapped(
                &format!("files \"{pattern}\""),
                "served, not loaded: proctor serves every file under the root",
            );
        } else if looks_like_tests {
            source.mapped(&format!("files \"{pattern}\""), format!("tests \"{rel}\""));
            suite.tests.push(rel);
        } else if rel.contains(['*', '?', '{']) {
            source.unmapped(
                &format!("files \"{pattern}\""),
                "a glob of scripts to load first: list its files in the page by hand",
            );
        } else {
            source.mapped(&format!("files \"{pattern}\""), format!("a <script> in the page (\"{rel}\")"));
            scripts.push(rel);
        }
    }
    if !scripts.is_empty() {
        let page = page_path(source, id);
        let dir_depth = page.matches('/').count();
        let up = "../".repeat(dir_depth);
        let tags: String = scripts.iter().map(|s| format!("    <script src=\"{up}{s}\"></script>\n")).collect();
        draft.pages.push((
            page.clone(),
            format!("<!doctype html>\n<html>\n  <head>\n{tags}  </head>\n  <body></body>\n</html>\n"),
        ));
        source.mapped("files (scripts)", format!("page = \"{page}\" (written with their <script>s)"));
        suite.page = Some(page);
    }
    for pattern in object.get("exclude").map(strings).unwrap_or_default() {
        if let Some(rel) = source.path(&pattern) {
            source.mapped(&format!("exclude \"{pattern}\""), format!("exclude \"{rel}\""));
            suite.exclude.push(rel);
        }
    }
    let client = object.get("client");
    let mocha_timeout = client.and_then(|c| c.get("mocha")).and_then(|m| m.get("timeout"));
    let jasmine_timeout = client.and_then(|c| c.get("jasmine")).and_then(|j| j.get("timeoutInterval"));
    let frameworks = object.get("frameworks").map(strings).unwrap_or_default();
    if let Some(value) = mocha_timeout {
        suite.timeout = source.timeout("client.mocha.timeout", value);
    } else if let Some(value) = jasmine_timeout {
        suite.timeout = source.timeout("client.jasmine.timeoutInterval", value);
    } else if frameworks.iter().any(|f| f == "mocha") {
        source.mapped("client.mocha.timeout (mocha's default)", "timeout = \"2s\"");
        suite.timeout = Some(Duration::from_secs(2));
    }
    super::draft::empty_files_ok(&mut suite, source, "Karma");
    for (key, value) in object {
        let why = match key.as_str() {
            "basePath" | "files" | "exclude" | "client" => continue,
            "frameworks" => {
                for framework in strings(value) {
                    let note = match framework.as_str() {
                        "mocha" | "chai" => "nothing needed: proctor has mocha's names and chai's expect",
                        "jasmine" => "proctor has Jest's names (describe/it/expect); jasmine.* spies need vi.fn()",
                        _ => "no proctor counterpart",
                    };
                    source.unmapped(&format!("frameworks \"{framework}\""), note);
                }
                continue;
            }
            "browsers" => {
                source.mapped(&format!("browsers {value}"), "runtime = \"chromium\"");
                continue;
            }
            "preprocessors" | "webpack" | "esbuild" | "karmaTypescriptConfig" => {
                "proctor builds test files itself (`build = \"esm\"`, or \"esbuild\" for one bundle)"
            }
            "reporters" | "port" | "colors" | "logLevel" | "autoWatch" | "singleRun" | "concurrency" | "plugins" => {
                "a matter of the runner (see `proctor run --help`)"
            }
            "browserNoActivityTimeout" | "captureTimeout" | "browserDisconnectTimeout" => {
                "proctor has a timeout per test"
            }
            "coverageReporter" | "coverageIstanbulReporter" => "proctor does not measure coverage",
            _ => "no proctor counterpart",
        };
        source.unmapped(key, why);
    }
    draft.suite.push(suite);
}

#[cfg(test)]
mod tests {
    use super::super::draft::Notes;
    use super::*;
    use serde_json::json;
    use std::path::{Path, PathBuf};

    fn source<'a>(notes: &'a mut Notes, files: &'a [(String, PathBuf)], label: &str) -> Source<'a> {
        Source { root: Path::new("/p"), base: PathBuf::from("/p"), label: label.into(), files, notes }
    }

    #[test]
    fn wtr_files_timeout_and_page() {
        let mut notes = Notes::default();
        let mut draft = Draft::default();
        let config = json!({
            "files": ["test/**/*.test.js", "!test/legacy/**"],
            "nodeResolve": true,
            "testFramework": { "config": { "timeout": 4000, "ui": "bdd" } },
            "testRunnerHtml": { "$html": "<html><body><script src=\"/node_modules/chai/chai.js\"></script>\n<script type=\"module\" src=\"__proctor_test_framework__\"></script></body></html>" },
            "browsers": [{ "$stub": "@web/test-runner-playwright.playwrightLauncher", "args": [{ "product": "firefox" }] }]
        });
        map_wtr(&config, &mut source(&mut notes, &[], "web-test-runner.config.mjs"), &mut draft, "wtr");
        let suite = &draft.suite[0];
        assert_eq!(suite.runtime.as_deref(), Some("chromium"));
        assert_eq!(suite.tests, ["test/**/*.test.js"]);
        assert_eq!(suite.exclude, ["test/legacy/**"]);
        assert_eq!(suite.timeout, Some(Duration::from_secs(4)));
        assert_eq!(suite.page.as_deref(), Some("proctor-page.html"));
        assert_eq!(draft.pages[0].1, "<html><body><script src=\"/node_modules/chai/chai.js\"></script></body></html>");
        let text = notes.text();
        assert!(text.contains("browsers: proctor drives Chromium only"), "{text}");
        assert!(text.contains("no need   web-test-runner.config.mjs nodeResolve: proctor resolves"), "{text}");
        assert!(
            text.contains("no need   web-test-runner.config.mjs testFramework.config.ui: proctor installs"),
            "{text}"
        );
    }

    /// github's auto-complete-element answers `/search?q=` from a wtr middleware: init said it
    /// was not needed, and 24 of its 50 tests then failed on 404s.
    #[test]
    fn wtr_middleware_is_not_done_and_mocha_options_are_accounted_for() {
        let mut notes = Notes::default();
        let mut draft = Draft::default();
        let config = json!({
            "files": ["test/*.js"],
            "middleware": [{ "$unmappable": "a function" }],
            "testFramework": { "config": { "ui": "tdd", "timeout": 500, "retries": 2 } }
        });
        map_wtr(&config, &mut source(&mut notes, &[], "web-test-runner.config.js"), &mut draft, "wtr");
        let text = notes.text();
        assert!(
            text.contains("not done  web-test-runner.config.js middleware: proctor's server runs no middleware"),
            "{text}"
        );
        assert!(text.contains("no need   web-test-runner.config.js testFramework.config.ui"), "{text}");
        assert!(
            text.contains("not done  web-test-runner.config.js testFramework.config.retries: mocha's `retries` (2)"),
            "{text}"
        );
        assert!(!text.contains("testFramework.config.timeout:"), "the timeout is mapped: {text}");
        assert_eq!(draft.suite[0].empty_files.as_deref(), Some("ok"), "web-test-runner runs a file without tests");
    }

    #[test]
    fn karma_files_become_tests_and_page_scripts() {
        let mut notes = Notes::default();
        let mut draft = Draft::default();
        let config = json!({
            "basePath": "",
            "frameworks": ["mocha", "chai"],
            "files": ["vendor/jquery.js", { "pattern": "test/**/*.spec.js", "included": true }, { "pattern": "fixtures/*.json", "included": false }],
            "browsers": ["ChromeHeadless"],
            "client": { "mocha": { "timeout": 3000 } },
            "singleRun": true
        });
        map_karma(&config, &mut source(&mut notes, &[], "karma.conf.js"), &mut draft, "karma");
        let suite = &draft.suite[0];
        assert_eq!(suite.tests, ["test/**/*.spec.js"]);
        assert_eq!(suite.timeout, Some(Duration::from_secs(3)));
        assert_eq!(suite.page.as_deref(), Some("proctor-page.html"));
        assert!(draft.pages[0].1.contains("<script src=\"vendor/jquery.js\"></script>"), "{}", draft.pages[0].1);
    }
}
