//! Dynamic imports that can reach fresh module instances in the browser's `esm` build: every
//! `import(x)` of a transformed module becomes `import((globalThis.__proctorMocks?.fresh ??
//! String)(x, import.meta))`. A page's module map keeps one instance per URL, so after
//! `vi.resetModules()`, inside `jest.isolateModules(fn)`, or after a `vi.doMock` of a module the
//! realm already imported, the controller (module-mocks.js `fresh`) resolves `x` as the importer
//! would (`import.meta.resolve`, the realm's import map) and moves a project URL into a new
//! sub-realm, `/@realm/<n>.<k>/`; otherwise it gives `x` back. Without the controller the call
//! is `String(x)`, which `import()` does to its argument anyway. Node's loader hooks move
//! imports themselves, so node output is left alone (see [`compile`](super::compile)).

use swc_core::common::{Spanned, SyntaxContext, DUMMY_SP};
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{VisitMut, VisitMutWith};

/// Words whose presence in a plain JavaScript file (otherwise served as it is) asks for the
/// rewrite: the calls that move later imports to fresh instances.
const FRESH_CALLS: &[&str] = &["resetModules", "isolateModules", "doMock"];

/// Whether a plain script's `source` needs [`route_dynamic_imports`]: it has a dynamic import
/// and a call that may make later imports fresh. Cheap, no parse.
pub fn might_import_fresh(source: &str) -> bool {
    source.contains("import(") && FRESH_CALLS.iter().any(|call| source.contains(call))
}

/// Rewrites every `import(x, options?)` in `module` to go through the controller's `fresh`.
pub(crate) fn route_dynamic_imports(module: &mut Module, unresolved: SyntaxContext) {
    module.visit_mut_with(&mut Router { unresolved });
}

struct Router {
    unresolved: SyntaxContext,
}

impl VisitMut for Router {
    fn visit_mut_call_expr(&mut self, call: &mut CallExpr) {
        call.visit_mut_children_with(self);
        if !matches!(call.callee, Callee::Import(_)) {
            return;
        }
        let Some(first) = call.args.first_mut().filter(|arg| arg.spread.is_none()) else { return };
        let specifier = std::mem::replace(&mut *first.expr, Expr::Invalid(Invalid { span: DUMMY_SP }));
        let span = specifier.span();
        let meta = Expr::MetaProp(MetaPropExpr { span: DUMMY_SP, kind: MetaPropKind::ImportMeta });
        *first.expr = Expr::Call(CallExpr {
            span,
            ctxt: SyntaxContext::empty(),
            callee: Callee::Expr(Box::new(self.fresh_or_string())),
            args: vec![
                ExprOrSpread { spread: None, expr: Box::new(specifier) },
                ExprOrSpread { spread: None, expr: Box::new(meta) },
            ],
            type_args: None,
        });
    }
}

impl Router {
    /// `(globalThis.__proctorMocks?.fresh ?? String)`.
    fn fresh_or_string(&self) -> Expr {
        let global = Box::new(Expr::Ident(Ident::new("globalThis".into(), DUMMY_SP, self.unresolved)));
        let mocks = MemberExpr {
            span: DUMMY_SP,
            obj: global,
            prop: MemberProp::Ident(IdentName::new("__proctorMocks".into(), DUMMY_SP)),
        };
        let fresh = OptChainExpr {
            span: DUMMY_SP,
            optional: true,
            base: Box::new(OptChainBase::Member(MemberExpr {
                span: DUMMY_SP,
                obj: Box::new(Expr::Member(mocks)),
                prop: MemberProp::Ident(IdentName::new("fresh".into(), DUMMY_SP)),
            })),
        };
        let string = Ident::new("String".into(), DUMMY_SP, self.unresolved);
        let either = Expr::Bin(BinExpr {
            span: DUMMY_SP,
            op: BinaryOp::NullishCoalescing,
            left: Box::new(Expr::OptChain(fresh)),
            right: Box::new(Expr::Ident(string)),
        });
        Expr::Paren(ParenExpr { span: DUMMY_SP, expr: Box::new(either) })
    }
}

#[cfg(test)]
mod tests {
    use super::might_import_fresh;
    use crate::transform::{transform, Target, TransformOptions};
    use std::path::Path;

    fn code(options: &TransformOptions) -> String {
        let source = "export const load = () => import(`./x.js`, { with: { type: \"json\" } });\n";
        transform(Path::new("/p/a.ts"), source, options).expect("transforms").code
    }

    #[test]
    fn a_page_s_dynamic_imports_go_through_fresh_and_node_s_and_bundles_do_not() {
        let browser = TransformOptions { target: Target::Browser, ..TransformOptions::default() };
        let routed = code(&browser);
        assert!(
            routed.contains("import((globalThis.__proctorMocks?.fresh ?? String)(`./x.js`, import.meta), {"),
            "{routed}"
        );
        assert!(!code(&TransformOptions::default()).contains("fresh"));
        let bundled = TransformOptions { await_imports: false, ..browser };
        assert!(!code(&bundled).contains("fresh"));
    }

    #[test]
    fn a_plain_script_is_routed_only_when_it_may_ask_for_fresh_modules() {
        assert!(might_import_fresh("vi.resetModules(); await import('./a.js');"));
        assert!(might_import_fresh("jest.isolateModulesAsync(() => import('./a.js'))"));
        assert!(!might_import_fresh("await import('./a.js');"));
        assert!(!might_import_fresh("vi.resetModules();"));
    }
}
