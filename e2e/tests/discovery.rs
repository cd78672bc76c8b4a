//! End to end on real node: which files are test files (issue 12, point 7). The default globs
//! are Vitest's and Jest's (`*.test.*`, `*.spec.*` and `__tests__/**` in every JavaScript and
//! TypeScript extension); in every glob, config, command line or selection, `*` stays within one
//! path segment; and a project where nothing matches says where proctor looked.

use proctor_e2e::{model, Output, Project};
use serde_json::Value;

const PASSING: &str = "import { it } from \"proctor\";\nit(\"runs\", () => {});\n";
const PASSING_CJS: &str = "const { it } = require(\"proctor\");\nit(\"runs\", () => {});\n";

/// `suite:id outcome` of every test that finished, sorted.
fn finished(out: &Output) -> Vec<String> {
    let mut done: Vec<String> = out
        .events_of("test-finished")
        .iter()
        .map(|e| {
            format!(
                "{}:{} {}",
                e["test"]["suite"].as_str().unwrap_or("?"),
                e["test"]["id"].as_str().unwrap_or("?"),
                e["outcome"].as_str().unwrap_or("?")
            )
        })
        .collect();
    done.sort();
    done
}

/// The test files `proctor list --format json` plans, suite by suite, as `suite:path`.
fn planned(project: &Project, args: &[&str]) -> Vec<String> {
    let mut full = vec!["list", "--format", "json"];
    full.extend_from_slice(args);
    let out = project.run(&full);
    out.assert_code(0);
    let plan: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", out.stdout));
    let mut files = Vec::new();
    for suite in plan["suites"].as_array().expect("suites") {
        for file in suite["files"].as_array().expect("files") {
            files.push(format!("{}:{}", suite["id"].as_str().unwrap_or("?"), file["path"].as_str().unwrap_or("?")));
        }
    }
    files
}

#[test]
fn the_default_test_files_are_vitests_and_jests_in_every_extension() {
    let project = Project::empty();
    for file in ["a.test.js", "src/b.spec.mjs", "src/__tests__/d.js", "src/__tests__/deep/e.mjs", "lib/f.spec.js"] {
        project.write(file, PASSING);
    }
    project.write("src/c.test.cjs", PASSING_CJS);
    // Parsed, not run: TypeScript and JSX files are discovered the same way.
    for file in
        ["ts/g.test.ts", "ts/h.spec.tsx", "ts/i.test.mts", "ts/j.test.cts", "ts/k.spec.jsx", "ts/__tests__/l.ts"]
    {
        project.write(file, "import { it } from \"proctor\";\nit(\"typed\", () => {});\n");
    }
    for not_a_test in [
        "src/helper.js",
        "src/test.js",
        "src/a.test.json",
        "src/__tests__/data.json",
        "src/a.test.py",
        "node_modules/pkg/x.test.js",
        ".hidden/y.test.js",
    ] {
        project.write(not_a_test, "throw new Error(\"not a test file\");\n");
    }
    assert_eq!(
        planned(&project, &[]),
        [
            "unit:a.test.js",
            "unit:lib/f.spec.js",
            "unit:src/__tests__/d.js",
            "unit:src/__tests__/deep/e.mjs",
            "unit:src/b.spec.mjs",
            "unit:src/c.test.cjs",
            "unit:ts/__tests__/l.ts",
            "unit:ts/g.test.ts",
            "unit:ts/h.spec.tsx",
            "unit:ts/i.test.mts",
            "unit:ts/j.test.cts",
            "unit:ts/k.spec.jsx",
        ]
    );
    let out = project.run(&["run", "--reporter", "json", "a.test.js", "lib", "src"]);
    out.assert_code(0);
    assert_eq!(
        out.outcomes(),
        model(&[
            ("a.test.js::runs", "passed"),
            ("lib/f.spec.js::runs", "passed"),
            ("src/__tests__/d.js::runs", "passed"),
            ("src/__tests__/deep/e.mjs::runs", "passed"),
            ("src/b.spec.mjs::runs", "passed"),
            ("src/c.test.cjs::runs", "passed"),
        ])
    );
}

#[test]
fn a_star_stays_within_one_path_segment_in_every_glob() {
    let project = Project::empty();
    project
        .write("test/a.test.js", PASSING)
        .write("test/sub/b.test.js", PASSING)
        .write("test/sub/deeper/c.test.js", PASSING)
        .write(
            "proctor.toml",
            "[[suite]]\nid = \"top\"\ntests = [\"test/*.test.js\"]\n\n\
             [[suite]]\nid = \"deep\"\ntests = [\"test/**/*.test.js\"]\nexclude = [\"test/*/*.test.js\"]\n\n\
             [selections]\nshallow = { tests = [\"test/*.test.js\"] }\n",
        );
    assert_eq!(
        planned(&project, &[]),
        ["top:test/a.test.js", "deep:test/a.test.js", "deep:test/sub/deeper/c.test.js"],
        "`test/*.test.js` is not `test/sub/b.test.js`; the exclude `test/*/*` leaves the deeper file in"
    );
    let out = project.run(&["run", "--reporter", "json", "test/*.test.js"]);
    out.assert_code(0);
    assert_eq!(
        finished(&out),
        ["deep:test/a.test.js::runs passed", "top:test/a.test.js::runs passed"],
        "a quoted command-line glob matches as the shell would"
    );
    let out = project.run(&["run", "--reporter", "json", "--select", "shallow"]);
    out.assert_code(0);
    assert_eq!(
        finished(&out),
        ["deep:test/a.test.js::runs passed", "top:test/a.test.js::runs passed"],
        "a selection's glob too"
    );
}

#[test]
fn no_test_file_says_which_patterns_were_searched_from_which_root() {
    let project = Project::empty();
    project.write("src/helper.js", "export const x = 1;\n").write("test/setup.js", "");
    let root = project.path().display().to_string();
    let out = project.run(&["run"]);
    out.assert_code(4);
    assert!(
        out.stderr.contains(&format!(
            "proctor: no test files found under {root}\n  suite unit: tests **/*.{{test,spec}}.{{js,mjs,cjs,ts,mts,cts,jsx,tsx}}, \
             **/__tests__/**/*.{{js,mjs,cjs,ts,mts,cts,jsx,tsx}}\n  (node_modules, dot-folders and files .gitignore ignores are never searched)\n"
        )),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains("No tests ran."), "{}", out.stdout);

    project.write(
        "proctor.toml",
        "[[suite]]\nid = \"spec\"\ntests = [\"spec/**/*.js\"]\nexclude = [\"spec/fixtures/**\"]\n",
    );
    project.write("spec/fixtures/x.js", "");
    let out = project.run(&["list"]);
    out.assert_code(0);
    assert!(
        out.stderr.contains(&format!(
            "proctor: no test files found under {root}\n  suite spec: tests spec/**/*.js; exclude spec/fixtures/**\n"
        )),
        "{}",
        out.stderr
    );
    let out = project.run(&["run", "--no-tests", "pass"]);
    out.assert_code(0);
    assert!(!out.stderr.contains("no test files found"), "--no-tests pass is silent: {}", out.stderr);
}
