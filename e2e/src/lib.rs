//! Helpers for proctor's end-to-end tests: build and locate the real binary, copy a fixture
//! project into a temp dir, run proctor in it, and read its JSON events back as a fixture
//! model (test id → outcome) so tests compare whole results, not spot checks.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("e2e lives in the workspace").to_path_buf()
}

/// The proctor binary: `PROCTOR_BIN`, else built once with the cargo running these tests.
pub fn proctor_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("PROCTOR_BIN") {
            return PathBuf::from(bin);
        }
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--quiet", "-p", "proctor", "--bin", "proctor"])
            .current_dir(workspace())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building proctor failed");
        let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace().join("target"));
        target.join("debug").join("proctor")
    })
    .clone()
}

/// A fixture project copied into a fresh temp dir (removed on drop).
pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// Copies `e2e/fixtures/<name>`.
    pub fn fixture(name: &str) -> Project {
        let project = Project::empty();
        copy_dir(&workspace().join("e2e/fixtures").join(name), project.path());
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
        let output = Command::new(proctor_bin())
            .args(args)
            .current_dir(self.path())
            .env_remove("CI")
            .output()
            .expect("proctor runs");
        Output {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
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
                Some("test-skipped") => event["kind"].as_str().map(|k| if k == "todo" { "todo".into() } else { "skipped".into() }),
                _ => None,
            };
            if let (Some(id), Some(outcome)) = (id, outcome) {
                let previous = map.insert(id.clone(), outcome);
                assert!(previous.is_none(), "test {id} was reported twice");
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
