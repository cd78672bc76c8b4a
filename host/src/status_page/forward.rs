//! [`forward`]: the reporter a run through `proctor serve` adds when the server shows a live
//! status page. It turns each event into the page's JSON (as [`super::page_event`]: the run has
//! the project's files for code frames, the server need not) and sends them over the run's
//! control connection in batches (`run-events`), so 10,000 tests do not mean 30,000 frames.
//!
//! A batch goes out [`BATCH_WINDOW`] after its first event (a background task waits), at once
//! when it reaches [`BATCH_BYTES`], and at once on the run's start and end, so the server has
//! the whole run by the time the run asks for its last status.

use crate::events::{Event, EventKind};
use crate::report::Reporter;
use crate::serve::ServeClient;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// How long an event may wait for others to share its frame.
const BATCH_WINDOW: Duration = Duration::from_millis(30);
/// The size at which a batch goes out without waiting (serve takes frames up to 16 MiB).
const BATCH_BYTES: usize = 256 * 1024;
/// An event larger than this is not forwarded (a console write of megabytes): its frame would
/// exceed what serve accepts, and serve would close the run's connection.
const EVENT_BYTES: usize = 8 * 1024 * 1024;

/// The reporter that forwards a run's events to `client`'s server.
pub(crate) fn forward(client: Arc<ServeClient>, root: PathBuf) -> Box<dyn Reporter> {
    let shared = Arc::new(Shared { client, batch: Mutex::default(), wake: Notify::new() });
    let flusher = shared.clone();
    let task = tokio::spawn(async move {
        loop {
            flusher.wake.notified().await;
            tokio::time::sleep(BATCH_WINDOW).await;
            flusher.flush();
        }
    });
    Box::new(Forward { shared, root, task, dropped: 0 })
}

struct Shared {
    client: Arc<ServeClient>,
    batch: Mutex<Batch>,
    wake: Notify,
}

#[derive(Default)]
struct Batch {
    events: Vec<Value>,
    bytes: usize,
}

impl Shared {
    /// Sends what is waiting. The batch is taken and sent under its lock, so batches (from the
    /// task and from the run) go out in order.
    fn flush(&self) {
        let mut batch = self.batch.lock().unwrap_or_else(|p| p.into_inner());
        if !batch.events.is_empty() {
            let events = std::mem::take(&mut batch.events);
            batch.bytes = 0;
            self.client.report_events(events);
        }
    }
}

struct Forward {
    shared: Arc<Shared>,
    root: PathBuf,
    task: tokio::task::JoinHandle<()>,
    dropped: usize,
}

impl Reporter for Forward {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        let value = super::page_event(event, &self.root);
        let bytes = serde_json::to_string(&value).map_or(0, |text| text.len());
        if bytes > EVENT_BYTES {
            self.dropped += 1;
            return Ok(());
        }
        let edge = matches!(event.kind, EventKind::RunStarted { .. } | EventKind::RunFinished { .. });
        let full = {
            let mut batch = self.shared.batch.lock().unwrap_or_else(|p| p.into_inner());
            batch.events.push(value);
            batch.bytes += bytes;
            if batch.events.len() == 1 {
                self.shared.wake.notify_one();
            }
            batch.bytes >= BATCH_BYTES
        };
        if edge || full {
            self.shared.flush();
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> std::io::Result<()> {
        self.shared.flush();
        if self.dropped > 0 {
            errln!(
                "proctor: warning: {} event(s) larger than {} MiB were not shown on proctor serve's status page",
                self.dropped,
                EVENT_BYTES / (1024 * 1024)
            );
        }
        Ok(())
    }
}

impl Drop for Forward {
    fn drop(&mut self) {
        self.task.abort();
    }
}
