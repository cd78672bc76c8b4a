//! End to end: `proctor hunt` (issue 16 point 5) in real git repositories made here. A hunt
//! over three commits records each one's counts under its own commit and tree; `[hunt] prepare`
//! runs in each commit's worktree, and a failing one skips that commit alone; `--follow` tests a
//! commit made while it runs, found by polling or at once through `proctor serve`'s hook route;
//! SIGINT keeps what was recorded; the run a SIGKILLed hunt left going is stopped by the next
//! hunt before it sweeps the worktree. Every hunt must leave `git worktree list` with the main tree
//! only and the user's working tree as it was.

use proctor_e2e::background::Background;
use proctor_e2e::Project;
use serde_json::Value;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// A test file whose `two` passes when `EXPECTED` is 2.
fn tests(expected: u32) -> String {
    format!(
        "import {{ test, expect }} from \"proctor\";\n\n\
         test(\"one\", () => {{\n  expect(1).toBe(1);\n}});\n\n\
         test(\"two\", () => {{\n  expect(2).toBe({expected});\n}});\n"
    )
}

/// Commits everything in the project; returns the new commit.
fn commit(project: &Project, message: &str) -> String {
    project.git(&["add", "-A"]);
    project.git(&["commit", "-q", "-m", message]);
    project.git(&["rev-parse", "HEAD"])
}

/// A repository with a base commit holding no tests (so `base..main` is what follows it).
fn repository() -> (Project, String) {
    let project = Project::empty();
    project.git(&["init", "-q", "-b", "main"]);
    project.write(".gitignore", ".proctor/\n");
    let base = commit(&project, "base");
    (project, base)
}

/// The paths of `git worktree list`.
fn worktrees(project: &Project) -> Vec<String> {
    let list = project.git(&["worktree", "list", "--porcelain"]);
    list.lines().filter_map(|l| l.strip_prefix("worktree ")).map(str::to_owned).collect()
}

/// Asserts only the project's own tree is left.
fn only_the_main_tree(project: &Project) {
    let trees = worktrees(project);
    assert_eq!(trees.len(), 1, "{trees:?}");
    let main = std::path::Path::new(&trees[0]).canonicalize().unwrap();
    assert_eq!(main, project.path().canonicalize().unwrap());
}

/// (commit, tree, passed, failed, uncommitted) of each history row of `test`, newest first.
fn history(project: &Project, test: &str) -> Vec<(String, String, u64, u64, bool)> {
    let out = project.run(&["history", test, "--json"]);
    out.assert_code(0);
    let json: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    json["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["commit"].as_str().unwrap().to_owned(),
                r["tree"].as_str().unwrap_or_default().to_owned(),
                r["passed"].as_u64().unwrap(),
                r["failed"].as_u64().unwrap(),
                r["uncommitted"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// The `--json` summary of a hunt.
fn summary(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// (commit, result) of each commit of a `--json` summary.
fn verdicts(summary: &Value) -> Vec<(String, String)> {
    let commits = summary["commits"].as_array().unwrap();
    commits
        .iter()
        .map(|c| (c["commit"].as_str().unwrap().to_owned(), c["result"].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn a_hunt_over_three_commits_records_each_commits_counts_under_it() {
    let (project, base) = repository();
    project.write("a.test.js", &tests(2));
    let good = commit(&project, "good");
    project.write("a.test.js", &tests(3));
    let broken = commit(&project, "break two");
    project.write("a.test.js", &tests(2));
    let fixed = commit(&project, "fix two");
    // An uncommitted change of the user's, which the hunt must neither see nor touch.
    project.write("a.test.js", &format!("{}// mine\n", tests(2)));
    // A worktree left by a hunt that was killed (a pid no process has).
    let stale = tempfile::Builder::new().prefix("proctor-hunt-4194304-").tempdir().unwrap();
    let stale_tree = stale.path().join("tree");
    project.git(&["worktree", "add", "--detach", "--quiet", stale_tree.to_str().unwrap(), &good]);
    assert_eq!(worktrees(&project).len(), 2);

    let out = project.run(&["hunt", "--commits", &format!("{base}..main"), "--runs", "3", "--json"]);
    out.assert_code(1);
    assert!(out.stderr.contains("removed 1 worktree(s) left by a hunt that was killed"), "{}", out.stderr);
    assert!(!stale.path().exists(), "the stale worktree's directory is gone");
    let summary = summary(&out.stdout);
    let expected = [(good.clone(), "passed"), (broken.clone(), "failed"), (fixed.clone(), "passed")];
    let expected: Vec<(String, String)> = expected.iter().map(|(c, r)| (c.clone(), r.to_string())).collect();
    assert_eq!(verdicts(&summary), expected, "oldest first: {summary}");
    let broken_tests = &summary["commits"][1]["tests"];
    assert_eq!(broken_tests.as_array().unwrap().len(), 1, "only the failing test: {broken_tests}");
    assert_eq!(
        (&broken_tests[0]["id"], &broken_tests[0]["passed"], &broken_tests[0]["failed"]),
        (&Value::from("a.test.js::two"), &Value::from(0), &Value::from(3))
    );
    assert_eq!(summary["commits"][0]["tests_run"], 6, "two tests, three runs");

    let tree = |sha: &str| project.git(&["rev-parse", &format!("{sha}^{{tree}}")]);
    assert_eq!(
        history(&project, "a.test.js::two"),
        [
            (fixed.clone(), tree(&fixed), 3, 0, false),
            (broken.clone(), tree(&broken), 0, 3, false),
            (good.clone(), tree(&good), 3, 0, false),
        ],
        "each commit's counts under its commit and tree, none uncommitted"
    );
    only_the_main_tree(&project);
    assert_eq!(project.git(&["status", "--porcelain"]), "M a.test.js", "the user's change is still there");
    assert!(project.read("a.test.js").ends_with("// mine\n"));

    // One commit, and a list; the table names each.
    let one = project.run(&["hunt", "--commits", &broken[..10]]);
    one.assert_code(1);
    assert!(one.stdout.contains(&format!("{}  FAILED", &broken[..12])), "{}", one.stdout);
    let list = project.run(&["hunt", "--commits", &format!("{good},{fixed}")]);
    list.assert_code(0);
    assert_eq!(list.stdout.lines().filter(|l| l.contains("  passed ")).count(), 2, "{}", list.stdout);
    let unknown = project.run(&["hunt", "--commits", "nope..main"]);
    unknown.assert_code(2);
    assert!(unknown.stderr.contains("`nope` is not a commit git knows"), "{}", unknown.stderr);
    let own = project.run(&["hunt", "--commits", "main", "--", "--root=elsewhere"]);
    own.assert_code(2);
    assert!(own.stderr.contains("`--root` cannot be given to the runs of a hunt"), "{}", own.stderr);
    only_the_main_tree(&project);
}

#[test]
fn prepare_runs_in_each_commits_worktree_and_a_failing_one_skips_that_commit() {
    let (project, base) = repository();
    let prepared = "import { test, expect } from \"proctor\";\nimport fs from \"node:fs\";\n\n\
                    test(\"prepared\", () => {\n  expect(fs.readFileSync(\"marker.txt\", \"utf8\").trim()).toBe(\"made by prepare\");\n});\n";
    project.write("a.test.js", prepared);
    project.write("proctor.toml", "[hunt]\nprepare = \"echo preparing >&2 && echo made by prepare > marker.txt\"\n");
    let first = commit(&project, "prepare writes the marker");
    project.write("proctor.toml", "[hunt]\nprepare = \"echo prepare is broken >&2; exit 3\"\n");
    let broken = commit(&project, "prepare fails");
    project.write("proctor.toml", "[hunt]\nprepare = \"echo preparing >&2 && echo made by prepare > marker.txt\"\n");
    let last = commit(&project, "prepare works again");

    let out = project.run(&["hunt", "--commits", &format!("{base}..HEAD"), "--runs", "2", "--json"]);
    out.assert_code(1);
    let summary = summary(&out.stdout);
    let expected: Vec<(String, String)> =
        [(first, "passed"), (broken.clone(), "prepare-failed"), (last.clone(), "passed")]
            .iter()
            .map(|(c, r)| (c.clone(), r.to_string()))
            .collect();
    assert_eq!(verdicts(&summary), expected, "{summary}\n{}", out.stderr);
    assert_eq!(summary["commits"][1]["exit_code"], 3);
    assert_eq!(
        out.stderr.lines().filter(|l| *l == "preparing").count(),
        2,
        "prepare's output is shown: {}",
        out.stderr
    );
    assert!(out.stderr.contains("prepare is broken"), "{}", out.stderr);
    assert!(out.stderr.contains("prepare failed (exit code 3)"), "{}", out.stderr);
    let recorded: Vec<String> = history(&project, "a.test.js::prepared").into_iter().map(|r| r.0).collect();
    assert_eq!(recorded.len(), 2, "nothing is recorded for the commit whose prepare failed");
    assert!(!recorded.contains(&broken));
    assert!(!project.path().join("marker.txt").exists(), "prepare ran in the worktrees, not here");
    only_the_main_tree(&project);
}

/// Waits until `path` exists in the project (at most 30 s).
fn wait_for_file(project: &Project, rel: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !project.path().join(rel).is_file() {
        assert!(Instant::now() < deadline, "{rel} never appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends SIGINT and waits for the exit code.
fn interrupt(hunt: &mut Background) -> i32 {
    // SAFETY: kill(2) on the test's own child; no memory is involved.
    unsafe { libc::kill(hunt.child.id() as libc::pid_t, libc::SIGINT) };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = hunt.child.try_wait().unwrap() {
            return status.code().unwrap_or(-1);
        }
        assert!(Instant::now() < deadline, "the hunt did not stop:\n{}", hunt.log());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn follow_tests_a_commit_made_while_it_polls_and_sigint_stops_it_cleanly() {
    let (project, _) = repository();
    project.write("a.test.js", &tests(2));
    let first = commit(&project, "first");
    let mut hunt = Background::spawn(&project, &["hunt", "--follow", "main", "--poll", "200ms"]);
    hunt.wait_for(&format!("{} first: passed", &first[..12]), 1, Duration::from_secs(60));
    project.write("a.test.js", &tests(3));
    let second = commit(&project, "second");
    project.write("a.test.js", &tests(2));
    let third = commit(&project, "third");
    let log = hunt.wait_for(&format!("{} third: passed", &third[..12]), 1, Duration::from_secs(60));
    assert!(log.contains(&format!("{} second: FAILED", &second[..12])), "every new commit is tested:\n{log}");
    assert_eq!(interrupt(&mut hunt), 130, "{}", hunt.log());
    assert!(hunt.log().contains("hunt interrupted by SIGINT"), "{}", hunt.log());
    let commits: Vec<String> = history(&project, "a.test.js::two").into_iter().map(|r| r.0).collect();
    assert_eq!(commits.len(), 3, "{commits:?}");
    for sha in [&first, &second, &third] {
        assert!(commits.contains(sha), "{sha} in {commits:?}");
    }
    only_the_main_tree(&project);
}

#[test]
fn follow_tests_a_new_commit_at_once_when_serve_hears_the_git_hook() {
    let (project, _) = repository();
    project.write("a.test.js", &tests(2));
    let first = commit(&project, "first");
    let _serve = Background::spawn(&project, &["serve"]);
    wait_for_file(&project, ".proctor/server.json");
    let record: Value = serde_json::from_str(&project.read(".proctor/server.json")).unwrap();
    let (port, token) = (record["port"].as_u64().unwrap() as u16, record["token"].as_str().unwrap().to_owned());
    // A poll far longer than the test may take: only the hook can wake it.
    let mut hunt = Background::spawn(&project, &["hunt", "--follow", "main", "--poll", "60m"]);
    hunt.wait_for(&format!("{} first: passed", &first[..12]), 1, Duration::from_secs(60));
    project.write("b.test.js", &tests(2));
    let second = commit(&project, "second");
    let post = |token: &str| {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(stream, "POST /hooks/commit HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    };
    assert!(post("wrong").starts_with("HTTP/1.1 401"), "the hook route is behind the token");
    let answer = post(&token);
    assert!(answer.starts_with("HTTP/1.1 202"), "{answer}");
    hunt.wait_for(&format!("{} second: passed", &second[..12]), 1, Duration::from_secs(30));
    assert_eq!(interrupt(&mut hunt), 130, "{}", hunt.log());
    only_the_main_tree(&project);
}

/// Commits (as `first`) a test that takes 100 ms and appends a line to `progress.txt` at each
/// run, outside the worktree, so a test sees progress without opening the database the run
/// writes; returns the commit.
fn slow_test(project: &Project) -> String {
    let progress = project.path().join("progress.txt");
    let slow = format!(
        "import {{ test }} from \"proctor\";\nimport fs from \"node:fs\";\n\n\
         test(\"slow\", async () => {{\n  await new Promise((done) => setTimeout(done, 100));\n  \
         fs.appendFileSync({:?}, \"ran\\n\");\n}});\n",
        progress.to_str().unwrap()
    );
    project.write(".gitignore", ".proctor/\nprogress.txt\n");
    project.write("a.test.js", &slow);
    commit(project, "first")
}

#[test]
fn sigint_during_a_hunt_keeps_the_results_recorded_so_far_and_removes_the_worktree() {
    let (project, base) = repository();
    let first = slow_test(&project);
    project.write("b.txt", "more\n");
    commit(&project, "second");
    let mut hunt = Background::spawn(&project, &["hunt", "--commits", &format!("{base}..main"), "--runs", "200"]);
    hunt.wait_for(&format!("testing {}", &first[..12]), 1, Duration::from_secs(60));
    // Interrupted once some runs are done, far from the 200 asked for.
    let deadline = Instant::now() + Duration::from_secs(60);
    while project.read("progress.txt").lines().count() < 3 {
        assert!(Instant::now() < deadline, "no run finished:\n{}", hunt.log());
        std::thread::sleep(Duration::from_millis(20));
    }
    let seen = project.read("progress.txt").lines().count() as u64;
    assert_eq!(interrupt(&mut hunt), 130, "{}", hunt.log());
    let log = hunt.log();
    assert!(log.contains(&format!("{} first: interrupted", &first[..12])), "{log}");
    assert!(!log.contains("second"), "the next commit is not started:\n{log}");
    let rows = history(&project, "a.test.js::slow");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].0, first);
    // The run in flight when the signal came may be cut short; every one before it is kept.
    assert!(rows[0].2 + 1 >= seen && rows[0].2 < 200, "the runs so far are kept ({seen} seen before): {rows:?}");
    only_the_main_tree(&project);
    let leftovers: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(&format!("proctor-hunt-{}-", hunt.child.id())))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_hunt_stops_the_run_a_killed_hunt_left_going_before_it_sweeps_its_worktree() {
    let (project, _) = repository();
    let first = slow_test(&project);
    let progress = project.path().join("progress.txt");
    let ran = || if progress.exists() { project.read("progress.txt").lines().count() } else { 0 };
    let mut hunt = Background::spawn(&project, &["hunt", "--commits", &first, "--runs", "1000"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while ran() < 2 {
        assert!(Instant::now() < deadline, "no run finished:\n{}", hunt.log());
        std::thread::sleep(Duration::from_millis(20));
    }
    // Its worktree's temp dir names the run's process group.
    let holder = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with(&format!("proctor-hunt-{}-", hunt.child.id())))
        .expect("the hunt's worktree")
        .path();
    let pgid: i32 = std::fs::read_to_string(holder.join("child.pgid")).unwrap().trim().parse().unwrap();

    hunt.child.kill().unwrap();
    hunt.child.wait().unwrap();
    // The run goes on without its hunt (it is in a process group of its own).
    let seen = ran();
    let deadline = Instant::now() + Duration::from_secs(30);
    while ran() < seen + 2 {
        assert!(Instant::now() < deadline, "the killed hunt's run stopped by itself");
        std::thread::sleep(Duration::from_millis(20));
    }
    let running = |pid: i32| {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|stat| stat.rsplit_once(')').is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z')))
    };
    assert!(running(pgid), "the run is still going");

    // The next hunt stops it (SIGTERM: it records what it ran), then removes the worktree.
    let seen = ran() as u64;
    let out = project.run(&["hunt", "--commits", &first]);
    out.assert_code(0);
    assert!(
        out.stderr.contains("stopped 1 run(s) still going in the worktrees of a hunt that was killed"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("removed 1 worktree(s) left by a hunt that was killed"), "{}", out.stderr);
    assert!(!running(pgid), "the killed hunt's run has stopped");
    assert!(!holder.exists(), "its worktree is gone");
    only_the_main_tree(&project);
    let rows = history(&project, "a.test.js::slow");
    assert_eq!((rows.len(), rows[0].0.as_str()), (1, first.as_str()), "{rows:?}");
    // The stopped run's tries are recorded (the one in flight may be cut short), plus the new
    // hunt's one.
    assert!(rows[0].2 + 1 >= seen + 1, "{seen} seen: {rows:?}");
}
