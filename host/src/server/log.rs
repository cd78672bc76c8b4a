//! The servers' log of refusals, rate-limited: a client that floods a server with bad requests
//! (wrong token, wrong origin, malformed frames) must not flood the terminal with one line each.
//! At most [`LINES_PER_SECOND`] such lines are printed in any one second; beyond that one line says
//! the rest are suppressed, and the next line after the second is over says how many were.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many refusal lines one second may print.
pub(crate) const LINES_PER_SECOND: u32 = 10;

const WINDOW: Duration = Duration::from_secs(1);

#[derive(Debug)]
struct Window {
    start: Instant,
    printed: u32,
    suppressed: u64,
}

static LOG: Mutex<Option<Window>> = Mutex::new(None);

/// Prints one refusal line to stderr, unless this second has printed its share already.
pub(crate) fn refusal(args: std::fmt::Arguments<'_>) {
    let now = Instant::now();
    let mut log = LOG.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    for line in admit(&mut log, now, args.to_string()) {
        errln!("{line}");
    }
}

/// The lines to print for one refusal at `now`.
fn admit(log: &mut Option<Window>, now: Instant, line: String) -> Vec<String> {
    let mut lines = Vec::new();
    let window = match log {
        Some(window) if now.duration_since(window.start) < WINDOW => window,
        _ => {
            if let Some(Window { suppressed: n @ 1.., .. }) = log {
                lines.push(format!(
                    "proctor: {n} more refusal log line{} suppressed",
                    if *n == 1 { " was" } else { "s were" }
                ));
            }
            log.insert(Window { start: now, printed: 0, suppressed: 0 })
        }
    };
    if window.printed < LINES_PER_SECOND {
        window.printed += 1;
        lines.push(line);
    } else {
        if window.suppressed == 0 {
            lines.push(format!(
                "proctor: more than {LINES_PER_SECOND} refusals in a second; suppressing their log lines for the rest of it"
            ));
        }
        window.suppressed += 1;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_prints_a_bounded_number_of_lines_and_counts_the_rest() {
        let mut log = None;
        let start = Instant::now();
        let printed: Vec<String> = (0..1000).flat_map(|i| admit(&mut log, start, format!("refused {i}"))).collect();
        assert_eq!(printed.len(), LINES_PER_SECOND as usize + 1, "{printed:?}");
        assert!(printed.last().unwrap().contains("suppressing"), "{printed:?}");
        let next = admit(&mut log, start + WINDOW, "refused again".into());
        assert_eq!(
            next,
            vec!["proctor: 990 more refusal log lines were suppressed".to_string(), "refused again".into()]
        );
        assert_eq!(admit(&mut log, start + WINDOW, "and again".into()), vec!["and again".to_string()]);
    }
}
