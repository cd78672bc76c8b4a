//! Autorun (see [`protocol::Autorun`]): with a fresh realm per file, the next file's `load`
//! goes out behind the previous file's last test, and may ask the controller to start the
//! file's tests itself, saving the round trip between `loaded` and the first `run-test` at every
//! file boundary. The host asks only where its own schedule for the file is bound to be exactly
//! what the controller will run, and checks that against what the file registered: when it is
//! not, the runtime is replaced, since the controller is already running them.

use super::*;
use protocol::{Autorun, TestMode};

/// Command ids set aside for one file's autorun: more than any file registers.
pub(super) const AUTORUN_IDS: CommandId = 1 << 24;

/// Whether the suite's settings and plan allow autoruns at all: every test runs once, in
/// registration order, with no retries and no test filters, and no file's plan holds an `only`
/// (mocha's `only` in any file may leave another file's tests out). The same for every file of
/// the suite, so asked once, not at each file boundary.
pub(super) fn suite_allows_autorun(settings: &SuiteSettings<'_>) -> bool {
    let suite = settings.suite;
    settings.repeat.is_once()
        && settings.seed.is_none()
        && settings.order.is_none()
        && settings.retries.cli.unwrap_or(settings.retries.suite) == 0
        && settings.retries.by_tag.is_empty()
        && !settings.selection.filters_tests(&suite.id)
        && suite.files.iter().all(|file| file.tests().iter().all(|(_, t)| t.mode != TestMode::Only))
}

impl<L: Launch> Driver<'_, '_, L> {
    /// The autorun for the `load` of `next`, when the suite allows autoruns and every planned
    /// test of `next` is a plain `it` that may run.
    pub(super) fn autorun_for(&mut self, next: &str) -> Option<Autorun> {
        let all_run =
            || {
                self.settings.suite.files.iter().find(|file| file.path == next).is_some_and(|file| {
                    file.tests().iter().all(|(_, t)| t.mode == TestMode::Run && t.decision.may_run())
                })
            };
        if !(self.autorun_allowed && all_run()) {
            return None;
        }
        let first = self.next_command;
        self.next_command += AUTORUN_IDS;
        Some(Autorun { first, timeout: self.suite_timeout().as_millis() as u64 })
    }
}

/// Whether `scheduled`, the host's schedule for the `registered` tests, runs exactly what the
/// controller autoruns: every test of mode `run` in registration order, with its own timeout or
/// the autorun's, on a first try without retries; nothing else.
pub(super) fn autorun_matches(autorun: &Autorun, registered: &[RegisteredTest], scheduled: &[Scheduled]) -> bool {
    let ran = registered
        .iter()
        .filter(|test| test.mode == TestMode::Run)
        .map(|test| (test.id.as_str(), Duration::from_millis(test.timeout.unwrap_or(autorun.timeout))));
    let planned = scheduled.iter().filter_map(|s| match &s.disposition {
        Disposition::Run { timeout, tries } if *tries == Tries::new(0, None) => Some((s.info.id.0.as_str(), *timeout)),
        // A run the controller would not make the same way: never equal to one it does.
        Disposition::Run { .. } => Some(("", Duration::MAX)),
        Disposition::Skip { .. } => None,
    });
    ran.eq(planned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::select::SkipCause;

    fn registered(id: &str, mode: TestMode, timeout: Option<u64>) -> RegisteredTest {
        RegisteredTest {
            id: format!("f.test.js::{id}"),
            file: "f.test.js".into(),
            groups: vec![],
            name: id.into(),
            mode,
            tags: vec![],
            timeout,
            retries: None,
            repeats: None,
        }
    }

    fn scheduled(id: &str, disposition: Disposition) -> Scheduled {
        Scheduled {
            info: Arc::new(TestInfo {
                id: TestId(format!("f.test.js::{id}")),
                suite: "unit".into(),
                runtime: crate::config::RuntimeKind::Node,
                instance: None,
                file: "f.test.js".into(),
                groups: vec![],
                name: id.into(),
                tags: vec![],
                location: None,
            }),
            disposition,
        }
    }

    fn run(ms: u64) -> Disposition {
        Disposition::Run { timeout: Duration::from_millis(ms), tries: Tries::new(0, None) }
    }

    fn skip() -> Disposition {
        let reason = SkipReason::new(SkipCause::SkippedItself, "skip");
        Disposition::Skip { kind: reason.kind(), reason }
    }

    #[test]
    fn the_schedule_matches_an_autorun_only_when_it_runs_exactly_the_run_mode_tests() {
        let autorun = Autorun { first: 1 << 24, timeout: 5000 };
        let tests = [
            registered("a", TestMode::Run, None),
            registered("b", TestMode::Skip, None),
            registered("c", TestMode::Run, Some(300)),
        ];
        let same = [scheduled("a", run(5000)), scheduled("b", skip()), scheduled("c", run(300))];
        assert!(autorun_matches(&autorun, &tests, &same));
        // A planned test that did not register is reported as not run: still the same runs.
        let with_missing =
            [scheduled("a", run(5000)), scheduled("gone", skip()), scheduled("b", skip()), scheduled("c", run(300))];
        assert!(autorun_matches(&autorun, &tests, &with_missing));
        // The host would skip one the controller runs (a filter), time one otherwise, retry one,
        // run them in another order, or run one the controller skips: never the same.
        let filtered = [scheduled("a", skip()), scheduled("b", skip()), scheduled("c", run(300))];
        let timed = [scheduled("a", run(2000)), scheduled("b", skip()), scheduled("c", run(300))];
        let retried = [
            scheduled("a", Disposition::Run { timeout: Duration::from_millis(5000), tries: Tries::new(2, None) }),
            scheduled("b", skip()),
            scheduled("c", run(300)),
        ];
        let shuffled = [scheduled("c", run(300)), scheduled("b", skip()), scheduled("a", run(5000))];
        let more = [scheduled("a", run(5000)), scheduled("b", run(5000)), scheduled("c", run(300))];
        for other in [&filtered[..], &timed, &retried, &shuffled, &more] {
            assert!(!autorun_matches(&autorun, &tests, other));
        }
    }
}
