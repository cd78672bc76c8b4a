//! Builds what a browser tab loads: the shell page (`index.html`), the controller, and either
//! an ES-module entry with an import map (`esm`, in `esm.rs`) or one bundle made by esbuild or a
//! user command (`bundle.rs`), with its source map. Everything lands in a build dir the server
//! exposes under `/__proctor/`.

use super::bundle::build_bundle;
use super::entry::{write_controller, BuildError};
use super::esm::{build_esm, LoadProblems};
use super::modules::ProjectModules;
use super::served::EsmModules;
use super::setup::FileSetup;
use super::sourcemap::StackMapper;
use crate::config::BuildMode;
use crate::paths::file_url;
use crate::plan::ImportSite;
use crate::resolve::Resolver;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

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

/// Where the served site puts the controller, relative to the build dir.
pub(super) const CONTROLLER: &str = "controller";

/// Writes the page and entry for `files` (relative, absolute path), each run after the setup
/// files of `setup`, into `build_dir` and runs the bundler the mode asks for. `page` is the
/// suite's HTML file the run page is made from. `origin` is the server's
/// `http://127.0.0.1:PORT`. `esm` is the module service the server answers the page's requests
/// with (the `esm` mode's), and `modules` the suite's resolver and transform.
#[allow(clippy::too_many_arguments)]
pub async fn build_browser(
    build_dir: &Path,
    root: &Path,
    files: &[(String, PathBuf)],
    setup: &FileSetup,
    mode: &BuildMode,
    minify: bool,
    page: Option<&Path>,
    origin: &str,
    ws_url: &str,
    modules: &Arc<ProjectModules>,
    esm: Option<&Arc<EsmModules>>,
) -> Result<BrowserBuild, BuildError> {
    let controller_dir = write_controller(build_dir)?;
    match mode {
        BuildMode::Esm => {
            // Without the server's own service (a caller that serves the page some other way)
            // the build still walks the imports and writes the import map.
            let own;
            let esm = match esm {
                Some(esm) => esm,
                None => {
                    own = Arc::new(EsmModules::new(modules.clone()));
                    &own
                }
            };
            build_esm(build_dir, root, &controller_dir, esm, files, setup, page, origin, ws_url)
        }
        BuildMode::Esbuild | BuildMode::Command(_) => {
            let tests = test_imports(modules.resolver(), files);
            build_bundle(
                build_dir,
                root,
                &controller_dir,
                files,
                setup,
                mode,
                minify,
                page,
                origin,
                ws_url,
                modules,
                &tests,
            )
            .await
        }
    }
}

/// Each test file with its imports, as the plan finds them.
fn test_imports(resolver: &Resolver, files: &[(String, PathBuf)]) -> Vec<(PathBuf, Vec<ImportSite>)> {
    let starts: Vec<PathBuf> = files.iter().map(|(_, abs)| abs.clone()).collect();
    let mut reached = crate::plan::reachable(resolver, &starts);
    let sites = |records: Vec<crate::plan::ImportRecord>| {
        records
            .into_iter()
            .map(|r| ImportSite { specifier: r.specifier, kind: r.kind, line: r.line, column: r.column })
            .collect()
    };
    starts
        .into_iter()
        .map(|file| (file.clone(), reached.imports.remove(&file).map(sites).unwrap_or_default()))
        .collect()
}

/// A root-relative path as a URL path (each segment percent-encoded).
pub(crate) fn url_path(rel: &str) -> String {
    file_url(Path::new(&format!("/{rel}"))).trim_start_matches("file:///").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_are_encoded() {
        assert_eq!(url_path("test/a b.test.js"), "test/a%20b.test.js");
    }
}
