//! [`GlobalSetup`]: proctor.toml's `global-setup` modules (Vitest's `globalSetup`, Jest's
//! `globalSetup`/`globalTeardown`), run once in a node process of their own before any runtime
//! starts, and torn down after the run — also when it failed or was interrupted. The modules load
//! through the same manifest as test files, so they may be TypeScript and import as bundlers do.
//! Environment variables the setup adds are given to the runtimes (as Jest's workers inherit
//! what globalSetup put in `process.env`).

use crate::build::{temp_dir, write_controller, write_manifest_for, BuildError, ModuleSettings, ProjectModules};
use crate::config::Config;
use crate::paths::file_url;
use crate::resolve::Target;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdin};

/// What marks the runner's own lines on its stdout (controller-js/src/global-setup.js).
const MARKER: &str = "\u{1}proctor-global ";
/// How long teardown may take before the process is killed.
const TEARDOWN_DEADLINE: Duration = Duration::from_secs(60);

/// Why global setup or teardown failed.
#[derive(Debug, thiserror::Error)]
pub enum GlobalSetupError {
    /// node could not be found or started, or the files not written.
    #[error("failed to start the global setup: {0}")]
    Start(String),
    /// A setup module threw (its stack names the file).
    #[error("global setup failed: {0}")]
    Failed(String),
    /// A teardown threw or did not finish in time (its error was printed).
    #[error("global teardown failed: {0}")]
    Teardown(String),
}

impl From<BuildError> for GlobalSetupError {
    fn from(error: BuildError) -> Self {
        GlobalSetupError::Start(error.to_string())
    }
}

/// A global setup that ran and waits for the end of the run.
pub struct GlobalSetup {
    child: Child,
    stdin: Option<ChildStdin>,
    /// Holds the controller and manifest the process reads.
    _dir: tempfile::TempDir,
}

impl GlobalSetup {
    /// Runs the config's global setup modules; `None` when there are none.
    pub async fn start(config: &Config) -> Result<Option<GlobalSetup>, GlobalSetupError> {
        if config.global_setup.is_empty() {
            return Ok(None);
        }
        let launcher = runtimes::NodeLauncher::find().map_err(|e| GlobalSetupError::Start(e.to_string()))?;
        let dir = temp_dir()?;
        let controller = write_controller(dir.path())?;
        let modules = ProjectModules::new(ModuleSettings::for_project(config, Target::Node));
        let manifest = write_manifest_for(&modules, &config.global_setup, dir.path())?;
        let mut child = tokio::process::Command::new(launcher.program())
            .arg("--import")
            .arg(file_url(&controller.join("node-register.js")))
            .arg(controller.join("global-setup.js"))
            .arg(&manifest)
            .args(&config.global_setup)
            .current_dir(&config.root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| GlobalSetupError::Start(format!("{}: {e}", launcher.program().display())))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().ok_or_else(|| GlobalSetupError::Start("no stdout".into()))?;
        let mut lines = BufReader::new(stdout).lines();
        loop {
            let line = lines.next_line().await.map_err(|e| GlobalSetupError::Start(e.to_string()))?;
            let Some(line) = line else {
                let status = child.wait().await.map_err(|e| GlobalSetupError::Start(e.to_string()))?;
                return Err(GlobalSetupError::Failed(format!("node exited ({status}) before the setup finished")));
            };
            let Some(message) = line.strip_prefix(MARKER) else {
                // The setup's own output: shown, beside the run's (not in a reporter's stdout).
                errln!("{line}");
                continue;
            };
            let message: serde_json::Value = serde_json::from_str(message).unwrap_or_default();
            match message["type"].as_str() {
                Some("ready") => {
                    if let Some(env) = message["env"].as_object() {
                        for (key, value) in env {
                            if let Some(value) = value.as_str() {
                                // The runtimes start after this, on this thread's environment.
                                std::env::set_var(key, value);
                            }
                        }
                    }
                    break;
                }
                _ => {
                    let error = message["error"].as_str().unwrap_or("unknown error").to_string();
                    let _ = child.wait().await;
                    return Err(GlobalSetupError::Failed(error));
                }
            }
        }
        // What teardowns print still shows.
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                errln!("{line}");
            }
        });
        Ok(Some(GlobalSetup { child, stdin, _dir: dir }))
    }

    /// Runs the teardowns (closing stdin starts them) and waits for them.
    pub async fn teardown(mut self) -> Result<(), GlobalSetupError> {
        drop(self.stdin.take());
        match tokio::time::timeout(TEARDOWN_DEADLINE, self.child.wait()).await {
            Ok(Ok(status)) if status.success() => Ok(()),
            Ok(Ok(status)) => Err(GlobalSetupError::Teardown(format!("node exited with {status}"))),
            Ok(Err(error)) => Err(GlobalSetupError::Teardown(error.to_string())),
            Err(_) => {
                let _ = self.child.kill().await;
                Err(GlobalSetupError::Teardown(format!("not finished after {} s", TEARDOWN_DEADLINE.as_secs())))
            }
        }
    }
}
