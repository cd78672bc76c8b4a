//! [`HistorySink`]: records a run's results into the history database. It sits in the
//! reporters' [`Fanout`](crate::report::Fanout) and sees the same events, but does no I/O on
//! the run's thread: each result goes down a channel to a writer thread, which waits for the
//! run's git key (its [`CodeLookup`], shared with the status), opens the database and writes batches in transactions. A database that is locked,
//! corrupt or on a full disk never changes the run: the sink says once, at the end, what was not
//! recorded, and its `finish` always succeeds.

use super::key::CodeLookup;
use super::record::{attempt_of, unix_ms, AttemptRecord, RunRecord};
use super::store::{HistoryError, Store};
use crate::config::HistoryConfig;
use crate::events::{Event, EventKind};
use crate::report::Reporter;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

/// How many attempts one transaction writes at most.
const BATCH: usize = 2000;
/// How long a batch waits for more attempts before it is written.
const LINGER: Duration = Duration::from_millis(250);
/// How long a write waits for another process holding the database.
const BUSY: Duration = Duration::from_millis(1500);

enum Message {
    Start { seed: Option<u64>, at: SystemTime },
    Attempt(AttemptRecord),
    Finish,
}

/// The history writer of one run.
pub struct HistorySink {
    root: PathBuf,
    to_writer: Option<Sender<Message>>,
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
        if !config.enabled {
            return None;
        }
        let (tx, rx) = channel();
        let config = config.clone();
        let writer = std::thread::Builder::new()
            .name("proctor-history".into())
            .spawn(move || write_history(&config, &code, rx))
            .ok()?;
        Some(HistorySink { root: root.to_path_buf(), to_writer: Some(tx), writer: Some(writer) })
    }

    /// Records one try of a test (the retries' `TestAttemptFailed` points here too).
    fn record(&mut self, attempt: Option<AttemptRecord>) {
        if let (Some(tx), Some(attempt)) = (&self.to_writer, attempt) {
            let _ = tx.send(Message::Attempt(attempt));
        }
    }

    /// Ends the writer and waits for it; what it wrote.
    pub fn close(&mut self) -> Written {
        if let Some(tx) = self.to_writer.take() {
            let _ = tx.send(Message::Finish);
        }
        self.writer.take().and_then(|w| w.join().ok()).unwrap_or_default()
    }
}

impl Reporter for HistorySink {
    fn on_event(&mut self, event: &Event) -> std::io::Result<()> {
        match &event.kind {
            EventKind::RunStarted { seed, .. } => {
                if let Some(tx) = &self.to_writer {
                    let _ = tx.send(Message::Start { seed: *seed, at: event.at });
                }
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
fn write_history(config: &HistoryConfig, code: &CodeLookup, rx: Receiver<Message>) -> Written {
    let mut written = Written::default();
    let Ok(Message::Start { seed, at }) = rx.recv() else { return written };
    let key = code.wait();
    let mut run =
        RunRecord { run_id: new_run_id(), started_at: unix_ms(at), finished_at: None, key, host: host_name(), seed };
    let mut store = Store::open(&config.path, true, BUSY).and_then(|mut store| {
        let id = store.add_run(&run)?.unwrap_or_default();
        Ok((store, id))
    });
    let mut batch: Vec<AttemptRecord> = Vec::new();
    let mut since = Instant::now();
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
    loop {
        match rx.recv_timeout(LINGER) {
            Ok(Message::Attempt(attempt)) => {
                batch.push(attempt);
                if batch.len() >= BATCH || since.elapsed() >= LINGER * 4 {
                    flush(&mut batch, &mut store, &mut written);
                    since = Instant::now();
                }
            }
            Ok(Message::Start { .. }) => {}
            Err(RecvTimeoutError::Timeout) => {
                flush(&mut batch, &mut store, &mut written);
                since = Instant::now();
            }
            Ok(Message::Finish) | Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    flush(&mut batch, &mut store, &mut written);
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
    use crate::history::key::CodeKey;
    use crate::plan::Plan;
    use std::sync::Arc;

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
