//! Blame: what a deadline that passes, or an error that arrives, is reported against. The
//! controller says when a hook starts (`hook-started`), so a hook that hangs or spins is named
//! as that hook instead of costing the test whose command opened or closed its group; a
//! `beforeAll` that hangs fails its group's tests once; a file whose top level never finishes
//! is a load error for that file. The driver (`driver/`) asks this module for the words and
//! for which tests a hook covers.

use crate::events::{Outcome, TestInfo};
use protocol::HookKind;
use std::path::Path;
use std::time::Duration;

/// A hook the controller said is running.
#[derive(Debug, Clone)]
pub(crate) struct RunningHook {
    /// Which kind.
    pub kind: HookKind,
    /// The test file of its group.
    pub file: String,
    /// Its group's names, outermost first (empty: the file's top level).
    pub groups: Vec<String>,
    /// Where it was declared, already mapped and relative to the root (`file:line:column`).
    pub site: Option<String>,
    /// Its own timeout (`beforeAll(fn, ms)`), if it has one.
    pub timeout: Option<Duration>,
}

impl RunningHook {
    /// The hook in words, e.g. `afterAll hook of "cart > totals" in test/cart.test.js:12:3`.
    pub fn describe(&self) -> String {
        let place = self.site.as_deref().unwrap_or(&self.file);
        if self.groups.is_empty() {
            format!("{} hook at the top level of {place}", self.kind.name())
        } else {
            format!("{} hook of \"{}\" in {place}", self.kind.name(), self.groups.join(" > "))
        }
    }

    /// Whether the deadline of the running command is this hook's own, restarted when it starts
    /// and when it ends. A beforeEach/afterEach hook shares its test's deadline, as in Jest.
    pub fn has_own_deadline(&self) -> bool {
        self.kind.is_group_hook()
    }

    /// How long the hook may run: its own timeout, else `default` (the suite's).
    pub fn limit(&self, default: Duration) -> Duration {
        self.timeout.unwrap_or(default)
    }

    /// Whether `test` is inside this hook's group.
    pub fn covers(&self, test: &TestInfo) -> bool {
        test.file == self.file && test.groups.starts_with(&self.groups)
    }

    /// The error a hook that did not finish in time is reported with.
    pub fn timed_out(&self, after: Duration) -> String {
        format!(
            "{} timed out after {} ms (it never settled, or blocked the event loop); the runtime was restarted",
            self.describe(),
            after.as_millis()
        )
    }
}

/// How the command in progress ended when it did not answer.
pub(crate) enum Ending {
    /// Its deadline passed (the runtime was killed).
    TimedOut(Duration),
    /// The runtime died or closed its connection.
    Crashed {
        /// How, e.g. `exited with code 1`.
        exit: String,
        /// What it printed last, ready to append.
        stderr: String,
    },
}

impl Ending {
    /// The outcome of a test that ended this way.
    pub fn outcome(&self) -> Outcome {
        match self {
            Ending::TimedOut(_) => Outcome::TimedOut,
            Ending::Crashed { .. } => Outcome::Crashed,
        }
    }

    /// The error's name.
    pub fn error_name(&self) -> &'static str {
        match self {
            Ending::TimedOut(_) => "TimeoutError",
            Ending::Crashed { .. } => "RuntimeCrash",
        }
    }

    /// The error of a test that ended this way, in its test body or in its `hook`
    /// (a beforeEach/afterEach).
    pub fn of_test(&self, hook: Option<&RunningHook>) -> String {
        match (self, hook) {
            (Ending::TimedOut(after), None) => format!(
                "test timed out after {} ms (it never settled, or blocked the event loop); the runtime was restarted",
                after.as_millis()
            ),
            (Ending::TimedOut(after), Some(hook)) => hook.timed_out(*after),
            (Ending::Crashed { exit, stderr }, None) => {
                format!("the runtime {exit} while this test was running{stderr}")
            }
            (Ending::Crashed { exit, stderr }, Some(hook)) => {
                format!("the runtime {exit} while the {} was running{stderr}", hook.describe())
            }
        }
    }

    /// The error of a hook that ended this way.
    pub fn of_hook(&self, hook: &RunningHook) -> String {
        match self {
            Ending::TimedOut(after) => hook.timed_out(*after),
            Ending::Crashed { exit, stderr } => {
                format!("the runtime {exit} while the {} was running{stderr}", hook.describe())
            }
        }
    }

    /// Why the runtime is restarted, for `RuntimeRestarted`.
    pub fn restart_reason(&self, what: &str) -> String {
        match self {
            Ending::TimedOut(_) => format!("{what} timed out"),
            Ending::Crashed { exit, .. } => format!("the runtime {exit} during {what}"),
        }
    }
}

/// A stack-frame location (`file:///root/test/a.test.js:3:5`, as the controller captured it,
/// after source-map mapping) as a user reads it: relative to the root where it lies inside.
pub(crate) fn display_site(root: &Path, mapped: &str) -> String {
    let text = mapped.trim().trim_start_matches("at ").trim();
    let path = text.strip_prefix("file://").unwrap_or(text);
    let root = root.to_string_lossy();
    match path.strip_prefix(root.as_ref()) {
        Some(rest) if rest.starts_with('/') => rest.trim_start_matches('/').to_string(),
        _ => path.to_string(),
    }
}

/// Why a file is a load error when its top level never finished.
pub(crate) fn load_stalled(file: &str, after: Duration) -> String {
    format!(
        "{file}: its top level did not finish within {} ms (an endless loop, or an await that never settles); \
         none of its tests ran (the other files were loaded in a fresh runtime; PROCTOR_LOAD_TIMEOUT sets the wait)",
        after.as_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RuntimeKind;
    use crate::events::TestId;

    fn hook(kind: HookKind, groups: &[&str]) -> RunningHook {
        RunningHook {
            kind,
            file: "test/a.test.js".into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            site: Some("test/a.test.js:3:5".into()),
            timeout: None,
        }
    }

    fn test_in(file: &str, groups: &[&str]) -> TestInfo {
        TestInfo {
            id: TestId(format!("{file}::t")),
            suite: "unit".into(),
            runtime: RuntimeKind::Node,
            instance: None,
            file: file.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            name: "t".into(),
            tags: vec![],
            location: None,
        }
    }

    #[test]
    fn hooks_are_named_by_kind_group_and_place() {
        assert_eq!(
            hook(HookKind::AfterAll, &["cart", "totals"]).describe(),
            r#"afterAll hook of "cart > totals" in test/a.test.js:3:5"#
        );
        assert_eq!(hook(HookKind::BeforeAll, &[]).describe(), "beforeAll hook at the top level of test/a.test.js:3:5");
        assert!(hook(HookKind::BeforeAll, &[]).has_own_deadline());
        assert!(!hook(HookKind::BeforeEach, &[]).has_own_deadline());
    }

    #[test]
    fn a_hook_covers_the_tests_of_its_group_only() {
        let outer = hook(HookKind::BeforeAll, &["cart"]);
        assert!(outer.covers(&test_in("test/a.test.js", &["cart"])));
        assert!(outer.covers(&test_in("test/a.test.js", &["cart", "inner"])));
        assert!(!outer.covers(&test_in("test/a.test.js", &["other"])));
        assert!(!outer.covers(&test_in("test/a.test.js", &[])));
        assert!(!outer.covers(&test_in("test/b.test.js", &["cart"])));
        assert!(hook(HookKind::BeforeAll, &[]).covers(&test_in("test/a.test.js", &["any"])));
    }

    #[test]
    fn sites_are_shown_relative_to_the_root() {
        let root = Path::new("/p/project");
        assert_eq!(display_site(root, "file:///p/project/test/a.test.js:3:5"), "test/a.test.js:3:5");
        assert_eq!(display_site(root, "    at /p/project/src/x.ts:1:2"), "src/x.ts:1:2");
        assert_eq!(display_site(root, "http://127.0.0.1:4000/bundle.js:1:2"), "http://127.0.0.1:4000/bundle.js:1:2");
        assert_eq!(display_site(root, "file:///p/project-other/a.js:1:1"), "/p/project-other/a.js:1:1");
    }
}
