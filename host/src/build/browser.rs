//! Builds what a browser tab loads: the shell page (`index.html`), the controller, and either
//! an ES-module entry with an import map (`esm`, in `esm.rs`) or one bundle made by esbuild or a user
//! command, with its source map. Everything lands in a build dir the server exposes under
//! `/__proctor/`.

use super::entry::{write_controller, BuildError};
use super::esm::{build_esm, LoadProblems};
use super::modules::{EsmModules, TRANSFORM_CACHE};
use super::sourcemap::StackMapper;
use crate::config::BuildMode;
use crate::paths::file_url;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The result of a browser build.
pub struct BrowserBuild {
    /// Rewrites browser stack frames to original file paths.
    pub stacks: StackMapper,
    /// Which tool built it (`esm`, `esbuild`, the command).
    pub tool: String,
    /// How long the build took.
    pub duration: Duration,
    /// What the build found that keeps a test file from loading (esm only).
    pub problems: LoadProblems,
}

/// Where the served site puts things, relative to the build dir.
pub(super) const CONTROLLER: &str = "controller";
const BUNDLE_DIR: &str = "out";

/// Writes the page and entry for `files` (relative, absolute path) into `build_dir` and runs
/// the bundler the mode asks for. `origin` is the server's `http://127.0.0.1:PORT`.
pub async fn build_browser(
    build_dir: &Path,
    root: &Path,
    files: &[(String, PathBuf)],
    mode: &BuildMode,
    minify: bool,
    origin: &str,
    ws_url: &str,
    modules: Option<&Arc<EsmModules>>,
) -> Result<BrowserBuild, BuildError> {
    let started = Instant::now();
    let controller_dir = write_controller(build_dir)?;
    let write = |name: &str, text: String| {
        std::fs::write(build_dir.join(name), text)
            .map_err(|source| BuildError::Write { dir: build_dir.to_path_buf(), source })
    };
    let js = |s: &str| serde_json::to_string(s).expect("strings always serialize");
    match mode {
        BuildMode::Esm => {
            // The server answers module requests with the same `EsmModules`; without one (a
            // caller that serves the page some other way) the build still walks the imports.
            let own;
            let modules = match modules {
                Some(modules) => modules,
                None => {
                    own = Arc::new(EsmModules::new(root, &root.join(TRANSFORM_CACHE), &Default::default()));
                    &own
                }
            };
            build_esm(build_dir, &controller_dir, modules, files, origin, ws_url)
        }
        BuildMode::Esbuild | BuildMode::Command(_) => {
            // Bundlers follow literal import() calls, so each file still loads (and fails) on its own.
            let mut entry = format!(
                "import {{ startBrowser }} from {};\n",
                js(&controller_dir.join("browser.js").to_string_lossy())
            );
            entry.push_str(&format!("startBrowser({{\n  url: {},\n  sequential: true,\n  files: [\n", js(ws_url)));
            for (rel, abs) in files {
                entry.push_str(&format!(
                    "    {{ file: {}, load: () => import({}) }},\n",
                    js(rel),
                    js(&abs.to_string_lossy())
                ));
            }
            entry.push_str("  ],\n});\n");
            write("entry.js", entry)?;
            let out_dir = build_dir.join(BUNDLE_DIR);
            std::fs::create_dir_all(&out_dir).map_err(|source| BuildError::Write { dir: out_dir.clone(), source })?;
            let entry_path = build_dir.join("entry.js");
            let index = controller_dir.join("index.js");
            let tool = match mode {
                BuildMode::Esbuild => run_esbuild(root, &entry_path, &out_dir, &index, minify).await?,
                BuildMode::Command(template) => run_command(root, template, &entry_path, &out_dir, &index).await?,
                BuildMode::Esm => unreachable!("handled above"),
            };
            let bundle = find_bundle(&out_dir)?;
            let bundle_name = bundle.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            write("index.html", shell_page("", &[], &format!("/__proctor/{BUNDLE_DIR}/{bundle_name}")))?;
            let map = std::fs::read(bundle.with_extension("js.map")).ok();
            let served = format!("/__proctor/{BUNDLE_DIR}/{bundle_name}");
            Ok(BrowserBuild {
                stacks: StackMapper::served(origin, root, build_dir, map.map(|m| (served, m, out_dir.clone()))),
                tool,
                duration: started.elapsed(),
                problems: LoadProblems::default(),
            })
        }
    }
}

/// A root-relative path as a URL path (each segment percent-encoded).
pub(super) fn url_path(rel: &str) -> String {
    file_url(Path::new(&format!("/{rel}"))).trim_start_matches("file:///").to_string()
}

pub(super) fn shell_page(import_map: &str, preloads: &[String], script: &str) -> String {
    let mut map = if import_map.is_empty() {
        String::new()
    } else {
        format!("<script type=\"importmap\">\n{import_map}\n</script>\n")
    };
    for href in preloads {
        map.push_str(&format!("<link rel=\"modulepreload\" href=\"{href}\">\n"));
    }
    format!(
        "<!doctype html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>proctor</title>\n{map}<script type=\"module\" src=\"{script}\"></script>\n</head>\n<body></body>\n</html>\n"
    )
}

/// esbuild from the project's node_modules/.bin, else PATH.
fn find_esbuild(root: &Path) -> Option<PathBuf> {
    let local = root.join("node_modules/.bin/esbuild");
    if local.is_file() {
        return Some(local);
    }
    which::which("esbuild").ok()
}

async fn run_esbuild(
    root: &Path,
    entry: &Path,
    out_dir: &Path,
    controller_index: &Path,
    minify: bool,
) -> Result<String, BuildError> {
    let esbuild = find_esbuild(root).ok_or_else(|| BuildError::ToolMissing {
        tool: "esbuild".into(),
        hint: "install it in the project (`npm install --save-dev esbuild`) or put it on PATH".into(),
    })?;
    let mut command = tokio::process::Command::new(&esbuild);
    command
        .arg(entry)
        .arg("--bundle")
        .arg("--format=iife")
        .arg("--platform=browser")
        .arg("--sourcemap")
        .arg("--log-level=warning")
        // The controller reads import.meta where it exists; in a bundle it is empty, by design.
        .arg("--log-override:empty-import-meta=silent")
        .arg(format!("--alias:proctor={}", controller_index.display()))
        .arg(format!("--outfile={}", out_dir.join("bundle.js").display()))
        .current_dir(root);
    if minify {
        command.arg("--minify");
    }
    run_tool(command, "esbuild").await?;
    Ok(if minify { "esbuild --minify".into() } else { "esbuild".into() })
}

async fn run_command(
    root: &Path,
    template: &str,
    entry: &Path,
    out_dir: &Path,
    controller_index: &Path,
) -> Result<String, BuildError> {
    let command_line = template
        .replace("{entry}", &shell_quote(&entry.to_string_lossy()))
        .replace("{outdir}", &shell_quote(&out_dir.to_string_lossy()))
        .replace("{controller}", &shell_quote(&controller_index.to_string_lossy()));
    let mut command = tokio::process::Command::new("sh");
    command.arg("-c").arg(&command_line).current_dir(root);
    // Local tools first, as npm scripts would find them.
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![root.join("node_modules/.bin")];
    paths.extend(std::env::split_paths(&path));
    if let Ok(joined) = std::env::join_paths(paths) {
        command.env("PATH", joined);
    }
    run_tool(command, template).await?;
    Ok(template.to_string())
}

async fn run_tool(mut command: tokio::process::Command, label: &str) -> Result<(), BuildError> {
    let output = command
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .map_err(|source| BuildError::ToolFailed { tool: label.into(), message: source.to_string() })?;
    if output.status.success() {
        return Ok(());
    }
    let mut message = String::from_utf8_lossy(&output.stderr).trim().to_string();
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !stdout.trim().is_empty() {
        message.push('\n');
        message.push_str(stdout.trim());
    }
    Err(BuildError::ToolFailed { tool: label.into(), message })
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// The bundle: `bundle.js`, else `entry.js`, else the only `.js` file in the output dir.
fn find_bundle(out_dir: &Path) -> Result<PathBuf, BuildError> {
    for name in ["bundle.js", "entry.js", "index.js", "main.js"] {
        let candidate = out_dir.join(name);
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    let scripts: Vec<PathBuf> = std::fs::read_dir(out_dir)
        .map(|entries| {
            entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "js")).collect()
        })
        .unwrap_or_default();
    match scripts.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(BuildError::NoOutput { dir: out_dir.to_path_buf(), found: scripts.len() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_are_encoded() {
        assert_eq!(url_path("test/a b.test.js"), "test/a%20b.test.js");
    }
}
