//! The binary's command-line surface. Having an integration test here also makes
//! `cargo test --workspace` build `target/debug/proctor` with the same features as every other
//! test, which the e2e crate then drives without a second (differently featured) build.

use std::process::Command;

#[test]
fn help_lists_the_commands() {
    let output = Command::new(env!("CARGO_BIN_EXE_proctor")).arg("--help").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("run") && text.contains("list"), "{text}");
}

#[test]
fn unknown_flags_are_usage_errors() {
    let output = Command::new(env!("CARGO_BIN_EXE_proctor")).args(["run", "--no-such-flag"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--no-such-flag"));
}
