//! The import graph the watch mode reruns by: every file the test files reach through their
//! imports (static imports, re-exports, literal `import()` and `require()`), resolved the way
//! node and bundlers resolve them — relative paths with extension and `index` resolution, the
//! package.json `imports` field (`#alias`), and tsconfig/jsconfig `paths` — and
//! [`ImportGraph::affected_by`], the test files a change can affect. Files are parsed once and
//! again only when their modification time changes; packages in node_modules are not followed.

use super::analyze::analyze;
use super::stamp::{stamp, Stamp};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

/// Extensions tried for an import without one, in this order (node's, then TypeScript's).
const EXTENSIONS: &[&str] = &["js", "mjs", "cjs", "jsx", "ts", "tsx", "mts", "cts", "json"];

/// One file's resolved imports, with the stamp of the file they were read from.
#[derive(Debug, Clone)]
struct Node {
    modified: Option<Stamp>,
    imports: Vec<PathBuf>,
}

/// Path aliases from package.json `imports` and tsconfig/jsconfig `compilerOptions.paths`:
/// (pattern, targets), patterns with at most one `*`.
#[derive(Debug, Clone, Default)]
struct Aliases {
    entries: Vec<(String, Vec<PathBuf>)>,
}

/// Which files import which, from the test files down.
#[derive(Debug, Default)]
pub struct ImportGraph {
    root: PathBuf,
    nodes: HashMap<PathBuf, Node>,
    aliases: Aliases,
}

impl ImportGraph {
    /// An empty graph for a project.
    pub fn new(root: &Path) -> ImportGraph {
        ImportGraph { root: root.to_path_buf(), nodes: HashMap::new(), aliases: Aliases::read(root) }
    }

    /// Rereads package.json `imports` and tsconfig `paths` (after either changed).
    pub fn reload_aliases(&mut self) {
        self.aliases = Aliases::read(&self.root);
        self.nodes.clear();
    }

    /// Brings the graph up to date for these test files: each one, and everything it reaches,
    /// is (re)parsed only when new or modified since it was last read. `known` gives test files'
    /// specifiers the plan already parsed.
    pub fn update(&mut self, tests: &[(PathBuf, Vec<String>)]) {
        let mut queue: Vec<PathBuf> = Vec::new();
        for (file, specifiers) in tests {
            let modified = stamp(file);
            let fresh = self.nodes.get(file).is_some_and(|n| n.modified == modified && modified.is_some());
            if !fresh {
                let imports = specifiers.iter().filter_map(|s| self.resolve(file, s)).collect();
                self.nodes.insert(file.clone(), Node { modified, imports });
            }
            queue.extend(self.nodes[file].imports.iter().cloned());
        }
        let mut seen: BTreeSet<PathBuf> = tests.iter().map(|(f, _)| f.clone()).collect();
        while let Some(file) = queue.pop() {
            if !seen.insert(file.clone()) {
                continue;
            }
            let modified = stamp(&file);
            let fresh = self.nodes.get(&file).is_some_and(|n| n.modified == modified && modified.is_some());
            if !fresh {
                let imports = self.read_imports(&file);
                self.nodes.insert(file.clone(), Node { modified, imports });
            }
            queue.extend(self.nodes[&file].imports.iter().cloned());
        }
        // Files no test reaches any more are dropped, so they stop counting.
        self.nodes.retain(|file, _| seen.contains(file));
    }

    /// The test files among `tests` that reach any of `changed` through their imports (a
    /// changed test file affects itself).
    pub fn affected_by(&self, tests: &BTreeSet<PathBuf>, changed: &BTreeSet<PathBuf>) -> BTreeSet<PathBuf> {
        let mut importers: HashMap<&Path, Vec<&Path>> = HashMap::new();
        for (file, node) in &self.nodes {
            for import in &node.imports {
                importers.entry(import.as_path()).or_default().push(file.as_path());
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

    fn read_imports(&self, file: &Path) -> Vec<PathBuf> {
        let is_script = file.extension().and_then(|e| e.to_str()).is_some_and(|e| EXTENSIONS[..8].contains(&e));
        if !is_script {
            return Vec::new();
        }
        let Ok(source) = std::fs::read_to_string(file) else { return Vec::new() };
        let rel = file.strip_prefix(&self.root).unwrap_or(file).to_string_lossy().replace('\\', "/");
        // A file that does not parse imports nothing we can know; it is retried when it changes.
        let specifiers = analyze(&rel, &source).map(|a| a.imports).unwrap_or_default();
        specifiers.iter().filter_map(|s| self.resolve(file, s)).collect()
    }

    /// Resolves one specifier written in `from`, to a file in the project (not node_modules).
    fn resolve(&self, from: &Path, specifier: &str) -> Option<PathBuf> {
        let specifier = specifier.split(['?', '#']).next().filter(|s| !s.is_empty()).unwrap_or(specifier);
        let bases: Vec<PathBuf> = if specifier.starts_with("./") || specifier.starts_with("../") {
            vec![from.parent()?.join(specifier)]
        } else if specifier.starts_with('/') {
            vec![PathBuf::from(specifier)]
        } else if let Some(rest) = specifier.strip_prefix("file://") {
            vec![PathBuf::from(crate::paths::percent_decode(rest))]
        } else {
            self.aliases.expand(specifier)
        };
        let found = bases.into_iter().find_map(|base| resolve_file(&normalize(&base)))?;
        let inside = found.starts_with(&self.root) && !found.components().any(|c| c.as_os_str() == "node_modules");
        inside.then_some(found)
    }
}

/// `base` as a file: itself, with an extension added, with `.js` swapped for its TypeScript
/// twin (`./x.js` naming `x.ts`), or a directory's index.
fn resolve_file(base: &Path) -> Option<PathBuf> {
    if base.is_file() {
        return Some(base.to_path_buf());
    }
    let name = base.file_name()?.to_string_lossy().into_owned();
    for ext in EXTENSIONS {
        let candidate = base.with_file_name(format!("{name}.{ext}"));
        if candidate.is_file() {
            return Some(candidate);
        }
    }
    for (js, ts) in [("js", &["ts", "tsx"][..]), ("mjs", &["mts"][..]), ("cjs", &["cts"][..]), ("jsx", &["tsx"][..])] {
        if let Some(stem) = name.strip_suffix(&format!(".{js}")) {
            for ext in ts {
                let candidate = base.with_file_name(format!("{stem}.{ext}"));
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
        }
    }
    if base.is_dir() {
        for ext in EXTENSIONS {
            let candidate = base.join(format!("index.{ext}"));
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Removes `.` and `..` segments without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

impl Aliases {
    fn read(root: &Path) -> Aliases {
        let mut entries = Vec::new();
        let json = |name: &str| -> Option<serde_json::Value> {
            serde_json::from_str(&strip_json_comments(&std::fs::read_to_string(root.join(name)).ok()?)).ok()
        };
        if let Some(imports) = json("package.json").and_then(|p| p.get("imports").cloned()) {
            if let Some(map) = imports.as_object() {
                for (pattern, target) in map {
                    let targets = condition_targets(target).into_iter().map(|t| root.join(t)).collect();
                    entries.push((pattern.clone(), targets));
                }
            }
        }
        for config in ["tsconfig.json", "jsconfig.json"] {
            let Some(options) = json(config).and_then(|c| c.get("compilerOptions").cloned()) else { continue };
            let base = root.join(options.get("baseUrl").and_then(|b| b.as_str()).unwrap_or("."));
            if let Some(paths) = options.get("paths").and_then(|p| p.as_object()) {
                for (pattern, targets) in paths {
                    let targets = targets
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|t| t.as_str())
                        .map(|t| base.join(t))
                        .collect();
                    entries.push((pattern.clone(), targets));
                }
            }
        }
        Aliases { entries }
    }

    /// The candidate paths a bare or `#` specifier stands for.
    fn expand(&self, specifier: &str) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for (pattern, targets) in &self.entries {
            let captured = match pattern.split_once('*') {
                None if pattern == specifier => Some(String::new()),
                None => None,
                Some((prefix, suffix)) => {
                    specifier.strip_prefix(prefix).and_then(|rest| rest.strip_suffix(suffix)).map(str::to_owned)
                }
            };
            if let Some(captured) = captured {
                for target in targets {
                    out.push(PathBuf::from(target.to_string_lossy().replace('*', &captured)));
                }
            }
        }
        out
    }
}

/// package.json `imports` values: a path, or conditions (`node`, `import`, `default`, ...).
fn condition_targets(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Object(map) => map.values().flat_map(condition_targets).collect(),
        serde_json::Value::Array(items) => items.iter().flat_map(condition_targets).collect(),
        _ => Vec::new(),
    }
}

/// tsconfig allows `//` and `/* */` comments and trailing commas; serde_json does not.
fn strip_json_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for next in chars.by_ref() {
                    if next == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for next in chars.by_ref() {
                    if last == '*' && next == '/' {
                        break;
                    }
                    last = next;
                }
            }
            _ => out.push(c),
        }
    }
    // Trailing commas before } or ].
    let mut cleaned = String::with_capacity(out.len());
    let chars: Vec<char> = out.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        cleaned.push(c);
    }
    cleaned
}

/// Every file `starts` reach through their imports without leaving `root`, the starts
/// included: what a page will load, so it can be preloaded instead of found one import at a time.
pub fn reachable(root: &Path, starts: &[PathBuf]) -> Vec<PathBuf> {
    let graph = ImportGraph { root: root.to_path_buf(), nodes: HashMap::new(), aliases: Aliases::read(root) };
    let mut seen = BTreeSet::new();
    let mut queue = starts.to_vec();
    while let Some(file) = queue.pop() {
        if seen.insert(file.clone()) {
            queue.extend(graph.read_imports(&file));
        }
    }
    seen.into_iter().collect()
}

/// Test files by the paths their tests name in `subject` options.
pub fn subjects(root: &Path, files: &[(PathBuf, Vec<String>)]) -> BTreeMap<PathBuf, BTreeSet<PathBuf>> {
    let mut by_subject: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    for (file, subjects) in files {
        for subject in subjects {
            by_subject.entry(normalize(&root.join(subject))).or_default().insert(file.clone());
        }
    }
    by_subject
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn rel(root: &Path, files: &BTreeSet<PathBuf>) -> Vec<String> {
        files.iter().map(|f| f.strip_prefix(root).unwrap().to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn a_change_reaches_every_test_that_imports_it_transitively() {
        let dir = project(&[
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
            ("test/a.test.js", ""),
            ("test/b.test.js", ""),
            ("test/c.test.js", ""),
        ]);
        let root = dir.path().canonicalize().unwrap();
        let test = |name: &str, imports: &[&str]| {
            (root.join("test").join(name), imports.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        };
        let tests = vec![
            test("a.test.js", &["../src/index.js", "proctor", "lodash"]),
            test("b.test.js", &["../src/lazy", "#alias"]),
            test("c.test.js", &["@/deep"]),
        ];
        let mut graph = ImportGraph::new(&root);
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
    fn subjects_name_the_files_their_tests_are_about() {
        let root = Path::new("/p");
        let by = subjects(root, &[(root.join("test/x.test.js"), vec!["./src/data.json".into()])]);
        assert_eq!(by.get(&root.join("src/data.json")).map(|s| s.len()), Some(1));
    }
}
