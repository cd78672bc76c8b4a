//! End to end: a fresh realm per test file (Jest's and Vitest's default). A file that pollutes
//! globals, built-in prototypes, `process.env`, the DOM, timers, listeners and module state runs
//! first; the file after it must see none of it, in node and in Chromium — and with
//! `isolate = false` (or `--no-isolate`) it sees all of it, as one shared realm.

use proctor_e2e::{browser_lock, Project};

/// The first file: changes everything a later file could trip over.
const POLLUTER: &str = r#"import { it, expect } from "proctor";
import { bump } from "../src/counter.js";

globalThis.leaked = "from a";
Array.prototype.polluted = true;
Date.now = () => 0;
setInterval(() => { globalThis.intervalFired = true; }, 5);

it("a pollutes", () => {
  expect(bump()).toBe(1);
  if (typeof process !== "undefined") process.env.FROM_A = "a";
  if (typeof document !== "undefined") {
    const div = document.createElement("div");
    div.id = "left-behind";
    document.body.appendChild(div);
    document.title = "changed by a";
    document.body.setAttribute("data-a", "1");
    Object.defineProperty(document, "defaultView", { value: null, configurable: true });
    window.addEventListener("message", () => { globalThis.listenerRan = true; });
  }
});
"#;

/// The second file: one assertion per kind of leak, so a failure names what leaked.
const VICTIM: &str = r#"import { it, expect } from "proctor";
import { bump } from "../src/counter.js";

it("globals", () => { expect(globalThis.leaked).toBeUndefined(); });
it("prototypes", () => { expect([].polluted).toBeUndefined(); });
it("builtins", () => { expect(Date.now()).toBeGreaterThan(0); });
it("module instances", () => { expect(bump()).toBe(1); });
it("timers", async () => {
  globalThis.intervalFired = false;
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(globalThis.intervalFired).toBe(false);
});
it("environment", () => {
  if (typeof process !== "undefined" && process.env) expect(process.env.FROM_A).toBeUndefined();
  if (typeof document !== "undefined") {
    expect(document.getElementById("left-behind")).toBeNull();
    expect(document.body.hasAttribute("data-a")).toBe(false);
    expect(document.title).not.toBe("changed by a");
    expect(document.defaultView).toBe(window);
    window.postMessage("hi", "*");
  }
});
it("listeners", async () => {
  if (typeof window === "undefined") return;
  globalThis.listenerRan = false;
  window.postMessage("again", "*");
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(globalThis.listenerRan).toBe(false);
});
"#;

const VICTIM_TESTS: [&str; 7] =
    ["globals", "prototypes", "builtins", "module instances", "timers", "environment", "listeners"];

fn project(runtime: &str, isolate: Option<bool>) -> Project {
    let project = Project::empty();
    let isolate = isolate.map(|on| format!("isolate = {on}\n")).unwrap_or_default();
    project
        .write(
            "proctor.toml",
            &format!("[[suite]]\nid = \"unit\"\nruntime = \"{runtime}\"\ntests = [\"test/*.test.js\"]\n{isolate}"),
        )
        .write("package.json", "{ \"type\": \"module\" }\n")
        .write("src/counter.js", "let count = 0;\nexport function bump() {\n  return ++count;\n}\n")
        .write("test/a.test.js", POLLUTER)
        .write("test/b.test.js", VICTIM);
    project
}

fn expected(victim: &str) -> std::collections::BTreeMap<String, String> {
    let mut pairs = vec![("test/a.test.js::a pollutes".to_string(), "passed".to_string())];
    for name in VICTIM_TESTS {
        pairs.push((format!("test/b.test.js::{name}"), victim.to_string()));
    }
    pairs.into_iter().collect()
}

#[test]
fn node_gives_each_file_a_fresh_realm() {
    let out = project("node", None).run(&["run", "--reporter", "json"]);
    out.assert_code(0);
    assert_eq!(out.outcomes(), expected("passed"), "{}", out.stdout);
}

#[test]
fn node_shares_one_realm_without_isolation() {
    let project = project("node", Some(false));
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    let outcomes = out.outcomes();
    for leaked in ["globals", "prototypes", "builtins", "module instances", "environment"] {
        assert_eq!(outcomes[&format!("test/b.test.js::{leaked}")], "failed", "{leaked} leaks when shared");
    }
    // The flag does the same to a suite that isolates by default.
    let flagged = self::project("node", None).run(&["run", "--no-isolate", "--reporter", "json"]);
    assert_eq!(flagged.outcomes()["test/b.test.js::globals"], "failed", "{}", flagged.stdout);
}

#[test]
fn chromium_gives_each_file_a_fresh_realm() {
    let _lock = browser_lock();
    let out = project("chromium", None).run(&["run", "--reporter", "json"]);
    out.assert_code(0);
    assert_eq!(out.outcomes(), expected("passed"), "{}", out.stdout);
}

#[test]
fn chromium_shares_one_realm_without_isolation() {
    let _lock = browser_lock();
    let out = project("chromium", Some(false)).run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    let outcomes = out.outcomes();
    for leaked in ["globals", "prototypes", "environment", "module instances"] {
        assert_eq!(outcomes[&format!("test/b.test.js::{leaked}")], "failed", "{leaked} leaks when shared");
    }
}

#[test]
fn a_hung_file_is_recovered_and_the_next_file_still_runs_fresh() {
    let project = project("node", None);
    project.write(
        "test/a.test.js",
        "import { it } from \"proctor\";\nglobalThis.leaked = 1;\nit(\"spins\", { timeout: 300 }, () => { for (;;) {} });\nit(\"after the spin\", () => {});\n",
    );
    project.write(
        "test/c.test.js",
        "import { it, expect } from \"proctor\";\nit(\"clean\", () => { expect(globalThis.leaked).toBeUndefined(); });\n",
    );
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    let outcomes = out.outcomes();
    assert_eq!(outcomes["test/a.test.js::spins"], "timed-out", "{}", out.stdout);
    assert_eq!(outcomes["test/a.test.js::after the spin"], "passed");
    assert_eq!(outcomes["test/c.test.js::clean"], "passed");
    assert_eq!(
        outcomes.iter().filter(|(id, _)| id.starts_with("test/b.test.js")).count(),
        VICTIM_TESTS.len(),
        "every test of the file after a restart is reported"
    );
}

/// The next file's `load` goes out with a file's last `run-test` (behind its `finish`): when
/// that last test hangs or takes the runtime down, the restarted runtime never got them, and
/// the next file must still be loaded, fresh, and every result blamed where it belongs.
#[test]
fn a_file_whose_last_test_hangs_or_crashes_is_blamed_and_the_next_file_still_runs_fresh() {
    let project = project("node", None);
    project.write(
        "test/a.test.js",
        "import { it } from \"proctor\";\nglobalThis.leaked = 1;\nit(\"first\", () => {});\nit(\"spins last\", { timeout: 300 }, () => { for (;;) {} });\n",
    );
    project.write(
        "test/c.test.js",
        "import { it } from \"proctor\";\nglobalThis.leaked = 2;\nit(\"first\", () => {});\nit(\"exits last\", () => { process.exit(3); });\n",
    );
    project.write(
        "test/d.test.js",
        "import { it, expect } from \"proctor\";\nit(\"clean\", () => { expect(globalThis.leaked).toBeUndefined(); });\n",
    );
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    let mut expected = expected("passed");
    for (id, outcome) in [
        ("test/a.test.js::first", "passed"),
        ("test/a.test.js::spins last", "timed-out"),
        ("test/c.test.js::first", "passed"),
        ("test/c.test.js::exits last", "crashed"),
        ("test/d.test.js::clean", "passed"),
    ] {
        expected.insert(id.to_string(), outcome.to_string());
    }
    expected.remove("test/a.test.js::a pollutes");
    assert_eq!(out.outcomes(), expected, "{}", out.stdout);
}

/// A package of each kind that keeps state from its first evaluation: a CommonJS one reached
/// through a re-export (`module.exports = require("./impl")`, as React's entry is) and an ES
/// module one; beside them the real Testing Library, whose `screen` captures the `document.body`
/// it was loaded with and whose auto-cleanup is an `afterEach` registered at load.
fn package_project(deps: &std::path::Path, isolate: Option<bool>) -> Project {
    let project = Project::empty();
    let isolate = isolate.map(|on| format!("isolate = {on}\n")).unwrap_or_default();
    project
        .write(
            "proctor.toml",
            &format!(
                "[[suite]]\nid = \"unit\"\nruntime = \"node\"\nenvironment = \"jsdom\"\ntests = [\"test/*.test.jsx\"]\n{isolate}"
            ),
        )
        .write("package.json", "{ \"type\": \"module\" }\n")
        .write("node_modules/cjs-counter/package.json", "{ \"name\": \"cjs-counter\", \"main\": \"index.js\" }\n")
        .write("node_modules/cjs-counter/index.js", "module.exports = require(\"./impl.js\");\n")
        .write("node_modules/cjs-counter/impl.js", "let count = 0;\nexports.bump = () => ++count;\n")
        .write(
            "node_modules/esm-counter/package.json",
            "{ \"name\": \"esm-counter\", \"type\": \"module\", \"exports\": \"./index.js\" }\n",
        )
        .write("node_modules/esm-counter/index.js", "let count = 0;\nexport const bump = () => ++count;\n");
    for package in ["jsdom", "react", "react-dom", "@testing-library/react", "@testing-library/dom"] {
        let link = project.path().join("node_modules").join(package);
        std::fs::create_dir_all(link.parent().expect("a parent")).expect("node_modules");
        #[cfg(unix)]
        std::os::unix::fs::symlink(deps.join("node_modules").join(package), &link).expect("link a package");
    }
    for file in ["a", "b"] {
        project.write(
            &format!("test/{file}.test.jsx"),
            "import { it, expect, afterEach } from \"proctor\";\nimport { bump } from \"cjs-counter\";\n\
             import * as esm from \"esm-counter\";\nimport { render, screen, cleanup } from \"@testing-library/react\";\n\
             it(\"packages start afresh\", () => { expect(bump()).toBe(1); expect(esm.bump()).toBe(1); });\n\
             it(\"screen sees this file's document\", () => {\n  render(<p>hello</p>);\n  expect(screen.getByText(\"hello\").tagName).toBe(\"P\");\n});\n\
             it(\"auto-cleanup ran\", () => { expect(document.body.textContent).toBe(\"\"); });\n",
        );
    }
    project
}

/// r13: packages are fresh per file too, as in Jest (a module registry per file) and Vitest (a
/// worker per file): Testing Library's `screen` and auto-cleanup follow each file's window.
#[test]
fn node_gives_each_file_fresh_package_instances() {
    let Some(deps) = proctor_e2e::downloads::npm_packages(
        "react-testing",
        &["jsdom@26", "react@19", "react-dom@19", "@testing-library/react@16", "@testing-library/dom@10"],
    ) else {
        return;
    };
    let out = package_project(&deps, None).run(&["run", "--reporter", "json"]);
    out.assert_code(0);
    let expected: std::collections::BTreeMap<String, String> = ["a", "b"]
        .iter()
        .flat_map(|f| {
            ["packages start afresh", "screen sees this file's document", "auto-cleanup ran"]
                .map(|t| (format!("test/{f}.test.jsx::{t}"), "passed".to_string()))
        })
        .collect();
    assert_eq!(out.outcomes(), expected, "{}", out.stdout);

    let out = package_project(&deps, Some(false)).run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.outcomes()["test/b.test.jsx::packages start afresh"],
        "failed",
        "one realm shares them: {}",
        out.stdout
    );
}

/// Two test files that each import a project module and require helpers that reach it (a
/// CommonJS helper requiring it, and luxon's Babel-style `helpers.js`, ES imports beside
/// `exports.x =`): an ES module, a CommonJS one, a TypeScript one, and an ES module required
/// before it is imported. In the project's CommonJS scope, as luxon's is.
fn imported_and_required_project(isolate: Option<bool>) -> Project {
    let project = Project::empty();
    let isolate = isolate.map(|on| format!("isolate = {on}\n")).unwrap_or_default();
    let test_file = r#"import { bump, settings } from "../src/state";
import { bump as bumpCommonJs } from "../src/cstate.cjs";
import { bumpTyped } from "../src/typed";
const helper = require("./helper");
const helpers = require("./helpers");

test("fresh instances", () => {
  expect(bump()).toBe(1);
  expect(bumpCommonJs()).toBe(1);
});
test("an ES module required by a helper is the imported one", () => {
  const before = bump();
  expect(helper.bump()).toBe(before + 1);
  expect(helper.settings).toBe(settings);
});
test("a CommonJS module imported and required is one", () => {
  const before = bumpCommonJs();
  expect(helper.bumpCommonJs()).toBe(before + 1);
});
test("a required Babel-style helper imports the same instance", () => {
  const before = bump();
  expect(helpers.bumpMixed()).toBe(before + 1);
});
test("a TypeScript module imported and required is one", () => {
  const before = bumpTyped();
  expect(helper.bumpTyped()).toBe(before + 1);
});
"#;
    project
        .write(
            "proctor.toml",
            &format!("[[suite]]\nid = \"unit\"\nruntime = \"node\"\ntests = [\"test/*.test.js\"]\n{isolate}"),
        )
        .write("src/state.js", "let count = 0;\nexport function bump() { return ++count; }\nexport const settings = {};\n")
        .write("src/cstate.cjs", "let count = 0;\nexports.bump = () => ++count;\n")
        .write("src/other.js", "export const real = () => \"real\";\n")
        .write("src/typed.ts", "let count: number = 0;\nexport const bumpTyped = (): number => ++count;\n")
        .write(
            "test/helper.js",
            "const state = require(\"../src/state\");\nconst cstate = require(\"../src/cstate.cjs\");\n\
             exports.bump = () => state.bump();\nexports.settings = state.settings;\nexports.bumpCommonJs = () => cstate.bump();\n\
             const typed = require(\"../src/typed\");\nexports.bumpTyped = () => typed.bumpTyped();\n",
        )
        .write("test/helpers.js", "import { bump } from \"../src/state\";\nexports.bumpMixed = () => bump();\n")
        .write("test/a.test.js", test_file)
        .write("test/b.test.js", test_file);
    project
}

const IMPORTED_AND_REQUIRED_TESTS: [&str; 5] = [
    "fresh instances",
    "an ES module required by a helper is the imported one",
    "a CommonJS module imported and required is one",
    "a required Babel-style helper imports the same instance",
    "a TypeScript module imported and required is one",
];

/// r13 (luxon, dayjs): a project file reached through `import` and through `require` is one
/// instance per test file, as in Jest (one registry) and Vitest (one module graph), in either
/// order, in a file that mocks too, and the next file gets new ones.
#[test]
fn node_a_module_imported_and_required_is_one_instance_per_file() {
    imported_and_required_case(None);
}

/// r13: the same on node 24, whose module.registerHooks leaves `require` of an ES module to
/// node's own loader (node 22.14 is the in-thread wrapper the node on PATH also gets).
#[test]
fn node_a_module_imported_and_required_is_one_instance_per_file_on_node_24_and_22_14() {
    for node in
        [proctor_e2e::downloads::node24(), proctor_e2e::downloads::node_release("22.14.0")].into_iter().flatten()
    {
        imported_and_required_case(Some(&node));
    }
}

/// Runs the case on the node on PATH, or on `node`.
fn imported_and_required_case(node: Option<&std::path::Path>) {
    let project = imported_and_required_project(None);
    project
        .write(
            "test/c.test.js",
            r#"import { bump } from "../src/state";
import { real } from "../src/other";
vi.mock("../src/other", () => ({ real: () => "mocked" }));
const helper = require("./helper");
test("in a file that mocks", () => {
  expect(real()).toBe("mocked");
  expect(bump()).toBe(1);
  expect(helper.bump()).toBe(2);
});
"#,
        )
        .write(
            "test/d.test.js",
            r#"const helper = require("./helper");
test("required first, imported later", async () => {
  expect(helper.bump()).toBe(1);
  const state = await import("../src/state");
  expect(state.bump()).toBe(2);
  expect(state.settings).toBe(helper.settings);
});
"#,
        );
    let args = ["run", "--reporter", "json"];
    let out = match node {
        Some(node) => project.run_on_node(node, &args, &[]),
        None => project.run(&args),
    };
    let mut expected: std::collections::BTreeMap<String, String> = ["a", "b"]
        .iter()
        .flat_map(|f| IMPORTED_AND_REQUIRED_TESTS.map(|t| (format!("test/{f}.test.js::{t}"), "passed".to_string())))
        .collect();
    expected.insert("test/c.test.js::in a file that mocks".into(), "passed".into());
    expected.insert("test/d.test.js::required first, imported later".into(), "passed".into());
    assert_eq!(out.outcomes(), expected, "{}\n{}", out.stdout, out.stderr);
    out.assert_code(0);
}

/// Issue 13: an ES module a test file first reaches through `require` (directly, or from a
/// CommonJS helper) imports the file's `vi.mock`/`jest.mock` mocks, as the file's own imports
/// do, on node 20, 22.14 (node's loader wrapped in-thread), 22.15, the newest 22 and 24
/// (module.registerHooks, where `require` of an ES module goes past the hooks); a later dynamic
/// import of it in that file is the same instance; the next file gets the real module. The test
/// files are CommonJS (one `jest`, one `vi`) and an ES module.
#[test]
fn node_an_es_module_first_required_sees_the_files_mocks_on_every_node() {
    let project = Project::empty();
    project
        .write("proctor.toml", "[[suite]]\nid = \"unit\"\nruntime = \"node\"\ntests = [\"test/*.test.*\"]\n")
        .write("src/dep.js", "export const source = () => \"real\";\n")
        .write("src/service.js", "import { source } from \"./dep\";\nexport const serve = () => source();\n")
        .write("src/other.js", "import { source } from \"./dep\";\nexport const serve = () => source();\n")
        .write("src/wrap.cjs", "const other = require(\"./other.js\");\nexports.serve = () => other.serve();\n")
        .write("src/cdep.cjs", "exports.source = () => \"real\";\n")
        .write("src/cuser.cjs", "const cdep = require(\"./cdep.cjs\");\nexports.serve = () => cdep.source();\n")
        .write(
            "test/a.test.cjs",
            r#"jest.mock("../src/dep", () => ({ source: () => "mocked" }));
jest.mock("../src/cdep.cjs", () => ({ source: () => "mocked" }));
const service = require("../src/service");
const wrap = require("../src/wrap.cjs");
const cuser = require("../src/cuser.cjs");
test("required directly", () => { expect(service.serve()).toBe("mocked"); });
test("required from a CommonJS helper", () => { expect(wrap.serve()).toBe("mocked"); });
test("a CommonJS mock through a CommonJS helper", () => { expect(cuser.serve()).toBe("mocked"); });
test("imported later: the same instance", async () => {
  expect(await import("../src/service.js")).toMatchObject({ serve: service.serve });
});
"#,
        )
        .write(
            "test/b.test.cjs",
            r#"const service = require("../src/service");
const wrap = require("../src/wrap.cjs");
test("the next file gets the real module", () => {
  expect(service.serve()).toBe("real");
  expect(wrap.serve()).toBe("real");
});
"#,
        )
        .write(
            "test/c.test.mjs",
            r#"import { createRequire } from "node:module";
vi.mock("../src/dep", () => ({ source: () => "mocked by c" }));
const require = createRequire(import.meta.url);
const service = require("../src/service.js");
const wrap = require("../src/wrap.cjs");
test("an ES test file's require", () => {
  expect(service.serve()).toBe("mocked by c");
  expect(wrap.serve()).toBe("mocked by c");
});
"#,
        );
    let ids = [
        "test/a.test.cjs::required directly",
        "test/a.test.cjs::required from a CommonJS helper",
        "test/a.test.cjs::a CommonJS mock through a CommonJS helper",
        "test/a.test.cjs::imported later: the same instance",
        "test/b.test.cjs::the next file gets the real module",
        "test/c.test.mjs::an ES test file's require",
    ];
    let nodes = [
        proctor_e2e::downloads::node24(),
        proctor_e2e::downloads::node_release("22.14.0"),
        proctor_e2e::downloads::node_release("22.15.0"),
        proctor_e2e::downloads::node_release("22"),
    ];
    assert_all_pass(&project, &ids, &nodes);
}

/// Runs `project` on the node on PATH and on each of `nodes` that could be fetched: every test
/// in `ids` passes, and nothing else runs.
fn assert_all_pass(project: &Project, ids: &[&str], nodes: &[Option<std::path::PathBuf>]) {
    let expected: std::collections::BTreeMap<String, String> =
        ids.iter().map(|id| (id.to_string(), "passed".to_string())).collect();
    let args = ["run", "--reporter", "json"];
    let out = project.run(&args);
    assert_eq!(out.outcomes(), expected, "node on PATH\n{}\n{}", out.stdout, out.stderr);
    out.assert_code(0);
    for node in nodes.iter().flatten() {
        let out = project.run_on_node(node, &args, &[]);
        assert_eq!(out.outcomes(), expected, "{}\n{}\n{}", node.display(), out.stdout, out.stderr);
        out.assert_code(0);
    }
}

/// Issue 13: with one shared realm the files load together, and node's `require` of an ES module
/// that another file's `import` has begun fails ("not yet fully loaded"); the files that
/// `require`, or import a helper that does, load first, one at a time, so every kind of file
/// gets the one instance. On the node on PATH and node 24.
#[test]
fn node_a_shared_realm_loads_the_files_that_require_before_the_others() {
    let project = Project::empty();
    project
        .write(
            "proctor.toml",
            "[[suite]]\nid = \"unit\"\nruntime = \"node\"\ntests = [\"test/*.test.*\"]\nisolate = false\n",
        )
        .write("src/dep.js", "export const base = 1;\n")
        .write("src/counter.js", "import { base } from \"./dep.js\";\nlet count = 0;\nexport const bump = () => base + count++;\n")
        .write(
            "test/a.test.mjs",
            "import { bump } from \"../src/counter.js\";\nimport { seen } from \"./seen.mjs\";\n\
             import { late } from \"../src/late.js\";\n\
             test(\"an importing file\", () => { seen.push(bump()); expect(seen.length).toBe(1); expect(late).toBe(1); });\n",
        )
        .write("test/seen.mjs", "export const seen = [];\n")
        .write(
            "test/b.test.cjs",
            "const { bump } = require(\"../src/counter.js\");\n\
             test(\"a CommonJS file that requires it\", async () => {\n\
             const { seen } = await import(\"./seen.mjs\");\n  seen.push(bump());\n  expect(seen).toEqual([1, 2]);\n});\n",
        )
        .write(
            "test/c.test.js",
            "import { seen } from \"./seen.mjs\";\nconst { bump } = require(\"../src/counter.js\");\n\
             test(\"an ES module file that requires it\", () => { seen.push(bump()); expect(seen).toEqual([1, 2, 3]); });\n",
        )
        .write("src/late.js", "import { base } from \"./dep.js\";\nexport const late = base;\n")
        .write(
            "test/helper.cjs",
            "const { bump } = require(\"../src/counter.js\");\nconst { late } = require(\"../src/late.js\");\n\
             exports.bump = () => bump() + late - 1;\n",
        )
        .write(
            "test/d.test.mjs",
            "import { seen } from \"./seen.mjs\";\nimport { bump } from \"./helper.cjs\";\n\
             test(\"a file whose helper requires it\", () => { seen.push(bump()); expect(seen).toEqual([1, 2, 3, 4]); });\n",
        );
    let ids = [
        "test/a.test.mjs::an importing file",
        "test/b.test.cjs::a CommonJS file that requires it",
        "test/c.test.js::an ES module file that requires it",
        "test/d.test.mjs::a file whose helper requires it",
    ];
    assert_all_pass(&project, &ids, &[proctor_e2e::downloads::node24()]);
}

/// r13: with one shared realm the instance is shared by every file, still one for `import` and
/// `require`.
#[test]
fn node_a_module_imported_and_required_is_one_instance_in_a_shared_realm() {
    let out = imported_and_required_project(Some(false)).run(&["run", "--reporter", "json"]);
    let mut expected: std::collections::BTreeMap<String, String> = ["a", "b"]
        .iter()
        .flat_map(|f| IMPORTED_AND_REQUIRED_TESTS.map(|t| (format!("test/{f}.test.js::{t}"), "passed".to_string())))
        .collect();
    expected.insert("test/b.test.js::fresh instances".into(), "failed".into());
    assert_eq!(out.outcomes(), expected, "{}\n{}", out.stdout, out.stderr);
}
