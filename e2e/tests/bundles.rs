//! End to end in real headless Chromium with bundled builds (issue 12, point 6): a test file
//! the bundler cannot bundle (a node builtin, a missing export, a missing module) is a load
//! error for that file alone, naming the file and line the bundler named, and the others run;
//! a failed user command is pinned on the test file its output names, else fails the whole
//! build; and a bundle that throws before its controller starts is reported with its error
//! (source-mapped) as every file's load error, not as a runtime that never connected.

use proctor_e2e::{model, Output, Project};

const GOOD: &str = "import { it, expect } from \"proctor\";\nit(\"good\", () => expect(1 + 1).toBe(2));\n";

/// A project with one good test file and `extra` (path, text) files.
fn project(config: &str, extra: &[(&str, &str)]) -> Project {
    let project = Project::empty();
    project.write("proctor.toml", config).write("test/good.test.js", GOOD);
    for (path, text) in extra {
        project.write(path, text);
    }
    project
}

/// Every load error of the run: file → message.
fn load_errors(out: &Output) -> std::collections::BTreeMap<String, String> {
    out.events_of("load-error")
        .iter()
        .map(|e| (e["file"].as_str().unwrap_or("").to_string(), e["message"].as_str().unwrap_or("").to_string()))
        .collect()
}

fn esbuild_suite(minify: bool) -> String {
    format!(
        "[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\ntests = [\"test/*.test.js\"]\nbuild = \"esbuild\"\nminify = {minify}\n"
    )
}

/// A suite bundled by the user's `command`, esbuild's command line here.
fn command_suite(command: &str) -> String {
    format!(
        "[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\ntests = [\"test/*.test.js\"]\nbuild = {{ command = \"{command}\" }}\n"
    )
}

const UNBUNDLEABLE: &[(&str, &str)] = &[
    ("src/files.js", "import fs from \"fs\";\nexport const read = () => fs;\n"),
    (
        "test/builtin.test.js",
        "import { it } from \"proctor\";\nimport { read } from \"../src/files.js\";\nit(\"reads\", () => read());\n",
    ),
    ("src/greet.js", "export const greet = () => \"hi\";\n"),
    (
        "test/export.test.js",
        "import { it } from \"proctor\";\nimport { nope } from \"../src/greet.js\";\nit(\"nope\", () => nope());\n",
    ),
    ("test/missing.test.js", "import { it } from \"proctor\";\nimport \"./gone.js\";\nit(\"gone\", () => {});\n"),
];

#[test]
fn r12_an_unbundleable_file_is_its_own_load_error_and_the_others_run() {
    let _browser = proctor_e2e::browser_lock();
    for minify in [false, true] {
        let project = project(&esbuild_suite(minify), UNBUNDLEABLE);
        let out = project.run(&["run", "--reporter", "json"]);
        out.assert_code(1);
        assert_eq!(out.outcomes(), model(&[("test/good.test.js::good", "passed")]), "{}", out.stdout);
        let errors = load_errors(&out);
        assert_eq!(errors.len(), 3, "{errors:?}");
        // The resolver's words, as in node and the `esm` build; the bundler's own for the rest.
        assert!(
            errors["test/builtin.test.js"]
                .contains("cannot resolve \"fs\" from src/files.js:1:16: it is a node builtin"),
            "the builtin is named where the helper imports it: {errors:?}"
        );
        assert!(
            errors["test/export.test.js"]
                .contains("test/export.test.js:2:10: No matching export in \"src/greet.js\" for import \"nope\""),
            "{errors:?}"
        );
        assert!(
            errors["test/missing.test.js"].contains("cannot resolve \"./gone.js\" from test/missing.test.js:2:8"),
            "{errors:?}"
        );
        assert_eq!(out.events_of("built")[0]["tool"], if minify { "esbuild --minify" } else { "esbuild" });
    }
}

#[test]
fn r12_a_failed_command_is_pinned_on_the_test_file_its_output_names() {
    let _browser = proctor_e2e::browser_lock();
    let command = "esbuild {entry} --bundle --format=iife --sourcemap --log-level=error --alias:proctor={controller} --outfile={outdir}/app.js";
    let config = command_suite(command);
    let project = project(&config, &UNBUNDLEABLE[..2]);
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    assert_eq!(out.outcomes(), model(&[("test/good.test.js::good", "passed")]), "{}", out.stdout);
    let errors = load_errors(&out);
    assert_eq!(errors.keys().collect::<Vec<_>>(), ["test/builtin.test.js"], "{errors:?}");
    assert!(errors["test/builtin.test.js"].contains("Could not resolve \"fs\""), "{errors:?}");
}

#[test]
fn r12_a_bundle_that_throws_at_load_is_reported_with_its_mapped_error_not_a_connect_timeout() {
    let _browser = proctor_e2e::browser_lock();
    // An injected file runs before everything else in the bundle, the controller included.
    let command = "esbuild {entry} --bundle --format=iife --sourcemap --inject:src/boot.js --alias:proctor={controller} --outfile={outdir}/app.js";
    let config = command_suite(command);
    let project =
        project(&config, &[("src/boot.js", "export const booted = true;\nthrow new Error(\"boot failed\");\n")]);
    // A connect wait long enough that a run which waited it out would be unmistakable.
    let out = project.run_with(&["run", "--reporter", "json"], &[("PROCTOR_CONNECT_TIMEOUT", "120s")]);
    out.assert_code(1);
    let errors = out.events_of("load-error");
    assert_eq!(errors.len(), 1, "{}\n{}", out.stdout, out.stderr);
    let message = errors[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("the bundle threw while loading") && message.contains("boot failed"), "{message}");
    let stack = errors[0]["stack"].as_str().unwrap_or_default();
    assert!(stack.contains("src/boot.js:2:"), "the stack goes back to the injected file's line:\n{stack}");
    assert!(out.events_of("runtime-started").len() == 1, "{}", out.stdout);
}

#[test]
fn r12_a_bundle_applies_imported_css_and_imports_assets_as_urls() {
    let _browser = proctor_e2e::browser_lock();
    let test = r#"import { it, expect } from "proctor";
import "../src/style.css";
import logo from "../src/logo.png";

it("applies the stylesheet", () => {
  const banner = document.createElement("div");
  banner.className = "banner";
  document.body.appendChild(banner);
  expect(getComputedStyle(banner).color).toBe("rgb(1, 2, 3)");
});

it("imports an asset as a URL that serves it", async () => {
  expect(logo).toMatch(/^\/__proctor\/out\/logo-[\w-]+\.png$/);
  expect((await fetch(logo)).status).toBe(200);
});
"#;
    let project = project(
        &esbuild_suite(false),
        &[
            ("src/style.css", ".banner { color: rgb(1, 2, 3); }\n"),
            ("src/logo.png", "not really a png"),
            ("test/styled.test.js", test),
        ],
    );
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(0);
    assert_eq!(
        out.outcomes(),
        model(&[
            ("test/good.test.js::good", "passed"),
            ("test/styled.test.js::applies the stylesheet", "passed"),
            ("test/styled.test.js::imports an asset as a URL that serves it", "passed"),
        ]),
        "{}",
        out.stdout
    );
}

#[test]
fn r12_a_bundled_typescript_suite_runs_the_hosts_transform_and_maps_to_the_ts_line() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::fixture("typescript");
    project.write(
        "proctor.toml",
        "[[suite]]\nid = \"bundled\"\nruntime = \"chromium\"\nbuild = \"esbuild\"\n\
         tests = [\"test/**/*.test.ts\", \"test/**/*.test.tsx\"]\nexclude = [\"test/node/**\"]\n",
    );
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    // emitDecoratorMetadata is swc's (esbuild has none): the bundle holds the host's transform.
    assert_eq!(
        out.outcomes(),
        model(&[
            ("test/failing.test.ts::fails on its own line", "failed"),
            ("test/language.test.ts::typescript::merges namespaces", "passed"),
            ("test/language.test.ts::typescript::keeps satisfies and erases types", "passed"),
            ("test/language.test.ts::typescript::runs enums and const enums", "passed"),
            ("test/language.test.ts::typescript::runs parameter properties and legacy decorators with metadata", "passed"),
            ("test/resolution.test.ts::resolution::follows tsconfig paths", "passed"),
            (
                "test/resolution.test.ts::resolution::imports a directory, extensionless files and .js names of .ts files",
                "passed"
            ),
            ("test/view.test.tsx::renders JSX with the tsconfig's jsxImportSource", "passed"),
        ]),
        "{}",
        out.stdout
    );
    let failed = out.finished("test/failing.test.ts::fails on its own line");
    let stack = failed["error"]["stack"].as_str().unwrap_or_default();
    assert!(stack.contains("test/failing.test.ts:9:21"), "the stack names the .ts line:\n{stack}");
}
