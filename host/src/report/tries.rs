//! How the terminal and text reporters word retries and repeats, in one place so every reporter
//! says the same: `FLAKY (passed on try 2 of 3)`, `failed all 3 tries`, `run 4`.

use crate::events::{Attempt, Outcome};

/// The note after a finished test's name, or nothing for a test's only try: `FLAKY (passed on
/// try 2 of 3)`, `(failed all 3 tries)`, `(run 4)`.
pub(crate) fn note(outcome: Outcome, attempt: &Attempt) -> Option<String> {
    let tries = match outcome {
        Outcome::Flaky => Some(format!("FLAKY (passed on try {} of {})", attempt.attempt, attempt.attempts)),
        _ if attempt.attempt > 1 && outcome.is_failure() => Some(format!("(failed all {} tries)", attempt.attempt)),
        _ => None,
    };
    let repeat = attempt.repeat.map(|run| format!("(run {run})"));
    match (tries, repeat) {
        (None, None) => None,
        (Some(text), None) | (None, Some(text)) => Some(text),
        (Some(tries), Some(repeat)) => Some(format!("{tries} {repeat}")),
    }
}

/// One failed try that will be retried: `try 1 of 3 failed: <message>`.
pub(crate) fn failed_try(attempt: &Attempt, outcome: Outcome, message: &str) -> String {
    let how = match outcome {
        Outcome::TimedOut => "timed out",
        Outcome::Crashed => "crashed the runtime",
        _ => "failed",
    };
    let first = message.lines().next().unwrap_or_default();
    format!("try {} of {} {how}: {first}", attempt.attempt, attempt.attempts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_flaky_failed_retried_and_repeated_results() {
        let second = Attempt { attempt: 2, attempts: 3, repeat: None };
        assert_eq!(note(Outcome::Flaky, &second).unwrap(), "FLAKY (passed on try 2 of 3)");
        let all = Attempt { attempt: 3, attempts: 3, repeat: Some(4) };
        assert_eq!(note(Outcome::Failed, &all).unwrap(), "(failed all 3 tries) (run 4)");
        assert_eq!(note(Outcome::Passed, &Attempt::ONCE), None);
        assert_eq!(
            failed_try(&second, Outcome::TimedOut, "took too long\nmore"),
            "try 2 of 3 timed out: took too long"
        );
    }
}
