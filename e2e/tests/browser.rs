//! End to end in real headless Chromium: native ES modules with an import map, a minified
//! esbuild bundle and a user command build, each with source-mapped failures; hangs and spins
//! in the page; console and uncaught errors; a suite that runs in node and Chromium. These tests
//! need Chromium (`.ci/run` installs it) and are never skipped.

use proctor_e2e::{model, Project};

fn browser_project(config: &str) -> Project {
    let project = Project::fixture("browser");
    project.write("proctor.toml", config);
    project
}

fn expected_outcomes() -> std::collections::BTreeMap<String, String> {
    model(&[
        ("test/dom.test.js::in the browser::async passes", "passed"),
        ("test/dom.test.js::in the browser::fails with a mapped stack", "failed"),
        ("test/dom.test.js::in the browser::has a DOM", "passed"),
        ("test/dom.test.js::in the browser::logs to the console", "passed"),
        ("test/dom.test.js::in the browser::resolves bare package imports", "passed"),
        ("test/dom.test.js::in the browser::skipped in the browser too", "skipped"),
        ("test/dom.test.js::in the browser::uncaught error in a callback fails the running test", "failed"),
        ("test/hang.test.js::after the hang", "passed"),
        ("test/hang.test.js::after the spin", "passed"),
        ("test/hang.test.js::loses its page", "crashed"),
        ("test/hang.test.js::after the lost page", "passed"),
        ("test/hang.test.js::before the hang", "passed"),
        ("test/hang.test.js::never settles", "timed-out"),
        ("test/hang.test.js::spins forever", "timed-out"),
    ])
}

/// The failing expectation's stack names the original file and line, wherever the code ran.
fn assert_mapped_failure(out: &proctor_e2e::Output) {
    let failed = out.finished("test/dom.test.js::in the browser::fails with a mapped stack");
    let stack = failed["error"]["stack"].as_str().unwrap_or_default();
    assert!(stack.contains("/test/dom.test.js:24:"), "stack is not mapped to the source line:\n{stack}");
    assert!(!stack.contains("127.0.0.1"), "served URLs are mapped to files:\n{stack}");
}

#[test]
fn esm_build_runs_the_suite_in_chromium() {
    let _browser = proctor_e2e::browser_lock();
    let project =
        browser_project("[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\ntests = [\"test/**/*.test.js\"]\n");
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    assert_eq!(out.outcomes(), expected_outcomes());
    assert_mapped_failure(&out);
    let load = out.events_of("load-error");
    assert_eq!(load.len(), 1, "{load:?}");
    assert!(load[0]["message"].as_str().unwrap().contains("top-level failure in the browser"), "{load:?}");
    assert_eq!(out.events_of("runtime-restarted").len(), 3);
    let lost = out.finished("test/hang.test.js::loses its page");
    assert!(lost["error"]["message"].as_str().unwrap().contains("closed its connection"), "{lost}");
    let started = out.events_of("runtime-started");
    assert!(started[0]["runtime"]["userAgent"].as_str().unwrap().contains("Chrome"), "{started:?}");

    let console: Vec<(String, String)> = out
        .events_of("console")
        .iter()
        .map(|e| (e["test"].as_str().unwrap_or("").to_string(), e["text"].as_str().unwrap_or("").to_string()))
        .collect();
    let logs = "test/dom.test.js::in the browser::logs to the console".to_string();
    assert!(console.contains(&(logs.clone(), "from the page".into())), "{console:?}");
    assert!(console.contains(&(logs, "a warning".into())), "{console:?}");
    let uncaught =
        out.finished("test/dom.test.js::in the browser::uncaught error in a callback fails the running test");
    assert!(uncaught["error"]["message"].as_str().unwrap().contains("thrown from a timer"), "{uncaught}");
}

#[test]
fn minified_esbuild_bundle_maps_failures_to_the_original_lines() {
    let _browser = proctor_e2e::browser_lock();
    let project = browser_project(
        "[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\ntests = [\"test/**/*.test.js\"]\nbuild = \"esbuild\"\nminify = true\n",
    );
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    assert_eq!(out.outcomes(), expected_outcomes());
    assert_mapped_failure(&out);
    let built = out.events_of("built");
    assert_eq!(built[0]["tool"], "esbuild --minify", "{built:?}");

    let text = project.run(&["run", "--reporter", "documentation", "test/dom.test.js"]);
    assert!(text.stdout.contains("at test/dom.test.js:24:"), "{}", text.stdout);
    assert!(
        text.stdout.contains("expect(value).toBe(\"hello, source map\");"),
        "code frame from the original source:\n{}",
        text.stdout
    );
}

#[test]
fn user_command_build_is_loaded_and_mapped() {
    let _browser = proctor_e2e::browser_lock();
    let command =
        "esbuild {entry} --bundle --format=iife --sourcemap --alias:proctor={controller} --outfile={outdir}/app.js";
    let project = browser_project(&format!(
        "[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\ntests = [\"test/dom.test.js\"]\nbuild = {{ command = \"{command}\" }}\n"
    ));
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    assert_eq!(out.outcomes().len(), 7);
    assert_mapped_failure(&out);
}

#[test]
fn a_failing_build_shows_the_bundlers_message() {
    let _browser = proctor_e2e::browser_lock();
    let project = browser_project(
        "[[suite]]\nruntime = \"chromium\"\ntests = [\"test/dom.test.js\"]\nbuild = { command = \"echo {entry} {outdir} > /dev/null; echo the bundler broke >&2; exit 3\" }\n",
    );
    let out = project.run(&["run", "--reporter", "dots"]);
    out.assert_code(2);
    assert!(out.stdout.contains("the bundler broke"), "{}", out.stdout);
}

#[test]
fn one_suite_in_node_and_chromium_reports_each() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::fixture("basic");
    project.write("proctor.toml", "[[suite]]\nid = \"both\"\nruntime = [\"node\", \"chromium\"]\ntests = [\"hooks.test.js\", \"dynamic.test.js\"]\n");
    let junit = project.path().join("junit.xml");
    let out = project.run(&["run", "--reporter", "json", "--junit", junit.to_str().unwrap()]);
    out.assert_code(0);
    let outcomes = out.outcomes_by_runtime();
    assert_eq!(outcomes.len(), 12, "{outcomes:?}");
    assert_eq!(outcomes["chromium|hooks.test.js::checks the order"], "passed");
    assert_eq!(outcomes["node|hooks.test.js::checks the order"], "passed");
    let xml = std::fs::read_to_string(junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let cases = doc.descendants().filter(|n| n.has_tag_name("testcase")).count();
    assert_eq!(cases, 12, "{xml}");
}

#[test]
fn missing_chromium_says_how_to_install_it() {
    let _browser = proctor_e2e::browser_lock();
    let project = browser_project("[[suite]]\nruntime = \"chromium\"\n");
    let out = project.run_with(&["run"], &[("PROCTOR_CHROMIUM", "/nonexistent/chromium")]);
    out.assert_code(2);
    assert!(out.stderr.contains("PROCTOR_CHROMIUM"), "{}", out.stderr);
}
