//! [`LivePage`]: the live side of the status page. A reporter ([`LiveFeed`]) in every run of
//! `proctor watch` hands it each event; it keeps the current run's events (replayed to a page
//! that connects mid-run) and broadcasts each new one to the connected pages. `proctor serve`
//! feeds it the events its runs forward instead ([`LivePage::publish_json`]). Rerun requests
//! from the page's buttons go back to the watch loop (or serve's rerun task) through the
//! receiver [`LivePage::new`] returns.

use crate::events::Event;
use crate::report::Reporter;
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, mpsc};

/// How many events a slow page may fall behind before it is disconnected (it then reconnects
/// and gets the run replayed, rather than a tree with holes).
const BACKLOG: usize = 8192;

/// What a rerun button asks for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum RerunRequest {
    /// Every selected test.
    All,
    /// The tests that failed last time.
    Failed,
    /// These tests, by suite and id.
    Tests(Vec<TestRef>),
    /// These test files, relative to the root.
    Files(Vec<String>),
}

/// A test as the page names it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct TestRef {
    /// Its suite.
    pub suite: String,
    /// Its id.
    pub id: String,
}

/// Why a rerun button's request was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Something else runs; the words say what (the page shows them).
    Busy(String),
    /// Nothing listens for requests any more.
    Gone,
}

/// Says why a rerun cannot start now (`None`: it can).
type Gate = Box<dyn Fn() -> Option<String> + Send + Sync>;

/// Says which commit the latest run ran on (`None`: no run yet, or outside git); it may wait
/// for that run's git lookup, so it is called off the async threads.
type CommitSource = Box<dyn Fn() -> Option<String> + Send + Sync>;

/// The current run's events and the pages following them.
pub(crate) struct LivePage {
    pub(crate) root: PathBuf,
    /// The history database whose latest tries each test shows (`None`: history is off).
    pub(crate) history_db: Option<PathBuf>,
    history: Mutex<Current>,
    events: broadcast::Sender<Arc<str>>,
    reruns: mpsc::UnboundedSender<RerunRequest>,
    gate: std::sync::OnceLock<Gate>,
    commit: std::sync::OnceLock<CommitSource>,
}

/// The current run's events, and whether it has started and not finished.
#[derive(Default)]
struct Current {
    events: Vec<Arc<str>>,
    open: bool,
}

impl LivePage {
    /// A page for `root` (with the history database at `history_db`), and the receiving end of
    /// its rerun requests.
    pub(crate) fn new(
        root: PathBuf,
        history_db: Option<PathBuf>,
    ) -> (Arc<LivePage>, mpsc::UnboundedReceiver<RerunRequest>) {
        let (reruns, requests) = mpsc::unbounded_channel();
        let (events, _) = broadcast::channel(BACKLOG);
        let page = LivePage {
            root,
            history_db,
            history: Mutex::default(),
            events,
            reruns,
            gate: std::sync::OnceLock::new(),
            commit: std::sync::OnceLock::new(),
        };
        (Arc::new(page), requests)
    }

    /// Records one event and sends it to every page. A new run replaces the last one's events.
    pub(crate) fn publish(&self, event: &Event) {
        self.publish_json(super::page_event(event, &self.root));
    }

    /// Records one event already in the page's JSON form (as [`super::page_event`] gives it;
    /// `proctor serve` gets them so from its runs).
    pub(crate) fn publish_json(&self, event: serde_json::Value) {
        let kind = event.get("event").and_then(serde_json::Value::as_str);
        let (started, finished) = (kind == Some("run-started"), kind == Some("run-finished"));
        let json: Arc<str> = event.to_string().into();
        let Ok(mut current) = self.history.lock() else { return };
        if started {
            current.events.clear();
            current.open = true;
        }
        if finished {
            current.open = false;
        }
        current.events.push(json.clone());
        // Sent under the lock, so a page subscribing meanwhile gets each event exactly once.
        let _ = self.events.send(json);
    }

    /// The run that was feeding the page went away before it finished (its process ended or
    /// lost the connection): the page says it was interrupted, and why, instead of showing it
    /// running for ever. Nothing happens when no run is open.
    pub(crate) fn abandon(&self, why: &str) {
        if !self.history.lock().is_ok_and(|current| current.open) {
            return;
        }
        let at = std::time::SystemTime::now()
            .duration_since(std::time::SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        self.publish_json(serde_json::json!({
            "event": "runtime-error", "at": at, "suite": "", "origin": "proctor serve",
            "error": { "name": "Error", "message": why },
        }));
        self.publish_json(serde_json::json!({ "event": "run-finished", "at": at, "interrupted": "disconnected" }));
    }

    /// The run so far, and the events after it.
    pub(crate) fn follow(&self) -> (Vec<Arc<str>>, broadcast::Receiver<Arc<str>>) {
        // Subscribed under the lock, so no event falls between the two.
        match self.history.lock() {
            Ok(current) => (current.events.clone(), self.events.subscribe()),
            Err(_) => (Vec::new(), self.events.subscribe()),
        }
    }

    /// Makes [`LivePage::request`] ask `gate` first, which says why a rerun cannot start now
    /// (serve: a run holds its runtimes). Set once.
    pub(crate) fn set_gate(&self, gate: impl Fn() -> Option<String> + Send + Sync + 'static) {
        let _ = self.gate.set(Box::new(gate));
    }

    /// Makes the page name the commit `source` says the latest run ran on: the run's own git
    /// lookup (watch) or the status the run reported (serve), so the page, `/status.json` and the
    /// history never disagree. Set once.
    pub(crate) fn set_commit_source(&self, source: impl Fn() -> Option<String> + Send + Sync + 'static) {
        let _ = self.commit.set(Box::new(source));
    }

    /// The commit the latest run ran on (`-dirty` with uncommitted changes), as its status says.
    /// It may wait for git: call it off the async threads.
    pub(crate) fn commit(&self) -> Option<String> {
        self.commit.get().and_then(|source| source())
    }

    /// Asks for a rerun.
    pub(crate) fn request(&self, rerun: RerunRequest) -> Result<(), Refusal> {
        if let Some(busy) = self.gate.get().and_then(|gate| gate()) {
            return Err(Refusal::Busy(busy));
        }
        self.reruns.send(rerun).map_err(|_| Refusal::Gone)
    }
}

/// The reporter that feeds a [`LivePage`].
pub(crate) struct LiveFeed(pub Arc<LivePage>);

impl Reporter for LiveFeed {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        self.0.publish(event);
        Ok(())
    }

    fn finish(self: Box<Self>) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventKind;
    use std::time::{Duration, SystemTime};

    fn event(kind: EventKind) -> Event {
        Event { at: SystemTime::UNIX_EPOCH, elapsed: Duration::ZERO, kind }
    }

    fn started() -> Event {
        let plan = crate::plan::Plan { root: "/p".into(), suites: vec![] };
        event(EventKind::RunStarted { plan: std::sync::Arc::new(plan), seed: None })
    }

    fn restarted(reason: &str) -> Event {
        event(EventKind::RuntimeRestarted { suite: "unit".into(), reason: reason.into() })
    }

    #[test]
    fn a_page_gets_the_current_run_then_each_new_event_once() {
        let (live, _requests) = LivePage::new("/p".into(), None);
        live.publish(&started());
        live.publish(&restarted("one"));
        let (history, mut events) = live.follow();
        assert_eq!(history.len(), 2);
        assert!(history[1].contains("\"one\""));
        live.publish(&restarted("two"));
        assert!(events.try_recv().unwrap().contains("\"two\""));
        assert!(events.try_recv().is_err(), "nothing twice");
        live.publish(&started());
        let (history, _) = live.follow();
        assert_eq!(history.len(), 1, "a new run replaces the last one's events");
    }

    #[test]
    fn rerun_requests_as_the_page_posts_them() {
        let parse = |json: &str| serde_json::from_str::<RerunRequest>(json).map_err(|e| e.to_string());
        assert_eq!(parse("\"all\""), Ok(RerunRequest::All));
        assert_eq!(parse("\"failed\""), Ok(RerunRequest::Failed));
        assert_eq!(
            parse(r#"{"tests": [{"suite": "unit", "id": "a.test.js::t"}]}"#),
            Ok(RerunRequest::Tests(vec![TestRef { suite: "unit".into(), id: "a.test.js::t".into() }]))
        );
        assert_eq!(parse(r#"{"files": ["a.test.js"]}"#), Ok(RerunRequest::Files(vec!["a.test.js".into()])));
        assert!(parse(r#"{"rm": "-rf"}"#).is_err());
        let (live, mut requests) = LivePage::new("/p".into(), None);
        assert_eq!(live.request(RerunRequest::All), Ok(()));
        assert_eq!(requests.try_recv().ok(), Some(RerunRequest::All));
        drop(requests);
        assert_eq!(live.request(RerunRequest::Failed), Err(Refusal::Gone), "the watch loop is gone");
    }

    #[test]
    fn a_gate_refuses_reruns_while_busy() {
        let (live, mut requests) = LivePage::new("/p".into(), None);
        let busy = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let gate = busy.clone();
        live.set_gate(move || gate.load(std::sync::atomic::Ordering::SeqCst).then(|| "a run is going on".to_string()));
        assert_eq!(live.request(RerunRequest::All), Err(Refusal::Busy("a run is going on".into())));
        assert!(requests.try_recv().is_err(), "nothing asked");
        busy.store(false, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(live.request(RerunRequest::All), Ok(()));
    }

    #[test]
    fn a_run_that_went_away_ends_interrupted_once() {
        let (live, _requests) = LivePage::new("/p".into(), None);
        live.abandon("gone");
        assert!(live.follow().0.is_empty(), "no run, nothing to end");
        live.publish_json(serde_json::json!({"event": "run-started", "plan": {"suites": []}}));
        live.publish_json(serde_json::json!({"event": "test-started", "test": {"id": "a"}}));
        live.abandon("the run went away");
        let (events, _) = live.follow();
        assert_eq!(events.len(), 4);
        assert!(events[2].contains("\"runtime-error\"") && events[2].contains("the run went away"), "{}", events[2]);
        assert!(events[3].contains("\"run-finished\"") && events[3].contains("\"interrupted\""), "{}", events[3]);
        live.abandon("again");
        assert_eq!(live.follow().0.len(), 4, "a finished run is not ended twice");
    }
}
