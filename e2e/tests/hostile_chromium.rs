//! End to end, in real Chromium, the promises of issue 11 that concern the browser: no other
//! local process can drive it (no DevTools port, no token on a command line), a run leaves no
//! process or directory behind (not even after a `kill -9` of proctor, whose leftovers the next
//! proctor sweeps), two `proctor serve` started at once end with one running, a tab that runs
//! out of memory costs its test and not the run (standalone and through `proctor serve`), and a
//! `PROCTOR_CHROMIUM` that is not a browser fails at once. Every child process has a deadline,
//! so a regression fails instead of hanging.
//!
//! Processes and directories are found by the marker in every path of a proctor's browser
//! (`proctor-chromium-<proctor pid>-`, see `proctor_e2e::processes`).

use proctor_e2e::processes::{browser_dirs_of, chromium_of, listening_ports, wait_for_no_chromium_of};
use proctor_e2e::{model, Output, Project};
use serde_json::Value;
use std::io::{BufRead, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn chromium_project(files: &[(&str, &str)]) -> Project {
    let project = Project::empty();
    project.write(
        "proctor.toml",
        "[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\ntests = [\"test/**/*.test.js\"]\n",
    );
    for (path, text) in files {
        project.write(path, text);
    }
    project
}

/// A `proctor run --reporter json` in the background, its events read as they come.
struct LiveRun {
    child: Child,
    events: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl LiveRun {
    fn start(mut command: Command) -> LiveRun {
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("proctor starts");
        let stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let (tx, events) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        LiveRun { child, events, seen: Vec::new() }
    }

    /// Reads events until one satisfies `wanted` (within 60 s); returns it.
    fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self.events.recv_timeout(left).unwrap_or_else(|_| {
                let _ = self.child.kill();
                panic!("no {what} within 60 s:\n{}", self.seen.join("\n"))
            });
            self.seen.push(line.clone());
            let event: Value = serde_json::from_str(&line).expect("a JSON event");
            if wanted(&event) {
                return event;
            }
        }
    }

    /// Waits up to `within` for the run to end; everything it printed.
    fn finish(mut self, within: Duration) -> Output {
        let status = wait_within(&mut self.child, within);
        self.seen.extend(self.events.try_iter());
        let mut stderr = String::new();
        let _ = self.child.stderr.take().expect("stderr").read_to_string(&mut stderr);
        Output { code: status.code().unwrap_or(-1), stdout: self.seen.join("\n"), stderr }
    }
}

/// Waits for `child`, killing it (and failing) when it takes longer than `within`.
fn wait_within(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("proctor did not finish within {} s", within.as_secs());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs `command` to the end, within `within`.
fn output_within(mut command: Command, within: Duration) -> Output {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("proctor starts");
    let (mut stdout, mut stderr) = (child.stdout.take().expect("stdout"), child.stderr.take().expect("stderr"));
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let status = wait_within(&mut child, within);
    Output {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

fn is_test(event: &Value, kind: &str, id: &str) -> bool {
    event["event"] == kind && event["test"]["id"] == id
}

const WAITS_FOR_GO: &str = r#"
import { it } from "proctor";
it("tells where it runs", () => { console.log("page " + top.location.href); });
it("waits for the e2e test", { timeout: 60000 }, async () => {
  for (;;) {
    const answer = await fetch("/go.txt", { cache: "no-store" });
    if (answer.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});
"#;

#[test]
fn no_other_process_can_drive_the_browser() {
    let _browser = proctor_e2e::browser_lock();
    let project = chromium_project(&[("test/door.test.js", WAITS_FOR_GO)]);
    let mut run = LiveRun::start(project.command(&["run", "--reporter", "json"]));
    let page = run.wait_for("the page's address", |e| e["text"].as_str().is_some_and(|t| t.starts_with("page ")));
    let url = page["text"].as_str().unwrap_or_default().to_string();
    let token = url.split("token=").nth(1).map(|t| t.split('&').next().unwrap_or(t)).unwrap_or_default().to_string();
    assert!(token.len() >= 16, "the page's URL carries the run's token: {url}");
    run.wait_for("the waiting test", |e| is_test(e, "test-started", "test/door.test.js::waits for the e2e test"));

    let browser = chromium_of(run.child.id());
    assert!(
        browser.iter().any(|p| p.cmdline.contains("--remote-debugging-pipe")),
        "the run's Chromium is found, speaking over its pipe: {browser:?}"
    );
    for process in &browser {
        assert!(!process.cmdline.contains("remote-debugging-port"), "a DevTools port is open: {}", process.cmdline);
        assert!(!process.cmdline.contains(&token), "the token is on a command line: {}", process.cmdline);
    }
    let pids: Vec<u32> = browser.iter().map(|p| p.pid).collect();
    assert_eq!(listening_ports(&pids), Vec::<u16>::new(), "Chromium listens on no TCP port");

    project.write("go.txt", "go");
    let out = run.finish(Duration::from_secs(60));
    out.assert_code(0);
    assert_eq!(
        out.outcomes(),
        model(&[
            ("test/door.test.js::tells where it runs", "passed"),
            ("test/door.test.js::waits for the e2e test", "passed"),
        ])
    );
}

#[test]
fn a_chromium_run_leaves_no_process_and_no_directory() {
    let _browser = proctor_e2e::browser_lock();
    let project = chromium_project(&[
        ("test/a.test.js", "import { it } from \"proctor\";\nit(\"passes\", () => {});\n"),
        (
            "test/spin.test.js",
            "import { it } from \"proctor\";\nit(\"spins\", { timeout: 300 }, () => { for (;;) {} });\n",
        ),
    ]);
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut command = project.command(&["run", "--reporter", "json"]);
    command.env("TMPDIR", tmp.path());
    let mut run = LiveRun::start(command);
    let pid = run.child.id();
    let out = {
        run.wait_for("the run's end", |e| e["event"] == "run-finished");
        run.finish(Duration::from_secs(60))
    };
    out.assert_code(1);
    assert_eq!(
        out.outcomes(),
        model(&[("test/a.test.js::passes", "passed"), ("test/spin.test.js::spins", "timed-out")])
    );
    let left: Vec<PathBuf> = std::fs::read_dir(tmp.path()).expect("tmp").flatten().map(|e| e.path()).collect();
    assert_eq!(left, Vec::<PathBuf>::new(), "the run's TMPDIR is left empty (no org.chromium.Chromium.*)");
    assert_eq!(browser_dirs_of(pid), Vec::<PathBuf>::new(), "no profile is left in /dev/shm or the temp dir");
    let running = wait_for_no_chromium_of(pid, Duration::from_secs(10));
    assert!(running.is_empty(), "Chromium processes outlived the run: {running:?}");
}

#[test]
fn kill_9_of_a_run_takes_its_chromium_along_and_the_next_run_sweeps_its_directory() {
    let _browser = proctor_e2e::browser_lock();
    let project = chromium_project(&[(
        "test/hang.test.js",
        "import { it } from \"proctor\";\nit(\"hangs\", { timeout: 60000 }, () => new Promise(() => {}));\n",
    )]);
    let mut run = LiveRun::start(project.command(&["run", "--reporter", "json"]));
    let pid = run.child.id();
    run.wait_for("the hanging test", |e| is_test(e, "test-started", "test/hang.test.js::hangs"));
    assert!(!chromium_of(pid).is_empty(), "the run's Chromium is found");
    assert!(!browser_dirs_of(pid).is_empty(), "and its directory");
    run.child.kill().expect("SIGKILL");
    let _ = run.child.wait();
    let running = wait_for_no_chromium_of(pid, Duration::from_secs(15));
    assert!(running.is_empty(), "Chromium outlived its killed proctor: {running:?}");
    assert!(!browser_dirs_of(pid).is_empty(), "a killed proctor cannot remove its directory");

    // What the killed proctor could not remove, the next one does.
    project.write("test/hang.test.js", "import { it } from \"proctor\";\nit(\"passes\", () => {});\n");
    let out = output_within(project.command(&["run", "--reporter", "json"]), Duration::from_secs(60));
    out.assert_code(0);
    assert_eq!(browser_dirs_of(pid), Vec::<PathBuf>::new(), "the killed run's directory was swept");
}

const RUNS_OUT_OF_MEMORY: &str = r#"import { it, expect } from "proctor";
it("before", () => { expect(1).toBe(1); });
it("runs out of memory", { timeout: 60000 }, () => {
  const hoard = [];
  for (;;) hoard.push(new Array(1e6).fill(1));
});
it("after", () => { expect(2).toBe(2); });
"#;

#[test]
fn a_tab_that_runs_out_of_memory_costs_its_test_and_the_rest_run() {
    let _browser = proctor_e2e::browser_lock();
    let project = chromium_project(&[("test/oom.test.js", RUNS_OUT_OF_MEMORY)]);
    let out = output_within(project.command(&["run", "--reporter", "json"]), Duration::from_secs(120));
    let oom = assert_out_of_memory_cost_one_test(&out);
    if oom["outcome"] == "crashed" {
        // The browser said so: the tab's socket alone may stay open.
        let message = oom["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("its tab's renderer died") || message.contains("out of memory"), "{message}");
    }
}

#[test]
fn through_serve_a_tab_that_runs_out_of_memory_is_replaced_and_the_rest_run() {
    let _browser = proctor_e2e::browser_lock();
    let project = chromium_project(&[("test/oom.test.js", RUNS_OUT_OF_MEMORY)]);
    let logs = tempfile::tempdir().expect("temp dir");
    let mut serve = start_serve(&project, &logs.path().join("serve.log"));
    wait_until_serving(&project, &mut serve);
    let out = output_within(project.command(&["run", "--reporter", "json"]), Duration::from_secs(120));
    assert!(out.stderr.contains("kept by proctor serve"), "{}", out.stderr);
    assert_out_of_memory_cost_one_test(&out);
    // The server's new tab serves the next run.
    project.write("test/oom.test.js", "import { it } from \"proctor\";\nit(\"passes\", () => {});\n");
    let out = output_within(project.command(&["run", "--reporter", "json"]), Duration::from_secs(60));
    out.assert_code(0);
    assert!(out.stderr.contains("kept by proctor serve"), "{}", out.stderr);
    let _ = Command::new("kill").args(["-TERM", &serve.id().to_string()]).status();
    assert_eq!(wait_within(&mut serve, Duration::from_secs(20)).code(), Some(0));
}

fn assert_out_of_memory_cost_one_test(out: &Output) -> Value {
    out.assert_code(1);
    let outcomes = out.outcomes();
    assert_eq!(outcomes.get("test/oom.test.js::before").map(String::as_str), Some("passed"), "{outcomes:?}");
    assert_eq!(outcomes.get("test/oom.test.js::after").map(String::as_str), Some("passed"), "{outcomes:?}");
    // Crashed when the tab dies before the test's deadline, timed out (and replaced) otherwise.
    let oom = out.finished("test/oom.test.js::runs out of memory");
    assert!(oom["outcome"] == "crashed" || oom["outcome"] == "timed-out", "{oom}");
    assert_eq!(out.events_of("runtime-restarted").len(), 1);
    oom
}

#[test]
fn proctor_chromium_pointing_at_a_non_browser_fails_fast() {
    let project =
        chromium_project(&[("test/a.test.js", "import { it } from \"proctor\";\nit(\"passes\", () => {});\n")]);
    project.write("not-a-browser.txt", "just some text\n");
    let text_file = project.path().join("not-a-browser.txt");
    for program in [PathBuf::from("/bin/true"), PathBuf::from("/bin/sleep"), text_file] {
        let mut command = project.command(&["run", "--reporter", "json"]);
        command.env("PROCTOR_CHROMIUM", &program);
        // Well within Chromium's own handshake deadline: a program that exits is told at once.
        let out = output_within(command, Duration::from_secs(15));
        out.assert_code(2);
        let named = format!("PROCTOR_CHROMIUM={}", program.display());
        assert!(out.stderr.contains(&named) || out.stdout.contains(&named), "{out:?}");
        assert!(out.stdout.contains("Chromium or Chrome binary") || out.stderr.contains("Chromium or Chrome binary"));
    }
}

/// A `proctor serve` in the background with its stderr in a file.
fn start_serve(project: &Project, log: &std::path::Path) -> Child {
    let file = std::fs::File::create(log).expect("log file");
    project.command(&["serve"]).stdout(Stdio::null()).stderr(file).spawn().expect("proctor serve starts")
}

/// Waits (up to 40 s) until `serve` has recorded itself: it is ready then.
fn wait_until_serving(project: &Project, serve: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(40);
    while record_pid(project) != Some(serve.id()) {
        assert!(serve.try_wait().expect("wait").is_none(), "the server exited");
        assert!(Instant::now() < deadline, "the server never became ready");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn record_pid(project: &Project) -> Option<u32> {
    let text = std::fs::read_to_string(project.path().join(".proctor/server.json")).ok()?;
    serde_json::from_str::<Value>(&text).ok()?["pid"].as_u64().map(|p| p as u32)
}

#[test]
fn two_serves_at_once_leave_one_and_a_new_serve_sweeps_what_a_killed_one_left() {
    let _browser = proctor_e2e::browser_lock();
    let project =
        chromium_project(&[("test/a.test.js", "import { it } from \"proctor\";\nit(\"passes\", () => {});\n")]);
    let logs = tempfile::tempdir().expect("temp dir");
    let mut first = start_serve(&project, &logs.path().join("first.log"));
    let mut second = start_serve(&project, &logs.path().join("second.log"));
    let deadline = Instant::now() + Duration::from_secs(60);
    let (winner, mut loser, loser_log) = loop {
        match (first.try_wait().expect("wait"), second.try_wait().expect("wait")) {
            (Some(_), Some(_)) => panic!("both servers exited"),
            (Some(status), None) => break (second, (first, status), "first.log"),
            (None, Some(status)) => break (first, (second, status), "second.log"),
            (None, None) => {}
        }
        if Instant::now() > deadline {
            let _ = (first.kill(), second.kill());
            panic!("neither server gave way within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let _ = loser.0.wait();
    assert_eq!(loser.1.code(), Some(2), "the second server is refused");
    let log = std::fs::read_to_string(logs.path().join(loser_log)).unwrap_or_default();
    assert!(log.contains("already runs"), "{log}");
    let mut winner = winner;
    wait_until_serving(&project, &mut winner);

    // The server's Chromium has no door either, for the server's whole life.
    let token = std::fs::read_to_string(project.path().join(".proctor/server.json"))
        .ok()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .and_then(|record| record["token"].as_str().map(str::to_owned))
        .expect("the record holds the token");
    let browser = chromium_of(winner.id());
    assert!(browser.iter().any(|p| p.cmdline.contains("--remote-debugging-pipe")), "{browser:?}");
    for process in &browser {
        assert!(!process.cmdline.contains("remote-debugging-port"), "a DevTools port is open: {}", process.cmdline);
        assert!(!process.cmdline.contains(&token), "the token is on a command line: {}", process.cmdline);
    }
    let pids: Vec<u32> = browser.iter().map(|p| p.pid).collect();
    assert_eq!(listening_ports(&pids), Vec::<u16>::new(), "the server's Chromium listens on no TCP port");

    // Killed without a chance to clean up: its Chromium goes with it; its directory stays
    // until the next server sweeps it.
    let dead = winner.id();
    winner.kill().expect("SIGKILL");
    let _ = winner.wait();
    let running = wait_for_no_chromium_of(dead, Duration::from_secs(15));
    assert!(running.is_empty(), "Chromium outlived its killed server: {running:?}");
    assert!(!browser_dirs_of(dead).is_empty(), "a killed server cannot remove its directory");
    let mut next = start_serve(&project, &logs.path().join("next.log"));
    wait_until_serving(&project, &mut next);
    assert_eq!(browser_dirs_of(dead), Vec::<PathBuf>::new(), "the killed server's directory was swept");
    let out = output_within(project.command(&["run", "--reporter", "json"]), Duration::from_secs(60));
    out.assert_code(0);
    assert!(out.stderr.contains("kept by proctor serve"), "{}", out.stderr);
    let _ = Command::new("kill").args(["-TERM", &next.id().to_string()]).status();
    let status = wait_within(&mut next, Duration::from_secs(20));
    assert_eq!(status.code(), Some(0));
    assert!(wait_for_no_chromium_of(next.id(), Duration::from_secs(10)).is_empty());
    assert_eq!(browser_dirs_of(next.id()), Vec::<PathBuf>::new());
}
