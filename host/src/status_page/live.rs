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
    history: Mutex<Vec<Arc<str>>>,
    events: broadcast::Sender<Arc<str>>,
    reruns: mpsc::UnboundedSender<RerunRequest>,
}

impl LivePage {
    /// A page for `root`, and the receiving end of its rerun requests.
    pub(crate) fn new(root: PathBuf) -> (Arc<LivePage>, mpsc::UnboundedReceiver<RerunRequest>) {
        let (reruns, requests) = mpsc::unbounded_channel();
        let (events, _) = broadcast::channel(BACKLOG);
        (Arc::new(LivePage { root, history: Mutex::new(Vec::new()), events, reruns }), requests)
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
