//! Static analysis of one test file with swc: finds `describe`/`it`/`test` calls (with their
//! `.skip`/`.only`/`.todo`/`.each` modifiers, options objects and locations) and the file's
//! imports. Names that are not literal are marked dynamic; the runtime's registration settles them.

use super::model::{ImportSite, Location, PlanNode, PlannedGroup, PlannedTest, SyntaxError};
use crate::codeframe::code_frame;
use crate::resolve::ImportKind;
use protocol::{IdAllocator, TestMode};
use swc_core::common::{sync::Lrc, FileName, SourceMap, Spanned};
use swc_core::ecma::ast::*;
use swc_core::ecma::parser::{error::Error as ParseError, parse_file_as_program, Syntax};
use swc_core::ecma::visit::{Visit, VisitWith};

/// What analysis found in one file.
pub(crate) struct Analysis {
    pub nodes: Vec<PlanNode>,
    /// Every import with a literal specifier, in source order, located.
    pub imports: Vec<ImportSite>,
    /// Paths the tests' `subject` options name (what they test without importing it).
    pub subjects: Vec<String>,
}

/// Parses `source` (named `rel_path` in ids and messages) and collects its test tree.
pub(crate) fn analyze(rel_path: &str, source: &str) -> Result<Analysis, SyntaxError> {
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Custom(rel_path.to_owned())), source.to_owned());
    let mut recovered = Vec::new();
    // Recoverable errors are left to the runtime: node and swc disagree on some of them
    // (sloppy-mode scripts), and node's own load error is then the truth.
    let program = parse_file_as_program(&fm, syntax_for(rel_path), EsVersion::latest(), None, &mut recovered)
        .map_err(|err| syntax_error(&cm, &err, rel_path, source))?;
    let mut finder = Finder {
        cm: &cm,
        source,
        base: fm.start_pos.0,
        ids: IdAllocator::new(rel_path),
        stack: vec![Frame::root()],
        imports: Vec::new(),
        subjects: Vec::new(),
    };
    program.visit_with(&mut finder);
    let root = finder.stack.pop().map(|f| f.children).unwrap_or_default();
    Ok(Analysis { nodes: root, imports: finder.imports, subjects: finder.subjects })
}

/// Locates an swc parse error in `source` (named `name` in the code frame), 1-based. The plan
/// and the transform both report parse errors this way.
pub(crate) fn syntax_error(cm: &SourceMap, err: &ParseError, name: &str, source: &str) -> SyntaxError {
    let loc = cm.lookup_char_pos(err.span().lo);
    let location = Location { line: loc.line, column: loc.col.0 + 1 };
    let message = err.kind().msg().to_string();
    let frame = code_frame(name, source, location.line, location.column, &message).unwrap_or_default();
    SyntaxError { message, location, frame }
}

/// The transform's syntax for the file's language, with JSX allowed in any JavaScript file (the
/// plan reads files of suites with `jsx-in-js` too; a file without JSX parses alike).
fn syntax_for(path: &str) -> Syntax {
    let language = crate::transform::Language::of(std::path::Path::new(path), true);
    crate::transform::syntax(language.unwrap_or(crate::transform::Language::Jsx))
}

/// An open `describe` while walking (the root frame stands for the file).
struct Frame {
    mode: TestMode,
    tags: Vec<String>,
    /// False once a dynamic group encloses us: ids below it are unknown until registration.
    static_path: bool,
    children: Vec<PlanNode>,
}

impl Frame {
    fn root() -> Self {
        Frame { mode: TestMode::Run, tags: Vec::new(), static_path: true, children: Vec::new() }
    }
}

struct Finder<'a> {
    cm: &'a SourceMap,
    source: &'a str,
    /// The file's first byte position in the SourceMap, to slice `source` by span.
    base: u32,
    ids: IdAllocator,
    stack: Vec<Frame>,
    imports: Vec<ImportSite>,
    subjects: Vec<String>,
}

/// A recognised call: `describe.only.each(t)` → base describe, modifiers [only], each.
struct TestCall<'e> {
    is_group: bool,
    modifier: Option<TestMode>,
    each: bool,
    args: &'e [ExprOrSpread],
}

impl<'a> Finder<'a> {
    fn location(&self, span: swc_core::common::Span) -> Location {
        let loc = self.cm.lookup_char_pos(span.lo);
        Location { line: loc.line, column: loc.col.0 + 1 }
    }

    fn snippet(&self, span: swc_core::common::Span) -> String {
        let start = (span.lo.0 - self.base) as usize;
        let end = (span.hi.0 - self.base) as usize;
        self.source.get(start..end).map_or_else(|| "<computed>".into(), str::to_owned)
    }

    fn frame(&mut self) -> &mut Frame {
        self.stack.last_mut().expect("the root frame is never popped while walking")
    }

    fn record(&mut self, call: &CallExpr, test_call: TestCall<'_>) {
        let TestCall { is_group, modifier, each, args } = test_call;
        let parent_mode = self.frame().mode;
        let parent_static = self.frame().static_path;
        let mut tags = self.frame().tags.clone();
        let name_expr = args.first().map(|a| &*a.expr);
        let literal = if each { None } else { name_expr.and_then(static_string) };
        let dynamic = literal.is_none();
        // An `.each` name is a template (`"adds %i"`): show it unquoted, as `proctor list` and
        // tests reported without loading their file name it.
        let template = if each { name_expr.and_then(static_string) } else { None };
        let name = literal
            .clone()
            .or(template)
            .unwrap_or_else(|| name_expr.map_or_else(|| "<unnamed>".into(), |e| self.snippet(e.span())));
        let mut timeout_ms = None;
        if let Some(Expr::Object(object)) = args.get(1).map(|a| unwrap_ts(&a.expr)) {
            read_options(object, &mut tags, &mut timeout_ms, &mut self.subjects);
        }
        if let Some(Expr::Lit(Lit::Num(n))) = args.get(2).map(|a| unwrap_ts(&a.expr)) {
            if n.value > 0.0 {
                timeout_ms = Some(n.value as u64);
            }
        }
        // A test declared without a function is a placeholder: mocha's pending test, a todo.
        let placeholder = !is_group && !each && modifier != Some(TestMode::Skip) && args.len() == 1;
        let own = if placeholder { TestMode::Todo } else { modifier.unwrap_or(TestMode::Run) };
        let mode = inherit_mode(parent_mode, own);
        let location = self.location(call.span);
        if is_group {
            let id = match (&literal, parent_static) {
                (Some(name), true) => Some(self.ids.enter_group(name).1),
                _ => None,
            };
            self.stack.push(Frame { mode, tags: tags.clone(), static_path: id.is_some(), children: Vec::new() });
            if let Some(body) = args.iter().rev().find(|a| is_function(&a.expr)) {
                body.expr.visit_with(self);
            }
            let frame = self.stack.pop().expect("pushed above");
            if id.is_some() {
                self.ids.leave_group();
            }
            self.frame().children.push(PlanNode::Group(PlannedGroup {
                id,
                name,
                dynamic,
                mode,
                tags,
                location,
                children: frame.children,
            }));
        } else {
            let id = match (&literal, parent_static) {
                (Some(name), true) => Some(self.ids.test(name).1),
                _ => None,
            };
            self.frame().children.push(PlanNode::Test(PlannedTest {
                id,
                name,
                dynamic,
                mode,
                tags,
                timeout_ms,
                location,
                decision: crate::select::Decision::Selected,
            }));
            // Calls inside a test body are not declarations (nested `it` is an error at run time).
        }
    }
}

fn inherit_mode(parent: TestMode, own: TestMode) -> TestMode {
    match (parent, own) {
        (_, TestMode::Todo) => TestMode::Todo,
        (TestMode::Skip, _) | (_, TestMode::Skip) => TestMode::Skip,
        (TestMode::Only, _) | (_, TestMode::Only) => TestMode::Only,
        _ => TestMode::Run,
    }
}

fn unwrap_ts(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(p) => unwrap_ts(&p.expr),
        Expr::TsAs(e) => unwrap_ts(&e.expr),
        Expr::TsSatisfies(e) => unwrap_ts(&e.expr),
        Expr::TsConstAssertion(e) => unwrap_ts(&e.expr),
        Expr::TsNonNull(e) => unwrap_ts(&e.expr),
        other => other,
    }
}

fn is_function(expr: &Expr) -> bool {
    matches!(unwrap_ts(expr), Expr::Arrow(_) | Expr::Fn(_))
}

fn static_string(expr: &Expr) -> Option<String> {
    match unwrap_ts(expr) {
        Expr::Lit(Lit::Str(s)) => Some(s.value.to_string_lossy().into_owned()),
        Expr::Tpl(t) if t.exprs.is_empty() => Some(t.quasis.first()?.cooked.as_ref()?.to_string_lossy().into_owned()),
        _ => None,
    }
}

fn read_options(object: &ObjectLit, tags: &mut Vec<String>, timeout_ms: &mut Option<u64>, subjects: &mut Vec<String>) {
    for prop in &object.props {
        let PropOrSpread::Prop(prop) = prop else { continue };
        let Prop::KeyValue(kv) = &**prop else { continue };
        let key = match &kv.key {
            PropName::Ident(i) => i.sym.to_string(),
            PropName::Str(s) => s.value.to_string_lossy().into_owned(),
            _ => continue,
        };
        match (key.as_str(), unwrap_ts(&kv.value)) {
            ("tags", Expr::Array(array)) => {
                for element in array.elems.iter().flatten() {
                    if let Some(tag) = static_string(&element.expr) {
                        if !tags.contains(&tag) {
                            tags.push(tag);
                        }
                    }
                }
            }
            ("tags", value) => {
                if let Some(tag) = static_string(value) {
                    if !tags.contains(&tag) {
                        tags.push(tag);
                    }
                }
            }
            ("timeout", Expr::Lit(Lit::Num(n))) if n.value > 0.0 => *timeout_ms = Some(n.value as u64),
            ("subject", Expr::Array(array)) => {
                subjects.extend(array.elems.iter().flatten().filter_map(|e| static_string(&e.expr)));
            }
            ("subject", value) => subjects.extend(static_string(value)),
            _ => {}
        }
    }
}

/// Recognises the test API's callees: `describe`, `it`, `test` with member modifiers, and
/// `.each(table)` / `` .each`table` `` wrappers.
fn classify<'e>(call: &'e CallExpr) -> Option<TestCall<'e>> {
    let Callee::Expr(callee) = &call.callee else { return None };
    let (chain_expr, each) = match &**callee {
        Expr::Call(inner) => {
            let Callee::Expr(inner_callee) = &inner.callee else { return None };
            (&**inner_callee, true)
        }
        Expr::TaggedTpl(tagged) => (&*tagged.tag, true),
        other => (other, false),
    };
    let mut chain = Vec::new();
    member_chain(chain_expr, &mut chain)?;
    let (base, rest) = chain.split_first()?;
    // mocha's BDD and TDD names and Jest's x/f aliases declare the same things (see
    // controller-js/src/mocha.js); the x names skip and the f names focus.
    let (is_group, mut modifier) = match base.as_str() {
        "describe" | "suite" | "context" => (true, None),
        "xdescribe" | "xcontext" => (true, Some(TestMode::Skip)),
        "fdescribe" => (true, Some(TestMode::Only)),
        "it" | "test" | "specify" => (false, None),
        "xit" | "xtest" | "xspecify" => (false, Some(TestMode::Skip)),
        "fit" => (false, Some(TestMode::Only)),
        _ => return None,
    };
    let mut saw_each = false;
    // Vitest's `it.skipIf(cond)(name, fn)` / `runIf`: a wrapper like `.each`, but the name is the
    // outer call's own and the mode is the runtime's to decide (it registers skip or run).
    let mut saw_condition = false;
    for part in rest {
        match part.as_str() {
            "skip" => modifier = Some(TestMode::Skip),
            "only" => modifier = modifier.or(Some(TestMode::Only)),
            "todo" => modifier = Some(TestMode::Todo),
            // Vitest's `test.for(table)(name, fn)` is `.each` with the row unspread.
            "each" | "for" => saw_each = true,
            "skipIf" | "runIf" if !saw_each => saw_condition = true,
            // `fails` is Vitest's name for Jest's `failing`.
            "concurrent" | "sequential" | "failing" | "fails" => {}
            _ => return None,
        }
    }
    // `it.each(table)` alone is the inner half of `it.each(table)(name, fn)`: not a declaration.
    if (saw_each || saw_condition) != each || (saw_each && saw_condition) {
        return None;
    }
    Some(TestCall { is_group, modifier, each: saw_each, args: &call.args })
}

fn member_chain(expr: &Expr, out: &mut Vec<String>) -> Option<()> {
    match expr {
        Expr::Ident(ident) => {
            out.push(ident.sym.to_string());
            Some(())
        }
        Expr::Member(member) => {
            member_chain(&member.obj, out)?;
            match &member.prop {
                MemberProp::Ident(prop) => {
                    out.push(prop.sym.to_string());
                    Some(())
                }
                _ => None,
            }
        }
        _ => None,
    }
}

impl Visit for Finder<'_> {
    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Some(test_call) = classify(call) {
            if let Callee::Expr(callee) = &call.callee {
                if let Expr::Call(inner) = &**callee {
                    // The table of `.each(table)` may itself import or declare nothing, but walk it
                    // for imports all the same.
                    inner.args.visit_with(self);
                }
            }
            let is_group = test_call.is_group;
            self.record(call, test_call);
            if !is_group {
                for arg in call.args.iter().skip(1) {
                    collect_imports(self.cm, &arg.expr, &mut self.imports);
                }
            }
            return;
        }
        if let Some(site) = call_import(self.cm, call) {
            self.imports.push(site);
        }
        call.visit_children_with(self);
    }

    fn visit_import_decl(&mut self, decl: &ImportDecl) {
        // `import type` is erased by the transform and never loaded.
        if !decl.type_only {
            self.imports.push(site(self.cm, &decl.src, ImportKind::Import));
        }
    }

    fn visit_export_all(&mut self, decl: &ExportAll) {
        if !decl.type_only {
            self.imports.push(site(self.cm, &decl.src, ImportKind::Import));
        }
    }

    fn visit_named_export(&mut self, decl: &NamedExport) {
        if let Some(src) = decl.src.as_deref().filter(|_| !decl.type_only) {
            self.imports.push(site(self.cm, src, ImportKind::Import));
        }
    }

    fn visit_ts_import_equals_decl(&mut self, decl: &TsImportEqualsDecl) {
        if let TsModuleRef::TsExternalModuleRef(external) = &decl.module_ref {
            if !decl.is_type_only {
                self.imports.push(site(self.cm, &external.expr, ImportKind::Require));
            }
        }
    }
}

/// An import at the string literal `src`.
fn site(cm: &SourceMap, src: &Str, kind: ImportKind) -> ImportSite {
    let loc = cm.lookup_char_pos(src.span.lo);
    ImportSite {
        specifier: src.value.to_string_lossy().into_owned(),
        kind,
        line: loc.line as u32,
        column: loc.col.0 as u32 + 1,
    }
}

/// `import("x")` or `require("x")` with a literal specifier.
fn call_import(cm: &SourceMap, call: &CallExpr) -> Option<ImportSite> {
    let kind = match &call.callee {
        Callee::Import(_) => ImportKind::Import,
        Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if &*i.sym == "require") => ImportKind::Require,
        _ => return None,
    };
    let arg = call.args.first()?;
    let specifier = static_string(&arg.expr)?;
    let loc = cm.lookup_char_pos(arg.expr.span().lo);
    Some(ImportSite { specifier, kind, line: loc.line as u32, column: loc.col.0 as u32 + 1 })
}

/// Imports inside a test body (dynamic `import()`/`require`) still count for the import graph.
fn collect_imports(cm: &SourceMap, expr: &Expr, out: &mut Vec<ImportSite>) {
    struct Imports<'o> {
        cm: &'o SourceMap,
        out: &'o mut Vec<ImportSite>,
    }
    impl Visit for Imports<'_> {
        fn visit_call_expr(&mut self, call: &CallExpr) {
            if let Some(site) = call_import(self.cm, call) {
                self.out.push(site);
            }
            call.visit_children_with(self);
        }
    }
    expr.visit_with(&mut Imports { cm, out });
}

#[cfg(test)]
mod tests {
    use super::*;
    use indoc::indoc;

    fn outline(nodes: &[PlanNode], depth: usize, out: &mut String) {
        for node in nodes {
            let pad = "  ".repeat(depth);
            match node {
                PlanNode::Group(g) => {
                    out.push_str(&format!(
                        "{pad}group {:?} id={:?} dynamic={} mode={:?} tags={:?} at {}:{}\n",
                        g.name, g.id, g.dynamic, g.mode, g.tags, g.location.line, g.location.column
                    ));
                    outline(&g.children, depth + 1, out);
                }
                PlanNode::Test(t) => out.push_str(&format!(
                    "{pad}test {:?} id={:?} dynamic={} mode={:?} tags={:?} timeout={:?} at {}:{}\n",
                    t.name, t.id, t.dynamic, t.mode, t.tags, t.timeout_ms, t.location.line, t.location.column
                )),
            }
        }
    }

    fn analyzed(source: &str) -> String {
        let analysis = analyze("t/a.test.js", source).map_err(|e| e.message).unwrap();
        let mut out = String::new();
        outline(&analysis.nodes, 0, &mut out);
        let specifiers: Vec<&str> = analysis.imports.iter().map(|i| i.specifier.as_str()).collect();
        out.push_str(&format!("imports {specifiers:?}\n"));
        out
    }

    #[test]
    fn finds_groups_tests_modifiers_and_options() {
        insta::assert_snapshot!(analyzed(indoc! {r#"
            import { describe, it, test, expect } from "proctor";
            import { add } from "../src/add.js";
            export * from "./reexport.js";
            describe("math", { tags: ["unit"] }, () => {
              it("adds", { tags: ["fast"], timeout: 2000 }, () => expect(add(1, 2)).toBe(3));
              it.skip("later", () => {});
              test.todo("plan");
              describe.only("nested", () => {
                it("deep equal", () => {});
                it.skip("still skipped", () => {});
              });
              it("adds", () => {});
              it("jest timeout", () => {}, 50);
            });
            it.only(`template ok`, () => {});
            it(`dyn ${1 + 1}`, () => {});
            it.each([[1, 2]])("adds %i + %i", (a, b) => {});
            describe.each([1])("each group %i", (n) => { it("inside", () => {}); });
            for (const n of [1, 2]) { test("loop " + n, async () => { await import("./lazy.js"); }); }
            const x = require("./cjs.js");
        "#}));
    }

    #[test]
    fn recognizes_mocha_bdd_and_tdd_names_and_pending_tests() {
        insta::assert_snapshot!(analyzed(indoc! {r#"
            describe("bdd", function () {
              this.timeout(5000);
              before(function () {});
              context("ctx", function () {
                specify("spec", function () {});
                xspecify("x spec", function () {});
                it("pending");
                it.skip("skipped pending");
              });
              xcontext("skipped ctx", function () { it("inside", function () {}); });
              xit("x it", function () {});
              it.only("only", function () {});
            });
            xdescribe("x describe", () => { it("a", () => {}); });
            fdescribe("f describe", () => { fit("f it", () => {}); xtest("x test", () => {}); });
            suite("tdd", function () {
              suiteSetup(function () {});
              setup(function () {});
              test("t", function () {});
              test("pending t");
              suite.skip("skipped suite", function () { test("u", function () {}); });
            });
        "#}));
    }

    #[test]
    fn knows_vitest_fails_and_for() {
        let source = indoc! {r#"
            import { it, test } from "vitest";
            it.fails("expected to fail", () => {});
            test.for([[1, 2]])("row %i", ([a]) => {});
            test.for([[1, 2]]);
        "#};
        let analysis = analyze("a.test.js", source).map_err(|e| e.message).unwrap();
        assert_eq!(analysis.nodes.len(), 2, "{:?}", analysis.nodes);
        assert_eq!(analysis.imports.iter().map(|i| i.specifier.as_str()).collect::<Vec<_>>(), ["vitest"]);
    }

    #[test]
    fn parses_jsx_and_typescript_syntax() {
        let jsx = analyze("a.test.jsx", "it('renders', () => <div a={1} />);\n").map_err(|e| e.message).unwrap();
        assert_eq!(jsx.nodes.len(), 1);
        let ts = analyze(
            "a.test.ts",
            "interface A { x: number }\ntest<A>('typed', { tags: ['t'] } satisfies object, () => {});\n",
        )
        .map_err(|e| e.message)
        .unwrap();
        assert_eq!(ts.nodes.len(), 1);
    }

    #[test]
    fn imports_are_located_with_their_kind_and_type_only_ones_are_left_out() {
        let source = indoc! {r#"
            import { a } from "./a";
            import type { T } from "./types";
            export { b } from "./b";
            export type { U } from "./types2";
            export * from "./c";
            import fs = require("node:fs");
            it("lazy", async () => { await import("./lazy"); const x = require('./cjs'); });
              const y = require(`./tpl`);
        "#};
        let analysis = analyze("a.test.ts", source).map_err(|e| e.message).unwrap();
        let shown: Vec<String> =
            analysis.imports.iter().map(|i| format!("{} {:?} {}:{}", i.specifier, i.kind, i.line, i.column)).collect();
        assert_eq!(
            shown,
            [
                "./a Import 1:19",
                "./b Import 3:19",
                "./c Import 5:15",
                "node:fs Require 6:21",
                "./lazy Import 7:39",
                "./cjs Require 7:68",
                "./tpl Require 8:21",
            ]
        );
    }

    #[test]
    fn syntax_error_is_located_with_a_frame() {
        let err = analyze("bad.test.js", "it('x', () => {\n  const = 1;\n});\n").err().unwrap();
        assert_eq!((err.location.line, err.location.column), (2, 9));
        assert!(err.frame.contains("bad.test.js:2:9"), "{}", err.frame);
        assert!(err.frame.contains("const = 1;"), "{}", err.frame);
    }
}
