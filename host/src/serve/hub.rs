//! The [`Hub`] of `proctor serve`: the runtimes it keeps — headless Chromium tabs it launched
//! and browsers people attached, each a shell page with one socket — and the lease that lets
//! one run at a time use them. The HTTP side (`http.rs`) feeds it connections; the runs talk to
//! it through their control connections.

use protocol::serve::ServedRuntime;
use protocol::shell::ShellCommand;
use protocol::CommandId;
use runtimes::{ChromiumBrowser, ChromiumTab, Runtime};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};

/// How long a shell page may take to answer `open-frame` / `close-frame`.
const SHELL_REPLY: Duration = Duration::from_secs(5);
/// How long a closing frame may take before its headless tab is replaced instead.
const CLOSE_REPLY: Duration = Duration::from_secs(3);
/// How long an `open-frame` waits for a headless tab that is being replaced.
const REPLACEMENT_WAIT: Duration = Duration::from_secs(20);
/// How long a replacement tab may take to connect before another is opened instead (a tab
/// opened as its crashed predecessor goes down was seen, rarely, to stay blank).
const REPLACEMENT_CONNECT: Duration = Duration::from_secs(8);

/// One connected shell page.
struct Slot {
    runtime: ServedRuntime,
    connection: u64,
    outbox: mpsc::UnboundedSender<ShellCommand>,
    replies: HashMap<CommandId, oneshot::Sender<()>>,
}

/// The headless browser the server launched, and its tabs by launch number.
pub(crate) struct Headless {
    browser: ChromiumBrowser,
    tabs: tokio::sync::Mutex<HashMap<u32, ChromiumTab>>,
    /// The shell page's URL without the `launch` parameter.
    shell_url: String,
    /// Tells of tabs that ended (tab number, target): a crashed tab's sockets can stay open,
    /// so its shell going away cannot be the only sign.
    ended: mpsc::UnboundedSender<(u32, Option<String>)>,
    ends: Mutex<Option<mpsc::UnboundedReceiver<(u32, Option<String>)>>>,
}

impl Headless {
    pub(crate) fn new(browser: ChromiumBrowser, shell_url: String) -> Headless {
        let (ended, ends) = mpsc::unbounded_channel();
        Headless {
            browser,
            tabs: tokio::sync::Mutex::new(HashMap::new()),
            shell_url,
            ended,
            ends: Mutex::new(Some(ends)),
        }
    }

    /// The URL headless tab `n` opens.
    pub(crate) fn tab_url(&self, n: u32) -> String {
        format!("{}&launch={n}", self.shell_url)
    }

    /// Opens headless tab `n` (closing a previous tab `n`); returns its DevTools target.
    async fn open(&self, n: u32) -> Result<Option<String>, runtimes::RuntimeError> {
        let tab = self.browser.open_tab(&self.tab_url(n)).await?;
        let target = tab.target_id();
        let (gone, ended, which) = (tab.gone(), self.ended.clone(), target.clone());
        tokio::spawn(async move {
            gone.await;
            let _ = ended.send((n, which));
        });
        let old = self.tabs.lock().await.insert(n, tab);
        if let Some(mut old) = old {
            // A dead tab can take a while to refuse commands; nobody needs to wait for that.
            tokio::spawn(async move { old.kill().await });
        }
        Ok(target)
    }

    async fn has(&self, n: u32) -> bool {
        self.tabs.lock().await.contains_key(&n)
    }

    async fn target(&self, n: u32) -> Option<String> {
        self.tabs.lock().await.get(&n).and_then(ChromiumTab::target_id)
    }

    async fn interrupt(&self, n: u32) {
        if let Some(tab) = self.tabs.lock().await.get(&n) {
            // A tab that died cannot answer; its replacement must not wait behind it.
            let _ = tokio::time::timeout(Duration::from_secs(1), tab.interrupt()).await;
        }
    }
}

/// Everything `proctor serve` keeps between runs.
pub(crate) struct Hub {
    slots: Mutex<Vec<Slot>>,
    changed: watch::Sender<u64>,
    lease: tokio::sync::Mutex<()>,
    runs: AtomicUsize,
    next_id: AtomicU64,
    stopping: AtomicBool,
    stop: watch::Sender<bool>,
    headless: tokio::sync::OnceCell<Arc<Headless>>,
    /// Headless tabs being opened or replaced on purpose: their old shell going away is
    /// expected, not a crash to answer with yet another tab.
    replacing: Mutex<std::collections::HashSet<u32>>,
    /// Taken while a tab that went away is replaced: its shell closing and the browser's
    /// crash report both ask, and one new tab is enough.
    replacement: tokio::sync::Mutex<()>,
    /// The status its latest run reported (`run-status`), for `/status.json`.
    status: Mutex<Option<crate::status::Status>>,
    /// The live status page its runs' events feed (`proctor serve`; watch's server has none).
    page: std::sync::OnceLock<(Arc<crate::status_page::LivePage>, String)>,
    /// The URL a person opens to attach a browser.
    pub(crate) attach_url: String,
    /// The address the server is bound to.
    pub(crate) bind: String,
    /// The project root.
    pub(crate) root: String,
}

impl Hub {
    pub(crate) fn new(attach_url: String, bind: String, root: String) -> Arc<Hub> {
        Arc::new(Hub {
            slots: Mutex::new(Vec::new()),
            changed: watch::channel(0).0,
            lease: tokio::sync::Mutex::new(()),
            runs: AtomicUsize::new(0),
            next_id: AtomicU64::new(1),
            stopping: AtomicBool::new(false),
            stop: watch::channel(false).0,
            headless: tokio::sync::OnceCell::new(),
            replacing: Mutex::new(std::collections::HashSet::new()),
            replacement: tokio::sync::Mutex::new(()),
            status: Mutex::new(None),
            page: std::sync::OnceLock::new(),
            attach_url,
            bind,
            root,
        })
    }

    /// Keeps the status a run reported; a value that is not a status is ignored.
    pub(crate) fn set_status(&self, status: serde_json::Value) {
        if let Ok(status) = serde_json::from_value::<crate::status::Status>(status) {
            *self.status.lock().unwrap_or_else(|p| p.into_inner()) = Some(status);
        }
    }

    /// Gives the hub the status page its runs' events go to, shown at `url`; set once, before
    /// serving. The page names the commit its latest run reported (the run's own git lookup).
    pub(crate) fn set_page(self: &Arc<Self>, page: Arc<crate::status_page::LivePage>, url: String) {
        // Weak: the hub owns the page, and a cycle would keep both (and the browser) alive.
        let hub = Arc::downgrade(self);
        page.set_commit_source(move || hub.upgrade()?.status().run?.commit);
        let _ = self.page.set((page, url));
    }

    /// The status page, when the server shows one.
    pub(crate) fn page(&self) -> Option<&Arc<crate::status_page::LivePage>> {
        self.page.get().map(|(page, _)| page)
    }

    /// A run that held the lease went away. A status it left running would never finish and
    /// would hide whatever it was about to report, so it turns failed, saying why; the page
    /// shows the run interrupted.
    pub(crate) fn run_left(&self) {
        use crate::status::{Problem, State};
        if let Some(page) = self.page() {
            page.abandon("the run went away before it finished (its process ended or lost the connection)");
        }
        let mut status = self.status.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(status) = status.as_mut().filter(|s| s.state == State::Running) {
            status.state = State::Failed;
            status.last_result = Some(State::Failed);
            status.failing.push(Problem {
                id: None,
                suite: String::new(),
                file: None,
                line: None,
                column: None,
                name: status.run.as_mut().and_then(|run| run.current.take()),
                outcome: "runtime-error".into(),
                message: "the run went away before it finished (its process ended or lost the connection)".into(),
            });
        }
    }

    /// The status of the latest run (idle before the first), named as this server's.
    pub(crate) fn status(&self) -> crate::status::Status {
        let reported = self.status.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut status = reported.unwrap_or_else(|| crate::status::StatusModel::default().status(None, None));
        // The page when there is one (what `proctor status` prints as `page:`).
        status.url = Some(self.page.get().map_or_else(|| self.attach_url.clone(), |(_, url)| url.clone()));
        status.server =
            Some(crate::status::ServerInfo { kind: "serve".into(), pid: std::process::id(), root: self.root.clone() });
        status
    }

    /// Hands the hub the headless browser, so it can interrupt and replace its tabs, and
    /// replaces at once a tab that crashes (out of memory, say): closing it also closes the
    /// sockets of the run frame in it, so the run learns of the crash now, not at its timeout.
    pub(crate) fn set_headless(self: &Arc<Self>, headless: Arc<Headless>) {
        let ends = headless.ends.lock().unwrap_or_else(|p| p.into_inner()).take();
        let _ = self.headless.set(headless);
        let Some(mut ends) = ends else { return };
        // Weak: the hub owns the browser, and dropping the hub is what closes it.
        let hub = Arc::downgrade(self);
        tokio::spawn(async move {
            while let Some((n, target)) = ends.recv().await {
                let Some(hub) = hub.upgrade() else { break };
                if !hub.stopping.load(Ordering::SeqCst) {
                    hub.replace_headless(n, target, &format!("chromium#{n}'s tab crashed or was closed")).await;
                }
            }
        });
    }

    /// Replaces headless tab `n` if `target` (when known) is still its tab: a tab replaced on
    /// purpose ends too, and a tab that went away is told of twice (see `replacement`).
    async fn replace_headless(&self, n: u32, target: Option<String>, why: &str) {
        let Some(headless) = self.headless.get() else { return };
        let _one_at_a_time = self.replacement.lock().await;
        if target.is_some() && headless.target(n).await != target {
            return;
        }
        // A crashed tab's shell may keep its socket: commands sent there would go unanswered,
        // where a run that finds no runtime waits for the new tab.
        let label = format!("chromium#{n}");
        let forgotten = {
            let mut slots = self.lock();
            let before = slots.len();
            slots.retain(|s| s.runtime.label != label);
            slots.len() != before
        };
        if forgotten {
            self.bump();
        }
        errln!("proctor serve: {why}; opening a new one");
        for attempt in 1..=2 {
            if let Err(err) = self.open_headless(n).await {
                errln!("proctor serve: could not replace chromium#{n}: {err}");
                return;
            }
            // Its shell's hello ends the replacement (see `register`).
            let mut changes = self.subscribe();
            let connected = tokio::time::timeout(REPLACEMENT_CONNECT, async {
                while self.replacing.lock().unwrap_or_else(|p| p.into_inner()).contains(&n) {
                    if changes.changed().await.is_err() {
                        break;
                    }
                }
            });
            if connected.await.is_ok() || attempt == 2 {
                return;
            }
            errln!(
                "proctor serve: chromium#{n}'s new tab did not connect within {} s; opening another",
                REPLACEMENT_CONNECT.as_secs()
            );
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Slot>> {
        self.slots.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The connected runtimes, in label order.
    pub(crate) fn runtimes(&self) -> Vec<ServedRuntime> {
        let mut runtimes: Vec<ServedRuntime> = self.lock().iter().map(|s| s.runtime.clone()).collect();
        runtimes.sort_by(|a, b| (&a.kind, label_number(&a.label)).cmp(&(&b.kind, label_number(&b.label))));
        runtimes
    }

    /// Notifies whenever the set of runtimes changes.
    pub(crate) fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    fn bump(&self) {
        self.changed.send_modify(|n| *n += 1);
    }

    /// A shell page said hello. `launch` is the headless tab number it was opened with, if
    /// any; every other page is a browser a person attached. Returns its label.
    pub(crate) async fn register(
        &self,
        connection: u64,
        launch: Option<u32>,
        user_agent: String,
        outbox: mpsc::UnboundedSender<ShellCommand>,
    ) -> String {
        let headless = match (launch, self.headless.get()) {
            (Some(n), Some(headless)) => Some((n, headless.target(n).await)),
            (Some(n), None) => Some((n, None)),
            (None, _) => None,
        };
        let mut slots = self.lock();
        let runtime = match headless {
            Some((n, target)) => {
                self.replacing.lock().unwrap_or_else(|p| p.into_inner()).remove(&n);
                let label = format!("chromium#{n}");
                slots.retain(|s| s.runtime.label != label);
                ServedRuntime { label, kind: "chromium".into(), user_agent, target }
            }
            None => {
                // The smallest free number, so a person who reopens the page gets their label back.
                let n = (1..).find(|n| !slots.iter().any(|s| s.runtime.label == format!("attach#{n}"))).unwrap_or(1);
                ServedRuntime { label: format!("attach#{n}"), kind: "attach".into(), user_agent, target: None }
            }
        };
        let label = runtime.label.clone();
        slots.push(Slot { runtime, connection, outbox, replies: HashMap::new() });
        drop(slots);
        self.bump();
        label
    }

    /// A shell connection closed: its runtime is gone. A headless tab is replaced unless the
    /// server is stopping.
    pub(crate) fn unregister(self: &Arc<Self>, connection: u64) {
        let removed = {
            let mut slots = self.lock();
            let index = slots.iter().position(|s| s.connection == connection);
            index.map(|i| slots.remove(i))
        };
        let Some(slot) = removed else { return };
        self.bump();
        if self.stopping.load(Ordering::SeqCst) {
            return;
        }
        let label = slot.runtime.label;
        match (label.strip_prefix("chromium#").and_then(|n| n.parse::<u32>().ok()), self.headless.get()) {
            (Some(n), Some(_)) if self.replacing.lock().unwrap_or_else(|p| p.into_inner()).contains(&n) => {}
            (Some(n), Some(_)) => {
                let hub = self.clone();
                let why = format!("{label}'s tab closed or crashed");
                tokio::spawn(async move { hub.replace_headless(n, slot.runtime.target, &why).await });
            }
            _ => errln!("proctor serve: {label} disconnected; open {} to reattach", self.attach_url),
        }
    }

    /// A shell page answered a command.
    pub(crate) fn reply(&self, connection: u64, reply_to: CommandId) {
        let mut slots = self.lock();
        if let Some(slot) = slots.iter_mut().find(|s| s.connection == connection) {
            if let Some(waiter) = slot.replies.remove(&reply_to) {
                let _ = waiter.send(());
            }
        }
    }

    /// Sends a command to the runtime `label` and waits for its answer.
    async fn command(
        &self,
        label: &str,
        make: impl FnOnce(CommandId) -> ShellCommand,
        wait: Duration,
    ) -> Result<ServedRuntime, CommandFailure> {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let (tx, rx) = oneshot::channel();
        let runtime = {
            let mut slots = self.lock();
            let slot = slots.iter_mut().find(|s| s.runtime.label == label).ok_or(CommandFailure::Gone)?;
            slot.replies.insert(id, tx);
            if slot.outbox.send(make(id)).is_err() {
                return Err(CommandFailure::Gone);
            }
            slot.runtime.clone()
        };
        match tokio::time::timeout(wait, rx).await {
            Ok(Ok(())) => Ok(runtime),
            Ok(Err(_)) => Err(CommandFailure::Gone),
            Err(_) => Err(CommandFailure::NoAnswer),
        }
    }

    /// Replaces the runtime's run frame with a fresh one loading `port` + `path`.
    pub(crate) async fn open_frame(&self, label: &str, port: u16, path: &str) -> Result<ServedRuntime, String> {
        let is_headless = label.starts_with("chromium#");
        let deadline = tokio::time::Instant::now() + if is_headless { REPLACEMENT_WAIT } else { Duration::ZERO };
        loop {
            let path = path.to_string();
            match self.command(label, |id| ShellCommand::OpenFrame { id, port, path }, SHELL_REPLY).await {
                Ok(runtime) => return Ok(runtime),
                Err(CommandFailure::Gone) if tokio::time::Instant::now() < deadline => {
                    // A replacement tab is on its way.
                    let mut changed = self.subscribe();
                    let _ = tokio::time::timeout_at(deadline, changed.changed()).await;
                }
                Err(CommandFailure::Gone) => {
                    return Err(if is_headless {
                        format!("{label} is not connected (its replacement tab did not come up)")
                    } else {
                        format!("{label} is not connected; open {} in a browser to reattach", self.attach_url)
                    })
                }
                Err(CommandFailure::NoAnswer) => {
                    return Err(format!(
                        "{label} does not answer (a test may still be spinning in it); reload that tab or open {}",
                        self.attach_url
                    ))
                }
            }
        }
    }

    /// Stops whatever the runtime's frame runs and removes the frame. A headless tab that does
    /// not answer is replaced; an attached browser cannot be forced, so it is left as it is.
    pub(crate) async fn close_frame(&self, label: &str) {
        let headless = label.strip_prefix("chromium#").and_then(|n| n.parse::<u32>().ok()).zip(self.headless.get());
        if let Some((n, headless)) = headless {
            headless.interrupt(n).await;
        }
        let closed = self.command(label, |id| ShellCommand::CloseFrame { id }, CLOSE_REPLY).await;
        if let (Err(CommandFailure::NoAnswer), Some((n, _))) = (closed, headless) {
            errln!("proctor serve: {label} does not answer; replacing its tab");
            if let Err(err) = self.open_headless(n).await {
                errln!("proctor serve: could not replace {label}: {err}");
            }
        }
    }

    /// Opens (or replaces) headless tab `n`. Its shell may connect before the tab is known
    /// here, so the slot learns its DevTools target now too.
    pub(crate) async fn open_headless(&self, n: u32) -> Result<(), runtimes::RuntimeError> {
        let Some(headless) = self.headless.get() else { return Ok(()) };
        if headless.has(n).await {
            // The old tab's shell is about to go: that is this replacement, not a crash.
            self.replacing.lock().unwrap_or_else(|p| p.into_inner()).insert(n);
        }
        let target = headless.open(n).await?;
        let label = format!("chromium#{n}");
        let mut slots = self.lock();
        if let Some(slot) = slots.iter_mut().find(|s| s.runtime.label == label) {
            slot.runtime.target = target;
            drop(slots);
            self.bump();
        }
        Ok(())
    }

    /// Waits for the lease: one run at a time. `queued` is told how many runs are ahead when
    /// this one has to wait.
    pub(crate) async fn lease(&self, queued: impl FnOnce(usize)) -> Lease<'_> {
        let ahead = self.runs.fetch_add(1, Ordering::SeqCst);
        let guard = match self.lease.try_lock() {
            Ok(guard) => guard,
            Err(_) => {
                queued(ahead.max(1));
                self.lease.lock().await
            }
        };
        Lease { _guard: guard, hub: self }
    }

    /// Runs holding or waiting for the lease.
    pub(crate) fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }

    /// Called when a queued run gave up before getting the lease.
    pub(crate) fn left_queue(&self) {
        self.runs.fetch_sub(1, Ordering::SeqCst);
    }

    /// Asks the server to shut down.
    pub(crate) fn request_stop(&self) {
        let _ = self.stop.send(true);
    }

    /// Resolves once a stop was requested.
    pub(crate) async fn stop_requested(&self) {
        let mut stop = self.stop.subscribe();
        let _ = stop.wait_for(|stop| *stop).await;
    }

    /// From now on, runtimes that go away are not replaced.
    pub(crate) fn begin_shutdown(&self) {
        self.stopping.store(true, Ordering::SeqCst);
    }
}

/// One run's hold on the runtimes; released on drop.
pub(crate) struct Lease<'a> {
    _guard: tokio::sync::MutexGuard<'a, ()>,
    hub: &'a Hub,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        self.hub.runs.fetch_sub(1, Ordering::SeqCst);
    }
}

enum CommandFailure {
    /// The runtime is not connected (any more).
    Gone,
    /// It did not answer in time.
    NoAnswer,
}

fn label_number(label: &str) -> u32 {
    label.rsplit('#').next().and_then(|n| n.parse().ok()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::State;

    fn reported(hub: &Hub, state: &str) {
        let status = serde_json::json!({
            "version": 1, "state": state, "lastResult": null,
            "counts": {"passed": 0, "failed": 0, "timedOut": 0, "crashed": 0, "interrupted": 0, "flaky": 0,
                       "skipped": 0, "todo": 0, "loadErrors": 0, "runtimeErrors": 0, "total": 0},
            "failing": [], "flaky": [], "url": null, "server": null,
            "run": {"number": 1, "commit": null, "startedAt": "2026-12-04T00:00:00.000Z", "finishedAt": null,
                    "durationMs": null, "tests": 0, "current": "a.test.js::hangs"}
        });
        hub.set_status(status);
    }

    #[test]
    fn a_run_that_goes_away_while_running_leaves_a_failed_status_naming_its_test() {
        let hub = Hub::new("http://127.0.0.1:1/?token=t".into(), "127.0.0.1".into(), "/p".into());
        assert_eq!(hub.status().state, State::Idle);
        assert_eq!(hub.status().server.unwrap().kind, "serve");
        reported(&hub, "running");
        hub.run_left();
        let status = hub.status();
        assert_eq!((status.state, status.last_result), (State::Failed, Some(State::Failed)));
        assert_eq!(status.failing[0].name.as_deref(), Some("a.test.js::hangs"));
        assert_eq!(status.url.as_deref(), Some("http://127.0.0.1:1/?token=t"));
        // A run that finished is left as it reported.
        reported(&hub, "passed");
        hub.run_left();
        assert_eq!(hub.status().state, State::Passed);
    }
}
