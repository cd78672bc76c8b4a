//! End to end in real headless Chromium: module mocking in the `esm` build (issue 13 point 1).
//! The test files are written with static imports, as users write them; the hoisting transform
//! moves the mocks above them. A factory mock of `src/dep.ts` reaches it through
//! `src/service.ts` (imported there without its extension), `importOriginal`/`vi.importActual`
//! give the real module, automock covers a function, a class and an object, `__mocks__` files
//! stand in beside a module and at the root for a package (also inside a project module that
//! imports the package), a module mocked by its alias and a package by a factory, a
//! `{ spy: true }` automock, a factory that throws failing its file's load, `vi.doMock`
//! applies to a later `import()` and `vi.doUnmock` takes it back, `vi.doMock` of a module the
//! file already imported applies to later imports (a fresh sub-realm), a factory that lacks a
//! name is a load error saying so, `jest.requireActual` / `jest.requireMock` answer from the
//! modules loaded ahead (in a partial-mock factory too), a Jest file gets the root `__mocks__`
//! package without asking, virtual mocks by name and by relative path, `vi.resetModules()` and
//! `jest.isolateModules(Async)` give later imports fresh instances, and the file run after them
//! all sees only real modules. A package's mock reaches the packages importing it (ES module and
//! CommonJS, each realm's own copies; a partial mock spreading the actual CommonJS module too;
//! also those reaching it only by a computed `import(name)` or `require(name)`), a `vi.doMock` of a package the realm already resolved (by
//! an `import()`, through a project module's static import, or by a plain script's `import()`)
//! reaches later imports, a second mock of a package replaces the first for later imports,
//! `vi.doUnmock` and `jest.unmock` (of Jest's automatic root mock) give a package back, and
//! `vi.resetModules()` keeps the packages' instances, as Vitest does. A setup file's mock applies
//! to each test file it runs before, a test file may mock what its setup file imported, and
//! Jest's automatic root `__mocks__` mock reaches what a setup file imports.
//! Without isolation, or in a bundle, mocking fails with the reason.

use proctor_e2e::{browser_lock, model, Output, Project};

const MOCKED: &[(&str, &str)] = &[
    ("test/alias.test.js::a module mocked by its alias is mocked however it is imported", "passed"),
    ("test/alias.test.js::a package's factory mock reaches a module importing the package", "passed"),
    ("test/automock.test.js::functions, classes and objects are automocked", "passed"),
    ("test/automock.test.js::src/__mocks__/manual.js stands in for src/manual.js", "passed"),
    (
        "test/automock.test.js::the root __mocks__/tinypkg.js stands in for the package, also in a module importing it",
        "passed",
    ),
    ("test/dynamic.test.js::doMock applies to a later dynamic import", "passed"),
    ("test/dynamic.test.js::importMock gives the automock without registering it", "passed"),
    ("test/dynamic.test.js::doUnmock before the first import leaves the real module", "passed"),
    ("test/dynamic.test.js::doMock of a module this file already imported applies to later imports", "passed"),
    ("test/factory.test.ts::a factory mock reaches a module that imports it", "passed"),
    ("test/spy.test.js::a spy mock keeps the implementation and records the calls", "passed"),
    ("test/factory.test.ts::importActual gives the real module", "passed"),
    ("test/jest-actual.test.js::a partial mock keeps the actual module's other exports", "passed"),
    ("test/jest-actual.test.js::requireActual gives the real module and requireMock the registered mock", "passed"),
    ("test/jest-actual.test.js::requireMock of a module nobody mocked gives its automock", "passed"),
    ("test/jest-actual.test.js::a specifier that is not a literal says what to write", "passed"),
    ("test/jest-unmock.test.js::jest.unmock takes back the automatic root mock of a package", "passed"),
    ("test/jest-chain.test.js::a partial mock's actual module sees another partial mock", "passed"),
    ("test/jest-auto.test.js::the root __mocks__ file of a package stands in without jest.mock", "passed"),
    ("test/virtual.test.js::a virtual package and a virtual relative module are their factories' objects", "passed"),
    ("test/reset.test.js::resetModules gives later dynamic imports fresh instances and keeps the file's own", "passed"),
    ("test/reset.test.js::isolateModulesAsync imports afresh inside, and the file's modules come back after", "passed"),
    ("test/reset.test.js::isolateModules isolates the imports its function starts", "passed"),
    ("test/pkg-deps.test.js::a package's mock reaches the packages importing it", "passed"),
    ("test/pkg-late.test.js::doMock of a package this file already imported gives the mock to later imports", "passed"),
    (
        "test/pkg-static.test.js::doMock of a package a project module already imported gives the mock to later imports",
        "passed",
    ),
    ("test/pkg-partial.test.js::a partial mock of a CommonJS package reaches the package requiring it", "passed"),
    ("test/pkg-computed.test.js::a package's mock reaches a package importing it by a computed name", "passed"),
    ("test/pkg-plain.test.js::doMock of a package a plain script imported gives the mock to later imports", "passed"),
    ("test/pkg-unmock.test.js::doUnmock of a package gives later imports the package again", "passed"),
    ("test/pkg-reset.test.js::resetModules keeps the packages' instances", "passed"),
    ("test/pkg-twice.test.js::a doMock of a package mocked already gives later imports the newer mock", "passed"),
    ("test/z-computed.test.js::a computed import of a package another file mocked gets the real one", "passed"),
    ("test/z-real.test.js::another file's mocks are not seen here", "passed"),
];

/// Every load error of the run: file → message.
fn load_errors(out: &Output) -> std::collections::BTreeMap<String, String> {
    out.events_of("load-error")
        .iter()
        .map(|e| (e["file"].as_str().unwrap_or("").to_string(), e["message"].as_str().unwrap_or("").to_string()))
        .collect()
}

#[test]
fn module_mocks_work_in_chromium_and_stay_in_their_file() {
    let _lock = browser_lock();
    let out = Project::fixture("mocking-browser").run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    assert_eq!(out.outcomes(), model(MOCKED), "{}", out.stderr);
    let errors = load_errors(&out);
    assert_eq!(
        errors.keys().collect::<Vec<_>>(),
        ["test/broken-factory.test.js", "test/missing-export.test.js"],
        "{errors:?}"
    );
    let message = &errors["test/missing-export.test.js"];
    assert!(message.contains(r#"[vitest] No "one" export is defined on the "./dep" mock"#), "{message}");
    let message = &errors["test/broken-factory.test.js"];
    assert!(message.contains("Error: the factory broke"), "{message}");
}

#[test]
fn without_isolation_mocking_in_chromium_says_it_needs_it() {
    let _lock = browser_lock();
    let out = Project::fixture("mocking-browser").run(&["run", "--no-isolate", "--reporter", "json"]);
    out.assert_code(1);
    let errors = load_errors(&out);
    let mocking = [
        "alias.test.js",
        "automock.test.js",
        "factory.test.ts",
        "spy.test.js",
        "jest-actual.test.js",
        "virtual.test.js",
    ];
    for file in mocking.map(|name| format!("test/{name}")) {
        let message = errors.get(&file).map(String::as_str).unwrap_or_default();
        assert!(message.contains("cannot mock modules in the browser without isolation"), "{file}: {errors:?}");
    }
    let outcomes = out.outcomes();
    assert_eq!(outcomes["test/dynamic.test.js::doMock applies to a later dynamic import"], "failed");
    let failed = out.finished("test/dynamic.test.js::doMock applies to a later dynamic import");
    let message = failed["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("--no-isolate / isolate = false"), "{failed}");
    // What does not mock still runs, with the real modules.
    assert_eq!(outcomes["test/z-real.test.js::another file's mocks are not seen here"], "passed", "{outcomes:?}");
}

#[test]
fn in_a_bundle_mocking_says_it_needs_the_esm_build() {
    let _lock = browser_lock();
    let project = Project::fixture("mocking-browser");
    project.write(
        "proctor.toml",
        "[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\ntests = [\"test/*.test.*\"]\nbuild = \"esbuild\"\n\n\
         [alias]\n\"@src\" = \"./src\"\n",
    );
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    let errors = load_errors(&out);
    // (virtual.test.js fails in the bundler: what it imports does not exist.)
    let mocking = ["alias.test.js", "automock.test.js", "factory.test.ts", "spy.test.js", "jest-actual.test.js"];
    for file in mocking.map(|name| format!("test/{name}")) {
        let message = errors.get(&file).map(String::as_str).unwrap_or_default();
        assert!(
            message.contains("cannot mock modules in a bundle") && message.contains("build = \"esm\""),
            "{file}: {errors:?}"
        );
    }
    let outcomes = out.outcomes();
    for test in ["doMock applies to a later dynamic import", "importMock gives the automock without registering it"] {
        assert_eq!(outcomes[&format!("test/dynamic.test.js::{test}")], "failed", "{outcomes:?}");
    }
    assert_eq!(outcomes["test/z-real.test.js::another file's mocks are not seen here"], "passed", "{outcomes:?}");
}

/// A Chromium suite with setup file `test/setup.js`, `src/who.js` exporting `who = "real"`, and
/// `files` (path, text) besides; runs it and checks every test of `expected` passed.
fn run_with_setup_file(setup: &str, files: &[(&str, &str)], expected: &[(&str, &str)]) {
    let _lock = browser_lock();
    let project = Project::empty();
    project
        .write(
            "proctor.toml",
            "[[suite]]\nid = \"browser\"\nruntime = \"chromium\"\ntests = [\"test/*.test.js\"]\n\
             setup-files = [\"test/setup.js\"]\n",
        )
        .write("package.json", "{ \"type\": \"module\" }\n")
        .write("src/who.js", "export const who = \"real\";\n")
        .write("test/setup.js", setup);
    for (path, text) in files {
        project.write(path, text);
    }
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(out.outcomes(), model(expected), "{}", out.stderr);
    out.assert_code(0);
}

#[test]
fn a_setup_files_mock_applies_to_every_test_file_in_chromium() {
    run_with_setup_file(
        "vi.mock(\"../src/who.js\", () => ({ who: \"from setup\" }));\n",
        &[
            (
                "test/a.test.js",
                "import { who } from \"../src/who.js\";\ntest(\"a\", () => expect(who).toBe(\"from setup\"));\n",
            ),
            (
                "test/b.test.js",
                "import { who } from \"../src/who.js\";\ntest(\"b\", () => expect(who).toBe(\"from setup\"));\n",
            ),
        ],
        &[("test/a.test.js::a", "passed"), ("test/b.test.js::b", "passed")],
    );
}

/// The setup file imported `greet.js` (and so `who.js`) in the realm: the test file's mock of
/// `who.js` moves its imports to a fresh sub-realm, and the next file sees the real one.
#[test]
fn a_test_file_mocks_a_module_its_setup_file_imported_in_chromium() {
    run_with_setup_file(
        "import { greet } from \"../src/greet.js\";\nif (greet() !== \"hi real\") throw new Error(greet());\n",
        &[
            ("src/greet.js", "import { who } from \"./who.js\";\nexport const greet = () => `hi ${who}`;\n"),
            (
                "test/a.test.js",
                "import { greet } from \"../src/greet.js\";\nvi.mock(\"../src/who.js\", () => ({ who: \"mock\" }));\n\
                 test(\"mocked\", () => expect(greet()).toBe(\"hi mock\"));\n",
            ),
            ("test/b.test.js", "import { greet } from \"../src/greet.js\";\ntest(\"real\", () => expect(greet()).toBe(\"hi real\"));\n"),
        ],
        &[("test/a.test.js::mocked", "passed"), ("test/b.test.js::real", "passed")],
    );
}

/// Jest's automatic root `__mocks__` mock of a package applies in a file's realm before its
/// setup files run, as in Jest: the setup file's import of the package gets the mock too, and so
/// does the test file (which uses the `jest` object); a Vitest file's realm keeps the package.
#[test]
fn jests_automatic_root_mock_reaches_what_the_setup_file_imported_in_chromium() {
    run_with_setup_file(
        "import { pkg } from \"tinypkg\";\nglobalThis.setupSaw = pkg();\n",
        &[
            ("node_modules/tinypkg/package.json", "{ \"name\": \"tinypkg\", \"version\": \"1.0.0\", \"main\": \"index.js\" }\n"),
            ("node_modules/tinypkg/index.js", "exports.pkg = () => \"real pkg\";\n"),
            ("__mocks__/tinypkg.js", "export const pkg = () => \"mocked pkg\";\n"),
            (
                "test/a.test.js",
                "import { pkg } from \"tinypkg\";\ntest(\"jest\", () => {\n  expect(jest.isMockFunction(pkg)).toBe(false);\n  \
                 expect(pkg()).toBe(\"mocked pkg\");\n  expect(globalThis.setupSaw).toBe(\"mocked pkg\");\n});\n",
            ),
            (
                "test/b.test.js",
                "import { pkg } from \"tinypkg\";\ntest(\"vitest\", () => {\n  expect(pkg()).toBe(\"real pkg\");\n  \
                 expect(globalThis.setupSaw).toBe(\"real pkg\");\n});\n",
            ),
        ],
        &[("test/a.test.js::jest", "passed"), ("test/b.test.js::vitest", "passed")],
    );
}
