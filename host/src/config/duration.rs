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

/// A duration the way a user writes it in proctor.toml or `--timeout`: `5s`, `500ms`, `2m`,
/// `1.5ms`; the shortest unit that shows it exactly. `--print-config` shows durations so, rather
/// than serde's `{"secs":5,"nanos":0}`, and [`parse_duration`] reads them back unchanged.
pub fn format_duration(duration: Duration) -> String {
    let micros = duration.as_micros();
    match micros {
        0 => "0ms".to_string(),
        m if m % 60_000_000 == 0 => format!("{}m", m / 60_000_000),
        m if m % 1_000_000 == 0 => format!("{}s", m / 1_000_000),
        m if m % 1_000 == 0 => format!("{}ms", m / 1_000),
        m => format!("{}ms", m as f64 / 1000.0),
    }
}

/// Serde `serialize_with` for a duration field of a printed config (see [`format_duration`]).
pub fn serialize<S: serde::Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format_duration(*duration))
}

/// Serde `serialize_with` for an optional duration field of a printed config.
pub fn serialize_option<S: serde::Serializer>(duration: &Option<Duration>, serializer: S) -> Result<S::Ok, S::Error> {
    match duration {
        Some(duration) => serialize(duration, serializer),
        None => serializer.serialize_none(),
    }
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

    #[test]
    fn formats_durations_as_written_and_reads_them_back() {
        for (text, duration) in [
            ("5s", Duration::from_secs(5)),
            ("500ms", Duration::from_millis(500)),
            ("1500ms", Duration::from_millis(1500)),
            ("2m", Duration::from_secs(120)),
            ("90s", Duration::from_secs(90)),
            ("0.25ms", Duration::from_micros(250)),
        ] {
            assert_eq!(format_duration(duration), text);
            assert_eq!(parse_duration(text), Some(duration), "{text} reads back");
        }
    }
}
