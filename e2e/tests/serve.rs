//! End to end for `proctor serve`, in real Chromium: runs through a live server reuse one tab
//! (one DevTools target) with a fresh realm per run; browsers a person opens attach; several
//! kept runtimes each run the suite; the server's lifecycle (record, stale record, --status,
//! --stop, SIGTERM); its security (token, Origin, malformed and oversized frames, the file
//! server's limits); a tab closed mid-run; concurrent runs queued, never interleaved; a suite's
//! custom page as the kept tab's run frame.

use proctor_e2e::{model, processes, Output, Project};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A `proctor serve` in the background; stopped (SIGTERM) when dropped.
struct Serve {
    child: Child,
    log: PathBuf,
    record: Value,
    _log_dir: tempfile::TempDir,
}

impl Serve {
    /// Starts `proctor serve <args>` and waits until it recorded itself (it is ready then).
    fn start(project: &Project, args: &[&str]) -> Serve {
        let log_dir = tempfile::tempdir().expect("temp dir");
        let log = log_dir.path().join("serve.log");
        let file = std::fs::File::create(&log).expect("log file");
        let mut all = vec!["serve"];
        all.extend_from_slice(args);
        let child = project.command(&all).stdout(Stdio::null()).stderr(file).spawn().expect("proctor serve starts");
        let mut serve = Serve { child, log, record: Value::Null, _log_dir: log_dir };
        let record_path = project.path().join(".proctor/server.json");
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            if let Some(record) = std::fs::read_to_string(&record_path)
                .ok()
                .and_then(|text| serde_json::from_str::<Value>(&text).ok())
                .filter(|r| r["pid"].as_u64() == Some(serve.child.id() as u64))
            {
                serve.record = record;
                return serve;
            }
            if let Ok(Some(status)) = serve.child.try_wait() {
                panic!("proctor serve exited with {status} before it was ready:\n{}", serve.log());
            }
            assert!(Instant::now() < deadline, "proctor serve never became ready:\n{}", serve.log());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn port(&self) -> u16 {
        self.record["port"].as_u64().expect("port") as u16
    }

    fn token(&self) -> String {
        self.record["token"].as_str().expect("token").to_string()
    }

    fn attach_url(&self) -> String {
        self.record["attachUrl"].as_str().expect("attachUrl").to_string()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Sends SIGTERM and waits for the exit code.
    fn terminate(&mut self) -> i32 {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code().unwrap_or(-1);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("proctor serve did not stop on SIGTERM:\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        if self.alive() {
            self.terminate();
        }
    }
}

/// A separate Chromium a "person" opened at a URL; killed when dropped.
struct PersonsBrowser {
    child: Child,
    _profile: tempfile::TempDir,
}

impl PersonsBrowser {
    fn open(url: &str) -> PersonsBrowser {
        let profile = tempfile::tempdir().expect("profile dir");
        let chromium = std::env::var("PROCTOR_CHROMIUM").unwrap_or_else(|_| "chromium".into());
        let child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        PersonsBrowser { child, _profile: profile }
    }

    /// Closes every tab, as a person clicking their close buttons (through DevTools).
    fn close_tabs(&self) {
        let active = self._profile.path().join("DevToolsActivePort");
        let port: u16 = std::fs::read_to_string(&active)
            .ok()
            .and_then(|text| text.lines().next().and_then(|l| l.trim().parse().ok()))
            .expect("chromium wrote its DevTools port");
        let (_, body) = http_get(port, "/json/list", "");
        for target in serde_json::from_str::<Vec<Value>>(&body).expect("targets") {
            if target["type"] == "page" {
                let (status, _) = http_get(port, &format!("/json/close/{}", target["id"].as_str().unwrap()), "");
                assert_eq!(status, 200, "closing a tab");
            }
        }
    }

    fn close(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for PersonsBrowser {
    fn drop(&mut self) {
        self.close();
    }
}

/// Polls `proctor serve --status` until its output contains `text`.
fn wait_for_status(project: &Project, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let out = project.run(&["serve", "--status"]);
        if out.stdout.contains(text) {
            return out.stdout;
        }
        assert!(Instant::now() < deadline, "--status never showed {text:?}:\n{}\n{}", out.stdout, out.stderr);
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A raw HTTP/1.1 GET; returns the status code and the body (read up to its Content-Length:
/// Chromium's DevTools server keeps connections open).
fn http_get(port: u16, path: &str, headers: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).expect("writes");
    let mut response = Vec::new();
    let mut buffer = [0u8; 8192];
    loop {
        let text = String::from_utf8_lossy(&response).to_string();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                .and_then(|v| v.parse::<usize>().ok());
            if length.is_some_and(|n| body.len() >= n) {
                break;
            }
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => response.extend_from_slice(&buffer[..n]),
        }
    }
    let response = String::from_utf8_lossy(&response).to_string();
    let status = response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// Opens a websocket by hand; returns the handshake's status code and the open stream.
fn ws_handshake(port: u16, path: &str, origin: Option<&str>) -> (u16, TcpStream) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    let origin = origin.map(|o| format!("Origin: {o}\r\n")).unwrap_or_default();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n{origin}\r\n"
    );
    stream.write_all(request.as_bytes()).expect("writes");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).map(|n| n == 1).unwrap_or(false) {
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_string();
    (head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0), stream)
}

/// A masked client text frame.
fn text_frame(payload: &[u8]) -> Vec<u8> {
    let mut frame = vec![0x81u8];
    match payload.len() {
        n if n < 126 => frame.push(0x80 | n as u8),
        n if n <= u16::MAX as usize => {
            frame.push(0x80 | 126);
            frame.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            frame.push(0x80 | 127);
            frame.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    let mask = [0x12u8, 0x34, 0x56, 0x78];
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    frame
}

/// True when the server ends the connection (a close frame, or EOF) within a few seconds.
fn server_closes(stream: &mut TcpStream) -> bool {
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            // An opcode 8 frame is a close.
            Ok(n) if n >= 1 && buffer[0] & 0x0f == 8 => return true,
            Ok(_) => continue,
            Err(err) if err.kind() == std::io::ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

/// A `proctor run --reporter json` in the background, its events read as they come.
struct LiveRun {
    child: Child,
    stdout: std::io::BufReader<std::process::ChildStdout>,
    seen: String,
}

impl LiveRun {
    fn start(project: &Project, args: &[&str]) -> LiveRun {
        let mut all = vec!["run", "--reporter", "json"];
        all.extend_from_slice(args);
        let mut child = project.command(&all).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        LiveRun { child, stdout, seen: String::new() }
    }

    /// Reads events until a console line starts with `prefix`; returns the rest of that line.
    fn console(&mut self, prefix: &str) -> String {
        loop {
            let mut line = String::new();
            let read = std::io::BufRead::read_line(&mut self.stdout, &mut line).unwrap_or(0);
            assert!(read > 0, "the run ended before printing {prefix:?}:\n{}", self.seen);
            self.seen.push_str(&line);
            let event: Value = serde_json::from_str(&line).unwrap();
            if let Some(rest) = event["text"].as_str().and_then(|t| t.strip_prefix(prefix)) {
                return rest.to_string();
            }
        }
    }

    /// Waits for the run to end; everything it printed.
    fn finish(mut self) -> Output {
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).unwrap();
        let status = self.child.wait().unwrap();
        let mut stderr = String::new();
        self.child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        Output { code: status.code().unwrap_or(-1), stdout: self.seen + &rest, stderr }
    }
}

fn run_json(project: &Project, args: &[&str]) -> Output {
    let mut all = vec!["run", "--reporter", "json"];
    all.extend_from_slice(args);
    project.run(&all)
}

fn started(out: &Output) -> Vec<Value> {
    out.events_of("runtime-started")
}

#[test]
fn three_runs_share_one_tab_each_in_a_fresh_realm() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::fixture("serve");
    let _serve = Serve::start(&project, &[]);
    let mut targets = Vec::new();
    for version in 1..=3 {
        if version > 1 {
            let text = project.read("test/realm.test.js").replace(
                &format!("runs version {} of this file", version - 1),
                &format!("runs version {version} of this file"),
            );
            project.write("test/realm.test.js", &text);
        }
        let out = run_json(&project, &["test/realm.test.js"]);
        out.assert_code(0);
        assert!(out.stderr.contains("running in the runtimes kept by proctor serve"), "{}", out.stderr);
        assert_eq!(
            out.outcomes(),
            model(&[
                ("test/realm.test.js::starts in a fresh realm", "passed"),
                (&format!("test/realm.test.js::runs version {version} of this file"), "passed"),
            ]),
            "run {version} ran the changed file in a fresh realm"
        );
        let started = started(&out);
        assert_eq!(started.len(), 1, "{started:?}");
        assert_eq!(started[0]["instance"], "chromium#1");
        targets.push(started[0]["target"].as_str().expect("a DevTools target").to_string());
    }
    assert!(targets.iter().all(|t| *t == targets[0]), "one tab served every run: {targets:?}");
    // That target is the server's tab, as it reports it (its browser has no DevTools port to ask).
    let status = wait_for_status(&project, "runtime: chromium#1");
    assert!(status.contains(&format!("target {}", targets[0])), "{status}");
    // Timeouts and spins are recovered in the same tab too.
    project.write(
        "test/spin.test.js",
        "import { it } from \"proctor\";\nit(\"spins\", { timeout: 300 }, () => { for (;;) {} });\nit(\"after\", () => {});\n",
    );
    let out = run_json(&project, &["test/spin.test.js"]);
    out.assert_code(1);
    assert_eq!(
        out.outcomes(),
        model(&[("test/spin.test.js::after", "passed"), ("test/spin.test.js::spins", "timed-out")])
    );
    assert!(started(&out).iter().all(|s| s["target"] == targets[0].as_str()), "{:?}", started(&out));
    // --no-server runs standalone, in a browser of its own.
    let out = run_json(&project, &["--no-server", "test/realm.test.js"]);
    out.assert_code(0);
    assert!(started(&out)[0]["instance"].is_null());
    assert_ne!(started(&out)[0]["target"], targets[0].as_str());
}

#[test]
fn each_file_of_a_served_run_gets_a_fresh_realm_in_the_kept_tab() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::fixture("serve");
    project
        .write(
            "test/iso-a.test.js",
            "import { it } from \"proctor\";\nglobalThis.leakedByA = 1;\n\
             it(\"a leaves things behind\", () => {\n  document.body.append(Object.assign(document.createElement(\"p\"), { id: \"from-a\" }));\n});\n",
        )
        .write(
            "test/iso-b.test.js",
            "import { it, expect } from \"proctor\";\n\
             it(\"b sees none of it\", () => {\n  expect(globalThis.leakedByA).toBeUndefined();\n  \
             expect(document.getElementById(\"from-a\")).toBeNull();\n});\n",
        );
    let _serve = Serve::start(&project, &[]);
    let out = run_json(&project, &["test/iso-a.test.js", "test/iso-b.test.js"]);
    assert!(out.stderr.contains("running in the runtimes kept by proctor serve"), "{}", out.stderr);
    assert_eq!(
        out.outcomes(),
        model(&[
            ("test/iso-a.test.js::a leaves things behind", "passed"),
            ("test/iso-b.test.js::b sees none of it", "passed")
        ]),
        "{}",
        out.stdout
    );
    out.assert_code(0);
    let shared = run_json(&project, &["--no-isolate", "test/iso-a.test.js", "test/iso-b.test.js"]);
    assert_eq!(shared.outcomes()["test/iso-b.test.js::b sees none of it"], "failed", "one realm when asked");
}

#[test]
fn a_suites_custom_page_is_the_run_frame_of_the_kept_tab() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::empty();
    project
        .write("proctor.toml", proctor_e2e::PAGE_SUITE)
        .write(
            "test/page.html",
            "<!doctype html>\n<html><head><meta name=\"x\" content=\"kept\"><script src=\"lib.js\"></script></head>\n<body><div id=\"work-area\"></div></body></html>\n",
        )
        .write("test/lib.js", "window.Lib = { kept: true };\n")
        .write(
            "test/page.test.js",
            "import { it, expect } from \"proctor\";\nit(\"runs on the suite's page\", () => {\n  expect(window.Lib.kept).toBe(true);\n  expect(document.querySelector('meta[name=\"x\"]').content).toBe(\"kept\");\n  expect(document.getElementById(\"work-area\")).not.toBe(null);\n  expect(location.pathname).toBe(\"/test/page.html\");\n});\n",
        );
    let _serve = Serve::start(&project, &[]);
    for run in 1..=2 {
        let out = run_json(&project, &[]);
        out.assert_code(0);
        assert!(out.stderr.contains("running in the runtimes kept by proctor serve"), "{}", out.stderr);
        assert_eq!(out.outcomes(), model(&[("test/page.test.js::runs on the suite's page", "passed")]), "run {run}");
    }
}

#[test]
fn lifecycle_record_stale_record_status_stop_and_sigterm() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::fixture("serve");
    let out = project.run(&["serve", "--status"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("no proctor serve runs"), "{}", out.stdout);
    // A record left by a server that died is replaced.
    let mut dead = Command::new("true").spawn().expect("spawns");
    let dead_pid = dead.id();
    dead.wait().expect("exits");
    project.write(
        ".proctor/server.json",
        &format!(r#"{{"port": 1, "bind": "127.0.0.1", "pid": {dead_pid}, "token": "x", "startedAt": 1, "attachUrl": "http://127.0.0.1:1/?token=x"}}"#),
    );
    let out = run_json(&project, &["test/realm.test.js"]);
    out.assert_code(0);
    assert!(!out.stderr.contains("kept by proctor serve"), "a stale record is ignored: {}", out.stderr);
    let mut serve = Serve::start(&project, &[]);
    assert!(
        serve.log().contains(&format!("replacing a stale .proctor/server.json (pid {dead_pid} is gone)")),
        "{}",
        serve.log()
    );
    assert!(serve.log().contains("to attach a browser, open http://127.0.0.1:"), "{}", serve.log());
    let status = wait_for_status(&project, "runtime: chromium#1");
    assert!(status.contains(&format!("(pid {})", serve.child.id())), "{status}");
    assert!(status.contains("target "), "{status}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(project.path().join(".proctor/server.json")).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the record holds the token: owner-only");
    }
    // A second server for the same project is refused.
    let out = project.run(&["serve"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("a server already runs"), "{}", out.stderr);
    // --stop shuts it down: record removed, browser gone.
    let serve_pid = serve.child.id();
    assert!(!processes::chromium_of(serve_pid).is_empty(), "its Chromium runs");
    let out = project.run(&["serve", "--stop"]);
    assert_eq!(out.code, 0, "{out:?}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while serve.alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!serve.alive(), "the server exited");
    assert!(!project.path().join(".proctor/server.json").exists());
    let left = processes::wait_for_no_chromium_of(serve_pid, Duration::from_secs(10));
    assert!(left.is_empty(), "its Chromium is gone: {left:?}");
    assert_eq!(processes::browser_dirs_of(serve_pid), Vec::<PathBuf>::new(), "and its directory");
    assert_eq!(project.run(&["serve", "--status"]).code, 1);
    // SIGTERM does the same.
    let mut serve = Serve::start(&project, &[]);
    assert_eq!(serve.terminate(), 0, "{}", serve.log());
    assert!(!project.path().join(".proctor/server.json").exists());
    // Anything but loopback is a choice, and warned about.
    let mut exposed = Serve::start(&project, &["--host", "0.0.0.0", "--tabs", "0"]);
    assert!(exposed.log().contains("warning: listening on 0.0.0.0"), "{}", exposed.log());
    assert_eq!(exposed.terminate(), 0);
}

#[test]
fn attached_browsers_run_each_and_can_be_filtered() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::fixture("serve");
    project.write(
        "proctor.toml",
        "[[suite]]\nid = \"attached\"\nruntime = \"attach\"\ntests = [\"test/realm.test.js\"]\n",
    );
    let out = run_json(&project, &[]);
    assert_eq!(out.code, 2, "attach needs a server: {out:?}");
    assert!(out.stdout.contains("none runs for"), "{}", out.stdout);
    let serve = Serve::start(&project, &[]);
    assert!(!serve.log().contains("chromium#1"), "no headless tab without a chromium suite: {}", serve.log());
    // Nobody attached: the run says so, waits, and gives up clearly.
    let out = project.run_with(&["run", "--reporter", "json"], &[("PROCTOR_ATTACH_TIMEOUT", "1s")]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains(&format!("waiting up to 1s for a browser to attach: open {}", serve.attach_url())),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("no browser attached within 1s"), "{}", out.stdout);
    // A person opens the URL.
    let _first = PersonsBrowser::open(&serve.attach_url());
    wait_for_status(&project, "runtime: attach#1");
    let out = run_json(&project, &[]);
    out.assert_code(0);
    assert_eq!(
        out.outcomes_by_runtime(),
        model(&[
            ("attach#1|test/realm.test.js::runs version 1 of this file", "passed"),
            ("attach#1|test/realm.test.js::starts in a fresh realm", "passed"),
        ])
    );
    // A second browser: every run executes in each, labelled by runtime.
    let _second = PersonsBrowser::open(&serve.attach_url());
    wait_for_status(&project, "runtime: attach#2");
    let out = project.run(&["run", "--reporter", "documentation"]);
    out.assert_code(0);
    assert!(out.stdout.contains("test/realm.test.js [attach#1]"), "{}", out.stdout);
    assert!(out.stdout.contains("test/realm.test.js [attach#2]"), "{}", out.stdout);
    let out = run_json(&project, &[]);
    assert_eq!(out.outcomes_by_runtime().len(), 4, "{:?}", out.outcomes_by_runtime());
    // --runtime-filter picks one.
    let out = run_json(&project, &["--runtime-filter", "attach#2"]);
    out.assert_code(0);
    assert_eq!(
        out.outcomes_by_runtime().keys().cloned().collect::<Vec<_>>(),
        vec![
            "attach#2|test/realm.test.js::runs version 1 of this file".to_string(),
            "attach#2|test/realm.test.js::starts in a fresh realm".to_string(),
        ]
    );
    let out = run_json(&project, &["--runtime-filter", "attach#7"]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.contains("matches --runtime-filter attach#7 (connected: attach#1, attach#2)"), "{}", out.stdout);
}

#[test]
fn a_tab_closed_mid_run_costs_the_running_test_and_the_server_stays() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::fixture("serve");
    project
        .write("proctor.toml", "[[suite]]\nid = \"attached\"\nruntime = \"attach\"\ntests = [\"test/slow.test.js\"]\n");
    let mut serve = Serve::start(&project, &[]);
    let person = PersonsBrowser::open(&serve.attach_url());
    wait_for_status(&project, "runtime: attach#1");
    let mut run = LiveRun::start(&project, &[]);
    // Wait for the first test to be running, then the person closes the browser.
    run.console("slow run started");
    person.close_tabs();
    let out = run.finish();
    assert_eq!(out.code, 1, "{out:?}");
    let outcomes = out.outcomes();
    assert_eq!(outcomes["test/slow.test.js::first"], "crashed", "{outcomes:?}");
    let first = out.finished("test/slow.test.js::first");
    assert!(first["error"]["message"].as_str().unwrap().contains("closed its connection"), "{first}");
    let second = out.finished("test/slow.test.js::second");
    assert!(second["error"]["message"].as_str().unwrap().contains("to reattach"), "says how to reattach: {second}");
    assert!(serve.alive(), "the server keeps running");
    assert!(
        serve.log().contains(&format!("attach#1 disconnected; open {} to reattach", serve.attach_url())),
        "{}",
        serve.log()
    );
    // Reattaching works.
    let _again = PersonsBrowser::open(&serve.attach_url());
    wait_for_status(&project, "runtime: attach#1");
    run_json(&project, &[]).assert_code(0);
}

#[test]
fn concurrent_runs_are_queued_never_interleaved() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::fixture("serve");
    let _serve = Serve::start(&project, &[]);
    let spawn = || {
        project
            .command(&["run", "--reporter", "json", "test/slow.test.js"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (Output::of(a.wait_with_output().unwrap()), Output::of(b.wait_with_output().unwrap()));
    let expected = model(&[
        ("test/slow.test.js::first", "passed"),
        ("test/slow.test.js::second", "passed"),
        ("test/slow.test.js::third", "passed"),
    ]);
    for out in [&a, &b] {
        out.assert_code(0);
        assert_eq!(out.outcomes(), expected);
    }
    assert!(
        a.stderr.contains("busy with 1 other run") || b.stderr.contains("busy with 1 other run"),
        "one run waited:\n{}\n{}",
        a.stderr,
        b.stderr
    );
    let span = |out: &Output| {
        let times: Vec<u64> = out
            .events()
            .iter()
            .filter(|e| e["event"] == "test-started" || e["event"] == "test-finished")
            .map(|e| e["at"].as_u64().unwrap())
            .collect();
        (*times.iter().min().unwrap(), *times.iter().max().unwrap())
    };
    let ((a0, a1), (b0, b1)) = (span(&a), span(&b));
    assert!(a1 <= b0 || b1 <= a0, "the runs' tests interleaved: {a0}..{a1} and {b0}..{b1}");
}

#[test]
fn every_request_needs_the_token_origin_and_well_formed_frames() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::fixture("serve");
    let mut serve = Serve::start(&project, &[]);
    let (port, token) = (serve.port(), serve.token());
    let own = format!("http://127.0.0.1:{port}");
    assert_eq!(http_get(port, "/", "").0, 401);
    assert_eq!(http_get(port, "/?token=wrong", "").0, 401);
    assert_eq!(http_get(port, &format!("/?token={token}"), "").0, 200);
    assert_eq!(http_get(port, "/__proctor/shell.js", "").0, 401);
    assert_eq!(http_get(port, "/__proctor/shell.js", &format!("Cookie: proctor_token_{port}={token}\r\n")).0, 200);
    assert_eq!(http_get(port, "/__proctor/page.js", &format!("Cookie: proctor_token_{port}={token}\r\n")).0, 200);
    assert_eq!(http_get(port, "/__proctor/node.js", &format!("Cookie: proctor_token_{port}={token}\r\n")).0, 404);
    assert_eq!(http_get(port, &format!("/../../etc/passwd?token={token}"), "").0, 404);
    assert_eq!(http_get(port, &format!("/%2e%2e/%2e%2e/etc/passwd?token={token}"), "").0, 404);
    assert_eq!(ws_handshake(port, "/ws/control", None).0, 401);
    assert_eq!(ws_handshake(port, "/ws/shell?token=wrong", Some(&own)).0, 401);
    assert_eq!(ws_handshake(port, &format!("/ws/shell?token={token}"), Some("http://evil.example")).0, 403);
    assert_eq!(
        ws_handshake(port, &format!("/ws/shell?token={token}"), None).0,
        403,
        "shells are pages: Origin required"
    );
    assert_eq!(ws_handshake(port, &format!("/ws/control?token={token}"), Some("http://evil.example")).0, 403);
    assert_eq!(ws_handshake(port, &format!("/ws/control?token={token}"), None).0, 101);

    // The run's own file server, while a run through the server is in progress: raw requests.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    std::os::unix::fs::symlink(outside.path(), project.path().join("link-out")).unwrap();
    let mut run = LiveRun::start(&project, &["test/files.test.js"]);
    let address = run.console("address ");
    let (run_port, run_token) = address.split_once(' ').unwrap();
    let run_port: u16 = run_port.parse().unwrap();
    let cookie = format!("Cookie: proctor_token_{run_port}={run_token}\r\n");
    assert_eq!(http_get(run_port, "/src/own.js", &cookie).0, 200);
    assert_eq!(http_get(run_port, "/src/own.js", "").0, 401);
    let secret = outside.path().file_name().unwrap().to_string_lossy().to_string();
    for path in [
        format!("/../{secret}/secret.txt"),
        format!("/%2e%2e/{secret}/secret.txt"),
        format!("/src/%2E%2E/%2e%2e/{secret}/secret.txt"),
        "/link-out/secret.txt".to_string(),
        format!("/{}/secret.txt", outside.path().display()),
        format!(
            "/%2F{}",
            outside.path().join("secret.txt").display().to_string().trim_start_matches('/').replace('/', "%2F")
        ),
        "//etc/passwd".to_string(),
    ] {
        let (status, body) = http_get(run_port, &path, &cookie);
        assert!(status == 404 || status == 400, "{path} gave {status}");
        assert!(!body.contains("secret"), "{path} leaked: {body}");
    }
    // Malformed and oversized frames, on a run's socket and on control connections, close just
    // those connections; the run in progress goes on.
    let (code, mut bad) = ws_handshake(run_port, &format!("/ws?token={run_token}"), None);
    assert_eq!(code, 101);
    bad.write_all(&text_frame(b"this is not a protocol message")).unwrap();
    assert!(server_closes(&mut bad), "a malformed frame closes the connection");
    let (_, mut bad) = ws_handshake(port, &format!("/ws/control?token={token}"), None);
    bad.write_all(&text_frame(b"{\"type\":\"nonsense\"}")).unwrap();
    assert!(server_closes(&mut bad));
    let (_, mut big) = ws_handshake(port, &format!("/ws/control?token={token}"), None);
    // Control connections take up to 64 MiB (a run's batch of events, its plan, for the page).
    let _ = big.write_all(&text_frame(&vec![b' '; 65 * 1024 * 1024]));
    assert!(server_closes(&mut big), "an oversized frame closes the connection");
    project.write("done.txt", "done");
    let out = run.finish();
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(
        out.outcomes(),
        model(&[
            ("test/files.test.js::the file server::needs the token", "passed"),
            ("test/files.test.js::the file server::refuses absolute paths", "passed"),
            ("test/files.test.js::the file server::refuses symlinks out of the project", "passed"),
            ("test/files.test.js::the file server::serves the project's own files", "passed"),
            ("test/files.test.js::the file server::stays up while the e2e test sends raw requests", "passed"),
        ])
    );
    let log = serve.log();
    assert!(log.contains("closed a control connection after a malformed frame"), "{log}");
    assert!(log.contains("closed a control connection: "), "oversized frame logged: {log}");
    assert!(serve.alive());
    // The server still serves runs.
    run_json(&project, &["test/realm.test.js"]).assert_code(0);
}

#[test]
fn a_crashed_headless_tab_is_replaced_and_the_run_goes_on() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::fixture("serve");
    let serve = Serve::start(&project, &[]);
    let status = wait_for_status(&project, "runtime: chromium#1");
    let old_target = status.split("target ").nth(1).unwrap().trim().to_string();
    let mut run = LiveRun::start(&project, &["test/slow.test.js"]);
    run.console("slow run started");
    // The tab's renderer dies under the running test.
    let renderers: Vec<u32> = processes::chromium_of(serve.child.id())
        .into_iter()
        .filter(|p| p.cmdline.contains("--type=renderer"))
        .map(|p| p.pid)
        .collect();
    assert!(!renderers.is_empty(), "the server's Chromium has renderers");
    for pid in renderers {
        let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
    }
    let out = run.finish();
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        out.outcomes(),
        model(&[
            ("test/slow.test.js::first", "crashed"),
            ("test/slow.test.js::second", "passed"),
            ("test/slow.test.js::third", "passed"),
        ])
    );
    let targets: Vec<String> =
        started(&out).iter().map(|s| s["target"].as_str().unwrap_or_default().to_string()).collect();
    assert_eq!(targets.len(), 2, "{targets:?}");
    assert_eq!(targets[0], old_target);
    assert_ne!(targets[1], old_target, "the rest ran in a new tab");
    assert!(serve.log().contains("chromium#1's tab closed or crashed; opening a new one"), "{}", serve.log());
    // The replacement is the server's tab from now on.
    let out = run_json(&project, &["test/realm.test.js"]);
    out.assert_code(0);
    assert_eq!(started(&out)[0]["target"], targets[1].as_str());
}

#[test]
fn a_file_that_defined_a_custom_element_is_followed_by_a_fresh_run_frame_in_kept_and_attached_tabs() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::empty();
    let element = |name: &str| {
        format!(
            "import {{ it, expect }} from \"proctor\";\nimport {{ XFoo }} from \"../src/x-foo.js\";\n\
             it(\"{name} makes its own XFoo\", () => {{\n  expect(document.createElement(\"x-foo\")).toBeInstanceOf(XFoo);\n  \
             expect(XFoo.made).toBe(1);\n}});\n"
        )
    };
    project
        .write(
            "proctor.toml",
            "[[suite]]\nid = \"kept\"\nruntime = \"chromium\"\ntests = [\"test/*.test.js\"]\n\n\
             [[suite]]\nid = \"attached\"\nruntime = \"attach\"\ntests = [\"test/*.test.js\"]\n",
        )
        .write(
            "src/x-foo.js",
            "export class XFoo extends HTMLElement {\n  static made = 0;\n  constructor() {\n    super();\n    XFoo.made += 1;\n  }\n}\n\
             if (!customElements.get(\"x-foo\")) customElements.define(\"x-foo\", XFoo);\n",
        )
        .write("test/a.test.js", &element("a"))
        .write("test/b.test.js", &element("b"))
        .write("test/c.test.js", "import { it } from \"proctor\";\nit(\"c is plain\", () => {});\n");
    let serve = Serve::start(&project, &[]);
    let _person = PersonsBrowser::open(&serve.attach_url());
    wait_for_status(&project, "runtime: attach#1");
    let out = run_json(&project, &[]);
    assert!(out.stderr.contains("running in the runtimes kept by proctor serve"), "{}", out.stderr);
    let outcomes = out.outcomes_by_runtime();
    assert_eq!(outcomes.len(), 6, "{outcomes:?}\n{}", out.stdout);
    assert!(outcomes.values().all(|o| o == "passed"), "{outcomes:?}\n{}", out.stdout);
    out.assert_code(0);
    // Per runtime: its first frame, a fresh one for b (a defined x-foo), one for c (b did).
    let starts = started(&out);
    for instance in ["chromium#1", "attach#1"] {
        let fresh: Vec<Option<&str>> =
            starts.iter().filter(|s| s["instance"] == instance).map(|s| s["fresh_page"].as_str()).collect();
        assert_eq!(fresh.len(), 3, "{instance}: {:?}", started(&out));
        assert_eq!(fresh[0], None, "{instance}");
        assert!(fresh[1].is_some_and(|why| why.starts_with("test/a.test.js left")), "{instance}: {fresh:?}");
    }
    assert!(out.events_of("runtime-restarted").is_empty(), "{}", out.stdout);
    // The tabs are still the server's: the next run uses them again.
    let again = run_json(&project, &["test/a.test.js"]);
    again.assert_code(0);
}
