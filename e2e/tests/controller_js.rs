//! Runs the controller's own JavaScript tests (`node --test`), including the shared protocol
//! vectors, so `cargo test --workspace` is the one command that runs every test.

use std::process::Command;

#[test]
fn controller_js_tests_pass() {
    let dir = proctor_e2e::workspace().join("controller-js");
    let output = Command::new("node")
        .args(["--experimental-websocket", "--test", "test/"])
        .current_dir(&dir)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "controller-js tests failed\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
