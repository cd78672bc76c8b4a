//! End to end in real headless Chromium: a suite's custom test page (`page = "test/page.html"`,
//! web-test-runner's `testRunnerHtml`) carries its `<meta>`, title, attributes, stylesheet,
//! classic scripts (one of the project's, chai's UMD build from node_modules, an inline one),
//! module script and elements into the run page before the tests load, in the esm build and in
//! an esbuild bundle, also after a file that changed the page (each file starts from the page),
//! and a bad `page` is a config error at its place in proctor.toml. Also the
//! esm server's realm prefix (`/@realm/<n>/...`): fresh instances of project modules per
//! prefix, shared packages, and frames in a realm's module mapped to the file itself. These
//! tests need Chromium and are never skipped; the chai case needs npm's registry.

use proctor_e2e::{model, Output, Project};

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en" data-page="custom">
<head>
  <meta charset="utf-8">
  <meta name="x" content="from-page">
  <title>custom page</title>
  <link rel="stylesheet" href="page.css">
  <script src="vendor/lib.js"></script>
  <script src="../node_modules/chai/chai.js"></script>
  <script>window.inlineSaw = typeof window.Lib + " " + typeof window.chai;</script>
  <script type="module" src="./page-setup.js"></script>
</head>
<body data-theme="dark">
  <div id="work-area"></div>
</body>
</html>
"#;

/// A UMD-shaped library: a global in a classic script, `module.exports` elsewhere.
const LIB: &str = r#"(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.Lib = factory();
})(this, function () {
  return { version: "1.2.3", add: function (a, b) { return a + b; } };
});
"#;

const PAGE_TEST: &str = r#"import { describe, it, expect } from "proctor";

describe("custom page", () => {
  it("ran the page's classic scripts before the tests", () => {
    expect(window.Lib.add(2, 3)).toBe(5);
    expect(window.inlineSaw).toBe("object object");
  });
  it("ran chai's UMD build from node_modules as a classic script", () => {
    chai.expect(chai.assert.isTrue).to.be.a("function");
  });
  it("ran the page's module script before the tests", () => {
    expect(window.moduleRan).toBe("ran after Lib 1.2.3");
  });
  it("keeps the page's meta, title and attributes", () => {
    expect(document.querySelector('meta[name="x"]').content).toBe("from-page");
    expect(document.title).toBe("custom page");
    expect(document.documentElement.lang).toBe("en");
    expect(document.documentElement.dataset.page).toBe("custom");
    expect(document.body.dataset.theme).toBe("dark");
    expect(document.compatMode).toBe("CSS1Compat");
  });
  it("has the page's elements, styled by its stylesheet", () => {
    const area = document.getElementById("work-area");
    expect(area).not.toBe(null);
    expect(getComputedStyle(area).width).toBe("123px");
  });
  it("is served at the page's own path", () => {
    expect(location.pathname).toBe("/test/page.html");
  });
});
"#;

/// A file that runs before the page's tests and changes the page: with a fresh realm per file
/// (the default) the tests after it still find the page as it was.
const POLLUTER: &str = r##"import { it } from "proctor";

it("changes the page", () => {
  document.getElementById("work-area").remove();
  document.querySelector('meta[name="x"]').remove();
  document.body.dataset.theme = "light";
  document.documentElement.lang = "de";
  document.title = "changed";
  // In <body>: a <style> in <head> is kept for the next files, as a package's injected CSS must be.
  const style = document.createElement("style");
  style.textContent = "#work-area { width: 7px !important; }";
  document.body.append(style);
  window.Lib = undefined;
});
"##;

/// The outcomes every run of the page's tests must have.
fn page_outcomes() -> std::collections::BTreeMap<String, String> {
    model(&[
        ("test/a-polluter.test.js::changes the page", "passed"),
        ("test/page.test.js::custom page::ran the page's classic scripts before the tests", "passed"),
        ("test/page.test.js::custom page::ran chai's UMD build from node_modules as a classic script", "passed"),
        ("test/page.test.js::custom page::ran the page's module script before the tests", "passed"),
        ("test/page.test.js::custom page::keeps the page's meta, title and attributes", "passed"),
        ("test/page.test.js::custom page::has the page's elements, styled by its stylesheet", "passed"),
        ("test/page.test.js::custom page::is served at the page's own path", "passed"),
    ])
}

/// A project whose browser suite (built with `build`) runs on `test/page.html`; None when
/// chai cannot be installed from npm.
fn page_project(build: &str) -> Option<Project> {
    let deps = proctor_e2e::downloads::npm_packages("chai4", &["chai@4.5.0"])?;
    let project = Project::empty();
    project
        .write("proctor.toml", &format!("{}build = \"{build}\"\n", proctor_e2e::PAGE_SUITE))
        .write("test/page.html", PAGE)
        .write("test/page.css", "#work-area { display: block; width: 123px; }\n")
        .write("test/vendor/lib.js", LIB)
        .write("test/page-setup.js", "window.moduleRan = `ran after Lib ${window.Lib.version}`;\n")
        .write("test/page.test.js", PAGE_TEST)
        .write("test/a-polluter.test.js", POLLUTER);
    // A real copy, not a link: the page loads it by a path under the root.
    let chai = std::fs::read_to_string(deps.join("node_modules/chai/chai.js")).expect("chai's UMD build");
    project
        .write("node_modules/chai/chai.js", &chai)
        .write("node_modules/chai/package.json", r#"{"name":"chai","main":"index.js"}"#);
    Some(project)
}

fn assert_page_ran(out: &Output) {
    out.assert_code(0);
    assert_eq!(out.outcomes(), page_outcomes(), "{}", out.stderr);
}

#[test]
fn a_custom_page_carries_its_head_scripts_and_elements_into_the_run_page() {
    let _browser = proctor_e2e::browser_lock();
    let Some(project) = page_project("esm") else { return };
    // The page's module script imports a package: the esm build's import map covers it.
    project
        .write(
            "node_modules/page-helper/package.json",
            r#"{"name":"page-helper","type":"module","exports":"./index.js"}"#,
        )
        .write("node_modules/page-helper/index.js", "export const ran = (version) => `ran after Lib ${version}`;\n")
        .write(
            "test/page-setup.js",
            "import { ran } from \"page-helper\";\nwindow.moduleRan = ran(window.Lib.version);\n",
        );
    assert_page_ran(&project.run(&["run", "--reporter", "json"]));
}

#[test]
fn a_custom_page_works_with_a_bundled_build_too() {
    let _browser = proctor_e2e::browser_lock();
    let Some(project) = page_project("esbuild") else { return };
    assert_page_ran(&project.run(&["run", "--reporter", "json"]));
}

#[test]
fn a_bad_page_is_a_config_error_at_its_place() {
    let project = Project::empty();
    project.write("test/a.test.js", "import { it } from \"proctor\";\nit(\"a\", () => {});\n");
    project.write("proctor.toml", "[[suite]]\nruntime = \"chromium\"\npage = \"test/page.html\"\n");
    let out = project.run(&["run"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("proctor.toml:3:8: `page` names \"test/page.html\", which is not a file under"),
        "{}",
        out.stderr
    );
    project.write("test/page.html", "<html></html>").write("proctor.toml", "[[suite]]\npage = \"test/page.html\"\n");
    let out = project.run(&["run"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains(
            "proctor.toml:2:8: `page` is the test page of browser runtimes, and this suite runs only in node"
        ),
        "{}",
        out.stderr
    );
}

const COUNTER: &str = "let count = 0;\nexport function next() {\n  count += 1;\n  return count;\n}\n";

/// A TypeScript module whose failing line moves in the transform (the interface goes away).
const CHECK: &str = r#"import { expect } from "proctor";

interface Seen {
  value: number;
}

export function expectOne(seen: Seen): void {
  expect(seen.value).toBe(1);
}
"#;

const REALM_TEST: &str = r#"import { it, expect } from "proctor";
import * as shared from "../src/counter.js";
import * as aliased from "../src/aliased.js";

it("gives each realm prefix its own instances of project modules", async () => {
  const a = await import("/@realm/7/src/counter.js");
  const again = await import("/@realm/7/src/counter.js");
  const b = await import("/@realm/8/src/counter.js");
  expect(again).toBe(a);
  expect(a).not.toBe(shared);
  expect(b).not.toBe(a);
  expect(shared.next()).toBe(1);
  expect(a.next()).toBe(1);
  expect(a.next()).toBe(2);
  expect(b.next()).toBe(1);
  expect(shared.next()).toBe(2);
});

it("keeps relative imports inside the realm and packages shared", async () => {
  const user = await import("/@realm/7/src/user.js");
  expect(user.counter).toBe(await import("/@realm/7/src/counter.js"));
  expect(user.counter).not.toBe(shared);
  expect(user.sharedExpect).toBe(expect);
});

it("moves aliased imports into the realm with the realm's import map", async () => {
  const { installRealmImportMap } = await import("/__proctor/controller/realm-map.js");
  installRealmImportMap(9);
  const realm = await import("/@realm/9/src/aliased.js");
  expect(realm.counter).toBe(await import("/@realm/9/src/counter.js"));
  expect(aliased.counter).toBe(shared);
});

it("reports a failure inside a realm's module at the module's own line", async () => {
  const { expectOne } = await import("/@realm/7/src/check.ts");
  expectOne({ value: 2 });
});
"#;

#[test]
fn a_realm_prefix_gives_fresh_project_modules_and_maps_their_frames() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::empty();
    project
        .write(
            "proctor.toml",
            "[alias]\n\"@\" = \"./src\"\n\n[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\ntests = [\"test/*.test.js\"]\n",
        )
        .write("src/counter.js", COUNTER)
        .write("src/aliased.js", "import * as counter from \"@/counter.js\";\nexport { counter };\n")
        .write(
            "src/user.js",
            "import * as counter from \"./counter.js\";\nexport { counter };\nexport { expect as sharedExpect } from \"proctor\";\n",
        )
        .write("src/check.ts", CHECK)
        .write("test/realm.test.js", REALM_TEST);
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    assert_eq!(
        out.outcomes(),
        model(&[
            ("test/realm.test.js::gives each realm prefix its own instances of project modules", "passed"),
            ("test/realm.test.js::keeps relative imports inside the realm and packages shared", "passed"),
            ("test/realm.test.js::moves aliased imports into the realm with the realm's import map", "passed"),
            ("test/realm.test.js::reports a failure inside a realm's module at the module's own line", "failed"),
        ]),
        "{}",
        out.stderr
    );
    let failed = out.finished("test/realm.test.js::reports a failure inside a realm's module at the module's own line");
    let stack = failed["error"]["stack"].as_str().unwrap_or_default();
    assert!(stack.contains("/src/check.ts:8:22"), "the realm's frame names the .ts line and column:\n{stack}");
    assert!(!stack.contains("@realm") && !stack.contains("127.0.0.1"), "realm URLs are mapped to files:\n{stack}");

    // The documentation reporter names the realm's frame by its file.
    let text = project.run(&["run", "--reporter", "documentation"]);
    assert!(text.stdout.contains("at expectOne (src/check.ts:8:22)"), "{}", text.stdout);
}
