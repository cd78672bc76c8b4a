//! End to end for issue 15 point 5, terminal output: a closed pipe after `proctor list
//! --format json`, durations in `--print-config` as written, warnings for config keys that do
//! nothing in a suite's runtime, stack order and code frames, colour (flags, `NO_COLOR`,
//! `FORCE_COLOR`, a terminal through `script`), and passed tests' console output with
//! `--silent`. The `run --help` headings are a unit test in `cli.rs`.

use proctor_e2e::{Output, Project};
use std::process::Command;

/// Runs `proctor ARGS | head -n 1` in bash; the output is proctor's exit code and stderr.
fn piped_into_head(project: &Project, args: &str) -> Output {
    let script =
        format!("\"{}\" {args} | head -n 1 >/dev/null; exit ${{PIPESTATUS[0]}}", proctor_e2e::proctor_bin().display());
    Output::of(Command::new("bash").arg("-c").arg(script).current_dir(project.path()).output().expect("bash runs"))
}

#[test]
fn issue_15_list_as_json_into_head_exits_quietly() {
    let project = Project::empty();
    // Far more plan than a pipe buffers, so the write meets the closed pipe.
    let tests: String = (0..3000).map(|i| format!("it(\"test number {i}\", () => {{}});\n")).collect();
    project.write("test/many.test.js", &format!("import {{ it }} from \"proctor\";\n{tests}"));
    for args in ["list --format json", "list", "run --print-config", "list --print-config"] {
        let out = piped_into_head(&project, args);
        out.assert_code(0);
        assert!(out.stderr.is_empty(), "{args}: nothing on stderr: {}", out.stderr);
    }
}

#[test]
fn issue_15_print_config_shows_durations_as_written() {
    let project = Project::empty();
    project.write("proctor.toml", "[[suite]]\nid = \"unit\"\ntests = [\"test/**/*.test.js\"]\ntimeout = \"1500ms\"\n\n[[suite]]\nid = \"slow\"\ntests = [\"slow/**/*.test.js\"]\ntimeout = \"2m\"\n");
    let out = project.run(&["run", "--print-config", "--timeout", "5s"]);
    out.assert_code(0);
    let config: serde_json::Value = serde_json::from_str(&out.stdout).expect("the config is JSON");
    assert_eq!(config["timeout_override"], "5s", "{}", out.stdout);
    let timeouts: Vec<_> = config["suites"].as_array().expect("suites").iter().map(|s| s["timeout"].clone()).collect();
    assert_eq!(timeouts, vec![serde_json::json!("1500ms"), serde_json::json!("2m")], "{}", out.stdout);
    assert!(!out.stdout.contains("nanos"), "{}", out.stdout);
}

#[test]
fn issue_15_a_browser_only_key_on_a_node_suite_is_a_warning_naming_its_line() {
    let project = Project::empty();
    project
        .write("proctor.toml", "[[suite]]\nid = \"unit\"\ntests = [\"test/**/*.test.js\"]\nbuild = \"esbuild\"\n")
        .write("test/a.test.js", "import { it } from \"proctor\";\nit(\"passes\", () => {});\n");
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(0);
    assert_eq!(out.outcomes(), proctor_e2e::model(&[("test/a.test.js::passes", "passed")]));
    let warnings: Vec<&str> = out.stderr.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(warnings.len(), 1, "{}", out.stderr);
    assert!(
        warnings[0].contains("proctor.toml:4:9: `build` has no effect in suite \"unit\", which runs only in node"),
        "{}",
        out.stderr
    );
    let out = project.run(&["list"]);
    assert_eq!(out.stderr.lines().filter(|l| l.contains("warning")).count(), 1, "list warns too: {}", out.stderr);
    // Run in chromium, the key does something: no warning.
    let out = project.run(&["run", "--runtime", "chromium", "--print-config"]);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
}

#[test]
fn issue_15_stack_frames_keep_the_runtime_order_and_the_code_frame_is_in_project_code() {
    let project = Project::empty();
    project
        .write("node_modules/strict-parse/package.json", "{\"name\":\"strict-parse\",\"type\":\"module\",\"main\":\"index.js\"}\n")
        .write("node_modules/strict-parse/index.js", "export function parse(text) {\n  throw new Error(`cannot parse ${text}`);\n}\n")
        .write(
            "src/load.js",
            "import { parse } from \"strict-parse\";\n// line 2\n// line 3\nexport function load(text) {\n  return parse(text);\n}\n// line 7\n// line 8\n",
        )
        .write(
            "test/load.test.js",
            "import { it } from \"proctor\";\nimport { load } from \"../src/load.js\";\nit(\"loads\", () => {\n  load(\"x\");\n});\n",
        );
    let out = project.run(&["run", "--reporter", "documentation"]);
    out.assert_code(1);
    let s = &out.stdout;
    let at = |needle: &str| s.find(needle).unwrap_or_else(|| panic!("{needle} in:\n{s}"));
    let (dependency, project_line, test) =
        (at("node_modules/strict-parse/index.js:2:"), at("at load (src/load.js:5:"), at("test/load.test.js:4:"));
    assert!(dependency < project_line && project_line < test, "frames in the runtime's order:\n{s}");
    // The code frame: src/load.js line 5 with two lines either side, not the dependency's line.
    for context in ["// line 3", "export function load(text) {", "return parse(text);", "// line 7"] {
        assert!(s[test..].contains(context), "{context} in the code frame:\n{s}");
    }
    assert!(!s[test..].contains("// line 8"), "two lines after, not three:\n{s}");
    assert!(!s[test..].contains("throw new Error(`cannot parse"), "no frame in node_modules:\n{s}");
}

const PASS_AND_FAIL: &str =
    "import { it, expect } from \"proctor\";\nit(\"passes\", () => {});\nit(\"fails\", () => { expect({ a: 1 }).toEqual({ a: 2 }); });\n";

/// Runs proctor with `env` on top of an environment that sets neither colour variable.
fn run_colour(project: &Project, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = project.command(args);
    command.env_remove("NO_COLOR").env_remove("FORCE_COLOR").envs(env.iter().copied());
    Output::of(command.output().expect("proctor runs"))
}

/// True when `text` holds an ANSI colour escape.
fn coloured(text: &str) -> bool {
    text.contains("\u{1b}[")
}

#[test]
fn issue_15_colour_only_on_a_terminal_or_when_asked_and_never_with_no_color() {
    let project = Project::empty();
    project.write("test/a.test.js", PASS_AND_FAIL);
    for reporter in ["dots", "documentation"] {
        let piped = run_colour(&project, &["run", "--reporter", reporter], &[]);
        piped.assert_code(1);
        assert!(!coloured(&piped.stdout), "{reporter}: none in a pipe:\n{}", piped.stdout);
        for (args, env) in [
            (vec!["--color", "always"], vec![]),
            (vec!["--color=always"], vec![("NO_COLOR", "1")]),
            (vec![], vec![("FORCE_COLOR", "1")]),
        ] {
            let mut all = vec!["run", "--reporter", reporter];
            all.extend(args.iter().copied());
            let out = run_colour(&project, &all, &env);
            out.assert_code(1);
            assert!(coloured(&out.stdout), "{reporter} {args:?} {env:?}: colour:\n{}", out.stdout);
            assert!(out.stdout.contains("\u{1b}[31m"), "{reporter}: red for the failure:\n{}", out.stdout);
            assert!(out.stdout.contains("\u{1b}[32m"), "{reporter}: green for the pass or the diff:\n{}", out.stdout);
        }
        for (args, env) in
            [(vec!["--color", "never"], vec![("FORCE_COLOR", "1")]), (vec![], vec![("FORCE_COLOR", "0")])]
        {
            let mut all = vec!["run", "--reporter", reporter];
            all.extend(args.iter().copied());
            let out = run_colour(&project, &all, &env);
            assert!(!coloured(&out.stdout), "{reporter} {args:?} {env:?}: no colour:\n{}", out.stdout);
        }
    }
    // JSON is for machines: never coloured.
    let json = run_colour(&project, &["run", "--reporter", "json", "--color", "always"], &[]);
    assert!(!coloured(&json.stdout), "{}", json.stdout);
}

#[test]
fn issue_15_a_terminal_gets_colour_and_no_color_turns_it_off() {
    let project = Project::empty();
    project.write("test/a.test.js", PASS_AND_FAIL);
    let tty = project.on_a_terminal("run", "");
    assert!(tty.contains("✓") && tty.contains("passes"), "the documentation reporter on a terminal:\n{tty}");
    assert!(tty.contains("\u{1b}[32m✓"), "a green ✓ on a terminal:\n{tty:?}");
    assert!(tty.contains("\u{1b}[31m"), "red for the failure:\n{tty:?}");
    let plain = project.on_a_terminal("run", "NO_COLOR=1");
    assert!(plain.contains("passes"), "{plain}");
    assert!(!plain.contains("\u{1b}[3"), "NO_COLOR: no colour on a terminal:\n{plain:?}");
    let never = project.on_a_terminal("run --color never", "");
    assert!(!never.contains("\u{1b}[3"), "--color never:\n{never:?}");
}

#[test]
fn issue_15_console_of_passing_tests_is_shown_and_silent_hides_it() {
    let project = Project::empty();
    project.write(
        "test/a.test.js",
        "import { it } from \"proctor\";\nit(\"passes\", () => { console.log([\"from\", \"the\", \"pass\"].join(\" \")); });\nit(\"fails\", () => { console.log([\"from\", \"the\", \"failure\"].join(\" \")); throw new Error(\"no\"); });\n",
    );
    for reporter in ["dots", "documentation"] {
        let out = project.run(&["run", "--reporter", reporter]);
        out.assert_code(1);
        assert!(
            out.stdout.contains("from the pass") && out.stdout.contains("from the failure"),
            "{reporter}:\n{}",
            out.stdout
        );
        let silent = project.run(&["run", "--reporter", reporter, "--silent"]);
        silent.assert_code(1);
        assert!(!silent.stdout.contains("from the"), "{reporter} --silent:\n{}", silent.stdout);
        let failing = project.run(&["run", "--reporter", reporter, "--silent=passed-only"]);
        failing.assert_code(1);
        assert!(
            !failing.stdout.contains("from the pass") && failing.stdout.contains("from the failure"),
            "{reporter} --silent=passed-only:\n{}",
            failing.stdout
        );
    }
    // `--silent` takes no value unless given with `=`: a path after it is still a path.
    let out = project.run(&["run", "--reporter", "json", "--silent", "test/a.test.js"]);
    out.assert_code(1);
    assert_eq!(out.outcomes().len(), 2, "{}", out.stderr);
}
