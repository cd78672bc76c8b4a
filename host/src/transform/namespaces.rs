//! `qualify_merged_namespaces`: in TypeScript, a namespace declared in several blocks sees every
//! block's exports by their bare names (`namespace A { export const x = 1 }` and then
//! `namespace A { f(x) }`). swc's strip only qualifies a block's own exports, so this pass, run
//! before it, rewrites the other blocks' bare uses to `A.x`, as tsc emits them.

use std::collections::{HashMap, HashSet};
use swc_core::atoms::Atom;
use swc_core::common::{Mark, SyntaxContext, DUMMY_SP};
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{visit_mut_pass, VisitMut, VisitMutWith};

/// The pass; `unresolved_mark` is the resolver's (a bare use of another block's export is
/// unresolved in its own block, and a local of the same name is not).
pub(crate) fn qualify_merged_namespaces(unresolved_mark: Mark) -> impl Pass {
    visit_mut_pass(MergedNamespaces { unresolved: SyntaxContext::empty().apply_mark(unresolved_mark) })
}

struct MergedNamespaces {
    unresolved: SyntaxContext,
}

impl VisitMut for MergedNamespaces {
    fn visit_mut_module_items(&mut self, items: &mut Vec<ModuleItem>) {
        items.visit_mut_children_with(self);
        // Exports of each namespace name, over all its blocks in this list.
        let mut exports: HashMap<Atom, Vec<HashSet<Atom>>> = HashMap::new();
        for item in items.iter() {
            if let Some((name, block)) = namespace_block(item) {
                exports.entry(name.sym.clone()).or_default().push(block_exports(block));
            }
        }
        if exports.values().all(|blocks| blocks.len() < 2) {
            return;
        }
        let mut seen: HashMap<Atom, usize> = HashMap::new();
        for item in items.iter_mut() {
            let Some((name, block)) = namespace_block_mut(item) else { continue };
            let blocks = &exports[&name.sym];
            let index = seen.entry(name.sym.clone()).or_default();
            let own = &blocks[*index];
            *index += 1;
            let others: HashSet<Atom> =
                blocks.iter().flatten().filter(|export| !own.contains(*export)).cloned().collect();
            if !others.is_empty() {
                block.visit_mut_with(&mut Qualify { names: others, namespace: name, unresolved: self.unresolved });
            }
        }
    }
}

/// The name and block of a `namespace X { }` (exported or not) with a plain name.
fn namespace_block(item: &ModuleItem) -> Option<(&Ident, &TsModuleBlock)> {
    let decl = match item {
        ModuleItem::Stmt(Stmt::Decl(Decl::TsModule(decl))) => decl,
        ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::TsModule(decl), .. })) => decl,
        _ => return None,
    };
    match (&decl.id, &decl.body, decl.declare) {
        (TsModuleName::Ident(name), Some(TsNamespaceBody::TsModuleBlock(block)), false) => Some((name, block)),
        _ => None,
    }
}

fn namespace_block_mut(item: &mut ModuleItem) -> Option<(Ident, &mut TsModuleBlock)> {
    let decl = match item {
        ModuleItem::Stmt(Stmt::Decl(Decl::TsModule(decl))) => decl,
        ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::TsModule(decl), .. })) => decl,
        _ => return None,
    };
    match (&decl.id, &mut decl.body, decl.declare) {
        (TsModuleName::Ident(name), Some(TsNamespaceBody::TsModuleBlock(block)), false) => Some((name.clone(), block)),
        _ => None,
    }
}

/// The value names a namespace block exports.
fn block_exports(block: &TsModuleBlock) -> HashSet<Atom> {
    let mut names = HashSet::new();
    for item in &block.body {
        let ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl, .. })) = item else { continue };
        match decl {
            Decl::Var(var) if !var.declare => {
                names.extend(var.decls.iter().filter_map(|d| d.name.as_ident()).map(|i| i.id.sym.clone()))
            }
            Decl::Fn(function) if !function.declare => {
                names.insert(function.ident.sym.clone());
            }
            Decl::Class(class) if !class.declare => {
                names.insert(class.ident.sym.clone());
            }
            Decl::TsEnum(enum_decl) if !enum_decl.declare => {
                names.insert(enum_decl.id.sym.clone());
            }
            Decl::TsModule(module) if !module.declare => {
                if let TsModuleName::Ident(name) = &module.id {
                    names.insert(name.sym.clone());
                }
            }
            _ => {}
        }
    }
    names
}

/// Rewrites unresolved uses of `names` to `namespace.name`.
struct Qualify {
    names: HashSet<Atom>,
    namespace: Ident,
    unresolved: SyntaxContext,
}

impl Qualify {
    fn matches(&self, ident: &Ident) -> bool {
        ident.ctxt == self.unresolved && self.names.contains(&ident.sym)
    }

    fn member(&self, ident: &Ident) -> MemberExpr {
        MemberExpr {
            span: ident.span,
            obj: Box::new(Expr::Ident(self.namespace.clone())),
            prop: MemberProp::Ident(IdentName::new(ident.sym.clone(), DUMMY_SP)),
        }
    }
}

impl VisitMut for Qualify {
    fn visit_mut_expr(&mut self, expr: &mut Expr) {
        if let Expr::Ident(ident) = expr {
            if self.matches(ident) {
                *expr = Expr::Member(self.member(ident));
            }
            return;
        }
        expr.visit_mut_children_with(self);
    }

    fn visit_mut_simple_assign_target(&mut self, target: &mut SimpleAssignTarget) {
        if let SimpleAssignTarget::Ident(binding) = target {
            if self.matches(&binding.id) {
                *target = SimpleAssignTarget::Member(self.member(&binding.id));
            }
            return;
        }
        target.visit_mut_children_with(self);
    }

    fn visit_mut_prop(&mut self, prop: &mut Prop) {
        if let Prop::Shorthand(ident) = prop {
            if self.matches(ident) {
                let key = PropName::Ident(IdentName::new(ident.sym.clone(), ident.span));
                *prop = Prop::KeyValue(KeyValueProp { key, value: Box::new(Expr::Member(self.member(ident))) });
            }
            return;
        }
        prop.visit_mut_children_with(self);
    }
}
