//! [`forward`]: the reporter a run through `proctor serve` adds when the server shows a live
//! status page. It sends each event, as the page's JSON (as [`super::page_event`]: the run has
//! the project's files for code frames, the server need not), over the run's control connection
//! in batches (`run-events`), so 10,000 tests do not mean 30,000 frames.
//!
//! The run only hands each event to a thread of its own, which turns them into JSON (off the
//! run's path) and sends a batch [`BATCH_WINDOW`] after its first event, at once when it reaches
//! [`BATCH_BYTES`], and at once on the run's start and end. `finish` waits for that thread, so
//! the server has the whole run before the run asks for its last status. A test that starts and
//! finishes within one batch is sent as its `test-finished` only: the page would show its
//! `running` for no frame at all, and a fast suite's events halve.

use crate::events::{Event, EventKind};
use crate::report::Reporter;
use crate::serve::ServeClient;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long an event may wait for others to share its frame.
const BATCH_WINDOW: Duration = Duration::from_millis(30);
/// The size at which a batch goes out without waiting (serve takes frames up to 64 MiB).
const BATCH_BYTES: usize = 256 * 1024;
/// An event larger than this is not forwarded (a console write of megabytes): its frame could
/// exceed what serve accepts, and serve would close the run's connection.
const EVENT_BYTES: usize = 8 * 1024 * 1024;

/// The reporter that forwards a run's events to `client`'s server.
pub(crate) fn forward(client: Arc<ServeClient>, root: PathBuf) -> Box<dyn Reporter> {
    let (events, received) = channel();
    let thread = std::thread::Builder::new()
        .name("serve-page".into())
        .spawn(move || send_batches(&received, &client, &root))
        .ok();
    Box::new(Forward { events: Some(events), thread, dropped: 0 })
}

struct Forward {
    events: Option<Sender<Event>>,
    thread: Option<std::thread::JoinHandle<()>>,
    dropped: usize,
}

impl Reporter for Forward {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        if approximate_bytes(event) > EVENT_BYTES {
            self.dropped += 1;
        } else if let Some(events) = &self.events {
            let _ = events.send(event.clone());
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        // Closing the channel makes the thread send what is left and end.
        self.events = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
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

/// The forwarding thread: gathers events into batches and sends them until the run is done.
fn send_batches(events: &Receiver<Event>, client: &ServeClient, root: &std::path::Path) {
    let mut batch = Batch::default();
    let mut deadline: Option<Instant> = None;
    loop {
        let next = match deadline {
            None => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(at) => events.recv_timeout(at.saturating_duration_since(Instant::now())),
        };
        match next {
            Ok(event) => {
                let edge = matches!(event.kind, EventKind::RunStarted { .. } | EventKind::RunFinished { .. });
                batch.add(&event, root);
                deadline.get_or_insert_with(|| Instant::now() + BATCH_WINDOW);
                if edge || batch.bytes >= BATCH_BYTES {
                    batch.send(client);
                    deadline = None;
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                batch.send(client);
                deadline = None;
            }
            Err(RecvTimeoutError::Disconnected) => {
                batch.send(client);
                return;
            }
        }
    }
}

/// The events waiting to be sent.
#[derive(Default)]
struct Batch {
    events: Vec<Value>,
    bytes: usize,
    /// The test whose `test-started` is the batch's last event.
    started_last: Option<Arc<crate::events::TestInfo>>,
}

impl Batch {
    fn add(&mut self, event: &Event, root: &std::path::Path) {
        let started_last = self.started_last.take();
        match &event.kind {
            EventKind::TestFinished { test, .. } if started_last.is_some_and(|s| same_test(&s, test)) => {
                self.events.pop();
            }
            EventKind::TestStarted { test } => self.started_last = Some(test.clone()),
            _ => {}
        }
        self.events.push(super::page_event(event, root));
        self.bytes += approximate_bytes(event);
    }

    fn send(&mut self, client: &ServeClient) {
        if !self.events.is_empty() {
            client.report_events(std::mem::take(&mut self.events));
        }
        self.bytes = 0;
        self.started_last = None;
    }
}

/// The same test in the same runtime (its events may carry different copies of its info).
fn same_test(a: &crate::events::TestInfo, b: &crate::events::TestInfo) -> bool {
    a.id == b.id && a.suite == b.suite && a.runtime == b.runtime && a.instance == b.instance
}

/// About how many bytes an event's JSON takes, without writing it: what can be large (output,
/// an error's message, stack and diff) counted, the rest taken as small. The plan of
/// `run-started` is not counted: it goes out at once, as an edge.
fn approximate_bytes(event: &Event) -> usize {
    let error = |e: &protocol::ErrorInfo| {
        let optional = |text: &Option<String>| text.as_ref().map_or(0, String::len);
        e.message.len() + optional(&e.stack) + optional(&e.expected) + optional(&e.actual)
    };
    512 + match &event.kind {
        EventKind::Console { text, .. } => text.len(),
        EventKind::TestFinished { error: Some(e), .. } | EventKind::TestAttemptFailed { error: e, .. } => 2 * error(e),
        EventKind::RuntimeError { error: e, .. } => error(e),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Attempt, Outcome, TestInfo};

    fn event(kind: EventKind) -> Event {
        Event { at: std::time::UNIX_EPOCH, elapsed: Duration::ZERO, kind }
    }

    fn finished(test: Arc<TestInfo>) -> Event {
        event(EventKind::TestFinished {
            test,
            outcome: Outcome::Passed,
            duration: Duration::from_millis(1),
            error: None,
            stats: Default::default(),
            attempt: Attempt::ONCE,
        })
    }

    #[test]
    fn a_test_started_and_finished_in_one_batch_is_sent_finished_only() {
        let root = std::path::Path::new("/p");
        let mut batch = Batch::default();
        // A copy of the info, as another event may carry.
        let (one, one_again, two) = (TestInfo::sample("one"), TestInfo::sample("one"), TestInfo::sample("two"));
        batch.add(&event(EventKind::TestStarted { test: one }), root);
        batch.add(&finished(one_again), root);
        batch.add(&event(EventKind::TestStarted { test: two.clone() }), root);
        let kinds: Vec<&str> = batch.events.iter().map(|e| e["event"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["test-finished", "test-started"], "one finished, two still running");
        // Two's start went out with the last batch: its end is sent on its own.
        batch.events.clear();
        batch.started_last = None;
        batch.add(&finished(two), root);
        assert_eq!(batch.events.len(), 1);
        assert_eq!(batch.events[0]["test"]["id"], "a.test.js::two");
    }

    #[test]
    fn output_counts_toward_a_batchs_size() {
        let small = event(EventKind::TestStarted { test: TestInfo::sample("one") });
        assert!(approximate_bytes(&small) < 1024);
        let kind = EventKind::RuntimeError {
            suite: "unit".into(),
            origin: "afterAll".into(),
            error: protocol::ErrorInfo { message: "x".repeat(EVENT_BYTES), ..Default::default() },
            stats: Default::default(),
        };
        assert!(approximate_bytes(&event(kind)) > EVENT_BYTES, "too large to forward");
    }
}
