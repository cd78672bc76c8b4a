//! End to end for issue 15 point 5, the live status line: on a terminal (`script` gives the run
//! a pseudo-terminal) a run longer than a moment shows files done, tests passed and failed and
//! the running test on a line at the bottom, the reporters' output appears above it, and at the
//! end it is gone; the terminal's final contents are checked by replaying what proctor wrote
//! through a small terminal model. A pipe gets none of it.

use proctor_e2e::Project;

/// Three files of four tests each, 150 ms a test: a run of about two seconds, one failure.
fn slow_project() -> Project {
    let project = Project::empty();
    for name in ["a", "b", "c"] {
        project.write(
            &format!("test/{name}.test.js"),
            &format!(
                "import {{ it, expect }} from \"proctor\";\nfor (let i = 0; i < 4; i++) {{\n  it(\"test {name} \" + i, async () => {{\n    await new Promise((r) => setTimeout(r, 150));\n    if (\"{name}\" === \"b\" && i === 2) expect(1).toBe(2);\n  }});\n}}\n"
            ),
        );
    }
    project
}

/// What a terminal shows after `raw`: rows of text. Knows what proctor sends (`\r`, `\n`, clear
/// row `ESC[2K`, up one row `ESC[1A`) and drops colours.
fn screen(raw: &str) -> Vec<String> {
    let mut rows: Vec<Vec<char>> = vec![Vec::new()];
    let (mut row, mut col) = (0usize, 0usize);
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => col = 0,
            '\n' => {
                row += 1;
                if row == rows.len() {
                    rows.push(Vec::new());
                }
            }
            '\u{1b}' => {
                let mut seq = String::new();
                for c in chars.by_ref() {
                    seq.push(c);
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
                match seq.as_str() {
                    "[2K" => rows[row].clear(),
                    "[1A" => row = row.saturating_sub(1),
                    _ => {}
                }
            }
            c => {
                let line = &mut rows[row];
                while line.len() < col {
                    line.push(' ');
                }
                if col < line.len() {
                    line[col] = c;
                } else {
                    line.push(c);
                }
                col += 1;
            }
        }
    }
    rows.into_iter().map(|r| r.into_iter().collect::<String>().trim_end().to_string()).collect()
}

#[test]
fn issue_15_a_terminal_shows_the_status_line_during_the_run_and_it_is_gone_at_the_end() {
    let project = slow_project();
    let raw = project.on_a_terminal("run", "NO_COLOR=1");
    // During the run: counts, files done of the total, the running test.
    assert!(raw.contains(" 1/3 files · 4 passed · "), "files done and tests passed:\n{raw:?}");
    assert!(raw.contains(" 2/3 files · 7 passed · 1 failed · "), "and failed:\n{raw:?}");
    assert!(raw.contains(" · test/b.test.js > test b 1"), "the running test:\n{raw:?}");
    // At the end: the reporters' output, each line once and whole, and no status line left.
    let shown = screen(&raw);
    let text = shown.join("\n");
    assert!(!text.contains(" files · "), "the status line is cleared:\n{text}");
    for name in ["a", "b", "c"] {
        for i in 0..4 {
            let mark = if name == "b" && i == 2 { "✗" } else { "✓" };
            let line = format!("  {mark} test {name} {i} (");
            assert_eq!(shown.iter().filter(|row| row.starts_with(&line)).count(), 1, "{line}:\n{text}");
        }
    }
    assert!(text.contains("Tests:  1 failed, 11 passed, 12 total"), "{text}");
}

#[test]
fn issue_15_the_dots_row_stays_whole_above_the_status_line() {
    let project = slow_project();
    let raw = project.on_a_terminal("run --reporter dots", "");
    assert!(raw.contains("files"), "a status line while the dots are printed:\n{raw:?}");
    assert!(raw.contains("\u{1b}[32m"), "in colour when colour is on:\n{raw:?}");
    let shown = screen(&raw);
    assert!(shown.iter().any(|row| row == "......F....."), "one row of dots:\n{}", shown.join("\n"));
    assert!(!shown.join("\n").contains(" files · "), "{}", shown.join("\n"));
}

#[test]
fn issue_15_a_pipe_gets_no_status_line() {
    let project = slow_project();
    for args in [&["run"][..], &["run", "--reporter", "documentation", "--color", "always"][..]] {
        let out = project.run(args);
        out.assert_code(1);
        assert!(out.stdout.contains("12 total"), "{}", out.stdout);
        assert!(!out.stdout.contains(" files · ") && !out.stdout.contains("\u{1b}[2K"), "{args:?}:\n{}", out.stdout);
    }
}

#[test]
fn issue_15_a_machine_reporter_on_a_terminal_gets_no_status_line() {
    let project = slow_project();
    let raw = project.on_a_terminal("run --reporter json", "");
    assert!(raw.contains("\"event\":\"run-finished\""), "{raw}");
    assert!(!raw.contains(" files · ") && !raw.contains("\u{1b}[2K"), "{raw:?}");
}
