//! A proctor command kept running in the background (`proctor watch`, `proctor serve`) while a
//! test talks to it: its stderr collected line by line, waited on by text, stopped with `q` or
//! killed when the test ends.

use crate::Project;
use std::io::{BufRead, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running proctor command; killed when dropped.
pub struct Background {
    /// The process.
    pub child: Child,
    /// Its stdin (for keys), until [`Background::quit`] closes it.
    pub stdin: Option<ChildStdin>,
    stderr: Arc<Mutex<String>>,
}

impl Background {
    /// Starts `proctor ARGS` in `project` with stdin piped, stdout discarded, stderr collected.
    pub fn spawn(project: &Project, args: &[&str]) -> Background {
        let mut child = project
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("proctor starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let (log, pipe) = (stderr.clone(), child.stderr.take().expect("stderr is piped"));
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
                log.lock().unwrap().push_str(&format!("{line}\n"));
            }
        });
        let stdin = child.stdin.take();
        Background { child, stdin, stderr }
    }

    /// Everything it printed to stderr so far.
    pub fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits up to `wait` until stderr has `count` lines containing `text`; returns the log.
    pub fn wait_for(&self, text: &str, count: usize, wait: Duration) -> String {
        let deadline = Instant::now() + wait;
        loop {
            let log = self.log();
            if log.lines().filter(|l| l.contains(text)).count() >= count {
                return log;
            }
            assert!(Instant::now() < deadline, "no {text:?} ×{count} within {wait:?}:\n{log}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types `q`, closes stdin and waits for the exit code.
    pub fn quit(&mut self) -> i32 {
        if let Some(stdin) = &mut self.stdin {
            let _ = stdin.write_all(b"q\n");
        }
        self.stdin = None;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().expect("waits") {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "it did not stop:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
