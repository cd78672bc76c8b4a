//! End to end: `vi.spyOn` / `jest.spyOn` on an ES module namespace in node (issue 13, the
//! citty case): a spy on a project module's exported function (`export function`, `export
//! const` arrow, `export { local as name }`, a default export, TypeScript or plain JavaScript)
//! is what the test file and the modules importing it call, the module's own calls keep the
//! original (as in Vitest and Jest), `mockRestore` / `vi.restoreAllMocks` put it back, and a
//! spy left in place does not reach the next file, in a fresh realm per file and in one shared
//! realm; a spy through a re-export replaces the declaring module's export, and one on a
//! module `vi.mock` replaced replaces the mock's export; a package's module
//! gives an error saying what can be spied on; stack lines still point at the source. On node
//! 20 and 24, and in Chromium's esm build (with and without isolation).

use proctor_e2e::{Output, Project};

const SPIED: &str = r#"import { test, expect, vi, afterAll } from "vitest";
import * as math from "../src/math.js";
import * as typed from "../src/typed";
import * as barrel from "../src/barrel.js";
import * as pkg from "tinypkg";
import * as anon from "../src/anon.js";
import { total, totalTyped, callDefault } from "../src/user.js";

test("a spy on an exported function reaches the modules importing it", () => {
  const spy = vi.spyOn(math, "add").mockImplementation(() => 100);
  expect(math.add(1, 2)).toBe(100);
  expect(total([1, 2, 3])).toBe(100);
  expect(spy).toHaveBeenCalledTimes(4);
  // The module's own call keeps the original, as in Vitest and Jest.
  expect(math.double(4)).toBe(8);
  spy.mockRestore();
  expect(total([1, 2, 3])).toBe(6);
  expect(math.add(1, 2)).toBe(3);
});

test("an export const arrow, a renamed export and a default export", () => {
  vi.spyOn(math, "sub").mockReturnValue(-1);
  vi.spyOn(math, "renamed").mockReturnValue("spied");
  vi.spyOn(math, "default").mockReturnValue("spied default");
  expect(math.sub(5, 1)).toBe(-1);
  expect(math.renamed()).toBe("spied");
  expect(callDefault()).toBe("spied default");
  vi.restoreAllMocks();
  expect(math.sub(5, 1)).toBe(4);
  expect(math.renamed()).toBe("hidden");
  expect(callDefault()).toBe("default");
});

test("an anonymous default export keeps its name and can be spied on", () => {
  expect(anon.default.name).toBe("default");
  vi.spyOn(anon, "default").mockReturnValue("spied");
  expect(anon.default()).toBe("spied");
  vi.restoreAllMocks();
  expect(anon.default()).toBe("anon");
});

test("a TypeScript module, jest.spyOn calling through", () => {
  const spy = jest.spyOn(typed, "scale");
  expect(totalTyped(2)).toBe(20);
  expect(spy).toHaveBeenCalledWith(2, 10);
  spy.mockRestore();
});

test("a spy through a re-export replaces the declaring module's export", () => {
  const spy = vi.spyOn(barrel, "add").mockReturnValue(7);
  expect(barrel.add(1, 1)).toBe(7);
  expect(math.add).toBe(spy);
  expect(total([1])).toBe(7);
  spy.mockRestore();
  expect(barrel.add(1, 1)).toBe(2);
});

test("a package's module cannot be replaced, and says so", () => {
  expect(() => vi.spyOn(pkg, "value")).toThrow(/not one of a package's modules/);
});

test("a failure inside a spied module still names its line", () => {
  vi.spyOn(math, "add").mockImplementation(() => 0);
  math.explode();
});

afterAll(() => {
  // Left in place: the file's end restores it, and the next file must not see it.
  vi.spyOn(math, "add").mockReturnValue(-5);
});
"#;

const NEXT: &str = r#"import { test, expect } from "vitest";
import * as math from "../src/math.js";
import { total } from "../src/user.js";

test("the previous file's spies are gone", () => {
  expect(jest.isMockFunction(math.add)).toBe(false);
  expect(math.add(2, 2)).toBe(4);
  expect(total([1, 1])).toBe(2);
});
"#;

const MOCKED: &str = r#"import { test, expect, vi } from "vitest";
import * as mocked from "../src/greet.js";
import { greetAll } from "../src/greeter.js";
vi.mock("../src/greet.js", () => ({ greet: () => "mocked" }));

test("a spy on an export of a module vi.mock replaced", () => {
  const spy = vi.spyOn(mocked, "greet").mockReturnValue("spied");
  expect(greetAll()).toBe("spied");
  spy.mockRestore();
  expect(greetAll()).toBe("mocked");
});
"#;

fn project(isolate: Option<bool>) -> Project {
    let project = Project::empty();
    let isolate = isolate.map(|on| format!("isolate = {on}\n")).unwrap_or_default();
    project
        .write(
            "proctor.toml",
            &format!("[[suite]]\nid = \"unit\"\nruntime = \"node\"\ntests = [\"test/*.test.js\"]\n{isolate}"),
        )
        .write("package.json", "{ \"type\": \"module\" }\n")
        .write(
            "src/math.js",
            "export function add(a, b) {\n  return a + b;\n}\nexport const sub = (a, b) => a - b;\n\
             export function double(x) {\n  return add(x, x);\n}\nconst hidden = () => \"hidden\";\n\
             export { hidden as renamed };\nexport default function named() {\n  return \"default\";\n}\n\
             export function explode() {\n  if (add(1, 1) === 2) {\n    throw new Error(\"exploded\");\n  }\n}\n",
        )
        .write("src/typed.ts", "export function scale(x: number, by: number): number {\n  return x * by;\n}\n")
        .write("src/anon.js", "export default () => \"anon\";\n")
        .write("src/barrel.js", "export { add } from \"./math.js\";\n")
        .write(
            "src/user.js",
            "import named, { add } from \"./math.js\";\nimport { scale } from \"./typed\";\n\
             export const total = (xs) => xs.reduce((sum, x) => add(sum, x), 0);\n\
             export const totalTyped = (x) => scale(x, 10);\nexport const callDefault = () => named();\n",
        )
        .write(
            "node_modules/tinypkg/package.json",
            "{ \"name\": \"tinypkg\", \"type\": \"module\", \"main\": \"index.js\" }\n",
        )
        .write("node_modules/tinypkg/index.js", "export function value() {\n  return 1;\n}\n")
        .write("test/a.test.js", SPIED)
        .write("test/b.test.js", NEXT)
        .write("src/greet.js", "export const greet = () => \"real\";\n")
        .write("src/greeter.js", "import { greet } from \"./greet.js\";\nexport const greetAll = () => greet();\n")
        .write("test/c.test.js", MOCKED);
    project
}

fn assert_spies(out: &Output) {
    out.assert_code(1);
    let outcomes = out.outcomes();
    let expected = [
        ("test/a.test.js::a spy on an exported function reaches the modules importing it", "passed"),
        ("test/a.test.js::an export const arrow, a renamed export and a default export", "passed"),
        ("test/a.test.js::an anonymous default export keeps its name and can be spied on", "passed"),
        ("test/a.test.js::a TypeScript module, jest.spyOn calling through", "passed"),
        ("test/a.test.js::a spy through a re-export replaces the declaring module's export", "passed"),
        ("test/a.test.js::a package's module cannot be replaced, and says so", "passed"),
        ("test/a.test.js::a failure inside a spied module still names its line", "failed"),
        ("test/b.test.js::the previous file's spies are gone", "passed"),
        ("test/c.test.js::a spy on an export of a module vi.mock replaced", "passed"),
    ];
    for (id, outcome) in expected {
        assert_eq!(outcomes.get(id).map(String::as_str), Some(outcome), "{id}: {outcomes:?}\n{}", out.stderr);
    }
    assert_eq!(outcomes.len(), expected.len(), "{outcomes:?}");
    let failed = out.finished("test/a.test.js::a failure inside a spied module still names its line");
    assert_eq!(failed["error"]["message"].as_str(), Some("exploded"), "{failed}");
    let stack = failed["error"]["stack"].as_str().unwrap_or_default();
    assert!(stack.contains("src/math.js:15:11"), "the throw's own line and column: {stack}");
}

#[test]
fn spies_on_module_namespaces_work_in_node_and_stay_in_their_file() {
    assert_spies(&project(None).run(&["run", "--reporter", "json"]));
}

#[test]
fn spies_on_module_namespaces_stay_in_their_file_without_isolation() {
    assert_spies(&project(Some(false)).run(&["run", "--reporter", "json"]));
}

#[test]
fn spies_on_module_namespaces_work_in_node_24() {
    // node 24 loads through module.registerHooks (the mock module's source too).
    let Some(node) = proctor_e2e::downloads::node24() else { return };
    let out = project(None).run_on_node(&node, &["run", "--reporter", "json"], &[]);
    assert_spies(&out);
    let started = out.events_of("runtime-started");
    assert!(started[0]["runtime"]["version"].as_str().is_some_and(|v| v.starts_with("v24.")), "{started:?}");
}

#[test]
fn in_chromium_spies_on_module_namespaces_reach_importers_and_stay_in_their_file() {
    let _lock = proctor_e2e::browser_lock();
    let project = Project::empty();
    project
        .write(
            "proctor.toml",
            "[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\nbuild = \"esm\"\ntests = [\"test/*.test.js\"]\n",
        )
        .write("package.json", "{ \"type\": \"module\" }\n")
        .write(
            "src/math.js",
            "export function add(a, b) {\n  return a + b;\n}\nexport const double = (x) => add(x, x);\n",
        )
        .write("src/typed.ts", "export function scale(x: number): number {\n  return x * 2;\n}\n")
        .write(
            "src/user.js",
            "import { add } from \"./math.js\";\nimport { scale } from \"./typed\";\n\
             export const sum = (a, b) => add(a, b);\nexport const scaled = (x) => scale(x);\n",
        )
        .write(
            "test/a.test.js",
            r#"import { test, expect, vi } from "vitest";
import * as math from "../src/math.js";
import * as typed from "../src/typed";
import { sum, scaled } from "../src/user.js";

test("a spy on a module's export reaches its importers in the page", () => {
  const spy = vi.spyOn(math, "add").mockReturnValue(0);
  expect(sum(1, 2)).toBe(0);
  expect(math.double(2)).toBe(4);
  vi.spyOn(typed, "scale").mockReturnValue(-1);
  expect(scaled(3)).toBe(-1);
  spy.mockRestore();
  expect(sum(1, 2)).toBe(3);
  // Left in place: the file's end restores it.
});
"#,
        )
        .write(
            "test/b.test.js",
            r#"import { test, expect } from "vitest";
import { scaled } from "../src/user.js";

test("the previous file's spies are gone", () => {
  expect(scaled(3)).toBe(6);
});
"#,
        );
    for isolate in ["", "--no-isolate"] {
        let args: Vec<&str> = ["run", "--reporter", "json", isolate].into_iter().filter(|a| !a.is_empty()).collect();
        let out = project.run(&args);
        out.assert_code(0);
        let outcomes = out.outcomes();
        for id in [
            "test/a.test.js::a spy on a module's export reaches its importers in the page",
            "test/b.test.js::the previous file's spies are gone",
        ] {
            assert_eq!(
                outcomes.get(id).map(String::as_str),
                Some("passed"),
                "{isolate} {id}: {outcomes:?}\n{}",
                out.stderr
            );
        }
    }
}
