//! `Burst`: the adaptive debounce of `proctor watch`. Raw file events (from `notify`) that
//! matter are gathered into one burst, and the burst ends once the files have been quiet for a
//! window that starts short and grows while the burst goes on: a single save reruns after
//! [`FIRST_WINDOW`] (a save's result shows within 100 ms on node), while an editor's save-all,
//! whose writes may be spread over more than 100 ms on a loaded machine, is still one rerun.
//!
//! The window after each event is the first window, plus how long the burst has lasted, plus
//! [`PER_FILE`] for every file after the first, capped by `--debounce`: the longer and wider a
//! burst, the longer a pause it tolerates before it counts as over. It is not a fixed delay per
//! event (what `notify-debouncer-full` does), which held back a file that kept changing and cut
//! a slow save-all in two.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The quiet time that ends a burst of one save: long enough for the events of one write (a
/// truncate and a write, or an editor's write to a temporary file and its rename) to arrive.
pub(crate) const FIRST_WINDOW: Duration = Duration::from_millis(20);

/// What each further file adds to the window: several files changing at once is a save-all,
/// whose next file may well be some way off.
pub(crate) const PER_FILE: Duration = Duration::from_millis(10);

/// A burst of file events being gathered.
#[derive(Debug)]
pub(crate) struct Burst {
    started: Instant,
    last: Instant,
    files: BTreeSet<PathBuf>,
    cap: Duration,
}

impl Burst {
    /// A burst that begins with an event at `now`; `cap` (`--debounce`) is the longest quiet
    /// time it waits for.
    pub(crate) fn start(now: Instant, cap: Duration) -> Burst {
        Burst { started: now, last: now, files: BTreeSet::new(), cap }
    }

    /// Counts an event at `now` on `path`: it extends the burst.
    pub(crate) fn note(&mut self, now: Instant, path: &Path) {
        self.last = self.last.max(now);
        if !self.files.contains(path) {
            self.files.insert(path.to_path_buf());
        }
    }

    /// How long the files must now stay quiet for the burst to be over.
    pub(crate) fn window(&self) -> Duration {
        let lasted = self.last.saturating_duration_since(self.started);
        let wide = PER_FILE * self.files.len().saturating_sub(1).min(1000) as u32;
        (FIRST_WINDOW + lasted + wide).min(self.cap)
    }

    /// When the burst is over if nothing more happens.
    pub(crate) fn deadline(&self) -> Instant {
        self.last + self.window()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAP: Duration = Duration::from_millis(200);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_single_save_waits_only_the_first_window() {
        let t0 = Instant::now();
        let mut burst = Burst::start(t0, CAP);
        burst.note(t0, Path::new("/p/a.js"));
        burst.note(t0 + ms(1), Path::new("/p/a.js"));
        assert_eq!(burst.window(), FIRST_WINDOW + ms(1));
        assert_eq!(burst.deadline(), t0 + ms(1) + FIRST_WINDOW + ms(1));
    }

    #[test]
    fn the_window_grows_with_the_bursts_length_and_its_files() {
        let t0 = Instant::now();
        let mut burst = Burst::start(t0, CAP);
        burst.note(t0, Path::new("/p/a.js"));
        burst.note(t0 + ms(30), Path::new("/p/b.js"));
        burst.note(t0 + ms(40), Path::new("/p/c.js"));
        assert_eq!(burst.window(), FIRST_WINDOW + ms(40) + PER_FILE * 2);
        // A save-all spread over 150 ms tolerates a pause longer than any so far.
        for i in 0..20u64 {
            burst.note(t0 + ms(40 + i * 6), Path::new(&format!("/p/f{i}.js")));
        }
        assert!(burst.window() >= ms(150), "{:?}", burst.window());
    }

    #[test]
    fn debounce_caps_the_window() {
        let t0 = Instant::now();
        let mut burst = Burst::start(t0, ms(100));
        for i in 0..50u64 {
            burst.note(t0 + ms(i * 10), Path::new("/p/leaf.js"));
        }
        assert_eq!(burst.window(), ms(100));
        assert_eq!(Burst::start(t0, Duration::ZERO).window(), Duration::ZERO);
    }

    #[test]
    fn an_event_reported_late_does_not_move_the_burst_back() {
        let t0 = Instant::now();
        let mut burst = Burst::start(t0 + ms(5), CAP);
        burst.note(t0, Path::new("/p/a.js"));
        assert_eq!(burst.deadline(), t0 + ms(5) + FIRST_WINDOW);
    }
}
