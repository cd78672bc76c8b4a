//! Vite's `import.meta.env` in the project's own files, as Vitest gives it (react-error-boundary's
//! `import.meta.env.DEV`): every `import.meta.env` becomes `globalThis.__proctorImportMetaEnv`,
//! the controller's object (jest-object.js) that reads `process.env` through Vite's booleans,
//! with Vite's `MODE`, `DEV`, `PROD`, `SSR` and `BASE_URL` where they are not set. Neither node
//! nor a browser has an `env` on `import.meta`, so without this every such file throws.

use swc_core::common::{SyntaxContext, DUMMY_SP};
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{VisitMut, VisitMutWith};

/// The controller's global that stands for `import.meta.env`.
const GLOBAL: &str = "__proctorImportMetaEnv";

/// Whether `source` mentions `import.meta.env` (cheap, no parse): a plain JavaScript file that
/// does is transformed.
pub fn uses_import_meta_env(source: &str) -> bool {
    source.contains("import.meta.env")
}

/// Rewrites every `import.meta.env` in `program`; `unresolved` marks `globalThis` as the global.
pub(crate) fn replace_import_meta_env(program: &mut Program, unresolved: SyntaxContext) {
    program.visit_mut_with(&mut Replacer { unresolved });
}

struct Replacer {
    unresolved: SyntaxContext,
}

fn is_import_meta_env(expr: &Expr) -> bool {
    let Expr::Member(member) = expr else { return false };
    matches!(&*member.obj, Expr::MetaProp(MetaPropExpr { kind: MetaPropKind::ImportMeta, .. }))
        && matches!(&member.prop, MemberProp::Ident(name) if &*name.sym == "env")
}

impl VisitMut for Replacer {
    fn visit_mut_expr(&mut self, expr: &mut Expr) {
        if is_import_meta_env(expr) {
            *expr = Expr::Member(MemberExpr {
                span: DUMMY_SP,
                obj: Box::new(Expr::Ident(Ident::new("globalThis".into(), DUMMY_SP, self.unresolved))),
                prop: MemberProp::Ident(IdentName::new(GLOBAL.into(), DUMMY_SP)),
            });
            return;
        }
        expr.visit_mut_children_with(self);
    }
}

#[cfg(test)]
mod tests {
    use crate::transform::{transform, TransformOptions};
    use std::path::Path;

    #[test]
    fn import_meta_env_reads_the_controllers_object() {
        let source = "export const dev = import.meta.env.DEV;\nexport const mode = import.meta.env?.MODE;\nexport const url = import.meta.url;\n";
        let out = transform(Path::new("a.ts"), source, &TransformOptions::default()).unwrap().code;
        assert_eq!(out.matches("globalThis.__proctorImportMetaEnv").count(), 2, "{out}");
        assert!(out.contains("import.meta.url") && !out.contains("import.meta.env"), "{out}");
    }
}
