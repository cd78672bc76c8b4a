//! End to end on real node for the smaller promises of issue 11 (hostile and careless input):
//! a test file with no tests, a glob on the command line, a bad `timeout`, globs outside the
//! root, ids with `::` in a name, a closed stdout, and `proctor serve` against idle and
//! half-sent connections and floods of bad requests; the empty file and the escaped ids in
//! Chromium too. Each checks that the other tests' results stay intact.

use proctor_e2e::{model, Output, Project};
use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSES: &str = "import { it } from \"proctor\";\nit(\"passes\", () => {});\n";
const FAILS: &str = "import { it } from \"proctor\";\nit(\"fails\", () => { throw new Error(\"no\"); });\n";

/// The `load-error` events: file → message.
fn load_errors(out: &Output) -> Vec<(String, String)> {
    out.events_of("load-error")
        .iter()
        .map(|e| (e["file"].as_str().unwrap_or("?").to_owned(), e["message"].as_str().unwrap_or("?").to_owned()))
        .collect()
}

#[test]
fn issue_11_a_file_without_tests_fails_naming_it_and_the_other_files_run() {
    let project = Project::empty();
    project
        .write("test/a.test.js", PASSES)
        .write("test/b.test.js", FAILS)
        .write("test/empty.test.js", "import { it } from \"proctor\";\nexport const helper = 1;\n")
        .write("test/only-groups.test.js", "import { describe } from \"proctor\";\ndescribe(\"nothing yet\", () => {});\n")
        .write(
            "test/skipped.test.js",
            "import { it } from \"proctor\";\nit.skip(\"later\", () => {});\nit.todo(\"some day\");\n",
        )
        .write(
            "test/dynamic.test.js",
            "import { describe, it } from \"proctor\";\ndescribe(\"dyn\", () => {\n  for (const n of [1, 2]) it(`case ${n}`, () => {});\n});\n",
        );
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    assert_eq!(
        load_errors(&out),
        vec![
            (
                "test/empty.test.js".to_string(),
                "test/empty.test.js: no tests found: a test file must declare at least one test".to_string()
            ),
            (
                "test/only-groups.test.js".to_string(),
                "test/only-groups.test.js: no tests found: a test file must declare at least one test".to_string()
            ),
        ]
    );
    assert_eq!(
        out.outcomes(),
        model(&[
            ("test/a.test.js::passes", "passed"),
            ("test/b.test.js::fails", "failed"),
            ("test/dynamic.test.js::dyn::case 1", "passed"),
            ("test/dynamic.test.js::dyn::case 2", "passed"),
            ("test/skipped.test.js::later", "skipped"),
            ("test/skipped.test.js::some day", "todo"),
        ])
    );
    let text = project.run(&["run", "--reporter", "dots", "test/empty.test.js", "test/a.test.js"]);
    text.assert_code(1);
    assert!(text.stdout.contains("LOAD ERROR  test/empty.test.js: no tests found"), "{}", text.stdout);
    assert!(text.stdout.contains("1 passed"), "{}", text.stdout);

    // A file whose tests the selection leaves out is not empty: it registered them. Here the
    // names are only known once registered, so the file is loaded and both are skipped; the
    // `--focus` id none of them is under is that file's error instead (issue 14), never
    // "no tests found".
    let out = project.run(&[
        "run",
        "--reporter",
        "json",
        "test/dynamic.test.js",
        "test/a.test.js",
        "--skip-tag",
        "x",
        "--focus",
        "test/a.test.js",
        "--focus",
        "test/dynamic.test.js::dyn::case 3",
    ]);
    assert_eq!(
        load_errors(&out),
        vec![(
            "test/dynamic.test.js".to_string(),
            "test/dynamic.test.js: --focus test/dynamic.test.js::dyn::case 3 matches none of the 2 tests this file \
             registered (hint: did you mean one of test/dynamic.test.js::dyn::case 1, test/dynamic.test.js::dyn::case 2?)"
                .to_string()
        )],
        "{}",
        out.stdout
    );
    assert_eq!(
        out.results(),
        model(&[
            ("test/a.test.js::passes", "passed"),
            ("test/dynamic.test.js::dyn::case 1", "skipped:not-focused"),
            ("test/dynamic.test.js::dyn::case 2", "skipped:not-focused"),
        ])
    );
    out.assert_code(1);
}

#[test]
fn issue_11_a_glob_on_the_command_line_is_expanded_like_the_shell_would() {
    let project = Project::empty();
    project
        .write("test/a.test.js", PASSES)
        .write("test/api/one.spec.js", PASSES)
        .write("test/api/deep/two.spec.js", FAILS)
        .write("other/three.spec.js", PASSES)
        .write("node_modules/pkg/four.spec.js", PASSES);
    let out = project.run(&["run", "--reporter", "json", "test/**/*.spec.js"]);
    out.assert_code(1);
    assert_eq!(
        out.outcomes(),
        model(&[("test/api/deep/two.spec.js::fails", "failed"), ("test/api/one.spec.js::passes", "passed")])
    );
    // Beside a plain path, and from a subdirectory (relative to where it is typed).
    let mut command = project.command(&["run", "--reporter", "json", "--root", "..", "api/*.spec.js", "a.test.js"]);
    let out = Output::of(command.current_dir(project.path().join("test")).output().expect("runs"));
    out.assert_code(0);
    assert_eq!(
        out.outcomes(),
        model(&[("test/a.test.js::passes", "passed"), ("test/api/one.spec.js::passes", "passed")])
    );
    // A glob that matches nothing runs nothing (exit 4), as a selection that matches nothing.
    let out = project.run(&["run", "--reporter", "json", "test/**/*.nothing.js"]);
    out.assert_code(4);
}

#[test]
fn issue_11_a_bad_timeout_in_the_config_says_where_and_what_is_expected() {
    for (value, shown) in [("\"5 sec\"", "\"5 sec\""), ("-1", "-1"), ("true", "true")] {
        let project = Project::empty();
        project.write("a.test.js", PASSES).write(
            "proctor.toml",
            &format!("[[suite]]\nid = \"unit\"\ntimeout = {value}\ntests = [\"**/*.test.js\"]\n"),
        );
        let out = project.run(&["run", "--reporter", "json"]);
        out.assert_code(2);
        let expected = format!(
            "proctor.toml:3:11: `timeout` must be a positive duration: a number of milliseconds (5000) or a \
             string such as \"500ms\", \"5s\" or \"1m\", not {shown}"
        );
        assert!(out.stderr.contains(&expected), "{value}: {}", out.stderr);
        assert_eq!(out.stdout, "", "nothing ran");
    }
}

#[test]
fn issue_11_globs_outside_the_root_are_errors_naming_the_glob() {
    let parent = tempfile::tempdir().expect("temp dir");
    let root = parent.path().join("project");
    std::fs::create_dir_all(root.join("test")).unwrap();
    std::fs::create_dir_all(parent.path().join("other")).unwrap();
    std::fs::write(root.join("test/a.test.js"), PASSES).unwrap();
    std::fs::write(parent.path().join("other/b.test.js"), PASSES).unwrap();
    let run = |args: &[&str]| {
        let mut command = Command::new(proctor_e2e::proctor_bin());
        Output::of(command.args(args).current_dir(&root).env_remove("CI").output().expect("runs"))
    };
    let other = parent.path().join("other").display().to_string();
    for (toml, line_col, glob) in [
        ("tests = [\"test/**/*.test.js\", \"../other/**/*.test.js\"]", "2:31", "../other/**/*.test.js".to_string()),
        ("tests = [\"test/**/*.test.js\"]\nexclude = [\"OTHER/*.js\"]", "3:12", format!("{other}/*.js")),
    ] {
        let toml = toml.replace("OTHER", &other);
        std::fs::write(root.join("proctor.toml"), format!("[[suite]]\n{toml}\n")).unwrap();
        let out = run(&["run", "--reporter", "json"]);
        out.assert_code(2);
        let expected = format!(
            "proctor.toml:{line_col}: `{}` has a glob \"{glob}\" outside the project root",
            if toml.contains("exclude") { "exclude" } else { "tests" }
        );
        assert!(out.stderr.contains(&expected), "{expected}\n{}", out.stderr);
    }
    std::fs::remove_file(root.join("proctor.toml")).unwrap();
    for arg in ["../other/*.test.js".to_string(), format!("{other}/b.test.js"), format!("{other}/*.test.js")] {
        let out = run(&["run", "--reporter", "json", &arg]);
        out.assert_code(2);
        assert!(out.stderr.contains(&format!("\"{arg}\" is outside the project root")), "{arg}: {}", out.stderr);
    }
    // Inside the root, an absolute glob in the config is relative to it.
    let abs = root.join("test").display().to_string();
    std::fs::write(root.join("proctor.toml"), format!("[[suite]]\ntests = [\"{abs}/*.test.js\"]\n")).unwrap();
    let out = run(&["run", "--reporter", "json"]);
    out.assert_code(0);
    assert_eq!(out.outcomes(), model(&[("test/a.test.js::passes", "passed")]));
}

#[test]
fn issue_11_a_colon_pair_in_a_name_is_escaped_so_a_focus_selects_only_that_test() {
    let project = Project::empty();
    project.write(
        "clash.test.js",
        "import { describe, it } from \"proctor\";\n\
         describe(\"g\", () => {\n  it(\"a::b\", () => {});\n  it(\"plain: name\", () => {});\n});\n\
         describe(\"g::a\", () => {\n  it(\"b\", () => { throw new Error(\"the other test\"); });\n});\n\
         describe(\"g\", () => {\n  describe(\"a\", () => {\n    it(\"b\", () => {});\n  });\n});\n",
    );
    let all = project.run(&["run", "--reporter", "json"]);
    all.assert_code(1);
    assert_eq!(
        all.outcomes(),
        model(&[
            (r"clash.test.js::g #2::a::b", "passed"),
            (r"clash.test.js::g::a\:\:b", "passed"),
            (r"clash.test.js::g::plain: name", "passed"),
            (r"clash.test.js::g\:\:a::b", "failed"),
        ])
    );
    let names: Vec<(String, String)> = all
        .events_of("test-finished")
        .iter()
        .map(|e| (e["test"]["groups"].to_string(), e["test"]["name"].as_str().unwrap_or("?").to_owned()))
        .collect();
    assert!(names.contains(&("[\"g\"]".into(), "a::b".into())), "{names:?}");
    assert!(names.contains(&("[\"g::a\"]".into(), "b".into())), "{names:?}");
    for (focus, runs) in [
        (r"clash.test.js::g::a\:\:b", r"clash.test.js::g::a\:\:b"),
        (r"clash.test.js::g\:\:a::b", r"clash.test.js::g\:\:a::b"),
        (r"clash.test.js::g #2::a", r"clash.test.js::g #2::a::b"),
    ] {
        let out = project.run(&["run", "--reporter", "json", "--focus", focus]);
        let ran: Vec<String> = out.outcomes().into_iter().filter(|(_, o)| o != "skipped").map(|(id, _)| id).collect();
        assert_eq!(ran, vec![runs.to_string()], "--focus {focus}: {}", out.stdout);
    }
    // The unescaped form names no test: an error with the escaped ids as suggestions.
    let out = project.run(&["run", "--reporter", "json", "--focus", "clash.test.js::g::a::b"]);
    out.assert_code(2);
    assert!(out.stderr.contains(r"clash.test.js::g::a\:\:b"), "{}", out.stderr);
}

#[test]
fn issue_11_a_closed_stdout_ends_output_quietly_and_the_run_still_reports() {
    let project = Project::empty();
    for i in 0..30 {
        project.write(&format!("test/t{i:02}.test.js"), if i == 7 { FAILS } else { PASSES });
    }
    for reporter in ["json", "dots", "documentation"] {
        let mut child = project
            .command(&["run", "--reporter", reporter, "--junit", "junit.xml"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        // Read one line, then close our end of the pipe.
        let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        stdout.read_line(&mut first).expect("reads a line");
        drop(stdout);
        let mut stderr = String::new();
        child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("reads stderr");
        let status = child.wait().expect("exits");
        assert_eq!(status.code(), Some(1), "{reporter}: the one failure decides the exit code\n{stderr}");
        assert!(!stderr.contains("panicked"), "{reporter}: {stderr}");
        assert!(!stderr.contains("reporter failed"), "{reporter}: a closed pipe is not a reporter failure: {stderr}");
        let junit = project.read("junit.xml");
        let doc = roxmltree::Document::parse(&junit).expect("JUnit is XML");
        let cases = doc.descendants().filter(|n| n.has_tag_name("testcase")).count();
        let failures = doc.descendants().filter(|n| n.has_tag_name("failure")).count();
        assert_eq!((cases, failures), (30, 1), "{reporter}: every result is in the JUnit report");
    }
    // `proctor list | head -1`: the plan printer too.
    let out = Output::of(
        Command::new("bash")
            .arg("-c")
            .arg(format!("\"{}\" list | head -n 1; exit ${{PIPESTATUS[0]}}", proctor_e2e::proctor_bin().display()))
            .current_dir(project.path())
            .output()
            .expect("bash runs"),
    );
    out.assert_code(0);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

/// A `proctor serve` for a node-only project (no browser), its stderr in a file.
struct NodeServe {
    child: Child,
    log: std::path::PathBuf,
    port: u16,
}

impl NodeServe {
    fn start(project: &Project, env: &[(&str, &str)]) -> NodeServe {
        let log = project.path().join("serve.log");
        let mut command = project.command(&["serve"]);
        command.envs(env.iter().copied()).stdout(Stdio::null()).stderr(std::fs::File::create(&log).expect("log"));
        let child = command.spawn().expect("proctor serve starts");
        let port = wait_for_record(project.path(), child.id());
        NodeServe { child, log, port }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for NodeServe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until `.proctor/server.json` names `pid`; returns its port.
fn wait_for_record(root: &Path, pid: u32) -> u16 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let record = std::fs::read_to_string(root.join(".proctor/server.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok());
        if let Some(record) = record.filter(|r| r["pid"].as_u64() == Some(u64::from(pid))) {
            return record["port"].as_u64().expect("port") as u16;
        }
        assert!(Instant::now() < deadline, "proctor serve never recorded itself");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Sends `bytes` on a fresh connection and reads until the server closes it; `None` if it is
/// still open after `within`.
fn closed_after_sending(port: u16, bytes: &[u8], within: Duration) -> Option<Vec<u8>> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream.write_all(bytes).expect("writes");
    stream.set_read_timeout(Some(within)).expect("timeout");
    let mut received = Vec::new();
    match stream.read_to_end(&mut received) {
        Ok(_) => Some(received),
        Err(err) if err.kind() == std::io::ErrorKind::ConnectionReset => Some(received),
        Err(_) => None,
    }
}

#[test]
fn issue_11_serve_drops_idle_and_half_sent_connections_and_keeps_serving() {
    let project = Project::empty();
    project.write("a.test.js", PASSES).write("b.test.js", FAILS);
    let serve = NodeServe::start(&project, &[("PROCTOR_HEADER_TIMEOUT", "1s")]);
    // Far more than the 1 s bound, so a loaded machine does not fail the test; a server with no
    // bound never closes them.
    let bound = Duration::from_secs(30);
    let idle = closed_after_sending(serve.port, b"", bound);
    assert_eq!(idle, Some(Vec::new()), "an idle connection is closed without a response");
    let half = closed_after_sending(serve.port, b"GET /?token=x HT", bound);
    assert!(half.is_some(), "a half-sent request line is dropped");
    let headers = closed_after_sending(serve.port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", bound);
    assert!(headers.is_some(), "half-sent headers are dropped");
    // The server is unharmed: it answers, and a run (through it) reports every test.
    let status = project.run(&["serve", "--status"]);
    assert_eq!(status.code, 0, "{status:?}");
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    assert_eq!(out.outcomes(), model(&[("a.test.js::passes", "passed"), ("b.test.js::fails", "failed")]));
    assert!(!serve.log().contains("panicked"), "{}", serve.log());
}

#[test]
fn issue_11_serve_rate_limits_its_log_of_refused_requests() {
    let project = Project::empty();
    project.write("a.test.js", PASSES);
    let serve = NodeServe::start(&project, &[]);
    let started = Instant::now();
    let requests = 400;
    for i in 0..requests {
        let mut stream = TcpStream::connect(("127.0.0.1", serve.port)).expect("connects");
        let request = format!("GET /nope{i}?token=wrong HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).expect("writes");
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    }
    let seconds = started.elapsed().as_secs() + 1;
    // Each line is written before its 401 goes out, so the log is complete by now.
    let log = serve.log();
    let refused = log.lines().filter(|l| l.contains("refused a request without the right token")).count();
    let lines = log.lines().filter(|l| l.starts_with("proctor: ")).count();
    // At most 10 refusals a second, one "suppressing" line and one count of the previous second.
    let bound = 12 * (seconds as usize + 1);
    assert!(refused >= 1 && lines <= bound, "{lines} log lines for {requests} requests in {seconds}s:\n{log}");
    assert!(lines < requests / 2, "{log}");
    assert!(log.contains("refusals in a second; suppressing their log lines"), "{log}");
    assert!(!log.contains("wrong"), "the query (a token) is never logged:\n{log}");
}

#[test]
fn issue_11_the_serve_record_and_its_folder_are_the_owners_only() {
    use std::os::unix::fs::PermissionsExt;
    let project = Project::empty();
    project.write("a.test.js", PASSES);
    let _serve = NodeServe::start(&project, &[]);
    let mode = |p: &str| std::fs::metadata(project.path().join(p)).expect("exists").permissions().mode() & 0o777;
    assert_eq!(mode(".proctor/server.json"), 0o600);
    assert_eq!(mode(".proctor"), 0o700);
}

#[test]
fn issue_11_serve_with_its_output_piped_into_head_does_not_panic() {
    let project = Project::empty();
    project.write("a.test.js", PASSES).write("b.test.js", FAILS);
    let bin = proctor_e2e::proctor_bin();
    // `proctor serve 2>&1 | head -n 1`; serve's own exit code lands in a file.
    let script = format!("\"{}\" serve 2>&1 | head -n 1; echo ${{PIPESTATUS[0]}} > serve.exit", bin.display());
    let mut shell = Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(project.path())
        .stdout(Stdio::piped())
        .spawn()
        .expect("bash runs");
    let mut first = String::new();
    std::io::BufReader::new(shell.stdout.take().expect("stdout")).read_line(&mut first).expect("reads");
    assert!(first.starts_with("proctor serve: listening on"), "{first}");
    let pid = std::fs::read_dir("/proc")
        .expect("procfs")
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
        .find(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| c.starts_with(bin.as_os_str().as_encoded_bytes()))
                && std::fs::read_link(format!("/proc/{pid}/cwd")).is_ok_and(|cwd| cwd == project.path())
        })
        .expect("the serve process");
    let port = wait_for_record(project.path(), pid);
    // head has exited: everything serve logs now goes to a closed pipe.
    for _ in 0..20 {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
        stream.write_all(b"GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").expect("writes");
        let _ = stream.read_to_end(&mut Vec::new());
    }
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    assert_eq!(out.outcomes(), model(&[("a.test.js::passes", "passed"), ("b.test.js::fails", "failed")]));
    assert_eq!(project.run(&["serve", "--status"]).code, 0, "serve is alive");
    project.run(&["serve", "--stop"]).assert_code(0);
    let deadline = Instant::now() + Duration::from_secs(20);
    while shell.try_wait().expect("waits").is_none() {
        assert!(Instant::now() < deadline, "serve did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(project.read("serve.exit").trim(), "0", "serve exited cleanly after --stop");
}

#[test]
fn issue_11_in_chromium_too_an_empty_file_fails_and_escaped_ids_focus_one_test() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::empty();
    project
        .write("a.test.js", PASSES)
        .write("empty.test.js", "import { it } from \"proctor\";\nexport const helper = 1;\n")
        .write(
            "clash.test.js",
            "import { describe, it } from \"proctor\";\n\
             describe(\"g\", () => {\n  it(\"a::b\", () => {});\n});\n\
             describe(\"g::a\", () => {\n  it(\"b\", () => { throw new Error(\"the other test\"); });\n});\n",
        );
    let out = project.run(&["run", "--runtime", "chromium", "--reporter", "json"]);
    out.assert_code(1);
    assert_eq!(
        load_errors(&out),
        vec![(
            "empty.test.js".to_string(),
            "empty.test.js: no tests found: a test file must declare at least one test".to_string()
        )]
    );
    assert_eq!(
        out.outcomes(),
        model(&[
            ("a.test.js::passes", "passed"),
            (r"clash.test.js::g::a\:\:b", "passed"),
            (r"clash.test.js::g\:\:a::b", "failed")
        ])
    );
    let out =
        project.run(&["run", "--runtime", "chromium", "--reporter", "json", "--focus", r"clash.test.js::g::a\:\:b"]);
    out.assert_code(0);
    assert_eq!(out.results()[r"clash.test.js::g::a\:\:b"], "passed");
    assert_eq!(out.results()[r"clash.test.js::g\:\:a::b"], "skipped:not-focused");
}

/// The node controller writes its results once per turn of the event loop, so 40 synchronous
/// tests leave together: a test that then never returns, exits, kills or aborts its own process
/// must not take their results with it, nor pass its blame to one of them.
#[test]
fn results_sent_together_survive_a_test_that_blocks_or_ends_the_process() {
    let project = Project::empty();
    let endings = [
        ("spins", "for (;;) {}", "timed-out"),
        ("exits", "process.exit(3);", "crashed"),
        ("kills itself", "process.kill(process.pid, \"SIGKILL\");", "crashed"),
        ("aborts", "process.abort();", "crashed"),
    ];
    let mut expected = Vec::new();
    for (name, body, outcome) in endings {
        let file = format!("test/{}.test.js", name.replace(' ', "-"));
        let mut source = String::from("import { it } from \"proctor\";\n");
        for i in 0..40 {
            source.push_str(&format!("it(\"sync {i}\", () => {{}});\n"));
            expected.push((format!("{file}::sync {i}"), "passed".to_string()));
        }
        source.push_str(&format!("it(\"{name}\", {{ timeout: 500 }}, () => {{ {body} }});\n"));
        source.push_str("it(\"after\", () => {});\n");
        expected.push((format!("{file}::{name}"), outcome.to_string()));
        expected.push((format!("{file}::after"), "passed".to_string()));
        project.write(&file, &source);
    }
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    let expected: Vec<(&str, &str)> = expected.iter().map(|(id, o)| (id.as_str(), o.as_str())).collect();
    assert_eq!(out.outcomes(), model(&expected));
}
