//! The driver against a scripted fake controller over channels: ordering through the
//! window, deadlines, crashes, restarts, stale epochs and skips, without a real runtime
//! (the e2e tests cover real node).

use super::*;
use crate::events::Event;
use crate::report::{Fanout, Reporter};
use protocol::{RuntimeInfo, TestMode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use tokio::sync::{mpsc, oneshot};

#[derive(Clone, Copy, PartialEq)]
enum Behaviour {
    Pass,
    Fail,
    Hang,
    /// Hangs in the first runtime only, passes in the next.
    HangOnFirstLaunch,
    Crash,
    /// Says a beforeAll of the test's group started, then hangs.
    HangInBeforeAll,
    /// In the first runtime only: says an afterAll of group `g` started, then hangs.
    HangInAfterAllOfG,
    /// Sends a frame that is no protocol message; the connection then closes, as the
    /// websocket layer closes it after one.
    Malformed,
    /// Restarts its deadline with `timeout-changed` (mocha's `this.timeout(ms)`) to the
    /// first number, then takes the second number of ms and passes (0 ms: no deadline).
    ChangesTimeout(u64, u64),
    /// Skips itself while running (mocha's `this.skip()`).
    SkipsItself,
}

struct FakeProcess {
    killed: Option<oneshot::Sender<()>>,
    exited: Option<oneshot::Receiver<()>>,
}

impl Runtime for FakeProcess {
    async fn exited(&mut self) -> runtimes::ExitInfo {
        if let Some(rx) = self.exited.take() {
            let _ = rx.await;
        }
        runtimes::ExitInfo { code: Some(1), signal: None }
    }
    async fn output(&mut self) -> Option<RawOutput> {
        std::future::pending().await
    }
    async fn kill(&mut self) {
        if let Some(tx) = self.killed.take() {
            let _ = tx.send(());
        }
    }
}

struct FakeLaunch {
    connections: mpsc::UnboundedSender<Connection>,
    tests: Vec<(String, TestMode, Behaviour)>,
    launches: Arc<AtomicUsize>,
    /// A stale `test-finished` (wrong epoch) is sent before every real one.
    send_stale: bool,
}

impl Launch for FakeLaunch {
    type Running = FakeProcess;

    async fn launch(&mut self) -> Result<FakeProcess, runtimes::RuntimeError> {
        let launch = self.launches.fetch_add(1, Ordering::SeqCst);
        let (outbox, mut commands) = mpsc::unbounded_channel::<HostMessage>();
        let (replies, inbox) = crate::server::inbox();
        let _ = self.connections.send(Connection { outbox, inbox });
        let (killed_tx, mut killed_rx) = oneshot::channel();
        let (exit_tx, exit_rx) = oneshot::channel::<()>();
        let tests = self.tests.clone();
        let send_stale = self.send_stale;
        tokio::spawn(async move {
            let send = |m: ControllerMessage| replies.try_send(Inbound::Message(m));
            send(ControllerMessage::Hello {
                protocol: PROTOCOL_VERSION,
                runtime: RuntimeInfo {
                    kind: "fake".into(),
                    version: format!("launch {launch}"),
                    user_agent: "fake".into(),
                },
            });
            let mut hanging = false;
            loop {
                let command = tokio::select! {
                    c = commands.recv() => c,
                    _ = &mut killed_rx => None,
                };
                let Some(command) = command else { break };
                match command {
                    HostMessage::Load { run, id, .. } => {
                        let registered = tests
                            .iter()
                            .map(|(name, mode, _)| RegisteredTest {
                                id: format!("f.test.js::{}", name.replace('/', "::")),
                                file: "f.test.js".into(),
                                // "g/a" is test "a" in group "g".
                                groups: name.rsplit_once('/').map(|(g, _)| vec![g.to_string()]).unwrap_or_default(),
                                name: name.rsplit('/').next().unwrap_or(name).to_string(),
                                mode: *mode,
                                tags: vec![],
                                timeout: Some(80),
                                retries: None,
                                repeats: None,
                            })
                            .collect();
                        send(ControllerMessage::Loaded {
                            run,
                            reply_to: id,
                            tests: registered,
                            load_errors: vec![],
                            autorun: false,
                        });
                    }
                    HostMessage::RunTest { run, id, test, .. } if !hanging => {
                        let name = test.trim_start_matches("f.test.js::").replace("::", "/");
                        let name = name.as_str();
                        let behaviour = tests.iter().find(|t| t.0 == name).map_or(Behaviour::Pass, |t| t.2);
                        if send_stale {
                            send(ControllerMessage::TestFinished {
                                run: run + 100,
                                reply_to: id,
                                test: test.clone(),
                                status: TestStatus::Failed,
                                duration_ms: 0.0,
                                error: None,
                                attempt: None,
                                attempts: None,
                            });
                        }
                        let status = match behaviour {
                            Behaviour::Pass => TestStatus::Passed,
                            Behaviour::Fail => TestStatus::Failed,
                            Behaviour::SkipsItself => TestStatus::Skipped,
                            Behaviour::ChangesTimeout(timeout, takes) => {
                                send(ControllerMessage::TimeoutChanged { run, command: id, timeout });
                                tokio::select! {
                                    _ = tokio::time::sleep(Duration::from_millis(takes)) => {}
                                    _ = &mut killed_rx => break,
                                }
                                TestStatus::Passed
                            }
                            Behaviour::Hang => {
                                hanging = true;
                                continue;
                            }
                            Behaviour::HangOnFirstLaunch if launch == 0 => {
                                hanging = true;
                                continue;
                            }
                            Behaviour::HangOnFirstLaunch => TestStatus::Passed,
                            Behaviour::Crash => break,
                            Behaviour::Malformed => {
                                replies.try_send(Inbound::Malformed("expected value at line 1 column 1".into()));
                                break;
                            }
                            Behaviour::HangInBeforeAll | Behaviour::HangInAfterAllOfG
                                if behaviour == Behaviour::HangInBeforeAll || launch == 0 =>
                            {
                                let (hook, groups) = match behaviour {
                                    Behaviour::HangInBeforeAll => (
                                        protocol::HookKind::BeforeAll,
                                        name.rsplit_once('/').map(|(g, _)| vec![g.to_string()]).unwrap_or_default(),
                                    ),
                                    _ => (protocol::HookKind::AfterAll, vec!["g".to_string()]),
                                };
                                send(ControllerMessage::HookStarted {
                                    run,
                                    command: id,
                                    hook,
                                    file: "f.test.js".into(),
                                    groups,
                                    location: Some("file:///nonexistent-project/f.test.js:3:5".into()),
                                    timeout: None,
                                });
                                hanging = true;
                                continue;
                            }
                            Behaviour::HangInBeforeAll | Behaviour::HangInAfterAllOfG => TestStatus::Passed,
                        };
                        send(ControllerMessage::Console {
                            run,
                            test: Some(test.clone()),
                            after: None,
                            stream: Stream::Stdout,
                            level: ConsoleLevel::Log,
                            text: format!("running {name}"),
                        });
                        send(ControllerMessage::TestFinished {
                            run,
                            reply_to: id,
                            test,
                            status,
                            duration_ms: 1.0,
                            error: None,
                            attempt: None,
                            attempts: None,
                        });
                    }
                    HostMessage::Finish { run, id, .. } => {
                        send(ControllerMessage::Finished { run, reply_to: id });
                    }
                    HostMessage::Shutdown {} => break,
                    _ => {}
                }
            }
            drop(replies);
            let _ = exit_tx.send(());
        });
        Ok(FakeProcess { killed: Some(killed_tx), exited: Some(exit_rx) })
    }
}

struct Recorder(Arc<Mutex<Vec<Event>>>);

impl Reporter for Recorder {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        self.0.lock().unwrap().push(event.clone());
        Ok(())
    }
    fn finish(self: Box<Self>) -> std::io::Result<()> {
        Ok(())
    }
}

struct Outcome {
    results: Vec<(String, String)>,
    events: Vec<Event>,
    stats: RunStats,
    launches: usize,
}

async fn drive(tests: Vec<(&str, TestMode, Behaviour)>, send_stale: bool) -> Outcome {
    drive_with(tests, send_stale, None).await
}

async fn drive_with(
    tests: Vec<(&str, TestMode, Behaviour)>,
    send_stale: bool,
    fail_fast: Option<&FailFast>,
) -> Outcome {
    drive_retrying(tests, send_stale, fail_fast, 0).await
}

async fn drive_retrying(
    tests: Vec<(&str, TestMode, Behaviour)>,
    send_stale: bool,
    fail_fast: Option<&FailFast>,
    retries: u32,
) -> Outcome {
    let suite = PlannedSuite {
        id: "unit".into(),
        runtimes: vec![crate::config::RuntimeKind::Node],
        // The hooks' deadline; tests have their own 80 ms.
        timeout_ms: 100,
        files: vec![],
    };
    let selection = Selection::default();
    let settings = SuiteSettings {
        suite: &suite,
        runtime: crate::config::RuntimeKind::Node,
        instance: None,
        timeout_override: None,
        selection: &selection,
        seed: None,
        order: None,
        fail_fast,
        root: std::path::Path::new("/nonexistent-project"),
        snapshot_update: SnapshotUpdate::New,
        snapshot_format: None,
        isolate: false,
        retries: crate::retry::Retries { suite: retries, ..Default::default() },
        repeat: crate::retry::Repeat::Once,
        empty_files_ok: false,
    };
    let (tx, mut connections) = mpsc::unbounded_channel();
    let launches = Arc::new(AtomicUsize::new(0));
    let mut launch = FakeLaunch {
        connections: tx,
        tests: tests.into_iter().map(|(n, m, b)| (n.to_string(), m, b)).collect(),
        launches: launches.clone(),
        send_stale,
    };
    let events = Arc::new(Mutex::new(Vec::new()));
    let mut fanout = Fanout::new(vec![("recorder", Box::new(Recorder(events.clone())))]);
    let mut stats = RunStats::default();
    {
        let mut emitter = Emitter::new(&mut fanout);
        run_suite(&settings, &mut launch, &mut connections, &mut emitter, &mut stats).await;
    }
    let events = events.lock().unwrap().clone();
    let results = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TestFinished { test, outcome, .. } => Some((test.name.clone(), format!("{outcome:?}"))),
            EventKind::TestSkipped { test, kind, .. } => Some((test.name.clone(), format!("{kind:?}"))),
            _ => None,
        })
        .collect();
    Outcome { results, events, stats, launches: launches.load(Ordering::SeqCst) }
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i:02}")).collect()
}

#[tokio::test]
async fn a_retry_after_a_timeout_runs_in_a_fresh_runtime_and_the_test_is_flaky() {
    let tests = vec![
        ("a", TestMode::Run, Behaviour::Pass),
        ("slow", TestMode::Run, Behaviour::HangOnFirstLaunch),
        ("b", TestMode::Run, Behaviour::Pass),
    ];
    let out = drive_retrying(tests, false, None, 1).await;
    assert_eq!(
        out.results,
        vec![("a".into(), "Passed".into()), ("slow".into(), "Flaky".into()), ("b".into(), "Passed".into())]
    );
    assert_eq!(out.launches, 2, "one restart for the retry");
    let tries: Vec<_> = out
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TestAttemptFailed { test, attempt, outcome, .. } => {
                Some((test.name.clone(), attempt.attempt, attempt.attempts, *outcome))
            }
            EventKind::TestFinished { test, attempt, .. } if test.name == "slow" => {
                Some((test.name.clone(), attempt.attempt, attempt.attempts, crate::events::Outcome::Flaky))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        tries,
        vec![
            ("slow".into(), 1, 2, crate::events::Outcome::TimedOut),
            ("slow".into(), 2, 2, crate::events::Outcome::Flaky)
        ]
    );
    assert_eq!((out.stats.flaky, out.stats.passed, out.stats.timed_out), (1, 2, 0));
}

#[tokio::test]
async fn without_retries_left_a_timeout_is_the_result() {
    let tests = vec![("slow", TestMode::Run, Behaviour::Hang), ("b", TestMode::Run, Behaviour::Pass)];
    let out = drive_retrying(tests, false, None, 1).await;
    assert_eq!(out.results, vec![("slow".into(), "TimedOut".into()), ("b".into(), "Passed".into())]);
    let failed_tries = out.events.iter().filter(|e| matches!(e.kind, EventKind::TestAttemptFailed { .. })).count();
    assert_eq!(failed_tries, 1, "the first of two tries");
}

#[tokio::test]
async fn results_come_back_in_order_through_the_window() {
    let all = names("t", 70);
    let tests: Vec<_> = all
        .iter()
        .map(|n| (n.as_str(), TestMode::Run, if n == "t33" { Behaviour::Fail } else { Behaviour::Pass }))
        .collect();
    let out = drive(tests, false).await;
    let expected: Vec<(String, String)> =
        all.iter().map(|n| (n.clone(), if n == "t33" { "Failed" } else { "Passed" }.to_string())).collect();
    assert_eq!(out.results, expected);
    assert_eq!((out.stats.passed, out.stats.failed), (69, 1));
    assert_eq!(out.launches, 1);
    // Console output of a test is reported before its result.
    let console =
        out.events.iter().position(|e| matches!(&e.kind, EventKind::Console { text, .. } if text == "running t05"));
    let finished =
        out.events.iter().position(|e| matches!(&e.kind, EventKind::TestFinished { test, .. } if test.name == "t05"));
    assert!(console.unwrap() < finished.unwrap());
}

#[tokio::test]
async fn a_hang_times_out_one_test_and_the_rest_run_after_a_restart() {
    let tests = vec![
        ("a", TestMode::Run, Behaviour::Pass),
        ("hangs", TestMode::Run, Behaviour::Hang),
        ("b", TestMode::Run, Behaviour::Pass),
        ("c", TestMode::Run, Behaviour::Pass),
    ];
    let out = drive(tests, false).await;
    assert_eq!(
        out.results,
        vec![
            ("a".into(), "Passed".into()),
            ("hangs".into(), "TimedOut".into()),
            ("b".into(), "Passed".into()),
            ("c".into(), "Passed".into()),
        ]
    );
    assert_eq!(out.launches, 2);
    assert_eq!(out.events.iter().filter(|e| matches!(e.kind, EventKind::RuntimeRestarted { .. })).count(), 1);
}

#[tokio::test]
async fn timeout_changed_restarts_the_deadline_and_0_removes_it() {
    let tests = vec![
        // Tests have 80 ms; these take 160.
        ("extends", TestMode::Run, Behaviour::ChangesTimeout(1000, 160)),
        ("disables", TestMode::Run, Behaviour::ChangesTimeout(0, 160)),
        ("shortens", TestMode::Run, Behaviour::ChangesTimeout(20, 60)),
        ("after", TestMode::Run, Behaviour::Pass),
    ];
    let out = drive(tests, false).await;
    assert_eq!(
        out.results,
        vec![
            ("extends".into(), "Passed".into()),
            ("disables".into(), "Passed".into()),
            ("shortens".into(), "TimedOut".into()),
            ("after".into(), "Passed".into()),
        ]
    );
    let message = out.events.iter().find_map(|e| match &e.kind {
        EventKind::TestFinished { error: Some(error), .. } => Some(error.message.clone()),
        _ => None,
    });
    assert!(message.is_some_and(|m| m.contains("timed out after 20 ms")));
}

#[tokio::test]
async fn a_test_that_skips_itself_is_reported_as_a_skip() {
    let tests = vec![("skips", TestMode::Run, Behaviour::SkipsItself), ("b", TestMode::Run, Behaviour::Pass)];
    let out = drive(tests, false).await;
    assert_eq!(out.results, vec![("skips".into(), "Skipped".into()), ("b".into(), "Passed".into())]);
    assert_eq!(out.stats.skipped_by.get(SkipCause::SkippedItself), 1);
    assert_eq!(out.launches, 1);
}

#[tokio::test]
async fn a_crash_is_one_crashed_result_then_the_run_continues() {
    let tests = vec![("dies", TestMode::Run, Behaviour::Crash), ("after", TestMode::Run, Behaviour::Pass)];
    let out = drive(tests, false).await;
    assert_eq!(out.results, vec![("dies".into(), "Crashed".into()), ("after".into(), "Passed".into())]);
    assert_eq!(out.launches, 2);
}

#[tokio::test]
async fn r11_a_malformed_frame_costs_the_running_test_only() {
    let tests = vec![
        ("a", TestMode::Run, Behaviour::Pass),
        ("garbled", TestMode::Run, Behaviour::Malformed),
        ("b", TestMode::Run, Behaviour::Pass),
    ];
    let out = drive(tests, false).await;
    assert_eq!(
        out.results,
        vec![("a".into(), "Passed".into()), ("garbled".into(), "Crashed".into()), ("b".into(), "Passed".into())]
    );
    assert_eq!(out.launches, 2);
}

#[tokio::test]
async fn stale_epochs_are_ignored() {
    let tests = vec![("a", TestMode::Run, Behaviour::Pass), ("b", TestMode::Run, Behaviour::Pass)];
    let out = drive(tests, true).await;
    assert_eq!(out.results, vec![("a".into(), "Passed".into()), ("b".into(), "Passed".into())]);
}

#[tokio::test]
async fn skips_and_only_are_reported_in_plan_order() {
    let tests = vec![
        ("a", TestMode::Run, Behaviour::Pass),
        ("skipped", TestMode::Skip, Behaviour::Pass),
        ("todo", TestMode::Todo, Behaviour::Pass),
        ("b", TestMode::Run, Behaviour::Pass),
    ];
    let out = drive(tests, false).await;
    assert_eq!(
        out.results,
        vec![
            ("a".into(), "Passed".into()),
            ("skipped".into(), "Skipped".into()),
            ("todo".into(), "Todo".into()),
            ("b".into(), "Passed".into()),
        ]
    );
    let tests = vec![("a", TestMode::Run, Behaviour::Fail), ("focus", TestMode::Only, Behaviour::Pass)];
    let out = drive(tests, false).await;
    assert_eq!(out.results, vec![("a".into(), "Skipped".into()), ("focus".into(), "Passed".into())]);
}

#[tokio::test]
async fn fail_fast_after_a_timeout_reports_the_rest_as_not_run_without_a_restart() {
    let tests = vec![
        ("a", TestMode::Run, Behaviour::Pass),
        ("hangs", TestMode::Run, Behaviour::Hang),
        ("b", TestMode::Run, Behaviour::Pass),
        ("skipped", TestMode::Skip, Behaviour::Pass),
    ];
    let fail_fast = FailFast::default();
    let out = drive_with(tests, false, Some(&fail_fast)).await;
    assert_eq!(
        out.results,
        vec![
            ("a".into(), "Passed".into()),
            ("hangs".into(), "TimedOut".into()),
            ("b".into(), "Skipped".into()),
            ("skipped".into(), "Skipped".into()),
        ]
    );
    assert_eq!(out.launches, 1, "no restart once the run stops");
    let reasons: Vec<String> = out
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TestSkipped { reason, .. } => Some(reason.text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(reasons, vec!["not run: --fail-fast after f.test.js::hangs timed out", "skipped with .skip"]);
}

#[tokio::test]
async fn fail_fast_after_a_failure_dispatches_nothing_more_and_finishes_cleanly() {
    let tests: Vec<_> = (0..40)
        .map(|i| (if i == 3 { "fails" } else { "passes" }, i))
        .map(|(kind, i)| (format!("{kind}{i:02}"), if kind == "fails" { Behaviour::Fail } else { Behaviour::Pass }))
        .collect();
    let tests_ref: Vec<_> = tests.iter().map(|(n, b)| (n.as_str(), TestMode::Run, *b)).collect();
    let fail_fast = FailFast::default();
    let out = drive_with(tests_ref, false, Some(&fail_fast)).await;
    assert_eq!((out.stats.passed, out.stats.failed, out.stats.skipped), (3, 1, 36));
    let started = out.events.iter().filter(|e| matches!(e.kind, EventKind::TestStarted { .. })).count();
    assert_eq!(started, 4, "nothing is dispatched after the failure");
    assert_eq!(out.launches, 1);
    assert!(
        !out.events.iter().any(|e| matches!(e.kind, EventKind::RuntimeError { .. })),
        "finish and shutdown went cleanly"
    );
}
fn runtime_errors(out: &Outcome) -> Vec<(String, String)> {
    out.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::RuntimeError { origin, error, .. } => Some((origin.clone(), error.message.clone())),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn r11_a_hanging_after_all_is_blamed_on_itself_and_the_next_test_still_runs() {
    let tests = vec![
        ("g/a", TestMode::Run, Behaviour::Pass),
        ("b", TestMode::Run, Behaviour::HangInAfterAllOfG),
        ("c", TestMode::Run, Behaviour::Pass),
    ];
    let out = drive(tests, false).await;
    assert_eq!(
        out.results,
        vec![("a".into(), "Passed".into()), ("b".into(), "Passed".into()), ("c".into(), "Passed".into())]
    );
    let errors = runtime_errors(&out);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, r#"afterAll hook of "g" in f.test.js:3:5"#);
    assert!(errors[0].1.contains("timed out after 100 ms"), "{}", errors[0].1);
    assert_eq!(out.launches, 2);
    assert_eq!(out.stats.runtime_errors, 1);
}

#[tokio::test]
async fn r11_a_hanging_before_all_fails_its_group_once_without_a_timeout_per_test() {
    let tests = vec![
        ("first", TestMode::Run, Behaviour::Pass),
        ("g/a", TestMode::Run, Behaviour::HangInBeforeAll),
        ("g/b", TestMode::Run, Behaviour::Pass),
        ("g/skipped", TestMode::Skip, Behaviour::Pass),
        ("g/c", TestMode::Run, Behaviour::Pass),
        ("after", TestMode::Run, Behaviour::Pass),
    ];
    let out = drive(tests, false).await;
    assert_eq!(
        out.results,
        vec![
            ("first".into(), "Passed".into()),
            ("a".into(), "Failed".into()),
            ("b".into(), "Failed".into()),
            ("skipped".into(), "Skipped".into()),
            ("c".into(), "Failed".into()),
            ("after".into(), "Passed".into()),
        ]
    );
    assert_eq!(out.launches, 2, "one restart for the whole group");
    let messages: Vec<String> = out
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TestFinished { error: Some(error), .. } => Some(error.message.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(messages.len(), 3);
    for message in messages {
        assert!(message.starts_with(r#"beforeAll hook of "g" in "#), "{message}");
        assert!(message.ends_with("no test of its group ran"), "{message}");
    }
    assert!(runtime_errors(&out).is_empty());
}
