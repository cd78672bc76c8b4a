//! The chromium runtime: finds a Chromium/Chrome binary, launches it headless through the
//! `headless_chrome` crate (a blocking API, so every call goes through `spawn_blocking`), and
//! hands out tabs. A tab is the unit the session starts and kills: a test that hangs or spins
//! costs one tab, never the browser.

use crate::{ExitInfo, RawOutput, Runtime, RuntimeError};
use headless_chrome::protocol::cdp::Runtime as Cdp;
use headless_chrome::{Browser, LaunchOptions, Tab};
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Binaries tried in order when `PROCTOR_CHROMIUM` is not set.
const CANDIDATES: &[&str] = &["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];

/// Flags that keep Chromium off the network and quiet (it stalls on look-ups otherwise).
const QUIET_FLAGS: &[&str] = &[
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--mute-audio",
];

/// Knows which Chromium to run.
#[derive(Debug, Clone)]
pub struct ChromiumLauncher {
    path: PathBuf,
}

impl ChromiumLauncher {
    /// Finds Chromium: `PROCTOR_CHROMIUM`, else the first of chromium, chromium-browser,
    /// google-chrome on PATH.
    pub fn find() -> Result<Self, RuntimeError> {
        if let Some(path) = std::env::var_os("PROCTOR_CHROMIUM") {
            let path = PathBuf::from(path);
            return if path.is_file() {
                Ok(ChromiumLauncher { path })
            } else {
                Err(RuntimeError::NotFound {
                    program: format!("PROCTOR_CHROMIUM={}", path.display()),
                    hint: "point PROCTOR_CHROMIUM at a Chromium or Chrome binary".into(),
                })
            };
        }
        CANDIDATES.iter().find_map(|name| which::which(name).ok()).map(|path| ChromiumLauncher { path }).ok_or_else(
            || RuntimeError::NotFound {
                program: "chromium".into(),
                hint: "install it, e.g. `apt-get install chromium` on Debian, or set PROCTOR_CHROMIUM".into(),
            },
        )
    }

    /// Launches a headless browser with a fresh profile (removed when the browser is dropped).
    /// Its first tab opens `start_url` while the browser starts, which saves most of a second
    /// over opening a tab afterwards; the first `open_tab` adopts that tab.
    pub async fn launch(&self, start_url: &str) -> Result<ChromiumBrowser, RuntimeError> {
        let start_url = start_url.to_owned();
        let path = self.path.clone();
        // A memory-backed profile when there is one: Chromium writes (and we later delete)
        // hundreds of small files there.
        let shm = std::path::Path::new("/dev/shm");
        let mut builder = tempfile::Builder::new();
        builder.prefix("proctor-chromium-");
        let profile =
            if shm.is_dir() { builder.tempdir_in(shm).or_else(|_| builder.tempdir()) } else { builder.tempdir() };
        let profile = profile.map_err(|source| RuntimeError::Spawn { program: "chromium".into(), source })?;
        let profile_path = profile.path().to_path_buf();
        let program = path.display().to_string();
        // headless_chrome needs the port chosen up front; one that another process takes in the
        // meantime is "already in use", so a few fresh ones are tried.
        let mut attempt = 0;
        let (browser, debug_port) = loop {
            attempt += 1;
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .map_err(|source| RuntimeError::Spawn { program: program.clone(), source })?;
            let (path, profile_path, start_url) = (path.clone(), profile_path.clone(), start_url.clone());
            let launched = tokio::task::spawn_blocking(move || -> Result<Browser, String> {
                let mut flags: Vec<OsString> = QUIET_FLAGS.iter().map(OsString::from).collect();
                flags.push(OsString::from(start_url));
                let options = LaunchOptions::default_builder()
                    .path(Some(path))
                    .headless(true)
                    // Chromium refuses to run as root with its sandbox on.
                    .sandbox(!running_as_root())
                    .user_data_dir(Some(profile_path))
                    .port(Some(port))
                    .args(flags.iter().map(|f| f.as_os_str()).collect())
                    // The default 30 s idle timeout would drop the connection between runs.
                    .idle_browser_timeout(Duration::from_secs(24 * 3600))
                    .build()
                    .map_err(|e| e.to_string())?;
                Browser::new(options).map_err(|e| format!("{e:#}"))
            })
            .await
            .map_err(|e| RuntimeError::Launch { program: program.clone(), message: e.to_string() })?;
            match launched {
                Ok(browser) => break (browser, port),
                Err(message) if attempt < 4 && message.contains("port") => continue,
                Err(message) => return Err(RuntimeError::Launch { program, message }),
            }
        };
        Ok(ChromiumBrowser { browser, debug_port, initial_tab_taken: AtomicBool::new(false), _profile: profile })
    }
}

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false)
}

/// A launched browser; dropping it closes Chromium and removes its profile.
pub struct ChromiumBrowser {
    browser: Browser,
    debug_port: u16,
    initial_tab_taken: AtomicBool,
    _profile: tempfile::TempDir,
}

impl ChromiumBrowser {
    /// Opens a new tab at `url`. It does not wait for the page: the controller's hello is the
    /// signal that it loaded.
    pub async fn open_tab(&self, url: &str) -> Result<ChromiumTab, RuntimeError> {
        let browser = self.browser.clone();
        let url = url.to_owned();
        let adopt = !self.initial_tab_taken.swap(true, Ordering::SeqCst);
        let tab = tokio::task::spawn_blocking(move || -> Result<Arc<Tab>, String> {
            if adopt {
                // Already loading `start_url` (see `launch`).
                let deadline = std::time::Instant::now() + Duration::from_secs(10);
                loop {
                    browser.register_missing_tabs();
                    if let Some(tab) = browser.get_tabs().lock().ok().and_then(|tabs| tabs.first().cloned()) {
                        return Ok(tab);
                    }
                    if std::time::Instant::now() > deadline {
                        return Err("the browser opened no tab within 10s".into());
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
            let tab = browser.new_tab().map_err(|e| format!("{e:#}"))?;
            tab.navigate_to(&url).map_err(|e| format!("{e:#}"))?;
            Ok(tab)
        })
        .await
        .map_err(|e| RuntimeError::Launch { program: "chromium".into(), message: e.to_string() })?
        .map_err(|message| RuntimeError::Launch { program: "chromium".into(), message })?;
        Ok(ChromiumTab { tab: Some(tab) })
    }

    /// The port of the browser's DevTools endpoint on 127.0.0.1 (`/json/list` lists its tabs).
    pub fn debug_port(&self) -> u16 {
        self.debug_port
    }

    /// The browser's version string, e.g. `Chrome/156.0.8078.79`.
    pub async fn version(&self) -> Option<String> {
        let browser = self.browser.clone();
        tokio::task::spawn_blocking(move || browser.get_version().ok().map(|v| v.product)).await.ok().flatten()
    }
}

/// One tab running the controller page.
pub struct ChromiumTab {
    tab: Option<Arc<Tab>>,
}

impl ChromiumTab {
    /// The tab's DevTools target id (stable for the tab's life).
    pub fn target_id(&self) -> Option<String> {
        self.tab.as_ref().map(|tab| tab.get_target_id().clone())
    }

    /// Stops the script running in the tab (a spinning test) without closing the tab.
    pub async fn interrupt(&self) {
        let Some(tab) = self.tab.clone() else { return };
        let _ = tokio::task::spawn_blocking(move || tab.call_method(Cdp::TerminateExecution(None))).await;
    }
}

impl Runtime for ChromiumTab {
    async fn exited(&mut self) -> ExitInfo {
        // A crashed renderer shows up as the controller's socket closing; the session then
        // kills the tab. Nothing else to wait for here.
        std::future::pending().await
    }

    async fn output(&mut self) -> Option<RawOutput> {
        // Console output travels over the controller's socket.
        std::future::pending().await
    }

    fn exits_with_its_socket(&self) -> bool {
        false
    }

    fn target(&self) -> Option<String> {
        self.target_id()
    }

    async fn kill(&mut self) {
        let Some(tab) = self.tab.take() else { return };
        let _ = tokio::task::spawn_blocking(move || {
            // Interrupts a synchronous loop from the browser side, so closing is not stuck behind it.
            let _ = tab.call_method(Cdp::TerminateExecution(None));
            let _ = tab.close_target();
        })
        .await;
    }
}
