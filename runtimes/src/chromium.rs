//! The chromium runtime: finds a Chromium/Chrome binary, launches it headless, and hands out
//! tabs. A tab is the unit the session starts and kills: a test that hangs, spins or runs out of
//! memory costs one tab, never the browser.
//!
//! How proctor talks to Chromium, and why (Playwright does the same):
//! - **Over a pipe, never a port.** Chromium runs with `--remote-debugging-pipe` and reads the
//!   DevTools protocol from its fd 3 and answers on its fd 4 (see `cdp.rs`). A
//!   `--remote-debugging-port` would let any local process (any user's) open a DevTools session
//!   without credentials: read files, take the run's token from the page's URL, run code in the
//!   test page. The pipe's other ends live only in proctor.
//! - **Nothing secret on the command line.** Command lines are world-readable (`ps`,
//!   `/proc/*/cmdline`): the browser starts with no page, and proctor opens each tab at the
//!   token-carrying URL through the protocol.
//! - **Everything under one directory proctor owns.** The profile and Chromium's `TMPDIR`
//!   (where it creates `org.chromium.Chromium.*`) live in `proctor-chromium-<pid>-<random>`
//!   (mode 0700, in `/dev/shm` when there is one: Chromium writes hundreds of small files), which
//!   is removed when the browser is dropped. A proctor that was killed cannot remove it, so every
//!   launch sweeps the directories (and any Chromium still using them) of proctors whose pid is gone.
//! - **Chromium dies with proctor.** It runs in a process group of its own, killed as a whole on
//!   drop, and gets `SIGKILL` when proctor dies however it dies (`PR_SET_PDEATHSIG`, set from a
//!   thread that lives as long as proctor, since the signal follows the spawning thread). Closing
//!   the pipe, which the kernel does for a dead proctor, also makes Chromium quit.
//! - **Every call has a deadline, and a crash is news at once.** A tab that crashes (out of
//!   memory included) is reported by the browser (`Target.targetCrashed`), which ends the tab's
//!   [`Runtime::exited`]; a tab that stops answering costs its call a deadline, then the tab.
//! - **A binary that is not a browser fails fast.** A program that exits or never speaks the
//!   protocol is an error naming it (and `PROCTOR_CHROMIUM` when that chose it) within
//!   [`HANDSHAKE`], not a wait.

use crate::cdp::{Cdp, CdpError, TargetEnd};
use crate::{ExitInfo, RawOutput, Runtime, RuntimeError};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// Binaries tried in order when `PROCTOR_CHROMIUM` is not set.
const CANDIDATES: &[&str] = &["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];

/// The prefix of the directory each browser runs in (`<prefix><pid>-<random>`).
const HOME_PREFIX: &str = "proctor-chromium-";

/// How long a launched browser may take to answer its first DevTools call.
const HANDSHAKE: Duration = Duration::from_secs(20);
/// How long a DevTools call about a tab may take (opening, attaching, closing).
const TAB_CALL: Duration = Duration::from_secs(10);
/// How long stopping a tab's script may take before the tab is closed anyway.
const INTERRUPT: Duration = Duration::from_secs(1);
/// How long a closed tab may take to be gone before proctor moves on without it.
const CLOSE: Duration = Duration::from_secs(3);
/// Lines of Chromium's stderr kept for error messages.
const STDERR_LINES: usize = 20;

/// The switches Puppeteer and Playwright pass to automated Chromium: no first-run UI, no
/// background networking or throttling, no crash reporter (it is the way a timer in a hidden tab
/// would run late, or Chromium would stall on a look-up).
const FLAGS: &[&str] = &[
    "--headless",
    "--remote-debugging-pipe",
    "--no-startup-window",
    "--disable-background-networking",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-breakpad",
    "--disable-client-side-phishing-detection",
    "--disable-component-extensions-with-background-pages",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-features=TranslateUI",
    "--disable-hang-monitor",
    "--disable-ipc-flooding-protection",
    "--disable-popup-blocking",
    "--disable-prompt-on-repost",
    "--disable-renderer-backgrounding",
    "--disable-sync",
    "--disable-gpu",
    "--disable-quic",
    "--force-color-profile=srgb",
    "--metrics-recording-only",
    "--no-first-run",
    "--no-default-browser-check",
    "--enable-automation",
    "--password-store=basic",
    "--use-mock-keychain",
    "--mute-audio",
];

/// Knows which Chromium to run.
#[derive(Debug, Clone)]
pub struct ChromiumLauncher {
    path: PathBuf,
    /// True when `PROCTOR_CHROMIUM` chose it, so errors name the variable.
    from_env: bool,
}

impl ChromiumLauncher {
    /// Finds Chromium: `PROCTOR_CHROMIUM`, else the first of chromium, chromium-browser,
    /// google-chrome on PATH.
    pub fn find() -> Result<Self, RuntimeError> {
        if let Some(path) = std::env::var_os("PROCTOR_CHROMIUM") {
            let path = PathBuf::from(path);
            return if path.is_file() {
                Ok(ChromiumLauncher { path, from_env: true })
            } else {
                Err(RuntimeError::NotFound {
                    program: format!("PROCTOR_CHROMIUM={}", path.display()),
                    hint: "point PROCTOR_CHROMIUM at a Chromium or Chrome binary".into(),
                })
            };
        }
        CANDIDATES
            .iter()
            .find_map(|name| which::which(name).ok())
            .map(|path| ChromiumLauncher { path, from_env: false })
            .ok_or_else(|| RuntimeError::NotFound {
                program: "chromium".into(),
                hint: "install it, e.g. `apt-get install chromium` on Debian, or set PROCTOR_CHROMIUM".into(),
            })
    }

    /// The binary, as error messages name it.
    fn program(&self) -> String {
        if self.from_env {
            format!("PROCTOR_CHROMIUM={}", self.path.display())
        } else {
            self.path.display().to_string()
        }
    }

    fn launch_error(&self, message: impl std::fmt::Display) -> RuntimeError {
        let hint = if self.from_env { " (hint: point PROCTOR_CHROMIUM at a Chromium or Chrome binary)" } else { "" };
        RuntimeError::Launch { program: self.program(), message: format!("{message}{hint}") }
    }

    /// Launches a headless browser in a fresh directory of its own (removed when the browser
    /// is dropped) and opens its first tab at `start_url`, which the first `open_tab` adopts:
    /// the page loads while the caller does other work (a build the page waits for).
    /// `permissions` (web permission names: `clipboard-read`, `geolocation`) are granted to
    /// `start_url`'s origin first, as a Playwright context's `permissions` are.
    pub async fn launch(&self, start_url: &str, permissions: &[String]) -> Result<ChromiumBrowser, RuntimeError> {
        sweep_stale_browsers();
        let home = BrowserHome::create().map_err(|source| RuntimeError::Spawn { program: self.program(), source })?;
        let (process, to_browser, from_browser) =
            spawn(&self.path, &home).map_err(|source| self.launch_error(format!("could not start it: {source}")))?;
        let mut browser = ChromiumBrowser {
            cdp: Arc::new(
                Cdp::new(to_browser, from_browser)
                    .map_err(|source| RuntimeError::Spawn { program: self.program(), source })?,
            ),
            process: Some(process),
            home: Some(home),
            first_tab: Mutex::new(None),
        };
        match browser.cdp.call(None, "Browser.getVersion", json!({}), HANDSHAKE).await {
            Ok(_) => {}
            Err(err) => {
                let status = match err {
                    // The pipe closes as the process exits: its status follows in a moment.
                    CdpError::Closed => browser.wait_for_exit(Duration::from_secs(2)).await,
                    _ => browser.exit_status(),
                };
                let what = match (&err, status) {
                    (_, Some(status)) => format!("it {} instead of speaking the DevTools protocol", describe(status)),
                    (CdpError::NoAnswer { .. }, None) => {
                        format!("it did not speak the DevTools protocol within {} s", HANDSHAKE.as_secs())
                    }
                    (_, None) => "it closed the DevTools pipe instead of speaking the DevTools protocol".into(),
                };
                return Err(self.launch_error(format!("{what}{}", browser.stderr_tail())));
            }
        }
        // Without it the browser keeps `Target.targetCrashed` and `targetDestroyed` to itself.
        let discover = json!({ "discover": true });
        browser
            .cdp
            .call(None, "Target.setDiscoverTargets", discover, TAB_CALL)
            .await
            .map_err(|e| self.launch_error(e))?;
        browser.grant(start_url, permissions).await.map_err(|err| self.launch_error(err))?;
        let first = browser.create_tab(start_url).await.map_err(|err| self.launch_error(err))?;
        *browser.first_tab.get_mut().unwrap_or_else(|p| p.into_inner()) = Some(first);
        Ok(browser)
    }
}

fn describe(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with code {code}"),
        (None, Some(signal)) => format!("was killed by signal {signal}"),
        _ => "exited".into(),
    }
}

fn running_as_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// A launched browser; dropping it kills Chromium (every process of it) and removes its
/// directory.
pub struct ChromiumBrowser {
    cdp: Arc<Cdp>,
    process: Option<BrowserProcess>,
    home: Option<BrowserHome>,
    /// The tab `launch` opened, until `open_tab` adopts it.
    first_tab: Mutex<Option<ChromiumTab>>,
}

impl ChromiumBrowser {
    /// Opens a new tab at `url` (the first call adopts the tab `launch` opened). It does not
    /// wait for the page: the controller's hello is the signal that it loaded.
    pub async fn open_tab(&self, url: &str) -> Result<ChromiumTab, RuntimeError> {
        let first = self.first_tab.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(tab) = first {
            return Ok(tab);
        }
        self.create_tab(url).await.map_err(|message| RuntimeError::Launch { program: "chromium".into(), message })
    }

    /// Grants each of `permissions` to the origin of `url` (`Browser.setPermission`).
    async fn grant(&self, url: &str, permissions: &[String]) -> Result<(), String> {
        let origin =
            url.find("://").and_then(|at| url[at + 3..].find('/').map(|end| &url[..at + 3 + end])).unwrap_or(url);
        for name in permissions {
            let grant = json!({ "permission": { "name": name }, "setting": "granted", "origin": origin });
            self.cdp
                .call(None, "Browser.setPermission", grant, TAB_CALL)
                .await
                .map_err(|e| format!("could not grant the permission \"{name}\": {e}"))?;
        }
        Ok(())
    }

    async fn create_tab(&self, url: &str) -> Result<ChromiumTab, String> {
        let created = self
            .cdp
            .call(None, "Target.createTarget", json!({ "url": url }), TAB_CALL)
            .await
            .map_err(|e| format!("could not open a tab: {e}"))?;
        let target = created["targetId"].as_str().ok_or("could not open a tab: no target id")?.to_string();
        let end = self.cdp.watch_target(&target);
        // A session of the tab's own, so a spinning script can be stopped from outside it.
        let attached = self
            .cdp
            .call(None, "Target.attachToTarget", json!({ "targetId": target, "flatten": true }), TAB_CALL)
            .await;
        let session = attached.ok().and_then(|a| a["sessionId"].as_str().map(str::to_owned));
        Ok(ChromiumTab { cdp: self.cdp.clone(), target, session, end, closed: false, ended_before_kill: None })
    }

    fn exit_status(&mut self) -> Option<std::process::ExitStatus> {
        self.process.as_mut().and_then(|p| p.child.try_wait().ok().flatten())
    }

    async fn wait_for_exit(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + within;
        loop {
            let status = self.exit_status();
            if status.is_some() || std::time::Instant::now() > deadline {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn stderr_tail(&self) -> String {
        let Some(process) = &self.process else { return String::new() };
        let lines = process.stderr.lock().unwrap_or_else(|p| p.into_inner());
        if lines.is_empty() {
            String::new()
        } else {
            format!("; its stderr ended with:\n{}", lines.iter().cloned().collect::<Vec<_>>().join("\n"))
        }
    }
}

impl Drop for ChromiumBrowser {
    fn drop(&mut self) {
        // Kill first: a running Chromium keeps writing into its directory.
        drop(self.process.take());
        drop(self.home.take());
    }
}

/// One tab running the controller page.
pub struct ChromiumTab {
    cdp: Arc<Cdp>,
    target: String,
    /// The DevTools session attached to the tab, if attaching worked.
    session: Option<String>,
    end: watch::Receiver<Option<TargetEnd>>,
    closed: bool,
    /// How the tab had ended when `kill` closed it (the close itself is no news).
    ended_before_kill: Option<TargetEnd>,
}

impl ChromiumTab {
    /// The tab's DevTools target id (stable for the tab's life).
    pub fn target_id(&self) -> Option<String> {
        Some(self.target.clone())
    }

    /// Stops the script running in the tab (a spinning test) without closing the tab.
    pub async fn interrupt(&self) {
        if let Some(session) = &self.session {
            let _ = self.cdp.call(Some(session), "Runtime.terminateExecution", Value::Null, INTERRUPT).await;
        }
    }

    /// Resolves once the tab has ended: crashed, closed, or its browser gone.
    pub fn gone(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut end = self.end.clone();
        async move {
            let _ = end.wait_for(Option::is_some).await;
        }
    }

    /// How the tab ended, once it has.
    fn ended(&self) -> Option<TargetEnd> {
        self.end.borrow().clone()
    }
}

impl Runtime for ChromiumTab {
    async fn exited(&mut self) -> ExitInfo {
        let _ = self.end.wait_for(Option::is_some).await;
        ExitInfo { code: None, signal: None }
    }

    async fn output(&mut self) -> Option<RawOutput> {
        // Console output travels over the controller's socket, so this only ends, with the tab:
        // the browser tells of a crashed (or out-of-memory) renderer at once, while the page's
        // socket may stay open in the browser's network process.
        let _ = self.end.wait_for(Option::is_some).await;
        None
    }

    fn exits_with_its_socket(&self) -> bool {
        false
    }

    fn target(&self) -> Option<String> {
        self.target_id()
    }

    fn end_reason(&self) -> Option<String> {
        // Each reads after "the runtime ".
        let ended = if self.closed { self.ended_before_kill.clone() } else { self.ended() };
        Some(match ended? {
            TargetEnd::Crashed { status } if status == "oom" => "ran out of memory (its tab crashed)".into(),
            TargetEnd::Crashed { status } if status == "crashed" => {
                "crashed (its tab's renderer died: out of memory, or a crash in Chromium)".into()
            }
            TargetEnd::Crashed { status } => format!("crashed (its tab's renderer ended: {status})"),
            TargetEnd::Destroyed => "was closed (its tab went away)".into(),
            TargetEnd::BrowserGone => "lost its browser (Chromium exited)".into(),
        })
    }

    async fn kill(&mut self) {
        if self.closed {
            return;
        }
        self.closed = true;
        self.ended_before_kill = self.ended();
        if self.ended_before_kill.is_none() {
            // Interrupts a synchronous loop from the browser side, so closing is not stuck behind it.
            self.interrupt().await;
        }
        let close = json!({ "targetId": self.target });
        if self.cdp.call(None, "Target.closeTarget", close, TAB_CALL).await.is_ok() {
            // Gone means gone: its renderer no longer runs anything of this run.
            let _ = tokio::time::timeout(CLOSE, self.end.wait_for(Option::is_some)).await;
        }
    }
}

impl Drop for ChromiumTab {
    fn drop(&mut self) {
        self.cdp.forget_target(&self.target);
    }
}

/// The directory one browser runs in: its profile and its `TMPDIR`. Removed on drop.
struct BrowserHome {
    dir: PathBuf,
}

impl BrowserHome {
    fn create() -> std::io::Result<BrowserHome> {
        let dir = tempfile::Builder::new()
            .prefix(&format!("{HOME_PREFIX}{}-", std::process::id()))
            .tempdir_in(home_parent())?
            .keep();
        let home = BrowserHome { dir };
        std::fs::create_dir(home.profile())?;
        std::fs::create_dir(home.tmp())?;
        Ok(home)
    }

    fn profile(&self) -> PathBuf {
        self.dir.join("profile")
    }

    fn tmp(&self) -> PathBuf {
        self.dir.join("tmp")
    }
}

impl Drop for BrowserHome {
    fn drop(&mut self) {
        if std::fs::remove_dir_all(&self.dir).is_err() {
            // A process that was still dying may have added a file meanwhile.
            std::thread::sleep(Duration::from_millis(50));
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Where browser directories go: memory-backed `/dev/shm` when it is there and writable,
/// else the temp dir.
fn home_parent() -> PathBuf {
    let shm = Path::new("/dev/shm");
    let writable = std::ffi::CString::new("/dev/shm")
        // SAFETY: access only reads the NUL-terminated path.
        .map(|path| unsafe { libc::access(path.as_ptr(), libc::W_OK | libc::X_OK) } == 0)
        .unwrap_or(false);
    if shm.is_dir() && writable {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}

/// Removes what killed proctors left: browser directories whose proctor (the pid in the
/// name) is gone, after killing any Chromium process still using one. Every launch does this;
/// `proctor serve` also does it when it starts.
pub fn sweep_stale_browsers() {
    let mut parents = vec![home_parent(), std::env::temp_dir()];
    parents.dedup();
    for parent in parents {
        let Ok(entries) = std::fs::read_dir(&parent) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(pid) = stale_owner(&name.to_string_lossy()) else { continue };
            if Path::new("/proc").join(pid.to_string()).exists() || !owned_by_us(&entry.path()) {
                continue;
            }
            kill_processes_using(&entry.path());
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The proctor pid in a browser directory's name, if it is one (and not this process's).
fn stale_owner(name: &str) -> Option<u32> {
    let pid: u32 = name.strip_prefix(HOME_PREFIX)?.split_once('-')?.0.parse().ok()?;
    (pid != std::process::id()).then_some(pid)
}

fn owned_by_us(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir() && m.uid() == unsafe { libc::geteuid() })
}

/// Kills every process whose command line names `dir` (a Chromium that outlived its proctor).
fn kill_processes_using(dir: &Path) {
    let needle = dir.as_os_str().as_encoded_bytes();
    let Ok(entries) = std::fs::read_dir("/proc") else { return };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
        if cmdline.windows(needle.len()).any(|w| w == needle) {
            // SAFETY: kill has no memory-safety preconditions.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

/// The running browser process; dropping it kills its process group and reaps it.
struct BrowserProcess {
    child: Child,
    stderr: Arc<Mutex<VecDeque<String>>>,
}

impl Drop for BrowserProcess {
    fn drop(&mut self) {
        // The group is the browser's own (see `spawn`): its zygotes, renderers and utilities.
        // SAFETY: killpg has no memory-safety preconditions.
        unsafe { libc::killpg(self.child.id() as libc::pid_t, libc::SIGKILL) };
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts Chromium with the DevTools pipe on its fds 3 and 4, in a process group of its own,
/// with `PR_SET_PDEATHSIG`; returns it and proctor's ends of the two pipes.
fn spawn(path: &Path, home: &BrowserHome) -> std::io::Result<(BrowserProcess, OwnedFd, OwnedFd)> {
    let (browser_reads, to_browser) = std::io::pipe()?;
    let (from_browser, browser_writes) = std::io::pipe()?;
    let (browser_reads, browser_writes) = (OwnedFd::from(browser_reads), OwnedFd::from(browser_writes));
    let mut command = Command::new(path);
    command.args(FLAGS);
    if running_as_root() {
        // Chromium refuses to run as root with its sandbox on.
        command.args(["--no-sandbox", "--disable-setuid-sandbox"]);
    }
    let mut profile = OsString::from("--user-data-dir=");
    profile.push(home.profile());
    command
        .arg(profile)
        .env("TMPDIR", home.tmp())
        // Where Chromium keeps what is not the profile's: its crash reporter's database.
        .env("CHROME_CONFIG_HOME", home.tmp())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0);
    let parent = std::process::id();
    let (reads, writes) = (browser_reads.as_raw_fd(), browser_writes.as_raw_fd());
    // SAFETY: the closure runs between fork and exec and calls only async-signal-safe functions.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // proctor died before the line above: nobody would kill this browser.
            if libc::getppid() as u32 != parent {
                return Err(std::io::Error::other("proctor exited"));
            }
            // Copies above 4 first, so neither dup2 below can clobber the other's source.
            let reads = libc::fcntl(reads, libc::F_DUPFD_CLOEXEC, 10);
            let writes = libc::fcntl(writes, libc::F_DUPFD_CLOEXEC, 10);
            if reads < 0 || writes < 0 || libc::dup2(reads, 3) < 0 || libc::dup2(writes, 4) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = spawn_from_keeper(command)?;
    // Chromium holds the other ends now; proctor's copies would hide its exit.
    drop((browser_reads, browser_writes));
    let stderr = Arc::new(Mutex::new(VecDeque::new()));
    if let Some(pipe) = child.stderr.take() {
        let lines = stderr.clone();
        if let Ok(pipe) = tokio::process::ChildStderr::from_std(pipe) {
            tokio::spawn(async move {
                use tokio::io::AsyncBufReadExt;
                let mut reader = tokio::io::BufReader::new(pipe).lines();
                while let Ok(Some(line)) = reader.next_line().await {
                    let mut lines = lines.lock().unwrap_or_else(|p| p.into_inner());
                    if lines.len() == STDERR_LINES {
                        lines.pop_front();
                    }
                    lines.push_back(line);
                }
            });
        }
    }
    Ok((BrowserProcess { child, stderr }, OwnedFd::from(to_browser), OwnedFd::from(from_browser)))
}

type SpawnJob = (Command, std::sync::mpsc::Sender<std::io::Result<Child>>);

/// Spawns `command` from a thread that lives as long as proctor: `PR_SET_PDEATHSIG` fires when
/// the *thread* that forked the child exits, and tokio's blocking threads come and go.
fn spawn_from_keeper(command: Command) -> std::io::Result<Child> {
    static KEEPER: Mutex<Option<std::sync::mpsc::Sender<SpawnJob>>> = Mutex::new(None);
    let (reply, answer) = std::sync::mpsc::channel();
    let mut keeper = KEEPER.lock().unwrap_or_else(|p| p.into_inner());
    if keeper.is_none() {
        let (jobs, queue) = std::sync::mpsc::channel::<SpawnJob>();
        std::thread::Builder::new().name("proctor-spawner".into()).spawn(move || {
            for (mut command, reply) in queue {
                let _ = reply.send(command.spawn());
            }
        })?;
        *keeper = Some(jobs);
    }
    let sent = keeper.as_ref().is_some_and(|jobs| jobs.send((command, reply)).is_ok());
    drop(keeper);
    let gone = || std::io::Error::other("the spawner thread is gone");
    if sent {
        answer.recv().unwrap_or_else(|_| Err(gone()))
    } else {
        Err(gone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_other_proctors_directories_are_stale() {
        assert_eq!(stale_owner("proctor-chromium-4242-aB3dE9"), Some(4242));
        assert_eq!(stale_owner(&format!("proctor-chromium-{}-aB3dE9", std::process::id())), None);
        assert_eq!(stale_owner("proctor-chromium-aB3dE9"), None);
        assert_eq!(stale_owner("proctor-e2e-4242-x"), None);
        assert_eq!(stale_owner("org.chromium.Chromium.4242-x"), None);
    }

    #[test]
    fn a_dead_proctors_directory_is_swept_and_a_live_ones_kept() {
        let parent = home_parent();
        let mut dead = Command::new("true").spawn().unwrap();
        let dead_pid = dead.id();
        dead.wait().unwrap();
        let stale = parent.join(format!("{HOME_PREFIX}{dead_pid}-test"));
        let live = parent.join(format!("{HOME_PREFIX}1-test"));
        for dir in [&stale, &live] {
            std::fs::create_dir_all(dir.join("profile")).unwrap();
        }
        sweep_stale_browsers();
        assert!(!stale.exists(), "{} was left", stale.display());
        assert!(live.exists(), "pid 1 is alive: its directory stays");
        std::fs::remove_dir_all(live).unwrap();
    }

    #[tokio::test]
    async fn a_program_that_is_not_a_browser_fails_fast_naming_the_variable() {
        for program in ["/bin/true", "/bin/sleep"] {
            let launcher = ChromiumLauncher { path: program.into(), from_env: true };
            let err = launcher.launch("about:blank", &[]).await.err().expect("not a browser");
            let text = err.to_string();
            assert!(text.contains(&format!("PROCTOR_CHROMIUM={program}")), "{text}");
            // Told by its exit, not by the handshake's deadline.
            assert!(text.contains("instead of speaking the DevTools protocol"), "{text}");
        }
    }
}
