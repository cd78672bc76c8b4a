//! `proctor history export` / `import`: histories as JSON lines, one run per line (the
//! [`RunRecord`] fields plus `attempts`), so the histories of CI shards and machines merge into
//! one. Imports are deduplicated by run id: importing a file twice, or a run recorded here,
//! adds nothing.

use super::record::{AttemptRecord, RunRecord};
use super::store::{HistoryError, Store};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};

/// One line of an export.
#[derive(Debug, Serialize, Deserialize)]
pub struct ExportedRun {
    /// The run.
    #[serde(flatten)]
    pub run: RunRecord,
    /// Its attempts, in the order they ended.
    pub attempts: Vec<AttemptRecord>,
}

/// Why an import or export stopped.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// The database.
    #[error(transparent)]
    History(#[from] HistoryError),
    /// Reading or writing the file.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A line that is not an exported run.
    #[error("line {line}: not a proctor history run: {message}")]
    Line {
        /// 1-based.
        line: usize,
        /// What serde said.
        message: String,
    },
}

/// Writes every run started at or after `since` (ms); how many.
pub fn export(store: &Store, since: i64, out: &mut dyn Write) -> Result<usize, TransferError> {
    let runs = store.runs_since(since)?;
    for (run, attempts) in &runs {
        let line = ExportedRun { run: run.clone(), attempts: attempts.clone() };
        serde_json::to_writer(&mut *out, &line).map_err(std::io::Error::other)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(runs.len())
}

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
pub struct Imported {
    /// Runs added.
    pub runs: usize,
    /// Their attempts.
    pub attempts: usize,
    /// Runs already present (by run id), skipped.
    pub duplicates: usize,
}

/// Reads exported runs, adding those whose run id is new.
pub fn import(store: &mut Store, input: &mut dyn BufRead) -> Result<Imported, TransferError> {
    let mut done = Imported::default();
    for (i, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let exported: ExportedRun =
            serde_json::from_str(&line).map_err(|e| TransferError::Line { line: i + 1, message: e.to_string() })?;
        match store.add_run(&exported.run)? {
            Some(id) => {
                if let Err(err) = store.add_attempts(id, &exported.run, &exported.attempts) {
                    let _ = store.remove_run(id);
                    return Err(err.into());
                }
                done.runs += 1;
                done.attempts += exported.attempts.len();
            }
            None => done.duplicates += 1,
        }
    }
    Ok(done)
}
