//! End to end: snapshot testing in real node and Chromium. New snapshots are written in Jest's
//! `.snap` format beside the test file, matching ones pass, differing ones fail with a diff,
//! CI writes nothing and fails on a missing one, `-u` rewrites and removes obsolete ones.

use proctor_e2e::Project;

const TEST: &str = r#"import { describe, it, expect } from "proctor";
describe("card", () => {
  it("renders", () => {
    expect({ title: "Hello", tags: ["a", "b"] }).toMatchSnapshot();
    expect("footer").toMatchSnapshot("footer");
  });
  it("rejects bad input", () => {
    expect(() => {
      throw new Error("bad input");
    }).toThrowErrorMatchingSnapshot();
  });
});
"#;

const SNAP: &str = "test/__snapshots__/card.test.js.snap";

fn stats(out: &proctor_e2e::Output) -> serde_json::Value {
    let finished = out.events_of("run-finished");
    finished[0]["stats"]["snapshots"].clone()
}

#[test]
fn snapshots_are_written_matched_failed_and_updated() {
    let project = Project::empty();
    project.write("package.json", r#"{ "type": "module" }"#).write("test/card.test.js", TEST);

    let first = project.run(&["run", "--ci=false", "--reporter", "json"]);
    first.assert_code(0);
    assert_eq!(stats(&first)["written"], 3, "{}", first.stdout);
    assert_eq!(
        project.read(SNAP),
        "// Jest Snapshot v1, https://goo.gl/fbAQLP\n\n\
         exports[`card rejects bad input 1`] = `\"bad input\"`;\n\n\
         exports[`card renders 1`] = `\n{\n  \"tags\": [\n    \"a\",\n    \"b\",\n  ],\n  \"title\": \"Hello\",\n}\n`;\n\n\
         exports[`card renders: footer 1`] = `\"footer\"`;\n"
    );

    let again = project.run(&["run", "--ci", "--reporter", "json"]);
    again.assert_code(0);
    assert_eq!((stats(&again)["matched"].as_u64(), stats(&again)["written"].as_u64()), (Some(3), Some(0)));

    // A changed value fails with a diff against the stored snapshot; the file is kept.
    project.write("test/card.test.js", &TEST.replace(r#"["a", "b"]"#, r#"["a", "c"]"#));
    let changed = project.run(&["run", "--ci=false", "--reporter", "documentation"]);
    changed.assert_code(1);
    let s = &changed.stdout;
    assert!(s.contains("Snapshot name: `card renders 1`"), "{s}");
    assert!(s.contains(r#"-     "b","#) && s.contains(r#"+     "c","#), "a diff of the snapshot: {s}");
    assert!(s.contains("Snapshots: 1 failed, 1 passed, 2 total"), "the failed test stops at its first snapshot: {s}");
    assert!(project.read(SNAP).contains(r#""b","#), "a failing snapshot is not rewritten");

    // On CI a new snapshot is not written, and its test fails.
    let with_new =
        TEST.replace(r#"    expect("footer")"#, "    expect(42).toMatchSnapshot(\"new\");\n    expect(\"footer\")");
    project.write("test/card.test.js", &with_new);
    let ci = project.run(&["run", "--ci", "--reporter", "json"]);
    ci.assert_code(1);
    let failed = ci.finished("test/card.test.js::card::renders");
    let message = failed["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("New snapshot was not written"), "{message}");
    assert!(!project.read(SNAP).contains("card renders: new 1"));

    // -u rewrites what differs, writes what is new, and removes snapshots no test checks.
    project.write("test/card.test.js", &with_new.replace("rejects bad input", "rejects other input"));
    let updated = project.run(&["run", "-u", "--reporter", "json"]);
    updated.assert_code(0);
    let counts = stats(&updated);
    assert_eq!(
        (counts["written"].as_u64(), counts["removed"].as_u64(), counts["obsolete"].as_u64()),
        (Some(2), Some(1), Some(0)),
        "{counts}"
    );
    let snap = project.read(SNAP);
    assert!(snap.contains("card renders: new 1") && snap.contains("card rejects other input 1"), "{snap}");
    assert!(!snap.contains("card rejects bad input 1"), "the obsolete snapshot is removed: {snap}");
}

#[test]
fn obsolete_snapshots_fail_the_run_and_a_selection_keeps_the_others() {
    let project = Project::empty();
    project.write("package.json", r#"{ "type": "module" }"#).write("test/card.test.js", TEST);
    project.run(&["run", "--ci=false"]).assert_code(0);

    // Running one test leaves the other test's snapshots alone: not obsolete.
    let one = project.run(&[
        "run",
        "--ci=false",
        "--reporter",
        "json",
        "--focus",
        "test/card.test.js::card::rejects bad input",
    ]);
    one.assert_code(0);
    assert_eq!(stats(&one)["obsolete"], 0, "{}", one.stdout);

    project.write("test/card.test.js", &TEST.replace("rejects bad input", "renamed"));
    let text = project.run(&["run", "--ci=false", "--reporter", "dots"]);
    text.assert_code(1); // As in Jest: obsolete snapshots fail the run until -u removes them.
    assert!(text.stdout.contains("1 obsolete"), "{}", text.stdout);
    assert!(text.stdout.contains("run with -u to remove them"), "{}", text.stdout);
}

#[test]
fn snapshots_match_in_chromium_as_in_node() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::empty();
    let config = "[[suite]]\nid = \"ui\"\nruntime = [\"node\", \"chromium\"]\ntests = [\"test/**/*.test.js\"]\n\n\
                  [[suite]]\nid = \"dom\"\nruntime = \"chromium\"\ntests = [\"browser/**/*.test.js\"]\n";
    project
        .write("package.json", r#"{ "type": "module" }"#)
        .write("test/card.test.js", TEST)
        .write("browser/dom.test.js", DOM_TEST)
        .write("proctor.toml", config);
    let out = project.run(&["run", "--ci=false", "--reporter", "json"]);
    out.assert_code(0);
    let files = out.events_of("snapshot-file");
    assert_eq!(files.len(), 3, "{}", out.stdout);
    assert_eq!(files[0]["counts"]["written"], 3, "node writes them: {}", out.stdout);
    assert_eq!(files[1]["counts"]["matched"], 3, "chromium matches what node wrote: {}", out.stdout);
    // Real DOM nodes print as Jest's DOMElement plugin prints them.
    assert_eq!(
        project.read("browser/__snapshots__/dom.test.js.snap"),
        "// Jest Snapshot v1, https://goo.gl/fbAQLP\n\n\
         exports[`renders markup 1`] = `\n<div\n  class=\"card\"\n  id=\"c\"\n>\n  <h1>\n    Hi &lt;there&gt;\n  </h1>\n  \
         <input\n    type=\"text\"\n  />\n  <!--note-->\n</div>\n`;\n"
    );
}

const DOM_TEST: &str = r#"import { it, expect } from "proctor";
it("renders markup", () => {
  const card = document.createElement("div");
  card.innerHTML = '<h1>Hi &lt;there&gt;</h1><input type="text"><!--note-->';
  card.id = "c";
  card.className = "card";
  expect(card).toMatchSnapshot();
  expect(card.querySelector("h1")).toMatchInlineSnapshot(`
    <h1>
      Hi &lt;there&gt;
    </h1>
  `);
});
"#;
