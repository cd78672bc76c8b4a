//! Host-side runtime handling: [`Launch`] is how the session starts (and restarts) the runtime
//! of a suite; the session never cares which kind it is. [`NodeLaunch`] prepares node: a server
//! to connect back to and an entry module, then one child process per (re)start.

use crate::build::{
    build_browser, temp_dir, url_path, write_controller, write_node_entry, write_node_entry_using, BuildError,
    EsmModules, FileSetup, LoadProblems, ModuleSettings, NodeEntry, NodeModules, ProjectModules, StackMapper,
};
use crate::config::BuildMode;
use crate::serve::ServeClient;
use crate::server::Server;
use runtimes::{BootingNode, ChromiumBrowser, ChromiumLauncher, ChromiumTab, NodeLauncher, NodeProcess, RuntimeError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Starts fresh runtimes that connect to the session's server.
#[allow(async_fn_in_trait)]
pub trait Launch {
    /// The started runtime.
    type Running: runtimes::Runtime;
    /// Starts one; it connects to the server on its own.
    async fn launch(&mut self) -> Result<Self::Running, RuntimeError>;

    /// Rewrites a stack from this runtime so frames name original files (see `StackMapper`);
    /// node's frames already do, but for a module generation's query.
    fn map_stack(&self, stack: &str) -> String {
        crate::build::without_generations(stack)
    }

    /// A better message for `file`'s load error `message`, when the build knows the cause
    /// (see `LoadProblems`).
    fn explain_load_error(&self, _file: &str, _message: &str) -> Option<String> {
        None
    }

    /// Whether a second runtime may be started while one runs (a browser's second tab): a fresh
    /// page for the next file then loads while the current file's tests run. A served tab has
    /// one run frame at a time, and a new one replaces the running one.
    fn starts_side_by_side(&self) -> bool {
        false
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
    /// The process started before the plan, for the first launch.
    first: Option<BootingNode>,
    /// Holds the controller an [`EarlyNode`] loaded, which the entry imports.
    _controller: Option<tempfile::TempDir>,
}

impl NodeLaunch {
    /// Starts the server and writes the entry for `files` (relative, absolute path). With
    /// `early`, the first launch is that process (and the entry imports its controller).
    pub async fn prepare(
        launcher: &NodeLauncher,
        files: &[(String, PathBuf)],
        root: &Path,
        early: Option<EarlyNode>,
        modules: &NodeModules<'_>,
    ) -> Result<(Server, NodeLaunch), PrepareError> {
        let server = Server::start(None).await.map_err(PrepareError::Server)?;
        let (entry, first, controller) = match early {
            Some(early) => {
                let entry = write_node_entry_using(&early.controller_dir, files, &server.ws_url(), modules)?;
                (entry, Some(early.booting), Some(early.controller))
            }
            None => (write_node_entry(files, &server.ws_url(), modules)?, None, None),
        };
        let launch =
            NodeLaunch { launcher: launcher.clone(), entry, root: root.to_path_buf(), first, _controller: controller };
        Ok((server, launch))
    }
}

impl Launch for NodeLaunch {
    type Running = NodeProcess;

    async fn launch(&mut self) -> Result<NodeProcess, RuntimeError> {
        if let Some(booting) = self.first.take() {
            return Ok(booting.run_entry(&crate::paths::file_url(&self.entry.entry)).await);
        }
        self.launcher.spawn(&self.entry.preload, &self.entry.entry, &self.root)
    }
}

/// A node process `proctor run` starts before it plans (see `NodeLauncher::spawn_booting`),
/// so node's start-up and the parsing of the test files overlap; the first node suite runs in
/// it. Dropping it kills the process and removes its controller.
pub struct EarlyNode {
    launcher: NodeLauncher,
    controller: tempfile::TempDir,
    controller_dir: PathBuf,
    booting: BootingNode,
}

impl EarlyNode {
    /// Finds node and starts it in `root`. `None` when anything fails: the run then finds node
    /// the usual way, which reports the problem where it belongs.
    pub fn start(root: &Path) -> Option<EarlyNode> {
        let launcher = NodeLauncher::find().ok()?;
        let controller = temp_dir().ok()?;
        let controller_dir = write_controller(controller.path()).ok()?;
        let preload = crate::paths::file_url(&controller_dir.join("node-register.js"));
        let booting = launcher.spawn_booting(&preload, &controller_dir.join("node-boot.js"), root).ok()?;
        Some(EarlyNode { launcher, controller, controller_dir, booting })
    }

    /// The node it runs.
    pub fn launcher(&self) -> &NodeLauncher {
        &self.launcher
    }
}

/// The kept node process of `proctor watch` and the controller its workers load.
pub struct KeptNode {
    /// The process.
    pub shell: Arc<runtimes::NodeShell>,
    /// The controller every worker has imported (entries must import this one).
    pub controller_dir: PathBuf,
}

/// Each (re)start is a fresh worker thread of the kept node process, on this run's entry.
pub struct KeptNodeLaunch {
    shell: Arc<runtimes::NodeShell>,
    entry: NodeEntry,
}

impl KeptNodeLaunch {
    /// Starts the server and writes the entry for `files` (relative, absolute path).
    pub async fn prepare(
        kept: &KeptNode,
        files: &[(String, PathBuf)],
        modules: &NodeModules<'_>,
    ) -> Result<(Server, KeptNodeLaunch), PrepareError> {
        let server = Server::start(None).await.map_err(PrepareError::Server)?;
        let entry = write_node_entry_using(&kept.controller_dir, files, &server.ws_url(), modules)?;
        Ok((server, KeptNodeLaunch { shell: kept.shell.clone(), entry }))
    }
}

impl Launch for KeptNodeLaunch {
    type Running = runtimes::NodeWorker;

    async fn launch(&mut self) -> Result<runtimes::NodeWorker, RuntimeError> {
        self.shell.spawn_worker(&crate::paths::file_url(&self.entry.entry)).await
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
    problems: LoadProblems,
    /// Held so the build output lives as long as the browser may load it.
    _build_dir: tempfile::TempDir,
}

/// A build dir and the server that serves it, before the build is done.
struct Site {
    server: Server,
    build_dir: tempfile::TempDir,
    built: tokio::sync::watch::Sender<bool>,
    /// The suite's resolver and transform.
    modules: Arc<ProjectModules>,
    /// The esm build's module service, shared by the build and the server.
    esm: Option<Arc<EsmModules>>,
    /// The suite's `page`, which the run page is made from.
    page: Option<PathBuf>,
}

impl Site {
    /// Starts a server on `bind` for a build dir that is still empty; its shell page waits for
    /// [`Site::build`].
    async fn start(
        bind: std::net::IpAddr,
        root: &Path,
        mode: &BuildMode,
        page: Option<&Path>,
        settings: &ModuleSettings,
    ) -> Result<Site, PrepareError> {
        let build_dir = tempfile::Builder::new()
            .prefix("proctor-")
            .tempdir()
            .map_err(|source| BuildError::Write { dir: std::env::temp_dir(), source })?;
        let (built, ready) = tokio::sync::watch::channel(false);
        let modules = Arc::new(ProjectModules::new(settings.clone()));
        let esm = matches!(mode, BuildMode::Esm).then(|| Arc::new(EsmModules::new(modules.clone())));
        let site = crate::server::Site {
            root: root.to_path_buf(),
            build_dir: build_dir.path().to_path_buf(),
            ready,
            modules: esm.clone(),
            // Served at its own path, so that the page's relative URLs resolve as they do when
            // the file is opened on its own.
            page: page
                .and_then(|page| page.strip_prefix(root).ok())
                .map(|rel| format!("/{}", url_path(&rel.to_string_lossy()))),
        };
        let server = Server::start_on(bind, Some(site)).await.map_err(PrepareError::Server)?;
        Ok(Site { server, build_dir, built, modules, esm, page: page.map(Path::to_path_buf) })
    }

    /// Builds the page for `files` (each after the setup files) and lets the shell page through.
    async fn build(
        &self,
        files: &[(String, PathBuf)],
        setup: &FileSetup,
        root: &Path,
        mode: &BuildMode,
        minify: bool,
    ) -> Result<crate::build::BrowserBuild, BuildError> {
        let (origin, ws_path) = (self.server.origin(), self.server.ws_path());
        let result = build_browser(
            self.build_dir.path(),
            root,
            files,
            setup,
            mode,
            minify,
            self.page.as_deref(),
            &origin,
            &ws_path,
            &self.modules,
            self.esm.as_ref(),
        )
        .await;
        let _ = self.built.send(result.is_ok());
        result
    }
}

impl ChromiumLaunch {
    /// Builds the page for `files`, starts the server that serves it, and launches Chromium.
    #[allow(clippy::too_many_arguments)]
    pub async fn prepare(
        launcher: &ChromiumLauncher,
        files: &[(String, PathBuf)],
        setup: &FileSetup,
        root: &Path,
        mode: &BuildMode,
        minify: bool,
        page: Option<&Path>,
        permissions: &[String],
        settings: &ModuleSettings,
    ) -> Result<(Server, ChromiumLaunch, BuildReport), PrepareError> {
        let site = Site::start(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), root, mode, page, settings).await?;
        // Launching Chromium and building overlap: both take a noticeable fraction of a second.
        // The page the browser opens at start-up waits for the build.
        let page_url = site.server.page_url();
        let (browser, build) =
            tokio::join!(launcher.launch(&page_url, permissions), site.build(files, setup, root, mode, minify));
        let build = build?;
        let browser = browser?;
        let report = BuildReport { tool: build.tool, duration: build.duration };
        let Site { server, build_dir, .. } = site;
        let launch =
            ChromiumLaunch { browser, page_url, stacks: build.stacks, problems: build.problems, _build_dir: build_dir };
        Ok((server, launch, report))
    }
}

/// A kept tab of a live `proctor serve`: each (re)start is a fresh run frame in that tab,
/// loading the page this run serves itself.
pub struct ServedLaunch {
    client: Arc<ServeClient>,
    label: String,
    port: u16,
    path: String,
    stacks: StackMapper,
    problems: LoadProblems,
    /// Held so the build output lives as long as the tab may load it.
    _build_dir: tempfile::TempDir,
}

impl ServedLaunch {
    /// Builds the page for `files` and starts the server that serves it to the tab `label`.
    #[allow(clippy::too_many_arguments)]
    pub async fn prepare(
        client: &Arc<ServeClient>,
        label: &str,
        files: &[(String, PathBuf)],
        setup: &FileSetup,
        root: &Path,
        mode: &BuildMode,
        minify: bool,
        page: Option<&Path>,
        settings: &ModuleSettings,
    ) -> Result<(Server, ServedLaunch, BuildReport), PrepareError> {
        let site = Site::start(client.bind, root, mode, page, settings).await?;
        let build = site.build(files, setup, root, mode, minify).await?;
        let report = BuildReport { tool: build.tool, duration: build.duration };
        let Site { server, build_dir, .. } = site;
        let launch = ServedLaunch {
            client: client.clone(),
            label: label.to_string(),
            port: server.port(),
            path: server.page_path(),
            stacks: build.stacks,
            problems: build.problems,
            _build_dir: build_dir,
        };
        Ok((server, launch, report))
    }
}

impl Launch for ServedLaunch {
    type Running = ServedFrame;

    async fn launch(&mut self) -> Result<ServedFrame, RuntimeError> {
        match self.client.open_frame(&self.label, self.port, &self.path).await {
            Ok(runtime) => {
                Ok(ServedFrame { client: self.client.clone(), label: self.label.clone(), target: runtime.target })
            }
            Err(err) => Err(RuntimeError::Launch { program: self.label.clone(), message: err.to_string() }),
        }
    }

    fn map_stack(&self, stack: &str) -> String {
        self.stacks.map_stack(stack)
    }

    fn explain_load_error(&self, file: &str, message: &str) -> Option<String> {
        self.problems.explain(file, message)
    }
}

/// A run frame in a served tab.
pub struct ServedFrame {
    client: Arc<ServeClient>,
    label: String,
    target: Option<String>,
}

impl runtimes::Runtime for ServedFrame {
    async fn exited(&mut self) -> runtimes::ExitInfo {
        // A tab that goes away shows up as the frame's socket closing.
        std::future::pending().await
    }

    async fn output(&mut self) -> Option<runtimes::RawOutput> {
        std::future::pending().await
    }

    fn exits_with_its_socket(&self) -> bool {
        false
    }

    async fn kill(&mut self) {
        if let Err(err) = self.client.close_frame(&self.label).await {
            errln!("proctor: could not stop the run frame in {}: {err}", self.label);
        }
    }

    fn target(&self) -> Option<String> {
        self.target.clone()
    }
}

impl Launch for ChromiumLaunch {
    type Running = ChromiumTab;

    async fn launch(&mut self) -> Result<ChromiumTab, RuntimeError> {
        self.browser.open_tab(&self.page_url).await
    }

    fn starts_side_by_side(&self) -> bool {
        true
    }

    fn map_stack(&self, stack: &str) -> String {
        self.stacks.map_stack(stack)
    }

    fn explain_load_error(&self, file: &str, message: &str) -> Option<String> {
        self.problems.explain(file, message)
    }
}
