//! `.proctor/server.json`: how a `proctor run` finds the project's live `proctor serve`. It
//! holds the port, pid and token (so it is written readable by its owner only), and is removed
//! when the server stops. A file whose pid is gone is stale: a new server replaces it and runs
//! ignore it.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What a live server records about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ServerRecord {
    /// The port it listens on.
    pub port: u16,
    /// The address it is bound to.
    pub bind: String,
    /// Its process id.
    pub pid: u32,
    /// The token every request needs.
    pub token: String,
    /// When it started, in milliseconds since the Unix epoch.
    pub started_at: u64,
    /// The URL a person opens to attach a browser.
    pub attach_url: String,
    /// The live status page's URL (token included), when the server shows one (`proctor
    /// serve`; not the server `proctor watch` keeps). Runs report every run to such a server,
    /// not only the ones that need its browsers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
}

/// What is recorded for a project.
pub(crate) enum Recorded {
    /// No file.
    None,
    /// A file whose server is running.
    Live(ServerRecord),
    /// A file left by a server that is gone (or that cannot be read).
    Stale { pid: Option<u32> },
}

/// The record's path for a project root.
pub(crate) fn record_path(root: &Path) -> PathBuf {
    root.join(".proctor").join("server.json")
}

/// Reads the project's record and tells whether its server still runs.
pub(crate) fn read_record(root: &Path) -> Recorded {
    let Ok(text) = std::fs::read_to_string(record_path(root)) else { return Recorded::None };
    match serde_json::from_str::<ServerRecord>(&text) {
        Ok(record) if process_alive(record.pid) => Recorded::Live(record),
        Ok(record) => Recorded::Stale { pid: Some(record.pid) },
        Err(_) => Recorded::Stale { pid: None },
    }
}

/// True when the project's live server shows a status page (so every run should report to it).
pub(crate) fn shows_page(root: &Path) -> bool {
    matches!(read_record(root), Recorded::Live(record) if record.page_url.is_some())
}

/// Writes the record (owner-only: it holds the token), replacing any stale one.
pub(crate) fn write_record(root: &Path, record: &ServerRecord) -> std::io::Result<()> {
    write_owned(&record_path(root), record)
}

/// Writes `value` as JSON to `path` (in `.proctor/`) readable by this user only, atomically:
/// records that hold a token (`server.json`, `watch.json`).
pub(crate) fn write_owned(path: &Path, value: &impl Serialize) -> std::io::Result<()> {
    let dir = path.parent().expect("a record lives in .proctor/");
    std::fs::create_dir_all(dir)?;
    // The record holds the token: only this user may list or read it.
    #[cfg(unix)]
    std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = dir.join(format!("{name}.{}", std::process::id()));
    // A file left under this name keeps its mode when reopened; a new one gets 0600.
    let _ = std::fs::remove_file(&temp);
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temp)?;
        file.write_all(text.as_bytes())?;
        file.write_all(b"\n")?;
    }
    std::fs::rename(&temp, path)
}

/// Removes the record if it is still this process's.
pub(crate) fn remove_record(root: &Path) {
    remove_owned(&record_path(root));
}

/// Removes the record at `path` if its `pid` is this process's (and `.proctor/` if now empty).
pub(crate) fn remove_owned(path: &Path) {
    let ours = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .is_some_and(|record| record["pid"].as_u64() == Some(u64::from(std::process::id())));
    if ours {
        let _ = std::fs::remove_file(path);
        // Leave .proctor/ if something else lives there.
        let _ = std::fs::remove_dir(path.parent().expect("has a parent"));
    }
}

/// Held while this process is the project's server: an exclusive `flock` on
/// `.proctor/serve.lock`, so of two servers started at once exactly one runs (the record alone
/// cannot tell: both could find none and write theirs). Dropping it removes the file and with
/// it the lock; the kernel releases it for a server that dies.
pub(crate) struct ServeLock {
    _file: std::fs::File,
    path: PathBuf,
}

/// Takes the project's server lock; `None` when another live process holds it.
pub(crate) fn lock_server(root: &Path) -> std::io::Result<Option<ServeLock>> {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let path = root.join(".proctor").join("serve.lock");
    std::fs::create_dir_all(path.parent().expect("the lock lives in .proctor/"))?;
    loop {
        let file =
            std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(false).mode(0o600).open(&path)?;
        // SAFETY: flock only reads the descriptor, which `file` keeps open.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let err = std::io::Error::last_os_error();
            return if err.kind() == std::io::ErrorKind::WouldBlock { Ok(None) } else { Err(err) };
        }
        // The previous holder removes the file as it lets go: a lock taken on the file it
        // removed would exclude nobody, so it must still be the file at `path`.
        let same = match (file.metadata(), std::fs::metadata(&path)) {
            (Ok(held), Ok(named)) => held.ino() == named.ino() && held.dev() == named.dev(),
            _ => false,
        };
        if same {
            return Ok(Some(ServeLock { _file: file, path }));
        }
    }
}

impl Drop for ServeLock {
    fn drop(&mut self) {
        // Removed while still held (the descriptor closes after this), see `lock_server`.
        let _ = std::fs::remove_file(&self.path);
        let _ = std::fs::remove_dir(self.path.parent().expect("has a parent"));
    }
}

/// True when `pid` is a running `proctor` process (a reused pid of another program is not).
pub(crate) fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if !proc.is_dir() {
        // No procfs: trust the file; a dead server shows up as a refused connection instead.
        return true;
    }
    let Ok(cmdline) = std::fs::read(proc.join(pid.to_string()).join("cmdline")) else { return false };
    let Ok(stat) = std::fs::read_to_string(proc.join(pid.to_string()).join("stat")) else { return false };
    // A zombie (state Z) has exited.
    let state = stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().next());
    state != Some("Z") && String::from_utf8_lossy(&cmdline).contains("proctor")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(pid: u32) -> ServerRecord {
        ServerRecord {
            port: 4711,
            bind: "127.0.0.1".into(),
            pid,
            token: "t".into(),
            started_at: 1,
            attach_url: "http://127.0.0.1:4711/?token=t".into(),
            page_url: None,
        }
    }

    #[test]
    fn a_record_of_this_process_is_live_and_removed_by_it() {
        let root = tempfile::tempdir().unwrap();
        assert!(matches!(read_record(root.path()), Recorded::None));
        write_record(root.path(), &record(std::process::id())).unwrap();
        // The test binary's name contains "proctor" (the crate is called proctor).
        assert!(matches!(read_record(root.path()), Recorded::Live(r) if r.port == 4711));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(record_path(root.path())).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the token is readable by its owner only");
        }
        remove_record(root.path());
        assert!(!record_path(root.path()).exists());
    }

    #[test]
    fn one_holder_of_the_server_lock_at_a_time() {
        let root = tempfile::tempdir().unwrap();
        let first = lock_server(root.path()).unwrap().expect("free");
        assert!(lock_server(root.path()).unwrap().is_none(), "held by the first");
        drop(first);
        assert!(!root.path().join(".proctor").exists(), "nothing left once released");
        let again = lock_server(root.path()).unwrap();
        assert!(again.is_some(), "free again");
    }

    #[test]
    fn a_record_of_a_dead_process_is_stale() {
        let root = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        write_record(root.path(), &record(pid)).unwrap();
        assert!(matches!(read_record(root.path()), Recorded::Stale { pid: Some(p) } if p == pid));
        // Not ours: left for the server that replaces it.
        remove_record(root.path());
        assert!(record_path(root.path()).exists());
        std::fs::write(record_path(root.path()), "{ not json").unwrap();
        assert!(matches!(read_record(root.path()), Recorded::Stale { pid: None }));
    }
}
