//! CommonJS globals in one file: which of `require`, `module`, `exports`, `__dirname` and
//! `__filename` it uses without declaring them (decides CommonJS vs ES module output), and the
//! node shim that defines the ones an ES module needs from `import.meta`, as vite-node does for
//! Jest-era test files.

use super::options::Language;
use std::path::Path;
use swc_core::common::{sync::Lrc, FileName, Globals, Mark, SourceMap, GLOBALS};
use swc_core::ecma::ast::{EsVersion, Ident, ModuleDecl, ModuleItem, Program};
use swc_core::ecma::parser::{parse_file_as_module, parse_file_as_program};
use swc_core::ecma::transforms::base::resolver;
use swc_core::ecma::utils::DropSpan;
use swc_core::ecma::visit::{Visit, VisitMutWith, VisitWith};

/// The CommonJS globals a file uses as free (undeclared) identifiers.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FreeGlobals {
    pub require: bool,
    pub module: bool,
    pub exports: bool,
    pub dirname: bool,
    pub filename: bool,
}

impl FreeGlobals {
    /// Collects them from a program the resolver has marked with `unresolved_mark`.
    pub(crate) fn find(program: &Program, unresolved_mark: Mark) -> FreeGlobals {
        let mut finder = Finder { unresolved_mark, found: FreeGlobals::default() };
        program.visit_with(&mut finder);
        finder.found
    }

    /// Uses CommonJS's own module objects (without ES syntax, the file is CommonJS).
    pub(crate) fn commonjs(self) -> bool {
        self.require || self.module || self.exports
    }

    /// Uses what the node shim defines for an ES module.
    pub(crate) fn needs_shim(self) -> bool {
        self.require || self.dirname || self.filename
    }
}

struct Finder {
    unresolved_mark: Mark,
    found: FreeGlobals,
}

impl Visit for Finder {
    fn visit_ident(&mut self, ident: &Ident) {
        if ident.ctxt.outer() != self.unresolved_mark {
            return;
        }
        match &*ident.sym {
            "require" => self.found.require = true,
            "module" => self.found.module = true,
            "exports" => self.found.exports = true,
            "__dirname" => self.found.dirname = true,
            "__filename" => self.found.filename = true,
            _ => {}
        }
    }
}

/// Whether the program has ES module syntax (`import`/`export`, not TypeScript's `import =` or
/// `export =`).
pub(crate) fn has_esm_syntax(program: &Program) -> bool {
    program.as_module().is_some_and(|module| {
        module.body.iter().any(|item| {
            matches!(
                item,
                ModuleItem::ModuleDecl(
                    ModuleDecl::Import(_)
                        | ModuleDecl::ExportDecl(_)
                        | ModuleDecl::ExportNamed(_)
                        | ModuleDecl::ExportDefaultDecl(_)
                        | ModuleDecl::ExportDefaultExpr(_)
                        | ModuleDecl::ExportAll(_)
                )
            )
        })
    })
}

/// Statements that define, from `import.meta`, the globals `found` uses, for an ES module on
/// node. They carry no spans, so the source map maps none of the shim and every original
/// position stays where it was.
pub(crate) fn node_shim(found: FreeGlobals) -> Vec<ModuleItem> {
    let mut text = String::new();
    if found.require {
        text.push_str(
            "import { createRequire as __proctor_createRequire } from \"node:module\";\
             const require = __proctor_createRequire(import.meta.url);",
        );
    }
    if found.dirname || found.filename {
        text.push_str("import { fileURLToPath as __proctor_fileURLToPath } from \"node:url\";");
    }
    if found.filename {
        text.push_str("const __filename = __proctor_fileURLToPath(import.meta.url);");
    }
    if found.dirname {
        text.push_str(
            "import { dirname as __proctor_dirname } from \"node:path\";\
             const __dirname = __proctor_dirname(__proctor_fileURLToPath(import.meta.url));",
        );
    }
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Anon), text);
    let mut module = parse_file_as_module(&fm, Default::default(), EsVersion::latest(), None, &mut Vec::new())
        .expect("the node shim is fixed, valid JavaScript");
    module.visit_mut_with(&mut DropSpan);
    module.body
}

/// Whether a plain JavaScript file (`.js`, `.mjs`) is an ES module that uses `require`,
/// `__dirname` or `__filename` without declaring them: on node it then needs
/// [`transform`](super::transform) for the shim, though [`needs_transform`](super::needs_transform)
/// says no. Cheap when none of the names occurs in the text (no parse); a file that does not
/// parse is left to the runtime (false).
pub fn uses_cjs_globals(path: &Path, source: &str) -> bool {
    if !["require", "__dirname", "__filename"].iter().any(|name| source.contains(name)) {
        return false;
    }
    let language = Language::of(path, false).unwrap_or(Language::JavaScript);
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Real(path.to_path_buf())), source.to_owned());
    let Ok(program) =
        parse_file_as_program(&fm, super::compile::syntax(language), EsVersion::latest(), None, &mut Vec::new())
    else {
        return false;
    };
    if !has_esm_syntax(&program) {
        return false;
    }
    GLOBALS.set(&Globals::new(), || {
        let unresolved_mark = Mark::new();
        let program = program.apply(resolver(unresolved_mark, Mark::new(), language.is_typescript()));
        FreeGlobals::find(&program, unresolved_mark).needs_shim()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_free_uses_in_es_modules_count() {
        let js = Path::new("a.mjs");
        assert!(uses_cjs_globals(js, "import x from 'x';\nconst p = __dirname + x;"));
        assert!(uses_cjs_globals(js, "export const a = require('fs');"));
        assert!(uses_cjs_globals(js, "export const f = __filename;"));
        assert!(!uses_cjs_globals(js, "export const a = 1; // require"));
        assert!(!uses_cjs_globals(js, "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nexport const a = require('fs');"));
        assert!(!uses_cjs_globals(js, "export function f(__dirname) { return __dirname; }"));
        assert!(!uses_cjs_globals(js, "const fs = require('fs');\nmodule.exports = fs;"), "CommonJS needs no shim");
        assert!(!uses_cjs_globals(js, "export const = require("), "a broken file is node's to report");
    }
}
