//! The `proctor serve` command: binds the server, launches the headless tabs the config needs,
//! records itself in `.proctor/server.json`, and runs until Ctrl-C, SIGTERM or
//! `proctor serve --stop` — then closes the browser, removes its temp dirs and the record.
//! `--status` and `--stop` talk to a running server instead.

use super::client::{host_port, ServeClient};
use super::http::router;
use super::hub::{Headless, Hub};
use super::record::{lock_server, read_record, remove_record, write_record, Recorded, ServeLock, ServerRecord};
use super::reruns::RerunTarget;
use crate::cli::{ProjectArgs, ServeArgs};
use crate::commands::{interruption, CommandError};
use crate::config::{resolve, RuntimeKind};
use crate::exit::{SUCCESS, TESTS_FAILED};
use crate::status_page::LivePage;
use protocol::serve::{ServedRuntime, ServerMessage};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// How long the headless tabs may take to load the shell page and connect.
const TABS_READY: Duration = Duration::from_secs(30);

/// `proctor serve` (and `--status`, `--stop`).
pub async fn serve(args: ServeArgs) -> Result<u8, CommandError> {
    let project = ProjectArgs {
        paths: Vec::new(),
        root: args.root.clone(),
        config: args.config.clone(),
        print_config: false,
        select: Default::default(),
    };
    let config = resolve(&project, None)?;
    crate::commands::warn_config(&config);
    let root = config.root.clone();
    if args.status {
        return status(&root).await;
    }
    if args.stop {
        return stop(&root).await;
    }
    match read_record(&root) {
        Recorded::Live(record) => {
            errln!(
                "proctor serve: error: a server already runs for {} (pid {}, {}); stop it with `proctor serve --stop`",
                root.display(),
                record.pid,
                record.attach_url.split('?').next().unwrap_or_default()
            );
            return Ok(crate::exit::USAGE_OR_ENVIRONMENT);
        }
        Recorded::Stale { pid } => {
            let pid = pid.map(|p| format!(" (pid {p} is gone)")).unwrap_or_default();
            errln!("proctor serve: replacing a stale .proctor/server.json{pid}");
        }
        Recorded::None => {}
    }

    let bind = args.host.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let wants_chromium = config.suites.iter().any(|s| s.runtimes.contains(&RuntimeKind::Chromium));
    let tabs = args.tabs.unwrap_or(if wants_chromium { 1 } else { 0 });
    // The live status page, fed by the runs' events; its buttons start runs of their own.
    let history_db = config.history.enabled.then(|| config.history.path.clone());
    let (page, reruns) = LivePage::new(root.clone(), history_db);
    let server = LocalServer::start(&root, bind, args.port, tabs, Some(page)).await?;
    let cwd = std::env::current_dir().map_err(CommandError::Output)?;
    let target = RerunTarget { root: root.clone(), config: args.config.as_ref().map(|c| cwd.join(c)) };
    let reruns = super::reruns::start(&server.hub, reruns, target);
    errln!(
        "proctor serve: ready; `proctor run` in {} now runs here (Ctrl-C or `proctor serve --stop` stops it)",
        root.display()
    );
    tokio::select! {
        () = interruption() => {}
        () = server.stop_requested() => {}
    }
    errln!("proctor serve: stopping");
    // A rerun still going is stopped first (it is this server's client).
    reruns.stop().await;
    server.shutdown();
    Ok(SUCCESS)
}

/// A server running in this process (`proctor serve`, or the one `proctor watch` keeps): bound,
/// its headless tabs connected, recorded in `.proctor/server.json`. [`LocalServer::shutdown`]
/// (or dropping it) closes the browser and removes the record.
pub(crate) struct LocalServer {
    pub(super) hub: Arc<Hub>,
    root: PathBuf,
    task: tokio::task::JoinHandle<()>,
    headless: Option<Arc<Headless>>,
    /// Dropped last: the record and the browser go before another server may start.
    _lock: ServeLock,
    /// What it recorded about itself.
    pub(crate) record: ServerRecord,
}

impl LocalServer {
    /// Binds `bind:port`, launches `tabs` headless Chromium tabs and waits for them, then writes
    /// the record. With a `page`, the server shows it at `/status/`, fed by its runs' events.
    pub(crate) async fn start(
        root: &Path,
        bind: IpAddr,
        port: u16,
        tabs: u32,
        page: Option<Arc<LivePage>>,
    ) -> Result<LocalServer, CommandError> {
        let lock = lock_server(root)
            .map_err(|source| {
                CommandError::Serve(format!("failed to lock {}: {source}", root.join(".proctor").display()))
            })?
            .ok_or_else(|| {
                CommandError::Serve(format!(
                    "a server already runs (or is starting) for {}; stop it with `proctor serve --stop`",
                    root.display()
                ))
            })?;
        // Browsers a killed server (or run) left behind, and their directories.
        runtimes::sweep_stale_browsers();
        if !bind.is_loopback() {
            errln!(
                "proctor serve: warning: listening on {bind}, not only on this machine: anyone who can reach it and \
                 learns the token can run code in the attached browsers"
            );
        }
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(bind, port)).await.map_err(|source| {
            CommandError::Serve(format!("failed to listen on {}: {source}", host_port(&bind.to_string(), port)))
        })?;
        let addr = listener.local_addr().map_err(CommandError::Output)?;
        let token = crate::server::random_token();
        // The address people open: this machine's loopback unless bound to a specific address.
        let shown_host = if bind.is_unspecified() { "127.0.0.1".to_string() } else { bind.to_string() };
        let origin = format!("http://{}", host_port(&shown_host, addr.port()));
        let attach_url = format!("{origin}/?token={token}");
        let hub = Hub::new(attach_url.clone(), bind.to_string(), root.display().to_string());
        let page_url = page.map(|page| {
            let url = format!("{origin}/status/?token={token}");
            hub.set_page(page, url.clone());
            url
        });
        let app = router(hub.clone(), token.clone(), origin.clone(), addr.port());
        let task = crate::server::spawn_serving(listener, app);
        errln!("proctor serve: listening on {origin} for {} (pid {})", root.display(), std::process::id());
        errln!("proctor serve: to attach a browser, open {attach_url}");
        if let Some(url) = &page_url {
            errln!("proctor serve: status page at {url}");
        }
        let record = ServerRecord {
            port: addr.port(),
            bind: bind.to_string(),
            pid: std::process::id(),
            token,
            started_at: SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64),
            attach_url: attach_url.clone(),
            page_url,
        };
        let mut server = LocalServer { hub, root: root.to_path_buf(), task, headless: None, _lock: lock, record };
        if tabs > 0 {
            let launcher = runtimes::ChromiumLauncher::find()?;
            let browser = launcher.launch(&format!("{attach_url}&launch=1"), &[]).await?;
            let kept = Arc::new(Headless::new(browser, attach_url.clone()));
            server.hub.set_headless(kept.clone());
            server.headless = Some(kept);
            for n in 1..=tabs {
                server.hub.open_headless(n).await?;
            }
            wait_for_tabs(&server.hub, tabs).await?;
        }
        write_record(root, &server.record).map_err(CommandError::Output)?;
        Ok(server)
    }

    /// Resolves once `proctor serve --stop` asked it to stop.
    pub(crate) async fn stop_requested(&self) {
        self.hub.stop_requested().await
    }

    /// Stops serving: the browser closes (its profile is removed) and so does the record.
    pub(crate) fn shutdown(self) {
        drop(self);
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        self.hub.begin_shutdown();
        self.task.abort();
        self.headless = None;
        remove_record(&self.root);
    }
}

/// Waits until `tabs` headless tabs have connected.
async fn wait_for_tabs(hub: &Hub, tabs: u32) -> Result<(), CommandError> {
    let mut changes = hub.subscribe();
    let ready = |hub: &Hub| hub.runtimes().iter().filter(|r| r.kind == "chromium").count() >= tabs as usize;
    let wait = async {
        while !ready(hub) {
            if changes.changed().await.is_err() {
                break;
            }
        }
    };
    tokio::time::timeout(TABS_READY, wait).await.map_err(|_| {
        CommandError::Serve(format!(
            "the headless Chromium tabs did not load the shell page within {}s",
            TABS_READY.as_secs()
        ))
    })
}

/// `proctor serve --status`: 0 when a server runs, 1 when none does.
async fn status(root: &std::path::Path) -> Result<u8, CommandError> {
    let record = match read_record(root) {
        Recorded::Live(record) => record,
        Recorded::Stale { .. } => {
            outln!("no proctor serve runs for {} (a stale .proctor/server.json is left)", root.display());
            return Ok(TESTS_FAILED);
        }
        Recorded::None => {
            outln!("no proctor serve runs for {}", root.display());
            return Ok(TESTS_FAILED);
        }
    };
    let client = ServeClient::connect(&record).await?;
    let ServerMessage::Status { pid, runtimes, runs, attach_url, .. } = client.status().await? else {
        return Err(CommandError::Serve("proctor serve answered --status with something else".into()));
    };
    outln!("proctor serve runs for {} (pid {pid})", root.display());
    outln!("attach: {attach_url}");
    if let Some(page) = &record.page_url {
        outln!("status page: {page}");
    }
    outln!("runs: {runs} running or queued");
    if runtimes.is_empty() {
        outln!("runtimes: none connected");
    }
    for ServedRuntime { label, user_agent, target, .. } in runtimes {
        let target = target.map(|t| format!(" target {t}")).unwrap_or_default();
        outln!("runtime: {label} ({user_agent}){target}");
    }
    Ok(SUCCESS)
}

/// `proctor serve --stop`: asks the server to stop and waits until it has.
async fn stop(root: &std::path::Path) -> Result<u8, CommandError> {
    let Recorded::Live(record) = read_record(root) else {
        outln!("no proctor serve runs for {}", root.display());
        return Ok(SUCCESS);
    };
    let client = ServeClient::connect(&record).await?;
    client.stop().await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while matches!(read_record(root), Recorded::Live(_)) && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    outln!("stopped proctor serve (pid {})", record.pid);
    Ok(SUCCESS)
}
