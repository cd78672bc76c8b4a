//! Helpers for proctor's end-to-end tests: build and locate the real binary, copy a fixture
//! project into a temp dir, run proctor in it, and read its JSON events back as a fixture
//! model (test id → outcome) so tests compare whole results, not spot checks.

pub mod background;
pub mod downloads;
pub mod processes;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// A proctor.toml with one Chromium suite over `test/*.test.js` whose run page is made from
/// `test/page.html` (a suite's custom page).
pub const PAGE_SUITE: &str =
    "[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\ntests = [\"test/*.test.js\"]\npage = \"test/page.html\"\n";

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("e2e lives in the workspace").to_path_buf()
}

/// The proctor binary: `PROCTOR_BIN`, else `target/debug/proctor` — which
/// `cargo test --workspace` builds before any test runs (see `host/tests/cli.rs`). When it is
/// missing or older than the sources (running this crate's tests alone), it is built first.
pub fn proctor_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("PROCTOR_BIN") {
            return PathBuf::from(bin);
        }
        let target =
            std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace().join("target"));
        let bin = target.join("debug").join("proctor");
        if !is_fresh(&bin) {
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let status = Command::new(cargo)
                .args(["build", "--quiet", "-p", "proctor", "--bin", "proctor"])
                .current_dir(workspace())
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building proctor failed");
        }
        bin
    })
    .clone()
}

/// True when `bin` exists and is newer than every source it is built from.
fn is_fresh(bin: &Path) -> bool {
    let Ok(built) = std::fs::metadata(bin).and_then(|m| m.modified()) else { return false };
    fn newest(dir: &Path) -> Option<std::time::SystemTime> {
        let mut latest = None;
        for entry in std::fs::read_dir(dir).ok()?.flatten() {
            let path = entry.path();
            let time = if path.is_dir() { newest(&path) } else { entry.metadata().ok()?.modified().ok() };
            latest = latest.max(time);
        }
        latest
    }
    ["host/src", "protocol/src", "runtimes/src", "controller-js/src"]
        .iter()
        .filter_map(|dir| newest(&workspace().join(dir)))
        .all(|source| source <= built)
}

/// Serializes tests that start a browser: several Chromium instances at once on a small CI
/// machine make every deadline in them meaningless.
pub fn browser_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A fixture project copied into a fresh temp dir (removed on drop).
pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// Copies `e2e/fixtures/<name>`; a fixture's `vendor/*` packages become its node_modules
    /// (node_modules itself cannot be committed).
    pub fn fixture(name: &str) -> Project {
        let project = Project::empty();
        copy_dir(&workspace().join("e2e/fixtures").join(name), project.path());
        let vendor = project.path().join("vendor");
        if vendor.is_dir() {
            let modules = project.path().join("node_modules");
            std::fs::create_dir_all(&modules).expect("mkdir");
            copy_dir(&vendor, &modules);
        }
        project
    }

    /// An empty project.
    pub fn empty() -> Project {
        Project { dir: tempfile::Builder::new().prefix("proctor-e2e-").tempdir().expect("temp dir") }
    }

    /// Its root.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating directories).
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
        self
    }

    /// A file's text, or `""` when it does not exist.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_default()
    }

    /// Removes a file if it exists.
    pub fn remove(&self, rel: &str) -> &Self {
        let _ = std::fs::remove_file(self.path().join(rel));
        self
    }

    /// Runs proctor with `args` in the project root.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[])
    }

    /// Runs proctor with `args` and extra environment variables. The workspace's
    /// `node_modules/.bin` (esbuild) is on PATH.
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = self.command(args);
        for (key, value) in env {
            command.env(key, value);
        }
        Output::of(command.output().expect("proctor runs"))
    }

    /// Runs proctor with `args` and extra environment variables, with `node` (a node binary,
    /// such as [`downloads::node24`]'s) first on PATH, so it is the node proctor finds.
    pub fn run_on_node(&self, node: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut command = self.command(args);
        let path =
            command.get_envs().find(|(key, _)| *key == "PATH").and_then(|(_, value)| value.map(|v| v.to_owned()));
        let mut paths = vec![node.parent().expect("a node binary lives in a directory").to_path_buf()];
        paths.extend(std::env::split_paths(&path.unwrap_or_default()));
        command.env("PATH", std::env::join_paths(paths).expect("PATH joins")).env_remove("PROCTOR_NODE");
        for (key, value) in env {
            command.env(key, value);
        }
        Output::of(command.output().expect("proctor runs"))
    }

    /// Runs `proctor ARGS` under `script`, so its stdout is a terminal (100 columns, not on CI,
    /// no colour variables but those in `env`); returns what the terminal got.
    pub fn on_a_terminal(&self, args: &str, env: &str) -> String {
        let command = format!("env -u CI {env} \"{}\" {args}", proctor_bin().display());
        let out = Command::new("script")
            .args(["-q", "-e", "-c", &command, "/dev/null"])
            .current_dir(self.path())
            .env("TERM", "xterm-256color")
            .env("COLUMNS", "100")
            .env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR")
            .output()
            .expect("script runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The command that runs proctor with `args` in the project root, for tests that start it
    /// in the background (`proctor serve`, runs at the same time).
    pub fn command(&self, args: &[&str]) -> Command {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut paths = vec![workspace_node_modules().join(".bin")];
        paths.extend(std::env::split_paths(&path));
        let mut command = Command::new(proctor_bin());
        command
            .args(args)
            .current_dir(self.path())
            .env_remove("CI")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("GITHUB_STEP_SUMMARY")
            .env_remove("GITHUB_WORKSPACE")
            .env("PATH", std::env::join_paths(paths).expect("PATH joins"));
        command
    }

    /// Runs `git ARGS` in the project root (an identity given, no signing); its trimmed stdout.
    /// Panics when git fails.
    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(self.path())
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }
}

/// The workspace's `node_modules` (esbuild for bundled browser builds, and the other dev
/// dependencies), installed with `npm ci` first when it is missing or older than
/// package-lock.json: the README's test command is all a fresh clone runs, with no `npm ci`
/// before it. Once per test process; a failed install is said on stderr, and the tests that
/// need the packages then fail naming what is missing.
pub fn workspace_node_modules() -> PathBuf {
    static INSTALLED: OnceLock<PathBuf> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            let root = workspace();
            let modules = root.join("node_modules");
            let marker = modules.join(".package-lock.json");
            let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
            let stale = match (modified(&marker), modified(&root.join("package-lock.json"))) {
                (Some(installed), Some(lock)) => installed < lock,
                (None, _) => true,
                (Some(_), None) => false,
            };
            if stale {
                let status = Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                    .current_dir(&root)
                    .status();
                if !matches!(status, Ok(s) if s.success()) {
                    eprintln!(
                        "warning: `npm ci` in {} failed ({status:?}); tests that need esbuild will fail",
                        root.display()
                    );
                }
            }
            modules
        })
        .clone()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("fixture exists") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// What a proctor process did.
#[derive(Debug)]
pub struct Output {
    /// Exit code.
    pub code: i32,
    /// Everything on stdout.
    pub stdout: String,
    /// Everything on stderr.
    pub stderr: String,
}

impl Output {
    /// The output of a finished process.
    pub fn of(output: std::process::Output) -> Output {
        Output {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Panics with the full output unless the exit code matches.
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        self
    }

    /// The JSON events (`--reporter json`), one per stdout line.
    pub fn events(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON event ({e}): {l}")))
            .collect()
    }

    /// The fixture model: test id → outcome (`passed`, `failed`, `timed-out`, `crashed`,
    /// `skipped`, `todo`), from `test-finished` and `test-skipped` events.
    pub fn outcomes(&self) -> BTreeMap<String, String> {
        let mut map = BTreeMap::new();
        for event in self.events() {
            let id = event["test"]["id"].as_str().map(str::to_owned);
            let outcome = match event["event"].as_str() {
                Some("test-finished") => event["outcome"].as_str().map(str::to_owned),
                Some("test-skipped") => {
                    event["kind"].as_str().map(|k| if k == "todo" { "todo".into() } else { "skipped".into() })
                }
                _ => None,
            };
            if let (Some(id), Some(outcome)) = (id, outcome) {
                let previous = map.insert(id.clone(), outcome);
                assert!(previous.is_none(), "test {id} was reported twice");
            }
        }
        map
    }

    /// Like [`Output::outcomes`], keyed `runtime|id` (for suites that run in several runtimes;
    /// the runtime is the instance, e.g. `attach#2`, when a server keeps several).
    pub fn outcomes_by_runtime(&self) -> BTreeMap<String, String> {
        let mut map = BTreeMap::new();
        for event in self.events() {
            let runtime = event["test"]["instance"].as_str().or(event["test"]["runtime"].as_str());
            let key = format!("{}|{}", runtime.unwrap_or("?"), event["test"]["id"].as_str().unwrap_or("?"));
            let outcome = match event["event"].as_str() {
                Some("test-finished") => event["outcome"].as_str().map(str::to_owned),
                Some("test-skipped") => {
                    event["kind"].as_str().map(|k| if k == "todo" { "todo".into() } else { "skipped".into() })
                }
                _ => None,
            };
            if let Some(outcome) = outcome {
                assert!(map.insert(key.clone(), outcome).is_none(), "{key} reported twice");
            }
        }
        map
    }

    /// The fixture model with reasons: test id → `passed`, `failed`, `timed-out`, `crashed`,
    /// `todo`, or `skipped:<cause>` (the rule that skipped it, e.g. `skipped:not-focused`).
    pub fn results(&self) -> BTreeMap<String, String> {
        let mut map = BTreeMap::new();
        for event in self.events() {
            let Some(id) = event["test"]["id"].as_str().map(str::to_owned) else { continue };
            let result = match event["event"].as_str() {
                Some("test-finished") => event["outcome"].as_str().unwrap_or("?").to_owned(),
                Some("test-skipped") if event["kind"] == "todo" => "todo".to_owned(),
                Some("test-skipped") => format!("skipped:{}", event["cause"].as_str().unwrap_or("?")),
                _ => continue,
            };
            let previous = map.insert(id.clone(), result);
            assert!(previous.is_none(), "test {id} was reported twice");
        }
        map
    }

    /// Test ids in the order their results were reported.
    pub fn order(&self) -> Vec<String> {
        self.events()
            .iter()
            .filter(|e| e["event"] == "test-finished" || e["event"] == "test-skipped")
            .filter_map(|e| e["test"]["id"].as_str().map(str::to_owned))
            .collect()
    }

    /// Every event of one kind.
    pub fn events_of(&self, kind: &str) -> Vec<Value> {
        self.events().into_iter().filter(|e| e["event"] == kind).collect()
    }

    /// The finished event of one test.
    pub fn finished(&self, id: &str) -> Value {
        self.events()
            .into_iter()
            .find(|e| e["event"] == "test-finished" && e["test"]["id"] == id)
            .unwrap_or_else(|| panic!("no test-finished for {id}\n{}", self.stdout))
    }
}

/// Builds an expected fixture model from `(id, outcome)` pairs.
pub fn model(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(id, outcome)| (id.to_string(), outcome.to_string())).collect()
}
