//! The node manifest: before node imports any test file, the host walks every project file the
//! test files reach, resolves each import with the one resolver and transforms what node cannot
//! run with the one transform, and writes the answers as JSON for the controller's loader hooks
//! (controller-js/src/node-modules.js). Node then resolves and loads as bundlers and Jest do
//! without asking the host again; what the walk could not see (a computed `import()`) is asked
//! of `proctor internal` with the same [`ModuleSettings`].

use super::entry::BuildError;
use super::modules::ProjectModules;
use crate::plan::ImportSite;
use crate::resolve::{ImportKind, Resolution};
use crate::transform::{ModuleFormat, TransformError};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Bumped when the manifest's shape changes (node-modules.js reads it).
const VERSION: u32 = 1;

/// The JSON node-modules.js reads.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    version: u32,
    root: String,
    /// The directories whose `__mocks__/` holds package mocks (the suite's `roots`).
    mock_roots: Vec<String>,
    /// Whether node must be hooked at all: anything to transform, or any import node alone
    /// would resolve differently (old node then skips its costly loader thread).
    needs_hooks: bool,
    modules: BTreeMap<String, ModuleEntry>,
    imports: BTreeMap<String, BTreeMap<String, String>>,
    requires: BTreeMap<String, BTreeMap<String, String>>,
    errors: BTreeMap<String, BTreeMap<String, String>>,
    host: Option<HostCall>,
}

/// A transformed file: where its code is and how node loads it, or why it has none.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ModuleEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<&'static str>,
    /// The transform's error (a syntax error with file:line:column), thrown when node loads it.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// How node asks the host binary what the walk did not see.
#[derive(Debug, Serialize)]
struct HostCall {
    bin: String,
    args: Vec<String>,
}

/// Writes `manifest.json` (and the settings `proctor internal` reads) into `dir` for the test
/// files `tests` (absolute path, the imports the plan found in it) and the suite's setup files
/// `setup` (which the plan did not parse); returns the manifest's path.
pub fn write_manifest(
    modules: &ProjectModules,
    tests: &[(PathBuf, Vec<ImportSite>)],
    setup: &[PathBuf],
    dir: &Path,
) -> Result<PathBuf, BuildError> {
    write_manifest_requiring(modules, tests, setup, dir).map(|(path, _)| path)
}

/// [`write_manifest`], and the files the walk reached from which a `require` of a module (a
/// file, not a builtin nor the test API) is reachable through imports and requires.
pub fn write_manifest_requiring(
    modules: &ProjectModules,
    tests: &[(PathBuf, Vec<ImportSite>)],
    setup: &[PathBuf],
    dir: &Path,
) -> Result<(PathBuf, HashSet<PathBuf>), BuildError> {
    let starts: Vec<PathBuf> = tests.iter().map(|(file, _)| file.clone()).chain(setup.iter().cloned()).collect();
    let known: HashMap<PathBuf, Vec<ImportSite>> = tests.iter().cloned().collect();
    write_walked(modules, &starts, &known, dir)
}

/// [`write_manifest`] for files the plan did not parse (global setup modules).
pub fn write_manifest_for(modules: &ProjectModules, files: &[PathBuf], dir: &Path) -> Result<PathBuf, BuildError> {
    write_walked(modules, files, &HashMap::new(), dir).map(|(path, _)| path)
}

fn write_walked(
    modules: &ProjectModules,
    starts: &[PathBuf],
    known: &HashMap<PathBuf, Vec<ImportSite>>,
    dir: &Path,
) -> Result<(PathBuf, HashSet<PathBuf>), BuildError> {
    let (manifest, requiring) = walk(modules, starts, known);
    // A tsconfig that cannot be read leaves its files with default options: say so once.
    for warning in modules.take_warnings() {
        errln!("proctor: warning: {warning}");
    }
    let write_err = |source| BuildError::Write { dir: dir.to_path_buf(), source };
    let settings_path = dir.join("modules.json");
    let settings = serde_json::to_string(modules.settings()).expect("settings always serialize");
    std::fs::write(&settings_path, settings).map_err(write_err)?;
    let mut manifest = manifest;
    if let Ok(bin) = std::env::current_exe() {
        manifest.host = Some(HostCall {
            bin: bin.to_string_lossy().into_owned(),
            args: vec!["internal".into(), "--settings".into(), settings_path.to_string_lossy().into_owned()],
        });
    }
    let path = dir.join("manifest.json");
    let text = serde_json::to_string(&manifest).expect("the manifest always serializes");
    std::fs::write(&path, text).map_err(write_err)?;
    Ok((path, requiring))
}

/// Walks from the test files through every import into the project's files, resolving each
/// import and transforming each file that needs it; also says which files reach a `require`
/// ([`reaching_requires`]).
fn walk(
    modules: &ProjectModules,
    starts: &[PathBuf],
    known: &HashMap<PathBuf, Vec<ImportSite>>,
) -> (Manifest, HashSet<PathBuf>) {
    let resolver = modules.resolver();
    let root = resolver.root().to_path_buf();
    let mut manifest = Manifest {
        version: VERSION,
        root: root.to_string_lossy().into_owned(),
        mock_roots: modules.settings().mock_roots.iter().map(|dir| dir.to_string_lossy().into_owned()).collect(),
        ..Manifest::default()
    };
    let reached = crate::plan::reachable_from(resolver, starts, known);
    let mut differs = !modules.settings().alias.is_empty() || !modules.settings().conditions.is_empty();
    for (file, records) in &reached.imports {
        let key = file.to_string_lossy().into_owned();
        for record in records {
            let table = match record.kind {
                ImportKind::Import => &mut manifest.imports,
                ImportKind::Require => &mut manifest.requires,
            };
            let specifier = record.specifier.clone();
            match &record.resolved {
                Ok(Resolution::File(target)) => {
                    // Once one import differs node is hooked anyway: no need to look further.
                    differs = differs || node_would_differ(file, &record.specifier, target, record.kind, &root);
                    table.entry(key.clone()).or_default().insert(specifier, target.to_string_lossy().into_owned());
                }
                Ok(Resolution::Builtin(name)) => {
                    table.entry(key.clone()).or_default().insert(specifier, name.clone());
                }
                // The controller the runtime carries: its hooks answer these before the manifest.
                Ok(Resolution::Empty(_) | Resolution::TestApi) => {}
                Err(message) => {
                    // The resolver's message names the specifier and the importing file:line.
                    manifest.errors.entry(key.clone()).or_default().insert(specifier, message.clone());
                }
            }
        }
    }
    for (file, result) in transform_all(modules, &reached.files) {
        let entry = match result {
            Ok(None) => continue,
            Ok(Some(cached)) => ModuleEntry {
                code: Some(cached.code_path.to_string_lossy().into_owned()),
                format: Some(format_name(cached.format)),
                error: None,
            },
            Err(error) => ModuleEntry { code: None, format: None, error: Some(shown_error(&root, &error)) },
        };
        manifest.modules.insert(file.to_string_lossy().into_owned(), entry);
    }
    manifest.needs_hooks = differs || !manifest.modules.is_empty() || !manifest.errors.is_empty();
    (manifest, reaching_requires(&reached.imports))
}

/// The files of `imports` (each project file's resolved imports) that `require` a module file
/// (a project file or a package's; not a builtin, not the test API) or import or require one
/// that does: what they load may `require` an ES module another file is importing at that moment,
/// which node refuses ("not yet fully loaded"), so a shared realm loads them one at a time.
fn reaching_requires(imports: &BTreeMap<PathBuf, Vec<crate::plan::ImportRecord>>) -> HashSet<PathBuf> {
    let mut importers: HashMap<&Path, Vec<&Path>> = HashMap::new();
    let mut reaching: Vec<&Path> = Vec::new();
    for (file, records) in imports {
        for record in records {
            let Ok(Resolution::File(target)) = &record.resolved else { continue };
            if record.kind == ImportKind::Require {
                reaching.push(file);
            }
            importers.entry(target.as_path()).or_default().push(file);
        }
    }
    let mut found: HashSet<PathBuf> = HashSet::new();
    while let Some(file) = reaching.pop() {
        if found.insert(file.to_path_buf()) {
            reaching.extend(importers.get(file).into_iter().flatten().copied());
        }
    }
    found
}

/// Transforms the files that need it, on every core: a cold cache costs one swc run per file,
/// and those are independent. (The manifest is keyed by path, so the order does not matter.)
fn transform_all(
    modules: &ProjectModules,
    files: &[PathBuf],
) -> Vec<(PathBuf, Result<Option<crate::transform::CachedModule>, TransformError>)> {
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(files.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    while let Some(file) = files.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                        done.push((file.clone(), modules.transformed(file)));
                    }
                    done
                })
            })
            .collect();
        handles.into_iter().flat_map(|handle| handle.join().unwrap_or_default()).collect()
    })
}

/// Whether node's own resolver would miss or pick another file than the host's: a relative
/// specifier node takes literally (no extensions, no index, no `.js` → `.ts`), or a bare one that
/// lands in the project's own files (tsconfig `paths`, `[alias]`).
fn node_would_differ(importer: &Path, specifier: &str, target: &Path, kind: ImportKind, root: &Path) -> bool {
    let relative = specifier.starts_with("./") || specifier.starts_with("../") || specifier.starts_with('/');
    if relative {
        let literal = match importer.parent() {
            Some(dir) => crate::paths::normalize(&dir.join(specifier)),
            None => return true,
        };
        let same = literal == target || std::fs::canonicalize(&literal).is_ok_and(|real| real == target);
        // CommonJS probes extensions and index.js itself; what it finds for a plain `.js` tree
        // is what the host found.
        return !(same || kind == ImportKind::Require && is_plain_js(target));
    }
    !specifier.starts_with('#') && target.starts_with(root) && !in_node_modules(target)
}

fn is_plain_js(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e, "js" | "cjs" | "json"))
}

fn in_node_modules(path: &Path) -> bool {
    path.components().any(|c| c.as_os_str() == "node_modules")
}

fn format_name(format: ModuleFormat) -> &'static str {
    match format {
        ModuleFormat::Module => "module",
        ModuleFormat::CommonJs => "commonjs",
    }
}

/// A transform error as a load error shows it: the file relative to the root, and for a syntax
/// or hoisting error the code frame under it.
fn shown_error(root: &Path, error: &TransformError) -> String {
    let text = error.to_string();
    let root_prefix = format!("{}/", root.display());
    let text = text.replacen(&root_prefix, "", 1);
    match error {
        TransformError::Syntax { frame, .. } | TransformError::Hoist { frame, .. } if !frame.is_empty() => {
            format!("{text}\n{frame}")
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::ImportRecord;

    fn record(specifier: &str, kind: ImportKind, resolved: Resolution) -> ImportRecord {
        ImportRecord { specifier: specifier.into(), kind, line: 1, column: 1, resolved: Ok(resolved) }
    }

    #[test]
    fn the_files_that_reach_a_require_through_imports_and_requires() {
        let file = |name: &str| Resolution::File(PathBuf::from(name));
        let imports: BTreeMap<PathBuf, Vec<ImportRecord>> = [
            // a imports a helper that requires: a reaches a require, through the helper.
            ("/p/a.test.js", vec![record("./helper.cjs", ImportKind::Import, file("/p/helper.cjs"))]),
            ("/p/helper.cjs", vec![record("./esm.js", ImportKind::Require, file("/p/esm.js"))]),
            ("/p/esm.js", vec![record("./dep.js", ImportKind::Import, file("/p/dep.js"))]),
            ("/p/dep.js", vec![]),
            // b only imports, and requires builtins and the test API.
            (
                "/p/b.test.js",
                vec![
                    record("./esm.js", ImportKind::Import, file("/p/esm.js")),
                    record("node:fs", ImportKind::Require, Resolution::Builtin("node:fs".into())),
                    record("proctor", ImportKind::Require, Resolution::TestApi),
                ],
            ),
        ]
        .into_iter()
        .map(|(path, records)| (PathBuf::from(path), records))
        .collect();
        let found = reaching_requires(&imports);
        let expected: HashSet<PathBuf> = ["/p/a.test.js", "/p/helper.cjs"].iter().map(PathBuf::from).collect();
        assert_eq!(found, expected);
    }
}
