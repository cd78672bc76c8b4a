//! The kept node runtime: one node process ([`NodeShell`], running the controller's
//! `node-shell.js`) for a whole watch session, and one worker thread in it per (re)start
//! ([`NodeWorker`]). A worker is a fresh realm with its own module graph, starts in a few
//! milliseconds, and can be terminated even while a test spins.

use crate::node::{read_lines, NodeLauncher};
use crate::{ExitInfo, RawOutput, Runtime, RuntimeError};
use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::process::{Child, ChildStdin};
use tokio::sync::{mpsc, oneshot};

/// Lines the shell writes for the host start with this; all others are the workers' output.
const MARKER: &str = "\u{1}proctor-shell ";
/// How long the shell may take to start a worker or terminate one.
const SHELL_REPLY: Duration = Duration::from_secs(10);

#[derive(Default)]
struct Routes {
    /// Waiting for `opened` / `closed`, by worker id.
    replies: HashMap<(u64, &'static str), oneshot::Sender<()>>,
    /// Told when a worker exits.
    exits: HashMap<u64, oneshot::Sender<ExitInfo>>,
    /// Where the shell's other output goes: the newest worker's, until it exits.
    output: Option<(u64, mpsc::UnboundedSender<RawOutput>)>,
}

/// A running node shell.
pub struct NodeShell {
    child: tokio::sync::Mutex<Child>,
    stdin: tokio::sync::Mutex<ChildStdin>,
    routes: Arc<Mutex<Routes>>,
    next: AtomicU64,
}

impl NodeShell {
    /// Starts `node <shell> <preload> <controller>` in `cwd`: the shell script is the
    /// controller's `node-shell.js`; every worker imports the preload (file URL) and the
    /// controller's `node.js` (file URL) before its entry, which must use that same controller.
    pub fn start(
        launcher: &NodeLauncher,
        shell: &Path,
        preload: &str,
        controller: &str,
        cwd: &Path,
    ) -> Result<NodeShell, RuntimeError> {
        let args: [OsString; 3] = [shell.into(), preload.into(), controller.into()];
        let mut command = launcher.command(args, cwd, Stdio::piped());
        let program = launcher.program().display().to_string();
        let mut child = command.spawn().map_err(|source| RuntimeError::Spawn { program, source })?;
        let stdin = child.stdin.take().expect("stdin is piped");
        let routes = Arc::new(Mutex::new(Routes::default()));
        if let Some(stdout) = child.stdout.take() {
            let routes = routes.clone();
            read_lines(stdout, move |line| {
                route(&routes, line, false);
                true
            });
        }
        if let Some(stderr) = child.stderr.take() {
            let routes = routes.clone();
            read_lines(stderr, move |line| {
                route(&routes, line, true);
                true
            });
        }
        Ok(NodeShell {
            child: tokio::sync::Mutex::new(child),
            stdin: tokio::sync::Mutex::new(stdin),
            routes,
            next: AtomicU64::new(1),
        })
    }

    /// True while the shell process runs.
    pub async fn alive(&self) -> bool {
        matches!(self.child.lock().await.try_wait(), Ok(None))
    }

    async fn send(&self, line: String) -> Result<(), RuntimeError> {
        let mut stdin = self.stdin.lock().await;
        let written = async {
            stdin.write_all(line.as_bytes()).await?;
            stdin.write_all(b"\n").await?;
            stdin.flush().await
        };
        written.await.map_err(|err| RuntimeError::Launch { program: "node shell".into(), message: err.to_string() })
    }

    fn expect(&self, id: u64, kind: &'static str) -> oneshot::Receiver<()> {
        let (tx, rx) = oneshot::channel();
        self.routes.lock().unwrap_or_else(|p| p.into_inner()).replies.insert((id, kind), tx);
        rx
    }

    /// Starts a worker on `entry` (a file URL).
    pub async fn spawn_worker(self: &Arc<Self>, entry: &str) -> Result<NodeWorker, RuntimeError> {
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        let (output_tx, output) = mpsc::unbounded_channel();
        let (exit_tx, exited) = oneshot::channel();
        {
            let mut routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
            routes.output = Some((id, output_tx));
            routes.exits.insert(id, exit_tx);
        }
        let opened = self.expect(id, "opened");
        let command = serde_json_line(&[("type", "open"), ("entry", entry)], id);
        self.send(command).await?;
        match tokio::time::timeout(SHELL_REPLY, opened).await {
            Ok(Ok(())) => Ok(NodeWorker { shell: self.clone(), id, exited: Some(exited), exit: None, output }),
            _ => Err(RuntimeError::Launch {
                program: "node shell".into(),
                message: "the kept node process did not start a worker (it may have died)".into(),
            }),
        }
    }
}

/// One worker thread of the shell.
pub struct NodeWorker {
    shell: Arc<NodeShell>,
    id: u64,
    exited: Option<oneshot::Receiver<ExitInfo>>,
    exit: Option<ExitInfo>,
    output: mpsc::UnboundedReceiver<RawOutput>,
}

impl Runtime for NodeWorker {
    async fn exited(&mut self) -> ExitInfo {
        if let Some(exit) = &self.exit {
            return exit.clone();
        }
        let info = match self.exited.take() {
            Some(rx) => rx.await.unwrap_or(ExitInfo { code: None, signal: None }),
            None => std::future::pending().await,
        };
        self.exit = Some(info.clone());
        info
    }

    async fn output(&mut self) -> Option<RawOutput> {
        self.output.recv().await
    }

    async fn kill(&mut self) {
        if self.exit.is_some() {
            return;
        }
        let closed = self.shell.expect(self.id, "closed");
        if self.shell.send(serde_json_line(&[("type", "close")], self.id)).await.is_ok() {
            let _ = tokio::time::timeout(SHELL_REPLY, closed).await;
        }
        self.exit = Some(ExitInfo { code: None, signal: None });
    }
}

/// `{"type":...,"id":N,...}` without a JSON dependency: the values are URLs and fixed words.
fn serde_json_line(fields: &[(&str, &str)], id: u64) -> String {
    let quote = |s: &str| {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    };
    let mut parts = vec![format!("\"id\":{id}")];
    parts.extend(fields.iter().map(|(k, v)| format!("{}:{}", quote(k), quote(v))));
    format!("{{{}}}", parts.join(","))
}

/// Hands one line of the shell's output to whoever waits for it.
fn route(routes: &Mutex<Routes>, line: String, stderr: bool) {
    let mut routes = routes.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(message) = line.strip_prefix(MARKER).filter(|_| !stderr) {
        let kind = field(message, "type").unwrap_or_default();
        let Some(id) = field(message, "id").and_then(|id| id.parse::<u64>().ok()) else { return };
        match kind.as_str() {
            "opened" | "closed" => {
                let key = (id, if kind == "opened" { "opened" } else { "closed" });
                if let Some(waiter) = routes.replies.remove(&key) {
                    let _ = waiter.send(());
                }
            }
            "exited" => {
                let code = field(message, "code").and_then(|c| c.parse::<i32>().ok());
                if let Some(waiter) = routes.exits.remove(&id) {
                    let _ = waiter.send(ExitInfo { code, signal: None });
                }
                // Its output ends with it (the marker follows everything it printed on stdout).
                if routes.output.as_ref().is_some_and(|(current, _)| *current == id) {
                    routes.output = None;
                }
            }
            _ => {}
        }
        return;
    }
    if let Some((_, output)) = &routes.output {
        let _ = output.send(RawOutput { stderr, text: line });
    }
}

/// A top-level field of the shell's one-line JSON (numbers and plain strings only).
fn field(message: &str, name: &str) -> Option<String> {
    let key = format!("\"{name}\":");
    let rest = &message[message.find(&key)? + key.len()..];
    let value = if let Some(quoted) = rest.strip_prefix('"') {
        quoted.split('"').next()?.to_string()
    } else {
        rest.split([',', '}']).next()?.trim().to_string()
    };
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_lines_are_read_field_by_field() {
        let line = r#"{"type":"exited","id":7,"code":1}"#;
        assert_eq!(field(line, "type").as_deref(), Some("exited"));
        assert_eq!(field(line, "id").as_deref(), Some("7"));
        assert_eq!(field(line, "code").as_deref(), Some("1"));
        assert_eq!(
            serde_json_line(&[("type", "open"), ("entry", "file:///a \"b\".mjs")], 3),
            r#"{"id":3,"type":"open","entry":"file:///a \"b\".mjs"}"#
        );
    }
}
