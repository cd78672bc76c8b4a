//! End to end in real headless Chromium with `build = "esm"`: TypeScript and TSX (automatic
//! runtime with the fixture's own `jsxImportSource`), extensionless, directory and tsconfig
//! `paths` imports, JSON, CSS, CSS-module and asset imports, CommonJS packages as ES modules,
//! a failing `.ts` test shown at its `.ts` line, a missing import named with file:line, and a
//! workspace whose node_modules lie above the project root or behind a symlink, while other
//! paths outside stay refused. These tests need Chromium and are never skipped.

use proctor_e2e::{model, Output, Project};

#[test]
fn typescript_jsx_assets_and_commonjs_packages_run_as_native_modules() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::fixture("browser-modules");
    // A second version of a package, nested where only src/legacy sees it (node_modules cannot
    // be committed inside the fixture's src).
    project
        .write("src/legacy/node_modules/versioned/package.json", r#"{ "name": "versioned", "type": "module" }"#)
        .write("src/legacy/node_modules/versioned/index.js", "export const version = 1;\n");
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    assert_eq!(
        out.outcomes(),
        model(&[
            ("test/assets.test.js::applies imported css to the page", "passed"),
            ("test/assets.test.js::gives css module class names", "passed"),
            ("test/assets.test.js::gives an asset's url", "passed"),
            ("test/assets.test.js::imports json without an attribute", "passed"),
            ("test/attributes.test.js::imports JSON and CSS by paths computed at run time", "passed"),
            ("test/attributes.test.js::keeps a JSON import with an import attribute native", "passed"),
            ("test/cjs.test.js::gives a CommonJS package's module.exports as default", "passed"),
            ("test/cjs.test.js::gives a CommonJS package's re-exported names", "passed"),
            (
                "test/cjs.test.js::takes default from an __esModule package and follows __exportStar and require",
                "passed"
            ),
            (
                "test/cjs.test.js::gives names only the importer knows (lodash's shape), as Vite's interop does",
                "passed"
            ),
            ("test/jsx.test.tsx::renders with the tsconfig's jsxImportSource", "passed"),
            ("test/versions.test.js::finds a .ts file through its .js name", "passed"),
            (
                "test/versions.test.js::reads process.env.NODE_ENV as test, in packages and in the project, as Vite defines it",
                "passed",
            ),
            ("test/versions.test.js::gives each importer the package version it resolves to", "passed"),
            ("test/ts.test.ts::typescript::fails on the typescript line", "failed"),
            ("test/ts.test.ts::typescript::loads an extensionless path it computes", "passed"),
            ("test/ts.test.ts::typescript::resolves tsconfig paths and directory imports", "passed"),
            ("test/ts.test.ts::typescript::runs enums and types", "passed"),
        ])
    );
    let failed = out.finished("test/ts.test.ts::typescript::fails on the typescript line");
    let stack = failed["error"]["stack"].as_str().unwrap_or_default();
    assert!(stack.contains("/test/ts.test.ts:21:19"), "the stack names the .ts line and column:\n{stack}");
    assert!(!stack.contains("127.0.0.1"), "served URLs are mapped to files:\n{stack}");

    let load: std::collections::BTreeMap<String, String> = out
        .events_of("load-error")
        .iter()
        .map(|e| (e["file"].as_str().unwrap_or("").to_string(), e["message"].as_str().unwrap_or("").to_string()))
        .collect();
    assert_eq!(load.len(), 2, "{load:?}");
    assert_eq!(
        load["test/missing.test.ts"],
        "test/missing.test.ts: failed to load: cannot resolve \"./missing\" imported at src/broken.ts:3:22",
    );
    let untransformable = &load["test/untransformable.test.js"];
    assert!(
        untransformable.contains("src/untransformable.ts:2:"),
        "the file that does not transform: {untransformable}"
    );

    let text = project.run(&["run", "--reporter", "documentation", "test/ts.test.ts"]);
    assert!(text.stdout.contains("at test/ts.test.ts:21:19"), "{}", text.stdout);
    assert!(text.stdout.contains("expect(total).toBe(9);"), "code frame from the .ts source:\n{}", text.stdout);
}

/// A workspace: `ws/node_modules/hoisted` above the project `ws/packages/app`, a package
/// linked from the app's node_modules to `ws/libs/linked`, and `ws/secret.txt` that must stay
/// unreachable.
fn workspace() -> (Project, std::path::PathBuf) {
    let project = Project::empty();
    project
        .write("node_modules/hoisted/package.json", r#"{ "name": "hoisted", "main": "index.js" }"#)
        .write("node_modules/hoisted/index.js", "exports.where = 'above the root';\n")
        .write("libs/linked/package.json", r#"{ "name": "linked", "type": "module", "exports": "./main.js" }"#)
        .write(
            "libs/linked/main.js",
            "import { where } from 'hoisted';\nexport const linked = `linked, and ${where}`;\n",
        )
        .write("secret.txt", "not for the browser\n")
        .write(
            "packages/app/proctor.toml",
            "[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\ntests = [\"test/*.test.js\"]\n",
        );
    let root = project.path().canonicalize().expect("temp dir");
    std::fs::create_dir_all(root.join("packages/app/node_modules")).expect("mkdir");
    std::os::unix::fs::symlink(root.join("libs/linked"), root.join("packages/app/node_modules/linked"))
        .expect("symlink");
    (project, root)
}

#[test]
fn workspace_packages_above_the_root_and_linked_ones_load_and_nothing_else_outside() {
    let _browser = proctor_e2e::browser_lock();
    let (project, root) = workspace();
    let secret = root.join("secret.txt");
    project.write(
        "packages/app/test/ws.test.js",
        &format!(
            r#"import {{ it, expect }} from "proctor";
import {{ where }} from "hoisted";
import {{ linked }} from "linked";

it("imports a package hoisted above the root", () => {{
  expect(where).toBe("above the root");
}});

it("imports a package behind a symlink", () => {{
  expect(linked).toBe("linked, and above the root");
}});

it("cannot fetch other files outside the root", async () => {{
  expect((await fetch("/@fs{secret}")).status).toBe(404);
  expect((await fetch("/@fs{root}/packages/app/node_modules/linked/../../../../secret.txt")).status).toBe(404);
  expect((await fetch("/@fs/etc/passwd")).status).toBe(404);
}});
"#,
            secret = secret.display(),
            root = root.display()
        ),
    );
    let out = Output::of(
        project
            .command(&["run", "--reporter", "json"])
            .current_dir(root.join("packages/app"))
            .output()
            .expect("proctor runs"),
    );
    out.assert_code(0);
    assert_eq!(
        out.outcomes(),
        model(&[
            ("test/ws.test.js::cannot fetch other files outside the root", "passed"),
            ("test/ws.test.js::imports a package behind a symlink", "passed"),
            ("test/ws.test.js::imports a package hoisted above the root", "passed"),
        ])
    );
}
