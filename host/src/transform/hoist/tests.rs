//! The hoisting pass through [`transform`]: output text for each shape Vitest and babel-jest
//! hoist, the jest factory rule's errors, what is left alone, source maps, and one run in node.

use super::*;
use crate::transform::{transform, TransformError, TransformOptions};
use indoc::indoc;
use std::process::Command;

fn out(name: &str, source: &str) -> String {
    let result = transform(Path::new(&format!("/project/{name}")), source, &TransformOptions::default());
    result.unwrap_or_else(|err| panic!("{err}")).code
}

fn error(name: &str, source: &str) -> TransformError {
    match transform(Path::new(&format!("/project/{name}")), source, &TransformOptions::default()) {
        Ok(done) => panic!("transformed:\n{}", done.code),
        Err(err) => err,
    }
}

#[test]
fn es_module_imports_become_awaited_imports_after_the_hoisted_calls() {
    let code = out(
        "a.test.js",
        indoc! {r#"
            import { vi } from "vitest";
            import def, { a as b, c, "x-y" as xy } from "./x";
            import * as ns from "./ns";
            import "./side";
            import data from "./d.json" with { type: "json" };
            console.log(def, b, c, xy, ns.y, { c }, data);
            b();
            vi.mock("./x", () => ({ a: 1 }));
            export { c, b as bee };
        "#},
    );
    assert_eq!(
        code,
        indoc! {r#"
            import { vi } from "vitest";
            vi.mock("./x", ()=>({
                    a: 1
                }));
            await globalThis.__proctorMocks?.settle?.();
            const __vi_import_0__ = await import("./x");
            const ns = await import("./ns");
            await import("./side");
            const __vi_import_3__ = await import("./d.json", {
                with: {
                    type: "json"
                }
            });
            const __vi_export_0__ = __vi_import_0__.c;
            const __vi_export_1__ = __vi_import_0__.a;
            console.log(__vi_import_0__.default, __vi_import_0__.a, __vi_import_0__.c, __vi_import_0__["x-y"], ns.y, {
                c: __vi_import_0__.c
            }, __vi_import_3__.default);
            __vi_import_0__.a();
            export { __vi_export_0__ as c, __vi_export_1__ as bee };
        "#}
    );
}

#[test]
fn hoisted_values_move_whole_and_calls_keep_source_order() {
    let code = out(
        "a.test.mjs",
        indoc! {r#"
            import { expect, vi as unused } from "proctor";
            import { jest } from "@jest/globals";
            import { value } from "./dep";
            const local = 1;
            vi.mock("./dep", () => ({ value: mocks.value }));
            const mocks = vi.hoisted(() => ({ value: 42 }));
            const { later } = await vi.hoisted(async () => ({ later: value }));
            await vi.hoisted(async () => {});
            vi.unmock("./other");
            jest.mock("./jested");
            vitest.mock(import("./by-import"));
            vi.doMock(await import("./do"));
            vi.doUnmock("./undo");
            jest.doMock("./jest-do");
            jest.dontMock("./dont");
        "#},
    );
    assert_eq!(
        code,
        indoc! {r#"
            import { expect, vi as unused } from "proctor";
            import { jest } from "@jest/globals";
            vi.mock("./dep", ()=>({
                    value: mocks.value
                }));
            const mocks = vi.hoisted(()=>({
                    value: 42
                }));
            const { later } = await vi.hoisted(async ()=>({
                    later: __vi_import_0__.value
                }));
            await vi.hoisted(async ()=>{});
            vi.unmock("./other");
            jest.mock("./jested");
            vitest.mock("./by-import");
            await globalThis.__proctorMocks?.settle?.();
            const __vi_import_0__ = await import("./dep");
            const local = 1;
            vi.doMock("./do");
            vi.doUnmock("./undo");
            jest.doMock("./jest-do");
            jest.dontMock("./dont");
        "#}
    );
}

#[test]
fn commonjs_hoists_above_the_requires_jest_to_the_top_of_its_block_vi_to_the_file_top() {
    let code = out(
        "a.test.cjs",
        indoc! {r#"
            "use strict";
            const x = require("./x");
            jest.mock("./x", () => ({ mockValue: 1 })).mock("./y");
            test("t", () => { const y = 1; jest.unmock("./y"); vi.mock("./z"); });
            if (x) vi.mock("./not-in-a-block");
        "#},
    );
    assert_eq!(
        code,
        indoc! {r#"
            "use strict";
            jest.mock("./x", ()=>({
                    mockValue: 1
                })).mock("./y");
            vi.mock("./z");
            const x = require("./x");
            test("t", ()=>{
                jest.unmock("./y");
                const y = 1;
            });
            if (x) vi.mock("./not-in-a-block");
        "#}
    );
}

#[test]
fn an_es_module_without_a_top_level_hoist_keeps_its_imports() {
    let source = indoc! {r#"
        import { value } from "./dep";
        test("t", () => { value(); jest.mock("./dep"); });
    "#};
    let code = out("a.test.js", source);
    assert!(code.starts_with("import { value } from \"./dep\";\n"), "{code}");
    assert!(code.contains("jest.mock(\"./dep\");\n    value();"), "hoisted within its block: {code}");
}

#[test]
fn vitest_calls_in_callbacks_hoist_to_the_top_of_the_file_in_source_order() {
    let code = out(
        "a.test.js",
        indoc! {r#"
            import { describe, it } from "vitest";
            import { value } from "./dep";
            vi.mock("./first");
            describe("d", () => {
                const { spy } = vi.hoisted(() => ({ spy: 1 }));
                vi.mock("./dep", () => ({ value: spy }));
                it("t", () => value);
            });
            vi.mock("./last");
        "#},
    );
    assert_eq!(
        code,
        indoc! {r#"
            import { describe, it } from "vitest";
            vi.mock("./first");
            const { spy } = vi.hoisted(()=>({
                    spy: 1
                }));
            vi.mock("./dep", ()=>({
                    value: spy
                }));
            vi.mock("./last");
            await globalThis.__proctorMocks?.settle?.();
            const __vi_import_0__ = await import("./dep");
            describe("d", ()=>{
                it("t", ()=>__vi_import_0__.value);
            });
        "#}
    );
    let err = error("a.test.js", "vi.hoisted(() => {\n  vi.mock(\"./a\");\n});\n");
    assert!(
        matches!(&err, TransformError::Hoist { line: 2, column: 3, message, .. }
        if message.starts_with("Cannot call vi.mock() inside vi.hoisted(): both methods are hoisted")),
        "{err:?}"
    );
}

#[test]
fn babel_jest_argument_rules_decide_what_jest_hoists() {
    let code = out(
        "a.test.cjs",
        indoc! {r#"
            const name = "./n";
            jest.mock(name);
            jest.unmock(name);
            jest.enableAutomock(1);
            jest.deepUnmock("./deep");
            jest.disableAutomock();
            jest.mock("./lit");
        "#},
    );
    assert_eq!(
        code,
        indoc! {r#"
            jest.deepUnmock("./deep");
            jest.disableAutomock();
            jest.mock("./lit");
            const name = "./n";
            jest.mock(name);
            jest.unmock(name);
            jest.enableAutomock(1);
        "#}
    );
}

#[test]
fn jest_factories_may_use_their_own_names_globals_mock_names_and_literal_constants() {
    let code = out(
        "a.test.js",
        indoc! {r#"
            import { expect, jest } from "@jest/globals";
            import { real } from "./real";
            const mockFn = jest.fn();
            const MOCKED = { a: 1 };
            const answer = 42;
            const label = `plain`;
            jest.mock("./dep", () => {
                const local = (x) => x + answer;
                return { mockFn, MOCKED, local, label, now: Date.now(), expect, jest, answer, cov: __coverage__,
                         lazy: () => require("./lazy"), global: process.env.HOME };
            });
            vi.mock("./vi-dep", () => ({ real }));
        "#},
    );
    assert!(code.contains("const local = (x)=>x + 42;"), "a literal constant is inlined: {code}");
    assert!(code.contains("label: `plain`"), "{code}");
    assert!(code.contains("answer: 42"), "{code}");
    assert!(code.contains("mockFn,"), "mock names stay: {code}");
    assert!(code.contains("real: __vi_import_0__.real"), "Vitest has no factory rule: {code}");
}

#[test]
fn a_jest_factory_reaching_a_module_variable_is_an_error_at_the_reference() {
    let source = indoc! {r#"
        import { helper } from "./helper";
        let counter = 0;
        jest.mock("./dep", () => ({
            next: () => ++counter,
            helper,
        }));
    "#};
    let err = error("a.test.js", source);
    let TransformError::Hoist { file, line, column, message, frame } = &err else { panic!("{err:?}") };
    assert_eq!((file.as_path(), *line, *column), (Path::new("/project/a.test.js"), 4, 19));
    assert!(
        message.starts_with(
            "The module factory of `jest.mock()` is not allowed to reference any out-of-scope variables.\n\
         Invalid variable access: counter\nAllowed objects: Array, ArrayBuffer, "
        ),
        "{message}"
    );
    assert!(
        message.ends_with(
            "Note: This is a precaution to guard against uninitialized mock variables. If it is ensured that the mock \
         is required lazily, variable names prefixed with `mock` (case insensitive) are permitted."
        ),
        "{message}"
    );
    assert!(frame.contains("next: () => ++counter,"), "{frame}");
    assert!(err.to_string().starts_with("/project/a.test.js:4:19: The module factory"), "{err}");

    let imported = error("a.test.js", &source.replace("++counter", "0"));
    assert!(
        matches!(&imported, TransformError::Hoist { line: 5, column: 5, message, .. }
        if message.contains("Invalid variable access: helper\n")),
        "{imported:?}"
    );
}

/// ts-jest and @swc/jest hoist without babel-jest's rule: a TypeScript file's factory may close
/// over an outer `let` that it reads only later (react-hook-form's `() => () => String(i++)`).
#[test]
fn typescript_factories_may_close_over_outer_variables() {
    let source = "import { a } from \"./a\";\nlet i = 0;\njest.mock(\"./id\", () => () => String(i++));\n";
    let code = out("a.test.ts", source);
    assert!(code.contains("String(i++)"), "{code}");
    assert!(matches!(error("a.test.js", source), TransformError::Hoist { line: 3, .. }));
    let code = out("a.test.ts", "const factory = () => ({});\njest.mock(\"./dep\", factory);\n");
    assert!(code.contains("jest.mock(\"./dep\", factory)"), "{code}");
}

#[test]
fn a_jest_factory_must_be_an_inline_function_and_a_hoisted_value_is_not_exported() {
    let err = error("a.test.js", "const factory = () => ({});\njest.mock(\"./dep\", factory);\n");
    assert!(
        matches!(&err, TransformError::Hoist { line: 2, column: 20, message, .. }
        if message == "The second argument of `jest.mock` must be an inline function."),
        "{err:?}"
    );
    let err = error("a.test.js", "import { a } from \"./a\";\nexport const x = vi.hoisted(() => 1);\n");
    assert!(
        matches!(&err, TransformError::Hoist { line: 2, column: 1, message, .. }
        if message.starts_with("Cannot export hoisted variable.")),
        "{err:?}"
    );
}

#[test]
fn only_files_with_a_hoisted_call_need_the_transform() {
    let js = Path::new("a.test.js");
    assert!(needs_hoisting(js, "import { a } from './a';\nvi.mock('./a');\n"));
    assert!(needs_hoisting(js, "const a = vi . hoisted (() => 1);\n"));
    assert!(needs_hoisting(js, "it('t', () => { jest.mock('./a'); });\n"), "block level");
    assert!(needs_hoisting(js, "jest.enableAutomock();\n"));
    assert!(!needs_hoisting(js, "import { a } from './a';\n// vi.mock('./a')\nconst s = 'vi.mock(\"x\")';\n"));
    assert!(!needs_hoisting(js, "const f = () => vi.mock('./a');\n"), "not a statement");
    assert!(!needs_hoisting(js, "vi.doMock('./a');\njest.mock(name);\nmy.vi.fn();\n"));
    assert!(needs_hoisting(js, "it('t', async () => { vi.doMock(import('./a')); });\n"), "a path to rewrite");
    assert!(!needs_hoisting(js, "vi.mock('./a'"), "a broken file is the runtime's to report");
    assert!(!might_hoist("envi.mock('x'); vi.mocked(x); jest.fn(); vi.mock;"));
    assert!(might_hoist("jest\n  .mock('x')"));
}

#[test]
fn nothing_to_hoist_leaves_the_output_as_without_the_pass() {
    // The comment lets the text through the filter; the AST has nothing to hoist.
    let source = "import { a } from \"./a\";\nvi.fn(a);\nvi.spyOn(a, \"b\");\n// vi.mock(\"./a\")\n";
    assert!(might_hoist(source));
    let unfiltered = source.replace("vi.mock", "vi.xock");
    assert!(!might_hoist(&unfiltered));
    assert_eq!(out("a.ts", source).replace("vi.mock", "vi.xock"), out("a.ts", &unfiltered));
}

#[test]
fn typescript_hoists_after_the_strip() {
    let code = out(
        "a.test.ts",
        indoc! {r#"
            import type { T } from "./types";
            import { Only } from "./only-types";
            import { used } from "./used";
            const x: Only = used as T;
            vi.mock("./used");
        "#},
    );
    assert_eq!(
        code,
        indoc! {r#"
            vi.mock("./used");
            await globalThis.__proctorMocks?.settle?.();
            const __vi_import_0__ = await import("./used");
            const x = __vi_import_0__.used;
        "#}
    );
}

#[test]
fn the_source_map_points_moved_code_at_its_original_lines() {
    let source = "import { a } from \"./a\";\nconsole.log(a);\nvi.mock(\"./a\");\n";
    let result = transform(Path::new("/project/a.test.js"), source, &TransformOptions::default()).unwrap();
    let map = sourcemap::SourceMap::from_slice(result.map.as_bytes()).unwrap();
    let original_line = |needle: &str| {
        let line = result.code.lines().position(|l| l.starts_with(needle)).unwrap_or_else(|| panic!("{needle}"));
        map.lookup_token(line as u32, 0).map(|token| token.get_src_line() + 1)
    };
    assert_eq!(original_line("vi.mock("), Some(3), "{}", result.code);
    assert_eq!(original_line("const __vi_import_0__"), Some(1));
    assert_eq!(original_line("console.log("), Some(2));
}

#[test]
fn hoisted_code_runs_before_the_imports_in_node() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "setup.mjs",
        "globalThis.vi = { hoisted: (factory) => factory(), mock() { globalThis.order.push('mock'); } };\n",
    );
    write("dep.mjs", "globalThis.order.push('dep');\nexport const dep = 'dep';\n");
    let source = indoc! {r#"
        import { dep } from "./dep.mjs";
        console.log(JSON.stringify([...globalThis.order, dep]));
        vi.hoisted(() => { globalThis.order = ["hoisted"]; });
        vi.mock("./dep.mjs");
    "#};
    let file = dir.path().join("a.test.mjs");
    let result = transform(&file, source, &TransformOptions::default()).unwrap();
    write("a.out.mjs", &result.code);
    let output =
        Command::new("node").args(["--import", "./setup.mjs", "a.out.mjs"]).current_dir(dir.path()).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), r#"["hoisted","mock","dep","dep"]"#);
}

#[test]
fn without_top_level_await_the_calls_only_move_above_the_imports() {
    let options = TransformOptions { await_imports: false, ..TransformOptions::default() };
    let source = "import { a } from \"./a\";\nconsole.log(a);\nvi.mock(\"./a\");\n";
    let code = transform(Path::new("/project/a.test.js"), source, &options).unwrap().code;
    assert_eq!(code, "vi.mock(\"./a\");\nimport { a } from \"./a\";\nconsole.log(a);\n");
}

#[test]
fn jsx_reads_imported_components_and_the_runtime_through_their_namespaces() {
    let code = out(
        "a.test.tsx",
        "import { Comp } from './comp';\nimport { render } from './render';\nvi.mock('./comp');\nrender(<Comp a={1} />);\n",
    );
    assert_eq!(
        code,
        indoc! {r#"
            vi.mock('./comp');
            await globalThis.__proctorMocks?.settle?.();
            const __vi_import_0__ = await import("react/jsx-runtime");
            const __vi_import_1__ = await import('./comp');
            const __vi_import_2__ = await import('./render');
            __vi_import_2__.render(/*#__PURE__*/ __vi_import_0__.jsx(__vi_import_1__.Comp, {
                a: 1
            }));
        "#}
    );
}

#[test]
fn typescript_compiled_to_commonjs_hoists_above_the_requires_the_commonjs_pass_wrote() {
    let code =
        out("a.test.cts", "import x from './x';\nexport const z = x;\njest.mock('./x', () => ({ default: 1 }));\n");
    let at = |needle: &str| code.find(needle).unwrap_or_else(|| panic!("{needle} in {code}"));
    assert!(code.starts_with("\"use strict\";\n"), "{code}");
    assert!(at("jest.mock('./x'") < at("Object.defineProperty(exports"), "{code}");
    assert!(at("jest.mock('./x'") < at("require(\"./x\")"), "{code}");
}

#[test]
fn literal_require_actual_and_require_mock_specifiers_reach_settle() {
    let code = out(
        "a.test.js",
        indoc! {r#"
            import { f } from "./x";
            jest.mock("./x", () => ({ ...jest.requireActual("./x"), f: jest.fn() }));
            test("t", () => jest.requireMock("./y") && jest.requireActual("./x") && jest.requireActual(name));
        "#},
    );
    let settle = "await globalThis.__proctorMocks?.settle?.([\n    \"./x\"\n], [\n    \"./y\"\n]);";
    assert!(code.contains(settle), "{code}");
}

#[test]
fn a_file_with_only_require_actual_settles_after_its_imports_which_stay_static() {
    let source = "import { a } from \"./a\";\nconst real = jest.requireActual(\"./b\");\nconsole.log(a, real);\n";
    assert!(needs_hoisting(Path::new("/project/a.test.js"), source));
    assert_eq!(
        out("a.test.js", source),
        indoc! {r#"
            import { a } from "./a";
            await globalThis.__proctorMocks?.settle?.([
                "./b"
            ]);
            const real = jest.requireActual("./b");
            console.log(a, real);
        "#}
    );
    // A node `__mocks__` file may be required: no top-level await there; a page requires nothing.
    let mocks = Path::new("/project/__mocks__/b.js");
    let for_node = transform(mocks, source, &TransformOptions::default()).unwrap().code;
    assert!(!for_node.contains("settle"), "{for_node}");
    let browser = TransformOptions { target: crate::transform::Target::Browser, ..TransformOptions::default() };
    assert!(transform(mocks, source, &browser).unwrap().code.contains("settle"));
    let unchanged = "import { a } from \"./a\";\njest.requireActual(name);\n";
    assert!(!needs_hoisting(Path::new("/project/a.test.js"), unchanged));
}
