//! The bundled browser builds (`build = "esbuild"`, or a user `command`): writes an entry that
//! loads each test file with its own literal `import()`, bundles it into one iife script with
//! its source map, and returns the [`BrowserBuild`] that serves it.
//!
//! esbuild runs through its JS API (`bundle-esbuild.js`, carried with the controller) with a
//! plugin that resolves and loads from proctor's manifest, so a bundle means what node and the
//! `esm` build mean by every import. A bundle fails per file: when the bundler reports errors,
//! the test files that reach the files they name are left out of the entry (each `load` then
//! rejects with the bundler's message, which the controller reports as that file's load error)
//! and the rest is bundled again. Each round leaves out at least one more file, so it ends.

use super::browser::BrowserBuild;
use super::entry::BuildError;
use super::manifest::write_manifest;
use super::modules::ProjectModules;
use super::page::{run_page, PageParts};
use super::setup::FileSetup;
use super::sourcemap::StackMapper;
use crate::config::BuildMode;
use crate::plan::ImportSite;
use crate::resolve::Resolver;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Where the bundle goes, relative to the build dir (served as `/__proctor/out/`).
const BUNDLE_DIR: &str = "out";

/// Where the build writes the controller, relative to the build dir (served under `/__proctor/`).
const CONTROLLER_DIR: &str = "controller";

/// The name the controller reports a left-out file's load error under.
const UNBUNDLED_ERROR: &str = "BundleError";

/// A test file the bundler could not bundle: left out of the bundle, its `load` rejects with
/// `message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unbundled {
    /// The test file, relative to the root.
    pub file: String,
    /// The bundler's errors that name the file (or a file it imports), `file:line:column: text`.
    pub message: String,
}

/// Bundles `files` (relative, absolute path), each after the setup files of `setup`, for a
/// page connecting to `ws_url`, leaving out the files the bundler cannot bundle. `modules` (a browser target's) and `tests` (each test
/// file with the imports the plan found in it) make the manifest esbuild's plugin resolves and
/// loads from, the same the node hooks read; its resolver also finds the files a failed
/// command names.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn build_bundle(
    build_dir: &Path,
    root: &Path,
    controller_dir: &Path,
    files: &[(String, PathBuf)],
    setup: &FileSetup,
    mode: &BuildMode,
    minify: bool,
    page: Option<&Path>,
    origin: &str,
    ws_url: &str,
    modules: &ProjectModules,
    tests: &[(PathBuf, Vec<ImportSite>)],
) -> Result<BrowserBuild, BuildError> {
    let started = Instant::now();
    let manifest = write_manifest(modules, tests, &setup.paths(), build_dir)?;
    let resolver: &Resolver = modules.resolver();
    let out_dir = build_dir.join(BUNDLE_DIR);
    std::fs::create_dir_all(&out_dir).map_err(|source| BuildError::Write { dir: out_dir.clone(), source })?;
    let entry_path = build_dir.join("entry.js");
    let index = controller_dir.join("index.js");
    let esbuild = match mode {
        BuildMode::Esbuild => Some(find_esbuild(root)?),
        _ => None,
    };
    let mut unbundled: Vec<Unbundled> = Vec::new();
    let tool = loop {
        let bundling: Vec<(String, PathBuf)> =
            files.iter().filter(|(rel, _)| !unbundled.iter().any(|u| &u.file == rel)).cloned().collect();
        write_entry(&entry_path, controller_dir, &bundling, &unbundled, setup, ws_url)?;
        let attempt = match (&esbuild, mode) {
            (Some(Esbuild::Package(package)), _) => {
                let request = EsbuildRequest {
                    esbuild: package.clone(),
                    entry: entry_path.clone(),
                    outfile: out_dir.join("bundle.js"),
                    public_path: format!("/__proctor/{BUNDLE_DIR}"),
                    root: root.to_path_buf(),
                    alias: api_aliases(&index),
                    minify,
                    manifest: manifest.clone(),
                    tests: bundling.iter().map(|(_, abs)| abs.clone()).collect(),
                    result: build_dir.join("bundle-result.json"),
                };
                let label = if minify { "esbuild --minify" } else { "esbuild" };
                run_esbuild_api(build_dir, &request).await.map(|()| label.to_string()).map_err(
                    |failure| match failure {
                        EsbuildFailure::Located(errors) => blame_located(root, &bundling, &errors, label),
                        EsbuildFailure::Tool(err) => (Vec::new(), err),
                    },
                )
            }
            (Some(Esbuild::Binary(binary)), _) => run_esbuild_cli(root, binary, &entry_path, &out_dir, &index, minify)
                .await
                .map_err(|err| (blame_output(resolver, &bundling, &err), err)),
            (None, BuildMode::Command(template)) => run_command(root, template, &entry_path, &out_dir, &index)
                .await
                .map_err(|err| (blame_output(resolver, &bundling, &err), err)),
            (None, _) => unreachable!("only bundled modes reach build_bundle"),
        };
        match attempt {
            Ok(tool) => break tool,
            Err((blamed, err)) => {
                let new: Vec<Unbundled> =
                    blamed.into_iter().filter(|b| !unbundled.iter().any(|u| u.file == b.file)).collect();
                if new.is_empty() {
                    return Err(err);
                }
                unbundled.extend(new);
            }
        }
    };
    let bundle = find_bundle(&out_dir)?;
    let bundle_name = bundle.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let served = format!("/__proctor/{BUNDLE_DIR}/{bundle_name}");
    let stylesheet = bundle.with_extension("css");
    let styles = stylesheet.is_file().then(|| {
        let name = stylesheet.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        format!("/__proctor/{BUNDLE_DIR}/{name}")
    });
    let html = run_page(page, &bundle_page(&served, styles.as_deref(), ws_url, files))?;
    std::fs::write(build_dir.join("index.html"), html)
        .map_err(|source| BuildError::Write { dir: build_dir.to_path_buf(), source })?;
    let map = std::fs::read(bundle.with_extension("js.map")).ok();
    Ok(BrowserBuild {
        stacks: StackMapper::served(origin, root, build_dir, map.map(|m| (served, m, out_dir.clone()))),
        tool,
        duration: started.elapsed(),
        problems: Default::default(),
    })
}

/// What a bundle's run page carries: the bundle's script, after a script that runs first: when the bundle throws before its
/// controller has started (its own top-level code, or a syntax error the bundler let through),
/// nothing would ever connect and the host would wait out its connect timeout. The script
/// instead starts the controller from its unbundled modules, which reports that error as the
/// load error of every file at once, with the bundle's frames (mapped by the host) as its stack.
/// The controller's own `error` listener cancels the event once it runs, which is how the
/// script knows it is not needed.
/// `styles` is the bundle's stylesheet, when the bundler wrote one (the project's CSS imports).
fn bundle_page(bundle: &str, styles: Option<&str>, ws_url: &str, files: &[(String, PathBuf)]) -> PageParts {
    let js = |s: &str| serde_json::to_string(s).expect("strings always serialize");
    let names: Vec<&str> = files.iter().map(|(rel, _)| rel.as_str()).collect();
    let early = format!(
        r#"<script>
addEventListener("error", function (event) {{
  setTimeout(function () {{
    if (event.defaultPrevented || window.__proctorEarlyError) return;
    var cause = event.error instanceof Error ? event.error : new Error(event.message);
    var error = new Error("the bundle threw while loading, before any test file ran: " + cause.name + ": " + cause.message);
    error.name = {name};
    var frames = String(cause.stack || "").split("\n").filter(function (line) {{ return /^\s+at /.test(line); }});
    if (frames.length === 0 && event.filename) frames.push("    at " + event.filename + ":" + event.lineno + ":" + event.colno);
    error.stack = error.name + ": " + error.message + "\n" + frames.join("\n");
    window.__proctorEarlyError = error;
    import({controller}).then(function (controller) {{
      controller.startBrowser({{ url: {url}, sequential: true, files: {files}.map(function (file) {{
        return {{ file: file, load: function () {{ return Promise.reject(error); }} }};
      }}) }});
    }});
  }}, 0);
}});
</script>
"#,
        name = js(UNBUNDLED_ERROR),
        controller = js(&format!("/__proctor/{CONTROLLER_DIR}/browser.js")),
        url = js(ws_url),
        files = serde_json::to_string(&names).expect("strings always serialize"),
    );
    // The bundle's stylesheet goes after the page's own, where a CSS import lands in the esm
    // build; the early script goes just before the bundle, so that a classic script of a custom
    // page that throws is not taken for the bundle.
    PageParts {
        head: String::new(),
        head_end: styles.map(|href| format!("<link rel=\"stylesheet\" href=\"{href}\">\n")).unwrap_or_default(),
        body_end: format!("{early}<script type=\"module\" src=\"{bundle}\"></script>\n"),
    }
}

/// The entry: the controller, then each file with its own literal `import()` (bundlers follow
/// those, and each file still loads and fails on its own); a left-out file's `load` rejects
/// with the bundler's message instead. Each setup file is imported once per test file under
/// its own query (`setup.ts?proctor-setup=2`), which bundlers keep as a module of its own, so
/// each test file gets a fresh evaluation of it, as in node and the esm build.
fn write_entry(
    entry: &Path,
    controller_dir: &Path,
    files: &[(String, PathBuf)],
    unbundled: &[Unbundled],
    setup: &FileSetup,
    ws_url: &str,
) -> Result<(), BuildError> {
    let js = |s: &str| serde_json::to_string(s).expect("strings always serialize");
    let mut out =
        format!("import {{ startBrowser }} from {};\n", js(&controller_dir.join("browser.js").to_string_lossy()));
    if !unbundled.is_empty() {
        out.push_str(&format!(
            "function unbundled(message) {{\n  const error = new Error(message);\n  error.name = {name};\n  \
             error.stack = {name} + \": \" + message;\n  return Promise.reject(error);\n}}\n",
            name = js(UNBUNDLED_ERROR)
        ));
    }
    out.push_str(&format!("startBrowser({{\n  url: {},\n  sequential: true,\n", js(ws_url)));
    out.push_str(&setup.mock_hygiene_js());
    if setup.modules().next().is_some() {
        out.push_str("  setupFiles: [\n");
        for ((rel, abs), kind) in setup.modules() {
            let copies: Vec<String> = (1..=files.len() + unbundled.len())
                .map(|generation| {
                    format!("() => import({})", js(&format!("{}?proctor-setup={generation}", abs.to_string_lossy())))
                })
                .collect();
            // A later generation (a reload) reuses the last copy.
            out.push_str(&format!(
                "    {{ file: {}{kind}, load: (generation) => {{\n      const copies = [{}];\n      \
                 return (copies[generation - 1] ?? copies[copies.length - 1])();\n    }} }},\n",
                js(rel),
                copies.join(", ")
            ));
        }
        out.push_str("  ],\n");
    }
    out.push_str("  files: [\n");
    for (rel, abs) in files {
        out.push_str(&format!("    {{ file: {}, load: () => import({}) }},\n", js(rel), js(&abs.to_string_lossy())));
    }
    for Unbundled { file, message } in unbundled {
        out.push_str(&format!("    {{ file: {}, load: () => unbundled({}) }},\n", js(file), js(message)));
    }
    out.push_str("  ],\n});\n");
    std::fs::write(entry, out)
        .map_err(|source| BuildError::Write { dir: entry.parent().unwrap_or(entry).to_path_buf(), source })
}

/// How esbuild is run: its JS API from the package (with proctor's plugin), or, when only a
/// bare binary is found on PATH, its command line as before.
enum Esbuild {
    Package(PathBuf),
    Binary(PathBuf),
}

/// esbuild's package: `node_modules/esbuild` in the root or a directory above it (workspaces),
/// else the package behind an `esbuild` on PATH, else a bare `esbuild` binary on PATH.
fn find_esbuild(root: &Path) -> Result<Esbuild, BuildError> {
    let is_package = |dir: &Path| dir.join("package.json").is_file() && dir.join("lib/main.js").is_file();
    if let Some(dir) = root.ancestors().map(|dir| dir.join("node_modules/esbuild")).find(|dir| is_package(dir)) {
        return Ok(Esbuild::Package(dir));
    }
    let binary = which::which("esbuild").map_err(|_| BuildError::ToolMissing {
        tool: "esbuild".into(),
        hint: "install it in the project (`npm install --save-dev esbuild`) or put it on PATH".into(),
    })?;
    // node_modules/.bin/esbuild links to node_modules/esbuild/bin/esbuild.
    let package = std::fs::canonicalize(&binary).ok().and_then(|real| real.parent()?.parent().map(Path::to_path_buf));
    Ok(match package {
        Some(dir) if is_package(&dir) => Esbuild::Package(dir),
        _ => Esbuild::Binary(binary),
    })
}

/// What `bundle-esbuild.js` is asked to do.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct EsbuildRequest {
    esbuild: PathBuf,
    entry: PathBuf,
    outfile: PathBuf,
    public_path: String,
    root: PathBuf,
    alias: std::collections::BTreeMap<String, PathBuf>,
    minify: bool,
    manifest: PathBuf,
    tests: Vec<PathBuf>,
    result: PathBuf,
}

/// What `bundle-esbuild.js` answers.
#[derive(Debug, Deserialize)]
struct EsbuildResult {
    ok: bool,
    #[serde(default)]
    errors: Vec<EsbuildError>,
}

/// One esbuild error, with the test files that reach the file it names.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct EsbuildError {
    text: String,
    file: Option<PathBuf>,
    line: Option<u32>,
    /// 0-based, as esbuild counts.
    column: Option<u32>,
    line_text: Option<String>,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    tests: Vec<PathBuf>,
}

enum EsbuildFailure {
    /// esbuild ran and reported errors.
    Located(Vec<EsbuildError>),
    /// esbuild or node could not run at all.
    Tool(BuildError),
}

async fn run_esbuild_api(build_dir: &Path, request: &EsbuildRequest) -> Result<(), EsbuildFailure> {
    let tool_failed =
        |message: String| EsbuildFailure::Tool(BuildError::ToolFailed { tool: "esbuild".into(), message });
    let node = runtimes::NodeLauncher::find().map_err(|err| {
        EsbuildFailure::Tool(BuildError::ToolMissing {
            tool: "node".into(),
            hint: format!("esbuild runs on node: {err}"),
        })
    })?;
    let request_path = build_dir.join("bundle-request.json");
    let text = serde_json::to_string(request).expect("the request always serializes");
    std::fs::write(&request_path, text)
        .map_err(|source| EsbuildFailure::Tool(BuildError::Write { dir: build_dir.to_path_buf(), source }))?;
    let _ = std::fs::remove_file(&request.result);
    let mut command = tokio::process::Command::new(node.program());
    command
        .arg(build_dir.join("controller/bundle-esbuild.js"))
        .arg(&request_path)
        .current_dir(&request.root)
        // The project's NODE_OPTIONS (its own loaders) are for its tests, not for the bundler.
        .env_remove("NODE_OPTIONS");
    run_tool(command, "esbuild").await.map_err(EsbuildFailure::Tool)?;
    let result: EsbuildResult = std::fs::read_to_string(&request.result)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .ok_or_else(|| tool_failed("the bundling script wrote no result".into()))?;
    if result.ok {
        Ok(())
    } else {
        Err(EsbuildFailure::Located(result.errors))
    }
}

/// The test files esbuild's errors blame, each with the errors that name what it reaches; when
/// an error reaches no test file (it is in the entry or the controller), nothing is blamed and
/// the whole build fails with every error.
fn blame_located(
    root: &Path,
    files: &[(String, PathBuf)],
    errors: &[EsbuildError],
    tool: &str,
) -> (Vec<Unbundled>, BuildError) {
    let whole = BuildError::ToolFailed {
        tool: tool.into(),
        message: errors.iter().map(|e| describe_error(root, e)).collect::<Vec<_>>().join("\n"),
    };
    if errors.is_empty() || errors.iter().any(|e| e.tests.is_empty()) {
        return (Vec::new(), whole);
    }
    let blamed = files
        .iter()
        .filter_map(|(rel, abs)| {
            let mine: Vec<String> =
                errors.iter().filter(|e| e.tests.contains(abs)).map(|e| describe_error(root, e)).collect();
            (!mine.is_empty()).then(|| Unbundled { file: rel.clone(), message: mine.join("\n") })
        })
        .collect();
    (blamed, whole)
}

/// `src/a.js:3:8: Could not resolve "fs" (note)`, with the line's text under it.
fn describe_error(root: &Path, error: &EsbuildError) -> String {
    let mut text = match (&error.file, error.line, error.column) {
        (Some(file), Some(line), Some(column)) => {
            // The resolver's messages already name the import's place.
            let place = format!("{}:{line}:{}", display_path(root, file), column + 1);
            if error.text.contains(&place) {
                error.text.clone()
            } else {
                format!("{place}: {}", error.text)
            }
        }
        (Some(file), _, _) => format!("{}: {}", display_path(root, file), error.text),
        _ => error.text.clone(),
    };
    for note in &error.notes {
        text.push_str(&format!(" ({note})"));
    }
    if let Some(line) = error.line_text.as_deref().filter(|l| !l.trim().is_empty()) {
        text.push_str(&format!("\n    {}", line.trim_end()));
    }
    text
}

/// A path relative to the root when it is inside it, else absolute.
fn display_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().into_owned()
}

/// The test files a failed command's output names, directly or through a project file they
/// import, each with the whole output; none when the output names no such file.
fn blame_output(resolver: &Resolver, files: &[(String, PathBuf)], err: &BuildError) -> Vec<Unbundled> {
    let BuildError::ToolFailed { message, .. } = err else { return Vec::new() };
    let root = resolver.root();
    files
        .iter()
        .filter(|(_, abs)| {
            crate::plan::reachable(resolver, std::slice::from_ref(abs)).files.iter().any(|reached| {
                mentions(message, &reached.to_string_lossy()) || mentions(message, &display_path(root, reached))
            })
        })
        .map(|(rel, _)| Unbundled { file: rel.clone(), message: message.clone() })
        .collect()
}

/// Whether `text` names `path` as a whole path (not as part of a longer name: `a.test.js` is
/// not named by `data.test.js` or `a.test.js.map`; a sentence's closing period is fine).
fn mentions(text: &str, path: &str) -> bool {
    let name_char = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-');
    text.match_indices(path).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let mut after = text[at + path.len()..].chars();
        let starts = !before.is_some_and(|c| name_char(c) || c == '.' || c == '/');
        let ends = match after.next() {
            None => true,
            Some('.') => !after.next().is_some_and(char::is_alphanumeric),
            Some(c) => !name_char(c),
        };
        starts && ends
    })
}

/// The esbuild command line, for a bare binary without its JS package.
async fn run_esbuild_cli(
    root: &Path,
    esbuild: &Path,
    entry: &Path,
    out_dir: &Path,
    controller_index: &Path,
    minify: bool,
) -> Result<String, BuildError> {
    let mut command = tokio::process::Command::new(esbuild);
    command
        .arg(entry)
        .arg("--bundle")
        .arg("--format=iife")
        .arg("--platform=browser")
        .arg("--sourcemap")
        .arg("--log-level=warning")
        // The controller reads import.meta where it exists; in a bundle it is empty, by design.
        .arg("--log-override:empty-import-meta=silent")
        .args(api_aliases(controller_index).iter().map(|(name, path)| format!("--alias:{name}={}", path.display())))
        .arg(format!("--outfile={}", out_dir.join("bundle.js").display()))
        .current_dir(root);
    if minify {
        command.arg("--minify");
    }
    run_tool(command, "esbuild").await?;
    Ok(if minify { "esbuild --minify".into() } else { "esbuild".into() })
}

/// esbuild's `alias` for the test API: each of its names (`proctor`, `vitest`, ...) is the
/// controller's index.js, installed or not. One entry per name, since esbuild would carry a
/// subpath such as `vitest/globals` over to the target of `vitest`.
fn api_aliases(controller_index: &Path) -> std::collections::BTreeMap<String, PathBuf> {
    protocol::API_MODULES.iter().map(|name| ((*name).to_string(), controller_index.to_path_buf())).collect()
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

    fn located(file: &str, tests: &[&str]) -> EsbuildError {
        EsbuildError {
            text: "Could not resolve \"fs\"".into(),
            file: Some(PathBuf::from(file)),
            line: Some(1),
            column: Some(15),
            line_text: Some("import fs from \"fs\";".into()),
            notes: vec!["built into node".into()],
            tests: tests.iter().map(PathBuf::from).collect(),
        }
    }

    #[test]
    fn errors_name_the_root_relative_file_and_a_1_based_column() {
        let text = describe_error(Path::new("/p"), &located("/p/src/files.js", &[]));
        assert_eq!(text, "src/files.js:1:16: Could not resolve \"fs\" (built into node)\n    import fs from \"fs\";");
    }

    #[test]
    fn a_message_that_names_its_place_is_not_prefixed_again() {
        let mut error = located("/p/src/files.js", &[]);
        error.text = "cannot resolve \"fs\" from src/files.js:1:16: a node builtin".into();
        error.notes.clear();
        error.line_text = None;
        assert_eq!(
            describe_error(Path::new("/p"), &error),
            "cannot resolve \"fs\" from src/files.js:1:16: a node builtin"
        );
    }

    #[test]
    fn located_errors_blame_the_test_files_that_reach_them() {
        let files =
            vec![("a.test.js".to_string(), PathBuf::from("/p/a.test.js")), ("b.test.js".into(), "/p/b.test.js".into())];
        let (blamed, _) =
            blame_located(Path::new("/p"), &files, &[located("/p/src/files.js", &["/p/b.test.js"])], "esbuild");
        assert_eq!(blamed.len(), 1);
        assert_eq!(blamed[0].file, "b.test.js");
        assert!(blamed[0].message.starts_with("src/files.js:1:16: Could not resolve"), "{}", blamed[0].message);
    }

    #[test]
    fn an_error_no_test_file_reaches_fails_the_whole_build() {
        let files = vec![("a.test.js".to_string(), PathBuf::from("/p/a.test.js"))];
        let errors = [located("/p/src/files.js", &["/p/a.test.js"]), located("/tmp/entry.js", &[])];
        let (blamed, whole) = blame_located(Path::new("/p"), &files, &errors, "esbuild");
        assert!(blamed.is_empty());
        assert!(whole.to_string().contains("/tmp/entry.js:1:16"), "{whole}");
    }

    #[test]
    fn a_path_is_mentioned_only_as_a_whole_name() {
        assert!(mentions("error in test/a.test.js:2:7", "test/a.test.js"));
        assert!(mentions("could not bundle test/a.test.js.", "test/a.test.js"));
        assert!(!mentions("error in test/data.test.js:2:7", "a.test.js"));
        assert!(!mentions("wrote test/a.test.js.map", "test/a.test.js"));
        assert!(!mentions("error in other/a.test.js", "a.test.js"));
    }

    #[test]
    fn left_out_files_reject_with_the_bundlers_message() {
        let dir = tempfile::tempdir().unwrap();
        let entry = dir.path().join("entry.js");
        let files = [("a.test.js".to_string(), PathBuf::from("/p/a.test.js"))];
        let unbundled = [Unbundled { file: "b.test.js".into(), message: "src/x.js:1:1: broken".into() }];
        write_entry(&entry, Path::new("/c"), &files, &unbundled, &FileSetup::default(), "/ws").unwrap();
        let text = std::fs::read_to_string(entry).unwrap();
        assert!(text.contains(r#"{ file: "a.test.js", load: () => import("/p/a.test.js") },"#), "{text}");
        assert!(text.contains(r#"{ file: "b.test.js", load: () => unbundled("src/x.js:1:1: broken") },"#), "{text}");
        assert!(text.contains(r#"error.name = "BundleError";"#), "{text}");
    }

    #[test]
    fn the_bundle_page_reports_an_error_before_the_controller_starts() {
        let parts = bundle_page(
            "/__proctor/out/bundle.js",
            Some("/__proctor/out/bundle.css"),
            "/ws?token=t",
            &[("a.test.js".into(), "/p/a.test.js".into())],
        );
        let page = run_page(None, &parts).unwrap();
        let early = page.find("addEventListener(\"error\"").unwrap();
        let bundle = page.find("<script type=\"module\" src=\"/__proctor/out/bundle.js\">").unwrap();
        assert!(early < bundle, "{page}");
        assert!(page.contains("import(\"/__proctor/controller/browser.js\")"), "{page}");
        assert!(page.contains("[\"a.test.js\"].map"), "{page}");
        assert!(page.contains("<link rel=\"stylesheet\" href=\"/__proctor/out/bundle.css\">"), "{page}");
    }
}
