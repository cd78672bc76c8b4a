//! [`Resolver`]: specifier + importing file → [`Resolution`], the way bundlers and Jest resolve,
//! built on `oxc_resolver` (the enhanced-resolve algorithm in Rust). The two targets differ only
//! in export conditions, the package.json `browser` field and what a node builtin is:
//!
//! - extensionless and directory imports try `.ts .tsx .mts .js .jsx .mjs .cjs .json` (`.cts`
//!   last) and `index.*`, and a `.js` specifier also finds its `.ts`/`.tsx` twin (TypeScript's
//!   NodeNext convention);
//! - tsconfig.json `paths`/`baseUrl` (with `extends` and solution-style references) follow the
//!   importer's nearest tsconfig that includes it, as TypeScript does; a file it does not
//!   include (a `.js` file without `allowJs`, a test outside `include`) still gets the nearest
//!   config's paths when it would otherwise resolve to nothing; a jsconfig.json nearer than any
//!   tsconfig.json counts as one;
//! - package.json `imports` (`#alias`) and `exports` match the suite's `conditions` first, then
//!   `node` (node target) or Vite's client conditions `browser`, `module`, `development` (browser
//!   target), then `import` or `require`, then `default`;
//! - the `[alias]` table is applied before all of that, as Vitest's `resolve.alias`;
//! - the test API's names (`proctor`, `vitest`, `@jest/globals`: [`protocol::API_MODULES`])
//!   are [`Resolution::TestApi`] before anything else, installed or not;
//! - node_modules are looked for in every directory up to `/` (workspaces), and symlinked
//!   packages (pnpm, `npm link`) resolve to their real path, as node does.
//!
//! oxc_resolver caches directory listings and package.json/tsconfig reads; watch mode calls
//! [`Resolver::clear_cache`] when files appear or configs change.

use super::alias::{self, Aliased};
use oxc_resolver::{
    EnforceExtension, ResolveError as OxcError, ResolveOptions as OxcOptions, Resolver as Oxc, TsconfigDiscovery,
    TsconfigOptions, TsconfigReferences,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// Extensions tried for a specifier without one, in this order (Vite's set, TypeScript first).
const EXTENSIONS: &[&str] = &[".ts", ".tsx", ".mts", ".js", ".jsx", ".mjs", ".cjs", ".json", ".cts"];

/// Where the resolved modules will run: it picks export conditions and the `browser` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// A node process: `node` conditions, builtins are [`Resolution::Builtin`].
    Node,
    /// A browser page: `browser` conditions and field; a node builtin is an error.
    Browser,
}

/// How a module is imported, which picks the `import` or `require` export condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportKind {
    /// `import`, `export … from`, `import()`.
    Import,
    /// `require()`, TypeScript's `import x = require()`.
    Require,
}

/// Extensions a `__mocks__` file may have, in the order they are tried (node-mocks.js's list).
pub(crate) const MOCK_EXTENSIONS: &[&str] =
    &["", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".jsx", ".json"];

/// What a resolver is built for: one per target and suite, since conditions differ.
#[derive(Debug, Clone)]
pub struct ResolveOptions {
    /// The project root: `[alias]` paths are relative to it, and errors name files from it.
    pub root: PathBuf,
    /// Node or browser.
    pub target: Target,
    /// The `[alias]` table, in table order.
    pub alias: Vec<(String, String)>,
    /// The suite's extra export conditions, matched before the built-in ones.
    pub conditions: Vec<String>,
    /// Directories whose `__mocks__/<package>` stands in for a package that is not installed
    /// (Jest's `roots`, where it finds the mocks of node modules).
    pub mock_roots: Vec<PathBuf>,
}

/// Where a specifier leads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Resolution {
    /// A file: absolute, symlinks resolved to the real path as node resolves them.
    File(PathBuf),
    /// A node builtin, always with its `node:` prefix (`"fs"` → `"node:fs"`); node target only.
    Builtin(String),
    /// A module the package.json `browser` field maps to `false` (browser target): it is served
    /// as an empty module, as Vite and bundlers do. The path is the file it stands in for.
    Empty(PathBuf),
    /// The test API (`proctor`, `vitest`, `@jest/globals`, ...: [`protocol::API_MODULES`]): the
    /// controller the runtime carries, never a file of the project's, even when a package of
    /// that name is installed.
    TestApi,
}

/// Why a specifier names no module. Every message names the specifier and the importing file
/// relative to the root.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// No file, package or builtin answers to the specifier.
    #[error("cannot resolve \"{specifier}\" from {from}{hint}")]
    NotFound {
        /// The specifier as written.
        specifier: String,
        /// The importing file, absolute.
        importer: PathBuf,
        /// The importing file as shown: relative to the root when inside it.
        from: String,
        /// ` (hint: …)` or ` (aliased to …)`, or empty.
        hint: String,
    },
    /// A node builtin imported by code bound for a browser.
    #[error(
        "cannot resolve \"{specifier}\" from {from}: it is a node builtin module, which browsers do not have \
         (hint: run this file in node, or install a browser replacement for it)"
    )]
    NodeBuiltin {
        /// The specifier as written.
        specifier: String,
        /// The importing file, absolute.
        importer: PathBuf,
        /// The importing file as shown.
        from: String,
    },
    /// A package.json or tsconfig is invalid, or a package does not export the subpath.
    #[error("cannot resolve \"{specifier}\" from {from}: {message}")]
    Invalid {
        /// The specifier as written.
        specifier: String,
        /// The importing file, absolute.
        importer: PathBuf,
        /// The importing file as shown.
        from: String,
        /// oxc_resolver's explanation.
        message: String,
    },
}

impl ResolveError {
    /// The same error naming where in the importer the import is (`from src/a.ts:3:19`), as a
    /// failed import is reported.
    pub fn located(mut self, line: u32, column: u32) -> ResolveError {
        let (ResolveError::NotFound { from, .. }
        | ResolveError::NodeBuiltin { from, .. }
        | ResolveError::Invalid { from, .. }) = &mut self;
        from.push_str(&format!(":{line}:{column}"));
        self
    }
}

/// What a missing module's message adds: the alias it went through, or for a package, that it
/// may not be installed.
fn not_found_hint(specifier: &str, aliased: Option<&Aliased>) -> String {
    match aliased {
        Some(Aliased::Path(path)) => return format!(" (aliased to {})", path.display()),
        Some(Aliased::Specifier(other)) => return format!(" (aliased to \"{other}\")"),
        None => {}
    }
    if is_package_specifier(specifier) {
        let package = package_name(specifier);
        format!(" (hint: is \"{package}\" installed? no node_modules above the importer has it)")
    } else {
        String::new()
    }
}

/// True for a package specifier (`lodash/fp`, `@scope/pkg`), false for paths, URLs, `node:`
/// builtins and package.json `imports` entries (`#x`).
pub(crate) fn is_package_specifier(specifier: &str) -> bool {
    !(specifier.starts_with('.') || specifier.starts_with('/') || specifier.starts_with('#') || specifier.contains(':'))
}

/// The package a bare specifier names: `lodash/fp` → `lodash`, `@scope/pkg/x` → `@scope/pkg`.
pub(crate) fn package_name(specifier: &str) -> &str {
    let mut slashes = specifier.match_indices('/').map(|(i, _)| i);
    let end = if specifier.starts_with('@') { slashes.nth(1) } else { slashes.next() };
    &specifier[..end.unwrap_or(specifier.len())]
}

/// Resolves specifiers for one target and suite. Cheap to call many times and shared across
/// threads: oxc_resolver caches file-system reads inside.
pub struct Resolver {
    root: PathBuf,
    /// The root with symlinks resolved, as resolved files are.
    real_root: PathBuf,
    target: Target,
    alias: Vec<(String, String)>,
    /// See [`ResolveOptions::mock_roots`].
    mock_roots: Vec<PathBuf>,
    /// `import` conditions, tsconfig.json found per importer.
    import: Oxc,
    /// `require` conditions; shares `import`'s cache.
    require: Oxc,
    /// Browser target only: says whether a specifier that resolved to nothing is a node builtin.
    builtins: Option<Oxc>,
    /// Per config file and kind, a resolver bound to it (oxc_resolver discovers tsconfig.json
    /// files itself, but neither jsconfig.json nor a config that does not include the file).
    bound_resolvers: Mutex<HashMap<(PathBuf, ImportKind), Arc<Oxc>>>,
    /// Per importing directory, its nearest tsconfig.json or jsconfig.json.
    nearest_configs: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Per kind, a resolver that reads no tsconfig, for importers whose config cannot be read.
    configless: Mutex<HashMap<ImportKind, Arc<Oxc>>>,
}

impl std::fmt::Debug for Resolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resolver").field("root", &self.root).field("target", &self.target).finish_non_exhaustive()
    }
}

impl Resolver {
    /// A resolver for `options.target` with the suite's alias table and conditions.
    pub fn new(options: ResolveOptions) -> Resolver {
        let ResolveOptions { root, target, alias, conditions, mock_roots } = options;
        let conditions_for = |kind: ImportKind| {
            let mut names = conditions.clone();
            let own: &[&str] = match target {
                Target::Node => &["node"],
                // Vite's default client conditions (`development`: tests are not production).
                Target::Browser => &["browser", "module", "development"],
            };
            let kind_name = match kind {
                ImportKind::Import => "import",
                ImportKind::Require => "require",
            };
            names.extend(own.iter().chain([&kind_name, &"default"]).map(|s| s.to_string()));
            names
        };
        let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let base = OxcOptions {
            tsconfig: Some(TsconfigDiscovery::Auto),
            condition_names: conditions_for(ImportKind::Import),
            extensions: strings(EXTENSIONS),
            enforce_extension: EnforceExtension::Disabled,
            extension_alias: vec![
                (".js".into(), strings(&[".ts", ".tsx", ".js", ".jsx"])),
                (".jsx".into(), strings(&[".tsx", ".jsx"])),
                (".mjs".into(), strings(&[".mts", ".mjs"])),
                (".cjs".into(), strings(&[".cts", ".cjs"])),
            ],
            main_fields: match target {
                Target::Node => strings(&["main"]),
                // Vite's client main fields.
                Target::Browser => strings(&["browser", "module", "jsnext:main", "jsnext", "main"]),
            },
            alias_fields: match target {
                Target::Node => Vec::new(),
                Target::Browser => vec![vec!["browser".into()]],
            },
            main_files: strings(&["index"]),
            builtin_modules: target == Target::Node,
            symlinks: true,
            node_path: false,
            ..OxcOptions::default()
        };
        let import = Oxc::new(base.clone());
        let require = import
            .clone_with_options(OxcOptions { condition_names: conditions_for(ImportKind::Require), ..base.clone() });
        let builtins = (target == Target::Browser)
            .then(|| import.clone_with_options(OxcOptions { builtin_modules: true, alias_fields: Vec::new(), ..base }));
        Resolver {
            real_root: root.canonicalize().unwrap_or_else(|_| root.clone()),
            root,
            target,
            alias,
            mock_roots,
            import,
            require,
            builtins,
            bound_resolvers: Mutex::new(HashMap::new()),
            nearest_configs: Mutex::new(HashMap::new()),
            configless: Mutex::new(HashMap::new()),
        }
    }

    /// The project root this resolver was made for.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// True for a resolved file that belongs to the project: under the root (as given, or
    /// with its symlinks resolved) and not in a node_modules folder.
    pub fn is_project_file(&self, path: &Path) -> bool {
        (path.starts_with(&self.root) || path.starts_with(&self.real_root))
            && !path.components().any(|c| c.as_os_str() == "node_modules")
    }

    /// Resolves `specifier` as written in the file `importer` (absolute).
    pub fn resolve(&self, importer: &Path, specifier: &str, kind: ImportKind) -> Result<Resolution, ResolveError> {
        if protocol::is_api_module(specifier) {
            return Ok(Resolution::TestApi);
        }
        let dir = importer.parent().unwrap_or(importer);
        let aliased = alias::apply(&self.alias, &self.root, specifier);
        let result = match &aliased {
            Some(Aliased::Path(path)) => self.resolve_with_configs(importer, &path.to_string_lossy(), kind),
            Some(Aliased::Specifier(other)) => self.resolve_with_configs(importer, other, kind),
            None => self.resolve_with_configs(importer, specifier, kind),
        };
        let from = self.shown(importer);
        let not_found = || ResolveError::NotFound {
            specifier: specifier.into(),
            importer: importer.into(),
            from: from.clone(),
            hint: not_found_hint(specifier, aliased.as_ref()),
        };
        let node_builtin =
            || ResolveError::NodeBuiltin { specifier: specifier.into(), importer: importer.into(), from: from.clone() };
        match result {
            Ok(found) => Ok(Resolution::File(found.into_path_buf())),
            Err(OxcError::Builtin { resolved, .. }) => match self.target {
                Target::Node => Ok(Resolution::Builtin(resolved)),
                Target::Browser => Err(node_builtin()),
            },
            Err(OxcError::Ignored(path)) => Ok(Resolution::Empty(path)),
            Err(OxcError::NotFound(_) | OxcError::MatchedAliasNotFound(..) | OxcError::ExtensionAlias(..)) => {
                if let Some(mock) = aliased.is_none().then(|| self.root_mock(specifier)).flatten() {
                    return Ok(Resolution::File(mock));
                }
                let builtin = self
                    .builtins
                    .as_ref()
                    .is_some_and(|b| matches!(b.resolve(dir, specifier), Err(OxcError::Builtin { .. })));
                Err(if builtin { node_builtin() } else { not_found() })
            }
            Err(other) => Err(ResolveError::Invalid {
                specifier: specifier.into(),
                importer: importer.into(),
                from: from.clone(),
                message: other.to_string(),
            }),
        }
    }

    /// The `__mocks__/<package>` file of the first mock root that has one, for a bare specifier
    /// of a package that is not installed: as in Jest, the mock is then what resolves (dayjs
    /// tests import `dayjs` itself, which its `test/__mocks__/dayjs.js` points at `src/`).
    fn root_mock(&self, specifier: &str) -> Option<PathBuf> {
        let bare = !specifier.starts_with('.') && !specifier.starts_with('/') && !specifier.contains(':');
        if !bare || specifier.split('/').any(|part| part.is_empty() || part == "..") {
            return None;
        }
        let base = |root: &PathBuf| root.join("__mocks__").join(specifier).into_os_string();
        self.mock_roots.iter().find_map(|root| {
            MOCK_EXTENSIONS.iter().find_map(|extension| {
                let mut path = base(root);
                path.push(extension);
                let path = PathBuf::from(path);
                path.is_file().then(|| path.canonicalize().unwrap_or(path))
            })
        })
    }

    /// Forgets every cached directory listing, package.json and tsconfig (after files were
    /// added or removed, or a package.json/tsconfig/jsconfig changed).
    pub fn clear_cache(&self) {
        self.import.clear_cache();
        self.nearest_configs.lock().unwrap_or_else(PoisonError::into_inner).clear();
        self.bound_resolvers.lock().unwrap_or_else(PoisonError::into_inner).clear();
        self.configless.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// `importer` as error messages show it: relative to the root when inside it.
    fn shown(&self, importer: &Path) -> String {
        match importer.strip_prefix(&self.root).or_else(|_| importer.strip_prefix(&self.real_root)) {
            Ok(rel) => rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
            Err(_) => importer.display().to_string(),
        }
    }

    /// [`Self::resolve_following_configs`], and when the importer's tsconfig cannot be read
    /// (it extends a package that is not installed, say `@epic-web/config/typescript`), the
    /// same specifier resolved with no tsconfig at all. The transform already warned that the
    /// missing part is ignored; failing every import of the project instead would stop the
    /// whole suite over a lint preset.
    fn resolve_with_configs(
        &self,
        importer: &Path,
        specifier: &str,
        kind: ImportKind,
    ) -> Result<oxc_resolver::Resolution, OxcError> {
        match self.resolve_following_configs(importer, specifier, kind) {
            Err(
                OxcError::TsconfigNotFound(_)
                | OxcError::TsconfigLoadFailed { .. }
                | OxcError::TsconfigCircularExtend(_)
                | OxcError::TsconfigSelfReference(_),
            ) => {
                let configless = {
                    let mut resolvers = self.configless.lock().unwrap_or_else(PoisonError::into_inner);
                    let entry = resolvers.entry(kind).or_insert_with(|| {
                        let discovering = match kind {
                            ImportKind::Import => &self.import,
                            ImportKind::Require => &self.require,
                        };
                        Arc::new(Oxc::new(OxcOptions { tsconfig: None, ..discovering.options().clone() }))
                    });
                    Arc::clone(entry)
                };
                configless.resolve(importer.parent().unwrap_or(importer), specifier)
            }
            other => other,
        }
    }

    /// oxc_resolver with the importer's tsconfig: the nearest one that includes it (found by
    /// oxc_resolver per file), and when that resolves nothing, the nearest tsconfig.json or
    /// jsconfig.json whether it includes the file or not.
    fn resolve_following_configs(
        &self,
        importer: &Path,
        specifier: &str,
        kind: ImportKind,
    ) -> Result<oxc_resolver::Resolution, OxcError> {
        let dir = importer.parent().unwrap_or(importer);
        let discovering = match kind {
            ImportKind::Import => &self.import,
            ImportKind::Require => &self.require,
        };
        let nearest = {
            let mut known = self.nearest_configs.lock().unwrap_or_else(PoisonError::into_inner);
            known.entry(dir.to_path_buf()).or_insert_with(|| nearest_config(dir)).clone()
        };
        let Some(config) = nearest else { return discovering.resolve_file(importer, specifier) };
        let is_jsconfig = config.file_name().is_some_and(|name| name == "jsconfig.json");
        if !is_jsconfig {
            let result = discovering.resolve_file(importer, specifier);
            if !matches!(result, Err(OxcError::NotFound(_))) {
                return result;
            }
        }
        let bound = {
            let mut resolvers = self.bound_resolvers.lock().unwrap_or_else(PoisonError::into_inner);
            let entry = resolvers.entry((config.clone(), kind)).or_insert_with(|| {
                let tsconfig = TsconfigOptions { config_file: config, references: TsconfigReferences::Disabled };
                let options =
                    OxcOptions { tsconfig: Some(TsconfigDiscovery::Manual(tsconfig)), ..discovering.options().clone() };
                // Its own cache: oxc_resolver keeps one manual tsconfig per cache.
                Arc::new(Oxc::new(options))
            });
            Arc::clone(entry)
        };
        bound.resolve(dir, specifier)
    }
}

/// The tsconfig.json or jsconfig.json nearest above `dir` (tsconfig.json first in one
/// directory). Files in node_modules follow no config of the project's.
fn nearest_config(dir: &Path) -> Option<PathBuf> {
    for ancestor in dir.ancestors() {
        if ancestor.file_name().is_some_and(|name| name == "node_modules") {
            return None;
        }
        for name in ["tsconfig.json", "jsconfig.json"] {
            let config = ancestor.join(name);
            if config.is_file() {
                return Some(config);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_support::project;

    fn resolver(root: &Path, target: Target, alias: &[(&str, &str)], conditions: &[&str]) -> Resolver {
        Resolver::new(ResolveOptions {
            root: root.to_path_buf(),
            target,
            alias: alias.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            conditions: conditions.iter().map(|c| c.to_string()).collect(),
            mock_roots: vec![root.to_path_buf()],
        })
    }

    /// Resolves from `importer` (relative to the root) and shows the result relative to `root`.
    fn show(r: &Resolver, root: &Path, importer: &str, specifier: &str, kind: ImportKind) -> String {
        match r.resolve(&root.join(importer), specifier, kind) {
            Ok(Resolution::File(path)) => match path.strip_prefix(root) {
                Ok(rel) => rel.to_string_lossy().into_owned(),
                Err(_) => path.to_string_lossy().into_owned(),
            },
            Ok(Resolution::Builtin(name)) => format!("builtin {name}"),
            Ok(Resolution::Empty(path)) => format!("empty {}", path.strip_prefix(root).unwrap_or(&path).display()),
            Ok(Resolution::TestApi) => "test api".into(),
            Err(err) => format!("error: {err}"),
        }
    }

    #[test]
    fn the_test_apis_names_are_the_controller_even_when_installed() {
        let (_d, root) = project(&[
            (
                "node_modules/vitest/package.json",
                r#"{ "name": "vitest", "exports": { ".": "./index.js", "./node": "./node.js" } }"#,
            ),
            ("node_modules/vitest/index.js", ""),
            ("node_modules/vitest/node.js", ""),
            ("test/t.test.ts", ""),
        ]);
        for target in BOTH {
            let r = resolver(&root, target, &[("@jest/globals", "./elsewhere.js")], &[]);
            for kind in KINDS {
                let s = |spec: &str| show(&r, &root, "test/t.test.ts", spec, kind);
                for name in protocol::API_MODULES {
                    assert_eq!(s(name), "test api", "{name}");
                }
                assert_eq!(s("vitest/node"), "node_modules/vitest/node.js", "not the test API: the package's");
            }
        }
    }

    const BOTH: [Target; 2] = [Target::Node, Target::Browser];
    const KINDS: [ImportKind; 2] = [ImportKind::Import, ImportKind::Require];

    #[test]
    fn relative_imports_try_extensions_in_vites_order_and_directory_indexes() {
        let (_d, root) = project(&[
            ("src/a.ts", ""),
            ("src/a.js", ""),
            ("src/b.jsx", ""),
            ("src/b.json", ""),
            ("src/c.cjs", ""),
            ("src/d.json", "{}"),
            ("src/dir/index.tsx", ""),
            ("src/dir/index.js", ""),
            ("src/pkgdir/package.json", r#"{ "main": "lib/entry.js" }"#),
            ("src/pkgdir/lib/entry.js", ""),
            ("src/exact.mjs", ""),
            ("test/t.test.ts", ""),
        ]);
        for target in BOTH {
            let r = resolver(&root, target, &[], &[]);
            for kind in KINDS {
                let s = |spec: &str| show(&r, &root, "test/t.test.ts", spec, kind);
                assert_eq!(s("../src/a"), "src/a.ts", "ts before js");
                assert_eq!(s("../src/b"), "src/b.jsx", "jsx before json");
                assert_eq!(s("../src/c"), "src/c.cjs");
                assert_eq!(s("../src/d"), "src/d.json");
                assert_eq!(s("../src/dir"), "src/dir/index.tsx", "directory index");
                assert_eq!(s("../src/dir/"), "src/dir/index.tsx");
                assert_eq!(s("../src/pkgdir"), "src/pkgdir/lib/entry.js", "a directory's package.json main");
                assert_eq!(s("../src/exact.mjs"), "src/exact.mjs");
                assert_eq!(s("../src/d.json?raw"), "src/d.json", "a query is not part of the file");
                assert_eq!(s(&format!("file://{}", root.join("src/c.cjs").display())), "src/c.cjs");
                assert_eq!(s(&root.join("src/d").to_string_lossy()), "src/d.json", "absolute paths");
            }
        }
    }

    #[test]
    fn a_js_specifier_finds_its_typescript_twin() {
        let (_d, root) = project(&[
            ("src/only-ts.ts", ""),
            ("src/only-tsx.tsx", ""),
            ("src/both.ts", ""),
            ("src/both.js", ""),
            ("src/plain.js", ""),
            ("src/m.mts", ""),
            ("src/c.cts", ""),
            ("src/index.test.ts", ""),
        ]);
        let r = resolver(&root, Target::Node, &[], &[]);
        let s = |spec: &str| show(&r, &root, "src/index.test.ts", spec, ImportKind::Import);
        assert_eq!(s("./only-ts.js"), "src/only-ts.ts");
        assert_eq!(s("./only-tsx.js"), "src/only-tsx.tsx");
        assert_eq!(s("./both.js"), "src/both.ts", "as TypeScript's NodeNext resolution prefers the source");
        assert_eq!(s("./plain.js"), "src/plain.js");
        assert_eq!(s("./m.mjs"), "src/m.mts");
        assert_eq!(s("./c.cjs"), "src/c.cts");
    }

    #[test]
    fn an_uninstalled_package_resolves_to_the_first_mock_root_that_mocks_it() {
        let (_d, root) = project(&[
            ("test/__mocks__/dayjs.js", ""),
            ("test/__mocks__/@scope/pkg.ts", ""),
            ("src/__mocks__/dayjs.js", ""),
            ("node_modules/installed/package.json", r#"{ "main": "index.js" }"#),
            ("node_modules/installed/index.js", ""),
            ("test/__mocks__/installed.js", ""),
            ("test/a.test.js", ""),
        ]);
        let mut r = resolver(&root, Target::Node, &[], &[]);
        r.mock_roots = vec![root.join("test"), root.join("src")];
        let s = |spec: &str| show(&r, &root, "test/a.test.js", spec, ImportKind::Require);
        assert_eq!(s("dayjs"), "test/__mocks__/dayjs.js");
        assert_eq!(s("@scope/pkg"), "test/__mocks__/@scope/pkg.ts");
        assert_eq!(s("installed"), "node_modules/installed/index.js", "an installed package is itself");
        assert!(s("./dayjs").starts_with("error"), "{}", s("./dayjs"));
        assert!(s("../dayjs").starts_with("error"));
        let plain = resolver(&root, Target::Node, &[], &[]);
        let shown = show(&plain, &root, "test/a.test.js", "dayjs", ImportKind::Require);
        assert!(shown.starts_with("error"), "the root has no __mocks__/dayjs: {shown}");
    }

    #[test]
    fn tsconfig_paths_follow_the_importers_nearest_config_with_extends() {
        let (_d, root) = project(&[
            (
                "tsconfig.base.json",
                r#"{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["lib/*"], "~": ["lib/main.ts"] } } }"#,
            ),
            (
                "tsconfig.json",
                "{\n  // comments and trailing commas are fine\n  \"extends\": \"./tsconfig.base.json\",\n}\n",
            ),
            ("lib/util.ts", ""),
            ("lib/main.ts", ""),
            ("test/a.test.ts", ""),
            ("other/tsconfig.json", r#"{ "compilerOptions": { "paths": { "@lib/*": ["./mine/*"] } } }"#),
            ("other/mine/util.ts", ""),
            ("other/b.test.ts", ""),
            ("js/jsconfig.json", r#"{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["jslib/*"] } } }"#),
            ("test/plain.test.js", ""),
            (
                "narrow/tsconfig.json",
                r##"{ "include": ["src"], "compilerOptions": { "paths": { "~n/*": ["./src/*"] } } }"##,
            ),
            ("narrow/src/n.ts", ""),
            ("narrow/test/n.test.ts", ""),
            ("js/jslib/util.js", ""),
            ("js/c.test.js", ""),
        ]);
        for target in BOTH {
            let r = resolver(&root, target, &[], &[]);
            for kind in KINDS {
                assert_eq!(show(&r, &root, "test/a.test.ts", "@lib/util", kind), "lib/util.ts");
                assert_eq!(show(&r, &root, "test/a.test.ts", "~", kind), "lib/main.ts");
                assert_eq!(show(&r, &root, "other/b.test.ts", "@lib/util", kind), "other/mine/util.ts", "nearest wins");
                assert_eq!(show(&r, &root, "js/c.test.js", "@lib/util", kind), "js/jslib/util.js", "jsconfig.json");
                assert_eq!(show(&r, &root, "test/plain.test.js", "@lib/util", kind), "lib/util.ts", "a .js file too");
                assert_eq!(
                    show(&r, &root, "narrow/test/n.test.ts", "~n/n", kind),
                    "narrow/src/n.ts",
                    "outside include"
                );
            }
        }
    }

    #[test]
    fn package_imports_and_exports_match_the_targets_conditions() {
        let exports = r#"{
            "name": "dual",
            "exports": {
                ".": {
                    "@my/source": "./src/index.ts",
                    "browser": { "import": "./browser.mjs", "require": "./browser.cjs" },
                    "node": { "import": "./node.mjs", "require": "./node.cjs" },
                    "default": "./default.js"
                },
                "./feature": { "import": "./feature.mjs", "require": "./feature.cjs" },
                "./dev": { "development": "./dev.js", "default": "./prod.js" },
                "./package.json": "./package.json"
            }
        }"#;
        let (_d, root) = project(&[
            (
                "package.json",
                r##"{ "imports": { "#internal/*": "./src/internal/*.ts", "#env": { "node": "./src/env-node.ts", "default": "./src/env-browser.ts" } } }"##,
            ),
            ("src/internal/x.ts", ""),
            ("src/env-node.ts", ""),
            ("src/env-browser.ts", ""),
            ("test/a.test.ts", ""),
            ("node_modules/dual/package.json", exports),
            ("node_modules/dual/src/index.ts", ""),
            ("node_modules/dual/browser.mjs", ""),
            ("node_modules/dual/browser.cjs", ""),
            ("node_modules/dual/node.mjs", ""),
            ("node_modules/dual/node.cjs", ""),
            ("node_modules/dual/default.js", ""),
            ("node_modules/dual/feature.mjs", ""),
            ("node_modules/dual/feature.cjs", ""),
            ("node_modules/dual/dev.js", ""),
            ("node_modules/dual/prod.js", ""),
            ("node_modules/dual/hidden.js", ""),
        ]);
        let cases = [
            (Target::Node, ImportKind::Import, "node.mjs", "src/env-node.ts", "prod.js"),
            (Target::Node, ImportKind::Require, "node.cjs", "src/env-node.ts", "prod.js"),
            (Target::Browser, ImportKind::Import, "browser.mjs", "src/env-browser.ts", "dev.js"),
            (Target::Browser, ImportKind::Require, "browser.cjs", "src/env-browser.ts", "dev.js"),
        ];
        for (target, kind, main, env, dev) in cases {
            let r = resolver(&root, target, &[], &[]);
            let s = |spec: &str| show(&r, &root, "test/a.test.ts", spec, kind);
            assert_eq!(s("dual"), format!("node_modules/dual/{main}"), "{target:?} {kind:?}");
            assert_eq!(s("#env"), env, "{target:?} {kind:?}");
            assert_eq!(s("#internal/x"), "src/internal/x.ts");
            assert_eq!(
                s("dual/dev"),
                format!("node_modules/dual/{dev}"),
                "{target:?}: Vite's client has `development`"
            );
            let feature = if kind == ImportKind::Import { "feature.mjs" } else { "feature.cjs" };
            assert_eq!(s("dual/feature"), format!("node_modules/dual/{feature}"));
            assert!(
                s("dual/hidden.js").starts_with("error: cannot resolve \"dual/hidden.js\" from test/a.test.ts: "),
                "{}",
                s("dual/hidden.js")
            );
            let custom = resolver(&root, target, &[], &["@my/source"]);
            assert_eq!(
                show(&custom, &root, "test/a.test.ts", "dual", kind),
                "node_modules/dual/src/index.ts",
                "suite conditions"
            );
        }
    }

    #[test]
    fn the_browser_target_reads_the_browser_field_and_main_fields_as_vite() {
        let (_d, root) = project(&[
            ("test/a.test.js", ""),
            (
                "node_modules/legacy/package.json",
                r#"{ "main": "main.js", "module": "module.js", "browser": { "./main.js": "./browser.js", "./server.js": false, "fs": false } }"#,
            ),
            ("node_modules/legacy/main.js", "require('./server.js'); require('fs')"),
            ("node_modules/legacy/module.js", ""),
            ("node_modules/legacy/browser.js", ""),
            ("node_modules/legacy/server.js", ""),
            ("node_modules/modonly/package.json", r#"{ "main": "main.js", "module": "module.js" }"#),
            ("node_modules/modonly/main.js", ""),
            ("node_modules/modonly/module.js", ""),
            ("node_modules/brstr/package.json", r#"{ "main": "main.js", "browser": "br.js" }"#),
            ("node_modules/brstr/main.js", ""),
            ("node_modules/brstr/br.js", ""),
        ]);
        let node = resolver(&root, Target::Node, &[], &[]);
        let browser = resolver(&root, Target::Browser, &[], &[]);
        let from = "test/a.test.js";
        let i = ImportKind::Import;
        assert_eq!(show(&node, &root, from, "modonly", i), "node_modules/modonly/main.js");
        assert_eq!(show(&browser, &root, from, "modonly", i), "node_modules/modonly/module.js");
        assert_eq!(show(&node, &root, from, "brstr", i), "node_modules/brstr/main.js");
        assert_eq!(show(&browser, &root, from, "brstr", ImportKind::Require), "node_modules/brstr/br.js");
        assert_eq!(
            show(&node, &root, "node_modules/legacy/main.js", "./server.js", i),
            "node_modules/legacy/server.js"
        );
        assert_eq!(
            show(&browser, &root, "node_modules/legacy/main.js", "./server.js", i),
            "empty node_modules/legacy/server.js"
        );
        assert_eq!(show(&browser, &root, "node_modules/legacy/main.js", "fs", i), "empty node_modules/legacy");
    }

    #[test]
    fn builtins_are_node_modules_in_node_and_errors_in_the_browser() {
        let (_d, root) = project(&[
            ("src/a.ts", ""),
            ("node_modules/events/package.json", r#"{ "main": "events.js" }"#),
            ("node_modules/events/events.js", ""),
        ]);
        let node = resolver(&root, Target::Node, &[], &[]);
        let browser = resolver(&root, Target::Browser, &[], &[]);
        for kind in KINDS {
            assert_eq!(show(&node, &root, "src/a.ts", "fs", kind), "builtin node:fs");
            assert_eq!(show(&node, &root, "src/a.ts", "node:fs/promises", kind), "builtin node:fs/promises");
            assert_eq!(
                show(&node, &root, "src/a.ts", "events", kind),
                "builtin node:events",
                "node's own wins in node"
            );
            assert_eq!(
                show(&browser, &root, "src/a.ts", "events", kind),
                "node_modules/events/events.js",
                "a browser replacement"
            );
            for spec in ["fs", "node:fs"] {
                assert_eq!(
                    show(&browser, &root, "src/a.ts", spec, kind),
                    format!("error: cannot resolve \"{spec}\" from src/a.ts: it is a node builtin module, which browsers do not have (hint: run this file in node, or install a browser replacement for it)")
                );
            }
        }
    }

    #[test]
    fn the_alias_table_rewrites_before_resolution() {
        let (_d, root) = project(&[
            ("src/components/Button.tsx", ""),
            ("src/redux/index.ts", ""),
            ("src/a.test.ts", ""),
            ("node_modules/preact/package.json", r#"{ "exports": { "./compat": "./compat/index.js" } }"#),
            ("node_modules/preact/compat/index.js", ""),
        ]);
        for target in BOTH {
            let r = resolver(
                &root,
                target,
                &[("@", "./src"), ("redux", "./src/redux/index.ts"), ("react", "preact/compat")],
                &[],
            );
            for kind in KINDS {
                let s = |spec: &str| show(&r, &root, "src/a.test.ts", spec, kind);
                assert_eq!(s("@/components/Button"), "src/components/Button.tsx");
                assert_eq!(s("redux"), "src/redux/index.ts");
                assert_eq!(s("react"), "node_modules/preact/compat/index.js");
                assert_eq!(
                    s("@/missing"),
                    format!(
                        "error: cannot resolve \"@/missing\" from src/a.test.ts (aliased to {})",
                        root.join("src/missing").display()
                    )
                );
            }
        }
    }

    #[test]
    fn node_modules_above_the_root_and_symlinked_packages_resolve_to_real_paths() {
        let (_d, repo) = project(&[
            ("node_modules/hoisted/package.json", r#"{ "main": "index.js" }"#),
            ("node_modules/hoisted/index.js", ""),
            (
                "packages/shared/package.json",
                r#"{ "name": "@my/shared", "exports": { ".": { "@my/source": "./src/index.ts", "default": "./dist/index.js" } } }"#,
            ),
            ("packages/shared/src/index.ts", ""),
            ("packages/shared/dist/index.js", ""),
            ("packages/app/src/a.test.ts", ""),
        ]);
        std::fs::create_dir_all(repo.join("packages/app/node_modules/@my")).unwrap();
        std::os::unix::fs::symlink(repo.join("packages/shared"), repo.join("packages/app/node_modules/@my/shared"))
            .unwrap();
        let root = repo.join("packages/app");
        for target in BOTH {
            let r = resolver(&root, target, &[], &["@my/source"]);
            for kind in KINDS {
                let s = |spec: &str| show(&r, &root, "src/a.test.ts", spec, kind);
                assert_eq!(s("hoisted"), repo.join("node_modules/hoisted/index.js").to_string_lossy());
                assert_eq!(s("@my/shared"), repo.join("packages/shared/src/index.ts").to_string_lossy(), "real path");
            }
            let plain = resolver(&root, target, &[], &[]);
            let shown = show(&plain, &root, "src/a.test.ts", "@my/shared", ImportKind::Import);
            assert_eq!(shown, repo.join("packages/shared/dist/index.js").to_string_lossy());
        }
    }

    #[test]
    fn missing_modules_name_the_specifier_and_the_importer() {
        let (_d, root) = project(&[("src/a.ts", "")]);
        let r = resolver(&root, Target::Node, &[], &[]);
        assert_eq!(
            show(&r, &root, "src/a.ts", "./x", ImportKind::Import),
            "error: cannot resolve \"./x\" from src/a.ts"
        );
        assert_eq!(
            show(&r, &root, "src/a.ts", "@scope/nope/deep", ImportKind::Require),
            "error: cannot resolve \"@scope/nope/deep\" from src/a.ts (hint: is \"@scope/nope\" installed? no node_modules above the importer has it)"
        );
        let err = r.resolve(&root.join("src/a.ts"), "./x", ImportKind::Import).unwrap_err();
        assert!(matches!(err, ResolveError::NotFound { ref importer, .. } if importer == &root.join("src/a.ts")));
        assert_eq!(err.located(3, 19).to_string(), "cannot resolve \"./x\" from src/a.ts:3:19");
    }

    #[test]
    fn a_tsconfig_extending_a_missing_package_is_ignored_not_fatal() {
        let (_d, root) = project(&[
            ("tsconfig.json", r#"{ "extends": "@epic-web/config/typescript", "include": ["src"] }"#),
            ("src/is-windows.ts", ""),
            ("src/__tests__/a.test.ts", ""),
        ]);
        let r = resolver(&root, Target::Node, &[], &[]);
        for kind in [ImportKind::Import, ImportKind::Require] {
            assert_eq!(show(&r, &root, "src/__tests__/a.test.ts", "../is-windows.js", kind), "src/is-windows.ts");
        }
        assert!(show(&r, &root, "src/__tests__/a.test.ts", "../absent.js", ImportKind::Import).starts_with("error"));
    }

    #[test]
    fn clear_cache_sees_new_files() {
        let (_d, root) = project(&[("src/a.ts", "")]);
        let r = resolver(&root, Target::Node, &[], &[]);
        assert!(show(&r, &root, "src/a.ts", "./late", ImportKind::Import).starts_with("error"));
        std::fs::write(root.join("src/late.ts"), "").unwrap();
        r.clear_cache();
        assert_eq!(show(&r, &root, "src/a.ts", "./late", ImportKind::Import), "src/late.ts");
    }

    #[test]
    fn package_names_keep_their_scope() {
        assert_eq!(package_name("lodash/fp"), "lodash");
        assert_eq!(package_name("@scope/pkg/x/y"), "@scope/pkg");
        assert_eq!(package_name("react"), "react");
    }
}
