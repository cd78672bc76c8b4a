//! `proctor status`: asks a running `proctor watch` (or `proctor serve`) for its [`Status`] and
//! prints a summary (or the JSON with `--json`). It finds the watch through
//! `.proctor/watch.json`, else the serve through `.proctor/server.json`, or is told where with
//! `--url` or `--port` and `--token`. Exit code: 0 when the tests are passed (or no
//! run has ended yet), 1 when they are failed (also while a rerun goes on after a failure), 2
//! when no watch runs or it cannot be reached.

use super::http::{watch_record_path, WatchRecord};
use super::model::{State, Status};
use crate::cli::StatusArgs;
use crate::exit::{SUCCESS, TESTS_FAILED, USAGE_OR_ENVIRONMENT};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long the watch may take to answer.
const ANSWER_WAIT: Duration = Duration::from_secs(5);

/// Why `proctor status` has no status to show.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StatusError {
    /// No record, or one whose process is gone.
    #[error("no proctor watch or serve runs for {} (hint: start one with `proctor watch`, or name it with --url)", root.display())]
    NotRunning {
        /// The project root looked in.
        root: PathBuf,
    },
    /// The URL given is not `http://host:port/...`.
    #[error("--url {0:?} is not an http://host:port/ URL")]
    BadUrl(String),
    /// Connecting, sending or reading failed.
    #[error("failed to ask {target}: {source}")]
    Io {
        /// host:port.
        target: String,
        /// What failed.
        source: std::io::Error,
    },
    /// The server answered with an error status.
    #[error("{target} answered HTTP {code}: {body}")]
    Http {
        /// host:port.
        target: String,
        /// The HTTP status.
        code: u16,
        /// Its body's first line.
        body: String,
    },
    /// The body is not a status.
    #[error("{target} sent no status JSON: {source}")]
    Json {
        /// host:port.
        target: String,
        /// Why it does not parse.
        source: serde_json::Error,
    },
}

/// `proctor status`.
pub fn status(args: StatusArgs) -> Result<u8, crate::commands::CommandError> {
    let cwd = std::env::current_dir().map_err(crate::commands::CommandError::Output)?;
    let root = args.root.clone().map(|r| cwd.join(r)).unwrap_or_else(|| find_root(&cwd));
    match fetch(&args, &root) {
        Ok((status, text)) => {
            if args.json {
                outln!("{}", text.trim_end());
            } else {
                print_summary(&status);
            }
            Ok(exit_code(&status))
        }
        Err(err) => {
            if args.json {
                outln!(
                    "{}",
                    serde_json::json!({ "version": super::STATUS_VERSION, "state": "not-running", "error": err.to_string() })
                );
            }
            errln!("proctor status: {err}");
            Ok(USAGE_OR_ENVIRONMENT)
        }
    }
}

/// 0 passed or idle, 1 failed (also while a rerun runs after a failure).
pub(crate) fn exit_code(status: &Status) -> u8 {
    let failed = match status.state {
        State::Failed => true,
        State::Running => status.last_result == Some(State::Failed) || !status.failing.is_empty(),
        State::Passed | State::Idle => false,
    };
    if failed {
        TESTS_FAILED
    } else {
        SUCCESS
    }
}

/// The nearest directory upwards with a watch record, else with proctor.toml, else `cwd`.
fn find_root(cwd: &Path) -> PathBuf {
    cwd.ancestors()
        .find(|dir| watch_record_path(dir).is_file())
        .or_else(|| cwd.ancestors().find(|dir| dir.join("proctor.toml").is_file()))
        .unwrap_or(cwd)
        .to_path_buf()
}

/// Where to ask and with which token: the flags, else the project's record.
fn target(args: &StatusArgs, root: &Path) -> Result<(String, String, Option<String>), StatusError> {
    if let Some(url) = &args.url {
        let rest = url.strip_prefix("http://").ok_or_else(|| StatusError::BadUrl(url.clone()))?;
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if authority.is_empty() {
            return Err(StatusError::BadUrl(url.clone()));
        }
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let token = query.split('&').find_map(|pair| pair.strip_prefix("token=")).map(str::to_string);
        // A page URL (`/?token=`) names the same server as its status.
        let path = if path.ends_with("/status.json") { path.to_string() } else { "/status.json".to_string() };
        return Ok((authority.to_string(), path, token.or_else(|| args.token.clone())));
    }
    if let Some(port) = args.port {
        return Ok((format!("127.0.0.1:{port}"), "/status.json".into(), args.token.clone()));
    }
    let watch = std::fs::read_to_string(watch_record_path(root))
        .ok()
        .and_then(|text| serde_json::from_str::<WatchRecord>(&text).ok())
        .filter(|record| crate::serve::process_alive(record.pid));
    if let Some(record) = watch {
        return Ok((format!("127.0.0.1:{}", record.port), "/status.json".into(), Some(record.token)));
    }
    // A `proctor serve` serves the status its runs report.
    match crate::serve::read_record(root) {
        crate::serve::Recorded::Live(record) => {
            let host = if record.bind == "0.0.0.0" || record.bind == "::" { "127.0.0.1" } else { record.bind.as_str() };
            Ok((crate::serve::host_port(host, record.port), "/status.json".into(), Some(record.token)))
        }
        crate::serve::Recorded::None | crate::serve::Recorded::Stale { .. } => {
            Err(StatusError::NotRunning { root: root.to_path_buf() })
        }
    }
}

/// Asks for the status; the parsed value and the JSON as sent.
fn fetch(args: &StatusArgs, root: &Path) -> Result<(Status, String), StatusError> {
    let (authority, path, token) = target(args, root)?;
    let io = |source| StatusError::Io { target: authority.clone(), source };
    let addrs: Vec<std::net::SocketAddr> = std::net::ToSocketAddrs::to_socket_addrs(&authority).map_err(io)?.collect();
    let addr = addrs.first().ok_or_else(|| io(std::io::Error::other("no address")))?;
    let mut stream = TcpStream::connect_timeout(addr, ANSWER_WAIT).map_err(|err| {
        if err.kind() == std::io::ErrorKind::ConnectionRefused && args.url.is_none() && args.port.is_none() {
            StatusError::NotRunning { root: root.to_path_buf() }
        } else {
            io(err)
        }
    })?;
    stream.set_read_timeout(Some(ANSWER_WAIT)).map_err(io)?;
    // The token goes in a header, not the URL, so it stays out of access logs.
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {authority}\r\n{auth}Connection: close\r\n\r\n").map_err(io)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(io)?;
    let answer = String::from_utf8_lossy(&answer);
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let code = head.split_whitespace().nth(1).and_then(|c| c.parse::<u16>().ok()).unwrap_or(0);
    let body =
        if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(body) } else { body.to_string() };
    if code != 200 {
        let first = body.lines().next().unwrap_or_default().to_string();
        return Err(StatusError::Http { target: authority, code, body: first });
    }
    let status = serde_json::from_str(&body).map_err(|source| StatusError::Json { target: authority, source })?;
    Ok((status, body))
}

/// The body of a chunked HTTP/1.1 answer.
fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.split(';').next().unwrap_or_default().trim(), 16).unwrap_or(0);
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].strip_prefix("\r\n").unwrap_or(&after[size..]);
    }
    out
}

/// The human summary.
fn print_summary(status: &Status) {
    let state = match status.state {
        State::Idle => "idle (no run yet)",
        State::Running => "running",
        State::Passed => "passed",
        State::Failed => "failed",
    };
    let server = status.server.as_ref().map(|s| format!("proctor {} (pid {}) for {}", s.kind, s.pid, s.root));
    outln!("{}: {state}", server.unwrap_or_else(|| "proctor".into()));
    let c = &status.counts;
    let parts = [
        (c.passed, "passed"),
        (c.failed, "failed"),
        (c.timed_out, "timed out"),
        (c.crashed, "crashed"),
        (c.interrupted, "interrupted"),
        (c.flaky, "flaky"),
        (c.skipped, "skipped"),
        (c.todo, "todo"),
        (c.load_errors, "load errors"),
        (c.runtime_errors, "errors outside tests"),
    ];
    let shown: Vec<String> = parts.iter().filter(|(n, _)| *n > 0).map(|(n, what)| format!("{n} {what}")).collect();
    let shown = if shown.is_empty() { "no tests yet".to_string() } else { shown.join(", ") };
    outln!("tests: {shown}");
    if let Some(run) = &status.run {
        let commit = run.commit.as_deref().map(|c| format!(" on {}", &c[..c.len().min(12)])).unwrap_or_default();
        let took = run.duration_ms.map(|ms| format!(", took {ms} ms")).unwrap_or_default();
        let current = run.current.as_deref().map(|id| format!(", running {id}")).unwrap_or_default();
        outln!("run {}{commit}: started {}{took}{current}", run.number, run.started_at);
    }
    for problem in status.failing.iter().chain(&status.flaky) {
        let place = match (&problem.file, problem.line) {
            (Some(file), Some(line)) => format!("{file}:{line}"),
            (Some(file), None) => file.clone(),
            (None, _) => problem.suite.clone(),
        };
        let what = problem.id.as_deref().or(problem.name.as_deref()).unwrap_or_default();
        let mut lines = problem.message.lines().filter(|l| !l.trim().is_empty());
        outln!("  {} {what} ({place}): {}", problem.outcome, lines.next().unwrap_or_default());
        for line in lines {
            outln!("      {line}");
        }
    }
    if let Some(url) = &status.url {
        outln!("page: {url}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunked_body_is_joined() {
        assert_eq!(dechunk("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"), "hello world");
    }

    #[test]
    fn a_url_names_the_server_and_its_token() {
        let args = StatusArgs {
            root: None,
            json: false,
            url: Some("http://127.0.0.1:4711/?token=abc".into()),
            port: None,
            token: None,
        };
        let (authority, path, token) = target(&args, Path::new("/nowhere")).unwrap();
        assert_eq!(
            (authority.as_str(), path.as_str(), token.as_deref()),
            ("127.0.0.1:4711", "/status.json", Some("abc"))
        );
        let bad = StatusArgs { url: Some("ftp://x".into()), ..args };
        assert!(matches!(target(&bad, Path::new("/nowhere")), Err(StatusError::BadUrl(_))));
    }
}
