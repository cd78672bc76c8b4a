//! What the server sends for a module request in the browser's `esm` build: [`EsmModules`]
//! maps URL paths to files (project files at `/path`, node_modules above the root and
//! symlinked packages at `/@fs/<absolute path>`, as Vite does; nothing else outside the root)
//! and turns each file into what a browser can import — TypeScript and JSX transformed,
//! CommonJS package files wrapped as ES modules (`cjs.rs`), and JSON, CSS and assets imported
//! with `?import` as small modules. Results are kept per file and modification time, so the
//! build's walk (`esm.rs`) warms what the page then requests. Every URL is also served under a
//! realm prefix, `/@realm/<n>/<same path>`, with the same content: the browser's module map
//! takes it for another module, so each realm (test file) gets fresh instances of the project
//! files it imports by relative URL, while bare specifiers still go through the import map to
//! the shared URLs.

use super::browser::CONTROLLER;
use super::cjs;
use super::mocks::{BrowserMocks, MOCK_EXTENSIONS};
use super::modules::ProjectModules;
use crate::paths::{file_url, normalize, percent_decode};
use crate::resolve::{ImportKind, Resolution, Resolver};
use crate::transform::{CachedModule, ModuleFormat};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// The URL prefix for files outside the project root that may be served.
const FS_PREFIX: &str = "/@fs/";

/// The URL prefix of a realm's own copies of the served URLs: `/@realm/<n>/...`.
pub const REALM_PREFIX: &str = "/@realm/";

/// Splits a realm prefix off `url_path`: `/@realm/3/src/x.js` is (`Some("/@realm/3")`,
/// `/src/x.js`), and a sub-realm's (`/@realm/3.2/`, fresh instances after `vi.resetModules()`
/// in realm 3) likewise; a path without one (or with a malformed one) is (`None`, itself).
pub fn split_realm(url_path: &str) -> (Option<&str>, &str) {
    let Some(rest) = url_path.strip_prefix(REALM_PREFIX) else { return (None, url_path) };
    let number = |text: &str| text.bytes().take_while(u8::is_ascii_digit).count();
    let mut digits = number(rest);
    if digits > 0 && rest[digits..].starts_with('.') {
        let sub = number(&rest[digits + 1..]);
        digits = if sub == 0 { 0 } else { digits + 1 + sub };
    }
    if digits == 0 || !rest[digits..].starts_with('/') {
        return (None, url_path);
    }
    let end = REALM_PREFIX.len() + digits;
    (Some(&url_path[..end]), &url_path[end..])
}

/// Extensions of files the browser imports as JavaScript (after a transform where needed).
const SCRIPTS: &[&str] = &["js", "mjs", "cjs", "jsx", "ts", "tsx", "mts", "cts"];

/// What a package.json `browser` field maps to `false` stands for: an empty module (as Vite
/// and bundlers give it), also for a `require()`.
pub(crate) const EMPTY_MODULE: &str =
    "data:text/javascript,export%20default%20%7B%7D%3Bexport%20const%20__proctor_cjs%20%3D%20%7B%7D%3B";

/// What to send for one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A body with its content type.
    Body {
        /// The `Content-Type`.
        content_type: &'static str,
        /// The bytes.
        body: Arc<Vec<u8>>,
    },
    /// The request named no file but resolves to one (an extensionless or directory import
    /// the build's walk could not see, such as a computed `import()`).
    Redirect(String),
    /// Nothing to serve there, or not allowed.
    NotFound,
}

/// One module as served: JS (transformed or wrapped) or a file as it is.
#[derive(Debug, Clone)]
struct Served {
    modified: Option<SystemTime>,
    content_type: &'static str,
    body: Arc<Vec<u8>>,
}

/// The server side of the `esm` build for one project.
pub struct EsmModules {
    root: PathBuf,
    /// The suite's resolver and transform, shared with every other user of them.
    modules: Arc<ProjectModules>,
    /// Directories outside the root whose files may be served: node_modules of the root's
    /// ancestors and the targets of symlinked packages.
    allowed: Vec<PathBuf>,
    served: Mutex<HashMap<(PathBuf, bool), Served>>,
    /// Source maps of transformed files by URL path, for the stack mapper.
    maps: Mutex<HashMap<String, Arc<str>>>,
    /// Names importers import from each file by name: a CommonJS file exports them too, when
    /// no static analysis finds them (`import { join } from "lodash"`, as Vite's interop gives).
    wanted: Mutex<HashMap<PathBuf, BTreeSet<String>>>,
    /// URL paths requested that were not there, in order.
    missing: Mutex<Vec<String>>,
    /// The module mocks of the page's current realm (mocks.rs).
    mocks: BrowserMocks,
}

impl std::fmt::Debug for EsmModules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EsmModules").field("root", &self.root).field("allowed", &self.allowed).finish_non_exhaustive()
    }
}

impl EsmModules {
    /// The esm build's server side for the suite `modules` are for.
    pub fn new(modules: Arc<ProjectModules>) -> EsmModules {
        let root = &modules.settings().root;
        let root = root.canonicalize().unwrap_or_else(|_| root.clone());
        EsmModules {
            allowed: outside_packages(&root),
            root,
            modules,
            served: Mutex::new(HashMap::new()),
            maps: Mutex::new(HashMap::new()),
            wanted: Mutex::new(HashMap::new()),
            missing: Mutex::new(Vec::new()),
            mocks: BrowserMocks::default(),
        }
    }

    /// The project root (canonical).
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The resolver the walk and the CommonJS wrapper share.
    pub(crate) fn resolver(&self) -> &Resolver {
        self.modules.resolver()
    }

    /// The URL path a browser imports `file` at; non-script files get `?import`, which makes
    /// them modules. None when the file may not be served.
    pub fn url_for(&self, file: &Path) -> Option<String> {
        let base = self.plain_url(file)?;
        Some(if is_script(file) { base } else { format!("{base}?import") })
    }

    /// The URL path of `file` itself (no `?import`), if it may be served.
    pub fn plain_url(&self, file: &Path) -> Option<String> {
        let encoded = |p: &Path| file_url(p).trim_start_matches("file://").to_string();
        if let Ok(rel) = file.strip_prefix(&self.root) {
            return Some(encoded(&Path::new("/").join(rel)));
        }
        self.allowed.iter().any(|dir| file.starts_with(dir)).then(|| format!("/@fs{}", encoded(file)))
    }

    /// The file a URL path names, if it may be served.
    pub fn file_for(&self, url_path: &str) -> Option<PathBuf> {
        let decoded = percent_decode(url_path);
        if let Some(abs) = decoded.strip_prefix(FS_PREFIX) {
            let file = normalize(&Path::new("/").join(abs));
            let real = file.canonicalize().unwrap_or_else(|_| file.clone());
            let inside = |p: &Path| p.starts_with(&self.root) || self.allowed.iter().any(|dir| p.starts_with(dir));
            return (inside(&file) && inside(&real)).then_some(file);
        }
        let file = normalize(&self.root.join(decoded.trim_start_matches('/')));
        let real = file.canonicalize().unwrap_or_else(|_| file.clone());
        (file.starts_with(&self.root) && real.starts_with(&self.root)).then_some(file)
    }

    /// The source map of a transformed file served at `url_path` (JSON).
    pub fn map_for(&self, url_path: &str) -> Option<Arc<str>> {
        self.maps.lock().ok()?.get(url_path).cloned()
    }

    /// URL paths that were requested but not there.
    pub fn missing(&self) -> Vec<String> {
        self.missing.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// What to send for a request of `url_path` with `query`; `dest` is the request's
    /// `Sec-Fetch-Dest`. A non-script file is a module when the query says `import` (what the
    /// import map asks for) or the browser fetches it as a script (a computed `import()` of a
    /// JSON or CSS file), and itself when fetched as JSON or CSS (an import with `with { type:
    /// "json" }`, whose URL the import map also sent to `?import`).
    pub fn respond(&self, url_path: &str, query: Option<&str>, dest: Option<&str>) -> Reply {
        let requested = url_path;
        // A realm's URL is served as the URL it stands for; only a redirect must stay in the realm.
        let (realm, url_path) = split_realm(url_path);
        // A module the realm mocks is its stub, unless the mock itself asks for the actual one.
        let mocking = realm.filter(|_| !query.is_some_and(|q| q.split('&').any(|p| p == ACTUAL_QUERY)));
        if let (Some(realm), Some(id)) = (mocking, url_path.strip_prefix(MOCK_PREFIX)) {
            let stub = id.parse().ok().and_then(|id| self.mocks.stub_by_id(realm, id));
            return stub.map_or(Reply::NotFound, javascript);
        }
        let Some(file) = self.file_for(url_path) else { return Reply::NotFound };
        if let Some(realm) = mocking {
            if let Some(stub) = self.mocks.stub_for_file(realm, &file) {
                return javascript(stub);
            }
            self.mocks.note_imported(realm, &file);
        }
        if !file.is_file() {
            // An extensionless or directory import: resolve it as the bundlers would.
            let found =
                self.resolver().resolve(&self.root.join("index.js"), &file.to_string_lossy(), ImportKind::Import);
            if let Ok(Resolution::File(target)) = found {
                if target != file {
                    if let Some(url) = self.url_for(&target) {
                        return Reply::Redirect(format!("{}{url}", realm.unwrap_or_default()));
                    }
                }
            }
            // What a page fetches on its own (favicon.ico, images) is not a module that failed.
            let module_fetch = matches!(dest, None | Some("script" | "json" | "style"));
            if let (true, Ok(mut missing)) = (module_fetch, self.missing.lock()) {
                missing.push(requested.to_string());
            }
            return Reply::NotFound;
        }
        let as_import = !is_script(&file)
            && match dest {
                Some("script") => true,
                Some("json" | "style") => false,
                _ => query.is_some_and(|q| q.split('&').any(|p| p == "import")),
            };
        match self.serve(&file, url_path, as_import) {
            Some(served) => Reply::Body { content_type: served.content_type, body: served.body },
            None => Reply::NotFound,
        }
    }

    /// A request of the page's module-mock endpoints (mocks.rs): `path` is under `/@mock/`,
    /// `body` the request's JSON body (empty for a GET). Answers JSON; `{ "error": ... }` when
    /// the request cannot be met.
    pub fn mock_request(&self, path: &str, query: Option<&str>, body: &[u8]) -> Reply {
        let answer = match path {
            "/@mock/resolve" => {
                let param = |name: &str| {
                    query?.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('=')).map(percent_decode)
                };
                match param("spec") {
                    Some(spec) => self.resolve_mock(&spec, param("from").as_deref()),
                    None => Err("a resolve request names no `spec`".to_string()),
                }
            }
            "/@mock/automatic" => {
                let file =
                    query.and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("file="))).map(percent_decode);
                Ok(self.automatic_mocks(file.as_deref()))
            }
            "/@mock/register" | "/@mock/prepared" | "/@mock/unregister" | "/@mock/reset" => {
                serde_json::from_slice::<MockMessage>(body)
                    .map_err(|err| err.to_string())
                    .map(|message| self.mock_message(path, message))
            }
            _ => return Reply::NotFound,
        };
        let value = answer.unwrap_or_else(|error| serde_json::json!({ "error": error }));
        Reply::Body { content_type: "application/json", body: Arc::new(value.to_string().into_bytes()) }
    }

    /// Carries out a mock message; `imported` in the answer to a registration says that the
    /// realm already imported the file.
    fn mock_message(&self, path: &str, message: MockMessage) -> serde_json::Value {
        match path {
            "/@mock/register" => {
                let file = message.key.as_deref().and_then(|key| self.file_for(key)).filter(|file| file.is_file());
                // A package's importers among the packages: the realm's own copies of them see the mock.
                let shared = |f: &Path| self.plain_url(f).is_some_and(|url| is_shared_url(&url));
                let dependents = match (&file, message.package) {
                    (Some(file), true) => self.mocks.dependents(file, shared),
                    _ => Vec::new(),
                };
                let resolved = match (&file, message.package && message.late) {
                    (Some(file), true) => {
                        [&[file.canonicalize().unwrap_or_else(|_| file.clone())], dependents.as_slice()].concat()
                    }
                    _ => Vec::new(),
                };
                let registered = self.mocks.register(&message.realm.unwrap_or_default(), message.id, file, &resolved);
                let dependents: Vec<String> = dependents.iter().filter_map(|f| self.plain_url(f)).collect();
                return serde_json::json!({ "imported": !registered, "dependents": dependents });
            }
            "/@mock/prepared" => {
                let ready = message.names.map(|names| (message.generation.unwrap_or(0), names));
                self.mocks.prepared(message.id, ready);
            }
            "/@mock/reset" => self.mocks.reset(),
            _ => self.mocks.unregister(message.id),
        }
        serde_json::json!({})
    }

    /// Jest's automatic mocks (`GET /@mock/automatic`): the packages the root `__mocks__/` has a
    /// file for, all of them without `file`; for test file `file` (relative to the root) those
    /// it gets without asking, none unless it uses the `jest` object.
    fn automatic_mocks(&self, file: Option<&str>) -> serde_json::Value {
        let mut packages = super::mocks::root_mock_packages(&self.root);
        if let Some(file) = file {
            let source = self
                .file_for(&format!("/{}", file.trim_start_matches('/')))
                .and_then(|f| std::fs::read_to_string(f).ok());
            if !source.is_some_and(|source| super::mocks::uses_jest_object(&source)) {
                packages.clear();
            }
        }
        serde_json::json!({ "packages": packages })
    }

    /// What `spec`, imported by the module at URL path `from` (realm prefix or not), is to the
    /// page's mock registry: its key (the URL path of the file it resolves to), and its
    /// `__mocks__` file's URL path if there is one (beside a project file; in the root's
    /// `__mocks__/` for a package).
    fn resolve_mock(&self, spec: &str, from: Option<&str>) -> Result<serde_json::Value, String> {
        let importer =
            from.and_then(|from| self.file_for(split_realm(from).1)).unwrap_or_else(|| self.root.join("index.js"));
        // `/src/dep` is a URL path to the page (as to Vite): from the root, never the disk's root.
        let found = match spec.strip_prefix('/').filter(|rest| !rest.starts_with('/')) {
            Some(rest) => {
                self.resolver().resolve(&self.root.join("index.js"), &format!("./{rest}"), ImportKind::Import)
            }
            None => self.resolver().resolve(&importer, spec, ImportKind::Import),
        };
        let target = match found {
            Ok(Resolution::File(target)) => target,
            Ok(Resolution::Builtin(name)) => return Err(format!("{name} is a node builtin, not a module of the page")),
            Ok(Resolution::Empty(_)) => {
                return Err(format!("{spec} is mapped to an empty module (package.json `browser`)"))
            }
            Ok(Resolution::TestApi) => return Err(format!("{spec} is the test API, which cannot be mocked")),
            Err(err) => return Err(err.to_string()),
        };
        // Where an unservable file is stays unsaid: the page may not learn about the disk outside.
        let key = self.plain_url(&target).ok_or_else(|| format!("{spec} resolves outside what the page may load"))?;
        // A bare specifier of a file every realm shares: its import map entry is what to mock.
        let bare = !(spec.starts_with('.') || spec.starts_with('/'));
        let package = bare && (key.starts_with(FS_PREFIX) || key.contains("/node_modules/"));
        let base = if package {
            self.root.join("__mocks__").join(spec)
        } else {
            let stem = target.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            target.parent().unwrap_or(&self.root).join("__mocks__").join(stem)
        };
        let mocks = MOCK_EXTENSIONS
            .iter()
            .map(|ext| {
                let mut name = base.clone().into_os_string();
                name.push(ext);
                PathBuf::from(name)
            })
            .find(|file| file.is_file())
            .and_then(|file| self.plain_url(&file));
        Ok(serde_json::json!({ "key": key, "mocks": mocks, "package": package }))
    }

    /// Whether the page's `import()`s in `file` go through the controller's `fresh` (an ES module
    /// the transform changes; fresh_imports.rs), which sees what they resolve to.
    pub(crate) fn routes_dynamic_imports(&self, file: &Path) -> bool {
        matches!(self.cached(file), Some(Ok(module)) if module.format == ModuleFormat::Module)
    }

    /// Keeps the build's import graph (the walk's), for package mocks (mocks.rs).
    pub(crate) fn set_graph(&self, graph: super::mocks::ModuleGraph) {
        self.mocks.set_graph(graph);
    }

    /// The file at `url_path` (realm prefix or not) exactly as it is on disk: what a classic
    /// `<script src>` of a custom page gets, which must run as written (a UMD build of a package
    /// is CommonJS to [`EsmModules::respond`], which would wrap it as a module).
    pub fn respond_as_is(&self, url_path: &str) -> Reply {
        let Some(file) = self.file_for(split_realm(url_path).1).filter(|file| file.is_file()) else {
            return Reply::NotFound;
        };
        let content_type = if is_script(&file) { "text/javascript" } else { content_type(&file) };
        match std::fs::read(&file) {
            Ok(body) => Reply::Body { content_type, body: Arc::new(body) },
            Err(_) => Reply::NotFound,
        }
    }

    /// The served form of `file`, reused while the file is unchanged. None when it cannot be
    /// read.
    fn serve(&self, file: &Path, url_path: &str, as_import: bool) -> Option<Served> {
        let modified = std::fs::metadata(file).and_then(|m| m.modified()).ok();
        let key = (file.to_path_buf(), as_import);
        if let Some(hit) = self.served.lock().ok()?.get(&key).filter(|s| s.modified == modified && modified.is_some()) {
            return Some(hit.clone());
        }
        let (content_type, body) = if as_import {
            ("text/javascript", self.import_module(file)?.into_bytes())
        } else if is_script(file) {
            let code = self.script(file, url_path)?;
            let code = if is_shared_url(url_path) { package_evaluation(&code) } else { code };
            ("text/javascript", code.into_bytes())
        } else {
            (content_type(file), std::fs::read(file).ok()?)
        };
        let served = Served { modified, content_type, body: Arc::new(body) };
        if let Ok(mut cache) = self.served.lock() {
            cache.insert(key, served.clone());
        }
        Some(served)
    }

    /// Records that some module imports `names` from `file` by name.
    pub(crate) fn imports_names(&self, file: &Path, names: &[String]) {
        let Ok(mut wanted) = self.wanted.lock() else { return };
        let known = wanted.entry(file.to_path_buf()).or_default();
        let before = known.len();
        known.extend(names.iter().cloned());
        if known.len() != before {
            // A wrapper served before now lacks a name.
            if let Ok(mut served) = self.served.lock() {
                served.remove(&(file.to_path_buf(), false));
            }
        }
    }

    /// The transform's output for `file` (code and source map) or why there is none, when it
    /// needs one.
    pub(crate) fn transformed(&self, file: &Path) -> Option<Result<(String, Arc<str>), String>> {
        Some(self.cached(file)?.and_then(|module| {
            let code = std::fs::read_to_string(&module.code_path).map_err(|err| err.to_string())?;
            Ok((code, module.map))
        }))
    }

    /// The transform cache's entry for `file`, None when it runs as it is.
    fn cached(&self, file: &Path) -> Option<Result<CachedModule, String>> {
        self.modules.transformed(file).map_err(|err| err.to_string()).transpose()
    }

    /// The JS of a script: transformed, wrapped when it is CommonJS, else as it is. A file that
    /// does not transform is served with a statement that throws the transform's message, so
    /// the test file that imports it fails to load with it.
    fn script(&self, file: &Path, url_path: &str) -> Option<String> {
        if let Some(cached) = self.cached(file) {
            let module = match cached {
                Ok(module) => module,
                Err(err) => return Some(format!("throw new SyntaxError({});\n", serde_json::to_string(&err).ok()?)),
            };
            if let Ok(mut maps) = self.maps.lock() {
                maps.insert(url_path.to_string(), module.map.clone());
            }
            let code = std::fs::read_to_string(&module.code_path).ok()?;
            // `.cts`, `export =` and CommonJS-only files come out as CommonJS: wrap them too.
            return Some(match module.format {
                ModuleFormat::Module => define_node_env(&code),
                ModuleFormat::CommonJs => self.wrap_commonjs(file, &code),
            });
        }
        let source = std::fs::read_to_string(file).ok()?;
        if !(self.is_commonjs(file) || is_project_commonjs(file, &source)) || cjs::analyze(&source).esm {
            return Some(define_node_env(&source));
        }
        Some(self.wrap_commonjs(file, &source))
    }

    /// `source` (CommonJS) as an ES module: its requires resolved and hoisted, its named exports
    /// those it and the files it re-exports assign.
    fn wrap_commonjs(&self, file: &Path, source: &str) -> String {
        let analysis = cjs::analyze(source);
        let own_url = self.plain_url(file);
        let requires: Vec<(String, Option<String>)> = analysis
            .requires
            .iter()
            .map(|specifier| {
                let url = match self.resolver().resolve(file, specifier, ImportKind::Require) {
                    Ok(Resolution::File(target)) => self.url_for(&target).map(|url| match &own_url {
                        Some(own) => relative_in_project(own, &url),
                        None => url,
                    }),
                    Ok(Resolution::Empty(_)) => Some(EMPTY_MODULE.to_string()),
                    Ok(Resolution::TestApi) => Some(format!("/__proctor/{CONTROLLER}/index.js")),
                    _ => None,
                };
                (specifier.clone(), url)
            })
            .collect();
        let mut names = analysis.exports.clone();
        if let Some(wanted) = self.wanted.lock().ok().and_then(|w| w.get(file).cloned()) {
            names.extend(wanted);
        }
        self.reexported_names(file, &analysis.reexports, &mut names, &mut BTreeSet::new());
        cjs::wrap(source, &requires, &names)
    }

    /// Adds the names CommonJS files re-exported from `file` export, following re-exports.
    fn reexported_names(
        &self,
        file: &Path,
        reexports: &[String],
        names: &mut BTreeSet<String>,
        seen: &mut BTreeSet<PathBuf>,
    ) {
        for specifier in reexports {
            let Ok(Resolution::File(target)) = self.resolver().resolve(file, specifier, ImportKind::Require) else {
                continue;
            };
            if !seen.insert(target.clone()) {
                continue;
            }
            let Ok(source) = std::fs::read_to_string(&target) else { continue };
            let analysis = cjs::analyze(&source);
            names.extend(analysis.exports.iter().cloned());
            self.reexported_names(&target, &analysis.reexports, names, seen);
        }
    }

    /// CommonJS candidates: `.cjs` files anywhere and `.js` files of packages whose
    /// package.json does not say `"type": "module"` (the file's syntax decides in the end).
    fn is_commonjs(&self, file: &Path) -> bool {
        match file.extension().and_then(|e| e.to_str()) {
            Some("cjs") => true,
            Some("js") => {
                file.components().any(|c| c.as_os_str() == "node_modules")
                    && package_type(file).as_deref() != Some("module")
            }
            _ => false,
        }
    }

    /// JSON, CSS and assets imported from JS, as modules (Vite's `?import`).
    fn import_module(&self, file: &Path) -> Option<String> {
        let name = file.file_name()?.to_string_lossy().into_owned();
        let js = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
        if name.ends_with(".json") {
            let text = std::fs::read_to_string(file).ok()?;
            let value: serde_json::Value = match serde_json::from_str(&text) {
                Ok(value) => value,
                Err(err) => {
                    return Some(format!("throw new SyntaxError({});\n", js(&format!("{}: {err}", file.display()))))
                }
            };
            // `__proctor_cjs` is what a wrapped CommonJS file's `require()` of it returns.
            let mut out = format!("const json = {value};\nexport default json;\nexport {{ json as __proctor_cjs }};\n");
            if let serde_json::Value::Object(map) = &value {
                // `default` and our own name are taken; Vite leaves them out too.
                let keys = map.keys().filter(|key| *key != "default" && *key != "__proctor_cjs");
                for (index, key) in keys.enumerate() {
                    out.push_str(&format!(
                        "const __json{index} = json[{}];\nexport {{ __json{index} as {} }};\n",
                        js(key),
                        js(key)
                    ));
                }
            }
            return Some(out);
        }
        if name.ends_with(".css") {
            // The stylesheet is linked, not inlined, so its relative url()s and @imports resolve
            // against its own URL; the import waits until it applies. One link per stylesheet
            // and document: a re-import in a new realm (frame) adds its own.
            let mut out = format!(
                "const href = {};\nif (!document.querySelector(`link[data-proctor-css=\"${{CSS.escape(href)}}\"]`)) {{\n  const link = document.createElement(\"link\");\n  link.rel = \"stylesheet\";\n  link.href = href;\n  link.dataset.proctorCss = href;\n  await new Promise((resolve) => {{\n    link.onload = link.onerror = resolve;\n    document.head.appendChild(link);\n  }});\n}}\n",
                js(&self.plain_url(file)?)
            );
            if name.ends_with(".module.css") {
                out.push_str(
                    "export default new Proxy({}, { get: (_, key) => typeof key === \"string\" ? key : undefined });\n",
                );
            } else {
                out.push_str("export default {};\n");
            }
            return Some(out);
        }
        Some(format!("export default {};\n", js(&self.plain_url(file)?)))
    }
}

/// The query that asks for a mocked module's actual code (`vi.importActual`, automocks).
pub const ACTUAL_QUERY: &str = "proctor-actual";

/// Where a realm's mocked packages are served: `/@realm/<n>/@mock/<id>`.
const MOCK_PREFIX: &str = "/@mock/";

/// A page's message to the mock endpoints (browser-mocks.js).
#[derive(Debug, serde::Deserialize)]
struct MockMessage {
    id: u64,
    #[serde(default)]
    realm: Option<String>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    generation: Option<u64>,
    /// The value's export names; absent when making the value failed.
    #[serde(default)]
    names: Option<Vec<String>>,
    /// A registration of a package's mock (the key is the file its bare specifier resolves to).
    #[serde(default)]
    package: bool,
    /// Whether a package mock comes too late when the realm already resolved the package (not
    /// for Jest's automatic mocks, registered before the test file loads).
    #[serde(default)]
    late: bool,
}

/// Whether `url` (a URL path) is a file every realm shares: a package's, or one outside the root.
fn is_shared_url(url: &str) -> bool {
    url.starts_with(FS_PREFIX) || url.split('/').any(|segment| segment == "node_modules")
}

fn javascript(source: String) -> Reply {
    Reply::Body { content_type: "text/javascript", body: Arc::new(source.into_bytes()) }
}

/// `to` (a URL path) as `from`'s wrapper imports it: relative when both are project files, so
/// that under a realm prefix the import stays in the realm (a fresh instance, as a relative ES
/// import gets); packages and `/@fs/` files stay absolute, shared by every realm.
fn relative_in_project(from: &str, to: &str) -> String {
    let project = |url: &str| !url.starts_with(FS_PREFIX) && !url.split('/').any(|segment| segment == "node_modules");
    if !project(from) || !project(to) || !from.starts_with('/') || !to.starts_with('/') {
        return to.to_string();
    }
    let mut from_dir: Vec<&str> = from.split('/').collect();
    from_dir.pop();
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dir.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from_dir.len() - common];
    if out.is_empty() {
        out.push(".");
    }
    out.extend(&to_parts[common..]);
    out.join("/")
}

/// What a shared package module runs first and last (see [`package_evaluation`]).
const PACKAGE_ENTER: &str = "globalThis.__proctor_package?.enter();";
const PACKAGE_LEAVE: &str = "\n;globalThis.__proctor_package?.leave();\n";

/// A shared package module (evaluated once per page, for every file's realm) that tells the
/// page's controller when its top-level code runs, so the globals it adds then stay through
/// realm resets (controller-js realm.js `watchPackageGlobals`): a UMD bundle imported for its
/// side effect (`import "axe-core"` sets `window.axe`) must still be there for the next file.
/// The call goes on the first line (after a hashbang), so line numbers hold; being a statement
/// of the module's body, it runs after the modules it imports were evaluated.
fn package_evaluation(code: &str) -> String {
    let (hashbang, body) = match code.strip_prefix("#!") {
        Some(_) => code.split_at(code.find('\n').map_or(code.len(), |end| end + 1)),
        None => ("", code),
    };
    format!("{hashbang}{PACKAGE_ENTER}{body}{PACKAGE_LEAVE}")
}

/// `code` with each `process.env.NODE_ENV` expression replaced by `"test"`, as Vite's
/// `define` does for the browser (ES modules of packages check it and a page has no `process`;
/// CommonJS gets a `process` of its own from its wrapper). The replacement is padded to the same
/// length, so columns and source maps still hold; strings and comments are left alone.
fn define_node_env(code: &str) -> String {
    use swc_core::common::{sync::Lrc, FileName, SourceMap};
    use swc_core::ecma::ast::{EsVersion, Expr, MemberExpr, MemberProp};
    use swc_core::ecma::parser::{parse_file_as_program, EsSyntax, Syntax};
    use swc_core::ecma::visit::{Visit, VisitWith};
    const NAME: &str = "process.env.NODE_ENV";
    if !code.contains(NAME) {
        return code.to_string();
    }
    struct Finder(Vec<(u32, u32)>);
    impl Visit for Finder {
        fn visit_member_expr(&mut self, member: &MemberExpr) {
            let named = |prop: &MemberProp, name: &str| matches!(prop, MemberProp::Ident(i) if &*i.sym == name);
            let is_env = |obj: &Expr| {
                matches!(obj, Expr::Member(inner) if named(&inner.prop, "env")
                    && matches!(&*inner.obj, Expr::Ident(i) if &*i.sym == "process"))
            };
            if named(&member.prop, "NODE_ENV") && is_env(&member.obj) {
                self.0.push((member.span.lo.0, member.span.hi.0));
            } else {
                member.visit_children_with(self);
            }
        }
    }
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Anon), code.to_string());
    let syntax = Syntax::Es(EsSyntax { import_attributes: true, ..Default::default() });
    let Ok(program) = parse_file_as_program(&fm, syntax, EsVersion::latest(), None, &mut Vec::new()) else {
        return code.to_string();
    };
    let mut finder = Finder(Vec::new());
    program.visit_with(&mut finder);
    let mut out = code.to_string();
    for (lo, hi) in finder.0.into_iter().rev() {
        let (start, end) = ((lo - fm.start_pos.0) as usize, (hi - fm.start_pos.0) as usize);
        if out.get(start..end) == Some(NAME) {
            out.replace_range(start..end, &format!("{:<width$}", "\"test\"", width = NAME.len()));
        }
    }
    out
}

fn is_script(file: &Path) -> bool {
    file.extension().and_then(|e| e.to_str()).is_some_and(|e| SCRIPTS.contains(&e))
}

/// The `type` of the package.json nearest to `file`.
fn package_type(file: &Path) -> Option<String> {
    for dir in file.ancestors().skip(1) {
        if let Ok(text) = std::fs::read_to_string(dir.join("package.json")) {
            let value: serde_json::Value = serde_json::from_str(&text).ok()?;
            return value.get("type").and_then(|t| t.as_str()).map(String::from);
        }
    }
    None
}

/// node_modules directories of the root's ancestors (workspaces hoist packages there), the
/// root's own when it is a link, and the real directories of packages linked from any
/// node_modules the root sees (pnpm, `npm link`).
fn outside_packages(root: &Path) -> Vec<PathBuf> {
    let mut allowed = Vec::new();
    for dir in root.ancestors() {
        let modules = dir.join("node_modules");
        let Ok(entries) = std::fs::read_dir(&modules) else { continue };
        // Above the root, or the root's own when it links elsewhere (a shared install).
        if let Ok(real) = modules.canonicalize() {
            if !real.starts_with(root) {
                allowed.push(real);
            }
        }
        for entry in entries.flatten() {
            let path = entry.path();
            let mut packages = vec![path.clone()];
            if entry.file_name().to_string_lossy().starts_with('@') {
                packages =
                    std::fs::read_dir(&path).map(|s| s.flatten().map(|e| e.path()).collect()).unwrap_or_default();
            }
            for package in packages {
                let linked = std::fs::symlink_metadata(&package).is_ok_and(|m| m.file_type().is_symlink());
                if let (true, Ok(real)) = (linked, package.canonicalize()) {
                    if !real.starts_with(root) {
                        allowed.push(real);
                    }
                }
            }
        }
    }
    allowed
}

/// The content type of a file served as it is.
fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "wasm" => "application/wasm",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A temp dir holding `files` (path, text), for tests here and in `esm.rs`.
/// Whether a project's own `.js` file (outside a `"type": "module"` package) is CommonJS: it
/// uses `module.exports` / `exports` or `require` and has no `import`/`export` (which the
/// caller checks). Jest runs such files (dayjs's `test/__mocks__/dayjs.js`), so the page gets
/// them wrapped like a package's, default-import interop included. A plain script stays as it
/// is, and so does a UMD build (it tests `typeof exports`): imported for its global, as a page
/// imports it under Vite, it must take its browser branch.
fn is_project_commonjs(file: &Path, source: &str) -> bool {
    let umd = ["typeof exports", "typeof module", "typeof define"].iter().any(|guard| source.contains(guard));
    file.extension().and_then(|e| e.to_str()) == Some("js")
        && (source.contains("exports") || source.contains("require("))
        && !umd
        && package_type(file).as_deref() != Some("module")
}

#[cfg(test)]
pub(super) fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    crate::test_support::project(files).0
}

/// The esm build's modules for the project at `root` with default settings, for tests here
/// and in `esm.rs`.
#[cfg(test)]
pub(super) fn esm_modules(root: &Path, cache_dir: &Path) -> EsmModules {
    let settings = super::modules::ModuleSettings::plain(root, crate::resolve::Target::Browser, cache_dir);
    EsmModules::new(Arc::new(ProjectModules::new(settings)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(reply: Reply) -> String {
        match reply {
            Reply::Body { body, .. } => String::from_utf8_lossy(&body).into_owned(),
            other => panic!("expected a body, got {other:?}"),
        }
    }

    /// A package module's body without the calls that tell the page it is evaluated.
    fn package_body(reply: Reply) -> String {
        let served = body(reply);
        let inner = served.strip_prefix(PACKAGE_ENTER).and_then(|rest| rest.strip_suffix(PACKAGE_LEAVE));
        inner.unwrap_or_else(|| panic!("not a package module: {served}")).to_string()
    }

    #[test]
    fn a_projects_commonjs_js_file_is_served_wrapped_with_interop() {
        let dir = project(&[
            ("src/flagged.js", "exports.__esModule = true;\nexports.default = 1;\nexports.a = 2;\n"),
            ("src/script.js", "window.seen = 1;\n"),
            ("esm/package.json", "{ \"type\": \"module\" }\n"),
            ("esm/uses.js", "globalThis.exports = 1;\n"),
        ]);
        let modules = esm_modules(dir.path(), &dir.path().join(".cache"));
        let wrapped = body(modules.respond("/src/flagged.js", None, None));
        assert!(wrapped.contains("__proctor_cjs.__esModule && \"default\" in __proctor_cjs"), "{wrapped}");
        assert!(wrapped.contains("as \"a\""), "{wrapped}");
        assert_eq!(body(modules.respond("/src/script.js", None, None)).trim_end(), "window.seen = 1;");
        let scoped = body(modules.respond("/esm/uses.js", None, None));
        assert!(!scoped.contains("__proctor_cjs"), "a \"type\": \"module\" package's file is no CommonJS: {scoped}");
    }

    #[test]
    fn package_modules_say_when_they_are_evaluated_and_keep_their_lines() {
        let dir = project(&[
            ("node_modules/esm-pkg/package.json", "{ \"name\": \"esm-pkg\", \"type\": \"module\" }\n"),
            ("node_modules/esm-pkg/index.js", "#!/usr/bin/env node\nglobalThis.a = 1;\n"),
            ("node_modules/cjs-pkg/package.json", "{ \"name\": \"cjs-pkg\" }\n"),
            ("node_modules/cjs-pkg/index.js", "module.exports = 1;\n"),
            ("src/own.js", "export const own = 1;\n"),
        ]);
        let modules = esm_modules(dir.path(), &dir.path().join(".cache"));
        let esm = body(modules.respond("/node_modules/esm-pkg/index.js", None, None));
        assert_eq!(
            esm,
            "#!/usr/bin/env node\nglobalThis.__proctor_package?.enter();globalThis.a = 1;\n\n;globalThis.__proctor_package?.leave();\n"
        );
        let cjs = body(modules.respond("/node_modules/cjs-pkg/index.js", None, None));
        assert!(cjs.starts_with("globalThis.__proctor_package?.enter();"), "{cjs}");
        assert!(cjs.lines().next().is_some_and(|line| line.ends_with("module.exports = 1;")), "still line 1: {cjs}");
        assert!(cjs.ends_with(";globalThis.__proctor_package?.leave();\n"), "{cjs}");
        let own = body(modules.respond("/src/own.js", None, None));
        assert!(!own.contains("__proctor_package"), "a project file is evaluated in each realm: {own}");
    }

    #[test]
    fn a_plain_test_file_that_mocks_is_served_hoisted() {
        let dir = project(&[
            ("a.test.js", "import { a } from './a.js';\nexport const seen = a;\nvi.mock('./a.js');\n"),
            ("a.js", "export const a = 1;\n"),
        ]);
        let root = dir.path().canonicalize().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let modules = esm_modules(&root, cache.path());
        let served = body(modules.respond("/a.test.js", None, None));
        assert!(
            served.contains(
                "vi.mock('./a.js');\nawait globalThis.__proctorMocks?.settle?.();\n\
                 const __vi_import_0__ = await import((globalThis.__proctorMocks?.fresh ?? String)('./a.js', import.meta));\n"
            ),
            "{served}"
        );
        assert!(modules.map_for("/a.test.js").is_some(), "its stacks map back");
        // Served as a project module: its exports can take a spy (transform/live_exports.rs).
        assert!(body(modules.respond("/a.js", None, None)).contains("export let a = 1;"));
    }

    #[test]
    fn a_realm_that_mocks_a_file_gets_its_stub_and_the_actual_code_on_request() {
        let dir = project(&[
            ("src/dep.ts", "export const one: number = 1;\n"),
            ("src/__mocks__/dep.js", "export const one = 2;\n"),
            ("src/service.ts", "import { one } from './dep';\nexport const two = one + 1;\n"),
            ("node_modules/pkg/package.json", "{ \"name\": \"pkg\", \"main\": \"main.js\" }"),
            ("node_modules/pkg/main.js", "export const p = 1;\n"),
            ("__mocks__/pkg.js", "export const p = 2;\n"),
        ]);
        let root = dir.path().canonicalize().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let modules = esm_modules(&root, cache.path());
        let json = |reply| serde_json::from_str::<serde_json::Value>(&body(reply)).unwrap();
        let resolve = |spec: &str, from: &str| {
            json(modules.mock_request("/@mock/resolve", Some(&format!("spec={spec}&from={from}")), b""))
        };
        // Extensionless, from a realm URL: the file's URL path and its `__mocks__` file.
        let dep = resolve("./dep", "/@realm/3/src/service.ts");
        assert_eq!(
            dep,
            serde_json::json!({ "key": "/src/dep.ts", "mocks": "/src/__mocks__/dep.js", "package": false })
        );
        let pkg = resolve("pkg", "/src/service.ts");
        assert_eq!(
            pkg,
            serde_json::json!({ "key": "/node_modules/pkg/main.js", "mocks": "/__mocks__/pkg.js", "package": true })
        );
        assert!(resolve("./gone", "/src/service.ts")["error"].is_string());
        assert_eq!(
            resolve("/src/dep.ts", "/src/service.ts")["key"],
            "/src/dep.ts",
            "root-relative, as the page sees it"
        );
        assert!(resolve("/etc/passwd", "/src/service.ts")["error"].is_string(), "not the disk's root");

        let post =
            |path: &str, body: serde_json::Value| json(modules.mock_request(path, None, body.to_string().as_bytes()));
        post("/@mock/register", serde_json::json!({ "realm": "/@realm/3", "id": 4, "key": "/src/dep.ts" }));
        post("/@mock/prepared", serde_json::json!({ "id": 4, "generation": 2, "names": ["one"] }));
        let stub = body(modules.respond("/@realm/3/src/dep.ts", None, Some("script")));
        assert!(stub.contains("__proctorMocks.value(4, 2)") && stub.contains("as \"one\""), "{stub}");
        // However it is spelled: the redirect of an extensionless URL lands on the stub too.
        assert!(
            matches!(modules.respond("/@realm/3/src/dep", None, Some("script")), Reply::Redirect(to) if to == "/@realm/3/src/dep.ts")
        );
        for actual in [
            modules.respond("/@realm/3/src/dep.ts", Some("proctor-actual"), None),
            modules.respond("/@realm/4/src/dep.ts", None, None),
        ] {
            assert!(body(actual).contains("export let one = 1;"), "the actual module");
        }
        post("/@mock/register", serde_json::json!({ "realm": "/@realm/3", "id": 5, "key": null }));
        post("/@mock/prepared", serde_json::json!({ "id": 5, "generation": 2, "names": ["default", "p"] }));
        assert!(body(modules.respond("/@realm/3/@mock/5", None, None)).contains("export default m[\"default\"]"));
        post("/@mock/unregister", serde_json::json!({ "id": 4 }));
        assert!(body(modules.respond("/@realm/3/src/dep.ts", None, None)).contains("export let one = 1;"));
        assert!(
            json(modules.mock_request("/@mock/register", None, b"{")).get("error").is_some(),
            "a bad body is an error"
        );
    }

    #[test]
    fn workspaces_and_links_are_served_and_nothing_else_outside() {
        let top = project(&[
            ("node_modules/hoisted/index.js", "export default 1;"),
            ("secret.txt", "no"),
            ("app/src/a.js", "export const a = 1;"),
            ("linked/index.js", "export default 2;"),
        ]);
        let top_path = top.path().canonicalize().unwrap();
        std::fs::create_dir_all(top_path.join("app/node_modules")).unwrap();
        std::os::unix::fs::symlink(top_path.join("linked"), top_path.join("app/node_modules/linked")).unwrap();
        let cache = tempfile::tempdir().unwrap();
        let modules = esm_modules(&top_path.join("app"), cache.path());
        let hoisted = top_path.join("node_modules/hoisted/index.js");
        let url = modules.url_for(&hoisted).unwrap();
        assert_eq!(url, format!("/@fs{}", hoisted.display()));
        assert_eq!(package_body(modules.respond(&url, None, None)), "export default 1;");
        let linked = format!("/@fs{}", top_path.join("linked/index.js").display());
        // A linked workspace package is the project's own source: served transformed for spies.
        assert!(body(modules.respond(&linked, None, None)).contains("let __proctor_default = 2;"));
        assert!(matches!(
            modules.respond(&format!("/@fs{}", top_path.join("secret.txt").display()), None, None),
            Reply::NotFound
        ));
        assert!(matches!(modules.respond("/@fs/etc/passwd", None, None), Reply::NotFound));
        assert!(matches!(modules.respond("/../secret.txt", None, None), Reply::NotFound));
        assert!(modules.url_for(&top_path.join("secret.txt")).is_none());
        assert!(body(modules.respond("/src/a.js", None, None)).contains("export let a = 1;"));

        // A project whose node_modules is itself a link to a shared install.
        std::fs::create_dir_all(top_path.join("shared/node_modules/dep")).unwrap();
        std::fs::write(top_path.join("shared/node_modules/dep/index.js"), "export default 3;").unwrap();
        std::fs::create_dir_all(top_path.join("linking")).unwrap();
        std::os::unix::fs::symlink(top_path.join("shared/node_modules"), top_path.join("linking/node_modules"))
            .unwrap();
        let linking = esm_modules(&top_path.join("linking"), cache.path());
        let dep = linking.url_for(&top_path.join("shared/node_modules/dep/index.js")).unwrap();
        assert_eq!(package_body(linking.respond(&dep, None, None)), "export default 3;");
        assert!(linking.url_for(&top_path.join("shared/other.js")).is_none());
    }

    #[test]
    fn a_project_wrapper_imports_project_files_relatively_and_packages_absolutely() {
        assert_eq!(relative_in_project("/src/a.cjs", "/src/b.cjs"), "./b.cjs");
        assert_eq!(relative_in_project("/src/deep/a.cjs", "/lib/data.json?import"), "../../lib/data.json?import");
        assert_eq!(relative_in_project("/a.cjs", "/src/b.cjs"), "./src/b.cjs");
        assert_eq!(relative_in_project("/src/a.cjs", "/node_modules/p/index.js"), "/node_modules/p/index.js");
        assert_eq!(relative_in_project("/node_modules/p/a.js", "/node_modules/p/b.js"), "/node_modules/p/b.js");
        assert_eq!(relative_in_project("/src/a.cjs", "/@fs/w/node_modules/p/b.js"), "/@fs/w/node_modules/p/b.js");
        let dir = project(&[
            ("src/a.cjs", "const b = require('./lib/b.cjs');\nmodule.exports = b;"),
            ("src/lib/b.cjs", "exports.b = 1;"),
        ]);
        let cache = tempfile::tempdir().unwrap();
        let modules = esm_modules(dir.path(), cache.path());
        let wrapped = body(modules.respond("/@realm/3/src/a.cjs", None, None));
        assert!(wrapped.starts_with("import * as __proctor_r0 from \"./lib/b.cjs\";"), "{wrapped}");
    }

    #[test]
    fn realm_prefixes_split_off_only_when_well_formed() {
        assert_eq!(split_realm("/@realm/3/src/x.js"), (Some("/@realm/3"), "/src/x.js"));
        assert_eq!(
            split_realm("/@realm/12/@fs/w/node_modules/p/a.js"),
            (Some("/@realm/12"), "/@fs/w/node_modules/p/a.js")
        );
        assert_eq!(split_realm("/src/x.js"), (None, "/src/x.js"));
        assert_eq!(split_realm("/@realm/x/src/x.js"), (None, "/@realm/x/src/x.js"));
        assert_eq!(split_realm("/@realm/3"), (None, "/@realm/3"));
        assert_eq!(split_realm("/@realm//src/x.js"), (None, "/@realm//src/x.js"));
        assert_eq!(split_realm("/@realm/3.12/src/x.js"), (Some("/@realm/3.12"), "/src/x.js"));
        assert_eq!(split_realm("/@realm/3./src/x.js"), (None, "/@realm/3./src/x.js"));
    }

    #[test]
    fn a_realm_serves_the_same_modules_under_its_prefix() {
        let dir = project(&[
            ("src/util.ts", "export const u: number = 1;"),
            ("src/data.json", r#"{"a": 1}"#),
            ("node_modules/cjs/index.js", "exports.x = 1;"),
            ("vendor/lib.js", "module.exports = window.Lib = { ok: true };"),
        ]);
        let cache = tempfile::tempdir().unwrap();
        let modules = esm_modules(dir.path(), cache.path());
        let plain = body(modules.respond("/src/util.ts", None, None));
        assert_eq!(body(modules.respond("/@realm/7/src/util.ts", None, None)), plain);
        assert!(modules.map_for("/src/util.ts").is_some(), "maps are kept by the URL the realm stands for");
        assert!(
            matches!(modules.respond("/@realm/7/src/util", None, None), Reply::Redirect(url) if url == "/@realm/7/src/util.ts")
        );
        assert_eq!(
            body(modules.respond("/@realm/7/src/data.json", None, Some("script"))),
            body(modules.respond("/src/data.json", Some("import"), None))
        );
        assert_eq!(
            body(modules.respond("/@realm/7/node_modules/cjs/index.js", None, None)),
            body(modules.respond("/node_modules/cjs/index.js", None, None))
        );
        assert!(matches!(modules.respond("/@realm/7/../secret.txt", None, None), Reply::NotFound));
        assert!(matches!(modules.respond("/@realm/7/src/gone.js", None, None), Reply::NotFound));
        assert_eq!(modules.missing(), ["/@realm/7/src/gone.js"]);
        // A classic script gets the file itself, in a realm or not.
        assert_eq!(body(modules.respond_as_is("/vendor/lib.js")), "module.exports = window.Lib = { ok: true };");
        assert_eq!(
            body(modules.respond_as_is("/@realm/2/vendor/lib.js")),
            "module.exports = window.Lib = { ok: true };"
        );
        assert!(matches!(modules.respond_as_is("/@fs/etc/passwd"), Reply::NotFound));
    }

    #[test]
    fn extensionless_requests_redirect_to_the_resolved_file() {
        let dir = project(&[("src/util.ts", "export const u: number = 1;"), ("src/dir/index.ts", "export {};")]);
        let cache = tempfile::tempdir().unwrap();
        let modules = esm_modules(dir.path(), cache.path());
        assert!(matches!(modules.respond("/src/util", None, None), Reply::Redirect(url) if url == "/src/util.ts"));
        assert!(matches!(modules.respond("/src/dir", None, None), Reply::Redirect(url) if url == "/src/dir/index.ts"));
        assert!(matches!(modules.respond("/src/nothing", None, None), Reply::NotFound));
        assert_eq!(modules.missing(), ["/src/nothing"]);
        let served = body(modules.respond("/src/util.ts", None, None));
        assert!(served.contains("export let u = 1;"), "{served}");
        assert!(modules.map_for("/src/util.ts").is_some());
    }

    #[test]
    fn json_css_and_assets_import_as_modules() {
        let dir = project(&[
            ("data.json", r#"{"name": "x", "if": [1], "default": 0}"#),
            ("a.css", "body { color: red }"),
            ("a.module.css", ".foo {}"),
            ("logo.svg", "<svg/>"),
        ]);
        let cache = tempfile::tempdir().unwrap();
        let modules = esm_modules(dir.path(), cache.path());
        assert_eq!(
            modules.url_for(&dir.path().canonicalize().unwrap().join("data.json")).unwrap(),
            "/data.json?import"
        );
        let json = body(modules.respond("/data.json", Some("import"), None));
        assert!(
            json.starts_with(
                "const json = {\"name\":\"x\",\"if\":[1],\"default\":0};\nexport default json;\nexport { json as __proctor_cjs };\n"
            ),
            "{json}"
        );
        assert!(json.contains("export { __json1 as \"if\" };"));
        assert!(!json.contains("as \"default\""), "{json}");
        assert_eq!(body(modules.respond("/data.json", None, None)), r#"{"name": "x", "if": [1], "default": 0}"#);
        let fetched_as = |dest| body(modules.respond("/data.json", Some("import"), Some(dest)));
        assert_eq!(
            fetched_as("json"),
            r#"{"name": "x", "if": [1], "default": 0}"#,
            "an import with type json gets the JSON"
        );
        assert!(body(modules.respond("/data.json", None, Some("script"))).contains("export default json;"));
        let css = body(modules.respond("/a.css", Some("import"), None));
        assert!(css.contains("link.href = href;") && css.starts_with("const href = \"/a.css\";"), "{css}");
        assert!(css.ends_with("export default {};\n"));
        assert_eq!(body(modules.respond("/a.css", Some("import"), Some("style"))), "body { color: red }");
        assert!(body(modules.respond("/a.module.css", Some("import"), None)).contains("new Proxy"));
        assert_eq!(body(modules.respond("/logo.svg", Some("import"), None)), "export default \"/logo.svg\";\n");
    }

    #[test]
    fn node_env_reads_as_test_and_columns_hold() {
        let code = "if (process.env.NODE_ENV !== 'production') x(globalThis.process.env.NODE_ENV, process.env.NODE_ENVX, \"process.env.NODE_ENV\"); // process.env.NODE_ENV";
        let defined = define_node_env(code);
        assert_eq!(
            defined,
            "if (\"test\"               !== 'production') x(globalThis.process.env.NODE_ENV, process.env.NODE_ENVX, \"process.env.NODE_ENV\"); // process.env.NODE_ENV"
        );
        assert_eq!(defined.len(), code.len());
    }

    #[test]
    fn commonjs_package_files_are_wrapped_and_others_are_not() {
        let dir = project(&[
            ("node_modules/cjs/package.json", r#"{"name":"cjs","main":"index.js"}"#),
            ("node_modules/cjs/index.js", "module.exports = require('./impl');"),
            ("node_modules/cjs/impl.js", "exports.hello = () => 'hi';"),
            ("node_modules/esm/package.json", r#"{"name":"esm","type":"module"}"#),
            ("node_modules/esm/index.js", "exports.x = 1;"),
            ("src/plain.js", "window.x = 1;"),
            ("src/umd.js", "(function (g) { if (typeof exports === 'object') exports.x = 1; else g.x = 1; })(this);"),
        ]);
        let cache = tempfile::tempdir().unwrap();
        let modules = esm_modules(dir.path(), cache.path());
        let index = package_body(modules.respond("/node_modules/cjs/index.js", None, None));
        assert!(index.starts_with("import * as __proctor_r0 from \"/node_modules/cjs/impl.js\";"), "{index}");
        assert!(index.contains("as \"hello\""), "re-exported names are exported: {index}");
        assert_eq!(package_body(modules.respond("/node_modules/esm/index.js", None, None)), "exports.x = 1;");
        let impl_file = dir.path().canonicalize().unwrap().join("node_modules/cjs/impl.js");
        assert!(!body(modules.respond("/node_modules/cjs/impl.js", None, None)).contains("as \"unseen\""));
        modules.imports_names(&impl_file, &["unseen".to_string()]);
        assert!(
            body(modules.respond("/node_modules/cjs/impl.js", None, None)).contains("as \"unseen\""),
            "a name an importer asks for is exported even where analysis does not see it"
        );
        assert_eq!(body(modules.respond("/src/plain.js", None, None)), "window.x = 1;");
        let umd = body(modules.respond("/src/umd.js", None, None));
        assert!(!umd.contains("__proctor_cjs"), "a project's UMD file keeps its browser branch: {umd}");
    }
}
