//! [`Store`]: the history database (`.proctor/history.db`, SQLite). It owns the schema, writes
//! runs and attempts in batched transactions, prunes by age and size, and hands connections to
//! the queries. WAL mode lets `proctor flaky` read while a run writes; a busy timeout lets two
//! runs share the file.
//!
//! Schema (version in `meta`):
//!
//! ```text
//! runs(id, run_id UNIQUE, started_at, finished_at, commit_sha, tree_sha, branch, dirty, host, seed)
//! tests(id, suite, test_id)            -- one row per test id; renamed tests get a new row
//! revs(id, sha UNIQUE)                 -- commits and trees, so attempts carry small integers
//! attempts(run, test, tree, commit_rev, runtime, instance, outcome, duration_ms, attempt,
//!          message, location, at)      -- outcome 0 = passed
//! ```
//!
//! The tree and commit of a run are repeated on each attempt so that `proctor flaky` groups
//! attempts by (test, tree or commit) straight from one covering index, without a join. It is
//! the only index on `attempts`: each run adds one entry per test all over it, so every further
//! index would cost each run another sweep of pages (pruning and export scan the table instead).

use super::record::{AttemptRecord, RunRecord, Stored};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The schema this build writes and reads.
pub const SCHEMA_VERSION: i64 = 1;

/// Why the history database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The database's directory could not be made.
    #[error("failed to create {}: {source}", path.display())]
    Dir {
        /// The directory.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// SQLite refused (locked, corrupt, disk full, ...).
    #[error("{}: {source}", path.display())]
    Sql {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The database was written by a newer proctor.
    #[error("{} has history schema {found}, newer than this proctor's {SCHEMA_VERSION} (hint: upgrade proctor, or set [history] path to another file)", path.display())]
    Schema {
        /// The database file.
        path: PathBuf,
        /// The version it has.
        found: i64,
    },
    /// There is no history yet.
    #[error("no history at {} yet (hint: `proctor run` records every test result)", path.display())]
    Missing {
        /// The database file.
        path: PathBuf,
    },
}

/// An open history database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Test row ids by suite, then test id (looked up by `&str`, without allocating).
    tests: HashMap<String, HashMap<String, i64>>,
    revs: HashMap<String, i64>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs(
  id INTEGER PRIMARY KEY, run_id TEXT NOT NULL UNIQUE, started_at INTEGER NOT NULL, finished_at INTEGER,
  commit_sha TEXT, tree_sha TEXT, branch TEXT, dirty INTEGER NOT NULL, host TEXT NOT NULL, seed INTEGER);
CREATE INDEX IF NOT EXISTS runs_started ON runs(started_at);
CREATE TABLE IF NOT EXISTS tests(id INTEGER PRIMARY KEY, suite TEXT NOT NULL, test_id TEXT NOT NULL, UNIQUE(test_id, suite));
CREATE TABLE IF NOT EXISTS revs(id INTEGER PRIMARY KEY, sha TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS attempts(
  run INTEGER NOT NULL, test INTEGER NOT NULL, tree INTEGER, commit_rev INTEGER, runtime TEXT NOT NULL,
  instance TEXT, outcome INTEGER NOT NULL, duration_ms REAL NOT NULL, attempt INTEGER NOT NULL,
  message TEXT, location TEXT, at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS attempts_by_test ON attempts(test, tree, commit_rev, outcome, run);
";

impl Store {
    /// Opens (creating when `create`) the database at `path`, with the schema in place.
    pub fn open(path: &Path, create: bool, busy: Duration) -> Result<Store, HistoryError> {
        if !create && !path.is_file() {
            return Err(HistoryError::Missing { path: path.to_path_buf() });
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
            let dir_error = |source| HistoryError::Dir { path: dir.to_path_buf(), source };
            std::fs::create_dir_all(dir).map_err(dir_error)?;
            // Failure messages can hold anything a test printed: the owner's only, as
            // `proctor serve` keeps `.proctor/`.
            #[cfg(unix)]
            std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700)).map_err(dir_error)?;
        }
        let sql = |source| HistoryError::Sql { path: path.to_path_buf(), source };
        let conn = Connection::open(path).map_err(sql)?;
        conn.busy_timeout(busy).map_err(sql)?;
        // Set before the first table exists; an existing file keeps what it has.
        conn.execute_batch("PRAGMA auto_vacuum = INCREMENTAL;").map_err(sql)?;
        let _: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(sql)?;
        conn.execute_batch("PRAGMA synchronous = NORMAL;").map_err(sql)?;
        let found: Option<i64> = conn
            .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| r.get::<_, String>(0))
            .optional()
            .or_else(|err| match &err {
                rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.starts_with("no such table") => Ok(None),
                _ => Err(err),
            })
            .map_err(sql)?
            .and_then(|v| v.parse().ok());
        match found {
            Some(found) if found > SCHEMA_VERSION => {
                return Err(HistoryError::Schema { path: path.to_path_buf(), found });
            }
            Some(_) => {}
            None => {
                conn.execute_batch(&format!(
                    "BEGIN IMMEDIATE; {SCHEMA} INSERT OR IGNORE INTO meta VALUES('schema', '{SCHEMA_VERSION}'); COMMIT;"
                ))
                .map_err(sql)?;
            }
        }
        Ok(Store { conn, path: path.to_path_buf(), tests: HashMap::new(), revs: HashMap::new() })
    }

    /// The connection, for the queries.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The error for a failed statement.
    pub fn error(&self, source: rusqlite::Error) -> HistoryError {
        HistoryError::Sql { path: self.path.clone(), source }
    }

    /// For a run's writer: copies what earlier runs left in the WAL into the database now (the
    /// run is starting, the database is otherwise idle) and turns off SQLite's checkpoint on
    /// commit, which would otherwise land, with its fsync, on whichever commit crosses the WAL's
    /// size limit — often the last one, which the run's end waits for — and on close.
    pub fn defer_checkpoints(&self) -> Result<(), HistoryError> {
        // Nor on close: the last connection to close would otherwise checkpoint (and fsync) at
        // the very end of the run; the WAL stays for the next run's writer to checkpoint here.
        self.conn
            .set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .map_err(|e| self.error(e))?;
        self.conn
            .execute_batch("PRAGMA wal_autocheckpoint = 0; PRAGMA wal_checkpoint(PASSIVE);")
            .map_err(|e| self.error(e))
    }

    /// Records a run; its row id, or `None` when a run with that id is already recorded.
    pub fn add_run(&mut self, run: &RunRecord) -> Result<Option<i64>, HistoryError> {
        let added = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO runs(run_id, started_at, finished_at, commit_sha, tree_sha, branch, dirty, host, seed)
                 VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    run.run_id,
                    run.started_at,
                    run.finished_at,
                    run.key.commit,
                    run.key.tree,
                    run.key.branch,
                    run.key.dirty,
                    run.host,
                    run.seed.map(|s| s as i64)
                ],
            )
            .map_err(|e| self.error(e))?;
        Ok((added == 1).then(|| self.conn.last_insert_rowid()))
    }

    /// Notes when a run ended.
    pub fn finish_run(&mut self, run: i64, finished_at: i64) -> Result<(), HistoryError> {
        self.conn
            .execute("UPDATE runs SET finished_at = ?1 WHERE id = ?2", params![finished_at, run])
            .map(drop)
            .map_err(|e| self.error(e))
    }

    /// Writes a batch of a run's attempts in one transaction.
    pub fn add_attempts(
        &mut self,
        run: i64,
        run_record: &RunRecord,
        batch: &[AttemptRecord],
    ) -> Result<(), HistoryError> {
        let Store { conn, path, tests, revs } = self;
        let sql = |source| HistoryError::Sql { path: path.clone(), source };
        // IMMEDIATE: a deferred transaction that reads first and then writes fails at once
        // (no busy wait) when another connection wrote in between, e.g. a reader that made the
        // schema of a database this run had just created.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sql)?;
        if tests.is_empty() {
            // One scan instead of a lookup per test.
            let mut all = tx.prepare("SELECT id, suite, test_id FROM tests").map_err(sql)?;
            let rows =
                all.query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get(0)?))).map_err(sql)?;
            for row in rows {
                let (suite, test, id) = row.map_err(sql)?;
                tests.entry(suite).or_default().insert(test, id);
            }
        }
        let tree = match &run_record.key.tree {
            Some(sha) => Some(rev_id(&tx, revs, sha).map_err(sql)?),
            None => None,
        };
        let commit = match &run_record.key.commit {
            Some(sha) => Some(rev_id(&tx, revs, sha).map_err(sql)?),
            None => None,
        };
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO attempts(run, test, tree, commit_rev, runtime, instance, outcome, duration_ms, attempt, message, location, at)
                     VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )
                .map_err(sql)?;
            for a in batch {
                let test = test_row(&tx, tests, &a.suite, &a.test).map_err(sql)?;
                insert
                    .execute(params![
                        run,
                        test,
                        tree,
                        commit,
                        a.runtime,
                        a.instance,
                        a.outcome.code(),
                        a.duration_ms,
                        a.attempt,
                        a.message,
                        a.location,
                        a.at
                    ])
                    .map_err(sql)?;
            }
        }
        tx.commit().map_err(sql)
    }

    /// Drops runs older than `keep`, then the oldest runs while the data is larger than
    /// `max_size`. Cheap when there is nothing to drop: one indexed lookup and two pragmas.
    pub fn prune(&mut self, now_ms: i64, keep: Duration, max_size: u64) -> Result<usize, HistoryError> {
        let cutoff = now_ms - keep.as_millis() as i64;
        let mut dropped = self.drop_runs("SELECT id FROM runs WHERE started_at < ?1", cutoff)?;
        for _ in 0..20 {
            if self.used_bytes()? <= max_size {
                break;
            }
            let runs: i64 =
                self.conn.query_row("SELECT count(*) FROM runs", [], |r| r.get(0)).map_err(|e| self.error(e))?;
            if runs <= 1 {
                break;
            }
            // A tenth of the runs at a time, oldest first, until it fits.
            let n = (runs / 10).max(1);
            dropped += self.drop_runs("SELECT id FROM runs ORDER BY started_at, id LIMIT ?1", n)?;
        }
        if dropped > 0 {
            self.conn.execute_batch("PRAGMA incremental_vacuum;").map_err(|e| self.error(e))?;
        }
        Ok(dropped)
    }

    /// Removes one run and its attempts (an import that failed halfway, so importing it again
    /// is not taken for a duplicate).
    pub fn remove_run(&mut self, run: i64) -> Result<(), HistoryError> {
        self.drop_runs("SELECT ?1", run).map(drop)
    }

    fn drop_runs(&mut self, select: &str, arg: i64) -> Result<usize, HistoryError> {
        let path = self.path.clone();
        let sql = |source| HistoryError::Sql { path: path.clone(), source };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sql)?;
        let ids: Vec<i64> = {
            let mut stmt = tx.prepare(select).map_err(sql)?;
            let rows = stmt.query_map([arg], |r| r.get(0)).map_err(sql)?;
            rows.collect::<Result<_, _>>().map_err(sql)?
        };
        if !ids.is_empty() {
            // One scan of the attempts for all of them (there is no index by run, on purpose).
            let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            tx.execute(&format!("DELETE FROM attempts WHERE run IN ({list})"), []).map_err(sql)?;
            tx.execute(&format!("DELETE FROM runs WHERE id IN ({list})"), []).map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(ids.len())
    }

    /// Bytes the data takes (free pages aside).
    fn used_bytes(&self) -> Result<u64, HistoryError> {
        let pragma = |name: &str| -> Result<i64, HistoryError> {
            self.conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0)).map_err(|e| self.error(e))
        };
        Ok(((pragma("page_count")? - pragma("freelist_count")?) * pragma("page_size")?).max(0) as u64)
    }

    /// Every run started at or after `since` (ms), oldest first, with its attempts.
    pub fn runs_since(&self, since: i64) -> Result<Vec<(RunRecord, Vec<AttemptRecord>)>, HistoryError> {
        let sql = |e| self.error(e);
        let mut runs = self
            .conn
            .prepare(
                "SELECT id, run_id, started_at, finished_at, commit_sha, tree_sha, branch, dirty, host, seed
                 FROM runs WHERE started_at >= ?1 ORDER BY started_at, id",
            )
            .map_err(sql)?;
        let mut attempts = self
            .conn
            .prepare(
                "SELECT a.run, t.test_id, t.suite, a.runtime, a.instance, a.outcome, a.duration_ms, a.attempt, a.message,
                 a.location, a.at FROM attempts a JOIN tests t ON t.id = a.test
                 WHERE a.run IN (SELECT id FROM runs WHERE started_at >= ?1) ORDER BY a.rowid",
            )
            .map_err(sql)?;
        let rows = runs
            .query_map([since], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    RunRecord {
                        run_id: r.get(1)?,
                        started_at: r.get(2)?,
                        finished_at: r.get(3)?,
                        key: super::key::CodeKey {
                            commit: r.get(4)?,
                            tree: r.get(5)?,
                            branch: r.get(6)?,
                            dirty: r.get(7)?,
                        },
                        host: r.get(8)?,
                        seed: r.get::<_, Option<i64>>(9)?.map(|s| s as u64),
                    },
                ))
            })
            .map_err(sql)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sql)?;
        let mut by_run: HashMap<i64, Vec<AttemptRecord>> = HashMap::new();
        let found = attempts
            .query_map([since], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    AttemptRecord {
                        test: r.get(1)?,
                        suite: r.get(2)?,
                        runtime: r.get(3)?,
                        instance: r.get(4)?,
                        outcome: Stored::from_code(r.get(5)?),
                        duration_ms: r.get(6)?,
                        attempt: r.get(7)?,
                        message: r.get(8)?,
                        location: r.get(9)?,
                        at: r.get(10)?,
                    },
                ))
            })
            .map_err(sql)?;
        for item in found {
            let (run, attempt) = item.map_err(sql)?;
            by_run.entry(run).or_default().push(attempt);
        }
        Ok(rows.into_iter().map(|(id, run)| (run, by_run.remove(&id).unwrap_or_default())).collect())
    }
}

fn rev_id(tx: &Connection, cache: &mut HashMap<String, i64>, sha: &str) -> rusqlite::Result<i64> {
    if let Some(id) = cache.get(sha) {
        return Ok(*id);
    }
    tx.execute("INSERT OR IGNORE INTO revs(sha) VALUES(?1)", [sha])?;
    let id = tx.query_row("SELECT id FROM revs WHERE sha = ?1", [sha], |r| r.get(0))?;
    cache.insert(sha.to_owned(), id);
    Ok(id)
}

fn test_row(
    tx: &Connection,
    cache: &mut HashMap<String, HashMap<String, i64>>,
    suite: &str,
    test: &str,
) -> rusqlite::Result<i64> {
    if let Some(id) = cache.get(suite).and_then(|tests| tests.get(test)) {
        return Ok(*id);
    }
    let mut insert = tx.prepare_cached("INSERT OR IGNORE INTO tests(suite, test_id) VALUES(?1, ?2)")?;
    insert.execute([suite, test])?;
    let mut select = tx.prepare_cached("SELECT id FROM tests WHERE test_id = ?2 AND suite = ?1")?;
    let id = select.query_row([suite, test], |r| r.get(0))?;
    cache.entry(suite.to_owned()).or_default().insert(test.to_owned(), id);
    Ok(id)
}
