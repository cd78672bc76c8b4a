//! The node runtime: finds `node`, checks its version, and runs one child process per
//! (re)start with the generated entry module.

use crate::{ExitInfo, RawOutput, Runtime, RuntimeError};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;

/// Oldest node proctor supports: `module.register` resolve hooks arrived in 20.6.
const MIN_MAJOR: u32 = 20;
const MIN_MINOR: u32 = 6;

/// Knows which node to run and with which flags.
#[derive(Debug, Clone)]
pub struct NodeLauncher {
    node: PathBuf,
    version: String,
    major: u32,
    minor: u32,
}

impl NodeLauncher {
    /// Finds node (`PROCTOR_NODE`, else `node` on PATH) and reads its version.
    pub fn find() -> Result<Self, RuntimeError> {
        let node = match std::env::var_os("PROCTOR_NODE") {
            Some(path) => PathBuf::from(path),
            None => which::which("node").map_err(|_| RuntimeError::NotFound {
                program: "node".into(),
                hint: "install Node.js 20.6 or newer, e.g. `apt-get install nodejs`, or set PROCTOR_NODE".into(),
            })?,
        };
        // NODE_OPTIONS is for the test process; it can break or pollute a version probe.
        let output = std::process::Command::new(&node)
            .arg("--version")
            .env_remove("NODE_OPTIONS")
            .output()
            .map_err(|source| RuntimeError::Spawn { program: node.display().to_string(), source })?;
        let version = String::from_utf8_lossy(&output.stdout).trim().to_string();
        let mut parts = version.trim_start_matches('v').split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
        if (major, minor) < (MIN_MAJOR, MIN_MINOR) {
            return Err(RuntimeError::TooOld {
                program: "node".into(),
                version,
                needed: format!("v{MIN_MAJOR}.{MIN_MINOR}"),
            });
        }
        Ok(NodeLauncher { node, version, major, minor })
    }

    /// The version string, e.g. `v20.20.2`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The node executable.
    pub fn program(&self) -> &Path {
        &self.node
    }

    /// The flags every node process proctor starts gets, whatever it runs.
    fn base_flags(&self) -> Vec<OsString> {
        let mut flags: Vec<OsString> = Vec::new();
        if (self.major, self.minor) >= (20, 11) {
            // module.register() is an experimental API on some 20.x releases; its warning is noise.
            flags.push("--disable-warning=ExperimentalWarning".into());
            // Babel-era projects write ES modules in `.js` files of packages with no "type", as
            // bundlers and Jest accept; node runs them and warns on every file.
            flags.push("--disable-warning=MODULE_TYPELESS_PACKAGE_JSON".into());
        }
        // Without module.registerHooks, node-register.js resolves `proctor` in-thread through
        // node's own loader, which this exposes; the alternative, module.register, puts every
        // module load behind a loader thread (~130 ms on 200 files). It falls back to that by
        // itself when the internals are not what it expects. With module.registerHooks, it uses
        // them only so that `require` of an ES module gets the instance `import` gets in a fresh
        // realm (node hands `require` the plain URL, past every hook), and goes without when
        // they differ.
        flags.push("--expose-internals".into());
        flags
    }

    /// `node <flags> <args>` in `cwd`, as proctor starts every node process: stdout and stderr
    /// piped to the host, killed when dropped, `NODE_ENV=test` unless the user set it. Node
    /// leads a process group of its own, so the processes its tests start go with it (see
    /// [`NodeProcess`]), and it gets SIGKILL when proctor dies, even by `kill -9`.
    pub(crate) fn command<I, A>(&self, args: I, cwd: &Path, stdin: Stdio) -> Command
    where
        I: IntoIterator<Item = A>,
        A: Into<OsString>,
    {
        let mut command = Command::new(&self.node);
        command
            .args(self.base_flags())
            .args(args.into_iter().map(Into::into))
            .current_dir(cwd)
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        #[cfg(target_os = "linux")]
        {
            command.process_group(0);
            let parent = std::process::id() as libc::pid_t;
            // SAFETY: between fork and exec only async-signal-safe calls (prctl, getppid) run.
            unsafe {
                command.pre_exec(move || {
                    // The signal comes when the thread that spawned node ends; proctor spawns
                    // from its runtime's long-lived threads, never from a passing blocking one.
                    if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    // proctor may have died before the prctl: then nobody would send the signal.
                    if libc::getppid() != parent {
                        return Err(std::io::Error::other("proctor exited while node was starting"));
                    }
                    Ok(())
                });
            }
        }
        if std::env::var_os("NODE_ENV").is_none() {
            command.env("NODE_ENV", "test");
        }
        command
    }

    /// Starts `node <flags> --import <preload> <entry>` in `cwd`.
    pub fn spawn(&self, preload: &str, entry: &Path, cwd: &Path) -> Result<NodeProcess, RuntimeError> {
        let (process, _) = self.start(preload, entry, cwd, Stdio::null())?;
        Ok(process)
    }

    /// Starts `node <flags> --import <preload> <boot>` in `cwd` before there is an entry: the
    /// boot script (the controller's `node-boot.js`) loads the controller, then waits for the
    /// entry's URL on stdin, which [`BootingNode::run_entry`] sends. The host plans the tests
    /// meanwhile, so node's start-up no longer waits for the plan.
    pub fn spawn_booting(&self, preload: &str, boot: &Path, cwd: &Path) -> Result<BootingNode, RuntimeError> {
        let (process, stdin) = self.start(preload, boot, cwd, Stdio::piped())?;
        Ok(BootingNode { process, stdin })
    }

    fn start(
        &self,
        preload: &str,
        script: &Path,
        cwd: &Path,
        stdin: Stdio,
    ) -> Result<(NodeProcess, Option<ChildStdin>), RuntimeError> {
        // The controller speaks websocket over node:net itself, so no --experimental-websocket.
        let args: [OsString; 3] = ["--import".into(), preload.into(), script.into()];
        let mut child = self
            .command(args, cwd, stdin)
            .spawn()
            .map_err(|source| RuntimeError::Spawn { program: self.node.display().to_string(), source })?;
        let (tx, output) = mpsc::unbounded_channel();
        if let Some(stdout) = child.stdout.take() {
            forward_lines(stdout, false, tx.clone());
        }
        if let Some(stderr) = child.stderr.take() {
            forward_lines(stderr, true, tx);
        }
        let stdin = child.stdin.take();
        Ok((NodeProcess { child, output, exit: None }, stdin))
    }
}

/// A node process that has started and is loading the controller, waiting to be told its
/// entry. Dropping it kills the process.
#[derive(Debug)]
pub struct BootingNode {
    process: NodeProcess,
    stdin: Option<ChildStdin>,
}

impl BootingNode {
    /// Tells the process to import the entry at `entry_url` (a file: URL) and closes its stdin,
    /// so tests read an empty stdin as they would from a process started on the entry. A
    /// process that died meanwhile is still returned: the session sees it exit before
    /// connecting and reports what it printed, as for any node that fails at start-up.
    pub async fn run_entry(mut self, entry_url: &str) -> NodeProcess {
        if let Some(mut stdin) = self.stdin.take() {
            let line = format!("{entry_url}\n");
            let _ = stdin.write_all(line.as_bytes()).await;
            let _ = stdin.flush().await;
        }
        self.process
    }
}

fn forward_lines<R>(reader: R, stderr: bool, tx: mpsc::UnboundedSender<RawOutput>)
where
    R: tokio::io::AsyncRead + Unpin + Send + 'static,
{
    read_lines(reader, move |text| tx.send(RawOutput { stderr, text }).is_ok());
}

/// Hands each line `reader` yields to `each`, on a task of its own, until the reader ends or
/// `each` returns false.
pub(crate) fn read_lines<R>(reader: R, mut each: impl FnMut(String) -> bool + Send + 'static)
where
    R: tokio::io::AsyncRead + Unpin + Send + 'static,
{
    tokio::spawn(async move {
        let mut lines = BufReader::new(reader).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if !each(line) {
                break;
            }
        }
    });
}

/// One running node process, leader of its process group. Killing it, dropping it, or seeing
/// it exit ends the whole group: a server or watcher a test started and never stopped does not
/// outlive its runtime.
#[derive(Debug)]
pub struct NodeProcess {
    child: Child,
    output: mpsc::UnboundedReceiver<RawOutput>,
    exit: Option<ExitInfo>,
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        end_group(self.child.id());
    }
}

fn exit_info(status: std::process::ExitStatus) -> ExitInfo {
    #[cfg(unix)]
    let signal = std::os::unix::process::ExitStatusExt::signal(&status);
    #[cfg(not(unix))]
    let signal = None;
    ExitInfo { code: status.code(), signal }
}

impl Runtime for NodeProcess {
    async fn exited(&mut self) -> ExitInfo {
        if let Some(exit) = &self.exit {
            return exit.clone();
        }
        // Read before `wait` reaps node: afterwards its pid, and so its group's id, is unknown.
        let group = self.child.id();
        let info = match self.child.wait().await {
            Ok(status) => exit_info(status),
            Err(_) => ExitInfo { code: None, signal: None },
        };
        end_group(group);
        self.exit = Some(info.clone());
        info
    }

    async fn output(&mut self) -> Option<RawOutput> {
        self.output.recv().await
    }

    async fn kill(&mut self) {
        if self.exit.is_none() {
            end_group(self.child.id());
            let _ = self.child.start_kill();
            if let Ok(status) = self.child.wait().await {
                self.exit = Some(exit_info(status));
            }
        }
    }
}

/// Sends SIGKILL to the process group node leads (`group` is node's pid): node, if it still
/// runs, and whatever its tests started that did not leave the group. The group outlives its
/// leader while members remain, so this also ends them after node exited.
fn end_group(group: Option<u32>) {
    #[cfg(target_os = "linux")]
    if let Some(pid) = group {
        // SAFETY: kill(2) with a negative pid only signals that process group.
        unsafe {
            libc::kill(-(pid as libc::pid_t), libc::SIGKILL);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = group;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn launcher(major: u32, minor: u32) -> NodeLauncher {
        NodeLauncher { node: PathBuf::from("node"), version: format!("v{major}.{minor}.0"), major, minor }
    }

    #[test]
    fn internals_are_exposed_on_every_node() {
        let exposes =
            |major, minor| launcher(major, minor).base_flags().iter().any(|flag| flag == "--expose-internals");
        for (major, minor, expected) in [
            (20, 6, true),
            (20, 20, true),
            (21, 7, true),
            (22, 14, true),
            (22, 15, true),
            (23, 4, true),
            (23, 5, true),
            (24, 0, true),
        ] {
            assert_eq!(exposes(major, minor), expected, "node {major}.{minor}");
        }
    }
}
