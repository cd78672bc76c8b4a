//! [`ProjectModules`]: a suite's modules for one target — the one [`Resolver`], the tsconfigs
//! and the transform cache — so the node manifest, the browser's file server, bundles and the
//! `proctor internal` answers all decide alike. [`ModuleSettings`] is what it is made from,
//! serializable, so a node process can hand the same settings back to the host binary.

use crate::config::{BuildMode, Config, JsxConfig, SuiteConfig};
use crate::resolve::{ResolveOptions, Resolver, Target};
use crate::transform::{
    might_export, might_import_fresh, needs_hoisting, needs_transform, uses_cjs_globals, uses_import_meta_env,
    CachedModule, JsxOverrides, JsxRuntime, TransformCache, TransformError, TransformOptions, Tsconfigs,
};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// Where transformed files are kept, under the project root.
pub(crate) const CACHE_DIR: &str = ".proctor/cache/transform";

/// Everything a suite's module handling depends on, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModuleSettings {
    /// The project root.
    pub root: PathBuf,
    /// Whether the modules run in node (else a browser).
    pub node: bool,
    /// The `[alias]` table, in order.
    pub alias: Vec<(String, String)>,
    /// The suite's extra export conditions.
    pub conditions: Vec<String>,
    /// `jsx = ...` (automatic, classic, preserve).
    pub jsx: Option<String>,
    /// `jsx-import-source`.
    pub jsx_import_source: Option<String>,
    /// `jsx-factory`.
    pub jsx_factory: Option<String>,
    /// `jsx-fragment`.
    pub jsx_fragment: Option<String>,
    /// `jsx-in-js`.
    pub jsx_in_js: bool,
    /// The transform cache's directory.
    pub cache_dir: PathBuf,
    /// A bundler takes the modules (a browser suite's `build = "esbuild"` or a command): no
    /// top-level await for mock hoisting.
    #[serde(default)]
    pub bundled: bool,
    /// Directories whose `__mocks__/` holds package mocks (the suite's `roots`, else the root).
    #[serde(default)]
    pub mock_roots: Vec<PathBuf>,
}

impl ModuleSettings {
    /// The settings of `suite` for `target`.
    pub fn for_suite(config: &Config, suite: &SuiteConfig, target: Target) -> ModuleSettings {
        let JsxConfig { runtime, import_source, factory, fragment, in_js } = suite.jsx.clone();
        ModuleSettings {
            root: config.root.clone(),
            node: target == Target::Node,
            alias: config.alias.clone(),
            conditions: suite.conditions.clone(),
            jsx: runtime,
            jsx_import_source: import_source,
            jsx_factory: factory,
            jsx_fragment: fragment,
            jsx_in_js: in_js,
            cache_dir: config.root.join(CACHE_DIR),
            bundled: target == Target::Browser && suite.build != BuildMode::Esm,
            mock_roots: suite.mock_roots(&config.root),
        }
    }

    /// Settings from the project's alone (no suite's conditions or JSX overrides): for what
    /// runs outside any suite, such as global setup.
    pub fn for_project(config: &Config, target: Target) -> ModuleSettings {
        ModuleSettings {
            alias: config.alias.clone(),
            ..ModuleSettings::plain(&config.root, target, &config.root.join(CACHE_DIR))
        }
    }

    /// Settings with nothing configured: no alias, conditions or JSX overrides.
    pub fn plain(root: &Path, target: Target, cache_dir: &Path) -> ModuleSettings {
        ModuleSettings {
            root: root.to_path_buf(),
            node: target == Target::Node,
            alias: Vec::new(),
            conditions: Vec::new(),
            jsx: None,
            jsx_import_source: None,
            jsx_factory: None,
            jsx_fragment: None,
            jsx_in_js: false,
            cache_dir: cache_dir.to_path_buf(),
            bundled: false,
            mock_roots: vec![root.to_path_buf()],
        }
    }

    /// The runtime target.
    pub fn target(&self) -> Target {
        if self.node {
            Target::Node
        } else {
            Target::Browser
        }
    }

    fn overrides(&self) -> JsxOverrides {
        JsxOverrides {
            runtime: self.jsx.as_deref().and_then(|word| match word {
                "automatic" => Some(JsxRuntime::Automatic),
                "classic" => Some(JsxRuntime::Classic),
                "preserve" => Some(JsxRuntime::Preserve),
                _ => None,
            }),
            import_source: self.jsx_import_source.clone(),
            factory: self.jsx_factory.clone(),
            fragment: self.jsx_fragment.clone(),
            in_js: self.jsx_in_js,
        }
    }
}

/// Why a plain JavaScript file goes through the transform.
enum Need {
    /// It cannot run without it (mocks to hoist, the node shim, fresh imports in a page).
    Required,
    /// Only so a spy can replace its exports (live_exports.rs).
    SpiesOnly,
}

/// The resolver, tsconfigs and transform cache of one suite and target.
pub struct ProjectModules {
    settings: ModuleSettings,
    resolver: Arc<Resolver>,
    tsconfigs: Mutex<Tsconfigs>,
    cache: TransformCache,
    overrides: JsxOverrides,
}

impl ProjectModules {
    /// Builds them from their settings.
    pub fn new(settings: ModuleSettings) -> ProjectModules {
        let resolver = Arc::new(Resolver::new(ResolveOptions {
            root: settings.root.clone(),
            target: settings.target(),
            alias: settings.alias.clone(),
            conditions: settings.conditions.clone(),
            mock_roots: settings.mock_roots.clone(),
        }));
        let overrides = settings.overrides();
        let cache = TransformCache::new(settings.cache_dir.clone());
        ProjectModules { settings, resolver, tsconfigs: Mutex::new(Tsconfigs::new()), cache, overrides }
    }

    /// Their settings.
    pub fn settings(&self) -> &ModuleSettings {
        &self.settings
    }

    /// The one resolver.
    pub fn resolver(&self) -> &Arc<Resolver> {
        &self.resolver
    }

    /// `file` transformed (from the cache when it can be), or `None` when it runs as it is.
    pub fn transformed(&self, file: &Path) -> Result<Option<CachedModule>, TransformError> {
        let options = {
            let mut tsconfigs = self.tsconfigs.lock().unwrap_or_else(PoisonError::into_inner);
            let options = tsconfigs.options_for(file, self.settings.target(), &self.overrides);
            TransformOptions { await_imports: !self.settings.bundled, ..options }
        };
        if needs_transform(file, &options) {
            return self.cache.get(file, &options).map(Some);
        }
        // A plain script needs it only to hoist mocks or for the node shim; the text read to
        // tell is the one the cache keys and transforms.
        match self.plain_source_to_transform(file) {
            Some((source, Need::SpiesOnly)) => {
                // Only for spies: a file swc cannot take still runs as node has it.
                Ok(self.cache.get_with_source(file, source.as_bytes(), &options).ok())
            }
            Some((source, Need::Required)) => self.cache.get_with_source(file, source.as_bytes(), &options).map(Some),
            None => Ok(None),
        }
    }

    /// The text of a plain JavaScript file of the project's own that the transform must change:
    /// one with `vi.mock`/`jest.mock` calls to hoist, or, on node, an ES module that uses
    /// `require`, `__dirname` or `__filename`, which node gives only CommonJS (Jest-era files
    /// do, and Vitest provides them), or one that exports bindings of its own, which a spy may
    /// replace (live_exports.rs); `None` for any other file. Packages' files are never hoisted
    /// (their text may well mention `vi.mock(`) nor made spyable.
    fn plain_source_to_transform(&self, file: &Path) -> Option<(String, Need)> {
        let extension = file.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if !matches!(extension, "js" | "mjs" | "cjs") {
            return None;
        }
        let source = std::fs::read_to_string(file).ok()?;
        let shim = self.settings.target() == Target::Node && extension != "cjs" && uses_cjs_globals(file, &source);
        let package = file.components().any(|c| c.as_os_str() == "node_modules");
        // In a page, `import()` after `vi.resetModules()` and its kin must reach fresh instances.
        let fresh = self.settings.target() == Target::Browser && !self.settings.bundled && might_import_fresh(&source);
        // Vite's `import.meta.env`, which neither runtime has (see transform/import_meta_env.rs).
        let meta_env = uses_import_meta_env(&source);
        if shim || !package && (needs_hoisting(file, &source) || fresh || meta_env) {
            return Some((source, Need::Required));
        }
        let spyable = !self.settings.bundled && extension != "cjs" && !package && might_export(&source);
        spyable.then_some((source, Need::SpiesOnly))
    }

    /// Warnings about tsconfig files that could not be read (each once).
    pub fn take_warnings(&self) -> Vec<String> {
        self.tsconfigs.lock().unwrap_or_else(PoisonError::into_inner).take_warnings()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transform::ModuleFormat;

    #[test]
    fn plain_scripts_are_transformed_when_they_hoist_mocks_unless_in_a_package() {
        let (_dir, root) = crate::test_support::project(&[
            ("a.test.js", "import { a } from './a.js';\nvi.mock('./a.js');\n"),
            ("b.test.cjs", "const a = require('./a.js');\njest.mock('./a.js');\n"),
            ("c.test.mjs", "import { a } from './a.js';\nvi.doMock('./a.js');\n// vi.mock('./a.js')\n"),
            ("node_modules/p/index.js", "vi.mock('./x');\nexport default 1;\n"),
        ]);
        for target in [Target::Node, Target::Browser] {
            let modules = ProjectModules::new(ModuleSettings::plain(&root, target, &root.join(CACHE_DIR)));
            let module = modules.transformed(&root.join("a.test.js")).unwrap().expect("hoisted");
            assert_eq!(module.format, ModuleFormat::Module);
            let code = std::fs::read_to_string(&module.code_path).unwrap();
            assert!(code.starts_with("vi.mock('./a.js');\n"), "{target:?}: {code}");
            let module = modules.transformed(&root.join("b.test.cjs")).unwrap().expect("hoisted");
            assert_eq!(module.format, ModuleFormat::CommonJs);
            assert!(modules.transformed(&root.join("c.test.mjs")).unwrap().is_none(), "nothing to hoist");
            assert!(modules.transformed(&root.join("node_modules/p/index.js")).unwrap().is_none(), "a package's");
        }
    }

    #[test]
    fn plain_modules_that_export_are_transformed_for_spies_unless_bundled_and_run_as_they_are_when_swc_fails() {
        let (_dir, root) = crate::test_support::project(&[
            ("src/a.js", "export function a() {\n  return 1;\n}\n"),
            ("src/odd.js", "export const x = 1;\nthis is not javascript\n"),
            ("src/c.cjs", "exports.c = 1;\n"),
            ("node_modules/p/index.js", "export function p() {}\n"),
        ]);
        let node = ProjectModules::new(ModuleSettings::plain(&root, Target::Node, &root.join(CACHE_DIR)));
        let module = node.transformed(&root.join("src/a.js")).unwrap().expect("transformed for spies");
        assert!(std::fs::read_to_string(&module.code_path).unwrap().contains("__proctorLiveExports"));
        assert!(node.transformed(&root.join("src/odd.js")).unwrap().is_none(), "left to node, which reports it");
        assert!(node.transformed(&root.join("src/c.cjs")).unwrap().is_none());
        assert!(node.transformed(&root.join("node_modules/p/index.js")).unwrap().is_none());
        let page = ProjectModules::new(ModuleSettings::plain(&root, Target::Browser, &root.join(CACHE_DIR)));
        assert!(page.transformed(&root.join("src/a.js")).unwrap().is_some(), "a page's ES modules too");
        let bundled =
            ModuleSettings { bundled: true, ..ModuleSettings::plain(&root, Target::Browser, &root.join(CACHE_DIR)) };
        let bundled = ProjectModules::new(bundled);
        assert!(bundled.transformed(&root.join("src/a.js")).unwrap().is_none(), "a bundle has no namespaces to spy on");
    }
}
