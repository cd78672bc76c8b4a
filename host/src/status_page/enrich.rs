//! [`page_event`]: one [`Event`] as the page reads it, the `--reporter json` object plus what
//! only the host can work out for a failure (its stack frames in the project's files and a code
//! frame read from the source), so a report opened on another machine still shows them.

use crate::events::{Event, EventKind};
use crate::report::{code_frame_at, user_frames};
use serde_json::{json, Value};
use std::path::Path;

/// The event as a JSON object; a failed test's (or failed try's) error gains `frames` (`path:line:column`, the
/// project's own, in stack order) and `code_frame`.
pub(crate) fn page_event(event: &Event, root: &Path) -> Value {
    let mut value = serde_json::to_value(event).unwrap_or(Value::Null);
    let error = match &event.kind {
        EventKind::TestFinished { error: Some(error), .. } | EventKind::TestAttemptFailed { error, .. } => error,
        _ => return value,
    };
    let frames = error.stack.as_deref().map(|stack| user_frames(stack, root)).unwrap_or_default();
    let listed: Vec<String> = frames
        .iter()
        .take(12)
        .map(|f| match &f.function {
            Some(function) => format!("{function} ({}:{}:{})", f.path, f.line, f.column),
            None => format!("{}:{}:{}", f.path, f.line, f.column),
        })
        .collect();
    if let Some(error) = value.get_mut("error").and_then(Value::as_object_mut) {
        error.insert("frames".into(), json!(listed));
        error.insert("code_frame".into(), json!(code_frame_at(&frames, root)));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Outcome, TestId, TestInfo};
    use std::sync::Arc;
    use std::time::{Duration, SystemTime};

    #[test]
    fn a_failure_gains_its_project_frames_and_code_frame() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.test.js"), "one\ntwo\nexpect(1).toBe(2)\nfour\n").unwrap();
        let stack =
            format!("Error: x\n    at node:internal/x:1:1\n    at file://{}/a.test.js:3:11", dir.path().display());
        let test = TestInfo {
            id: TestId("a.test.js::t".into()),
            suite: "unit".into(),
            runtime: crate::config::RuntimeKind::Node,
            instance: None,
            file: "a.test.js".into(),
            groups: vec![],
            name: "t".into(),
            tags: vec![],
            location: None,
        };
        let error =
            protocol::ErrorInfo { name: "Error".into(), message: "x".into(), stack: Some(stack), ..Default::default() };
        let event = Event {
            at: SystemTime::UNIX_EPOCH,
            elapsed: Duration::ZERO,
            kind: EventKind::TestFinished {
                test: Arc::new(test),
                outcome: Outcome::Failed,
                duration: Duration::from_millis(3),
                error: Some(error),
                stats: Default::default(),
                attempt: crate::events::Attempt::ONCE,
            },
        };
        let value = page_event(&event, dir.path());
        assert_eq!(value["error"]["frames"], json!(["a.test.js:3:11"]));
        let frame = value["error"]["code_frame"].as_str().unwrap();
        assert!(frame.contains("3 │ expect(1).toBe(2)"), "{frame}");
        assert_eq!(value["event"], "test-finished");
    }
}
