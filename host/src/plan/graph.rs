//! The import graph on top of the [`Resolver`]: every project file the test files reach through
//! their imports (static imports, re-exports, literal `import()` and `require()`), each import
//! recorded with where it is written and what it resolved to ([`ImportRecord`]), and
//! [`ImportGraph::affected_by`], the test files a change can affect. Watch mode, the node loader
//! and the browser's import map all read resolutions from the same resolver, so they never
//! disagree. Files are parsed once and again only when their modification time changes; files
//! in node_modules (and outside the root) are not followed, but the packages imported are named.

use super::analyze::analyze;
use super::model::ImportSite;
use super::stamp::{stamp, Stamp};
use crate::resolve::{is_package_specifier, package_name, ImportKind, Resolution, Resolver};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Extensions of files whose imports are read (JSON, CSS and assets import nothing).
const SCRIPTS: &[&str] = &["js", "mjs", "cjs", "jsx", "ts", "tsx", "mts", "cts"];

/// One import of one project file, resolved: what the node loader is fed and the browser's
/// import map is made of, and what a failed import is reported with (`file:line`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    /// The specifier as written.
    pub specifier: String,
    /// `import` or `require`.
    pub kind: ImportKind,
    /// 1-based line of the specifier in the importing file.
    pub line: u32,
    /// 1-based column of the specifier.
    pub column: u32,
    /// What it resolved to, or the resolver's message naming the specifier and the importer's
    /// `file:line:column` (`cannot resolve "./x" from src/a.ts:3:19`).
    pub resolved: Result<Resolution, String>,
}

impl ImportRecord {
    fn resolve(resolver: &Resolver, importer: &Path, site: &ImportSite) -> ImportRecord {
        ImportRecord {
            specifier: site.specifier.clone(),
            kind: site.kind,
            line: site.line,
            column: site.column,
            resolved: resolver
                .resolve(importer, &site.specifier, site.kind)
                .map_err(|e| e.located(site.line, site.column).to_string()),
        }
    }

    fn site(&self) -> ImportSite {
        ImportSite { specifier: self.specifier.clone(), kind: self.kind, line: self.line, column: self.column }
    }
}

/// One file's imports, with the stamp of the file they were read from.
#[derive(Debug, Clone)]
struct Node {
    modified: Option<Stamp>,
    records: Vec<ImportRecord>,
}

/// Which files import which, from the test files down.
#[derive(Debug)]
pub struct ImportGraph {
    resolver: Arc<Resolver>,
    nodes: HashMap<PathBuf, Node>,
    /// Set by [`ImportGraph::refresh`]: the next update resolves every import again.
    stale: bool,
}

impl ImportGraph {
    /// An empty graph resolving with `resolver`.
    pub fn new(resolver: Arc<Resolver>) -> ImportGraph {
        ImportGraph { resolver, nodes: HashMap::new(), stale: false }
    }

    /// Files were added or removed, or a package.json, tsconfig or jsconfig changed: forget
    /// what the resolver cached, and resolve every import again at the next update (files are
    /// not parsed again unless they changed).
    pub fn refresh(&mut self) {
        self.resolver.clear_cache();
        self.stale = true;
    }

    /// True when `path` is a file the graph has read (so a change to it is an edit, not a file
    /// that appeared).
    pub fn knows(&self, path: &Path) -> bool {
        self.nodes.contains_key(path)
    }

    /// Brings the graph up to date for these test files and the imports the plan found in
    /// them: each one, and everything it reaches, is (re)parsed only when new or modified since
    /// it was last read.
    pub fn update(&mut self, tests: &[(PathBuf, Vec<ImportSite>)]) {
        let stale = std::mem::take(&mut self.stale);
        let mut queue: Vec<PathBuf> = Vec::new();
        for (file, sites) in tests {
            let modified = stamp(file);
            if stale || !self.fresh(file, modified) {
                let records = sites.iter().map(|site| ImportRecord::resolve(&self.resolver, file, site)).collect();
                self.nodes.insert(file.clone(), Node { modified, records });
            }
            queue.extend(self.followed(file));
        }
        let mut seen: BTreeSet<PathBuf> = tests.iter().map(|(f, _)| f.clone()).collect();
        while let Some(file) = queue.pop() {
            if !seen.insert(file.clone()) {
                continue;
            }
            let modified = stamp(&file);
            if !self.fresh(&file, modified) {
                let records = read_imports(&self.resolver, &file);
                self.nodes.insert(file.clone(), Node { modified, records });
            } else if stale {
                if let Some(node) = self.nodes.get_mut(&file) {
                    let sites: Vec<ImportSite> = node.records.iter().map(ImportRecord::site).collect();
                    node.records =
                        sites.iter().map(|site| ImportRecord::resolve(&self.resolver, &file, site)).collect();
                }
            }
            queue.extend(self.followed(&file));
        }
        // Files no test reaches any more are dropped, so they stop counting.
        self.nodes.retain(|file, _| seen.contains(file));
    }

    /// Every import of `file` (a test file or a project file a test reaches), resolved; empty
    /// for a file the graph does not hold.
    pub fn imports_of(&self, file: &Path) -> &[ImportRecord] {
        self.nodes.get(file).map_or(&[], |node| &node.records)
    }

    /// The test files among `tests` that reach any of `changed` through their imports (a
    /// changed test file affects itself).
    pub fn affected_by(&self, tests: &BTreeSet<PathBuf>, changed: &BTreeSet<PathBuf>) -> BTreeSet<PathBuf> {
        let mut importers: HashMap<&Path, Vec<&Path>> = HashMap::new();
        for (file, node) in &self.nodes {
            for record in &node.records {
                if let Ok(Resolution::File(import)) = &record.resolved {
                    importers.entry(import.as_path()).or_default().push(file.as_path());
                }
            }
        }
        let mut reached: BTreeSet<&Path> = BTreeSet::new();
        let mut queue: Vec<&Path> = changed.iter().map(PathBuf::as_path).collect();
        while let Some(file) = queue.pop() {
            if reached.insert(file) {
                queue.extend(importers.get(file).into_iter().flatten().copied());
            }
        }
        tests.iter().filter(|t| reached.contains(t.as_path())).cloned().collect()
    }

    fn fresh(&self, file: &Path, modified: Option<Stamp>) -> bool {
        self.nodes.get(file).is_some_and(|n| n.modified == modified && modified.is_some())
    }

    /// The project files `file` imports (those the graph follows).
    fn followed(&self, file: &Path) -> Vec<PathBuf> {
        self.imports_of(file).iter().filter_map(|r| project_file(&self.resolver, r)).map(Path::to_path_buf).collect()
    }
}

/// The file a record resolved to, when it is a project file the graph follows.
fn project_file<'r>(resolver: &Resolver, record: &'r ImportRecord) -> Option<&'r Path> {
    match &record.resolved {
        Ok(Resolution::File(path)) if resolver.is_project_file(path) => Some(path),
        _ => None,
    }
}

/// Parses a project file and resolves its imports; a file that does not parse imports nothing
/// we can know (it is retried when it changes), and a non-script file imports nothing.
fn read_imports(resolver: &Resolver, file: &Path) -> Vec<ImportRecord> {
    let is_script = file.extension().and_then(|e| e.to_str()).is_some_and(|e| SCRIPTS.contains(&e));
    if !is_script {
        return Vec::new();
    }
    let Ok(source) = std::fs::read_to_string(file) else { return Vec::new() };
    let rel = file.strip_prefix(resolver.root()).unwrap_or(file).to_string_lossy().replace('\\', "/");
    let sites = analyze(&rel, &source).map(|a| a.imports).unwrap_or_default();
    sites.iter().map(|site| ImportRecord::resolve(resolver, file, site)).collect()
}

/// What the test files reach: the project files to load, the packages they import, and every
/// import of every project file, resolved.
#[derive(Debug, Default)]
pub struct Reachable {
    /// Project files (under the root, not in node_modules), the starts included, sorted.
    pub files: Vec<PathBuf>,
    /// Packages imported from project files by bare specifier (`lodash`, `@scope/pkg`) that
    /// resolved outside the project files, e.g. into node_modules.
    pub packages: BTreeSet<String>,
    /// Each project file's imports.
    pub imports: BTreeMap<PathBuf, Vec<ImportRecord>>,
}

/// Every project file `starts` reach through their imports, the starts included: what a page
/// will load, so it can be preloaded instead of found one import at a time; with the packages
/// imported and every import resolved.
pub fn reachable(resolver: &Resolver, starts: &[PathBuf]) -> Reachable {
    reachable_from(resolver, starts, &HashMap::new())
}

/// [`reachable`], given the imports already found in some files (the test files, which the
/// plan parsed), so those are not parsed again.
pub fn reachable_from(resolver: &Resolver, starts: &[PathBuf], known: &HashMap<PathBuf, Vec<ImportSite>>) -> Reachable {
    let mut out = Reachable::default();
    let mut queue = starts.to_vec();
    while let Some(file) = queue.pop() {
        if out.imports.contains_key(&file) {
            continue;
        }
        let records = match known.get(&file) {
            Some(sites) => sites.iter().map(|site| ImportRecord::resolve(resolver, &file, site)).collect(),
            None => read_imports(resolver, &file),
        };
        for record in &records {
            match project_file(resolver, record) {
                Some(path) => queue.push(path.to_path_buf()),
                None if is_package_specifier(&record.specifier)
                    && matches!(record.resolved, Ok(Resolution::File(_))) =>
                {
                    out.packages.insert(package_name(&record.specifier).to_string());
                }
                None => {}
            }
        }
        out.imports.insert(file, records);
    }
    out.files = out.imports.keys().cloned().collect();
    out
}

/// Test files by the paths their tests name in `subject` options.
pub fn subjects(root: &Path, files: &[(PathBuf, Vec<String>)]) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let mut by_subject: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (file, subjects) in files {
        for subject in subjects {
            by_subject.entry(crate::paths::normalize(&root.join(subject))).or_default().insert(file.clone());
        }
    }
    by_subject
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::{ResolveOptions, Target};

    use crate::test_support::project;

    fn resolver(root: &Path, target: Target) -> Arc<Resolver> {
        Arc::new(Resolver::new(ResolveOptions {
            root: root.to_path_buf(),
            target,
            alias: Vec::new(),
            conditions: Vec::new(),
            mock_roots: Vec::new(),
        }))
    }

    /// A test file with the imports the plan would have found in it.
    fn test_file(root: &Path, rel: &str) -> (PathBuf, Vec<ImportSite>) {
        let abs = root.join(rel);
        let source = std::fs::read_to_string(&abs).unwrap();
        (abs, analyze(rel, &source).map_err(|e| e.message).unwrap().imports)
    }

    fn rel(root: &Path, files: &BTreeSet<PathBuf>) -> Vec<String> {
        files.iter().map(|f| f.strip_prefix(root).unwrap().to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn a_change_reaches_every_test_that_imports_it_transitively() {
        let (_dir, root) = project(&[
            ("src/leaf.js", "export const leaf = 1;"),
            ("src/mid.ts", "export * from './leaf.js';"),
            ("src/index.js", "module.exports = require('./mid');"),
            ("src/lazy/index.mjs", "export default 1;"),
            ("src/alias.js", "export const a = 1;"),
            ("src/paths/deep.js", "export const d = 1;"),
            ("package.json", r##"{ "imports": { "#alias": "./src/alias.js" } }"##),
            (
                "tsconfig.json",
                "{ // comments are fine\n \"compilerOptions\": { \"baseUrl\": \".\", \"paths\": { \"@/*\": [\"src/paths/*\"], }, }, }",
            ),
            ("test/a.test.js", "import '../src/index.js'; import 'proctor'; import 'lodash';"),
            ("test/b.test.js", "import '../src/lazy'; import '#alias';"),
            ("test/c.test.js", "import '@/deep';"),
        ]);
        let tests: Vec<_> =
            ["test/a.test.js", "test/b.test.js", "test/c.test.js"].map(|t| test_file(&root, t)).to_vec();
        let mut graph = ImportGraph::new(resolver(&root, Target::Node));
        graph.update(&tests);
        let all: BTreeSet<PathBuf> = tests.iter().map(|(f, _)| f.clone()).collect();
        let affected = |graph: &ImportGraph, changed: &[&str]| {
            let changed = changed.iter().map(|c| root.join(c)).collect();
            rel(&root, &graph.affected_by(&all, &changed))
        };
        assert_eq!(
            affected(&graph, &["src/leaf.js"]),
            vec!["test/a.test.js"],
            "leaf → mid (re-export) → index (require)"
        );
        assert_eq!(affected(&graph, &["src/lazy/index.mjs"]), vec!["test/b.test.js"], "directory index");
        assert_eq!(affected(&graph, &["src/alias.js"]), vec!["test/b.test.js"], "package.json imports");
        assert_eq!(affected(&graph, &["src/paths/deep.js"]), vec!["test/c.test.js"], "tsconfig paths");
        assert_eq!(affected(&graph, &["test/c.test.js"]), vec!["test/c.test.js"], "a test file affects itself");
        assert!(affected(&graph, &["README.md"]).is_empty());
        // Only modified files are read again: a new import in mid.ts shows up after a change.
        std::fs::write(root.join("src/other.js"), "export const o = 1;").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(root.join("src/mid.ts"), "export * from './leaf.js';\nexport * from './other';").unwrap();
        graph.update(&tests);
        assert_eq!(affected(&graph, &["src/other.js"]), vec!["test/a.test.js"]);
    }

    #[test]
    fn every_import_is_recorded_where_it_is_written_with_its_resolution() {
        let (_dir, root) = project(&[
            ("src/util.ts", "import fs from 'node:fs';\nimport { x } from './missing';\n"),
            ("test/a.test.ts", "import { u } from '../src/util.js';\n\nconst l = require('lodash');\n"),
            ("node_modules/lodash/package.json", r#"{ "main": "lodash.js" }"#),
            ("node_modules/lodash/lodash.js", "require('./internal')"),
        ]);
        let test = test_file(&root, "test/a.test.ts");
        let mut graph = ImportGraph::new(resolver(&root, Target::Node));
        graph.update(std::slice::from_ref(&test));
        let show = |graph: &ImportGraph, file: &str| -> Vec<String> {
            graph
                .imports_of(&root.join(file))
                .iter()
                .map(|r| {
                    let to = match &r.resolved {
                        Ok(Resolution::File(p)) => p.strip_prefix(&root).unwrap().to_string_lossy().into_owned(),
                        Ok(other) => format!("{other:?}"),
                        Err(message) => message.clone(),
                    };
                    format!("{}:{} {:?} {} → {to}", r.line, r.column, r.kind, r.specifier)
                })
                .collect()
        };
        assert_eq!(
            show(&graph, "test/a.test.ts"),
            ["1:19 Import ../src/util.js → src/util.ts", "3:19 Require lodash → node_modules/lodash/lodash.js"]
        );
        assert_eq!(
            show(&graph, "src/util.ts"),
            [
                "1:16 Import node:fs → Builtin(\"node:fs\")",
                "2:19 Import ./missing → cannot resolve \"./missing\" from src/util.ts:2:19"
            ]
        );
        assert!(show(&graph, "node_modules/lodash/lodash.js").is_empty(), "packages are not followed");
        // A file that appears is found once the graph is refreshed.
        std::fs::write(root.join("src/missing.ts"), "export const x = 1;").unwrap();
        assert!(!graph.knows(&root.join("src/missing.ts")));
        graph.refresh();
        graph.update(std::slice::from_ref(&test));
        assert_eq!(show(&graph, "src/util.ts")[1], "2:19 Import ./missing → src/missing.ts");
        assert!(graph.knows(&root.join("src/missing.ts")));
    }

    #[test]
    fn reachable_gives_project_files_packages_and_records() {
        let (_dir, root) = project(&[
            ("src/a.ts", "import './b'; import _ from 'lodash/fp'; import '@scope/pkg'; import '#x';"),
            ("src/b.tsx", "export default 1; import data from './data.json';"),
            ("src/data.json", "{}"),
            ("package.json", r##"{ "imports": { "#x": "./src/x.js" } }"##),
            ("src/x.js", ""),
            ("node_modules/lodash/fp.js", ""),
            ("node_modules/@scope/pkg/index.js", ""),
        ]);
        let found = reachable(&resolver(&root, Target::Browser), &[root.join("src/a.ts")]);
        assert_eq!(
            rel(&root, &found.files.iter().cloned().collect()),
            ["src/a.ts", "src/b.tsx", "src/data.json", "src/x.js"]
        );
        assert_eq!(found.packages.into_iter().collect::<Vec<_>>(), ["@scope/pkg", "lodash"]);
        assert_eq!(found.imports[&root.join("src/a.ts")].len(), 4);
    }

    #[test]
    fn subjects_name_the_files_their_tests_are_about() {
        let root = Path::new("/p");
        let by = subjects(root, &[(root.join("test/x.test.js"), vec!["./src/data.json".into()])]);
        assert_eq!(by.get(&root.join("src/data.json")).map(|s| s.len()), Some(1));
    }
}
