//! `rebindable_exports`: lets `vi.spyOn(namespace, "name")` / `jest.spyOn` replace an export of
//! a project ES module (node, a page's ES modules; not bundles), as Vitest's module runner and
//! babel-jest's CommonJS allow. An ES
//! module's namespace is frozen, so the module itself must rebind the export: the pass hands the
//! controller (controller-js/src/live-exports.js) a getter and a setter per exported local
//! binding,
//!
//! ```text
//! var __proctor_own_0;
//! globalThis.__proctorLiveExports?.({ "fn": [() => fn, (v) => { __proctor_own_0 ??= fn; fn = v; }] });
//! ```
//!
//! and the spy sets the binding, which every importer sees through its live binding. `export
//! const` becomes `let` so it can be set. As in Vitest and Jest, the module's own calls keep the
//! original: its reads of a binding it never assigns become `(__proctor_own_0 || fn)` (the
//! original, once a spy was installed). Re-exports (`export { x } from`, `export *`) and
//! exported imports are not the module's bindings and get no setter. The generated code has no
//! span, so the source map still points every original line at itself.

use super::hoist::optional_call;
use std::collections::{HashMap, HashSet};
use swc_core::atoms::Atom;
use swc_core::common::{BytePos, Mark, Span, SyntaxContext, DUMMY_SP};
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitMut, VisitMutWith, VisitWith};

/// The global the controller installs (live-exports.js); the generated call is optional, so a
/// module loaded without the controller runs unchanged.
const REGISTER: &str = "__proctorLiveExports";

/// A top-level binding `(name, context)` as the resolver marked it.
type Binding = (Atom, SyntaxContext);

/// Adds the setters to `module` (an ES module after the TypeScript strip and JSX); a module with
/// no exported local binding is left as it is. `unresolved_mark` is the resolver's.
pub(crate) fn rebindable_exports(module: &mut Module, unresolved_mark: Mark) {
    bind_default_expressions(module);
    let exports = exported_locals(module);
    if exports.is_empty() {
        return;
    }
    let mut assigned = Assigned::default();
    module.visit_with(&mut assigned);
    let locals: HashSet<Binding> = exports.iter().map(|(_, local)| local.to_id()).collect();
    let_for_const(module, &locals);

    // Reads of exports the module never assigns go through the original once a spy is set.
    let own_ctxt = SyntaxContext::empty().apply_mark(Mark::new());
    let mut own: HashMap<Binding, Ident> = HashMap::new();
    for (_, local) in &exports {
        let id = local.to_id();
        // (A binding this pass made, without a span, has no reads to keep.)
        if !assigned.0.contains(&id) && !own.contains_key(&id) && !local.span.is_dummy() {
            let name = format!("__proctor_own_{}", own.len());
            own.insert(id, Ident::new(name.into(), DUMMY_SP, own_ctxt));
        }
    }
    module.visit_mut_with(&mut OwnReads { own: &own });

    let mut prologue = Vec::new();
    if !own.is_empty() {
        let mut names: Vec<&Ident> = own.values().collect();
        names.sort_by(|a, b| a.sym.cmp(&b.sym));
        prologue.push(ModuleItem::Stmt(Stmt::Decl(Decl::Var(Box::new(VarDecl {
            span: DUMMY_SP,
            ctxt: SyntaxContext::empty(),
            kind: VarDeclKind::Var,
            declare: false,
            decls: names
                .into_iter()
                .map(|name| VarDeclarator {
                    span: DUMMY_SP,
                    name: Pat::Ident(BindingIdent { id: name.clone(), type_ann: None }),
                    init: None,
                    definite: false,
                })
                .collect(),
        })))));
    }
    let unresolved = SyntaxContext::empty().apply_mark(unresolved_mark);
    prologue.push(register(&exports, &own, unresolved));
    // After the imports (which run first whatever their place), before the rest of the body.
    let at =
        module.body.iter().take_while(|item| matches!(item, ModuleItem::ModuleDecl(ModuleDecl::Import(_)))).count();
    module.body.splice(at..at, prologue);
}

/// `export default <expression>` gets a binding of its own to set: `let __proctor_default =
/// <expression>; ... export { __proctor_default as default };`. The default export was a binding
/// initialized by that statement already; an anonymous function or class is wrapped as
/// `{ default: <expression> }.default` so that its name is still `default`.
fn bind_default_expressions(module: &mut Module) {
    let mut bound = None;
    for item in &mut module.body {
        let ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultExpr(export)) = item else { continue };
        let local = Ident::new("__proctor_default".into(), DUMMY_SP, SyntaxContext::empty().apply_mark(Mark::new()));
        let value = std::mem::replace(&mut export.expr, Box::new(Expr::Invalid(Invalid { span: DUMMY_SP })));
        let anonymous = matches!(
            value.unwrap_parens(),
            Expr::Arrow(_) | Expr::Fn(FnExpr { ident: None, .. }) | Expr::Class(ClassExpr { ident: None, .. })
        );
        let init = if anonymous {
            let named = Prop::KeyValue(KeyValueProp {
                key: PropName::Ident(IdentName::new("default".into(), DUMMY_SP)),
                value,
            });
            let object = ObjectLit { span: DUMMY_SP, props: vec![PropOrSpread::Prop(Box::new(named))] };
            Box::new(Expr::Member(MemberExpr {
                span: DUMMY_SP,
                obj: Box::new(Expr::Paren(ParenExpr { span: DUMMY_SP, expr: Box::new(Expr::Object(object)) })),
                prop: MemberProp::Ident(IdentName::new("default".into(), DUMMY_SP)),
            }))
        } else {
            value
        };
        // The statement's own span: a declaration of the source's, which the setters include.
        *item = ModuleItem::Stmt(Stmt::Decl(Decl::Var(Box::new(VarDecl {
            span: export.span,
            ctxt: SyntaxContext::empty(),
            kind: VarDeclKind::Let,
            declare: false,
            decls: vec![VarDeclarator {
                span: export.span,
                name: Pat::Ident(BindingIdent { id: local.clone(), type_ann: None }),
                init: Some(init),
                definite: false,
            }],
        }))));
        bound = Some(local);
    }
    if let Some(local) = bound {
        let specifier = ExportSpecifier::Named(ExportNamedSpecifier {
            span: DUMMY_SP,
            orig: ModuleExportName::Ident(local),
            exported: Some(ModuleExportName::Ident(Ident::new_no_ctxt("default".into(), DUMMY_SP))),
            is_type_only: false,
        });
        module.body.push(ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(NamedExport {
            span: DUMMY_SP,
            specifiers: vec![specifier],
            src: None,
            type_only: false,
            with: None,
        })));
    }
}

/// Whether a file's text may export a binding of its own (a line starting with `export`), the
/// cheap test before transforming a plain JavaScript file for this pass alone. A file with a
/// source map of its own (compiled elsewhere) is left alone: its stacks would lose that map.
pub fn might_export(source: &str) -> bool {
    !source.contains("sourceMappingURL=")
        && source.lines().any(|line| {
            let rest = line.trim_start().strip_prefix("export").unwrap_or("\0");
            rest.starts_with(|c: char| c.is_whitespace() || c == '{')
        })
}

/// (exported name, local binding) of every export the module can rebind itself.
fn exported_locals(module: &Module) -> Vec<(Atom, Ident)> {
    let mut declared: HashSet<Binding> = HashSet::new();
    for item in &module.body {
        let decl = match item {
            ModuleItem::Stmt(Stmt::Decl(decl)) => decl,
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(export)) => &export.decl,
            _ => continue,
        };
        match decl {
            Decl::Fn(f) => drop(declared.insert(f.ident.to_id())),
            Decl::Class(c) => drop(declared.insert(c.ident.to_id())),
            // A declaration without a span is an earlier pass's (the hoisting's aliases of
            // exported imports): not a binding of the source's.
            Decl::Var(var) if !var.span.is_dummy() => {
                declared.extend(var.decls.iter().filter_map(|d| d.name.as_ident()).map(|b| b.id.to_id()))
            }
            _ => {}
        }
    }
    let mut exports = Vec::new();
    for item in &module.body {
        let ModuleItem::ModuleDecl(decl) = item else { continue };
        match decl {
            ModuleDecl::ExportDecl(export) => match &export.decl {
                Decl::Fn(f) => exports.push((f.ident.sym.clone(), f.ident.clone())),
                Decl::Class(c) => exports.push((c.ident.sym.clone(), c.ident.clone())),
                Decl::Var(var) => {
                    for binding in var.decls.iter().filter_map(|d| d.name.as_ident()) {
                        exports.push((binding.id.sym.clone(), binding.id.clone()));
                    }
                }
                _ => {}
            },
            ModuleDecl::ExportNamed(NamedExport { src: None, specifiers, .. }) => {
                for specifier in specifiers {
                    let ExportSpecifier::Named(named) = specifier else { continue };
                    let ModuleExportName::Ident(orig) = &named.orig else { continue };
                    if !declared.contains(&orig.to_id()) {
                        continue;
                    }
                    let name = named.exported.as_ref().map_or(orig.sym.clone(), export_name);
                    exports.push((name, orig.clone()));
                }
            }
            ModuleDecl::ExportDefaultDecl(export) => match &export.decl {
                DefaultDecl::Fn(FnExpr { ident: Some(ident), .. })
                | DefaultDecl::Class(ClassExpr { ident: Some(ident), .. }) => {
                    exports.push(("default".into(), ident.clone()))
                }
                _ => {}
            },
            _ => {}
        }
    }
    exports
}

fn export_name(name: &ModuleExportName) -> Atom {
    match name {
        ModuleExportName::Ident(ident) => ident.sym.clone(),
        ModuleExportName::Str(text) => text.value.to_string_lossy().as_ref().into(),
    }
}

/// Top-level `const` declarations of exported bindings become `let`: the spy sets them.
fn let_for_const(module: &mut Module, locals: &HashSet<Binding>) {
    for item in &mut module.body {
        let var = match item {
            ModuleItem::Stmt(Stmt::Decl(Decl::Var(var))) => var,
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(var), .. })) => var,
            _ => continue,
        };
        let exported = var.decls.iter().filter_map(|d| d.name.as_ident()).any(|b| locals.contains(&b.id.to_id()));
        if var.kind == VarDeclKind::Const && exported {
            var.kind = VarDeclKind::Let;
        }
    }
}

/// Bindings written anywhere after their declaration (assignments, `++`, a second `var`): the
/// module's own reads of those follow the binding, spy included.
#[derive(Default)]
struct Assigned(HashSet<Binding>, HashSet<Binding>);

impl Visit for Assigned {
    fn visit_binding_ident(&mut self, binding: &BindingIdent) {
        // The first BindingIdent of a `var`/`let` is its declaration; functions and classes
        // declare with a plain Ident, so for them any BindingIdent is a write. Parameters and
        // inner declarations carry other contexts and never match an export.
        let id = binding.id.to_id();
        if !self.1.insert(id.clone()) {
            self.0.insert(id);
        }
    }

    fn visit_fn_decl(&mut self, f: &FnDecl) {
        self.1.insert(f.ident.to_id());
        f.visit_children_with(self);
    }

    fn visit_class_decl(&mut self, c: &ClassDecl) {
        self.1.insert(c.ident.to_id());
        c.visit_children_with(self);
    }

    fn visit_export_default_decl(&mut self, export: &ExportDefaultDecl) {
        match &export.decl {
            DefaultDecl::Fn(FnExpr { ident: Some(ident), .. })
            | DefaultDecl::Class(ClassExpr { ident: Some(ident), .. }) => {
                self.1.insert(ident.to_id());
            }
            _ => {}
        }
        export.visit_children_with(self);
    }

    fn visit_update_expr(&mut self, update: &UpdateExpr) {
        if let Expr::Ident(ident) = &*update.arg {
            self.0.insert(ident.to_id());
        }
        update.visit_children_with(self);
    }
}

/// Rewrites reads of the bindings in `own` to `(own || binding)`.
struct OwnReads<'a> {
    own: &'a HashMap<Binding, Ident>,
}

impl OwnReads<'_> {
    fn read(&self, ident: &Ident) -> Option<Expr> {
        let own = self.own.get(&ident.to_id())?;
        // Every piece maps to where the name starts: V8 places a call through a parenthesized
        // callee at its argument list, whose nearest mapping is the parenthesis' end (swc maps
        // a node's end at `hi - 1`), and that must still be the callee's start, as for `fn(...)`.
        let at = Span::new(ident.span.lo, ident.span.lo + BytePos(1));
        Some(Expr::Paren(ParenExpr {
            span: at,
            expr: Box::new(Expr::Bin(BinExpr {
                span: at,
                op: BinaryOp::LogicalOr,
                left: Box::new(Expr::Ident(Ident { span: at, ..own.clone() })),
                right: Box::new(Expr::Ident(Ident { span: at, ..ident.clone() })),
            })),
        }))
    }
}

impl VisitMut for OwnReads<'_> {
    fn visit_mut_expr(&mut self, expr: &mut Expr) {
        if let Expr::Ident(ident) = expr {
            if let Some(read) = self.read(ident) {
                *expr = read;
            }
            return;
        }
        expr.visit_mut_children_with(self);
    }

    fn visit_mut_prop(&mut self, prop: &mut Prop) {
        if let Prop::Shorthand(ident) = prop {
            if let Some(read) = self.read(ident) {
                let key = PropName::Ident(IdentName::new(ident.sym.clone(), ident.span));
                *prop = Prop::KeyValue(KeyValueProp { key, value: Box::new(read) });
            }
            return;
        }
        prop.visit_mut_children_with(self);
    }
}

/// `globalThis.__proctorLiveExports?.({ "name": [() => local, (v) => { own ??= local; local = v; }], ... });`
fn register(exports: &[(Atom, Ident)], own: &HashMap<Binding, Ident>, unresolved: SyntaxContext) -> ModuleItem {
    let props = exports
        .iter()
        .map(|(name, local)| {
            let value = Ident::new("v".into(), DUMMY_SP, SyntaxContext::empty().apply_mark(Mark::new()));
            let local = Ident::new(local.sym.clone(), DUMMY_SP, local.ctxt);
            let getter = arrow(Vec::new(), ArrowFunctionBody::Expr(Box::new(Expr::Ident(local.clone()))));
            let assign = |target: &Ident, op: AssignOp, right: Expr| {
                Stmt::Expr(ExprStmt {
                    span: DUMMY_SP,
                    expr: Box::new(Expr::Assign(AssignExpr {
                        span: DUMMY_SP,
                        op,
                        left: AssignTarget::Simple(SimpleAssignTarget::Ident(BindingIdent {
                            id: target.clone(),
                            type_ann: None,
                        })),
                        right: Box::new(right),
                    })),
                })
            };
            let mut body = Vec::new();
            if let Some(own) = own.get(&local.to_id()) {
                body.push(assign(own, AssignOp::NullishAssign, Expr::Ident(local.clone())));
            }
            body.push(assign(&local, AssignOp::Assign, Expr::Ident(value.clone())));
            let setter = arrow(
                vec![Pat::Ident(BindingIdent { id: value, type_ann: None })],
                ArrowFunctionBody::FunctionBody(FunctionBody { span: DUMMY_SP, stmts: body }),
            );
            let pair = Expr::Array(ArrayLit { span: DUMMY_SP, elems: vec![Some(getter.into()), Some(setter.into())] });
            PropOrSpread::Prop(Box::new(Prop::KeyValue(KeyValueProp {
                key: PropName::Str(Str { span: DUMMY_SP, value: name.as_str().into(), raw: None }),
                value: Box::new(pair),
            })))
        })
        .collect();
    let global = Expr::Ident(Ident::new("globalThis".into(), DUMMY_SP, unresolved));
    let callee = Expr::Member(MemberExpr {
        span: DUMMY_SP,
        obj: Box::new(global),
        prop: MemberProp::Ident(IdentName::new(REGISTER.into(), DUMMY_SP)),
    });
    let call = optional_call(Box::new(callee), vec![Expr::Object(ObjectLit { span: DUMMY_SP, props }).into()]);
    ModuleItem::Stmt(Stmt::Expr(ExprStmt { span: DUMMY_SP, expr: Box::new(call) }))
}

fn arrow(params: Vec<Pat>, body: ArrowFunctionBody) -> Expr {
    Expr::Arrow(ArrowExpr {
        span: DUMMY_SP,
        ctxt: SyntaxContext::empty(),
        params,
        body: Box::new(body),
        is_async: false,
        is_generator: false,
        type_params: None,
        return_type: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transform::{transform, TransformOptions};
    use std::path::Path;

    fn node(source: &str) -> String {
        transform(Path::new("/p/src/mod.js"), source, &TransformOptions::default()).unwrap().code
    }

    #[test]
    fn exported_functions_and_constants_get_setters_and_internal_reads_keep_the_original() {
        let code = node(
            "import { x } from './x.js';\nexport function fn() { return 1; }\nexport const arrow = () => fn();\n\
             const hidden = 2;\nexport { hidden as shown, x };\nexport default class Thing {}\nconst o = { fn };\n",
        );
        assert!(code.contains("export let arrow = ()=>(__proctor_own_"), "{code}");
        assert!(code.contains("let hidden = 2"), "{code}");
        assert!(code.contains("fn: __proctor_own_0 || fn"), "shorthand property reads the original: {code}");
        assert!(code.contains("globalThis.__proctorLiveExports?.({"), "{code}");
        for key in ["\"fn\": [", "\"arrow\": [", "\"shown\": [", "\"default\": ["] {
            assert!(code.contains(key), "{key}: {code}");
        }
        assert!(!code.contains("\"x\": ["), "an imported binding is not the module's: {code}");
        let import_at = code.find("import { x }").unwrap();
        assert!(import_at < code.find("__proctorLiveExports").unwrap(), "{code}");
    }

    #[test]
    fn assigned_bindings_are_set_but_their_reads_are_left_alone() {
        let code = node("export let count = 0;\nexport function bump() { count++; return count; }\n");
        assert!(code.contains("count++"), "{code}");
        assert!(code.contains("\"count\": [\n        ()=>count,\n        (v)=>{\n            count = v;"), "{code}");
        assert!(!code.contains("(__proctor_own_0 || count)"), "{code}");
    }

    #[test]
    fn a_default_expression_gets_a_binding_and_an_anonymous_one_keeps_its_name() {
        let code = node("export default () => 1;\n");
        assert!(code.contains("let __proctor_default = {\n    default: ()=>1\n}.default;"), "{code}");
        assert!(!code.contains("__proctor_own"), "nothing of the module's reads the new binding: {code}");
        assert!(code.contains("export { __proctor_default as default };"), "{code}");
        assert!(code.contains("\"default\": ["), "{code}");
        let code = node("function Comp() {}\nexport default Comp;\nComp();\n");
        assert!(code.contains("let __proctor_default = Comp;"), "{code}");
        assert!(code.contains("\nComp();"), "the module's own reads are of its function, not the export: {code}");
    }

    #[test]
    fn modules_without_exports_of_their_own_are_unchanged() {
        let code = node("export { a } from './a.js';\nexport * from './b.js';\nconsole.log(1);\n");
        assert!(!code.contains("__proctor"), "{code}");
    }

    #[test]
    fn only_lines_starting_with_export_make_a_plain_file_a_candidate() {
        assert!(might_export("const a = 1;\nexport { a };\n"));
        assert!(might_export("  export function f() {}"));
        assert!(!might_export("module.exports = { a };\nexports.b = 1;\n"));
        assert!(!might_export("export const a = 1;\n//# sourceMappingURL=a.js.map\n"));
    }
}
