//! What a proctor left running or lying around, read from `/proc` and the file system: the
//! Chromium processes and browser directories of one proctor process (each browser runs in
//! `proctor-chromium-<proctor pid>-*`, its profile and `TMPDIR`), the TCP ports they listen
//! on, and waiting, with a deadline, for them to be gone.

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// One process as `/proc` shows it.
#[derive(Debug, Clone)]
pub struct Proc {
    /// Its pid.
    pub pid: u32,
    /// Its command line, arguments joined by spaces.
    pub cmdline: String,
}

/// The marker in every path of the browsers proctor `pid` launched.
pub fn browser_marker(pid: u32) -> String {
    format!("proctor-chromium-{pid}-")
}

fn all_processes() -> Vec<(Proc, u32)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("procfs").flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
        let Ok(raw) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // Fields after the command's closing parenthesis: state, ppid, pgrp.
        let mut rest = stat.rsplit(')').next().unwrap_or_default().split_whitespace();
        if rest.next() == Some("Z") {
            continue;
        }
        let pgrp = rest.nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let cmdline = String::from_utf8_lossy(&raw).replace('\0', " ").trim_end().to_string();
        found.push((Proc { pid, cmdline }, pgrp));
    }
    found
}

/// The live processes of the browsers proctor `pid` launched: those naming its browser
/// directories, and every process in their process groups.
pub fn chromium_of(pid: u32) -> Vec<Proc> {
    let marker = browser_marker(pid);
    let all = all_processes();
    let groups: Vec<u32> = all.iter().filter(|(p, _)| p.cmdline.contains(&marker)).map(|(_, g)| *g).collect();
    all.into_iter()
        .filter(|(p, g)| p.cmdline.contains(&marker) || (groups.contains(g) && *g != 0 && p.pid != pid))
        .map(|(p, _)| p)
        .collect()
}

/// Waits up to `within` until proctor `pid`'s browsers have no process left; returns what is
/// still running when the time is up (empty when all are gone).
pub fn wait_for_no_chromium_of(pid: u32, within: Duration) -> Vec<Proc> {
    let deadline = Instant::now() + within;
    loop {
        let left = chromium_of(pid);
        if left.is_empty() || Instant::now() > deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The browser directories of proctor `pid` in `/dev/shm` and the temp dir.
pub fn browser_dirs_of(pid: u32) -> Vec<PathBuf> {
    let marker = browser_marker(pid);
    let mut dirs = Vec::new();
    for parent in [PathBuf::from("/dev/shm"), std::env::temp_dir()] {
        for entry in std::fs::read_dir(&parent).into_iter().flatten().flatten() {
            if entry.file_name().to_string_lossy().starts_with(&marker) {
                dirs.push(entry.path());
            }
        }
    }
    dirs
}

/// The TCP ports `pids` listen on (IPv4 and IPv6), from `/proc/net/tcp*` and their fds.
pub fn listening_ports(pids: &[u32]) -> Vec<u16> {
    let mut sockets = std::collections::HashSet::new();
    for pid in pids {
        for fd in std::fs::read_dir(format!("/proc/{pid}/fd")).into_iter().flatten().flatten() {
            if let Ok(link) = std::fs::read_link(fd.path()) {
                if let Some(inode) = link.to_str().and_then(|l| l.strip_prefix("socket:[")?.strip_suffix(']')) {
                    sockets.insert(inode.to_string());
                }
            }
        }
    }
    let mut ports = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // local_address is field 1 (addr:port in hex), st field 3 (0A = LISTEN), inode field 9.
            if fields.len() > 9 && fields[3] == "0A" && sockets.contains(fields[9]) {
                if let Some(port) = fields[1].rsplit(':').next().and_then(|p| u16::from_str_radix(p, 16).ok()) {
                    ports.push(port);
                }
            }
        }
    }
    ports
}
