//! Host-side runtime handling: [`Launch`] is how the session starts (and restarts) the runtime
//! of a suite; the session never cares which kind it is. [`NodeLaunch`] prepares node: a server
//! to connect back to and an entry module, then one child process per (re)start.

use crate::build::{build_browser, write_node_entry, BuildError, NodeEntry, StackMapper};
use crate::config::BuildMode;
use crate::server::{Server, Site};
use runtimes::{ChromiumBrowser, ChromiumLauncher, ChromiumTab, NodeLauncher, NodeProcess, RuntimeError};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Starts fresh runtimes that connect to the session's server.
#[allow(async_fn_in_trait)]
pub trait Launch {
    /// The started runtime.
    type Running: runtimes::Runtime;
    /// Starts one; it connects to the server on its own.
    async fn launch(&mut self) -> Result<Self::Running, RuntimeError>;

    /// Rewrites a stack from this runtime so frames name original files (see `StackMapper`).
    fn map_stack(&self, stack: &str) -> String {
        stack.to_string()
    }
}

/// Why a runtime could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum PrepareError {
    /// The websocket server could not bind.
    #[error("failed to start the server on 127.0.0.1: {0}")]
    Server(std::io::Error),
    /// The entry could not be written or the bundle could not be built.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The browser could not be launched.
    #[error(transparent)]
    Runtime(#[from] RuntimeError),
}

/// Node, ready to launch on a generated entry.
pub struct NodeLaunch {
    launcher: NodeLauncher,
    entry: NodeEntry,
    root: PathBuf,
}

impl NodeLaunch {
    /// Starts the server and writes the entry for `files` (relative, absolute path).
    pub async fn prepare(
        launcher: &NodeLauncher,
        files: &[(String, PathBuf)],
        root: &Path,
    ) -> Result<(Server, NodeLaunch), PrepareError> {
        let server = Server::start(None).await.map_err(PrepareError::Server)?;
        let entry = write_node_entry(files, &server.ws_url())?;
        Ok((server, NodeLaunch { launcher: launcher.clone(), entry, root: root.to_path_buf() }))
    }
}

impl Launch for NodeLaunch {
    type Running = NodeProcess;

    async fn launch(&mut self) -> Result<NodeProcess, RuntimeError> {
        self.launcher.spawn(&self.entry.preload, &self.entry.entry, &self.root)
    }
}

/// What a browser build produced, for the `Built` event.
pub struct BuildReport {
    /// The tool (`esm`, `esbuild --minify`, the command).
    pub tool: String,
    /// How long it took.
    pub duration: Duration,
}

/// Chromium: one headless browser per suite, one tab per (re)start, all loading the same
/// shell page from the server.
pub struct ChromiumLaunch {
    browser: ChromiumBrowser,
    page_url: String,
    stacks: StackMapper,
    /// Held so the build output lives as long as the browser may load it.
    _build_dir: tempfile::TempDir,
}

impl ChromiumLaunch {
    /// Builds the page for `files`, starts the server that serves it, and launches Chromium.
    pub async fn prepare(
        launcher: &ChromiumLauncher,
        files: &[(String, PathBuf)],
        root: &Path,
        mode: &BuildMode,
        minify: bool,
    ) -> Result<(Server, ChromiumLaunch, BuildReport), PrepareError> {
        let build_dir = tempfile::Builder::new()
            .prefix("proctor-")
            .tempdir()
            .map_err(|source| BuildError::Write { dir: std::env::temp_dir(), source })?;
        let (built, ready) = tokio::sync::watch::channel(false);
        let site = Site { root: root.to_path_buf(), build_dir: build_dir.path().to_path_buf(), ready };
        let server = Server::start(Some(site)).await.map_err(PrepareError::Server)?;
        // Launching Chromium and building overlap: both take a noticeable fraction of a second.
        // The page the browser opens at start-up waits for `built`.
        let (origin, ws_url, page_url) = (server.origin(), server.ws_url(), server.page_url());
        let build = async {
            let result = build_browser(build_dir.path(), root, files, mode, minify, &origin, &ws_url).await;
            let _ = built.send(result.is_ok());
            result
        };
        let (browser, build) = tokio::join!(launcher.launch(&page_url), build);
        let build = build?;
        let browser = browser?;
        let report = BuildReport { tool: build.tool, duration: build.duration };
        let launch =
            ChromiumLaunch { browser, page_url: server.page_url(), stacks: build.stacks, _build_dir: build_dir };
        Ok((server, launch, report))
    }
}

impl Launch for ChromiumLaunch {
    type Running = ChromiumTab;

    async fn launch(&mut self) -> Result<ChromiumTab, RuntimeError> {
        self.browser.open_tab(&self.page_url).await
    }

    fn map_stack(&self, stack: &str) -> String {
        self.stacks.map_stack(stack)
    }
}
