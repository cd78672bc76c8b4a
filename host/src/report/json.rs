//! The `json` reporter: every event as one JSON object per line (the schema is the serde shape
//! of `events::Event`).

use super::{Out, Reporter};
use crate::events::{Event, EventKind};
use std::io::Write;

pub(crate) struct JsonLines {
    out: Out,
}

impl JsonLines {
    pub(crate) fn new(out: Out) -> Self {
        JsonLines { out }
    }
}

impl Reporter for JsonLines {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.out, event)?;
        self.out.write_all(b"\n")?;
        if matches!(event.kind, EventKind::RunFinished { .. }) {
            self.out.flush()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        self.out.flush()
    }
}
