//! The `html` reporter: one self-contained page of the run (Vitest's and Playwright's `html`),
//! the status page with every event of the run embedded, written when the run ends. It opens
//! from disk with no server and no network, for CI artifacts. Where a history is recorded, each
//! test's latest tries are embedded too (read when the run ends, after the history has written
//! this run's: the history sink finishes first), as the live page gets them from `/history.json`.

use super::{Out, Reporter, Target};
use crate::events::Event;
use crate::history::CodeLookup;
use crate::status_page::{page_event, recent_history, render, Meta};
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;

pub(crate) struct Html {
    out: Out,
    target: Target,
    root: PathBuf,
    /// The history database, when history is on.
    history_db: Option<PathBuf>,
    /// The run's git lookup, shared with its history and status: the page's commit line.
    code: Option<CodeLookup>,
    events: Vec<Value>,
}

impl Html {
    pub(crate) fn new(
        out: Out,
        target: Target,
        root: PathBuf,
        history_db: Option<PathBuf>,
        code: Option<CodeLookup>,
    ) -> Self {
        Html { out, target, root, history_db, code, events: Vec::new() }
    }
}

impl Reporter for Html {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        // Failures are enriched now, while the sources are as the run saw them.
        self.events.push(page_event(event, &self.root));
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        let history = self.history_db.as_deref().filter(|db| db.is_file()).map(|db| recent_history(Some(db)));
        // The run is over: waiting for git here (it has long answered) holds up no test.
        let commit = self.code.as_ref().and_then(|code| code.wait().status_commit());
        let page = render(&Meta::new(&self.root, commit, false), &self.events, history.as_ref());
        self.out.write_all(page.as_bytes())?;
        self.out.flush()
    }

    fn target(&self) -> Target {
        self.target.clone()
    }
}
