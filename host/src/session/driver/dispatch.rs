//! Running the loaded tests: `run-test` one at a time through a small window, each test's
//! deadline in the host, retries and repeats, restarts after a hang or crash, failing a group
//! whose hook failed, and closing a file's groups (`finish`) with the next file's `load`.

use super::*;

impl<L: Launch> Driver<'_, '_, L> {
    /// Runs the pending tests; returns the live runtime, or `None` when it could not be
    /// restarted (the remaining tests were then reported as crashed).
    ///
    /// Skipped tests travel through the same queue, so every result is reported in plan order.
    pub(super) async fn dispatch(
        &mut self,
        mut live: Live<L::Running>,
        mut pending: VecDeque<Scheduled>,
    ) -> Option<Live<L::Running>> {
        let mut in_flight: VecDeque<InFlight> = VecDeque::new();
        let mut head_started = Instant::now();
        let mut head_announced: Option<CommandId> = None;
        // The hook the controller said is running for the head command, if any.
        let mut hook: Option<RunningHook> = None;
        // What runs restarted its own deadline (`timeout-changed`): when, and the new limit.
        let mut changed: Option<(Instant, Duration)> = None;
        // The head test's last failed try and its tries in all, as `attempt-failed` said.
        let mut last_failed: Option<(u32, u32)> = None;
        loop {
            self.stop_if_failed_fast(&mut pending);
            // The window is topped up in batches, not one command per finished test: a batch
            // leaves in one write and the controller runs it in one turn of its event loop,
            // where one command at a time cost a turn (and a wake-up of each side) per test.
            // A repeat mode that decides after each run sends one run at a time: the next run
            // of the test must come right behind it, or not at all.
            let one_run = self.settings.repeat.fixed().is_none();
            // Under an autorun the controller has every test of the file already: nothing is
            // sent, so there is no window to keep, and the next file's `finish` and `load` go out
            // at once (the controller never waits for this side to catch up on the results).
            let autorun = self.autorun_ids.is_some_and(|(epoch, _)| epoch == live.epoch);
            let window = if autorun { usize::MAX } else { self.window() };
            let refill =
                autorun || in_flight.len() <= window / 2 && !(one_run && in_flight.iter().any(|f| f.command.is_ok()));
            while refill && in_flight.len() < window {
                let Some(Scheduled { info: test, disposition }) = pending.pop_front() else { break };
                let command = match disposition {
                    Disposition::Skip { kind, reason } => Err((kind, reason)),
                    Disposition::Run { timeout, tries } => {
                        // The controller's autorun is running this one already, by this id.
                        if let Some((_, next)) = self.autorun_ids.as_mut().filter(|_| autorun) {
                            let command = *next;
                            *next += 1;
                            in_flight.push_back(InFlight { command: Ok((command, timeout, tries)), test });
                            continue;
                        }
                        let command = self.command_id();
                        let message = HostMessage::RunTest {
                            run: live.epoch,
                            id: command,
                            test: test.id.0.clone(),
                            timeout: timeout.as_millis() as u64,
                            retries: tries.retries,
                            // The usual first try goes unsaid (0 reads as 1): one field less per test.
                            attempt: if tries.first > 1 { tries.first } else { 0 },
                            retry_delay: self.settings.retries.delay.as_millis() as u64,
                        };
                        let _ = live.conn.outbox.send(message);
                        Ok((command, timeout, tries))
                    }
                };
                let sent = command.is_ok();
                in_flight.push_back(InFlight { command, test });
                if one_run && sent {
                    break;
                }
            }
            if refill
                && matches!(self.ahead, Some(Ahead::Due(_)))
                && self.page_tainted.is_none()
                && !pending.iter().any(|s| matches!(s.disposition, Disposition::Run { .. }))
            {
                // The batch just queued leaves first (the writer runs while this task yields):
                // reading the next file's snapshots must not hold up the tests about to run.
                tokio::task::yield_now().await;
                self.send_ahead(&live);
            }
            let Some(head) = in_flight.front() else { return Some(live) };
            let (head_command, head_timeout, head_tries) = match &head.command {
                Ok(pair) => *pair,
                Err(_) => {
                    let InFlight { test, command } = in_flight.pop_front().expect("head exists");
                    if let Err((kind, reason)) = command {
                        self.stats.record_skip(&reason);
                        self.emitter.emit(EventKind::TestSkipped { test, kind, reason, stats: *self.stats });
                    }
                    continue;
                }
            };
            if head_announced != Some(head_command) {
                head_announced = Some(head_command);
                head_started = Instant::now();
                hook = None;
                changed = None;
                last_failed = None;
                self.stderr_tail.clear();
                self.emitter.emit(EventKind::TestStarted { test: head.test.clone() });
            }
            // A beforeAll/afterAll hook has a deadline of its own; the test's starts after it.
            let (from, limit) = match (&hook, changed) {
                (_, Some(restarted)) => restarted,
                (Some(running), None) if running.has_own_deadline() => {
                    (head_started, running.limit(self.suite_timeout()))
                }
                _ => (head_started, head_timeout),
            };
            let deadline = deadline_after(from, limit);
            let head_id = head.test.id.clone();
            let verdict = tokio::select! {
                biased;
                inbound = live.conn.inbox.recv() => match inbound {
                    Some(Inbound::Message(ControllerMessage::TestFinished { run, reply_to, test, status, duration_ms, error, attempt, attempts }))
                        if run == live.epoch =>
                    {
                        if reply_to != head_command || test != head_id.0 {
                            self.protocol_violation(format!("test-finished for {test} (command {reply_to}) while {head_id} was running"));
                            continue;
                        }
                        let done = in_flight.pop_front().expect("head exists");
                        let outcome = match status {
                            TestStatus::Passed => Outcome::Passed,
                            TestStatus::Failed => Outcome::Failed,
                            TestStatus::Skipped => {
                                self.skipped_itself(done.test);
                                continue;
                            }
                        };
                        let duration = Duration::from_secs_f64(duration_ms.max(0.0) / 1000.0);
                        let error = error.map(|e| self.mapped(e));
                        let attempt = Attempt {
                            attempt: attempt.unwrap_or(head_tries.first).max(1),
                            attempts: attempts.unwrap_or(head_tries.retries + 1),
                            repeat: head_tries.repeat,
                        };
                        // A pass after a failed try is flaky (a try of an earlier runtime counts).
                        let outcome = if outcome == Outcome::Passed && attempt.attempt > 1 { Outcome::Flaky } else { outcome };
                        self.finish_test(done.test.clone(), outcome, duration, error, attempt);
                        self.repeat_after(&done.test, outcome, (head_timeout, head_tries), &mut pending);
                        continue;
                    }
                    Some(Inbound::Message(ControllerMessage::AttemptFailed { run, reply_to, test, attempt, attempts, duration_ms, error }))
                        if run == live.epoch =>
                    {
                        if reply_to != head_command || test != head_id.0 {
                            self.protocol_violation(format!("attempt-failed for {test} (command {reply_to}) while {head_id} was running"));
                            continue;
                        }
                        last_failed = Some((attempt, attempts));
                        let duration = Duration::from_secs_f64(duration_ms.max(0.0) / 1000.0);
                        let test = in_flight.front().expect("head exists").test.clone();
                        let error = self.mapped(error);
                        let attempt = Attempt { attempt, attempts, repeat: head_tries.repeat };
                        self.emitter.emit(EventKind::TestAttemptFailed { test, attempt, outcome: Outcome::Failed, duration, error });
                        continue;
                    }
                    Some(Inbound::Message(ControllerMessage::HookStarted { run, command, hook: kind, file, groups, location, timeout }))
                        if run == live.epoch =>
                    {
                        if command != head_command {
                            self.protocol_violation(format!("hook-started for command {command} while {head_id} was running"));
                            continue;
                        }
                        let started = self.running_hook(kind, file, groups, location, timeout);
                        if started.has_own_deadline() {
                            head_started = Instant::now();
                            changed = None;
                        }
                        hook = Some(started);
                        continue;
                    }
                    Some(Inbound::Message(ControllerMessage::HookFinished { run, command })) if run == live.epoch => {
                        if command == head_command {
                            if hook.as_ref().is_some_and(RunningHook::has_own_deadline) {
                                head_started = Instant::now();
                                changed = None;
                            }
                            hook = None;
                        }
                        continue;
                    }
                    Some(Inbound::Message(ControllerMessage::TimeoutChanged { run, command, timeout }))
                        if run == live.epoch && command == head_command =>
                    {
                        changed = Some((Instant::now(), Duration::from_millis(timeout)));
                        continue;
                    }
                    Some(Inbound::Message(other)) => {
                        self.handle_side_message(&live, other);
                        continue;
                    }
                    Some(Inbound::Malformed(reason)) => {
                        self.protocol_violation(reason);
                        continue;
                    }
                    None => None,
                },
                line = live.process.output(), if live.output_open => match line {
                    Some(line) => {
                        self.raw_output(Some(&head_id), line);
                        continue;
                    }
                    // A tab's output ends with the tab: a crash (out of memory, say) can leave
                    // its socket open.
                    None if !live.process.exits_with_its_socket() => None,
                    None => {
                        live.output_open = false;
                        continue;
                    }
                },
                _ = sleep_until(deadline.unwrap_or_else(far_future)), if deadline.is_some() => Some(()),
            };
            let head = in_flight.pop_front().expect("head exists");
            let elapsed = head_started.elapsed();
            let ending = match verdict {
                Some(()) => {
                    live.process.kill().await;
                    Ending::TimedOut(limit)
                }
                None => {
                    self.drain_output(&mut live).await;
                    let exited = if live.process.exits_with_its_socket() {
                        timeout(EXIT_GRACE, live.process.exited()).await.ok()
                    } else {
                        None
                    };
                    let exit = match exited {
                        Some(exit) => exit.to_string(),
                        None => {
                            live.process.kill().await;
                            live.process.end_reason().unwrap_or_else(|| "closed its connection".to_string())
                        }
                    };
                    Ending::Crashed { exit, stderr: self.stderr_tail_text() }
                }
            };
            // The rest of the window goes back to the queue, in order; what the blame takes
            // out of it is reported, the rest runs in the fresh runtime.
            for InFlight { test, command } in in_flight.drain(..).rev() {
                let disposition = match command {
                    Ok((_, timeout, tries)) => Disposition::Run { timeout, tries },
                    Err((kind, reason)) => Disposition::Skip { kind, reason },
                };
                pending.push_front(Scheduled { info: test, disposition });
            }
            let reason = match hook.take() {
                Some(running) if running.has_own_deadline() => {
                    // A group hook is no test's: the head test did not start, so it goes back to
                    // the queue with the rest.
                    pending.push_front(Scheduled {
                        info: head.test,
                        disposition: Disposition::Run { timeout: head_timeout, tries: head_tries },
                    });
                    if running.kind == HookKind::BeforeAll {
                        // Its group's tests fail once each, none of them run, and nothing else
                        // waits on the hook again.
                        let message = format!("{}; no test of its group ran", ending.of_hook(&running));
                        self.fail_group(&mut pending, &running, error_info(ending.error_name(), message));
                    } else {
                        // An afterAll (or a beforeAll's cleanup) is reported as itself.
                        self.stats.runtime_errors += 1;
                        self.emitter.emit(EventKind::RuntimeError {
                            suite: self.suite_id(),
                            origin: running.describe(),
                            error: error_info(ending.error_name(), ending.of_hook(&running)),
                            stats: *self.stats,
                        });
                    }
                    ending.restart_reason(&running.describe())
                }
                each_hook => {
                    let error = error_info(ending.error_name(), ending.of_test(each_hook.as_ref()));
                    let reason = ending.restart_reason(&head.test.id.to_string());
                    // The try that timed out or crashed; a retry runs in the fresh runtime.
                    let (tried, attempts) = match last_failed {
                        Some((failed, attempts)) => (failed + 1, attempts),
                        None => (head_tries.first, head_tries.retries + 1),
                    };
                    let attempt = Attempt { attempt: tried, attempts, repeat: head_tries.repeat };
                    if tried < attempts && self.settings.fail_fast.is_none_or(|f| f.reason().is_none()) {
                        let test = head.test.clone();
                        let outcome = ending.outcome();
                        self.emitter.emit(EventKind::TestAttemptFailed {
                            test,
                            attempt,
                            outcome,
                            duration: elapsed,
                            error,
                        });
                        // `retries` stays the test's total: the controller counts from `first`.
                        let tries = Tries { first: tried + 1, retries: attempts - 1, ..head_tries };
                        pending.push_front(Scheduled {
                            info: head.test,
                            disposition: Disposition::Run { timeout: head_timeout, tries },
                        });
                        tokio::time::sleep(self.settings.retries.delay).await;
                    } else {
                        self.finish_test(head.test.clone(), ending.outcome(), elapsed, Some(error), attempt);
                        self.repeat_after(&head.test, ending.outcome(), (head_timeout, head_tries), &mut pending);
                    }
                    reason
                }
            };
            head_announced = None;
            self.stop_if_failed_fast(&mut pending);
            if !pending.iter().any(|s| matches!(s.disposition, Disposition::Run { .. })) {
                // Nothing left to run: no need for a fresh runtime just to close groups.
                for Scheduled { info, disposition } in pending.drain(..) {
                    if let Disposition::Skip { kind, reason } = disposition {
                        self.stats.record_skip(&reason);
                        self.emitter.emit(EventKind::TestSkipped { test: info, kind, reason, stats: *self.stats });
                    }
                }
                return None;
            }
            self.emitter.emit(EventKind::RuntimeRestarted { suite: self.suite_id(), reason });
            match self.start().await {
                Ok((fresh, _, _)) => live = fresh,
                Err(err) => {
                    let message = format!("the runtime could not be restarted: {err}");
                    for Scheduled { info, disposition } in pending.drain(..) {
                        match disposition {
                            Disposition::Run { tries, .. } => self.finish_test(
                                info,
                                Outcome::Crashed,
                                Duration::ZERO,
                                Some(error_info("RuntimeCrash", message.clone())),
                                Attempt { repeat: tries.repeat, ..Attempt::ONCE },
                            ),
                            Disposition::Skip { kind, reason } => {
                                self.stats.record_skip(&reason);
                                self.emitter.emit(EventKind::TestSkipped {
                                    test: info,
                                    kind,
                                    reason,
                                    stats: *self.stats,
                                });
                            }
                        }
                    }
                    return None;
                }
            }
        }
    }

    /// Closes every open group (afterAll hooks); true when the runtime is still usable. Each
    /// hook has the suite's timeout (or its own) and is named when it does not finish. `quick`:
    /// more files follow in this runtime, so the controller does not wait for leftover timers.
    /// `then_load`: the file to load next in this runtime, whose `load` is sent right behind
    /// `finish` (its id is left in `self.prefetched`).
    pub(super) async fn close_groups(
        &mut self,
        live: &mut Live<L::Running>,
        quick: bool,
        then_load: Option<String>,
    ) -> bool {
        let command = match self.ahead.take() {
            // Already sent, to this very runtime (not to one a timeout replaced since).
            Some(Ahead::Sent { epoch, finish, load }) if epoch == live.epoch => {
                self.prefetched = Some(load);
                finish
            }
            _ => {
                let command = self.command_id();
                let _ = live.conn.outbox.send(HostMessage::Finish { run: live.epoch, id: command, quick });
                if let Some(file) = then_load {
                    self.only = vec![file];
                    self.prefetched = Some(self.send_load(live, true, None));
                }
                command
            }
        };
        let mut started = Instant::now();
        let mut hook: Option<RunningHook> = None;
        let mut changed: Option<Duration> = None;
        let problem = loop {
            let limit = changed
                .unwrap_or_else(|| hook.as_ref().map_or(self.suite_timeout(), |h| h.limit(self.suite_timeout())));
            let deadline = deadline_after(started, limit);
            tokio::select! {
                biased;
                inbound = live.conn.inbox.recv() => match inbound {
                    Some(Inbound::Message(ControllerMessage::Finished { run, reply_to })) if run == live.epoch && reply_to == command => break None,
                    Some(Inbound::Message(ControllerMessage::HookStarted { run, command: during, hook: kind, file, groups, location, timeout }))
                        if run == live.epoch && during == command =>
                    {
                        hook = Some(self.running_hook(kind, file, groups, location, timeout));
                        started = Instant::now();
                        changed = None;
                    }
                    Some(Inbound::Message(ControllerMessage::HookFinished { run, .. })) if run == live.epoch => {
                        hook = None;
                        started = Instant::now();
                        changed = None;
                    }
                    Some(Inbound::Message(ControllerMessage::TimeoutChanged { run, command: during, timeout }))
                        if run == live.epoch && during == command =>
                    {
                        started = Instant::now();
                        changed = Some(Duration::from_millis(timeout));
                    }
                    Some(Inbound::Message(other)) => self.handle_side_message(live, other),
                    Some(Inbound::Malformed(reason)) => self.protocol_violation(reason),
                    None => {
                        self.drain_output(live).await;
                        let ending = Ending::Crashed { exit: "closed its connection".into(), stderr: self.stderr_tail_text() };
                        break Some((hook.take(), ending));
                    }
                },
                line = live.process.output(), if live.output_open => match line {
                    Some(line) => self.raw_output(None, line),
                    None => live.output_open = false,
                },
                _ = sleep_until(deadline.unwrap_or_else(far_future)), if deadline.is_some() => {
                    live.process.kill().await;
                    break Some((hook.take(), Ending::TimedOut(limit)));
                }
            }
        };
        if let Some((hook, ending)) = problem {
            let (origin, message) = match &hook {
                Some(hook) => (hook.describe(), ending.of_hook(hook)),
                None => (
                    "finishing the run".to_string(),
                    match &ending {
                        Ending::TimedOut(after) => {
                            format!("closing the last test file did not finish within {} ms", after.as_millis())
                        }
                        Ending::Crashed { exit, stderr } => {
                            format!("the runtime {exit} while closing the last test file{stderr}")
                        }
                    },
                ),
            };
            self.stats.runtime_errors += 1;
            self.emitter.emit(EventKind::RuntimeError {
                suite: self.suite_id(),
                origin,
                error: error_info(ending.error_name(), message),
                stats: *self.stats,
            });
            return false;
        }
        true
    }

    /// Sends the file's `finish` and the next file's `load` ahead (see [`Ahead`]), once every
    /// `run-test` of the file is out: the controller runs commands in order, so it closes the
    /// file's groups after its last test and loads the next file at once. What it says meanwhile
    /// is still read in order: `close_groups` takes the `finish` (and blames a hanging afterAll
    /// hook), `await_loaded` the `load`. A runtime restarted in between never got them, and
    /// `close_groups` sends them again.
    pub(super) fn send_ahead(&mut self, live: &Live<L::Running>) {
        let Some(Ahead::Due(next)) = self.ahead.take() else { return };
        let finish = self.command_id();
        let _ = live.conn.outbox.send(HostMessage::Finish { run: live.epoch, id: finish, quick: true });
        // Only this `load` names the next file: a restart before the file is done reloads this one.
        let autorun = self.autorun_for(&next);
        let current = std::mem::replace(&mut self.only, vec![next]);
        let load = self.send_load(live, true, autorun);
        self.only = current;
        self.ahead = Some(Ahead::Sent { epoch: live.epoch, finish, load });
    }

    /// After a failure under `--fail-fast`, turns every test still to run into "not run".
    pub(super) fn stop_if_failed_fast(&self, pending: &mut VecDeque<Scheduled>) {
        let Some(reason) = self.settings.fail_fast.and_then(FailFast::reason) else { return };
        for scheduled in pending.iter_mut().filter(|s| matches!(s.disposition, Disposition::Run { .. })) {
            scheduled.disposition = Disposition::Skip { kind: reason.kind(), reason: reason.clone() };
        }
    }

    /// A test that skipped itself while running (mocha's `this.skip()`): reported as a skip.
    pub(super) fn skipped_itself(&mut self, test: Arc<TestInfo>) {
        let reason = SkipReason::new(SkipCause::SkippedItself, "skipped itself while running (this.skip())");
        self.stats.record_skip(&reason);
        self.emitter.emit(EventKind::TestSkipped { test, kind: reason.kind(), reason, stats: *self.stats });
    }

    pub(super) fn finish_test(
        &mut self,
        test: Arc<TestInfo>,
        outcome: Outcome,
        duration: Duration,
        error: Option<ErrorInfo>,
        attempt: Attempt,
    ) {
        if let Some(fail_fast) = self.settings.fail_fast {
            fail_fast.record(&test.id, outcome);
        }
        self.stats.record(outcome);
        self.emitter.emit(EventKind::TestFinished { test, outcome, duration, error, attempt, stats: *self.stats });
    }

    /// Under a repeat mode that decides after each run (`--repeat-until-fail`, `--repeat-for`,
    /// `--hunt`): queues the test's next run first, or says `--hunt`'s verdict.
    pub(super) fn repeat_after(
        &mut self,
        test: &Arc<TestInfo>,
        outcome: Outcome,
        (timeout, tries): (Duration, Tries),
        pending: &mut VecDeque<Scheduled>,
    ) {
        let repeat = self.settings.repeat;
        if repeat.fixed().is_some() || tries.repeat.is_none() {
            return;
        }
        let share = match repeat {
            crate::retry::Repeat::For { total } => total / self.selected_tests().max(1),
            _ => Duration::ZERO,
        };
        let stopped = self.settings.fail_fast.and_then(FailFast::reason).is_some();
        let state = self.repeats.entry(test.id.clone()).or_default();
        let again = state.record(outcome.is_failure(), repeat, share) && !stopped;
        if again {
            let tries = Tries { first: 1, retries: tries.retries, repeat: Some(state.runs + 1) };
            pending.push_front(Scheduled { info: test.clone(), disposition: Disposition::Run { timeout, tries } });
            return;
        }
        if let crate::retry::Repeat::Hunt { confidence, max_rate } = repeat {
            let (runs, failures) = (state.runs, state.failures);
            let verdict = state.hunt_verdict(confidence, max_rate).unwrap_or(crate::retry::HuntVerdict::Undecided);
            let summary = verdict.describe(runs, failures, confidence, max_rate);
            self.emitter.emit(EventKind::HuntFinished { test: test.clone(), verdict, runs, failures, summary });
        }
    }

    /// How many tests of the suite the selection picked (`--repeat-for` shares its time
    /// between them).
    pub(super) fn selected_tests(&self) -> u32 {
        let count = self
            .settings
            .suite
            .files
            .iter()
            .filter(|file| file.selected)
            .flat_map(|file| file.tests())
            .filter(|(_, test)| {
                matches!(test.decision, crate::select::Decision::Selected | crate::select::Decision::Pending)
            })
            .count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// Every test still to run inside `hook`'s group fails with `error` (none of them runs);
    /// skips in it are reported as skips. The rest stay queued, in order.
    pub(super) fn fail_group(&mut self, pending: &mut VecDeque<Scheduled>, hook: &RunningHook, error: ErrorInfo) {
        let mut rest = VecDeque::with_capacity(pending.len());
        for scheduled in pending.drain(..) {
            if !hook.covers(&scheduled.info) {
                rest.push_back(scheduled);
                continue;
            }
            match scheduled.disposition {
                Disposition::Run { tries, .. } => self.finish_test(
                    scheduled.info,
                    Outcome::Failed,
                    Duration::ZERO,
                    Some(error.clone()),
                    Attempt { repeat: tries.repeat, ..Attempt::ONCE },
                ),
                Disposition::Skip { kind, reason } => {
                    self.stats.record_skip(&reason);
                    self.emitter.emit(EventKind::TestSkipped {
                        test: scheduled.info,
                        kind,
                        reason,
                        stats: *self.stats,
                    });
                }
            }
        }
        *pending = rest;
    }

    /// The hook a `hook-started` message announces, its place mapped and shown relative to the
    /// root.
    pub(super) fn running_hook(
        &self,
        kind: HookKind,
        file: String,
        groups: Vec<String>,
        location: Option<String>,
        timeout: Option<u64>,
    ) -> RunningHook {
        let site = location.map(|at| self.site(&at));
        RunningHook { kind, file, groups, site, timeout: timeout.map(Duration::from_millis) }
    }

    /// Where a hook was declared, as the controller's stack frame named it, mapped to the
    /// original file and shown relative to the root.
    pub(super) fn site(&self, location: &str) -> String {
        display_site(self.settings.root, &self.launch.map_stack(&format!("    at {location}")))
    }
}
