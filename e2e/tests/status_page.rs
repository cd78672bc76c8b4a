//! End to end for the status page in real headless Chromium, driven over the DevTools protocol:
//! the static report of `--reporter html` opened from disk (`file://`) shows the run's counts and
//! states (and each test's recorded tries where a history exists), and the live page of `proctor watch` follows reruns (a broken test turns failed with
//! its diff without a reload, a rerun button runs that test), needs its token, and says so when
//! its server is gone.

use base64::Engine as _;
use proctor_e2e::background::Background;
use proctor_e2e::{browser_lock, Project};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A headless Chromium with one page, spoken to over its DevTools websocket.
struct Browser {
    child: Child,
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<TcpStream>>,
    next: u64,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn open(url: &str) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let chromium = std::env::var("PROCTOR_CHROMIUM").unwrap_or_else(|_| "chromium".into());
        let mut child = Command::new(chromium)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"])
            .arg("--remote-debugging-port=0")
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("--window-size=1200,800")
            .arg(url)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        let mut port = None;
        for line in stderr.lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("DevTools listening on ws://127.0.0.1:") {
                port = rest.split('/').next().and_then(|p| p.parse::<u16>().ok());
                break;
            }
        }
        let port = port.expect("chromium prints its DevTools address");
        let deadline = Instant::now() + Duration::from_secs(20);
        let page_ws = loop {
            let (_, body) = http(port, "GET", "/json/list", "", "");
            let targets: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            let page = targets.as_array().into_iter().flatten().find(|t| t["type"] == "page");
            if let Some(ws) = page.and_then(|t| t["webSocketDebuggerUrl"].as_str()) {
                break ws.to_string();
            }
            assert!(Instant::now() < deadline, "no page target: {body}");
            std::thread::sleep(Duration::from_millis(100));
        };
        let (socket, _) = tungstenite::connect(page_ws.as_str()).expect("DevTools websocket");
        Browser { child, socket, next: 1, _profile: profile }
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        let message = json!({ "id": id, "method": method, "params": params }).to_string();
        self.socket.send(tungstenite::Message::Text(message.into())).expect("send to DevTools");
        loop {
            let frame = self.socket.read().expect("read from DevTools");
            let Ok(text) = frame.into_text() else { continue };
            let reply: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            if reply["id"] == id {
                assert!(reply.get("error").is_none(), "{method}: {reply}");
                return reply["result"].clone();
            }
        }
    }

    /// The value of a JS expression in the page.
    fn eval(&mut self, expression: &str) -> Value {
        let result = self
            .call("Runtime.evaluate", json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }));
        result["result"]["value"].clone()
    }

    /// Waits until `expression` is truthy in the page.
    fn wait_for(&mut self, expression: &str, what: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let value = self.eval(expression);
            if value.as_bool() == Some(true) {
                return;
            }
            assert!(Instant::now() < deadline, "{what}: never true: {expression}\ncounts: {}", self.eval(COUNTS));
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn counts(&mut self) -> BTreeMap<String, u64> {
        serde_json::from_value(self.eval(COUNTS)).unwrap_or_default()
    }

    fn screenshot(&mut self, path: &std::path::Path) {
        let shot = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let png = base64::engine::general_purpose::STANDARD.decode(shot["data"].as_str().unwrap()).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The page's counts by state, read from the DOM.
const COUNTS: &str = "Object.fromEntries([...document.querySelectorAll('#counts [data-count]')].map(e => [e.dataset.state, Number(e.dataset.count)]))";

/// One plain HTTP request; the status code and body.
fn http(port: u16, method: &str, path: &str, body: &str, extra: &str) -> (u16, String) {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return (0, String::new()) };
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n{extra}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(request.as_bytes());
    // Chromium's DevTools server keeps the connection open: read up to the body's length.
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut raw = Vec::new();
    let mut chunk = [0u8; 8192];
    while let Ok(n) = stream.read(&mut chunk) {
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&raw);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                .and_then(|v| v.parse::<usize>().ok());
            if length.is_some_and(|length| body.len() >= length) {
                break;
            }
        }
    }
    let response = String::from_utf8_lossy(&raw).into_owned();
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// The counts the page should show, from the run's own JSON events.
fn expected_counts(events: &[Value]) -> BTreeMap<String, u64> {
    let mut states: BTreeMap<String, String> = BTreeMap::new();
    for event in events {
        let id = || format!("{}|{}", event["test"]["suite"], event["test"]["id"]);
        match event["event"].as_str() {
            Some("test-finished") => {
                states.insert(id(), event["outcome"].as_str().unwrap().to_string());
            }
            Some("test-skipped") => {
                states.insert(id(), event["kind"].as_str().unwrap().to_string());
            }
            _ => {}
        }
    }
    let mut counts = BTreeMap::new();
    for state in states.values() {
        *counts.entry(state.clone()).or_insert(0) += 1;
    }
    counts.insert("total".into(), states.len() as u64);
    let load_errors = events.iter().filter(|e| e["event"] == "load-error").count() as u64;
    if load_errors > 0 {
        counts.insert("load-error".into(), load_errors);
    }
    counts
}

#[test]
fn the_static_report_opens_from_disk_with_the_runs_counts() {
    let _browser = browser_lock();
    let project = Project::fixture("basic");
    // Output that would end the data block if it were not escaped.
    project.write(
        "script.test.js",
        "import { it } from \"proctor\";\nit(\"prints a tag\", () => { console.log(\"</script><b>x</b>\"); });\n",
    );
    let out = project.run(&["run", "--reporter", "json,html", "--output-file.html", "report/index.html"]);
    out.assert_code(1);
    let expected = expected_counts(&out.events());
    assert!(expected["failed"] > 0 && expected["passed"] > 0 && expected["skipped"] > 0, "{expected:?}");
    let report = project.path().join("report/index.html");
    let html = std::fs::read_to_string(&report).expect("the report is written");
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"), "no external asset");

    let mut browser = Browser::open(&format!("file://{}", report.display()));
    browser.wait_for("!!window.proctorPage && window.proctorPage.rendered()", "the page renders");
    assert_eq!(browser.counts(), expected, "the page's counts are the run's");
    assert_eq!(browser.eval("document.getElementById('run-state').dataset.state"), "failed");
    // A failure is open with its message, diff, code frame and stack.
    let detail = browser.eval(
        "document.querySelector('[data-id=\"assert.test.mjs::node assert fails\"]').dataset.state + '|' + \
         document.querySelector('[data-id=\"assert.test.mjs::node assert fails\"] .detail').innerText",
    );
    let detail = detail.as_str().unwrap_or_default();
    assert!(detail.starts_with("failed|AssertionError"), "{detail}");
    assert!(detail.contains("- Expected") && detail.contains("+ Received"), "a diff: {detail}");
    assert!(detail.contains("assert.deepEqual({ a: 1 }, { a: 2 })"), "a code frame: {detail}");
    assert!(detail.contains("at assert.test.mjs:9:10"), "the stack: {detail}");
    // A test's console, escaped on the way in and shown as text.
    browser.eval("document.getElementById('expand-all').click()");
    browser.wait_for("!!document.querySelector('[data-id=\"script.test.js::prints a tag\"]')", "expanded");
    browser.eval("document.querySelector('[data-id=\"script.test.js::prints a tag\"] .row').click()");
    browser.wait_for(
        "document.querySelector('[data-id=\"script.test.js::prints a tag\"] .console')?.textContent.includes('</script><b>x</b>')",
        "the console shows the text as printed",
    );
    // Filters: failed only, then a text search.
    browser.eval("document.getElementById('f-failed').click()");
    browser.wait_for(
        "[...document.querySelectorAll('li.test')].every(li => ['failed','timed-out','crashed'].includes(li.dataset.state)) && document.querySelectorAll('li.test').length > 0",
        "failed only",
    );
    browser.eval("document.getElementById('f-failed').click(); const t = document.getElementById('f-text'); t.value = 'node assert'; t.dispatchEvent(new Event('input'))");
    browser.wait_for("document.querySelectorAll('li.test').length === 2", "the search keeps the two assert tests");
    // Keyboard: the tree has one tab stop; arrows move it, Enter expands.
    let keys = browser.eval(
        "(() => { const first = document.querySelector('#tree .row[tabindex=\"0\"]'); first.focus(); \
         first.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true })); \
         return document.querySelectorAll('#tree .row[tabindex=\"0\"]').length === 1 && document.activeElement !== first; })()",
    );
    assert_eq!(keys, true, "arrow keys move the one tab stop");
    browser.screenshot(&project.path().join("report.png"));
}

#[test]
fn the_static_report_shows_each_test_s_recorded_tries_where_a_history_exists() {
    let _browser = browser_lock();
    let project = Project::empty();
    // Fails on odd runs, passes on even ones (the counter survives between runs).
    project.write(
        "a.test.js",
        "import { test, expect } from \"proctor\";\nimport fs from \"node:fs\";\n\
         test(\"flips\", () => {\n  \
         const n = Number(fs.existsSync(\"count.txt\") ? fs.readFileSync(\"count.txt\", \"utf8\") : 0) + 1;\n  \
         fs.writeFileSync(\"count.txt\", String(n));\n  expect(n % 2).toBe(0);\n});\n\
         test(\"steady\", () => {});\n",
    );
    project.run(&["run"]).assert_code(1);
    project.run(&["run"]).assert_code(0);
    // The report of the third run includes that run's own tries.
    project.run(&["run", "--reporter", "html", "--output-file", "report.html"]).assert_code(1);
    let report = project.path().join("report.html");
    let mut browser = Browser::open(&format!("file://{}", report.display()));
    browser.wait_for("!!window.proctorPage && window.proctorPage.rendered()", "the page renders");
    let marks = |browser: &mut Browser, id: &str| {
        browser.eval(&format!(
            "Array.from(document.querySelectorAll('[data-id=\"{id}\"] .marks .mark')).map(m => m.className).join(' ')"
        ))
    };
    assert_eq!(marks(&mut browser, "a.test.js::flips"), "mark st-failed mark st-passed mark st-failed");
    assert_eq!(marks(&mut browser, "a.test.js::steady"), "mark st-passed mark st-passed mark st-passed");
    let label =
        browser.eval("document.querySelector('[data-id=\"a.test.js::flips\"] .marks').getAttribute('aria-label')");
    assert_eq!(label, "last 3 recorded: 1 passed, 2 failed; flip rate 100%");
    drop(browser);

    // No history, no marks.
    project.write("proctor.toml", "[history]\nenabled = false\n");
    project.run(&["run", "--reporter", "html", "--output-file", "off.html"]);
    let html = project.read("off.html");
    assert!(!html.contains("\"history\":{"), "nothing embedded without a history");
    let mut browser = Browser::open(&format!("file://{}", project.path().join("off.html").display()));
    browser.wait_for("!!window.proctorPage && window.proctorPage.rendered()", "the page renders");
    assert_eq!(browser.eval("document.querySelectorAll('.marks').length"), 0);
}

#[test]
fn the_live_page_of_watch_follows_reruns_and_says_when_its_server_is_gone() {
    let _browser = browser_lock();
    let project = Project::fixture("watch");
    // In git, so the page has a commit line to follow.
    project.git(&["init", "-q"]);
    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "-m", "one"]);
    let head = project.git(&["rev-parse", "HEAD"]);
    let mut watch = Background::spawn(&project, &["watch", "--run-first", "--debounce", "100", "--reporter", "dots"]);
    let log = watch.wait_for("waiting for changes", 1, Duration::from_secs(60));
    let url = log
        .lines()
        .find_map(|l| l.split_once("status page at ").and_then(|(_, rest)| rest.split(' ').next()))
        .unwrap_or_else(|| panic!("watch prints the page's URL once:\n{log}"))
        .to_string();
    assert_eq!(log.matches("status page at").count(), 1, "{log}");
    let port: u16 = url.split(':').nth(2).and_then(|p| p.split('/').next()).and_then(|p| p.parse().ok()).unwrap();
    let token = url.split("token=").nth(1).unwrap().to_string();

    // Every route needs the token.
    for (method, path) in
        [("GET", "/"), ("GET", "/events"), ("POST", "/rerun"), ("GET", "/history.json"), ("GET", "/meta.json")]
    {
        assert_eq!(http(port, method, path, "\"all\"", "").0, 401, "{method} {path} without the token");
        // One character changed (a token that starts with `0` gets a `1`).
        let first = if token.starts_with('0') { '1' } else { '0' };
        let wrong = format!("{path}?token={first}{}", &token[1..]);
        assert_eq!(http(port, method, &wrong, "\"all\"", "").0, 401, "{method} {path} with a wrong token");
    }
    assert_eq!(http(port, "GET", &format!("/?token={token}"), "", "").0, 200);
    let foreign = "Origin: http://evil.example\r\ncontent-type: application/json\r\n";
    assert_eq!(http(port, "POST", &format!("/rerun?token={token}"), "\"all\"", foreign).0, 403, "another site's form");

    let mut browser = Browser::open(&url);
    browser.wait_for(
        "!!window.proctorPage && document.getElementById('run-state').dataset.state === 'passed'",
        "the first run shows",
    );
    let counts = browser.counts();
    assert_eq!((counts.get("total"), counts.get("passed")), (Some(&4), Some(&4)), "{counts:?}");
    assert_eq!(browser.eval("document.querySelectorAll('#tree li.file').length"), 3);
    assert_eq!(browser.eval("document.getElementById('attach-page').hidden"), true, "watch has no attach page");
    let commit_line = "document.getElementById('meta').textContent";
    let clean = format!("commit {} ·", &head[..12]);
    browser.wait_for(&format!("{commit_line}.includes({clean:?})"), "the run's commit");
    browser.eval("window.__same_page = true");

    // A save that breaks a test: it turns failed, with its diff, without a reload.
    project.write("src/leaf.js", "export const one = 2;\n");
    let adds = "document.querySelector('[data-id=\"test/math.test.js::adds\"]')";
    browser.wait_for(&format!("{adds}?.dataset.state === 'failed'"), "the broken test turns failed");
    browser.wait_for("document.getElementById('run-state').dataset.state === 'failed'", "the rerun ends");
    let dirty = format!("commit {}-dirty", &head[..12]);
    browser.wait_for(&format!("{commit_line}.includes({dirty:?})"), "the commit line follows the rerun");
    let detail = browser.eval(&format!("{adds}.querySelector('.detail').innerText"));
    let detail = detail.as_str().unwrap_or_default();
    assert!(detail.contains("expected") || detail.contains("Expected"), "{detail}");
    assert!(detail.contains("expect(add(1, 2)).toBe(2 + unit())"), "its code frame: {detail}");
    assert_eq!(browser.eval("window.__same_page === true"), true, "no reload");
    let counts = browser.counts();
    assert_eq!(
        (counts.get("total"), counts.get("failed"), counts.get("passed")),
        (Some(&4), Some(&1), Some(&3)),
        "the other files keep their results: {counts:?}"
    );
    browser.screenshot(&project.path().join("live.png"));
    if let Ok(dir) = std::env::var("PROCTOR_SCREENSHOT_DIR") {
        browser.screenshot(&std::path::Path::new(&dir).join("status-page.png"));
    }

    // The rerun button of one test runs that test through the same watch.
    project.write("src/leaf.js", "export const one = 1;\n");
    let before = watch.wait_for("waiting for changes", 3, Duration::from_secs(60)).matches("picked test").count();
    assert_eq!(before, 0);
    browser.wait_for(&format!("{adds}?.dataset.state === 'passed'"), "the fix turns it green");
    browser.eval(&format!("{adds}.querySelector('button.rerun').click()"));
    watch.wait_for("(1 picked test(s))", 1, Duration::from_secs(60));
    browser.wait_for(
        &format!(
            "{adds}?.dataset.state === 'passed' && document.getElementById('run-state').dataset.state === 'passed'"
        ),
        "the rerun shows",
    );
    let counts = browser.counts();
    assert_eq!(
        (counts.get("total"), counts.get("passed")),
        (Some(&4), Some(&4)),
        "one test rerun, the rest kept: {counts:?}"
    );
    // Each test shows its latest tries from the history (passed, failed, then passed: a save may
    // give a rerun more) and its flip rate among them.
    browser
        .wait_for(&format!("({adds}?.querySelectorAll('.marks .mark').length ?? 0) >= 4"), "the test's recorded tries");
    let label = browser.eval(&format!("{adds}.querySelector('.marks').getAttribute('aria-label')"));
    let label = label.as_str().unwrap_or_default();
    assert!(label.contains(" passed, 1 failed; flip rate ") && !label.contains("flip rate 0%"), "{label}");
    // Rerun all from the page.
    browser.eval("document.getElementById('rerun-all').click()");
    watch.wait_for("(all tests)", 2, Duration::from_secs(60));

    // The server goes away: the page says so instead of showing stale green.
    let _ = watch.child.kill();
    let _ = watch.child.wait();
    browser.wait_for("!document.getElementById('banner').hidden && document.getElementById('banner').textContent.includes('disconnected')", "the banner");
    assert_eq!(browser.eval("document.getElementById('run-state').dataset.state"), "disconnected");
}

/// `proctor serve`'s config for [`the_live_page_of_serve_follows_the_runs_through_it`]: a
/// Chromium suite (its kept tab) and a node suite (runs report to serve's page even when they
/// need no browser).
const SERVE_CONFIG: &str = "[[suite]]\nid = \"web\"\nruntime = \"chromium\"\ntests = [\"web/*.test.js\"]\n\n\
    [[suite]]\nid = \"unit\"\nruntime = \"node\"\ntests = [\"unit/*.test.js\"]\n";
const SERVE_MATH: &str = "import { it, expect } from \"proctor\";\nit(\"adds\", () => {\n  expect(1 + 1).toBe(2);\n});\nit(\"subtracts\", () => {\n  expect(3 - 1).toBe(2);\n});\n";
/// A browser test that waits until the e2e test writes `gate.txt` (served by the run's file
/// server), so a run can be seen (and killed) while it runs.
const SERVE_GATED: &str =
    "import { it } from \"proctor\";\nit(\"waits for the gate\", { timeout: 60000 }, async () => {\n  \
    while ((await fetch(\"/gate.txt\")).status !== 200) await new Promise((r) => setTimeout(r, 50));\n});\n";

#[test]
fn the_live_page_of_serve_follows_the_runs_through_it() {
    let _browser = browser_lock();
    let project = Project::empty();
    project
        .write("proctor.toml", SERVE_CONFIG)
        .write("web/math.test.js", SERVE_MATH)
        .write("unit/node.test.js", "import { it } from \"proctor\";\nit(\"runs in node\", () => {});\n");
    let mut serve = Background::spawn(&project, &["serve"]);
    let log = serve.wait_for("now runs here", 1, Duration::from_secs(60));
    let url = log
        .lines()
        .find_map(|l| l.strip_prefix("proctor serve: status page at "))
        .unwrap_or_else(|| panic!("serve prints the page's URL:\n{log}"))
        .trim()
        .to_string();
    let record: Value = serde_json::from_str(&project.read(".proctor/server.json")).unwrap();
    assert_eq!(record["pageUrl"], url.as_str(), "the record names the page");
    let port = record["port"].as_u64().unwrap() as u16;
    let token = record["token"].as_str().unwrap().to_string();
    assert_eq!(url, format!("http://127.0.0.1:{port}/status/?token={token}"));

    // Every new route needs the token; the attach page stays at `/`.
    for (method, path) in [
        ("GET", "/status"),
        ("GET", "/status/"),
        ("GET", "/status/events"),
        ("POST", "/status/rerun"),
        ("GET", "/status/history.json"),
    ] {
        assert_eq!(http(port, method, path, "\"all\"", "").0, 401, "{method} {path} without the token");
        let wrong = format!("{path}?token=0{}", &token[1..]);
        let wrong = if token.starts_with('0') { wrong.replacen("token=0", "token=1", 1) } else { wrong };
        assert_eq!(http(port, method, &wrong, "\"all\"", "").0, 401, "{method} {path} with a wrong token");
    }
    let (code, shell) = http(port, "GET", &format!("/?token={token}"), "", "");
    assert!(code == 200 && shell.contains("startShell"), "the attach page is still at /: {code}");
    // It links to the status page, token included, and the link works.
    let link = shell
        .split_once("id=\"status-page\" href=\"")
        .and_then(|(_, rest)| rest.split('"').next())
        .unwrap_or_else(|| panic!("the attach page links to the status page:\n{shell}"));
    assert_eq!(link, format!("/status/?token={token}"));
    let (code, page) = http(port, "GET", link, "", "");
    assert!(code == 200 && page.contains("id=\"proctor-data\""), "the link opens the status page: {code}");
    assert_eq!(http(port, "GET", &format!("/status?token={token}"), "", "").0, 308, "/status leads to /status/");
    let foreign = "Origin: http://evil.example\r\ncontent-type: application/json\r\n";
    assert_eq!(http(port, "POST", &format!("/status/rerun?token={token}"), "\"all\"", foreign).0, 403);
    let status = || -> Value {
        let (code, body) = http(port, "GET", &format!("/status.json?token={token}"), "", "");
        assert_eq!(code, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    };
    let idle = status();
    assert_eq!((idle["state"].as_str(), idle["url"].as_str()), (Some("idle"), Some(url.as_str())), "{idle:#}");

    let mut browser = Browser::open(&url);
    browser.wait_for("!!window.proctorPage && window.proctorPage.rendered()", "the page renders");
    assert_eq!(browser.eval("document.getElementById('run-state').dataset.state"), "idle");
    // And the status page links back to the attach page, with its token; the link works.
    let back = browser.eval("(a => a.hidden ? null : a.href)(document.getElementById('attach-page'))");
    assert_eq!(back, format!("http://127.0.0.1:{port}/?token={token}"));
    let (code, shell) = http(port, "GET", &format!("/?token={token}"), "", "");
    assert!(code == 200 && shell.contains("startShell"), "the link opens the attach page: {code}");
    browser.eval("window.__same_page = true");
    let state = "document.getElementById('run-state').dataset.state";

    // A run through serve (one gated test keeps it open): running on the page and in the JSON.
    project.write("web/gate.test.js", SERVE_GATED);
    let mut run = project.command(&["run"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let running = "document.querySelector('#counts [data-state=\"running\"]')?.dataset.count === '1'";
    browser.wait_for(&format!("{running} && {state} === 'running'"), "the run shows running");
    assert_eq!(status()["state"], "running");
    // Meanwhile the buttons are refused, saying why.
    let page_origin = format!("Origin: http://127.0.0.1:{port}\r\ncontent-type: application/json\r\n");
    let (code, body) = http(port, "POST", &format!("/status/rerun?token={token}"), "\"all\"", &page_origin);
    assert_eq!((code, body.contains("busy")), (409, true), "{body}");
    project.write("gate.txt", "open");
    assert!(run.wait().unwrap().success(), "{}", serve.log());
    browser.wait_for(&format!("{state} === 'passed'"), "the run ends passed");
    let counts = browser.counts();
    assert_eq!((counts.get("total"), counts.get("passed")), (Some(&4), Some(&4)), "both suites: {counts:?}");
    assert_eq!(status()["state"], "passed");
    project.remove("gate.txt");

    // A failing test turns failed with its diff, without a reload.
    project.write(
        "web/math.test.js",
        &SERVE_MATH.replace("toBe(2);\n});\nit(\"subtracts\"", "toBe(3);\n});\nit(\"subtracts\""),
    );
    project.remove("web/gate.test.js");
    project.run(&["run"]).assert_code(1);
    let adds = "document.querySelector('[data-id=\"web/math.test.js::adds\"]')";
    browser.wait_for(&format!("{adds}?.dataset.state === 'failed' && {state} === 'failed'"), "the test turns failed");
    let detail = browser.eval(&format!("{adds}.querySelector('.detail').innerText"));
    let detail = detail.as_str().unwrap_or_default();
    assert!(detail.contains("Expected") && detail.contains("Received"), "a diff: {detail}");
    assert!(detail.contains("expect(1 + 1).toBe(3)"), "its code frame: {detail}");
    assert_eq!(browser.eval("window.__same_page === true"), true, "no reload");
    assert_eq!(status()["failing"][0]["id"], "web/math.test.js::adds");

    // Fixed; the test's rerun button runs it, as a run client of this serve in its kept tab.
    project.write("web/math.test.js", SERVE_MATH);
    browser.eval(&format!("{adds}.querySelector('button.rerun').click()"));
    serve.wait_for("rerun from the status page", 1, Duration::from_secs(30));
    browser
        .wait_for(&format!("{adds}?.dataset.state === 'passed' && {state} === 'passed'"), "the rerun turns it green");
    let log = serve.wait_for("the rerun ended", 1, Duration::from_secs(60));
    assert!(log.contains("--focus web:web/math.test.js::adds"), "{log}");
    assert!(log.contains("running in the runtimes kept by proctor serve"), "through this serve: {log}");
    let counts = browser.counts();
    assert_eq!((counts.get("total"), counts.get("passed")), (Some(&4), Some(&4)), "the rest kept: {counts:?}");
    assert_eq!(status()["state"], "passed");
    // A node test's button: a run that needs no browser still reports to the page.
    let node = "document.querySelector('[data-id=\"unit/node.test.js::runs in node\"]')";
    browser.eval("document.getElementById('expand-all').click()");
    browser.wait_for(&format!("!!{node}"), "the node test's file opens");
    browser.eval(&format!("{node}.querySelector('button.rerun').click()"));
    serve.wait_for("the rerun ended", 2, Duration::from_secs(60));
    let log = serve.log();
    assert!(log.contains("--focus unit:unit/node.test.js::runs in node"), "{log}");
    browser.wait_for(&format!("{node}?.dataset.state === 'passed' && {state} === 'passed'"), "the node rerun shows");

    let served = project.run(&["serve", "--status"]);
    assert!(served.stdout.contains(&format!("status page: {url}")), "{}", served.stdout);
    // `proctor status` finds serve and names its page.
    let summary = project.run(&["status"]);
    summary.assert_code(0);
    assert!(
        summary.stdout.contains("proctor serve") && summary.stdout.contains(&format!("page: {url}")),
        "{}",
        summary.stdout
    );

    // A run client killed mid-run: the page says the run was interrupted, not running for ever.
    project.write("web/gate.test.js", SERVE_GATED);
    let mut run = project.command(&["run"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    browser.wait_for(&format!("{running} && {state} === 'running'"), "the gated test runs");
    run.kill().unwrap();
    run.wait().unwrap();
    browser.wait_for(&format!("{state} === 'interrupted'"), "the page says the run was interrupted");
    let counts = browser.counts();
    assert_eq!((counts.get("interrupted"), counts.get("running")), (Some(&1), None), "{counts:?}");
    let after = status();
    assert_eq!(after["state"], "failed", "{after:#}");

    // Serve stops while a button's run waits at the gate: that run is stopped as by Ctrl-C
    // (its tests reported, its runtimes stopped), and the page says its server went away.
    browser.eval("document.getElementById('rerun-all').click()");
    serve.wait_for("rerun from the status page", 3, Duration::from_secs(30));
    browser.wait_for(&format!("{running} && {state} === 'running'"), "the rerun of everything runs");
    project.run(&["serve", "--stop"]).assert_code(0);
    let log = serve.wait_for("the rerun ended", 3, Duration::from_secs(30));
    assert!(log.contains("interrupted by SIGTERM"), "{log}");
    browser.wait_for(
        "!document.getElementById('banner').hidden && document.getElementById('banner').textContent.includes('disconnected')",
        "the banner",
    );
    assert_eq!(browser.eval(&format!("{state}")), "disconnected");
    let _ = serve.child.wait();
}
