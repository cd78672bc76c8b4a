//! CommonJS globals in one file: which of `require`, `module`, `exports`, `__dirname` and
//! `__filename` it uses without declaring them (decides CommonJS vs ES module output), and the
//! node shim that defines the ones an ES module needs from `import.meta`, as vite-node does for
//! Jest-era test files.

use super::options::Language;
use std::path::Path;
use swc_core::common::{sync::Lrc, FileName, Globals, Mark, SourceMap, GLOBALS};
use swc_core::ecma::ast::{
    AssignExpr, AssignTarget, ComputedPropName, EsVersion, Expr, ExprStmt, Ident, KeyValueProp, Lit, MemberProp,
    MethodProp, ModuleDecl, ModuleItem, Program, Prop, PropName, PropOrSpread, SimpleAssignTarget, Stmt,
};
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

    /// Uses CommonJS's `exports` or `module` (in an ES module: written for Babel, which Jest
    /// runs as CommonJS; see [`exports_shim`]).
    pub(crate) fn mixes_in_commonjs(self) -> bool {
        self.exports || self.module
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

/// The names a Babel-style mixed module exports through CommonJS, in order: `exports.x = ...`,
/// `module.exports.x = ...` and the keys of `module.exports = { ... }` at its top level.
pub(crate) fn commonjs_export_names(program: &Program, unresolved_mark: Mark) -> Vec<String> {
    let free = |expr: &Expr, name: &str| matches!(expr, Expr::Ident(id) if id.sym == *name && id.ctxt.outer() == unresolved_mark);
    let module_exports = |expr: &Expr| match expr {
        Expr::Member(member) => {
            free(&member.obj, "module") && matches!(&member.prop, MemberProp::Ident(p) if p.sym == *"exports")
        }
        _ => false,
    };
    let mut names: Vec<String> = Vec::new();
    let mut add = |name: String| {
        if !names.contains(&name) {
            names.push(name);
        }
    };
    let Some(module) = program.as_module() else { return Vec::new() };
    for item in &module.body {
        let ModuleItem::Stmt(Stmt::Expr(ExprStmt { expr, .. })) = item else { continue };
        let Expr::Assign(AssignExpr { left: AssignTarget::Simple(SimpleAssignTarget::Member(target)), right, .. }) =
            &**expr
        else {
            continue;
        };
        let on_exports = free(&target.obj, "exports") || module_exports(&target.obj);
        match &target.prop {
            MemberProp::Ident(prop) if on_exports => add(prop.sym.to_string()),
            MemberProp::Computed(ComputedPropName { expr: key, .. }) if on_exports => {
                if let Expr::Lit(Lit::Str(key)) = &**key {
                    add(key.value.to_string_lossy().into_owned());
                }
            }
            MemberProp::Ident(prop) if prop.sym == *"exports" && free(&target.obj, "module") => {
                let Expr::Object(object) = &**right else { continue };
                for prop in &object.props {
                    match prop {
                        PropOrSpread::Prop(prop) => match &**prop {
                            Prop::Shorthand(id) => add(id.sym.to_string()),
                            Prop::KeyValue(KeyValueProp { key, .. }) | Prop::Method(MethodProp { key, .. }) => {
                                match key {
                                    PropName::Ident(id) => add(id.sym.to_string()),
                                    PropName::Str(s) => add(s.value.to_string_lossy().into_owned()),
                                    _ => {}
                                }
                            }
                            _ => {}
                        },
                        PropOrSpread::Spread(_) => {}
                    }
                }
            }
            _ => {}
        }
    }
    names
}

/// The statements around a mixed module's body: a `module` and `exports` of its own before it,
/// and after it `module.exports` as the default export and each of `names` as a named one.
/// Without spans, like [`node_shim`], so the source map still maps every original position.
pub(crate) fn exports_shim(names: &[String]) -> (Vec<ModuleItem>, Vec<ModuleItem>) {
    let prologue = "const module = { exports: {} };\nlet exports = module.exports;\n".to_owned();
    let mut epilogue = "const __proctor_exports = module.exports;\nexport default __proctor_exports;\n".to_owned();
    for (index, name) in names.iter().enumerate() {
        let quoted = serde_json::to_string(name).unwrap_or_default();
        epilogue.push_str(&format!(
            "const __proctor_export{index} = __proctor_exports == null ? undefined : __proctor_exports[{quoted}];\n\
             export {{ __proctor_export{index} as {quoted} }};\n"
        ));
    }
    (parse_fixed(prologue), parse_fixed(epilogue))
}

/// Module items of text proctor generates (the shims), without spans.
fn parse_fixed(text: String) -> Vec<ModuleItem> {
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Anon), text);
    let mut module = parse_file_as_module(&fm, Default::default(), EsVersion::latest(), None, &mut Vec::new())
        .expect("the shims are generated, valid JavaScript");
    module.visit_mut_with(&mut DropSpan);
    module.body
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
    parse_fixed(text)
}

/// Whether a plain JavaScript file (`.js`, `.mjs`) is an ES module that uses `require`,
/// `__dirname` or `__filename` without declaring them, or (`.js`) uses `exports` as Babel lets
/// it (see [`exports_shim`]): on node it then needs
/// [`transform`](super::transform) for the shim, though [`needs_transform`](super::needs_transform)
/// says no. Cheap when none of the names occurs in the text (no parse); a file that does not
/// parse is left to the runtime (false).
pub fn uses_cjs_globals(path: &Path, source: &str) -> bool {
    if !["require", "__dirname", "__filename", "exports"].iter().any(|name| source.contains(name)) {
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
        let found = FreeGlobals::find(&program, unresolved_mark);
        let babel_style = found.mixes_in_commonjs() && !is_mjs(path);
        found.needs_shim() || babel_style
    })
}

/// An `.mjs` or `.mts` file is an ES module whatever it contains (node gives it no `exports`).
pub(crate) fn is_mjs(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "mjs" || ext == "mts")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn babel_mixed_modules_need_the_transform_except_as_mjs() {
        let js = Path::new("helpers.js");
        assert!(uses_cjs_globals(js, "import { a } from './a';\nexports.b = () => a;"));
        assert!(uses_cjs_globals(js, "import { a } from './a';\nmodule.exports = { a };"));
        assert!(!uses_cjs_globals(Path::new("helpers.mjs"), "import { a } from './a';\nexports.b = a;"));
        assert!(!uses_cjs_globals(js, "import { a } from './a';\nconst exports = {};\nexports.b = a;"));
    }

    #[test]
    fn commonjs_export_names_are_the_top_level_assignments() {
        let source = "import x from 'x';\nexports.a = 1;\nmodule.exports.b = 2;\nexports['c-d'] = 3;\nexports.a = 4;\nfunction f() { exports.inner = 1; }\nmodule.exports = { e, f: 1, g() {} };";
        let cm: Lrc<SourceMap> = Default::default();
        let fm = cm.new_source_file(Lrc::new(FileName::Anon), source.to_owned());
        let program =
            parse_file_as_program(&fm, Default::default(), EsVersion::latest(), None, &mut Vec::new()).unwrap();
        let names = GLOBALS.set(&Globals::new(), || {
            let unresolved_mark = Mark::new();
            let program = program.apply(resolver(unresolved_mark, Mark::new(), false));
            commonjs_export_names(&program, unresolved_mark)
        });
        assert_eq!(names, ["a", "b", "c-d", "e", "f", "g"]);
    }

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
