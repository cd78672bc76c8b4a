//! End to end: what stopped real open-source suites (issue 13's sweep), each reduced to the
//! smallest project that shows it. The projects themselves are not run here; their before/after
//! counts are in the README's "Real suites" section.

use proctor_e2e::downloads::{dom_environments, link_node_modules};
use proctor_e2e::{browser_lock, model, Project};

/// node-fetch's mocha suite: a test's server answers with a raw response and ends the socket;
/// the next test's request must not get the half-closed keep-alive socket (node 20's global
/// agent keeps sockets alive). mocha starts each test on a later turn of the event loop, so the
/// socket's end is seen first; proctor does the same in node.
#[test]
fn the_next_test_starts_after_io_the_last_one_finished_as_in_mocha() {
    let project = Project::empty();
    project.write(
        "keep-alive.test.js",
        r#"
const http = require("node:http");
const { once } = require("node:events");

function get(url) {
  return new Promise((resolve, reject) =>
    http.get(url, (res) => { res.resume(); res.on("end", () => resolve(res.statusCode)); }).on("error", reject));
}

describe("keep-alive", () => {
  const server = http.createServer((req, res) => {
    if (req.url === "/raw") {
      res.socket.write("HTTP/1.1 301\r\nLocation: <>\r\nContent-Length: 0\r\n");
      res.socket.end("\r\n");
      return;
    }
    res.end("ok");
  });
  let base;
  before(async () => {
    server.listen(0, "localhost");
    await once(server, "listening");
    base = `http://localhost:${server.address().port}`;
  });
  after(() => server.close());
  it("gets a raw response that ends its socket", async () => {
    expect(await get(base + "/raw")).toBe(301);
  });
  it("gets a fresh socket for the next request", async () => {
    expect(await get(base + "/ok")).toBe(200);
  });
});
"#,
    );
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.results(),
        model(&[
            ("keep-alive.test.js::keep-alive::gets a raw response that ends its socket", "passed"),
            ("keep-alive.test.js::keep-alive::gets a fresh socket for the next request", "passed"),
        ]),
        "{}",
        out.stderr
    );
    out.assert_code(0);
}

/// cross-env: its tsconfig.json extends `@epic-web/config/typescript`, a dev dependency. When
/// it is not installed, proctor warns that the missing part is ignored, and imports still
/// resolve (they all failed before, so every file was a load error).
#[test]
fn a_tsconfig_extending_an_uninstalled_package_still_resolves_imports() {
    let project = Project::empty();
    project
        .write(
            "tsconfig.json",
            r#"{ "extends": ["@epic-web/config/typescript"], "compilerOptions": { "module": "ESNext" }, "include": ["src/**/*"] }"#,
        )
        .write("src/is-windows.ts", "export const isWindows = (): boolean => process.platform === 'win32'\n")
        .write(
            "src/__tests__/is-windows.test.ts",
            r#"
import { test, expect } from "vitest"
import { isWindows } from "../is-windows.js"
test("answers", () => { expect(typeof isWindows()).toBe("boolean") })
"#,
        );
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(out.results(), model(&[("src/__tests__/is-windows.test.ts::answers", "passed")]), "{}", out.stderr);
    assert!(out.stderr.contains("cannot find the config it extends"), "{}", out.stderr);
    out.assert_code(0);
}

/// luxon's Jest suite: its test helpers `import` the library and export with `exports.x = ...`
/// (Babel compiles both to CommonJS). Test files import them by default and by name, and the
/// helpers must see the same instance of the library the test files import.
#[test]
fn a_babel_mixed_module_exports_through_exports_and_shares_its_imports() {
    let project = Project::empty();
    project
        .write("src/settings.js", "export const Settings = { now: () => 0 };\n")
        .write(
            "test/helpers.js",
            r#"
import { Settings } from "../src/settings";

exports.withNow = function (now, f) {
  const old = Settings.now;
  try {
    Settings.now = () => now;
    f();
  } finally {
    Settings.now = old;
  }
};
exports["kebab-name"] = 1;
"#,
        )
        .write(
            "test/shapes.js",
            "import { Settings } from \"../src/settings\";\nconst a = () => Settings.now();\nmodule.exports = { a, b: 2 };\n",
        )
        .write(
            "test/now.test.js",
            r#"
import { Settings } from "../src/settings";
import Helpers, { withNow } from "./helpers";
import shapes, { a, b } from "./shapes";

test("named exports see the imported instance", () => {
  withNow(42, () => expect(Settings.now()).toBe(42));
  expect(Settings.now()).toBe(0);
});
test("the default export is the exports object", () => {
  expect(Helpers.withNow).toBe(withNow);
  expect(Helpers["kebab-name"]).toBe(1);
});
test("module.exports of an object literal", () => {
  expect(shapes.b).toBe(2);
  expect(b).toBe(2);
  withNow(7, () => expect(a()).toBe(7));
});
"#,
        );
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.results(),
        model(&[
            ("test/now.test.js::named exports see the imported instance", "passed"),
            ("test/now.test.js::the default export is the exports object", "passed"),
            ("test/now.test.js::module.exports of an object literal", "passed"),
        ]),
        "{}",
        out.stderr
    );
    out.assert_code(0);
}

/// ufo's Vitest suite: `test.each([{ input: ["a", "b"], out: "a/b" }])("$input -> $out")`.
/// Vitest shows interpolated values as its own inspector does (`[ 'a', 'b' ] -> 'a/b'`); Jest
/// shows `["a", "b"] -> a/b`. Each file gets its runner's names: by its `vitest` import.
#[test]
fn each_names_interpolate_values_as_the_files_runner_does() {
    let project = Project::empty();
    let body = r#"
describe("resolve", () => {
  test.each([
    { input: ["a", "b"], out: "a/b" },
    { input: [], out: "" },
  ])("$input -> $out", ({ input, out }) => expect(input.join("/")).toBe(out));
});
"#;
    project
        .write("test/vitest.test.ts", &format!("import {{ describe, expect, test }} from \"vitest\";\n{body}"))
        .write("test/jest.test.ts", body);
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.results(),
        model(&[
            ("test/vitest.test.ts::resolve::[ 'a', 'b' ] -> 'a/b'", "passed"),
            ("test/vitest.test.ts::resolve::[] -> ''", "passed"),
            ("test/jest.test.ts::resolve::[\"a\", \"b\"] -> a/b", "passed"),
            ("test/jest.test.ts::resolve::[] -> ", "passed"),
        ]),
        "{}",
        out.stderr
    );
    out.assert_code(0);
}

/// react-hotkeys-hook's Vitest suite: `vi.useFakeTimers({ shouldAdvanceTime: true })` in
/// `beforeEach`, then Testing Library's user-event, which awaits a fake `setTimeout` between
/// keys. The clock must follow real time (sinon's option; Jest's `advanceTimers`), or every
/// such test hangs until its timeout (50 of them did).
#[test]
fn fake_timers_that_advance_with_real_time_let_awaited_timers_fire() {
    let project = Project::empty();
    project.write("proctor.toml", "[[suite]]\nid = \"node\"\ntests = [\"test/*.test.ts\"]\ntimeout = 2000\n").write(
        "test/timers.test.ts",
        r#"
import { beforeEach, expect, test, vi } from "vitest";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
});

test("an awaited fake timer fires", async () => {
  const start = Date.now();
  await sleep(50);
  expect(Date.now() - start).toBeGreaterThanOrEqual(50);
});
test("with Jest's advanceTimers and a step", async () => {
  vi.useFakeTimers({ advanceTimers: 5 });
  await sleep(30);
});
test("plain fake timers still wait for the test to move the clock", async () => {
  vi.useFakeTimers();
  let fired = false;
  setTimeout(() => (fired = true), 10);
  await new Promise((resolve) => globalThis.queueMicrotask(() => resolve(undefined)));
  expect(fired).toBe(false);
  vi.advanceTimersByTime(10);
  expect(fired).toBe(true);
});
"#,
    );
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.results(),
        model(&[
            ("test/timers.test.ts::an awaited fake timer fires", "passed"),
            ("test/timers.test.ts::with Jest's advanceTimers and a step", "passed"),
            ("test/timers.test.ts::plain fake timers still wait for the test to move the clock", "passed"),
        ]),
        "{}",
        out.stderr
    );
    out.assert_code(0);
}

/// react-hotkeys-hook: `addEventListener(type, fn, { signal })` with an `AbortController` in a
/// jsdom suite. The controller is node's (as in Vitest, so fetch accepts its signal), which
/// jsdom's addEventListener rejects unless given a jsdom signal that follows it, as Vitest does.
#[test]
fn a_jsdom_listener_takes_a_node_abort_signal() {
    let Some(deps) = dom_environments() else {
        return;
    };
    let project = Project::empty();
    link_node_modules(&deps, project.path());
    project
        .write("proctor.toml", "[[suite]]\nid = \"dom\"\ntests = [\"test/*.test.ts\"]\nenvironment = \"jsdom\"\n")
        .write(
            "test/signal.test.ts",
            r#"
import { expect, test } from "vitest";

test("aborting removes the listener", () => {
  const controller = new AbortController();
  let calls = 0;
  document.addEventListener("keydown", () => calls++, { signal: controller.signal });
  document.dispatchEvent(new KeyboardEvent("keydown"));
  controller.abort();
  document.dispatchEvent(new KeyboardEvent("keydown"));
  expect(calls).toBe(1);
});
test("an aborted signal adds nothing", () => {
  let calls = 0;
  document.body.addEventListener("click", () => calls++, { signal: AbortSignal.abort() });
  document.body.click();
  expect(calls).toBe(0);
});
"#,
        );
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.results(),
        model(&[
            ("test/signal.test.ts::aborting removes the listener", "passed"),
            ("test/signal.test.ts::an aborted signal adds nothing", "passed"),
        ]),
        "{}",
        out.stderr
    );
    out.assert_code(0);
}

/// citty's Vitest suite: its colours are off when `process.env.TEST` is set (Vitest's workers
/// set `TEST` and `VITEST`), and its `.each` names use `%o`, which Vitest prints with its own
/// inspector (`[ '--force' ] ({ force: { type: 'boolean' } })`). A run without `vitest`
/// files sets neither variable, as Jest does not.
#[test]
fn vitest_files_see_vitests_env_and_printf_names() {
    let project = Project::empty();
    project.write(
        "test/args.test.ts",
        r#"
import { expect, it } from "vitest";

it("sees TEST and VITEST", () => {
  expect([process.env.TEST, process.env.VITEST]).toEqual(["true", "true"]);
});
it.each([[["--force"], { force: { type: "boolean" } }]])("parses %o (%o)", (argv, spec) => {
  expect(argv).toEqual(["--force"]);
});
"#,
    );
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.results(),
        model(&[
            ("test/args.test.ts::sees TEST and VITEST", "passed"),
            ("test/args.test.ts::parses [ '--force' ] ({ force: { type: 'boolean' } })", "passed"),
        ]),
        "{}",
        out.stderr
    );
    out.assert_code(0);

    let jest = Project::empty();
    jest.write("test/env.test.js", "test(\"no VITEST\", () => expect(process.env.VITEST).toBeUndefined());\n");
    let out = jest.run(&["run", "--reporter", "json"]);
    assert_eq!(out.results(), model(&[("test/env.test.js::no VITEST", "passed")]), "{}", out.stderr);
}

/// tiny-invariant's Jest suite: `jest.setTimeout(30000)` at the top of a file whose tests run
/// rollup. Jest makes it the default timeout of the file's tests; proctor ignored it, so a test
/// slower than the configured timeout failed. `vi.setConfig({ testTimeout })` likewise; other
/// files keep the configured timeout (node loads files together: the call's file is found on
/// the stack).
#[test]
fn jest_set_timeout_at_the_top_of_a_file_is_its_tests_default_timeout() {
    let project = Project::empty();
    project
        .write("proctor.toml", "[[suite]]\nid = \"jest\"\ntests = [\"test/*.spec.ts\"]\ntimeout = 300\n")
        .write(
            "test/slow.spec.ts",
            "jest.setTimeout(5000);\n\nit(\"takes a while\", async () => {\n  await new Promise((resolve) => setTimeout(resolve, 600));\n});\n",
        )
        .write(
            "test/vitest.spec.ts",
            "import { it, vi } from \"vitest\";\nvi.setConfig({ testTimeout: 5000 });\n\nit(\"too\", async () => {\n  await new Promise((resolve) => setTimeout(resolve, 600));\n});\n",
        )
        .write(
            "test/other.spec.ts",
            "it(\"keeps the configured timeout\", async () => {\n  await new Promise((resolve) => setTimeout(resolve, 600));\n});\n",
        );
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.results(),
        model(&[
            ("test/slow.spec.ts::takes a while", "passed"),
            ("test/vitest.spec.ts::too", "passed"),
            ("test/other.spec.ts::keeps the configured timeout", "timed-out"),
        ]),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("jest.setTimeout() while tests run"), "{}", out.stderr);
}

/// reselect (Vitest, `globals: true`): `test.todo(name, fn)` is a todo whose function never
/// runs, a describe body gets Vitest's `test` as its argument (`describe("x", (localTest) =>
/// ...)`), and `describe(fn)` with an anonymous function is named `<anonymous>`. Before, the
/// first two were load errors of the whole file and the third an empty name. The same in a file
/// that imports `vitest` (its describe bodies are collected later) and one that does not.
#[test]
fn vitest_todo_with_a_function_describe_given_test_and_anonymous_names() {
    let body = r#"
test.todo("later", () => { throw new Error("a todo's function never runs"); });
describe("given", (localTest) => {
  localTest("declared through the argument", () => { expect(typeof localTest).toBe("function"); });
});
const anonymous = (() => () => {})();
describe(anonymous, () => {
  test("inside", () => {});
});
"#;
    let project = Project::empty();
    project
        .write("globals.test.ts", body)
        .write("imports.test.ts", &format!("import {{ describe, expect, test }} from \"vitest\";\n{body}"));
    let out = project.run(&["run", "--reporter", "json"]);
    let mut expected = Vec::new();
    for file in ["globals.test.ts", "imports.test.ts"] {
        expected.push((format!("{file}::later"), "todo"));
        expected.push((format!("{file}::given::declared through the argument"), "passed"));
        expected.push((format!("{file}::<anonymous>::inside"), "passed"));
    }
    let expected: Vec<(&str, &str)> = expected.iter().map(|(id, s)| (id.as_str(), *s)).collect();
    assert_eq!(out.results(), model(&expected), "{}", out.stderr);
    out.assert_code(0);
}

/// reselect (Vitest with `globals: true`: most test files do not import `vitest`): in a
/// project whose package.json names Vitest and no other runner, a hook's one parameter is
/// Vitest's test context, not Jest's `done` (before, the hook waited for a `done` call to its
/// timeout). Where package.json also names Jest, a one-parameter hook still gets `done`.
#[test]
fn a_vitest_project_with_globals_gives_hooks_the_test_context() {
    let file = r#"
describe("with context", () => {
  beforeEach((context) => { context.state = { todos: 2 }; });
  test("reads it", ({ state }) => { expect(state.todos).toBe(2); });
});
"#;
    let vitest = Project::empty();
    vitest.write("package.json", r#"{ "devDependencies": { "vitest": "^1.6.0" } }"#).write("context.test.js", file);
    let out = vitest.run(&["run", "--reporter", "json", "--timeout", "2s"]);
    assert_eq!(out.results(), model(&[("context.test.js::with context::reads it", "passed")]), "{}", out.stderr);
    out.assert_code(0);

    let jest = Project::empty();
    jest.write("package.json", r#"{ "devDependencies": { "vitest": "^1.6.0", "jest": "^29.0.0" } }"#)
        .write("done.test.js", "beforeEach((done) => { setTimeout(done, 1); });\ntest(\"after done\", () => {});\n");
    let out = jest.run(&["run", "--reporter", "json", "--timeout", "2s"]);
    assert_eq!(out.results(), model(&[("done.test.js::after done", "passed")]), "{}", out.stderr);
    out.assert_code(0);
}

/// react-error-boundary (Vitest): its component reads `import.meta.env.DEV`, which Vite
/// defines and neither node nor a browser has; every file importing it failed to load. Vitest
/// gives Vite's variables (`MODE` "test", `DEV`, `PROD`, `BASE_URL`), reads `process.env`
/// through them and lets `vi.stubEnv` change them; in TypeScript and plain JavaScript alike, in
/// node and in Chromium.
#[test]
fn import_meta_env_is_vites_as_in_vitest() {
    let project = Project::empty();
    project
        .write("src/mode.ts", "export const mode = (): string => `${import.meta.env.MODE}:${import.meta.env.DEV}:${import.meta.env.PROD}`;\n")
        .write("src/base.js", "export const base = () => import.meta.env.BASE_URL + (import.meta.env.VITE_API ?? 'none');\n")
        .write(
            "test/env.test.ts",
            r#"
import { expect, test, vi } from "vitest";
import { mode } from "../src/mode";
import { base } from "../src/base.js";

test("Vite's variables in test mode", () => {
  expect(mode()).toBe("test:true:false");
  expect(base()).toBe("/none");
});
test("vi.stubEnv reaches import.meta.env", () => {
  vi.stubEnv("VITE_API", "https://api");
  vi.stubEnv("DEV", false);
  expect(base()).toBe("/https://api");
  expect(import.meta.env.DEV).toBe(false);
  vi.unstubAllEnvs();
  expect(import.meta.env.DEV).toBe(true);
});
"#,
        );
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.results(),
        model(&[
            ("test/env.test.ts::Vite's variables in test mode", "passed"),
            ("test/env.test.ts::vi.stubEnv reaches import.meta.env", "passed"),
        ]),
        "{}",
        out.stderr
    );
    out.assert_code(0);

    // In Chromium: the same object without `process.env`, and no server side.
    project
        .write("proctor.toml", "[[suite]]\nid = \"page\"\nruntime = \"chromium\"\ntests = [\"test/page.test.ts\"]\n")
        .write(
            "test/page.test.ts",
            "import { expect, test } from \"vitest\";\nimport { mode } from \"../src/mode\";\nimport { base } from \"../src/base.js\";\ntest(\"in the page\", () => {\n  expect(mode()).toBe(\"test:true:false\");\n  expect(base()).toBe(\"/none\");\n  expect(import.meta.env.SSR).toBe(false);\n});\n",
        );
    let _browser = browser_lock();
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(out.results(), model(&[("test/page.test.ts::in the page", "passed")]), "{}", out.stderr);
    out.assert_code(0);
}

/// github's auto-complete-element (web-test-runner): two test files `import "axe-core"`, a UMD
/// bundle that sets `window.axe`, and use the global. In a page a package is evaluated once
/// for every file's realm, so the second file imports it without running it again; the realm
/// reset before that file deleted `window.axe`, and every axe test of the second file failed.
/// What a package adds as it is evaluated (a UMD global, an ES module polyfill's global, a
/// method on a built-in) now stays; what a project module or a test adds still goes.
#[test]
fn globals_a_package_sets_as_it_loads_stay_for_the_next_files_in_chromium() {
    let _lock = proctor_e2e::browser_lock();
    let project = Project::empty();
    project
        .write("proctor.toml", "[[suite]]\nid = \"wtr\"\nruntime = \"chromium\"\ntests = [\"test/*.test.js\"]\n")
        .write("node_modules/umd-lib/package.json", r#"{ "name": "umd-lib", "main": "lib.js" }"#)
        .write(
            "node_modules/umd-lib/lib.js",
            "(function (root) {\n  var lib = { hello: function () { return \"umd\"; } };\n  if (typeof module === \"object\" && module.exports) module.exports = lib;\n  root.umdLib = lib;\n})(typeof window === \"object\" ? window : this);\n",
        )
        .write("node_modules/esm-polyfill/package.json", r#"{ "name": "esm-polyfill", "type": "module", "main": "index.js" }"#)
        .write(
            "node_modules/esm-polyfill/index.js",
            "#!/usr/bin/env node\nglobalThis.Polyfilled = class Polyfilled {};\nReflect.polyfilledMeta = () => \"meta\";\n",
        )
        .write("src/leaky.js", "window.projectLeak = 1;\n");
    let file = |name: &str| {
        format!(
            r#"import "umd-lib";
import "esm-polyfill";
import "../src/leaky.js";
it("{name} sees what the packages set", () => {{
  expect(window.umdLib.hello()).toBe("umd");
  expect(typeof globalThis.Polyfilled).toBe("function");
  expect(Reflect.polyfilledMeta()).toBe("meta");
}});
it("{name} sees its own project module's global, and no test's", () => {{
  expect(window.projectLeak).toBe(1);
  expect(window.setByTest).toBe(undefined);
  window.setByTest = "{name}";
}});
"#
        )
    };
    project.write("test/a.test.js", &file("a")).write("test/b.test.js", &file("b"));
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.results(),
        model(&[
            ("test/a.test.js::a sees what the packages set", "passed"),
            ("test/a.test.js::a sees its own project module's global, and no test's", "passed"),
            ("test/b.test.js::b sees what the packages set", "passed"),
            ("test/b.test.js::b sees its own project module's global, and no test's", "passed"),
        ]),
        "{}",
        out.stderr
    );
    out.assert_code(0);
}

/// github's tab-container-element: its web-test-runner config lists `src/index.ts` (which
/// defines the element and declares no test) among its `files`. web-test-runner, like mocha,
/// runs such a file and reports nothing; proctor reported it as a load error ("no tests
/// found"), and the run failed. `proctor init` now writes `empty-files = "ok"` for mocha,
/// web-test-runner and Karma suites; without it a file with no test is still an error.
#[test]
fn a_web_test_runner_file_without_tests_is_no_error_after_init() {
    let _lock = proctor_e2e::browser_lock();
    let project = Project::empty();
    project
        .write("package.json", "{ \"name\": \"tabs\", \"private\": true, \"type\": \"module\" }\n")
        .write("web-test-runner.config.mjs", "export default { files: ['test/test.js', 'src/index.ts'], nodeResolve: true };\n")
        .write("src/index.ts", "export class TabsElement extends HTMLElement {}\ncustomElements.define('x-tabs', TabsElement);\n")
        .write(
            "test/test.js",
            "import '../src/index.ts';\nit('defines the element', () => { expect(customElements.get('x-tabs')).toBeDefined(); });\n",
        );
    let init = project.run(&["init"]);
    init.assert_code(0);
    assert!(init.stdout.contains("→ empty-files = \"ok\""), "{}", init.stdout);
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(out.results(), model(&[("test/test.js::defines the element", "passed")]), "{}", out.stderr);
    assert!(out.events_of("load-error").is_empty(), "{}", out.stdout);
    out.assert_code(0);
    // The default, as in Jest and Vitest: the same file is an error.
    let toml = project.read("proctor.toml").replace("empty-files = \"ok\"\n", "");
    project.write("proctor.toml", &toml);
    let out = project.run(&["run", "--reporter", "json"]);
    let errors = out.events_of("load-error");
    assert_eq!(errors.len(), 1, "{}", out.stdout);
    assert!(errors[0]["message"].as_str().is_some_and(|m| m.contains("src/index.ts: no tests found")), "{errors:?}");
    out.assert_code(1);
}

/// eventemitter3 has no mocha config: its `test` script is `c8 ... mocha test/test.js`, and
/// mocha ran that one file. `proctor init` wrote mocha's default spec (`./test`), which also
/// took `test/test.mjs`. The script's mocha arguments are now read as its config: positional
/// ones as `spec`, options (`--timeout`, `-r`) as a `.mocharc` would give them.
#[test]
fn init_reads_the_test_scripts_mocha_arguments() {
    let project = Project::empty();
    project
        .write(
            "package.json",
            r#"{ "name": "ee", "private": true, "scripts": { "test": "c8 --reporter=text mocha -t 3000 test/test.js" } }"#,
        )
        .write("test/test.js", "it('runs', function () { if (this.timeout() !== 3000) throw new Error(String(this.timeout())); });\n")
        .write("test/other.js", "it('is not in the script', () => { throw new Error('ran'); });\n");
    let init = project.run(&["init"]);
    init.assert_code(0);
    assert!(init.stdout.contains("spec \"test/test.js\" → tests \"test/test.js\""), "{}", init.stdout);
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.results(),
        model(&[("test/test.js::runs", "passed")]),
        "{}\n{}",
        out.stderr,
        project.read("proctor.toml")
    );
    out.assert_code(0);
}

/// expressjs/body-parser: `const { describe, it } = require('mocha')` in every test file.
/// mocha's own `describe` needs a running mocha ("Cannot read properties of undefined (reading
/// 'describe')"), so all 6 files failed to load. `mocha` is now one of the test API's names, as
/// `vitest` and `@jest/globals` are: the installed package is never loaded, in node and Chromium.
#[test]
fn mochas_names_imported_from_mocha_are_the_test_api() {
    let _lock = proctor_e2e::browser_lock();
    let project = Project::empty();
    project
        .write(
            "proctor.toml",
            "[[suite]]\nid = \"m\"\nruntime = [\"node\", \"chromium\"]\ntests = [\"test/*.{js,mjs}\"]\n",
        )
        .write("node_modules/mocha/package.json", r#"{ "name": "mocha", "main": "index.js" }"#)
        .write("node_modules/mocha/index.js", "throw new Error('the installed mocha was loaded');\n")
        .write(
            "test/required.js",
            "const { describe, it, before } = require('mocha');\nconst assert = require('node:assert');\n\
             describe('required', function () {\n  let ready = false;\n  before(function () { ready = true; });\n  \
             it('runs with its hooks', function () { assert.strictEqual(ready, true); });\n});\n",
        )
        .write(
            "test/imported.mjs",
            "import { suite, test } from 'mocha';\nsuite('imported', () => { test('runs', () => {}); });\n",
        );
    // The CommonJS file in node; the ES module in Chromium too (the import map sends `mocha`).
    let out = project.run(&["run", "--reporter", "json", "--runtime", "node"]);
    assert_eq!(
        out.results(),
        model(&[
            ("test/required.js::required::runs with its hooks", "passed"),
            ("test/imported.mjs::imported::runs", "passed")
        ]),
        "{}",
        out.stderr
    );
    out.assert_code(0);
    let out = project.run(&["run", "--reporter", "json", "--runtime", "chromium", "test/imported.mjs"]);
    assert_eq!(out.results(), model(&[("test/imported.mjs::imported::runs", "passed")]), "{}", out.stderr);
    out.assert_code(0);
}

/// github's clipboard-copy-element: its web-test-runner launcher's `createBrowserContext` grants
/// `clipboard-read`, and a click copies through `navigator.clipboard.writeText`. Without the
/// permission Chromium denies the write (an unhandled rejection outside the tests, exit 1).
/// `permissions = [...]` on a browser suite grants them to the run page's origin.
#[test]
fn a_browser_suite_grants_the_permissions_it_names() {
    let _lock = proctor_e2e::browser_lock();
    let project = Project::empty();
    let suite = "[[suite]]\nid = \"wtr\"\nruntime = \"chromium\"\ntests = [\"test/*.test.js\"]\n";
    project.write("proctor.toml", &format!("{suite}permissions = [\"clipboard-read\"]\n")).write(
        "test/clipboard.test.js",
        "it('writes and reads the clipboard', async () => {\n  await navigator.clipboard.writeText('copied');\n  \
         expect(await navigator.clipboard.readText()).toBe('copied');\n});\n",
    );
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.results(),
        model(&[("test/clipboard.test.js::writes and reads the clipboard", "passed")]),
        "{}",
        out.stdout
    );
    out.assert_code(0);
    project.write("proctor.toml", suite);
    let out = project.run(&["run", "--reporter", "json"]);
    assert_eq!(
        out.results(),
        model(&[("test/clipboard.test.js::writes and reads the clipboard", "failed")]),
        "{}",
        out.stdout
    );
    // A name Chromium does not know stops the run before any test, naming it.
    project.write("proctor.toml", &format!("{suite}permissions = [\"clipboard-everything\"]\n"));
    let out = project.run(&["run"]);
    assert!(out.stdout.contains("could not grant the permission \"clipboard-everything\""), "{}", out.stdout);
    out.assert_code(2);
}
