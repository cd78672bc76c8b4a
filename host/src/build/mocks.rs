//! Module mocks in the browser's `esm` build: the server's table of which module each realm
//! mocks. The page's controller (controller-js/src/browser-mocks.js) asks the server to resolve a
//! mocked specifier with the one resolver (`GET /@mock/resolve`), registers the mock for its
//! realm (`POST /@mock/register`, synchronously, before anything can import it) and reports the
//! export names once the mock's value exists (`POST /@mock/prepared`, after its factory ran or
//! the actual module was automocked). A request of a mocked file under that realm's prefix
//! (`/@realm/3/src/dep.ts`, however the importer spelled it) is then answered with a stub module
//! that re-exports the value from the page's registry; a mocked package's bare specifier reaches
//! `/@realm/<n>/@mock/<id>` through the realm's import map. A stub requested before its names
//! arrive (a `vi.doMock` followed at once by `import()`) waits for them, for a while.
//!
//! A realm's mocks also answer its sub-realms (`/@realm/3.1/`, where the page imports afresh
//! after `vi.resetModules()` or a mock of a module the realm already imported), and what each
//! (sub-)realm requested is known apart. `GET /@mock/automatic` names the packages of the root
//! `__mocks__/` that a test file using the `jest` object gets without asking.
//!
//! A package is shared by every realm (one URL, evaluated once per page), so a realm that mocks
//! one needs its own copies of the packages that import it (`react-dom` for a mocked `react`):
//! [`ModuleGraph`] (the build's walk) names them, the registration's answer lists their URL paths,
//! and the page routes them into the realm (`/@realm/<n>/node_modules/...`, served like the
//! shared URL) through its import map. A realm that already resolved the package, or one of
//! those, from a project file it requested (a static import, or an `import()` of a plain script
//! that the controller does not see: the page keeps what it resolved) is told so, and moves on
//! to a fresh sub-realm.
//!
//! Mocks live as long as their realm: the first registration from a newer realm drops every
//! older realm's mocks, since a realm's number is never used again by the page; a page that
//! starts (`POST /@mock/reset`, also after a crash, when numbers start again) drops them all.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long a stub request waits for the page to report the mock's export names.
const NAMES_WAIT: Duration = Duration::from_secs(10);

pub(crate) use crate::resolve::MOCK_EXTENSIONS;

/// What the page said about one mock's value.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// Registered; the value is not made yet.
    Pending,
    /// The value exists in the page's registry for `generation`, with these own keys.
    Ready { generation: u64, names: Vec<String> },
    /// Making the value failed; the page keeps the error and the stub rethrows it.
    Failed,
}

#[derive(Debug)]
struct Stub {
    realm: String,
    /// The mocked file; None for a package mocked through the import map.
    file: Option<PathBuf>,
    outcome: Outcome,
}

#[derive(Debug, Default)]
struct Table {
    /// The newest realm that registered a mock.
    realm: Option<String>,
    stubs: HashMap<u64, Stub>,
    /// The newest realm that requested project files (its number), and those files with the
    /// (sub-)realm prefix that requested each: a mock of one of them comes too late there,
    /// since the page keeps the module it has (a new sub-realm imports it afresh).
    imported: Option<(u64, HashSet<(String, PathBuf)>)>,
    /// Mocks replaced by a later mock of the same file in the realm (a `vi.doMock` after a
    /// `vi.mock`, a factory after Jest's automatic root mock): old id → new id. A package's
    /// import map entry keeps the first stub's URL (a page's import map never changes an entry),
    /// which then answers with the newest mock.
    forwarded: HashMap<u64, u64>,
}

/// The imports the build's walk found between the files a page may load (esm.rs), kept for
/// package mocks: which packages import a mocked one, and which files a realm requested had
/// already resolved it.
#[derive(Debug, Default)]
pub struct ModuleGraph {
    /// Per file, the files its imports resolved to that a page resolves without the controller
    /// seeing it: static imports and requires, and the `import()`s of a plain script.
    imports: HashMap<PathBuf, Vec<PathBuf>>,
    /// Per file, the files importing it in any way (static, `import()`, `require`).
    importers: HashMap<PathBuf, Vec<PathBuf>>,
    /// Files with an `import()` or `require()` of a name computed at run time: they may import
    /// any module, a mocked one too.
    computed: Vec<PathBuf>,
}

impl ModuleGraph {
    /// The graph of `imports` (those the controller does not see, per importer), `all` (every
    /// import, per importer) and the `computed` files (an `import(name)` or `require(name)`).
    pub fn new(
        imports: HashMap<PathBuf, Vec<PathBuf>>,
        all: &HashMap<PathBuf, Vec<PathBuf>>,
        computed: Vec<PathBuf>,
    ) -> ModuleGraph {
        let mut importers: HashMap<PathBuf, Vec<PathBuf>> = HashMap::new();
        for (importer, targets) in all {
            for target in targets {
                importers.entry(target.clone()).or_default().push(importer.clone());
            }
        }
        ModuleGraph { imports, importers, computed }
    }

    /// The files `shared` keeps (packages) that import `file`, directly or through each other,
    /// sorted: a realm that mocks `file` needs its own copy of each. A package with an
    /// `import(name)` or `require(name)` of a computed name may import it too, as may the
    /// packages importing that one: those come along (the walk cannot tell what a name will be).
    pub fn dependents(&self, file: &Path, shared: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
        let mut found = BTreeSet::new();
        let mut queue = vec![file.to_path_buf()];
        for computed in &self.computed {
            if shared(computed) && computed != file && found.insert(computed.clone()) {
                queue.push(computed.clone());
            }
        }
        while let Some(next) = queue.pop() {
            for importer in self.importers.get(&next).into_iter().flatten() {
                if shared(importer) && importer != file && found.insert(importer.clone()) {
                    queue.push(importer.clone());
                }
            }
        }
        found.into_iter().collect()
    }

    /// Whether `file`'s imports the controller does not see reach one of `targets` directly.
    fn imports_any(&self, file: &Path, targets: &[PathBuf]) -> bool {
        let file = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
        self.imports.get(&file).is_some_and(|imports| imports.iter().any(|t| targets.contains(t)))
    }
}

/// The mocks of the page's current realm.
#[derive(Debug, Default)]
pub struct BrowserMocks {
    table: Mutex<Table>,
    changed: Condvar,
    /// The newest build's import graph.
    graph: Mutex<ModuleGraph>,
}

impl BrowserMocks {
    /// Registers mock `id` of `realm` (`/@realm/3`, or the sub-realm `/@realm/3.1` its imports
    /// go to now) for `file` (None: a package). The mock applies to the realm and all its
    /// sub-realms. A newer realm than the table's drops the older realm's mocks; a later mock of
    /// the same file in the same realm (a `doMock` after a `mock`) replaces the earlier one.
    /// False, and nothing registered, when that (sub-)realm already imported `file`: the page
    /// would keep that instance. For a package, `resolved` are the files (the package and the
    /// packages importing it) whose import by a file the (sub-)realm requested makes it too late
    /// likewise (the page keeps what a specifier resolved to in a scope): a static import, or an
    /// `import()` the controller does not see (it tells those it sees apart itself).
    pub fn register(&self, realm: &str, id: u64, file: Option<PathBuf>, resolved: &[PathBuf]) -> bool {
        let Ok(mut table) = self.table.lock() else { return false };
        let graph = self.graph.lock().ok();
        let imported = |(number, files): &(u64, HashSet<(String, PathBuf)>)| {
            Some(*number) == realm_number(realm)
                && (file.as_ref().is_some_and(|file| files.contains(&(realm.to_string(), file.clone())))
                    || !resolved.is_empty()
                        && graph.as_ref().is_some_and(|graph| {
                            files.iter().any(|(by, f)| by == realm && graph.imports_any(f, resolved))
                        }))
        };
        if table.imported.as_ref().is_some_and(imported) {
            return false;
        }
        drop(graph);
        let realm = base_realm(realm);
        if table.realm.as_deref() != Some(realm) {
            table.stubs.clear();
            table.forwarded.clear();
            table.realm = Some(realm.to_string());
        }
        if let Some(file) = &file {
            let replaced: Vec<u64> =
                table.stubs.iter().filter(|(_, stub)| stub.file.as_ref() == Some(file)).map(|(id, _)| *id).collect();
            for old in replaced {
                table.stubs.remove(&old);
                table.forwarded.insert(old, id);
            }
        }
        table.stubs.insert(id, Stub { realm: realm.to_string(), file, outcome: Outcome::Pending });
        self.changed.notify_all();
        true
    }

    /// Keeps the newest build's import graph.
    pub fn set_graph(&self, graph: ModuleGraph) {
        if let Ok(mut kept) = self.graph.lock() {
            *kept = graph;
        }
    }

    /// The packages importing `file`, directly or through each other (see
    /// [`ModuleGraph::dependents`]).
    pub fn dependents(&self, file: &Path, shared: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
        let file = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
        self.graph.lock().map(|graph| graph.dependents(&file, shared)).unwrap_or_default()
    }

    /// Notes that `realm` (or sub-realm) requested `file` itself (not a stub, not the actual
    /// code for a mock).
    pub fn note_imported(&self, realm: &str, file: &Path) {
        let (Some(number), Ok(mut table)) = (realm_number(realm), self.table.lock()) else { return };
        let entry = (realm.to_string(), file.to_path_buf());
        match &mut table.imported {
            Some((newest, files)) if *newest == number => {
                files.insert(entry);
            }
            // A late request of an older realm (a timer that file left) changes nothing.
            Some((newest, _)) if *newest > number => {}
            _ => table.imported = Some((number, HashSet::from([entry]))),
        }
    }

    /// The page made mock `id`'s value (`names`: its export names), or failed to (None).
    pub fn prepared(&self, id: u64, ready: Option<(u64, Vec<String>)>) {
        let Ok(mut table) = self.table.lock() else { return };
        if let Some(stub) = table.stubs.get_mut(&id) {
            stub.outcome = match ready {
                Some((generation, names)) => Outcome::Ready { generation, names },
                None => Outcome::Failed,
            };
        }
        self.changed.notify_all();
    }

    /// Drops every mock: a page (re)started, and its realm numbers start again.
    pub fn reset(&self) {
        if let Ok(mut table) = self.table.lock() {
            *table = Table::default();
        }
        self.changed.notify_all();
    }

    /// Drops mock `id` (`vi.unmock` / `vi.doUnmock`).
    pub fn unregister(&self, id: u64) {
        if let Ok(mut table) = self.table.lock() {
            table.stubs.remove(&id);
        }
        self.changed.notify_all();
    }

    /// The stub module for `file` requested under `realm` (or one of its sub-realms), if that
    /// realm mocks it.
    pub fn stub_for_file(&self, realm: &str, file: &Path) -> Option<String> {
        let realm = base_realm(realm);
        self.stub_where(|id, stub| (stub.realm == realm && stub.file.as_deref() == Some(file)).then_some(id))
    }

    /// The stub module at `/@realm/<n>/@mock/<id>` (a mocked package), if that realm has it.
    /// A replaced mock's id answers with the mock that replaced it.
    pub fn stub_by_id(&self, realm: &str, id: u64) -> Option<String> {
        let realm = base_realm(realm);
        let id = {
            let table = self.table.lock().ok()?;
            let mut id = id;
            // Ids only ever forward to newer ones; the bound is a guard, never reached.
            for _ in 0..table.forwarded.len() {
                match table.forwarded.get(&id) {
                    Some(next) => id = *next,
                    None => break,
                }
            }
            id
        };
        self.stub_where(|key, stub| (key == id && stub.realm == realm).then_some(id))
    }

    /// The stub of the mock `find` picks, once its outcome is known (or the wait is over).
    fn stub_where(&self, find: impl Fn(u64, &Stub) -> Option<u64>) -> Option<String> {
        let deadline = Instant::now() + NAMES_WAIT;
        let mut table = self.table.lock().ok()?;
        loop {
            let (id, outcome) =
                table.stubs.iter().find_map(|(id, stub)| find(*id, stub).map(|id| (id, stub.outcome.clone())))?;
            let left = deadline.saturating_duration_since(Instant::now());
            if outcome != Outcome::Pending || left.is_zero() {
                return Some(stub_source(id, &outcome));
            }
            table = self.changed.wait_timeout(table, left).ok()?.0;
        }
    }
}

/// The packages the root `__mocks__/` has a file for (`lodash`, `@scope/pkg`, `lodash/fp`), as
/// Jest names them: the file's path below it without its extension. Jest mocks those packages
/// without a `jest.mock` (node-mocks.js's `rootMockPackages`; the page leaves out what does not
/// resolve to an installed package, builtins included).
pub(crate) fn root_mock_packages(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|entry| entry.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                walk(&entry.path(), &format!("{prefix}{name}/"), out);
            } else if kind.is_file() {
                let stem = name.rsplit_once('.').map_or(name.as_str(), |(stem, _)| stem);
                out.push(format!("{prefix}{stem}"));
            }
        }
    }
    let mut out = Vec::new();
    walk(&root.join("__mocks__"), "", &mut out);
    out
}

/// Whether a test file's `source` uses the `jest` object (`jest.` then a name): Jest's automatic
/// root mocks apply to such files only, as node-mocks.js decides (Vitest mocks those on
/// `vi.mock` alone).
pub(crate) fn uses_jest_object(source: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    source.match_indices("jest").any(|(at, _)| {
        let before_ok = !source[..at].ends_with(word);
        let after = source[at + 4..].trim_start();
        before_ok
            && after
                .strip_prefix('.')
                .is_some_and(|rest| rest.trim_start().starts_with(|c: char| c.is_ascii_alphabetic()))
    })
}

/// The number of realm prefix `/@realm/<n>` (or of its sub-realm `/@realm/<n>.<k>`).
fn realm_number(realm: &str) -> Option<u64> {
    base_realm(realm).strip_prefix(super::served::REALM_PREFIX)?.parse().ok()
}

/// The realm a sub-realm prefix belongs to: `/@realm/3` for `/@realm/3.1` (and for itself).
fn base_realm(realm: &str) -> &str {
    match realm.rsplit_once('.') {
        Some((base, sub)) if !sub.is_empty() && sub.bytes().all(|b| b.is_ascii_digit()) => base,
        _ => realm,
    }
}

/// The ES module that stands for mock `id`: its value's own keys as named exports, its
/// `default` key as the default export (else the whole value, as node's mock modules give it).
/// A value spread from a wrapped CommonJS module's actual one (`{ ...await importOriginal(), x }`)
/// carries that module's `__proctor_cjs`, what a wrapped file's `require` of it returns: the
/// value itself stands there instead, so a package requiring the mock sees `x` (as node's
/// `require` of a mock gives the factory's object).
fn stub_source(id: u64, outcome: &Outcome) -> String {
    let js = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    match outcome {
        Outcome::Pending => format!(
            "throw new Error(\"proctor: mock {id} was still not ready after {}s: its factory (or the actual module it \
             imports) did not finish; does it import the module it mocks?\");\n",
            NAMES_WAIT.as_secs()
        ),
        Outcome::Failed => format!("throw globalThis.__proctorBrowserMocks.failure({id});\n"),
        Outcome::Ready { generation, names } => {
            let mut out = format!("const m = globalThis.__proctorMocks.value({id}, {generation});\n");
            for (index, name) in names.iter().enumerate().filter(|(_, name)| *name != "default") {
                let value = if name == "__proctor_cjs" { "m".to_string() } else { format!("m[{}]", js(name)) };
                out.push_str(&format!("const e{index} = {value};\nexport {{ e{index} as {} }};\n", js(name)));
            }
            let default = if names.iter().any(|n| n == "default") { "m[\"default\"]" } else { "m" };
            out.push_str(&format!("export default {default};\n"));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_stub_reexports_the_reported_names_and_waits_for_them() {
        let mocks = Arc::new(BrowserMocks::default());
        let file = PathBuf::from("/p/src/dep.ts");
        mocks.register("/@realm/2", 7, Some(file.clone()), &[]);
        assert_eq!(mocks.stub_for_file("/@realm/3", &file), None, "another realm never sees it");
        let waiting = {
            let (mocks, file) = (mocks.clone(), file.clone());
            std::thread::spawn(move || mocks.stub_for_file("/@realm/2", &file))
        };
        mocks.prepared(7, Some((4, vec!["default".into(), "x".into(), "a-b".into()])));
        let stub = waiting.join().expect("no panic").expect("a stub");
        assert!(stub.contains("value(7, 4)"), "{stub}");
        assert!(stub.contains("export { e1 as \"x\" }") && stub.contains("export { e2 as \"a-b\" }"), "{stub}");
        assert!(stub.contains("export default m[\"default\"]"), "{stub}");
        mocks.register("/@realm/2", 8, Some(file.clone()), &[]);
        mocks.prepared(8, Some((4, vec!["__proctor_cjs".into(), "version".into()])));
        let stub = mocks.stub_for_file("/@realm/2", &file).expect("a stub");
        assert!(stub.contains("const e0 = m;\nexport { e0 as \"__proctor_cjs\" }"), "a require gets the mock: {stub}");
    }

    #[test]
    fn a_newer_realm_drops_the_older_realms_mocks_and_unmock_drops_one() {
        let mocks = BrowserMocks::default();
        let (a, b) = (PathBuf::from("/p/a.js"), PathBuf::from("/p/b.js"));
        mocks.register("/@realm/1", 1, Some(a.clone()), &[]);
        mocks.prepared(1, Some((1, vec![])));
        mocks.register("/@realm/2", 2, Some(b.clone()), &[]);
        mocks.prepared(2, Some((2, vec![])));
        assert_eq!(mocks.stub_for_file("/@realm/1", &a), None);
        assert!(mocks.stub_for_file("/@realm/2", &b).is_some_and(|s| s.contains("export default m;")));
        mocks.unregister(2);
        assert_eq!(mocks.stub_for_file("/@realm/2", &b), None);
        mocks.register("/@realm/2", 3, Some(a.clone()), &[]);
        mocks.reset();
        assert_eq!(mocks.stub_for_file("/@realm/2", &a), None);
    }

    #[test]
    fn a_file_the_realm_already_imported_cannot_be_mocked_there() {
        let mocks = BrowserMocks::default();
        let file = PathBuf::from("/p/src/dep.ts");
        mocks.note_imported("/@realm/4", &file);
        mocks.note_imported("/@realm/3", &PathBuf::from("/p/src/late.ts"));
        assert!(!mocks.register("/@realm/4", 1, Some(file.clone()), &[]));
        assert_eq!(mocks.stub_for_file("/@realm/4", &file), None);
        assert!(
            mocks.register("/@realm/4", 2, Some(PathBuf::from("/p/src/late.ts")), &[]),
            "imported by another realm"
        );
        assert!(mocks.register("/@realm/5", 3, Some(file), &[]), "a newer realm has not imported it");
    }

    #[test]
    fn root_mocks_name_packages_and_only_jest_files_use_them() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let mocks = dir.path().join("__mocks__");
        std::fs::create_dir_all(mocks.join("@scope")).expect("dirs");
        std::fs::write(mocks.join("lodash.js"), "").expect("write");
        std::fs::write(mocks.join("@scope").join("pkg.ts"), "").expect("write");
        assert_eq!(root_mock_packages(dir.path()), ["@scope/pkg", "lodash"]);
        assert!(root_mock_packages(&dir.path().join("none")).is_empty());
        assert!(uses_jest_object("const f = jest.fn();"));
        assert!(uses_jest_object("jest\n  .mock('x')"));
        assert!(!uses_jest_object("vi.fn(); const myjest = 1; // jest-dom"));
    }

    #[test]
    fn a_sub_realm_sees_its_realms_mocks_and_may_mock_what_the_realm_imported() {
        let mocks = BrowserMocks::default();
        let file = PathBuf::from("/p/src/dep.ts");
        mocks.note_imported("/@realm/4", &file);
        assert!(!mocks.register("/@realm/4", 1, Some(file.clone()), &[]));
        assert!(mocks.register("/@realm/4.1", 2, Some(file.clone()), &[]), "the sub-realm has not imported it");
        mocks.prepared(2, Some((1, vec![])));
        assert!(mocks.stub_for_file("/@realm/4", &file).is_some());
        assert!(mocks.stub_for_file("/@realm/4.2", &file).is_some());
        assert_eq!(mocks.stub_for_file("/@realm/5.1", &file), None);
        mocks.note_imported("/@realm/4.3", &PathBuf::from("/p/src/other.ts"));
        assert!(!mocks.register("/@realm/4.3", 3, Some(PathBuf::from("/p/src/other.ts")), &[]));
    }

    #[test]
    fn a_package_mock_names_the_packages_importing_it_and_comes_too_late_after_a_static_import() {
        let p = |name: &str| PathBuf::from(format!("/p/{name}"));
        let (base, wrap, outer, own) =
            (p("node_modules/base/i.js"), p("node_modules/wrap/i.js"), p("node_modules/outer/i.js"), p("src/own.js"));
        let lazy = p("node_modules/lazy/i.js");
        let all = HashMap::from([
            (wrap.clone(), vec![base.clone()]),
            (outer.clone(), vec![wrap.clone()]),
            (own.clone(), vec![wrap.clone()]),
            (lazy.clone(), vec![base.clone()]),
        ]);
        let mut imports = all.clone();
        imports.remove(&lazy);
        let mocks = BrowserMocks::default();
        mocks.set_graph(ModuleGraph::new(imports, &all, Vec::new()));
        let shared = |f: &Path| f.components().any(|c| c.as_os_str() == "node_modules");
        let dependents = mocks.dependents(&base, shared);
        assert_eq!(dependents, [lazy.clone(), outer.clone(), wrap.clone()], "project files are not among them");
        let resolved = [&[base.clone()], dependents.as_slice()].concat();
        mocks.note_imported("/@realm/2", &own);
        assert!(!mocks.register("/@realm/2", 1, Some(base.clone()), &resolved), "src/own.js resolved wrap");
        assert!(mocks.register("/@realm/2.1", 2, Some(base.clone()), &resolved), "the sub-realm resolved nothing");
        assert!(mocks.register("/@realm/2", 3, Some(p("node_modules/other/i.js")), &[]), "nothing imports it");
        // A later mock of the package replaces the earlier one, and the earlier URL answers with it.
        assert!(mocks.register("/@realm/2", 4, Some(base.clone()), &[]));
        assert!(mocks.register("/@realm/2", 5, Some(base.clone()), &[]));
        mocks.prepared(5, Some((1, vec![])));
        assert!(mocks.stub_by_id("/@realm/2", 2).is_some_and(|stub| stub.contains("value(5, 1)")));
        assert!(mocks.stub_for_file("/@realm/2", &base).is_some_and(|stub| stub.contains("value(5, 1)")));
        mocks.unregister(5);
        assert_eq!(mocks.stub_by_id("/@realm/2", 2), None);
    }

    #[test]
    fn a_package_importing_a_computed_name_and_its_importers_come_along_with_any_package_mock() {
        let p = |name: &str| PathBuf::from(format!("/p/{name}"));
        let (base, dynamic, outer, own) =
            (p("node_modules/base/i.js"), p("node_modules/dyn/i.js"), p("node_modules/outer/i.js"), p("src/own.js"));
        let all = HashMap::from([(outer.clone(), vec![dynamic.clone()]), (own.clone(), vec![dynamic.clone()])]);
        let graph = ModuleGraph::new(all.clone(), &all, vec![dynamic.clone(), own.clone(), base.clone()]);
        let shared = |f: &Path| f.components().any(|c| c.as_os_str() == "node_modules");
        assert_eq!(
            graph.dependents(&base, shared),
            [dynamic.clone(), outer.clone()],
            "not base itself, nor src/own.js"
        );
        assert_eq!(graph.dependents(&dynamic, shared), [base, outer], "what dyn may import, and what imports dyn");
    }

    #[test]
    fn a_failed_mock_rethrows_the_pages_error_and_a_package_stub_is_found_by_id() {
        let mocks = BrowserMocks::default();
        mocks.register("/@realm/1", 5, None, &[]);
        mocks.prepared(5, None);
        assert_eq!(
            mocks.stub_by_id("/@realm/1", 5).as_deref(),
            Some("throw globalThis.__proctorBrowserMocks.failure(5);\n")
        );
        assert_eq!(mocks.stub_by_id("/@realm/1", 6), None);
    }
}
