//! Runs the controller's own JavaScript tests (`node --test`), including the shared protocol
//! vectors, so `cargo test --workspace` is the one command that runs every test.

use std::process::Command;

#[test]
fn controller_js_tests_pass() {
    let dir = proctor_e2e::workspace().join("controller-js");
    // bundle-esbuild.test.js runs the workspace's esbuild (installed on a fresh clone first).
    proctor_e2e::workspace_node_modules();
    // Files named one by one: `node --test test/` means a directory on node 20 but a module
    // path on node 22.
    let mut files: Vec<String> = std::fs::read_dir(dir.join("test"))
        .expect("controller-js/test exists")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".test.js"))
        .map(|name| format!("test/{name}"))
        .collect();
    files.sort();
    let output = Command::new("node")
        .args(["--experimental-websocket", "--test"])
        .args(&files)
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
