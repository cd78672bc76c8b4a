//! End to end for the status of a `proctor watch` as JSON (issue 17, points 3 and 4):
//! `/status.json` before any run (idle), during one (a test holds the run open: running, with
//! the test named), after it (passed), then failed after an edit with the failing test's
//! file:line and message; the token on every route; `?probe` answering 503 while failing;
//! `proctor status [--json]` against the running watch and with none; `--status-exit`; and
//! `proctor serve`'s `/status.json`, made of what the runs through it report; and one commit
//! line (untracked files making it `-dirty`) on the html report, both live pages and
//! `/status.json`.

use proctor_e2e::background::Background;
use proctor_e2e::Project;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// A test that waits until `.gate/open` exists (a dot-folder, so watch ignores it).
const GATED: &str = r#"import { test, expect } from "proctor";
import { existsSync } from "node:fs";
import { join } from "node:path";

test("waits for the gate", { timeout: 60000 }, async () => {
  while (!existsSync(join(ROOT, ".gate", "open"))) await new Promise((r) => setTimeout(r, 20));
  expect(1).toBe(1);
});
"#;

const MATH: &str = r#"import { test, expect } from "proctor";

test("adds", () => {
  expect(1 + 1).toBe(2);
});
"#;

/// `proctor watch ARGS` in the background, once it says it is watching.
fn start_watch(project: &Project, args: &[&str]) -> Background {
    let mut all = vec!["watch", "--reporter", "dots", "--debounce", "100"];
    all.extend_from_slice(args);
    let watch = Background::spawn(project, &all);
    watch.wait_for("watching", 1, Duration::from_secs(40));
    watch
}

/// What `.proctor/watch.json` says: port and token.
fn record(project: &Project) -> (u16, String) {
    let record: Value = serde_json::from_str(&project.read(".proctor/watch.json")).expect("watch.json is JSON");
    (record["port"].as_u64().expect("port") as u16, record["token"].as_str().expect("token").to_string())
}

fn http_get(port: u16, path: &str, headers: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).expect("writes");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("reads");
    let code = response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (code, body)
}

fn status(port: u16, token: &str) -> Value {
    let (code, body) = http_get(port, &format!("/status.json?token={token}"), "");
    assert_eq!(code, 200, "{body}");
    serde_json::from_str(&body).expect("status is JSON")
}

/// Polls `/status.json` until `done` holds.
fn status_until(watch: &Background, port: u16, token: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let now = status(port, token);
        if done(&now) {
            return now;
        }
        assert!(Instant::now() < deadline, "status never {what}: {now:#}\n{}", watch.log());
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[test]
fn status_json_before_during_and_after_runs_and_proctor_status() {
    let project = Project::empty();
    let root = project.path().canonicalize().unwrap();
    project.write("math.test.js", MATH);
    project.write("gate.test.js", &GATED.replace("ROOT", &format!("{:?}", root.display().to_string())));
    let mut watch = start_watch(&project, &[]);
    let (port, token) = record(&project);
    assert!(watch.log().contains(&format!("status page at http://127.0.0.1:{port}/?token={token}")), "{}", watch.log());

    // Before any run.
    let before = status(port, &token);
    assert_eq!(before["version"], 1);
    assert_eq!(before["state"], "idle");
    assert_eq!(before["counts"]["total"], 0);
    assert_eq!(before["url"], format!("http://127.0.0.1:{port}/?token={token}"));
    assert_eq!(before["server"]["kind"], "watch");
    let out = project.run(&["status", "--json"]);
    out.assert_code(0);

    // During a run: the gated test holds it open.
    watch.stdin.as_mut().unwrap().write_all(b"a\n").unwrap();
    let during = status_until(&watch, port, &token, "running the gated test", |s| {
        s["state"] == "running" && s["run"]["current"] == "gate.test.js::waits for the gate"
    });
    assert_eq!(during["run"]["number"], 1);
    assert!(during["run"]["finishedAt"].is_null());
    assert!(during["run"]["startedAt"].as_str().unwrap().ends_with('Z'));
    let summary = project.run(&["status"]);
    summary.assert_code(0);
    assert!(summary.stdout.contains(": running"), "{}", summary.stdout);

    // After it: passed.
    project.write(".gate/open", "");
    let after = status_until(&watch, port, &token, "passed", |s| s["state"] == "passed");
    assert_eq!(after["counts"]["passed"], 2);
    assert_eq!(after["counts"]["failed"], 0);
    assert_eq!(after["lastResult"], "passed");
    assert!(after["run"]["durationMs"].as_u64().is_some());
    assert_eq!(http_get(port, &format!("/status.json?probe&token={token}"), "").0, 200);

    // An edit breaks a test: failed, with where and why.
    project.write("math.test.js", &MATH.replace("toBe(2)", "toBe(3)"));
    let failed = status_until(&watch, port, &token, "failed", |s| s["state"] == "failed");
    assert_eq!(failed["counts"]["passed"], 1, "the other file's result stands: {failed:#}");
    assert_eq!(failed["counts"]["failed"], 1);
    let failing = &failed["failing"][0];
    assert_eq!(failing["id"], "math.test.js::adds");
    assert_eq!(failing["file"], "math.test.js");
    assert_eq!(failing["line"], 3);
    assert_eq!(failing["outcome"], "failed");
    let message = failing["message"].as_str().unwrap();
    assert!(
        message.contains("toBe") && message.contains("Expected: 3") && message.contains("Received: 2"),
        "{failing}"
    );
    assert_eq!(failed["run"]["number"], 2);
    assert_eq!(http_get(port, &format!("/status.json?probe&token={token}"), "").0, 503);

    let json = project.run(&["status", "--json"]);
    json.assert_code(1);
    let printed: Value = serde_json::from_str(&json.stdout).expect("--json prints the status");
    assert_eq!(printed["state"], "failed");
    assert_eq!(printed["failing"][0]["id"], "math.test.js::adds");
    let summary = project.run(&["status"]);
    summary.assert_code(1);
    assert!(summary.stdout.contains("failed math.test.js::adds (math.test.js:3)"), "{}", summary.stdout);
    let by_url = project.run(&["status", "--json", "--url", &format!("http://127.0.0.1:{port}/?token={token}")]);
    by_url.assert_code(1);
    project.run(&["status", "--port", &port.to_string(), "--token", "wrong"]).assert_code(2);

    // Fixed again.
    project.write("math.test.js", MATH);
    status_until(&watch, port, &token, "passed again", |s| s["state"] == "passed" && s["counts"]["passed"] == 2);

    assert_eq!(watch.quit(), 0);
    assert!(project.read(".proctor/watch.json").is_empty(), "the record goes with the watch");
    let none = project.run(&["status"]);
    none.assert_code(2);
    assert!(none.stderr.contains("no proctor watch or serve runs"), "{}", none.stderr);
    let none = project.run(&["status", "--json"]);
    none.assert_code(2);
    let printed: Value = serde_json::from_str(&none.stdout).expect("--json prints JSON even then");
    assert_eq!(printed["state"], "not-running");
}

#[test]
fn every_route_needs_the_token() {
    let project = Project::empty();
    project.write("math.test.js", MATH);
    let watch = start_watch(&project, &["--token", "fixed-token-for-probes"]);
    let (port, token) = record(&project);
    assert_eq!(token, "fixed-token-for-probes");
    for path in ["/status.json", "/status.json?probe", "/", "/nothing", "/status.json?token=wrong"] {
        let (code, body) = http_get(port, path, "");
        assert_eq!(code, 401, "{path}: {body}\n{}", watch.log());
    }
    assert_eq!(http_get(port, "/status.json", "Authorization: Bearer wrong\r\n").0, 401);
    assert_eq!(http_get(port, "/status.json", &format!("Authorization: Bearer {token}\r\n")).0, 200);
    assert_eq!(http_get(port, &format!("/status.json?token={token}"), "").0, 200);
    // Idle is not ready: no run has shown the tests green yet.
    assert_eq!(http_get(port, &format!("/status.json?probe&token={token}"), "").0, 503);
    assert_eq!(http_get(port, &format!("/nothing?token={token}"), "").0, 404);
}

#[test]
fn status_exit_stops_watch_at_the_first_failing_run() {
    let project = Project::empty();
    project.write("math.test.js", MATH);
    let mut watch = start_watch(&project, &["--run-first", "--status-exit"]);
    watch.wait_for("passed: 1 passed", 1, Duration::from_secs(60));
    assert!(watch.child.try_wait().unwrap().is_none(), "still watching after a green run");
    project.write("math.test.js", &MATH.replace("toBe(2)", "toBe(3)"));
    watch.wait_for("--status-exit", 1, Duration::from_secs(60));
    assert_eq!(watch.quit(), 1, "{}", watch.log());
}

/// A Chromium suite, for runs through `proctor serve`.
const BROWSER_SUITE: &str = "[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\ntests = [\"*.test.js\"]\n";

#[test]
fn serve_serves_the_status_its_runs_report() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::empty();
    project.write("proctor.toml", BROWSER_SUITE).write("math.test.js", MATH);
    let mut serve = project.command(&["serve"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("serve");
    let deadline = Instant::now() + Duration::from_secs(60);
    let record: Value = loop {
        let parsed = serde_json::from_str::<Value>(&project.read(".proctor/server.json")).ok();
        if let Some(record) = parsed.filter(|r| r["pid"].as_u64() == Some(u64::from(serve.id()))) {
            break record;
        }
        assert!(Instant::now() < deadline, "proctor serve never recorded itself");
        std::thread::sleep(Duration::from_millis(50));
    };
    let (port, token) = (record["port"].as_u64().unwrap() as u16, record["token"].as_str().unwrap().to_string());
    assert_eq!(http_get(port, "/status.json", "").0, 401);
    let idle = status(port, &token);
    assert_eq!((idle["state"].as_str(), idle["server"]["kind"].as_str()), (Some("idle"), Some("serve")));

    project.run(&["run"]).assert_code(0);
    let passed = status(port, &token);
    assert_eq!(passed["state"], "passed", "{passed:#}");
    assert_eq!(passed["counts"]["passed"], 1);
    assert_eq!(http_get(port, &format!("/status.json?probe&token={token}"), "").0, 200);
    project.run(&["status"]).assert_code(0);

    project.write("math.test.js", &MATH.replace("toBe(2)", "toBe(3)"));
    project.run(&["run"]).assert_code(1);
    let failed = status(port, &token);
    assert_eq!(failed["state"], "failed", "{failed:#}");
    assert_eq!(failed["failing"][0]["id"], "math.test.js::adds");
    assert_eq!(failed["run"]["number"], 1, "each run through serve reports on its own");
    assert_eq!(http_get(port, &format!("/status.json?probe&token={token}"), "").0, 503);
    project.run(&["status", "--json"]).assert_code(1);

    project.run(&["serve", "--stop"]).assert_code(0);
    let _ = serve.wait();
}

/// The `meta` the status page at `html` starts from (its embedded data block).
fn page_meta(html: &str) -> Value {
    let start = html.find("id=\"proctor-data\">").expect("the page has its data block") + "id=\"proctor-data\">".len();
    let end = start + html[start..].find("</script>").expect("the block ends");
    serde_json::from_str::<Value>(&html[start..end]).expect("the data is JSON")["meta"].clone()
}

#[test]
fn the_report_the_live_pages_and_status_json_name_the_same_commit() {
    let project = Project::empty();
    project.write("math.test.js", MATH).write(".gitignore", "report.html\n");
    project.git(&["init", "-q"]);
    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "-m", "one"]);
    let first = project.git(&["rev-parse", "HEAD"]);
    // An untracked file: the run ran on uncommitted code (`git describe --dirty` would miss it).
    project.write("notes.txt", "not committed yet\n");
    let dirty = format!("{first}-dirty");

    // The static report.
    project.run(&["run", "--reporter", "html", "--output-file", "report.html"]).assert_code(0);
    assert_eq!(page_meta(&project.read("report.html"))["commit"], dirty.as_str(), "the html report");

    // watch: its page (each load of `/`) and `/status.json`, then again after a commit.
    let mut watch = start_watch(&project, &["--run-first"]);
    let (port, token) = record(&project);
    let commit_of = |port: u16, token: &str, path: &str| {
        let (code, html) = http_get(port, &format!("{path}?token={token}"), "");
        assert_eq!(code, 200, "{html}");
        page_meta(&html)["commit"].clone()
    };
    let ran = status_until(&watch, port, &token, "with a commit", |s| s["run"]["commit"].is_string());
    assert_eq!(ran["run"]["commit"], dirty.as_str(), "{ran:#}");
    assert_eq!(commit_of(port, &token, "/"), dirty.as_str(), "watch's page");
    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "-m", "two"]);
    let second = project.git(&["rev-parse", "HEAD"]);
    watch.stdin.as_mut().unwrap().write_all(b"a\n").unwrap();
    let ran = status_until(&watch, port, &token, "the second run's commit", |s| {
        s["run"]["number"] == 2 && s["run"]["commit"] == second.as_str()
    });
    assert!(ran["run"]["commit"].as_str().is_some_and(|c| !c.ends_with("-dirty")), "clean now: {ran:#}");
    assert_eq!(commit_of(port, &token, "/"), second.as_str(), "watch's page after the rerun");
    let (code, meta) = http_get(port, &format!("/meta.json?token={token}"), "");
    assert_eq!(code, 200, "{meta}");
    let meta: Value = serde_json::from_str(&meta).unwrap();
    assert_eq!(meta["commit"], second.as_str(), "what an open page fetches after each run");
    assert_eq!(watch.quit(), 0, "{}", watch.log());

    // serve: its page at `/status/` and `/status.json` name what the run through it reported.
    let serve = Background::spawn(&project, &["serve"]);
    serve.wait_for("now runs here", 1, Duration::from_secs(60));
    let record: Value = serde_json::from_str(&project.read(".proctor/server.json")).unwrap();
    let port = record["port"].as_u64().unwrap() as u16;
    let token = record["token"].as_str().unwrap().to_string();
    assert_eq!(commit_of(port, &token, "/status/"), Value::Null, "no run yet, no commit");
    project.run(&["run"]).assert_code(0);
    assert_eq!(status(port, &token)["run"]["commit"], second.as_str());
    assert_eq!(commit_of(port, &token, "/status/"), second.as_str(), "serve's page");
    project.write("notes.txt", "changed\n");
    project.run(&["run"]).assert_code(0);
    let dirty = format!("{second}-dirty");
    assert_eq!(status(port, &token)["run"]["commit"], dirty.as_str());
    assert_eq!(commit_of(port, &token, "/status/"), dirty.as_str(), "serve's page on uncommitted code");
    project.run(&["serve", "--stop"]).assert_code(0);
}
