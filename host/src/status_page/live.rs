//! [`LivePage`]: the live side of the status page. A reporter ([`LiveFeed`]) in every run of
//! `proctor watch` hands it each event; it keeps the current run's events (replayed to a page
//! that connects mid-run) and broadcasts each new one to the connected pages. Rerun requests
//! from the page's buttons go back to the watch loop through [`LivePage::reruns`].

use crate::events::{Event, EventKind};
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

/// The current run's events and the pages following them.
pub(crate) struct LivePage {
    pub(crate) root: PathBuf,
    /// The history database whose latest tries each test shows (`None`: history is off).
    pub(crate) history_db: Option<PathBuf>,
    history: Mutex<Vec<Arc<str>>>,
    events: broadcast::Sender<Arc<str>>,
    reruns: mpsc::UnboundedSender<RerunRequest>,
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
        (Arc::new(LivePage { root, history_db, history: Mutex::new(Vec::new()), events, reruns }), requests)
    }

    /// Records one event and sends it to every page. A new run replaces the last one's events.
    pub(crate) fn publish(&self, event: &Event) {
        let json: Arc<str> = super::page_event(event, &self.root).to_string().into();
        let Ok(mut history) = self.history.lock() else { return };
        if matches!(event.kind, EventKind::RunStarted { .. }) {
            history.clear();
        }
        history.push(json.clone());
        // Sent under the lock, so a page subscribing meanwhile gets each event exactly once.
        let _ = self.events.send(json);
    }

    /// The run so far, and the events after it.
    pub(crate) fn follow(&self) -> (Vec<Arc<str>>, broadcast::Receiver<Arc<str>>) {
        // Subscribed under the lock, so no event falls between the two.
        match self.history.lock() {
            Ok(history) => (history.clone(), self.events.subscribe()),
            Err(_) => (Vec::new(), self.events.subscribe()),
        }
    }

    /// Asks the watch loop for a rerun; false when it no longer listens.
    pub(crate) fn request(&self, rerun: RerunRequest) -> bool {
        self.reruns.send(rerun).is_ok()
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
        assert!(live.request(RerunRequest::All));
        assert_eq!(requests.try_recv().ok(), Some(RerunRequest::All));
        drop(requests);
        assert!(!live.request(RerunRequest::Failed), "the watch loop is gone");
    }
}
