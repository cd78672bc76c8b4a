//! End to end: proctor as an npm package (issue 15 point 1). `npm/build.mjs` packs the main
//! package and this machine's platform package from the built binary; both tarballs are
//! installed with npm into a fresh project, which then runs its tests with `npx proctor` —
//! exit codes passed through, `import "proctor"` resolved by the installed package, no Rust
//! toolchain or postinstall step involved.

use proctor_e2e::{proctor_bin, workspace, Project};
use std::process::Command;

#[test]
fn the_npm_tarballs_install_and_run_with_npx() {
    let out = tempfile::tempdir().expect("a temp dir");
    let packed = Command::new("node")
        .arg(workspace().join("npm/build.mjs"))
        .arg("--binary")
        .arg(proctor_bin())
        .arg("--out")
        .arg(out.path())
        .output()
        .expect("node runs");
    assert!(packed.status.success(), "{}", String::from_utf8_lossy(&packed.stderr));
    let tarballs: Vec<String> = String::from_utf8_lossy(&packed.stdout).lines().map(str::to_owned).collect();
    assert_eq!(tarballs.len(), 2, "the main and the platform package: {tarballs:?}");

    let project = Project::empty();
    project.write("package.json", "{ \"name\": \"uses-proctor\", \"private\": true, \"type\": \"module\" }\n").write(
        "test/math.test.js",
        "import { it, expect } from \"proctor\";\nit(\"adds\", () => expect(1 + 1).toBe(2));\n",
    );
    // The platform package is named directly; the other platforms' optional packages are left out.
    let install = Command::new("npm")
        .args(["install", "--omit=optional", "--no-audit", "--no-fund", "--loglevel=error"])
        .args(&tarballs)
        .current_dir(project.path())
        .output()
        .expect("npm runs");
    assert!(install.status.success(), "{}", String::from_utf8_lossy(&install.stderr));

    let npx = |args: &[&str]| {
        Command::new("npx")
            .arg("proctor")
            .args(args)
            .current_dir(project.path())
            .env_remove("PROCTOR_BIN")
            .env("PATH", without_cargo_bins())
            .output()
            .expect("npx runs")
    };
    let run = npx(&["run"]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(run.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&run.stderr));
    assert!(stdout.contains("1 passed"), "{stdout}");

    project.write(
        "test/broken.test.js",
        "import { it, expect } from \"proctor\";\nit(\"fails\", () => expect(1).toBe(2));\n",
    );
    let failed = npx(&["run"]);
    assert_eq!(failed.status.code(), Some(1), "a failing test's exit code comes through the shim");
    // The installed package carries the declarations its `types` field names.
    assert!(project.path().join("node_modules/proctor/types/index.d.ts").is_file(), "types are shipped");
    let version = npx(&["--version"]);
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("proctor "), "{:?}", version);
}

/// PATH without cargo's own directories, so `proctor` can only come from the npm package.
fn without_cargo_bins() -> std::ffi::OsString {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<_> = std::env::split_paths(&path).filter(|dir| !dir.join("cargo").exists()).collect();
    std::env::join_paths(kept).expect("PATH joins")
}
