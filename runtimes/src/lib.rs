//! Launching, watching and killing the JavaScript runtimes proctor drives.
//!
//! A runtime is something that can be started, noticed dying, and killed; the session never
//! cares which kind it is: a node process and a Chromium tab are both a [`Runtime`].

mod cdp;
mod chromium;
mod node;
mod node_shell;

pub use chromium::{sweep_stale_browsers, ChromiumBrowser, ChromiumLauncher, ChromiumTab};
pub use node::{BootingNode, NodeLauncher, NodeProcess};
pub use node_shell::{NodeShell, NodeWorker};
use std::future::Future;

/// A line (or chunk) a runtime printed on its own stdout/stderr, outside the controller's
/// capture (native crashes, node's own warnings, output after the socket closed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawOutput {
    /// True for stderr.
    pub stderr: bool,
    /// The text, one line without its newline.
    pub text: String,
}

/// How a runtime ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExitInfo {
    /// Its exit code, if it exited normally.
    pub code: Option<i32>,
    /// The signal that killed it, if any.
    pub signal: Option<i32>,
}

impl std::fmt::Display for ExitInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.code, self.signal) {
            (Some(code), _) => write!(f, "exited with code {code}"),
            (None, Some(signal)) => write!(f, "was killed by signal {signal}"),
            (None, None) => write!(f, "exited"),
        }
    }
}

/// Why a runtime could not be started.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// The executable is not installed.
    #[error("failed to find {program} on PATH (hint: {hint})")]
    NotFound { program: String, hint: String },
    /// The executable exists but could not be run.
    #[error("failed to start {program}: {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    /// The browser could not be launched or driven.
    #[error("failed to launch {program}: {message}")]
    Launch { program: String, message: String },
    /// The executable ran but its version is unusable.
    #[error("{program} {version} is too old: proctor needs {needed} or newer")]
    TooOld { program: String, version: String, needed: String },
}

/// A started runtime process the session can watch and kill.
#[allow(async_fn_in_trait)]
pub trait Runtime {
    /// Resolves when the runtime has died; pending forever while it runs.
    fn exited(&mut self) -> impl Future<Output = ExitInfo> + Send;
    /// The next line it printed outside the controller; pending while there is none, `None`
    /// once it can print no more (its pipes closed; for a tab, the tab ended).
    fn output(&mut self) -> impl Future<Output = Option<RawOutput>> + Send;
    /// Kills it (if still running) and waits until it is gone.
    async fn kill(&mut self);

    /// True when the runtime ends by itself once its controller closes the socket (a process
    /// exits); false when only `kill` ends it (a tab stays open).
    fn exits_with_its_socket(&self) -> bool {
        true
    }

    /// The DevTools target the runtime runs in, for browser tabs.
    fn target(&self) -> Option<String> {
        None
    }

    /// Once [`Runtime::exited`] resolved: what ended it, in words, when the runtime knows more
    /// than an exit status (a browser tab that crashed out of memory).
    fn end_reason(&self) -> Option<String> {
        None
    }
}
