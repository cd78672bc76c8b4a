//! End to end on real node: test selection (issue #5). One test per row of the README's
//! "Combining selections" table, then the flags one by one, errors, `list`, `--verbose`,
//! `--fail-fast` and `--seed`/`--random`.
//!
//! Every run of the `selection` fixture is checked against the whole fixture model (test id →
//! outcome, or `skipped:<cause>` naming the rule that skipped it), its exit code, and the files
//! that were loaded at all (each fixture file appends its path to `loaded.log` when imported).

use proctor_e2e::{Output, Project};
use std::collections::BTreeMap;

const ADDS: &str = "unit/math.test.js::math::adds";
const SUBTRACTS: &str = "unit/math.test.js::math::subtracts";
const MULTIPLIES: &str = "unit/math.test.js::math::big::multiplies";
const DIVIDES: &str = "unit/math.test.js::math::big::divides";
const ROUNDS: &str = "unit/math.test.js::math::rounds";
const OTHER_GROUP: &str = "unit/math.test.js::mathematics::is another group";
const ONLY: &str = "unit/only.test.js::focused in source";
const NOT_ONLY: &str = "unit/only.test.js::not focused in source";
const CONCAT: &str = "unit/strings.test.js::concatenates";
const UPPER_A: &str = "unit/strings.test.js::upper a";
const UPPER_B: &str = "unit/strings.test.js::upper b";
/// How the `.each` test is reported when its file is not loaded (its name template).
const UPPER_TEMPLATE: &str = "unit/strings.test.js::upper %s";
const SKIPPED: &str = "unit/strings.test.js::skipped in source";
const REVERSES: &str = "unit/strings.test.js::reverses";
const WIP_PASSES: &str = "unit/wip.test.js::wip::passes already";
const WIP_FAILS: &str = "unit/wip.test.js::wip::fails for now";
const WIP_AFTER: &str = "unit/wip.test.js::wip::after the failure";
const RESPONDS: &str = "integration/api.test.js::api::responds";
const FULL_FLOW: &str = "integration/api.test.js::full flow";
const CONNECTS: &str = "integration/db.test.js::connects";
const MIGRATES: &str = "integration/db.test.js::migrates";

const ALL: &[&str] = &[
    ADDS,
    SUBTRACTS,
    MULTIPLIES,
    DIVIDES,
    ROUNDS,
    OTHER_GROUP,
    ONLY,
    NOT_ONLY,
    CONCAT,
    UPPER_A,
    UPPER_B,
    SKIPPED,
    REVERSES,
    WIP_PASSES,
    WIP_FAILS,
    WIP_AFTER,
    RESPONDS,
    FULL_FLOW,
    CONNECTS,
    MIGRATES,
];

const MATH: &str = "unit/math.test.js";
const ONLY_FILE: &str = "unit/only.test.js";
const STRINGS: &str = "unit/strings.test.js";
const WIP: &str = "unit/wip.test.js";
const API: &str = "integration/api.test.js";
const DB: &str = "integration/db.test.js";

/// The expected result of every test of the fixture.
#[derive(Debug, Clone, PartialEq)]
struct Model(BTreeMap<String, String>);

impl Model {
    /// Every test with the same result.
    fn all(result: &str) -> Model {
        Model(ALL.iter().map(|id| (id.to_string(), result.to_string())).collect())
    }

    /// What a plain `proctor run` gives: suite unit skips `wip`, suite integration focuses on
    /// `smoke`, and the files' own `.only`, `.skip` and `.todo`.
    fn plain() -> Model {
        Model::all("passed").with(&[
            (ROUNDS, "skipped:suite-skip-tag"),
            (NOT_ONLY, "skipped:not-only"),
            (SKIPPED, "skipped:skip"),
            (REVERSES, "todo"),
            (WIP_PASSES, "skipped:suite-skip-tag"),
            (WIP_FAILS, "skipped:suite-skip-tag"),
            (WIP_AFTER, "skipped:suite-skip-tag"),
            (FULL_FLOW, "skipped:suite-focus-tags"),
            (MIGRATES, "skipped:suite-focus-tags"),
        ])
    }

    /// Sets some results; every id must be one of the fixture's.
    fn with(mut self, changes: &[(&str, &str)]) -> Model {
        for (id, result) in changes {
            assert!(self.0.contains_key(*id), "no test {id} in the model");
            self.0.insert(id.to_string(), result.to_string());
        }
        self
    }

    /// `unit/strings.test.js` is not loaded: its `.each` tests are reported once, under their
    /// name template, with the result `upper a` has in the model.
    fn strings_unloaded(mut self) -> Model {
        let result = self.0.remove(UPPER_A).expect("in the model");
        self.0.remove(UPPER_B);
        self.0.insert(UPPER_TEMPLATE.to_string(), result);
        self
    }
}

/// Runs the selection fixture with `args` and the JSON reporter; checks the exit code, the whole
/// model, and which files were loaded.
fn check(args: &[&str], code: i32, model: Model, loaded: &[&str]) -> Output {
    let project = Project::fixture("selection");
    let mut full = vec!["run", "--reporter", "json"];
    full.extend_from_slice(args);
    let out = project.run(&full);
    out.assert_code(code);
    assert_eq!(out.results(), model.0, "proctor {}\n--- stderr\n{}", args.join(" "), out.stderr);
    let mut files: Vec<String> = project.read("loaded.log").lines().map(str::to_owned).collect();
    files.sort();
    files.dedup();
    let mut expected: Vec<String> = loaded.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(files, expected, "files loaded by proctor {}", args.join(" "));
    out
}

fn run(args: &[&str]) -> Output {
    Project::fixture("selection").run(args)
}

// ---------------------------------------------------------------------------------------------
// The combination table, row by row (README "Combining selections").
// ---------------------------------------------------------------------------------------------

#[test]
fn row_0_nothing_asked_runs_what_the_suites_and_files_say() {
    check(&[], 0, Model::plain(), &[MATH, ONLY_FILE, STRINGS, API, DB]);
}

#[test]
fn row_1_except_removes_its_selection_and_beats_select() {
    let except_fast = Model::plain().with(&[
        (ADDS, "skipped:except"),
        (DIVIDES, "skipped:except"),
        (ROUNDS, "skipped:except"),
        (CONCAT, "skipped:except"),
        (CONNECTS, "skipped:except"),
    ]);
    // integration/db.test.js is left with nothing to run, so it is not loaded at all.
    check(&["--except", "fast"], 0, except_fast, &[MATH, ONLY_FILE, STRINGS, API]);

    // --except beats --select: arith's fast tests do not run.
    let both = Model::all("skipped:not-selected").with(&[
        (ADDS, "skipped:except"),
        (SUBTRACTS, "passed"),
        (MULTIPLIES, "passed"),
        (DIVIDES, "skipped:except"),
        (ROUNDS, "skipped:except"),
        (CONCAT, "skipped:except"),
        (UPPER_A, "passed"),
        (UPPER_B, "passed"),
        (SKIPPED, "skipped:skip"),
        (REVERSES, "todo"),
        (CONNECTS, "skipped:except"),
    ]);
    check(&["--select", "arith", "--except", "fast"], 0, both, &[MATH, STRINGS]);
}

#[test]
fn row_1_except_limited_to_suites_removes_only_there() {
    let model = Model::plain().with(&[
        (ADDS, "skipped:except"),
        (DIVIDES, "skipped:except"),
        (ROUNDS, "skipped:except"),
        (CONCAT, "skipped:except"),
    ]);
    check(&["--except", "fast", "unit"], 0, model, &[MATH, ONLY_FILE, STRINGS, API, DB]);
}

#[test]
fn row_2_select_limits_to_its_selection_by_ids_and_globs() {
    // arith = the `math` group (not `mathematics`: ids match at segment boundaries) and every
    // unit/**/str*.test.js file. The suite's skip-tags still apply inside a selection.
    let arith = Model::all("skipped:not-selected").with(&[
        (ADDS, "passed"),
        (SUBTRACTS, "passed"),
        (MULTIPLIES, "passed"),
        (DIVIDES, "passed"),
        (ROUNDS, "skipped:suite-skip-tag"),
        (CONCAT, "passed"),
        (UPPER_A, "passed"),
        (UPPER_B, "passed"),
        (SKIPPED, "skipped:skip"),
        (REVERSES, "todo"),
    ]);
    check(&["--select", "arith"], 0, arith.clone(), &[MATH, STRINGS]);

    // Several --select add up; the suite's focus-tags still apply inside a selection.
    let union = arith.with(&[(RESPONDS, "passed"), (FULL_FLOW, "skipped:suite-focus-tags")]);
    check(&["--select", "api", "--select", "arith"], 0, union, &[MATH, STRINGS, API]);
}

#[test]
fn row_2_select_by_tag_limited_to_suites() {
    let fast_in_unit = Model::all("skipped:not-selected").with(&[
        (ADDS, "passed"),
        (DIVIDES, "passed"),
        (ROUNDS, "skipped:suite-skip-tag"),
        (CONCAT, "passed"),
    ]);
    check(&["--select", "fast", "unit"], 0, fast_in_unit, &[MATH, STRINGS]);

    let fast_in_integration = Model::all("skipped:not-selected").with(&[(CONNECTS, "passed")]).strings_unloaded();
    check(&["--select", "fast", "integration"], 0, fast_in_integration, &[DB]);
}

#[test]
fn row_2_select_combines_with_focus_as_an_intersection() {
    let model = Model::all("skipped:not-selected")
        .with(&[
            (ADDS, "passed"),
            (SUBTRACTS, "skipped:not-focused"),
            (MULTIPLIES, "skipped:not-focused"),
            (DIVIDES, "skipped:not-focused"),
            (ROUNDS, "skipped:not-focused"),
            (CONCAT, "skipped:not-focused"),
            (UPPER_A, "skipped:not-focused"),
            (SKIPPED, "skipped:not-focused"),
            (REVERSES, "skipped:not-focused"),
        ])
        .strings_unloaded();
    check(&["--select", "arith", "--focus", ADDS], 0, model, &[MATH]);
}

#[test]
fn row_3_skip_id_beats_focus() {
    let skip_big = Model::plain().with(&[(MULTIPLIES, "skipped:skip-id"), (DIVIDES, "skipped:skip-id")]);
    check(&["--skip", "unit/math.test.js::math::big"], 0, skip_big, &[MATH, ONLY_FILE, STRINGS, API, DB]);

    // Focusing the file runs its wip test too (an id lifts the suite's skip-tags), but the
    // skipped group stays skipped.
    let model = Model::all("skipped:not-focused")
        .with(&[
            (ADDS, "passed"),
            (SUBTRACTS, "passed"),
            (MULTIPLIES, "skipped:skip-id"),
            (DIVIDES, "skipped:skip-id"),
            (ROUNDS, "passed"),
            (OTHER_GROUP, "passed"),
        ])
        .strings_unloaded();
    check(&["--focus", MATH, "--skip", "unit/math.test.js::math::big"], 0, model, &[MATH]);
}

#[test]
fn row_3_skip_id_with_a_suite_prefix() {
    let model = Model::plain().with(&[(CONNECTS, "skipped:skip-id"), (MIGRATES, "skipped:skip-id")]);
    check(&["--skip", "integration:integration/db.test.js"], 0, model, &[MATH, ONLY_FILE, STRINGS, API]);
}

#[test]
fn row_4_skip_tag_beats_focus_tag_and_tags_are_inherited() {
    // `divides` is slow through its describe's options.
    let skip_slow = Model::plain().with(&[
        (MULTIPLIES, "skipped:skip-tag"),
        (DIVIDES, "skipped:skip-tag"),
        (FULL_FLOW, "skipped:skip-tag"),
    ]);
    check(&["--skip-tag", "slow"], 0, skip_slow, &[MATH, ONLY_FILE, STRINGS, API, DB]);

    let fast_not_slow = Model::all("skipped:not-focused").with(&[
        (ADDS, "passed"),
        (DIVIDES, "skipped:skip-tag"),
        (ROUNDS, "skipped:suite-skip-tag"),
        (CONCAT, "passed"),
        (CONNECTS, "passed"),
        (FULL_FLOW, "skipped:skip-tag"),
        (MULTIPLIES, "skipped:skip-tag"),
    ]);
    check(&["--focus-tag", "fast", "--skip-tag", "slow"], 0, fast_not_slow, &[MATH, STRINGS, DB]);
}

#[test]
fn row_4_skip_tag_from_suite_config_skips_a_whole_suite_without_starting_it() {
    let model = Model::plain().with(&[
        (RESPONDS, "skipped:skip-tag"),
        (FULL_FLOW, "skipped:skip-tag"),
        (CONNECTS, "skipped:skip-tag"),
        (MIGRATES, "skipped:skip-tag"),
    ]);
    let out = check(&["--skip-tag", "integration"], 0, model, &[MATH, ONLY_FILE, STRINGS]);
    let started: Vec<String> =
        out.events_of("runtime-started").iter().map(|e| e["suite"].as_str().unwrap().to_owned()).collect();
    assert_eq!(started, vec!["unit"]);
}

#[test]
fn row_5_focus_by_id_matches_at_segment_boundaries() {
    // `math` matches `math::…` but not `mathematics`; naming the group lifts the suite's wip skip.
    let model = Model::all("skipped:not-focused")
        .with(&[
            (ADDS, "passed"),
            (SUBTRACTS, "passed"),
            (MULTIPLIES, "passed"),
            (DIVIDES, "passed"),
            (ROUNDS, "passed"),
        ])
        .strings_unloaded();
    check(&["--focus", "unit/math.test.js::math"], 0, model, &[MATH]);
}

#[test]
fn row_5_focus_by_tag_and_several_focuses_add_up() {
    let fast = Model::all("skipped:not-focused").with(&[
        (ADDS, "passed"),
        (DIVIDES, "passed"),
        (ROUNDS, "skipped:suite-skip-tag"),
        (CONCAT, "passed"),
        (CONNECTS, "passed"),
    ]);
    check(&["--focus-tag", "fast"], 0, fast, &[MATH, STRINGS, DB]);

    let union = Model::all("skipped:not-focused")
        .with(&[(ONLY, "passed"), (NOT_ONLY, "skipped:not-only"), (MIGRATES, "passed")])
        .strings_unloaded();
    check(&["--focus", ONLY_FILE, "--focus", MIGRATES], 0, union, &[ONLY_FILE, DB]);
}

#[test]
fn row_5_focus_a_directory_or_a_dynamic_name() {
    // A directory; a command-line focus replaces the suite's focus-tags.
    let integration = Model::all("skipped:not-focused")
        .with(&[(RESPONDS, "passed"), (FULL_FLOW, "passed"), (CONNECTS, "passed"), (MIGRATES, "passed")])
        .strings_unloaded();
    check(&["--focus", "integration/"], 0, integration, &[API, DB]);

    // A test whose name is only known at registration is decided then, by the same rules.
    let upper_a = Model::all("skipped:not-focused").with(&[(UPPER_A, "passed")]);
    check(&["--focus", UPPER_A], 0, upper_a, &[STRINGS]);
}

#[test]
fn row_6_suite_skip_tags_yield_to_focus_by_id_or_by_that_tag() {
    let by_id = Model::all("skipped:not-focused").with(&[(ROUNDS, "passed")]).strings_unloaded();
    check(&["--focus", ROUNDS], 0, by_id, &[MATH]);

    let by_tag = Model::all("skipped:not-focused")
        .with(&[(ROUNDS, "passed"), (WIP_PASSES, "passed"), (WIP_FAILS, "failed"), (WIP_AFTER, "passed")])
        .strings_unloaded();
    check(&["--focus-tag", "wip"], 1, by_tag, &[MATH, WIP]);

    // A selection does not lift them (it limits; it does not ask for wip).
    let fast = Model::all("skipped:not-selected").with(&[
        (ADDS, "passed"),
        (DIVIDES, "passed"),
        (ROUNDS, "skipped:suite-skip-tag"),
        (CONCAT, "passed"),
        (CONNECTS, "passed"),
    ]);
    check(&["--select", "fast"], 0, fast, &[MATH, STRINGS, DB]);
}

#[test]
fn row_7_suite_focus_tags_yield_to_any_command_line_focus() {
    let db = Model::all("skipped:not-focused").with(&[(CONNECTS, "passed"), (MIGRATES, "passed")]).strings_unloaded();
    check(&["--focus", DB], 0, db, &[DB]);

    // A suite's own tags count: every integration test carries `integration`.
    let tagged = Model::all("skipped:not-focused")
        .with(&[(RESPONDS, "passed"), (FULL_FLOW, "passed"), (CONNECTS, "passed"), (MIGRATES, "passed")])
        .strings_unloaded();
    check(&["--focus-tag", "integration"], 0, tagged, &[API, DB]);

    // A selection does not lift them.
    let api = Model::all("skipped:not-selected")
        .with(&[(RESPONDS, "passed"), (FULL_FLOW, "skipped:suite-focus-tags")])
        .strings_unloaded();
    check(&["--select", "api"], 0, api, &[API]);
}

#[test]
fn rows_8_and_9_no_flag_runs_a_todo_or_skip_test() {
    // The file still loads: its `.each` test's names are only known at registration, and one
    // of them could have been the focused id.
    let todo = Model::all("skipped:not-focused").with(&[(REVERSES, "todo")]);
    check(&["--focus", REVERSES], 4, todo, &[STRINGS]);

    let skip = Model::all("skipped:not-focused").with(&[(SKIPPED, "skipped:skip")]);
    check(&["--focus", SKIPPED], 4, skip, &[STRINGS]);
}

#[test]
fn row_10_only_applies_among_the_selected_tests_of_its_file() {
    // The plain run has `.only` at work (see row 0); focusing the other test runs it, and the
    // `.only` test, not selected, focuses nothing.
    let model = Model::all("skipped:not-focused").with(&[(NOT_ONLY, "passed")]).strings_unloaded();
    check(&["--focus", NOT_ONLY], 0, model, &[ONLY_FILE]);
}

#[test]
fn row_11_fail_fast_reports_the_rest_as_not_run_in_this_suite_and_the_next() {
    let focus = ["--focus", WIP, "--focus", DB];
    let without = Model::all("skipped:not-focused")
        .with(&[
            (WIP_PASSES, "passed"),
            (WIP_FAILS, "failed"),
            (WIP_AFTER, "passed"),
            (CONNECTS, "passed"),
            (MIGRATES, "passed"),
        ])
        .strings_unloaded();
    check(&focus, 1, without, &[WIP, DB]);

    let with = Model::all("skipped:not-focused")
        .with(&[
            (WIP_PASSES, "passed"),
            (WIP_FAILS, "failed"),
            (WIP_AFTER, "skipped:fail-fast"),
            (CONNECTS, "skipped:fail-fast"),
            (MIGRATES, "skipped:fail-fast"),
        ])
        .strings_unloaded();
    let mut args = vec!["--fail-fast"];
    args.extend_from_slice(&focus);
    // The integration suite never starts, so db.test.js is not loaded.
    let out = check(&args, 1, with, &[WIP]);
    let after = out.events().into_iter().find(|e| e["test"]["id"] == WIP_AFTER).unwrap();
    assert_eq!(after["reason"], format!("not run: --fail-fast after {WIP_FAILS} failed"));
    assert!(
        out.events_of("runtime-error").is_empty(),
        "the runtime was finished and shut down cleanly: {}",
        out.stdout
    );
    assert_eq!(out.events_of("runtime-started").len(), 1);

    let mut text_args = vec!["run", "--reporter", "dots"];
    text_args.extend_from_slice(&args);
    let text = run(&text_args);
    text.assert_code(1);
    assert!(
        text.stdout.contains(&format!("Stopped: 3 not run (--fail-fast after {WIP_FAILS} failed)")),
        "{}",
        text.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// Paths, errors and warnings.
// ---------------------------------------------------------------------------------------------

#[test]
fn paths_limit_the_plan_before_selection() {
    let project = Project::fixture("selection");
    let out = project.run(&["run", "--reporter", "json", "unit/math.test.js", "--focus-tag", "fast"]);
    out.assert_code(0);
    let expected: BTreeMap<String, String> = [
        (ADDS, "passed"),
        (SUBTRACTS, "skipped:not-focused"),
        (MULTIPLIES, "skipped:not-focused"),
        (DIVIDES, "passed"),
        (ROUNDS, "skipped:suite-skip-tag"),
        (OTHER_GROUP, "skipped:not-focused"),
    ]
    .iter()
    .map(|(id, r)| (id.to_string(), r.to_string()))
    .collect();
    assert_eq!(out.results(), expected);
}

#[test]
fn an_id_that_matches_nothing_is_an_error_that_suggests_the_closest() {
    let out = run(&["run", "--focus", "unit/math.test.js::math::ad"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("--focus unit/math.test.js::math::ad matches no file, group or test"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("did you mean one of unit/math.test.js::math::adds,"), "{}", out.stderr);

    let out = run(&["run", "--skip", "rounds"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains(
            "--skip rounds matches no file, group or test (hint: did you mean unit/math.test.js::math::rounds?)"
        ),
        "{}",
        out.stderr
    );

    let out = run(&["list", "--focus", "unit/nothing.test.js"]);
    out.assert_code(2);
    assert!(out.stderr.contains("--focus unit/nothing.test.js matches no file"), "{}", out.stderr);
}

#[test]
fn unknown_selections_and_suites_are_errors_that_suggest_the_closest() {
    let out = run(&["run", "--select", "fats"]);
    out.assert_code(2);
    assert!(out.stderr.contains("unknown selection \"fats\" in --select (hint: did you mean fast?)"), "{}", out.stderr);

    let out = run(&["run", "--except", "fast", "unitt"]);
    out.assert_code(2);
    assert!(
        out.stderr.contains("unknown suite \"unitt\" in --except fast (hint: did you mean unit?)"),
        "{}",
        out.stderr
    );

    let out = run(&["run", "--focus", "integraton:integration/db.test.js"]);
    out.assert_code(2);
    assert!(out.stderr.contains("unknown suite \"integraton\""), "{}", out.stderr);
    assert!(out.stderr.contains("did you mean integration?"), "{}", out.stderr);

    // A path after --select is read as a suite; the error says how to write it.
    let out = run(&["run", "--select", "fast", "unit/math.test.js"]);
    out.assert_code(2);
    assert!(out.stderr.contains("put paths before --select/--except, or after --"), "{}", out.stderr);
    run(&["run", "--reporter", "json", "unit/math.test.js", "--select", "fast"]).assert_code(0);
}

#[test]
fn a_tag_no_test_carries_is_a_warning_not_an_error() {
    let out = check(&["--skip-tag", "slo"], 0, Model::plain(), &[MATH, ONLY_FILE, STRINGS, API, DB]);
    assert!(
        out.stderr.contains("warning: --skip-tag slo: no test carries this tag (hint: did you mean slow?)"),
        "{}",
        out.stderr
    );

    let out = run(&["run", "--focus-tag", "nosuch", "--no-tests", "pass"]);
    out.assert_code(0);
    assert!(
        out.stderr.contains(
            "warning: --focus-tag nosuch: no test carries this tag (tags in use: fast, integration, slow, smoke, wip)"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_selection_that_matches_nothing_runs_nothing_says_so_and_exits_4() {
    let nothing = Model::all("skipped:not-selected").strings_unloaded();
    let out = check(&["--select", "nothing"], 4, nothing, &[]);
    assert!(
        out.stderr.contains("warning: --select nothing: the selection matches no test, so it runs nothing"),
        "{}",
        out.stderr
    );
    assert!(out.events_of("runtime-started").is_empty(), "no runtime starts");

    let text = run(&["run", "--reporter", "dots", "--select", "nothing"]);
    text.assert_code(4);
    assert!(text.stdout.contains("No tests ran."), "{}", text.stdout);
    run(&["run", "--select", "nothing", "--no-tests", "pass"]).assert_code(0);

    // Limited to a suite it has no tests in, a selection matches nothing too.
    let out = run(&["run", "--select", "api", "unit"]);
    out.assert_code(4);
    assert!(out.stderr.contains("--select api unit: the selection matches no test"), "{}", out.stderr);
}

// ---------------------------------------------------------------------------------------------
// list, --verbose.
// ---------------------------------------------------------------------------------------------

#[test]
fn list_shows_each_tests_state_and_reason_in_text_and_json() {
    let out = run(&["list", "--focus-tag", "fast"]);
    out.assert_code(0);
    let s = &out.stdout;
    assert!(s.contains("unit:unit/math.test.js::math::adds  [fast]  unit/math.test.js:8:3\n"), "{s}");
    assert!(s.contains("unit:unit/math.test.js::math::subtracts  unit/math.test.js:12:3  → skipped: not matched by any --focus or --focus-tag\n"), "{s}");
    assert!(
        s.contains("unit:unit/math.test.js::math::rounds  [wip, fast]  unit/math.test.js:26:3  → skipped: tagged wip, which suite unit skips (skip-tags in proctor.toml)\n"),
        "{s}"
    );
    assert!(
        s.contains("integration:integration/db.test.js::connects  [smoke, fast]  integration/db.test.js:6:1\n"),
        "{s}"
    );
    assert!(s.ends_with("\n19 tests: 4 selected, 15 skipped\n"), "{s}");

    let json = run(&["list", "--format", "json", "--focus-tag", "fast"]);
    json.assert_code(0);
    let plan: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let unit = &plan["suites"][0];
    assert_eq!(unit["id"], "unit");
    let math = unit["files"].as_array().unwrap().iter().find(|f| f["path"] == MATH).unwrap();
    assert_eq!(math["selected"], true);
    let subtracts = &math["nodes"][0]["children"][1];
    assert_eq!(subtracts["id"], SUBTRACTS);
    assert_eq!(subtracts["state"], "skipped");
    assert_eq!(subtracts["cause"], "not-focused");
    assert_eq!(subtracts["reason"], "not matched by any --focus or --focus-tag");
    assert_eq!(math["nodes"][0]["children"][0]["state"], "selected");
    let wip = unit["files"].as_array().unwrap().iter().find(|f| f["path"] == WIP).unwrap();
    assert_eq!(wip["selected"], false);
}

#[test]
fn verbose_shows_every_skipped_test_with_its_reason_and_counts_per_reason() {
    let quiet = run(&["run", "--reporter", "documentation", "--focus-tag", "fast"]);
    quiet.assert_code(0);
    assert!(quiet.stdout.contains("✓ adds"), "{}", quiet.stdout);
    assert!(!quiet.stdout.contains("subtracts"), "tests the flags left out are not listed: {}", quiet.stdout);
    assert!(quiet.stdout.contains("Tests:  4 passed, 16 skipped, 20 total"), "{}", quiet.stdout);
    assert!(quiet.stdout.contains("(--verbose shows the tests the selection left out, and why)"), "{}", quiet.stdout);

    let verbose = run(&["run", "--reporter", "documentation", "--focus-tag", "fast", "--verbose"]);
    verbose.assert_code(0);
    let s = &verbose.stdout;
    assert!(s.contains("○ subtracts [skipped: not matched by any --focus or --focus-tag]"), "{s}");
    assert!(s.contains("○ rounds [skipped: tagged wip, which suite unit skips (skip-tags in proctor.toml)]"), "{s}");
    assert!(s.contains("Skipped: 15 not focused by --focus/--focus-tag, 1 skipped by a suite's skip-tags"), "{s}");

    // dots: one character per test with --verbose, none for the tests the flags left out without.
    let dots = |args: &[&str]| {
        let out = run(args);
        out.stdout.lines().next().unwrap_or_default().to_owned()
    };
    assert_eq!(dots(&["run", "--reporter", "dots", "--focus-tag", "fast"]).len(), 4);
    assert_eq!(dots(&["run", "--reporter", "dots", "--focus-tag", "fast", "-v"]).len(), 20);
}

// ---------------------------------------------------------------------------------------------
// --seed, --random.
// ---------------------------------------------------------------------------------------------

fn shuffled(project: &Project, args: &[&str]) -> (Vec<String>, Output) {
    let mut full = vec!["run", "--reporter", "json"];
    full.extend_from_slice(args);
    let out = project.run(&full);
    out.assert_code(0);
    (out.order(), out)
}

#[test]
fn a_seed_shuffles_files_and_siblings_reproducibly_and_hooks_stay_correct() {
    let project = Project::fixture("shuffle");
    let (plain, _) = shuffled(&project, &[]);
    let (seven, out) = shuffled(&project, &["--seed", "7"]);
    assert_eq!(out.events_of("run-started")[0]["seed"], 7);
    assert_eq!(shuffled(&project, &["--seed", "7"]).0, seven, "the same seed gives the same order");
    assert_ne!(seven, plain);
    let mut sorted = seven.clone();
    sorted.sort();
    let mut all = plain.clone();
    all.sort();
    assert_eq!(sorted, all, "every test runs once");
    // The fixture's tests and afterAll hooks fail if a group's beforeAll ran twice or another
    // group was open: every seed must pass.
    let mut orders = std::collections::BTreeSet::new();
    for seed in ["1", "2", "3", "4", "5"] {
        let (order, out) = shuffled(&project, &["--seed", seed]);
        assert!(out.events_of("runtime-error").is_empty(), "seed {seed}: {}", out.stdout);
        orders.insert(order);
    }
    assert!(orders.len() > 1, "different seeds give different orders");
}

#[test]
fn random_prints_its_seed_and_the_seed_replays_the_order() {
    let project = Project::fixture("shuffle");
    let (order, out) = shuffled(&project, &["--random"]);
    let seed = out.events_of("run-started")[0]["seed"].as_u64().expect("--random records its seed");
    let (replayed, _) = shuffled(&project, &["--seed", &seed.to_string()]);
    assert_eq!(replayed, order);

    let text = project.run(&["run", "--reporter", "dots", "--random"]);
    text.assert_code(0);
    assert!(text.stdout.contains("Seed:   "), "{}", text.stdout);
    assert!(text.stdout.contains("(replay this order with --seed "), "{}", text.stdout);

    project.run(&["run", "--seed", "1", "--random"]).assert_code(2);
}

#[test]
fn files_left_out_by_the_selection_report_no_load_errors() {
    // basic has a file that does not parse and one that throws while loading; focusing another
    // file loads neither, so neither error is reported.
    let project = Project::fixture("basic");
    let out = project.run(&["run", "--reporter", "json", "--focus", "hooks.test.js"]);
    out.assert_code(0);
    assert!(out.events_of("load-error").is_empty(), "{}", out.stdout);
    let ran: Vec<String> = out.results().into_iter().filter(|(_, r)| r == "passed").map(|(id, _)| id).collect();
    assert_eq!(
        ran,
        vec!["hooks.test.js::checks the order", "hooks.test.js::outer::first", "hooks.test.js::outer::inner::second"]
    );
    // Without a selection they are reported as before.
    assert_eq!(project.run(&["run", "--reporter", "json"]).events_of("load-error").len(), 2);
}
