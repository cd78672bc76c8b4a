//! Starting a runtime and loading test files into it: the hello, `load` and its answer, and
//! reporting what loaded (tests, load errors, empty files, skips decided before anything runs).

use super::*;

impl<L: Launch> Driver<'_, '_, L> {
    /// Reports scheduled tests that will not run (all of them skips) in their order.
    pub(super) fn report_scheduled_skips(&mut self, scheduled: Vec<Scheduled>) {
        for Scheduled { info, disposition } in scheduled {
            let reason = match disposition {
                Disposition::Skip { reason, .. } => reason,
                Disposition::Run { .. } => continue,
            };
            self.stats.record_skip(&reason);
            self.emitter.emit(EventKind::TestSkipped { test: info, kind: reason.kind(), reason, stats: *self.stats });
        }
    }

    /// Reports what a load said: its load errors, and the files in scope that declared no test.
    pub(super) fn report_loaded(
        &mut self,
        registered: &[RegisteredTest],
        load_errors: &[LoadError],
        in_scope: impl Fn(&str) -> bool,
    ) {
        for LoadError { file, error } in load_errors {
            self.stats.load_errors += 1;
            let stack = error.stack.as_deref().map(|s| self.launch.map_stack(s));
            let message = match self.launch.explain_load_error(file, &error.message) {
                Some(why) => format!("{file}: failed to load: {why}"),
                None => format!("{file}: failed to load: {}: {}", error.name, error.message),
            };
            self.emitter.emit(EventKind::LoadError {
                suite: self.suite_id(),
                file: file.clone(),
                message,
                location: None,
                frame: None,
                stack,
                stats: *self.stats,
            });
        }
        self.report_empty_files(registered, load_errors, &in_scope);
        self.report_unmatched_focus(registered, load_errors, &in_scope);
    }

    /// A `--focus` id inside a loaded file (`file::group::test`) that none of the tests the file
    /// registered is under: an error for that file, as the same id is before anything loads
    /// when the plan knows every name. Only ids the plan could not settle (dynamic names) get
    /// this far; without it the run would quietly run none of them.
    pub(super) fn report_unmatched_focus(
        &mut self,
        registered: &[RegisteredTest],
        load_errors: &[LoadError],
        in_scope: impl Fn(&str) -> bool,
    ) {
        let suite = &self.settings.suite;
        let mut unmatched: Vec<(String, String)> = Vec::new();
        for pattern in &self.settings.selection.focus {
            if pattern.suite.as_deref().is_some_and(|s| s != suite.id) {
                continue;
            }
            let Some((file, _)) = pattern.path.split_once(protocol::ID_SEPARATOR) else { continue };
            let loaded = suite.files.iter().any(|f| f.path == file && f.selected && in_scope(&f.path));
            if !loaded || load_errors.iter().any(|e| e.file == file) {
                continue;
            }
            let own: Vec<&str> = registered.iter().filter(|t| t.file == file).map(|t| t.id.as_str()).collect();
            if own.is_empty() || own.iter().any(|id| protocol::id_is_under(id, &pattern.path)) {
                continue;
            }
            let message = format!(
                "{file}: --focus {} matches none of the {} tests this file registered{}",
                pattern.text,
                own.len(),
                crate::select::hint(&crate::select::closest(&pattern.path, own.iter().copied()))
            );
            unmatched.push((file.to_owned(), message));
        }
        for (file, message) in unmatched {
            self.stats.load_errors += 1;
            self.emitter.emit(EventKind::LoadError {
                suite: self.suite_id(),
                file,
                message,
                location: None,
                frame: None,
                stack: None,
                stats: *self.stats,
            });
        }
    }

    /// A file whose loading ended the runtime.
    pub(super) fn report_load_failure(&mut self, file: &str, why: &str) {
        self.stats.load_errors += 1;
        self.emitter.emit(EventKind::LoadError {
            suite: self.suite_id(),
            file: file.to_owned(),
            message: format!("{file}: failed to load: {why}"),
            location: None,
            frame: None,
            stack: None,
            stats: *self.stats,
        });
    }

    /// A loaded file that registered no test at all is an error for that file, as in Jest and
    /// Vitest: it is usually a mistake (tests behind a wrong condition, a helper matched by the
    /// suite's globs). A file whose tests the selection left out is not empty: it registered them.
    /// With `empty-files = "ok"` it is no error, as in mocha and web-test-runner.
    pub(super) fn report_empty_files(
        &mut self,
        registered: &[RegisteredTest],
        load_errors: &[LoadError],
        in_scope: &impl Fn(&str) -> bool,
    ) {
        if self.settings.empty_files_ok {
            return;
        }
        let loaded =
            self.settings.suite.files.iter().filter(|f| f.selected && f.syntax_error.is_none() && in_scope(&f.path));
        let empty: Vec<String> = loaded
            .filter(|f| {
                !load_errors.iter().any(|e| e.file == f.path)
                    && !self.load_skip.contains(&f.path)
                    && !registered.iter().any(|t| t.file == f.path)
            })
            .map(|f| f.path.clone())
            .collect();
        for file in empty {
            self.stats.load_errors += 1;
            self.emitter.emit(EventKind::LoadError {
                suite: self.suite_id(),
                message: format!("{file}: no tests found: a test file must declare at least one test"),
                file,
                location: None,
                frame: None,
                stack: None,
                stats: *self.stats,
            });
        }
    }

    /// Starts a runtime and loads the files. A file whose top level never finishes costs one
    /// deadline to notice (no file settles any more), one more to name (the files are then
    /// imported one at a time, each announced), and is then a load error left out of every
    /// later load, so the other files still run.
    pub(super) async fn start(
        &mut self,
    ) -> Result<(Live<L::Running>, Vec<RegisteredTest>, Vec<LoadError>), StartError> {
        loop {
            match self.start_once().await {
                Err(StartError::LoadStalled { file: Some(file), waited }) => self.report_stalled(file, waited),
                Err(StartError::LoadStalled { file: None, .. }) if !self.load_sequential => self.load_sequential = true,
                other => return other,
            }
        }
    }

    /// A file whose top level never finished: a load error, left out of every later load.
    pub(super) fn report_stalled(&mut self, file: String, waited: Duration) {
        self.stats.load_errors += 1;
        self.emitter.emit(EventKind::LoadError {
            suite: self.suite_id(),
            file: file.clone(),
            message: load_stalled(&file, waited),
            location: None,
            frame: None,
            stack: None,
            stats: *self.stats,
        });
        self.load_skip.push(file);
    }

    /// The timeout of the suite: a hook's deadline.
    pub(super) fn suite_timeout(&self) -> Duration {
        self.settings.timeout_override.unwrap_or(Duration::from_millis(self.settings.suite.timeout_ms))
    }

    /// How long loading may go without a file settling: `PROCTOR_LOAD_TIMEOUT`, else the larger
    /// of 60 s and the suite's timeout. Not the test timeout itself: a small one plus a heavy
    /// import (jsdom) on a loaded machine failed files that Jest and Vitest load, and a timeout
    /// of 0 (none) left no time at all.
    pub(super) fn load_window(&self) -> Duration {
        load_timeout().unwrap_or_else(|| self.suite_timeout().max(LOAD_TIMEOUT))
    }

    /// Spawns the runtime, waits for its hello, loads the files.
    pub(super) async fn start_once(
        &mut self,
    ) -> Result<(Live<L::Running>, Vec<RegisteredTest>, Vec<LoadError>), StartError> {
        self.stderr_tail.clear();
        let mut process = match self.spare.take() {
            Some(spare) => spare,
            None => self.launch.launch().await?,
        };
        let mut early_output = Vec::new();
        let connect_within = connect_timeout();
        let deadline = tokio::time::Instant::now() + connect_within;
        let mut early_exit = None;
        let mut output_open = true;
        let conn = loop {
            tokio::select! {
                conn = self.connections.recv() => match conn {
                    Some(conn) => break Some(conn),
                    None => return Err(StartError::ServerGone),
                },
                line = process.output(), if output_open => match line {
                    Some(line) => early_output.push(line),
                    None => {
                        // Both pipes closed: node is exiting (or closed them itself; then keep waiting).
                        output_open = false;
                        if let Ok(exit) = timeout(EXIT_GRACE, process.exited()).await {
                            early_exit = Some(exit);
                            break None;
                        }
                    }
                },
                _ = sleep_until(deadline) => {
                    process.kill().await;
                    return Err(StartError::NoConnection { waited: connect_within, stderr: tail_of(&early_output) });
                }
            }
        };
        let Some(conn) = conn else {
            while let Ok(Some(line)) = timeout(Duration::from_millis(50), process.output()).await {
                early_output.push(line);
            }
            let exit = early_exit.unwrap_or(runtimes::ExitInfo { code: None, signal: None });
            return Err(StartError::ExitedEarly { exit, stderr: tail_of(&early_output) });
        };
        let epoch = self.next_epoch;
        self.next_epoch += 1;
        // A new page holds nothing of the files before.
        self.page_tainted = None;
        let mut live = Live { process, conn, epoch, output_open };
        for line in early_output {
            self.raw_output(None, line);
        }
        match self.next_message(&mut live, connect_within, "saying hello").await? {
            ControllerMessage::Hello { protocol, runtime } => {
                if protocol != PROTOCOL_VERSION {
                    live.process.kill().await;
                    return Err(StartError::ProtocolMismatch { got: protocol });
                }
                self.emitter.emit(EventKind::RuntimeStarted {
                    suite: self.suite_id(),
                    kind: self.settings.runtime,
                    instance: self.settings.instance.clone(),
                    target: live.process.target(),
                    runtime,
                    fresh_page: self.fresh_page.take(),
                });
            }
            other => return Err(StartError::Malformed(format!("expected hello, got {other:?}"))),
        }
        let (registered, load_errors) = self.load_files(&mut live, false).await?;
        Ok((live, registered, load_errors))
    }

    /// Loads the files (with isolation, only the file being run; `fresh` undoes what the files
    /// loaded before did) and waits for what they registered. The runtime is killed when this
    /// fails.
    pub(super) async fn load_files(
        &mut self,
        live: &mut Live<L::Running>,
        fresh: bool,
    ) -> Result<(Vec<RegisteredTest>, Vec<LoadError>), StartError> {
        let load = self.send_load(live, fresh, None);
        self.await_loaded(live, load).await
    }

    /// Sends `load` for the files to load now (see [`Driver::load_files`]); returns its id.
    pub(super) fn send_load(
        &mut self,
        live: &Live<L::Running>,
        fresh: bool,
        autorun: Option<protocol::Autorun>,
    ) -> CommandId {
        let epoch = live.epoch;
        let load = self.command_id();
        self.autorun_asked = autorun.clone().map(|asked| (load, asked));
        // Read at every start, so a runtime restarted after a crash sees what was written since.
        let only = &self.only;
        let chosen = || {
            self.settings
                .suite
                .files
                .iter()
                .filter(|file| file.selected && (only.is_empty() || only.contains(&file.path)))
        };
        let mut setup = snapshots::read_setup(self.settings.root, chosen(), self.settings.snapshot_update);
        setup.format = self.settings.snapshot_format;
        let vitest = chosen().filter(|file| file.imports_vitest()).map(|file| file.path.clone()).collect();
        let file_snapshots = file_snapshots::read_file_snapshots(self.settings.root, chosen());
        let _ = live.conn.outbox.send(HostMessage::Load {
            run: epoch,
            id: load,
            snapshots: Some(setup),
            sequential: self.load_sequential,
            skip: self.load_skip.clone(),
            only: self.only.clone(),
            fresh,
            vitest,
            file_snapshots,
            autorun,
        });
        load
    }

    /// Waits for the answer to `load`. The runtime is killed when this fails.
    pub(super) async fn await_loaded(
        &mut self,
        live: &mut Live<L::Running>,
        load: CommandId,
    ) -> Result<(Vec<RegisteredTest>, Vec<LoadError>), StartError> {
        let epoch = live.epoch;
        // Loading may take as long as it needs while files keep settling; it stalls when none
        // has for a whole load window. A single file is known before it says so.
        let window = self.load_window();
        let mut deadline = Instant::now() + window;
        let mut importing: Option<String> = match self.only.as_slice() {
            [file] => Some(file.clone()),
            _ => None,
        };
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next_message(live, left, "loading the test files").await {
                Ok(ControllerMessage::Loaded { run, reply_to, tests, load_errors, autorun })
                    if run == epoch && reply_to == load =>
                {
                    let asked = self.autorun_asked.take().filter(|(asked_by, _)| *asked_by == load);
                    self.autoran = asked.filter(|_| autorun).map(|(_, asked)| asked);
                    return Ok((tests, load_errors));
                }
                Ok(ControllerMessage::FileLoading { run, file }) if run == epoch => {
                    importing = Some(file);
                    deadline = Instant::now() + window;
                }
                Ok(ControllerMessage::FileLoaded { run, .. }) if run == epoch => {
                    if self.only.len() != 1 {
                        importing = None;
                    }
                    deadline = Instant::now() + window;
                }
                Ok(other) => self.handle_side_message(live, other),
                Err(StartError::NoConnection { .. }) => {
                    live.process.kill().await;
                    return Err(StartError::LoadStalled { file: importing, waited: window });
                }
                Err(err) => {
                    live.process.kill().await;
                    return Err(err);
                }
            }
        }
    }

    /// The next protocol message during start-up, forwarding raw output meanwhile.
    pub(super) async fn next_message(
        &mut self,
        live: &mut Live<L::Running>,
        wait: Duration,
        stage: &'static str,
    ) -> Result<ControllerMessage, StartError> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            tokio::select! {
                biased;
                inbound = live.conn.inbox.recv() => match inbound {
                    Some(Inbound::Message(message)) => return Ok(message),
                    Some(Inbound::Malformed(reason)) => return Err(StartError::Malformed(reason)),
                    None => {
                        self.drain_output(live).await;
                        let _ = timeout(EXIT_GRACE, live.process.exited()).await;
                        live.process.kill().await;
                        return Err(StartError::Closed { stage, stderr: self.stderr_tail_text() });
                    }
                },
                line = live.process.output(), if live.output_open => match line {
                    Some(line) => self.raw_output(None, line),
                    // A tab that crashed (out of memory while loading, say): see `dispatch`.
                    None if !live.process.exits_with_its_socket() => {
                        live.process.kill().await;
                        return Err(StartError::Closed { stage, stderr: self.stderr_tail_text() });
                    }
                    None => live.output_open = false,
                },
                _ = sleep_until(deadline) => {
                    return Err(StartError::NoConnection { waited: wait, stderr: self.stderr_tail_text() });
                }
            }
        }
    }
}
