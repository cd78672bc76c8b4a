//! End to end in real headless Chromium: what a fresh realm cannot undo, a page's custom element
//! registry. Two test files import a project module that defines `<x-foo>`; with isolation each
//! must get its own copy of the class (`document.createElement` makes it, its static state
//! starts over), which takes a fresh page after a file that defined one (web-test-runner gives
//! every file a page). Files that define nothing, and elements a package defines once per page,
//! keep the fast in-page reset: counted by the `runtime-started` events, not by timing. A CSS
//! property registered with `CSS.registerProperty` is the same kind of registration.

use proctor_e2e::{browser_lock, Output, Project};

/// The element, defined only when the name is free (as github's elements do): in a page an
/// earlier file already defined it in, this file's class is not the one `createElement` makes.
const X_FOO: &str = r#"export class XFoo extends HTMLElement {
  static created = 0;
  constructor() {
    super();
    XFoo.created += 1;
  }
}
if (!customElements.get("x-foo")) customElements.define("x-foo", XFoo);
"#;

/// A test file of the element; `name` tells the files apart.
fn element_test(name: &str) -> String {
    format!(
        r#"import {{ it, expect }} from "proctor";
import {{ XFoo }} from "../src/x-foo.js";

it("{name} creates its own XFoo", () => {{
  expect(document.createElement("x-foo")).toBeInstanceOf(XFoo);
}});
it("{name} starts with fresh static state", () => {{
  expect(XFoo.created).toBe(1);
  document.createElement("x-foo");
  expect(XFoo.created).toBe(2);
}});
"#
    )
}

/// A test file without custom elements, reading a package that defines one once per page.
fn plain_test(name: &str) -> String {
    format!(
        r#"import {{ it, expect }} from "proctor";
import {{ PkgEl }} from "pkg-el";

it("{name} sees the package's element", () => {{
  expect(document.createElement("pkg-el")).toBeInstanceOf(PkgEl);
}});
"#
    )
}

fn project(config_extra: &str, files: &[(&str, String)]) -> Project {
    let project = Project::empty();
    project
        .write(
            "proctor.toml",
            &format!(
                "[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\ntests = [\"test/*.test.js\"]\n{config_extra}"
            ),
        )
        .write("package.json", "{ \"type\": \"module\" }\n")
        .write("src/x-foo.js", X_FOO)
        .write(
            "node_modules/pkg-el/package.json",
            "{ \"name\": \"pkg-el\", \"type\": \"module\", \"main\": \"index.js\" }\n",
        )
        .write(
            "node_modules/pkg-el/index.js",
            "export class PkgEl extends HTMLElement {}\ncustomElements.define(\"pkg-el\", PkgEl);\n",
        );
    for (path, text) in files {
        project.write(path, text);
    }
    project
}

/// Two files of the element, then two plain ones.
fn mixed() -> Vec<(&'static str, String)> {
    vec![
        ("test/a.test.js", element_test("a")),
        ("test/b.test.js", element_test("b")),
        ("test/c.test.js", plain_test("c")),
        ("test/d.test.js", plain_test("d")),
    ]
}

fn all_passed(out: &Output, count: usize) {
    let outcomes = out.outcomes();
    assert_eq!(outcomes.len(), count, "{}", out.stdout);
    assert!(outcomes.values().all(|o| o == "passed"), "{outcomes:?}\n{}", out.stdout);
}

/// The `fresh_page` reason of each `runtime-started` event (`None` for a plain start).
fn starts(out: &Output) -> Vec<Option<String>> {
    out.events_of("runtime-started").iter().map(|e| e["fresh_page"].as_str().map(str::to_owned)).collect()
}

#[test]
fn a_file_that_defined_an_element_is_followed_by_a_fresh_page_and_only_then() {
    let _lock = browser_lock();
    let out = project("", &mixed()).run(&["run", "--reporter", "json"]);
    out.assert_code(0);
    all_passed(&out, 6);
    // a's page; a fresh one for b (a defined x-foo), and one for c (b did); d shares c's, since
    // c defined nothing of its own (the package's element is defined once per page).
    assert_eq!(
        starts(&out),
        vec![
            None,
            Some("test/a.test.js left the custom element <x-foo> in its page".to_string()),
            Some("test/b.test.js left the custom element <x-foo> in its page".to_string()),
        ],
        "{}",
        out.stdout
    );
    assert!(out.events_of("runtime-restarted").is_empty(), "a fresh page is no restart: {}", out.stdout);
}

#[test]
fn a_suite_without_project_elements_keeps_one_page() {
    let _lock = browser_lock();
    let files =
        [("test/c.test.js", plain_test("c")), ("test/d.test.js", plain_test("d")), ("test/e.test.js", plain_test("e"))];
    let out = project("", &files).run(&["run", "--reporter", "json"]);
    out.assert_code(0);
    all_passed(&out, 3);
    assert_eq!(starts(&out), vec![None], "{}", out.stdout);
}

#[test]
fn without_isolation_the_files_share_one_page_and_one_class() {
    let _lock = browser_lock();
    let out = project("isolate = false\n", &mixed()).run(&["run", "--reporter", "json"]);
    assert_eq!(starts(&out), vec![None], "{}", out.stdout);
    let outcomes = out.outcomes();
    assert_eq!(outcomes["test/a.test.js::a creates its own XFoo"], "passed");
    assert_eq!(outcomes["test/b.test.js::b creates its own XFoo"], "passed", "one shared module, one class");
    // The static state is shared too: b sees what a created.
    assert_eq!(outcomes["test/b.test.js::b starts with fresh static state"], "failed", "{}", out.stdout);
}

#[test]
fn a_bundle_shares_its_one_copy_of_the_element_in_one_page() {
    let _lock = browser_lock();
    let files = [("test/a.test.js", element_test("a")), ("test/b.test.js", element_test("b"))];
    let out = project("build = \"esbuild\"\n", &files).run(&["run", "--reporter", "json"]);
    // A bundle holds one copy of each module: no realm redefines anything, so no fresh page.
    assert_eq!(starts(&out), vec![None], "{}", out.stdout);
    let outcomes = out.outcomes();
    assert_eq!(outcomes["test/a.test.js::a creates its own XFoo"], "passed", "{}", out.stdout);
    assert_eq!(outcomes["test/b.test.js::b creates its own XFoo"], "passed", "{}", out.stdout);
}

#[test]
fn a_file_that_defined_an_element_and_hangs_is_recovered_and_the_next_file_still_gets_its_page() {
    let _lock = browser_lock();
    let hanging = format!(
        "{}it(\"a spins\", {{ timeout: 300 }}, () => {{ for (;;) {{}} }});\nit(\"a after\", () => {{}});\n",
        element_test("a")
    );
    let files = [("test/a.test.js", hanging), ("test/b.test.js", element_test("b"))];
    let out = project("", &files).run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    let outcomes = out.outcomes();
    assert_eq!(outcomes["test/a.test.js::a spins"], "timed-out", "{}", out.stdout);
    assert_eq!(outcomes["test/a.test.js::a after"], "passed", "{}", out.stdout);
    for test in ["b creates its own XFoo", "b starts with fresh static state"] {
        assert_eq!(outcomes[&format!("test/b.test.js::{test}")], "passed", "{}", out.stdout);
    }
    assert_eq!(out.events_of("runtime-restarted").len(), 1, "the hang, only: {}", out.stdout);
    assert_eq!(starts(&out).iter().filter(|s| s.is_some()).count(), 1, "then b's page: {:?}", starts(&out));
}

#[test]
fn fail_fast_after_a_file_that_defined_an_element_ends_the_run() {
    let _lock = browser_lock();
    let failing = format!("{}it(\"a fails\", () => {{ throw new Error(\"no\"); }});\n", element_test("a"));
    let files = [("test/a.test.js", failing), ("test/b.test.js", element_test("b"))];
    let out = project("", &files).run(&["run", "--fail-fast", "--reporter", "json"]);
    out.assert_code(1);
    let outcomes = out.outcomes();
    assert_eq!(outcomes["test/a.test.js::a fails"], "failed", "{}", out.stdout);
    assert_eq!(outcomes["test/b.test.js::b creates its own XFoo"], "skipped", "{}", out.stdout);
    assert_eq!(starts(&out), vec![None], "no page for a file that does not run");
}

#[test]
fn a_css_property_a_file_registered_is_followed_by_a_fresh_page_too() {
    let _lock = browser_lock();
    // Unguarded, as a module registering its `@property` would be: a second registration in the
    // same page throws, which would make b's import a load error.
    let register = "CSS.registerProperty({ name: \"--gap\", syntax: \"<length>\", inherits: false, initialValue: \"4px\" });\nexport const registered = true;\n";
    let test = |name: &str| {
        format!(
            "import {{ it, expect }} from \"proctor\";\nimport {{ registered }} from \"../src/gap.js\";\n\
             it(\"{name} registered --gap\", () => {{ expect(registered).toBe(true); }});\n"
        )
    };
    let files = [("src/gap.js", register.to_string()), ("test/a.test.js", test("a")), ("test/b.test.js", test("b"))];
    let out = project("", &files).run(&["run", "--reporter", "json"]);
    out.assert_code(0);
    all_passed(&out, 2);
    assert_eq!(
        starts(&out),
        vec![None, Some("test/a.test.js left the CSS property --gap (CSS.registerProperty) in its page".to_string())],
        "{}",
        out.stdout
    );
}
