//! The `json` reporter: every event as one JSON object per line (the schema is the serde shape
//! of `events::Event`).

use super::{Out, Reporter, Target};
use crate::events::Event;
use std::io::Write;

pub(crate) struct JsonLines {
    out: Out,
    target: Target,
}

impl JsonLines {
    pub(crate) fn new(out: Out, target: Target) -> Self {
        JsonLines { out, target }
    }
}

impl Reporter for JsonLines {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.out, event)?;
        self.out.write_all(b"\n")?;
        // Tools read the stream as it happens (a test that is running, a run that waits), so
        // every event leaves at once.
        self.out.flush()
    }

    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        self.out.flush()
    }

    fn target(&self) -> Target {
        self.target.clone()
    }
}
