//! Writes the controller (carried inside the binary) and a generated entry module into a
//! temp dir. The entry loads each test file on its own, in plan order, so one file that throws
//! while loading is a load error for that file alone.

use super::manifest::write_manifest_requiring;
use super::modules::ProjectModules;
use super::setup::FileSetup;
use crate::paths::file_url;
use crate::plan::ImportSite;
use include_dir::{include_dir, Dir};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The controller's sources, embedded at compile time: a project needs no npm install.
static CONTROLLER: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../controller-js/src");

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Writing to the temp dir failed.
    #[error("failed to write the entry module in {}: {source}", dir.display())]
    Write {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The bundler is not installed.
    #[error("failed to find {tool} (hint: {hint})")]
    ToolMissing { tool: String, hint: String },
    /// The bundler ran and failed; `message` is its own output.
    #[error("build failed: `{tool}` reported:\n{message}")]
    ToolFailed { tool: String, message: String },
    /// The suite's `page` could not be read or rewritten.
    #[error("failed to build the run page from {}: {message}", page.display())]
    Page { page: PathBuf, message: String },
    /// The bundler produced no single JS file.
    #[error("build produced {found} .js files in {} (expected one, e.g. bundle.js)", dir.display())]
    NoOutput { dir: PathBuf, found: usize },
}

/// One file of the embedded controller (the shell page's script, served by `proctor serve`).
pub(crate) fn controller_file(name: &str) -> Option<&'static [u8]> {
    CONTROLLER.get_file(name).map(|file| file.contents())
}

/// Writes the embedded controller into `dir/controller`; returns that directory.
pub(crate) fn write_controller(dir: &Path) -> Result<PathBuf, BuildError> {
    let controller_dir = dir.join("controller");
    let err = |source| BuildError::Write { dir: dir.to_path_buf(), source };
    std::fs::create_dir_all(&controller_dir).map_err(err)?;
    CONTROLLER.extract(&controller_dir).map_err(err)?;
    // The controller's `.js` files are ES modules, and node takes a `.js` file's module type from
    // the nearest package.json: without one of its own that is whatever lies above the temp dir,
    // and a TMPDIR inside a `"type": "commonjs"` package made node read them as CommonJS and fail.
    std::fs::write(controller_dir.join("package.json"), "{\"type\": \"module\"}\n").map_err(err)?;
    Ok(controller_dir)
}

/// A written entry; the temp dir is removed when this is dropped.
pub struct NodeEntry {
    /// Held so the directory lives as long as the runtime may read it.
    _dir: tempfile::TempDir,
    /// The entry module to pass to node.
    pub entry: PathBuf,
    /// The `--import` preload (a file URL) that makes `proctor` resolve to the controller.
    pub preload: String,
}

/// What node needs to load a suite's modules: the suite's resolver and transform, its test
/// files with the imports the plan found in them, and its setup files (the manifest walks from
/// both), and what each test file's realm gets before the file.
pub struct NodeModules<'a> {
    /// The suite's modules for the node target.
    pub modules: &'a ProjectModules,
    /// The test files to load (absolute path, their imports).
    pub tests: Vec<(PathBuf, Vec<ImportSite>)>,
    /// The setup files and environments.
    pub setup: &'a FileSetup,
}

/// Writes the entry for `files` (relative path, absolute path) connecting to `ws_url`, with the
/// manifest of their modules.
pub fn write_node_entry(
    files: &[(String, PathBuf)],
    ws_url: &str,
    modules: &NodeModules<'_>,
) -> Result<NodeEntry, BuildError> {
    let dir = temp_dir()?;
    let controller_dir = write_controller(dir.path())?;
    write_entry_in(dir, &controller_dir, files, ws_url, modules)
}

/// Writes only the entry for `files`, importing an already written controller (the one every
/// worker of a kept node process has loaded, or an early node process is loading).
pub fn write_node_entry_using(
    controller_dir: &Path,
    files: &[(String, PathBuf)],
    ws_url: &str,
    modules: &NodeModules<'_>,
) -> Result<NodeEntry, BuildError> {
    write_entry_in(temp_dir()?, controller_dir, files, ws_url, modules)
}

/// A fresh `proctor-*` dir under the system temp dir, removed when dropped.
pub(crate) fn temp_dir() -> Result<tempfile::TempDir, BuildError> {
    tempfile::Builder::new()
        .prefix("proctor-")
        .tempdir()
        .map_err(|source| BuildError::Write { dir: std::env::temp_dir(), source })
}

fn write_entry_in(
    dir: tempfile::TempDir,
    controller_dir: &Path,
    files: &[(String, PathBuf)],
    ws_url: &str,
    modules: &NodeModules<'_>,
) -> Result<NodeEntry, BuildError> {
    // The files that reach a `require`: with one shared realm the controller loads them one at a
    // time before the others, since node's `require` of an ES module another file's `import` has
    // begun fails ("not yet fully loaded").
    let (manifest, requiring) =
        write_manifest_requiring(modules.modules, &modules.tests, &modules.setup.paths(), dir.path())?;
    let entry = dir.path().join("entry.mjs");
    std::fs::write(&entry, entry_source(controller_dir, files, ws_url, &manifest, modules.setup, &requiring))
        .map_err(|source| BuildError::Write { dir: dir.path().to_path_buf(), source })?;
    let preload = file_url(&controller_dir.join("node-register.js"));
    Ok(NodeEntry { _dir: dir, entry, preload })
}

fn entry_source(
    controller_dir: &Path,
    files: &[(String, PathBuf)],
    ws_url: &str,
    manifest: &Path,
    setup: &FileSetup,
    requiring: &HashSet<PathBuf>,
) -> String {
    let js = |s: &str| serde_json::to_string(s).expect("strings always serialize");
    let mut out = String::new();
    out.push_str("// Generated by proctor: loads the controller, then each test file on its own.\n");
    out.push_str(&format!("import {{ startNode }} from {};\n", js(&file_url(&controller_dir.join("node.js")))));
    // The preload's own instance (same URL), so the hooks it registered see the manifest.
    out.push_str(&format!(
        "import {{ installManifest }} from {};\n",
        js(&file_url(&controller_dir.join("node-register.js")))
    ));
    out.push_str(&format!("installManifest({});\n", js(&manifest.to_string_lossy())));
    out.push_str("await startNode({\n");
    out.push_str(&format!("  url: {},\n", js(ws_url)));
    if !setup.root.as_os_str().is_empty() {
        out.push_str(&format!("  root: {},\n", js(&setup.root.to_string_lossy())));
    }
    if !setup.environment.is_empty() && setup.environment != "node" {
        out.push_str(&format!("  environment: {},\n", js(&setup.environment)));
    }
    out.push_str(&setup.mock_hygiene_js());
    out.push_str(&setup.setup_files_js(|_, abs| (file_url(abs), file_url(abs))));
    out.push_str("  files: [\n");
    for (rel, abs) in files {
        // Literal import() specifiers, so bundlers (for browsers, later) can follow them too.
        let url = js(&file_url(abs));
        let environment = setup.file_environment_js(rel);
        let requires = if requiring.contains(abs) { ", requires: true" } else { "" };
        out.push_str(&format!(
            "    {{ file: {}, url: {url}, load: () => import({url}){environment}{requires} }},\n",
            js(rel)
        ));
    }
    out.push_str("  ],\n});\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_loads_each_file_with_a_literal_import() {
        let src = entry_source(
            Path::new("/tmp/x/controller"),
            &[("t/a.test.js".into(), PathBuf::from("/p/t/a.test.js"))],
            "ws://127.0.0.1:1/ws?token=t",
            Path::new("/tmp/x/manifest.json"),
            &FileSetup::default(),
            &HashSet::new(),
        );
        assert!(src.contains(r#"installManifest("/tmp/x/manifest.json");"#), "{src}");
        assert!(src.contains(r#"import { startNode } from "file:///tmp/x/controller/node.js";"#), "{src}");
        assert!(
            src.contains(
                r#"{ file: "t/a.test.js", url: "file:///p/t/a.test.js", load: () => import("file:///p/t/a.test.js") },"#
            ),
            "{src}"
        );
    }

    #[test]
    fn entry_passes_setup_files_and_environments() {
        let setup = FileSetup {
            root: PathBuf::from("/p"),
            files: vec![("t/setup.js".into(), PathBuf::from("/p/t/setup.js"))],
            serializers: Vec::new(),
            environment: "jsdom".into(),
            file_environments: [("t/a.test.js".to_string(), "happy-dom".to_string())].into(),
            mock_hygiene: crate::config::MockHygiene { clear: true, reset: false, restore: true },
        };
        let src = entry_source(
            Path::new("/tmp/x/controller"),
            &[("t/a.test.js".into(), PathBuf::from("/p/t/a.test.js"))],
            "ws://127.0.0.1:1/ws?token=t",
            Path::new("/tmp/x/manifest.json"),
            &setup,
            &HashSet::new(),
        );
        assert!(
            src.contains(
                "  root: \"/p\",\n  environment: \"jsdom\",\n  mockHygiene: { clear: true, reset: false, restore: true },\n  setupFiles: [\n"
            ),
            "{src}"
        );
        assert!(
            src.contains(
                r#"load: (generation, url) => import((url ?? "file:///p/t/setup.js") + "?proctor-setup=" + generation) },"#
            ),
            "{src}"
        );
        assert!(src.contains(r#"load: () => import("file:///p/t/a.test.js"), environment: "happy-dom" },"#), "{src}");
    }

    #[test]
    fn files_that_reach_a_require_are_marked_so_a_shared_realm_loads_them_alone() {
        let files: Vec<(String, PathBuf)> =
            ["a.test.js", "b.test.js"].iter().map(|name| (name.to_string(), Path::new("/p").join(name))).collect();
        let src = entry_source(
            Path::new("/tmp/x/controller"),
            &files,
            "ws://127.0.0.1:1/ws?token=t",
            Path::new("/tmp/x/manifest.json"),
            &FileSetup::default(),
            &HashSet::from([PathBuf::from("/p/a.test.js")]),
        );
        assert!(src.contains(r#"load: () => import("file:///p/a.test.js"), requires: true },"#), "{src}");
        assert!(src.contains(r#"load: () => import("file:///p/b.test.js") },"#), "{src}");
    }

    #[test]
    fn the_controller_is_embedded() {
        assert!(CONTROLLER.get_file("node.js").is_some());
        assert!(CONTROLLER.get_file("index.js").is_some());
        // The vendored chai (expect's chai chain) and its licence travel in the binary too.
        assert!(CONTROLLER.get_file("vendor/chai.js").is_some());
        assert!(CONTROLLER.get_file("vendor/chai.LICENSE").is_some());
    }
}
