//! Mock hoisting: the pass that moves `vi.mock`/`jest.mock`, `vi.hoisted` and their kin above a
//! test file's imports, as Vitest's `hoistMocks` and babel-plugin-jest-hoist do, so a module
//! is mocked before anything imports it. [`compile`](super::compile) runs it after the
//! TypeScript strip and JSX (the resolver's marks still tell module-scope names apart).
//!
//! - In an ES module with a hoisted call at its top level, every static import but those of the
//!   mocking API (`vitest`, `proctor`, `@jest/globals`) becomes an awaited `import()` placed after
//!   the hoisted calls and `await globalThis.__proctorMocks?.settle?.()`, and uses of its
//!   bindings read the namespace (`b` → `__vi_import_0__.a`): static imports would otherwise
//!   be evaluated before any statement of the file.
//! - In CommonJS the hoisted calls move to the top of the program (after its directives),
//!   above the `require`s ([`hoist_to_top`], run after the CommonJS pass).
//! - Vitest's calls hoist to the top of the file from wherever they are (inside a `describe`
//!   callback, say), as Vitest hoists them; babel-jest's move to the top of their block.
//! - `jest.mock(path, factory)` factories may reach only their own names, globals, module-scope
//!   names starting with `mock`, babel-jest's allowed objects, and module-scope constants with a
//!   literal value (inlined, as babel-jest hoists them); anything else is a [`HoistError`] with
//!   babel-jest's message.
//!
//! `vi.doMock`, `vi.doUnmock`, `jest.doMock` and `jest.dontMock` are not hoisted.

use super::options::Language;
use std::collections::HashMap;
use std::path::Path;
use swc_core::atoms::Atom;
use swc_core::common::{sync::Lrc, FileName, Mark, SourceMap, Span, Spanned, SyntaxContext, DUMMY_SP};
use swc_core::ecma::ast::*;
use swc_core::ecma::parser::parse_file_as_program;
use swc_core::ecma::visit::{Visit, VisitMut, VisitMutWith, VisitWith};

/// Vitest's mocking objects (its `utilsObjectNames`).
const VI_OBJECTS: &[&str] = &["vi", "vitest"];

/// Vitest's hoisted methods.
const VI_HOISTED: &[&str] = &["mock", "unmock", "hoisted"];

/// babel-plugin-jest-hoist's hoisted methods.
const JEST_HOISTED: &[&str] = &["mock", "unmock", "deepUnmock", "enableAutomock", "disableAutomock"];

/// jest's synchronous module getters, whose literal specifiers settle loads ahead
/// (`createMockFromModule` automocks the actual module).
const REQUIRED: &[&str] = &["requireActual", "requireMock", "createMockFromModule"];

/// Methods whose first argument may be written `import("./path")` (Vitest rewrites it to the
/// path, so the module is not imported to name it).
const PATH_ARGUMENT: &[&str] = &["mock", "unmock", "doMock", "doUnmock"];

/// babel-plugin-jest-hoist's `ALLOWED_IDENTIFIERS` (its fixed part; the rest are node's
/// globals, which a factory may use here as any global may).
const ALLOWED_IN_FACTORY: &[&str] = &[
    "Array",
    "ArrayBuffer",
    "BigInt",
    "Boolean",
    "DataView",
    "Date",
    "Error",
    "EvalError",
    "Float32Array",
    "Float64Array",
    "Function",
    "Generator",
    "GeneratorFunction",
    "Infinity",
    "Int16Array",
    "Int32Array",
    "Int8Array",
    "InternalError",
    "Intl",
    "JSON",
    "Map",
    "Math",
    "NaN",
    "Number",
    "Object",
    "Promise",
    "Proxy",
    "RangeError",
    "ReferenceError",
    "Reflect",
    "RegExp",
    "Set",
    "String",
    "Symbol",
    "SyntaxError",
    "TypeError",
    "URIError",
    "Uint16Array",
    "Uint32Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "WeakMap",
    "WeakSet",
    "arguments",
    "console",
    "expect",
    "isNaN",
    "jest",
    "parseFloat",
    "parseInt",
    "require",
    "undefined",
];

/// Where the runtime finishes asynchronous mock registrations before the file's imports run.
const SETTLE: &str = "__proctorMocks";

/// A hoisting rule the file breaks, at the offending node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HoistError {
    /// The offending node (a reference, an argument, a declaration).
    pub span: Span,
    /// The message, as babel-jest or Vitest words it.
    pub message: String,
}

/// Whether `source` may hold a hoisted call: `vi`, `vitest` or `jest`, a dot and a hoisted
/// method, then `(` (whitespace allowed between, as Vitest's own filter allows). Cheap, no parse;
/// the AST decides in the end.
pub fn might_hoist(source: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    source.match_indices('.').any(|(dot, _)| {
        let before = source[..dot].trim_end();
        let object = ["vi", "vitest", "jest"]
            .iter()
            .any(|name| before.strip_suffix(name).is_some_and(|rest| !rest.ends_with(word)));
        if !object {
            return false;
        }
        let after = source[dot + 1..].trim_start();
        let (method, rest) = after.split_at(after.find(|c: char| !word(c)).unwrap_or(after.len()));
        let hoisted = VI_HOISTED.contains(&method)
            || JEST_HOISTED.contains(&method)
            || PATH_ARGUMENT.contains(&method)
            || REQUIRED.contains(&method);
        hoisted && rest.trim_start().starts_with('(')
    })
}

/// Whether a plain JavaScript file needs [`transform`](super::transform) for hoisting: its
/// text may hold a hoisted call ([`might_hoist`]) and its AST has one. A file that does not
/// parse is left to the runtime (false).
pub fn needs_hoisting(path: &Path, source: &str) -> bool {
    if !might_hoist(source) {
        return false;
    }
    let language = Language::of(path, false).unwrap_or(Language::JavaScript);
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Real(path.to_path_buf())), source.to_owned());
    parse_file_as_program(&fm, super::compile::syntax(language), EsVersion::latest(), None, &mut Vec::new())
        .is_ok_and(|program| has_hoisted(&program))
}

/// Whether `program` has a call to hoist, at its top level or in any block, or a path written
/// as `import("./x")` for the mocking API to rewrite.
pub(crate) fn has_hoisted(program: &Program) -> bool {
    struct Finder(bool);
    impl Visit for Finder {
        fn visit_module_items(&mut self, items: &[ModuleItem]) {
            self.0 = self.0 || items.iter().any(|item| item_is_hoisted(item) || exported_hoisted(item).is_some());
            items.visit_children_with(self);
        }
        fn visit_stmts(&mut self, stmts: &[Stmt]) {
            self.0 = self.0 || stmts.iter().any(stmt_is_hoisted);
            stmts.visit_children_with(self);
        }
        fn visit_call_expr(&mut self, call: &CallExpr) {
            self.0 = self.0 || imported_path(call).is_some() || required_call(call).is_some();
            call.visit_children_with(self);
        }
    }
    let mut finder = Finder(false);
    program.visit_with(&mut finder);
    finder.0
}

/// Hoists in `module`, which the resolver marked with `top_level_mark` and `unresolved_mark`:
/// checks `jest.mock` factories, lifts Vitest's nested calls into the top level, moves jest's
/// to the top of their blocks, and, for an ES module that may await (`esm`), moves the top
/// level's above the imports, which become awaited `import()`s. Otherwise the top level is
/// [`hoist_to_top`]'s (for CommonJS after the CommonJS pass).
///
/// `babel_rules`: the file is JavaScript, which Jest compiles with babel-jest by default, so a
/// `jest.mock` factory follows babel-plugin-jest-hoist's rule on outer variables. TypeScript
/// files go through ts-jest or @swc/jest in Jest projects, which hoist without that rule (a
/// factory returning `() => String(i++)` over a top-level `let i` runs there), so theirs are
/// left as written: a variable read too early fails when the factory runs, naming it.
///
/// `settle_alone`: a module without hoisted calls still awaits settle for its literal
/// `jest.requireActual` / `requireMock` paths ([`settle_required`]). The top-level await that
/// takes would stop node from `require`-ing the module, so node leaves out the files that are
/// required (`__mocks__` files); a page requires nothing.
pub(crate) fn hoist(
    module: &mut Module,
    esm: bool,
    babel_rules: bool,
    settle_alone: bool,
    top_level_mark: Mark,
    unresolved_mark: Mark,
) -> Result<(), HoistError> {
    let top_level = SyntaxContext::empty().apply_mark(top_level_mark);
    let constants = literal_constants(&module.body, top_level);
    let mut checker = FactoryCheck { top_level, constants: &constants, strict: babel_rules, error: None };
    module.visit_mut_with(&mut checker);
    if let Some(error) = checker.error {
        return Err(error);
    }
    if let Some(span) = module.body.iter().find_map(exported_hoisted) {
        return Err(HoistError {
            span,
            message: "Cannot export hoisted variable. You can control hoisting behavior by placing the import from \
                      this file first."
                .into(),
        });
    }
    lift_nested_vi_calls(module)?;
    module.visit_mut_with(&mut BlockHoister);
    if esm {
        hoist_imports(module, SyntaxContext::empty().apply_mark(unresolved_mark), settle_alone);
    }
    Ok(())
}

/// Takes Vitest's hoisted statements out of every block into the top level, each just before
/// the top-level statement it was in (so the top level's hoisting keeps source order). One
/// inside another hoisted call is Vitest's error.
fn lift_nested_vi_calls(module: &mut Module) -> Result<(), HoistError> {
    struct Take(Vec<Stmt>);
    impl VisitMut for Take {
        fn visit_mut_stmts(&mut self, stmts: &mut Vec<Stmt>) {
            let (vi, others): (Vec<_>, Vec<_>) = std::mem::take(stmts).into_iter().partition(is_vi_statement);
            *stmts = others;
            stmts.visit_mut_children_with(self);
            self.0.extend(vi);
        }
    }
    let mut body = Vec::with_capacity(module.body.len());
    for mut item in std::mem::take(&mut module.body) {
        let mut take = Take(Vec::new());
        item.visit_mut_children_with(&mut take);
        if let (Some(inner), true) = (take.0.first(), item_is_hoisted(&item)) {
            return Err(HoistError {
                span: inner.span(),
                message: format!(
                    "Cannot call {} inside {}: both methods are hoisted to the top of the file and not actually \
                     called inside each other.",
                    hoisted_name(inner),
                    match &item {
                        ModuleItem::Stmt(stmt) => hoisted_name(stmt),
                        ModuleItem::ModuleDecl(_) => String::new(),
                    }
                ),
            });
        }
        take.0.sort_by_key(|stmt| stmt.span().lo);
        body.extend(take.0.into_iter().map(ModuleItem::Stmt));
        body.push(item);
    }
    module.body = body;
    Ok(())
}

/// A statement Vitest hoists to the top of the file: a call of `vi`'s, or a `vi.hoisted` value.
fn is_vi_statement(stmt: &Stmt) -> bool {
    stmt_is_hoisted(stmt)
        && !matches!(stmt, Stmt::Expr(ExprStmt { expr, .. }) if matches!(hoisted_call(expr), Some((Api::Jest, _))))
}

/// `vi.mock()`, `jest.unmock()`: how Vitest's errors name a hoisted statement's call.
fn hoisted_name(stmt: &Stmt) -> String {
    let expr = match stmt {
        Stmt::Expr(ExprStmt { expr, .. }) => Some(&**expr),
        Stmt::Decl(Decl::Var(var)) => var.decls.first().and_then(|decl| decl.init.as_deref()),
        _ => None,
    };
    let call = match expr {
        Some(Expr::Await(AwaitExpr { arg, .. })) => &**arg,
        Some(expr) => expr,
        None => return "\"hoisted method\"".into(),
    };
    match call {
        Expr::Call(call) => match member_call(call) {
            Some((Expr::Ident(object), method)) => format!("{}.{method}()", object.sym),
            _ => "\"hoisted method\"".into(),
        },
        _ => "\"hoisted method\"".into(),
    }
}

/// Moves the hoisted calls of a program's top level to its top, after its directives (`"use
/// strict"`), in source order: for CommonJS (after the CommonJS pass, above its `require`s) and
/// for an ES module that may not await (its imports stay static).
pub(crate) fn hoist_to_top(module: &mut Module) {
    let directives = module
        .body
        .iter()
        .take_while(|item| {
            matches!(item, ModuleItem::Stmt(Stmt::Expr(ExprStmt { expr, .. })) if matches!(&**expr, Expr::Lit(Lit::Str(_))))
        })
        .count();
    let rest = module.body.split_off(directives);
    let (hoisted, others): (Vec<_>, Vec<_>) = rest.into_iter().partition(item_is_hoisted);
    module.body.extend(hoisted);
    module.body.extend(others);
}

fn item_is_hoisted(item: &ModuleItem) -> bool {
    matches!(item, ModuleItem::Stmt(stmt) if stmt_is_hoisted(stmt))
}

/// `export const x = vi.hoisted(...)`: Vitest refuses it, the export would run first.
fn exported_hoisted(item: &ModuleItem) -> Option<Span> {
    match item {
        ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(var), span }))
            if hoisted_declaration(var) =>
        {
            Some(*span)
        }
        _ => None,
    }
}

fn stmt_is_hoisted(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Expr(ExprStmt { expr, .. }) => match &**expr {
            Expr::Await(AwaitExpr { arg, .. }) => is_vi_hoisted(arg),
            expr => hoisted_call(expr).is_some(),
        },
        Stmt::Decl(Decl::Var(var)) => hoisted_declaration(var),
        _ => false,
    }
}

/// `const x = vi.hoisted(...)` or `const { a } = await vi.hoisted(...)`: the whole declaration
/// moves (Vitest looks at the first declarator).
fn hoisted_declaration(var: &VarDecl) -> bool {
    var.decls.first().and_then(|decl| decl.init.as_deref()).is_some_and(|init| match init {
        Expr::Await(AwaitExpr { arg, .. }) => is_vi_hoisted(arg),
        init => is_vi_hoisted(init),
    })
}

fn is_vi_hoisted(expr: &Expr) -> bool {
    matches!(hoisted_call(expr), Some((Api::Vi, "hoisted")))
}

/// Whose mocking API a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Api {
    Vi,
    Jest,
}

/// The API and method of a call to hoist: `vi.mock(...)` and the other hoisted methods, and
/// `jest.mock(...)` with babel-jest's argument rules, also chained (`jest.mock(a).mock(b)`).
fn hoisted_call(expr: &Expr) -> Option<(Api, &str)> {
    let Expr::Call(call) = expr else { return None };
    let (object, method) = member_call(call)?;
    match object {
        Expr::Ident(ident) if VI_OBJECTS.contains(&&*ident.sym) => {
            VI_HOISTED.contains(&method).then_some((Api::Vi, method))
        }
        Expr::Ident(ident) if &*ident.sym == "jest" => {
            jest_arguments_hoist(method, &call.args).then_some((Api::Jest, method))
        }
        Expr::Call(_) => match hoisted_call(object)? {
            (Api::Jest, _) => jest_arguments_hoist(method, &call.args).then_some((Api::Jest, method)),
            (Api::Vi, _) => None,
        },
        _ => None,
    }
}

/// The object and method name of `object.method(...)`.
fn member_call(call: &CallExpr) -> Option<(&Expr, &str)> {
    let Callee::Expr(callee) = &call.callee else { return None };
    let Expr::Member(MemberExpr { obj, prop: MemberProp::Ident(name), .. }) = &**callee else { return None };
    Some((obj, &name.sym))
}

/// babel-plugin-jest-hoist's `FUNCTIONS`: which calls of a method it hoists.
fn jest_arguments_hoist(method: &str, args: &[ExprOrSpread]) -> bool {
    let plain = args.iter().all(|arg| arg.spread.is_none());
    let string = |arg: &ExprOrSpread| matches!(&*arg.expr, Expr::Lit(Lit::Str(_)));
    match method {
        "mock" => plain && (args.len() == 1 && matches!(&*args[0].expr, Expr::Lit(_)) || matches!(args.len(), 2 | 3)),
        "unmock" | "deepUnmock" => plain && args.len() == 1 && string(&args[0]),
        "enableAutomock" | "disableAutomock" => args.is_empty(),
        _ => false,
    }
}

/// Module-scope `const` bindings with a literal value: a `jest.mock` factory may use them
/// (babel-jest hoists such a value with the call; inlining the literal is the same).
fn literal_constants(body: &[ModuleItem], top_level: SyntaxContext) -> HashMap<(Atom, SyntaxContext), Expr> {
    let mut constants = HashMap::new();
    for item in body {
        let var = match item {
            ModuleItem::Stmt(Stmt::Decl(Decl::Var(var))) => var,
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(var), .. })) => var,
            _ => continue,
        };
        if var.kind != VarDeclKind::Const {
            continue;
        }
        for decl in &var.decls {
            let (Pat::Ident(binding), Some(init)) = (&decl.name, decl.init.as_deref()) else { continue };
            let literal = match init {
                Expr::Lit(Lit::Regex(_)) => false,
                Expr::Lit(_) => true,
                Expr::Tpl(tpl) => tpl.exprs.is_empty(),
                Expr::Unary(UnaryExpr { op: UnaryOp::Minus, arg, .. }) => matches!(&**arg, Expr::Lit(Lit::Num(_))),
                _ => false,
            };
            if literal && binding.id.ctxt == top_level {
                constants.insert((binding.id.sym.clone(), binding.id.ctxt), init.clone());
            }
        }
    }
    constants
}

/// Checks the factory of every hoisted `jest.mock` (top level and blocks alike), inlining the
/// literal constants it uses; keeps the first error.
struct FactoryCheck<'a> {
    top_level: SyntaxContext,
    constants: &'a HashMap<(Atom, SyntaxContext), Expr>,
    /// babel-plugin-jest-hoist's rules apply (see [`hoist`]).
    strict: bool,
    error: Option<HoistError>,
}

impl FactoryCheck<'_> {
    fn check_statement(&mut self, stmt: &mut Stmt) {
        let Stmt::Expr(ExprStmt { expr, .. }) = stmt else { return };
        if !matches!(hoisted_call(expr), Some((Api::Jest, _))) {
            return;
        }
        // Each link of a chain is a call of its own.
        let mut link = &mut **expr;
        while let Expr::Call(call) = link {
            let is_mock = member_call(call).is_some_and(|(_, method)| method == "mock");
            if is_mock && call.args.len() >= 2 && self.error.is_none() {
                self.check_factory(&mut call.args[1].expr);
            }
            let Callee::Expr(callee) = &mut call.callee else { break };
            let Expr::Member(member) = &mut **callee else { break };
            link = &mut member.obj;
        }
    }

    fn check_factory(&mut self, factory: &mut Expr) {
        let mut inner = &mut *factory;
        while let Expr::Paren(paren) = inner {
            inner = &mut paren.expr;
        }
        if !matches!(inner, Expr::Arrow(_) | Expr::Fn(_)) {
            if !self.strict {
                return;
            }
            self.error = Some(HoistError {
                span: inner.span(),
                message: "The second argument of `jest.mock` must be an inline function.".into(),
            });
            return;
        }
        inner.visit_mut_children_with(&mut ReplaceReads(|ident: &Ident| self.resolve(ident)));
    }
}

impl VisitMut for FactoryCheck<'_> {
    fn visit_mut_stmt(&mut self, stmt: &mut Stmt) {
        self.check_statement(stmt);
        stmt.visit_mut_children_with(self);
    }
}

impl FactoryCheck<'_> {
    /// The literal to use for a reference to `ident`, None when it may stay; records an error
    /// when it may not.
    fn resolve(&mut self, ident: &Ident) -> Option<Expr> {
        if ident.ctxt != self.top_level || factory_may_use(&ident.sym) {
            return None;
        }
        if let Some(value) = self.constants.get(&(ident.sym.clone(), ident.ctxt)) {
            let mut value = value.clone();
            set_span(&mut value, ident.span);
            return Some(value);
        }
        if self.strict && self.error.is_none() {
            self.error = Some(HoistError { span: ident.span, message: out_of_scope_message(&ident.sym) });
        }
        None
    }
}

/// Replaces each reference (an identifier read as an expression or a shorthand property) with
/// what the function gives for it, when it gives one.
struct ReplaceReads<F: FnMut(&Ident) -> Option<Expr>>(F);

impl<F: FnMut(&Ident) -> Option<Expr>> VisitMut for ReplaceReads<F> {
    fn visit_mut_expr(&mut self, expr: &mut Expr) {
        if let Expr::Ident(ident) = expr {
            if let Some(value) = (self.0)(ident) {
                *expr = value;
            }
            return;
        }
        expr.visit_mut_children_with(self);
    }

    fn visit_mut_prop(&mut self, prop: &mut Prop) {
        if let Prop::Shorthand(ident) = prop {
            if let Some(value) = (self.0)(ident) {
                let key = PropName::Ident(IdentName::new(ident.sym.clone(), ident.span));
                *prop = Prop::KeyValue(KeyValueProp { key, value: Box::new(value) });
            }
            return;
        }
        prop.visit_mut_children_with(self);
    }
}

/// babel-jest's escape hatches: `mock…` names (any case), istanbul's `cov…`, its allowed
/// objects.
fn factory_may_use(name: &str) -> bool {
    name.get(..4).is_some_and(|prefix| prefix.eq_ignore_ascii_case("mock"))
        || name.starts_with("cov")
        || name.starts_with("__cov")
        || ALLOWED_IN_FACTORY.contains(&name)
}

/// babel-plugin-jest-hoist's message for a factory that reaches `name`.
fn out_of_scope_message(name: &str) -> String {
    format!(
        "The module factory of `jest.mock()` is not allowed to reference any out-of-scope variables.\n\
         Invalid variable access: {name}\n\
         Allowed objects: {}.\n\
         Note: This is a precaution to guard against uninitialized mock variables. If it is ensured that the mock \
         is required lazily, variable names prefixed with `mock` (case insensitive) are permitted.",
        ALLOWED_IN_FACTORY.join(", ")
    )
}

fn set_span(expr: &mut Expr, span: Span) {
    match expr {
        Expr::Lit(Lit::Str(lit)) => lit.span = span,
        Expr::Lit(Lit::Num(lit)) => lit.span = span,
        Expr::Lit(Lit::Bool(lit)) => lit.span = span,
        Expr::Lit(Lit::Null(lit)) => lit.span = span,
        Expr::Lit(Lit::BigInt(lit)) => lit.span = span,
        Expr::Tpl(tpl) => tpl.span = span,
        Expr::Unary(unary) => unary.span = span,
        _ => {}
    }
}

/// Moves the hoisted statements of every block to its top, in order, and rewrites
/// `vi.mock(import("./x"))` to `vi.mock("./x")`.
struct BlockHoister;

impl VisitMut for BlockHoister {
    fn visit_mut_stmts(&mut self, stmts: &mut Vec<Stmt>) {
        stmts.visit_mut_children_with(self);
        if stmts.iter().any(stmt_is_hoisted) {
            let (hoisted, others): (Vec<_>, Vec<_>) = std::mem::take(stmts).into_iter().partition(stmt_is_hoisted);
            stmts.extend(hoisted);
            stmts.extend(others);
        }
    }

    fn visit_mut_call_expr(&mut self, call: &mut CallExpr) {
        call.visit_mut_children_with(self);
        if let Some(path) = imported_path(call).cloned() {
            *call.args[0].expr = path;
        }
    }
}

/// The path of `vi.mock(import("./x"))` (or `await import`, and the other methods taking a
/// path): Vitest passes the path itself, so naming the module does not import it.
fn imported_path(call: &CallExpr) -> Option<&Expr> {
    let (object, method) = member_call(call)?;
    if !PATH_ARGUMENT.contains(&method) || !is_api_object(object) {
        return None;
    }
    let first = call.args.first()?;
    let import = match &*first.expr {
        Expr::Await(AwaitExpr { arg, .. }) => &**arg,
        expr => expr,
    };
    let Expr::Call(CallExpr { callee: Callee::Import(_), args, .. }) = import else { return None };
    match args.as_slice() {
        [ExprOrSpread { spread: None, expr: path }] if matches!(&**path, Expr::Lit(Lit::Str(_))) => Some(path),
        _ => None,
    }
}

fn is_api_object(object: &Expr) -> bool {
    matches!(object, Expr::Ident(ident) if VI_OBJECTS.contains(&&*ident.sym) || &*ident.sym == "jest")
}

/// What an imported binding reads once its import is dynamic.
#[derive(Debug, Clone)]
enum Imported {
    /// A property of the namespace (`default`, or a name).
    Name(Ident, Atom),
    /// A property with a name that is not an identifier (`import { "a-b" as c }`).
    Str(Ident, Str),
}

impl Imported {
    fn read_at(&self, span: Span) -> Expr {
        let (holder, prop) = match self {
            Imported::Name(holder, name) => (holder, MemberProp::Ident(IdentName::new(name.clone(), span))),
            Imported::Str(holder, name) => (
                holder,
                MemberProp::Computed(ComputedPropName { span, expr: Box::new(Expr::Lit(Lit::Str(name.clone()))) }),
            ),
        };
        let obj = Box::new(Expr::Ident(Ident::new(holder.sym.clone(), span, holder.ctxt)));
        Expr::Member(MemberExpr { span, obj, prop })
    }
}

/// The ES module rewrite: API imports, hoisted calls, the settle call, the imports as awaited
/// `import()`s, then everything else. Nothing happens without a hoisted call at the top level.
fn hoist_imports(module: &mut Module, unresolved: SyntaxContext, settle_alone: bool) {
    if !module.body.iter().any(item_is_hoisted) {
        if settle_alone {
            settle_required(module, unresolved);
        }
        return;
    }
    let holder_ctxt = SyntaxContext::empty().apply_mark(Mark::new());
    let mut api_imports = Vec::new();
    let mut hoisted = Vec::new();
    let mut imports = Vec::new();
    let mut rest = Vec::new();
    let mut bindings: HashMap<(Atom, SyntaxContext), Imported> = HashMap::new();
    for item in std::mem::take(&mut module.body) {
        match item {
            ModuleItem::ModuleDecl(ModuleDecl::Import(import))
                if import.src.value.as_str().is_some_and(protocol::is_api_module) =>
            {
                api_imports.push(ModuleItem::ModuleDecl(ModuleDecl::Import(import)));
            }
            ModuleItem::ModuleDecl(ModuleDecl::Import(import)) => {
                let index = imports.len();
                imports.push(dynamic_import(import, index, holder_ctxt, &mut bindings));
            }
            item if item_is_hoisted(&item) => hoisted.push(item),
            item => rest.push(item),
        }
    }
    let required = required_modules(&hoisted, &rest);
    let aliases = alias_exported_imports(&mut rest, &bindings);
    let mut reads = ReplaceReads(|ident: &Ident| {
        bindings.get(&(ident.sym.clone(), ident.ctxt)).map(|read| read.read_at(ident.span))
    });
    hoisted.visit_mut_with(&mut reads);
    rest.visit_mut_with(&mut reads);
    module.body = api_imports;
    module.body.extend(hoisted);
    module.body.push(settle(unresolved, &required));
    module.body.extend(imports);
    module.body.extend(aliases);
    module.body.extend(rest);
}

/// `import d, { a as b } from "./x"` → `const __vi_import_<index>__ = await import("./x")`
/// (`import * as ns` keeps its name as the holder; `import "./x"` → `await import("./x")`),
/// recording what each binding reads.
fn dynamic_import(
    import: ImportDecl,
    index: usize,
    holder_ctxt: SyntaxContext,
    bindings: &mut HashMap<(Atom, SyntaxContext), Imported>,
) -> ModuleItem {
    let span = import.span;
    let mut args = vec![ExprOrSpread { spread: None, expr: Box::new(Expr::Lit(Lit::Str(*import.src))) }];
    if let Some(with) = import.with {
        let options = ObjectLit {
            span: DUMMY_SP,
            props: vec![PropOrSpread::Prop(Box::new(Prop::KeyValue(KeyValueProp {
                key: PropName::Ident(IdentName::new("with".into(), DUMMY_SP)),
                value: Box::new(Expr::Object(*with)),
            })))],
        };
        args.push(ExprOrSpread { spread: None, expr: Box::new(Expr::Object(options)) });
    }
    let call = Expr::Call(CallExpr {
        span,
        ctxt: SyntaxContext::empty(),
        callee: Callee::Import(Import { span, phase: ImportPhase::Evaluation }),
        args,
        type_args: None,
    });
    let awaited = Box::new(Expr::Await(AwaitExpr { span, arg: Box::new(call) }));
    if import.specifiers.is_empty() {
        return ModuleItem::Stmt(Stmt::Expr(ExprStmt { span, expr: awaited }));
    }
    let holder = import
        .specifiers
        .iter()
        .find_map(|specifier| match specifier {
            ImportSpecifier::Namespace(namespace) => Some(namespace.local.clone()),
            _ => None,
        })
        .unwrap_or_else(|| Ident::new(format!("__vi_import_{index}__").into(), DUMMY_SP, holder_ctxt));
    for specifier in &import.specifiers {
        let (local, read) = match specifier {
            ImportSpecifier::Namespace(_) => continue,
            ImportSpecifier::Default(default) => (&default.local, Imported::Name(holder.clone(), "default".into())),
            ImportSpecifier::Named(named) => {
                let read = match &named.imported {
                    None => Imported::Name(holder.clone(), named.local.sym.clone()),
                    Some(ModuleExportName::Ident(name)) => Imported::Name(holder.clone(), name.sym.clone()),
                    Some(ModuleExportName::Str(name)) => Imported::Str(holder.clone(), name.clone()),
                };
                (&named.local, read)
            }
        };
        bindings.insert((local.sym.clone(), local.ctxt), read);
    }
    const_declaration(span, holder, awaited)
}

/// A module without hoisted calls that still calls `jest.requireActual("...")` or
/// `jest.requireMock("...")` with a literal: `await settle([...], [...])` after its imports
/// (which run first anyway), so those modules are loaded ahead of the synchronous calls (node 20
/// cannot `require` an ES module, and a browser page cannot `require` at all).
fn settle_required(module: &mut Module, unresolved: SyntaxContext) {
    let required = required_modules(&module.body, &[]);
    if required.is_empty() {
        return;
    }
    let at =
        module.body.iter().take_while(|item| matches!(item, ModuleItem::ModuleDecl(ModuleDecl::Import(_)))).count();
    module.body.insert(at, settle(unresolved, &required));
}

/// The literal specifiers a file's `jest.requireActual("...")` and `jest.requireMock("...")`
/// calls name, in order, once each.
#[derive(Debug, Default, PartialEq)]
struct Required {
    actuals: Vec<Atom>,
    mocks: Vec<Atom>,
}

impl Required {
    fn is_empty(&self) -> bool {
        self.actuals.is_empty() && self.mocks.is_empty()
    }
}

/// The [`Required`] specifiers of `items`: settle imports them ahead, since the calls are
/// synchronous and node 20 cannot `require` an ES module (nor a page anything).
fn required_modules(hoisted: &[ModuleItem], rest: &[ModuleItem]) -> Required {
    struct Finder(Required);
    impl Visit for Finder {
        fn visit_call_expr(&mut self, call: &CallExpr) {
            call.visit_children_with(self);
            let Some((method, value)) = required_call(call) else { return };
            let list = if method == "requireMock" { &mut self.0.mocks } else { &mut self.0.actuals };
            if !list.iter().any(|known| known == value) {
                list.push(value.into());
            }
        }
    }
    let mut finder = Finder(Required::default());
    hoisted.visit_with(&mut finder);
    rest.visit_with(&mut finder);
    finder.0
}

/// `jest.requireActual("...")` or `jest.requireMock("...")` with a literal: the method and the
/// specifier.
fn required_call(call: &CallExpr) -> Option<(&str, &str)> {
    let (Expr::Ident(object), method) = member_call(call)? else { return None };
    if object.sym != "jest" || !REQUIRED.contains(&method) {
        return None;
    }
    let Expr::Lit(Lit::Str(text)) = &*call.args.first()?.expr else { return None };
    Some((method, text.value.as_str()?))
}

/// `await globalThis.__proctorMocks?.settle?.(["...", ...], ["...", ...]);` (the specifiers of
/// [`required_modules`]: the actual modules, then the mocks; left out when there are none), with
/// no span (nothing of the source).
fn settle(unresolved: SyntaxContext, required: &Required) -> ModuleItem {
    let global = Box::new(Expr::Ident(Ident::new("globalThis".into(), DUMMY_SP, unresolved)));
    let optional_member = |obj: Box<Expr>, name: &str, optional: bool| -> Box<Expr> {
        let member = MemberExpr { span: DUMMY_SP, obj, prop: MemberProp::Ident(IdentName::new(name.into(), DUMMY_SP)) };
        if optional {
            Box::new(Expr::OptChain(OptChainExpr {
                span: DUMMY_SP,
                optional: true,
                base: Box::new(OptChainBase::Member(member)),
            }))
        } else {
            Box::new(Expr::Member(member))
        }
    };
    let mocks = optional_member(global, SETTLE, false);
    let settle = optional_member(mocks, "settle", true);
    let args = match required {
        Required { actuals, mocks } if actuals.is_empty() && mocks.is_empty() => Vec::new(),
        Required { actuals, mocks } if mocks.is_empty() => vec![array(actuals)],
        Required { actuals, mocks } => vec![array(actuals), array(mocks)],
    };
    let call = optional_call(settle, args);
    let awaited = Expr::Await(AwaitExpr { span: DUMMY_SP, arg: Box::new(call) });
    ModuleItem::Stmt(Stmt::Expr(ExprStmt { span: DUMMY_SP, expr: Box::new(awaited) }))
}

/// `callee?.(args)`, with no span.
pub(super) fn optional_call(callee: Box<Expr>, args: Vec<ExprOrSpread>) -> Expr {
    Expr::OptChain(OptChainExpr {
        span: DUMMY_SP,
        optional: true,
        base: Box::new(OptChainBase::Call(OptCall {
            span: DUMMY_SP,
            ctxt: SyntaxContext::empty(),
            callee,
            args,
            type_args: None,
        })),
    })
}

/// `["...", ...]`: an array literal of `specifiers`.
fn array(specifiers: &[Atom]) -> ExprOrSpread {
    let elems = specifiers
        .iter()
        .map(|specifier| {
            Some(ExprOrSpread { spread: None, expr: Box::new(Expr::Lit(Lit::Str(specifier.as_str().into()))) })
        })
        .collect();
    ExprOrSpread { spread: None, expr: Box::new(Expr::Array(ArrayLit { span: DUMMY_SP, elems })) }
}

/// `export { b }` of an imported `b` (top level, no `from`): exports a constant holding its
/// value instead; returns the constants' declarations.
fn alias_exported_imports(
    items: &mut [ModuleItem],
    bindings: &HashMap<(Atom, SyntaxContext), Imported>,
) -> Vec<ModuleItem> {
    let mut aliases = Vec::new();
    let exports = items.iter_mut().filter_map(|item| match item {
        ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(export @ NamedExport { src: None, .. })) => Some(export),
        _ => None,
    });
    let alias_ctxt = SyntaxContext::empty().apply_mark(Mark::new());
    for specifier in exports.flat_map(|export| export.specifiers.iter_mut()) {
        let ExportSpecifier::Named(named) = specifier else { continue };
        let ModuleExportName::Ident(orig) = &named.orig else { continue };
        let Some(read) = bindings.get(&(orig.sym.clone(), orig.ctxt)) else { continue };
        let alias = Ident::new(format!("__vi_export_{}__", aliases.len()).into(), orig.span, alias_ctxt);
        aliases.push(const_declaration(DUMMY_SP, alias.clone(), Box::new(read.read_at(orig.span))));
        if named.exported.is_none() {
            named.exported = Some(ModuleExportName::Ident(orig.clone()));
        }
        named.orig = ModuleExportName::Ident(alias);
    }
    aliases
}

/// `const <name> = <init>;`
fn const_declaration(span: Span, name: Ident, init: Box<Expr>) -> ModuleItem {
    ModuleItem::Stmt(Stmt::Decl(Decl::Var(Box::new(VarDecl {
        span,
        ctxt: SyntaxContext::empty(),
        kind: VarDeclKind::Const,
        declare: false,
        decls: vec![VarDeclarator {
            span,
            name: Pat::Ident(BindingIdent { id: name, type_ann: None }),
            init: Some(init),
            definite: false,
        }],
    }))))
}

#[cfg(test)]
mod tests;
