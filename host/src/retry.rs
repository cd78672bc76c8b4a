//! Retries and repeats: how many tries a test gets (`--retries`, `retries` in a suite or a
//! `[tags.NAME]` table, the test's own `retry`), and how often each selected test runs
//! (`--repeat`, `--repeat-until-fail`, `--repeat-for`, `--hunt`).
//!
//! Retries are tries of one result: a test that fails and then passes is *flaky*, one result.
//! Repeats are independent results (nextest's stress runs, Vitest's `repeats`): each repeat is
//! reported and counted, with retries of its own.

use serde::Serialize;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// How many retries the tests of one suite get, before a test's own setting.
#[derive(Debug, Clone, Default)]
pub struct Retries {
    /// The suite's `retries`.
    pub suite: u32,
    /// `--retries`: wins over the suite's and the tags'.
    pub cli: Option<u32>,
    /// `[tags.NAME] retries`: a test with several such tags gets the largest.
    pub by_tag: BTreeMap<String, u32>,
    /// The pause before each retry (`retry-delay`, `--retry-delay`).
    pub delay: Duration,
}

impl Retries {
    /// A suite's retries, with the command line's.
    pub fn for_suite(config: &crate::config::Config, suite: &crate::config::SuiteConfig) -> Self {
        Retries {
            suite: suite.retries,
            cli: config.retries_override,
            by_tag: suite.tag_retries.clone(),
            delay: config.retry_delay_override.unwrap_or(suite.retry_delay),
        }
    }

    /// The retries of a test with these tags and, maybe, its own count (`{ retry: n }`,
    /// `this.retries(n)` in its describe, `jest.retryTimes(n)`), which wins as in Vitest.
    pub fn for_test(&self, own: Option<u32>, tags: &[String]) -> u32 {
        own.or(self.cli)
            .or_else(|| tags.iter().filter_map(|tag| self.by_tag.get(tag)).max().copied())
            .unwrap_or(self.suite)
    }
}

/// What a flaky test (failed, then passed on a retry) does to the exit code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum FlakyResult {
    /// It passes the run (nextest's and Vitest's default).
    #[default]
    Pass,
    /// It fails the run.
    Fail,
}

/// How often each selected test runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "mode")]
pub enum Repeat {
    /// Once (no repeat).
    #[default]
    Once,
    /// `--repeat N`: N times each.
    Times { count: u32 },
    /// `--repeat-until-fail [MAX]`: each test until its first failure, at most `max` times.
    UntilFail { max: u32 },
    /// `--repeat-for DURATION`: each test again and again until its share of the time is up.
    For {
        #[serde(serialize_with = "serialize_duration")]
        total: Duration,
    },
    /// `--hunt`: each test until it has flipped, or until a streak of equal results bounds its
    /// failure (or pass) rate below `max_rate` with `confidence`.
    Hunt { confidence: f64, max_rate: f64 },
}

fn serialize_duration<S: serde::Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format!("{}ms", duration.as_millis()))
}

/// The tries one dispatch of a test has: its retries, the number of its first try (later than
/// 1 after a timeout or crash cost a restart), and which repeat it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tries {
    /// How many times a failing try is tried again, in all (tries before `first` included).
    pub retries: u32,
    /// The number of the first try of this dispatch, from 1.
    pub first: u32,
    /// Which run of the test, from 1, under a repeat mode.
    pub repeat: Option<u32>,
}

impl Tries {
    /// A first dispatch with these retries.
    pub fn new(retries: u32, repeat: Option<u32>) -> Self {
        Tries { retries, first: 1, repeat }
    }
}

impl Repeat {
    /// True when every test runs once.
    pub fn is_once(&self) -> bool {
        matches!(self, Repeat::Once | Repeat::Times { count: 0 | 1 })
    }

    /// How many runs are known up front (`--repeat N`); the others decide after each run.
    pub fn fixed(&self) -> Option<u32> {
        match self {
            Repeat::Once => Some(1),
            Repeat::Times { count } => Some((*count).max(1)),
            _ => None,
        }
    }

    /// How many runs a test gets up front, given its own Vitest `repeats` (runs after the
    /// first): its own count wins over `--repeat N`, as Vitest's test option wins over its
    /// config; the modes that decide after each run (`--hunt`, ...) win over it.
    pub fn runs_of(&self, own_repeats: Option<u32>) -> Option<u32> {
        match (self.fixed(), own_repeats) {
            (Some(_), Some(repeats)) => Some(repeats.saturating_add(1)),
            (fixed, _) => fixed,
        }
    }
}

/// The streak of equal results after which `--hunt` stops: the smallest n with
/// `(1 - rate)^n <= 1 - confidence`, i.e. n = ceil(ln(1 - confidence) / ln(1 - rate)).
/// 95 % and 1 % give 299.
pub fn hunt_bound(confidence: f64, max_rate: f64) -> u32 {
    let n = (1.0 - confidence).ln() / (1.0 - max_rate).ln();
    // A hair below an integer is float noise, not another run.
    (n - 1e-9).ceil().max(1.0) as u32
}

/// What `--hunt` concluded about one test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HuntVerdict {
    /// It both passed and failed: flaky.
    Flipped,
    /// It passed every run of a streak long enough to bound its failure rate.
    Stable,
    /// It failed every run of such a streak: broken, not flaky.
    AlwaysFails,
    /// The run ended (interrupted, `--fail-fast`) before either.
    Undecided,
}

impl HuntVerdict {
    /// How reporters say it, e.g. `stable: passed 299 of 299 runs, failure rate < 1% at 95%`.
    pub fn describe(self, runs: u32, failures: u32, confidence: f64, max_rate: f64) -> String {
        let bound = format!("rate < {}% at {}% confidence", pct(max_rate), pct(confidence));
        match self {
            HuntVerdict::Flipped => format!("flipped: failed {failures} of {runs} runs"),
            HuntVerdict::Stable => format!("stable: passed {runs} of {runs} runs, failure {bound}"),
            HuntVerdict::AlwaysFails => format!("always fails: failed {failures} of {runs} runs, pass {bound}"),
            HuntVerdict::Undecided => format!("undecided: failed {failures} of {runs} runs before the run ended"),
        }
    }
}

fn pct(fraction: f64) -> String {
    let value = fraction * 100.0;
    if (value - value.round()).abs() < 1e-9 {
        format!("{}", value.round() as i64)
    } else {
        format!("{value}")
    }
}

/// The runs of one test so far under a repeat mode that decides as it goes.
#[derive(Debug, Clone)]
pub struct RepeatState {
    /// Runs finished.
    pub runs: u32,
    /// Of which failed (flaky counts as passed: it passed in the end).
    pub failures: u32,
    /// The current streak of equal results.
    streak: u32,
    last_failed: Option<bool>,
    started: Instant,
}

impl RepeatState {
    /// Starts counting (the clock of `--repeat-for` starts now).
    pub fn new() -> Self {
        RepeatState { runs: 0, failures: 0, streak: 0, last_failed: None, started: Instant::now() }
    }

    /// Records one run; returns true when another run follows. `share`: with `--repeat-for`,
    /// this test's part of the duration.
    pub fn record(&mut self, failed: bool, repeat: Repeat, share: Duration) -> bool {
        self.runs += 1;
        self.failures += u32::from(failed);
        self.streak = if self.last_failed == Some(failed) { self.streak + 1 } else { 1 };
        self.last_failed = Some(failed);
        match repeat {
            Repeat::Once => false,
            Repeat::Times { count } => self.runs < count,
            Repeat::UntilFail { max } => !failed && self.runs < max,
            Repeat::For { .. } => self.started.elapsed() < share,
            Repeat::Hunt { confidence, max_rate } => self.hunt_verdict(confidence, max_rate).is_none(),
        }
    }

    /// `--hunt`'s verdict so far: None while undecided.
    pub fn hunt_verdict(&self, confidence: f64, max_rate: f64) -> Option<HuntVerdict> {
        if self.failures > 0 && self.failures < self.runs {
            Some(HuntVerdict::Flipped)
        } else if self.streak >= hunt_bound(confidence, max_rate) {
            Some(if self.failures == 0 { HuntVerdict::Stable } else { HuntVerdict::AlwaysFails })
        } else {
            None
        }
    }
}

impl Default for RepeatState {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hunt_bound_is_the_rule_of_three_exactly() {
        assert_eq!(hunt_bound(0.95, 0.01), 299);
        assert_eq!(hunt_bound(0.95, 0.05), 59);
        assert_eq!(hunt_bound(0.99, 0.01), 459);
        assert_eq!(hunt_bound(0.5, 0.5), 1);
    }

    #[test]
    fn a_test_s_own_retry_wins_then_the_command_line_then_tags_then_the_suite() {
        let retries = Retries {
            suite: 1,
            cli: None,
            by_tag: BTreeMap::from([("slow".to_string(), 3), ("net".to_string(), 5)]),
            delay: Duration::ZERO,
        };
        assert_eq!(retries.for_test(None, &[]), 1);
        assert_eq!(retries.for_test(None, &["slow".into(), "net".into()]), 5);
        assert_eq!(retries.for_test(Some(0), &["net".into()]), 0);
        let cli = Retries { cli: Some(2), ..retries };
        assert_eq!(cli.for_test(None, &["net".into()]), 2);
        assert_eq!(cli.for_test(Some(4), &[]), 4);
    }

    #[test]
    fn a_test_s_own_repeats_win_over_repeat_n_but_not_over_the_deciding_modes() {
        assert_eq!(Repeat::Once.runs_of(None), Some(1));
        assert_eq!(Repeat::Once.runs_of(Some(3)), Some(4), "Vitest: repeats 3 is 4 runs");
        assert_eq!(Repeat::Times { count: 5 }.runs_of(None), Some(5));
        assert_eq!(Repeat::Times { count: 5 }.runs_of(Some(0)), Some(1), "its own 0 included");
        assert_eq!(Repeat::UntilFail { max: 10 }.runs_of(Some(3)), None);
    }

    #[test]
    fn repeats_stop_when_their_mode_says() {
        let mut times = RepeatState::new();
        let three = Repeat::Times { count: 3 };
        assert!(times.record(false, three, Duration::ZERO));
        assert!(times.record(true, three, Duration::ZERO));
        assert!(!times.record(false, three, Duration::ZERO));
        assert_eq!((times.runs, times.failures), (3, 1));

        let mut until = RepeatState::new();
        let max = Repeat::UntilFail { max: 10 };
        assert!(until.record(false, max, Duration::ZERO));
        assert!(!until.record(true, max, Duration::ZERO));

        let hunt = Repeat::Hunt { confidence: 0.5, max_rate: 0.2 };
        let mut stable = RepeatState::new();
        let bound = hunt_bound(0.5, 0.2);
        assert_eq!(bound, 4);
        for _ in 1..bound {
            assert!(stable.record(false, hunt, Duration::ZERO));
        }
        assert!(!stable.record(false, hunt, Duration::ZERO));
        assert_eq!(stable.hunt_verdict(0.5, 0.2), Some(HuntVerdict::Stable));

        let mut flips = RepeatState::new();
        assert!(flips.record(false, hunt, Duration::ZERO));
        assert!(!flips.record(true, hunt, Duration::ZERO));
        assert_eq!(flips.hunt_verdict(0.5, 0.2), Some(HuntVerdict::Flipped));
    }

    #[test]
    fn verdicts_say_the_counts_and_the_bound() {
        assert_eq!(
            HuntVerdict::Stable.describe(299, 0, 0.95, 0.01),
            "stable: passed 299 of 299 runs, failure rate < 1% at 95% confidence"
        );
        assert_eq!(HuntVerdict::Flipped.describe(7, 2, 0.95, 0.01), "flipped: failed 2 of 7 runs");
    }
}
