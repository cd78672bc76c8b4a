//! End to end: `proctor init` on a Jest, a Vitest, a mocha and a web-test-runner project. Each
//! config holds what decides which tests run and how (globs and their defaults, excludes, a
//! setup file the tests need, an environment, an alias, a timeout a test overruns, a test
//! page); the written proctor.toml must make `proctor run` select the tests the original config
//! selects, with the same results. Also: the note a run prints when such a config exists and
//! no proctor.toml does, and that init never overwrites a proctor.toml without `--force`.

use proctor_e2e::downloads::{dom_environments, link_node_modules};
use proctor_e2e::{browser_lock, model, Output, Project};

fn both(out: &Output) -> String {
    format!("{}\n{}", out.stdout, out.stderr)
}

/// Runs the project with the written proctor.toml and checks every test's outcome.
fn assert_runs(project: &Project, toml: &str, expected: &[(&str, &str)]) {
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(out.outcomes(), model(expected), "{}\n{toml}", both(&out));
    assert!(!out.stderr.contains("proctor: note"), "no note once proctor.toml exists: {}", out.stderr);
}

/// Runs `proctor init`, checks it wrote a proctor.toml, and returns its text.
fn init(project: &Project) -> String {
    let out = project.run(&["init"]);
    out.assert_code(0);
    assert!(out.stdout.contains("wrote     proctor.toml"), "{}", both(&out));
    project.read("proctor.toml")
}

#[test]
fn a_jest_config_with_jsdom_a_matcher_an_alias_and_ignored_paths() {
    let Some(deps) = dom_environments() else {
        return;
    };
    let project = Project::empty();
    link_node_modules(&deps, project.path());
    project
        .write("package.json", "{ \"name\": \"j\", \"private\": true }\n")
        .write(
            "jest.config.js",
            "module.exports = {\n  testEnvironment: 'jsdom',\n  setupFilesAfterEnv: ['<rootDir>/test/setup.js', '@testing-library/jest-dom'],\n  \
             testPathIgnorePatterns: ['/node_modules/', '<rootDir>/e2e/'],\n  testTimeout: 3000,\n  \
             moduleNameMapper: { '^@app/(.*)$': '<rootDir>/src/$1' },\n  restoreMocks: true,\n  \
             transform: {},\n};\n",
        )
        .write(
            "test/setup.js",
            "expect.extend({ toBeSeven(received) { return { pass: received === 7, message: () => `${received} is not 7` }; } });\n",
        )
        .write("src/math.js", "export const add = (a, b) => a + b;\n")
        .write(
            "src/__tests__/math.js",
            "import { add } from '@app/math';\n\
             test('adds with the setup file\\'s matcher', () => expect(add(3, 4)).toBeSeven());\n\
             test('has a DOM and jest-dom', () => { document.body.innerHTML = '<p>hi</p>'; expect(document.querySelector('p')).toHaveTextContent('hi'); });\n\
             test('overruns the timeout', () => new Promise((resolve) => setTimeout(resolve, 6000)));\n",
        )
        .write("src/util.spec.js", "test('a spec file is a test file in Jest', () => expect(1).toBe(1));\n")
        .write("src/util.js", "throw new Error('not a test file');\n")
        .write("e2e/flow.test.js", "test('ignored by testPathIgnorePatterns', () => { throw new Error('ran'); });\n");
    let toml = init(&project);
    for line in [
        "environment = \"jsdom\"",
        "setup-files = [\"test/setup.js\", \"node_modules/@testing-library/jest-dom/dist/index.js\"]",
        "timeout = \"3s\"",
        "\"@app\" = \"./src\"",
        "\"e2e/**\"",
        "restore-mocks = true",
    ] {
        assert!(toml.contains(line), "{line} in\n{toml}");
    }
    assert_runs(
        &project,
        &toml,
        &[
            ("src/__tests__/math.js::adds with the setup file's matcher", "passed"),
            ("src/__tests__/math.js::has a DOM and jest-dom", "passed"),
            ("src/__tests__/math.js::overruns the timeout", "timed-out"),
            ("src/util.spec.js::a spec file is a test file in Jest", "passed"),
        ],
    );

    let again = project.run(&["init"]);
    again.assert_code(2);
    assert!(again.stderr.contains("proctor.toml exists (hint: --force"), "{}", both(&again));
    project.run(&["init", "--force"]).assert_code(0);
}

#[test]
fn a_typescript_vitest_config_without_vitest_installed() {
    let project = Project::empty();
    project
        .write("package.json", "{ \"name\": \"v\", \"private\": true, \"type\": \"module\" }\n")
        .write(
            "vitest.config.ts",
            "import { defineConfig, configDefaults } from 'vitest/config';\nimport react from '@vitejs/plugin-react';\n\
             import path from 'node:path';\n\nconst timeout: number = 400;\n\n\
             export default defineConfig({\n  plugins: [react()],\n  resolve: { alias: { '~': path.resolve(__dirname, 'src') } },\n  \
             test: {\n    include: ['test/**/*.{test,spec}.?(c|m)[jt]s?(x)'],\n    exclude: [...configDefaults.exclude, 'test/fixtures/**'],\n    \
             setupFiles: './test/setup.ts',\n    globals: true,\n    testTimeout: timeout,\n  },\n});\n",
        )
        .write("src/twice.ts", "export const twice = (n: number): number => n * 2;\n")
        .write("test/setup.ts", "(globalThis as any).fromSetup = 42;\n")
        .write(
            "test/twice.test.ts",
            "import { expect, it } from 'vitest';\nimport { twice } from '~/twice';\n\n\
             it('doubles, after the setup file', () => {\n  expect(twice(2)).toBe(4);\n  expect((globalThis as any).fromSetup).toBe(42);\n});\n\
             it('overruns the timeout', () => new Promise((resolve) => setTimeout(resolve, 2000)));\n",
        )
        .write("test/fixtures/broken.test.ts", "it('excluded', () => { throw new Error('ran'); });\n")
        .write("src/other.test.ts", "it('outside include', () => { throw new Error('ran'); });\n");

    let before = project.run(&["list"]);
    assert!(
        before.stderr.contains("proctor: note: found vitest.config.ts and no proctor.toml")
            && before.stderr.contains("`proctor init`"),
        "{}",
        both(&before)
    );
    let dry = project.run(&["init", "--dry-run"]);
    dry.assert_code(0);
    assert!(dry.stdout.contains("[[suite]]") && !project.path().join("proctor.toml").exists(), "{}", both(&dry));
    assert!(
        dry.stderr.contains("not done  vitest.config.ts plugins")
            && dry.stderr.contains("no need   vitest.config.ts test.globals"),
        "{}",
        both(&dry)
    );

    let toml = init(&project);
    assert_runs(
        &project,
        &toml,
        &[
            ("test/twice.test.ts::doubles, after the setup file", "passed"),
            ("test/twice.test.ts::overruns the timeout", "timed-out"),
        ],
    );
    assert!(!project.path().join(".proctor/init-stubs").exists(), "the stubs are removed");
}

#[test]
fn a_vitest_workspace_file_gives_a_suite_per_project() {
    let project = Project::empty();
    project
        .write("package.json", "{ \"name\": \"ws\", \"private\": true, \"type\": \"module\" }\n")
        .write(
            "vitest.workspace.ts",
            "import { defineWorkspace } from 'vitest/config';\n\n\
             export default defineWorkspace([\n  { test: { name: 'api', include: ['api/**/*.test.ts'], testTimeout: 250 } },\n  \
             { test: { name: 'lib', include: ['lib/**/*.check.ts'] } },\n]);\n",
        )
        .write("api/a.test.ts", "it('answers', () => {});\nit('overruns the timeout', () => new Promise((r) => setTimeout(r, 2000)));\n")
        .write("lib/b.check.ts", "it('checks', () => {});\n")
        .write("lib/c.test.ts", "it('not in lib\\'s include', () => { throw new Error('ran'); });\n");
    let toml = init(&project);
    assert_runs(
        &project,
        &toml,
        &[
            ("api/a.test.ts::answers", "passed"),
            ("api/a.test.ts::overruns the timeout", "timed-out"),
            ("lib/b.check.ts::checks", "passed"),
        ],
    );
}

#[test]
fn a_mocharc_with_comments_tdd_a_required_helper_and_mochas_default_spec() {
    let project = Project::empty();
    project
        .write("package.json", "{ \"name\": \"m\", \"private\": true }\n")
        .write(
            ".mocharc.jsonc",
            "{\n  // mocha reads ./test/*.{js,cjs,mjs} by default (not recursive)\n  \"require\": [\"test-support/setup.cjs\"],\n  \
             \"timeout\": \"300ms\",\n  \"ui\": \"tdd\",\n  \"reporter\": \"dot\",\n}\n",
        )
        .write("test-support/setup.cjs", "globalThis.helperReady = true;\n")
        .write(
            "test/a.js",
            "suite('a', function () {\n  test('has the helper', function () { if (!globalThis.helperReady) throw new Error('no helper'); });\n  \
             test('overruns the timeout', function (done) { setTimeout(done, 2000); });\n});\n",
        )
        .write("test/nested/b.js", "suite('b', function () { test('not recursive', function () { throw new Error('ran'); }); });\n")
        .write("test/notes.txt", "not a test\n");
    let toml = init(&project);
    assert!(toml.contains("tests = [\"test/*.{js,cjs,mjs}\"]"), "{toml}");
    assert_runs(
        &project,
        &toml,
        &[("test/a.js::a::has the helper", "passed"), ("test/a.js::a::overruns the timeout", "timed-out")],
    );
}

#[test]
fn a_web_test_runner_config_with_a_test_runner_html_page_in_chromium() {
    let project = Project::empty();
    project
        .write("package.json", "{ \"name\": \"w\", \"private\": true, \"type\": \"module\" }\n")
        .write(
            "web-test-runner.config.mjs",
            "import { playwrightLauncher } from '@web/test-runner-playwright';\n\n\
             export default {\n  files: ['test/**/*.test.js', '!test/legacy/**'],\n  nodeResolve: true,\n  \
             browsers: [playwrightLauncher({ product: 'chromium' })],\n  testFramework: { config: { timeout: 400 } },\n  \
             testRunnerHtml: (testFramework) => `<html>\n  <body>\n    <script src=\"/vendor/globals.js\"></script>\n    \
             <script type=\"module\" src=\"${testFramework}\"></script>\n  </body>\n</html>`,\n};\n",
        )
        .write("vendor/globals.js", "window.fromPage = 'page script ran';\n")
        .write(
            "test/page.test.js",
            "import { expect } from '@esm-bundle/chai';\n\n\
             it('sees the page script', () => { if (window.fromPage !== 'page script ran') throw new Error(String(window.fromPage)); });\n\
             it('runs in Chromium', () => { if (!navigator.userAgent.includes('Chrome')) throw new Error(navigator.userAgent); });\n\
             it('overruns the timeout', () => new Promise((resolve) => setTimeout(resolve, 3000)));\n",
        )
        .write("test/legacy/old.test.js", "it('excluded', () => { throw new Error('ran'); });\n")
        .write("node_modules/@esm-bundle/chai/package.json", "{ \"name\": \"@esm-bundle/chai\", \"type\": \"module\", \"main\": \"index.js\" }\n")
        .write("node_modules/@esm-bundle/chai/index.js", "export const expect = () => {};\n");
    let toml = init(&project);
    for line in [
        "runtime = \"chromium\"",
        "page = \"proctor-page.html\"",
        "timeout = \"400ms\"",
        "exclude = [\"test/legacy/**\"]",
    ] {
        assert!(toml.contains(line), "{line} in\n{toml}");
    }
    let page = project.read("proctor-page.html");
    assert!(page.contains("/vendor/globals.js") && !page.contains("__proctor"), "{page}");
    let _browser = browser_lock();
    assert_runs(
        &project,
        &toml,
        &[
            ("test/page.test.js::sees the page script", "passed"),
            ("test/page.test.js::runs in Chromium", "passed"),
            ("test/page.test.js::overruns the timeout", "timed-out"),
        ],
    );
}

#[test]
fn init_says_what_it_found_nothing_of() {
    let project = Project::empty();
    project.write("package.json", "{ \"name\": \"e\" }\n");
    let out = project.run(&["init"]);
    out.assert_code(2);
    assert!(out.stderr.contains("found no Jest, Vitest, mocha, web-test-runner or Karma config"), "{}", both(&out));
}

/// ufo, ohash, perfect-debounce: Vitest with no config file (`"test": "vitest run"`), so
/// Vitest's defaults. Jest likewise. init writes the runner's defaults out instead of finding
/// nothing.
#[test]
fn init_writes_the_runners_defaults_when_package_json_names_it_without_a_config() {
    let vitest = Project::empty();
    vitest
        .write(
            "package.json",
            r#"{ "type": "module", "scripts": { "test": "vitest run" }, "devDependencies": { "vitest": "^4" } }"#,
        )
        .write("test/a.test.ts", "import { test, expect } from \"vitest\";\ntest(\"a\", () => expect(1).toBe(1));\n")
        .write("src/b.spec.mjs", "import { test } from \"vitest\";\ntest(\"b\", () => {});\n")
        .write("test/helper.ts", "throw new Error(\"not a test file\");\n");
    let toml = init(&vitest);
    assert!(toml.contains("from package.json (vitest without a config)"), "{toml}");
    assert_runs(&vitest, &toml, &[("test/a.test.ts::a", "passed"), ("src/b.spec.mjs::b", "passed")]);

    let jest = Project::empty();
    jest.write("package.json", r#"{ "scripts": { "test": "jest --ci" }, "devDependencies": { "jest": "^30" } }"#)
        .write("__tests__/sum.js", "test(\"sum\", () => expect(1 + 1).toBe(2));\n")
        .write("lib/sum.js", "module.exports = (a, b) => a + b;\n");
    let toml = init(&jest);
    assert!(toml.contains("id = \"jest\""), "{toml}");
    assert_runs(&jest, &toml, &[("__tests__/sum.js::sum", "passed")]);
}

/// react-colorful (Jest 26, `"\\.js$": "jest-esm-jsx-transform"`): Jest before 27 ran tests in
/// jsdom by default, and a transform that compiles `.js` files compiles their JSX; init writes
/// `environment = "jsdom"` and `jsx-in-js = true` (before, the three files with JSX in `.js`
/// failed to load and the rest had no `document`). With Jest 27 or later installed, no
/// environment is written.
#[test]
fn init_follows_jest_26s_jsdom_default_and_a_transform_that_compiles_js() {
    let Some(deps) = dom_environments() else {
        return;
    };
    let project = Project::empty();
    project
        .write(
            "package.json",
            r#"{ "devDependencies": { "jest": "^26.6.3" }, "jest": { "transform": { "\\.js$": "jest-esm-jsx-transform", "^.+\\.tsx?$": "ts-jest" } } }"#,
        )
        .write("node_modules/jest/package.json", r#"{ "name": "jest", "version": "26.6.3" }"#)
        .write(
            "tests/render.test.js",
            r#"/** @jsxRuntime classic @jsx h */
const h = (tag, props, ...children) => {
  const element = document.createElement(tag);
  element.textContent = children.join("");
  return element;
};
test("renders JSX into jsdom", () => {
  document.body.append(<b>hi</b>);
  expect(document.body.textContent).toBe("hi");
});
"#,
        );
    #[cfg(unix)]
    std::os::unix::fs::symlink(deps.join("node_modules/jsdom"), project.path().join("node_modules/jsdom"))
        .expect("link jsdom");
    let toml = init(&project);
    assert!(toml.contains("environment = \"jsdom\"") && toml.contains("jsx-in-js = true"), "{toml}");
    assert_runs(&project, &toml, &[("tests/render.test.js::renders JSX into jsdom", "passed")]);

    project.write("node_modules/jest/package.json", r#"{ "name": "jest", "version": "29.7.0" }"#);
    let out = project.run(&["init", "--dry-run"]);
    assert!(!out.stdout.contains("environment") && out.stdout.contains("jsx-in-js = true"), "{}", both(&out));
}
