//! CommonJS packages as ES modules for the browser's `esm` build: [`analyze`] finds, with swc,
//! what a CommonJS file exports (the names cjs-module-lexer detects, as node and Vite give them),
//! what it re-exports and which literal `require()` calls it makes; [`wrap`] turns it into an ES
//! module whose requires are hoisted as static imports of the URLs the resolver chose. The
//! server (`modules.rs`) decides which files are CommonJS and resolves the requires.

use std::collections::BTreeSet;
use swc_core::common::{sync::Lrc, FileName, SourceMap};
use swc_core::ecma::ast::*;
use swc_core::ecma::parser::{parse_file_as_program, EsSyntax, Syntax};
use swc_core::ecma::visit::{Visit, VisitWith};

/// What a CommonJS file exports and needs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CjsAnalysis {
    /// The file has `import`/`export` declarations: it is an ES module, not CommonJS.
    pub esm: bool,
    /// Names assigned to `exports` / `module.exports` (`exports.a =`, `defineProperty`,
    /// `module.exports = { a, b }`).
    pub exports: BTreeSet<String>,
    /// Specifiers whose exports this file passes on (`module.exports = require("./x")`,
    /// `__exportStar(require("./x"), exports)`).
    pub reexports: Vec<String>,
    /// Every literal `require("x")`, in order of first appearance.
    pub requires: Vec<String>,
}

/// Analyzes `source`; a file swc cannot parse has no known exports (it fails in the browser
/// with the browser's own syntax error).
pub fn analyze(source: &str) -> CjsAnalysis {
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Anon), source.to_string());
    let mut errors = Vec::new();
    // CommonJS may `return` at top level (its body is a function's).
    let syntax =
        Syntax::Es(EsSyntax { allow_return_outside_function: true, import_attributes: true, ..Default::default() });
    let Ok(program) = parse_file_as_program(&fm, syntax, EsVersion::latest(), None, &mut errors) else {
        return CjsAnalysis::default();
    };
    let mut found = Finder::default();
    if let Program::Module(module) = &program {
        found.analysis.esm = module.body.iter().any(|item| matches!(item, ModuleItem::ModuleDecl(_)));
    }
    program.visit_with(&mut found);
    found.analysis
}

#[derive(Default)]
struct Finder {
    analysis: CjsAnalysis,
}

/// `require("x")` → `x`.
fn required(expr: &Expr) -> Option<String> {
    let Expr::Call(call) = expr else { return None };
    let Callee::Expr(callee) = &call.callee else { return None };
    let Expr::Ident(name) = &**callee else { return None };
    if &*name.sym != "require" || call.args.len() != 1 || call.args[0].spread.is_some() {
        return None;
    }
    match &*call.args[0].expr {
        Expr::Lit(Lit::Str(s)) => Some(s.value.to_string_lossy().into_owned()),
        Expr::Tpl(tpl) if tpl.exprs.is_empty() => tpl.quasis.first().map(|q| q.raw.to_string()),
        _ => None,
    }
}

fn is_ident(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Ident(i) if &*i.sym == name)
}

/// `module.exports`.
fn is_module_exports(expr: &Expr) -> bool {
    matches!(expr, Expr::Member(m) if is_ident(&m.obj, "module") && prop_name(&m.prop).as_deref() == Some("exports"))
}

/// `exports` or `module.exports`.
fn is_exports(expr: &Expr) -> bool {
    is_ident(expr, "exports") || is_module_exports(expr)
}

fn prop_name(prop: &MemberProp) -> Option<String> {
    match prop {
        MemberProp::Ident(i) => Some(i.sym.to_string()),
        MemberProp::Computed(c) => match &*c.expr {
            Expr::Lit(Lit::Str(s)) => Some(s.value.to_string_lossy().into_owned()),
            _ => None,
        },
        MemberProp::PrivateName(_) => None,
    }
}

fn key_name(key: &PropName) -> Option<String> {
    match key {
        PropName::Ident(i) => Some(i.sym.to_string()),
        PropName::Str(s) => Some(s.value.to_string_lossy().into_owned()),
        _ => None,
    }
}

impl Finder {
    fn export(&mut self, name: String) {
        if name != "__esModule" {
            self.analysis.exports.insert(name);
        }
    }

    fn reexport(&mut self, specifier: String) {
        if !self.analysis.reexports.contains(&specifier) {
            self.analysis.reexports.push(specifier);
        }
    }
}

impl Visit for Finder {
    fn visit_assign_expr(&mut self, assign: &AssignExpr) {
        if let AssignTarget::Simple(SimpleAssignTarget::Member(member)) = &assign.left {
            if is_module_exports(&Expr::Member(member.clone())) {
                match &*assign.right {
                    Expr::Object(object) => {
                        for prop in &object.props {
                            match prop {
                                PropOrSpread::Prop(prop) => match &**prop {
                                    Prop::Shorthand(i) => self.export(i.sym.to_string()),
                                    Prop::KeyValue(kv) => {
                                        if let Some(name) = key_name(&kv.key) {
                                            self.export(name)
                                        }
                                    }
                                    Prop::Method(m) => {
                                        if let Some(name) = key_name(&m.key) {
                                            self.export(name)
                                        }
                                    }
                                    Prop::Getter(g) => {
                                        if let Some(name) = key_name(&g.key) {
                                            self.export(name)
                                        }
                                    }
                                    _ => {}
                                },
                                PropOrSpread::Spread(spread) => {
                                    if let Some(specifier) = required(&spread.expr) {
                                        self.reexport(specifier)
                                    }
                                }
                            }
                        }
                    }
                    right => {
                        if let Some(specifier) = required(right) {
                            self.reexport(specifier)
                        }
                    }
                }
            } else if is_exports(&member.obj) {
                if let Some(name) = prop_name(&member.prop) {
                    self.export(name)
                }
            }
        }
        assign.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Some(specifier) = required(&Expr::Call(call.clone())) {
            if !self.analysis.requires.contains(&specifier) {
                self.analysis.requires.push(specifier);
            }
        }
        if let Callee::Expr(callee) = &call.callee {
            let name = match &**callee {
                Expr::Ident(i) => Some(i.sym.to_string()),
                Expr::Member(m) => prop_name(&m.prop),
                _ => None,
            };
            match name.as_deref() {
                Some("defineProperty") if call.args.len() >= 2 && is_exports(&call.args[0].expr) => {
                    if let Expr::Lit(Lit::Str(s)) = &*call.args[1].expr {
                        self.export(s.value.to_string_lossy().into_owned())
                    }
                }
                Some("__exportStar" | "__export") => {
                    if let Some(specifier) = call.args.first().and_then(|a| required(&a.expr)) {
                        self.reexport(specifier)
                    }
                }
                _ => {}
            }
        }
        call.visit_children_with(self);
    }
}

/// The ES module for a CommonJS file. `requires` pairs each literal specifier with the URL it
/// resolved to (None: left to throw when called, as an optional dependency's try/catch
/// expects); a `require(name)` of another name (computed at run time) gets the realm's mock of
/// it, if the page has one (browser-mocks.js `required`), else throws; `names` are the named
/// exports. Everything added before the original code stays
/// on its first line and the code runs inside a function, so line numbers hold and its own
/// top-level names cannot collide with ours.
pub fn wrap(source: &str, requires: &[(String, Option<String>)], names: &BTreeSet<String>) -> String {
    let js = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let mut out = String::new();
    let mut table = Vec::new();
    for (index, (specifier, url)) in requires.iter().enumerate() {
        if let Some(url) = url {
            out.push_str(&format!("import * as __proctor_r{index} from {}; ", js(url)));
            table.push(format!("{}: __proctor_r{index}", js(specifier)));
        }
    }
    out.push_str(&format!("var __proctor_table = {{ {} }}; ", table.join(", ")));
    out.push_str(
        "var __proctor_module = { exports: {} }; \
         var __proctor_require = function require(specifier) { \
         var ns = __proctor_table[specifier]; \
         if (ns === undefined) { \
         var mocked = globalThis.__proctorBrowserMocks && globalThis.__proctorBrowserMocks.required(specifier, import.meta.url); \
         if (mocked !== undefined) return mocked; \
         throw new Error(\"cannot require \" + JSON.stringify(specifier) + \" in the browser: it did not resolve\"); } \
         return \"__proctor_cjs\" in ns ? ns.__proctor_cjs : Object.assign({ __esModule: true }, ns); }; \
         var __proctor_process = globalThis.process ?? { env: { NODE_ENV: \"test\" } }; \
         (function (module, exports, require, global, process) {",
    );
    out.push_str(source);
    out.push_str(
        "\n}).call(__proctor_module.exports, __proctor_module, __proctor_module.exports, __proctor_require, globalThis, __proctor_process);\n",
    );
    out.push_str("var __proctor_cjs = __proctor_module.exports;\nexport { __proctor_cjs };\n");
    out.push_str(
        "export default __proctor_cjs && __proctor_cjs.__esModule && \"default\" in __proctor_cjs ? __proctor_cjs.default : __proctor_cjs;\n",
    );
    for (index, name) in names.iter().filter(|n| *n != "default" && *n != "__proctor_cjs").enumerate() {
        out.push_str(&format!(
            "var __proctor_e{index} = __proctor_cjs == null ? undefined : __proctor_cjs[{}];\nexport {{ __proctor_e{index} as {} }};\n",
            js(name),
            js(name)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use indoc::indoc;

    #[test]
    fn finds_what_cjs_module_lexer_finds() {
        let found = analyze(indoc! {r#"
            "use strict";
            Object.defineProperty(exports, "__esModule", { value: true });
            exports.a = 1;
            module.exports.b = function () {};
            exports["c-d"] = 2;
            Object.defineProperty(exports, "e", { enumerable: true, get: function () { return 3; } });
            __exportStar(require("./star"), exports);
            tslib_1.__exportStar(require("./star2"), exports);
            const dep = require("dep");
            function later() { return require(`./lazy`); }
        "#});
        assert!(!found.esm);
        assert_eq!(found.exports.iter().map(String::as_str).collect::<Vec<_>>(), ["a", "b", "c-d", "e"]);
        assert_eq!(found.reexports, ["./star", "./star2"]);
        assert_eq!(found.requires, ["./star", "./star2", "dep", "./lazy"]);
    }

    #[test]
    fn module_exports_objects_and_reexports() {
        let found = analyze(indoc! {r#"
            if (process.env.NODE_ENV === "production") {
              module.exports = require("./cjs/react.production.js");
            } else {
              module.exports = require("./cjs/react.development.js");
            }
            module.exports = { useState, "use-x": 1, render() {}, ...require("./more") };
        "#});
        assert_eq!(found.reexports, ["./cjs/react.production.js", "./cjs/react.development.js", "./more"]);
        assert_eq!(found.exports.iter().map(String::as_str).collect::<Vec<_>>(), ["render", "use-x", "useState"]);
    }

    #[test]
    fn es_modules_are_told_apart() {
        assert!(analyze("import x from 'y';\nexport const a = x;").esm);
        assert!(!analyze("module.exports = 1;").esm);
        assert!(!analyze("var x = require('y');").esm);
    }

    #[test]
    fn a_top_level_return_is_commonjs() {
        let found = analyze("if (typeof window === 'undefined') return;\nexports.a = require('./a');");
        assert_eq!(found.requires, ["./a"]);
        assert!(found.exports.contains("a"));
    }

    #[test]
    fn a_file_that_does_not_parse_exports_nothing() {
        assert_eq!(analyze("exports.a = ("), CjsAnalysis::default());
    }

    #[test]
    fn the_wrapper_keeps_lines_and_exports_defaults_and_names() {
        let names: BTreeSet<String> = ["a".to_string(), "default".to_string(), "if".to_string()].into();
        let requires =
            [("dep".to_string(), Some("/node_modules/dep/index.js".to_string())), ("gone".to_string(), None)];
        let wrapped = wrap("exports.a = require('dep');\nexports.if = 2;", &requires, &names);
        let lines: Vec<&str> = wrapped.lines().collect();
        assert!(lines[0].starts_with("import * as __proctor_r0 from \"/node_modules/dep/index.js\"; "));
        assert!(
            lines[0].ends_with("(function (module, exports, require, global, process) {exports.a = require('dep');")
        );
        assert_eq!(lines[1], "exports.if = 2;");
        assert!(!wrapped.contains("__proctor_r1"), "an unresolved require is not imported");
        assert!(wrapped.contains("export { __proctor_e0 as \"a\" };"));
        assert!(wrapped.contains("export { __proctor_e1 as \"if\" };"));
        assert!(!wrapped.contains("as \"default\""));
    }

    #[test]
    fn a_require_of_a_computed_name_asks_the_pages_mocks() {
        let Ok(node) = which::which("node") else { return };
        let dir = tempfile::tempdir().unwrap();
        let source = "exports.get = (name) => require(name);";
        std::fs::write(dir.path().join("wrapped.mjs"), wrap(source, &[], &analyze(source).exports)).unwrap();
        let script = "globalThis.__proctorBrowserMocks = { required: (name, url) => name === 'mocked' && url.endsWith('/wrapped.mjs') ? { x: 1 } : undefined };
                      const { get } = await import('./wrapped.mjs');
                      let error; try { get('other'); } catch (e) { error = e.message; }
                      console.log(get('mocked').x, error);";
        let output = std::process::Command::new(node)
            .arg("--input-type=module")
            .arg("-e")
            .arg(script)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&output.stdout).trim(),
            "1 cannot require \"other\" in the browser: it did not resolve",
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    #[test]
    fn the_wrapper_runs_in_node() {
        // The wrapped module is real JS: node imports it and sees module.exports as default and
        // the named exports, with `this` and `exports` the same object as in CommonJS.
        let Ok(node) = which::which("node") else { return };
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("dep.mjs"), "export const x = 41;").unwrap();
        let source = "const dep = require('./dep');\nexports.answer = dep.x + 1;\nthis.same = this === exports;";
        let analysis = analyze(source);
        let requires: Vec<_> = analysis.requires.iter().map(|s| (s.clone(), Some("./dep.mjs".to_string()))).collect();
        std::fs::write(dir.path().join("wrapped.mjs"), wrap(source, &requires, &analysis.exports)).unwrap();
        let output = std::process::Command::new(node)
            .arg("--input-type=module")
            .arg("-e")
            .arg("import d, { answer } from './wrapped.mjs'; console.log(answer, d.answer, d.same)")
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&output.stdout).trim(),
            "42 42 true",
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
