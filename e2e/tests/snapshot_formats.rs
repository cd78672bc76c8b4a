//! End to end: snapshot files in the formats users have. The fixture's test files and `.snap`
//! files were written by the real tools (Jest 26 with `npm i jest@26 prettier@2`, Vitest 4 with
//! `npm i vitest`, each run on the fixture's test file with the fixture's serializer in its
//! `snapshotSerializers`); proctor must pass them untouched, leave them byte-identical, show a
//! mismatch in their own format, write inline snapshots as those tools do (`-u` updates them),
//! and give a new file Vitest's or Jest's format by what its test file imports.

use proctor_e2e::{workspace, Project};

const JEST_TEST: &str = "test/jest/card.test.js";
const JEST_SNAP: &str = "test/jest/__snapshots__/card.test.js.snap";
const VITEST_TEST: &str = "test/vitest/card.test.js";
const VITEST_SNAP: &str = "test/vitest/__snapshots__/card.test.js.snap";

/// The fixture's file as committed (what the real tool wrote).
fn original(rel: &str) -> String {
    std::fs::read_to_string(workspace().join("e2e/fixtures/snapshot-formats").join(rel)).expect("fixture file")
}

fn snapshot_stats(out: &proctor_e2e::Output) -> serde_json::Value {
    out.events_of("run-finished")[0]["stats"]["snapshots"].clone()
}

/// Every inline snapshot argument of `text` taken out: `toMatchInlineSnapshot()`.
fn without_inline_snapshots(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("InlineSnapshot(`") {
        let open = at + "InlineSnapshot(".len();
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('`').expect("a closing backtick");
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn vitest_and_jest_26_files_pass_untouched_and_stay_byte_identical() {
    let project = Project::fixture("snapshot-formats");
    for args in [&["run", "--ci", "--reporter", "json"][..], &["run", "--ci=false", "--reporter", "json"][..]] {
        let out = project.run(args);
        out.assert_code(0);
        assert!(out.outcomes().values().all(|status| status == "passed"), "{:?}", out.outcomes());
        assert_eq!(out.outcomes().len(), 12, "{:?}", out.outcomes());
        let counts = snapshot_stats(&out);
        assert_eq!(
            (counts["matched"].as_u64(), counts["written"].as_u64(), counts["obsolete"].as_u64()),
            (Some(36), Some(0), Some(0)),
            "{counts}"
        );
        for rel in [JEST_TEST, JEST_SNAP, VITEST_TEST, VITEST_SNAP] {
            assert_eq!(project.read(rel), original(rel), "{rel} is byte-identical after `proctor {args:?}`");
        }
    }
}

#[test]
fn a_mismatch_is_shown_in_the_file_format_and_the_file_is_kept() {
    let project = Project::fixture("snapshot-formats");
    let change = |from: &str, to: &str| {
        for rel in [JEST_TEST, VITEST_TEST] {
            project
                .write(rel, &original(rel).replace(from, to).replace(r#"expect("one line")"#, r#"expect("one more")"#));
        }
    };
    change(r#"expect("footer")"#, r#"expect("header")"#);
    let out = project.run(&["run", "--ci=false", "--reporter", "documentation"]);
    out.assert_code(1);
    let s = &out.stdout;
    // Jest's key scheme and Vitest's, each with both one-line values shown.
    assert!(s.contains("Snapshot name: `card nested renders: footer 1`"), "{s}");
    assert!(s.contains("Snapshot name: `card > nested > renders > footer 1`"), "{s}");
    assert!(s.contains(r#"Snapshot: "footer""#) && s.contains(r#"Received: "header""#), "{s}");
    // An inline snapshot that differs shows both values.
    assert!(s.contains(r#"Snapshot: "one line""#) && s.contains(r#"Received: "one more""#), "{s}");
    for rel in [JEST_SNAP, VITEST_SNAP] {
        assert_eq!(project.read(rel), original(rel), "{rel} is kept as it was");
    }

    // A multi-line difference is a diff of the snapshots, each in its file's printing.
    change("new Map([[\"k\", { v: [1] }]])", "new Map([[\"k\", { v: [2] }]])");
    let out = project.run(&["run", "--ci=false", "--reporter", "documentation"]);
    out.assert_code(1);
    let s = &out.stdout;
    assert!(s.contains("Snapshot name: `card nested renders 4`"), "{s}");
    assert!(s.contains("\"k\" => Object {"), "Jest 26's printing: {s}");
    assert!(s.contains("\"k\" => {"), "Vitest's printing: {s}");
    assert!(s.contains("-       1,") && s.contains("+       2,"), "{s}");
    for rel in [JEST_SNAP, VITEST_SNAP] {
        assert_eq!(project.read(rel), original(rel), "{rel} is kept as it was");
    }
}

#[test]
fn inline_snapshots_are_written_as_vitest_writes_them_and_updated_by_u() {
    let project = Project::fixture("snapshot-formats");
    let bare = without_inline_snapshots(&original(VITEST_TEST));
    assert!(bare.contains("toMatchInlineSnapshot();"), "{bare}");
    project.write(VITEST_TEST, &bare);

    // Missing ones are written outside CI, laid out exactly as Vitest laid them out.
    let first = project.run(&["run", "--ci=false", "--reporter", "json"]);
    first.assert_code(0);
    assert_eq!(snapshot_stats(&first)["written"], 3, "{}", first.stdout);
    assert_eq!(project.read(VITEST_TEST), original(VITEST_TEST));

    // A changed value fails without -u, and -u rewrites the argument in place.
    let changed = original(VITEST_TEST).replace(r#"{ a: 1, b: ["x", 'y"z'] }"#, r#"{ a: 2, b: ["x"] }"#);
    project.write(VITEST_TEST, &changed);
    project.run(&["run", "--ci=false"]).assert_code(1);
    let updated = project.run(&["run", "-u", "--reporter", "json"]);
    updated.assert_code(0);
    assert_eq!(snapshot_stats(&updated)["updated"], 1, "{}", updated.stdout);
    let text = project.read(VITEST_TEST);
    assert!(
        text.contains("toMatchInlineSnapshot(`\n      {\n        \"a\": 2,\n        \"b\": [\n          \"x\",\n        ],\n      }\n    `);"),
        "{text}"
    );
    project.run(&["run", "--ci"]).assert_code(0);
    assert_eq!(project.read(VITEST_SNAP), original(VITEST_SNAP), "the .snap file is not touched");
}

#[test]
fn inline_snapshots_are_written_into_typescript_files() {
    let project = Project::empty();
    let source = "import { describe, it, expect } from \"proctor\";\n\n\
                  type Item = { id: number; tags: string[] };\n\n\
                  describe(\"items\", () => {\n  \
                    it(\"prints\", () => {\n    \
                      const item: Item = { id: 1, tags: [\"a\"] };\n    \
                      expect(item).toMatchInlineSnapshot();\n    \
                      expect(item.id as number).toMatchInlineSnapshot(`0`);\n    \
                      expect(() => {\n      throw new Error(\"typed\");\n    }).toThrowErrorMatchingInlineSnapshot();\n  \
                    });\n\
                  });\n";
    project.write("package.json", r#"{ "type": "module" }"#).write("test/items.test.ts", source);
    let out = project.run(&["run", "-u", "--reporter", "json"]);
    out.assert_code(0);
    let counts = snapshot_stats(&out);
    assert_eq!((counts["written"].as_u64(), counts["updated"].as_u64()), (Some(2), Some(1)), "{counts}");
    let expected = source
        .replace(
            "expect(item).toMatchInlineSnapshot();",
            "expect(item).toMatchInlineSnapshot(`\n      {\n        \"id\": 1,\n        \"tags\": [\n          \"a\",\n        ],\n      }\n    `);",
        )
        .replace("toMatchInlineSnapshot(`0`)", "toMatchInlineSnapshot(`1`)")
        .replace("toThrowErrorMatchingInlineSnapshot()", "toThrowErrorMatchingInlineSnapshot(`\"typed\"`)");
    assert_eq!(project.read("test/items.test.ts"), expected);
    project.run(&["run", "--ci"]).assert_code(0);
}

#[test]
fn a_new_file_is_vitest_s_or_jest_s_and_snapshot_format_applies() {
    let project = Project::empty();
    let body = "describe(\"g\", () => {\n  it(\"t\", () => {\n    expect({ list: ['say \"hi\"'] }).toMatchSnapshot();\n    \
                expect(() => {\n      throw new Error(\"e\");\n    }).toThrowErrorMatchingSnapshot(\"hint\");\n  });\n});\n";
    project
        .write("package.json", r#"{ "type": "module" }"#)
        .write("node_modules/vitest/package.json", r#"{ "name": "vitest", "type": "module", "main": "index.js" }"#)
        .write("node_modules/vitest/index.js", "export * from \"proctor\";\n")
        .write("modern/v.test.js", &format!("import {{ describe, it, expect }} from \"vitest\";\n{body}"))
        .write("modern/j.test.js", &format!("import {{ describe, it, expect }} from \"proctor\";\n{body}"))
        .write("old/j.test.js", &format!("import {{ describe, it, expect }} from \"proctor\";\n{body}"))
        .write(
            "proctor.toml",
            "[[suite]]\nid = \"modern\"\ntests = [\"modern/*.test.js\"]\n\n\
             [[suite]]\nid = \"old\"\ntests = [\"old/*.test.js\"]\n\
             snapshot-format = { escape-string = true, print-basic-prototype = true }\n",
        );
    project.run(&["run", "--ci=false"]).assert_code(0);
    assert_eq!(
        project.read("modern/__snapshots__/v.test.js.snap"),
        "// Vitest Snapshot v1, https://vitest.dev/guide/snapshot.html\n\n\
         exports[`g > t > hint 1`] = `[Error: e]`;\n\n\
         exports[`g > t 1`] = `\n{\n  \"list\": [\n    \"say \"hi\"\",\n  ],\n}\n`;\n"
    );
    assert_eq!(
        project.read("modern/__snapshots__/j.test.js.snap"),
        "// Jest Snapshot v1, https://goo.gl/fbAQLP\n\n\
         exports[`g t 1`] = `\n{\n  \"list\": [\n    \"say \"hi\"\",\n  ],\n}\n`;\n\n\
         exports[`g t: hint 1`] = `\"e\"`;\n"
    );
    assert_eq!(
        project.read("old/__snapshots__/j.test.js.snap"),
        "// Jest Snapshot v1, https://goo.gl/fbAQLP\n\n\
         exports[`g t 1`] = `\nObject {\n  \"list\": Array [\n    \"say \\\\\"hi\\\\\"\",\n  ],\n}\n`;\n\n\
         exports[`g t: hint 1`] = `\"e\"`;\n"
    );
    project.run(&["run", "--ci"]).assert_code(0);
}

#[test]
fn the_formats_match_in_chromium_as_in_node() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::fixture("snapshot-formats");
    // The serializers reach the page in the esm build and in a bundle.
    for build in ["esbuild", "esm"] {
        let config = original("proctor.toml")
            .replace("tests = [", &format!("runtime = \"chromium\"\nbuild = \"{build}\"\ntests = ["));
        project.write("proctor.toml", &config);
        let out = project.run(&["run", "--ci", "--reporter", "json"]);
        out.assert_code(0);
        assert_eq!(snapshot_stats(&out)["matched"], 36, "{build}: {}", out.stdout);
        for rel in [JEST_SNAP, VITEST_SNAP] {
            assert_eq!(project.read(rel), original(rel), "{rel} is byte-identical");
        }
    }

    // The page's stack frames go through the source map to the calls in the test file.
    project.write(VITEST_TEST, &without_inline_snapshots(&original(VITEST_TEST)));
    let written = project.run(&["run", "--ci=false", "--reporter", "json"]);
    written.assert_code(0);
    assert_eq!(snapshot_stats(&written)["written"], 3, "{}", written.stdout);
    assert_eq!(project.read(VITEST_TEST), original(VITEST_TEST));
}

#[test]
fn a_top_level_serializer_applies_to_its_own_file_only() {
    let project = Project::empty();
    let money =
        "expect.addSnapshotSerializer({ test: (v) => v?.money === true, serialize: (v) => `Money<${v.cents}>` });\n";
    let test = |name: &str| format!("it(\"{name}\", () => expect({{ money: true, cents: 5 }}).toMatchSnapshot());\n");
    project
        .write("package.json", r#"{ "type": "module" }"#)
        .write("test/a.test.js", &format!("import {{ it, expect }} from \"proctor\";\n{money}{}", test("a")))
        .write("test/b.test.js", &format!("import {{ it, expect }} from \"proctor\";\n{}", test("b")));
    for isolate in ["true", "false"] {
        project.write("proctor.toml", &format!("[[suite]]\nid = \"u\"\nisolate = {isolate}\n"));
        project.remove("test/__snapshots__/a.test.js.snap").remove("test/__snapshots__/b.test.js.snap");
        project.run(&["run", "--ci=false"]).assert_code(0);
        assert!(project.read("test/__snapshots__/a.test.js.snap").contains("`Money<5>`"), "isolate = {isolate}");
        assert!(project.read("test/__snapshots__/b.test.js.snap").contains("\"cents\": 5"), "isolate = {isolate}");
    }
}
