//! The browser's `esm` build: no bundler, the page imports the test files as native ES modules
//! from the server ([`EsmModules`] answers each request). [`build_esm`] walks every file the
//! selected test files reach (project files and the package files they reach), resolves each
//! import with the resolver and writes the import map that sends each specifier where the
//! resolver says: bare specifiers, and URL-like ones too (`./utils` from `/src/a.ts` is the key
//! `/src/utils`, which the import-map spec and Chromium match against the resolved URL, so
//! extensionless and directory imports load). A specifier that resolves differently for
//! different importers goes into `scopes`. Imports that do not resolve become the load error
//! of each test file that reaches them, naming the specifier and the importing file:line.

use super::browser::{url_path, BrowserBuild, CONTROLLER};
use super::entry::BuildError;
use super::page::{run_page, PageParts};
use super::served::{EsmModules, EMPTY_MODULE};
use super::setup::FileSetup;
use super::sourcemap::StackMapper;
use crate::plan::ImportSite;
use crate::resolve::{ImportKind, Resolution, ResolveError, ResolveOptions, Resolver, Target};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use swc_core::common::{sync::Lrc, FileName, SourceMap};
use swc_core::ecma::ast::*;
use swc_core::ecma::parser::{parse_file_as_program, EsSyntax, Syntax, TsSyntax};
use swc_core::ecma::visit::{Visit, VisitWith};

/// One import written in a file, with what the page needs to know of it besides the plan's
/// [`ImportSite`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageImport {
    /// The specifier, its kind and place.
    pub site: ImportSite,
    /// The names it imports by name (`import { a, b as c }` → `a`, `b`), which a CommonJS
    /// module it reaches must then export.
    pub names: Vec<String>,
    /// The `type` of its import attributes (`with { type: "json" }`): the browser loads such a
    /// file itself, not as a module made of it.
    pub attribute: Option<String>,
    /// An `import()`: what it reaches loads only when it runs, so its failures are not the
    /// importer's load error.
    pub dynamic: bool,
    /// An `import()` or `require()` of a name computed at run time (`import(name)`): no
    /// specifier, and it may reach any module.
    pub computed: bool,
}

/// Why a test file cannot load, by test file (relative path), found before the page loads.
#[derive(Clone, Default)]
pub struct LoadProblems {
    by_file: HashMap<String, String>,
    /// For the requests that found nothing, which the walk could not foresee.
    modules: Option<Arc<EsmModules>>,
}

impl LoadProblems {
    /// What to report instead of Chromium's `Failed to fetch dynamically imported module:
    /// <test file URL>`, which names the test file whatever import below it failed: what the
    /// walk found wrong below the file (an unresolved import with its specifier and importing
    /// file:line:column, a file that does not transform), else for a failed fetch the paths the
    /// server had no file for. None otherwise.
    pub fn explain(&self, file: &str, message: &str) -> Option<String> {
        // A problem among the static imports stops the file before any of its code runs, so
        // it is the cause whatever Chromium says (a fetch failure, a missing export).
        if let Some(found) = self.by_file.get(file) {
            return Some(found.clone());
        }
        let fetch_failed = ["Failed to fetch dynamically imported module", "Failed to resolve module specifier"]
            .iter()
            .any(|m| message.contains(m));
        if !fetch_failed {
            return None;
        }
        let missing = self.modules.as_ref()?.missing();
        (!missing.is_empty()).then(|| format!("{message} (the server had no file for {})", missing.join(", ")))
    }
}

/// Writes the entry, import map and run page (from `page`, the suite's HTML, if any) for
/// `files` (relative, absolute path) of the project at `root`, each test file run after the
/// setup files of `setup`.
#[allow(clippy::too_many_arguments)]
pub(super) fn build_esm(
    build_dir: &Path,
    root: &Path,
    controller_dir: &Path,
    modules: &Arc<EsmModules>,
    files: &[(String, PathBuf)],
    setup: &FileSetup,
    page: Option<&Path>,
    origin: &str,
    ws_url: &str,
) -> Result<BrowserBuild, BuildError> {
    let started = Instant::now();
    let write = |name: &str, text: String| {
        std::fs::write(build_dir.join(name), text)
            .map_err(|source| BuildError::Write { dir: build_dir.to_path_buf(), source })
    };
    let js = |s: &str| serde_json::to_string(s).expect("strings always serialize");
    let mut entry = format!("import {{ startBrowser }} from \"/__proctor/{CONTROLLER}/browser.js\";\n");
    // `realms`: the server serves every project URL under `/@realm/<n>/` too (served.rs), so a
    // fresh realm per test file gets fresh module instances.
    entry.push_str(&format!("startBrowser({{\n  url: {},\n  realms: true,\n", js(ws_url)));
    entry.push_str(&setup.mock_hygiene_js());
    entry.push_str(&setup.setup_files_js(|rel, _| {
        let path = format!("/{}", url_path(rel));
        (format!("{origin}{path}"), path)
    }));
    entry.push_str("  files: [\n");
    for (rel, _) in files {
        let path = format!("/{}", url_path(rel));
        let url = format!("{origin}{path}");
        // `at`: the same file under a fresh realm's prefix (see controller.js `realmUrl`).
        entry.push_str(&format!(
            "    {{ file: {}, url: {}, load: (at) => import(at ?? {}) }},\n",
            js(rel),
            js(&url),
            js(&path)
        ));
    }
    entry.push_str("  ],\n});\n");
    write("entry.js", entry)?;
    let starts: Vec<PathBuf> =
        files.iter().map(|(_, abs)| abs.canonicalize().unwrap_or_else(|_| abs.clone())).collect();
    // The setup files are walked from too: what they import is in the import map and preloaded.
    // So are the page's own module scripts (`<script type="module" src>`), which import as test
    // files do.
    let setup_starts: Vec<PathBuf> = setup.paths().into_iter().map(|abs| abs.canonicalize().unwrap_or(abs)).collect();
    let page_starts: Vec<PathBuf> = page
        .map(|page| super::page::page_modules(page, root))
        .unwrap_or_default()
        .into_iter()
        .map(|abs| abs.canonicalize().unwrap_or(abs))
        .collect();
    let walk = walk(modules, &[starts.as_slice(), &setup_starts, &page_starts].concat());
    // Every module the page will import — the controller's and everything the test files reach —
    // is preloaded at once instead of being found one import level at a time.
    let controller_resolver = Resolver::new(ResolveOptions {
        root: controller_dir.to_path_buf(),
        target: Target::Browser,
        alias: Vec::new(),
        conditions: Vec::new(),
        mock_roots: Vec::new(),
    });
    let controller_modules = crate::plan::reachable(&controller_resolver, &[controller_dir.join("browser.js")]).files;
    let mut preloads: Vec<String> = controller_modules
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "js"))
        .filter_map(|p| p.strip_prefix(controller_dir).ok())
        .map(|rel| format!("/__proctor/{CONTROLLER}/{}", url_path(&rel.to_string_lossy())))
        .collect();
    preloads.extend(walk.order.iter().filter_map(|f| modules.url_for(f)).filter(|u| !u.ends_with("?import")));
    let problems = LoadProblems {
        by_file: files
            .iter()
            .zip(&starts)
            .filter_map(|((rel, _), start)| {
                // What keeps a setup file from loading keeps every test file from loading.
                let problem = setup_starts.iter().chain([start]).find_map(|file| walk.first_problem(file));
                problem.map(|p| (rel.clone(), p))
            })
            .collect(),
        modules: Some(modules.clone()),
    };
    let mut head = format!("<script type=\"importmap\">\n{}\n</script>\n", walk.import_map());
    modules.set_graph(super::mocks::ModuleGraph::new(walk.unseen.clone(), &walk.reached, walk.computed.clone()));
    for href in &preloads {
        head.push_str(&format!("<link rel=\"modulepreload\" href=\"{href}\">\n"));
    }
    let parts = PageParts {
        head,
        head_end: String::new(),
        body_end: "<script type=\"module\" src=\"/__proctor/entry.js\"></script>\n".into(),
    };
    write("index.html", run_page(page, &parts)?)?;
    Ok(BrowserBuild {
        stacks: StackMapper::served(origin, root, build_dir, None).with_modules(modules.clone()),
        tool: "esm".into(),
        duration: started.elapsed(),
        problems,
    })
}

/// What the walk from the test files found.
#[derive(Debug, Default)]
struct Walk {
    /// Files in the order they were reached.
    order: Vec<PathBuf>,
    /// Per file, the files its static imports resolved to (what must load before it runs).
    edges: HashMap<PathBuf, Vec<PathBuf>>,
    /// Per file, what keeps it from loading: imports that did not resolve, a failed transform.
    unresolved: HashMap<PathBuf, Vec<String>>,
    /// Import-map key → target URL → importer URLs.
    keys: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    /// Per file, the files any of its imports resolved to (dynamic ones too).
    reached: HashMap<PathBuf, Vec<PathBuf>>,
    /// Per file, what the page may have resolved from it without the controller seeing: its
    /// static imports, and the `import()`s of a file the transform does not route through
    /// `fresh` (a plain script). Package mocks ask it (mocks.rs [`ModuleGraph`]).
    unseen: HashMap<PathBuf, Vec<PathBuf>>,
    /// Files with an `import()` or `require()` of a computed name, which may reach any module.
    computed: Vec<PathBuf>,
}

fn walk(modules: &EsmModules, starts: &[PathBuf]) -> Walk {
    let mut walk = Walk::default();
    let mut queue: VecDeque<PathBuf> = starts.iter().cloned().collect();
    let mut seen: std::collections::HashSet<PathBuf> = queue.iter().cloned().collect();
    while let Some(file) = queue.pop_front() {
        walk.order.push(file.clone());
        let Some(importer_url) = modules.url_for(&file) else { continue };
        let records = match is_module_source(&file).then(|| read_imports(modules, &file)) {
            Some(Ok(records)) => records,
            Some(Err(why)) => {
                walk.unresolved.entry(file.clone()).or_default().push(why);
                continue;
            }
            None => Vec::new(),
        };
        let in_package = file.components().any(|c| c.as_os_str() == "node_modules");
        let mut routed = None;
        for record in records {
            if record.computed {
                if walk.computed.last() != Some(&file) {
                    walk.computed.push(file.clone());
                }
                continue;
            }
            let why = match modules.resolver().resolve(&file, &record.site.specifier, record.site.kind) {
                // The import map names the controller for each of these (see `import_map`).
                Ok(Resolution::TestApi) => continue,
                Ok(Resolution::File(target)) => Ok(target.canonicalize().unwrap_or(target)),
                Ok(Resolution::Empty(_)) => {
                    if let Some(key) = import_map_key(&importer_url, &record.site.specifier) {
                        let importers = walk.keys.entry(key).or_default().entry(EMPTY_MODULE.into()).or_default();
                        importers.push(importer_url.clone());
                    }
                    continue;
                }
                // A require the package guards with try/catch may fail; it throws when called.
                _ if record.site.kind == ImportKind::Require && in_package => continue,
                // An import() that fails rejects where it runs, with the URL it asked for.
                Err(_) if record.dynamic => continue,
                Err(ResolveError::NotFound { hint, .. }) => Err(hint),
                Err(ResolveError::Invalid { message, .. }) => Err(format!(": {message}")),
                Ok(Resolution::Builtin(_)) | Err(ResolveError::NodeBuiltin { .. }) => {
                    Err(": it is a node builtin module, which browsers do not have".into())
                }
            };
            let target = match why {
                Ok(target) => target,
                Err(why) => {
                    let place =
                        format!("{}:{}:{}", display(modules.root(), &file), record.site.line, record.site.column);
                    let message = format!("cannot resolve \"{}\" imported at {place}{why}", record.site.specifier);
                    walk.unresolved.entry(file.clone()).or_default().push(message);
                    continue;
                }
            };
            let url = match record.attribute {
                Some(_) => modules.plain_url(&target),
                None => modules.url_for(&target),
            };
            let Some(url) = url else {
                let place = format!("{}:{}:{}", display(modules.root(), &file), record.site.line, record.site.column);
                let message = format!(
                    "cannot load \"{}\" imported at {place}: it resolves to {}, outside the project and the packages it may load",
                    record.site.specifier,
                    target.display()
                );
                walk.unresolved.entry(file.clone()).or_default().push(message);
                continue;
            };
            if let (Some(key), ImportKind::Import) =
                (import_map_key(&importer_url, &record.site.specifier), record.site.kind)
            {
                walk.keys.entry(key).or_default().entry(url).or_default().push(importer_url.clone());
            }
            if !record.names.is_empty() {
                modules.imports_names(&target, &record.names);
            }
            if !record.dynamic {
                walk.edges.entry(file.clone()).or_default().push(target.clone());
            }
            walk.reached.entry(file.clone()).or_default().push(target.clone());
            if !record.dynamic || !*routed.get_or_insert_with(|| modules.routes_dynamic_imports(&file)) {
                walk.unseen.entry(file.clone()).or_default().push(target.clone());
            }
            if seen.insert(target.clone()) {
                queue.push_back(target);
            }
        }
    }
    walk
}

impl Walk {
    /// The import map: each key with one target in `imports`; a key whose target differs by
    /// importer keeps its most common target there and the others in `scopes` by importer. A
    /// key that is its own target needs no entry, unless other importers' targets differ.
    fn import_map(&self) -> String {
        let mut imports = serde_json::Map::new();
        for name in protocol::API_MODULES {
            imports.insert((*name).into(), format!("/__proctor/{CONTROLLER}/index.js").into());
        }
        let mut scopes: BTreeMap<String, serde_json::Map<String, serde_json::Value>> = BTreeMap::new();
        for (key, targets) in &self.keys {
            let Some((common, _)) = targets.iter().max_by_key(|(_, importers)| importers.len()) else { continue };
            if common != key {
                imports.insert(key.clone(), common.clone().into());
            }
            for (target, importers) in targets.iter().filter(|(t, _)| *t != common) {
                for importer in importers {
                    scopes.entry(importer.clone()).or_default().insert(key.clone(), target.clone().into());
                }
            }
        }
        let mut map = serde_json::json!({ "imports": imports });
        if !scopes.is_empty() {
            map["scopes"] = serde_json::to_value(scopes).unwrap_or_default();
        }
        serde_json::to_string_pretty(&map).unwrap_or_default()
    }

    /// The first unresolved import reachable from `start`, breadth first.
    fn first_problem(&self, start: &Path) -> Option<String> {
        let mut queue = VecDeque::from([start.to_path_buf()]);
        let mut seen = std::collections::HashSet::from([start.to_path_buf()]);
        while let Some(file) = queue.pop_front() {
            if let Some(problem) = self.unresolved.get(&file).and_then(|p| p.first()) {
                return Some(problem.clone());
            }
            for next in self.edges.get(&file).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    queue.push_back(next.clone());
                }
            }
        }
        None
    }
}

/// A file as the messages name it: relative to the root when inside.
fn display(root: &Path, file: &Path) -> String {
    file.strip_prefix(root).unwrap_or(file).to_string_lossy().into_owned()
}

/// The import-map key for `specifier` written in the module at `importer_url`: bare
/// specifiers as written; relative ones as the URL path they name (what the browser matches
/// URL-like keys against). None for full URLs and `data:` and the like.
fn import_map_key(importer_url: &str, specifier: &str) -> Option<String> {
    if specifier.starts_with("./") || specifier.starts_with("../") {
        let base = importer_url.split('?').next()?;
        let dir = &base[..base.rfind('/')? + 1];
        let mut parts: Vec<&str> = dir.trim_end_matches('/').split('/').collect();
        for segment in specifier.split('/') {
            match segment {
                "." => {}
                ".." => {
                    if parts.len() > 1 {
                        parts.pop();
                    }
                }
                other => parts.push(other),
            }
        }
        return Some(parts.join("/"));
    }
    if specifier.starts_with('/') {
        return Some(specifier.to_string());
    }
    if specifier.contains(':') {
        return None;
    }
    Some(specifier.to_string())
}

fn is_module_source(file: &Path) -> bool {
    file.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "js" | "mjs" | "cjs" | "jsx" | "ts" | "tsx" | "mts" | "cts"))
}

/// Every literal import of `file` as the browser will see them: static imports and
/// re-exports, literal `import()` and `require()`. A file the transform changes is read after
/// it (type-only imports are gone, the JSX runtime's import is there) and each position goes
/// back through the transform's map to the original file; a file it cannot transform is the
/// transform's message.
fn read_imports(modules: &EsmModules, file: &Path) -> Result<Vec<PageImport>, String> {
    if let Some(transformed) = modules.transformed(file) {
        let (code, map) = transformed?;
        let map = sourcemap::SourceMap::from_slice(map.as_bytes()).ok();
        let mut records = imports_of(Path::new("transformed.js"), &code);
        for record in &mut records {
            let original = map.as_ref().and_then(|m| m.lookup_token(record.site.line - 1, record.site.column - 1));
            (record.site.line, record.site.column) =
                original.map_or((1, 1), |t| (t.get_src_line() + 1, t.get_src_col() + 1));
        }
        return Ok(records);
    }
    let Ok(source) = std::fs::read_to_string(file) else { return Ok(Vec::new()) };
    Ok(imports_of(file, &source))
}

fn imports_of(file: &Path, source: &str) -> Vec<PageImport> {
    let name = file.to_string_lossy();
    let syntax = if name.ends_with(".ts") || name.ends_with(".mts") || name.ends_with(".cts") || name.ends_with(".tsx")
    {
        Syntax::Typescript(TsSyntax { tsx: name.ends_with(".tsx"), decorators: true, ..Default::default() })
    } else {
        Syntax::Es(EsSyntax {
            jsx: name.ends_with(".jsx"),
            decorators: true,
            import_attributes: true,
            allow_return_outside_function: true,
            ..Default::default()
        })
    };
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Real(file.to_path_buf())), source.to_string());
    let mut errors = Vec::new();
    let Ok(program) = parse_file_as_program(&fm, syntax, EsVersion::latest(), None, &mut errors) else {
        return Vec::new();
    };
    let mut collector = Collector { cm: cm.clone(), records: Vec::new() };
    program.visit_with(&mut collector);
    collector.records
}

fn export_name(name: &ModuleExportName) -> String {
    match name {
        ModuleExportName::Ident(ident) => ident.sym.to_string(),
        ModuleExportName::Str(s) => s.value.to_string_lossy().into_owned(),
    }
}

struct Collector {
    cm: Lrc<SourceMap>,
    records: Vec<PageImport>,
}

impl Collector {
    fn push(&mut self, specifier: &Str, kind: ImportKind, names: Vec<String>, with: Option<&ObjectLit>) {
        let attribute = with.and_then(|object| {
            object.props.iter().find_map(|prop| match prop {
                PropOrSpread::Prop(prop) => match &**prop {
                    Prop::KeyValue(kv)
                        if matches!(&kv.key, PropName::Ident(i) if &*i.sym == "type")
                            || matches!(&kv.key, PropName::Str(s) if s.value == *"type") =>
                    {
                        match &*kv.value {
                            Expr::Lit(Lit::Str(s)) => Some(s.value.to_string_lossy().into_owned()),
                            _ => None,
                        }
                    }
                    _ => None,
                },
                PropOrSpread::Spread(_) => None,
            })
        });
        let at = self.cm.lookup_char_pos(specifier.span.lo);
        self.records.push(PageImport {
            site: ImportSite {
                specifier: specifier.value.to_string_lossy().into_owned(),
                kind,
                line: at.line as u32,
                column: at.col_display as u32 + 1,
            },
            names,
            attribute,
            dynamic: false,
            computed: false,
        });
    }
}

impl Visit for Collector {
    fn visit_import_decl(&mut self, decl: &ImportDecl) {
        if !decl.type_only {
            let names = decl
                .specifiers
                .iter()
                .filter_map(|specifier| match specifier {
                    ImportSpecifier::Named(named) if !named.is_type_only => {
                        Some(named.imported.as_ref().map_or_else(|| named.local.sym.to_string(), export_name))
                    }
                    _ => None,
                })
                .collect();
            self.push(&decl.src, ImportKind::Import, names, decl.with.as_deref());
        }
    }

    fn visit_named_export(&mut self, export: &NamedExport) {
        if let Some(src) = export.src.as_deref().filter(|_| !export.type_only) {
            let names = export
                .specifiers
                .iter()
                .filter_map(|specifier| match specifier {
                    ExportSpecifier::Named(named) if !named.is_type_only => Some(export_name(&named.orig)),
                    _ => None,
                })
                .collect();
            self.push(src, ImportKind::Import, names, export.with.as_deref());
        }
    }

    fn visit_export_all(&mut self, export: &ExportAll) {
        if !export.type_only {
            self.push(&export.src, ImportKind::Import, Vec::new(), export.with.as_deref());
        }
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        let kind = match &call.callee {
            Callee::Import(_) => Some(ImportKind::Import),
            Callee::Expr(callee) if matches!(&**callee, Expr::Ident(i) if &*i.sym == "require") => {
                Some(ImportKind::Require)
            }
            _ => None,
        };
        if let (Some(kind), Some(arg)) = (kind, call.args.first()) {
            if let Some(s) = literal_specifier(&arg.expr) {
                self.push(s, kind, Vec::new(), None);
                if let Some(record) = self.records.last_mut() {
                    record.dynamic = matches!(call.callee, Callee::Import(_));
                }
            } else {
                let at = self.cm.lookup_char_pos(call.span.lo);
                self.records.push(PageImport {
                    site: ImportSite {
                        specifier: String::new(),
                        kind,
                        line: at.line as u32,
                        column: at.col_display as u32 + 1,
                    },
                    names: Vec::new(),
                    attribute: None,
                    dynamic: true,
                    computed: true,
                });
            }
        }
        call.visit_children_with(self);
    }
}

/// The string literal an import names: `"./x"` itself, or inside the browser transform's
/// `(globalThis.__proctorMocks?.fresh ?? String)("./x", import.meta)` (fresh_imports.rs).
fn literal_specifier(expr: &Expr) -> Option<&Str> {
    match expr {
        Expr::Lit(Lit::Str(s)) => Some(s),
        Expr::Call(CallExpr { callee: Callee::Expr(callee), args, .. })
            if matches!(&**callee, Expr::Paren(_))
                && args.len() == 2
                && matches!(&*args[1].expr, Expr::MetaProp(MetaPropExpr { kind: MetaPropKind::ImportMeta, .. })) =>
        {
            match &*args[0].expr {
                Expr::Lit(Lit::Str(s)) => Some(s),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::served::{esm_modules, project};
    use super::*;

    #[test]
    fn an_import_routed_through_fresh_still_names_its_literal() {
        let code = "await import((globalThis.__proctorMocks?.fresh ?? String)('./x.js', import.meta));\n\
                    await import((globalThis.__proctorMocks?.fresh ?? String)(name, import.meta));\n";
        let found: Vec<_> = imports_of(Path::new("a.js"), code)
            .into_iter()
            .map(|r| (r.site.specifier, r.dynamic, r.computed))
            .collect();
        assert_eq!(found, [("./x.js".to_string(), true, false), (String::new(), true, true)]);
    }

    #[test]
    fn an_import_or_require_of_a_computed_name_is_marked_so() {
        let code = "const load = (name) => import(name);
const get = (name) => require(`${name}/x`);
require('./a');
";
        let found: Vec<_> = imports_of(Path::new("a.js"), code)
            .into_iter()
            .map(|r| (r.site.specifier, r.site.kind, r.site.line, r.computed))
            .collect();
        assert_eq!(
            found,
            [
                (String::new(), ImportKind::Import, 1, true),
                (String::new(), ImportKind::Require, 2, true),
                ("./a".to_string(), ImportKind::Require, 3, false)
            ]
        );
    }

    #[test]
    fn url_like_keys_are_the_paths_relative_specifiers_name() {
        assert_eq!(import_map_key("/src/a.ts", "./utils").as_deref(), Some("/src/utils"));
        assert_eq!(import_map_key("/src/deep/a.ts", "../lib").as_deref(), Some("/src/lib"));
        assert_eq!(import_map_key("/@fs/w/node_modules/p/a.js", "./b").as_deref(), Some("/@fs/w/node_modules/p/b"));
        assert_eq!(import_map_key("/a.ts", "react").as_deref(), Some("react"));
        assert_eq!(import_map_key("/a.ts", "https://x.example/y.js"), None);
    }

    #[test]
    fn imports_carry_kind_and_place_and_type_imports_are_left_out() {
        let dir = project(&[(
            "x.tsx",
            "import type { T } from './types';\nimport a from './a';\nimport { OnlyAType } from './b';\nexport * from \"./c\";\nconst d = require('./d');\nconst e = () => import('./e');\nconst el = <div>{a as T}</div>;\nlet x: OnlyAType;",
        )]);
        let root = dir.path().canonicalize().unwrap();
        let modules = esm_modules(&root, &root.join(".cache"));
        let records = read_imports(&modules, &root.join("x.tsx")).unwrap();
        let found: Vec<_> =
            records.iter().map(|r| (r.site.specifier.as_str(), r.site.kind, r.site.line, r.site.column)).collect();
        assert_eq!(
            found,
            [
                ("react/jsx-runtime", ImportKind::Import, 1, 1),
                ("./a", ImportKind::Import, 2, 15),
                ("./c", ImportKind::Import, 4, 15),
                ("./d", ImportKind::Require, 5, 19),
                ("./e", ImportKind::Import, 6, 24),
            ]
        );
    }

    #[test]
    fn what_stops_a_file_loading_is_its_problem_and_a_dynamic_import_is_not() {
        let dir = project(&[
            ("a.test.ts", "import { b } from './b';\nexport const later = () => import('./gone');\nconsole.log(b);"),
            ("b.ts", "export const b: number = (;"),
            ("c.test.js", "export const later = () => import('./gone');"),
        ]);
        let root = dir.path().canonicalize().unwrap();
        let modules = esm_modules(&root, &root.join(".cache"));
        let walk = walk(&modules, &[root.join("a.test.ts"), root.join("c.test.js")]);
        let problem = walk.first_problem(&root.join("a.test.ts")).unwrap();
        assert!(problem.contains("b.ts"), "the file that does not transform is named: {problem}");
        assert_eq!(walk.first_problem(&root.join("c.test.js")), None);
    }

    #[test]
    fn the_import_map_sends_each_specifier_where_the_resolver_says() {
        let dir = project(&[
            (
                "src/a.test.ts",
                "import { u } from './utils';\nimport d from './dir';\nimport p from 'pkg';\nimport o from './other';\nconsole.log(u, d, p, o);",
            ),
            ("src/utils.ts", "export const u = 1;"),
            ("src/dir/index.js", "export default 1;"),
            ("src/other.js", "import p from 'pkg';\nimport j from './data.json' with { type: 'json' };\nexport default p;"),
            ("src/data.json", "{}"),
            ("node_modules/pkg/package.json", r#"{"name":"pkg","exports":{"browser":"./b.js","default":"./n.js"}}"#),
            ("node_modules/pkg/b.js", "export default 'b';"),
            ("node_modules/pkg/n.js", "export default 'n';"),
            ("src/nested/node_modules/pkg/package.json", r#"{"name":"pkg","main":"v2.js"}"#),
            ("src/nested/node_modules/pkg/v2.js", "export default 2;"),
            ("src/nested/x.test.js", "import p from 'pkg';\nimport m from '../missing';\nimport j from '../data.json';\nimport o from '../other.js';"),
        ]);
        let cache = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let modules = esm_modules(&root, cache.path());
        let walk = walk(&modules, &[root.join("src/a.test.ts"), root.join("src/nested/x.test.js")]);
        let map: serde_json::Value = serde_json::from_str(&walk.import_map()).unwrap();
        assert_eq!(map["imports"]["/src/utils"], "/src/utils.ts");
        assert_eq!(map["imports"]["/src/dir"], "/src/dir/index.js");
        assert_eq!(map["imports"]["/src/other"], "/src/other.js");
        assert_eq!(map["imports"]["pkg"], "/node_modules/pkg/b.js");
        assert_eq!(map["scopes"]["/src/nested/x.test.js"]["pkg"], "/src/nested/node_modules/pkg/v2.js");
        assert_eq!(map["imports"]["/src/data.json"], "/src/data.json?import");
        assert_eq!(
            map["scopes"]["/src/other.js"]["/src/data.json"], "/src/data.json",
            "an import with a type attribute gets the file itself"
        );
        assert_eq!(map["imports"].get("/src/other.js"), None, "a specifier that is its own target needs no entry");
        assert_eq!(walk.first_problem(&root.join("src/a.test.ts")), None);
        assert_eq!(
            walk.first_problem(&root.join("src/nested/x.test.js")).as_deref(),
            Some("cannot resolve \"../missing\" imported at src/nested/x.test.js:2:15")
        );
        let problems = LoadProblems {
            by_file: HashMap::from([("src/nested/x.test.js".to_string(), "why".to_string())]),
            modules: None,
        };
        let chromium = "Failed to fetch dynamically imported module: http://127.0.0.1:1/src/nested/x.test.js";
        assert_eq!(problems.explain("src/nested/x.test.js", chromium).as_deref(), Some("why"));
        assert_eq!(problems.explain("src/nested/x.test.js", "does not provide an export").as_deref(), Some("why"));
        assert_eq!(problems.explain("src/a.test.ts", chromium), None);
    }
}
