//! End to end: chai's BDD chain on proctor's `expect`, chai's `assert` and `chai.use` plugins, as
//! a Vitest suite writes them (issue 14 point 3), in node, in Chromium's esm build and in an
//! esbuild bundle (the vendored chai travels in all three), with a failing `.to.equal` printed as
//! a diff at the test's line; `toMatchObject` on an Error and fake timers' async API in Chromium
//! (issue 14 point 7); `matchSnapshot`; the same API through `require("proctor")`; and the real
//! chai-dom, sinon-chai and chai-as-promised from npm plugged in with `chai.use`.

use proctor_e2e::downloads::{link_node_modules, npm_packages};
use proctor_e2e::{browser_lock, Output, Project};
use std::collections::BTreeMap;

const NODE: &str = "[[suite]]\nid = \"node\"\nruntime = \"node\"\ntests = [\"test/*.test.{js,cjs}\"]\n";

/// Every test of the fixture and how it ends, in each suite.
const OUTCOMES: &[(&str, &str)] = &[
    ("test/chains.test.js::chains::equal, deep, property, include, length, members, ranges, types", "passed"),
    ("test/chains.test.js::chains::not from either side, and Jest's matchers beside", "passed"),
    ("test/chains.test.js::chains::resolves and rejects", "passed"),
    ("test/chains.test.js::chains::chai's assert", "passed"),
    ("test/chains.test.js::chains::a chai.use plugin", "passed"),
    ("test/chains.test.js::chains::toMatchObject on an Error", "passed"),
    ("test/chains.test.js::chains::fails: to.equal on two texts", "failed"),
    ("test/chains.test.js::chains::fails: deep.equal on two objects", "failed"),
    ("test/chains.test.js::chains::fails: a chain awaited through resolves", "failed"),
    ("test/chains.test.js::chains::fails: a misspelt chain word", "failed"),
    ("test/snapshot.test.js::matchSnapshot, Vitest's chai-side name", "passed"),
    ("test/timers.test.js::advanceTimersByTimeAsync fires timers and awaits between them", "passed"),
    ("test/timers.test.js::runAllTimersAsync runs timers that schedule more", "passed"),
    ("test/timers.test.js::clearTimeout of a timer that already fired, and of a real one", "passed"),
];

/// The fixture model for `suites`: `suite|id` → outcome.
fn expected(suites: &[&str]) -> BTreeMap<String, String> {
    suites
        .iter()
        .flat_map(|suite| OUTCOMES.iter().map(move |(id, outcome)| (format!("{suite}|{id}"), outcome.to_string())))
        .collect()
}

/// What the run reported: `suite|id` → outcome.
fn outcomes_by_suite(out: &Output) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for event in out.events_of("test-finished") {
        let key = format!(
            "{}|{}",
            event["test"]["suite"].as_str().unwrap_or("?"),
            event["test"]["id"].as_str().unwrap_or("?")
        );
        let outcome = event["outcome"].as_str().unwrap_or("?").to_string();
        assert!(map.insert(key.clone(), outcome).is_none(), "{key} reported twice");
    }
    map
}

/// The failures' messages and diff fields, and the human report's diff and location.
fn assert_failures_are_explained(out: &Output, project: &Project, suites: &[&str]) {
    for event in out.events_of("test-finished") {
        let id = event["test"]["id"].as_str().unwrap_or_default();
        let error = &event["error"];
        if id.ends_with("fails: to.equal on two texts") {
            assert_eq!(error["name"], "AssertionError", "{event}");
            assert!(error["message"].as_str().unwrap_or_default().starts_with("expected 'line one"), "{event}");
            assert!(error["expected"].as_str().unwrap_or_default().contains("line 2"), "{event}");
            assert!(error["actual"].as_str().unwrap_or_default().contains("line two"), "{event}");
        }
        if id.ends_with("fails: a chain awaited through resolves") {
            assert_eq!(error["message"], "expected 3 to equal 4", "{event}");
        }
        if id.ends_with("fails: a misspelt chain word") {
            assert_eq!(error["message"], "Invalid Chai property: ture. Did you mean \"true\"?", "{event}");
        }
    }
    let human = project.run(&["run", "--reporter", "dots"]);
    human.assert_code(1);
    let text = &human.stdout;
    assert_eq!(text.matches("- Expected\n    + Received").count(), 2 * suites.len(), "{text}");
    assert!(text.contains("    - line 2\n    + line two\n"), "{text}");
    assert!(text.contains("    -     \"de\",\n    +     \"fr\",\n"), "{text}");
    // Each failure points at the test's own line, not into chai or the controller.
    for line in
        ["test/chains.test.js:70:", "test/chains.test.js:74:", "test/chains.test.js:78:", "test/chains.test.js:82:"]
    {
        assert_eq!(text.matches(&format!("at {line}")).count(), suites.len(), "{line} in\n{text}");
    }
    assert!(!text.contains("vendor/chai.js") && !text.contains("chai-expect.js"), "{text}");
}

#[test]
fn chai_chains_assert_and_plugins_on_expect_in_node() {
    let project = Project::fixture("chai");
    project.write("proctor.toml", NODE);
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    let mut want = expected(&["node"]);
    want.insert(
        "node|test/require.test.cjs::require(\"proctor\") gives expect with chai's chain, assert, chai and should"
            .into(),
        "passed".into(),
    );
    assert_eq!(outcomes_by_suite(&out), want, "{}\n{}", out.stdout, out.stderr);
    assert_failures_are_explained(&out, &project, &["node"]);
}

#[test]
fn chai_chains_and_async_fake_timers_in_chromium_esm_and_bundled() {
    let _lock = browser_lock();
    let project = Project::fixture("chai");
    project.write(
        "proctor.toml",
        "[[suite]]\nid = \"esm\"\nruntime = \"chromium\"\ntests = [\"test/*.test.js\"]\n\n\
         [[suite]]\nid = \"bundle\"\nruntime = \"chromium\"\nbuild = \"esbuild\"\ntests = [\"test/*.test.js\"]\n",
    );
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    assert_eq!(outcomes_by_suite(&out), expected(&["esm", "bundle"]), "{}\n{}", out.stdout, out.stderr);
    assert_failures_are_explained(&out, &project, &["esm", "bundle"]);
}

const CHAI_DOM_TEST: &str = r##"import chaiDom from "chai-dom";
import { chai, expect, it } from "proctor";

chai.use(chaiDom);

it("chai-dom's assertions reach expect", () => {
  document.body.innerHTML = '<p id="greeting" class="big">hello <b>you</b></p>';
  const p = document.querySelector("#greeting");
  expect(p).to.have.class("big");
  expect(p).to.have.id("greeting");
  expect(p).to.have.text("hello you");
  expect(p).to.contain("b");
  expect(p).not.to.have.class("small");
  expect(document.querySelectorAll("b")).to.have.length(1);
});

it("fails: a chai-dom assertion that does not hold", () => {
  document.body.innerHTML = '<p class="big">x</p>';
  expect(document.querySelector("p")).to.have.class("small");
});
"##;

#[test]
fn chai_dom_from_npm_plugs_into_expect_in_chromium() {
    let Some(deps) = npm_packages("chai-dom", &["chai-dom@1.12.1"]) else { return };
    let project = Project::empty();
    link_node_modules(&deps, project.path());
    project
        .write("package.json", "{ \"type\": \"module\" }\n")
        .write(
            "proctor.toml",
            "[[suite]]\nid = \"esm\"\nruntime = \"chromium\"\ntests = [\"test/*.test.js\"]\n\n\
             [[suite]]\nid = \"bundle\"\nruntime = \"chromium\"\nbuild = \"esbuild\"\ntests = [\"test/*.test.js\"]\n",
        )
        .write("test/dom.test.js", CHAI_DOM_TEST);
    let _lock = browser_lock();
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    let mut want = BTreeMap::new();
    for suite in ["esm", "bundle"] {
        want.insert(format!("{suite}|test/dom.test.js::chai-dom's assertions reach expect"), "passed".to_string());
        want.insert(
            format!("{suite}|test/dom.test.js::fails: a chai-dom assertion that does not hold"),
            "failed".to_string(),
        );
    }
    assert_eq!(outcomes_by_suite(&out), want, "{}\n{}", out.stdout, out.stderr);
    for event in out.events_of("test-finished").iter().filter(|e| e["outcome"] == "failed") {
        let message = event["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("to have class 'small'"), "{event}");
    }
}

const PLUGINS_TEST: &str = r#"import chaiAsPromised from "chai-as-promised";
import sinon from "sinon";
import sinonChai from "sinon-chai";
import { chai, expect, it } from "proctor";

chai.use(sinonChai);
chai.use(chaiAsPromised);

it("sinon-chai's assertions reach expect", () => {
  const spy = sinon.spy();
  spy(1, 2);
  expect(spy).to.have.been.calledOnce;
  expect(spy).to.have.been.calledWith(1, 2);
  expect(spy).not.to.have.been.calledWith(3);
});

it("chai-as-promised's assertions reach expect", async () => {
  await expect(Promise.resolve(3)).to.eventually.equal(3);
  await expect(Promise.reject(new Error("gone"))).to.be.rejectedWith("gone");
});

it("fails: sinon-chai on a spy called once", () => {
  const spy = sinon.spy();
  spy();
  expect(spy).to.have.been.calledTwice;
});

it("fails: chai-as-promised on a wrong value", async () => {
  await expect(Promise.resolve(3)).to.eventually.equal(4);
});
"#;

#[test]
fn sinon_chai_and_chai_as_promised_from_npm_plug_into_expect_in_node() {
    let Some(deps) = npm_packages("chai-plugins", &["sinon@21.0.0", "sinon-chai@4.0.1", "chai-as-promised@8.0.2"])
    else {
        return;
    };
    let project = Project::empty();
    link_node_modules(&deps, project.path());
    project
        .write("package.json", "{ \"type\": \"module\" }\n")
        .write("proctor.toml", NODE)
        .write("test/plugins.test.js", PLUGINS_TEST);
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    let want: BTreeMap<String, String> = [
        ("sinon-chai's assertions reach expect", "passed"),
        ("chai-as-promised's assertions reach expect", "passed"),
        ("fails: sinon-chai on a spy called once", "failed"),
        ("fails: chai-as-promised on a wrong value", "failed"),
    ]
    .iter()
    .map(|(name, outcome)| (format!("node|test/plugins.test.js::{name}"), outcome.to_string()))
    .collect();
    assert_eq!(outcomes_by_suite(&out), want, "{}\n{}", out.stdout, out.stderr);
    let message = |name: &str| out.finished(&format!("test/plugins.test.js::{name}"))["error"]["message"].to_string();
    assert!(message("fails: sinon-chai on a spy called once").contains("called exactly twice"));
    assert!(message("fails: chai-as-promised on a wrong value").contains("expected 3 to equal 4"));
}
