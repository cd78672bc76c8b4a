//! End to end: proctor.toml's `global-setup` (Vitest's `globalSetup`, Jest's
//! `globalSetup`/`globalTeardown`) — a TypeScript module run once before the runtimes, whose
//! environment the tests see and whose teardown runs after a failing run, after an interrupted
//! one, and a setup that throws stopping the run with its own location.

use proctor_e2e::{model, Project};
use std::time::{Duration, Instant};

const SETUP: &str = "import { writeFileSync } from \"node:fs\";\n\
    interface Marker { at: string }\n\
    export default function setup(): () => void {\n  \
    const marker: Marker = { at: \"setup\" };\n  writeFileSync(\"setup-ran.txt\", marker.at);\n  \
    process.env.GLOBAL_ANSWER = \"42\";\n  \
    return () => writeFileSync(\"teardown-ran.txt\", \"teardown\");\n}\n";

fn project(test: &str) -> Project {
    let project = Project::empty();
    project
        .write(
            "proctor.toml",
            "global-setup = [\"test/global-setup.ts\"]\n\n[[suite]]\nid = \"unit\"\ntests = [\"test/*.test.ts\"]\n",
        )
        .write("test/global-setup.ts", SETUP)
        .write("test/env.test.ts", test);
    project
}

#[test]
fn global_setup_runs_first_its_env_reaches_the_tests_and_teardown_follows_a_failing_run() {
    let project = project(
        "import { expect, it } from \"proctor\";\nimport { existsSync } from \"node:fs\";\n\n\
         it(\"sees what the setup did\", () => {\n  expect(process.env.GLOBAL_ANSWER).toBe(\"42\");\n  \
         expect(existsSync(\"setup-ran.txt\")).toBe(true);\n  expect(existsSync(\"teardown-ran.txt\")).toBe(false);\n});\n\n\
         it(\"fails\", () => {\n  expect(1).toBe(2);\n});\n",
    );
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    assert_eq!(
        out.outcomes(),
        model(&[("test/env.test.ts::sees what the setup did", "passed"), ("test/env.test.ts::fails", "failed")])
    );
    assert_eq!(project.read("teardown-ran.txt"), "teardown", "teardown ran after the failing run");
}

#[test]
fn a_setup_that_throws_stops_the_run_naming_its_file() {
    let project = project("import { it } from \"proctor\";\nit(\"never runs\", () => {});\n");
    project.write(
        "test/global-setup.ts",
        "export default function setup(): void {\n  throw new Error(\"no database\");\n}\n",
    );
    let out = project.run(&["run"]);
    out.assert_code(2);
    assert!(out.stderr.contains("global setup failed"), "{}", out.stderr);
    assert!(out.stderr.contains("no database"), "{}", out.stderr);
    assert!(out.stderr.contains("global-setup.ts:2"), "the setup's own .ts line: {}", out.stderr);
}

#[test]
fn teardown_runs_after_an_interrupted_run() {
    let project = project(
        "import { it } from \"proctor\";\nimport { writeFileSync } from \"node:fs\";\n\n\
         it(\"hangs\", { timeout: 60000 }, () => {\n  writeFileSync(\"started.txt\", \"yes\");\n  return new Promise(() => {});\n});\n",
    );
    let mut child = project.command(&["run", "--reporter", "json"]).spawn().expect("proctor starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while project.read("started.txt").is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(project.read("started.txt"), "yes", "the test started");
    // SIGTERM, as CI cancelling a job sends it.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().expect("proctor exits");
    assert_eq!(status.code(), Some(143), "SIGTERM's exit code");
    assert_eq!(project.read("teardown-ran.txt"), "teardown", "teardown ran after the interruption");
}
