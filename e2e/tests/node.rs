//! End to end on real node: the basic fixture (pass, fail with diff, skip, todo, only, each,
//! hooks order, async, console capture, dynamic and duplicate names, syntax and load errors,
//! CommonJS, node:assert), recovery from hangs and crashes, config, exit codes and JUnit, and a
//! TMPDIR inside a CommonJS package; the basic, recovery and CommonJS cases also on node 24
//! (`module.registerHooks`), fetched once by `proctor_e2e::downloads::node24`.

use proctor_e2e::downloads::node24;
use proctor_e2e::{model, Project};

#[test]
fn basic_fixture_results_match_the_model() {
    let project = Project::fixture("basic");
    assert_basic_results(&project.run(&["run", "--reporter", "json"]));
}

/// The basic fixture on node 24, which has `module.registerHooks` (this machine's node 20 takes
/// the other path: `proctor` resolved in-thread through node's loader).
#[test]
fn basic_fixture_results_match_the_model_on_node_24() {
    let Some(node) = node24() else { return };
    let project = Project::fixture("basic");
    let out = project.run_on_node(&node, &["run", "--reporter", "json"], &[]);
    assert_basic_results(&out);
    let started = out.events_of("runtime-started");
    assert!(started[0]["runtime"]["version"].as_str().is_some_and(|v| v.starts_with("v24.")), "{started:?}");
}

fn assert_basic_results(out: &proctor_e2e::Output) {
    out.assert_code(1);
    assert_eq!(
        out.outcomes(),
        model(&[
            ("assert.test.mjs::node assert fails", "failed"),
            ("assert.test.mjs::node assert passes", "passed"),
            ("common.test.cjs::works from CommonJS", "passed"),
            ("dynamic.test.js::dynamic::computed 2", "passed"),
            ("dynamic.test.js::dynamic::handles alpha", "passed"),
            ("dynamic.test.js::dynamic::handles beta", "passed"),
            ("hooks.test.js::checks the order", "passed"),
            ("hooks.test.js::outer::first", "passed"),
            ("hooks.test.js::outer::inner::second", "passed"),
            ("math.test.js::math::adds", "passed"),
            ("math.test.js::math::async passes", "passed"),
            ("math.test.js::math::async rejects", "failed"),
            ("math.test.js::math::deep equal fails with a diff", "failed"),
            ("math.test.js::math::each adds 1 + 1", "passed"),
            ("math.test.js::math::each adds 2 + 3", "passed"),
            ("math.test.js::math::nested::deep equal", "passed"),
            ("math.test.js::math::prints", "passed"),
            ("math.test.js::math::prints and fails", "failed"),
            ("math.test.js::math::same name", "passed"),
            ("math.test.js::math::same name #2", "passed"),
            ("math.test.js::math::skipped", "skipped"),
            ("math.test.js::math::tagged", "passed"),
            ("math.test.js::math::todo later", "todo"),
            ("only.test.js::focused", "passed"),
            ("only.test.js::not focused", "skipped"),
        ])
    );
    let finished = out.events_of("run-finished");
    assert_eq!(finished.len(), 1);
    let stats = &finished[0]["stats"];
    assert_eq!(
        (stats["passed"].as_u64(), stats["failed"].as_u64(), stats["load_errors"].as_u64()),
        (Some(18), Some(4), Some(2))
    );
}

#[test]
fn syntax_and_load_errors_name_the_file_and_do_not_stop_the_others() {
    let project = Project::fixture("basic");
    let out = project.run(&["run", "--reporter", "json"]);
    let errors = out.events_of("load-error");
    let messages: Vec<&str> = errors.iter().filter_map(|e| e["message"].as_str()).collect();
    assert!(messages.iter().any(|m| m.starts_with("broken.test.js:4:9: SyntaxError")), "{messages:?}");
    assert!(
        messages.iter().any(|m| m.contains("throws-on-load.test.js") && m.contains("top-level failure while loading")),
        "{messages:?}"
    );
    let syntax = errors.iter().find(|e| e["file"] == "broken.test.js").unwrap();
    let frame = syntax["frame"].as_str().unwrap();
    assert!(frame.contains("const = 1;"), "{frame}");

    let text = project.run(&["run", "--reporter", "dots"]);
    text.assert_code(1);
    assert!(text.stdout.contains("broken.test.js:4:9: SyntaxError"), "{}", text.stdout);
    assert!(text.stdout.contains("const = 1;"), "{}", text.stdout);
}

#[test]
fn failures_carry_expected_actual_diff_stack_and_code_frame() {
    let project = Project::fixture("basic");
    let out = project.run(&["run", "--reporter", "json"]);
    let failed = out.finished("math.test.js::math::deep equal fails with a diff");
    let error = &failed["error"];
    assert!(error["expected"].as_str().unwrap().contains('3'), "{error}");
    assert!(error["actual"].as_str().unwrap().contains('2'), "{error}");

    let text = project.run(&["run", "--reporter", "documentation", "math.test.js"]);
    text.assert_code(1);
    let s = &text.stdout;
    assert!(s.contains("FAIL  math.test.js > math > deep equal fails with a diff  (math.test.js:8:3)"), "{s}");
    assert!(s.contains("- Expected") && s.contains("+ Received"), "{s}");
    assert!(s.contains("at math.test.js:9:"), "the test file's frame comes first: {s}");
    assert!(s.contains("expect({ a: 1, b: [1, 2] }).toEqual"), "code frame of the failing line: {s}");
    assert!(s.contains("✓ adds"), "{s}");
    assert!(s.contains("○ skipped"), "{s}");
    assert!(s.contains("✎ todo later"), "{s}");
    assert!(s.contains("context before failure"), "console output is shown with its failure: {s}");
    assert!(!s.contains("controller/"), "controller frames are hidden: {s}");
}

#[test]
fn console_output_is_attributed_to_its_test() {
    let project = Project::fixture("basic");
    let out = project.run(&["run", "--reporter", "json", "math.test.js"]);
    let console: Vec<(String, String, String)> = out
        .events_of("console")
        .iter()
        .map(|e| {
            (
                e["test"].as_str().unwrap_or("").to_string(),
                e["stream"].as_str().unwrap().to_string(),
                e["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let prints = "math.test.js::math::prints".to_string();
    assert!(console.contains(&(prints.clone(), "stdout".into(), "hello from prints".into())), "{console:?}");
    assert!(console.contains(&(prints.clone(), "stderr".into(), "oops from prints".into())), "{console:?}");
    assert!(console.iter().any(|(t, s, x)| t == &prints && s == "stdout" && x.contains("raw write")), "{console:?}");
    // Console output arrives before its test's result.
    let events = out.events();
    let last_console = events.iter().rposition(|e| e["event"] == "console" && e["test"] == prints.as_str()).unwrap();
    let finished =
        events.iter().position(|e| e["event"] == "test-finished" && e["test"]["id"] == prints.as_str()).unwrap();
    assert!(last_console < finished);
}

#[test]
fn a_hang_a_spin_and_an_exit_each_cost_one_result() {
    let project = Project::fixture("recovery");
    assert_recovery_results(&project.run(&["run", "--reporter", "json"]));
}

#[test]
fn a_hang_a_spin_and_an_exit_each_cost_one_result_on_node_24() {
    let Some(node) = node24() else { return };
    let project = Project::fixture("recovery");
    assert_recovery_results(&project.run_on_node(&node, &["run", "--reporter", "json"], &[]));
}

fn assert_recovery_results(out: &proctor_e2e::Output) {
    out.assert_code(1);
    assert_eq!(
        out.outcomes(),
        model(&[
            ("recovery.test.js::after a hang", "passed"),
            ("recovery.test.js::after a spin", "passed"),
            ("recovery.test.js::after an exit", "passed"),
            ("recovery.test.js::before the trouble", "passed"),
            ("recovery.test.js::exits the process", "crashed"),
            ("recovery.test.js::never settles", "timed-out"),
            ("recovery.test.js::spins forever", "timed-out"),
        ])
    );
    assert_eq!(out.events_of("runtime-restarted").len(), 3);
    let crash = out.finished("recovery.test.js::exits the process");
    assert!(crash["error"]["message"].as_str().unwrap().contains("exited with code 3"), "{crash}");
}

#[test]
fn timeout_flag_and_config_set_the_default_deadline() {
    let project = Project::fixture("config");
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    assert_eq!(
        out.outcomes(),
        model(&[("tests/a.test.js::quick", "passed"), ("tests/a.test.js::slow beyond the suite timeout", "timed-out")])
    );
    let out = project.run(&["run", "--reporter", "json", "--timeout", "5s"]);
    out.assert_code(0);
    assert_eq!(out.outcomes()["tests/a.test.js::slow beyond the suite timeout"], "passed");
}

#[test]
fn bad_config_names_the_key_and_line() {
    let project = Project::fixture("config-bad");
    let out = project.run(&["run"]);
    out.assert_code(2);
    assert!(out.stderr.contains("proctor.toml:4:1"), "{}", out.stderr);
    assert!(out.stderr.contains("timout"), "{}", out.stderr);
}

#[test]
fn bad_flag_value_is_a_usage_error() {
    let project = Project::fixture("config");
    let out = project.run(&["run", "--timeout", "soon"]);
    out.assert_code(2);
    assert!(out.stderr.contains("--timeout"), "{}", out.stderr);
}

#[test]
fn no_tests_exits_4_unless_told_otherwise() {
    let project = Project::fixture("empty");
    project.run(&["run"]).assert_code(4);
    project.run(&["run", "--no-tests", "pass"]).assert_code(0);
    let warn = project.run(&["run", "--no-tests", "warn"]);
    warn.assert_code(0);
    assert!(warn.stderr.contains("no tests ran"), "{}", warn.stderr);
}

#[test]
fn all_passing_exits_0_and_only_given_paths_run() {
    let project = Project::fixture("basic");
    let out = project.run(&["run", "--reporter", "json", "hooks.test.js", "dynamic.test.js"]);
    out.assert_code(0);
    assert_eq!(out.outcomes().len(), 6);
}

#[test]
fn a_temp_dir_inside_a_commonjs_package_still_loads_the_controller() {
    // proctor writes its node controller (ES modules in `.js` files) into TMPDIR; node reads a
    // `.js` file's module type from the nearest package.json, which here says CommonJS.
    let project = Project::empty();
    project.write("package.json", r#"{ "type": "commonjs" }"#).write("tmp/.keep", "").write(
        "math.test.js",
        "const { it, expect } = require(\"proctor\");\nit(\"adds\", () => expect(1 + 1).toBe(2));\n",
    );
    let tmp = project.path().join("tmp");
    let env = [("TMPDIR", tmp.to_str().expect("utf-8 path"))];
    let out = project.run_with(&["run", "--reporter", "json"], &env);
    out.assert_code(0);
    assert_eq!(out.outcomes(), model(&[("math.test.js::adds", "passed")]));
    if let Some(node) = node24() {
        let out = project.run_on_node(&node, &["run", "--reporter", "json"], &env);
        out.assert_code(0);
        assert_eq!(out.outcomes(), model(&[("math.test.js::adds", "passed")]));
    }
}

#[test]
fn missing_node_is_an_environment_error() {
    let project = Project::fixture("config");
    let output = std::process::Command::new(proctor_e2e::proctor_bin())
        .args(["run"])
        .current_dir(project.path())
        .env("PROCTOR_NODE", "/nonexistent/node")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("node"));
}

#[test]
fn list_prints_ids_tags_and_locations_without_running() {
    let project = Project::fixture("basic");
    let out = project.run(&["list"]);
    out.assert_code(0);
    assert!(out.stdout.contains("math.test.js::math::tagged  [fast]  math.test.js:56:3"), "{}", out.stdout);
    assert!(out.stdout.contains("math.test.js::math::same name #2  math.test.js:"), "{}", out.stdout);
    assert!(out.stdout.contains("math.test.js::math::skipped  (skip)"), "{}", out.stdout);
    assert!(out.stdout.contains("(dynamic name)"), "{}", out.stdout);
    assert!(out.stdout.contains("broken.test.js  (syntax error at broken.test.js:4:9"), "{}", out.stdout);
    let json = project.run(&["list", "--format", "json"]);
    json.assert_code(0);
    let plan: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(plan["suites"][0]["id"], "unit");
    assert!(plan["suites"][0]["files"].as_array().unwrap().len() >= 7);
}

#[test]
fn junit_has_one_suite_per_file_and_the_agreed_names() {
    let project = Project::fixture("basic");
    let junit = project.path().join("reports/junit.xml");
    let out = project.run(&["run", "--reporter", "dots", "--junit", junit.to_str().unwrap()]);
    out.assert_code(1);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suites: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testsuite")).collect();
    let names: Vec<&str> = suites.iter().filter_map(|s| s.attribute("name")).collect();
    for file in ["math.test.js", "hooks.test.js", "broken.test.js", "throws-on-load.test.js"] {
        assert!(names.contains(&file), "{names:?}");
    }
    let case = |name: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name))
            .unwrap_or_else(|| panic!("no testcase {name}\n{xml}"))
    };
    let nested = case("math > nested > deep equal");
    assert_eq!(nested.attribute("classname"), Some("math.test.js"));
    assert!(case("math > deep equal fails with a diff").children().any(|c| c.has_tag_name("failure")));
    assert!(case("math > skipped").children().any(|c| c.has_tag_name("skipped")));
    assert!(case("math > todo later").children().any(|c| c.has_tag_name("skipped")));
    case("math > same name #2");
    let prints = case("math > prints");
    let out_text: String =
        prints.children().filter(|c| c.has_tag_name("system-out")).filter_map(|c| c.text()).collect();
    assert!(out_text.contains("hello from prints"), "{xml}");
    let err_text: String =
        prints.children().filter(|c| c.has_tag_name("system-err")).filter_map(|c| c.text()).collect();
    assert!(err_text.contains("oops from prints"), "{xml}");
    let broken = case("broken.test.js");
    let error = broken.children().find(|c| c.has_tag_name("error")).unwrap();
    assert!(error.attribute("message").unwrap().contains("broken.test.js:4:9"), "{xml}");
}

#[test]
fn recovery_crash_is_an_error_in_junit() {
    let project = Project::fixture("recovery");
    let junit = project.path().join("junit.xml");
    project.run(&["run", "--reporter", "dots", "--junit", junit.to_str().unwrap()]).assert_code(1);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let case = doc.descendants().find(|n| n.attribute("name") == Some("exits the process")).unwrap();
    assert!(case.children().any(|c| c.has_tag_name("error")), "{xml}");
    let hang = doc.descendants().find(|n| n.attribute("name") == Some("never settles")).unwrap();
    assert!(hang.children().any(|c| c.has_tag_name("failure")), "{xml}");
}

/// A fake `node` for start-up failures: answers `--version` like node 20, then does `behaviour`.
fn fake_node(project: &Project, behaviour: &str) -> std::path::PathBuf {
    let path = project.path().join("fake-node.sh");
    std::fs::write(
        &path,
        format!("#!/bin/sh\nif [ \"$1\" = \"--version\" ]; then echo v20.20.2; exit 0; fi\n{behaviour}\n"),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn a_runtime_that_never_connects_is_a_clear_error_not_a_hang() {
    let project = Project::fixture("config");
    let node = fake_node(&project, "sleep 30");
    let output = std::process::Command::new(proctor_e2e::proctor_bin())
        .args(["run", "--reporter", "dots"])
        .current_dir(project.path())
        .env("PROCTOR_NODE", &node)
        .env("PROCTOR_CONNECT_TIMEOUT", "500ms")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("did not connect within 0.5s"), "{stdout}");
}

#[test]
fn a_runtime_that_dies_at_start_up_says_what_it_printed() {
    let project = Project::fixture("config");
    let node = fake_node(&project, "echo 'something is badly wrong' >&2; exit 7");
    let output = std::process::Command::new(proctor_e2e::proctor_bin())
        .args(["run", "--reporter", "dots"])
        .current_dir(project.path())
        .env("PROCTOR_NODE", &node)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("exited with code 7 before its controller connected"), "{stdout}");
    assert!(stdout.contains("something is badly wrong"), "{stdout}");
}

#[test]
fn dynamic_names_get_the_location_of_their_declaration() {
    let project = Project::fixture("basic");
    let out = project.run(&["run", "--reporter", "json", "dynamic.test.js", "math.test.js"]);
    let alpha = out.finished("dynamic.test.js::dynamic::handles alpha");
    assert_eq!(alpha["test"]["location"]["line"], 6, "{alpha}");
    let each = out.finished("math.test.js::math::each adds 2 + 3");
    assert_eq!(each["test"]["location"]["line"], 49, "{each}");
}

#[test]
fn vitest_and_jest_spellings_are_planned_and_run() {
    let project = Project::empty();
    project.write(
        "spellings.test.js",
        r#"import { suite, it, test, describe, expect } from "proctor";
suite("a suite", () => {
  it.concurrent("concurrent", async () => expect(1).toBe(1));
  test.concurrent.each([1, 2])("concurrent each %i", (n) => expect(n).toBeGreaterThan(0));
  it.concurrent.skip("concurrent skip", () => {});
});
describe.sequential("sequential group", () => {
  it.sequential("in order", () => {});
});
it.skipIf(process.platform === "linux")("skipped on linux", () => {});
it.runIf(process.platform === "linux")("run on linux", () => {});
test.failing("known bug", () => expect(1).toBe(2));
"#,
    );
    let list = project.run(&["list", "--format", "json"]);
    list.assert_code(0);
    for id in [
        "a suite::concurrent",
        "a suite::concurrent skip",
        "sequential group::in order",
        "skipped on linux",
        "known bug",
    ] {
        assert!(list.stdout.contains(&format!("spellings.test.js::{id}")), "{id} is planned: {}", list.stdout);
    }
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(0);
    assert_eq!(
        out.outcomes(),
        model(&[
            ("spellings.test.js::a suite::concurrent", "passed"),
            ("spellings.test.js::a suite::concurrent each 1", "passed"),
            ("spellings.test.js::a suite::concurrent each 2", "passed"),
            ("spellings.test.js::a suite::concurrent skip", "skipped"),
            ("spellings.test.js::sequential group::in order", "passed"),
            ("spellings.test.js::skipped on linux", "skipped"),
            ("spellings.test.js::run on linux", "passed"),
            ("spellings.test.js::known bug", "passed"),
        ])
    );
}
