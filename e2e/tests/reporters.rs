//! Reporters users plug in (issue 15, point 6), on real node: the TAP stream read by a real TAP
//! consumer from npm (`tap-parser`), GitHub Actions annotations and the job summary written to
//! `$GITHUB_STEP_SUMMARY`, and several reporters at once, each to its own file, while a terminal
//! reporter prints.

use proctor_e2e::downloads::npm_packages;
use proctor_e2e::{model, Output, Project};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

/// A suite with one test of each kind a report tells apart; `fail.test.js` has a multi-line
/// diff, a name with `#` and `,` and `:`, and a timeout.
fn project() -> Project {
    let project = Project::empty();
    project.write(
        "pass.test.js",
        r#"import { describe, it, expect } from "proctor";
describe("math", () => {
  it("adds", () => { expect(1 + 1).toBe(2); });
  it.skip("later", () => {});
  it.todo("plan");
});
"#,
    );
    project.write(
        "fail.test.js",
        r#"import { describe, it, expect } from "proctor";
describe("cart", () => {
  it("totals #1, with: tax", () => {
    expect({ a: 1, b: [1, 2] }).toEqual({ a: 2, b: [1, 2] });
  });
  it("hangs", { timeout: 300 }, () => new Promise(() => {}));
});
"#,
    );
    project
}

/// The expected outcome of each test of [`project`].
fn expected() -> BTreeMap<String, String> {
    model(&[
        ("fail.test.js::cart::hangs", "timed-out"),
        ("fail.test.js::cart::totals #1, with: tax", "failed"),
        ("pass.test.js::math::adds", "passed"),
        ("pass.test.js::math::later", "skipped"),
        ("pass.test.js::math::plan", "todo"),
    ])
}

/// `text` parsed by tap-parser: its final result and every test point with its diagnostics.
fn parse_tap(text: &str) -> Option<Value> {
    let deps = npm_packages("tap-parser", &["tap-parser@18.3.4"])?;
    let script = r#"
const { Parser } = require("tap-parser");
const points = [];
const p = new Parser((result) => {
  process.stdout.write(JSON.stringify({ result: { ok: result.ok, count: result.count, pass: result.pass,
    fail: result.fail, skip: result.skip, todo: result.todo, plan: result.plan }, points }));
});
p.on("assert", (a) =>
  points.push({ ok: a.ok, id: a.id, name: a.name, skip: a.skip, todo: a.todo, time: a.time, diag: a.diag }));
p.end(require("fs").readFileSync(0, "utf8"));
"#;
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in.tap");
    std::fs::write(&input, text).expect("write tap");
    let out = Command::new("node")
        .arg("-e")
        .arg(script)
        .env("NODE_PATH", deps.join("node_modules"))
        .stdin(std::fs::File::open(&input).expect("open tap"))
        .output()
        .expect("node runs");
    assert!(out.status.success(), "tap-parser failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_slice(&out.stdout).expect("tap-parser's JSON"))
}

fn point<'a>(parsed: &'a Value, name: &str) -> &'a Value {
    parsed["points"]
        .as_array()
        .and_then(|points| points.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("no point {name}: {parsed:#}"))
}

#[test]
fn tap_is_read_by_a_tap_consumer() {
    let project = project();
    let out = project.run(&["run", "--reporter", "tap"]);
    out.assert_code(1);
    assert!(out.stdout.starts_with("TAP version 13\n"), "{}", out.stdout);
    let Some(parsed) = parse_tap(&out.stdout) else { return };
    let result = &parsed["result"];
    assert_eq!(result["ok"], false, "{parsed:#}");
    assert_eq!((&result["count"], &result["pass"], &result["fail"]), (&5.into(), &3.into(), &2.into()), "{parsed:#}");
    assert_eq!((&result["skip"], &result["todo"]), (&1.into(), &1.into()), "{parsed:#}");
    assert_eq!(result["plan"]["end"], 5, "{parsed:#}");
    let adds = point(&parsed, "pass.test.js > math > adds");
    assert_eq!(adds["ok"], true);
    assert_eq!(point(&parsed, "pass.test.js > math > later")["skip"], "skipped with .skip");
    assert_eq!(point(&parsed, "pass.test.js > math > plan")["todo"], "declared with .todo");
    let totals = point(&parsed, "fail.test.js > cart > totals #1, with: tax");
    assert_eq!(totals["ok"], false);
    let diag = &totals["diag"];
    assert_eq!(diag["at"], "fail.test.js:4:33", "{diag:#}");
    assert_eq!(diag["id"], "fail.test.js::cart::totals #1, with: tax");
    assert!(diag["message"].as_str().is_some_and(|m| m.contains("toEqual")), "{diag:#}");
    let (expected, actual) =
        (diag["expected"].as_str().unwrap_or_default(), diag["actual"].as_str().unwrap_or_default());
    assert!(expected.contains("\"a\": 2,") && actual.contains("\"a\": 1,"), "{diag:#}");
    assert!(expected.lines().count() > 3, "multi-line values survive the YAML block: {expected:?}");
    // tap-parser takes a numeric `duration_ms` from the diagnostics as the point's time.
    assert!(totals["time"].is_number(), "{totals:#}");
    let hangs = point(&parsed, "fail.test.js > cart > hangs");
    assert_eq!((&hangs["ok"], &hangs["diag"]["severity"]), (&false.into(), &"timed-out".into()), "{hangs:#}");
}

/// The same run's outcomes, through the JSON events written to a file beside the TAP file.
fn outcomes_from(events: &str) -> BTreeMap<String, String> {
    Output { code: 0, stdout: events.to_string(), stderr: String::new() }.outcomes()
}

#[test]
fn several_reporters_write_their_files_while_the_terminal_reporter_prints() {
    let project = project();
    let out = project.run(&[
        "run",
        "--reporter",
        "dots,json",
        "--reporter",
        "tap",
        "--output-file.json=reports/events.jsonl",
        "--output-file.tap",
        "reports/run.tap",
        "--junit",
        "reports/junit.xml",
    ]);
    out.assert_code(1);
    assert!(out.stdout.contains("FT.**"), "dots on the terminal: {}", out.stdout);
    assert!(out.stdout.contains("totals #1, with: tax"), "the summary follows the dots: {}", out.stdout);
    assert!(!out.stdout.contains("TAP version") && !out.stdout.contains("\"event\""), "{}", out.stdout);
    assert_eq!(outcomes_from(&project.read("reports/events.jsonl")), expected());
    let tap = project.read("reports/run.tap");
    assert!(tap.starts_with("TAP version 13\n") && tap.ends_with("1..5\n"), "{tap}");
    let junit = project.read("reports/junit.xml");
    assert!(junit.contains("<testsuites") && junit.contains("totals #1, with: tax"), "{junit}");

    // Vitest's plain --outputFile, for the one file reporter there is.
    let out = project.run(&["run", "--reporter", "documentation", "--reporter", "junit", "--output-file", "j.xml"]);
    out.assert_code(1);
    assert!(out.stdout.contains("✓ adds") || out.stdout.contains("adds"), "{}", out.stdout);
    assert!(project.read("j.xml").contains("<testsuites"), "junit went to its file");
}

#[test]
fn reporters_that_would_share_stdout_or_a_file_are_a_usage_error() {
    let project = project();
    let out = project.run(&["run", "--reporter", "tap,json"]);
    out.assert_code(2);
    assert!(out.stderr.contains("tap and json would both write to stdout"), "{}", out.stderr);
    assert!(out.stderr.contains("--output-file.tap=FILE"), "{}", out.stderr);
    let out = project.run(&["run", "--reporter", "tap,json", "--output-file", "x"]);
    out.assert_code(2);
    assert!(out.stderr.contains("--output-file.tap=FILE --output-file.json=FILE"), "{}", out.stderr);
}

/// Properties of one `::error` line, unescaped as GitHub's runner does.
fn annotation(line: &str) -> (BTreeMap<String, String>, String) {
    let unescape = |s: &str| {
        s.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
    };
    let rest = line.strip_prefix("::error ").unwrap_or_else(|| panic!("not an annotation: {line}"));
    let (properties, message) = rest.split_once("::").expect("properties::message");
    let properties = properties
        .split(',')
        .map(|pair| {
            let (key, value) = pair.split_once('=').expect("key=value");
            (key.to_string(), unescape(value))
        })
        .collect();
    (properties, unescape(message))
}

#[test]
fn github_actions_annotates_failures_and_writes_the_job_summary() {
    let project = project();
    let summary_dir = tempfile::tempdir().expect("temp dir");
    let summary = summary_dir.path().join("step-summary.md");
    std::fs::write(&summary, "# Earlier step\n").expect("write");
    let workspace = project.path().parent().expect("temp parent").to_string_lossy().into_owned();
    let summary_path = summary.to_string_lossy().into_owned();
    let out = project.run_with(
        &["run"],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_STEP_SUMMARY", &summary_path),
            ("GITHUB_WORKSPACE", &workspace),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "o/r"),
            ("GITHUB_SHA", "abc123"),
        ],
    );
    out.assert_code(1);
    assert!(out.stdout.contains("FT.**"), "the default terminal reporter still prints: {}", out.stdout);
    let lines: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with("::error")).collect();
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert!(out.stdout.trim_end().ends_with(lines[1]), "annotations come last, each on its own line");
    let dir = project.path().file_name().expect("name").to_string_lossy().into_owned();
    let (properties, message) = annotation(lines[0]);
    assert_eq!(
        properties,
        model(&[
            ("col", "33"),
            ("file", &format!("{dir}/fail.test.js")),
            ("line", "4"),
            ("title", "fail.test.js > cart > totals #1, with: tax"),
        ])
    );
    assert!(message.contains("toEqual") && message.contains("-   \"a\": 2,\n+   \"a\": 1,"), "{message}");
    let (properties, message) = annotation(lines[1]);
    assert_eq!(properties["title"], "fail.test.js > cart > hangs (timed out)");
    assert_eq!((properties["line"].as_str(), properties["col"].as_str()), ("6", "3"));
    assert!(message.contains("timed out"), "{message}");

    let md = std::fs::read_to_string(&summary).expect("summary written");
    assert!(md.starts_with("# Earlier step\n"), "appended, not replaced: {md}");
    assert!(md.contains("## proctor: ❌ failed"), "{md}");
    for row in
        ["| ✅ Passed | 1 |", "| ❌ Failed | 1 |", "| ⏱️ Timed out | 1 |", "| ⏭️ Skipped | 1 |", "| 📝 Todo | 1 |"]
    {
        assert!(md.contains(row), "{row} in {md}");
    }
    let link = format!("https://github.com/o/r/blob/abc123/{dir}/fail.test.js#L4");
    assert!(md.contains("### Failures") && md.contains(&link), "{md}");
}

#[test]
fn github_actions_without_a_step_summary_only_annotates() {
    let project = project();
    let out = project.run(&["run", "--reporter", "github-actions"]);
    out.assert_code(1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "only the annotations: {}", out.stdout);
    assert!(lines.iter().all(|l| l.starts_with("::error file=fail.test.js,")), "{}", out.stdout);
}

/// In Chromium the stack is the bundle's, mapped back through its source map: the annotation and
/// TAP's `at:` still name the line in the test file that threw.
#[test]
fn locations_are_the_sources_in_chromium() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::empty();
    project.write("proctor.toml", "[[suite]]\nruntime = \"chromium\"\ntests = [\"*.test.js\"]\n");
    project.write(
        "web.test.js",
        r#"import { it, expect } from "proctor";

function check(value) {
  expect(value).toBe(3);
}
it("checks in the browser", () => {
  check(2);
});
"#,
    );
    let out = project.run(&["run", "--no-server", "--reporter", "github-actions,tap", "--output-file", "run.tap"]);
    out.assert_code(1);
    let (properties, _) = annotation(out.stdout.lines().next().unwrap_or_default());
    assert_eq!(
        (properties["file"].as_str(), properties["line"].as_str(), properties["col"].as_str()),
        ("web.test.js", "4", "17"),
        "{}",
        out.stdout
    );
    assert_eq!(properties["title"], "web.test.js > checks in the browser [chromium]");
    let tap = project.read("run.tap");
    assert!(tap.contains("not ok 1 - web.test.js > checks in the browser [chromium]\n"), "{tap}");
    assert!(tap.contains("  at: \"web.test.js:4:17\"\n"), "{tap}");
}
