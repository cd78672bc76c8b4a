//! [`Board`]: the [`StatusModel`] one process shares between its runs, which feed it through
//! [`Board::feed`] (a reporter like any other, so it sees exactly the events the terminal
//! reporters see), and its HTTP server, which reads it for `/status.json`.

use super::model::{ServerInfo, State, Status, StatusModel};
use crate::events::{Event, EventKind};
use crate::history::CodeLookup;
use crate::report::Reporter;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

/// The shared status of one process's tests.
#[derive(Clone)]
pub(crate) struct Board {
    model: Arc<Mutex<StatusModel>>,
    url: String,
    server: ServerInfo,
}

impl Board {
    /// An idle board for the project at `root`, served as `kind` at `url`.
    pub(crate) fn new(root: PathBuf, kind: &str, url: String) -> Board {
        let server = ServerInfo { kind: kind.to_string(), pid: std::process::id(), root: root.display().to_string() };
        Board { model: Arc::default(), url, server }
    }

    fn model(&self) -> MutexGuard<'_, StatusModel> {
        // A reporter that panicked mid-event leaves a model that is still a valid value.
        self.model.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The status now.
    pub(crate) fn status(&self) -> Status {
        self.model().status(Some(self.url.clone()), Some(self.server.clone()))
    }

    /// The overall state now.
    pub(crate) fn state(&self) -> State {
        self.model().state()
    }

    /// A reporter that feeds this board; add one to every run's reporters, with the run's git
    /// lookup (shared with its history, so the run asks git once).
    pub(crate) fn feed(&self, code: CodeLookup) -> Box<dyn Reporter> {
        Box::new(Feed(self.clone(), code))
    }
}

/// The reporter behind [`Board::feed`].
struct Feed(Board, CodeLookup);

impl Reporter for Feed {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        let started = {
            let mut model = self.0.model();
            model.on_event(event);
            matches!(event.kind, EventKind::RunStarted { .. }).then(|| model.run_number())
        };
        if let Some(number) = started {
            let (board, code) = (self.0.clone(), self.1.clone());
            std::thread::spawn(move || {
                let commit = code.wait().status_commit();
                board.model().set_commit(number, commit);
            });
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> std::io::Result<()> {
        Ok(())
    }
}
