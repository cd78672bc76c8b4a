//! `assign_class_fields`: TypeScript's `useDefineForClassFields: false` semantics, which swc's
//! TypeScript strip leaves out: instance fields are assigned in the constructor (`this.x = 1`,
//! so a base class's setter runs), static ones in a static block, and fields without an
//! initializer disappear (they do not reset to `undefined` what a base constructor set). tsc
//! and esbuild emit the same.

use swc_core::common::{util::take::Take, DUMMY_SP};
use swc_core::ecma::ast::*;
use swc_core::ecma::utils::{constructor::inject_after_super, default_constructor_with_span, ExprFactory};
use swc_core::ecma::visit::{visit_mut_pass, VisitMut, VisitMutWith};

/// The pass; run it before the TypeScript strip (it sets parameter properties itself, to put
/// their assignments before the fields', as tsc does).
pub(crate) fn assign_class_fields() -> impl Pass {
    visit_mut_pass(AssignClassFields)
}

struct AssignClassFields;

impl VisitMut for AssignClassFields {
    fn visit_mut_class(&mut self, class: &mut Class) {
        class.visit_mut_children_with(self);
        let mut assignments = Vec::new();
        for member in std::mem::take(&mut class.body) {
            let prop = match member {
                // Computed keys keep define semantics: moving them would change when the keys
                // are evaluated.
                ClassMember::ClassProp(prop)
                    if prop.decorators.is_empty() && !matches!(prop.key, PropName::Computed(_)) =>
                {
                    prop
                }
                other => {
                    class.body.push(other);
                    continue;
                }
            };
            let Some(value) = prop.value else { continue };
            let target = MemberExpr { span: DUMMY_SP, obj: ThisExpr::dummy().into(), prop: member_prop(&prop.key) };
            let assignment: Box<Expr> =
                AssignExpr { span: prop.span, op: op!("="), left: target.into(), right: value }.into();
            if prop.is_static {
                // In place, so statics still run in order with the others: `static { this.s = 1 }`.
                let body = BlockStmt { span: prop.span, stmts: vec![assignment.into_stmt()], ..Default::default() };
                class.body.push(ClassMember::StaticBlock(StaticBlock { span: prop.span, body }));
            } else {
                assignments.push(assignment);
            }
        }
        if assignments.is_empty() {
            return;
        }
        let constructor = class.body.iter_mut().find_map(|member| match member {
            ClassMember::Constructor(constructor) if constructor.body.is_some() => Some(constructor),
            _ => None,
        });
        match constructor {
            Some(constructor) => {
                let mut first = parameter_properties(constructor);
                first.append(&mut assignments);
                inject_after_super(constructor, first);
            }
            None => {
                let mut constructor = default_constructor_with_span(class.super_class.is_some(), class.span);
                inject_after_super(&mut constructor, assignments);
                class.body.insert(0, constructor.into());
            }
        }
    }
}

/// Turns the constructor's parameter properties (`constructor(public a: number)`) into plain
/// parameters and returns their `this.a = a` assignments, which tsc puts before the fields'.
fn parameter_properties(constructor: &mut Constructor) -> Vec<Box<Expr>> {
    let mut assignments = Vec::new();
    for param in &mut constructor.params {
        let ParamOrTsParamProp::TsParamProp(prop) = param else { continue };
        let name = match &prop.param {
            TsParamPropParam::Ident(binding) => binding.id.clone(),
            TsParamPropParam::Assign(assign) => match assign.left.as_ident() {
                Some(binding) => binding.id.clone(),
                None => continue,
            },
            #[allow(unreachable_patterns)]
            _ => continue,
        };
        let pat = match std::mem::replace(&mut prop.param, TsParamPropParam::Ident(Ident::dummy().into())) {
            TsParamPropParam::Ident(binding) => Pat::Ident(binding),
            TsParamPropParam::Assign(assign) => Pat::Assign(assign),
            #[allow(unreachable_patterns)]
            _ => continue,
        };
        let target = MemberExpr {
            span: DUMMY_SP,
            obj: ThisExpr::dummy().into(),
            prop: MemberProp::Ident(IdentName::new(name.sym.clone(), DUMMY_SP)),
        };
        assignments.push(
            AssignExpr { span: DUMMY_SP, op: op!("="), left: target.into(), right: Box::new(Expr::Ident(name)) }.into(),
        );
        *param = ParamOrTsParamProp::Param(Param { span: prop.span, decorators: prop.decorators.take(), pat });
    }
    assignments
}

/// `this.<key>` for a field's key.
fn member_prop(key: &PropName) -> MemberProp {
    match key {
        PropName::Ident(name) => MemberProp::Ident(name.clone()),
        PropName::Str(s) => MemberProp::Computed(ComputedPropName { span: DUMMY_SP, expr: s.clone().into() }),
        PropName::Num(n) => MemberProp::Computed(ComputedPropName { span: DUMMY_SP, expr: n.clone().into() }),
        PropName::BigInt(n) => MemberProp::Computed(ComputedPropName { span: DUMMY_SP, expr: n.clone().into() }),
        PropName::Computed(computed) => MemberProp::Computed(computed.clone()),
        #[allow(unreachable_patterns)]
        _ => MemberProp::Computed(ComputedPropName { span: DUMMY_SP, expr: Expr::undefined(DUMMY_SP) }),
    }
}
