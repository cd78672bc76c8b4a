//! Durations as users write them: `5000` (milliseconds), `"500ms"`, `"5s"`, `"1m"`.

use std::time::Duration;

/// Parses a duration; a bare number is milliseconds. Returns `None` for anything else.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (number, unit_ms) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60_000.0)
    } else {
        (text, 1.0)
    };
    let value: f64 = number.trim().parse().ok()?;
    if !value.is_finite() || value <= 0.0 {
        return None;
    }
    Some(Duration::from_micros((value * unit_ms * 1000.0).round() as u64))
}

/// A duration from the environment variable `name` (in any form [`parse_duration`] reads), or
/// `default` when it is unset or unreadable.
pub fn env_duration(name: &str, default: Duration) -> Duration {
    std::env::var(name).ok().and_then(|text| parse_duration(&text)).unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(parse_duration("5000"), Some(Duration::from_secs(5)));
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
    }

    #[test]
    fn rejects_nonsense_and_non_positive_values() {
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration("0"), None);
        assert_eq!(parse_duration("-3s"), None);
        assert_eq!(parse_duration(""), None);
    }
}
