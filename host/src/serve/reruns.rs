//! The rerun buttons of `proctor serve`'s status page. Serve has no plan or session of its own
//! (its runs plan and report in their own processes), so a button starts the same binary as a
//! run client — `proctor run --root ROOT [--config FILE] <selection>` — which finds this server
//! through `.proctor/server.json`, leases its kept tabs and sends its events to the page like
//! any run. One button's run at a time, and none while another run holds or waits for the
//! runtimes: the page is answered 409 with why, rather than stacking runs nobody sees coming.

use super::hub::Hub;
use crate::status_page::{RerunRequest, TestRef};
use std::os::fd::AsFd as _;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Weak};
use tokio::sync::mpsc;

/// What a rerun runs in: the project and its config file, as serve was started.
pub(crate) struct RerunTarget {
    /// The project root.
    pub root: PathBuf,
    /// The config file serve was given (absolute), if any.
    pub config: Option<PathBuf>,
}

/// The task that takes the page's rerun requests, and the process of the rerun going on.
pub(crate) struct Reruns {
    task: tokio::task::JoinHandle<()>,
    child: Arc<AtomicU32>,
}

impl Reruns {
    /// Stops taking requests; a rerun still going is stopped as Ctrl-C would stop it (SIGTERM:
    /// it reports its tests and removes its temp dirs), killed if it takes over 5 s.
    pub(crate) async fn stop(self) {
        let pid = self.child.load(Ordering::SeqCst);
        if pid != 0 {
            // SAFETY: kill only sends a signal; the pid is the rerun's, which `task` still waits for.
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGTERM) };
            let mut task = self.task;
            if tokio::time::timeout(std::time::Duration::from_secs(5), &mut task).await.is_err() {
                // Dropping its `Child` kills it.
                task.abort();
            }
        } else {
            self.task.abort();
        }
    }
}

/// Takes the page's rerun requests until [`Reruns::stop`].
pub(crate) fn start(
    hub: &Arc<Hub>,
    mut requests: mpsc::UnboundedReceiver<RerunRequest>,
    target: RerunTarget,
) -> Reruns {
    let running = Arc::new(AtomicBool::new(false));
    let child = Arc::new(AtomicU32::new(0));
    let pid = child.clone();
    if let Some(page) = hub.page() {
        // Weak: the hub owns the page, which owns this gate.
        let (weak, reserved): (Weak<Hub>, _) = (Arc::downgrade(hub), running.clone());
        page.set_gate(move || {
            let runs = weak.upgrade().map_or(0, |hub| hub.runs());
            if runs > 0 {
                let runs = if runs == 1 { "a run holds".to_string() } else { format!("{runs} runs hold or wait for") };
                return Some(format!("busy: {runs} proctor serve's runtimes; rerun when it is done"));
            }
            // Reserved here, so two clicks at once start one run.
            match reserved.compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst) {
                Ok(_) => None,
                Err(_) => Some("busy: the last rerun from this page is still going".to_string()),
            }
        });
    }
    let hub = Arc::downgrade(hub);
    let task = tokio::spawn(async move {
        while let Some(request) = requests.recv().await {
            let failing = hub.upgrade().map(|hub| failing(&hub)).unwrap_or_default();
            match selection(&request, failing) {
                Some(args) => rerun(&target, &args, &pid).await,
                None => errln!("proctor serve: rerun failed from the status page: nothing failed in the last run"),
            }
            running.store(false, Ordering::SeqCst);
        }
    });
    Reruns { task, child }
}

/// The failing tests (and files that failed to load) of the last run, by suite.
fn failing(hub: &Hub) -> Vec<(String, String)> {
    hub.status().failing.into_iter().filter_map(|problem| Some((problem.suite, problem.id.or(problem.file)?))).collect()
}

/// The `proctor run` arguments that select what the button asked for; `None`: nothing to run.
fn selection(request: &RerunRequest, failing: Vec<(String, String)>) -> Option<Vec<String>> {
    let focus = |tests: Vec<(String, String)>| -> Vec<String> {
        tests.into_iter().flat_map(|(suite, id)| ["--focus".to_string(), format!("{suite}:{id}")]).collect()
    };
    match request {
        RerunRequest::All => Some(Vec::new()),
        RerunRequest::Failed if failing.is_empty() => None,
        RerunRequest::Failed => Some(focus(failing)),
        RerunRequest::Tests(tests) if tests.is_empty() => None,
        RerunRequest::Tests(tests) => {
            Some(focus(tests.iter().map(|TestRef { suite, id }| (suite.clone(), id.clone())).collect()))
        }
        RerunRequest::Files(files) if files.is_empty() => None,
        // `--` : a file named like a flag is still a file.
        RerunRequest::Files(files) => Some(std::iter::once("--".to_string()).chain(files.iter().cloned()).collect()),
    }
}

/// Runs `proctor run <args>` in the project as a client of this server, its output on serve's
/// stderr, and waits for it; its pid is in `pid` meanwhile.
async fn rerun(target: &RerunTarget, args: &[String], pid: &AtomicU32) {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(err) => {
            errln!("proctor serve: cannot rerun: cannot find its own executable: {err}");
            return;
        }
    };
    let mut command = tokio::process::Command::new(exe);
    command.arg("run").arg("--root").arg(&target.root);
    if let Some(config) = &target.config {
        command.arg("--config").arg(config);
    }
    // `--` (files) must come after the flags.
    command.args(args);
    // Serve's stdout is its own; the run's report goes where serve's log goes.
    let stdout = std::io::stderr().as_fd().try_clone_to_owned().map(Stdio::from).unwrap_or_else(|_| Stdio::null());
    command.current_dir(&target.root).stdin(Stdio::null()).stdout(stdout).kill_on_drop(true);
    let shown = if args.is_empty() { "(every test)".to_string() } else { args.join(" ") };
    match command.spawn() {
        Ok(mut child) => {
            errln!(
                "proctor serve: rerun from the status page (pid {}): proctor run {shown}, in the runtimes this server keeps",
                child.id().unwrap_or_default()
            );
            pid.store(child.id().unwrap_or_default(), Ordering::SeqCst);
            let waited = child.wait().await;
            pid.store(0, Ordering::SeqCst);
            match waited {
                Ok(status) => errln!("proctor serve: the rerun ended ({status})"),
                Err(err) => errln!("proctor serve: the rerun could not be waited for: {err}"),
            }
        }
        Err(err) => errln!("proctor serve: cannot rerun: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_button_becomes_a_selection() {
        let failing = vec![("unit".to_string(), "a.test.js::one".to_string()), ("web".into(), "b.test.js".into())];
        assert_eq!(selection(&RerunRequest::All, vec![]), Some(vec![]));
        assert_eq!(
            selection(&RerunRequest::Failed, failing),
            Some(vec!["--focus".into(), "unit:a.test.js::one".into(), "--focus".into(), "web:b.test.js".into()])
        );
        assert_eq!(selection(&RerunRequest::Failed, vec![]), None, "nothing failed");
        let one = RerunRequest::Tests(vec![TestRef { suite: "unit".into(), id: "a.test.js::t".into() }]);
        assert_eq!(selection(&one, vec![]), Some(vec!["--focus".into(), "unit:a.test.js::t".into()]));
        let files = RerunRequest::Files(vec!["--help.test.js".into()]);
        assert_eq!(selection(&files, vec![]), Some(vec!["--".into(), "--help.test.js".into()]));
    }
}
