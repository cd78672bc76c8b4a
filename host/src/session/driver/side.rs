//! What a runtime says beside the results: console output, snapshot files and inline
//! snapshots, side messages (page taint, errors outside tests), its raw stderr, and protocol
//! violations.

use super::*;

impl<L: Launch> Driver<'_, '_, L> {
    /// Console output and errors outside tests; anything else at this point is stale or stray.
    /// Output the controller did not stamp with a test is nobody's: it is never pinned on the
    /// test that happens to be running.
    pub(super) fn handle_side_message(&mut self, live: &Live<L::Running>, message: ControllerMessage) {
        match message {
            ControllerMessage::Console { run, test, after, stream, level, text } if run == live.epoch => {
                self.emitter.emit(EventKind::Console {
                    suite: self.suite_id(),
                    test: test.map(TestId),
                    after: after.map(TestId),
                    stream,
                    level,
                    text,
                });
            }
            ControllerMessage::Error { run, origin, after, error } if run == live.epoch => {
                let origin = match after {
                    Some(test) => format!("{origin} from a callback of {test}, after that test ended"),
                    None => origin,
                };
                let error = self.mapped(error);
                self.stats.runtime_errors += 1;
                self.emitter.emit(EventKind::RuntimeError {
                    suite: self.suite_id(),
                    origin,
                    error,
                    stats: *self.stats,
                });
            }
            ControllerMessage::SnapshotFile { run, file, content, inline, counts } if run == live.epoch => {
                self.write_inline(&file, inline);
                self.snapshot_file(file, content, counts);
            }
            ControllerMessage::FileSnapshot { run, path, content } if run == live.epoch => {
                let files = self.settings.suite.files.iter().filter(|file| file.selected);
                if let Err(message) = file_snapshots::write_file_snapshot(self.settings.root, files, &path, &content) {
                    self.stats.runtime_errors += 1;
                    self.emitter.emit(EventKind::RuntimeError {
                        suite: self.suite_id(),
                        origin: format!("writing the file snapshot {path}"),
                        error: error_info("SnapshotError", message),
                        stats: *self.stats,
                    });
                }
            }
            ControllerMessage::PageTainted { run, what } if run == live.epoch => {
                self.page_tainted.get_or_insert(what);
            }
            // Replies of an abandoned epoch, or a pong: nothing to do.
            _ => {}
        }
    }

    /// Writes the inline snapshots a test file's run sent into the sources their calls are in;
    /// one that cannot be placed is a runtime error (its test passed, as a written snapshot does).
    pub(super) fn write_inline(&mut self, file: &str, inline: Vec<InlineSnapshot>) {
        if inline.is_empty() {
            return;
        }
        let mapped: Vec<(String, String)> =
            inline.into_iter().map(|entry| (self.launch.map_stack(&entry.stack), entry.snapshot)).collect();
        let (_written, errors) = inline_snapshots::write_inline(self.settings.root, &mapped);
        for error in errors {
            self.stats.runtime_errors += 1;
            self.emitter.emit(EventKind::RuntimeError {
                suite: self.suite_id(),
                origin: format!("writing the inline snapshots of {file}"),
                error: error_info("SnapshotError", error.to_string()),
                stats: *self.stats,
            });
        }
    }

    /// A test file's snapshots are done: write what changed, count, and tell the reporters.
    pub(super) fn snapshot_file(&mut self, file: String, content: Option<String>, counts: SnapshotCounts) {
        // Only a planned test file's snapshot file is written, whatever the runtime says.
        if !self.settings.suite.files.iter().any(|planned| planned.path == file) {
            self.protocol_violation(format!("snapshots for {file:?}, which is not a test file of this suite"));
            return;
        }
        let path = snapshots::snapshot_file_of(&file);
        let written = match content {
            None => Ok(None),
            Some(text) => snapshots::apply(self.settings.root, &path, &text),
        };
        let action = match written {
            Ok(action) => action,
            Err(error) => {
                self.stats.runtime_errors += 1;
                self.emitter.emit(EventKind::RuntimeError {
                    suite: self.suite_id(),
                    origin: format!("writing the snapshots of {file}"),
                    error: error_info("SnapshotError", format!("could not write {path}: {error}")),
                    stats: *self.stats,
                });
                return;
            }
        };
        self.stats.snapshots.add(&counts);
        self.emitter.emit(EventKind::SnapshotFile {
            suite: self.suite_id(),
            file,
            path,
            action,
            counts,
            stats: *self.stats,
        });
    }

    /// The error with its stack mapped to original files.
    pub(super) fn mapped(&self, mut error: ErrorInfo) -> ErrorInfo {
        if let Some(stack) = &error.stack {
            error.stack = Some(self.launch.map_stack(stack));
        }
        error
    }

    pub(super) fn raw_output(&mut self, running: Option<&TestId>, line: RawOutput) {
        if line.stderr {
            if self.stderr_tail.len() == STDERR_TAIL {
                self.stderr_tail.pop_front();
            }
            self.stderr_tail.push_back(line.text.clone());
        }
        let stream = if line.stderr { Stream::Stderr } else { Stream::Stdout };
        self.emitter.emit(EventKind::Console {
            suite: self.suite_id(),
            test: running.cloned(),
            after: None,
            stream,
            level: ConsoleLevel::Write,
            text: line.text + "\n",
        });
    }

    /// Collects what a dying runtime printed last, so a crash message can quote it.
    pub(super) async fn drain_output(&mut self, live: &mut Live<L::Running>) {
        while live.output_open {
            match timeout(Duration::from_millis(200), live.process.output()).await {
                Ok(Some(line)) => self.raw_output(None, line),
                Ok(None) => live.output_open = false,
                Err(_) => break,
            }
        }
    }

    pub(super) fn stderr_tail_text(&self) -> String {
        if self.stderr_tail.is_empty() {
            String::new()
        } else {
            let lines: Vec<&str> = self.stderr_tail.iter().map(String::as_str).collect();
            format!("; its stderr ended with:\n{}", lines.join("\n"))
        }
    }

    pub(super) fn protocol_violation(&mut self, reason: String) {
        errln!("proctor: ignoring an unexpected message from the controller: {reason}");
    }
}
