//! [`HistorySink`]: records a run's results into the history database. It sits in the
//! reporters' [`Fanout`](crate::report::Fanout) and sees the same events, but does no I/O on
//! the run's thread: each result goes down a channel to a writer thread, which waits for the
//! run's git key (its [`CodeLookup`], shared with the status), opens the database and writes batches in transactions. A database that is locked,
//! corrupt or on a full disk never changes the run: the sink says once, at the end, what was not
//! recorded, and its `finish` always succeeds.

use super::key::{CodeKey, CodeLookup};
use super::record::{attempt_of, unix_ms, AttemptRecord, RunRecord};
use super::store::{HistoryError, Store};
use crate::config::HistoryConfig;
use crate::events::{Event, EventKind};
use crate::report::Reporter;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

/// How long the writer gathers attempts after the first of a batch (the run's end cuts it
/// short): one wake-up of the writer per test would cost more than writing the test's row.
const GATHER: Duration = Duration::from_millis(20);
/// How long a write waits for another process holding the database.
const BUSY: Duration = Duration::from_millis(1500);

/// What the run's side hands the writer, under one lock.
#[derive(Default)]
struct Queue {
    /// The run's seed and start, once the run has started.
    start: Option<(Option<u64>, SystemTime)>,
    /// Attempts not yet taken by the writer.
    attempts: Vec<AttemptRecord>,
    /// The run is over: write what is queued and stop.
    finished: bool,
    /// The writer sleeps until something arrives (only then does a push wake it).
    idle: bool,
}

/// The queue and the writer's bell.
#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    bell: Condvar,
}

impl Shared {
    /// Changes the queue, waking the writer when it sleeps or the run is over.
    fn push(&self, change: impl FnOnce(&mut Queue)) {
        let Ok(mut queue) = self.queue.lock() else { return };
        change(&mut queue);
        if queue.idle || queue.finished {
            queue.idle = false;
            self.bell.notify_one();
        }
    }
}

/// The history writer of one run.
pub struct HistorySink {
    root: PathBuf,
    shared: Arc<Shared>,
    writer: Option<JoinHandle<Written>>,
}

/// What the writer did.
#[derive(Debug, Default)]
pub struct Written {
    /// Attempts written.
    pub recorded: usize,
    /// Attempts that could not be written.
    pub lost: usize,
    /// Why, when some were lost.
    pub error: Option<HistoryError>,
}

impl HistorySink {
    /// A sink recording into `config.path` under the key `code` finds, or `None` when history
    /// is off.
    pub fn start(config: &HistoryConfig, root: &Path, code: CodeLookup) -> Option<HistorySink> {
        let pinned = hunt_pin();
        let mut config = config.clone();
        let code = match pinned {
            // A hunt's worktree goes away: the run records into the project's database, under
            // the commit the hunt checked out.
            Some((path, key)) => {
                config.path = path;
                config.enabled = true;
                CodeLookup::known(key)
            }
            None => code,
        };
        if !config.enabled {
            return None;
        }
        let shared = Arc::new(Shared::default());
        let queue = shared.clone();
        let writer = std::thread::Builder::new()
            .name("proctor-history".into())
            .spawn(move || {
                super::background_priority();
                write_history(&config, &code, &queue)
            })
            .ok()?;
        Some(HistorySink { root: root.to_path_buf(), shared, writer: Some(writer) })
    }

    /// Records one try of a test (the retries' `TestAttemptFailed` points here too).
    fn record(&mut self, attempt: Option<AttemptRecord>) {
        if let Some(attempt) = attempt {
            self.shared.push(|queue| queue.attempts.push(attempt));
        }
    }

    /// Ends the writer and waits for it; what it wrote.
    pub fn close(&mut self) -> Written {
        self.shared.push(|queue| queue.finished = true);
        self.writer.take().and_then(|w| w.join().ok()).unwrap_or_default()
    }
}

impl Reporter for HistorySink {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        match &event.kind {
            EventKind::RunStarted { seed, .. } => {
                let start = (*seed, event.at);
                self.shared.push(|queue| queue.start = Some(start));
            }
            EventKind::TestFinished { test, outcome, duration, error, attempt, .. } => {
                let attempt = attempt_of(test, *outcome, *duration, error.as_ref(), attempt.attempt, &self.root);
                self.record(attempt);
            }
            // A failed try of a test that was then tried again: an attempt of its own.
            EventKind::TestAttemptFailed { test, attempt, outcome, duration, error } => {
                let attempt = attempt_of(test, *outcome, *duration, Some(error), attempt.attempt, &self.root);
                self.record(attempt);
            }
            EventKind::RuntimeStarted { .. }
            | EventKind::Built { .. }
            | EventKind::LoadError { .. }
            | EventKind::TestStarted { .. }
            | EventKind::Console { .. }
            | EventKind::TestSkipped { .. }
            | EventKind::RuntimeError { .. }
            | EventKind::SnapshotFile { .. }
            | EventKind::RuntimeRestarted { .. }
            | EventKind::HuntFinished { .. }
            | EventKind::RunFinished { .. } => {}
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> std::io::Result<()> {
        let written = self.close();
        if let Some(error) = &written.error {
            let what = match written.lost {
                0 => "the run was not recorded".to_owned(),
                1 => "1 test result was not recorded".to_owned(),
                n => format!("{n} test results were not recorded"),
            };
            errln!("proctor: warning: history: {what}: {error}");
        }
        Ok(())
    }
}

/// The writer thread: everything that touches git or the database.
fn write_history(config: &HistoryConfig, code: &CodeLookup, shared: &Shared) -> Written {
    let mut written = Written::default();
    let Some((seed, at)) = wait_for_start(shared) else { return written };
    let key = code.wait();
    let mut run =
        RunRecord { run_id: new_run_id(), started_at: unix_ms(at), finished_at: None, key, host: host_name(), seed };
    let mut store = Store::open(&config.path, true, BUSY).and_then(|mut store| {
        store.defer_checkpoints()?;
        let id = store.add_run(&run)?.unwrap_or_default();
        Ok((store, id))
    });
    let mut batch: Vec<AttemptRecord> = Vec::new();
    let flush =
        |batch: &mut Vec<AttemptRecord>, store: &mut Result<(Store, i64), HistoryError>, written: &mut Written| {
            if batch.is_empty() {
                return;
            }
            let result = match store {
                Ok((db, id)) => db.add_attempts(*id, &run, batch),
                Err(_) => Ok(()),
            };
            match (result, &*store) {
                (Ok(()), Ok(_)) => written.recorded += batch.len(),
                (Ok(()), Err(_)) => written.lost += batch.len(),
                (Err(error), _) => {
                    written.lost += batch.len();
                    *store = Err(error);
                }
            }
            batch.clear();
        };
    // Every GATHER while tests finish, and at once at the run's end: a few dozen transactions
    // for a fast run of 10,000 tests, and the end waits only for its last moments' attempts.
    loop {
        let more = next_batch(shared, &mut batch);
        flush(&mut batch, &mut store, &mut written);
        if !more {
            break;
        }
    }
    run.finished_at = Some(unix_ms(SystemTime::now()));
    if let Ok((db, id)) = &mut store {
        let ended = db
            .finish_run(*id, run.finished_at.unwrap_or_default())
            .and_then(|()| db.prune(unix_ms(SystemTime::now()), config.keep, config.max_size).map(drop));
        if let Err(error) = ended {
            written.error = Some(error);
        }
    }
    if let Err(error) = store {
        written.error = Some(error);
    }
    written
}

/// Waits for the run to start (`None`: it ended first).
fn wait_for_start(shared: &Shared) -> Option<(Option<u64>, SystemTime)> {
    let mut queue = shared.queue.lock().ok()?;
    while queue.start.is_none() && !queue.finished {
        queue.idle = true;
        queue = shared.bell.wait(queue).ok()?;
    }
    queue.start
}

/// Waits for attempts (or the run's end), gathers for up to GATHER unless the run ends, and
/// moves the queued attempts into `batch`; false once the run has ended (nothing is left).
fn next_batch(shared: &Shared, batch: &mut Vec<AttemptRecord>) -> bool {
    let Ok(mut queue) = shared.queue.lock() else { return false };
    while queue.attempts.is_empty() && !queue.finished {
        queue.idle = true;
        queue = match shared.bell.wait(queue) {
            Ok(queue) => queue,
            Err(_) => return false,
        };
    }
    if !queue.finished {
        // Pushes do not ring while the writer gathers (idle is false); the run's end does.
        queue = match shared.bell.wait_timeout_while(queue, GATHER, |q| !q.finished) {
            Ok((queue, _)) => queue,
            Err(_) => return false,
        };
    }
    batch.append(&mut queue.attempts);
    !queue.finished
}

/// The database and code key `proctor hunt` gives the runs it starts in its worktrees: the
/// worktree is a clean checkout of one commit, but `prepare` (`npm ci`) may leave files that
/// would make its tree differ, and the worktree's own `.proctor/` goes away with it.
fn hunt_pin() -> Option<(PathBuf, CodeKey)> {
    let path = std::env::var_os(crate::hunt::HISTORY_ENV)?;
    let key = serde_json::from_str(&std::env::var(crate::hunt::KEY_ENV).ok()?).ok()?;
    Some((PathBuf::from(path), key))
}

/// A random id for a run: 128 bits from the standard library's per-process random keys, the
/// time and the pid, as 32 hex digits (UUID-sized).
pub fn new_run_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut halves = [0u64; 2];
    for (i, half) in halves.iter_mut().enumerate() {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
        hasher.write_u32(std::process::id());
        hasher.write_usize(i);
        *half = hasher.finish();
    }
    format!("{:016x}{:016x}", halves[0], halves[1])
}

/// This machine's name.
fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates within it or
    // truncates, and the end is found below either way.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    if ok && end > 0 {
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        "unknown".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RuntimeKind;
    use crate::events::{Attempt, Outcome, TestId, TestInfo};
    use crate::plan::Plan;
    use crate::session::RunStats;
    use std::sync::Arc;
    use std::time::Instant;

    fn finished(n: usize) -> Event {
        let test = Arc::new(TestInfo {
            id: TestId(format!("a.test.js::t{n}")),
            suite: "unit".into(),
            runtime: RuntimeKind::Node,
            instance: None,
            file: "a.test.js".into(),
            groups: vec![],
            name: format!("t{n}"),
            tags: vec![],
            location: None,
        });
        let kind = EventKind::TestFinished {
            attempt: Attempt::ONCE,
            test,
            outcome: if n % 7 == 0 { Outcome::Failed } else { Outcome::Passed },
            duration: Duration::from_millis(1),
            error: None,
            stats: RunStats::default(),
        };
        Event { at: SystemTime::now(), elapsed: Duration::ZERO, kind }
    }

    #[test]
    fn every_attempt_is_written_whether_it_arrives_in_a_burst_or_slowly() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = HistoryConfig::defaults(dir.path());
        config.path = dir.path().join("h.db");
        let mut sink = HistorySink::start(&config, dir.path(), CodeLookup::known(CodeKey::default())).unwrap();
        let plan = Arc::new(Plan { root: dir.path().into(), suites: vec![] });
        sink.on_event(&Event {
            at: SystemTime::now(),
            elapsed: Duration::ZERO,
            kind: EventKind::RunStarted { plan, seed: None },
        })
        .unwrap();
        // A burst the writer (still starting: git, opening the database) cannot keep up with,
        // then attempts spread over more than one gathering window, then the end at once.
        for n in 0..3000 {
            sink.on_event(&finished(n)).unwrap();
        }
        for n in 3000..3005 {
            std::thread::sleep(GATHER / 2);
            sink.on_event(&finished(n)).unwrap();
        }
        let written = sink.close();
        assert_eq!((written.recorded, written.lost), (3005, 0), "{:?}", written.error);
        let store = Store::open(&config.path, false, BUSY).unwrap();
        let count: i64 = store.conn().query_row("SELECT count(*) FROM attempts", [], |r| r.get(0)).unwrap();
        let failed: i64 =
            store.conn().query_row("SELECT count(*) FROM attempts WHERE outcome = 1", [], |r| r.get(0)).unwrap();
        assert_eq!((count, failed), (3005, 430));
    }

    #[test]
    fn a_run_that_never_started_ends_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = HistoryConfig::defaults(dir.path());
        config.path = dir.path().join("h.db");
        let mut sink = HistorySink::start(&config, dir.path(), CodeLookup::known(CodeKey::default())).unwrap();
        let written = sink.close();
        assert_eq!((written.recorded, written.lost), (0, 0));
    }

    #[test]
    fn the_history_and_the_status_board_take_the_run_s_one_git_lookup() {
        // Not a git repository: the commit can only come from the lookup handed to both.
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let key = CodeKey {
            commit: Some("abc123".into()),
            tree: Some("def456".into()),
            branch: Some("main".into()),
            dirty: true,
        };
        let code = CodeLookup::known(key.clone());
        let config = HistoryConfig::defaults(&root);
        let mut sink = HistorySink::start(&config, &root, code.clone()).unwrap();
        let board = crate::status::Board::new(root.clone(), "watch", "http://127.0.0.1:1/".into());
        let mut feed = board.feed(code);
        let plan = Arc::new(Plan { root: root.clone(), suites: vec![] });
        let started =
            Event { at: SystemTime::now(), elapsed: Duration::ZERO, kind: EventKind::RunStarted { plan, seed: None } };
        feed.on_event(&started).unwrap();
        sink.on_event(&started).unwrap();
        assert!(sink.close().error.is_none());
        let store = Store::open(&config.path, false, BUSY).unwrap();
        let runs = store.runs_since(0).unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].0.key, key, "the history's key is the lookup's");
        // The board sets its commit on a thread of its own: wait for it (at most 5 s).
        let deadline = Instant::now() + Duration::from_secs(5);
        let commit = loop {
            let commit = board.status().run.and_then(|run| run.commit);
            if commit.is_some() || Instant::now() > deadline {
                break commit;
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        assert_eq!(commit.as_deref(), Some("abc123-dirty"), "the status's commit is the same lookup's");
    }
}
