//! Reports are never wrong or lost (issue 11, point 3), on real node: JUnit stays valid XML
//! whatever tests print and throw; a report that cannot be written is an error (before the run
//! where it can be told then) and exit code 2; console floods are capped in JUnit and the
//! summary and marked as cut; after Ctrl-C or SIGTERM the JSON events, the summary and JUnit
//! still list every selected test, the run exits 130 or 143, and no node process is left.

use proctor_e2e::{model, Output, Project};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// The JUnit file parsed by a real XML parser (roxmltree rejects characters XML 1.0 forbids).
fn parse(xml: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(xml).unwrap_or_else(|err| panic!("JUnit is not valid XML: {err}\n{xml}"))
}

/// `testcase name` → `passed`, `failure`, `error` or `skipped` (and its message, if any).
fn junit_model(doc: &roxmltree::Document<'_>) -> std::collections::BTreeMap<String, String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|case| {
            let status = case
                .children()
                .find(|c| ["failure", "error", "skipped"].iter().any(|tag| c.has_tag_name(*tag)))
                .map(|c| format!("{}: {}", c.tag_name().name(), c.attribute("message").unwrap_or_default()))
                .unwrap_or_else(|| "passed".into());
            (case.attribute("name").unwrap_or_default().to_string(), status)
        })
        .collect()
}

fn system_out(doc: &roxmltree::Document<'_>, case: &str) -> String {
    doc.descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(case))
        .unwrap_or_else(|| panic!("no testcase {case}"))
        .children()
        .filter(|c| c.has_tag_name("system-out"))
        .filter_map(|c| c.text())
        .collect()
}

/// Runs tests whose names, output and errors hold characters XML 1.0 forbids in `project`, and
/// checks the results and the JUnit report.
fn hostile_characters(project: &Project, runtime: &str, args: &[&str]) {
    project.write(
        "hostile.test.js",
        r#"import { it } from "proctor";
it("passes first", () => { console.log("before <&>"); });
it("hostile \u0001 name \uFFFE", () => {
  console.log("out: \uFFFE\uFFFF\u0001 \u001b[31mred\u001b[0m");
  if (globalThis.process?.stdout) process.stdout.write("raw \u0002 write\n");
  else console.info("raw \u0002 write");
  console.error("err: \u0008");
  throw new Error("bad \u0003 message \uFFFF");
});
it("passes last", () => { console.log("after"); });
"#,
    );
    let mut all = vec!["run", "--reporter", "json", "--junit", "reports/junit.xml"];
    all.extend_from_slice(args);
    let out = project.run(&all);
    out.assert_code(1);
    assert_ran_in(&out, runtime);
    assert_eq!(
        out.outcomes(),
        model(&[
            ("hostile.test.js::hostile \u{1} name \u{fffe}", "failed"),
            ("hostile.test.js::passes first", "passed"),
            ("hostile.test.js::passes last", "passed"),
        ])
    );
    let xml = project.read("reports/junit.xml");
    let doc = parse(&xml);
    assert_eq!(
        junit_model(&doc),
        model(&[
            ("hostile \\u{1} name \\u{fffe}", "failure: bad \\u{3} message \\u{ffff}"),
            ("passes first", "passed"),
            ("passes last", "passed"),
        ])
    );
    let hostile = system_out(&doc, "hostile \\u{1} name \\u{fffe}");
    assert!(hostile.contains("out: \\u{fffe}\\u{ffff}\\u{1} red\n"), "{hostile:?}");
    assert!(hostile.contains("raw \\u{2} write"), "{hostile:?}");
    assert_eq!(system_out(&doc, "passes first"), "before <&>\n");
    assert_eq!(system_out(&doc, "passes last"), "after\n");
    let note = doc
        .descendants()
        .find(|n| n.has_tag_name("property") && n.attribute("name") == Some("proctor.replaced-characters"))
        .and_then(|n| n.attribute("value"))
        .unwrap_or_else(|| panic!("no note on replaced characters\n{xml}"));
    assert!(note.contains("cannot hold") && note.contains("\\u{…}"), "{note}");
}

fn assert_ran_in(out: &Output, runtime: &str) {
    let started = out.events_of("runtime-started");
    assert!(!started.is_empty() && started.iter().all(|e| e["kind"] == runtime), "not run in {runtime}: {started:?}");
}

#[test]
fn junit_is_valid_xml_whatever_tests_print_and_throw() {
    hostile_characters(&Project::empty(), "node", &[]);
}

#[test]
fn junit_is_valid_xml_whatever_tests_print_and_throw_in_chromium() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::empty();
    project.write("proctor.toml", "[[suite]]\nruntime = \"chromium\"\ntests = [\"*.test.js\"]\n");
    hostile_characters(&project, "chromium", &["--no-server"]);
}

/// A lone surrogate cannot be encoded; the runtime sends U+FFFD in its place (in the name, the
/// output and the message), and the rest of the run is untouched.
#[test]
fn a_lone_surrogate_leaves_junit_valid_and_the_other_tests_intact() {
    let project = Project::empty();
    project.write(
        "surrogate.test.js",
        r#"import { it } from "proctor";
it("passes first", () => {});
it("lone \uD800 surrogate", () => {
  console.log("lone \uD800 in output and \uDC00 too");
  throw new Error("lone \uD800 in the message");
});
it("passes last", () => {});
"#,
    );
    let out = project.run(&["run", "--reporter", "json", "--junit", "junit.xml"]);
    out.assert_code(1);
    assert_eq!(
        out.outcomes(),
        model(&[
            ("surrogate.test.js::lone \u{fffd} surrogate", "failed"),
            ("surrogate.test.js::passes first", "passed"),
            ("surrogate.test.js::passes last", "passed"),
        ])
    );
    let xml = project.read("junit.xml");
    let doc = parse(&xml);
    assert_eq!(
        junit_model(&doc),
        model(&[
            ("lone \u{fffd} surrogate", "failure: lone \u{fffd} in the message"),
            ("passes first", "passed"),
            ("passes last", "passed"),
        ])
    );
    assert_eq!(system_out(&doc, "lone \u{fffd} surrogate"), "lone \u{fffd} in output and \u{fffd} too\n");
}

#[test]
fn junit_naming_a_directory_is_an_error_before_any_test_runs() {
    let project = Project::empty();
    project.write("a.test.js", "import { it } from \"proctor\";\nit(\"runs\", () => {});\n");
    std::fs::create_dir_all(project.path().join("reports")).unwrap();
    for given in ["reports", "not-yet/"] {
        let out = project.run(&["run", "--reporter", "json", "--junit", given]);
        out.assert_code(2);
        assert!(out.stderr.contains("--junit") && out.stderr.contains(given), "{given}: {}", out.stderr);
        assert!(out.stderr.contains("is a directory"), "{}", out.stderr);
        assert!(out.events().is_empty(), "no test may run: {}", out.stdout);
    }
    assert!(!project.path().join("not-yet").exists());
}

#[test]
fn a_junit_file_that_cannot_be_created_stops_the_run_before_it_starts() {
    let project = Project::empty();
    project.write("a.test.js", "import { it } from \"proctor\";\nit(\"runs\", () => {});\n");
    project.write("blocker", "a file where the report's directory should be");
    let out = project.run(&["run", "--reporter", "json", "--junit", "blocker/junit.xml"]);
    out.assert_code(2);
    assert!(out.stderr.contains("failed to write the JUnit report to"), "{}", out.stderr);
    assert!(out.stderr.contains("blocker/junit.xml"), "{}", out.stderr);
    assert!(out.stderr.contains("File exists (os error 17)"), "the OS error is named: {}", out.stderr);
    assert!(out.events().is_empty(), "no test may run: {}", out.stdout);
}

#[test]
fn a_junit_file_that_cannot_be_written_after_the_run_is_an_error_and_exit_2() {
    let project = Project::empty();
    // The test takes the report's directory away while the run goes on.
    project.write(
        "a.test.js",
        r#"import { it } from "proctor";
import fs from "node:fs";
it("passes", () => {});
it("replaces the report directory by a file", () => {
  fs.rmSync("reports", { recursive: true, force: true });
  fs.writeFileSync("reports", "not a directory");
});
"#,
    );
    let out = project.run(&["run", "--reporter", "json", "--junit", "reports/junit.xml"]);
    out.assert_code(2);
    assert_eq!(
        out.outcomes(),
        model(&[("a.test.js::passes", "passed"), ("a.test.js::replaces the report directory by a file", "passed")])
    );
    assert!(out.stderr.contains("failed to write the JUnit report to"), "{}", out.stderr);
    assert!(out.stderr.contains("reports/junit.xml") && out.stderr.contains("os error"), "{}", out.stderr);
}

#[test]
fn console_floods_are_capped_in_junit_and_the_summary_and_say_how_much_was_cut() {
    let project = Project::empty();
    // 20,000 lines of 1,000 characters (20 MB), then a last line that must survive the cut.
    project.write(
        "flood.test.js",
        r#"import { it } from "proctor";
it("floods", () => {
  const line = "x".repeat(999);
  for (let i = 0; i < 20000; i++) console.log(line);
  console.log("the very last line");
  throw new Error("failed after the flood");
});
it("prints a little", () => { console.log("a little"); });
"#,
    );
    let out = project.run(&["run", "--reporter", "dots", "--junit", "junit.xml"]);
    out.assert_code(1);
    let xml = project.read("junit.xml");
    let doc = parse(&xml);
    let flood = system_out(&doc, "floods");
    let total = 20_000 * 1_000 + "the very last line\n".len();
    let kept = 64 * 1024;
    let marker = format!("[proctor: {} bytes of output cut here", total - kept);
    assert!(flood.contains(&marker), "no {marker:?} in {} bytes of system-out", flood.len());
    assert!(flood.len() < kept + 200, "JUnit keeps about 64 KiB, got {} bytes", flood.len());
    assert!(flood.starts_with(&"x".repeat(999)) && flood.ends_with("the very last line\n"), "head and tail kept");
    assert_eq!(system_out(&doc, "prints a little"), "a little\n");
    // The summary shows the failed test's output, capped the same way.
    assert!(out.stdout.len() < 4 * kept, "summary of {} bytes", out.stdout.len());
    assert!(out.stdout.contains(&marker) && out.stdout.contains("the very last line"), "{}", out.stdout.len());
}

/// proctor started in the background with `--reporter json`; its stdout is read line by line.
struct Background {
    child: Child,
    lines: std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
    errors: std::sync::mpsc::Receiver<String>,
    seen_errors: Vec<String>,
}

/// Sends every line `from` reads to a channel, on a thread.
fn lines_of(from: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    let (send, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    lines
}

/// Waits (up to 30 s) for a line of `lines` containing `text`, keeping what it read in `seen`.
fn wait_for_line(lines: &std::sync::mpsc::Receiver<String>, seen: &mut Vec<String>, text: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(100)) {
            let found = line.contains(text);
            seen.push(line);
            if found {
                return true;
            }
        }
    }
    false
}

impl Background {
    fn start(project: &Project, args: &[&str]) -> Background {
        let mut child = project.command(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
        let lines = lines_of(child.stdout.take().expect("stdout"));
        let errors = lines_of(child.stderr.take().expect("stderr"));
        Background { child, lines, seen: Vec::new(), errors, seen_errors: Vec::new() }
    }

    /// Waits (up to 30 s) for a stdout line containing `text`.
    fn wait_for(&mut self, text: &str) {
        if !wait_for_line(&self.lines, &mut self.seen, text) {
            let _ = self.child.kill();
            panic!("no line with {text:?} within 30 s:\n{}", self.seen.join("\n"));
        }
    }

    /// Waits (up to 30 s) for a stderr line containing `text`.
    fn wait_for_stderr(&mut self, text: &str) {
        if !wait_for_line(&self.errors, &mut self.seen_errors, text) {
            let _ = self.child.kill();
            panic!("no stderr line with {text:?} within 30 s:\n{}", self.seen_errors.join("\n"));
        }
    }

    fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill").args([name, &self.child.id().to_string()]).status();
        assert!(status.is_ok_and(|s| s.success()), "kill {name} failed");
    }

    /// Waits (up to 30 s) for the exit; the whole stdout and stderr.
    fn finish(mut self) -> Output {
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("proctor did not exit within 30 s of the signal");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.seen.push(line);
        }
        while let Ok(line) = self.errors.recv_timeout(Duration::from_secs(5)) {
            self.seen_errors.push(line);
        }
        Output { code: status.code().unwrap_or(-1), stdout: self.seen.join("\n"), stderr: self.seen_errors.join("\n") }
    }
}

/// The pids of `pid`'s children, from /proc.
fn children_of(pid: u32) -> Vec<u32> {
    let mut children = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // The fields after the command name (which may hold spaces) are: state, ppid, ...
        let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
        if after_name.split_whitespace().nth(1).and_then(|ppid| ppid.parse::<u32>().ok()) == Some(pid) {
            children.push(child);
        }
    }
    children
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| !stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')))
}

const FIVE_TESTS: &str = r#"import { it } from "proctor";
it("one passes", () => {});
it("two hangs", () => { console.log("hanging now"); return new Promise(() => {}); });
it("three", () => {});
it("four", () => {});
it("five", () => {});
"#;

/// Interrupts a run of [`FIVE_TESTS`] in `project` with SIGINT while its second test hangs, and
/// checks the JSON events, the JUnit report, the exit code and that no runtime process is left.
fn sigint_while_the_second_test_hangs(project: &Project, runtime: &str, args: &[&str]) {
    project.write("five.test.js", FIVE_TESTS);
    let mut all = vec!["run", "--reporter", "json", "--junit", "junit.xml", "--timeout", "60s"];
    all.extend_from_slice(args);
    let mut run = Background::start(project, &all);
    run.wait_for(r#""event":"test-started","test":{"id":"five.test.js::two hangs""#);
    // Its output too, so the interrupted test's <system-out> is known (the host announces a test
    // before the runtime has run any of it).
    run.wait_for(r#""text":"hanging now""#);
    let processes = children_of(run.child.id());
    assert!(!processes.is_empty(), "the runtime runs as a child of proctor");
    let proctor = run.child.id();
    run.signal("-INT");
    let out = run.finish();
    out.assert_code(130);
    assert_ran_in(&out, runtime);
    let browser = proctor_e2e::processes::wait_for_no_chromium_of(proctor, Duration::from_secs(10));
    assert!(browser.is_empty(), "browser processes left behind: {browser:?}");
    assert_eq!(
        out.results(),
        model(&[
            ("five.test.js::one passes", "passed"),
            ("five.test.js::two hangs", "interrupted"),
            ("five.test.js::three", "skipped:interrupted"),
            ("five.test.js::four", "skipped:interrupted"),
            ("five.test.js::five", "skipped:interrupted"),
        ])
    );
    assert_eq!(out.finished("five.test.js::two hangs")["error"]["message"], "interrupted by SIGINT");
    let finished = out.events_of("run-finished");
    assert_eq!(finished.len(), 1, "{}", out.stdout);
    assert_eq!(finished[0]["interrupted"], "SIGINT");
    let stats = &finished[0]["stats"];
    assert_eq!(
        (stats["passed"].as_u64(), stats["interrupted"].as_u64(), stats["skipped"].as_u64()),
        (Some(1), Some(1), Some(3))
    );
    let xml = project.read("junit.xml");
    let doc = parse(&xml);
    let skipped = "skipped: not run: interrupted by SIGINT";
    assert_eq!(
        junit_model(&doc),
        model(&[
            ("one passes", "passed"),
            ("two hangs", "error: interrupted by SIGINT"),
            ("three", skipped),
            ("four", skipped),
            ("five", skipped),
        ])
    );
    assert_eq!(system_out(&doc, "two hangs"), "hanging now\n");
    let left: Vec<u32> = processes.into_iter().filter(|pid| alive(*pid)).collect();
    assert!(left.is_empty(), "processes left behind: {left:?}");
}

#[test]
fn sigint_reports_the_interrupted_test_and_every_unrun_one_and_exits_130() {
    sigint_while_the_second_test_hangs(&Project::empty(), "node", &[]);
}

#[test]
fn sigint_in_chromium_reports_every_test_and_leaves_no_browser() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::empty();
    project.write("proctor.toml", "[[suite]]\nruntime = \"chromium\"\ntests = [\"*.test.js\"]\n");
    sigint_while_the_second_test_hangs(&project, "chromium", &["--no-server"]);
}

#[test]
fn sigterm_reports_every_test_of_every_suite_in_the_summary_and_junit_and_exits_143() {
    let project = Project::empty();
    project.write(
        "proctor.toml",
        "[[suite]]\nid = \"first\"\ntests = [\"first/**/*.test.js\"]\n\n[[suite]]\nid = \"later\"\ntests = [\"later/**/*.test.js\"]\n",
    );
    // The hanging test says it started through a file (the documentation reporter prints a
    // test's line when it ends); once "one passes" is printed, the host has moved on to it.
    project.write(
        "first/five.test.js",
        &FIVE_TESTS
            .replace("import { it } from \"proctor\";", "import { it } from \"proctor\";\nimport fs from \"node:fs\";")
            .replace("console.log(\"hanging now\");", "fs.writeFileSync(\"hanging\", \"\");"),
    );
    project.write(
        "later/later.test.js",
        "import { it } from \"proctor\";\nit(\"never starts\", () => {});\nit.skip(\"skipped anyway\", () => {});\n",
    );
    let mut run = Background::start(
        &project,
        &["run", "--reporter", "documentation", "--junit", "junit.xml", "--timeout", "60s"],
    );
    run.wait_for("✓ one passes");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !project.path().join("hanging").exists() {
        assert!(Instant::now() < deadline, "the hanging test never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    let node = children_of(run.child.id());
    assert!(!node.is_empty(), "node runs as a child of proctor");
    run.signal("-TERM");
    let out = run.finish();
    out.assert_code(143);
    assert!(out.stdout.contains("Tests:  1 interrupted, 1 passed, 5 skipped, 7 total"), "{}", out.stdout);
    assert!(out.stdout.contains("Stopped: 4 not run (interrupted by SIGTERM)"), "{}", out.stdout);
    assert!(out.stdout.contains("INTERRUPTED  first/five.test.js > two hangs"), "{}", out.stdout);
    assert!(out.stderr.contains("interrupted by SIGTERM"), "{}", out.stderr);
    let xml = project.read("junit.xml");
    let not_run = "skipped: not run: interrupted by SIGTERM";
    assert_eq!(
        junit_model(&parse(&xml)),
        model(&[
            ("one passes", "passed"),
            ("two hangs", "error: interrupted by SIGTERM"),
            ("three", not_run),
            ("four", not_run),
            ("five", not_run),
            ("never starts", not_run),
            ("skipped anyway", "skipped: skipped with .skip"),
        ])
    );
    let left: Vec<u32> = node.into_iter().filter(|pid| alive(*pid)).collect();
    assert!(left.is_empty(), "processes left behind: {left:?}");
}

/// A run that waits for `proctor serve` (another run holds it) and is interrupted there still
/// reports every selected test, as not run.
#[test]
fn a_run_interrupted_while_it_waits_for_proctor_serve_reports_every_test_as_not_run() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::empty();
    project.write("proctor.toml", "[[suite]]\nruntime = \"chromium\"\ntests = [\"*.test.js\"]\n");
    project.write(
        "hang.test.js",
        "import { it } from \"proctor\";\nit(\"hangs\", () => { console.log(\"holding\"); return new Promise(() => {}); });\n",
    );
    project.write(
        "waits.test.js",
        "import { it } from \"proctor\";\nit(\"first\", () => {});\nit.skip(\"skipped\", () => {});\nit(\"second\", () => {});\n",
    );
    let mut serve = Background::start(&project, &["serve"]);
    let deadline = Instant::now() + Duration::from_secs(40);
    while !project.read(".proctor/server.json").contains(&format!("{}", serve.child.id())) {
        assert!(Instant::now() < deadline && serve.child.try_wait().ok().flatten().is_none(), "serve never got ready");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut holder = Background::start(&project, &["run", "--reporter", "json", "--timeout", "60s", "hang.test.js"]);
    holder.wait_for(r#""text":"holding""#);
    let mut waiting =
        Background::start(&project, &["run", "--reporter", "json", "--junit", "junit.xml", "waits.test.js"]);
    waiting.wait_for_stderr("busy with 1 other run");
    waiting.signal("-INT");
    let out = waiting.finish();
    out.assert_code(130);
    assert_eq!(
        out.results(),
        model(&[
            ("waits.test.js::first", "skipped:interrupted"),
            ("waits.test.js::second", "skipped:interrupted"),
            ("waits.test.js::skipped", "skipped:skip"),
        ])
    );
    assert_eq!(out.events_of("run-finished")[0]["interrupted"], "SIGINT");
    let not_run = "skipped: not run: interrupted by SIGINT";
    assert_eq!(
        junit_model(&parse(&project.read("junit.xml"))),
        model(&[("first", not_run), ("second", not_run), ("skipped", "skipped: skipped with .skip")])
    );
    holder.signal("-INT");
    holder.finish().assert_code(130);
    serve.signal("-TERM");
    let _ = serve.finish();
}
