//! `assign_class_fields`: TypeScript's `useDefineForClassFields: false` semantics, which swc's
//! TypeScript strip leaves out: instance fields are assigned in the constructor (`this.x = 1`,
//! so a base class's setter runs) and fields without an initializer disappear (they do not
//! reset to `undefined` what a base constructor set). tsc and esbuild emit the same.

use swc_core::common::{util::take::Take, DUMMY_SP};
use swc_core::ecma::ast::*;
use swc_core::ecma::utils::{constructor::inject_after_super, default_constructor_with_span, ExprFactory};
use swc_core::ecma::visit::{visit_mut_pass, VisitMut, VisitMutWith};

/// The pass; run it after the TypeScript strip.
pub(crate) fn assign_class_fields() -> impl Pass {
    visit_mut_pass(AssignClassFields)
}

struct AssignClassFields;

impl VisitMut for AssignClassFields {
    fn visit_mut_class(&mut self, class: &mut Class) {
        class.visit_mut_children_with(self);
        let mut assignments = Vec::new();
        class.body.retain_mut(|member| {
            let ClassMember::ClassProp(prop) = member else { return true };
            // Static and computed-key fields keep define semantics: moving them would change
            // when their keys are evaluated, and static setters on a base class are rare.
            if prop.is_static || !prop.decorators.is_empty() || matches!(prop.key, PropName::Computed(_)) {
                return true;
            }
            if let Some(value) = prop.value.take() {
                let target = MemberExpr { span: DUMMY_SP, obj: ThisExpr::dummy().into(), prop: member_prop(&prop.key) };
                assignments
                    .push(AssignExpr { span: prop.span, op: op!("="), left: target.into(), right: value }.into());
            }
            false
        });
        if assignments.is_empty() {
            return;
        }
        let constructor = class.body.iter_mut().find_map(|member| match member {
            ClassMember::Constructor(constructor) if constructor.body.is_some() => Some(constructor),
            _ => None,
        });
        match constructor {
            Some(constructor) => inject_after_super(constructor, assignments),
            None => {
                let mut constructor = default_constructor_with_span(class.super_class.is_some(), class.span);
                inject_after_super(&mut constructor, assignments);
                class.body.insert(0, constructor.into());
            }
        }
    }
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
