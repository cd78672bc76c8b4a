//! How `proctor serve` knows its tests' status: a run that holds its lease keeps a
//! [`StatusModel`] of its own (the reporter [`to_server`] makes) and sends it over the control
//! connection as it goes (`run-status`, at most every [`SEND_EVERY`] and at the run's start and
//! end); the server keeps the latest and serves it as `/status.json`.

use super::model::StatusModel;
use crate::events::{Event, EventKind};
use crate::history::CodeLookup;
use crate::report::Reporter;
use crate::serve::ServeClient;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The shortest time between two reports of a run (10,000 tests must not mean 10,000 frames).
const SEND_EVERY: Duration = Duration::from_millis(100);

/// A reporter that sends the run's status to the server whose lease it holds, with the commit
/// the run's git lookup finds (asked beside the run, not in its way; one run, one commit).
pub(crate) fn to_server(client: Arc<ServeClient>, code: CodeLookup) -> Box<dyn Reporter> {
    Box::new(ToServer { client, commit: Some(code), model: StatusModel::default(), sent: None })
}

struct ToServer {
    client: Arc<ServeClient>,
    /// The lookup, until its commit is in the model.
    commit: Option<CodeLookup>,
    model: StatusModel,
    sent: Option<Instant>,
}

impl Reporter for ToServer {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        self.model.on_event(event);
        if self.commit.as_ref().is_some_and(|c| c.get().is_some())
            || matches!(event.kind, EventKind::RunFinished { .. })
        {
            if let Some(code) = self.commit.take() {
                self.model.set_commit(self.model.run_number(), code.wait().status_commit());
            }
        }
        let edge = matches!(event.kind, EventKind::RunStarted { .. } | EventKind::RunFinished { .. });
        if edge || self.sent.is_none_or(|at| at.elapsed() >= SEND_EVERY) {
            // The server fills in its own URL and name.
            if let Ok(status) = serde_json::to_value(self.model.status(None, None)) {
                self.client.report_status(status);
            }
            self.sent = Some(Instant::now());
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> std::io::Result<()> {
        Ok(())
    }
}
