//! End to end on real node: picking tests by name and file as Vitest and Jest do (issue 14,
//! point 6): `-t` against full names in Vitest's form (`group > test`) and Jest's (`group test`),
//! positional filters that match part of a path, `--changed [REF]` in a real git repository,
//! `--related FILE...`, and a `--focus` id that matches none of a file's registered tests.
//! Every run is checked against the whole fixture model (test id → `passed` or
//! `skipped:<cause>`).

use proctor_e2e::{Output, Project};
use std::collections::BTreeMap;

const ADDS_TAX: &str = "test/cart.test.js::cart::totals::adds tax";
const ROUNDS: &str = "test/cart.test.js::cart::totals::rounds";
const EMPTIES: &str = "test/cart.test.js::cart::empties";
const LOGS_IN: &str = "test/user.test.js::user::logs in";
const GREETS_ADA: &str = "test/user.test.js::user::greets ada";
const GREETS_BOB: &str = "test/user.test.js::user::greets bob";
const STOCK: &str = "test/stock.test.js::counts stock";

/// A project in a git repository with everything committed: `cart` imports `src/price.js`
/// (which imports `src/tax.js`), `user` imports `src/names.js`, `stock` imports nothing.
fn project() -> Project {
    let project = Project::empty();
    project
        .write("src/tax.js", "export const rate = 0.5;\n")
        .write("src/price.js", "import { rate } from \"./tax.js\";\nexport const withTax = (n) => n + n * rate;\n")
        .write("src/names.js", "export const names = [\"ada\", \"bob\"];\n")
        .write(
            "test/cart.test.js",
            "import { describe, it, expect } from \"vitest\";\nimport { withTax } from \"../src/price.js\";\n\n\
             describe(\"cart\", () => {\n  describe(\"totals\", () => {\n    \
             it(\"adds tax\", () => expect(withTax(2)).toBe(3));\n    it(\"rounds\", () => expect(Math.round(2.5)).toBe(3));\n  });\n  \
             it(\"empties\", () => {});\n});\n",
        )
        .write(
            "test/user.test.js",
            "import { describe, it, expect } from \"@jest/globals\";\nimport { names } from \"../src/names.js\";\n\n\
             describe(\"user\", () => {\n  it(\"logs in\", () => {});\n  \
             it.each(names)(\"greets %s\", (name) => expect(names).toContain(name));\n});\n",
        )
        .write("test/stock.test.js", "import { it } from \"proctor\";\n\nit(\"counts stock\", () => {});\n");
    project.git(&["init", "-q"]);
    project.git(&["add", "."]);
    project.git(&["commit", "-q", "-m", "first"]);
    project
}

/// Every test passed, but those given here.
fn model(changes: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut model: BTreeMap<String, String> = [ADDS_TAX, ROUNDS, EMPTIES, LOGS_IN, GREETS_ADA, GREETS_BOB, STOCK]
        .iter()
        .map(|id| (id.to_string(), "passed".to_string()))
        .collect();
    for (id, result) in changes {
        model.insert(id.to_string(), result.to_string());
    }
    model
}

/// Every test skipped for `cause`, but those given here.
fn skipped_but(cause: &str, kept: &[&str]) -> BTreeMap<String, String> {
    let skipped = format!("skipped:{cause}");
    let mut model = model(&[]);
    for (id, result) in model.iter_mut() {
        if !kept.contains(&id.as_str()) {
            *result = skipped.clone();
        }
    }
    model
}

/// `run --reporter json` with `args`; results keep the name of a dynamic test that its file,
/// unloaded, reports only by its template.
fn run(project: &Project, args: &[&str]) -> Output {
    project.run(&[&["run", "--reporter", "json"][..], args].concat())
}

fn results(out: &Output) -> BTreeMap<String, String> {
    let mut results = out.results();
    // An unloaded file's `.each` test is reported once, by its name template.
    if let Some(result) = results.remove("test/user.test.js::user::greets %s") {
        results.insert(GREETS_ADA.into(), result.clone());
        results.insert(GREETS_BOB.into(), result);
    }
    results
}

fn check(out: &Output, code: i32, expected: BTreeMap<String, String>) {
    assert_eq!(results(out), expected, "--- stdout\n{}\n--- stderr\n{}", out.stdout, out.stderr);
    out.assert_code(code);
}

#[test]
fn name_patterns_match_vitests_and_jests_full_names() {
    let project = project();
    let totals = skipped_but("name-pattern", &[ADDS_TAX, ROUNDS]);
    check(&run(&project, &["-t", "cart > totals"]), 0, totals.clone());
    check(&run(&project, &["--test-name-pattern", "cart totals"]), 0, totals.clone());
    check(&run(&project, &["--testNamePattern", "^cart > totals > (adds|rounds)"]), 0, totals);
    // A group's name picks all of it; a dynamic name is matched once registered.
    check(&run(&project, &["-t", "greets ada"]), 0, skipped_but("name-pattern", &[GREETS_ADA]));
    check(&run(&project, &["-t", "^user"]), 0, skipped_but("name-pattern", &[LOGS_IN, GREETS_ADA, GREETS_BOB]));
    // It composes with the other selection flags.
    let out = run(&project, &["-t", "totals", "--skip", ROUNDS]);
    check(
        &out,
        0,
        skipped_but("name-pattern", &[ADDS_TAX, ROUNDS])
            .into_iter()
            .map(|(id, r)| {
                let r = if id == ROUNDS { "skipped:skip-id".to_string() } else { r };
                (id, r)
            })
            .collect(),
    );
    // `proctor list` shows the reason.
    let list = project.run(&["list", "-t", "adds tax"]);
    list.assert_code(0);
    assert!(list.stdout.contains("name does not match -t adds tax"), "{}", list.stdout);
    // A bad regex is an error naming the flag; a pattern that matches nothing says so.
    let bad = project.run(&["run", "-t", "(unclosed"]);
    bad.assert_code(2);
    assert!(bad.stderr.contains("-t/--test-name-pattern"), "{}", bad.stderr);
    let none = project.run(&["list", "-t", "^nothing$"]);
    assert!(!none.stderr.contains("no test's full name"), "dynamic names may still match: {}", none.stderr);
    project.remove("test/user.test.js");
    let none = project.run(&["list", "-t", "^nothing$"]);
    assert!(none.stderr.contains("-t ^nothing$: no test's full name matches it"), "{}", none.stderr);
}

#[test]
fn positional_filters_match_part_of_a_path_and_add_up() {
    let project = project();
    check(&run(&project, &["cart"]), 0, skipped_but("path-filter", &[ADDS_TAX, ROUNDS, EMPTIES]));
    check(&run(&project, &["./test/ca"]), 0, skipped_but("path-filter", &[ADDS_TAX, ROUNDS, EMPTIES]));
    check(&run(&project, &["cart", "stock"]), 0, skipped_but("path-filter", &[ADDS_TAX, ROUNDS, EMPTIES, STOCK]));
    // An existing path beside a filter is a filter too: they add up.
    check(
        &run(&project, &["test/stock.test.js", "user"]),
        0,
        skipped_but("path-filter", &[STOCK, LOGS_IN, GREETS_ADA, GREETS_BOB]),
    );
    // A filter that matches no file says so; with nothing else to run, the run says no test ran.
    let out = run(&project, &["cart", "nothing"]);
    check(&out, 0, skipped_but("path-filter", &[ADDS_TAX, ROUNDS, EMPTIES]));
    assert!(out.stderr.contains("path filter nothing: no test file's path contains it"), "{}", out.stderr);
    let out = run(&project, &["nothing"]);
    out.assert_code(4);
    assert!(out.stderr.contains("path filter nothing"), "{}", out.stderr);
    // With -t: the file filter, then the name.
    let out = run(&project, &["cart", "-t", "empties"]);
    let mut expected = skipped_but("path-filter", &[ADDS_TAX, ROUNDS, EMPTIES]);
    expected.insert(ADDS_TAX.into(), "skipped:name-pattern".into());
    expected.insert(ROUNDS.into(), "skipped:name-pattern".into());
    check(&out, 0, expected);
}

#[test]
fn changed_runs_what_uncommitted_changes_reach_and_since_a_ref() {
    let project = project();
    // Nothing changed: nothing to run, which is no failure.
    let out = run(&project, &["--changed"]);
    check(&out, 0, skipped_but("unchanged", &[]));
    assert!(out.stderr.contains("--changed: git reports no changed file"), "{}", out.stderr);
    assert!(out.stderr.contains("no tests ran"), "{}", out.stderr);
    // An unstaged edit to a helper two imports down runs its dependents only.
    project.write("src/tax.js", "export const rate = 0.5; // edited\n");
    check(&run(&project, &["--changed"]), 0, skipped_but("unchanged", &[ADDS_TAX, ROUNDS, EMPTIES]));
    // Staged counts, and an untracked test file affects itself.
    project.git(&["add", "src/tax.js"]);
    project.write("test/new.test.js", "import { it } from \"vitest\";\nit(\"is new\", () => {});\n");
    let out = run(&project, &["--changed"]);
    let mut expected = skipped_but("unchanged", &[ADDS_TAX, ROUNDS, EMPTIES]);
    expected.insert("test/new.test.js::is new".into(), "passed".into());
    check(&out, 0, expected);
    // Once committed, only a ref brings the change back.
    project.remove("test/new.test.js");
    project.git(&["commit", "-q", "-m", "tax"]);
    check(&run(&project, &["--changed"]), 0, skipped_but("unchanged", &[]));
    check(&run(&project, &["--changed", "HEAD~1"]), 0, skipped_but("unchanged", &[ADDS_TAX, ROUNDS, EMPTIES]));
    check(&run(&project, &["--changedSince", "HEAD~1"]), 0, skipped_but("unchanged", &[ADDS_TAX, ROUNDS, EMPTIES]));
    check(&run(&project, &["--onlyChanged"]), 0, skipped_but("unchanged", &[]));
    check(&run(&project, &["--changed=HEAD~1", "-t", "rounds"]), 0, {
        let mut m = skipped_but("unchanged", &[ADDS_TAX, ROUNDS, EMPTIES]);
        m.insert(ADDS_TAX.into(), "skipped:name-pattern".into());
        m.insert(EMPTIES.into(), "skipped:name-pattern".into());
        m
    });
    // A change to the names helper reaches the dynamic tests too; `list` shows the reason.
    project.write("src/names.js", "export const names = [\"ada\", \"bob\"]; // edited\n");
    check(&run(&project, &["--changed"]), 0, skipped_but("unchanged", &[LOGS_IN, GREETS_ADA, GREETS_BOB]));
    let list = project.run(&["list", "--changed"]);
    assert!(list.stdout.contains("its file reaches no file changed (--changed)"), "{}", list.stdout);
    // A ref git does not know (a filter put after --changed, say) is an error naming the flag.
    let out = project.run(&["run", "--changed", "cart"]);
    out.assert_code(2);
    assert!(out.stderr.contains("--changed") && out.stderr.contains("`cart` is not a commit"), "{}", out.stderr);
}

#[test]
fn changed_outside_a_git_repository_is_an_error() {
    let project = Project::empty();
    project.write("a.test.js", "import { it } from \"vitest\";\nit(\"a\", () => {});\n");
    let out = project.run(&["run", "--changed"]);
    if out.code != 2 {
        // The temp dir may itself be inside a repository; then this case says nothing.
        return;
    }
    assert!(out.stderr.contains("is not inside a git repository"), "{}", out.stderr);
}

#[test]
fn related_runs_the_tests_that_reach_the_files_named() {
    let project = project();
    check(&run(&project, &["--related", "src/tax.js"]), 0, skipped_but("unrelated", &[ADDS_TAX, ROUNDS, EMPTIES]));
    check(
        &run(&project, &["--related", "src/names.js", "test/stock.test.js"]),
        0,
        skipped_but("unrelated", &[LOGS_IN, GREETS_ADA, GREETS_BOB, STOCK]),
    );
    project.write("src/unused.js", "export {};\n");
    let out = run(&project, &["--related", "src/unused.js"]);
    check(&out, 0, skipped_but("unrelated", &[]));
    assert!(out.stderr.contains("--related src/unused.js: no test file reaches the file named"), "{}", out.stderr);
    project.remove("src/unused.js");
    let out = run(&project, &["--findRelatedTests", "src/unused.js"]);
    out.assert_code(2);
    assert!(out.stderr.contains("invalid value for --related: no such file: src/unused.js"), "{}", out.stderr);
}

#[test]
fn a_focus_id_that_matches_none_of_a_files_registered_tests_says_so() {
    let project = project();
    // The plan cannot know `.each` names, so the id is let through and checked once registered.
    let out = run(&project, &["--focus", "test/user.test.js::user::greets zed"]);
    let load_errors = out.events_of("load-error");
    assert_eq!(load_errors.len(), 1, "{}", out.stdout);
    let message = load_errors[0]["message"].as_str().unwrap_or_default();
    assert!(
        message
            .contains("--focus test/user.test.js::user::greets zed matches none of the 3 tests this file registered")
            && message.contains("did you mean"),
        "{message}"
    );
    assert_ne!(out.code, 0, "{}", out.stderr);
    // A focus that matches stays quiet.
    check(&run(&project, &["--focus", GREETS_BOB]), 0, skipped_but("not-focused", &[GREETS_BOB]));
}
