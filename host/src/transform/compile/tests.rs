//! The transform's output, run: each case transforms a file into a temp project and runs real
//! node on it, so what is asserted is behaviour (enum values, decorator calls, JSX elements),
//! not swc's text.

use super::*;
use crate::transform::{JsxOptions, JsxOverrides, Tsconfigs};
use std::fs;
use std::path::PathBuf;
use std::process::Command;

/// A temp project: files written into it, transformed entries written beside them.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        Project { dir: tempfile::tempdir().unwrap() }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    /// Transforms `rel` and writes the output beside it as `<rel>.out.mjs` or `.cjs`, with its
    /// map inline; returns the output's path and the transform result.
    fn transform(&self, rel: &str, text: &str, options: &TransformOptions) -> (PathBuf, Transformed) {
        let source = self.write(rel, text);
        let result = transform(&source, text, options).unwrap_or_else(|err| panic!("{err}"));
        let extension = match result.format {
            ModuleFormat::Module => "mjs",
            ModuleFormat::CommonJs => "cjs",
        };
        let out = self.path(&format!("{rel}.out.{extension}"));
        let inline = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &result.map);
        fs::write(&out, format!("{}\n//# sourceMappingURL=data:application/json;base64,{inline}\n", result.code))
            .unwrap();
        (out, result)
    }

    /// Runs node on `file`; returns stdout, or panics with stderr.
    fn node(&self, file: &Path) -> String {
        let output =
            Command::new("node").arg("--enable-source-maps").arg(file).current_dir(self.dir.path()).output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            output.status.success(),
            "node failed on {}:\n{stderr}\n--- code:\n{}",
            file.display(),
            fs::read_to_string(file).unwrap()
        );
        stdout
    }

    /// Transforms and runs `rel` with `options`; returns stdout.
    fn run(&self, rel: &str, text: &str, options: &TransformOptions) -> String {
        let (out, _) = self.transform(rel, text, options);
        self.node(&out)
    }
}

fn ts() -> TransformOptions {
    TransformOptions::default()
}

#[test]
fn enums_namespaces_parameter_properties_and_satisfies_run() {
    let project = Project::new();
    let out = project.run(
        "a.ts",
        r#"
import type { Missing } from "./does-not-exist";
import { type AlsoMissing } from "./does-not-exist-either";
enum Color { Red, Green = 5, Blue }
enum Named { A = "a", B = A + "b" }
namespace Shapes { export const sides = 4; }
namespace Shapes { export function double() { return sides * 2; } }
namespace Shapes { export let count = 0; export function bump() { count = double() + sides; return { count }; } }
class Point { constructor(public x: number, private readonly y: number = 2) {} sum() { return this.x + this.y; } }
const config = { port: 80 } satisfies { port: number };
let m: Missing | AlsoMissing | undefined;
console.log(Color.Red, Color.Blue, Color[5], Named.B, Shapes.double(), Shapes.bump().count, Shapes.count, new Point(1).sum(), config.port, m);
"#,
        &ts(),
    );
    assert_eq!(out.trim(), "0 6 Green ab 8 12 12 3 80 undefined");
}

#[test]
fn const_enums_are_inlined_within_the_file() {
    let project = Project::new();
    let (out, result) = project.transform(
        "a.ts",
        "const enum Flag { On = 7, Off = 9 }\nexport const both = Flag.On + Flag.Off;\nconsole.log(both);\n",
        &ts(),
    );
    assert!(!result.code.contains("Flag.On"), "{}", result.code);
    assert_eq!(project.node(&out).trim(), "16");
}

#[test]
fn imports_used_only_as_types_are_elided_unless_verbatim() {
    let project = Project::new();
    project.write("types.mjs", "console.log('types loaded');\nexport class Shape {}\n");
    let text = "import { Shape } from './types.mjs';\nconst s: Shape | null = null;\nconsole.log('main', s);\n";
    assert_eq!(project.run("elided.ts", text, &ts()).trim(), "main null");
    let verbatim = TransformOptions { verbatim_module_syntax: true, ..ts() };
    assert_eq!(project.run("kept.ts", text, &verbatim).trim(), "types loaded\nmain null");
}

#[test]
fn import_equals_require_works_in_an_es_module_on_node() {
    let project = Project::new();
    project.write("lib.cjs", "module.exports = { answer: 42 };\n");
    let (out, result) = project.transform(
        "a.ts",
        "import lib = require('./lib.cjs');\nimport path = require('node:path');\nconsole.log(lib.answer, path.basename('/x/y.ts'), typeof import.meta.url);\n",
        &ts(),
    );
    assert_eq!(result.format, ModuleFormat::Module);
    assert_eq!(project.node(&out).trim(), "42 y.ts string");
}

#[test]
fn export_equals_and_cts_files_become_commonjs() {
    let project = Project::new();
    let (_, result) = project.transform(
        "lib.ts",
        "import fs = require('node:fs');\nclass Api { ok() { return typeof fs.existsSync; } }\nexport = new Api();\n",
        &ts(),
    );
    assert_eq!(result.format, ModuleFormat::CommonJs);
    let (_, cts) = project.transform(
        "esm-syntax.cts",
        "import { basename } from 'node:path';\nexport const name: string = basename('/a/b.cts');\n",
        &ts(),
    );
    assert_eq!(cts.format, ModuleFormat::CommonJs);
    let main = project.write(
        "main.cjs",
        "const api = require('./lib.ts.out.cjs');\nconst cts = require('./esm-syntax.cts.out.cjs');\nconsole.log(api.ok(), cts.name);\n",
    );
    assert_eq!(project.node(&main).trim(), "function b.cts");
    let esm = project.write("main.mjs", "import { name } from './esm-syntax.cts.out.cjs';\nconsole.log(name);\n");
    assert_eq!(project.node(&esm).trim(), "b.cts", "node sees the CommonJS output's named exports");
}

#[test]
fn plain_javascript_es_modules_get_the_node_shim() {
    let project = Project::new();
    let text = "import { sep } from 'node:path';\nconsole.log(typeof require('node:fs').statSync, __dirname.includes(sep), __filename.endsWith('.mjs'));\n";
    assert!(crate::transform::uses_cjs_globals(Path::new("a.mjs"), text));
    let (out, result) = project.transform("a.mjs", text, &ts());
    assert_eq!(result.format, ModuleFormat::Module);
    assert_eq!(project.node(&out).trim(), "function true true");
}

#[test]
fn a_typescript_file_using_only_commonjs_stays_commonjs() {
    let project = Project::new();
    project.write("dep.cjs", "module.exports = 'dep';\n");
    let (_, result) = project.transform(
        "lib.ts",
        "const dep: string = require('./dep.cjs');\nmodule.exports = { value: dep + '!' as string };\n",
        &ts(),
    );
    assert_eq!(result.format, ModuleFormat::CommonJs);
    assert!(!result.code.contains("createRequire"), "{}", result.code);
    let (_, equals) = project.transform(
        "equals.ts",
        "import fs = require('node:fs');\nmodule.exports = { kind: typeof fs.statSync as string };\n",
        &ts(),
    );
    assert_eq!(equals.format, ModuleFormat::CommonJs);
    let main = project
        .write("main.cjs", "console.log(require('./lib.ts.out.cjs').value, require('./equals.ts.out.cjs').kind);\n");
    assert_eq!(project.node(&main).trim(), "dep! function");
}

#[test]
fn es_modules_on_node_get_require_dirname_and_filename() {
    let project = Project::new();
    project.write("dep.cjs", "module.exports = 'dep';\n");
    let text = "import { sep } from 'node:path';\nconst dep: string = require('./dep.cjs');\nconsole.log(dep, __dirname.endsWith(sep) === false, __filename.endsWith('.mjs'));\n";
    let (out, result) = project.transform("a.ts", text, &ts());
    assert_eq!(result.format, ModuleFormat::Module);
    assert_eq!(project.node(&out).trim(), "dep true true");
    let browser =
        transform(&project.path("a.ts"), text, &TransformOptions { target: Target::Browser, ..ts() }).unwrap();
    assert!(!browser.code.contains("createRequire"), "no node shim in the browser: {}", browser.code);
    let declared =
        transform(&project.path("b.ts"), "export function f(require: (s: string) => void) { require('x'); }\n", &ts())
            .unwrap();
    assert!(!declared.code.contains("createRequire"), "a declared `require` is not shimmed: {}", declared.code);
}

#[test]
fn legacy_decorators_with_metadata_run() {
    let project = Project::new();
    let options = TransformOptions { legacy_decorators: true, decorator_metadata: true, ..ts() };
    let out = project.run(
        "a.ts",
        r#"
const store = new Map<string, unknown>();
(Reflect as any).metadata = (key: string, value: unknown) => (target: any, prop?: string) => {
    store.set(`${key}:${prop ?? target.name}`, value);
};
const calls: string[] = [];
function sealed(ctor: Function) { calls.push(`class ${ctor.name}`); }
function log(_t: any, key: string, d: PropertyDescriptor) { calls.push(`method ${key}`); return d; }
function field(_t: any, key: string) { calls.push(`field ${key}`); }
function param(_t: any, key: string | undefined, index: number) { calls.push(`param ${index}`); }
class Dep {}
@sealed
class Service {
    @field name: string = "svc";
    constructor(@param dep: Dep) {}
    @log greet(who: number): string { return `${this.name} ${who}`; }
}
console.log(calls.join(","));
console.log(new Service(new Dep()).greet(1));
console.log((store.get("design:type:name") as any).name, (store.get("design:paramtypes:Service") as any[])[0].name, (store.get("design:returntype:greet") as any).name);
"#,
        &options,
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines, ["field name,method greet,param 0,class Service", "svc 1", "String Dep String"]);
}

#[test]
fn standard_decorators_run_when_experimental_decorators_is_off() {
    let project = Project::new();
    let out = project.run(
        "a.ts",
        r#"
function logged<T extends (...args: any[]) => any>(value: T, context: ClassMethodDecoratorContext) {
    return function (this: unknown, ...args: any[]) { return `${String(context.name)}(${value.apply(this, args)})`; };
}
function tagged(value: Function, context: ClassDecoratorContext) { context.addInitializer(() => console.log("init", context.name)); }
@tagged
class C { @logged twice(n: number) { return n * 2; } }
console.log(new C().twice(4));
"#,
        &ts(),
    );
    assert_eq!(out.trim(), "init C\ntwice(8)");
}

#[test]
fn accessor_fields_and_using_declarations_run_on_node_20() {
    let project = Project::new();
    let out = project.run(
        "a.ts",
        r#"
class Counter { accessor count: number = 1; static accessor total = 2; }
const c = new Counter();
c.count += 1;
function scoped() {
    using resource = { [Symbol.dispose]() { console.log("disposed"); } };
    console.log("body", c.count, Counter.total);
}
scoped();
async function later() {
    await using resource = { async [Symbol.asyncDispose]() { console.log("async disposed"); } };
    console.log("async body");
}
await later();
"#,
        &ts(),
    );
    assert_eq!(out.trim(), "body 2 2\ndisposed\nasync body\nasync disposed");
    let js = "class C { accessor x = 3; }\n{ using r = { [Symbol.dispose]() { console.log('gone'); } }; }\nconsole.log(new C().x);\n";
    let jsx_in_js = TransformOptions { jsx_in_js: true, ..ts() };
    assert_eq!(project.run("b.js", js, &jsx_in_js).trim(), "gone\n3");
}

#[test]
fn class_fields_follow_use_define_for_class_fields() {
    let project = Project::new();
    let text = "class Base { set x(v: number) { console.log('setter', v); } }\nclass Child extends Base { x = 1; y!: number; }\nconst c = new Child();\nconsole.log('y' in c);\n";
    assert_eq!(project.run("assign.ts", text, &ts()).trim(), "setter 1\nfalse");
    let define = TransformOptions { use_define_for_class_fields: true, ..ts() };
    assert_eq!(project.run("define.ts", text, &define).trim(), "true");
    let order = "class Base { static set s(v: string) { console.log('static setter', v); } }\n\
        class A extends Base { b = this.a * 2; static s = 'static'; constructor(public a: number) { super(); } }\n\
        console.log(new A(2).b, Object.hasOwn(A, 's'));\n";
    assert_eq!(
        project.run("order.ts", order, &ts()).trim(),
        "static setter static\n4 false",
        "parameter properties are set before fields; statics are assigned"
    );
    assert_eq!(project.run("order-define.ts", order, &define).trim(), "NaN true", "as esbuild and tsc define them");
}

/// A tiny automatic-runtime package: elements become `<type a=..>children</type>` strings.
fn jsx_runtime_package(project: &Project, name: &str) {
    let runtime = "export const Fragment = 'frag';\n\
        export function jsx(type, props) { const { children, ...rest } = props; const kids = children === undefined ? [] : [].concat(children); \
        if (typeof type === 'function') return type(props); const t = type; \
        return `<${t}${Object.entries(rest).map(([k, v]) => ` ${k}=${v}`).join('')}>${kids.join('')}</${t}>`; }\n\
        export const jsxs = jsx;\nexport function jsxDEV(type, props) { return 'dev:' + jsx(type, props); }\n";
    project.write(&format!("node_modules/{name}/package.json"), &format!(r#"{{ "name": "{name}", "type": "module", "exports": {{ "./jsx-runtime": "./jsx-runtime.js", "./jsx-dev-runtime": "./jsx-runtime.js" }} }}"#));
    project.write(&format!("node_modules/{name}/jsx-runtime.js"), runtime);
}

#[test]
fn jsx_automatic_runtime_uses_the_import_source() {
    let project = Project::new();
    jsx_runtime_package(&project, "tiny-jsx");
    let options =
        TransformOptions { jsx: JsxOptions { import_source: "tiny-jsx".into(), ..JsxOptions::default() }, ..ts() };
    let text = "const Item = ({ label }: { label: string }) => <li>{label}</li>;\nconsole.log(<ul id=\"x\"><Item label=\"a\" /><>b</></ul>);\n";
    assert_eq!(project.run("a.tsx", text, &options).trim(), "<ul id=x><li>a</li><frag>b</frag></ul>");
    let pragma = format!("/** @jsxImportSource tiny-jsx */\n{text}");
    assert_eq!(project.run("pragma.tsx", &pragma, &ts()).trim(), "<ul id=x><li>a</li><frag>b</frag></ul>");
    let dev = TransformOptions { jsx: JsxOptions { development: true, ..options.jsx.clone() }, ..ts() };
    assert!(project.run("dev.tsx", text, &dev).trim().starts_with("dev:"));
}

#[test]
fn jsx_classic_runtime_follows_pragmas_and_options() {
    let project = Project::new();
    let text = "/** @jsxRuntime classic */\n/** @jsx h */\n/** @jsxFrag F */\nconst F = 'F';\nfunction h(t: any, p: any, ...c: any[]) { return `${t}(${c.join(',')})`; }\nconsole.log(<a><b /><>x</></a>);\n";
    assert_eq!(project.run("a.tsx", text, &ts()).trim(), "a(b(),F(x))");
    let classic = TransformOptions {
        jsx: JsxOptions {
            runtime: JsxRuntime::Classic,
            factory: "make".into(),
            fragment: "Frag".into(),
            ..JsxOptions::default()
        },
        jsx_in_js: true,
        ..ts()
    };
    let js = "const Frag = 'Frag';\nfunction make(t, p, ...c) { return `${t}[${c.join(',')}]`; }\nconsole.log(<a><>y</></a>);\n";
    assert_eq!(project.run("b.js", js, &classic).trim(), "a[Frag[y]]");
}

#[test]
fn tsconfig_extends_chain_picks_the_jsx_import_source() {
    let project = Project::new();
    jsx_runtime_package(&project, "my-jsx");
    project.write("configs/base.json", r#"{ "compilerOptions": { "jsx": "react-jsx", "jsxImportSource": "my-jsx" } }"#);
    project.write("tsconfig.json", "{\n  // the project's own\n  \"extends\": \"./configs/base.json\",\n}\n");
    let file = project.path("src/view.tsx");
    let options = Tsconfigs::new().options_for(&file, Target::Node, &JsxOverrides::default());
    assert_eq!(project.run("src/view.tsx", "console.log(<p>hi</p>);\n", &options).trim(), "<p>hi</p>");
}

#[test]
fn jsx_preserve_runs_as_automatic() {
    let project = Project::new();
    jsx_runtime_package(&project, "react");
    let options =
        TransformOptions { jsx: JsxOptions { runtime: JsxRuntime::Preserve, ..JsxOptions::default() }, ..ts() };
    assert_eq!(project.run("a.jsx", "console.log(<i>k</i>);\n", &options).trim(), "<i>k</i>");
}

#[test]
fn the_map_names_the_original_and_node_reports_its_lines() {
    let project = Project::new();
    let text = "interface Shape {\n  sides: number;\n}\n\nenum Kind { A }\n\nexport function fail(shape: Shape): never {\n  const label: string = `sides ${shape.sides}`;\n    throw new Error(label + Kind.A);\n}\nfail({ sides: 3 });\n";
    let (out, result) = project.transform("src/fail.ts", text, &ts());
    let map: serde_json::Value = serde_json::from_str(&result.map).unwrap();
    let original = project.path("src/fail.ts").display().to_string();
    assert_eq!(map["sources"], serde_json::json!([original]));
    assert_eq!(map["sourcesContent"], serde_json::json!([text]));
    let output = Command::new("node").arg("--enable-source-maps").arg(&out).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("{original}:9:11")), "the throw is at 9:11 of the .ts:\n{stderr}");
    assert!(stderr.contains(&format!("{original}:11:1")), "the call is at 11:1:\n{stderr}");
    let shimmed =
        "import { sep } from 'node:path';\n\nconst here: string = __dirname + sep;\n  throw new Error(here);\n";
    let (out, _) = project.transform("src/shimmed.ts", shimmed, &ts());
    let output = Command::new("node").arg("--enable-source-maps").arg(&out).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let original = project.path("src/shimmed.ts").display().to_string();
    assert!(stderr.contains(&format!("{original}:4:9")), "the node shim shifts no position:\n{stderr}");
    let parsed = sourcemap::SourceMap::from_slice(result.map.as_bytes()).unwrap();
    let mapped_lines: std::collections::BTreeSet<u32> = parsed.tokens().map(|t| t.get_src_line() + 1).collect();
    for line in [5, 7, 8, 9, 11] {
        assert!(mapped_lines.contains(&line), "statement line {line} is mapped: {mapped_lines:?}");
    }
}

#[test]
fn the_sources_own_map_comment_is_dropped() {
    let text = "export const a: number = 1;\n//# sourceMappingURL=a.js.map\n";
    let result = transform(Path::new("/tmp/a.ts"), text, &ts()).unwrap();
    assert!(!result.code.contains("sourceMappingURL"), "{}", result.code);
}

#[test]
fn syntax_errors_name_the_file_line_and_column() {
    let project = Project::new();
    let file = project.write("bad.ts", "const a = 1;\nconst b: number = ;\n");
    let err = transform(&file, "const a = 1;\nconst b: number = ;\n", &ts()).unwrap_err();
    match &err {
        TransformError::Syntax { file: named, line, column, message, frame } => {
            assert_eq!(named, &file);
            assert_eq!((*line, *column), (2, 19));
            assert!(!message.is_empty());
            assert!(frame.contains("const b: number = ;"), "{frame}");
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
    assert!(err.to_string().starts_with(&format!("{}:2:19: ", file.display())), "{err}");
}

/// A typical 50-test `.test.ts` file, transformed repeatedly; prints the time per file (run with
/// `cargo test --release -p proctor transform_speed -- --nocapture`).
#[test]
fn transform_speed() {
    let mut text = String::from("import { describe, it, expect } from \"proctor\";\n\ninterface Cart { items: number[]; total(): number }\nenum Size { Small = 1, Large = 2 }\n\n");
    for group in 0..5 {
        text.push_str(&format!("describe(\"group {group}\", () => {{\n"));
        for test in 0..10 {
            text.push_str(&format!(
                "  it(\"adds {test}\", () => {{\n    const cart: Cart = {{ items: [{test}, Size.Large], total() {{ return this.items.reduce((a: number, b: number) => a + b, 0); }} }};\n    expect(cart.total()).toBe({});\n  }});\n",
                test + 2
            ));
        }
        text.push_str("});\n");
    }
    let path = Path::new("/tmp/speed.test.ts");
    let runs = 50;
    let started = std::time::Instant::now();
    for _ in 0..runs {
        transform(path, &text, &ts()).unwrap();
    }
    let each = started.elapsed() / runs;
    println!("transform of a 50-test .test.ts ({} bytes): {each:?} per file", text.len());
}
