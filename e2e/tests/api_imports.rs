//! End to end: suites written for Vitest and Jest run with their imports as they are (issue 14,
//! point 1). `vitest`, `vitest/globals`, `@jest/globals` and `@vitest/expect` are proctor's
//! controller inside a run, for `import` and `require`, in node and in Chromium (esm and esbuild
//! builds), whether or not those packages are installed: a `vitest` in node_modules that throws
//! when loaded proves it is never the one used. `@testing-library/jest-dom/vitest`, which imports `expect` from `vitest`
//! itself, extends proctor's `expect` from a real install.

use proctor_e2e::downloads::{dom_environments, link_node_modules};
use proctor_e2e::{browser_lock, model, Output, Project};
use std::collections::BTreeMap;

/// Every test file, each importing the API by another name.
const FILES: &[(&str, &str)] = &[
    (
        "test/vitest.test.js",
        "import { describe, it, test, expect, vi, beforeEach } from \"vitest\";\n\n\
         let calls = 0;\n\
         beforeEach(() => { calls += 1; });\n\
         describe(\"vitest\", () => {\n  \
         it(\"expects and mocks\", () => {\n    const fn = vi.fn(() => 2);\n    expect(fn()).toBe(2);\n    expect(fn).toHaveBeenCalledTimes(1);\n  });\n  \
         test(\"runs its hooks\", () => expect(calls).toBe(2));\n});\n",
    ),
    (
        "test/jest.test.js",
        "import { describe, it, expect, jest, beforeAll } from \"@jest/globals\";\n\n\
         let ready = false;\n\
         beforeAll(() => { ready = true; });\n\
         describe(\"jest\", () => {\n  \
         it(\"expects and mocks\", () => {\n    const fn = jest.fn();\n    fn(1);\n    expect(fn).toHaveBeenCalledWith(1);\n    expect(ready).toBe(true);\n  });\n});\n",
    ),
    (
        "test/expect.test.ts",
        "import { expect } from \"@vitest/expect\";\nimport { it } from \"vitest\";\nimport \"vitest/globals\";\n\n\
         it(\"is the one expect\", () => {\n  const n: number = 1;\n  expect(n + 1).toEqual(2);\n  \
         expect(expect).toBe((globalThis as any).expect);\n});\n",
    ),
    (
        "test/require.test.cjs",
        "const { it, expect } = require(\"vitest\");\nconst globals = require(\"@jest/globals\");\n\n\
         it(\"requires\", () => expect(globals.expect).toBe(expect));\n",
    ),
];

/// A `vitest` package that must never load.
const TRAP: &[(&str, &str)] = &[
    (
        "node_modules/vitest/package.json",
        r#"{ "name": "vitest", "type": "module", "exports": { ".": "./index.js", "./globals": "./index.js" } }"#,
    ),
    ("node_modules/vitest/index.js", "throw new Error(\"the installed vitest was loaded\");\n"),
];

fn all_pass() -> BTreeMap<String, String> {
    model(&[
        ("test/vitest.test.js::vitest::expects and mocks", "passed"),
        ("test/vitest.test.js::vitest::runs its hooks", "passed"),
        ("test/jest.test.js::jest::expects and mocks", "passed"),
        ("test/expect.test.ts::is the one expect", "passed"),
        ("test/require.test.cjs::requires", "passed"),
    ])
}

fn failures(out: &Output) -> String {
    format!("{}\n{}", out.stdout, out.stderr)
}

fn project(config: &str, installed: bool) -> Project {
    let project = Project::empty();
    project.write("proctor.toml", config);
    for (path, text) in FILES {
        project.write(path, text);
    }
    if installed {
        for (path, text) in TRAP {
            project.write(path, text);
        }
    }
    project
}

#[test]
fn vitest_and_jest_imports_run_in_node_whether_or_not_installed() {
    for installed in [false, true] {
        let project = project("[[suite]]\nid = \"unit\"\n", installed);
        for flags in [&[][..], &["--no-isolate"][..]] {
            let out = project.run(&[&["run", "--reporter", "json"][..], flags].concat());
            assert_eq!(out.outcomes(), all_pass(), "installed: {installed} {flags:?}: {}", failures(&out));
            out.assert_code(0);
        }
    }
}

/// Node with `module.registerHooks` (>= 22.15) resolves through one in-thread hook instead of
/// this machine's node 20 paths: the same names must reach the controller there too.
#[test]
fn vitest_and_jest_imports_run_on_node_with_register_hooks() {
    let Some(node) = proctor_e2e::downloads::node24() else { return };
    let project = project("[[suite]]\nid = \"unit\"\n", true);
    let out = project.run_on_node(&node, &["run", "--reporter", "json"], &[]);
    assert_eq!(out.outcomes(), all_pass(), "{}", failures(&out));
    out.assert_code(0);
}

#[test]
fn vitest_and_jest_imports_run_in_chromium_with_esm_and_esbuild() {
    let _browser = browser_lock();
    for build in ["esm", "esbuild"] {
        for installed in [false, true] {
            let config = format!("[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\nbuild = \"{build}\"\n");
            let project = project(&config, installed);
            let out = project.run(&["run", "--reporter", "json"]);
            assert_eq!(out.outcomes(), all_pass(), "{build}, installed: {installed}: {}", failures(&out));
            out.assert_code(0);
        }
    }
}

#[test]
fn jest_dom_vitest_extends_proctors_expect_from_a_real_install() {
    let Some(deps) = dom_environments() else {
        return;
    };
    let test = "import \"@testing-library/jest-dom/vitest\";\nimport { expect, it } from \"vitest\";\n\n\
                it(\"has jest-dom's matchers\", () => {\n  \
                document.body.innerHTML = `<button disabled>Save</button>`;\n  \
                const button = document.querySelector(\"button\");\n  \
                expect(button).toBeInTheDocument();\n  expect(button).toBeDisabled();\n  \
                expect(button).toHaveTextContent(\"Save\");\n  expect(document.createElement(\"p\")).not.toBeInTheDocument();\n});\n";
    let expected = model(&[("test/dom.test.js::has jest-dom's matchers", "passed")]);
    let configs = [
        "[[suite]]\nid = \"dom\"\nenvironment = \"jsdom\"\n",
        "[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\nbuild = \"esm\"\n",
        "[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\nbuild = \"esbuild\"\n",
    ];
    for config in configs {
        let project = Project::empty();
        link_node_modules(&deps, project.path());
        project.write("proctor.toml", config).write("test/dom.test.js", test);
        let _browser = config.contains("chromium").then(browser_lock);
        let out = project.run(&["run", "--reporter", "json"]);
        assert_eq!(out.outcomes(), expected, "{config}: {}", failures(&out));
        out.assert_code(0);
    }
}
