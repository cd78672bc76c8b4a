//! End to end: mock functions and spies (`fn`, `spyOn`, the `jest` and `vi` globals), the call
//! matchers and fake timers, in real node and real Chromium, with a failing call matcher's diff;
//! a spy or fake timers one file leaves behind are gone in the next.

use proctor_e2e::Project;

#[test]
fn mocks_spies_and_fake_timers_work_in_node_and_chromium() {
    let _browser = proctor_e2e::browser_lock();
    let project = Project::fixture("mocks");
    let out = project.run(&["run", "--reporter", "json"]);
    out.assert_code(1);
    let outcomes = out.outcomes_by_runtime();
    for runtime in ["node", "chromium"] {
        let expected = [
            ("api.test.js::mocks::records calls and return values", "passed"),
            ("api.test.js::mocks::spies call through and are restored", "passed"),
            ("api.test.js::mocks::vi.fn resolves values", "passed"),
            ("api.test.js::mocks::leaves a spy on Math.hypot for the next file", "passed"),
            ("api.test.js::mocks::fails with the calls it got", "failed"),
            ("globals.test.js::jest global::jest.fn and jest.spyOn on console", "passed"),
            ("globals.test.js::jest global::console.warn is restored after each test", "passed"),
            ("globals.test.js::jest global::gets the real Math.hypot back after the other file", "passed"),
            ("globals.test.js::jest global::is not called", "passed"),
            ("timers.test.js::debounces with fake timers", "passed"),
            ("timers.test.js::sets the system time", "passed"),
            ("z-after.test.js::has real timers and Date again", "passed"),
        ];
        for (id, outcome) in expected {
            let key = format!("{runtime}|{id}");
            assert_eq!(outcomes.get(&key).map(String::as_str), Some(outcome), "{key}: {outcomes:?}");
        }
    }
    assert_eq!(outcomes.len(), 24, "{outcomes:?}");

    let failed = out.finished("api.test.js::mocks::fails with the calls it got");
    let message = failed["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("toHaveBeenCalledWith(...expected)"), "{message}");
    assert!(message.contains(r#"Received calls: 1: [{"id": 1, "name": "first"}]"#), "{message}");
    assert!(failed["error"]["expected"].as_str().unwrap_or_default().contains("second"), "{failed}");
    assert!(failed["error"]["actual"].as_str().unwrap_or_default().contains("first"), "{failed}");

    let text = project.run(&["run", "--reporter", "documentation", "api.test.js"]);
    assert!(text.stdout.contains(r#"-     "name": "second","#), "a diff of the arguments: {}", text.stdout);
    assert!(text.stdout.contains(r#"+     "name": "first","#), "{}", text.stdout);
}
